//! Group commit for the writer of one process, on both backends.
//!
//! All writes of one process go through one connection. Instead of one
//! transaction per write, the writes that queue up behind the connection
//! share one outer transaction, and so one flush to disk at `COMMIT`:
//!
//! * The first operation of a group opens the transaction — SQLite's
//!   `BEGIN IMMEDIATE` (so other processes sharing the file still take
//!   turns), PostgreSQL's `START TRANSACTION ISOLATION LEVEL SERIALIZABLE`
//!   (see `Core::begin_write`) — and every operation runs inside its own
//!   `SAVEPOINT op`.
//! * An operation that commits leaves its savepoint to be released by the
//!   next user of the connection (`RELEASE op; SAVEPOINT op` in one round
//!   trip) and waits for the outer `COMMIT`; its `commit()` returns only
//!   after that `COMMIT` succeeded, so nothing is acknowledged before it is
//!   on disk. If the `COMMIT` fails, every operation of the group gets the
//!   error.
//! * An operation dropped uncommitted (an error path, or a cancelled
//!   future) owes a `ROLLBACK TO op`, which the next user of the connection
//!   runs before anything else: its work, and only its work, is undone.
//! * On PostgreSQL an operation that seldom fails once it has written (a
//!   submission) may go without a savepoint of its own, saving a round
//!   trip on the connection that every write of the process waits for
//!   (`GroupWriter::begin_lean`). Its work joins the savepoint of the
//!   operation before it; if it is dropped after using the connection, the
//!   whole group is rolled back and its other operations are rerun, and for
//!   a second after that no operation goes without a savepoint.
//! * The group is committed as soon as nobody is waiting for the
//!   connection (so an idle writer adds no latency), or when it holds
//!   [`MAX_OPS`] operations or has been open for [`MAX_SPAN`]. The outer
//!   transaction (and with it the database's write lock) is therefore held
//!   only while work is queued.
//! * On PostgreSQL a group also ends as soon as an operation is dropped
//!   uncommitted. Its error may be a serialisation failure caused by
//!   another process, and a rerun inside the same `SERIALIZABLE`
//!   transaction would see the same snapshot and fail the same way: the
//!   rerun (`retrying!`) must start a new transaction. A `COMMIT` that fails
//!   with a serialisation failure fails every operation of the group with
//!   it, so each is rerun whole. Before `COMMIT` the last operation's
//!   savepoint is released explicitly: PostgreSQL answers `COMMIT` in a
//!   transaction that an error aborted with a silent rollback, whereas
//!   `RELEASE` there is an error, which fails the group instead of
//!   reporting lost writes as saved.
//!
//! Operations run one after another on the connection, so a group is
//! equivalent to its operations run serially, each seeing the ones before
//! it. The one difference: an operation that fails because of an earlier
//! operation of its group (a duplicate member, a stale version) has its
//! error reported even if that group's `COMMIT` later fails — the same
//! answer as if the earlier operation had committed and then been lost.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use sqlx::pool::PoolConnection;
use sqlx::postgres::PgPool;
use sqlx::{Executor as _, Postgres, Sqlite, SqlitePool};
use tokio::sync::{oneshot, Mutex, OwnedMutexGuard};

use crate::sql::Conn;
use crate::StoreError;

/// Most operations in one outer transaction.
pub(crate) const MAX_OPS: usize = 64;
/// Longest an outer transaction stays open to take in more operations.
pub(crate) const MAX_SPAN: Duration = Duration::from_millis(8);
/// How long lean operations take a savepoint after one of them failed
/// ([`GroupWriter::begin_lean`]).
pub(crate) const LEAN_PAUSE: Duration = Duration::from_secs(1);

/// How PostgreSQL's outer transaction begins (see `Core::begin_write`).
macro_rules! pg_begin {
    () => {
        "START TRANSACTION ISOLATION LEVEL SERIALIZABLE"
    };
}

/// The writer of one process: its connection and the group in progress.
#[derive(Clone)]
pub(crate) struct GroupWriter {
    inner: Arc<Inner>,
}

/// The pool the writer takes its connection from.
#[derive(Clone)]
pub(crate) enum WriterPool {
    Sqlite(SqlitePool),
    Pg(PgPool),
}

/// The writer's connection.
enum WriterConn {
    Sqlite(PoolConnection<Sqlite>),
    Pg(PoolConnection<Postgres>),
}

