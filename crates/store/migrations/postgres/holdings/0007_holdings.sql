-- anju store, schema version 7: holdings (PostgreSQL). Kept in step with
-- migrations/sqlite/holdings/0007_holdings.sql (identical but for this
-- comment); portable by the same rules as 0001.
--
-- The holder register is a read of allotment's titles, contracts and homes;
-- nothing here copies it. What happens to a titled home afterwards is here:
-- yearly campaigns (one review row per held home, inserted when the
-- campaign opens, so no home can be skipped by silence), findings with their
-- evidence, cases along the enforcement ladder, buybacks, and the pool of
-- homes that came back.

CREATE TABLE hold_campaigns (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    year BIGINT NOT NULL,
    district VARCHAR(12) NOT NULL,
    due_on VARCHAR(10) NOT NULL,
    total BIGINT NOT NULL,
    opened_at VARCHAR(40) NOT NULL,
    opened_by VARCHAR(256) NOT NULL,
    UNIQUE (year, district)
);

-- ans_*: 1 once that department answered for this home (one column per
-- department asked, so a whole answer file updates in batches);
-- state: pending | clear | flagged.
CREATE TABLE hold_reviews (
    campaign_id VARCHAR(64) NOT NULL REFERENCES hold_campaigns (id),
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    application_id VARCHAR(256) NOT NULL,
    ans_public_security BIGINT NOT NULL,
    ans_civil_affairs BIGINT NOT NULL,
    ans_natural_resources BIGINT NOT NULL,
    state VARCHAR(16) NOT NULL,
    updated_at VARCHAR(40) NOT NULL,
    PRIMARY KEY (campaign_id, project_id, home_id)
);
CREATE INDEX hold_reviews_state ON hold_reviews (campaign_id, state, project_id, home_id);

-- What a department answer or a report established, with its evidence.
-- source: a department code, or 'report'.
CREATE TABLE hold_findings (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    campaign_id VARCHAR(64),
    finding VARCHAR(32) NOT NULL,
    source VARCHAR(32) NOT NULL,
    evidence TEXT NOT NULL,
    recorded_by VARCHAR(256) NOT NULL,
    recorded_at VARCHAR(40) NOT NULL
);
CREATE INDEX hold_findings_home ON hold_findings (project_id, home_id);

-- Cases: one per flag of a home while open (hold_open_cases keeps it so
-- across processes).
CREATE TABLE hold_cases (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    flag VARCHAR(32) NOT NULL,
    status VARCHAR(16) NOT NULL,
    campaign_id VARCHAR(64),
    deadline VARCHAR(10),
    buyback_id VARCHAR(64),
    opened_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL
);
CREATE INDEX hold_cases_home ON hold_cases (project_id, home_id);
CREATE INDEX hold_cases_status ON hold_cases (status, opened_at);
CREATE TABLE hold_open_cases (
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    flag VARCHAR(32) NOT NULL,
    case_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (project_id, home_id, flag)
);

-- Buybacks. appraisal_json: anju_holdings::Appraisal; fees_json: the
-- itemised fees (Loudi); price_json: the computed price with its terms.
CREATE TABLE hold_buybacks (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    application_id VARCHAR(256) NOT NULL,
    case_code VARCHAR(32) NOT NULL,
    status VARCHAR(16) NOT NULL,
    applied_on VARCHAR(10) NOT NULL,
    exit_by VARCHAR(10),
    reason TEXT NOT NULL,
    appraisal_json TEXT,
    price_json TEXT,
    price_fen BIGINT,
    vacated_on VARCHAR(10),
    paid_on VARCHAR(10),
    title_returned_on VARCHAR(10),
    certificate_no VARCHAR(256),
    case_id VARCHAR(64),
    created_by VARCHAR(256) NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL
);
CREATE INDEX hold_buybacks_home ON hold_buybacks (project_id, home_id);
CREATE INDEX hold_buybacks_application ON hold_buybacks (application_id);
-- At most one open buyback per home, across processes.
CREATE TABLE hold_open_buybacks (
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    buyback_id VARCHAR(64) NOT NULL,
    PRIMARY KEY (project_id, home_id)
);

-- Every step of a case or a buyback, in order, with who and why.
CREATE TABLE hold_steps (
    subject_id VARCHAR(64) NOT NULL,
    seq BIGINT NOT NULL,
    step VARCHAR(32) NOT NULL,
    note TEXT NOT NULL,
    actor VARCHAR(256) NOT NULL,
    on_date VARCHAR(10) NOT NULL,
    at VARCHAR(40) NOT NULL,
    PRIMARY KEY (subject_id, seq)
);

-- Homes back in the company's hands: available to a new allotment project
-- or to rentals, with the buyback they came from; taken_by: the project
-- that took it (state 'taken').
CREATE TABLE pool_homes (
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    source VARCHAR(16) NOT NULL,
    buyback_id VARCHAR(64) NOT NULL,
    returned_on VARCHAR(10) NOT NULL,
    state VARCHAR(16) NOT NULL,
    taken_by VARCHAR(64),
    PRIMARY KEY (project_id, home_id, buyback_id)
);
