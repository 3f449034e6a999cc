//! Rental homes, their market-rent evidence, and offers from the district
//! waitlist (Loudi 四, 五、3(2), 七、(一)3, 八、(一)1 by analogy).

use anju_domain::Role;
use anju_rentals::lease::{lease_end, Cycle};
use anju_rentals::{regulated_rent, RentCalc};
use anju_store::rentals::{LeaseRecord, OfferRecord, RentHomeRecord, SurveyRecord};
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;
use utoipa::{IntoParams, ToSchema};

use super::common::*;
use crate::applications::interface::{qualified_families, QualifiedFamily};
use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// Where a rental home came from.
pub const SOURCES: &[(&str, &str, &str)] = &[
    ("acquired", "收购存量商品房", "acquired existing home"),
    ("bought_back", "回购房源", "bought back"),
    (
        "moved_from_sale",
        "经市政府批准由配售转配租",
        "moved from sale with the city's approval",
    ),
];

pub fn source_label(code: &str, en: bool) -> &'static str {
    SOURCES
        .iter()
        .find(|(c, _, _)| *c == code)
        .map(|(_, zh, e)| if en { *e } else { *zh })
        .unwrap_or("—")
}

/// Market-rent evidence as typed.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SurveyRequest {
    /// From when the figure applies (YYYY-MM-DD; empty: today).
    #[serde(default)]
    pub effective_from: Option<String>,
    /// When surveyed or appraised (YYYY-MM-DD).
    pub surveyed_on: String,
    /// `survey` or `appraisal`.
    pub method: String,
    /// Who surveyed or appraised (an appraiser's name and filing number).
    pub source: String,
    /// The comparable homes (address, area, rent), one per line.
    pub comparables: String,
    /// Market rent per m² per month, yuan ("18.50").
    pub rent_per_m2_yuan: String,
}

/// A home registered for rent.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewHomeRequest {
    /// The company's number for the home, e.g. ZF-1302-0101.
    pub id: String,
    /// District code, e.g. 431302.
    pub district: String,
    pub address: String,
    /// Floor area, m² ("89.50").
    pub area_m2: String,
    /// Layout, e.g. 两室一厅.
    pub rooms: String,
    /// `acquired`, `bought_back` or `moved_from_sale`.
    pub source: String,
    /// The city's approval (required for `moved_from_sale`).
    #[serde(default)]
    pub approval_ref: Option<String>,
    /// For `bought_back`: the buyback whose pool home this is.
    #[serde(default)]
    pub pool_ref: Option<String>,
    /// For `acquired`: purchase price and market appraisal, yuan (五、3(2)).
    #[serde(default)]
    pub purchase_yuan: Option<String>,
    #[serde(default)]
    pub appraisal_yuan: Option<String>,
    pub survey: SurveyRequest,
}

fn survey_record(
    st: &AppState,
    user: &CurrentUser,
    home_id: &str,
    r: &SurveyRequest,
) -> ApiResult<SurveyRecord> {
    let today = st.clock.today();
    let surveyed_on = required_date(Some(&r.surveyed_on), "survey.surveyed_on")?;
    if surveyed_on > today {
        return Err(ApiError::bad_request(
            "future_date",
            "调查日期不能晚于今天 (the survey cannot be in the future)",
        )
        .field("survey.surveyed_on"));
    }
    let effective_from = date_field(r.effective_from.as_deref(), "survey.effective_from", today)?;
    let method = match r.method.trim() {
        m @ ("survey" | "appraisal") => m.to_string(),
        _ => {
            return Err(ApiError::bad_request(
                "invalid_method",
                "方式应为市场调查或评估 (survey or appraisal)",
            )
            .field("survey.method"))
        }
    };
    Ok(SurveyRecord {
        id: new_id("SV"),
        home_id: home_id.to_string(),
        effective_from,
        surveyed_on,
        method,
        source: text_field(Some(&r.source), "survey.source", true, 200)?,
        comparables: text_field(Some(&r.comparables), "survey.comparables", true, 2000)?,
        per_m2_fen: hundredths(&r.rent_per_m2_yuan, "survey.rent_per_m2_yuan")?,
        created_by: user.user.id.as_str().to_string(),
        created_at: st.clock.now().to_rfc3339(),
    })
}

