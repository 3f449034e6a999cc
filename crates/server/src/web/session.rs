//! The signed-in account behind a request and the in-memory helpers of
//! signing in: the per-address rate limiter and the short-lived session
//! cache. Plain types: the extractors that fill them are in `auth`.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use anju_domain::{Actor, UserId};
use anju_store::{SessionRecord, UserRecord};

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

/// A fixed-window counter per client address, for the login endpoint.
/// In-process on purpose: it blunts password guessing from one address; the
/// account lockout (in the database) covers guessing spread over processes.
pub struct RateLimiter {
    limit: u32,
    window: Duration,
    seen: Mutex<HashMap<IpAddr, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn new(limit: u32, window: Duration) -> Self {
        RateLimiter {
            limit,
            window,
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt; false when the address is over its limit.
    pub fn allow(&self, ip: IpAddr) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return true;
        };
        let now = Instant::now();
        if seen.len() > 10_000 {
            seen.retain(|_, (start, _)| now.duration_since(*start) < self.window);
        }
        let entry = seen.entry(ip).or_insert((now, 0));
        if now.duration_since(entry.0) >= self.window {
            *entry = (now, 0);
        }
        entry.1 += 1;
        entry.1 <= self.limit
    }
}

/// Recently confirmed sessions, kept for a couple of seconds so a burst of
/// requests from one signed-in official costs one database lookup. Several
/// anju processes may share a database, so an entry is trusted only
/// briefly: a sign-out, password reset or lock made through another process
/// takes effect here within [`SessionCache::TTL`]. Sign-out through this
/// process removes the entry at once.
pub struct SessionCache {
    entries: Mutex<HashMap<String, (Instant, CurrentUser)>>,
}

impl Default for SessionCache {
    fn default() -> Self {
        SessionCache {
            entries: Mutex::new(HashMap::new()),
        }
    }
}

impl SessionCache {
    pub const TTL: Duration = Duration::from_secs(2);

    pub(super) fn get(&self, token_hash: &str, now: anju_domain::Timestamp) -> Option<CurrentUser> {
        let entries = self.entries.lock().ok()?;
        let (at, user) = entries.get(token_hash)?;
        (at.elapsed() < Self::TTL && user.session.expires_at > now).then(|| user.clone())
    }

    pub(super) fn put(&self, token_hash: String, user: CurrentUser) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() > 10_000 {
                entries.retain(|_, (at, _)| at.elapsed() < Self::TTL);
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
