-- "Recently handled first" with a state chosen (the qualified families,
-- one district's rejected ones): with only the update indexes of 0056 and
-- 0057 the list walked every recent change filtering the state (35-44 ms
-- at 10^5 by EXPLAIN ANALYZE, ten times that at 10^6; issue 11 item 4).
-- Same shapes as applications_status and applications_district, on the
-- last change. About 0.25 KB per family, which the storage target now
-- allows (migration 0059).
CREATE INDEX applications_status_updated ON applications (status_code, updated_at, id);
CREATE INDEX applications_district_status_updated ON applications (district, status_code, updated_at, id);
