//! `/api/v1/acquisition/…`: acquisition of existing homes over JSON. The
//! implementing company works; the city bureau registers companies and
//! approves plans; auditors read. Every change needs a session and its
//! `X-CSRF-Token`.

use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::acquisition::service::{self as svc, *};
use crate::web::apidoc::{self, Binary, Csrf};
use crate::web::auth::CurrentUser;
use crate::web::error::ApiResult;
use crate::web::extract::Path;
use crate::web::json::parse_json;
use crate::web::sheets::{csv_bytes, csv_response, sheet, xlsx_response, SheetStyle};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(overview))
        .routes(routes!(companies, add_company))
        .routes(routes!(surveys, take_survey))
        .routes(routes!(record_cap))
        .routes(routes!(offers, import_offers))
        .routes(routes!(offers_template))
        .routes(routes!(offers_template_xlsx))
        .routes(routes!(preferences, record_preference))
        .routes(routes!(plans, propose_plan))
        .routes(routes!(edit_plan))
        .routes(routes!(approve_plan))
        .routes(routes!(purchases))
        .routes(routes!(purchase_step))
        .routes(routes!(allot_home))
        .routes(routes!(ledger, ledger_entry))
        .routes(routes!(ledger_xlsx))
}

/// The room at a glance.
#[derive(Debug, Serialize, ToSchema)]
pub struct Overview {
    pub policy: String,
    pub companies: Vec<Company>,
    pub latest_survey: Option<SurveyDoc>,
    pub pool_homes: usize,
    pub pool_eligible: usize,
    pub plans: Vec<PlanSummary>,
    pub purchases: Vec<PurchaseSummary>,
    /// Purchases past their registration deadline.
    pub overdue: Vec<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlanSummary {
    pub id: String,
    pub state: String,
    pub lots: usize,
    pub cost: anju_allotment::Fen,
    pub version: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PurchaseSummary {
    pub id: String,
    pub lot: String,
    pub status: String,
    pub registration_due: Option<chrono::NaiveDate>,
    pub overdue: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PurchaseList {
    pub purchases: Vec<PurchaseDoc>,
    pub overdue: Vec<String>,
}

/// 收购工作概览（公司、最新需求摸排、备选库、计划、收购项目、逾期未登记）the acquisition room at a glance, with the registrations overdue.
#[utoipa::path(
    get,
    path = "/api/v1/acquisition",
    tag = "acquisition",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "overview", body = Overview),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn overview(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<Overview>> {
    svc::may_read(&user)?;
    let today = st.clock.today();
    let offers = svc::offers(&st).await?;
    let purchases = svc::purchases(&st).await?;
    Ok(Json(Overview {
        policy: svc::policy(&st).id,
        companies: svc::companies(&st).await?,
        latest_survey: svc::surveys(&st).await?.pop(),
        pool_homes: offers.len(),
        pool_eligible: offers.iter().filter(|o| o.screening.eligible).count(),
        plans: svc::plans(&st)
            .await?
            .into_iter()
            .map(|(p, version)| PlanSummary {
                lots: p.chosen.iter().filter(|c| **c).count(),
                id: p.id,
                state: p.state,
                cost: p.cost,
                version,
            })
            .collect(),
        overdue: purchases
            .iter()
            .filter(|(p, _)| p.overdue(today))
            .map(|(p, _)| p.id.clone())
            .collect(),
        purchases: purchases
            .into_iter()
            .map(|(p, _)| PurchaseSummary {
                overdue: p.overdue(today),
                id: p.id,
                lot: p.lot,
                status: p.status.key().into(),
                registration_due: p.registration_due,
            })
            .collect(),
    }))
}

/// 收购主体名单 the implementing companies.
#[utoipa::path(
    get,
    path = "/api/v1/acquisition/companies",
    tag = "acquisition",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "companies", body = Vec<Company>),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn companies(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<Company>>> {
    svc::may_read(&user)?;
    Ok(Json(svc::companies(&st).await?))
}

/// 登记收购主体（每市不超过2家，超过即拒绝并注明条文）register an implementing company: at most two per city, refused beyond that with the article.
#[utoipa::path(
    post,
    path = "/api/v1/acquisition/companies",
    tag = "acquisition",
    params(Csrf),
    request_body = Company,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["city_bureau"]))),
    responses(
        (status = 201, description = "registered", body = Company),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn add_company(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<(axum::http::StatusCode, Json<Company>)> {
    svc::may_approve(&user)?;
    let c: Company = parse_json(&body)?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(svc::add_company(&st, &user, &c).await?),
    ))
}

