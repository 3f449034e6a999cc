//! What answers an address no route knows: the API's JSON error envelope
//! under `/api/`, and for everything else a page in the layout (Chinese
//! first) with the way home and back, status 404. Without it axum answered
//! an empty body, which browsers show as a blank or an error screen.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::forms::{ctx, Ctx, PageQuery};
use super::state::AppState;

#[derive(askama::Template)]
#[template(path = "web/templates/not_found.html")]
struct NotFoundPage<'a> {
    c: &'a Ctx,
    path: &'a str,
}

pub async fn fallback(
    State(st): State<AppState>,
    headers: HeaderMap,
    uri: Uri,
    // A query that does not parse still gets the page.
    q: Result<Query<PageQuery>, QueryRejection>,
) -> Response {
    let path = uri.path();
    if path == "/api" || path.starts_with("/api/") {
        // `no_route`, not `not_found`: a client (and the routing test) can
        // tell an address no operation has from a record that is missing.
        return ApiError::new(
            StatusCode::NOT_FOUND,
            "no_route",
            format!("没有这个接口 {path} (no API operation at {path}; see /api/v1/openapi.json)"),
        )
        .into_response();
    }
    let q = q.map(|Query(q)| q).unwrap_or_default();
    let c = ctx(&st, &headers, &q).await;
    (StatusCode::NOT_FOUND, c.page(&NotFoundPage { c: &c, path })).into_response()
}
