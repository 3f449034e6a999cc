-- Files uploaded with an application (issue 12 feature 18; 001 art. 13).
-- The file and its name are personal data: each is AES-256-GCM encrypted
-- with the household-facts key (key_version names the key, a fresh nonce
-- per write, associated data naming the application and the file so a
-- ciphertext cannot be moved). Size, type and SHA-256 of the plaintext are
-- kept beside it so a reviewer can check a download and limits can be
-- counted without decrypting.
CREATE TABLE material_files (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    application_id VARCHAR(256) NOT NULL REFERENCES applications (id),
    material_code VARCHAR(64) NOT NULL,
    content_type VARCHAR(40) NOT NULL,
    size_bytes BIGINT NOT NULL,
    sha256 VARCHAR(64) NOT NULL,
    uploaded_by VARCHAR(256) NOT NULL,
    uploaded_at VARCHAR(40) NOT NULL,
    key_version BIGINT NOT NULL,
    name_nonce BYTEA NOT NULL,
    name_ciphertext BYTEA NOT NULL,
    nonce BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL
);
CREATE INDEX material_files_application ON material_files (application_id, uploaded_at);
