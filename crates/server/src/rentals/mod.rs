//! Rentals (配租, Loudi 八、(二)): rental homes with their market-rent
//! evidence and the regulated rent (80 %), offers from the district
//! waitlist, leases and renewals, the append-only rent ledger with its
//! monthly charge batch, arrears, the 30-day exit with overstay at market
//! rent, and the dishonesty list that the eligibility engine enforces.
//! The pure rules are in `anju-rentals`; families come from
//! [`crate::applications::interface`], bought-back homes from
//! [`crate::holdings::interface`]. A city whose documents have no rental
//! rules (Yangquan) answers every page and operation with
//! "本市文件未规定配租" (`no_rental_rules`).

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
