//! The records of held homes as the store returns them.

// Field names say what they hold; the types carry the rest.
#![allow(missing_docs)]

use anju_allotment::{Fen, Home};
use anju_domain::Department;
use anju_holdings::{BuybackCase, BuybackStatus, CaseStatus, Finding, Flag, ReviewState};
use chrono::NaiveDate;

use super::super::{corrupt, parse_date};
use crate::sql::Row;
use crate::Result;

/// Where a sold home stands now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HoldingState {
    /// The family holds it.
    Held,
    /// A buyback is open.
    Buyback,
    /// Bought back: the company holds it again.
    Returned,
}

impl HoldingState {
    pub fn code(self) -> &'static str {
        match self {
            HoldingState::Held => "held",
            HoldingState::Buyback => "buyback",
            HoldingState::Returned => "returned",
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            HoldingState::Held => "持有中",
            HoldingState::Buyback => "回购办理中",
            HoldingState::Returned => "已回购",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            HoldingState::Held => "Held by the family",
            HoldingState::Buyback => "Buyback in progress",
            HoldingState::Returned => "Bought back",
        }
    }
}

/// One home of the holder register: title, contract, price, holder
/// (masked), and where it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct HolderRecord {
    pub project_id: String,
    pub project_name: String,
    pub district: String,
    pub home: Home,
    pub price: Fen,
    pub application_id: String,
    pub contract_no: String,
    pub signed_on: NaiveDate,
    pub certificate_no: String,
    pub annotation: String,
    pub registered_on: NaiveDate,
    pub masked_name: Option<String>,
    pub masked_id: Option<String>,
    pub state: HoldingState,
}

/// Filters of the register; `after` is the keyset cursor (project, home).
#[derive(Debug, Clone, Default)]
pub struct RegisterFilter {
    pub district: Option<String>,
    /// Only these districts (a district-scoped official's).
    pub districts: Option<Vec<String>>,
    pub project_id: Option<String>,
    pub home_id: Option<String>,
    pub application_id: Option<String>,
    pub after: Option<(String, String)>,
}

/// A yearly campaign with its progress.
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignRecord {
    pub id: String,
    pub year: i32,
    pub district: String,
    pub due_on: NaiveDate,
    pub total: u64,
    pub pending: u64,
    pub clear: u64,
    pub flagged: u64,
    pub opened_at: String,
    pub opened_by: String,
}

/// One home in a campaign.
#[derive(Debug, Clone, PartialEq)]
pub struct ReviewRecord {
    pub campaign_id: String,
    pub project_id: String,
    pub home_id: String,
    pub application_id: String,
    pub answered: Vec<Department>,
    pub state: ReviewState,
}

