//! Every store operation, written once for both backends.
//!
//! # Concurrency
//!
//! Several anju processes may share one database, so every invariant is
//! kept by the database, not by memory:
//!
//! * **Audit chain.** `audit_head` holds the last seq and hash (and the
//!   hash before it) in one row. A write that audits first does all its
//!   other work, then `UPDATE audit_head SET last_seq = last_seq + 1`
//!   (taking the row's lock until commit), and the entry is inserted with
//!   the previous hash and its own: on PostgreSQL in that same statement,
//!   the hash finished by the database and checked by anju
//!   (`audit::audit_append`); on SQLite in two more statements. Appends
//!   are therefore serialised across processes and form one chain; the
//!   primary key on `audit_log.seq` is the last defence. Within one write
//!   the head is its last lock (a PostgreSQL submission takes it within its
//!   one statement). A group of writes (group commit) keeps the head from
//!   its first append to its `COMMIT`, so two processes' groups can wait
//!   for each other's head and another row; PostgreSQL breaks such a
//!   deadlock (40P01) and the losing group's writes are rerun whole
//!   (`retrying!`), as for a serialisation failure.
//! * **Waitlist places and application numbers.** A row in `counters`
//!   per district (`waitlist:<code>`) or year; `UPDATE … + 1` locks it, and
//!   the new place commits together with the counter, so places are unique
//!   and gap-free; `UNIQUE (district, place)` is the last defence.
//! * **Applications.** `applications.last_seq` is the version: an append
//!   updates the row `WHERE last_seq = <event seq − 1>`, so of two concurrent
//!   appends one gets [`StoreError::Conflict`]; the events' primary key
//!   `(application_id, seq)` is the last defence.
//! * **One active application per resident ID.** `active_members` has the
//!   keyed hash as its primary key; hashes are inserted in sorted order so
//!   that two submissions sharing members cannot deadlock.
//!
//! Row locks taken by `UPDATE` work the same on PostgreSQL, KingbaseES,
//! openGauss and distributed PostgreSQL-compatible engines, which is why
//! no advisory lock is used.
//!
//! On PostgreSQL write transactions run at `SERIALIZABLE`. The row locks
//! above still serialise writers, but where a transaction at `READ
//! COMMITTED` would wait for a locked row and then re-read it, at
//! `SERIALIZABLE` it is aborted (SQLSTATE 40001) once the holder commits;
//! so every write method runs inside `retrying!` (`crate::retry`),
//! which reruns the whole method. The invariants are those above, with
//! serialisability on top: no write skew between the reads a method makes
//! and the rows it writes. Since every write appends to the audit chain,
//! two overlapping writes cannot both commit; within one process they
//! therefore go through one writer connection, and only writes of other
//! processes or sessions are retried. On SQLite, write transactions begin
//! with `BEGIN IMMEDIATE` (one writer at a time, others wait up to the busy
//! timeout), which gives the same guarantees across processes.
//!
//! On both backends the writes of one process are *group committed*
//! ([`crate::group`]): the writes queued behind the process's writer
//! connection share one transaction, each in its own savepoint, and each
//! write's `commit()` returns only after the shared `COMMIT` succeeded. A
//! write that fails is rolled back to its savepoint and takes nothing else
//! with it (on PostgreSQL the group then ends, so that a rerun after a
//! serialisation failure starts from a new snapshot); the writes of a group
//! run one after another, so every invariant above holds as if each had its
//! own transaction. Methods here still just call `begin_write()` and
//! `tx.commit()`, inside `retrying!(self, { … })`.

pub(crate) mod accounts;
pub(crate) mod acquisition;
pub(crate) mod allotment;
pub(crate) mod application_bulk;
pub(crate) mod application_figures;
pub(crate) mod application_imports;
pub(crate) mod application_lists;
pub(crate) mod applications;
pub(crate) mod audit;
pub(crate) mod drafts;
pub(crate) mod event_bodies;
pub(crate) mod holdings;
pub(crate) mod keys;
pub(crate) mod market;
pub(crate) mod material_files;
pub(crate) mod messages;
pub(crate) mod preferences;
pub(crate) mod rate_windows;
pub(crate) mod rentals;
pub(crate) mod subsidies;
pub(crate) mod talent_apartments;
pub(crate) mod university_additions;

use std::collections::BTreeSet;

use anju_domain::audit::{from_hex, to_hex};
use anju_domain::{
    canonical_json, entry_hash, Application, ApplicationId, AuditEntry, ChainHead, Department,
    DistrictCode, Event, Role, Status, StatusKind, Timestamp, UserId,
};
use chrono::NaiveDate;
use serde_json::Value;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

