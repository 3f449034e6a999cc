-- Fixed-window request counters shared by every anju process on this
-- database (the public tip line's and the sign-in form's per-address
-- limits), so that several processes behind one address count together:
-- one row per counter, keyed by a hash of what is counted (client
-- addresses are not kept); window_start in Unix seconds.
CREATE TABLE rate_windows (
    window_key VARCHAR(80) NOT NULL PRIMARY KEY,
    window_start BIGINT NOT NULL,
    hits BIGINT NOT NULL
);
CREATE INDEX rate_windows_age ON rate_windows (window_start);
