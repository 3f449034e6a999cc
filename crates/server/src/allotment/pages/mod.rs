//! Allotment web pages (配售): the public list of projects, each project's
//! plan, price check, homes, rounds with their commitments, draws and
//! masked results, and an online re-check of every draw; the forms the
//! implementing company and the city housing bureau use on the same page,
//! shown by role; the family's page for choosing a home; and the
//! lottery's specification and reference script (`/lottery`). Every form
//! posts to `/projects/{id}/act` with a `type` and the session's CSRF
//! token and goes through `allotment::service`, exactly like the JSON API.

mod act;
pub(crate) mod choose;
mod common;
mod list;
mod lottery;
mod project;
mod rounds;
mod titles;
mod verify;
mod view;

use axum::routing::{get, post};
use axum::Router;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/lottery", get(lottery::spec))
        .route(
            "/lottery/lottery_reference.py",
            get(lottery::reference_script),
        )
        .route("/projects", get(list::list).post(list::create))
        .route("/projects/{id}", get(project::detail))
        .route("/projects/{id}/act", post(act::act))
        .route("/projects/{id}/choose", get(choose::choose))
        .route(
            "/projects/{id}/rounds/{round}/draws/{draw}/verify",
            get(verify::verify),
        )
}
