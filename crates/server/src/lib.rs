//! anju-server: the HTTP face of anju. JSON API under `/api/v1` (OpenAPI at
//! `/api/v1/openapi.json`), Chinese web pages with an English switch, cookie
//! sessions with CSRF protection, roles scoped by district, and an audit
//! entry for every state change and every staff read of personal data.
//!
//! One room per capability (docs/architecture.md):
//!
//! * [`web`] — shared pieces (state, sessions, errors, layout, forms,
//!   spreadsheets, links); uses no capability.
//! * [`accounts`] — signing in and out.
//! * [`applications`] — self-check, applications to the district waitlist,
//!   department verification, public notices.
//! * [`allotment`] — projects, plans, rounds, the lottery, selection,
//!   contracts and titles.
//! * [`audit`] — the audit log and its chain check.
//! * [`subsidies`] — subsidy self-checks and finance calculators.
//! * [`demo`] — the demo city's seed data.
//!
//! Data flows one way: handler -> service -> pure rules (policy engine,
//! `anju-allotment`) -> store (persists, with the audit entry in the same
//! transaction). This file only composes the rooms: it is the one place
//! that knows them all.

pub mod accounts;
pub mod acquisition;
pub mod allotment;
pub mod applications;
pub mod audit;
pub mod demo;
pub mod holdings;
pub mod market;
pub mod openapi;
pub mod rentals;
pub mod subsidies;
pub mod web;

use anju_policy::Policy;
use axum::Router;
use std::sync::Arc;

pub use web::auth;
pub use web::{AppState, Clock, Db, Links};

/// Which capability answers each link (see [`web::state`]).
pub fn links() -> Links {
    Links {
        recorded_abandonments: allotment::interface::recorded_abandonments,
        application_sections: allotment::interface::application_sections,
        held_benefits: subsidies::interface::held_benefits,
        recorded_blacklistings: rentals::interface::recorded_blacklistings,
        rent_pool_home: rentals::interface::rent_pool_home,
    }
}

impl AppState {
    /// The state with every link answered by its capability.
    pub fn new(store: Db, policy: Policy, overrides: Vec<(String, String)>, clock: Clock) -> Self {
        AppState {
            store,
            policy: Arc::new(policy),
            overrides: Arc::new(overrides),
            clock,
            secure_cookies: false,
            limiter: Arc::new(auth::RateLimiter::new(
                "login",
                20,
                std::time::Duration::from_secs(60),
            )),
            tip_limiter: Arc::new(auth::RateLimiter::new(
                "tip",
                holdings::service::TIPS_PER_ADDRESS_HOUR,
                std::time::Duration::from_secs(3600),
            )),
            sessions: Arc::new(auth::SessionCache::default()),
            links: links(),
            checkpoints: None,
            one_application_per_account: true,
            trusted_proxies: Arc::new(Vec::new()),
        }
    }
}

/// The whole application: every room's API (see [`openapi`]) and pages.
pub fn router(state: AppState) -> Router {
    // `/api/v1`: each room's operations, routed as documented.
    let (api, _document) = openapi::api().split_for_parts();
    Router::new()
        .merge(web::r#static::routes())
        .merge(api)
        .merge(accounts::routes())
        .merge(applications::routes())
        .merge(allotment::routes())
        .merge(holdings::routes())
        .merge(market::routes())
        .merge(audit::routes())
        .merge(subsidies::routes())
        .merge(rentals::routes())
        .merge(acquisition::routes())
        .fallback(web::not_found::fallback)
        .layer(axum::middleware::from_fn_with_state(
            state.trusted_proxies.clone(),
            web::forwarded::resolve,
        ))
        .layer(axum::middleware::map_response(
            web::headers::security_headers,
        ))
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
