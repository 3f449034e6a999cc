//! The few things the two backends need to share one body of SQL: a
//! connection of either kind, owned bind values, rows of either kind with
//! typed getters, and transactions.
//!
//! Queries are written once with `$1`, `$2`, … parameters: PostgreSQL's
//! syntax, which SQLite also reads as numbered parameters (sqlx binds
//! `$NNN` by its number on SQLite). Values are limited to what every engine
//! stores the same way: text, 64-bit integers and bytes.

use std::borrow::Cow;

use sqlx::postgres::{PgConnection, PgRow};
use sqlx::sqlite::{SqliteConnection, SqliteRow};
use sqlx::{Postgres, Row as _, Sqlite};

use crate::group::GroupTx;
use crate::StoreError;

/// A connection of either backend, borrowed from a pool or a transaction.
pub(crate) enum Conn<'c> {
    Sqlite(&'c mut SqliteConnection),
    Pg(&'c mut PgConnection),
}

/// A transaction of either backend; rolled back when dropped uncommitted
/// (sqlx, or the group writer, does that on the connection's next use).
pub(crate) enum Tx {
    /// A read transaction on SQLite.
    Sqlite(sqlx::Transaction<'static, Sqlite>),
    /// A read transaction on PostgreSQL.
    Pg(sqlx::Transaction<'static, Postgres>),
    /// A write, on either backend: one operation of the process's group
    /// commit (see [`crate::group`]).
    Group(GroupTx),
}

impl Tx {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            Tx::Sqlite(t) => Conn::Sqlite(t),
            Tx::Pg(t) => Conn::Pg(t),
            Tx::Group(t) => t.conn(),
        }
    }

    pub(crate) async fn commit(self) -> Result<(), StoreError> {
        match self {
            Tx::Sqlite(t) => t.commit().await?,
            Tx::Pg(t) => t.commit().await?,
            Tx::Group(t) => t.commit().await?,
        }
        Ok(())
    }
}

/// A pooled connection of either backend, for single-statement reads.
pub(crate) enum PoolConn {
    Sqlite(sqlx::pool::PoolConnection<Sqlite>),
    Pg(sqlx::pool::PoolConnection<Postgres>),
}

impl PoolConn {
    pub(crate) fn conn(&mut self) -> Conn<'_> {
        match self {
            PoolConn::Sqlite(c) => Conn::Sqlite(c),
            PoolConn::Pg(c) => Conn::Pg(c),
        }
    }
}

/// An owned bind value.
pub(crate) enum Arg {
    Text(String),
    OptText(Option<String>),
    Int(i64),
    OptInt(Option<i64>),
    Bytes(Vec<u8>),
}

/// A query and its bind values, in `$N` order.
pub(crate) struct Q {
    sql: Cow<'static, str>,
    args: Vec<Arg>,
}

macro_rules! bound {
    ($sql:expr, $args:expr) => {{
        let mut q = sqlx::query($sql);
        for a in $args {
            q = match a {
                Arg::Text(v) => q.bind(v),
                Arg::OptText(v) => q.bind(v),
                Arg::Int(v) => q.bind(v),
                Arg::OptInt(v) => q.bind(v),
                Arg::Bytes(v) => q.bind(v),
            };
        }
        q
    }};
}

impl Q {
    pub(crate) fn new(sql: impl Into<Cow<'static, str>>) -> Q {
        Q {
            sql: sql.into(),
            args: Vec::new(),
        }
    }

    /// Sets the statement after its arguments were bound: for statements
    /// whose WHERE clause is built together with its arguments.
    pub(crate) fn with_sql(mut self, sql: impl Into<Cow<'static, str>>) -> Q {
        self.sql = sql.into();
        self
    }

    pub(crate) fn text(mut self, v: impl Into<String>) -> Q {
        self.args.push(Arg::Text(v.into()));
        self
    }

    pub(crate) fn opt_text(mut self, v: Option<impl Into<String>>) -> Q {
        self.args.push(Arg::OptText(v.map(Into::into)));
        self
    }