use crate::crypto::{random_hex, Crypto};
use crate::group::GroupWriter;
use crate::retry::retrying;
use crate::sql::{is_unique_violation, PoolConn, Row, Script, Tx, Q};
use crate::{
    ApplicationSummary, AuditDraft, AuditFilter, ListFilter, ListOrder, ListSearch, ListTotal,
    NewUser, Result, SessionRecord, StoreError, StoredApplication, UserRecord, WaitlistFamily,
};

#[derive(Clone)]
pub(crate) enum Backend {
    /// `write` has one connection, which `writer` holds while a group is
    /// open: writers of this process queue there (in order) instead of
    /// spinning on SQLite's busy handler, and those that queued together
    /// share one transaction (group commit); other processes are kept out
    /// by `BEGIN IMMEDIATE`. `read` has several (WAL readers
    /// do not block the writer). For an in-memory database both are the
    /// same one-connection pool.
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        /// Group commit on `write`'s connection.
        writer: GroupWriter,
    },
    /// `pool` serves reads and, through `writer`, which keeps one of its
    /// connections, this process's writes (group commit, as on SQLite).
    Pg { pool: PgPool, writer: GroupWriter },
}

/// Declares a capability's handle: a borrowed [`Core`] whose methods are
/// that capability's operations (in `core/<capability>`). It dereferences to
/// the core for the shared machinery (transactions, connections, crypto),
/// none of which is public.
macro_rules! handle {
    ($name:ident, $ctor:ident, $doc:literal) => {
        #[doc = $doc]
        #[derive(Clone, Copy, Debug)]
        pub struct $name<'a>(&'a Core);

        impl std::ops::Deref for $name<'_> {
            type Target = Core;
            fn deref(&self) -> &Core {
                self.0
            }
        }

        impl Core {
            #[doc = $doc]
            pub(crate) fn $ctor(&self) -> $name<'_> {
                $name(self)
            }
        }
    };
}

handle!(Accounts, accounts, "Accounts and sessions.");
handle!(
    Applications,
    applications,
    "Applications, waitlist places and department imports."
);
handle!(Audit, audit, "The audit chain.");
handle!(
    KeyRotation,
    key_rotation,
    "Re-encrypting personal data with a new master key (see `core/keys.rs`)."
);
handle!(
    Holdings,
    holdings,
    "Held homes after the sale: register, campaigns, findings, cases, buybacks and the pool."
);
handle!(
    Allotment,
    allotment,
    "Projects, plans, homes, rounds, draws, calls, contracts, titles and dealings."
);
handle!(
    Market,
    market,
    "Market regulation: monthly sales and inventory, land figures, parcels, developer projects and the pre-sale fund ledger."
);

handle!(
    Rentals,
    rentals,
    "Rentals: rental homes and market-rent evidence, offers, leases, the append-only rent ledger and the dishonesty list."
);

handle!(
    Subsidies,
    subsidies,
    "Subsidy applications, their payment ledgers and the benefits register."
);

handle!(
    Acquisition,
    acquisition,
    "Acquisition of existing homes: companies, surveys, offers, caps, plans, purchases and the companies' ledgers."
);

/// The store's one implementation, shared by both backends. Outside this
/// crate (as [`crate::StoreCore`], through `AnyStore::allotment()`) only
/// its `allot_*` operations are visible.
#[derive(Clone)]
pub struct Core {
    pub(crate) backend: Backend,
    crypto: Crypto,
    /// Test hooks and the retry count (see `crate::retry`).
    pub(crate) faults: std::sync::Arc<crate::retry::Faults>,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = match &self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Pg { .. } => "postgres",
        };
        f.debug_struct("Core")
            .field("backend", &backend)
            .finish_non_exhaustive()
    }
}

const USER_COLS: &str =
    "id, username, display_name, role_code, district, password_hash, failed_logins, locked_until, created_at";

/// The summary's columns, for queries that add their own ([`SUMMARY_SELECT`]).
macro_rules! summary_cols {
    () => {
        "SELECT a.id, a.district, a.status_code, a.masked_name, a.masked_id, \
         a.owner_user_id, a.submitted_at, a.updated_at, a.categories_json, a.tier, a.notice_start, a.notice_end, \
         a.qualified_on, w.place"
    };
}
macro_rules! summary_from {
    () => {
        "FROM applications a LEFT JOIN waitlist_places w ON w.application_id = a.id"
    };
}
const SUMMARY_SELECT: &str = concat!(summary_cols!(), " ", summary_from!());
const SUMMARY_SELECT_COLS: &str = summary_cols!();
const SUMMARY_FROM: &str = summary_from!();

