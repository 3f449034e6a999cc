-- A message sent once per thing it tells of (issue 12 feature 17): the
-- scheduled deadline reminders carry a key such as
-- `deadline_signing:<project>/<round>/<application>:<date>`, and the
-- unique index makes a second server process (or a second run of the
-- job) insert nothing. Messages written with their event keep NULL, which
-- a unique index never compares equal.
ALTER TABLE messages ADD COLUMN once_key VARCHAR(300);
CREATE UNIQUE INDEX messages_once ON messages (once_key);
