//! The PostgreSQL backend (and PostgreSQL-compatible engines: the schema
//! and statements avoid everything KingbaseES or openGauss lack).

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};

use crate::core::{Backend, Core};
use crate::{Crypto, Result, StoreError};

/// Connections per anju process. Several processes may share the database.
const MAX_CONNECTIONS: u32 = 10;

/// How long a pooled connection may lie idle and still be handed out
/// without a ping.
const IDLE_BEFORE_PING: Duration = Duration::from_secs(1);

/// anju's store on PostgreSQL. Any number of anju processes may share one
/// database: every invariant is kept by row locks and keys in the database.
#[derive(Debug, Clone)]
pub struct PgStore {
    pub(crate) core: Core,
}

impl PgStore {
    /// How long a request waits for a connection. While the database is away
    /// the pool keeps trying to connect for this long and then the request
    /// fails with `StoreError::Unavailable` (HTTP 503): short enough that
    /// clients are not left hanging, long enough that a restart of a few
    /// seconds, or a burst of requests queueing for the pool's connections
    /// (each write holds one for milliseconds), is ridden out.
    pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

    /// Connects to `postgres://…` or `postgresql://…` and migrates.
    /// Parameters in the URL apply, e.g. `?options=-c%20search_path%3Danju`
    /// to use a schema other than `public`.
    pub async fn connect(url: &str, crypto: Crypto) -> Result<PgStore> {
        Self::connect_with(PgConnectOptions::from_str(url.trim())?, crypto).await
    }

    /// Connects with the caller's options (e.g.
    /// `.options([("search_path", "anju")])`) and migrates.
    pub async fn connect_with(options: PgConnectOptions, crypto: Crypto) -> Result<PgStore> {
        let pool = PgPoolOptions::new()
            .max_connections(MAX_CONNECTIONS)
            .acquire_timeout(Self::ACQUIRE_TIMEOUT)
            // Ping a connection before handing it out when it has lain
            // idle: after a database restart the pooled connections are
            // dead, and this drops them instead of failing a request on
            // each. One that came back within the last second has just
            // been pinged by sqlx on its return, so it is handed out as
            // it is: under load that ping on every acquire was a third of
            // a submission's read round trips (issue 11 item 8).
            .test_before_acquire(false)
            .before_acquire(|conn, meta| {
                Box::pin(async move {
                    if meta.idle_for >= IDLE_BEFORE_PING {
                        sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            .connect_with(options)
            .await?;
        Self::from_pool(pool, crypto).await
    }

    /// Uses a pool the caller configured, and migrates.
    pub async fn from_pool(pool: PgPool, crypto: Crypto) -> Result<PgStore> {
        // sqlx takes an advisory lock while migrating, so processes
        // starting together migrate one at a time. This is the only
        // advisory lock anju takes, and only at start-up: no request takes
        // one (see docs/operations.md, "Transactions and retries").
        crate::migrations::migrator(crate::migrations::POSTGRES)
            .await?
            .run(&pool)
            .await
            .map_err(StoreError::from)?;
        Ok(PgStore {
            core: Core::new(
                Backend::Pg {
                    writer: crate::group::GroupWriter::new(
                        crate::group::WriterPool::Pg(pool.clone()),
                        true,
                    ),
                    pool,
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
