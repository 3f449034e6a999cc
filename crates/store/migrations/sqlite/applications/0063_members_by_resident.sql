-- Which applications a person (their resident ID's keyed hash) was a
-- member of, whatever the application's state: the benefit check of every
-- submission asks it (subsidies::grants_in, homes bought by any
-- application the person was in). The key of application_members is
-- (application_id, id_hash), so that question scanned every member row
-- (seen in a profile of PostgreSQL submissions: 64 million rows read for
-- 12,000 submissions; issue 11 item 8), or probed the key once per signed
-- contract, either way growing with the city.
CREATE INDEX application_members_hash ON application_members (id_hash);
