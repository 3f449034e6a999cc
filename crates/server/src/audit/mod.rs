//! The audit log: every state change and every staff read of personal data
//! is an entry in one hash chain (written by the store in the same
//! transaction as the change). Auditors and the city bureau read it here,
//! as JSON and as a page, and check that the chain is intact.

pub mod api;
pub mod checkpoints;
pub mod pages;
pub mod service;

pub use service::verify_audit;

use axum::Router;

use crate::web::AppState;

/// The pages.
pub fn routes() -> Router<AppState> {
    pages::routes()
}

/// The JSON API, routed and documented together.
pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router()
}
