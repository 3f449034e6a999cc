//! `/api/v1/projects`: allotment over JSON. Published projects, their
//! commitments, draws and results are public; everything that changes
//! something needs a session (and its `X-CSRF-Token`).

use anju_allotment::HOME_COLUMNS;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::allotment::service::{
    self as svc, CallRequest, DrawCheck, DrawRequest, EntrantJson, Frozen, NewProject, PlanRequest,
    ProjectJson, TitleRequest,
};
use crate::web::apidoc::{self, Binary, Csrf};
use crate::web::auth::{self, CurrentUser};
use crate::web::error::ApiResult;
use crate::web::extract::{Path, Query};
use crate::web::json::parse_json;
use crate::web::sheets::{csv_bytes, csv_response, sheet, xlsx_response, Cell, SheetStyle};
use crate::web::stream::{SheetWriter, PAGE_ROWS};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(detail))
        .routes(routes!(save_plan))
        .routes(routes!(plan_step))
        .routes(routes!(import_homes))
        .routes(routes!(template_csv))
        .routes(routes!(template_xlsx))
        .routes(routes!(open_round))
        .routes(routes!(entrants_file))
        .routes(routes!(entrants_page))
        .routes(routes!(draw))
        .routes(routes!(result_file))
        .routes(routes!(verify))
        .routes(routes!(redraw_request))
        .routes(routes!(redraw_approval))
        .routes(routes!(round_status))
        .routes(routes!(call_next))
        .routes(routes!(selection))
        .routes(routes!(expire_overdue))
        .routes(routes!(title))
        .routes(routes!(dealing))
        .routes(routes!(results_xlsx))
        .routes(routes!(family_allotment))
}

async fn viewer(st: &AppState, headers: &HeaderMap) -> Option<CurrentUser> {
    auth::current_user(st, headers).await.ok().flatten()
}

/// A project in the list.
#[derive(Serialize, ToSchema)]
pub struct ProjectItem<'a> {
    id: &'a str,
    name: &'a str,
    district: &'a str,
    plan_status: anju_allotment::PlanStatus,
    plan_status_label: &'static str,
    #[schema(required = true)]
    published_at: Option<&'a str>,
}

#[derive(Serialize, ToSchema)]
pub struct ProjectList<'a> {
    projects: Vec<ProjectItem<'a>>,
}

/// 配售项目（公众只见已公布的）projects (the public sees published ones; staff also drafts).
#[utoipa::path(
    get,
    path = "/api/v1/projects",
    tag = "allotment",
    responses((status = 200, description = "projects", body = ProjectList))
)]
async fn list(State(st): State<AppState>, headers: HeaderMap) -> ApiResult<Response> {
    let user = viewer(&st, &headers).await;
    let ps = svc::list_projects(&st, user.as_ref()).await?;
    Ok(Json(ProjectList {
        projects: ps
            .iter()
            .map(|p| ProjectItem {
                id: &p.id,
                name: &p.name,
                district: &p.district,
                plan_status: p.plan_status,
                plan_status_label: p.plan_status.zh(),
                published_at: p.published_at.as_deref(),
            })
            .collect(),
    })
    .into_response())
}

/// 新建项目（实施主体）create a project (company).
#[utoipa::path(
    post,
    path = "/api/v1/projects",
    tag = "allotment",
    params(Csrf),
    request_body = NewProject,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 201, description = "the project", body = ProjectJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 409, response = apidoc::Conflict),
    )
)]
async fn create(State(st): State<AppState>, user: CurrentUser, body: Bytes) -> ApiResult<Response> {
    let req: NewProject = parse_json(&body)?;
    let p = svc::create_project(&st, &user, req).await?;
    let v = svc::project_json(&st, &p, false).await?;
    Ok((axum::http::StatusCode::CREATED, Json(v)).into_response())
}

/// 项目、配售方案、价格核定、房源、轮次、承诺值、摇号与脱敏结果 a project: plan, price check, homes, rounds, commitments, draws, masked entrants.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{id}",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01")),
    responses(
        (status = 200, description = "the project", body = ProjectJson),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn detail(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Json<ProjectJson>> {
    let user = viewer(&st, &headers).await;
    let p = svc::load_project(&st, user.as_ref(), &id).await?;
    Ok(Json(svc::project_json(&st, &p, true).await?))
}

/// 编制配售方案（第十五条，实施主体）write the plan (company).
#[utoipa::path(
    put,
    path = "/api/v1/projects/{id}/plan",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), Csrf),
    request_body = PlanRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the project", body = ProjectJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn save_plan(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<ProjectJson>> {
    let req: PlanRequest = parse_json(&body)?;
    let p = svc::save_plan(&st, &user, &id, req).await?;
    Ok(Json(svc::project_json(&st, &p, false).await?))
}

