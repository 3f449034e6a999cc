-- A family's own list is read by its account (owner_user_id = ...). The
-- index of 0001 on the account alone is covered by the one of 0002, which
-- ends in the list's order; and applications entered by staff from a paper
-- form have no account, so the index need not hold them (issue 11 item 7:
-- storage per family). A query naming an account implies IS NOT NULL, so
-- both engines use the partial index for it.
DROP INDEX applications_owner;
DROP INDEX applications_owner_time;
CREATE INDEX applications_owner_time ON applications (owner_user_id, submitted_at, id)
    WHERE owner_user_id IS NOT NULL;
