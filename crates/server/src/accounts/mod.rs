//! Accounts: signing in and out (the JSON API's session and the pages'
//! form), and who the signed-in account is. Sessions, CSRF tokens and
//! password hashing themselves are shared pieces in `crate::web::auth`.

pub mod api;
pub mod pages;
pub mod service;

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
