-- anju store, schema version 11: rent monitoring samples (SQLite). Kept in
-- step with migrations/postgres/market/0011_rent_samples.sql (identical but
-- for this comment). One row per filed lease or survey answer; rent_fen is
-- the rent for one month, area in hundredths of a m². sample_id is the
-- import's timestamp and row, so a sample is never merged into another.
CREATE TABLE market_rent_samples (
    district VARCHAR(12) NOT NULL,
    sample_id VARCHAR(80) NOT NULL,
    home_type VARCHAR(32) NOT NULL,
    source VARCHAR(8) NOT NULL,
    month VARCHAR(7) NOT NULL,
    area BIGINT NOT NULL,
    rent_fen BIGINT NOT NULL,
    imported_at VARCHAR(40) NOT NULL,
    imported_by VARCHAR(256) NOT NULL,
    PRIMARY KEY (district, sample_id)
);