impl Core {
    pub(crate) fn new(backend: Backend, crypto: Crypto) -> Core {
        Core {
            backend,
            crypto,
            faults: Default::default(),
        }
    }

    #[cfg(test)]
    pub(crate) fn backend(&self) -> &Backend {
        &self.backend
    }

    pub(crate) async fn close(&self) {
        match &self.backend {
            Backend::Sqlite {
                read,
                write,
                writer,
            } => {
                writer.close().await;
                read.close().await;
                write.close().await;
            }
            Backend::Pg { pool, writer } => {
                writer.close().await;
                pool.close().await;
            }
        }
    }

    /// A transaction that will write: one operation of this process's
    /// group commit ([`crate::group`]). On PostgreSQL it is `SERIALIZABLE`:
    /// callers run inside `retrying!`, which reruns them when the
    /// engine aborts one to keep the order serial.
    pub(crate) async fn begin_write(&self) -> Result<Tx> {
        self.begin_write_as(false).await
    }

    /// [`Core::begin_write`] for an operation that seldom fails once it
    /// has written: on PostgreSQL it takes no savepoint of its own, and if
    /// it does fail, the other writes of its group are rerun
    /// ([`GroupWriter::begin_lean`]).
    pub(crate) async fn begin_write_lean(&self) -> Result<Tx> {
        self.begin_write_as(true).await
    }

    async fn begin_write_as(&self, lean: bool) -> Result<Tx> {
        Ok(match &self.backend {
            // (On SQLite a lean operation takes its savepoint: it costs no
            // round trip there.)
            Backend::Sqlite { writer, .. } => Tx::Group(writer.begin().await?),
            Backend::Pg { writer, .. } => {
                // Queueing for the writer and connecting share one
                // deadline, so a request fails with 503 in bounded time
                // while the database is away. (`begin` may be abandoned at
                // any point: the writer hands its connection on.)
                let begin = async {
                    if lean {
                        writer.begin_lean().await
                    } else {
                        writer.begin().await
                    }
                };
                let mut tx = tokio::time::timeout(crate::PgStore::ACQUIRE_TIMEOUT, begin)
                    .await
                    .map_err(|_| {
                        StoreError::Unavailable(
                            "等待写入连接超时 (timed out waiting for a write connection)".into(),
                        )
                    })??;
                tx.doomed = self.take_doomed();
                Tx::Group(tx)
            }
        })
    }

    /// A read-only transaction with one snapshot for all its statements.
    async fn begin_read(&self) -> Result<Tx> {
        Ok(match &self.backend {
            // Deferred: the snapshot is taken at the first read.
            Backend::Sqlite { read, .. } => Tx::Sqlite(read.begin().await?),
            Backend::Pg { pool, .. } => Tx::Pg(
                pool.begin_with("START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?,
            ),
        })
    }

    /// Refreshes the query planner's statistics after a bulk load (the
    /// synthetic city): PostgreSQL's `ANALYZE` — with none, it planned the
    /// list's keyset page as a scan of the whole table until autovacuum
    /// came by — and SQLite's `PRAGMA optimize`, which analyses what needs it.
    pub(crate) async fn refresh_statistics(&self) -> Result<()> {
        let sql = match &self.backend {
            Backend::Sqlite { .. } => "PRAGMA optimize",
            Backend::Pg { .. } => "ANALYZE",
        };
        let mut tx = self.begin_write().await?;
        Q::new(sql).execute(&mut tx.conn()).await?;
        tx.commit().await
    }

    /// Refreshes PostgreSQL's statistics of tables a write has just grown
    /// in bulk (a round's entrants, a draw's positions), after its commit.
    /// Until autovacuum next analyses them the planner believes a new
    /// round holds a row or two and joins it by scanning the whole round
    /// per row: the public project page took 2 s at 7 × 10⁴ entrants, and
    /// 1 ms once analysed; its called-and-chosen lookup filtered every
    /// entrant (13.6 ms; 0.02 ms analysed). `ANALYZE` samples a fixed
    /// number of rows, so it costs about the same at 10⁶ (docs/benchmarks.md). A failure is ignored: the
    /// write has committed and is reported as such, and autovacuum will
    /// analyse the table later anyway. SQLite needs nothing here: its
    /// planner's unique-index probes do not depend on row counts.
    pub(crate) async fn analyze_after_bulk(&self, tables: &[&str]) {
        if let Backend::Pg { pool, .. } = &self.backend {
            for t in tables {
                let _ = sqlx::query(&format!("ANALYZE {t}")).execute(pool).await;
            }
        }
    }

    /// Bytes on disk per table, its indexes included, largest first
    /// (issue 11 item 7's storage figures): PostgreSQL's
    /// `pg_total_relation_size` in the store's schema; SQLite's `dbstat`.
    pub(crate) async fn storage_by_table(&self) -> Result<Vec<(String, u64)>> {
        let sql = match &self.backend {
            Backend::Sqlite { .. } => {
                "SELECT m.tbl_name AS t, SUM(d.pgsize) AS n FROM dbstat d \
                 JOIN sqlite_master m ON m.name = d.name GROUP BY m.tbl_name ORDER BY n DESC"
            }
            Backend::Pg { .. } => {
                "SELECT relname AS t, CAST(pg_total_relation_size(relid) AS BIGINT) AS n FROM pg_stat_user_tables \
                 WHERE schemaname = current_schema() ORDER BY n DESC"
            }
        };
        let mut pc = self.read_conn().await?;
        Q::new(sql)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| Ok((r.text("t")?, u64::try_from(r.int("n")?).unwrap_or(0))))
            .collect()
    }