/// A step in the plan's approval.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct StepBody {
    /// `submit` and `publish` (company), `approve` and `return` (city bureau).
    #[schema(pattern = "^(submit|approve|return|publish)$", example = "submit")]
    step: String,
    /// Why it is returned (`return`).
    #[serde(default)]
    reason: String,
    /// The project's version the caller saw.
    version: i64,
}

/// 报批/批准/退回/公布 submit (company), approve or return (city bureau), publish (company).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/plan/steps",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), Csrf),
    request_body = StepBody,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau"]))),
    responses(
        (status = 200, description = "the project", body = ProjectJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn plan_step(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<ProjectJson>> {
    let b: StepBody = parse_json(&body)?;
    let step = svc::plan_step_of(&b.step, &b.reason)?;
    let p = svc::plan_step(&st, &user, &id, step, b.version).await?;
    Ok(Json(svc::project_json(&st, &p, false).await?))
}

/// What a homes import read.
#[derive(Serialize, ToSchema)]
pub struct HomesImport {
    rows: usize,
    homes_saved: usize,
    errors: Vec<anju_allotment::RowError>,
}

/// 导入房源（CSV 或 XLSX，逐行报错）import homes with row-level errors (company).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/homes",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), Csrf),
    request_body(content(
        (String = "text/csv"),
        (Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "rows read, homes saved, row errors", body = HomesImport),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 413, response = apidoc::TooLarge),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn import_homes(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: axum::body::Body,
) -> ApiResult<Json<HomesImport>> {
    // The role first: nobody else makes the server read an upload.
    svc::may_import_homes(&user)?;
    let body = crate::web::sheets::read_body(body).await?;
    let rows = crate::web::sheets::upload_rows(&body)?;
    let f = svc::import_homes(&st, &user, &id, &rows).await?;
    Ok(Json(HomesImport {
        rows: f.rows,
        homes_saved: f.homes.len(),
        errors: f.errors,
    }))
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

/// 房源表模板 the homes template (public).
#[utoipa::path(
    get,
    path = "/api/v1/projects/homes-template.csv",
    tag = "allotment",
    responses((status = 200, description = "CSV", content_type = "text/csv", body = String))
)]
async fn template_csv() -> ApiResult<Response> {
    Ok(csv_response(
        csv_bytes(template_rows())?,
        "homes-template.csv",
    ))
}

/// 房源表模板（Excel）the homes template as XLSX (public).
#[utoipa::path(
    get,
    path = "/api/v1/projects/homes-template.xlsx",
    tag = "allotment",
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary))
)]
async fn template_xlsx() -> ApiResult<Response> {
    Ok(xlsx_response(
        sheet(&template_rows(), SheetStyle::Header, &[])?,
        "homes-template.xlsx",
    ))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct RoundBody {
    #[schema(minimum = 1, maximum = 3)]
    round: u8,
}

/// 开启轮次并冻结名单、公布承诺值（第十六条）open a round: freeze the entrants, publish the commitment (company).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/rounds",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), Csrf),
    request_body = RoundBody,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the frozen round", body = Frozen),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn open_round(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Frozen>> {
    let b: RoundBody = parse_json(&body)?;
    Ok(Json(svc::open_round(&st, &user, &id, b.round).await?))
}

/// Which page of a round's entrants.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct EntrantsQuery {
    /// Position of the first entrant (call position once drawn), from 1.
    #[serde(default = "one")]
    #[param(minimum = 1)]
    from: u32,
    /// Entrants per page (at most 500).
    #[serde(default = "hundred")]
    #[param(minimum = 1, maximum = 500)]
    limit: u32,
}

fn one() -> u32 {
    1
}

fn hundred() -> u32 {
    100
}

