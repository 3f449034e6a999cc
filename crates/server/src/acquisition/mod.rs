//! Acquisition of existing homes (issue 15): the frozen demand survey, the
//! screened candidate pool, price caps, the optimised purchase plan, then
//! negotiation, notice, contract, handover and registration, until each
//! home is available for allotment; companies and their ledgers. The rules
//! are `anju_acquisition`'s; this room authorises, stores and shows.

mod api;
pub mod interface;
mod pages;
pub mod service;

use utoipa_axum::router::OpenApiRouter;

use crate::web::AppState;

/// The room's pages.
pub fn routes() -> axum::Router<AppState> {
    pages::routes()
}

/// The room's `/api/v1` operations.
pub fn api() -> OpenApiRouter<AppState> {
    api::router()
}