/// 需求摸排（已冻结，按县区、面积段、轮候层级）the frozen demand surveys.
#[utoipa::path(
    get,
    path = "/api/v1/acquisition/surveys",
    tag = "acquisition",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "surveys, oldest first", body = Vec<SurveyDoc>),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn surveys(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<SurveyDoc>>> {
    svc::may_read(&user)?;
    Ok(Json(svc::surveys(&st).await?))
}

/// 冻结今日需求摸排（读取各县区轮候库）freeze today's demand survey from the districts' waitlists.
#[utoipa::path(
    post,
    path = "/api/v1/acquisition/surveys",
    tag = "acquisition",
    params(Csrf),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 201, description = "frozen", body = SurveyDoc),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn take_survey(
    State(st): State<AppState>,
    user: CurrentUser,
) -> ApiResult<(axum::http::StatusCode, Json<SurveyDoc>)> {
    svc::may_work(&user)?;
    Ok((
        axum::http::StatusCode::CREATED,
        Json(svc::take_survey(&st, &user).await?),
    ))
}

/// 登记项目限价依据（划拨土地成本+建安成本+不超过5%利润；配租为市场评估价）record a project's price cap with its evidence.
#[utoipa::path(
    post,
    path = "/api/v1/acquisition/caps",
    tag = "acquisition",
    params(Csrf),
    request_body = CapRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the cap, term by term", body = CapDoc),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn record_cap(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Json<CapDoc>> {
    svc::may_work(&user)?;
    let r: CapRequest = parse_json(&body)?;
    Ok(Json(svc::record_cap(&st, &user, &r).await?))
}

/// 房源备选库（每套房源的筛查结果与依据）the candidate pool, each home's screening with its articles.
#[utoipa::path(
    get,
    path = "/api/v1/acquisition/offers",
    tag = "acquisition",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "offers", body = Vec<OfferDoc>),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn offers(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<OfferDoc>>> {
    svc::may_read(&user)?;
    Ok(Json(svc::offers(&st).await?))
}

/// 导入开发企业报送房源（CSV 或 XLSX，逐行报错，逐套筛查）import developers' offers with row-level errors; each home screened.
#[utoipa::path(
    post,
    path = "/api/v1/acquisition/offers",
    tag = "acquisition",
    params(Csrf),
    request_body(content(
        (String = "text/csv"),
        (Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "saved, eligible, row errors", body = OfferImport),
        (status = 413, response = apidoc::TooLarge),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn import_offers(
    State(st): State<AppState>,
    user: CurrentUser,
    body: axum::body::Body,
) -> ApiResult<Json<OfferImport>> {
    svc::may_work(&user)?;
    let body = crate::web::sheets::read_body(body).await?;
    let rows = crate::web::sheets::upload_rows(&body)?;
    Ok(Json(svc::import_offers(&st, &user, &rows).await?))
}

/// 房源报送模板（CSV）the offers template.
#[utoipa::path(
    get,
    path = "/api/v1/acquisition/offers/template.csv",
    tag = "acquisition",
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
    )
)]
async fn offers_template() -> ApiResult<Response> {
    Ok(csv_response(
        csv_bytes(offers_template_rows())?,
        "acquisition-offers-template.csv",
    ))
}

/// The offers template: the Chinese headers the import expects, then one
/// example row.
pub fn offers_template_rows() -> Vec<Vec<String>> {
    [
        OFFER_COLUMNS.to_vec(),
        vec![
            "桃林苑",
            "3",
            "2",
            "1201",
            "140302",
            "12",
            "89.50",
            "三室两厅",
            "是",
            "清晰",
            "420000",
            "配售",
            "是",
        ],
    ]
    .iter()
    .map(|r| r.iter().map(|c| c.to_string()).collect())
    .collect()
}