impl WriterPool {
    async fn acquire(&self) -> Result<WriterConn, sqlx::Error> {
        Ok(match self {
            WriterPool::Sqlite(p) => WriterConn::Sqlite(p.acquire().await?),
            WriterPool::Pg(p) => WriterConn::Pg(p.acquire().await?),
        })
    }

    /// Opens the outer transaction and the first operation's savepoint.
    fn begin_sql(&self) -> &'static str {
        match self {
            WriterPool::Sqlite(_) => "BEGIN IMMEDIATE; SAVEPOINT op",
            WriterPool::Pg(_) => concat!(pg_begin!(), "; SAVEPOINT op"),
        }
    }

    fn is_pg(&self) -> bool {
        matches!(self, WriterPool::Pg(_))
    }
}

impl WriterConn {
    /// Runs statements without parameters (several, separated by `;`:
    /// SQLite runs them in turn, PostgreSQL's simple query protocol too,
    /// stopping at the first that fails).
    async fn run(&mut self, sql: &str) -> Result<(), sqlx::Error> {
        match self {
            WriterConn::Sqlite(c) => c.execute(sql).await.map(|_| ()),
            WriterConn::Pg(c) => c.execute(sql).await.map(|_| ()),
        }
    }

    fn conn(&mut self) -> Conn<'_> {
        match self {
            WriterConn::Sqlite(c) => Conn::Sqlite(c),
            WriterConn::Pg(c) => Conn::Pg(c),
        }
    }
}

struct Inner {
    pool: WriterPool,
    /// Keep the connection between groups (a file database); otherwise
    /// give it back to the pool after each group (an in-memory database,
    /// whose single connection the readers share).
    keep_conn: bool,
    /// Operations waiting for the connection.
    waiting: AtomicUsize,
    state: Arc<Mutex<State>>,
}

/// What the last operation left for the next user of the connection.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Owed {
    Nothing,
    /// It committed: `RELEASE op`.
    Release,
    /// It was dropped uncommitted: `ROLLBACK TO op; RELEASE op`.
    RollbackTo,
    /// An operation without a savepoint of its own failed after it had
    /// used the connection: the transaction is rolled back and the other
    /// operations of the group are rerun (see [`GroupWriter::begin_lean`]).
    Abort,
}

/// The outcome of the group's `COMMIT`, for one operation of it.
type Ack = oneshot::Sender<Result<(), StoreError>>;

struct State {
    conn: Option<WriterConn>,
    /// The outer transaction has begun and has not ended.
    open: bool,
    owed: Owed,
    /// A statement of ours was interrupted (its future dropped): the
    /// transaction's state is unknown, so the group is abandoned.
    unsure: bool,
    /// Operations of the open transaction waiting for its `COMMIT`.
    members: Vec<Ack>,
    started: Instant,
    /// Operations that asked to go without a savepoint take one anyway
    /// until then: one of them failed lately (see
    /// [`GroupWriter::begin_lean`]).
    lean_off_until: Option<Instant>,
}

impl GroupWriter {
    pub(crate) fn new(pool: WriterPool, keep_conn: bool) -> GroupWriter {
        GroupWriter {
            inner: Arc::new(Inner {
                pool,
                keep_conn,
                waiting: AtomicUsize::new(0),
                state: Arc::new(Mutex::new(State {
                    conn: None,
                    open: false,
                    owed: Owed::Nothing,
                    unsure: false,
                    members: Vec::new(),
                    started: Instant::now(),
                    lean_off_until: None,
                })),
            }),
        }
    }

    /// Starts an operation: waits for the connection, then opens the outer
    /// transaction if none is open, settles what the previous operation
    /// owed, and sets the operation's savepoint.
    pub(crate) async fn begin(&self) -> Result<GroupTx, StoreError> {
        self.begin_as(false).await
    }

    /// Starts an operation that runs without a savepoint of its own on
    /// PostgreSQL, saving the writer connection one round trip (the
    /// `SAVEPOINT`), which is about a quarter of a submission's time on it.
    /// For operations that seldom fail once they have used the connection
    /// (a submission, whose refusals are found by reads before it writes):
    /// if one does, its work cannot be undone alone, so the whole group is
    /// rolled back, the operation returns its own error and every other
    /// operation of the group is rerun (`StoreError::Contention`, as after
    /// a serialisation failure at `COMMIT`). After such a failure, lean
    /// operations take a savepoint for [`LEAN_PAUSE`], so that writes that
    /// keep failing cannot make others rerun more than about once in that
    /// time. On SQLite, where a savepoint costs no round trip, this is
    /// [`GroupWriter::begin`].
    pub(crate) async fn begin_lean(&self) -> Result<GroupTx, StoreError> {
        self.begin_as(self.inner.pool.is_pg()).await
    }

