//! `/api/v1`: subsidy self-checks and finance calculators. All public: they
//! read nothing about anyone and save nothing.

use anju_subsidies::finance::{DeedTax, DownPayment, LoanSplit, RentalTax, TalentPrice};
use anju_subsidies::programme::ProgrammeId;
use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::subsidies::service::{
    self, CheckResult, DeedTaxRequest, DownPaymentRequest, LoanSplitRequest, RentalTaxRequest,
    SubsidyFacts, TalentPriceRequest,
};
use crate::web::apidoc;
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::Path;
use crate::web::json::parse_json;
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
async fn down_payment(body: Bytes) -> ApiResult<Json<DownPayment>> {
    let r: DownPaymentRequest = parse_json(&body)?;
    Ok(Json(service::down_payment(&r)?))
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
async fn loan_split(body: Bytes) -> ApiResult<Json<LoanSplit>> {
    let r: LoanSplitRequest = parse_json(&body)?;
    Ok(Json(service::loan_split(&r)?))
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
async fn deed_tax(body: Bytes) -> ApiResult<Json<DeedTax>> {
    let r: DeedTaxRequest = parse_json(&body)?;
    Ok(Json(service::deed_tax(&r)?))
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
async fn rental_tax(body: Bytes) -> ApiResult<Json<RentalTax>> {
    let r: RentalTaxRequest = parse_json(&body)?;
    Ok(Json(service::rental_tax(&r)?))
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
async fn talent_price(body: Bytes) -> ApiResult<Json<TalentPrice>> {
    let r: TalentPriceRequest = parse_json(&body)?;
    Ok(Json(service::talent_price(&r)?))
}
