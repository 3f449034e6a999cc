-- The last-four-characters search for city-wide staff (issue 11 item 4):
-- the 0009 index leads with the district, so a search without one could
-- not use it.
CREATE INDEX applications_id_tail_only ON applications (substr(masked_id, 15, 4));
