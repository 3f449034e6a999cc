//! What the API and the pages both call: facts in, an explained result out.
//! Parsing names the field at fault in Chinese; the rules are
//! `anju-subsidies` and the policy engine.

use std::sync::OnceLock;

use anju_subsidies::finance::{
    self, City, DeedTax, DownPayment, HomeType, LoanKind, LoanSplit, Purchase, RentalTax,
    TalentHomeKind, TalentPrice,
};
use anju_subsidies::programme::{Award, Programme, ProgrammeId};
use anju_subsidies::{Area, Fen};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use utoipa::ToSchema;

use crate::web::error::{ApiError, ApiResult};

/// The facts a subsidy self-check asks for. Everything is optional: an
/// absent fact counts as "no" (the engine then explains what is missing).
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubsidyFacts {
    /// Highest full-time degree: `phd`, `master` or `bachelor`.
    #[serde(default)]
    pub degree: Option<String>,
    /// `top` (world top 200 outside China, or 双一流), `first_tier` (another
    /// 一本 university) or `other`.
    #[serde(default)]
    pub university: Option<String>,
    /// The university's name as on the diploma (e.g. `山西大学`): the
    /// talent office's verification looks a `top` claim up in the dated
    /// lists (`policies/subsidies/universities.toml`).
    #[serde(default)]
    pub university_name: Option<String>,
    /// Employed by an employer in the city with a labour contract.
    #[serde(default)]
    pub employed_in_city: bool,
    /// Years of service pledged.
    #[serde(default)]
    pub service_pledge_years: u32,
    /// Homes the family owns in the city now.
    #[serde(default)]
    pub homes_owned: u32,
    /// Lives in a city talent apartment now.
    #[serde(default)]
    pub in_talent_apartment: bool,
    #[serde(default)]
    pub married: bool,
    /// The applicant pays into the housing provident fund.
    #[serde(default)]
    pub provident_fund: bool,
    /// The spouse pays into it too.
    #[serde(default)]
    pub spouse_provident_fund: bool,
}

fn one_of(v: &Option<String>, allowed: &[&str], field: &str, label: &str) -> ApiResult<()> {
    match v.as_deref() {
        None | Some("") => Ok(()),
        Some(s) if allowed.contains(&s) => Ok(()),
        Some(s) => Err(ApiError::bad_request(
            "invalid_field",
            format!(
                "{label}“{s}”无效，应为 {} 之一 ({field} must be one of {})",
                allowed.join("、"),
                allowed.join(", ")
            ),
        )
        .field(field)),
    }
}

impl SubsidyFacts {
    /// The household contract JSON the engine reads. Age and sex play no
    /// part in these programmes, so the applicant carries a fixed adult
    /// birth date and sex that no programme rule reads.
    pub fn household(&self) -> ApiResult<Value> {
        one_of(
            &self.degree,
            &["phd", "master", "bachelor"],
            "degree",
            "学历",
        )?;
        one_of(
            &self.university,
            &["top", "first_tier", "other"],
            "university",
            "毕业院校类别",
        )?;
        let blank = |v: &Option<String>| v.clone().filter(|s| !s.is_empty());
        let mut members = vec![json!({
            "relation": "applicant", "birth_date": "1990-01-01", "sex": "male",
            "married": self.married,
            "employment": if self.employed_in_city { "employee" } else { "unemployed" },
            "labor_contract": self.employed_in_city,
            "degree": blank(&self.degree), "university": blank(&self.university),
            "service_pledge_years": self.service_pledge_years,
            "provident_fund": self.provident_fund,
        })];
        if self.married {
            members.push(json!({
                "relation": "spouse", "birth_date": "1990-01-01", "sex": "female",
                "married": true, "provident_fund": self.spouse_provident_fund,
            }));
        }
        let benefits: Vec<&str> = if self.in_talent_apartment {
            vec!["talent_apartment"]
        } else {
            vec![]
        };
        Ok(json!({
            "id": "self-check", "region": "140300",
            "members": members,
            "housing": { "owned_homes": self.homes_owned },
            "current_benefits": benefits,
        }))
    }
}

/// A programme's self-check result: the award and the engine's decision.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct CheckResult {
    pub programme: ProgrammeId,
    /// What the decision grants, or null.
    pub award: Option<Award>,
    /// The engine's decision (the eligibility contract's shape).
    #[schema(value_type = Object)]
    pub decision: Value,
}

/// The three shipped programmes, loaded once.
pub fn programmes() -> ApiResult<&'static [Programme]> {
    static P: OnceLock<Result<Vec<Programme>, String>> = OnceLock::new();
    P.get_or_init(|| {
        ProgrammeId::ALL
            .into_iter()
            .map(|id| Programme::builtin(id).map_err(|e| e.to_string()))
            .collect()
    })
    .as_ref()
    .map(Vec::as_slice)
    .map_err(|e| ApiError::internal(e.clone()))
}

pub fn programme(id: ProgrammeId) -> ApiResult<&'static Programme> {
    programmes()?
        .iter()
        .find(|p| p.id == id)
        .ok_or_else(|| ApiError::internal(format!("programme {} missing", id.as_str())))
}

