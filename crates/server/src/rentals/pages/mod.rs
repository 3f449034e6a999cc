//! The rentals pages: the company's desk (homes and evidence, families
//! waiting, offers, leases, arrears, exits and the dishonesty list), a
//! lease with its ledger and its printable bill, and the tenant's own
//! lease on a phone. Every form posts to `/rentals/act` and comes back
//! with its banner.

mod act;
mod views;

use axum::routing::{get, post};
use axum::Router;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/rentals", get(views::desk_page))
        .route("/rentals/mine", get(views::mine_page))
        .route("/rentals/homes/{id}", get(views::home_page))
        .route("/rentals/leases/{id}", get(views::lease_page))
        .route("/rentals/leases/{id}/bill", get(views::bill_page))
        .route("/rentals/leases.xlsx", get(views::leases_xlsx))
        .route("/rentals/arrears.xlsx", get(views::arrears_xlsx))
        .route("/rentals/act", post(act::act))
}
