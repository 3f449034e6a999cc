-- anju store, schema version 80: a family's stated housing preference given
-- on the application form (issue 15; Loudi 三（三） "户型偏好、区位需求").
-- Kept in step between migrations/sqlite and migrations/postgres.
--
-- Not personal data (docs/acquisition.md, "Preferences on the application
-- form"): the size band, layout and location of the home wanted, which the
-- demand survey counts in clear; so these are plain columns, not part of
-- the encrypted household facts. One row per application at most, written
-- in the submitting transaction and never changed afterwards (a later
-- statement is the company's survey form, kept by acquisition).
CREATE TABLE application_preferences (
    application_id VARCHAR(64) NOT NULL PRIMARY KEY,
    size_band VARCHAR(8) NOT NULL,
    layout VARCHAR(160) NOT NULL,
    location VARCHAR(240) NOT NULL,
    recorded_on VARCHAR(10) NOT NULL
);
