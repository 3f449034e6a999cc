-- anju store, schema version 40: acquisition of existing homes (PostgreSQL).
-- Kept in step with migrations/sqlite/acquisition/0040_acquisition.sql
-- (identical but for this comment). 0040–0049 are reserved for this series.
--
-- acq_records holds the room's documents, each a JSON body checked by
-- anju_acquisition before it is written: kind = company | survey | offer |
-- cap | plan | purchase; id unique within its kind; version for optimistic
-- concurrency (an update names the version it read). A frozen survey is
-- inserted once and never updated.
CREATE TABLE acq_records (
    kind VARCHAR(16) NOT NULL,
    id VARCHAR(200) NOT NULL,
    company_id VARCHAR(64) NOT NULL,
    status VARCHAR(32) NOT NULL,
    body TEXT NOT NULL,
    version BIGINT NOT NULL,
    created_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX acq_records_company ON acq_records (kind, company_id);

-- A company's separate ledger (单列账目、单独核算): append-only entries of
-- own capital, loans, special funds and payments, amounts in fen.
CREATE TABLE acq_ledger (
    company_id VARCHAR(64) NOT NULL,
    seq BIGINT NOT NULL,
    kind VARCHAR(16) NOT NULL,
    amount_fen BIGINT NOT NULL,
    on_date VARCHAR(10) NOT NULL,
    memo TEXT NOT NULL,
    at VARCHAR(40) NOT NULL,
    by_user VARCHAR(256) NOT NULL,
    PRIMARY KEY (company_id, seq)
);