pub fn check(id: ProgrammeId, facts: &SubsidyFacts, today: NaiveDate) -> ApiResult<CheckResult> {
    let household = facts.household()?;
    let bytes = serde_json::to_vec(&household).map_err(|e| ApiError::internal(e.to_string()))?;
    let d = programme(id)?
        .decide_json(&bytes, today)
        .map_err(|e| ApiError::bad_request("invalid_facts", e.to_string()))?;
    Ok(CheckResult {
        programme: id,
        award: d.award,
        decision: d.decision,
    })
}

// ------------------------------------------------------------ calculators

fn yuan(s: &str, field: &str, label: &str) -> ApiResult<Fen> {
    Fen::parse_yuan(s)
        .map_err(|e| ApiError::bad_request("invalid_amount", format!("{label}：{e}")).field(field))
}

fn area(s: &str, field: &str, label: &str) -> ApiResult<Area> {
    Area::parse_m2(s)
        .map_err(|e| ApiError::bad_request("invalid_area", format!("{label}：{e}")).field(field))
}

fn whole(s: &str, field: &str, label: &str) -> ApiResult<u32> {
    s.trim().parse::<u32>().map_err(|_| {
        ApiError::bad_request(
            "invalid_number",
            format!("{label}“{}”不是非负整数 (not a whole number)", s.trim()),
        )
        .field(field)
    })
}

/// Minimum down payment.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DownPaymentRequest {
    pub city: City,
    pub home_type: HomeType,
    pub loan: LoanKind,
    /// Price in yuan, e.g. "850000" or "850000.50".
    pub price_yuan: String,
    /// Homes the family owns (in the district, for Ordos provident-fund loans).
    #[serde(default)]
    pub homes_owned: u32,
    /// Every loan on the homes owned is paid off.
    #[serde(default)]
    pub loans_paid_off: bool,
}

pub fn down_payment(r: &DownPaymentRequest, today: NaiveDate) -> ApiResult<DownPayment> {
    Ok(finance::down_payment(&Purchase {
        city: r.city,
        home_type: r.home_type,
        loan: r.loan,
        price: yuan(&r.price_yuan, "price_yuan", "房价")?,
        homes_owned: r.homes_owned,
        loans_paid_off: r.loans_paid_off,
        on: today,
    }))
}

/// Combined provident-fund and commercial loan.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoanSplitRequest {
    pub city: City,
    pub home_type: HomeType,
    pub price_yuan: String,
    pub down_payment_yuan: String,
    /// The fund centre's loan ceiling for this buyer, in yuan.
    pub provident_fund_cap_yuan: String,
    #[serde(default)]
    pub homes_owned: u32,
    #[serde(default)]
    pub loans_paid_off: bool,
}

pub fn loan_split(r: &LoanSplitRequest, today: NaiveDate) -> ApiResult<LoanSplit> {
    let price = yuan(&r.price_yuan, "price_yuan", "房价")?;
    let down = yuan(&r.down_payment_yuan, "down_payment_yuan", "首付款")?;
    let cap = yuan(
        &r.provident_fund_cap_yuan,
        "provident_fund_cap_yuan",
        "公积金贷款额度",
    )?;
    let min = finance::down_payment(&Purchase {
        city: r.city,
        home_type: r.home_type,
        loan: LoanKind::Commercial,
        price,
        homes_owned: r.homes_owned,
        loans_paid_off: r.loans_paid_off,
        on: today,
    })
    .min_amount;
    finance::loan_split(price, down, min, cap).map_err(|e| {
        ApiError::bad_request("invalid_down_payment", e.to_string()).field("down_payment_yuan")
    })
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DeedTaxRequest {
    pub city: City,
    pub price_yuan: String,
    /// Floor area in m², e.g. "89.5".
    pub area_m2: String,
}

pub fn deed_tax(r: &DeedTaxRequest, today: NaiveDate) -> ApiResult<DeedTax> {
    Ok(finance::deed_tax(
        r.city,
        yuan(&r.price_yuan, "price_yuan", "房价")?,
        area(&r.area_m2, "area_m2", "建筑面积")?,
        today,
    ))
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RentalTaxRequest {
    /// Rental homes (rooms) held or run.
    pub homes: u32,
    /// Their floor area in m², e.g. "15000".
    pub area_m2: String,
}

pub fn rental_tax(r: &RentalTaxRequest, today: NaiveDate) -> ApiResult<RentalTax> {
    let a = if r.area_m2.trim().is_empty() || r.area_m2.trim() == "0" {
        0
    } else {
        area(&r.area_m2, "area_m2", "建筑面积")?.centi_m2()
    };
    Ok(finance::rental_property_tax(r.homes, a, today))
}

#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TalentPriceRequest {
    pub kind: TalentHomeKind,
    pub cost_yuan: String,
    pub area_m2: String,
}

pub fn talent_price(r: &TalentPriceRequest, today: NaiveDate) -> ApiResult<TalentPrice> {
    finance::talent_price(
        r.kind,
        yuan(&r.cost_yuan, "cost_yuan", "成本价")?,
        area(&r.area_m2, "area_m2", "建筑面积")?,
        today,
    )
    .map_err(|e| {
        let c = e.citation();
        ApiError::bad_request(
            "invalid_area",
            format!("{e}（{} {}）", c.document, c.article),
        )
        .field("area_m2")
    })
}

/// Parses a whole number from a form field (pages).
pub fn form_whole(s: Option<&str>, field: &str, label: &str) -> ApiResult<u32> {
    match s.map(str::trim) {
        None | Some("") => Ok(0),
        Some(v) => whole(v, field, label),
    }
}
