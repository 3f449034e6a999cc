//! The demand survey: a dated, frozen count of the waitlists per district,
//! size band and priority tier (families by category, tier, size, layout
//! and location preference), and the supply it is compared with.

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

use crate::screen::Band;

/// One family on a waitlist as the survey counts it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Waiting {
    pub district: String,
    /// 1 = first served (e.g. no home and low income, or talent), 2, 3.
    pub tier: u8,
    pub category: String,
    pub band: Band,
    pub layout: String,
}

/// Families per tier (index 0 = tier 1).
pub type TierCounts = [u64; 3];

/// A frozen survey: counts per (district, band) and tier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    pub taken_on: NaiveDate,
    pub demand: BTreeMap<(String, Band), TierCounts>,
    /// Families per (district, category): the survey's table.
    pub by_category: BTreeMap<(String, String), u64>,
    /// Families per (district, layout preference).
    pub by_layout: BTreeMap<(String, String), u64>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SurveyError {
    #[error(
        "第 {index} 户的轮候层级 {tier} 无效，应为 1–3 (tier {tier} of entry {index} not 1–3)"
    )]
    BadTier { index: usize, tier: u8 },
    #[error(
        "上次摸排 {last} 后未满 {months} 个月，下次最早 {next} (the next survey is due on {next})"
    )]
    TooSoon {
        last: NaiveDate,
        months: u32,
        next: NaiveDate,
    },
}

impl Survey {
    /// Counts the waitlists as of `taken_on`.
    pub fn take(taken_on: NaiveDate, waiting: &[Waiting]) -> Result<Survey, SurveyError> {
        let mut demand: BTreeMap<(String, Band), TierCounts> = BTreeMap::new();
        let mut by_category = BTreeMap::new();
        let mut by_layout = BTreeMap::new();
        for (index, w) in waiting.iter().enumerate() {
            if !(1..=3).contains(&w.tier) {
                return Err(SurveyError::BadTier {
                    index,
                    tier: w.tier,
                });
            }
            demand.entry((w.district.clone(), w.band)).or_default()[usize::from(w.tier - 1)] += 1;
            *by_category
                .entry((w.district.clone(), w.category.clone()))
                .or_insert(0) += 1;
            *by_layout
                .entry((w.district.clone(), w.layout.clone()))
                .or_insert(0) += 1;
        }
        Ok(Survey {
            taken_on,
            demand,
            by_category,
            by_layout,
        })
    }

    /// Families in all tiers.
    pub fn total(&self) -> u64 {
        self.demand.values().flatten().sum()
    }

    /// Families per district (all bands, all tiers), for the chart.
    pub fn per_district(&self) -> BTreeMap<String, u64> {
        let mut m = BTreeMap::new();
        for ((d, _), t) in &self.demand {
            *m.entry(d.clone()).or_insert(0) += t.iter().sum::<u64>();
        }
        m
    }
}

/// Whether a new survey may be frozen: the cadence (months) after the last.
/// The day the cadence ends is allowed.
pub fn next_survey_due(last: NaiveDate, months: u32) -> NaiveDate {
    last.checked_add_months(Months::new(months)).unwrap_or(last)
}

pub fn may_take(last: Option<NaiveDate>, months: u32, on: NaiveDate) -> Result<(), SurveyError> {
    match last {
        Some(l) if on < next_survey_due(l, months) => Err(SurveyError::TooSoon {
            last: l,
            months,
            next: next_survey_due(l, months),
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn counts_by_district_band_and_tier() {
        let w = |district: &str, tier, band| Waiting {
            district: district.into(),
            tier,
            category: "工薪".into(),
            band,
            layout: "两室".into(),
        };
        let s = Survey::take(
            d("2026-06-30"),
            &[
                w("城区", 1, Band::Main),
                w("城区", 1, Band::Main),
                w("城区", 3, Band::Main),
                w("郊区", 2, Band::Small),
            ],
        )
        .unwrap();
        assert_eq!(s.demand[&("城区".to_string(), Band::Main)], [2, 0, 1]);
        assert_eq!(s.total(), 4);
        assert_eq!(s.per_district()["郊区"], 1);
        assert!(Survey::take(d("2026-06-30"), &[w("城区", 4, Band::Main)]).is_err());
    }

    #[test]
    fn half_yearly_boundary() {
        assert!(may_take(Some(d("2026-01-15")), 6, d("2026-07-14")).is_err());
        assert!(may_take(Some(d("2026-01-15")), 6, d("2026-07-15")).is_ok());
        assert!(may_take(None, 6, d("2026-07-14")).is_ok());
    }
}
