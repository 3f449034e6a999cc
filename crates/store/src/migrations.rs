//! The schema, one series of migrations per capability and backend
//! (`migrations/<backend>/<capability>/`), embedded by `build.rs` and run
//! by sqlx's migrator (which records them in `_sqlx_migrations`).
//!
//! * `foundation` — the first schema: accounts and sessions, the audit
//!   chain, applications, waitlists and counters (one file, as released).
//! * `applications` — what applications added since (list indexes, the
//!   department-import error reports).
//! * `allotment` — projects, homes, rounds, draws, entrants, contracts,
//!   titles and dealings.
//! * `market` — monthly sales and inventory, land figures, parcels,
//!   developer projects and the pre-sale fund ledger (0010–0019 are
//!   reserved for this series).
//! * `rentals` — rental homes and market-rent evidence, offers, leases,
//!   the append-only rent ledger and the dishonesty list (0030–0039).
//!
//! Version numbers are global: a new migration takes the next unused
//! number in its own capability's folder. A file's text must never change
//! once released (sqlx checks its checksum at every start).

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;

use sqlx::error::BoxDynError;
use sqlx::migrate::{Migration, MigrationSource, MigrationType, Migrator};

use crate::{Result, StoreError};

/// One migration file.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Step {
    pub version: i64,
    /// The folder (capability) it belongs to.
    #[allow(dead_code)] // read by tests and kept for the docs' sake
    pub capability: &'static str,
    pub description: &'static str,
    pub sql: &'static str,
}

pub(crate) const SQLITE: &[Step] = include!(concat!(env!("OUT_DIR"), "/migrations_sqlite.rs"));
pub(crate) const POSTGRES: &[Step] = include!(concat!(env!("OUT_DIR"), "/migrations_postgres.rs"));

#[derive(Debug)]
struct Embedded(&'static [Step]);

impl<'s> MigrationSource<'s> for Embedded {
    fn resolve(
        self,
    ) -> Pin<Box<dyn Future<Output = std::result::Result<Vec<Migration>, BoxDynError>> + Send + 's>>
    {
        Box::pin(async move {
            Ok(self
                .0
                .iter()
                .map(|s| {
                    Migration::new(
                        s.version,
                        Cow::Borrowed(s.description),
                        MigrationType::Simple,
                        Cow::Borrowed(s.sql),
                        false,
                    )
                })
                .collect())
        })
    }
}

/// The migrator of one backend's steps.
pub(crate) async fn migrator(steps: &'static [Step]) -> Result<Migrator> {
    Migrator::new(Embedded(steps))
        .await
        .map_err(StoreError::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The two schemas must stay the same but for the binary type: one
    /// store, two dialects.
    #[test]
    fn backends_are_kept_in_step() {
        assert_eq!(SQLITE.len(), POSTGRES.len());
        let sql = |text: &str, binary: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .map(|l| l.replace(binary, "<binary>"))
                .collect()
        };
        for (s, p) in SQLITE.iter().zip(POSTGRES) {
            assert_eq!((s.version, s.capability), (p.version, p.capability));
            if s.version == 1 {
                let lite = sql(s.sql, "BLOB");
                assert_eq!(lite, sql(p.sql, "BYTEA"));
                assert!(lite.iter().any(|l| l.contains("<binary>")));
            }
        }
    }

    #[test]
    fn every_capability_has_its_series() {
        let caps: std::collections::BTreeSet<_> = SQLITE.iter().map(|s| s.capability).collect();
        assert_eq!(
            caps.into_iter().collect::<Vec<_>>(),
            [
                "acquisition",
                "allotment",
                "applications",
                "foundation",
                "holdings",
                "market",
                "rentals",
                "subsidies"
            ]
        );
        let versions: Vec<i64> = SQLITE.iter().map(|s| s.version).collect();
        assert_eq!(&versions[..4], [1, 2, 3, 4]);
        assert!(versions.windows(2).all(|w| w[0] < w[1]), "{versions:?}");
        let pg: Vec<i64> = POSTGRES.iter().map(|s| s.version).collect();
        assert_eq!(versions, pg, "both backends have the same series");
    }

    /// The released files keep the checksums that databases created by
    /// earlier versions recorded (sqlx refuses to start otherwise): the
    /// move into per-capability folders changed no byte.
    #[test]
    fn released_migrations_are_unchanged() {
        use sha2::{Digest, Sha256};
        let digest: Vec<String> = SQLITE
            .iter()
            .take(4)
            .chain(POSTGRES.iter().take(4))
            .map(|s| hex::encode(&Sha256::digest(s.sql.as_bytes())[..6]))
            .collect();
        // SHA-256 prefixes of the files as released (sqlite 1–4, postgres 1–4).
        let released = [
            "4b3b76a4df3f",
            "d9df09a3b717",
            "cc7434842d98",
            "1aad1c387c95",
            "76e63a7e7654",
            "d9df09a3b717",
            "9de4612e2103",
            "1aad1c387c95",
        ];
        assert_eq!(digest, released);
    }
}
