//! Serialisation-safe writes: every write operation runs under
//! [`retrying!`], which reruns the *whole* operation (its reads, its
//! transaction, its `COMMIT`) when the database reports a serialisation
//! failure or a deadlock ([`StoreError::Contention`], SQLSTATE 40001 or
//! 40P01), a bounded number of times with jittered exponential backoff.
//!
//! On PostgreSQL write transactions run at `SERIALIZABLE` (see
//! `Core::begin_write`): the engine then aborts, rather than silently
//! interleaves, any transaction whose outcome would differ from some serial
//! order. Distributed PostgreSQL-compatible engines (CockroachDB,
//! YugabyteDB) run serialisable and report the same codes, and expect the
//! client to retry exactly like this. A rerun starts from nothing: a
//! transaction that failed has been rolled back, and the operation's inputs
//! are only borrowed by its closure, so each attempt sees the database as
//! it is then.
//!
//! On SQLite writes are already serial (one writer, `BEGIN IMMEDIATE`), the
//! codes never occur, and the helper only costs a loop.
//!
//! Errors other than contention are returned at once: a stale version or a
//! duplicate is the caller's to handle, and a database that went away
//! ([`StoreError::Unavailable`]) may have committed before the connection
//! dropped, so rerunning could apply the write twice.

use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::time::Duration;

use aes_gcm::aead::rand_core::RngCore as _;
use aes_gcm::aead::OsRng;

use crate::core::{Backend, Core};
use crate::{Result, StoreError};

/// Runs a block that performs one write operation (and returns
/// `crate::Result<T>`) as [`Core::after_attempt`] says: again from the
/// start after contention, up to [`MAX_ATTEMPTS`] times in all. A macro
/// rather than a function taking an async closure: the futures of store
/// methods must be `Send` for any lifetime (axum handlers, `tokio::spawn`),
/// which the compiler cannot yet prove through an async closure's
/// higher-ranked signature; an async block is a plain future.
macro_rules! retrying {
    ($core:expr, { $($body:tt)* }) => {{
        let mut attempt = 1;
        loop {
            let outcome: $crate::Result<_> = async { $($body)* }.await;
            match $core.after_attempt(outcome, attempt).await {
                Ok(done) => break done,
                Err(next) => attempt = next,
            }
        }
    }};
}
pub(crate) use retrying;

/// Attempts per operation, the first included. Within one process writes
/// go through one writer connection (`crate::group`), so contention comes from
/// other processes or other sessions; twelve attempts with the backoff
/// below bound a request's extra wait to under a second.
pub const MAX_ATTEMPTS: u32 = 12;
/// First backoff ceiling; doubles per attempt up to [`MAX_BACKOFF`].
const BASE_BACKOFF: Duration = Duration::from_millis(4);
const MAX_BACKOFF: Duration = Duration::from_millis(100);

/// Counters that tests read and arm (shared by the clones of a store).
#[derive(Default, Debug)]
pub(crate) struct Faults {
    /// PostgreSQL write transactions still to be failed at `COMMIT`.
    doomed: AtomicU32,
    /// Reruns so far (all operations).
    retries: AtomicU64,
}

impl Core {
    /// What to do after attempt number `attempt` of an operation ended with
    /// `outcome`: `Ok(outcome)` to return it (success, an error that is not
    /// contention, or contention on the last attempt), or, after the
    /// backoff, `Err(next attempt number)` to run the operation again.
    pub(crate) async fn after_attempt<T>(
        &self,
        outcome: Result<T>,
        attempt: u32,
    ) -> std::result::Result<Result<T>, u32> {
        match outcome {
            Err(StoreError::Contention(_)) if attempt < MAX_ATTEMPTS => {
                self.faults.retries.fetch_add(1, Ordering::Relaxed);
                tokio::time::sleep(backoff(attempt)).await;
                Err(attempt + 1)
            }
            Err(StoreError::Contention(why)) => Ok(Err(StoreError::Contention(format!(
                "{attempt} 次尝试后 (after {attempt} attempts): {why}"
            )))),
            done => Ok(done),
        }
    }

    /// Whether the next PostgreSQL write transaction is to fail at `COMMIT`
    /// (a test armed it); counts it off.
    pub(crate) fn take_doomed(&self) -> bool {
        self.faults
            .doomed
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }

    /// Test hook: the next `n` PostgreSQL write transactions fail at
    /// `COMMIT` with a genuine SQLSTATE 40001 raised by the server. No effect
    /// on SQLite.
    pub(crate) fn inject_serialization_failures(&self, n: u32) {
        self.faults.doomed.fetch_add(n, Ordering::SeqCst);
    }

    /// How many times operations were rerun after contention.
    pub(crate) fn retries(&self) -> u64 {
        self.faults.retries.load(Ordering::Relaxed)
    }

    /// Test hook: caps the SQLite file at `pages` pages on the writer's
    /// connection (`PRAGMA max_page_count`), to make the volume "full"
    /// (`SQLITE_FULL`) and to give the space back. Returns the cap now in
    /// force, which SQLite never sets below the file's current size.
    pub(crate) async fn sqlite_max_page_count(&self, pages: u64) -> Result<u64> {
        if !matches!(self.backend, Backend::Sqlite { .. }) {
            return Err(StoreError::Database("not an SQLite store".into()));
        }
        let mut tx = self.begin_write().await?;
        let crate::sql::Conn::Sqlite(c) = tx.conn() else {
            return Err(StoreError::Database("not an SQLite writer".into()));
        };
        let (cap,): (i64,) = sqlx::query_as(&format!("PRAGMA max_page_count = {pages}"))
            .fetch_one(&mut *c)
            .await?;
        tx.commit().await?;
        u64::try_from(cap).map_err(|_| StoreError::Corrupt(format!("page count {cap}")))
    }
}

/// Full jitter: a uniform wait up to the attempt's ceiling, so that the
/// transactions that collided do not collide again in step.
fn backoff(attempt: u32) -> Duration {
    let ceiling = BASE_BACKOFF
        .saturating_mul(1 << attempt.min(16))
        .min(MAX_BACKOFF);
    let micros = u64::try_from(ceiling.as_micros())
        .unwrap_or(u64::MAX)
        .max(1);
    Duration::from_micros(OsRng.next_u64() % micros)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_is_bounded_and_grows() {
        for attempt in 1..MAX_ATTEMPTS + 4 {
            assert!(backoff(attempt) <= MAX_BACKOFF);
        }
        let ceilings: Vec<Duration> = (1..=3)
            .map(|a| BASE_BACKOFF.saturating_mul(1 << a))
            .collect();
        assert_eq!(ceilings, [8, 16, 32].map(Duration::from_millis).to_vec());
    }
}