    async fn begin_as(&self, lean: bool) -> Result<GroupTx, StoreError> {
        let guard = {
            let mut w = Waiting::new(&self.inner);
            let g = self.inner.state.clone().lock_owned().await;
            w.acquired = true;
            g
        };
        // From here on, dropping `tx` (cancellation included) hands the
        // connection on properly.
        let mut tx = GroupTx {
            guard: Some(guard),
            inner: self.inner.clone(),
            started: false,
            lean: false,
            touched: false,
            doomed: false,
        };
        let st = tx.state();
        if st.unsure {
            abort(
                st,
                interrupted("上一个写操作被中断 (an earlier write was interrupted)"),
            )
            .await;
        } else if st.owed == Owed::Abort {
            abort(st, group_failed()).await;
        }
        if st.conn.is_none() {
            st.conn = Some(self.inner.pool.acquire().await?);
        }
        let was_open = st.open;
        let lean = lean && st.lean_off_until.is_none_or(|t| Instant::now() >= t);
        let sql = if lean {
            match (was_open, st.owed) {
                // (Lean operations are PostgreSQL's only.)
                (false, _) => pg_begin!(),
                (true, Owed::RollbackTo) => "ROLLBACK TO op; RELEASE op",
                // Its work joins the previous operation's savepoint, or
                // the transaction itself: nothing to send.
                (true, _) => "",
            }
        } else if !was_open {
            self.inner.pool.begin_sql()
        } else {
            match st.owed {
                // (`Abort` does not reach here: the group was ended above.)
                Owed::Nothing | Owed::Abort => "SAVEPOINT op",
                Owed::Release => "RELEASE op; SAVEPOINT op",
                Owed::RollbackTo => "ROLLBACK TO op; RELEASE op; SAVEPOINT op",
            }
        };
        st.unsure = true;
        let r = if sql.is_empty() {
            Ok(())
        } else {
            conn_of(st).run(sql).await
        };
        st.unsure = false;
        match r {
            Ok(()) => {
                if !was_open {
                    st.open = true;
                    st.started = Instant::now();
                }
                if lean {
                    // A committed previous operation's savepoint stays
                    // owed (`Release`): this one's work joins it.
                    if st.owed == Owed::RollbackTo || !was_open {
                        st.owed = Owed::Nothing;
                    }
                    tx.lean = true;
                } else {
                    st.owed = Owed::Nothing;
                    tx.started = true;
                }
                Ok(tx)
            }
            Err(e) => {
                // Whatever ran of it, the transaction is no longer one we
                // can vouch for: end it, failing the operations in it.
                let e = settle_error(st.owed, e);
                abort(st, e.clone()).await;
                Err(e)
            }
        }
    }

    /// Ends any group and gives the connection back to the pool (before the
    /// pool is closed).
    pub(crate) async fn close(&self) {
        let mut g = self.inner.state.clone().lock_owned().await;
        finish(&mut g).await;
        g.conn = None;
    }
}

/// Counts an operation waiting for the connection. If it gives up before
/// getting it (its future dropped), someone must still end the group that
/// was left open for it.
struct Waiting<'a> {
    inner: &'a Arc<Inner>,
    acquired: bool,
}

impl<'a> Waiting<'a> {
    fn new(inner: &'a Arc<Inner>) -> Waiting<'a> {
        inner.waiting.fetch_add(1, Ordering::SeqCst);
        Waiting {
            inner,
            acquired: false,
        }
    }
}

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.inner.waiting.fetch_sub(1, Ordering::SeqCst);
        if !self.acquired {
            let inner = self.inner.clone();
            spawn(async move {
                let g = inner.state.clone().lock_owned().await;
                inner.hand_on(g);
            });
        }
    }
}

impl Inner {
    /// An operation is done with the connection: leave the group open for
    /// the next one waiting, or end it now.
    fn hand_on(self: &Arc<Self>, mut g: OwnedMutexGuard<State>) {
        let waiting = self.waiting.load(Ordering::SeqCst);
        // On PostgreSQL a dropped operation ends the group: its rerun needs
        // a new snapshot (see the module's documentation).
        let dropped_on_pg = self.pool.is_pg() && g.owed == Owed::RollbackTo;
        let abandoned = g.owed == Owed::Abort;
        let end = g.unsure
            || (g.open
                && (waiting == 0
                    || dropped_on_pg
                    || abandoned
                    || g.members.len() >= MAX_OPS
                    || g.started.elapsed() >= MAX_SPAN));
        if end {
            let keep = self.keep_conn;
            let ok = spawn(async move {
                finish(&mut g).await;
                if !keep && !g.open {
                    g.conn = None;
                }
            });
            if !ok {
                // No runtime (shutting down): the next user, if any, will
                // find the group open and go on with it.
            }
        } else if !g.open && !self.keep_conn && waiting == 0 {
            g.conn = None;
        }
    }
}

