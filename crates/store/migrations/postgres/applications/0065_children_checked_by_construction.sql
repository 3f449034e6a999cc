-- An application's children (its events, its encrypted facts, its member
-- hashes, active or not) no longer carry a foreign key to `applications`
-- on PostgreSQL (issue 11 item 8).
--
-- Why: every submission writes about eight child rows (an event, the facts,
-- and each member twice), and each foreign key ran its own check query
-- with a row lock on the new application, a quarter of the writer
-- backend's time in a profile of 25,000 submissions (`AfterTriggerEndQuery`
-- → `SPI_execute_snapshot`). Every write of the process waits for that one
-- connection. Without the checks: +8 to +27 % submissions per second in
-- three alternating runs (docs/benchmarks.md, "Session 15").
--
-- What still holds the children to their application:
-- * They are written only in the transaction that creates the application
--   (`create_application_replacing_draft`, in one statement with it; the
--   bulk seed; the holdings bench's synthetic households) or after the
--   application's row was read in the same SERIALIZABLE transaction
--   (`append_event`'s event, facts and reactivated members); the store's
--   tests run the same paths on SQLite, which keeps its foreign keys and
--   checks them.
-- * No application is ever deleted or renumbered: the trigger below
--   refuses it, so a child can never lose its parent. It costs nothing on
--   the writes anju makes (no DELETE, no UPDATE of `id`).
ALTER TABLE application_events DROP CONSTRAINT IF EXISTS application_events_application_id_fkey;
ALTER TABLE household_facts DROP CONSTRAINT IF EXISTS household_facts_application_id_fkey;
ALTER TABLE application_members DROP CONSTRAINT IF EXISTS application_members_application_id_fkey;
ALTER TABLE active_members DROP CONSTRAINT IF EXISTS active_members_application_id_fkey;

CREATE FUNCTION applications_are_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'applications are never deleted or renumbered: their events, facts and members refer to them'
        USING ERRCODE = 'restrict_violation';
END
$$;

CREATE TRIGGER applications_are_kept
    BEFORE DELETE OR UPDATE OF id ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_are_kept();

CREATE TRIGGER applications_are_not_truncated
    BEFORE TRUNCATE ON applications
    FOR EACH STATEMENT EXECUTE FUNCTION applications_are_kept();
