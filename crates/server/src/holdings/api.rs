//! `/api/v1/holdings`: held homes over JSON — the register, a home's file,
//! buybacks, yearly campaigns with their department files, reports, cases
//! and the pool. Nothing here is public: it is personal data.

use anju_domain::{Department, Role};
use axum::body::Bytes;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::holdings::service::{
    self as svc, AnswerReport, BuybackRequest, BuybackStepRequest, CampaignRequest,
    CaseStepRequest, RegisterQuery, RentRequest, Rented, ReportRequest, TakeRequest,
};
use crate::web::apidoc::{self, Csrf};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::{Path, Query};
use crate::web::json::parse_json;
use crate::web::sheets::read_body;
use crate::web::AppState;

use super::api_tips::*;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(register))
        .routes(routes!(mine))
        .routes(routes!(home))
        .routes(routes!(apply_buyback))
        .routes(routes!(report))
        .routes(routes!(buyback))
        .routes(routes!(buyback_step))
        .routes(routes!(campaigns, open_campaign))
        .routes(routes!(campaign))
        .routes(routes!(request_file))
        .routes(routes!(answers))
        .routes(routes!(cases))
        .routes(routes!(case_step))
        .routes(routes!(pool))
        .routes(routes!(take))
        .routes(routes!(rent))
        .routes(routes!(tip_submit))
        .routes(routes!(tip_status))
        .routes(routes!(tip_list))
        .routes(routes!(tip_triage))
}

/// A held home in the register.
#[derive(Serialize, ToSchema)]
pub struct HoldingJson {
    project_id: String,
    project_name: String,
    district: String,
    home_id: String,
    floor_area: String,
    price_fen: u64,
    application_id: String,
    contract_no: String,
    signed_on: chrono::NaiveDate,
    certificate_no: String,
    registered_on: chrono::NaiveDate,
    /// Masked: 张*明.
    holder_name: Option<String>,
    /// Masked: 140302********1234.
    holder_id: Option<String>,
    /// `held`, `buyback` or `returned`.
    state: &'static str,
    state_label: &'static str,
}

fn holding_json(h: &anju_store::holdings::HolderRecord) -> HoldingJson {
    HoldingJson {
        project_id: h.project_id.clone(),
        project_name: h.project_name.clone(),
        district: h.district.clone(),
        home_id: h.home.id.as_str().to_string(),
        floor_area: h.home.floor_area.to_string(),
        price_fen: h.price.fen(),
        application_id: h.application_id.clone(),
        contract_no: h.contract_no.clone(),
        signed_on: h.signed_on,
        certificate_no: h.certificate_no.clone(),
        registered_on: h.registered_on,
        holder_name: h.masked_name.clone(),
        holder_id: h.masked_id.clone(),
        state: h.state.code(),
        state_label: h.state.zh(),
    }
}

/// A page of the register.
#[derive(Serialize, ToSchema)]
pub struct RegisterJson {
    total: u64,
    homes: Vec<HoldingJson>,
    /// The `after` cursor of the next page, when there is one.
    next_after: Option<String>,
}