/// 本轮参加家庭（脱敏，分页）a round's entrants, masked, a page at a time in calling order.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{id}/rounds/{round}/entrants",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("round" = u8, Path, minimum = 1, maximum = 3, description = "round number"), EntrantsQuery),
    responses(
        (status = 200, description = "a page of entrants", body = svc::EntrantsPage),
        (status = 400, response = apidoc::BadRequest),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn entrants_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, round)): Path<(String, u8)>,
    Query(q): Query<EntrantsQuery>,
) -> ApiResult<Json<svc::EntrantsPage>> {
    let r = svc::round_seen_by(&st, viewer(&st, &headers).await.as_ref(), &id, round).await?;
    Ok(Json(svc::entrants_page(&st, &r, q.from, q.limit).await?))
}

/// 冻结的入围名单（承诺值即其 SHA-256）the frozen entrant file (its SHA-256 is the commitment).
#[utoipa::path(
    get,
    path = "/api/v1/projects/{id}/rounds/{round}/entrants.csv",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("round" = u8, Path, minimum = 1, maximum = 3, description = "round number")),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 400, response = apidoc::BadRequest),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn entrants_file(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, round)): Path<(String, u8)>,
) -> ApiResult<Response> {
    let parts =
        svc::entrant_file_seen_by(&st, viewer(&st, &headers).await.as_ref(), &id, round).await?;
    Ok(crate::web::stream::bytes_download(
        parts,
        crate::web::stream::CSV_TYPE,
        &format!("{id}-round{round}-entrants.csv"),
    ))
}

/// The draw's number.
#[derive(Serialize, ToSchema)]
pub struct DrawNo {
    draw_no: u32,
}

/// 摇号（公证员录入随机值）draw with the notary's reveal (company).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/rounds/{round}/draws",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("round" = u8, Path, minimum = 1, maximum = 3, description = "round number"), Csrf),
    request_body = DrawRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the draw's number", body = DrawNo),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn draw(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
    body: Bytes,
) -> ApiResult<Json<DrawNo>> {
    let req: DrawRequest = parse_json(&body)?;
    let n = svc::draw(&st, &user, &id, round, req).await?;
    Ok(Json(DrawNo { draw_no: n }))
}

/// 摇号结果文件 the draw's result file.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{id}/rounds/{round}/draws/{draw}/result.csv",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("round" = u8, Path, minimum = 1, maximum = 3, description = "round number"), ("draw" = u32, Path, minimum = 1, description = "draw number (a re-draw is the next)")),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 400, response = apidoc::BadRequest),
        (status = 404, response = apidoc::NotFound),
    )
)]
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