    /// A connection for single-statement reads.
    async fn read_conn(&self) -> Result<PoolConn> {
        Ok(match &self.backend {
            Backend::Sqlite { read, .. } => PoolConn::Sqlite(read.acquire().await?),
            Backend::Pg { pool, .. } => PoolConn::Pg(pool.acquire().await?),
        })
    }
}

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn to_json(event: &Event) -> Result<String> {
    serde_json::to_string(event)
        .map_err(|e| StoreError::Corrupt(format!("event does not serialise: {e}")))
}

fn parse_event(body: &str) -> Result<Event> {
    serde_json::from_str(body)
        .map_err(|e| StoreError::Corrupt(format!("事件无法读取 (event does not parse): {e}")))
}

fn parse_ts(s: &str) -> Result<Timestamp> {
    Timestamp::parse(s).map_err(corrupt)
}

fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| StoreError::Corrupt(format!("date {s:?}: {e}")))
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_user_id(s: &str) -> Result<UserId> {
    UserId::new(s).map_err(corrupt)
}

fn parse_hash(s: &str) -> Result<[u8; 32]> {
    from_hex(s).ok_or_else(|| StoreError::Corrupt(format!("hash {s:?} is not 64 hex digits")))
}

/// `on_notice`, … (StatusKind's serde name).
fn status_code(kind: StatusKind) -> Result<String> {
    match serde_json::to_value(kind) {
        Ok(Value::String(s)) => Ok(s),
        _ => Err(StoreError::Corrupt(format!("status {kind:?} has no code"))),
    }
}

fn parse_status(code: &str) -> Result<StatusKind> {
    serde_json::from_value(Value::String(code.to_owned()))
        .map_err(|_| StoreError::Corrupt(format!("unknown status {code:?}")))
}

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{n} does not fit in BIGINT")))
}

fn to_u64(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("negative sequence number {n}")))
}

fn to_u32(n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{n} out of range")))
}

fn user_not_found(id: &UserId) -> StoreError {
    StoreError::NotFound {
        what: format!("用户 {id} 不存在 (user {id} not found)"),
    }
}

fn application_not_found(id: &ApplicationId) -> StoreError {
    StoreError::NotFound {
        what: format!("申请 {id} 不存在 (application {id} not found)"),
    }
}

fn stale(id: &ApplicationId, stored: i64) -> StoreError {
    StoreError::Conflict {
        what: format!(
            "申请 {id} 已被他人修改（当前为第{stored}个事件），请刷新后重试 (application {id} was changed by someone else, it is now at event {stored}; reload and try again)"
        ),
    }
}

fn mismatch(id: &ApplicationId) -> StoreError {
    StoreError::Conflict {
        what: format!(
            "申请 {id} 的事件与其状态不一致 (the event and the state given for application {id} do not match)"
        ),
    }
}

/// Why a conditional `UPDATE … WHERE id = $1 AND status = …` matched no
/// row: the row exists in another state (`Conflict`, saying `conflict`)
/// or there is no such row (`NotFound`, naming `what`).
async fn unchanged_row(
    c: &mut crate::sql::Conn<'_>,
    table: &str,
    id: &str,
    conflict: String,
    what: String,
) -> Result<StoreError> {
    let exists = Q::new(format!("SELECT id FROM {table} WHERE id = $1"))
        .text(id)
        .fetch_optional(c)
        .await?
        .is_some();
    Ok(if exists {
        StoreError::Conflict { what: conflict }
    } else {
        StoreError::NotFound { what }
    })
}

/// The active-member index is unique per resident ID: a violation means the
/// person is already in another active application.
fn duplicate_member(e: sqlx::Error) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::DuplicateMember
    } else {
        e.into()
    }
}
