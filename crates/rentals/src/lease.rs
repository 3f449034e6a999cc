//! Lease terms (八、(二)1–2): the contract's dates, the payment cycle and
//! the periods it charges, the statuses, and renewal only after a fresh
//! eligibility check.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

/// How often rent is paid (八、(二)2: monthly or quarterly).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cycle {
    Monthly,
    Quarterly,
}

impl Cycle {
    pub fn months(self) -> u32 {
        match self {
            Cycle::Monthly => 1,
            Cycle::Quarterly => 3,
        }
    }
    pub fn code(self) -> &'static str {
        match self {
            Cycle::Monthly => "monthly",
            Cycle::Quarterly => "quarterly",
        }
    }
    pub fn parse(s: &str) -> Option<Cycle> {
        match s {
            "monthly" => Some(Cycle::Monthly),
            "quarterly" => Some(Cycle::Quarterly),
            _ => None,
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            Cycle::Monthly => "按月",
            Cycle::Quarterly => "按季度",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Cycle::Monthly => "monthly",
            Cycle::Quarterly => "quarterly",
        }
    }
}

/// A lease's stored status. "Overstaying" is not stored: it is an ending
/// lease whose exit deadline has passed with the home not yet vacated
/// ([`LeaseStatus::shown`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaseStatus {
    /// In force.
    Active,
    /// Replaced by a renewal (a new lease linked to this one).
    Renewed,
    /// An exit notice is served; the 30 days run (八、(二)3).
    Ending,
    /// Closed: the home is vacated.
    Terminated,
}

impl LeaseStatus {
    pub fn code(self) -> &'static str {
        match self {
            LeaseStatus::Active => "active",
            LeaseStatus::Renewed => "renewed",
            LeaseStatus::Ending => "ending",
            LeaseStatus::Terminated => "terminated",
        }
    }
    pub fn parse(s: &str) -> Option<LeaseStatus> {
        Some(match s {
            "active" => LeaseStatus::Active,
            "renewed" => LeaseStatus::Renewed,
            "ending" => LeaseStatus::Ending,
            "terminated" => LeaseStatus::Terminated,
            _ => return None,
        })
    }
    /// The status as shown on a day: an ending lease past its deadline is
    /// "overstaying".
    pub fn shown(self, deadline: Option<NaiveDate>, today: NaiveDate) -> &'static str {
        match (self, deadline) {
            (LeaseStatus::Ending, Some(d)) if today > d => "overstaying",
            _ => self.code(),
        }
    }
    pub fn zh_of(shown: &str) -> &'static str {
        match shown {
            "active" => "履行中",
            "renewed" => "已续租",
            "ending" => "退出中",
            "overstaying" => "逾期未退出",
            "terminated" => "已终止",
            _ => "未知",
        }
    }
    pub fn en_of(shown: &str) -> &'static str {
        match shown {
            "active" => "in force",
            "renewed" => "renewed",
            "ending" => "leaving",
            "overstaying" => "overstaying",
            "terminated" => "ended",
            _ => "unknown",
        }
    }
}

/// What a lease says about money and time.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LeaseTerms {
    pub starts_on: NaiveDate,
    /// The last day of the lease.
    pub ends_on: NaiveDate,
    /// Monthly rent, fen.
    pub rent_fen: i64,
    pub cycle: Cycle,
}

/// The last day of a lease of `years` starting on `starts_on` (a 3-year
/// lease from 2026-03-01 ends on 2029-02-28).
pub fn lease_end(starts_on: NaiveDate, years: u32) -> Option<NaiveDate> {
    starts_on
        .checked_add_months(Months::new(years * 12))?
        .pred_opt()
}

/// One period's charge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeriodCharge {
    /// The period's first day, also its key within the lease.
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub due_on: NaiveDate,
    pub amount_fen: i64,
}

impl PeriodCharge {
    /// The ledger key of this charge: one per lease and period.
    pub fn key(&self, lease_id: &str) -> String {
        format!("charge:{lease_id}:{}", self.starts_on)
    }
}

/// The first day of the lease's `k`-th period (counted from the start
/// day each time, so 31 January gives 28/29 February, then 31 March).
fn period_start(t: &LeaseTerms, k: u32) -> Option<NaiveDate> {
    t.starts_on
        .checked_add_months(Months::new(k.checked_mul(t.cycle.months())?))
}

/// The periods of a lease that begin in the calendar month `year-month`
/// (zero or one), each charged on its first day and due `due_days` later.
/// The last period ends with the lease.
pub fn charges_in_month(t: &LeaseTerms, year: i32, month: u32, due_days: u32) -> Vec<PeriodCharge> {
    let Some(first) = NaiveDate::from_ymd_opt(year, month, 1) else {
        return Vec::new();
    };
    if first > t.ends_on {
        return Vec::new();
    }
    // Months between the lease's start month and this month.
    let diff = (year - t.starts_on.year()) * 12 + month as i32 - t.starts_on.month() as i32;
    if diff < 0 {
        return Vec::new();
    }
    let m = t.cycle.months() as i32;
    if diff % m != 0 {
        return Vec::new();
    }
    let k = (diff / m) as u32;
    let (Some(s), Some(next)) = (period_start(t, k), period_start(t, k + 1)) else {
        return Vec::new();
    };
    if s > t.ends_on || s.month() != month || s.year() != year {
        return Vec::new();
    }
    let e = next.pred_opt().unwrap_or(next).min(t.ends_on);
    let due_on = s + chrono::Duration::days(i64::from(due_days));
    vec![PeriodCharge {
        starts_on: s,
        ends_on: e,
        due_on,
        amount_fen: t.rent_fen * i64::from(t.cycle.months()),
    }]
}

