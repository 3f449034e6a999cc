//! `/api/v1`: subsidy self-checks and finance calculators. All public: they
//! read nothing about anyone and save nothing.

use anju_subsidies::finance::{DeedTax, DownPayment, LoanSplit, RentalTax, TalentPrice};
use anju_subsidies::programme::ProgrammeId;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::subsidies::apartments::{
    self, TalentApartment, TalentApartmentEnd, TalentApartmentRequest,
};
use crate::subsidies::cases::{self, SubsidyAction, SubsidyApplicationRequest, SubsidyCase};
use crate::subsidies::dashboard::{self, Dashboard, ImportReport};
use crate::subsidies::property_records::{self, PropertyAnswer, PropertyRequest};
use crate::subsidies::service::{
    self, CheckResult, DeedTaxRequest, DownPaymentRequest, LoanSplitRequest, RentalTaxRequest,
    SubsidyFacts, TalentPriceRequest,
};
use crate::subsidies::universities::{
    self, UniversityAddition, UniversityAdditionRequest, UniversityImportReport, UniversityLists,
    UniversityWithdrawal,
};
use crate::web::apidoc::Binary;
use crate::web::apidoc::{self, Csrf};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::{Path, Query};
use crate::web::json::parse_json;
use crate::web::sheets::xlsx_response;
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(programmes))
        .routes(routes!(check))
        .routes(routes!(down_payment))
        .routes(routes!(loan_split))
        .routes(routes!(deed_tax))
        .routes(routes!(rental_tax))
        .routes(routes!(talent_price))
        .routes(routes!(case_list, case_create))
        .routes(routes!(case_detail))
        .routes(routes!(case_action))
        .routes(routes!(talent_apartment_list, talent_apartment))
        .routes(routes!(talent_apartment_end))
        .routes(routes!(property_requests))
        .routes(routes!(property_answer))
        .routes(routes!(indicators_view))
        .routes(routes!(indicators_xlsx))
        .routes(routes!(indicators_import))
        .routes(routes!(university_lists, university_add))
        .routes(routes!(university_template))
        .routes(routes!(university_import))
        .routes(routes!(university_withdraw))
}

#[derive(Serialize, ToSchema)]
struct ProgrammeSummary {
    id: ProgrammeId,
    policy_id: &'static str,
    title: String,
    title_en: Option<String>,
    document: String,
}

/// 补贴项目列表 the subsidy programmes and the documents they implement.
#[utoipa::path(
    get,
    path = "/api/v1/subsidies/programmes",
    tag = "subsidies",
    responses((status = 200, description = "the programmes", body = [ProgrammeSummary]))
)]
async fn programmes() -> ApiResult<Json<Vec<ProgrammeSummary>>> {
    Ok(Json(
        service::programmes()?
            .iter()
            .map(|p| ProgrammeSummary {
                id: p.id,
                policy_id: p.id.policy_id(),
                title: p.policy.title.clone(),
                title_en: p.policy.title_en.clone(),
                document: p.policy.document.clone(),
            })
            .collect(),
    ))
}

/// 补贴自测 a programme's self-check (public): the award and every reason, cited.
#[utoipa::path(
    post,
    path = "/api/v1/subsidies/{programme}/check",
    tag = "subsidies",
    params(("programme" = ProgrammeId, Path, description = "talent_purchase, talent_rent or provident_rent")),
    request_body = SubsidyFacts,
    responses(
        (status = 200, description = "the decision and award", body = CheckResult),
        (status = 400, response = apidoc::BadRequest),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn check(
    State(st): State<AppState>,
    Path(programme): Path<String>,
    body: Bytes,
) -> ApiResult<Json<CheckResult>> {
    let id = ProgrammeId::parse(&programme)
        .ok_or_else(|| ApiError::not_found(&format!("补贴项目 {programme}")))?;
    let facts: SubsidyFacts = parse_json(&body)?;
    Ok(Json(service::check(id, &facts, st.clock.today())?))
}

/// 最低首付 minimum down payment by city, home type and home order.
#[utoipa::path(
    post,
    path = "/api/v1/finance/down-payment",
    tag = "subsidies",
    request_body = DownPaymentRequest,
    responses(
        (status = 200, description = "the minimum and how it was found", body = DownPayment),
        (status = 400, response = apidoc::BadRequest),
    )
)]
async fn down_payment(State(st): State<AppState>, body: Bytes) -> ApiResult<Json<DownPayment>> {
    let r: DownPaymentRequest = parse_json(&body)?;
    Ok(Json(service::down_payment(&r, st.clock.today())?))
}