/// 按公布文件重新计算核对 re-run the published draw from the published files, as anyone can.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{id}/rounds/{round}/draws/{draw}/verify",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("round" = u8, Path, minimum = 1, maximum = 3, description = "round number"), ("draw" = u32, Path, minimum = 1, description = "draw number (a re-draw is the next)"), CommitmentQuery),
    responses(
        (status = 200, description = "verified, with the message", body = DrawCheck),
        (status = 400, response = apidoc::BadRequest),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn verify(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, round, n)): Path<(String, u8, u32)>,
    Query(q): Query<CommitmentQuery>,
) -> ApiResult<Json<DrawCheck>> {
    let user = viewer(&st, &headers).await;
    let published = q.commitment.as_deref();
    Ok(Json(
        svc::check_draw(&st, user.as_ref(), &id, round, n, published).await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CommitmentQuery {
    /// 摇号前公布的承诺值: the commitment published before the draw (64 hex
    /// digits); the entrant file must be the one it committed to.
    commitment: Option<String>,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct ReasonBody {
    /// The written reason.
    reason: String,
}

/// `{"ok": true}`.
#[derive(Serialize, ToSchema)]
pub struct Done {
    ok: bool,
}

const DONE: Done = Done { ok: true };

/// 申请重新摇号（须书面理由）request a re-draw with a written reason (company).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/rounds/{round}/redraw-request",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("round" = u8, Path, minimum = 1, maximum = 3, description = "round number"), Csrf),
    request_body = ReasonBody,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "requested", body = Done),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn redraw_request(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
    body: Bytes,
) -> ApiResult<Json<Done>> {
    let b: ReasonBody = parse_json(&body)?;
    svc::request_redraw(&st, &user, &id, round, &b.reason).await?;
    Ok(Json(DONE))
}

/// 第二人批准重新摇号 approve a re-draw: a second person (city bureau, or a company officer other than the requester); the body is ignored.
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/rounds/{round}/redraw-approval",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("round" = u8, Path, minimum = 1, maximum = 3, description = "round number"), Csrf),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["city_bureau", "company"]))),
    responses(
        (status = 200, description = "approved", body = Done),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn redraw_approval(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
) -> ApiResult<Json<Done>> {
    svc::approve_redraw(&st, &user, &id, round).await?;
    Ok(Json(DONE))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct StatusBody {
    /// `selecting` (start selection) or `closed` (close the round).
    #[schema(pattern = "^(selecting|closed)$", example = "selecting")]
    to: String,
}

/// 开始选房 / 结束本轮 start selection or close the round (company).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/rounds/{round}/status",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("round" = u8, Path, minimum = 1, maximum = 3, description = "round number"), Csrf),
    request_body = StatusBody,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "done", body = Done),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn round_status(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
    body: Bytes,
) -> ApiResult<Json<Done>> {
    let b: StatusBody = parse_json(&body)?;
    svc::set_round(&st, &user, &id, round, svc::round_target(&b.to)?).await?;
    Ok(Json(DONE))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct CallBody {
    /// How many families to call.
    count: u32,
}

/// The families called.
#[derive(Serialize, ToSchema)]
pub struct Called {
    /// Their application ids, in calling order.
    called: Vec<String>,
}

/// 按顺序叫号 call the next families (company).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/rounds/{round}/calls",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("round" = u8, Path, minimum = 1, maximum = 3, description = "round number"), Csrf),
    request_body = CallBody,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the families called", body = Called),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn call_next(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
    body: Bytes,
) -> ApiResult<Json<Called>> {
    let b: CallBody = parse_json(&body)?;
    let called = svc::call_next(&st, &user, &id, round, b.count).await?;
    Ok(Json(Called { called }))
}

/// Where the family's call stands after the step.
#[derive(Serialize, ToSchema)]
pub struct CallStateJson {
    state: &'static str,
    state_label: &'static str,
}

/// 选房、未到场、放弃本轮、弃购、签约 choose, absent, decline, give up, sign (the family for itself, or the company).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/rounds/{round}/selection",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("round" = u8, Path, minimum = 1, maximum = 3, description = "round number"), Csrf),
    request_body = CallRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "company"]))),
    responses(
        (status = 200, description = "the call's state", body = CallStateJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn selection(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, round)): Path<(String, u8)>,
    body: Bytes,
) -> ApiResult<Json<CallStateJson>> {
    let req: CallRequest = parse_json(&body)?;
    let state = svc::call_step(&st, &user, &id, round, req).await?;
    Ok(Json(CallStateJson {
        state: state.code(),
        state_label: state.zh(),
    }))
}

/// How many unsigned choices expired.
#[derive(Serialize, ToSchema)]
pub struct Expired {
    abandonments: usize,
}

/// 逾期未签约视为放弃（按配售方案的签约期限）expire choices not signed in time (company); the body is ignored.
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/expire-overdue",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), Csrf),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "abandonments recorded", body = Expired),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn expire_overdue(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Expired>> {
    let n = svc::expire_overdue(&st, &user, &id).await?;
    Ok(Json(Expired { abandonments: n }))
}

/// The registered title.
#[derive(Serialize, ToSchema)]
pub struct TitleJson {
    certificate_no: String,
    registered_on: chrono::NaiveDate,
    /// Article 18's text, always.
    annotation: String,
}

/// 登记不动产权证（附记第十八条原文）register the title (company).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/homes/{home}/title",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("home" = String, Path, description = "building-unit-number, e.g. 1-1-301"), Csrf),
    request_body = TitleRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the title", body = TitleJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn title(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, home)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<TitleJson>> {
    let req: TitleRequest = parse_json(&body)?;
    let t = svc::register_title(&st, &user, &id, &home, req).await?;
    Ok(Json(TitleJson {
        certificate_no: t.certificate_no,
        registered_on: t.registered_on,
        annotation: t.annotation,
    }))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
struct DealingBody {
    /// `sale`, `lease`, `gift`, `purchase_loan_mortgage` or `other_mortgage`.
    #[schema(example = "purchase_loan_mortgage")]
    dealing: String,
}

/// `{"recorded": true}`.
#[derive(Serialize, ToSchema)]
pub struct Recorded {
    recorded: bool,
}

