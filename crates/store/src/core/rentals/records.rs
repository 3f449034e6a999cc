//! What the rentals store keeps and returns.

#![allow(missing_docs)]

use chrono::NaiveDate;

/// A home the company holds for rent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentHomeRecord {
    pub id: String,
    pub district: String,
    pub address: String,
    /// Floor area in hundredths of a m².
    pub area_centi: i64,
    pub rooms: String,
    /// `bought_back`, `acquired` or `moved_from_sale`.
    pub source: String,
    /// The city's approval for a home moved from sale.
    pub approval_ref: Option<String>,
    /// The pool home (buyback id) it came from, when bought back.
    pub pool_ref: Option<String>,
    pub purchase_fen: Option<i64>,
    pub appraisal_fen: Option<i64>,
    /// `available`, `offered` or `let`.
    pub state: String,
    pub created_by: String,
    pub created_at: String,
}

/// Market-rent evidence for a home, in force from a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurveyRecord {
    pub id: String,
    pub home_id: String,
    pub effective_from: NaiveDate,
    pub surveyed_on: NaiveDate,
    /// `survey` or `appraisal`.
    pub method: String,
    pub source: String,
    /// The comparable homes, as written.
    pub comparables: String,
    pub per_m2_fen: i64,
    pub created_by: String,
    pub created_at: String,
}

/// An offer of a home to a family on the waitlist.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferRecord {
    pub id: String,
    pub home_id: String,
    pub application_id: String,
    pub district: String,
    pub offered_on: NaiveDate,
    /// `offered`, `accepted` or `refused`.
    pub status: String,
    pub decided_on: Option<NaiveDate>,
    pub note: String,
    pub created_by: String,
    pub created_at: String,
    /// From the application (masked): 张*明.
    pub masked_name: Option<String>,
}

/// A lease contract.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaseRecord {
    pub id: String,
    pub home_id: String,
    pub application_id: String,
    pub offer_id: Option<String>,
    pub renews_id: Option<String>,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub rent_fen: i64,
    pub market_monthly_fen: i64,
    pub per_m2_fen: i64,
    pub survey_id: String,
    pub deposit_fen: i64,
    /// `monthly` or `quarterly`.
    pub cycle: String,
    /// `active`, `renewed`, `ending` or `terminated`.
    pub status: String,
    pub exit_ground: Option<String>,
    pub exit_notified_on: Option<NaiveDate>,
    pub exit_deadline: Option<NaiveDate>,
    pub vacated_on: Option<NaiveDate>,
    pub serious_code: Option<String>,
    pub end_reason: Option<String>,
    pub created_by: String,
    pub created_at: String,
    pub updated_at: String,
    /// From the application (masked), and who owns it.
    pub masked_name: Option<String>,
    pub owner_user_id: Option<String>,
    pub address: Option<String>,
    pub district: Option<String>,
}

/// One ledger entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRow {
    pub key: String,
    pub lease_id: String,
    pub kind: String,
    pub amount_fen: i64,
    pub on_date: NaiveDate,
    pub due_on: Option<NaiveDate>,
    pub covers_to: Option<NaiveDate>,
    pub reason: String,
    pub approver: String,
    pub recorded_by: String,
    pub at: String,
}

/// A lease's exit notice.
#[derive(Debug, Clone)]
pub struct ExitNotice {
    pub ground: String,
    pub notified_on: NaiveDate,
    pub deadline: NaiveDate,
    pub reason: String,
}

/// Closing a lease: the day the home was vacated, overstay entries to
/// append, and the dishonesty-list entry for a serious case.
#[derive(Debug, Clone)]
pub struct LeaseClose {
    pub vacated_on: NaiveDate,
    pub entries: Vec<LedgerRow>,
    pub listing: Option<Listing>,
}

/// A dishonesty-list entry (八、(二)3).
#[derive(Debug, Clone)]
pub struct Listing {
    pub case_code: String,
    pub listed_on: NaiveDate,
    pub until_on: NaiveDate,
}

/// The terms the charge batch needs of a lease in force.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChargeableLease {
    pub id: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub rent_fen: i64,
    pub cycle: String,
    /// A leaving lease's exit deadline (no rent period starts after it).
    pub exit_deadline: Option<NaiveDate>,
    /// The market rent per month, for overstay.
    pub market_monthly_fen: i64,
    pub status: String,
}

/// A listing on the dishonesty list, as the pages show it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListingRecord {
    pub application_id: String,
    pub lease_id: String,
    pub listed_on: NaiveDate,
    pub until_on: NaiveDate,
    pub case_code: String,
    pub members: i64,
}
