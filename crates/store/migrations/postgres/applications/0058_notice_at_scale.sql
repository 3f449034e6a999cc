-- The public notice at a province's size (issue 11 item 4: 30,000
-- families on notice at 10^6 took 250 ms a page).
--
-- Its total is the counts read model's on-notice figure less the families
-- still on notice whose notice does not run today (ended and awaiting the
-- bureau, or not yet begun): usually few, and these two partial indexes
-- (on-notice rows only, so a few bytes per family) find them without
-- reading those whose notice runs. The state is written as a literal in
-- those counts: a partial index is only used by a query that states its
-- WHERE. "IS NOT NULL" keeps the notice page itself off them: the page
-- states its dates through COALESCE (core/application_lists.rs), which
-- implies no IS NOT NULL, and walks applications_status in its order;
-- through these indexes it read and sorted every family on notice.
CREATE INDEX applications_notice_end ON applications (notice_end)
    WHERE status_code = 'on_notice' AND notice_end IS NOT NULL;
CREATE INDEX applications_notice_start ON applications (notice_start)
    WHERE status_code = 'on_notice' AND notice_start IS NOT NULL;
