-- The waitlist read model (issue 11 item 3): what allotment asks of a
-- qualified family, kept on its summary row and written in the same
-- transaction as the event or household facts that change it, so that
-- opening a round never replays events or decrypts facts.
--   scope_code      where the family may buy ('city' / 'county_seat'), while qualified
--   priority_facts  JSON array of the household's "special" facts (priority groups)
--   household_size  number of members
-- NULL priority_facts means "written before this migration": readers fall
-- back to the events and facts for those rows.
ALTER TABLE applications ADD COLUMN scope_code VARCHAR(16);
ALTER TABLE applications ADD COLUMN priority_facts TEXT;
ALTER TABLE applications ADD COLUMN household_size BIGINT;
