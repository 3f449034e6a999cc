//! Read-side upkeep of the allotment tables: what keeps the public project
//! page's queries on their indexes after a round's bulk writes.

use super::super::{Allotment, Backend};
use crate::sql::Q;
use crate::Result;

impl Allotment<'_> {
    /// Refreshes PostgreSQL's planner statistics of `allot_entrants` after
    /// a round's entrants were written or drawn in bulk (10⁵ rows at once).
    ///
    /// Until autovacuum came by (a minute or more: the first minutes after
    /// a draw, when the public looks), PostgreSQL still believed the table
    /// as it was before the round, planned the project page's window of
    /// entrants in calling order as a walk of the whole round through the
    /// state index and a sort (82 ms by `EXPLAIN ANALYZE` at 7 × 10⁴
    /// entrants; 0.07 ms on `allot_entrants_call` with statistics), and its
    /// called-and-chosen lookup as a filter of every entrant (13.6 ms; 0.02
    /// ms). `ANALYZE` samples a fixed number of rows, so this costs about
    /// the same at 10⁶. It runs on a pooled connection outside any write
    /// transaction, so writers do not wait for it. SQLite plans these
    /// queries well without statistics (and `PRAGMA optimize` runs after a
    /// bulk load), so nothing is done there.
    pub async fn allot_refresh_entrant_statistics(&self) -> Result<()> {
        if !matches!(self.backend, Backend::Pg { .. }) {
            return Ok(());
        }
        let mut pc = self.read_conn().await?;
        Q::new("ANALYZE allot_entrants")
            .execute(&mut pc.conn())
            .await?;
        Ok(())
    }
}
