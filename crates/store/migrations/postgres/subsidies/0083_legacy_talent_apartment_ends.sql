-- anju store, schema version 83: early ends of talent-apartment lettings
-- recorded before migration 0081 (issue 17). Kept in step between
-- migrations/sqlite and migrations/postgres (identical).
--
-- Before 0081 a letting was only a benefits-register row (benefit_grants,
-- kind and source 'talent_apartment'): no name, no apartment, no id. The
-- talent-apartment page lists such rows under an id made from the row's
-- key ('TL-' + the first 12 characters of its keyed hash + '-' + its first
-- day, YYYYMMDD). Ending one early sets the row's until_day, sets its
-- source to that id (so the id holds across a key rotation) and records the
-- end here with the planned last day it replaced, in one transaction with
-- the audit entry. The primary key refuses a second end.
CREATE TABLE legacy_talent_apartment_ends (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    planned_until VARCHAR(10),
    ended_on VARCHAR(10) NOT NULL,
    end_reason VARCHAR(800) NOT NULL,
    ended_at VARCHAR(40) NOT NULL,
    ended_by VARCHAR(256) NOT NULL
);
