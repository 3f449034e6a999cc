-- anju store, schema version 20: subsidies (PostgreSQL and compatible engines). Kept in step with
-- migrations/sqlite/subsidies/0020_subsidies.sql (identical but for this comment and the binary type);
-- portable by the same rules as 0001 (no partial indexes, no ON CONFLICT).
--
-- Subsidy applications and their payments are append-only ledgers: an
-- application's steps are rows of subsidy_events, its schedule is written
-- once when it is approved, and each instalment gets at most one entry
-- (paid or cancelled) in subsidy_payment_entries, whose UNIQUE key is the
-- last defence against paying an instalment twice. benefit_grants is the
-- benefits register: one row per benefit a person holds, keyed by the
-- keyed hash of the resident ID (as active_members is).

-- personal_* is the encrypted {name, resident_id}; facts_json holds no
-- personal data (degree, university kind, years pledged, homes owned).
CREATE TABLE subsidy_applications (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    programme VARCHAR(32) NOT NULL,
    id_hash VARCHAR(128) NOT NULL,
    key_version BIGINT NOT NULL,
    nonce BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    facts_json TEXT NOT NULL,
    status VARCHAR(16) NOT NULL,
    award_json TEXT,
    last_seq BIGINT NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL
);
CREATE INDEX subsidy_applications_hash ON subsidy_applications (id_hash);

CREATE TABLE subsidy_events (
    application_id VARCHAR(64) NOT NULL,
    seq BIGINT NOT NULL,
    at VARCHAR(40) NOT NULL,
    actor VARCHAR(256) NOT NULL,
    kind VARCHAR(32) NOT NULL,
    body_json TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
);

-- The schedule: written once, in the approving transaction.
CREATE TABLE subsidy_instalments (
    application_id VARCHAR(64) NOT NULL,
    instalment BIGINT NOT NULL,
    due VARCHAR(10) NOT NULL,
    amount_fen BIGINT NOT NULL,
    PRIMARY KEY (application_id, instalment)
);

-- kind: paid | cancelled.
CREATE TABLE subsidy_payment_entries (
    application_id VARCHAR(64) NOT NULL,
    seq BIGINT NOT NULL,
    instalment BIGINT NOT NULL,
    kind VARCHAR(16) NOT NULL,
    on_day VARCHAR(10) NOT NULL,
    at VARCHAR(40) NOT NULL,
    actor VARCHAR(256) NOT NULL,
    PRIMARY KEY (application_id, seq),
    UNIQUE (application_id, instalment)
);

-- until_day NULL: still running. source: the subsidy application (or
-- another programme's record) that granted it.
CREATE TABLE benefit_grants (
    id_hash VARCHAR(128) NOT NULL,
    kind VARCHAR(32) NOT NULL,
    from_day VARCHAR(10) NOT NULL,
    until_day VARCHAR(10),
    source VARCHAR(64) NOT NULL,
    PRIMARY KEY (id_hash, kind, from_day)
);