/// 持有人登记簿（实施主体、市住建、县区住建本县区、审计）the holder register.
#[utoipa::path(
    get,
    path = "/api/v1/holdings",
    tag = "holdings",
    params(RegisterQuery),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "district_bureau", "auditor"]))),
    responses(
        (status = 200, description = "one page of the register", body = RegisterJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn register(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<RegisterQuery>,
) -> ApiResult<Json<RegisterJson>> {
    const PAGE: u32 = 100;
    let (rows, total) = svc::register(&st, &user, &q, PAGE).await?;
    let next_after = (rows.len() == PAGE as usize)
        .then(|| {
            rows.last()
                .map(|h| format!("{}/{}", h.project_id, h.home.id.as_str()))
        })
        .flatten();
    Ok(Json(RegisterJson {
        total,
        homes: rows.iter().map(holding_json).collect(),
        next_after,
    }))
}

/// The homes a family holds.
#[derive(Serialize, ToSchema)]
pub struct MineJson {
    homes: Vec<HoldingJson>,
}

/// 本家庭持有的保障性住房（申请家庭）the family's own homes.
#[utoipa::path(
    get,
    path = "/api/v1/holdings/mine",
    tag = "holdings",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant"]))),
    responses(
        (status = 200, description = "the family's homes", body = MineJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn mine(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<MineJson>> {
    let homes = svc::my_homes(&st, &user).await?;
    Ok(Json(MineJson {
        homes: homes.iter().map(holding_json).collect(),
    }))
}

/// A buyback as JSON.
#[derive(Serialize, ToSchema)]
pub struct BuybackJson {
    id: String,
    project_id: String,
    home_id: String,
    application_id: String,
    case: &'static str,
    case_label: &'static str,
    /// The case's article in this city's document.
    citation: Option<String>,
    status: &'static str,
    status_label: &'static str,
    applied_on: chrono::NaiveDate,
    /// The last day to leave the home (阳泉 第二十条: 30 days).
    exit_by: Option<chrono::NaiveDate>,
    reason: String,
    /// The price with every term and its article, once appraised.
    #[schema(value_type = Option<Object>)]
    price: Option<serde_json::Value>,
    vacated_on: Option<chrono::NaiveDate>,
    paid_on: Option<chrono::NaiveDate>,
    title_returned_on: Option<chrono::NaiveDate>,
    case_id: Option<String>,
}

fn buyback_json(st: &AppState, b: &anju_store::holdings::BuybackRecord) -> BuybackJson {
    BuybackJson {
        id: b.id.clone(),
        project_id: b.project_id.clone(),
        home_id: b.home_id.clone(),
        application_id: b.application_id.clone(),
        case: b.case.code(),
        case_label: b.case.zh(),
        citation: b.case.cite(svc::regime(st)).map(|c| c.short()),
        status: b.status.code(),
        status_label: b.status.zh(),
        applied_on: b.applied_on,
        exit_by: b.exit_by,
        reason: b.reason.clone(),
        price: svc::price_of(b),
        vacated_on: b.vacated_on,
        paid_on: b.paid_on,
        title_returned_on: b.title_returned_on,
        case_id: b.case_id.clone(),
    }
}

/// A case as JSON.
#[derive(Serialize, ToSchema)]
pub struct CaseJson {
    id: String,
    project_id: String,
    home_id: String,
    flag: &'static str,
    flag_label: &'static str,
    citation: String,
    status: &'static str,
    status_label: &'static str,
    deadline: Option<chrono::NaiveDate>,
    buyback_id: Option<String>,
    opened_at: String,
}

fn case_json(st: &AppState, c: &anju_store::holdings::CaseRecord) -> CaseJson {
    CaseJson {
        id: c.id.clone(),
        project_id: c.project_id.clone(),
        home_id: c.home_id.clone(),
        flag: c.flag.code(),
        flag_label: c.flag.zh(),
        citation: c.flag.cite(svc::regime(st)).short(),
        status: c.status.code(),
        status_label: c.status.zh(),
        deadline: c.deadline,
        buyback_id: c.buyback_id.clone(),
        opened_at: c.opened_at.clone(),
    }
}

/// A finding with its evidence.
#[derive(Serialize, ToSchema)]
pub struct FindingJson {
    finding: &'static str,
    label: &'static str,
    source: String,
    evidence: String,
    recorded_at: String,
}

/// A held home's file.
#[derive(Serialize, ToSchema)]
pub struct HomeFileJson {
    home: HoldingJson,
    /// The title's annotation (阳泉 第十八条), kept through a buyback.
    annotation: String,
    /// Recorded dealings: (dealing, date).
    dealings: Vec<(String, chrono::NaiveDate)>,
    findings: Vec<FindingJson>,
    cases: Vec<CaseJson>,
    buybacks: Vec<BuybackJson>,
}

/// 持有房屋档案：产权、合同、核查发现、案件、回购 a held home's file (staff; the family sees its own without findings and cases).
#[utoipa::path(
    get,
    path = "/api/v1/holdings/homes/{project}/{home}",
    tag = "holdings",
    params(("project" = String, Path, description = "project id"), ("home" = String, Path, description = "home id, e.g. 1-1-301")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "company", "city_bureau", "district_bureau", "auditor"]))),
    responses(
        (status = 200, description = "the home's file", body = HomeFileJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn home(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((project, home)): Path<(String, String)>,
) -> ApiResult<Json<HomeFileJson>> {
    let f = svc::home_file(&st, &user, &project, &home).await?;
    Ok(Json(HomeFileJson {
        home: holding_json(&f.holder),
        annotation: f.holder.annotation.clone(),
        dealings: f.dealings.clone(),
        findings: f
            .findings
            .iter()
            .map(|x| FindingJson {
                finding: x.finding.code(),
                label: x.finding.zh(),
                source: x.source.clone(),
                evidence: x.evidence.clone(),
                recorded_at: x.recorded_at.clone(),
            })
            .collect(),
        cases: f.cases.iter().map(|c| case_json(&st, c)).collect(),
        buybacks: f.buybacks.iter().map(|b| buyback_json(&st, b)).collect(),
    }))
}

/// 申请回购（申请家庭本户房屋；实施主体）apply for a buyback.
#[utoipa::path(
    post,
    path = "/api/v1/holdings/homes/{project}/{home}/buybacks",
    tag = "holdings",
    params(("project" = String, Path, description = "project id"), ("home" = String, Path, description = "home id"), Csrf),
    request_body = BuybackRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "company"]))),
    responses(
        (status = 201, description = "the buyback", body = BuybackJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn apply_buyback(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((project, home)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Response> {
    svc::require(&user, &[Role::Applicant, Role::Company], "申请回购")?;
    let req: BuybackRequest = parse_json(&body)?;
    let b = svc::apply_buyback(&st, &user, &project, &home, req).await?;
    Ok((axum::http::StatusCode::CREATED, Json(buyback_json(&st, &b))).into_response())
}

/// `{"cases_opened": n}`.
#[derive(Serialize, ToSchema)]
pub struct Reported {
    cases_opened: u64,
}

/// 登记违规使用线索（闲置、出租、出借、骗购）及证据 report misuse with evidence (staff).
#[utoipa::path(
    post,
    path = "/api/v1/holdings/homes/{project}/{home}/reports",
    tag = "holdings",
    params(("project" = String, Path, description = "project id"), ("home" = String, Path, description = "home id"), Csrf),
    request_body = ReportRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["community", "street", "district_bureau", "city_bureau", "company"]))),
    responses(
        (status = 200, description = "recorded", body = Reported),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn report(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((project, home)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<Reported>> {
    svc::require(
        &user,
        &[
            Role::Community,
            Role::Street,
            Role::DistrictBureau,
            Role::CityBureau,
            Role::Company,
        ],
        "登记违规使用线索",
    )?;
    let req: ReportRequest = parse_json(&body)?;
    let n = svc::report(&st, &user, &project, &home, req).await?;
    Ok(Json(Reported { cases_opened: n }))
}

/// A buyback with its steps.
#[derive(Serialize, ToSchema)]
pub struct BuybackFileJson {
    buyback: BuybackJson,
    steps: Vec<StepJson>,
}

/// A recorded step.
#[derive(Serialize, ToSchema)]
pub struct StepJson {
    step: String,
    note: String,
    by: String,
    on: chrono::NaiveDate,
    at: String,
}

/// 回购详情与办理记录 a buyback and its steps.
#[utoipa::path(
    get,
    path = "/api/v1/holdings/buybacks/{id}",
    tag = "holdings",
    params(("id" = String, Path, description = "buyback id")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "company", "city_bureau", "district_bureau", "auditor"]))),
    responses(
        (status = 200, description = "the buyback", body = BuybackFileJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn buyback(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<BuybackFileJson>> {
    let b = svc::load_buyback(&st, &user, &id).await?;
    let steps = svc::steps(&st, &id).await?;
    Ok(Json(BuybackFileJson {
        buyback: buyback_json(&st, &b),
        steps: steps
            .into_iter()
            .map(|s| StepJson {
                step: s.step,
                note: s.note,
                by: s.actor,
                on: s.on_date,
                at: s.at,
            })
            .collect(),
    }))
}

/// 回购办理步骤：市住建认定、评估、腾退、付款、产权转回、停止、撤回 a buyback step.
#[utoipa::path(
    post,
    path = "/api/v1/holdings/buybacks/{id}/steps",
    tag = "holdings",
    params(("id" = String, Path, description = "buyback id"), Csrf),
    request_body = BuybackStepRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "company", "city_bureau"]))),
    responses(
        (status = 200, description = "the buyback after the step", body = BuybackJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn buyback_step(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<BuybackJson>> {
    svc::require(
        &user,
        &[Role::Applicant, Role::Company, Role::CityBureau],
        "办理回购步骤",
    )?;
    let req: BuybackStepRequest = parse_json(&body)?;
    let b = svc::buyback_step(&st, &user, &id, req).await?;
    Ok(Json(buyback_json(&st, &b)))
}

/// A campaign with its progress.
#[derive(Serialize, ToSchema)]
pub struct CampaignJson {
    id: String,
    year: i32,
    district: String,
    due_on: chrono::NaiveDate,
    total: u64,
    pending: u64,
    clear: u64,
    flagged: u64,
    /// Whether the due date has passed with homes still pending.
    overdue: bool,
}

fn campaign_json(st: &AppState, c: &anju_store::holdings::CampaignRecord) -> CampaignJson {
    CampaignJson {
        id: c.id.clone(),
        year: c.year,
        district: c.district.clone(),
        due_on: c.due_on,
        total: c.total,
        pending: c.pending,
        clear: c.clear,
        flagged: c.flagged,
        overdue: c.pending > 0 && st.clock.today() > c.due_on,
    }
}

/// Campaigns.
#[derive(Serialize, ToSchema)]
pub struct CampaignList {
    campaigns: Vec<CampaignJson>,
}

/// 年度核查列表及进度 yearly campaigns and their progress.
#[utoipa::path(
    get,
    path = "/api/v1/holdings/campaigns",
    tag = "holdings",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "district_bureau", "auditor", "verifier:public_security", "verifier:civil_affairs", "verifier:natural_resources"]))),
    responses(
        (status = 200, description = "campaigns", body = CampaignList),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn campaigns(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<CampaignList>> {
    let cs = svc::campaigns(&st, &user).await?;
    Ok(Json(CampaignList {
        campaigns: cs.iter().map(|c| campaign_json(&st, c)).collect(),
    }))
}

/// 开启某县区某年度的核查（实施主体）open a district's yearly campaign (company).
#[utoipa::path(
    post,
    path = "/api/v1/holdings/campaigns",
    tag = "holdings",
    params(Csrf),
    request_body = CampaignRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 201, description = "the campaign", body = CampaignJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 409, response = apidoc::Conflict),
    )
)]
async fn open_campaign(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Response> {
    svc::require(&user, &[Role::Company], "开启年度核查")?;
    let req: CampaignRequest = parse_json(&body)?;
    let c = svc::open_campaign(&st, &user, req).await?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(campaign_json(&st, &c)),
    )
        .into_response())
}

