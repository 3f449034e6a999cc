-- The public tip line (issue 13): reports of suspected misuse of a held
-- home by anyone, without an account. The id is the receipt number the
-- reporter keeps (random, unguessable); the reporter's contact is shown to
-- the company only and never to another reporter. A tip is `received`
-- until the company triages it: `attached` (to the home's review in a
-- running campaign, as a report with evidence) or `dismissed` (with why).
CREATE TABLE hold_tips (
    id VARCHAR(32) NOT NULL PRIMARY KEY,
    kind VARCHAR(16) NOT NULL,
    address TEXT NOT NULL,
    project_id VARCHAR(64),
    home_id VARCHAR(64),
    seen_on VARCHAR(10) NOT NULL,
    what TEXT NOT NULL,
    contact TEXT,
    status VARCHAR(16) NOT NULL,
    attached_project VARCHAR(64),
    attached_home VARCHAR(64),
    attached_campaign VARCHAR(64),
    finding VARCHAR(32),
    outcome_note TEXT,
    triaged_by VARCHAR(256),
    triaged_at VARCHAR(40),
    received_at VARCHAR(40) NOT NULL
);
CREATE INDEX hold_tips_status ON hold_tips (status, received_at);
CREATE INDEX hold_tips_received ON hold_tips (received_at);
