//! The land-supply decision for a district and year: the band its
//! destocking period falls in (from the city's band table), what the band
//! allows, and whether a proposed supply fits — each step with its figures
//! and article.
//!
//! What each band allows, as an area range for this year's new commercial
//! residential land:
//! - stop: nothing (max 0);
//! - cap by revitalised (Ordos 18–36): at most the area revitalised this
//!   year (completions and reclaimed land) less what was already supplied;
//! - reduce: less than last year's supply (max last year − 0.01 m²);
//! - hold: last year's supply (interpretation: "持平" means equal, the
//!   range is exactly last year's; a city wanting a tolerance can add one);
//! - increase / sharply increase: more than last year (no upper bound;
//!   the two differ in urgency, which the article words, not in a figure);
//! - unrestricted: no limit from this article.
//!
//! These ranges make the property the issue asks for hold: a longer period
//! never allows a larger maximum.

use std::cmp::Ordering;

use chrono::NaiveDate;
use serde::Serialize;

use crate::decision::{check, Explained};
use crate::rules::{Band, BandAction, MarketRules, RulesError};
use crate::units::{Area, Months};

/// The figures a decision needs.
#[derive(Debug, Clone, Copy)]
pub struct LandInput {
    /// The district's destocking period; `None` when it could not be computed.
    pub period: Option<Months>,
    /// Residential land revitalised this year (completions and reclaimed).
    pub revitalised: Area,
    /// New residential land already supplied this year.
    pub supplied: Area,
    /// Last year's new residential land supply.
    pub last_year: Area,
    /// A proposed new supply to check, if any.
    pub proposed: Option<Area>,
}

/// The decision.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LandDecision {
    pub band: String,
    pub label: String,
    pub label_en: String,
    pub action: BandAction,
    pub rule: String,
    /// Most new land this year still allowed; `None`: no upper limit.
    pub max_area: Option<Area>,
    /// Least new land the band asks for; `None`: no lower limit.
    pub min_area: Option<Area>,
    /// Whether the proposed supply fits, when one was given.
    pub proposed_fits: Option<bool>,
}

fn in_band(b: &Band, period: Months) -> bool {
    match b.above_months {
        None => true,
        Some(m) => match period.cmp_whole(m) {
            Ordering::Greater => true,
            Ordering::Equal => b.inclusive,
            Ordering::Less => false,
        },
    }
}

/// Decides. A period that could not be computed gives an error the page
/// shows, rather than a band (no decision on missing data).
pub fn decide(
    rules: &MarketRules,
    as_of: NaiveDate,
    input: &LandInput,
) -> Result<Option<Explained<LandDecision>>, RulesError> {
    let rule = rules.land_rule(as_of)?;
    let Some(period) = input.period else {
        return Ok(None);
    };
    let Some(band) = rule.bands.iter().find(|b| in_band(b, period)) else {
        return Ok(None);
    };
    let mut checks = Vec::new();
    let bound = match band.above_months {
        Some(m) if band.inclusive => format!("不少于{m}个月"),
        Some(m) => format!("超过{m}个月"),
        None => "低于上一档".into(),
    };
    checks.push(check(
        "band",
        true,
        &band.citation,
        format!("去化周期{period}，{bound}，属“{}”档", band.label),
        format!(
            "destocking period {} months: band “{}”",
            tenths_en(period),
            band.label_en
        ),
    ));
    let left = input.revitalised.saturating_sub(input.supplied);
    let (min_area, max_area) = match band.action {
        BandAction::Stop => (None, Some(Area::ZERO)),
        BandAction::CapByRevitalised => {
            checks.push(check(
                "revitalised_cap",
                true,
                &band.citation,
                format!(
                    "本年度盘活存量商品住宅用地{}（含竣工和收回），已出让{}，尚可出让{}",
                    input.revitalised, input.supplied, left
                ),
                format!(
                    "revitalised this year {} (completions and reclaimed), already supplied {}, {} left",
                    input.revitalised, input.supplied, left
                ),
            ));
            (None, Some(left))
        }
        BandAction::Reduce => (None, Some(input.last_year.saturating_sub(Area(1)))),
        BandAction::Hold => (Some(input.last_year), Some(input.last_year)),
        BandAction::Increase | BandAction::SharplyIncrease => {
            (Some(Area(input.last_year.0 + 1)), None)
        }
        BandAction::Unrestricted => (None, None),
    };
    if matches!(
        band.action,
        BandAction::Reduce | BandAction::Hold | BandAction::Increase | BandAction::SharplyIncrease
    ) {
        checks.push(check(
            "last_year",
            true,
            &band.citation,
            format!(
                "上年度新增商品住宅用地供应{}，本年度据此{}",
                input.last_year, band.label
            ),
            format!(
                "last year's supply {}; this year: {}",
                input.last_year, band.label_en
            ),
        ));
    }
    let proposed_fits = input.proposed.map(|p| {
        let fits = min_area.is_none_or(|m| p >= m) && max_area.is_none_or(|m| p <= m);
        let range = describe_range(min_area, max_area);
        checks.push(check(
            "proposed",
            fits,
            &band.citation,
            format!(
                "拟出让{p}，本档允许{range}，{}",
                if fits { "符合" } else { "不符合" }
            ),
            format!(
                "proposed {p}; the band allows {range}: {}",
                if fits { "fits" } else { "does not fit" }
            ),
        ));
        fits
    });
    Ok(Some(Explained {
        outcome: LandDecision {
            band: band.key.clone(),
            label: band.label.clone(),
            label_en: band.label_en.clone(),
            action: band.action,
            rule: rule.name.clone(),
            max_area,
            min_area,
            proposed_fits,
        },
        checks,
        rules: rules.stamp(as_of),
        as_of,
    }))
}

