//! A purchase (one lot of an approved plan) from negotiation to homes
//! available for allotment: negotiation and tender, independent appraisal
//! (where the city has it), filing, public notice and objections, the
//! contract, the handover inspection, the registration deadline, and each
//! registered home handed to an allotment project as an acquired home.

use anju_acquisition::{
    check_appraisal, may_hand_over, may_sign, notice_end, registration_due, registration_overdue,
    Appraisal, InspectionItem, NegotiationMode, PriceCap, Purpose, Status, StepError, CHECKLIST,
};
use anju_allotment::{Area, Fen};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::common::*;
use super::survey::caps;
use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// A home of a purchase.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct HomeLine {
    pub home: String,
    /// Floor area in hundredths of a square metre (8956 = 89.56 m²).
    #[schema(value_type = u64)]
    pub area: Area,
    pub layout: String,
    pub asking: Fen,
    /// The agreed (contract) price.
    pub price: Fen,
    /// The allotment project it was added to.
    pub allotted_to: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[schema(as = NegotiationRound)]
pub struct Round {
    pub on: NaiveDate,
    pub offer: Fen,
    pub note: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct Objection {
    pub text: String,
    pub answer: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
pub struct PurchaseDoc {
    pub id: String,
    pub plan_id: String,
    pub company_id: String,
    pub lot: String,
    pub district: String,
    pub project: String,
    #[schema(value_type = String)]
    pub purpose: Purpose,
    pub homes: Vec<HomeLine>,
    #[schema(value_type = String)]
    pub status: Status,
    /// Shortlisted developers from the tender.
    pub shortlisted: Vec<String>,
    #[schema(value_type = Option<String>)]
    pub mode: Option<NegotiationMode>,
    pub rounds: Vec<Round>,
    pub agreed: Option<Fen>,
    #[schema(value_type = Option<Object>)]
    pub appraisal: Option<Appraisal>,
    pub filed_housing_on: Option<NaiveDate>,
    pub filed_finance_on: Option<NaiveDate>,
    pub notice_start: Option<NaiveDate>,
    pub notice_end: Option<NaiveDate>,
    pub objections: Vec<Objection>,
    pub signed_on: Option<NaiveDate>,
    pub payment_terms: String,
    pub handover_date: Option<NaiveDate>,
    pub title_transfer: String,
    pub liabilities: String,
    #[schema(value_type = Vec<Object>)]
    pub inspection: Vec<InspectionItem>,
    pub warranty_years: u32,
    pub handed_over_on: Option<NaiveDate>,
    pub registration_due: Option<NaiveDate>,
    pub registered_on: Option<NaiveDate>,
    pub certificate: String,
}

impl PurchaseDoc {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        plan_id: String,
        company_id: String,
        lot: String,
        district: String,
        project: String,
        purpose: Purpose,
        homes: Vec<HomeLine>,
    ) -> PurchaseDoc {
        PurchaseDoc {
            id,
            plan_id,
            company_id,
            lot,
            district,
            project,
            purpose,
            homes,
            status: Status::Planned,
            shortlisted: vec![],
            mode: None,
            rounds: vec![],
            agreed: None,
            appraisal: None,
            filed_housing_on: None,
            filed_finance_on: None,
            notice_start: None,
            notice_end: None,
            objections: vec![],
            signed_on: None,
            payment_terms: String::new(),
            handover_date: None,
            title_transfer: String::new(),
            liabilities: String::new(),
            inspection: vec![],
            warranty_years: 0,
            handed_over_on: None,
            registration_due: None,
            registered_on: None,
            certificate: String::new(),
        }
    }

    pub fn total_asking(&self) -> Fen {
        Fen::new(self.homes.iter().map(|h| h.asking.fen()).sum())
    }

    /// Overdue for registration on `today`.
    pub fn overdue(&self, today: NaiveDate) -> bool {
        self.registration_due
            .is_some_and(|due| registration_overdue(due, self.registered_on, today))
    }
}

/// A step of a purchase.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum PurchaseStep {
    /// A negotiation round; `agreed` closes it at `offer_yuan` for the lot.
    Negotiate {
        /// fixed_area_price (限面积、竞房价) | fixed_price_area (限房价、竞面积)
        mode: String,
        #[serde(default)]
        shortlisted: Vec<String>,
        on: String,
        offer_yuan: String,
        #[serde(default)]
        note: String,
        #[serde(default)]
        agreed: bool,
    },
    /// An independent appraisal when negotiation fails (Loudi).
    Appraise {
        firm: String,
        registration: String,
        registered_in_city: bool,
        no_conflict_declared: bool,
        value_yuan: String,
    },
    /// Filed with the housing and finance bureaus.
    File {
        housing_on: String,
        finance_on: String,
    },
    /// The public notice starts.
    Notice {
        start: String,
    },
    Object {
        text: String,
    },
    Answer {
        index: usize,
        answer: String,
    },
    Sign {
        on: String,
        payment_terms: String,
        handover_date: String,
        title_transfer: String,
        liabilities: String,
    },
    HandOver {
        on: String,
        /// One per checklist item, in order: passed or a defect.
        #[schema(value_type = Vec<Object>)]
        items: Vec<InspectionItem>,
        warranty_years: u32,
    },
    Register {
        on: String,
        certificate: String,
    },
}

