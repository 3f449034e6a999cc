//! The destocking period (去化周期): unsold stock ÷ average monthly sales.
//!
//! Formula (docs/market.md): for a district and a month M, with window N
//! (the rules file's `destocking_window_months` on M's last day),
//! `period = inventory at the end of M × N ÷ (sales of M and the N−1 months
//! before)`. Interpretation: with fewer than N months of sales on record the
//! period is not computed ("数据不足") rather than averaged over fewer
//! months, because a short window overstates a seasonal month.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;

use crate::units::{Area, Months};

/// A calendar month.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    pub year: i32,
    pub month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Option<Month> {
        ((1..=12).contains(&month) && (1990..=2200).contains(&year))
            .then_some(Month { year, month })
    }

    /// `2026-03` (also `2026/3`, `2026年3月`).
    pub fn parse(s: &str) -> Option<Month> {
        let s = s.trim().trim_end_matches('月');
        let (y, m) = s.split_once(['-', '/', '年', '.'])?;
        Month::new(y.trim().parse().ok()?, m.trim().parse().ok()?)
    }

    pub fn of(d: NaiveDate) -> Month {
        Month {
            year: d.year(),
            month: d.month(),
        }
    }

    /// The month `n` months earlier.
    pub fn minus(self, n: u32) -> Month {
        let idx = self.year as i64 * 12 + (self.month as i64 - 1) - n as i64;
        Month {
            year: idx.div_euclid(12) as i32,
            month: (idx.rem_euclid(12) + 1) as u32,
        }
    }

    /// The month after.
    pub fn plus_one(self) -> Month {
        if self.month == 12 {
            Month {
                year: self.year + 1,
                month: 1,
            }
        } else {
            Month {
                year: self.year,
                month: self.month + 1,
            }
        }
    }

    /// Its last day (the as-of date of a month's figures).
    pub fn last_day(self) -> NaiveDate {
        let n = self.plus_one();
        NaiveDate::from_ymd_opt(n.year, n.month, 1)
            .and_then(|d| d.pred_opt())
            .unwrap_or(NaiveDate::MIN)
    }
}

impl std::fmt::Display for Month {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl TryFrom<String> for Month {
    type Error = String;
    fn try_from(s: String) -> Result<Month, String> {
        Month::parse(&s)
            .ok_or_else(|| format!("月份格式应为2026-03 (month must look like 2026-03): {s}"))
    }
}

impl From<Month> for String {
    fn from(m: Month) -> String {
        m.to_string()
    }
}

/// One month of a district's figures: area contracted in the month and
/// unsold permitted stock at its end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonthFigures {
    pub month: Month,
    pub sales: Area,
    pub inventory: Area,
}

/// The period for one month, with its inputs.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Period {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-10"))]
    pub month: Month,
    pub inventory: Area,
    pub window: u32,
    /// Sales over the window, when every month of it is on record.
    pub sales_total: Option<Area>,
    /// Tenths of a month, rounded for display; `None` when there is not
    /// enough data or no sales.
    pub tenths: Option<i64>,
    /// `false` when fewer than `window` months are on record.
    pub computed: bool,
    #[serde(skip)]
    pub months: Option<Months>,
}

impl Period {
    /// `23.4个月`, `无销售（无限）` or `数据不足`.
    pub fn describe(&self) -> String {
        match self.months {
            Some(m) => m.to_string(),
            None => "数据不足".into(),
        }
    }
}

/// The period at `month` from a district's figures (any order, one per month).
pub fn period_at(figures: &[MonthFigures], month: Month, window: u32) -> Option<Period> {
    let at = figures.iter().find(|f| f.month == month)?;
    let mut total = Area::ZERO;
    let mut complete = window > 0;
    for back in 0..window {
        match figures.iter().find(|f| f.month == month.minus(back)) {
            Some(f) => total = Area(total.0 + f.sales.0),
            None => complete = false,
        }
    }
    let months = complete.then(|| Months::from_ratio(at.inventory, window, total));
    Some(Period {
        month,
        inventory: at.inventory,
        window,
        sales_total: complete.then_some(total),
        tenths: months.and_then(|m| m.tenths()),
        computed: complete,
        months,
    })
}

/// The period for every month on record, oldest first.
pub fn series(figures: &[MonthFigures], window: u32) -> Vec<Period> {
    let mut months: Vec<Month> = figures.iter().map(|f| f.month).collect();
    months.sort();
    months.dedup();
    months
        .into_iter()
        .filter_map(|m| period_at(figures, m, window))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn figs(n: u32, sales: i64, inventory: i64) -> Vec<MonthFigures> {
        let end = Month::new(2026, 10).unwrap();
        (0..n)
            .map(|b| MonthFigures {
                month: end.minus(b),
                sales: Area::m2(sales),
                inventory: Area::m2(inventory),
            })
            .collect()
    }

    #[test]
    fn inventory_over_trailing_average() {
        // 1 000 m² a month, 36 000 m² unsold: 36 months.
        let p = period_at(&figs(12, 1000, 36_000), Month::new(2026, 10).unwrap(), 12).unwrap();
        assert_eq!(p.tenths, Some(360));
        assert_eq!(p.sales_total, Some(Area::m2(12_000)));
    }

    #[test]
    fn short_record_is_not_computed() {
        let p = period_at(&figs(11, 1000, 36_000), Month::new(2026, 10).unwrap(), 12).unwrap();
        assert!(!p.computed);
        assert_eq!(p.describe(), "数据不足");
    }

    #[test]
    fn no_sales_is_unbounded() {
        let p = period_at(&figs(12, 0, 10), Month::new(2026, 10).unwrap(), 12).unwrap();
        assert!(p.computed && p.months.unwrap().is_unbounded());
    }

    #[test]
    fn months_parse_and_step() {
        assert_eq!(Month::parse("2026年3月"), Month::new(2026, 3));
        assert_eq!(Month::parse("2026-13"), None);
        assert_eq!(
            Month::new(2026, 1).unwrap().minus(1),
            Month::new(2025, 12).unwrap()
        );
        assert_eq!(
            Month::new(2026, 2).unwrap().last_day().to_string(),
            "2026-02-28"
        );
    }
}