/// 年度核查进度 a campaign's progress.
#[utoipa::path(
    get,
    path = "/api/v1/holdings/campaigns/{id}",
    tag = "holdings",
    params(("id" = String, Path, description = "campaign id, e.g. RV-2026-140302")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "district_bureau", "auditor", "verifier:public_security", "verifier:civil_affairs", "verifier:natural_resources"]))),
    responses(
        (status = 200, description = "the campaign", body = CampaignJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn campaign(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<CampaignJson>> {
    let c = svc::campaign(&st, &user, &id).await?;
    Ok(Json(campaign_json(&st, &c)))
}

fn department(code: &str) -> ApiResult<Department> {
    Department::from_code(code).ok_or_else(|| ApiError::not_found("部门 (department)"))
}

/// 部门核查请求文件（CSV，含持有家庭成员身份证号，导出留痕）a department's request file.
#[utoipa::path(
    get,
    path = "/api/v1/holdings/campaigns/{id}/requests/{department}",
    tag = "holdings",
    params(("id" = String, Path, description = "campaign id"), ("department" = String, Path, description = "public_security, civil_affairs or natural_resources")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["verifier:{department}", "company"]))),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn request_file(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, dept)): Path<(String, String)>,
) -> ApiResult<Response> {
    let d = department(&dept)?;
    let file = svc::request_file(&st, &user, &id, d).await?;
    Ok(svc::request_response(
        file,
        &format!("{id}-{}.csv", d.code()),
    ))
}

