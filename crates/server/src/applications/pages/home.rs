//! The home page: where to start, and the rules the engine applies.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::AppState;
use axum::routing::get;
use axum::Router;

#[derive(askama::Template)]
#[template(path = "applications/templates/home.html")]
struct HomePage<'a> {
    c: &'a Ctx,
    /// The policy document the engine applies.
    document: &'a str,
    /// The local parameters set for this deployment (`name=value，…`).
    params: String,
}

pub(super) async fn home(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let params = st
        .overrides
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("，");
    c.page(&HomePage {
        c: &c,
        document: &st.policy.document,
        params,
    })
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}
