//! `/api/v1/rentals`: rentals over JSON — homes with their market-rent
//! evidence and regulated rent, waitlist candidates, offers, leases with
//! their ledgers, payments and adjustments, the monthly charge batch,
//! arrears, exits and the dishonesty list. A city without rental rules
//! answers 404 `no_rental_rules`.

use axum::body::Bytes;
use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use super::service::{
    self as svc, AdjustmentRequest, AnswerRequest, ChargeReport, ChargeRequest, CloseRequest,
    ExitRequest, HomeView, LeaseView, NewHomeRequest, OfferRequest, PaymentRequest, RenewRequest,
    SurveyRequest,
};
use crate::web::apidoc::{self, Csrf};
use crate::web::auth::CurrentUser;
use crate::web::error::ApiResult;
use crate::web::extract::{Path, Query};
use crate::web::json::parse_json;
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(homes, add_home))
        .routes(routes!(home))
        .routes(routes!(add_survey))
        .routes(routes!(candidates))
        .routes(routes!(offers, offer))
        .routes(routes!(answer))
        .routes(routes!(leases))
        .routes(routes!(mine))
        .routes(routes!(lease))
        .routes(routes!(renew))
        .routes(routes!(exit_notice))
        .routes(routes!(close))
        .routes(routes!(pay))
        .routes(routes!(adjust))
        .routes(routes!(charge))
        .routes(routes!(arrears))
        .routes(routes!(blacklist))
}

/// Market-rent evidence.
#[derive(Serialize, ToSchema)]
pub struct SurveyJson {
    id: String,
    effective_from: chrono::NaiveDate,
    surveyed_on: chrono::NaiveDate,
    /// `survey` or `appraisal`.
    method: String,
    source: String,
    comparables: String,
    rent_per_m2_fen: i64,
}

fn survey_json(s: &anju_store::rentals::SurveyRecord) -> SurveyJson {
    SurveyJson {
        id: s.id.clone(),
        effective_from: s.effective_from,
        surveyed_on: s.surveyed_on,
        method: s.method.clone(),
        source: s.source.clone(),
        comparables: s.comparables.clone(),
        rent_per_m2_fen: s.per_m2_fen,
    }
}

/// A rental home with today's rent.
#[derive(Serialize, ToSchema)]
pub struct HomeJson {
    id: String,
    district: String,
    address: String,
    /// m², two decimals.
    area_m2: String,
    rooms: String,
    /// `acquired`, `bought_back` or `moved_from_sale`.
    source: String,
    approval_ref: Option<String>,
    pool_ref: Option<String>,
    /// `available`, `offered` or `let`.
    state: String,
    evidence: Vec<SurveyJson>,
    /// Market rent of the whole home per month, fen (evidence in force today).
    market_monthly_fen: Option<i64>,
    /// The regulated rent, fen: market × 80 %, rounded to the yuan (七、(一)3).
    rent_fen: Option<i64>,
    rent_article: String,
}

fn home_json(v: &HomeView, article: &str) -> HomeJson {
    HomeJson {
        id: v.home.id.clone(),
        district: v.home.district.clone(),
        address: v.home.address.clone(),
        area_m2: svc::yuan(v.home.area_centi),
        rooms: v.home.rooms.clone(),
        source: v.home.source.clone(),
        approval_ref: v.home.approval_ref.clone(),
        pool_ref: v.home.pool_ref.clone(),
        state: v.home.state.clone(),
        evidence: v.surveys.iter().map(survey_json).collect(),
        market_monthly_fen: v.rent.as_ref().map(|r| r.market_monthly_fen),
        rent_fen: v.rent.as_ref().map(|r| r.rent_fen),
        rent_article: article.to_string(),
    }
}

/// Rental homes.
#[derive(Serialize, ToSchema)]
pub struct HomesJson {
    homes: Vec<HomeJson>,
}

