//! What `anju backup` and `anju restore` need from the database: a
//! consistent copy taken while anju serves, and the audit log of a copy
//! read without migrating or otherwise changing it.
//!
//! * SQLite: `VACUUM INTO` writes the database as one read transaction
//!   sees it, committed WAL frames included, into a new file; the copy is
//!   then switched to a rollback journal so that it is one self-contained
//!   file (no `-wal` beside it to lose).
//! * PostgreSQL: [`PgSnapshot`] opens a repeatable-read transaction and
//!   exports its snapshot; `pg_dump --snapshot` dumps exactly that
//!   snapshot, and the audit log read in the same transaction is exactly
//!   the one in the dump.

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use anju_domain::AuditEntry;
use sha2::{Digest, Sha256};
use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection, SqliteJournalMode};
use sqlx::{Connection, Executor};

use crate::core::audit::audit_from_row;
use crate::sql::{Conn, Q};
use crate::{Result, StoreError};

const AUDIT_SELECT: &str =
    "SELECT seq, occurred_at, actor_user_id, role_code, action_code, subject, \
     detail_json, prev_hash, entry_hash FROM audit_log ORDER BY seq";

/// Whether `url` names a PostgreSQL database (else SQLite, as
/// [`crate::AnyStore::connect`] decides).
pub fn is_postgres(url: &str) -> bool {
    let u = url.trim();
    u.starts_with("postgres://") || u.starts_with("postgresql://")
}

/// The file of an SQLite URL or path (`sqlite:anju.sqlite`,
/// `sqlite:///var/lib/anju/anju.sqlite`, `anju.sqlite`); `None` for an
/// in-memory database, which has nothing to back up or restore into.
pub fn sqlite_path(url: &str) -> Option<PathBuf> {
    let u = url.trim();
    if u.contains(":memory:") || u.contains("mode=memory") {
        return None;
    }
    let rest = u
        .strip_prefix("sqlite://")
        .or_else(|| u.strip_prefix("sqlite:"))
        .unwrap_or(u);
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty()).then(|| PathBuf::from(path))
}

/// Writes a consistent copy of the SQLite database at `path` to `out`
/// (which must not exist) while other connections read and write it.
/// Returns the copy's audit log, read back from the copy.
pub async fn sqlite_copy(path: &Path, out: &Path) -> Result<Vec<AuditEntry>> {
    if !path.exists() {
        return Err(StoreError::NotFound {
            what: format!(
                "数据库文件 {} 不存在 (database file {} not found)",
                path.display(),
                path.display()
            ),
        });
    }
    let out_text = out.to_str().ok_or_else(|| {
        StoreError::Database(format!(
            "备份路径须为 UTF-8 (the backup path must be UTF-8): {}",
            out.display()
        ))
    })?;
    let mut live = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(false)
            .busy_timeout(Duration::from_secs(30)),
    )
    .await?;
    // One read transaction: what was committed when it began, WAL and all.
    sqlx::query("VACUUM INTO $1")
        .bind(out_text)
        .execute(&mut live)
        .await?;
    live.close().await?;
    // A rollback journal: the copy is then one file, whole by itself.
    let copy = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(out)
            .create_if_missing(false)
            .journal_mode(SqliteJournalMode::Delete),
    )
    .await?;
    copy.close().await?;
    sqlite_audit_log(out).await
}

/// The audit log of an SQLite file, opened read-only (never migrated).
pub async fn sqlite_audit_log(path: &Path) -> Result<Vec<AuditEntry>> {
    let mut c = sqlite_read_only(path).await?;
    let rows = Q::new(AUDIT_SELECT)
        .fetch_all(&mut Conn::Sqlite(&mut c))
        .await?;
    c.close().await?;
    rows.iter().map(audit_from_row).collect()
}

/// Number of tables in an SQLite file (0: nothing to lose by replacing it).
pub async fn sqlite_table_count(path: &Path) -> Result<u64> {
    if !path.exists() || std::fs::metadata(path).map(|m| m.len()).unwrap_or(0) == 0 {
        return Ok(0);
    }
    let mut c = sqlite_read_only(path).await?;
    let row = Q::new("SELECT COUNT(*) AS n FROM sqlite_master WHERE type = 'table'")
        .fetch_one(&mut Conn::Sqlite(&mut c))
        .await?;
    c.close().await?;
    u64::try_from(row.int("n")?).map_err(|_| StoreError::Corrupt("negative count".into()))
}

async fn sqlite_read_only(path: &Path) -> Result<SqliteConnection> {
    Ok(SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(false)
            .read_only(true),
    )
    .await?)
}

