//! The public self-check: the household form, then the decision with every
//! reason above the same form, filled in, to change and check again.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use crate::applications::service;
use crate::web::field_errors::FieldErrors;
use crate::web::forms::{ctx, Ctx, Fields, PageQuery};
use crate::web::html::Markup;
use crate::web::AppState;

use super::common::decision;
use super::household_form::{household_form, household_from_form};
use axum::routing::get;
use axum::Router;

#[derive(askama::Template)]
#[template(path = "applications/templates/self_check.html")]
struct SelfCheckPage<'a> {
    c: &'a Ctx,
    /// The decision, once the form was posted.
    decision: Option<Markup>,
    form: Markup,
}

pub(super) async fn self_check_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    match household_form(&c, false, &vec![], &FieldErrors::new()) {
        Ok(form) => c.page(&SelfCheckPage {
            c: &c,
            decision: None,
            form,
        }),
        Err(e) => c.error(e),
    }
}

pub(super) async fn self_check(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    // The form's own problems, all at once beside their fields; then the
    // engine's decision above the same form, filled in.
    let shown = match household_from_form(&f, false) {
        Err(errors) => household_form(&c, false, &f, &errors).map(|form| (None, form, true)),
        Ok(h) => service::self_check(&st, &h).and_then(|d| {
            Ok((
                Some(decision(&c, &st.policy, &d)?),
                household_form(&c, false, &f, &FieldErrors::new())?,
                false,
            ))
        }),
    };
    match shown {
        Ok((decision, form, invalid)) => c.form_page(
            &SelfCheckPage {
                c: &c,
                decision,
                form,
            },
            invalid,
        ),
        Err(e) => c.error(e),
    }
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/self-check", get(self_check_form).post(self_check))
}
