-- anju store, schema version 1 (PostgreSQL and compatible engines).
--
-- Kept in step with migrations/sqlite/0001_initial.sql: the two differ only
-- in the binary type (BYTEA here, BLOB there). Portable on purpose, so that
-- this file also runs on KingbaseES and openGauss:
--   * plain CREATE TABLE / CREATE INDEX, VARCHAR, TEXT, BIGINT; no JSONB,
--     arrays, partial indexes, sequences, triggers or ON CONFLICT;
--   * timestamps are TEXT in anju's canonical form
--     (YYYY-MM-DDTHH:MM:SS.ffffff+08:00, fixed width, one offset), so they
--     compare and sort as text and hash exactly as the audit chain needs;
--     civil dates are TEXT YYYY-MM-DD;
--   * money, when it comes, is BIGINT fen;
--   * columns that may legitimately hold '' are nullable, because
--     Oracle-compatible modes (openGauss A mode, KingbaseES) store '' as NULL;
--   * no column is named with a word that is reserved in some dialect
--     (user, role, action, at, owner, ...);
--   * identifiers that may hold Chinese (user and application ids, user
--     names: up to 64 characters) are VARCHAR(256), since Oracle-compatible
--     modes may count VARCHAR lengths in bytes.

-- Accounts. `id` is opaque and issued by the store (user names of families
-- may be phone numbers: they stay out of the audit log).
CREATE TABLE users (
    id VARCHAR(256) NOT NULL PRIMARY KEY,
    username VARCHAR(256) NOT NULL UNIQUE,
    display_name TEXT,
    role_code VARCHAR(64) NOT NULL,
    district VARCHAR(12),
    password_hash TEXT NOT NULL,
    failed_logins BIGINT NOT NULL,
    locked_until VARCHAR(40),
    created_at VARCHAR(40) NOT NULL
);

-- Sessions by the SHA-256 (hex) of the cookie token: a stolen database does
-- not hold usable cookies.
CREATE TABLE sessions (
    token_hash VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id VARCHAR(256) NOT NULL REFERENCES users (id),
    csrf_token VARCHAR(256) NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    expires_at VARCHAR(40) NOT NULL
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);

-- Applications. The events are the record; everything here is derived from
-- the latest state for lists, except the masked name and ID (given at
-- submission) and `last_seq`, the optimistic-concurrency version.
CREATE TABLE applications (
    id VARCHAR(256) NOT NULL PRIMARY KEY,
    district VARCHAR(12) NOT NULL,
    status_code VARCHAR(32) NOT NULL,
    owner_user_id VARCHAR(256),
    household_ref VARCHAR(256) NOT NULL,
    masked_name TEXT,
    masked_id TEXT,
    last_seq BIGINT NOT NULL,
    submitted_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL,
    categories_json TEXT NOT NULL,
    tier BIGINT,
    notice_start VARCHAR(10),
    notice_end VARCHAR(10),
    qualified_on VARCHAR(10)
);
CREATE INDEX applications_submitted ON applications (submitted_at, id);
CREATE INDEX applications_district ON applications (district, status_code, submitted_at);
CREATE INDEX applications_status ON applications (status_code, submitted_at);
CREATE INDEX applications_owner ON applications (owner_user_id);

-- One row per event; body_json is anju_domain::Event as JSON.
CREATE TABLE application_events (
    application_id VARCHAR(256) NOT NULL REFERENCES applications (id),
    seq BIGINT NOT NULL,
    occurred_at VARCHAR(40) NOT NULL,
    action_code VARCHAR(64) NOT NULL,
    actor_user_id VARCHAR(256) NOT NULL,
    body_json TEXT NOT NULL,
    PRIMARY KEY (application_id, seq)
);

-- The household facts (names, resident IDs, incomes): AES-256-GCM with a
-- random 96-bit nonce; the associated data binds the ciphertext to its
-- application, so rows cannot be swapped.
CREATE TABLE household_facts (
    application_id VARCHAR(256) NOT NULL PRIMARY KEY REFERENCES applications (id),
    key_version BIGINT NOT NULL,
    nonce BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    updated_at VARCHAR(40) NOT NULL
);

-- Members' resident IDs, only as HMAC-SHA256 keyed hashes (hex).
-- application_members keeps every application's members; active_members
-- holds a row only while the application is active, and its primary key is
-- what makes "one active application per person" hold under concurrency.
CREATE TABLE application_members (
    application_id VARCHAR(256) NOT NULL REFERENCES applications (id),
    id_hash VARCHAR(64) NOT NULL,
    PRIMARY KEY (application_id, id_hash)
);
CREATE TABLE active_members (
    id_hash VARCHAR(64) NOT NULL PRIMARY KEY,
    application_id VARCHAR(256) NOT NULL REFERENCES applications (id)
);
CREATE INDEX active_members_application ON active_members (application_id);

-- Named counters (waitlist:<district>, application-id:<year>). A counter
-- row is the lock that serialises its users: UPDATE ... SET value = value + 1
-- takes it on every engine, across processes.
CREATE TABLE counters (
    counter_name VARCHAR(100) NOT NULL PRIMARY KEY,
    current_value BIGINT NOT NULL
);

-- District waitlists: one place per application, unique and gap-free per
-- district (the counter row serialises, the UNIQUE is the last defence).
CREATE TABLE waitlist_places (
    application_id VARCHAR(256) NOT NULL PRIMARY KEY REFERENCES applications (id),
    district VARCHAR(12) NOT NULL,
    place BIGINT NOT NULL,
    UNIQUE (district, place)
);

-- The hash-chained audit log (anju_domain::audit). audit_head is a single
-- row holding the last seq and hash: every transaction that appends takes
-- its row lock (UPDATE) as its last lock, so appends from any number of
-- processes form one chain; the primary key on seq is the last defence.
CREATE TABLE audit_head (
    id BIGINT NOT NULL PRIMARY KEY,
    last_seq BIGINT NOT NULL,
    last_hash VARCHAR(64) NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_log (
    seq BIGINT NOT NULL PRIMARY KEY,
    occurred_at VARCHAR(40) NOT NULL,
    actor_user_id VARCHAR(256) NOT NULL,
    role_code VARCHAR(64) NOT NULL,
    action_code TEXT,
    subject TEXT,
    detail_json TEXT NOT NULL,
    prev_hash VARCHAR(64) NOT NULL,
    entry_hash VARCHAR(64) NOT NULL
);

-- Department file imports, idempotent by (department, SHA-256 of the file).
CREATE TABLE department_imports (
    department VARCHAR(32) NOT NULL,
    file_sha256 VARCHAR(64) NOT NULL,
    rows_ok BIGINT NOT NULL,
    rows_bad BIGINT NOT NULL,
    imported_at VARCHAR(40) NOT NULL,
    imported_by VARCHAR(256) NOT NULL,
    PRIMARY KEY (department, file_sha256)
);