/// Registers a home for rent with its first evidence (company). A home
/// bought back is taken from the holdings pool first (and given back if
/// this fails); a home moved from sale needs the city's approval; a home
/// bought for rent may not cost more than its appraisal (五、3(2)).
pub async fn add_home(
    st: &AppState,
    user: &CurrentUser,
    req: NewHomeRequest,
) -> ApiResult<RentHomeRecord> {
    may_run(user, "登记配租房源")?;
    let rules = rules(st)?;
    let id = text_field(Some(&req.id), "id", true, 60)?;
    if !id
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return Err(ApiError::bad_request(
            "invalid_id",
            "房源编号只能含字母、数字和连字符 (letters, digits and hyphens only)",
        )
        .field("id"));
    }
    let district = anju_domain::DistrictCode::parse(req.district.trim())
        .map_err(|e| ApiError::bad_request("invalid_district", e.to_string()).field("district"))?;
    let source = req.source.trim();
    if !SOURCES.iter().any(|(c, _, _)| *c == source) {
        return Err(ApiError::bad_request(
            "invalid_source",
            "来源应为收购、回购或经批准由配售转配租 (acquired, bought back or moved from sale)",
        )
        .field("source"));
    }
    let approval_ref = text_field(req.approval_ref.as_deref(), "approval_ref", false, 100)?;
    if source == "moved_from_sale" && approval_ref.is_empty() {
        return Err(ApiError::bad_request(
            "approval_required",
            "由配售转配租须填写市政府批准文号 (the city's approval is required)",
        )
        .field("approval_ref"));
    }
    let pool_ref = text_field(
        req.pool_ref.as_deref(),
        "pool_ref",
        source == "bought_back",
        64,
    )?;
    let amount = |s: &Option<String>, f: &str| -> ApiResult<Option<i64>> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(v) => hundredths(v, f).map(Some),
        }
    };
    let purchase = amount(&req.purchase_yuan, "purchase_yuan")?;
    let appraisal = amount(&req.appraisal_yuan, "appraisal_yuan")?;
    if let (Some(p), Some(a)) = (purchase, appraisal) {
        if p > a {
            return Err(ApiError::unprocessable(
                "price_above_appraisal",
                format!(
                    "收购价 {} 元高于市场评估价 {} 元，不符合{}“{}” (the price is above the appraisal)",
                    yuan(p),
                    yuan(a),
                    rules.purchase.article,
                    rules.purchase.quote
                ),
            )
            .field("purchase_yuan"));
        }
    }
    let survey = survey_record(st, user, &id, &req.survey)?;
    let now = st.clock.now();
    let home = RentHomeRecord {
        id: id.clone(),
        district: district.as_str().to_string(),
        address: text_field(Some(&req.address), "address", true, 200)?,
        area_centi: hundredths(&req.area_m2, "area_m2")?,
        rooms: text_field(Some(&req.rooms), "rooms", true, 40)?,
        source: source.to_string(),
        approval_ref: (!approval_ref.is_empty()).then_some(approval_ref),
        pool_ref: (!pool_ref.is_empty()).then(|| pool_ref.clone()),
        purchase_fen: purchase,
        appraisal_fen: appraisal,
        state: "available".into(),
        created_by: user.user.id.as_str().to_string(),
        created_at: now.to_rfc3339(),
    };
    if source == "bought_back" {
        crate::holdings::interface::take_for_rentals(st, user, &pool_ref, &id).await?;
    }
    let r = st
        .store
        .rentals()
        .rent_add_home(
            &home,
            &survey,
            audit(
                user,
                now,
                "rentals.home_add".into(),
                format!("rent_home:{id}"),
                json!({"source": source, "district": home.district, "per_m2_fen": survey.per_m2_fen}),
            ),
        )
        .await;
    if let Err(e) = r {
        if source == "bought_back" {
            crate::holdings::interface::release_from_rentals(st, user, &pool_ref, &id).await?;
        }
        return Err(e.into());
    }
    Ok(home)
}