/// Ends the open transaction: commits the group (after rolling back what a
/// dropped last operation owes), or rolls back if it holds no committed
/// operation. Tells every member the outcome.
async fn finish(st: &mut State) {
    if st.unsure {
        abort(st, interrupted("写操作被中断 (a write was interrupted)")).await;
        return;
    }
    if !st.open {
        return;
    }
    if st.owed == Owed::Abort {
        abort(st, group_failed()).await;
        return;
    }
    // `RELEASE op` before `COMMIT`: an error in a PostgreSQL transaction
    // that nobody rolled back makes `RELEASE` fail, where `COMMIT` alone
    // would quietly roll back and report success.
    let sql = match (st.owed, st.members.is_empty()) {
        // (`Abort` was handled above.)
        (Owed::RollbackTo | Owed::Abort, true) | (Owed::Abort, false) => "ROLLBACK",
        (Owed::RollbackTo, false) => "ROLLBACK TO op; RELEASE op; COMMIT",
        (_, true) => "ROLLBACK",
        (Owed::Release, false) => "RELEASE op; COMMIT",
        (Owed::Nothing, false) => "COMMIT",
    };
    st.unsure = true;
    let r = conn_of(st).run(sql).await;
    st.unsure = false;
    match r {
        Ok(()) => {
            st.open = false;
            st.owed = Owed::Nothing;
            for m in st.members.drain(..) {
                let _ = m.send(Ok(()));
            }
        }
        Err(e) => {
            let e = settle_error(st.owed, e);
            abort(st, e).await
        }
    }
}

/// Why settling what the last operation owed failed. A `ROLLBACK TO op`
/// that finds no savepoint means SQLite already rolled the whole
/// transaction back when that operation's statement failed, which it does
/// only for a full disk (`SQLITE_FULL`), an I/O error or lack of memory
/// (<https://sqlite.org/lang_transaction.html>): the other operations of
/// the group are lost with it and must hear the storage's fault, not
/// "no such savepoint".
fn settle_error(owed: Owed, e: sqlx::Error) -> StoreError {
    let gone = owed == Owed::RollbackTo && e.to_string().contains("no such savepoint");
    if gone {
        StoreError::StorageFull(
            "数据库在一次写入失败后回滚了整个事务（存储空间已满或磁盘错误） \
             (the database rolled the whole transaction back after a write in it failed: \
             storage full or a disk error)"
                .into(),
        )
    } else {
        e.into()
    }
}

/// What the other operations of a group hear when a lean operation of it
/// failed (see [`GroupWriter::begin_lean`]): a contention, so that each is
/// rerun whole.
fn group_failed() -> StoreError {
    StoreError::Contention(
        "同批写入中另一操作失败，本操作将自动重试 (another write of the group failed; this one is rerun)"
            .into(),
    )
}

fn interrupted(why: &str) -> StoreError {
    StoreError::Database(why.to_owned())
}

/// Every operation of a failed group gets the failure, of the same kind
/// (a full disk stays [`StoreError::StorageFull`], a lost connection
/// [`StoreError::Unavailable`]), saying that its write was not saved.
fn not_saved(why: &StoreError) -> StoreError {
    const NOT_SAVED: &str = "提交失败，本次写入未保存 (commit failed, the write was not saved)";
    match why {
        StoreError::StorageFull(m) => StoreError::StorageFull(format!("{NOT_SAVED}: {m}")),
        StoreError::Unavailable(m) => StoreError::Unavailable(format!("{NOT_SAVED}: {m}")),
        // A serialisation failure at PostgreSQL's `COMMIT`: nothing of the
        // group was saved, and each operation is rerun (`retrying!`).
        StoreError::Contention(m) => StoreError::Contention(format!("{NOT_SAVED}: {m}")),
        other => StoreError::Database(format!("{NOT_SAVED}: {other}")),
    }
}

