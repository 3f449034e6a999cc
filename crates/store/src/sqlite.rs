//! The SQLite backend: one file, no set-up.

use std::str::FromStr;
use std::time::Duration;

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};

use crate::core::{Backend, Core};
use crate::group::GroupWriter;
use crate::{Crypto, Result, StoreError};

/// How long a writer waits for another process's write transaction.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// Readers in one process (WAL lets them run beside the writer).
const READERS: u32 = 4;

/// anju's store on an SQLite file.
///
/// Every connection runs in WAL mode with `synchronous=FULL` (a write that
/// returned is on disk and survives SIGKILL or power loss), a busy timeout
/// and foreign keys on. Writes from this process go through one connection
/// and begin with `BEGIN IMMEDIATE`, so several processes may share the
/// file: their writers take turns. Writes that queue up behind that
/// connection are group committed: they share one transaction, each in its
/// own savepoint, and a write returns only once the shared `COMMIT` is on
/// disk (see `group.rs`).
#[derive(Debug, Clone)]
pub struct SqliteStore {
    pub(crate) core: Core,
}

impl SqliteStore {
    /// Opens (creating it if missing) and migrates the database at
    /// `url_or_path`: a `sqlite:` URL (`sqlite:anju.sqlite`,
    /// `sqlite:///var/lib/anju/anju.sqlite`, `sqlite::memory:`) or a file path.
    pub async fn connect(url_or_path: &str, crypto: Crypto) -> Result<SqliteStore> {
        let s = url_or_path.trim();
        let in_memory = s.contains(":memory:") || s.contains("mode=memory");
        let options = if s.starts_with("sqlite:") {
            SqliteConnectOptions::from_str(s)?
        } else {
            SqliteConnectOptions::new().filename(s)
        };
        Self::open(options, in_memory, crypto).await
    }

    /// Opens a file database with the caller's options; anju's settings
    /// (create if missing, WAL, `synchronous=FULL`, busy timeout, foreign
    /// keys) are applied on top. For an in-memory database use
    /// [`connect`](Self::connect) with `sqlite::memory:`.
    pub async fn connect_with(
        options: SqliteConnectOptions,
        crypto: Crypto,
    ) -> Result<SqliteStore> {
        Self::open(options, false, crypto).await
    }

    async fn open(
        options: SqliteConnectOptions,
        in_memory: bool,
        crypto: Crypto,
    ) -> Result<SqliteStore> {
        let options = options
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(BUSY_TIMEOUT)
            .foreign_keys(true);
        let (read, write, keep_conn) = if in_memory {
            // One connection that lives as long as the pool: an in-memory
            // database disappears with its last connection.
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .min_connections(1)
                .idle_timeout(None)
                .max_lifetime(None)
                .connect_with(options)
                .await?;
            migrate(&pool).await?;
            // The writer gives the connection back after each group.
            (pool.clone(), pool, false)
        } else {
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .acquire_timeout(Duration::from_secs(60))
                .connect_with(options.clone())
                .await?;
            // Migrate before any reader opens the file.
            migrate(&write).await?;
            let read = SqlitePoolOptions::new()
                .max_connections(READERS)
                .connect_with(options)
                .await?;
            (read, write, true)
        };
        let writer = GroupWriter::new(crate::group::WriterPool::Sqlite(write.clone()), keep_conn);
        Ok(SqliteStore {
            core: Core::new(
                Backend::Sqlite {
                    read,
                    write,
                    writer,
                },
                crypto,
            ),
        })
    }

    /// Closes the connections.
    pub async fn close(&self) {
        self.core.close().await;
    }
}

async fn migrate(pool: &sqlx::SqlitePool) -> Result<()> {
    crate::migrations::migrator(crate::migrations::SQLITE)
        .await?
        .run(pool)
        .await
        .map_err(StoreError::from)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Backend;

    async fn pragma(pool: &sqlx::SqlitePool, name: &str) -> String {
        // The table-valued pragma's column is named after it, except this one.
        let column = if name == "busy_timeout" {
            "timeout"
        } else {
            name
        };
        let row: (String,) = sqlx::query_as(&format!(
            "SELECT CAST(\"{column}\" AS TEXT) FROM pragma_{name}"
        ))
        .fetch_one(pool)
        .await
        .expect("pragma");
        row.0
    }

    /// The durability settings are really in force on every connection.
    #[tokio::test]
    async fn connections_are_durable_wal_with_foreign_keys() {
        let dir = tempfile::tempdir().expect("dir");
        let path = dir.path().join("new").join("anju.sqlite");
        std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        let store = SqliteStore::connect(path.to_str().expect("utf-8"), Crypto::generate())
            .await
            .expect("creates the file");
        assert!(path.exists());
        let Backend::Sqlite { read, write, .. } = store.core.backend() else {
            panic!("sqlite backend")
        };
        for pool in [read, write] {
            assert_eq!(pragma(pool, "journal_mode").await, "wal");
            assert_eq!(pragma(pool, "synchronous").await, "2", "FULL");
            assert_eq!(pragma(pool, "foreign_keys").await, "1");
            assert_eq!(pragma(pool, "busy_timeout").await, "30000");
        }
        store.close().await;
    }
}