/// Adds market-rent evidence to a home (company): it applies to leases
/// signed or renewed from its date, never to a signed lease.
pub async fn add_survey(
    st: &AppState,
    user: &CurrentUser,
    home_id: &str,
    req: SurveyRequest,
) -> ApiResult<SurveyRecord> {
    may_run(user, "登记市场租金")?;
    rules(st)?;
    let home = st
        .store
        .rentals()
        .rent_home(home_id)
        .await?
        .ok_or_else(|| ApiError::not_found("配租房源 (rental home)"))?;
    let s = survey_record(st, user, &home.id, &req)?;
    st.store
        .rentals()
        .rent_add_survey(
            &s,
            audit(
                user,
                st.clock.now(),
                "rentals.survey_add".into(),
                format!("rent_home:{}", home.id),
                json!({"per_m2_fen": s.per_m2_fen, "effective_from": s.effective_from, "method": s.method}),
            ),
        )
        .await?;
    Ok(s)
}

/// The evidence in force on a day: the latest effective on or before it.
pub fn evidence_on(surveys: &[SurveyRecord], day: NaiveDate) -> Option<&SurveyRecord> {
    surveys
        .iter()
        .filter(|s| s.effective_from <= day)
        .max_by_key(|s| (s.effective_from, s.created_at.clone()))
}

/// A home with its evidence and the rent it would be let at on a day.
pub struct HomeView {
    pub home: RentHomeRecord,
    pub surveys: Vec<SurveyRecord>,
    pub current: Option<SurveyRecord>,
    pub rent: Option<RentCalc>,
}

pub fn home_view(
    rules: &anju_rentals::RentalRules,
    home: RentHomeRecord,
    surveys: Vec<SurveyRecord>,
    day: NaiveDate,
) -> HomeView {
    let current = evidence_on(&surveys, day).cloned();
    let rent = current
        .as_ref()
        .and_then(|s| regulated_rent(rules, s.per_m2_fen, home.area_centi).ok());
    HomeView {
        home,
        surveys,
        current,
        rent,
    }
}

/// Every rental home with its evidence and today's rent (readers).
pub async fn homes(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<HomeView>> {
    may_read(user)?;
    let rules = rules(st)?;
    let today = st.clock.today();
    let all = st.store.rentals().rent_all_surveys().await?;
    Ok(st
        .store
        .rentals()
        .rent_homes()
        .await?
        .into_iter()
        .map(|h| {
            let s: Vec<SurveyRecord> = all.iter().filter(|s| s.home_id == h.id).cloned().collect();
            home_view(rules, h, s, today)
        })
        .collect())
}

/// One home (readers).
pub async fn home(st: &AppState, user: &CurrentUser, id: &str) -> ApiResult<HomeView> {
    may_read(user)?;
    let rules = rules(st)?;
    let h = st
        .store
        .rentals()
        .rent_home(id)
        .await?
        .ok_or_else(|| ApiError::not_found("配租房源 (rental home)"))?;
    let s = st.store.rentals().rent_surveys(id).await?;
    Ok(home_view(rules, h, s, st.clock.today()))
}

/// A family that may be offered a home, in offer order.
pub struct Candidate {
    pub family: QualifiedFamily,
    pub priority: bool,
}

/// The qualified families of a district not yet housed or offered, the
/// priority groups first, then waitlist order (readers).
pub async fn candidates(
    st: &AppState,
    user: &CurrentUser,
    district: &str,
) -> ApiResult<Vec<Candidate>> {
    may_read(user)?;
    let rules = rules(st)?;
    let taken = st.store.rentals().rent_housed_or_offered().await?;
    let fams = qualified_families(st, &[district.to_string()], None).await?;
    let mut out: Vec<Candidate> = fams
        .into_iter()
        .filter(|f| !taken.contains(&f.application_id))
        .map(|f| Candidate {
            priority: rules.is_priority(&f.special),
            family: f,
        })
        .collect();
    // Stable: waitlist order within each group.
    out.sort_by_key(|c| !c.priority);
    Ok(out)
}

/// Offering a home to a family.
#[derive(Debug, Default, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferRequest {
    pub home_id: String,
    pub application_id: String,
}