    pub(crate) fn int(mut self, v: i64) -> Q {
        self.args.push(Arg::Int(v));
        self
    }

    pub(crate) fn opt_int(mut self, v: Option<i64>) -> Q {
        self.args.push(Arg::OptInt(v));
        self
    }

    pub(crate) fn bytes(mut self, v: Vec<u8>) -> Q {
        self.args.push(Arg::Bytes(v));
        self
    }

    /// Runs a statement; returns the number of rows affected.
    pub(crate) async fn execute(self, c: &mut Conn<'_>) -> Result<u64, sqlx::Error> {
        let Q { sql, args } = self;
        Ok(match c {
            Conn::Sqlite(conn) => bound!(&sql, args)
                .execute(&mut **conn)
                .await?
                .rows_affected(),
            Conn::Pg(conn) => bound!(&sql, args)
                .execute(&mut **conn)
                .await?
                .rows_affected(),
        })
    }

    pub(crate) async fn fetch_all(self, c: &mut Conn<'_>) -> Result<Vec<Row>, sqlx::Error> {
        let Q { sql, args } = self;
        Ok(match c {
            Conn::Sqlite(conn) => bound!(&sql, args)
                .fetch_all(&mut **conn)
                .await?
                .into_iter()
                .map(Row::Sqlite)
                .collect(),
            Conn::Pg(conn) => bound!(&sql, args)
                .fetch_all(&mut **conn)
                .await?
                .into_iter()
                .map(Row::Pg)
                .collect(),
        })
    }

    pub(crate) async fn fetch_optional(self, c: &mut Conn<'_>) -> Result<Option<Row>, sqlx::Error> {
        let Q { sql, args } = self;
        Ok(match c {
            Conn::Sqlite(conn) => bound!(&sql, args)
                .fetch_optional(&mut **conn)
                .await?
                .map(Row::Sqlite),
            Conn::Pg(conn) => bound!(&sql, args)
                .fetch_optional(&mut **conn)
                .await?
                .map(Row::Pg),
        })
    }

    pub(crate) async fn fetch_one(self, c: &mut Conn<'_>) -> Result<Row, sqlx::Error> {
        let Q { sql, args } = self;
        Ok(match c {
            Conn::Sqlite(conn) => Row::Sqlite(bound!(&sql, args).fetch_one(&mut **conn).await?),
            Conn::Pg(conn) => Row::Pg(bound!(&sql, args).fetch_one(&mut **conn).await?),
        })
    }
}

/// Statements that run one after another on one connection, sent together.
///
/// On SQLite, sqlx runs each connection on its own thread, so every
/// statement is a round trip between threads (two task switches); the hot
/// writes (a submission is five inserts and the audit head) therefore
/// travel as one multi-statement query, with each statement's `$N`
/// parameters renumbered to follow the ones before it. sqlx 0.8 runs such
/// queries on SQLite (and marks this use deprecated: revisit when
/// upgrading sqlx; the store and API tests run every script).
///
/// PostgreSQL's extended protocol takes one statement per query, and every
/// statement was a round trip on the one writer connection that all of a
/// process's writes share (group commit): a submission's eight statements
/// bounded it to about 700 a second (issue 11 item 8). There the whole
/// script is one statement: each part but the last a data-modifying `WITH`
/// part (`WITH s0 AS (INSERT …), s1 AS (INSERT …) INSERT …`), the last the
/// statement whose rows are returned; a last statement that is itself a
/// `WITH` query (the audit append, which takes the head) joins its parts
/// to the list. The parts of one statement share a snapshot and run in no
/// set order, so they must not depend on each other's rows (a script's
/// inserts of new rows and its counter upserts do not); foreign keys are
/// checked at the end of the statement, when all parts have run.
///
/// Either way a failure names the statement that failed
/// ([`ScriptError::statement`]), so callers map errors as they would for
/// single statements; on PostgreSQL the combined statement's failure is
/// named by its constraint's table (see [`part_of_constraint`]).
#[derive(Default)]
pub(crate) struct Script {
    parts: Vec<Q>,
}

