//! The work list's batch step, posted from `/work` with the checked
//! applications: each is handled on its own (see `applications::bulk`) and
//! the page says, for each, whether it was done and if not why.

use anju_domain::{ActionKind, StatusKind};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::post;
use axum::{Form, Router};

use crate::applications::bulk;
use crate::applications::listing;
use crate::web::auth::{self, CSRF_FIELD};
use crate::web::error::ApiError;
use crate::web::field_errors::split_bilingual;
use crate::web::forms::{checked, ctx_for_lang, field, Ctx, Fields};
use crate::web::AppState;

/// One application's line in the result.
struct Line {
    id: String,
    done: bool,
    why: String,
}

#[derive(askama::Template)]
#[template(path = "applications/templates/bulk_result.html")]
struct BulkResult<'a> {
    c: &'a Ctx,
    step: String,
    done: usize,
    failed: usize,
    lines: Vec<Line>,
    back: String,
}

async fn bulk_post(
    State(st): State<AppState>,
    headers: HeaderMap,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, None).await;
    let user = match c.require_user("/work") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let l = c.lang;
    let kind = ActionKind::ALL
        .into_iter()
        .find(|k| Some(k.code()) == field(&f, "type"));
    let status = StatusKind::ALL
        .into_iter()
        .find(|s| Some(listing::status_code(*s).as_str()) == field(&f, "status"));
    let (Some(kind), Some(status)) = (kind, status) else {
        return c.error(ApiError::bad_request(
            "invalid_action",
            "没有这种批量办理 (no such batch step)",
        ));
    };
    if !checked(&f, "confirm") {
        return c.error(
            ApiError::unprocessable(
                "confirmation_required",
                "请勾选“我已逐户审阅所勾选的申请”后再办理 (tick the confirmation first)",
            )
            .field("confirm"),
        );
    }
    let ids: Vec<String> = f
        .iter()
        .filter(|(k, _)| k == "id")
        .map(|(_, v)| v.trim().to_string())
        .filter(|v| !v.is_empty())
        .collect();
    let outcomes = match bulk::act_on_each(&st, &user, kind, status, &ids).await {
        Ok(o) => o,
        Err(e) => return c.error(e),
    };
    let lines: Vec<Line> = outcomes
        .into_iter()
        .map(|o| {
            let why = match &o.result {
                Ok(()) => String::new(),
                Err(e) => {
                    let (zh, en) = split_bilingual(&e.message);
                    l.t(&zh, &en).to_string()
                }
            };
            Line {
                id: o.id,
                done: o.result.is_ok(),
                why,
            }
        })
        .collect();
    let done = lines.iter().filter(|x| x.done).count();
    c.page(&BulkResult {
        c: &c,
        step: l.t(kind.label_zh(), kind.label_en()).to_string(),
        done,
        failed: lines.len() - done,
        lines,
        back: format!("/work?status={}", listing::status_code(status)),
    })
}

/// This page's routes, declared beside its handler.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/work/bulk", post(bulk_post))
}
