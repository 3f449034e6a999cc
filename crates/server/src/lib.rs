//! anju-server: the HTTP face of anju. JSON API under `/api/v1` (OpenAPI at
//! `/api/v1/openapi.json`), Chinese web pages with an English switch, cookie
//! sessions with CSRF protection, roles scoped by district, and an audit
//! entry for every state change and every staff read of personal data.
//!
//! Data flows one way: handler -> domain (decides, using the policy engine)
//! -> store (persists, with the audit entry in the same transaction).

pub mod allot_api;
pub mod allot_pages;
pub mod allot_service;
pub mod api;
pub mod auth;
pub mod clock;
pub mod demo;
pub mod demo_allotment;
pub mod error;
pub mod html;
pub mod openapi;
pub mod pages;
pub mod service;
pub mod verification;

use anju_policy::Policy;
use axum::Router;
use std::sync::Arc;

pub use clock::Clock;

/// The storage the server runs on: SQLite or PostgreSQL, chosen at start.
/// The server is written against this concrete type (not generically over
/// `Store`) so the compiler can see that every storage future is `Send`.
pub type Db = anju_store::AnyStore;

/// Everything a request handler needs. Cheap to clone.
pub struct AppState {
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
        }
    }
}

impl AppState {
    pub fn new(store: Db, policy: Policy, overrides: Vec<(String, String)>, clock: Clock) -> Self {
        AppState {
            store,
            policy: Arc::new(policy),
            overrides: Arc::new(overrides),
            clock,
            secure_cookies: false,
            limiter: Arc::new(auth::RateLimiter::new(
                20,
                std::time::Duration::from_secs(60),
            )),
            sessions: Arc::new(auth::SessionCache::default()),
        }
    }
}

/// The whole application: API and pages.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::routes())
        .merge(allot_api::routes())
        .merge(allot_pages::routes())
        .merge(pages::routes())
        .with_state(state)
}

/// Serves until Ctrl-C / SIGTERM.
pub async fn serve(state: AppState, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let app = router(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term =
                    match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                    {
                        Ok(t) => t,
                        Err(_) => return,
                    };
                tokio::select! { _ = ctrl_c => {}, _ = term.recv() => {} }
            }
            #[cfg(not(unix))]
            {
                let _ = ctrl_c.await;
            }
        })
        .await
}