/// Rolls the whole transaction back and fails every member with `why`.
async fn abort(st: &mut State, why: StoreError) {
    st.unsure = true;
    if let Some(c) = st.conn.as_mut() {
        // "no transaction is active" is as good.
        let _ = c.run("ROLLBACK").await;
    }
    st.unsure = false;
    st.open = false;
    st.owed = Owed::Nothing;
    for m in st.members.drain(..) {
        let _ = m.send(Err(not_saved(&why)));
    }
    // Let the pool test the connection (it drops a broken one); the next
    // operation takes one afresh.
    st.conn = None;
}

fn conn_of(st: &mut State) -> &mut WriterConn {
    st.conn.as_mut().expect("the writer holds its connection")
}

fn spawn<F>(f: F) -> bool
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    match tokio::runtime::Handle::try_current() {
        Ok(h) => {
            h.spawn(f);
            true
        }
        Err(_) => false,
    }
}

/// One write operation in the open group: the connection is its own until
/// it commits or is dropped.
pub(crate) struct GroupTx {
    guard: Option<OwnedMutexGuard<State>>,
    inner: Arc<Inner>,
    /// Its savepoint is set.
    started: bool,
    /// It has no savepoint of its own ([`GroupWriter::begin_lean`]).
    lean: bool,
    /// It has used the connection (a lean operation dropped after that
    /// fails its group).
    touched: bool,
    /// A test armed it to fail at `commit()` with a genuine serialisation
    /// failure (see `Core::inject_serialization_failures`; PostgreSQL).
    pub(crate) doomed: bool,
}

impl GroupTx {
    fn state(&mut self) -> &mut State {
        self.guard.as_mut().expect("a live operation")
    }

    pub(crate) fn conn(&mut self) -> Conn<'_> {
        self.touched = true;
        conn_of(self.state()).conn()
    }

    /// Marks the operation done and waits until the outer transaction that
    /// holds it has committed.
    pub(crate) async fn commit(mut self) -> Result<(), StoreError> {
        if self.doomed {
            // The server raises the error, so it reaches the store exactly
            // as a real one would (SQLSTATE 40001, from a statement of this
            // operation); dropping `self` then rolls the operation back and
            // ends the group.
            let r = conn_of(self.state())
                .run(
                    "DO $$ BEGIN RAISE EXCEPTION USING ERRCODE = 'serialization_failure', \
                     MESSAGE = 'could not serialize access due to read/write dependencies \
                     among transactions (injected by a test)'; END $$",
                )
                .await;
            return Err(match r {
                Err(e) => e.into(),
                Ok(()) => {
                    StoreError::Database("an injected serialisation failure did not fail".into())
                }
            });
        }
        let (ack, done) = oneshot::channel();
        let mut g = self.guard.take().expect("a live operation");
        if !self.lean {
            g.owed = Owed::Release;
        }
        g.members.push(ack);
        self.inner.hand_on(g);
        match done.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(e),
            Err(_) => Err(StoreError::Database(
                "提交被中断，本次写入未保存 (the commit was interrupted, the write was not saved)"
                    .into(),
            )),
        }
    }
}

impl Drop for GroupTx {
    fn drop(&mut self) {
        let Some(mut g) = self.guard.take() else {
            return;
        };
        if self.started {
            // Uncommitted: undo its work before anyone else uses the
            // connection.
            g.owed = Owed::RollbackTo;
        } else if self.lean && self.touched {
            // Its work, if any, cannot be undone alone.
            g.owed = Owed::Abort;
            g.lean_off_until = Some(Instant::now() + LEAN_PAUSE);
        }
        self.inner.hand_on(g);
    }
}

#[cfg(test)]
mod tests {
    //! The lean path on PostgreSQL (when `ANJU_TEST_DATABASE_URL` is set):
    //! groups are formed by hand, so each case is exact.
    use super::*;

    struct Fixture {
        pool: PgPool,
        table: String,
        writer: GroupWriter,
    }

    impl Fixture {
        async fn new() -> Option<Fixture> {
            let url = std::env::var("ANJU_TEST_DATABASE_URL").ok()?;
            let pool = sqlx::postgres::PgPoolOptions::new()
                .max_connections(3)
                .connect(&url)
                .await
                .expect("connect");
            let table = format!("group_test_{}", &crate::crypto::random_hex(8));
            pool.execute(format!("CREATE TABLE {table} (v INT PRIMARY KEY)").as_str())
                .await
                .expect("create");
            let writer = GroupWriter::new(WriterPool::Pg(pool.clone()), true);
            Some(Fixture {
                pool,
                table,
                writer,
            })
        }