/// Why a lease cannot be renewed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenewRefusal {
    #[error("只有履行中的租赁合同可以续租 (only a lease in force can be renewed)")]
    NotActive,
    #[error("租赁期已满（{0}），不能再续租，应办理退出 (the lease ended on {0}; it can no longer be renewed)")]
    Ended(NaiveDate),
    #[error("重新审核不符合保障条件，不能续租（八、(二)1“期满后符合条件的可继续承租”）(the fresh eligibility check says the family no longer qualifies)")]
    NotEligible,
}

/// Whether a lease may be renewed on `today` (八、(二)1: "期满后符合条件的可继续承租"):
/// it is in force, has not ended, and the eligibility rules decided afresh
/// today that the family qualifies. The new lease starts the day after
/// the old one ends.
pub fn may_renew(
    status: LeaseStatus,
    ends_on: NaiveDate,
    today: NaiveDate,
    eligible_today: bool,
) -> Result<NaiveDate, RenewRefusal> {
    if status != LeaseStatus::Active {
        return Err(RenewRefusal::NotActive);
    }
    if today > ends_on {
        return Err(RenewRefusal::Ended(ends_on));
    }
    if !eligible_today {
        return Err(RenewRefusal::NotEligible);
    }
    ends_on.succ_opt().ok_or(RenewRefusal::Ended(ends_on))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn terms(start: &str, cycle: Cycle) -> LeaseTerms {
        let s = d(start);
        LeaseTerms {
            starts_on: s,
            ends_on: lease_end(s, 3).unwrap(),
            rent_fen: 100_000,
            cycle,
        }
    }

    #[test]
    fn three_years_end_the_day_before() {
        assert_eq!(lease_end(d("2026-03-01"), 3), Some(d("2029-02-28")));
        assert_eq!(lease_end(d("2028-02-29"), 3), Some(d("2031-02-27")));
    }

    #[test]
    fn monthly_periods_one_per_month() {
        let t = terms("2026-01-31", Cycle::Monthly);
        let feb = charges_in_month(&t, 2026, 2, 10);
        assert_eq!(feb.len(), 1);
        assert_eq!(feb[0].starts_on, d("2026-02-28"));
        assert_eq!(feb[0].ends_on, d("2026-03-30"));
        assert_eq!(feb[0].due_on, d("2026-03-10"));
        let mar = charges_in_month(&t, 2026, 3, 10);
        assert_eq!(mar[0].starts_on, d("2026-03-31"));
        assert!(charges_in_month(&t, 2025, 12, 10).is_empty());
        // 36 periods in all.
        let mut n = 0;
        for y in 2025..2030 {
            for m in 1..=12 {
                n += charges_in_month(&t, y, m, 10).len();
            }
        }
        assert_eq!(n, 36);
    }

    #[test]
    fn quarterly_every_third_month_three_rents() {
        let t = terms("2026-02-15", Cycle::Quarterly);
        assert_eq!(charges_in_month(&t, 2026, 2, 10)[0].amount_fen, 300_000);
        assert!(charges_in_month(&t, 2026, 3, 10).is_empty());
        assert!(charges_in_month(&t, 2026, 4, 10).is_empty());
        assert_eq!(
            charges_in_month(&t, 2026, 5, 10)[0].ends_on,
            d("2026-08-14")
        );
    }

    #[test]
    fn renewal_only_in_force_and_eligible() {
        let end = d("2026-12-14");
        assert_eq!(
            may_renew(LeaseStatus::Active, end, d("2026-11-29"), true),
            Ok(d("2026-12-15"))
        );
        assert_eq!(
            may_renew(LeaseStatus::Active, end, d("2026-11-29"), false),
            Err(RenewRefusal::NotEligible)
        );
        assert_eq!(
            may_renew(LeaseStatus::Active, end, d("2026-12-15"), true),
            Err(RenewRefusal::Ended(end))
        );
        assert_eq!(
            may_renew(LeaseStatus::Ending, end, d("2026-11-29"), true),
            Err(RenewRefusal::NotActive)
        );
    }

    #[test]
    fn overstaying_is_shown_not_stored() {
        let dl = Some(d("2026-10-31"));
        assert_eq!(LeaseStatus::Ending.shown(dl, d("2026-10-31")), "ending");
        assert_eq!(
            LeaseStatus::Ending.shown(dl, d("2026-11-01")),
            "overstaying"
        );
        assert_eq!(LeaseStatus::Active.shown(None, d("2026-11-01")), "active");
    }
}