/// 配租房源（实施主体、市住建、审计）rental homes with their evidence and rent.
#[utoipa::path(
    get,
    path = "/api/v1/rentals/homes",
    tag = "rentals",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "the homes", body = HomesJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn homes(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<HomesJson>> {
    let list = svc::homes(&st, &user).await?;
    let art = svc::rules(&st)?.rent.source.article.clone();
    Ok(Json(HomesJson {
        homes: list.iter().map(|v| home_json(v, &art)).collect(),
    }))
}

/// 登记配租房源（实施主体）register a rental home with its evidence (company).
#[utoipa::path(
    post,
    path = "/api/v1/rentals/homes",
    tag = "rentals",
    params(Csrf),
    request_body = NewHomeRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 201, description = "registered", body = HomeJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn add_home(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<(axum::http::StatusCode, Json<HomeJson>)> {
    svc::may_run(&user, "登记配租房源")?;
    let req: NewHomeRequest = parse_json(&body)?;
    let h = svc::add_home(&st, &user, req).await?;
    let v = svc::home(&st, &user, &h.id).await?;
    let art = svc::rules(&st)?.rent.source.article.clone();
    Ok((axum::http::StatusCode::CREATED, Json(home_json(&v, &art))))
}

/// 配租房源详情 one rental home.
#[utoipa::path(
    get,
    path = "/api/v1/rentals/homes/{id}",
    tag = "rentals",
    params(("id" = String, Path, description = "home number")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "the home", body = HomeJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn home(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<HomeJson>> {
    let v = svc::home(&st, &user, &id).await?;
    let art = svc::rules(&st)?.rent.source.article.clone();
    Ok(Json(home_json(&v, &art)))
}

/// 登记新的市场租金调查或评估（实施主体）add market-rent evidence; applies from its date to new leases and renewals only.
#[utoipa::path(
    post,
    path = "/api/v1/rentals/homes/{id}/surveys",
    tag = "rentals",
    params(("id" = String, Path, description = "home number"), Csrf),
    request_body = SurveyRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 201, description = "recorded", body = SurveyJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn add_survey(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<(axum::http::StatusCode, Json<SurveyJson>)> {
    svc::may_run(&user, "登记市场租金")?;
    let req: SurveyRequest = parse_json(&body)?;
    let s = svc::add_survey(&st, &user, &id, req).await?;
    Ok((axum::http::StatusCode::CREATED, Json(survey_json(&s))))
}

/// Which district's waitlist.
#[derive(Debug, Deserialize, IntoParams)]
pub struct CandidatesQuery {
    /// District code, e.g. 431302.
    #[serde(default)]
    pub district: Option<String>,
}

/// A family waiting for a rental home.
#[derive(Serialize, ToSchema)]
pub struct CandidateJson {
    application_id: String,
    masked_name: String,
    /// In a priority group (八、(一)1, by analogy).
    priority: bool,
}

/// Families waiting.
#[derive(Serialize, ToSchema)]
pub struct CandidatesJson {
    district: String,
    families: Vec<CandidateJson>,
}

/// 待配租家庭：轮候库中已取得资格者，优先群体在先 families to offer homes to, in order.
#[utoipa::path(
    get,
    path = "/api/v1/rentals/candidates",
    tag = "rentals",
    params(CandidatesQuery),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "in offer order", body = CandidatesJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn candidates(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<CandidatesQuery>,
) -> ApiResult<Json<CandidatesJson>> {
    svc::may_read(&user)?;
    svc::rules(&st)?;
    let district = q.district.unwrap_or_default();
    let list = svc::candidates(&st, &user, district.trim()).await?;
    Ok(Json(CandidatesJson {
        district,
        families: list
            .into_iter()
            .map(|c| CandidateJson {
                application_id: c.family.application_id,
                masked_name: c.family.masked_name,
                priority: c.priority,
            })
            .collect(),
    }))
}

/// An offer.
#[derive(Serialize, ToSchema)]
pub struct OfferJson {
    id: String,
    home_id: String,
    application_id: String,
    masked_name: Option<String>,
    offered_on: chrono::NaiveDate,
    /// `offered`, `accepted` or `refused`.
    status: String,
    decided_on: Option<chrono::NaiveDate>,
}

fn offer_json(o: &anju_store::rentals::OfferRecord) -> OfferJson {
    OfferJson {
        id: o.id.clone(),
        home_id: o.home_id.clone(),
        application_id: o.application_id.clone(),
        masked_name: o.masked_name.clone(),
        offered_on: o.offered_on,
        status: o.status.clone(),
        decided_on: o.decided_on,
    }
}

/// Offers.
#[derive(Serialize, ToSchema)]
pub struct OffersJson {
    offers: Vec<OfferJson>,
}

/// 配租通知 offers, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/rentals/offers",
    tag = "rentals",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "offers", body = OffersJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn offers(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<OffersJson>> {
    let list = svc::offers(&st, &user).await?;
    Ok(Json(OffersJson {
        offers: list.iter().map(offer_json).collect(),
    }))
}

/// 向轮候顺序中的下一户发出配租通知（实施主体）offer a home to the next family (company).
#[utoipa::path(
    post,
    path = "/api/v1/rentals/offers",
    tag = "rentals",
    params(Csrf),
    request_body = OfferRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 201, description = "offered", body = OfferJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn offer(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<(axum::http::StatusCode, Json<OfferJson>)> {
    svc::may_run(&user, "发出配租通知")?;
    let req: OfferRequest = parse_json(&body)?;
    let o = svc::offer(&st, &user, req).await?;
    Ok((axum::http::StatusCode::CREATED, Json(offer_json(&o))))
}

/// A lease with what its ledger says.
#[derive(Serialize, ToSchema)]
pub struct LeaseJson {
    id: String,
    home_id: String,
    address: Option<String>,
    application_id: String,
    masked_name: Option<String>,
    renews_id: Option<String>,
    starts_on: chrono::NaiveDate,
    ends_on: chrono::NaiveDate,
    rent_fen: i64,
    market_monthly_fen: i64,
    deposit_fen: i64,
    /// `monthly` or `quarterly`.
    cycle: String,
    /// `active`, `renewed`, `ending`, `overstaying` or `terminated`.
    status: String,
    exit_ground: Option<String>,
    exit_deadline: Option<chrono::NaiveDate>,
    vacated_on: Option<chrono::NaiveDate>,
    serious_case: Option<String>,
    /// Derived from the entries, never stored.
    balance_fen: i64,
    paid_up_to: Option<chrono::NaiveDate>,
    overdue_fen: i64,
    /// Overstay days after the deadline not yet in the ledger.
    accruing_days: u32,
    accruing_fen: i64,
    entries: Vec<EntryJson>,
}

/// A ledger entry.
#[derive(Serialize, ToSchema)]
#[schema(as = RentLedgerEntry)]
pub struct EntryJson {
    key: String,
    /// `charge`, `payment`, `adjustment` or `overstay`.
    kind: String,
    /// Its effect on what is owed: + charged, − paid.
    amount_fen: i64,
    on_date: chrono::NaiveDate,
    due_on: Option<chrono::NaiveDate>,
    covers_to: Option<chrono::NaiveDate>,
    reason: String,
    approver: String,
}

fn entry_json(e: &anju_store::rentals::LedgerRow) -> EntryJson {
    EntryJson {
        key: e.key.clone(),
        kind: e.kind.clone(),
        amount_fen: e.amount_fen,
        on_date: e.on_date,
        due_on: e.due_on,
        covers_to: e.covers_to,
        reason: e.reason.clone(),
        approver: e.approver.clone(),
    }
}

fn lease_json(v: &LeaseView) -> LeaseJson {
    let l = &v.lease;
    LeaseJson {
        id: l.id.clone(),
        home_id: l.home_id.clone(),
        address: l.address.clone(),
        application_id: l.application_id.clone(),
        masked_name: l.masked_name.clone(),
        renews_id: l.renews_id.clone(),
        starts_on: l.starts_on,
        ends_on: l.ends_on,
        rent_fen: l.rent_fen,
        market_monthly_fen: l.market_monthly_fen,
        deposit_fen: l.deposit_fen,
        cycle: l.cycle.clone(),
        status: v.shown.to_string(),
        exit_ground: l.exit_ground.clone(),
        exit_deadline: l.exit_deadline,
        vacated_on: l.vacated_on,
        serious_case: l.serious_code.clone(),
        balance_fen: v.balance_fen,
        paid_up_to: v.paid_up_to,
        overdue_fen: v.ageing.overdue(),
        accruing_days: v.accruing_days,
        accruing_fen: v.accruing_fen,
        entries: v.entries.iter().map(entry_json).collect(),
    }
}

/// The lease an accepted offer signed (none when refused).
#[derive(Serialize, ToSchema)]
pub struct AnswerJson {
    lease: Option<LeaseJson>,
}

/// 登记家庭对配租通知的答复；接受即签订租赁合同（实施主体）record the family's answer (company).
#[utoipa::path(
    post,
    path = "/api/v1/rentals/offers/{id}/answer",
    tag = "rentals",
    params(("id" = String, Path, description = "offer"), Csrf),
    request_body = AnswerRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "recorded", body = AnswerJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn answer(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<AnswerJson>> {
    svc::may_run(&user, "登记配租答复")?;
    let req: AnswerRequest = parse_json(&body)?;
    let lease = match svc::answer(&st, &user, &id, req).await? {
        Some(l) => Some(lease_json(&svc::lease(&st, &user, &l.id).await?)),
        None => None,
    };
    Ok(Json(AnswerJson { lease }))
}

/// Which leases.
#[derive(Debug, Deserialize, IntoParams)]
pub struct LeasesQuery {
    /// A stored status: `active`, `renewed`, `ending` or `terminated`.
    #[serde(default)]
    pub status: Option<String>,
}

/// A lease in a list.
#[derive(Serialize, ToSchema)]
pub struct LeaseRowJson {
    id: String,
    home_id: String,
    application_id: String,
    masked_name: Option<String>,
    starts_on: chrono::NaiveDate,
    ends_on: chrono::NaiveDate,
    rent_fen: i64,
    status: String,
    exit_deadline: Option<chrono::NaiveDate>,
}

/// Leases.
#[derive(Serialize, ToSchema)]
pub struct LeasesJson {
    leases: Vec<LeaseRowJson>,
}

/// 租赁合同（实施主体、市住建、审计）leases, newest first.
#[utoipa::path(
    get,
    path = "/api/v1/rentals/leases",
    tag = "rentals",
    params(LeasesQuery),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "leases", body = LeasesJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn leases(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LeasesQuery>,
) -> ApiResult<Json<LeasesJson>> {
    let today = st.clock.today();
    let list = svc::leases(&st, &user, q.status.as_deref()).await?;
    Ok(Json(LeasesJson {
        leases: list
            .into_iter()
            .map(|l| LeaseRowJson {
                status: anju_rentals::LeaseStatus::parse(&l.status)
                    .map(|s| s.shown(l.exit_deadline, today))
                    .unwrap_or("terminated")
                    .to_string(),
                id: l.id,
                home_id: l.home_id,
                application_id: l.application_id,
                masked_name: l.masked_name,
                starts_on: l.starts_on,
                ends_on: l.ends_on,
                rent_fen: l.rent_fen,
                exit_deadline: l.exit_deadline,
            })
            .collect(),
    }))
}

/// The family's leases.
#[derive(Serialize, ToSchema)]
#[schema(as = RentalMine)]
pub struct MineJson {
    leases: Vec<LeaseJson>,
}

/// 我的租赁合同、账单与缴款（承租家庭）the signed-in family's leases and ledgers.
#[utoipa::path(
    get,
    path = "/api/v1/rentals/mine",
    tag = "rentals",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant"]))),
    responses(
        (status = 200, description = "the family's leases", body = MineJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn mine(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<MineJson>> {
    let list = svc::mine(&st, &user).await?;
    Ok(Json(MineJson {
        leases: list.iter().map(lease_json).collect(),
    }))
}

/// 租赁合同及其台账（承租家庭本人，或实施主体、市住建、审计）a lease with its ledger.
#[utoipa::path(
    get,
    path = "/api/v1/rentals/leases/{id}",
    tag = "rentals",
    params(("id" = String, Path, description = "lease")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "the lease", body = LeaseJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn lease(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<LeaseJson>> {
    Ok(Json(lease_json(&svc::lease(&st, &user, &id).await?)))
}

async fn lease_after(st: &AppState, user: &CurrentUser, id: &str) -> ApiResult<Json<LeaseJson>> {
    Ok(Json(lease_json(&svc::lease(st, user, id).await?)))
}

/// 续租：重新审核资格后签订新合同（实施主体）renew after a fresh eligibility check (company); returns the new lease.
#[utoipa::path(
    post,
    path = "/api/v1/rentals/leases/{id}/renew",
    tag = "rentals",
    params(("id" = String, Path, description = "lease"), Csrf),
    request_body = RenewRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the new lease", body = LeaseJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn renew(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<LeaseJson>> {
    svc::may_run(&user, "办理续租")?;
    let req: RenewRequest = parse_json(&body)?;
    let new = svc::renew(&st, &user, &id, req).await?;
    lease_after(&st, &user, &new.id).await
}

/// 送达退出通知，30日内退出（实施主体）serve an exit notice (company).
#[utoipa::path(
    post,
    path = "/api/v1/rentals/leases/{id}/exit",
    tag = "rentals",
    params(("id" = String, Path, description = "lease"), Csrf),
    request_body = ExitRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "leaving", body = LeaseJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
    )
)]
async fn exit_notice(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<LeaseJson>> {
    svc::may_run(&user, "送达退出通知")?;
    let req: ExitRequest = parse_json(&body)?;
    svc::exit_notice(&st, &user, &id, req).await?;
    lease_after(&st, &user, &id).await
}

/// 办理退出：逾期按市场租金计费，情节严重的纳入失信名单（实施主体）close a leaving lease (company).
#[utoipa::path(
    post,
    path = "/api/v1/rentals/leases/{id}/close",
    tag = "rentals",
    params(("id" = String, Path, description = "lease"), Csrf),
    request_body = CloseRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "closed", body = LeaseJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
    )
)]
async fn close(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<LeaseJson>> {
    svc::may_run(&user, "办理退出")?;
    let req: CloseRequest = parse_json(&body)?;
    svc::close(&st, &user, &id, req).await?;
    lease_after(&st, &user, &id).await
}

/// 登记缴款（实施主体）record a payment (company).
#[utoipa::path(
    post,
    path = "/api/v1/rentals/leases/{id}/payments",
    tag = "rentals",
    params(("id" = String, Path, description = "lease"), Csrf),
    request_body = PaymentRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the lease after", body = LeaseJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn pay(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<LeaseJson>> {
    svc::may_run(&user, "登记租金缴款")?;
    let req: PaymentRequest = parse_json(&body)?;
    svc::pay(&st, &user, &id, req).await?;
    lease_after(&st, &user, &id).await
}

/// 登记账目调整（须写明原因和批准人）（实施主体）record an adjustment with reason and approver (company).
#[utoipa::path(
    post,
    path = "/api/v1/rentals/leases/{id}/adjustments",
    tag = "rentals",
    params(("id" = String, Path, description = "lease"), Csrf),
    request_body = AdjustmentRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "the lease after", body = LeaseJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn adjust(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<LeaseJson>> {
    svc::may_run(&user, "登记账目调整")?;
    let req: AdjustmentRequest = parse_json(&body)?;
    svc::adjust(&st, &user, &id, req).await?;
    lease_after(&st, &user, &id).await
}

/// 生成某月租金（幂等：重复运行不新增）（实施主体）generate a month's charges; running it again adds nothing (company).
#[utoipa::path(
    post,
    path = "/api/v1/rentals/charges",
    tag = "rentals",
    params(Csrf),
    request_body = ChargeRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company"]))),
    responses(
        (status = 200, description = "what was charged", body = ChargeReport),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn charge(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Json<ChargeReport>> {
    svc::may_run(&user, "生成月度租金")?;
    let req: ChargeRequest = parse_json(&body)?;
    Ok(Json(svc::charge_month(&st, &user, req).await?))
}

/// A lease in arrears.
#[derive(Serialize, ToSchema)]
pub struct ArrearsJson {
    lease_id: String,
    masked_name: Option<String>,
    home_id: String,
    balance_fen: i64,
    d1_30_fen: i64,
    d31_90_fen: i64,
    d91_180_fen: i64,
    over_180_fen: i64,
    oldest_due: Option<chrono::NaiveDate>,
}

/// Arrears.
#[derive(Serialize, ToSchema)]
pub struct ArrearsListJson {
    leases: Vec<ArrearsJson>,
}

/// 欠租清单（账龄）arrears with ageing.
#[utoipa::path(
    get,
    path = "/api/v1/rentals/arrears",
    tag = "rentals",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "arrears", body = ArrearsListJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn arrears(
    State(st): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<ArrearsListJson>> {
    let list = svc::arrears(&st, &user).await?;
    Ok(Json(ArrearsListJson {
        leases: list
            .into_iter()
            .map(|r| ArrearsJson {
                lease_id: r.lease.id,
                masked_name: r.lease.masked_name,
                home_id: r.lease.home_id,
                balance_fen: r.balance_fen,
                d1_30_fen: r.ageing.d1_30,
                d31_90_fen: r.ageing.d31_90,
                d91_180_fen: r.ageing.d91_180,
                over_180_fen: r.ageing.over_180,
                oldest_due: r.ageing.oldest_due,
            })
            .collect(),
    }))
}

/// A dishonesty-list entry (per family; members are listed by keyed hash only).
#[derive(Serialize, ToSchema)]
pub struct ListingJson {
    application_id: String,
    lease_id: String,
    listed_on: chrono::NaiveDate,
    until_on: chrono::NaiveDate,
    case_code: String,
    members: i64,
}

/// The list.
#[derive(Serialize, ToSchema)]
pub struct ListingsJson {
    listings: Vec<ListingJson>,
}

/// 失信名单（八、(二)3）the dishonesty list.
#[utoipa::path(
    get,
    path = "/api/v1/rentals/blacklist",
    tag = "rentals",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["company", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "entries", body = ListingsJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn blacklist(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<ListingsJson>> {
    let list = svc::listings(&st, &user).await?;
    Ok(Json(ListingsJson {
        listings: list
            .into_iter()
            .map(|l| ListingJson {
                application_id: l.application_id,
                lease_id: l.lease_id,
                listed_on: l.listed_on,
                until_on: l.until_on,
                case_code: l.case_code,
                members: l.members,
            })
            .collect(),
    }))
}
