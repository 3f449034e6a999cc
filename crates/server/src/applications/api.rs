//! `/api/v1`: the JSON API. Errors are `{"error": {"code", "message",
//! "field"}}`; state-changing calls need the session's `X-CSRF-Token`.

use anju_domain::{Department, StatusKind};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::applications::service::{self, ActionRequest, SubmitRequest};
use crate::applications::verification;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::json::parse_json;
use crate::web::sheets::{csv_response, xlsx_response};
use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/check", post(check))
        .route("/api/v1/applications", get(list).post(create))
        .route("/api/v1/applications/{id}", get(detail))
        .route("/api/v1/applications/{id}/actions", post(action))
        .route("/api/v1/notices", get(notices))
        .route("/api/v1/notices.xlsx", get(notices_xlsx))
        .route(
            "/api/v1/verification/{department}/template.xlsx",
            get(template_xlsx),
        )
        .route(
            "/api/v1/verification/{department}/template.csv",
            get(template),
        )
        .route("/api/v1/verification/{department}/upload", post(upload))
        .route("/api/v1/districts", get(districts))
}

async fn check(State(st): State<AppState>, body: Bytes) -> ApiResult<Json<Value>> {
    let household: Value = parse_json(&body)?;
    Ok(Json(service::self_check(&st, &household)?))
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<StatusKind>,
    #[serde(default = "default_limit")]
    limit: u32,
    #[serde(default)]
    offset: u32,
}

fn default_limit() -> u32 {
    100
}

async fn list(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let rows = service::list(&st, &user, q.status, q.limit, q.offset).await?;
    let items: Vec<SummaryJson> = rows.iter().map(SummaryJson::from).collect();
    Ok(Json(ListJson { items }).into_response())
}

#[derive(serde::Serialize)]
struct ListJson<'a> {
    items: Vec<SummaryJson<'a>>,
}

/// One list line as the API writes it. A typed view rather than a
/// `serde_json::Value`: lists are the most frequent signed-in read, and
/// building a map per row was a visible share of its CPU.
#[derive(serde::Serialize)]
pub struct SummaryJson<'a> {
    id: &'a anju_domain::ApplicationId,
    district: &'a str,
    status: StatusKind,
    status_label: &'static str,
    masked_name: &'a str,
    masked_id: &'a str,
    owner: &'a Option<anju_domain::UserId>,
    submitted_at: &'a anju_domain::Timestamp,
    updated_at: &'a anju_domain::Timestamp,
    categories: &'a [String],
    tier: Option<u8>,
    notice_start: Option<NaiveDate>,
    notice_end: Option<NaiveDate>,
    qualified_on: Option<NaiveDate>,
    waitlist_place: Option<u32>,
}

impl<'a> From<&'a anju_store::ApplicationSummary> for SummaryJson<'a> {
    fn from(n: &'a anju_store::ApplicationSummary) -> Self {
        SummaryJson {
            id: &n.id,
            district: n.district.as_str(),
            status: n.status,
            status_label: n.status.label_zh(),
            masked_name: &n.masked_name,
            masked_id: &n.masked_id,
            owner: &n.owner,
            submitted_at: &n.submitted_at,
            updated_at: &n.updated_at,
            categories: &n.categories,
            tier: n.tier,
            notice_start: n.notice_start,
            notice_end: n.notice_end,
            qualified_on: n.qualified_on,
            waitlist_place: n.waitlist_place,
        }
    }
}

async fn create(State(st): State<AppState>, user: CurrentUser, body: Bytes) -> ApiResult<Response> {
    let req: SubmitRequest = parse_json(&body)?;
    let stored = service::submit_application(&st, &user, req).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::application_json(&stored, &user.actor, true)),
    )
        .into_response())
}

async fn detail(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let stored = service::read_application(&st, &user, &id).await?;
    Ok(Json(service::application_json(&stored, &user.actor, true)))
}

async fn action(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let req: ActionRequest = parse_json(&body)?;
    let stored = service::act(&st, &user, &id, req).await?;
    Ok(Json(service::application_json(&stored, &user.actor, false)))
}

pub fn notice_json(n: &anju_store::ApplicationSummary) -> Value {
    json!({
        "application_id": n.id, "district": n.district.as_str(), "district_name": n.district.describe_zh(),
        "name": n.masked_name, "id_number": n.masked_id,
        "categories": n.categories, "tier": n.tier,
        "notice_start": n.notice_start, "notice_end": n.notice_end,
    })
}

async fn notices(State(st): State<AppState>) -> ApiResult<Json<Value>> {
    let items: Vec<Value> = service::notices(&st)
        .await?
        .iter()
        .map(notice_json)
        .collect();
    Ok(Json(json!({
        "items": items,
        "how_to_object": "对公示对象有异议的，可在公示期内向所在县（区）住建部门实名反映 (objections may be made to the district housing bureau during the notice period; 阳政办发〔2026〕2号 第十四条)",
    })))
}

async fn notices_xlsx(State(st): State<AppState>) -> ApiResult<Response> {
    let rows = service::notices(&st).await?;
    Ok(xlsx_response(
        super::notices::workbook(&rows)?,
        "notices.xlsx",
    ))
}

fn department(code: &str) -> ApiResult<Department> {
    Department::from_code(code).ok_or_else(|| ApiError::not_found("核验部门 (department)"))
}

async fn template(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(dept): Path<String>,
) -> ApiResult<Response> {
    template_in(st, user, dept, verification::TemplateFormat::Csv).await
}

async fn template_xlsx(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(dept): Path<String>,
) -> ApiResult<Response> {
    template_in(st, user, dept, verification::TemplateFormat::Xlsx).await
}

async fn template_in(
    st: AppState,
    user: CurrentUser,
    dept: String,
    format: verification::TemplateFormat,
) -> ApiResult<Response> {
    let d = department(&dept)?;
    let bytes = verification::template(&st, &user, d, format).await?;
    Ok(match format {
        verification::TemplateFormat::Csv => csv_response(bytes, "verification-template.csv"),
        verification::TemplateFormat::Xlsx => xlsx_response(bytes, "verification-template.xlsx"),
    })
}

async fn upload(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(dept): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let d = department(&dept)?;
    let report = verification::import(&st, &user, d, &body).await?;
    let wants_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"));
    if wants_csv {
        return Ok(csv_response(report.error_csv()?, "verification-errors.csv"));
    }
    Ok(
        Json(serde_json::to_value(&report).map_err(|e| ApiError::internal(e.to_string()))?)
            .into_response(),
    )
}

async fn districts() -> Json<Value> {
    Json(
        json!({"items": anju_domain::YANGQUAN_DISTRICTS.iter().map(|d| json!({"code": d.code.as_str(), "name": d.name_zh, "name_en": d.name_en})).collect::<Vec<_>>()}),
    )
}
