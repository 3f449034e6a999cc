//! Market regulation (issue 16): destocking periods by district, the
//! land-supply decision under the city's bands, parcels with idle-land and
//! set-aside findings, the plot-ratio calculator, developer projects and
//! pre-sale fund supervision, with dashboards. The rules are
//! `anju_market`'s; this room authorises, reads files, stores and shows.

mod api;
mod exports;
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
