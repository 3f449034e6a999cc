//! `/api/v1/projects`: allotment over JSON. Published projects, their
//! commitments, draws and results are public; everything that changes
//! something needs a session (and its `X-CSRF-Token`).

use anju_allotment::HOME_COLUMNS;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::allotment::service::{
    self as svc, CallRequest, DrawRequest, NewProject, PlanRequest, TitleRequest,
};
use crate::web::auth::{self, CurrentUser};
use crate::web::error::{ApiError, ApiResult};
use crate::web::json::parse_json;
use crate::web::sheets::{csv_bytes, csv_response, sheet, xlsx_response, SheetStyle};
use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/projects", get(list).post(create))
        .route("/api/v1/projects/{id}", get(detail))
        .route("/api/v1/projects/{id}/plan", put(save_plan))
        .route("/api/v1/projects/{id}/plan/steps", post(plan_step))
        .route("/api/v1/projects/{id}/homes", post(import_homes))
        .route("/api/v1/projects/homes-template.csv", get(template_csv))
        .route("/api/v1/projects/homes-template.xlsx", get(template_xlsx))
        .route("/api/v1/projects/{id}/rounds", post(open_round))
        .route(
            "/api/v1/projects/{id}/rounds/{round}/entrants.csv",
            get(entrants_file),
        )
        .route("/api/v1/projects/{id}/rounds/{round}/draws", post(draw))
        .route(
            "/api/v1/projects/{id}/rounds/{round}/draws/{draw}/result.csv",
            get(result_file),
        )
        .route(
            "/api/v1/projects/{id}/rounds/{round}/draws/{draw}/verify",
            get(verify),
        )
        .route(
            "/api/v1/projects/{id}/rounds/{round}/redraw-request",
            post(redraw_request),
        )
        .route(
            "/api/v1/projects/{id}/rounds/{round}/redraw-approval",
            post(redraw_approval),
        )
        .route(
            "/api/v1/projects/{id}/rounds/{round}/status",
            post(round_status),
        )
        .route(
            "/api/v1/projects/{id}/rounds/{round}/calls",
            post(call_next),
        )
        .route(
            "/api/v1/projects/{id}/rounds/{round}/selection",
            post(selection),
        )
        .route("/api/v1/projects/{id}/expire-overdue", post(expire_overdue))
        .route("/api/v1/projects/{id}/homes/{home}/title", post(title))
        .route("/api/v1/projects/{id}/homes/{home}/dealings", post(dealing))
        .route("/api/v1/projects/{id}/results.xlsx", get(results_xlsx))
        .route("/api/v1/applications/{id}/allotment", get(family_allotment))
}

async fn viewer(st: &AppState, headers: &HeaderMap) -> Option<CurrentUser> {
    auth::current_user(st, headers).await.ok().flatten()
}

async fn list(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    let user = viewer(&st, &headers).await;
    let ps = svc::list_projects(&st, user.as_ref()).await?;
    Ok(Json(json!({"projects": ps.iter().map(|p| json!({
        "id": p.id, "name": p.name, "district": p.district, "plan_status": p.plan_status,
        "plan_status_label": p.plan_status.zh(), "published_at": p.published_at,
    })).collect::<Vec<_>>()})))
}

async fn create(State(st): State<AppState>, user: CurrentUser, body: Bytes) -> ApiResult<Response> {
    let req: NewProject = parse_json(&body)?;
    let p = svc::create_project(&st, &user, req).await?;
    let v = svc::project_json(&st, &p, false).await?;
    Ok((axum::http::StatusCode::CREATED, Json(v)).into_response())
}

async fn detail(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let user = viewer(&st, &headers).await;
    let p = svc::load_project(&st, user.as_ref(), &id).await?;
    Ok(Json(svc::project_json(&st, &p, true).await?))
}

async fn save_plan(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let req: PlanRequest = parse_json(&body)?;
    let p = svc::save_plan(&st, &user, &id, req).await?;
    Ok(Json(svc::project_json(&st, &p, false).await?))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepBody {
    step: String,
    #[serde(default)]
    reason: String,
    version: i64,
}

async fn plan_step(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let b: StepBody = parse_json(&body)?;
    let step = svc::plan_step_of(&b.step, &b.reason)?;
    let p = svc::plan_step(&st, &user, &id, step, b.version).await?;
    Ok(Json(svc::project_json(&st, &p, false).await?))
}

async fn import_homes(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let rows = crate::web::sheets::upload_rows(&body)?;
    let f = svc::import_homes(&st, &user, &id, &rows).await?;
    Ok(Json(
        json!({"rows": f.rows, "homes_saved": f.homes.len(), "errors": f.errors}),
    ))
}

pub fn template_rows() -> Vec<Vec<String>> {
    vec![
        HOME_COLUMNS.iter().map(|c| c.1.to_string()).collect(),
        [
            "1",
            "1",
            "3",
            "301",
            "89.56",
            "三室两厅一卫",
            "南北",
            "新建",
            "",
            "358000",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
        [
            "1",
            "1",
            "3",
            "302",
            "76.20",
            "两室两厅一卫",
            "南",
            "收购",
            "290000",
            "304500",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect(),
    ]
}

async fn template_csv() -> ApiResult<Response> {
    Ok(csv_response(
        csv_bytes(template_rows())?,
        "homes-template.csv",
    ))
}

async fn template_xlsx() -> ApiResult<Response> {
    Ok(xlsx_response(
        sheet(&template_rows(), SheetStyle::Header, &[])?,
        "homes-template.xlsx",
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RoundBody {
    round: u8,
}

async fn open_round(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let b: RoundBody = parse_json(&body)?;
    let f = svc::open_round(&st, &user, &id, b.round).await?;
    Ok(Json(
        serde_json::to_value(f).map_err(|e| ApiError::internal(e.to_string()))?,
    ))
}

async fn entrants_file(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, round)): Path<(String, u8)>,
) -> ApiResult<Response> {
    let r = svc::round_seen_by(&st, viewer(&st, &headers).await.as_ref(), &id, round).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{id}-round{round}-entrants.csv\""),
            ),
        ],
        r.entrant_file,
    )
        .into_response())
}

