-- Paging a round's entrants (issue 11 item 4): public pages show a window
-- of positions instead of every entrant; before the draw the window is in
-- entrant-file order, and the venue reads called and chosen families by
-- state.
CREATE INDEX allot_entrants_seq ON allot_entrants (project_id, round_no, entrant_seq);
CREATE INDEX allot_entrants_state ON allot_entrants (project_id, round_no, state);