/// 导入部门核查结果（逐行报错，不丢行）import a department's answers, with row-level errors.
#[utoipa::path(
    post,
    path = "/api/v1/holdings/campaigns/{id}/answers/{department}",
    tag = "holdings",
    params(("id" = String, Path, description = "campaign id"), ("department" = String, Path, description = "public_security, civil_affairs or natural_resources"), Csrf),
    request_body(content = String, content_type = "text/csv", description = "the request file with its answer columns filled"),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["verifier:{department}", "company"]))),
    responses(
        (status = 200, description = "what was applied and the rows refused", body = AnswerReport),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn answers(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((id, dept)): Path<(String, String)>,
    body: axum::body::Body,
) -> ApiResult<Json<AnswerReport>> {
    let d = department(&dept)?;
    // The role is checked before the upload is read.
    svc::department_of(&user, d)?;
    let bytes = read_body(body).await?;
    Ok(Json(svc::import_answers(&st, &user, &id, d, &bytes).await?))
}

/// Cases.
#[derive(Serialize, ToSchema)]
pub struct CaseList {
    cases: Vec<CaseJson>,
}

/// 违规使用案件（未结在前）cases on the enforcement ladder.
#[utoipa::path(
    get,
    path = "/api/v1/holdings/cases",
    tag = "holdings",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "district_bureau", "auditor"]))),
    responses(
        (status = 200, description = "cases, newest first", body = CaseList),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn cases(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<CaseList>> {
    let cs = svc::cases(&st, &user, false).await?;
    Ok(Json(CaseList {
        cases: cs.iter().map(|c| case_json(&st, c)).collect(),
    }))
}

/// 案件步骤：责令整改、已整改、启动回购收回、不成立（实施主体）a case step (company).
#[utoipa::path(
    post,
    path = "/api/v1/holdings/cases/{id}/steps",
    tag = "holdings",
    params(("id" = String, Path, description = "case id"), Csrf),
    request_body = CaseStepRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the case after the step", body = CaseJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn case_step(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<CaseJson>> {
    svc::require(&user, &[Role::Company], "办理违规使用案件")?;
    let req: CaseStepRequest = parse_json(&body)?;
    let c = svc::case_step(&st, &user, &id, req).await?;
    Ok(Json(case_json(&st, &c)))
}

/// A home back in the pool.
#[derive(Serialize, ToSchema)]
pub struct PoolHomeJson {
    project_id: String,
    home_id: String,
    district: Option<String>,
    floor_area: Option<String>,
    /// `buyback`.
    source: String,
    buyback_id: String,
    returned_on: chrono::NaiveDate,
    /// `available`, or `taken` by `taken_by`.
    state: String,
    taken_by: Option<String>,
}

/// The pool.
#[derive(Serialize, ToSchema)]
pub struct PoolJson {
    homes: Vec<PoolHomeJson>,
}

/// 回购收回、可再配售或配租的房源 homes back in the company's hands.
#[utoipa::path(
    get,
    path = "/api/v1/holdings/pool",
    tag = "holdings",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "district_bureau", "auditor"]))),
    responses(
        (status = 200, description = "the pool", body = PoolJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn pool(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<PoolJson>> {
    let homes = svc::pool(&st, &user).await?;
    Ok(Json(PoolJson {
        homes: homes
            .into_iter()
            .map(|p| PoolHomeJson {
                floor_area: p.home.as_ref().map(|h| h.floor_area.to_string()),
                project_id: p.project_id,
                home_id: p.home_id,
                district: p.district,
                source: p.source,
                buyback_id: p.buyback_id,
                returned_on: p.returned_on,
                state: p.state,
                taken_by: p.taken_by,
            })
            .collect(),
    }))
}

/// 把回购收回的房源纳入仍可修改的配售项目（实施主体）take a pool home into a project (company).
#[utoipa::path(
    post,
    path = "/api/v1/holdings/pool/{id}/take",
    tag = "holdings",
    params(("id" = String, Path, description = "the buyback the home came from"), Csrf),
    request_body = TakeRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "taken", body = Taken),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
    )
)]
async fn take(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Taken>> {
    svc::require(&user, &[Role::Company], "把回购房源纳入配售项目")?;
    let req: TakeRequest = parse_json(&body)?;
    let project = req.project_id.trim().to_string();
    svc::take_into_project(&st, &user, &id, req).await?;
    Ok(Json(Taken {
        project_id: project,
    }))
}

/// The project that took the home.
#[derive(Serialize, ToSchema)]
pub struct Taken {
    project_id: String,
}

/// 把回购收回的房源转为配租房源（实施主体；仅限有配租规定的城市）move a pool home into the rental programme (company; cities with rental rules only).
#[utoipa::path(
    post,
    path = "/api/v1/holdings/pool/{id}/rent",
    tag = "holdings",
    params(("id" = String, Path, description = "the buyback the home came from"), Csrf),
    request_body = RentRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "registered for rent", body = Rented),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn rent(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Rented>> {
    svc::require(&user, &[Role::Company], "把回购房源转为配租")?;
    let req: RentRequest = parse_json(&body)?;
    Ok(Json(svc::rent_from_pool(&st, &user, &id, req).await?))
}
