-- The counts read model (issue 11 item 4): how many applications stand in
-- each state, per district, kept by the store in the same transaction as
-- every write that creates an application or changes its state (the
-- single path, the bulk path of `anju seed`, and the holdings bench's
-- synthetic holders), so that the work page and the dashboard read a few
-- dozen rows instead of counting every application on each view. A row is
-- never deleted; a state nobody stands in any more keeps n = 0.
CREATE TABLE application_counts (
    district VARCHAR(12) NOT NULL,
    status_code VARCHAR(32) NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (district, status_code)
);
-- Filled from the applications already stored.
INSERT INTO application_counts (district, status_code, n)
SELECT district, status_code, COUNT(*) FROM applications GROUP BY district, status_code;
