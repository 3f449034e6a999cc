//! Payment schedules and the events that stop them.
//!
//! A decided award becomes a schedule of instalments; the store keeps them
//! as an append-only ledger (an instalment is recorded as paid, or a stop is
//! recorded, never edited). This module says which instalments a schedule
//! has and which a stop event cancels.

use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::cite::{self, Cite};
use crate::programme::{Award, Payment};
use crate::{Fen, Step};

/// One scheduled payment.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Instalment {
    /// 1-based.
    pub seq: u32,
    pub due: NaiveDate,
    pub amount: Fen,
}

/// The schedule of `award` starting on `start` (the first payment's date).
/// Monthly payments fall on the same day of each following month; a day the
/// month lacks (31 January → February) falls on its last day. A yearly
/// entitlement has one instalment: the withdrawal the decision allows.
pub fn schedule(award: &Award, start: NaiveDate) -> Vec<Instalment> {
    match award.payment {
        Payment::OneOff | Payment::Yearly { .. } => vec![Instalment {
            seq: 1,
            due: start,
            amount: award.amount,
        }],
        Payment::Monthly { months } => (0..months)
            .filter_map(|k| {
                start
                    .checked_add_months(Months::new(k))
                    .map(|due| Instalment {
                        seq: k + 1,
                        due,
                        amount: award.amount,
                    })
            })
            .collect(),
    }
}

/// What ends a running subsidy.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StopReason {
    /// Left the city's employ (the programme pays people who work here).
    LeftEmploy,
    /// Qualified for allocation-for-sale affordable housing: the talent
    /// subsidy stops within 90 days (001 art. 10(2)4).
    QualifiedAffordable,
    /// Bought a home: a rent subsidy is for renting.
    BoughtHome,
}

impl StopReason {
    pub const ALL: [StopReason; 3] = [
        StopReason::LeftEmploy,
        StopReason::QualifiedAffordable,
        StopReason::BoughtHome,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            StopReason::LeftEmploy => "left_employ",
            StopReason::QualifiedAffordable => "qualified_affordable",
            StopReason::BoughtHome => "bought_home",
        }
    }
    pub fn parse(s: &str) -> Option<StopReason> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            StopReason::LeftEmploy => "离开本市工作",
            StopReason::QualifiedAffordable => "取得配售型保障性住房配售资格",
            StopReason::BoughtHome => "购买住房",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            StopReason::LeftEmploy => "left employment in the city",
            StopReason::QualifiedAffordable => "qualified for an affordable home",
            StopReason::BoughtHome => "bought a home",
        }
    }
}

/// The days after qualifying within which the talent subsidy must stop.
pub const VACATE_DAYS: u64 = 90;

/// When a stop takes effect and why, cited.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stop {
    pub reason: StopReason,
    /// The date of the event.
    pub event_on: NaiveDate,
    /// No instalment due after this day is paid.
    pub last_payable: NaiveDate,
    pub step: Step,
}

/// The stop of a running subsidy by `reason` on `event_on`.
///
/// Interpretations (docs/subsidies.md):
/// - leaving the employ or buying a home: nothing due after the event day;
/// - qualifying for affordable housing: 10(2)4 allows 90 days, so instalments
///   due on or before the 90th day after qualifying are still paid, and none
///   after it (the subsidy is "stopped within 90 days", not retroactively).
pub fn stop(reason: StopReason, event_on: NaiveDate) -> Stop {
    let (last_payable, step) = match reason {
        StopReason::QualifiedAffordable => {
            let last = event_on
                .checked_add_days(chrono::Days::new(VACATE_DAYS))
                .unwrap_or(event_on);
            (
                last,
                Step::new(
                    format!("{event_on} 取得配售资格，应在 90 日内（至 {last}）停止发放人才租房补助"),
                    format!("qualified on {event_on}: the talent subsidy stops within 90 days (by {last})"),
                    cite::YQ_VACATE_90_DAYS,
                ),
            )
        }
        StopReason::LeftEmploy | StopReason::BoughtHome => (
            event_on,
            Step::new(
                format!("{event_on} {}，此后不再发放", reason.label_zh()),
                format!(
                    "{} on {event_on}: nothing is paid after that day",
                    reason.label_en()
                ),
                stop_cite(reason),
            ),
        ),
    };
    Stop {
        reason,
        event_on,
        last_payable,
        step,
    }
}

fn stop_cite(reason: StopReason) -> Cite {
    match reason {
        StopReason::QualifiedAffordable => cite::YQ_VACATE_90_DAYS,
        // The subsidy is for talent "到我市工作" who rent: the programme's
        // own condition, which ceases to hold.
        StopReason::LeftEmploy | StopReason::BoughtHome => cite::YQ_TALENT_SERVICE,
    }
}

/// The instalments a stop cancels: those due after its last payable day
/// and not yet paid.
pub fn cancelled<'a>(
    instalments: &'a [Instalment],
    paid: &[u32],
    stop: &Stop,
) -> Vec<&'a Instalment> {
    instalments
        .iter()
        .filter(|i| i.due > stop.last_payable && !paid.contains(&i.seq))
        .collect()
}

/// The calendar year of a date, for the once-a-year withdrawal.
pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}