async fn draw(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let req: DrawRequest = parse_json(&body)?;
    let n = svc::draw(&st, &user, &id, round, req).await?;
    Ok(Json(json!({"draw_no": n})))
}

async fn result_file(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, round, n)): Path<(String, u8, u32)>,
) -> ApiResult<Response> {
    let (_, d) =
        svc::draw_seen_by(&st, viewer(&st, &headers).await.as_ref(), &id, round, n).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{id}-round{round}-draw{n}-result.csv\""),
            ),
        ],
        d.result_file,
    )
        .into_response())
}

/// Re-runs the published draw from the published files, as anyone can.

async fn verify(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, round, n)): Path<(String, u8, u32)>,
) -> ApiResult<Json<Value>> {
    Ok(Json(
        svc::verify_draw(&st, viewer(&st, &headers).await.as_ref(), &id, round, n).await?,
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReasonBody {
    reason: String,
}

async fn redraw_request(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let b: ReasonBody = parse_json(&body)?;
    svc::request_redraw(&st, &user, &id, round, &b.reason).await?;
    Ok(Json(json!({"ok": true})))
}

async fn redraw_approval(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
) -> ApiResult<Json<Value>> {
    svc::approve_redraw(&st, &user, &id, round).await?;
    Ok(Json(json!({"ok": true})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    to: String,
}

async fn round_status(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let b: StatusBody = parse_json(&body)?;
    svc::set_round(&st, &user, &id, round, svc::round_target(&b.to)?).await?;
    Ok(Json(json!({"ok": true})))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CallBody {
    count: u32,
}

async fn call_next(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let b: CallBody = parse_json(&body)?;
    let called = svc::call_next(&st, &user, &id, round, b.count).await?;
    Ok(Json(json!({"called": called})))
}

async fn selection(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let req: CallRequest = parse_json(&body)?;
    let state = svc::call_step(&st, &user, &id, round, req).await?;
    Ok(Json(
        json!({"state": state.code(), "state_label": state.zh()}),
    ))
}

async fn expire_overdue(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let n = svc::expire_overdue(&st, &user, &id).await?;
    Ok(Json(json!({"abandonments": n})))
}

async fn title(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, home)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let req: TitleRequest = parse_json(&body)?;
    let t = svc::register_title(&st, &user, &id, &home, req).await?;
    Ok(Json(
        json!({"certificate_no": t.certificate_no, "registered_on": t.registered_on, "annotation": t.annotation}),
    ))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct DealingBody {
    dealing: String,
}

async fn dealing(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, home)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let b: DealingBody = parse_json(&body)?;
    svc::dealing(&st, &user, &id, &home, &b.dealing).await?;
    Ok(Json(json!({"recorded": true})))
}

/// Results as XLSX: every round's current draw with masked identities.
pub async fn results_workbook(st: &AppState, headers: &HeaderMap, id: &str) -> ApiResult<Vec<u8>> {
    let user = viewer(st, headers).await;
    let p = svc::load_project(st, user.as_ref(), id).await?;
    let mut rows = vec![[
        "轮次",
        "摇号顺序号",
        "选房顺序号",
        "优先选房",
        "申请编号",
        "姓名",
        "身份证号",
        "县（区）",
        "选房状态",
        "所选房源",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect::<Vec<_>>()];
    for r in st.store.allotment().allot_rounds(&p.id).await? {
        for e in st
            .store
            .allotment()
            .allot_entrants(&p.id, r.round_no)
            .await?
        {
            rows.push(vec![
                r.round_no.to_string(),
                e.draw_position.map(|v| v.to_string()).unwrap_or_default(),
                e.call_position.map(|v| v.to_string()).unwrap_or_default(),
                if e.priority {
                    "是".into()
                } else {
                    String::new()
                },
                e.application_id.clone(),
                e.masked_name.clone(),
                e.masked_id.clone(),
                e.district.clone(),
                e.state.zh().to_string(),
                e.home_id.clone().unwrap_or_default(),
            ]);
        }
    }
    sheet(&rows, SheetStyle::Header, &[])
}

async fn results_xlsx(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let bytes = results_workbook(&st, &headers, &id).await?;
    Ok(xlsx_response(bytes, &format!("{id}-results.xlsx")))
}

async fn family_allotment(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let stored = crate::applications::interface::visible_application(&st, &user, &id).await?;
    let entries = st
        .store
        .allotment()
        .allot_family_entries(stored.app.id().as_str())
        .await?;
    Ok(Json(json!({"entries": entries.iter().map(|f| {
        let mut v = svc::entrant_json(&f.entrant);
        v["project_id"] = json!(f.project_id);
        v["project_name"] = json!(f.project_name);
        v["round"] = json!(f.round_no);
        v
    }).collect::<Vec<_>>()})))
}
