-- The message centre (issue 12 feature 17): one row per message to one
-- account, written in the same transaction as the event it tells of, so a
-- family is never told of a step that did not happen nor left untold of
-- one that did. The words are the application's to render (kind, detail).
CREATE TABLE messages (
    id BIGSERIAL PRIMARY KEY,
    user_id VARCHAR(256) NOT NULL,
    application_id VARCHAR(256),
    kind VARCHAR(40) NOT NULL,
    detail TEXT NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    read_at VARCHAR(40)
);
CREATE INDEX messages_user ON messages (user_id, id);

-- Text messages an SMS gateway sends (docs/operations.md): it reads rows
-- with sent_at NULL in id order, sends each to the account's phone, and
-- sets sent_at. anju calls no outside service itself.
CREATE TABLE sms_outbox (
    id BIGSERIAL PRIMARY KEY,
    message_id BIGINT NOT NULL,
    user_id VARCHAR(256) NOT NULL,
    text TEXT NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    sent_at VARCHAR(40)
);
CREATE INDEX sms_outbox_pending ON sms_outbox (sent_at, id);
