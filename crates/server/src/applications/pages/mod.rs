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
mod bulk;
mod common;
mod dashboard;
mod declaration;
mod detail;
mod drafts;
mod home;
mod household_form;
mod inbox;
mod materials;
mod notices;
mod progress;
mod receipt;
mod self_check;
mod verify;
mod work;

use axum::Router;

use crate::web::AppState;

/// Every page's routes: each file declares its own beside its handlers.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(home::routes())
        .merge(self_check::routes())
        .merge(notices::routes())
        .merge(apply::routes())
        .merge(work::routes())
        .merge(bulk::routes())
        .merge(dashboard::routes())
        .merge(detail::routes())
        .merge(receipt::routes())
        .merge(inbox::routes())
        .merge(act::routes())
        .merge(verify::routes())
        .merge(materials::routes())
        .merge(drafts::routes())
}
