-- Event bodies deflated (issue 11 item 7: storage per family). A decision
-- event's JSON is 4-5 KB, most of it each condition's sentence and the same
-- citation repeated per condition; deflated it is about a fifth, and
-- nothing is dropped. New rows leave body_json empty and keep the
-- deflated JSON in body_z; rows written before keep their JSON.
ALTER TABLE application_events ADD COLUMN body_z BYTEA;
