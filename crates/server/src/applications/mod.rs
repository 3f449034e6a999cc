//! Applications: the public self-check, applications from submission to
//! the district waitlist (community, street, five departments, the
//! engine's decision, public notice, objections, review), department
//! verification by file, and the public notices.
//!
//! Other capabilities ask this one for what they need through
//! [`interface`], never through its handlers.

pub mod api;
pub mod bulk;
pub mod dashboard;
pub mod drafts;
pub mod evaluation;
pub mod export;
pub mod interface;
pub mod limits;
pub mod listing;
pub mod material_files;
pub mod messages;
pub mod notices;
pub mod pages;
pub mod preference;
pub mod reminders;
pub mod service;
pub mod verification;

use axum::Router;

use crate::web::AppState;

/// The pages.
pub fn routes() -> Router<AppState> {
    pages::routes()
}

/// The JSON API, routed and documented together.
pub fn api() -> utoipa_axum::router::OpenApiRouter<AppState> {
    api::router()
        .merge(material_files::router())
        .merge(drafts::router())
}
