//! Market regulation pages: the dashboard (destocking trends and bands,
//! land supply against the rule, idle parcels, pre-sale funds — each chart
//! with its table and an XLSX export — and the monthly import), a project's
//! fund ledger with its forms, and the plot-ratio calculator. Forms go
//! through `market::service`, exactly like the JSON API.

mod dashboard;
mod forms;
mod plot;
mod project;
mod published;

use axum::routing::{get, post};
use axum::Router;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/market", get(dashboard::dashboard))
        .route("/market/published", get(published::published))
        .route("/market/import", post(dashboard::import))
        .route("/market/act", post(forms::act))
        .route("/market/plot", get(plot::plot))
        .route("/market/plot/upload", post(plot::upload))
        .route("/market/projects/{district}/{id}", get(project::project))
        .route("/market/projects/{district}/{id}/act", post(project::act))
}