fn parse_mode(s: &str) -> ApiResult<NegotiationMode> {
    match s {
        "fixed_area_price" => Ok(NegotiationMode::FixedAreaPrice),
        "fixed_price_area" => Ok(NegotiationMode::FixedPriceArea),
        _ => Err(ApiError::bad_request(
            "invalid_mode",
            "请选择 限面积竞房价 或 限房价竞面积 (choose a mode)",
        )
        .field("mode")),
    }
}

fn order(from: Status, to: Status) -> ApiResult<Status> {
    from.step(to).map_err(|e| ApiError::conflict(e.to_string()))
}

/// The lot's cap: Σ each home's cap (the page shows it beside the price).
pub async fn lot_cap(st: &AppState, d: &PurchaseDoc) -> ApiResult<Fen> {
    let key = match d.purpose {
        Purpose::Sale => "sale",
        Purpose::Rent => "rent",
    };
    let caps = caps(st).await?;
    let cap: Option<PriceCap> = caps
        .into_iter()
        .find(|c| {
            c.project == d.project
                && matches!(
                    (&c.cap, key),
                    (PriceCap::Sale { .. }, "sale") | (PriceCap::Rent { .. }, "rent")
                )
        })
        .map(|c| c.cap);
    let cap = cap
        .ok_or_else(|| ApiError::conflict("该项目未登记限价 (no cap recorded for the project)"))?;
    Ok(Fen::new(
        d.homes.iter().map(|h| cap.home_cap(h.area).fen()).sum(),
    ))
}

/// Spreads an agreed lot price over its homes by asking price (the last
/// home takes the rounding), so every home's contract price is known.
fn spread(homes: &mut [HomeLine], total: Fen) {
    let asking: u64 = homes.iter().map(|h| h.asking.fen()).sum();
    let mut left = total.fen();
    let n = homes.len();
    for (i, h) in homes.iter_mut().enumerate() {
        let p = if i + 1 == n {
            left
        } else {
            Fen::new(h.asking.fen())
                .mul_ratio_floor(total.fen(), asking.max(1))
                .fen()
        };
        left = left.saturating_sub(p);
        h.price = Fen::new(p);
    }
}

pub async fn purchases(st: &AppState) -> ApiResult<Vec<(PurchaseDoc, i64)>> {
    st.store
        .acquisition()
        .acq_list(PURCHASE)
        .await?
        .iter()
        .map(|r| body(r).map(|b| (b, r.version)))
        .collect()
}