/// 组合贷款 combined provident-fund and commercial loan.
#[utoipa::path(
    post,
    path = "/api/v1/finance/loan-split",
    tag = "subsidies",
    request_body = LoanSplitRequest,
    responses(
        (status = 200, description = "the split", body = LoanSplit),
        (status = 400, response = apidoc::BadRequest),
    )
)]
async fn loan_split(State(st): State<AppState>, body: Bytes) -> ApiResult<Json<LoanSplit>> {
    let r: LoanSplitRequest = parse_json(&body)?;
    Ok(Json(service::loan_split(&r, st.clock.today())?))
}

/// 契税 deed tax for a buyer of an affordable home.
#[utoipa::path(
    post,
    path = "/api/v1/finance/deed-tax",
    tag = "subsidies",
    request_body = DeedTaxRequest,
    responses(
        (status = 200, description = "the rate and tax", body = DeedTax),
        (status = 400, response = apidoc::BadRequest),
    )
)]
async fn deed_tax(State(st): State<AppState>, body: Bytes) -> ApiResult<Json<DeedTax>> {
    let r: DeedTaxRequest = parse_json(&body)?;
    Ok(Json(service::deed_tax(&r, st.clock.today())?))
}

/// 租赁企业房产税 the rental company's property-tax rate.
#[utoipa::path(
    post,
    path = "/api/v1/finance/rental-tax",
    tag = "subsidies",
    request_body = RentalTaxRequest,
    responses(
        (status = 200, description = "the reduced rate, if it applies", body = RentalTax),
        (status = 400, response = apidoc::BadRequest),
    )
)]
async fn rental_tax(State(st): State<AppState>, body: Bytes) -> ApiResult<Json<RentalTax>> {
    let r: RentalTaxRequest = parse_json(&body)?;
    Ok(Json(service::rental_tax(&r, st.clock.today())?))
}

/// 人才住房价格 talent-home price (Shanxi plan 四(四)).
#[utoipa::path(
    post,
    path = "/api/v1/finance/talent-price",
    tag = "subsidies",
    request_body = TalentPriceRequest,
    responses(
        (status = 200, description = "the price", body = TalentPrice),
        (status = 400, response = apidoc::BadRequest),
    )
)]
async fn talent_price(State(st): State<AppState>, body: Bytes) -> ApiResult<Json<TalentPrice>> {
    let r: TalentPriceRequest = parse_json(&body)?;
    Ok(Json(service::talent_price(&r, st.clock.today())?))
}

/// 人才补贴申请列表（市委人才办、市住建、审计）subsidy applications, masked.
#[utoipa::path(
    get,
    path = "/api/v1/subsidy-applications",
    tag = "subsidies",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["talent_office", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "the applications", body = [SubsidyCase]),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn case_list(
    State(st): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<SubsidyCase>>> {
    Ok(Json(cases::list(&st, &user).await?))
}

/// 提交人才补贴申请（申请人或市委人才办）submit a subsidy application.
#[utoipa::path(
    post,
    path = "/api/v1/subsidy-applications",
    tag = "subsidies",
    params(Csrf),
    request_body = SubsidyApplicationRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "talent_office"]))),
    responses(
        (status = 201, description = "the new application's id", body = CreatedCase),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn case_create(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Response> {
    cases::may_submit(&user)?;
    let r: SubsidyApplicationRequest = parse_json(&body)?;
    let id = cases::submit(&st, &user, r).await?;
    Ok((StatusCode::CREATED, Json(CreatedCase { id })).into_response())
}

#[derive(Serialize, ToSchema)]
struct CreatedCase {
    id: String,
}

/// 人才补贴申请详情：步骤与发放台账 one application: its steps and payment ledger.
#[utoipa::path(
    get,
    path = "/api/v1/subsidy-applications/{subsidy}",
    tag = "subsidies",
    params(("subsidy" = String, Path, description = "application id, e.g. BT-1A2B3C4D5E6F")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["talent_office", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "the application", body = SubsidyCase),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn case_detail(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<SubsidyCase>> {
    Ok(Json(cases::detail(&st, &user, &id).await?))
}

/// 办理：核验、决定、发放、停发（市委人才办）verify, decide, pay or stop.
#[utoipa::path(
    post,
    path = "/api/v1/subsidy-applications/{subsidy}/actions",
    tag = "subsidies",
    params(("subsidy" = String, Path, description = "application id"), Csrf),
    request_body = SubsidyAction,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["talent_office"]))),
    responses(
        (status = 200, description = "the application after the step", body = SubsidyCase),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
    )
)]
async fn case_action(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<SubsidyCase>> {
    cases::staff(&user)?;
    let a: SubsidyAction = parse_json(&body)?;
    Ok(Json(cases::act(&st, &user, &id, a).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
struct CityQuery {
    /// One city (as imported); absent: the province.
    city: Option<String>,
}

/// 全省住房发展指标：目标与完成进度（公开）the province's indicators: targets and progress (public).
#[utoipa::path(
    get,
    path = "/api/v1/indicators",
    tag = "subsidies",
    params(CityQuery),
    responses((status = 200, description = "targets, actuals and progress", body = Dashboard))
)]
async fn indicators_view(
    State(st): State<AppState>,
    Query(q): Query<CityQuery>,
) -> ApiResult<Json<Dashboard>> {
    Ok(Json(dashboard::view(&st, q.city.as_deref()).await?))
}

/// 指标完成情况 Excel（公开）the dashboard as a workbook (public).
#[utoipa::path(
    get,
    path = "/api/v1/indicators.xlsx",
    tag = "subsidies",
    params(CityQuery),
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary))
)]
async fn indicators_xlsx(
    State(st): State<AppState>,
    Query(q): Query<CityQuery>,
) -> ApiResult<Response> {
    Ok(xlsx_response(
        dashboard::export(&st, q.city.as_deref()).await?,
        "indicators.xlsx",
    ))
}

