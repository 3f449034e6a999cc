//! What every capability shares and none owns: the application state,
//! sessions and roles (`auth`), the error envelope, the clock, the page
//! layout and language switch, form and spreadsheet helpers, and the links
//! through which one capability asks another for something.
//!
//! `web` uses no capability module: capabilities use it.

pub mod apidoc;
pub mod auth;
pub mod clock;
pub mod error;
pub mod extract;
pub mod forms;
pub mod html;
pub mod json;
pub mod links;
pub mod sheets;
pub mod r#static;

use anju_policy::Policy;
use std::sync::Arc;

pub use clock::Clock;
pub use links::Links;

/// The storage the server runs on: SQLite or PostgreSQL, chosen at start.
/// The server is written against this concrete type (not generically over
/// `Store`) so the compiler can see that every storage future is `Send`.
pub type Db = anju_store::AnyStore;

/// Everything a request handler needs. Cheap to clone.
pub struct AppState {
    /// What capabilities ask of each other (filled in by `crate::router`'s caller).
    pub links: Links,
    pub store: Db,
    pub policy: Arc<Policy>,
    /// Parameter values given at start (statistics the documents refer to).
    pub overrides: Arc<Vec<(String, String)>>,
    pub clock: Clock,
    /// Mark cookies Secure (behind HTTPS).
    pub secure_cookies: bool,
    pub limiter: Arc<auth::RateLimiter>,
    pub sessions: Arc<auth::SessionCache>,
}

impl Clone for AppState {
    fn clone(&self) -> Self {
        AppState {
            store: self.store.clone(),
            policy: self.policy.clone(),
            overrides: self.overrides.clone(),
            clock: self.clock.clone(),
            secure_cookies: self.secure_cookies,
            limiter: self.limiter.clone(),
            sessions: self.sessions.clone(),
            links: self.links,
        }
    }
}

/// The audit entry for something `user` did at `at` (the store writes it in
/// the same transaction as the change). Every capability audits this way.
pub fn audit(
    user: &auth::CurrentUser,
    at: anju_domain::Timestamp,
    action: String,
    subject: String,
    detail: serde_json::Value,
) -> anju_store::AuditDraft {
    anju_store::AuditDraft {
        at,
        actor_user_id: user.user.id.clone(),
        role: user.user.role,
        action,
        subject,
        detail,
    }
}
