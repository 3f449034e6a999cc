//! `/messages`: the signed-in person's messages, newest first.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::applications::messages::{inbox, Shown};
use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::AppState;

#[derive(askama::Template)]
#[template(path = "applications/templates/messages.html")]
struct MessagesPage<'a> {
    c: &'a Ctx,
    messages: Vec<Shown>,
    unread: u64,
}

async fn page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/messages") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    match inbox(&st, &user, c.lang).await {
        Ok((messages, unread)) => c.page(&MessagesPage {
            c: &c,
            messages,
            unread,
        }),
        Err(e) => c.error(e),
    }
}

/// This page's routes, declared beside its handler.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/messages", get(page))
}