fn tenths_en(m: Months) -> String {
    match m.tenths() {
        Some(t) => format!("{}.{}", t / 10, t % 10),
        None => "unbounded (no sales)".into(),
    }
}

/// `0.00㎡`, `不超过…`, `不少于…`, `…至…`, `不限`.
pub fn describe_range(min: Option<Area>, max: Option<Area>) -> String {
    match (min, max) {
        (Some(a), Some(b)) if a == b => format!("{a}"),
        (Some(a), Some(b)) => format!("{a}至{b}"),
        (None, Some(b)) => format!("不超过{b}"),
        (Some(a), None) => format!("不少于{a}"),
        (None, None) => "不限".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::builtin;
    use proptest::prelude::*;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    fn input(period: Months) -> LandInput {
        LandInput {
            period: Some(period),
            revitalised: Area::m2(30_000),
            supplied: Area::m2(10_000),
            last_year: Area::m2(50_000),
            proposed: None,
        }
    }

    fn band(rules: &str, months: Months) -> String {
        let r = builtin(rules).unwrap();
        decide(&r, day(), &input(months))
            .unwrap()
            .unwrap()
            .outcome
            .band
    }

    /// Just above / at / below each whole-month boundary.
    fn near(m: u32) -> [Months; 3] {
        [
            Months::from_ratio(Area(m as i64 * 100 + 1), 1, Area(100)),
            Months::whole(m),
            Months::from_ratio(Area(m as i64 * 100 - 1), 1, Area(100)),
        ]
    }

    #[test]
    fn shanxi_five_band_boundaries() {
        let r = "market-yangquan";
        let [a, at, b] = near(36);
        assert_eq!(
            (band(r, a), band(r, at), band(r, b)),
            ("stop".into(), "stop".into(), "reduce".into())
        );
        let [a, at, b] = near(18);
        assert_eq!(
            (band(r, a), band(r, at), band(r, b)),
            ("reduce".into(), "reduce".into(), "hold".into())
        );
        let [a, at, b] = near(12);
        assert_eq!(
            (band(r, a), band(r, at), band(r, b)),
            ("hold".into(), "hold".into(), "increase".into())
        );
        let [a, at, b] = near(6);
        assert_eq!(
            (band(r, a), band(r, at), band(r, b)),
            (
                "increase".into(),
                "sharply_increase".into(),
                "sharply_increase".into()
            )
        );
    }

    #[test]
    fn ordos_two_band_boundaries_and_cap() {
        let r = "market-ordos";
        let [a, at, b] = near(36);
        assert_eq!(
            (band(r, a), band(r, at), band(r, b)),
            ("stop".into(), "cap".into(), "cap".into())
        );
        let [a, at, b] = near(18);
        assert_eq!(
            (band(r, a), band(r, at), band(r, b)),
            ("cap".into(), "open".into(), "open".into())
        );
        let rules = builtin(r).unwrap();
        let mut i = input(Months::whole(24));
        i.proposed = Some(Area::m2(20_001));
        let d = decide(&rules, day(), &i).unwrap().unwrap();
        assert_eq!(d.outcome.max_area, Some(Area::m2(20_000)));
        assert_eq!(d.outcome.proposed_fits, Some(false));
        assert!(d.checks.iter().any(|c| c.citation.article == "一（一）"));
    }

    #[test]
    fn no_sales_means_stop_and_missing_data_means_no_decision() {
        let r = builtin("market-yangquan").unwrap();
        let never = Months::from_ratio(Area(1), 12, Area::ZERO);
        assert_eq!(
            decide(&r, day(), &input(never))
                .unwrap()
                .unwrap()
                .outcome
                .max_area,
            Some(Area::ZERO)
        );
        let mut i = input(never);
        i.period = None;
        assert!(decide(&r, day(), &i).unwrap().is_none());
    }

    fn cap(a: Option<Area>) -> i64 {
        a.map_or(i64::MAX, |a| a.0)
    }

    proptest! {
        /// A longer destocking period never allows more land.
        #[test]
        fn longer_period_never_allows_more(
            inv1 in 0i64..10_000_000, inv2 in 0i64..10_000_000, sales in 0i64..1_000_000,
            rev in 0i64..10_000_000, sup in 0i64..10_000_000, last in 0i64..10_000_000,
            ordos in any::<bool>(),
        ) {
            let rules = builtin(if ordos { "market-ordos" } else { "market-yangquan" }).unwrap();
            let (lo, hi) = (inv1.min(inv2), inv1.max(inv2));
            let mk = |inv: i64| LandInput {
                period: Some(Months::from_ratio(Area(inv), 12, Area(sales))),
                revitalised: Area(rev), supplied: Area(sup), last_year: Area(last), proposed: None,
            };
            let short = decide(&rules, day(), &mk(lo)).unwrap().unwrap();
            let long = decide(&rules, day(), &mk(hi)).unwrap().unwrap();
            prop_assert!(cap(long.outcome.max_area) <= cap(short.outcome.max_area));
        }
    }
}
