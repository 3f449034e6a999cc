//! Leaving a rental home (八、(二)3): the three grounds, the 30-day
//! deadline, overstay charged day by day at market rent across month
//! ends, and the dishonesty list for serious cases.

use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// The three exit grounds of 八、(二)3.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ExitGround {
    /// 承租人不再符合保障条件.
    NoLongerEligible,
    /// 租赁期满未续租.
    LeaseEnded,
    /// 违规使用房源.
    Misuse,
}

impl ExitGround {
    pub const ALL: [ExitGround; 3] = [
        ExitGround::NoLongerEligible,
        ExitGround::LeaseEnded,
        ExitGround::Misuse,
    ];
    pub fn code(self) -> &'static str {
        match self {
            ExitGround::NoLongerEligible => "ineligible",
            ExitGround::LeaseEnded => "lease_ended",
            ExitGround::Misuse => "misuse",
        }
    }
    pub fn parse(s: &str) -> Option<ExitGround> {
        ExitGround::ALL.into_iter().find(|g| g.code() == s)
    }
    pub fn zh(self) -> &'static str {
        match self {
            ExitGround::NoLongerEligible => "承租人不再符合保障条件",
            ExitGround::LeaseEnded => "租赁期满未续租",
            ExitGround::Misuse => "违规使用房源",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            ExitGround::NoLongerEligible => "the tenant no longer qualifies",
            ExitGround::LeaseEnded => "the lease ended and was not renewed",
            ExitGround::Misuse => "the home was misused",
        }
    }
}

/// The last day to leave: the period starts the day after notice (the
/// day of notice does not count), so day 30 is `notified_on + 30`.
pub fn exit_deadline(notified_on: NaiveDate, days: u32) -> NaiveDate {
    notified_on + chrono::Duration::days(i64::from(days))
}

/// One calendar month of overstay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OverstayMonth {
    /// First day of the calendar month.
    pub month: NaiveDate,
    pub first: NaiveDate,
    pub last: NaiveDate,
    pub days: u32,
    pub days_in_month: u32,
    /// market monthly rent × days ÷ days in the month, half a fen up.
    pub amount_fen: i64,
}

/// One overstay day's charge in a month (for showing the figure).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct OverstayDay {
    pub days_in_month: u32,
    /// Per day, rounded to the fen (shown; the month sum is rounded once).
    pub per_day_fen: i64,
}

pub fn days_in_month(year: i32, month: u32) -> u32 {
    let first = NaiveDate::from_ymd_opt(year, month, 1);
    let next = first.and_then(|f| f.checked_add_months(Months::new(1)));
    match (first, next) {
        (Some(f), Some(n)) => (n - f).num_days() as u32,
        _ => 30,
    }
}

/// The daily overstay charge in a month of `dim` days, to the fen.
pub fn per_day(market_monthly_fen: i64, dim: u32) -> OverstayDay {
    let d = i64::from(dim.max(1));
    OverstayDay {
        days_in_month: dim,
        per_day_fen: (market_monthly_fen * 2 + d) / (2 * d),
    }
}

/// Overstay charges for the days after `deadline` up to and including
/// `through`, one per calendar month: each day at the market rent of the
/// home (monthly market rent ÷ the days of that month), the month's sum
/// rounded once, half a fen up.
pub fn overstay_charges(
    deadline: NaiveDate,
    through: NaiveDate,
    market_monthly_fen: i64,
) -> Vec<OverstayMonth> {
    let mut out = Vec::new();
    let Some(mut first) = deadline.succ_opt() else {
        return out;
    };
    while first <= through {
        let dim = days_in_month(first.year(), first.month());
        let month = first.with_day(1).unwrap_or(first);
        let month_last = month
            .checked_add_months(Months::new(1))
            .and_then(|n| n.pred_opt())
            .unwrap_or(first);
        let last = month_last.min(through);
        let days = (last - first).num_days() as u32 + 1;
        let n = i128::from(market_monthly_fen) * i128::from(days);
        let d = i128::from(dim);
        let amount = (n * 2 + d) / (2 * d);
        out.push(OverstayMonth {
            month,
            first,
            last,
            days,
            days_in_month: dim,
            amount_fen: i64::try_from(amount).unwrap_or(i64::MAX),
        });
        match last.succ_opt() {
            Some(n) => first = n,
            None => break,
        }
    }
    out
}

/// The day a dishonesty-list entry stops barring applications: the same
/// day `years` later (29 February → 28 February).
pub fn listed_until(listed_on: NaiveDate, years: u32) -> NaiveDate {
    listed_on
        .checked_add_months(Months::new(years * 12))
        .unwrap_or(listed_on)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn thirty_days_from_the_day_after_notice() {
        assert_eq!(exit_deadline(d("2026-10-01"), 30), d("2026-10-31"));
        assert_eq!(exit_deadline(d("2026-02-01"), 30), d("2026-03-03"));
    }

    #[test]
    fn no_charge_until_after_the_deadline() {
        assert!(overstay_charges(d("2026-10-31"), d("2026-10-31"), 300_000).is_empty());
    }

    #[test]
    fn overstay_across_month_ends() {
        // Deadline 2026-01-30; stays until 2026-03-02.
        // January: 31st only, 1 day of 31: 310000/31 = 10000.
        // February 2026: 28 days of 28: the full month 280000.
        // March: 1st–2nd, 2 days of 31: 2 × 310000 / 31 = 20000.
        let c = overstay_charges(d("2026-01-30"), d("2026-03-02"), 310_000);
        let got: Vec<(u32, u32, i64)> = c
            .iter()
            .map(|m| (m.days, m.days_in_month, m.amount_fen))
            .collect();
        assert_eq!(
            got,
            vec![(1, 31, 10_000), (28, 28, 310_000), (2, 31, 20_000)]
        );
        assert_eq!(c[1].first, d("2026-02-01"));
        assert_eq!(c[1].last, d("2026-02-28"));
    }

    #[test]
    fn leap_february_has_29_days() {
        let c = overstay_charges(d("2028-02-27"), d("2028-02-29"), 290_000);
        assert_eq!(c.len(), 1);
        assert_eq!(
            (c[0].days, c[0].days_in_month, c[0].amount_fen),
            (2, 29, 20_000)
        );
    }

    #[test]
    fn a_month_sum_is_rounded_once() {
        // 100000 / 30 × 7 = 23333.33… → 23333.
        let c = overstay_charges(d("2026-06-03"), d("2026-06-10"), 100_000);
        assert_eq!(c[0].amount_fen, 23_333);
        assert_eq!(per_day(100_000, 30).per_day_fen, 3_333);
    }

    #[test]
    fn listed_for_three_years() {
        assert_eq!(listed_until(d("2026-11-29"), 3), d("2029-11-29"));
        assert_eq!(listed_until(d("2028-02-29"), 3), d("2031-02-28"));
    }

    #[test]
    fn ground_codes_round_trip() {
        for g in ExitGround::ALL {
            assert_eq!(ExitGround::parse(g.code()), Some(g));
        }
    }
}
