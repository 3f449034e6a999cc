-- The hash of the entry before the head's last one (zeros when the log
-- holds at most one entry). PostgreSQL appends an audit entry in one
-- statement: its UPDATE of the head sets prev_hash = last_hash and the new
-- last_hash in one go, and RETURNING then gives the entry both hashes
-- (RETURNING sees only the new row). Every append keeps it current on both
-- backends.
ALTER TABLE audit_head ADD COLUMN prev_hash VARCHAR(64) NOT NULL
    DEFAULT '0000000000000000000000000000000000000000000000000000000000000000';
UPDATE audit_head SET prev_hash = COALESCE(
    (SELECT l.prev_hash FROM audit_log l WHERE l.seq = audit_head.last_seq),
    '0000000000000000000000000000000000000000000000000000000000000000');
