-- District staff see their district's list, often "recently handled
-- first": with only (updated_at, id) PostgreSQL walked the city's changes
-- filtering the district (25 ms for a page of the smallest district at
-- 10^5, ten times that at 10^6). Same shape as applications_district_time.
CREATE INDEX applications_district_updated ON applications (district, updated_at, id);