/// Offers an available home to the next family (company): the family
/// must be a candidate of the home's district, and no family ahead of it
/// may be passed over (priority groups first, then waitlist order).
pub async fn offer(st: &AppState, user: &CurrentUser, req: OfferRequest) -> ApiResult<OfferRecord> {
    may_run(user, "发出配租通知")?;
    rules(st)?;
    let home = st
        .store
        .rentals()
        .rent_home(req.home_id.trim())
        .await?
        .ok_or_else(|| ApiError::not_found("配租房源 (rental home)").field("home_id"))?;
    if home.state != "available" {
        return Err(ApiError::conflict(
            "该房源已通知或已出租 (the home is already offered or let)",
        )
        .field("home_id"));
    }
    let list = candidates(st, user, &home.district).await?;
    let pos = list
        .iter()
        .position(|c| c.family.application_id == req.application_id.trim())
        .ok_or_else(|| {
            ApiError::unprocessable(
                "not_a_candidate",
                "该家庭不在本县区轮候库的待配租家庭中 (the family is not waiting in this district)",
            )
            .field("application_id")
        })?;
    if pos > 0 {
        return Err(ApiError::unprocessable(
            "out_of_order",
            format!(
                "应按轮候顺序通知（优先群体在先）：下一户为 {} (offers follow the waitlist, priority groups first)",
                list[0].family.masked_name
            ),
        )
        .field("application_id"));
    }
    let now = st.clock.now();
    let o = OfferRecord {
        id: new_id("PZ"),
        home_id: home.id.clone(),
        application_id: list[pos].family.application_id.clone(),
        district: home.district.clone(),
        offered_on: st.clock.today(),
        status: "offered".into(),
        decided_on: None,
        note: String::new(),
        created_by: user.user.id.as_str().to_string(),
        created_at: now.to_rfc3339(),
        masked_name: Some(list[pos].family.masked_name.clone()),
    };
    st.store
        .rentals()
        .rent_offer_home(
            &o,
            audit(
                user,
                now,
                "rentals.offer".into(),
                format!("rent_offer:{}", o.id),
                json!({"home": o.home_id, "application": o.application_id, "priority": list[pos].priority}),
            ),
        )
        .await?;
    Ok(o)
}

/// The family's answer to an offer, recorded by the company.
#[derive(Debug, Default, Clone, Deserialize, ToSchema, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct AnswerRequest {
    /// true: accepted, and the lease below is signed; false: refused.
    pub accept: bool,
    /// The lease's first day (YYYY-MM-DD; empty: today).
    #[serde(default)]
    pub starts_on: Option<String>,
    /// `monthly` or `quarterly` (八、(二)2).
    #[serde(default)]
    pub cycle: Option<String>,
    /// Years (1 to the rules' default of 3; empty: the default).
    #[serde(default)]
    pub years: Option<u32>,
    /// Deposit, yuan (empty: none; the plan sets none).
    #[serde(default)]
    pub deposit_yuan: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Builds a lease from the evidence in force on its first day.