/// The [`ScriptError::statement`] of a failure of PostgreSQL's combined
/// statement that cannot be traced to one of its parts (no constraint, or
/// one of no part's table): it matches no index a caller holds, so the
/// caller passes the error on as it is.
pub(crate) const UNKNOWN_STATEMENT: usize = usize::MAX;

/// A statement of a [`Script`] failed; the ones before it ran.
pub(crate) struct ScriptError {
    /// Index of the failed statement, as returned by [`Script::push`], or
    /// [`UNKNOWN_STATEMENT`].
    pub(crate) statement: usize,
    pub(crate) error: sqlx::Error,
}

impl Script {
    /// Adds a statement; returns its index.
    pub(crate) fn push(&mut self, q: Q) -> usize {
        self.parts.push(q);
        self.parts.len() - 1
    }

    /// Runs every statement in order; returns the rows of all of them.
    pub(crate) async fn fetch_all(self, c: &mut Conn<'_>) -> Result<Vec<Row>, ScriptError> {
        match c {
            Conn::Sqlite(conn) => {
                use futures_util::TryStreamExt as _;
                let mut sql = String::new();
                let mut args = Vec::new();
                for q in self.parts {
                    if !sql.is_empty() {
                        sql.push_str(";\n");
                    }
                    renumber_into(&mut sql, &q.sql, args.len());
                    args.extend(q.args);
                }
                let mut rows = Vec::new();
                let mut finished = 0;
                #[allow(deprecated)] // see the type's documentation
                let mut results = bound!(&sql, args).fetch_many(&mut **conn);
                loop {
                    match results.try_next().await {
                        Ok(None) => return Ok(rows),
                        // One summary per statement, after its rows.
                        Ok(Some(sqlx::Either::Left(_))) => finished += 1,
                        Ok(Some(sqlx::Either::Right(row))) => rows.push(Row::Sqlite(row)),
                        Err(error) => {
                            return Err(ScriptError {
                                statement: finished,
                                error,
                            })
                        }
                    }
                }
            }
            Conn::Pg(_) => {
                let mut parts = self.parts;
                let Some(main) = parts.pop() else {
                    return Ok(Vec::new());
                };
                let tables: Vec<Option<String>> = parts
                    .iter()
                    .chain(std::iter::once(&main))
                    .map(|q| target_table(&q.sql))
                    .collect();
                let mut sql = String::new();
                let mut args = Vec::new();
                for (i, q) in parts.into_iter().enumerate() {
                    sql.push_str(if i == 0 { "WITH " } else { ", " });
                    sql.push_str(&format!("s{i} AS ("));
                    renumber_into(&mut sql, &q.sql, args.len());
                    sql.push(')');
                    args.extend(q.args);
                }
                // A last statement that is itself a `WITH` query (the
                // audit append) adds its parts to the list.
                let main_sql = match main.sql.strip_prefix("WITH ") {
                    Some(rest) if !sql.is_empty() => {
                        sql.push_str(", ");
                        rest
                    }
                    _ => {
                        if !sql.is_empty() {
                            sql.push(' ');
                        }
                        &main.sql[..]
                    }
                };
                renumber_into(&mut sql, main_sql, args.len());
                args.extend(main.args);
                Q {
                    sql: sql.into(),
                    args,
                }
                .fetch_all(c)
                .await
                .map_err(|error| ScriptError {
                    // A failure that names no part's table is no
                    // statement's in particular.
                    statement: part_of_constraint(&error, &tables).unwrap_or(UNKNOWN_STATEMENT),
                    error,
                })
            }
        }
    }
}

