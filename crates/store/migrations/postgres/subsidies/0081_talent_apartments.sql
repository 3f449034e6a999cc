-- anju store, schema version 81: talent apartments in the benefits register
-- (issue 17). Kept in step between migrations/sqlite and migrations/postgres
-- (identical but for the binary type).
--
-- The city's talent apartments are let outside anju; the talent office
-- records each letting so the register knows of it (the apartment and the
-- talent rent subsidy are alternatives under 阳政办发〔2022〕39号 二（三）),
-- and may end one early with its reason and day. The tenant's name and
-- resident ID are encrypted (personal_*), indexed by the keyed hash like
-- subsidy applications; the apartment's label (the city's own home, e.g.
-- 人才公寓A栋502) and the dates are in clear. The letting's register row is
-- benefit_grants with source = this id; ending early sets its until_day in
-- the same transaction.
CREATE TABLE talent_apartments (
    id VARCHAR(32) NOT NULL PRIMARY KEY,
    id_hash VARCHAR(128) NOT NULL,
    key_version BIGINT NOT NULL,
    nonce BYTEA NOT NULL,
    ciphertext BYTEA NOT NULL,
    apartment VARCHAR(240) NOT NULL,
    from_day VARCHAR(10) NOT NULL,
    until_day VARCHAR(10),
    status VARCHAR(16) NOT NULL,
    ended_on VARCHAR(10),
    end_reason VARCHAR(800),
    created_at VARCHAR(40) NOT NULL,
    updated_at VARCHAR(40) NOT NULL
);
CREATE INDEX talent_apartments_hash ON talent_apartments (id_hash);
