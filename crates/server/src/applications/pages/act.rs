//! An action posted from an application's page: the same request as the
//! JSON API's, then back to the page with what was done.

use anju_domain::Department;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use crate::applications::service::{self, ActionRequest};
use crate::web::auth::{self, CSRF_FIELD};
use crate::web::error::ApiError;
use crate::web::forms::{checked, ctx, done_redirect, field, Fields, PageQuery};
use crate::web::html::url_encode;
use crate::web::AppState;

use super::common::article_of;
use axum::routing::post;
use axum::Router;

pub(super) async fn act(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/applications/{id}")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let ty = field(&f, "type").unwrap_or("");
    // The role first, whatever the other fields say (as in the API).
    let kind = anju_domain::ActionKind::ALL
        .into_iter()
        .find(|k| k.code() == ty);
    if let Some(Err(e)) = kind.map(|k| service::role_may_take(&user, k)) {
        return c.error(e);
    }
    let text = |n: &str| field(&f, n).unwrap_or("").to_string();
    let req: Result<ActionRequest, ApiError> = match ty {
        "street_pass" => Ok(ActionRequest::StreetPass),
        "street_return" => Ok(ActionRequest::StreetReturn {
            reason: text("reason"),
        }),
        // The form sends the article's dotted reference (a select of the
        // policy's articles); the article as printed comes from the policy.
        "street_reject" => Ok(ActionRequest::StreetReject {
            message: text("message"),
            article: article_for(&st, &f),
            ref_: text("ref"),
        }),
        "resubmit" => Ok(ActionRequest::Resubmit),
        "department_confirm" => Department::from_code(&text("department"))
            .map(|department| ActionRequest::DepartmentConfirm {
                department,
                corrections: vec![],
            })
            .ok_or_else(|| {
                ApiError::bad_request("invalid_department", "核验部门无效 (unknown department)")
                    .field("department")
            }),
        "record_decision" => Ok(ActionRequest::RecordDecision),
        "start_notice" => Ok(ActionRequest::StartNotice {
            start: field(&f, "start").and_then(anju_policy::household::parse_iso_date),
        }),
        "record_objection" => Ok(ActionRequest::RecordObjection { text: text("text") }),
        "resolve_objection" => text("objection_id")
            .trim()
            .parse::<u32>()
            .map_err(|_| {
                ApiError::bad_request("invalid_number", "异议编号无效 (invalid objection number)")
                    .field("objection_id")
            })
            .map(|oid| ActionRequest::ResolveObjection {
                id: oid,
                upheld: checked(&f, "upheld"),
                note: text("note"),
                article: checked(&f, "upheld").then(|| article_for(&st, &f)),
                ref_: checked(&f, "upheld").then(|| text("ref")),
            }),
        "qualify" => Ok(ActionRequest::Qualify),
        "request_review" => Ok(ActionRequest::RequestReview {
            reasons: text("reasons"),
        }),
        "decide_review" => Ok(ActionRequest::DecideReview {
            reverse: checked(&f, "reverse"),
            note: text("note"),
        }),
        "withdraw" => {
            // A withdrawal ends the application for good: the form asks the
            // person to tick that they know (the API takes the reason alone).
            if !checked(&f, "confirm") {
                Err(ApiError::bad_request(
                    "confirmation_required",
                    "撤回申请须勾选确认：撤回后本申请终止，不能恢复，如需申请须重新提交 (tick the confirmation: a withdrawn application cannot be restored; applying again means a new application)",
                )
                .field("confirm"))
            } else {
                Ok(ActionRequest::Withdraw {
                    reason: text("reason"),
                })
            }
        }
        other => Err(ApiError::bad_request(
            "unknown_action",
            format!("未知的操作 {other} (unknown action)"),
        )
        .field("type")),
    };
    let result = match req {
        Ok(r) => service::act(&st, &user, &id, r).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => done_redirect(
            &headers,
            &st,
            &format!("/applications/{}", url_encode(&id)),
            ty,
        ),
        Err(e) => c.error(e),
    }
}

/// The article a form cites: as the form wrote it, or as the policy prints
/// the reference chosen.
fn article_for(st: &AppState, f: &Fields) -> String {
    match field(f, "article").filter(|a| !a.trim().is_empty()) {
        Some(a) => a.to_string(),
        None => field(f, "ref")
            .and_then(|r| article_of(&st.policy, r))
            .unwrap_or_default(),
    }
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/applications/{id}/act", post(act))
}
