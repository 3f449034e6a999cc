-- The draw's positions in a narrow table of their own (issue 11 item 3).
--
-- The draw wrote each entrant's draw and calling positions into
-- `allot_entrants`: on PostgreSQL an UPDATE of every entrant row of the
-- round, and since the calling position was indexed no update could be
-- HOT, so each of 70,000 rows got a new version in all five indexes
-- (2.47 s of the 3.6 s draw at 10⁵ families). The draw now INSERTs one
-- narrow row per entrant here, keyed by the entrant's sequence number in
-- the frozen entrant file (dense 1..n per round, like the positions), and
-- a re-draw deletes the round's rows and inserts the new ones (the
-- superseded draw's result stays in `allot_draws.result_file`, which is
-- what the published verification reads). Entrant rows are no longer
-- touched by a draw.
--
-- No foreign key to `allot_rounds`: only the draw writes here, in the
-- transaction that checks the round's status, and rounds are never
-- deleted; the per-row check cost more than the insert itself.
CREATE TABLE allot_positions (
    project_id VARCHAR(64) NOT NULL,
    round_no BIGINT NOT NULL,
    entrant_seq BIGINT NOT NULL,
    draw_position BIGINT NOT NULL,
    call_position BIGINT NOT NULL,
    PRIMARY KEY (project_id, round_no, entrant_seq)
);
CREATE UNIQUE INDEX allot_positions_call ON allot_positions (project_id, round_no, call_position);

INSERT INTO allot_positions (project_id, round_no, entrant_seq, draw_position, call_position)
SELECT project_id, round_no, entrant_seq, draw_position, call_position
FROM allot_entrants WHERE draw_position IS NOT NULL;

DROP INDEX allot_entrants_call;

-- Entrants are looked up by their line to join their positions. The line
-- is unique within a round (the entrant file numbers it), and saying so
-- lets the planner probe this index for each position even before the
-- new round's rows have statistics: without it PostgreSQL, believing the
-- fresh round held one row, scanned the whole round per position (2.4 s
-- for a page of 100 at 7 × 10⁴ entrants).
DROP INDEX allot_entrants_seq;
CREATE UNIQUE INDEX allot_entrants_seq ON allot_entrants (project_id, round_no, entrant_seq);
ALTER TABLE allot_entrants DROP COLUMN draw_position;
ALTER TABLE allot_entrants DROP COLUMN call_position;
