-- anju store, schema version 30: rentals (SQLite). Kept in step with
-- migrations/postgres/rentals/0030_rentals.sql (identical but for this comment);
-- portable by the same rules as 0001 (no partial indexes, no ON CONFLICT).
--
-- Rental homes with their dated market-rent evidence, offers from the
-- district waitlist, leases (a renewal is a new row linked to the one it
-- renews), the rent ledger and the dishonesty list (Loudi 八、(二)).
--
-- rent_ledger is append-only: no statement anywhere updates or deletes
-- its rows; balances and "paid up to" are derived from it. Its key is
-- the last defence against charging a lease's period twice
-- (charge:<lease>:<period start>).

CREATE TABLE rent_homes (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    district VARCHAR(16) NOT NULL,
    address VARCHAR(200) NOT NULL,
    area_centi BIGINT NOT NULL,
    rooms VARCHAR(40) NOT NULL,
    source VARCHAR(24) NOT NULL,
    approval_ref VARCHAR(100),
    pool_ref VARCHAR(64),
    purchase_fen BIGINT,
    appraisal_fen BIGINT,
    state VARCHAR(16) NOT NULL,
    created_by VARCHAR(256) NOT NULL,
    created_at VARCHAR(40) NOT NULL
);
CREATE INDEX rent_homes_state ON rent_homes (state, district);

-- Market-rent evidence: a survey or an appraisal, effective from a date;
-- a lease copies the figure in force when it is signed.
CREATE TABLE rent_surveys (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    home_id VARCHAR(64) NOT NULL,
    effective_from VARCHAR(10) NOT NULL,
    surveyed_on VARCHAR(10) NOT NULL,
    method VARCHAR(16) NOT NULL,
    source VARCHAR(200) NOT NULL,
    comparables TEXT NOT NULL,
    per_m2_fen BIGINT NOT NULL,
    created_by VARCHAR(256) NOT NULL,
    created_at VARCHAR(40) NOT NULL
);
CREATE INDEX rent_surveys_home ON rent_surveys (home_id, effective_from);

CREATE TABLE rent_offers (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    home_id VARCHAR(64) NOT NULL,
    application_id VARCHAR(64) NOT NULL,
    district VARCHAR(16) NOT NULL,
    offered_on VARCHAR(10) NOT NULL,
    status VARCHAR(16) NOT NULL,
    decided_on VARCHAR(10),
    note VARCHAR(400) NOT NULL,
    created_by VARCHAR(256) NOT NULL,
    created_at VARCHAR(40) NOT NULL
);
CREATE INDEX rent_offers_app ON rent_offers (application_id);
CREATE INDEX rent_offers_status ON rent_offers (status);

CREATE TABLE rent_leases (
    id VARCHAR(64) NOT NULL PRIMARY KEY,
    home_id VARCHAR(64) NOT NULL,
    application_id VARCHAR(64) NOT NULL,
    offer_id VARCHAR(64),
    renews_id VARCHAR(64),
    starts_on VARCHAR(10) NOT NULL,
    ends_on VARCHAR(10) NOT NULL,
    rent_fen BIGINT NOT NULL,
    market_monthly_fen BIGINT NOT NULL,
    per_m2_fen BIGINT NOT NULL,
    survey_id VARCHAR(64) NOT NULL,
    deposit_fen BIGINT NOT NULL,
    cycle VARCHAR(16) NOT NULL,
    status VARCHAR(16) NOT NULL,
    exit_ground VARCHAR(24),
    exit_notified_on VARCHAR(10),
    exit_deadline VARCHAR(10),
    vacated_on VARCHAR(10),
    serious_code VARCHAR(32),
    end_reason VARCHAR(400),
    created_by VARCHAR(256) NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL
);
CREATE INDEX rent_leases_status ON rent_leases (status, id);
CREATE INDEX rent_leases_app ON rent_leases (application_id);
CREATE INDEX rent_leases_home ON rent_leases (home_id);

CREATE TABLE rent_ledger (
    entry_key VARCHAR(120) NOT NULL PRIMARY KEY,
    lease_id VARCHAR(64) NOT NULL,
    kind VARCHAR(16) NOT NULL,
    amount_fen BIGINT NOT NULL,
    on_date VARCHAR(10) NOT NULL,
    due_on VARCHAR(10),
    covers_to VARCHAR(10),
    reason VARCHAR(400) NOT NULL,
    approver VARCHAR(100) NOT NULL,
    recorded_by VARCHAR(256) NOT NULL,
    at VARCHAR(40) NOT NULL
);
CREATE INDEX rent_ledger_lease ON rent_ledger (lease_id, on_date);

-- The dishonesty list (八、(二)3): one row per member of a family listed,
-- keyed by the keyed hash of the resident ID (as abandonments is).
CREATE TABLE rent_blacklist (
    id_hash VARCHAR(128) NOT NULL,
    application_id VARCHAR(64) NOT NULL,
    lease_id VARCHAR(64) NOT NULL,
    listed_on VARCHAR(10) NOT NULL,
    until_on VARCHAR(10) NOT NULL,
    case_code VARCHAR(32) NOT NULL,
    PRIMARY KEY (id_hash, lease_id)
);
CREATE INDEX rent_blacklist_app ON rent_blacklist (application_id);
