-- The work list's "recently updated" order pages by keyset on
-- (updated_at, id) like the other orders (issue 11 item 4): without an
-- index every page sorted every application the filter matched.
CREATE INDEX applications_updated ON applications (updated_at, id);