/// 房源报送模板（Excel，表头为导入所需的中文列名）the offers template as XLSX.
#[utoipa::path(
    get,
    path = "/api/v1/acquisition/offers/template.xlsx",
    tag = "acquisition",
    responses(
        (status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary),
    )
)]
async fn offers_template_xlsx() -> ApiResult<Response> {
    // Every cell text: district codes and home numbers must not become
    // numbers in Excel.
    Ok(xlsx_response(
        sheet(
            &offers_template_rows(),
            SheetStyle::AllText,
            &[
                (0, 14.0),
                (6, 14.0),
                (8, 20.0),
                (9, 24.0),
                (11, 16.0),
                (12, 22.0),
            ],
        )?,
        "acquisition-offers-template.xlsx",
    ))
}

/// 轮候家庭登记的面积、户型、区位偏好（下一次需求摸排按此计入）the stated preferences the next survey counts.
#[utoipa::path(
    get,
    path = "/api/v1/acquisition/preferences",
    tag = "acquisition",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "preferences, one per application", body = Vec<PreferenceDoc>),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn preferences(
    State(st): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<PreferenceDoc>>> {
    svc::may_read(&user)?;
    Ok(Json(svc::preferences(&st).await?))
}

/// 登记轮候家庭的面积、户型、区位偏好（同一申请以新替旧）record a waiting family's stated preference.
#[utoipa::path(
    post,
    path = "/api/v1/acquisition/preferences",
    tag = "acquisition",
    params(Csrf),
    request_body = PreferenceRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "recorded (replacing an earlier one)", body = PreferenceDoc),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn record_preference(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Json<PreferenceDoc>> {
    svc::may_work(&user)?;
    let r: PreferenceRequest = parse_json(&body)?;
    Ok(Json(svc::record_preference(&st, &user, &r).await?))
}

/// 年度收购计划（含逐栋/单元说明）the annual purchase plans, each lot explained.
#[utoipa::path(
    get,
    path = "/api/v1/acquisition/plans",
    tag = "acquisition",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "plans", body = Vec<PlanDoc>),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn plans(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<PlanDoc>>> {
    svc::may_read(&user)?;
    Ok(Json(
        svc::plans(&st).await?.into_iter().map(|(p, _)| p).collect(),
    ))
}

/// 以需定购：由整数规划生成年度收购计划（最新冻结的摸排、通过筛查的房源、限价、预算）propose the annual plan with the integer program.
#[utoipa::path(
    post,
    path = "/api/v1/acquisition/plans",
    tag = "acquisition",
    params(Csrf),
    request_body = PlanRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the proposed plan, explained lot by lot", body = PlanDoc),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn propose_plan(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Json<PlanDoc>> {
    svc::may_work(&user)?;
    let r: PlanRequest = parse_json(&body)?;
    Ok(Json(svc::propose(&st, &user, &r).await?))
}

/// 公司调整收购计划（超预算或低于70–120㎡占比即拒绝）the company's edit of a draft plan.
#[utoipa::path(
    put,
    path = "/api/v1/acquisition/plans/{id}",
    tag = "acquisition",
    params(("id" = String, Path, description = "plan id, e.g. 2026-YQ-AJ"), Csrf),
    request_body = PlanEdit,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the edited plan, explained", body = PlanDoc),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn edit_plan(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<PlanDoc>> {
    svc::may_work(&user)?;
    let e: PlanEdit = parse_json(&body)?;
    Ok(Json(svc::edit(&st, &user, &id, &e).await?))
}