/// 导入指标实际值（市住建）import actual figures: 城市, 年份, 指标编号, 实际值 (city housing bureau).
#[utoipa::path(
    post,
    path = "/api/v1/indicators/actuals",
    tag = "subsidies",
    params(Csrf),
    request_body(content(
        (String = "text/csv"),
        (Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["city_bureau"]))),
    responses(
        (status = 200, description = "the import report: rows imported and each refused row with its column", body = ImportReport),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 413, response = apidoc::TooLarge),
    )
)]
async fn indicators_import(
    State(st): State<AppState>,
    user: CurrentUser,
    body: axum::body::Body,
) -> ApiResult<Json<ImportReport>> {
    // The role first: nobody else makes the server read an upload.
    dashboard::may_import(&user)?;
    let body = crate::web::sheets::read_body(body).await?;
    Ok(Json(dashboard::import(&st, &user, &body, false).await?))
}

/// 登记市级人才公寓（市委人才办）record a talent apartment in the benefits register.
#[utoipa::path(
    post,
    path = "/api/v1/benefits/talent-apartments",
    tag = "subsidies",
    params(Csrf),
    request_body = TalentApartmentRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["talent_office"]))),
    responses(
        (status = 204, description = "recorded; `Location` names it"),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn talent_apartment(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Response> {
    cases::staff(&user)?;
    let r: TalentApartmentRequest = parse_json(&body)?;
    let id = apartments::record(&st, &user, r).await?;
    Ok((
        StatusCode::NO_CONTENT,
        [(
            axum::http::header::LOCATION,
            format!("/api/v1/benefits/talent-apartments/{id}"),
        )],
    )
        .into_response())
}

/// 人才公寓登记（市委人才办、市住建、审计；承租人脱敏）the register's talent apartments (tenants masked).
#[utoipa::path(
    get,
    path = "/api/v1/benefits/talent-apartments",
    tag = "subsidies",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["talent_office", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "the lettings, newest first", body = [TalentApartment]),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn talent_apartment_list(
    State(st): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<TalentApartment>>> {
    Ok(Json(apartments::list(&st, &user).await?))
}

/// 人才公寓提前退出（市委人才办，记入审计）end a talent apartment early, with the reason and last day.
#[utoipa::path(
    post,
    path = "/api/v1/benefits/talent-apartments/{apartment}/end",
    tag = "subsidies",
    params(("apartment" = String, Path, description = "the letting, e.g. TA-1A2B3C4D5E6F"), Csrf),
    request_body = TalentApartmentEnd,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["talent_office"]))),
    responses(
        (status = 200, description = "the letting, ended", body = TalentApartment),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn talent_apartment_end(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<TalentApartment>> {
    cases::staff(&user)?;
    let r: TalentApartmentEnd = parse_json(&body)?;
    Ok(Json(apartments::end(&st, &user, &id, &r).await?))
}

/// 待核查的首套房（自然资源部门，查看全名和身份证号记入审计）property-records requests awaiting the department (full identity; the read is audited).
#[utoipa::path(
    get,
    path = "/api/v1/property-record-requests",
    tag = "subsidies",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["verifier:natural_resources"]))),
    responses(
        (status = 200, description = "the requests", body = [PropertyRequest]),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn property_requests(
    State(st): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<PropertyRequest>>> {
    Ok(Json(property_records::pending(&st, &user).await?))
}

/// 答复首套房核查：本市登记住房套数（自然资源部门）answer a first-home check from the property register.
#[utoipa::path(
    post,
    path = "/api/v1/subsidy-applications/{subsidy}/property-records",
    tag = "subsidies",
    params(("subsidy" = String, Path, description = "application id"), Csrf),
    request_body = PropertyAnswer,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["verifier:natural_resources"]))),
    responses(
        (status = 204, description = "answered"),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn property_answer(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    property_records::verifier(&user)?;
    let a: PropertyAnswer = parse_json(&body)?;
    property_records::answer(&st, &user, &id, &a).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 高校名单（随系统发布的名单与市委人才办补录，各附来源；公开）the university lists: shipped and added entries, each with its source (public).
#[utoipa::path(
    get,
    path = "/api/v1/universities",
    tag = "subsidies",
    responses((status = 200, description = "the lists, each with its shipped entries and the office's additions", body = UniversityLists))
)]
async fn university_lists(State(st): State<AppState>) -> ApiResult<Json<UniversityLists>> {
    Ok(Json(universities::all(&st).await?))
}

