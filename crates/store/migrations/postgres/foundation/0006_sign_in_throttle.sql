-- Sign-in throttling shared by every anju process (anju_domain::throttle):
-- one row per counter (name and address, address, name), keyed by a hash
-- so that names typed by mistake (sometimes a password) are not kept.
CREATE TABLE login_throttle (
    throttle_key VARCHAR(80) NOT NULL PRIMARY KEY,
    failures BIGINT NOT NULL,
    last_failure VARCHAR(40) NOT NULL,
    blocked_until VARCHAR(40)
);
CREATE INDEX login_throttle_age ON login_throttle (last_failure);

-- Browsers an account signed in from (a device token in a cookie, kept
-- here as a hash): guesses at an account from elsewhere do not hold these
-- back.
CREATE TABLE login_devices (
    token_hash VARCHAR(64) NOT NULL PRIMARY KEY,
    user_id VARCHAR(256) NOT NULL,
    created_at VARCHAR(40) NOT NULL
);
CREATE INDEX login_devices_user ON login_devices (user_id);
