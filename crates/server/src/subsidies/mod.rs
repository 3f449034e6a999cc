//! Subsidies and finance: the public self-check of each subsidy programme
//! (talent purchase, talent rent, provident-fund rent withdrawal), decided
//! by the policy engine from `policies/subsidies/*.toml`, and the public
//! finance calculators (down payment, combined loan, deed tax, rental
//! property tax, talent-home price), every result explained and cited.
//! The rules are `anju-subsidies`; this room only parses and shows.

pub mod apartments;
pub mod api;
pub mod cases;
pub mod dashboard;
pub mod interface;
pub mod pages;
pub mod property_records;
pub mod service;
pub mod universities;

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