/// 登记交易/出租/赠与/抵押（除购房按揭外均拒绝）record a dealing: only the purchase-loan mortgage is allowed (company, city bureau).
#[utoipa::path(
    post,
    path = "/api/v1/projects/{id}/homes/{home}/dealings",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01"), ("home" = String, Path, description = "building-unit-number, e.g. 1-1-301"), Csrf),
    request_body = DealingBody,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["city_bureau", "company"]))),
    responses(
        (status = 200, description = "recorded", body = Recorded),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn dealing(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, home)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Recorded>> {
    let b: DealingBody = parse_json(&body)?;
    svc::dealing(&st, &user, &id, &home, &b.dealing).await?;
    Ok(Json(Recorded { recorded: true }))
}

/// Results as XLSX: every round's current draw with masked identities, in
/// calling order, read a window of entrants at a time and written to the
/// download as it goes (a city-wide round is 10⁵ rows; issue 11 item 5).
pub async fn results_workbook(st: &AppState, headers: &HeaderMap, id: &str) -> ApiResult<Response> {
    let user = viewer(st, headers).await;
    let p = svc::load_project(st, user.as_ref(), id).await?;
    let mut w = SheetWriter::table(
        "摇号与选房结果",
        &[
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
        ],
        &[(4, 24.0), (6, 22.0)],
        false,
    )?;
    for r in st.store.allotment().allot_rounds(&p.id).await? {
        let drawn = r.status != anju_allotment::RoundStatus::Frozen;
        let mut from = 1;
        loop {
            let page = st
                .store
                .allotment()
                .allot_entrants_window(&p.id, r.round_no, drawn, from, PAGE_ROWS)
                .await?;
            let full = page.len() == PAGE_ROWS as usize;
            from += PAGE_ROWS;
            let num = |v: Option<u32>| {
                v.map_or(Cell::Text(String::new()), |v| Cell::Number(f64::from(v)))
            };
            let rows = page
                .into_iter()
                .map(|e| {
                    vec![
                        Cell::Number(f64::from(r.round_no)),
                        num(e.draw_position),
                        num(e.call_position),
                        Cell::Text(if e.priority {
                            "是".into()
                        } else {
                            String::new()
                        }),
                        Cell::Text(e.application_id),
                        Cell::Text(e.masked_name),
                        Cell::Text(e.masked_id),
                        Cell::Text(e.district),
                        Cell::Text(e.state.zh().to_string()),
                        Cell::Text(e.home_id.unwrap_or_default()),
                    ]
                })
                .collect();
            w = w.write_page(rows).await?;
            if !full {
                break;
            }
        }
    }
    w.into_response(&format!("{id}-results.xlsx")).await
}

/// 摇号与选房结果（脱敏）results, masked.
#[utoipa::path(
    get,
    path = "/api/v1/projects/{id}/results.xlsx",
    tag = "allotment",
    params(("id" = String, Path, description = "project id, e.g. YQ-2026-01")),
    responses(
        (status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn results_xlsx(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    results_workbook(&st, &headers, &id).await
}

/// One round the family entered.
#[derive(Serialize, ToSchema)]
pub struct FamilyEntryJson {
    #[serde(flatten)]
    entrant: EntrantJson,
    project_id: String,
    project_name: String,
    round: u8,
}

#[derive(Serialize, ToSchema)]
pub struct FamilyEntries {
    entries: Vec<FamilyEntryJson>,
}

/// 本申请的配售进展 this application's rounds, positions and choices.
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}/allotment",
    tag = "allotment",
    params(("id" = String, Path, description = "application id")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["*"]))),
    responses(
        (status = 200, description = "the rounds entered", body = FamilyEntries),
        (status = 401, response = apidoc::Unauthorized),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn family_allotment(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<FamilyEntries>> {
    let stored = crate::applications::interface::visible_application(&st, &user, &id).await?;
    let entries = st
        .store
        .allotment()
        .allot_family_entries(stored.app.id().as_str())
        .await?;
    Ok(Json(FamilyEntries {
        entries: entries
            .iter()
            .map(|f| FamilyEntryJson {
                entrant: svc::entrant_json(&f.entrant),
                project_id: f.project_id.clone(),
                project_name: f.project_name.clone(),
                round: f.round_no,
            })
            .collect(),
    }))
}
