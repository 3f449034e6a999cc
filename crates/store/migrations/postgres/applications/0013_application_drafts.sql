-- Drafts of the application form (issue 12 feature 19): what a family (or
-- the community clerk at the counter) typed, saved without submitting.
-- Not an application: no event, no status, not in any staff list. The
-- form's fields are encrypted like household facts; only the owner, the
-- times and the size are in clear.
CREATE TABLE application_drafts (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    owner_user_id VARCHAR(256) NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL,
    size_bytes BIGINT NOT NULL,
    key_version BIGINT NOT NULL,
    nonce BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL
);
CREATE INDEX application_drafts_owner ON application_drafts (owner_user_id, updated_at);