/// 市住建局批准年度收购计划（含自有资金比例检查），为每栋/单元开立收购项目 the city bureau approves a plan.
#[utoipa::path(
    post,
    path = "/api/v1/acquisition/plans/{id}/approval",
    tag = "acquisition",
    params(("id" = String, Path, description = "plan id"), Csrf),
    request_body = Approval,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["city_bureau"]))),
    responses(
        (status = 200, description = "approved", body = PlanDoc),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn approve_plan(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<PlanDoc>> {
    svc::may_approve(&user)?;
    let a: Approval = parse_json(&body)?;
    Ok(Json(svc::approve(&st, &user, &id, &a).await?))
}

/// 收购项目（洽谈、备案、公示、签约、交接、登记）与逾期未登记名单 the purchases and the overdue registrations.
#[utoipa::path(
    get,
    path = "/api/v1/acquisition/purchases",
    tag = "acquisition",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "purchases", body = PurchaseList),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn purchases(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<PurchaseList>> {
    svc::may_read(&user)?;
    let today = st.clock.today();
    let ps: Vec<PurchaseDoc> = svc::purchases(&st)
        .await?
        .into_iter()
        .map(|(p, _)| p)
        .collect();
    Ok(Json(PurchaseList {
        overdue: ps
            .iter()
            .filter(|p| p.overdue(today))
            .map(|p| p.id.clone())
            .collect(),
        purchases: ps,
    }))
}

/// 收购项目的一步（洽谈、评估、备案、公示、异议、签约、交接查验、登记）one step of a purchase.
#[utoipa::path(
    post,
    path = "/api/v1/acquisition/purchases/{id}/steps",
    tag = "acquisition",
    params(("id" = String, Path, description = "purchase id"), Csrf),
    request_body = PurchaseStep,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the purchase after the step", body = PurchaseDoc),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn purchase_step(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<PurchaseDoc>> {
    svc::may_work(&user)?;
    let s: PurchaseStep = parse_json(&body)?;
    Ok(Json(svc::step(&st, &user, &id, &s).await?))
}

/// 已登记房源转入配售项目（房源类型：收购；收购成本用于成本+5%核价）a registered home into an allotment project as an acquired home.
#[utoipa::path(
    post,
    path = "/api/v1/acquisition/purchases/{id}/allot",
    tag = "acquisition",
    params(("id" = String, Path, description = "purchase id"), Csrf),
    request_body = AllotRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the purchase, the home marked", body = PurchaseDoc),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn allot_home(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<PurchaseDoc>> {
    svc::may_work(&user)?;
    let r: AllotRequest = parse_json(&body)?;
    Ok(Json(svc::allot(&st, &user, &id, &r).await?))
}

/// 收购主体资金台账（单列账目、单独核算）a company's separate ledger.
#[utoipa::path(
    get,
    path = "/api/v1/acquisition/companies/{id}/ledger",
    tag = "acquisition",
    params(("id" = String, Path, description = "company id")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "entries and balances", body = LedgerView),
        (status = 404, response = apidoc::NotFound),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn ledger(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<LedgerView>> {
    svc::may_read(&user)?;
    Ok(Json(svc::ledger(&st, &id).await?))
}

/// 记一笔（自有资金、贷款、专项资金、支付；支付不得超过可用资金）append a ledger entry.
#[utoipa::path(
    post,
    path = "/api/v1/acquisition/companies/{id}/ledger",
    tag = "acquisition",
    params(("id" = String, Path, description = "company id"), Csrf),
    request_body = EntryRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the ledger after the entry", body = LedgerView),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn ledger_entry(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<LedgerView>> {
    svc::may_work(&user)?;
    let r: EntryRequest = parse_json(&body)?;
    Ok(Json(svc::append(&st, &user, &id, &r).await?))
}

/// 资金台账（XLSX，报财政局）the ledger as XLSX for the finance bureau.
#[utoipa::path(
    get,
    path = "/api/v1/acquisition/companies/{id}/ledger.xlsx",
    tag = "acquisition",
    params(("id" = String, Path, description = "company id")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary),
        (status = 404, response = apidoc::NotFound),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn ledger_xlsx(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    svc::may_read(&user)?;
    Ok(xlsx_response(
        svc::ledger_xlsx(&st, &user, &id).await?,
        &format!("acquisition-ledger-{id}.xlsx"),
    ))
}
