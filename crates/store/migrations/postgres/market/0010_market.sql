-- anju store, schema version 10: market regulation (PostgreSQL). Kept in step
-- with migrations/sqlite/market/0010_market.sql (identical but for this
-- comment); portable by the same rules as 0001 (no partial indexes, no ON
-- CONFLICT). Money is BIGINT fen, areas BIGINT hundredths of a m², dates
-- 'YYYY-MM-DD' text, months 'YYYY-MM'. District is in every key of a
-- district-scoped table (a distribution column for Citus-like engines).

-- Monthly sales and inventory per district and housing type, as imported.
-- A later import of the same (district, type, month) replaces the figures
-- (the audit entry keeps the old and new); rows are never silently merged.
CREATE TABLE market_monthly (
    district VARCHAR(12) NOT NULL,
    housing_type VARCHAR(32) NOT NULL,
    month VARCHAR(7) NOT NULL,
    sales_units BIGINT NOT NULL,
    sales_area BIGINT NOT NULL,
    inventory_area BIGINT NOT NULL,
    source TEXT NOT NULL,
    imported_at VARCHAR(40) NOT NULL,
    imported_by VARCHAR(256) NOT NULL,
    PRIMARY KEY (district, housing_type, month)
);

-- A district's land figures for a year: residential land revitalised
-- (completions and reclaimed, for the Ordos cap) and last year's supply
-- (for the Shanxi bands). New supply this year is summed from parcels.
CREATE TABLE market_land_years (
    district VARCHAR(12) NOT NULL,
    year BIGINT NOT NULL,
    revitalised_area BIGINT NOT NULL,
    previous_supply_area BIGINT NOT NULL,
    updated_at VARCHAR(40) NOT NULL,
    PRIMARY KEY (district, year)
);

-- Land parcels. use_code: residential | commercial | mixed | other.
CREATE TABLE market_parcels (
    district VARCHAR(12) NOT NULL,
    id VARCHAR(64) NOT NULL,
    name TEXT NOT NULL,
    use_code VARCHAR(16) NOT NULL,
    land_area BIGINT NOT NULL,
    above_ground_area BIGINT NOT NULL,
    residential_area BIGINT NOT NULL,
    converted_from_commercial BIGINT NOT NULL,
    price_fen BIGINT NOT NULL,
    investment_fen BIGINT NOT NULL,
    supply_date VARCHAR(10) NOT NULL,
    contract_start VARCHAR(10) NOT NULL,
    started_on VARCHAR(10),
    progress TEXT NOT NULL,
    setaside_area BIGINT,
    setaside_units BIGINT,
    created_at VARCHAR(40) NOT NULL,
    PRIMARY KEY (district, id)
);

-- Developer projects. version is the optimistic-concurrency counter: a
-- fund entry or a change updates the row WHERE version = the one read, so a
-- release checked against a ledger that changed meanwhile is refused.
CREATE TABLE market_projects (
    district VARCHAR(12) NOT NULL,
    id VARCHAR(64) NOT NULL,
    name TEXT NOT NULL,
    developer TEXT NOT NULL,
    credit_code VARCHAR(18) NOT NULL,
    grade VARCHAR(3),
    investment_fen BIGINT NOT NULL,
    counted_area BIGINT NOT NULL,
    supervised_fen BIGINT NOT NULL,
    stage VARCHAR(32) NOT NULL,
    node VARCHAR(32) NOT NULL,
    risk VARCHAR(16) NOT NULL,
    version BIGINT NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL,
    PRIMARY KEY (district, id)
);

-- The pre-sale fund ledger: append-only (no UPDATE or DELETE is ever
-- issued on it). kind: deposit | release | guarantee | refused. A refused
-- release request is kept with amount_fen the amount asked; explanation_json
-- holds the checks (figures and articles) the decision gave.
CREATE TABLE market_fund_ledger (
    district VARCHAR(12) NOT NULL,
    project_id VARCHAR(64) NOT NULL,
    seq BIGINT NOT NULL,
    kind VARCHAR(16) NOT NULL,
    amount_fen BIGINT NOT NULL,
    node VARCHAR(32) NOT NULL,
    note TEXT NOT NULL,
    explanation_json TEXT NOT NULL,
    at VARCHAR(40) NOT NULL,
    by_user VARCHAR(256) NOT NULL,
    PRIMARY KEY (district, project_id, seq)
);