/// A finding with its evidence.
#[derive(Debug, Clone, PartialEq)]
pub struct FindingRecord {
    pub id: String,
    pub project_id: String,
    pub home_id: String,
    pub campaign_id: Option<String>,
    pub finding: Finding,
    /// A department code, or `report`.
    pub source: String,
    pub evidence: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

/// A case on the enforcement ladder.
#[derive(Debug, Clone, PartialEq)]
pub struct CaseRecord {
    pub id: String,
    pub project_id: String,
    pub home_id: String,
    pub flag: Flag,
    pub status: CaseStatus,
    pub campaign_id: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub buyback_id: Option<String>,
    pub opened_at: String,
    pub updated_at: String,
}

/// A buyback.
#[derive(Debug, Clone, PartialEq)]
pub struct BuybackRecord {
    pub id: String,
    pub project_id: String,
    pub home_id: String,
    pub application_id: String,
    pub case: BuybackCase,
    pub status: BuybackStatus,
    pub applied_on: NaiveDate,
    pub exit_by: Option<NaiveDate>,
    /// The family's or the company's reason and evidence, as written.
    pub reason: String,
    pub appraisal_json: Option<String>,
    pub price_json: Option<String>,
    pub price: Option<Fen>,
    pub vacated_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub title_returned_on: Option<NaiveDate>,
    pub certificate_no: Option<String>,
    pub case_id: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
}

/// A step of a case or buyback.
#[derive(Debug, Clone, PartialEq)]
pub struct StepRecord {
    pub seq: i64,
    pub step: String,
    pub note: String,
    pub actor: String,
    pub on_date: NaiveDate,
    pub at: String,
}

/// What a step record says, before it has a number.
#[derive(Debug, Clone, PartialEq)]
pub struct NewStep {
    pub step: String,
    pub note: String,
    pub actor: String,
    pub on_date: NaiveDate,
}

/// A home back in the company's hands.
#[derive(Debug, Clone, PartialEq)]
pub struct PoolHomeRecord {
    pub project_id: String,
    pub home_id: String,
    pub source: String,
    pub buyback_id: String,
    pub returned_on: NaiveDate,
    /// `available` or `taken`.
    pub state: String,
    /// The project that took it.
    pub taken_by: Option<String>,
    pub home: Option<Home>,
    pub district: Option<String>,
}

pub(super) fn opt_date(r: &Row, col: &str) -> Result<Option<NaiveDate>> {
    r.opt_text(col)?.map(|s| parse_date(&s)).transpose()
}

pub(super) fn case_from_row(r: &Row) -> Result<CaseRecord> {
    Ok(CaseRecord {
        id: r.text("id")?,
        project_id: r.text("project_id")?,
        home_id: r.text("home_id")?,
        flag: Flag::parse(&r.text("flag")?).ok_or_else(|| corrupt("flag"))?,
        status: CaseStatus::parse(&r.text("status")?).ok_or_else(|| corrupt("case status"))?,
        campaign_id: r.opt_text("campaign_id")?,
        deadline: opt_date(r, "deadline")?,
        buyback_id: r.opt_text("buyback_id")?,
        opened_at: r.text("opened_at")?,
        updated_at: r.text("updated_at")?,
    })
}

pub(super) fn buyback_from_row(r: &Row) -> Result<BuybackRecord> {
    Ok(BuybackRecord {
        id: r.text("id")?,
        project_id: r.text("project_id")?,
        home_id: r.text("home_id")?,
        application_id: r.text("application_id")?,
        case: BuybackCase::parse(&r.text("case_code")?).ok_or_else(|| corrupt("case_code"))?,
        status: BuybackStatus::parse(&r.text("status")?)
            .ok_or_else(|| corrupt("buyback status"))?,
        applied_on: parse_date(&r.text("applied_on")?)?,
        exit_by: opt_date(r, "exit_by")?,
        reason: r.text("reason")?,
        appraisal_json: r.opt_text("appraisal_json")?,
        price_json: r.opt_text("price_json")?,
        price: r
            .opt_int("price_fen")?
            .map(|v| u64::try_from(v).map(Fen::new).map_err(corrupt))
            .transpose()?,
        vacated_on: opt_date(r, "vacated_on")?,
        paid_on: opt_date(r, "paid_on")?,
        title_returned_on: opt_date(r, "title_returned_on")?,
        certificate_no: r.opt_text("certificate_no")?,
        case_id: r.opt_text("case_id")?,
        created_by: r.text("created_by")?,
        created_at: r.text("created_at")?,
        updated_at: r.text("updated_at")?,
    })
}

pub(super) fn finding_from_row(r: &Row) -> Result<FindingRecord> {
    Ok(FindingRecord {
        id: r.text("id")?,
        project_id: r.text("project_id")?,
        home_id: r.text("home_id")?,
        campaign_id: r.opt_text("campaign_id")?,
        finding: Finding::parse(&r.text("finding")?).ok_or_else(|| corrupt("finding"))?,
        source: r.text("source")?,
        evidence: r.text("evidence")?,
        recorded_by: r.text("recorded_by")?,
        recorded_at: r.text("recorded_at")?,
    })
}
