-- The work list's search (issue 12, feature 15): by masked name within a
-- district and by the resident ID's last four characters (characters 15–18
-- of the masked ID, `140302********1234`). The expression must match the
-- one in `list_where` for the index to serve it.
CREATE INDEX applications_district_name ON applications (district, masked_name);
CREATE INDEX applications_district_id_tail ON applications (district, substr(masked_id, 15, 4));