/// Takes one step of a purchase.
pub async fn step(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    s: &PurchaseStep,
) -> ApiResult<PurchaseDoc> {
    may_work(user)?;
    let p = policy(st);
    let rec = load(st, PURCHASE, id, "收购项目 (purchase)").await?;
    let mut d: PurchaseDoc = body(&rec)?;
    let today = st.clock.today();
    let action: &str;
    match s {
        PurchaseStep::Negotiate {
            mode,
            shortlisted,
            on,
            offer_yuan,
            note,
            agreed,
        } => {
            action = "negotiate";
            if d.status != Status::Planned {
                return Err(ApiError::conflict("洽谈已结束 (negotiation is closed)"));
            }
            d.mode = Some(parse_mode(mode)?);
            if !shortlisted.is_empty() {
                d.shortlisted = shortlisted
                    .iter()
                    .map(|x| x.trim().to_string())
                    .filter(|x| !x.is_empty())
                    .collect();
            }
            let offer = yuan(offer_yuan, "offer_yuan")?;
            d.rounds.push(Round {
                on: date(on, "on")?,
                offer,
                note: note.trim().to_string(),
            });
            if *agreed {
                let cap = lot_cap(st, &d).await?;
                if offer > cap {
                    // A rental purchase's cap is the market appraisal: its own rule.
                    let rule = match d.purpose {
                        Purpose::Sale => &p.rules.sale_cap,
                        Purpose::Rent => &p.rules.rent_cap,
                    };
                    return Err(ApiError::unprocessable("above_cap", format!("成交价 {offer} 元高于限价合计 {cap} 元，不能成交（{}） (above the cap)", rule.cited())).field("offer_yuan"));
                }
                d.agreed = Some(offer);
                spread(&mut d.homes, offer);
            }
        }
        PurchaseStep::Appraise {
            firm,
            registration,
            registered_in_city,
            no_conflict_declared,
            value_yuan,
        } => {
            action = "appraise";
            if d.status != Status::Planned {
                return Err(ApiError::conflict("洽谈已结束 (negotiation is closed)"));
            }
            let a = Appraisal {
                firm: firm.trim().into(),
                registration: registration.trim().into(),
                registered_in_city: *registered_in_city,
                no_conflict_declared: *no_conflict_declared,
                value: yuan(value_yuan, "value_yuan")?,
            };
            // Each refusal beside the field it concerns.
            check_appraisal(&p, &a).map_err(|e| {
                let field = match e {
                    StepError::FirmNotRegistered(_) => "registered_in_city",
                    StepError::Conflict(_) => "no_conflict_declared",
                    _ => "firm",
                };
                ApiError::unprocessable("appraisal", e.to_string()).field(field)
            })?;
            let cap = lot_cap(st, &d).await?;
            let price = a.value.min(cap);
            d.agreed = Some(price);
            spread(&mut d.homes, price);
            d.appraisal = Some(a);
        }
        PurchaseStep::File {
            housing_on,
            finance_on,
        } => {
            action = "file";
            if d.agreed.is_none() {
                return Err(ApiError::conflict("价格尚未商定 (no agreed price yet)"));
            }
            d.status = order(d.status, Status::Filed)?;
            d.filed_housing_on = Some(date(housing_on, "housing_on")?);
            d.filed_finance_on = Some(date(finance_on, "finance_on")?);
        }
        PurchaseStep::Notice { start } => {
            action = "notice";
            d.status = order(d.status, Status::Noticed)?;
            let start = date(start, "start")?;
            let end = notice_end(&p, anju_calendar::Calendar::builtin(), start)
                .map_err(|e| ApiError::unprocessable("calendar", e.to_string()).field("start"))?;
            d.notice_start = Some(start);
            d.notice_end = Some(end);
        }
        PurchaseStep::Object { text: t } => {
            action = "object";
            if d.status != Status::Noticed || d.notice_end.is_some_and(|e| today > e) {
                return Err(ApiError::conflict("不在公示期内 (not on notice)"));
            }
            d.objections.push(Objection {
                text: text(t, "text", 500)?,
                answer: None,
            });
        }
        PurchaseStep::Answer { index, answer } => {
            action = "answer";
            let o = d
                .objections
                .get_mut(*index)
                .ok_or_else(|| ApiError::not_found("异议 (objection)"))?;
            o.answer = Some(text(answer, "answer", 500)?);
        }
        PurchaseStep::Sign {
            on,
            payment_terms,
            handover_date,
            title_transfer,
            liabilities,
        } => {
            action = "sign";
            let on = date(on, "on")?;
            let open = d.objections.iter().filter(|o| o.answer.is_none()).count() as u32;
            let end = d
                .notice_end
                .ok_or_else(|| ApiError::conflict("尚未公示 (no notice yet)"))?;
            let agreed = d
                .agreed
                .ok_or_else(|| ApiError::conflict("价格尚未商定 (no agreed price)"))?;
            let cap = lot_cap(st, &d).await?;
            may_sign(end, on, open, cap, agreed)
                .map_err(|e| ApiError::unprocessable("sign", e.to_string()).field("on"))?;
            d.status = order(d.status, Status::Contracted)?;
            d.signed_on = Some(on);
            d.payment_terms = text(payment_terms, "payment_terms", 500)?;
            d.handover_date = Some(date(handover_date, "handover_date")?);
            d.title_transfer = text(title_transfer, "title_transfer", 500)?;
            d.liabilities = text(liabilities, "liabilities", 500)?;
        }
        PurchaseStep::HandOver {
            on,
            items,
            warranty_years,
        } => {
            action = "hand_over";
            may_hand_over(items, *warranty_years)
                .map_err(|m| ApiError::unprocessable("inspection", m).field("items"))?;
            d.status = order(d.status, Status::HandedOver)?;
            let on = date(on, "on")?;
            d.handed_over_on = Some(on);
            d.inspection = items.clone();
            d.warranty_years = *warranty_years;
            d.registration_due = Some(registration_due(&p, on));
        }
        PurchaseStep::Register { on, certificate } => {
            action = "register";
            d.status = order(d.status, Status::Registered)?;
            d.registered_on = Some(date(on, "on")?);
            d.certificate = text(certificate, "certificate", 120)?;
        }
    }
    let now = st.clock.now();
    st.store
        .acquisition()
        .acq_update(
            &[changed(st, &rec, d.status.key(), &d)?],
            audit(
                user,
                now,
                format!("acquisition.purchase_{action}"),
                format!("purchase:{id}"),
                json!({"status": d.status.key()}),
            ),
        )
        .await?;
    Ok(d)
}

