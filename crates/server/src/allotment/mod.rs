//! Allotment (配售): projects and their homes, one plan per project
//! approved by the city bureau, tiered rounds with priority groups, the
//! verifiable lottery, home selection, contracts, titles and the article-18
//! lock. The pure rules are in the `anju-allotment` crate; families come
//! from [`crate::applications::interface`].

pub mod api;
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
