//! The signed-in account behind a request and the helpers of signing in:
//! the per-address rate limiter (shared through the database) and the
//! short-lived session cache. Plain types: the extractors that fill them
//! are in `auth`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anju_domain::{Actor, UserId};
use anju_store::{SessionRecord, UserRecord};
use sha2::{Digest, Sha256};

/// SHA-256 of a token, hex: what is stored of session tokens, device
/// tokens and rate-window keys (never the token itself).
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// The signed-in account behind a request.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub user: UserRecord,
    pub actor: Actor,
    pub session: SessionRecord,
}

impl CurrentUser {
    pub fn id(&self) -> &UserId {
        &self.user.id
    }
}

/// A fixed-window limit per client address (the sign-in form's, the
/// public tip line's), counted in the database (`rate_windows`), so that it
/// holds across every anju process serving one database behind one
/// address. The address is kept only as a keyed hash.
pub struct RateLimiter {
    /// Which limit (part of the key, so limits never share a counter).
    name: &'static str,
    limit: u32,
    window: Duration,
}

impl RateLimiter {
    pub fn new(name: &'static str, limit: u32, window: Duration) -> Self {
        RateLimiter {
            name,
            limit,
            window,
        }
    }

    /// Counts one attempt from `ip`; false when the address is over its
    /// limit in the current window. Wall-clock time (not the server's
    /// civil clock, which tests pin): windows are real elapsed time.
    pub async fn allow(
        &self,
        store: &anju_store::AnyStore,
        ip: IpAddr,
    ) -> anju_store::Result<bool> {
        let hash = token_hash(&format!("rate\u{0}{}\u{0}{ip}", self.name));
        let key = format!("{}:{}", self.name, &hash[..40]);
        let window = i64::try_from(self.window.as_secs())
            .unwrap_or(i64::MAX)
            .max(1);
        let hits = store
            .accounts()
            .count_hit(&key, chrono::Utc::now().timestamp(), window)
            .await?;
        Ok(hits <= u64::from(self.limit))
    }
}

/// Recently confirmed sessions, kept for a moment so a burst of requests
/// from one signed-in official costs one database lookup. Sign-out through
/// this process removes the entry at once; a sign-out, password reset or
/// lock made through *another* process takes effect here only when the
/// entry expires. So the cache is on (two seconds) for one process on
/// SQLite, and off by default on PostgreSQL, where several processes may
/// serve one database (`anju serve --session-cache-ms`, docs/operations.md).
pub struct SessionCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, CurrentUser)>>,
}

impl Default for SessionCache {
    fn default() -> Self {
        SessionCache::new(Self::TTL)
    }
}

impl SessionCache {
    /// The default lifetime of an entry.
    pub const TTL: Duration = Duration::from_secs(2);

    /// A cache whose entries live `ttl` (zero: no cache).
    pub fn new(ttl: Duration) -> Self {
        SessionCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn get(&self, token_hash: &str, now: anju_domain::Timestamp) -> Option<CurrentUser> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().ok()?;
        let (at, user) = entries.get(token_hash)?;
        (at.elapsed() < self.ttl && user.session.expires_at > now).then(|| user.clone())
    }

    pub(super) fn put(&self, token_hash: String, user: CurrentUser) {
        if self.ttl.is_zero() {
            return;
        }
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() > 10_000 {
                let ttl = self.ttl;
                entries.retain(|_, (at, _)| at.elapsed() < ttl);
            }
            entries.insert(token_hash, (Instant::now(), user));
        }
    }

    pub fn forget(&self, token_hash: &str) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(token_hash);
        }
    }
}