/// A registered home handed to an allotment project as an acquired home
/// (source acquired, its contract price as the cost for the cost + 5 %
/// price check).
#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct AllotRequest {
    #[schema(example = "YQ-2026-01")]
    pub project: String,
    #[schema(example = "1201")]
    pub home: String,
    /// The sale price in the project (at most cost + 5 %).
    #[schema(example = "420000")]
    pub price_yuan: String,
    #[serde(default)]
    pub floor: Option<i32>,
    #[serde(default)]
    pub orientation: Option<String>,
}

pub async fn allot(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    r: &AllotRequest,
) -> ApiResult<PurchaseDoc> {
    may_work(user)?;
    let rec = load(st, PURCHASE, id, "收购项目 (purchase)").await?;
    let mut d: PurchaseDoc = body(&rec)?;
    if d.status != Status::Registered {
        return Err(ApiError::conflict(
            "不动产权登记完成后才能转入配售项目 (register the title first)",
        ));
    }
    let price = yuan(&r.price_yuan, "price_yuan")?;
    let (building, unit) = {
        let mut parts = d.lot.rsplitn(3, '/');
        let u = parts.next().unwrap_or("").to_string();
        let b = parts.next().unwrap_or("").to_string();
        (b, u)
    };
    let line = d
        .homes
        .iter_mut()
        .find(|h| h.home == r.home)
        .ok_or_else(|| ApiError::not_found("房源 (home)"))?;
    if line.allotted_to.is_some() {
        return Err(ApiError::conflict(
            "该房源已转入配售项目 (already in a project)",
        ));
    }
    let limit = line.price.mul_ratio_floor(105, 100);
    if price > limit {
        return Err(ApiError::unprocessable(
            "above_cost_plus_5",
            format!(
                "配售价格 {price} 元超过收购成本 {} 元 + 5% = {limit} 元 (price above cost + 5%)",
                line.price
            ),
        )
        .field("price_yuan"));
    }
    let home_id = anju_allotment::HomeId::from_parts(&building, &unit, &line.home)
        .map_err(|e| ApiError::bad_request("invalid_home", e.to_string()).field("home"))?;
    let home = anju_allotment::Home {
        id: home_id,
        building,
        unit,
        floor: r.floor.unwrap_or(1),
        number: line.home.clone(),
        floor_area: line.area,
        layout: line.layout.clone(),
        orientation: r.orientation.clone().unwrap_or_default(),
        source: anju_allotment::HomeSource::Acquired,
        acquisition_cost: Some(line.price),
        price,
    };
    crate::allotment::interface::add_acquired_home(st, user, &r.project, home).await?;
    line.allotted_to = Some(r.project.clone());
    let now = st.clock.now();
    st.store
        .acquisition()
        .acq_update(
            &[changed(st, &rec, d.status.key(), &d)?],
            audit(
                user,
                now,
                "acquisition.home_allot".into(),
                format!("purchase:{id}"),
                json!({"home": r.home, "project": r.project}),
            ),
        )
        .await?;
    Ok(d)
}

/// The checklist items, for forms and the API's example.
pub fn checklist() -> Vec<InspectionItem> {
    CHECKLIST
        .iter()
        .map(|(zh, _)| InspectionItem {
            item: zh.to_string(),
            passed: true,
            defect: None,
        })
        .collect()
}