        async fn insert(&self, tx: &mut GroupTx, v: i32) -> Result<(), sqlx::Error> {
            let Conn::Pg(c) = tx.conn() else {
                unreachable!("postgres")
            };
            c.execute(format!("INSERT INTO {} VALUES ({v})", self.table).as_str())
                .await
                .map(|_| ())
        }

        async fn stored(&self) -> Vec<i32> {
            sqlx::query_scalar(&format!("SELECT v FROM {} ORDER BY v", self.table))
                .fetch_all(&self.pool)
                .await
                .expect("select")
        }

        /// A fixture whose group is open with one operation, `a`, that
        /// has written 1 and not yet committed.
        async fn with_first_write() -> Option<(Arc<Fixture>, GroupTx)> {
            let f = Arc::new(Fixture::new().await?);
            let mut a = f.writer.begin().await.expect("a begins");
            f.insert(&mut a, 1).await.expect("a writes");
            Some((f, a))
        }

        /// Waits until `n` operations queue for the connection.
        async fn queued(&self, n: usize) {
            while self.writer.inner.waiting.load(Ordering::SeqCst) < n {
                tokio::time::sleep(Duration::from_millis(2)).await;
            }
        }

        async fn drop_table(self) {
            self.writer.close().await;
            let _ = self
                .pool
                .execute(format!("DROP TABLE {}", self.table).as_str())
                .await;
            self.pool.close().await;
        }
    }

    /// A lean operation that fails after writing takes its whole group
    /// with it: the operation before it in the group hears a contention
    /// (so `retrying!` reruns it), nothing of either is stored, and for
    /// `LEAN_PAUSE` lean operations take a savepoint after all.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_failing_lean_operation_reruns_its_group() {
        let Some((f, a)) = Fixture::with_first_write().await else {
            return;
        };
        let b = tokio::spawn({
            let f = f.clone();
            async move {
                let mut b = f.writer.begin_lean().await.expect("b begins");
                assert!(b.lean && !b.started, "no savepoint of its own");
                f.insert(&mut b, 2).await.expect("b writes");
                // Then fails: 1 is a's, in the same transaction.
                f.insert(&mut b, 1).await.expect_err("b's duplicate")
            }
        });
        f.queued(1).await;
        let a = tokio::spawn(a.commit());
        let b_error = b.await.expect("join b");
        assert!(is_unique(&b_error), "b hears its own error: {b_error}");
        let a_result = a.await.expect("join a");
        assert!(
            matches!(a_result, Err(StoreError::Contention(_))),
            "a is told to rerun: {a_result:?}"
        );
        assert_eq!(f.stored().await, Vec::<i32>::new());

        // Within the pause a lean operation is given a savepoint.
        let mut c = f.writer.begin_lean().await.expect("c begins");
        assert!(c.started && !c.lean, "a savepoint after a lean failure");
        f.insert(&mut c, 3).await.expect("c writes");
        c.commit().await.expect("c commits");
        assert_eq!(f.stored().await, vec![3]);
        Arc::into_inner(f).expect("sole owner").drop_table().await;
    }

    /// A lean operation's work joins the savepoint of the operation before
    /// it: an operation after it that is rolled back to its own savepoint
    /// undoes only its own work, and the group commits the other two.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_lean_operation_survives_a_later_rollback() {
        let Some((f, a)) = Fixture::with_first_write().await else {
            return;
        };
        let b = tokio::spawn({
            let f = f.clone();
            async move {
                let mut b = f.writer.begin_lean().await.expect("b begins");
                assert!(b.lean);
                f.insert(&mut b, 2).await.expect("b writes");
                b.commit().await
            }
        });
        f.queued(1).await;
        let c = tokio::spawn({
            let f = f.clone();
            async move {
                let mut c = f.writer.begin().await.expect("c begins");
                f.insert(&mut c, 3).await.expect("c writes");
                // Dropped uncommitted: rolled back to its savepoint.
            }
        });
        f.queued(2).await;
        let a = tokio::spawn(a.commit());
        c.await.expect("join c");
        b.await.expect("join b").expect("b committed");
        a.await.expect("join a").expect("a committed");
        assert_eq!(f.stored().await, vec![1, 2]);
        Arc::into_inner(f).expect("sole owner").drop_table().await;
    }

    fn is_unique(e: &sqlx::Error) -> bool {
        matches!(e, sqlx::Error::Database(d) if d.code().as_deref() == Some("23505"))
    }
}
