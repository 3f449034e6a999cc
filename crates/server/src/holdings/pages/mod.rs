//! The holdings pages: the register, a home's file, buybacks, campaigns
//! with their department files, cases, the pool, and the family's own
//! homes. Every form posts to `/holdings/act` (or an upload to a
//! campaign) and comes back with its banner.

mod act;
mod tips;
mod views;

use axum::routing::{get, post};
use axum::Router;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/holdings", get(views::register_page))
        .route("/holdings/register.xlsx", get(views::register_xlsx))
        .route("/holdings/mine", get(views::mine_page))
        .route("/holdings/homes/{project}/{home}", get(views::home_page))
        .route("/holdings/buybacks/{id}", get(views::buyback_page))
        .route("/holdings/campaigns", get(views::campaigns_page))
        .route("/holdings/campaigns/{id}", get(views::campaign_page))
        .route(
            "/holdings/campaigns/{id}/requests/{department}",
            get(views::request_download),
        )
        .route(
            "/holdings/campaigns/{id}/answers/{department}",
            post(act::upload_answers),
        )
        .route("/holdings/act", post(act::act))
        .route("/holdings/tips", get(tips::tips_page))
        .route("/tips", get(tips::tip_page).post(tips::tip_post))
        .route("/tips/status", get(tips::tip_status_page))
}
