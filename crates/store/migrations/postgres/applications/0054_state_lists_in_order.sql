-- A list narrowed to a state (or a district and a state) is read newest
-- first by (submitted_at, id): with the id missing from these indexes,
-- PostgreSQL preferred walking every application in time order and
-- filtering the state (24 ms for the first page of qualified families at
-- 10^5 when the newest 18,000 were in other states; issue 11 item 4).
-- The id completes the order, so the first page is 20 index entries.
DROP INDEX applications_status;
CREATE INDEX applications_status ON applications (status_code, submitted_at, id);
DROP INDEX applications_district;
CREATE INDEX applications_district ON applications (district, status_code, submitted_at, id);
