//! Holdings (持有与退出): what happens to a sold home after its title —
//! the holder register, the yearly re-verification campaign with its
//! department files, reports and cases on the enforcement ladder, exit and
//! buyback, and homes back in the pool. The pure rules are in the
//! `anju-holdings` crate; families come from
//! [`crate::applications::interface`], titles from allotment's tables
//! through the store's register read.

pub mod api;
pub mod api_tips;
pub mod interface;
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
