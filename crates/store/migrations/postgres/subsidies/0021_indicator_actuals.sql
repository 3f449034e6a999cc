-- anju store, schema version 21: the province indicator dashboard's actual figures (PostgreSQL and compatible engines).
-- Kept in step with migrations/sqlite/subsidies/0021_indicator_actuals.sql (identical but for this comment).
--
-- One figure per city, year and indicator (thousandths of the indicator's
-- unit); a later import of the same key replaces it, and the audit entry of
-- each import records how many rows it wrote. sample = 1 marks the demo's
-- sample figures, shown as such.
CREATE TABLE indicator_actuals (
    city VARCHAR(64) NOT NULL,
    year BIGINT NOT NULL,
    indicator VARCHAR(64) NOT NULL,
    value_milli BIGINT NOT NULL,
    sample BIGINT NOT NULL,
    imported_at VARCHAR(40) NOT NULL,
    PRIMARY KEY (city, year, indicator)
);