#[allow(clippy::too_many_arguments)]
pub(super) async fn build_lease(
    st: &AppState,
    user: &CurrentUser,
    home: &RentHomeRecord,
    application_id: &str,
    offer_id: Option<String>,
    renews_id: Option<String>,
    starts_on: NaiveDate,
    req_cycle: Option<&str>,
    years: Option<u32>,
    deposit: Option<&str>,
) -> ApiResult<LeaseRecord> {
    let rules = rules(st)?;
    let cycle = match req_cycle.map(str::trim).filter(|s| !s.is_empty()) {
        None => Cycle::Monthly,
        Some(c) => Cycle::parse(c)
            .filter(|c| rules.payment.cycles.contains(c))
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_cycle",
                    format!(
                        "{}：租金按月或按季度支付 (monthly or quarterly)",
                        rules.payment.source.article
                    ),
                )
                .field("cycle")
            })?,
    };
    let years = years.unwrap_or(rules.lease.years);
    if years == 0 || years > rules.lease.years {
        return Err(ApiError::bad_request(
            "invalid_years",
            format!(
                "租赁期限应为 1 至 {} 年（{}“租赁期限一般为3年”）(1 to {} years)",
                rules.lease.years, rules.lease.source.article, rules.lease.years
            ),
        )
        .field("years"));
    }
    let deposit_fen = match deposit.map(str::trim).filter(|s| !s.is_empty()) {
        None => 0,
        Some(d) => hundredths(d, "deposit_yuan")?,
    };
    let surveys = st.store.rentals().rent_surveys(&home.id).await?;
    let ev = evidence_on(&surveys, starts_on).ok_or_else(|| {
        ApiError::unprocessable(
            "no_market_rent",
            "该房源在合同起始日没有有效的市场租金调查或评估 (no market-rent evidence in force on the first day)",
        )
        .field("starts_on")
    })?;
    let calc = regulated_rent(rules, ev.per_m2_fen, home.area_centi)
        .map_err(|e| ApiError::unprocessable("rent", e.to_string()))?;
    let ends_on = lease_end(starts_on, years)
        .ok_or_else(|| ApiError::bad_request("invalid_date", "日期超出范围 (out of range)"))?;
    let now = st.clock.now().to_rfc3339();
    Ok(LeaseRecord {
        id: new_id("ZL"),
        home_id: home.id.clone(),
        application_id: application_id.to_string(),
        offer_id,
        renews_id,
        starts_on,
        ends_on,
        rent_fen: calc.rent_fen,
        market_monthly_fen: calc.market_monthly_fen,
        per_m2_fen: ev.per_m2_fen,
        survey_id: ev.id.clone(),
        deposit_fen,
        cycle: cycle.code().to_string(),
        status: "active".into(),
        exit_ground: None,
        exit_notified_on: None,
        exit_deadline: None,
        vacated_on: None,
        serious_code: None,
        end_reason: None,
        created_by: user.user.id.as_str().to_string(),
        created_at: now.clone(),
        updated_at: now,
        masked_name: None,
        owner_user_id: None,
        address: Some(home.address.clone()),
        district: Some(home.district.clone()),
    })
}

/// Records the family's answer (company): accepted signs the lease at the
/// rent of the evidence in force on its first day; refused frees the home.
pub async fn answer(
    st: &AppState,
    user: &CurrentUser,
    offer_id: &str,
    req: AnswerRequest,
) -> ApiResult<Option<LeaseRecord>> {
    may_run(user, "登记配租答复")?;
    rules(st)?;
    let o = st
        .store
        .rentals()
        .rent_offer(offer_id)
        .await?
        .ok_or_else(|| ApiError::not_found("配租通知 (offer)"))?;
    if o.status != "offered" {
        return Err(ApiError::conflict(
            "该配租通知已答复 (the offer was already answered)",
        ));
    }
    let today = st.clock.today();
    let note = text_field(req.note.as_deref(), "note", false, 400)?;
    let lease = if req.accept {
        let home = st
            .store
            .rentals()
            .rent_home(&o.home_id)
            .await?
            .ok_or_else(|| ApiError::not_found("配租房源 (rental home)"))?;
        let starts_on = date_field(req.starts_on.as_deref(), "starts_on", today)?;
        Some(
            build_lease(
                st,
                user,
                &home,
                &o.application_id,
                Some(o.id.clone()),
                None,
                starts_on,
                req.cycle.as_deref(),
                req.years,
                req.deposit_yuan.as_deref(),
            )
            .await?,
        )
    } else {
        None
    };
    st.store
        .rentals()
        .rent_answer_offer(
            &o.id,
            today,
            &note,
            lease.as_ref(),
            audit(
                user,
                st.clock.now(),
                if req.accept { "rentals.offer_accept" } else { "rentals.offer_refuse" }.into(),
                format!("rent_offer:{}", o.id),
                json!({"lease": lease.as_ref().map(|l| l.id.clone()), "rent_fen": lease.as_ref().map(|l| l.rent_fen)}),
            ),
        )
        .await?;
    Ok(lease)
}

/// Offers (readers).
pub async fn offers(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<OfferRecord>> {
    may_read(user)?;
    rules(st)?;
    Ok(st.store.rentals().rent_offers(None).await?)
}

/// Whether a role reads everything (for pages).
pub fn reads_all(user: &CurrentUser) -> bool {
    READERS.contains(&user.user.role) && user.user.role != Role::Applicant
}
