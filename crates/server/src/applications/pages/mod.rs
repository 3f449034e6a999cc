//! The web pages of applications, Chinese first (`?lang=en` switches to
//! English): the home page, the public self-check and notices, the
//! family's application, the staff workspace where each role takes its
//! actions, and verification by file. Every form posts back with the
//! session's CSRF token; every action goes through `service`, exactly like
//! the JSON API. The HTML is in `../templates/`.
//!
//! `common` is shared and imports no sibling; `household_form` is shared by
//! the self-check and the application form.

mod act;
mod apply;
mod common;
mod detail;
mod home;
mod household_form;
mod notices;
mod self_check;
mod verify;
mod work;

use axum::routing::{get, post};
use axum::Router;

use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(home::home))
        .route(
            "/self-check",
            get(self_check::self_check_form).post(self_check::self_check),
        )
        .route("/notices", get(notices::notices))
        .route("/apply", get(apply::apply_form).post(apply::apply))
        .route("/work", get(work::work))
        .route("/applications/{id}", get(detail::detail))
        .route("/applications/{id}/act", post(act::act))
        .route(
            "/verify/{department}",
            get(verify::verify_page).post(verify::verify_upload),
        )
}