/// The table a statement writes (`INSERT INTO t`, `UPDATE t`, `DELETE FROM
/// t`).
fn target_table(sql: &str) -> Option<String> {
    // `WITH a AS (…), b AS (…) INSERT INTO t …`: the statement after the
    // first top-level closing parenthesis that no comma follows.
    if sql
        .get(..5)
        .is_some_and(|w| w.eq_ignore_ascii_case("WITH "))
    {
        let mut depth = 0usize;
        for (i, ch) in sql.char_indices() {
            match ch {
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    let rest = sql[i + 1..].trim_start();
                    if depth == 0 && !rest.starts_with(',') {
                        return target_table(rest);
                    }
                }
                _ => {}
            }
        }
        return None;
    }
    let words: Vec<&str> = sql.split_whitespace().take(3).collect();
    let name = match words.as_slice() {
        [i, into, t] if i.eq_ignore_ascii_case("INSERT") && into.eq_ignore_ascii_case("INTO") => t,
        [d, from, t] if d.eq_ignore_ascii_case("DELETE") && from.eq_ignore_ascii_case("FROM") => t,
        [u, t, ..] if u.eq_ignore_ascii_case("UPDATE") => t,
        _ => return None,
    };
    Some(
        name.split(|c: char| c == '(' || c.is_whitespace())
            .next()
            .unwrap_or(name)
            .to_owned(),
    )
}

/// Which part of a combined statement a constraint error came from: the
/// part writing the table the constraint is named after (PostgreSQL names
/// them `<table>_pkey`, `<table>_<columns>_key`, `<table>_<column>_fkey`;
/// the longest matching table wins, so `application_events_pkey` is not
/// `applications`'). `None` for other errors.
fn part_of_constraint(e: &sqlx::Error, tables: &[Option<String>]) -> Option<usize> {
    let constraint = e.as_database_error()?.constraint()?;
    tables
        .iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let t = t.as_deref()?;
            constraint
                .strip_prefix(t)
                .is_some_and(|rest| rest.starts_with('_'))
                .then_some((t.len(), std::cmp::Reverse(i), i))
        })
        .max()
        .map(|(_, _, i)| i)
}

/// The placeholders of a multi-row `VALUES` list for `c`'s backend:
/// `rows` groups of `cols` parameters, bound in order. Set-based writes
/// (one statement for hundreds of rows) are how bulk work stays fast on
/// both engines; keep `rows * cols` under SQLite's 32,766 parameters.
///
/// PostgreSQL needs numbered parameters, `($1, $2), ($3, $4)`. SQLite gets
/// plain `?`: sqlx binds each parameter after asking SQLite its name, and
/// SQLite finds a name by walking the statement's list of named
/// parameters, so with `$N` a statement of 6,000 parameters cost 6,000²/2
/// steps to bind — three quarters of the time of opening a round of 7 ×
/// 10⁴ families went there (`perf`, docs/benchmarks.md). Anonymous `?`
/// are not in that list.
pub(crate) fn values_rows(c: &Conn<'_>, rows: usize, cols: usize) -> String {
    match c {
        Conn::Pg(_) => numbered_values(rows, cols),
        Conn::Sqlite(_) => {
            let group = format!("({})", vec!["?"; cols].join(", "));
            vec![group; rows].join(", ")
        }
    }
}

/// `n` numbered parameters from `$first` on, `$3, $4, $5`: the inside of
/// an `IN (…)` list after `first - 1` other parameters.
pub(crate) fn param_list(first: usize, n: usize) -> String {
    let mut out = String::with_capacity(n * 5);
    for i in 0..n {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('$');
        out.push_str(&(first + i).to_string());
    }
    out
}

/// `rows` groups of `cols` numbered parameters, `($1, $2), ($3, $4)`; one
/// group of `n` is an `IN` list that a statement may name more than once.
pub(crate) fn numbered_values(rows: usize, cols: usize) -> String {
    let mut out = String::with_capacity(rows * (cols * 5 + 2));
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        out.push_str(&param_list(r * cols + 1, cols));
        out.push(')');
    }
    out
}