/// An exported PostgreSQL snapshot, held open (the export is valid only
/// while its transaction lasts) for `pg_dump --snapshot`.
pub struct PgSnapshot {
    conn: PgConnection,
    /// The snapshot's id, for `pg_dump --snapshot`.
    pub id: String,
    /// The schema the URL's connection uses (its `search_path`).
    pub schema: String,
}

impl PgSnapshot {
    /// Opens a repeatable-read, read-only transaction at `url` and exports
    /// its snapshot.
    pub async fn begin(url: &str) -> Result<PgSnapshot> {
        let mut conn = PgConnection::connect_with(&PgConnectOptions::from_str(url.trim())?).await?;
        conn.execute("START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .await?;
        let schema = current_schema(&mut conn).await?;
        let row = Q::new("SELECT pg_export_snapshot() AS id")
            .fetch_one(&mut Conn::Pg(&mut conn))
            .await?;
        Ok(PgSnapshot {
            id: row.text("id")?,
            schema,
            conn,
        })
    }

    /// The audit log as the snapshot sees it (so, as the dump holds it).
    pub async fn audit_log(&mut self) -> Result<Vec<AuditEntry>> {
        let rows = Q::new(AUDIT_SELECT)
            .fetch_all(&mut Conn::Pg(&mut self.conn))
            .await?;
        rows.iter().map(audit_from_row).collect()
    }

    /// Ends the transaction (after `pg_dump` has finished).
    pub async fn finish(mut self) -> Result<()> {
        self.conn.execute("COMMIT").await?;
        self.conn.close().await?;
        Ok(())
    }
}

async fn current_schema(conn: &mut PgConnection) -> Result<String> {
    let row = Q::new("SELECT current_schema() AS s")
        .fetch_one(&mut Conn::Pg(conn))
        .await?;
    row.opt_text("s")?.ok_or_else(|| {
        StoreError::Database(
            "连接的 search_path 中没有存在的模式 (no schema of the connection's search_path exists)"
                .into(),
        )
    })
}

/// The PostgreSQL database at `url`, for restoring into it.
pub struct PgTarget {
    conn: PgConnection,
}

impl PgTarget {
    /// Connects (without migrating).
    pub async fn connect(url: &str) -> Result<PgTarget> {
        Ok(PgTarget {
            conn: PgConnection::connect_with(&PgConnectOptions::from_str(url.trim())?).await?,
        })
    }

    /// The first schema of the connection's `search_path`, as written
    /// (it may not exist yet).
    pub async fn search_path_schema(&mut self) -> Result<String> {
        let row = Q::new("SELECT current_setting('search_path') AS p")
            .fetch_one(&mut Conn::Pg(&mut self.conn))
            .await?;
        let path = row.text("p")?;
        let first = path
            .split(',')
            .map(|s| s.trim().trim_matches('"'))
            .find(|s| !s.is_empty() && *s != "$user")
            .unwrap_or("public");
        Ok(first.to_owned())
    }

    /// Number of tables in `schema` (0 when it does not exist).
    pub async fn table_count(&mut self, schema: &str) -> Result<u64> {
        let row =
            Q::new("SELECT COUNT(*) AS n FROM information_schema.tables WHERE table_schema = $1")
                .text(schema)
                .fetch_one(&mut Conn::Pg(&mut self.conn))
                .await?;
        u64::try_from(row.int("n")?).map_err(|_| StoreError::Corrupt("negative count".into()))
    }

    /// Drops `schema` and everything in it (restore --force; never `public`,
    /// which the dump does not recreate).
    pub async fn drop_schema(&mut self, schema: &str) -> Result<()> {
        let quoted = format!("\"{}\"", schema.replace('"', "\"\""));
        self.conn
            .execute(format!("DROP SCHEMA IF EXISTS {quoted} CASCADE").as_str())
            .await?;
        Ok(())
    }

    /// The audit log as the URL's connection sees it.
    pub async fn audit_log(&mut self) -> Result<Vec<AuditEntry>> {
        let rows = Q::new(AUDIT_SELECT)
            .fetch_all(&mut Conn::Pg(&mut self.conn))
            .await?;
        rows.iter().map(audit_from_row).collect()
    }

    /// Closes the connection.
    pub async fn close(self) -> Result<()> {
        self.conn.close().await?;
        Ok(())
    }
}

/// SHA-256 of a file, lower-case hex (the manifest's check that a backup
/// file is whole).
pub fn sha256_file(path: &Path) -> std::io::Result<String> {
    use std::io::Read;
    let mut f = std::fs::File::open(path)?;
    let mut h = Sha256::new();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf)?;
        if n == 0 {
            break;
        }
        h.update(&buf[..n]);
    }
    Ok(hex::encode(h.finalize()))
}
