-- The audit page filters by actor, action or subject and shows the newest
-- first: each filter walks its own index backwards by seq instead of the
-- whole log.
CREATE INDEX audit_log_actor ON audit_log (actor_user_id, seq);
CREATE INDEX audit_log_action ON audit_log (action_code, seq);
CREATE INDEX audit_log_subject ON audit_log (subject, seq);
