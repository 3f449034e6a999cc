-- anju store, schema version 82: the talent office's additions to the
-- university lists (issue 17). Kept in step between migrations/sqlite and
-- migrations/postgres (identical).
--
-- policies/subsidies/universities.toml ships documented subsets of the
-- lists of 阳政办发〔2022〕39号 二（三）; the talent office completes them
-- here from the official notices, one entry at a time or by file. Each
-- entry carries the list it joins, its names (the first is the one shown,
-- in Chinese; names_json is a JSON array) and the source the official read
-- it from (title, URL or 文号, effective date), with who added it and when.
-- Entries are never overwritten nor deleted: a wrong one is withdrawn with
-- its reason (status 'withdrawn'), stays listed as such, and no longer
-- counts. name_key is the normalised shown name, UNIQUE per list as the
-- last defence against a duplicate (the service checks every name).
CREATE TABLE university_additions (
    id VARCHAR(32) NOT NULL PRIMARY KEY,
    list_key VARCHAR(32) NOT NULL,
    name_key VARCHAR(400) NOT NULL,
    names_json TEXT NOT NULL,
    source_title VARCHAR(800) NOT NULL,
    source_ref VARCHAR(1200) NOT NULL,
    effective VARCHAR(10) NOT NULL,
    added_at VARCHAR(40) NOT NULL,
    added_by VARCHAR(256) NOT NULL,
    import_line BIGINT,
    status VARCHAR(16) NOT NULL,
    withdrawn_at VARCHAR(40),
    withdrawn_by VARCHAR(256),
    withdraw_reason VARCHAR(800),
    UNIQUE (list_key, name_key)
);

-- Which verification relied on an addition: written in the same
-- transaction as the verification step that recorded it.
CREATE TABLE university_addition_uses (
    addition_id VARCHAR(32) NOT NULL,
    application_id VARCHAR(64) NOT NULL,
    at VARCHAR(40) NOT NULL,
    PRIMARY KEY (addition_id, application_id)
);
