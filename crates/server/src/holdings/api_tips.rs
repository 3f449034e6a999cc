//! `/api/v1/tips`: the public tip line over JSON — anyone sends a tip and
//! checks its status by receipt number; the company lists and triages.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use crate::holdings::service::{self as svc, TipReceipt, TipRequest, TipStatus, TriageRequest};
use crate::web::apidoc::{self, Csrf};
use crate::web::auth::{ClientIp, CurrentUser};
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::{Path, Query};
use crate::web::json::parse_json;
use crate::web::AppState;

/// 群众举报违规使用（无需登录）send a tip about a misused home (no account).
///
/// JSON only: a page on another site cannot send JSON without the browser
/// asking this server first (CORS), so no token is needed (as sign-in).
#[utoipa::path(
    post,
    path = "/api/v1/tips",
    tag = "holdings",
    request_body = TipRequest,
    responses(
        (status = 201, description = "the receipt number", body = TipReceipt),
        (status = 400, response = apidoc::BadRequest),
        (status = 415, response = apidoc::UnsupportedMediaType),
        (status = 429, response = apidoc::TooManyRequests),
    )
)]
pub async fn tip_submit(
    State(st): State<AppState>,
    ClientIp(ip): ClientIp,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<(StatusCode, Json<TipReceipt>)> {
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "举报须为 JSON（Content-Type: application/json） (a tip takes a JSON body)",
        ));
    }
    let req: TipRequest = parse_json(&body)?;
    let r = svc::submit_tip(&st, ip, &req).await.map_err(|(e, _)| e)?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// 凭回执号查询举报办理情况 a tip's status by its receipt number.
#[utoipa::path(
    get,
    path = "/api/v1/holdings/tip-status/{id}",
    tag = "holdings",
    params(("id" = String, Path, description = "the receipt number, e.g. JB-0123456789ABCDEF")),
    responses(
        (status = 200, description = "received or handled, never what was found", body = TipStatus),
        (status = 404, response = apidoc::NotFound),
    )
)]
pub async fn tip_status(
    State(st): State<AppState>,
    Path(receipt): Path<String>,
) -> ApiResult<Json<TipStatus>> {
    Ok(Json(svc::tip_status(&st, &receipt).await?))
}

/// A tip as the company sees it.
#[derive(Serialize, ToSchema)]
pub struct TipJson {
    receipt: String,
    /// `idle`, `sublet`, `lent`, `sold` or `mortgaged`.
    kind: String,
    address: String,
    project_id: Option<String>,
    home_id: Option<String>,
    seen_on: chrono::NaiveDate,
    what: String,
    contact: Option<String>,
    /// `received`, `attached` or `dismissed`.
    status: String,
    attached_campaign: Option<String>,
    finding: Option<String>,
    outcome_note: Option<String>,
    received_at: String,
}

pub fn tip_json(t: anju_store::holdings::TipRecord) -> TipJson {
    TipJson {
        receipt: t.id,
        kind: t.kind,
        address: t.address,
        project_id: t.project_id,
        home_id: t.home_id,
        seen_on: t.seen_on,
        what: t.what,
        contact: t.contact,
        status: t.status,
        attached_campaign: t.attached_campaign,
        finding: t.finding,
        outcome_note: t.outcome_note,
        received_at: t.received_at,
    }
}

/// Tips.
#[derive(Serialize, ToSchema)]
pub struct TipList {
    tips: Vec<TipJson>,
}

/// Which tips to list.
#[derive(Debug, Default, serde::Deserialize, utoipa::IntoParams)]
pub struct TipQuery {
    /// `all` for every tip; otherwise those waiting.
    pub status: Option<String>,
}

/// 群众举报（待处理）tips waiting for triage (company).
#[utoipa::path(
    get,
    path = "/api/v1/holdings/tips",
    tag = "holdings",
    params(TipQuery),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "tips", body = TipList),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
pub async fn tip_list(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<TipQuery>,
) -> ApiResult<Json<TipList>> {
    let all = q.status.as_deref() == Some("all");
    let tips = svc::tips(&st, &user, all).await?;
    Ok(Json(TipList {
        tips: tips.into_iter().map(tip_json).collect(),
    }))
}

/// 处理举报：并入年度核查或不予采纳（实施主体）triage a tip: attach or dismiss (company).
#[utoipa::path(
    post,
    path = "/api/v1/holdings/tips/{id}/triage",
    tag = "holdings",
    params(("id" = String, Path, description = "the receipt number"), Csrf),
    request_body = TriageRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the tip after triage", body = TipJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
    )
)]
pub async fn tip_triage(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(receipt): Path<String>,
    body: Bytes,
) -> ApiResult<Json<TipJson>> {
    svc::require(&user, &[anju_domain::Role::Company], "处理群众举报")?;
    let req: TriageRequest = parse_json(&body)?;
    Ok(Json(tip_json(
        svc::triage_tip(&st, &user, &receipt, req).await?,
    )))
}