/// Appends `sql` to `out` with every `$N` parameter raised by `offset`.
/// (anju's statements hold no `$` inside literals.)
fn renumber_into(out: &mut String, sql: &str, offset: usize) {
    let mut rest = sql;
    while let Some(at) = rest.find('$') {
        out.push_str(&rest[..=at]);
        rest = &rest[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        match rest[..digits].parse::<usize>() {
            Ok(n) => out.push_str(&(n + offset).to_string()),
            Err(_) => out.push_str(&rest[..digits]),
        }
        rest = &rest[digits..];
    }
    out.push_str(rest);
}

/// A result row of either backend. Getters name the column and report a
/// type mismatch or NULL as [`StoreError::Corrupt`].
pub(crate) enum Row {
    Sqlite(SqliteRow),
    Pg(PgRow),
}

impl Row {
    fn get<T>(&self, col: &str) -> Result<T, StoreError>
    where
        T: for<'r> sqlx::Decode<'r, Sqlite>
            + sqlx::Type<Sqlite>
            + for<'r> sqlx::Decode<'r, Postgres>
            + sqlx::Type<Postgres>,
    {
        match self {
            Row::Sqlite(r) => r.try_get::<T, _>(col),
            Row::Pg(r) => r.try_get::<T, _>(col),
        }
        .map_err(|e| {
            StoreError::Corrupt(format!(
                "列 {col} 无法读取 (column {col} does not read back): {e}"
            ))
        })
    }

    pub(crate) fn text(&self, col: &str) -> Result<String, StoreError> {
        self.get(col)
    }

    pub(crate) fn opt_text(&self, col: &str) -> Result<Option<String>, StoreError> {
        self.get(col)
    }

    /// Text that Oracle-compatible engines may have stored as NULL when it
    /// was empty.
    pub(crate) fn text_or_empty(&self, col: &str) -> Result<String, StoreError> {
        Ok(self.opt_text(col)?.unwrap_or_default())
    }

    pub(crate) fn int(&self, col: &str) -> Result<i64, StoreError> {
        self.get(col)
    }

    pub(crate) fn opt_int(&self, col: &str) -> Result<Option<i64>, StoreError> {
        self.get(col)
    }

    pub(crate) fn bytes(&self, col: &str) -> Result<Vec<u8>, StoreError> {
        self.get(col)
    }

    pub(crate) fn opt_bytes(&self, col: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.get(col)
    }
}

/// Whether `e` is a unique (or primary key) violation.
pub(crate) fn is_unique_violation(e: &sqlx::Error) -> bool {
    e.as_database_error()
        .is_some_and(|d| d.is_unique_violation())
}

/// Maps a sqlx error to what the caller (and an operator) must tell apart:
///
/// * serialisation failures and deadlocks (SQLSTATE 40001, 40P01: a
///   concurrent transaction won) are [`StoreError::Contention`], which the
///   store's retry helper (`crate::retry`) reruns;
/// * a database that cannot be reached or went away (I/O errors, pool
///   timeouts, PostgreSQL shutting down or starting up, class 08) is
///   [`StoreError::Unavailable`];
/// * a full volume (SQLite `SQLITE_FULL`, PostgreSQL 53100) is
///   [`StoreError::StorageFull`];
/// * anything else is [`StoreError::Database`].
pub(crate) fn database_error(e: sqlx::Error) -> StoreError {
    match classify(&e) {
        Fault::Contention => StoreError::Contention(e.to_string()),
        Fault::Unavailable => StoreError::Unavailable(e.to_string()),
        Fault::Full => StoreError::StorageFull(e.to_string()),
        Fault::Other => StoreError::Database(e.to_string()),
    }
}

#[derive(Debug, PartialEq, Eq)]
enum Fault {
    Contention,
    Unavailable,
    Full,
    Other,
}

fn classify(e: &sqlx::Error) -> Fault {
    use sqlx::Error as E;
    match e {
        // The connection (or the attempt to open one) failed, or no
        // connection could be had in time: the database is away.
        E::Io(_) | E::Tls(_) | E::PoolTimedOut | E::PoolClosed | E::WorkerCrashed => {
            Fault::Unavailable
        }
        E::Database(d) => {
            if let Some(pg) = d.try_downcast_ref::<sqlx::postgres::PgDatabaseError>() {
                pg_fault(pg.code())
            } else if d.try_downcast_ref::<sqlx::sqlite::SqliteError>().is_some() {
                // SQLite reports the extended result code; the primary code
                // is its low byte.
                match d
                    .code()
                    .and_then(|c| c.parse::<i64>().ok())
                    .map(|c| c & 0xff)
                {
                    Some(13) => Fault::Full,           // SQLITE_FULL
                    Some(5 | 6) => Fault::Unavailable, // SQLITE_BUSY, SQLITE_LOCKED
                    _ => Fault::Other,
                }
            } else {
                d.code().map_or(Fault::Other, |c| pg_fault(&c))
            }
        }
        _ => Fault::Other,
    }
}

/// PostgreSQL (and compatible engines) by SQLSTATE.
fn pg_fault(code: &str) -> Fault {
    match code {
        // serialization_failure, deadlock_detected
        "40001" | "40P01" => Fault::Contention,
        // admin_shutdown, crash_shutdown, cannot_connect_now,
        // too_many_connections, and every connection_exception (08xxx)
        "57P01" | "57P02" | "57P03" | "53300" => Fault::Unavailable,
        c if c.starts_with("08") => Fault::Unavailable,
        // disk_full
        "53100" => Fault::Full,
        _ => Fault::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::{
        classify, numbered_values, param_list, pg_fault, renumber_into, target_table, Fault,
    };

    #[test]
    fn a_statement_names_the_table_it_writes() {
        let t = |s: &str| target_table(s);
        assert_eq!(
            t("INSERT INTO applications (id) VALUES ($1)").as_deref(),
            Some("applications")
        );
        assert_eq!(
            t("insert into active_members(id_hash) VALUES ($1)").as_deref(),
            Some("active_members")
        );
        assert_eq!(
            t("DELETE FROM application_drafts WHERE id = $1").as_deref(),
            Some("application_drafts")
        );
        assert_eq!(
            t("UPDATE audit_head SET last_seq = 1").as_deref(),
            Some("audit_head")
        );
        assert_eq!(t("SELECT 1"), None);
        // A `WITH` query writes the table of its main statement.
        assert_eq!(
            t(
                "WITH a AS (UPDATE audit_head SET h = f(h, (1)) RETURNING h), b AS (SELECT 1) \
               INSERT INTO audit_log (h) SELECT h FROM a"
            )
            .as_deref(),
            Some("audit_log")
        );
        assert_eq!(t("WITH a AS (SELECT 1) SELECT 2"), None);
    }

    #[test]
    fn faults_are_told_apart() {
        assert_eq!(pg_fault("40001"), Fault::Contention);
        assert_eq!(pg_fault("40P01"), Fault::Contention);
        assert_eq!(pg_fault("57P01"), Fault::Unavailable);
        assert_eq!(pg_fault("57P03"), Fault::Unavailable);
        assert_eq!(pg_fault("08006"), Fault::Unavailable);
        assert_eq!(pg_fault("53100"), Fault::Full);
        assert_eq!(pg_fault("23505"), Fault::Other);
        assert_eq!(classify(&sqlx::Error::PoolTimedOut), Fault::Unavailable);
        let refused = std::io::Error::from(std::io::ErrorKind::ConnectionRefused);
        assert_eq!(classify(&sqlx::Error::Io(refused)), Fault::Unavailable);
        assert_eq!(classify(&sqlx::Error::RowNotFound), Fault::Other);
    }

    #[test]
    fn values_rows_numbers_every_parameter_once() {
        assert_eq!(numbered_values(2, 3), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(numbered_values(1, 1), "($1)");
        assert_eq!(numbered_values(0, 4), "");
        assert_eq!(param_list(3, 3), "$3, $4, $5");
        assert_eq!(param_list(1, 1), "$1");
        assert_eq!(param_list(1, 0), "");
    }

    #[test]
    fn parameters_are_renumbered_after_the_ones_before() {
        let mut out = String::new();
        renumber_into(
            &mut out,
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $10)",
            0,
        );
        out.push(';');
        renumber_into(&mut out, "UPDATE t SET a = $1 WHERE b = $2", 12);
        assert_eq!(
            out,
            "INSERT INTO t (a, b) VALUES ($1, $2), ($3, $10);UPDATE t SET a = $13 WHERE b = $14"
        );
    }
}