/// 补录一所高校（市委人才办，附来源）add a university to a list, with its source (talent office).
#[utoipa::path(
    post,
    path = "/api/v1/universities",
    tag = "subsidies",
    params(Csrf),
    request_body = UniversityAdditionRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["talent_office"]))),
    responses(
        (status = 201, description = "added", body = UniversityAddition),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn university_add(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Response> {
    universities::office(&user)?;
    let r: UniversityAdditionRequest = parse_json(&body)?;
    let a = universities::add(&st, &user, &r).await?;
    Ok((StatusCode::CREATED, Json(a)).into_response())
}

/// 高校名单补录模板（第一行中文表头，第二行字段代码）the file template: the Chinese header row, then the codes.
#[utoipa::path(
    get,
    path = "/api/v1/universities/template.xlsx",
    tag = "subsidies",
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary))
)]
async fn university_template() -> ApiResult<Response> {
    Ok(xlsx_response(
        universities::template()?,
        "university-additions.xlsx",
    ))
}

/// 按文件补录高校（市委人才办；有错误行则一行不录，已在名单的行逐行报告并跳过）import additions from a file: any invalid line adds nothing; lines already listed are reported and skipped.
#[utoipa::path(
    post,
    path = "/api/v1/universities/import",
    tag = "subsidies",
    params(Csrf),
    request_body(content(
        (String = "text/csv"),
        (Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["talent_office"]))),
    responses(
        (status = 200, description = "the report: the lines added, the duplicates skipped, and every invalid line with its field (with any invalid line nothing is added)", body = UniversityImportReport),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 409, response = apidoc::Conflict),
        (status = 413, response = apidoc::TooLarge),
    )
)]
async fn university_import(
    State(st): State<AppState>,
    user: CurrentUser,
    body: axum::body::Body,
) -> ApiResult<Json<UniversityImportReport>> {
    // The role first: nobody else makes the server read an upload.
    universities::office(&user)?;
    let body = crate::web::sheets::read_body(body).await?;
    Ok(Json(universities::import(&st, &user, &body).await?))
}

/// 撤回误录的高校（市委人才办，须填原因；保留并标明已撤回）withdraw a wrongly added entry, with the reason (kept, shown as withdrawn).
#[utoipa::path(
    post,
    path = "/api/v1/universities/{id}/withdraw",
    tag = "subsidies",
    params(("id" = String, Path, description = "the addition, e.g. UA-1A2B3C4D5E"), Csrf),
    request_body = UniversityWithdrawal,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["talent_office"]))),
    responses(
        (status = 200, description = "withdrawn", body = UniversityAddition),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn university_withdraw(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<UniversityAddition>> {
    universities::office(&user)?;
    let r: UniversityWithdrawal = parse_json(&body)?;
    Ok(Json(
        universities::withdraw(&st, &user, &id, &r.reason).await?,
    ))
}
