-- Lists are newest first within a district (staff) or for an owner (a
-- family): indexes that serve the ORDER BY directly, so a page of 20 does
-- not sort the district's whole history.
CREATE INDEX applications_district_time ON applications (district, submitted_at, id);
CREATE INDEX applications_owner_time ON applications (owner_user_id, submitted_at, id);
