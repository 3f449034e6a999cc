-- anju store, schema version 3: allotment (PostgreSQL and compatible engines). Kept in step with
-- migrations/sqlite/0003_allotment.sql (identical but for this comment);
-- portable by the same rules as 0001 (no partial indexes, no ON CONFLICT).
--
-- "A home is sold once" and "a family holds one home" are kept by primary
-- keys (allot_home_holds, allot_family_holds) inserted in the transaction
-- that records the choice, after a conditional UPDATE of the home's state:
-- they hold across any number of anju processes.

-- Projects. plan_json is the plan's terms (anju_allotment::PlanTerms) once
-- drafted; version is the optimistic-concurrency counter for plan edits and
-- approval steps.
CREATE TABLE allot_projects (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    name TEXT NOT NULL,
    district VARCHAR(12) NOT NULL,
    area_json TEXT NOT NULL,
    plan_status VARCHAR(16) NOT NULL,
    plan_json TEXT,
    returned_reason TEXT,
    approved_by VARCHAR(256),
    approved_at VARCHAR(40),
    published_at VARCHAR(40),
    version BIGINT NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL
);

-- Homes. home_json is anju_allotment::Home; state: available | held | sold.
CREATE TABLE allot_homes (
    project_id VARCHAR(64) NOT NULL REFERENCES allot_projects (id),
    home_id VARCHAR(64) NOT NULL,
    home_json TEXT NOT NULL,
    price_fen BIGINT NOT NULL,
    state VARCHAR(16) NOT NULL,
    holder VARCHAR(256),
    PRIMARY KEY (project_id, home_id)
);

-- Rounds: the frozen entrant file (the lottery's canonical CSV) and its
-- SHA-256 commitment, published before the draw; excluded_json lists the
-- qualified families left out and why (application id, reason, article). A re-draw needs a
-- written reason (redraw_reason, by redraw_requested_by) and a second
-- approver (redraw_approved_by), who must be another person.
CREATE TABLE allot_rounds (
    project_id VARCHAR(64) NOT NULL REFERENCES allot_projects (id),
    round_no BIGINT NOT NULL,
    status VARCHAR(16) NOT NULL,
    entrant_file TEXT NOT NULL,
    commitment VARCHAR(64) NOT NULL,
    entrant_count BIGINT NOT NULL,
    excluded_json TEXT NOT NULL,
    frozen_at VARCHAR(40) NOT NULL,
    frozen_by VARCHAR(256) NOT NULL,
    redraw_reason TEXT,
    redraw_requested_by VARCHAR(256),
    redraw_approved_by VARCHAR(256),
    closed_at VARCHAR(40),
    PRIMARY KEY (project_id, round_no)
);

-- Entrants of a round and their call. masked_* are for public pages; the
-- entrant id in the published files is the application id.
CREATE TABLE allot_entrants (
    project_id VARCHAR(64) NOT NULL,
    round_no BIGINT NOT NULL,
    application_id VARCHAR(256) NOT NULL,
    entrant_seq BIGINT NOT NULL,
    district VARCHAR(12) NOT NULL,
    tier BIGINT NOT NULL,
    priority BIGINT NOT NULL,
    masked_name TEXT,
    masked_id TEXT,
    draw_position BIGINT,
    call_position BIGINT,
    state VARCHAR(16) NOT NULL,
    recalled BIGINT NOT NULL,
    home_id VARCHAR(64),
    chosen_on VARCHAR(10),
    sign_by VARCHAR(10),
    updated_at VARCHAR(40) NOT NULL,
    PRIMARY KEY (project_id, round_no, application_id),
    FOREIGN KEY (project_id, round_no) REFERENCES allot_rounds (project_id, round_no)
);
CREATE INDEX allot_entrants_call ON allot_entrants (project_id, round_no, call_position);
CREATE INDEX allot_entrants_application ON allot_entrants (application_id);

-- Every draw is kept; a re-draw supersedes the previous one but never
-- deletes it.
CREATE TABLE allot_draws (
    project_id VARCHAR(64) NOT NULL,
    round_no BIGINT NOT NULL,
    draw_no BIGINT NOT NULL,
    reveal TEXT NOT NULL,
    notary TEXT NOT NULL,
    seed VARCHAR(64) NOT NULL,
    result_file TEXT NOT NULL,
    drawn_at VARCHAR(40) NOT NULL,
    drawn_by VARCHAR(256) NOT NULL,
    redraw_reason TEXT,
    redraw_requested_by VARCHAR(256),
    redraw_approved_by VARCHAR(256),
    superseded BIGINT NOT NULL,
    PRIMARY KEY (project_id, round_no, draw_no),
    FOREIGN KEY (project_id, round_no) REFERENCES allot_rounds (project_id, round_no)
);

CREATE TABLE allot_home_holds (
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    application_id VARCHAR(256) NOT NULL,
    PRIMARY KEY (project_id, home_id)
);
CREATE TABLE allot_family_holds (
    application_id VARCHAR(256) NOT NULL PRIMARY KEY,
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL
);

-- Purchase contracts (contract_json: anju_allotment::ContractTerms).
CREATE TABLE allot_contracts (
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    application_id VARCHAR(256) NOT NULL,
    contract_no VARCHAR(256) NOT NULL UNIQUE,
    contract_json TEXT NOT NULL,
    signed_on VARCHAR(10) NOT NULL,
    PRIMARY KEY (project_id, home_id)
);

-- Titles, with article 18's annotation as registered.
CREATE TABLE allot_titles (
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    certificate_no VARCHAR(256) NOT NULL UNIQUE,
    annotation TEXT NOT NULL,
    registered_on VARCHAR(10) NOT NULL,
    PRIMARY KEY (project_id, home_id)
);

-- Dealings recorded on titled homes (only the purchase-loan mortgage is
-- ever allowed; refusals are in the audit log).
CREATE TABLE allot_dealings (
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    dealing VARCHAR(32) NOT NULL,
    recorded_on VARCHAR(10) NOT NULL,
    recorded_at VARCHAR(40) NOT NULL,
    PRIMARY KEY (project_id, home_id, dealing, recorded_at)
);

-- Abandonments (001 art. 14), one row per member of the family, by the
-- members' keyed ID hash: the eligibility rules read them as
-- history.abandonments when any of these people applies again.
CREATE TABLE abandonments (
    id_hash VARCHAR(64) NOT NULL,
    application_id VARCHAR(256) NOT NULL,
    project_id VARCHAR(64) NOT NULL,
    home_id VARCHAR(64) NOT NULL,
    on_date VARCHAR(10) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    PRIMARY KEY (id_hash, application_id, project_id, home_id)
);
CREATE INDEX abandonments_application ON abandonments (application_id);
