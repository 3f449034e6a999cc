//! The acquisition room's page: the frozen survey with its chart of demand
//! against the plan's supply, the screened pool with each failed rule and
//! its article, the plan explained lot by lot, the purchases with their
//! due dates and the overdue registrations, and the companies' ledgers.
//! Its forms post to `/acquisition/act` and come back with a banner.

mod forms;
mod offers;
mod purchase;
mod view;

use axum::routing::{get, post};
use axum::Router;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/acquisition", get(view::page))
        .route("/acquisition/act", post(view::act))
        .route("/acquisition/offers", post(offers::upload))
        .route(
            "/acquisition/purchases/{id}",
            get(purchase::page).post(purchase::act),
        )
}
