//! Land parcels: idle-land detection (003 三（六）), the set-aside a new
//! parcel owes (002 四（一）, 二（一）2) and the commercial share (002 二（二）2).
//! The last two exist only where the city's own documents set them (Ordos);
//! elsewhere the outcome says "本市文件未规定…".

use chrono::{Months as CalMonths, NaiveDate};
use serde::Serialize;

use crate::decision::{check, Check, Explained};
use crate::rules::{MarketRules, RulesError};
use crate::units::{Area, Fen};

/// Idle-land status on an as-of date.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum IdleStatus {
    /// Construction has started.
    Started,
    /// Not started, but less than the fee period since the contracted start.
    NotYetIdle,
    /// Unstarted for the fee period: the idle-land fee is due.
    Fee,
    /// Unstarted for the reclaim period: reclaimed without compensation.
    Reclaim,
}

impl IdleStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            IdleStatus::Started => "已动工",
            IdleStatus::NotYetIdle => "未动工（未满期限）",
            IdleStatus::Fee => "闲置满1年：征收闲置费",
            IdleStatus::Reclaim => "闲置满2年：无偿收回",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            IdleStatus::Started => "started",
            IdleStatus::NotYetIdle => "not started (within the period)",
            IdleStatus::Fee => "idle 1 year: fee due",
            IdleStatus::Reclaim => "idle 2 years: reclaim",
        }
    }
}

/// The idle-land finding.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Idle {
    pub status: IdleStatus,
    /// The fee, when due (percent of the land price, rounded half up to the fen).
    pub fee: Option<Fen>,
    /// When the fee becomes (or became) due, and when reclaim does.
    pub fee_from: NaiveDate,
    pub reclaim_from: NaiveDate,
}

/// Idle-land status of a parcel. The period runs from the start date the
/// land contract fixes (`contract_start`); "满1年" is reached on the
/// anniversary itself (29 February rolls to 28 February).
pub fn idle(
    rules: &MarketRules,
    as_of: NaiveDate,
    contract_start: NaiveDate,
    started_on: Option<NaiveDate>,
    price: Fen,
) -> Result<Explained<Idle>, RulesError> {
    let fee_years = rules.param("idle_fee_after_years", as_of)?;
    let pct = rules.param("idle_fee_percent", as_of)?;
    let reclaim_years = rules.param("idle_reclaim_after_years", as_of)?;
    let add = |y: i64| {
        contract_start
            .checked_add_months(CalMonths::new((y.max(0) as u32) * 12))
            .unwrap_or(NaiveDate::MAX)
    };
    let fee_from = add(fee_years.value);
    let reclaim_from = add(reclaim_years.value);
    // Started after the as-of date counts as not started on it.
    let started = started_on.filter(|d| *d <= as_of);
    let status = match started {
        Some(_) => IdleStatus::Started,
        None if as_of >= reclaim_from => IdleStatus::Reclaim,
        None if as_of >= fee_from => IdleStatus::Fee,
        None => IdleStatus::NotYetIdle,
    };
    let fee = matches!(status, IdleStatus::Fee | IdleStatus::Reclaim)
        .then(|| price.pct_round(pct.value.clamp(0, 100) as u32));
    let mut checks = Vec::new();
    let start_text = match started {
        Some(d) => format!("已于{d}动工"),
        None => "至今未动工".into(),
    };
    checks.push(check(
        "idle_fee",
        !matches!(status, IdleStatus::Fee | IdleStatus::Reclaim),
        &fee_years.citation,
        format!(
            "约定动工日期{contract_start}，{start_text}；满{}年之日为{fee_from}{}",
            fee_years.value,
            match fee {
                Some(f) => format!("，按出让价款{price}的{}%征收土地闲置费{f}", pct.value),
                None => String::new(),
            }
        ),
        format!(
            "contracted start {contract_start}; {}; {} year(s) reached on {fee_from}{}",
            if started.is_some() {
                "started"
            } else {
                "not started"
            },
            fee_years.value,
            match fee {
                Some(f) => format!("; idle-land fee {}% of {price}: {f}", pct.value),
                None => String::new(),
            }
        ),
    ));
    checks.push(check(
        "idle_reclaim",
        status != IdleStatus::Reclaim,
        &reclaim_years.citation,
        format!(
            "满{}年之日为{reclaim_from}{}",
            reclaim_years.value,
            if status == IdleStatus::Reclaim {
                "，应无偿收回国有建设用地使用权"
            } else {
                ""
            }
        ),
        format!(
            "{} years reached on {reclaim_from}{}",
            reclaim_years.value,
            if status == IdleStatus::Reclaim {
                ": reclaim without compensation"
            } else {
                ""
            }
        ),
    ));
    Ok(Explained {
        outcome: Idle {
            status,
            fee,
            fee_from,
            reclaim_from,
        },
        checks,
        rules: rules.stamp(as_of),
        as_of,
    })
}

/// What a parcel is.
#[derive(Debug, Clone, Copy)]
pub struct SetAsideInput<'a> {
    pub district: &'a str,
    /// Above-ground floor area the parcel's plan allows.
    pub above_ground: Area,
    /// Commercial land turned residential (二（一）2).
    pub converted_from_commercial: bool,
    /// Finished residential floor area (the base of the 10%).
    pub residential: Area,
    /// What the plan sets aside, when a plan is checked.
    pub planned_area: Option<Area>,
    pub planned_units: Option<u32>,
}

/// The set-aside a parcel owes: the largest requirement that applies.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SetAside {
    pub min_area: Area,
    pub min_units: u32,
    /// Whether a checked plan meets it (`None`: no plan given, or nothing
    /// to meet).
    pub plan_meets: Option<bool>,
    /// Set when the city's documents set no set-aside rule at all: the
    /// zero above then means "no rule", not "rule met".
    #[serde(skip_serializing_if = "Option::is_none")]
    pub not_regulated: Option<NotRegulated>,
}

/// A rule the city's documents do not set, in words.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotRegulated {
    /// `本市文件未规定配建比例`.
    pub what: String,
    pub what_en: String,
}

impl NotRegulated {
    pub fn set_aside() -> NotRegulated {
        NotRegulated {
            what: "本市文件未规定配建比例".into(),
            what_en: "this city's documents set no set-aside share".into(),
        }
    }
}

/// Set-aside requirements. 四（一） says the district government "may"
/// require one "根据需求"; anju shows it as the requirement the district
/// applies, leaving the "may" to the official (interpretation in
/// docs/market.md). The 6% is rounded up to the 0.01 m²: a minimum never
/// shrinks by rounding. "5万平方米以上" by the Civil Code includes 50,000 m²
/// itself, and the "> 50,000" is read as that.
pub fn set_aside(
    rules: &MarketRules,
    as_of: NaiveDate,
    p: &SetAsideInput<'_>,
) -> Result<Explained<SetAside>, RulesError> {
    let mut checks: Vec<Check> = Vec::new();
    let mut min_area = Area::ZERO;
    let mut min_units = 0;
    if !rules.has_param("setaside_central_min_area")
        && !rules.has_param("setaside_conversion_percent")
    {
        return Ok(Explained {
            outcome: SetAside {
                min_area,
                min_units,
                plan_meets: None,
                not_regulated: Some(NotRegulated::set_aside()),
            },
            checks,
            rules: rules.stamp(as_of),
            as_of,
        });
    }
    if rules.has_param("setaside_central_min_area") {
        let thr = rules.param("setaside_central_min_area", as_of)?;
        let pct = rules.param("setaside_central_percent", as_of)?;
        let units = rules.param("setaside_central_min_units", as_of)?;
        let central = rules.is_central(p.district);
        let big = p.above_ground.0 >= thr.value;
        let applies = central && big;
        if applies {
            min_area = min_area.max(p.above_ground.pct_ceil(pct.value.clamp(0, 100) as u32));
            min_units = min_units.max(units.value.max(0) as u32);
        }
        checks.push(check(
            "central_set_aside",
            true,
            &pct.citation,
            format!(
                "{}；地上建筑面积{}，{}{}{}",
                if central {
                    "位于中心城区"
                } else {
                    "不在中心城区"
                },
                p.above_ground,
                if big { "达到" } else { "未达到" },
                Area(thr.value),
                if applies {
                    format!(
                        "，应配建不低于{}%即{}且不少于{}个单元",
                        pct.value, min_area, min_units
                    )
                } else {
                    "，无配建要求".into()
                }
            ),
            format!(
                "{}; above-ground {} {} {}{}",
                if central {
                    "central district"
                } else {
                    "not central"
                },
                p.above_ground,
                if big { "reaches" } else { "below" },
                Area(thr.value),
                if applies {
                    format!(
                        ": set aside at least {}% = {} and {} whole unit(s)",
                        pct.value, min_area, min_units
                    )
                } else {
                    ": no set-aside".into()
                }
            ),
        ));
    }
    if p.converted_from_commercial && rules.has_param("setaside_conversion_percent") {
        let pct = rules.param("setaside_conversion_percent", as_of)?;
        let need = p.residential.pct_ceil(pct.value.clamp(0, 100) as u32);
        min_area = min_area.max(need);
        checks.push(check(
            "conversion_set_aside",
            true,
            &pct.citation,
            format!(
                "商服用地调整为居住用地：成品住宅建筑面积{}的{}%即{}用于保障性住房",
                p.residential, pct.value, need
            ),
            format!(
                "commercial land turned residential: {}% of {} = {} for affordable housing",
                pct.value, p.residential, need
            ),
        ));
    }
    let plan_meets = p.planned_area.map(|a| {
        let units = p.planned_units.unwrap_or(0);
        let ok = a >= min_area && units >= min_units;
        let cite = checks.last().map(|c| c.citation.clone());
        if let Some(cite) = cite {
            checks.push(check(
                "plan",
                ok,
                &cite,
                format!("方案配建{a}、{units}个单元，要求不低于{min_area}、{min_units}个单元：{}", if ok { "符合" } else { "不符合" }),
                format!("plan sets aside {a} and {units} unit(s); required {min_area} and {min_units}: {}", if ok { "meets" } else { "falls short" }),
            ));
        }
        ok
    });
    Ok(Explained {
        outcome: SetAside {
            min_area,
            min_units,
            plan_meets,
            not_regulated: None,
        },
        checks,
        rules: rules.stamp(as_of),
        as_of,
    })
}

/// Commercial share of the counted floor area: at most the rules' percent
/// (10%) unless the land contract states a ratio (`contract_percent`), which
/// then governs ("明确兼容比例的从其规定").
pub fn commercial_share(
    rules: &MarketRules,
    as_of: NaiveDate,
    commercial: Area,
    counted_total: Area,
    contract_percent: Option<u32>,
) -> Result<Explained<bool>, RulesError> {
    rules.require(
        "commercial_share_max_percent",
        "配套商业比例上限",
        "a cap on the commercial share",
    )?;
    let max = rules.param("commercial_share_max_percent", as_of)?;
    let pct = contract_percent.unwrap_or(max.value.clamp(0, 100) as u32);
    let cap = counted_total.pct_floor(pct);
    let ok = commercial <= cap;
    let source = if contract_percent.is_some() {
        "出让合同约定"
    } else {
        "本规则"
    };
    let checks = vec![check(
        "commercial_share",
        ok,
        &max.citation,
        format!(
            "配套商业{commercial}，总计容建筑面积{counted_total}，{source}上限{pct}%即{cap}：{}",
            if ok { "符合" } else { "超出" }
        ),
        format!(
            "commercial {commercial} of counted {counted_total}; cap {pct}% = {cap}: {}",
            if ok { "within" } else { "over" }
        ),
    )];
    Ok(Explained {
        outcome: ok,
        checks,
        rules: rules.stamp(as_of),
        as_of,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::builtin;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn idle_one_and_two_years() {
        let r = builtin("market-yangquan").unwrap();
        let start = d(2024, 3, 1);
        let price = Fen::yuan(10_000_000);
        let at = |as_of| idle(&r, as_of, start, None, price).unwrap().outcome;
        assert_eq!(at(d(2025, 2, 28)).status, IdleStatus::NotYetIdle);
        let one = at(d(2025, 3, 1));
        assert_eq!(one.status, IdleStatus::Fee);
        assert_eq!(one.fee, Some(Fen::yuan(2_000_000)));
        assert_eq!(at(d(2026, 2, 28)).status, IdleStatus::Fee);
        assert_eq!(at(d(2026, 3, 1)).status, IdleStatus::Reclaim);
        let started = idle(&r, d(2026, 3, 1), start, Some(d(2024, 6, 1)), price).unwrap();
        assert_eq!(started.outcome.status, IdleStatus::Started);
        assert!(started.all_hold());
    }

    #[test]
    fn central_set_aside_at_50000_and_6_percent() {
        let r = builtin("market-ordos").unwrap();
        let day = d(2026, 11, 29);
        let mk = |district, m2: i64| SetAsideInput {
            district,
            above_ground: Area::m2(m2),
            converted_from_commercial: false,
            residential: Area::ZERO,
            planned_area: None,
            planned_units: None,
        };
        let at = set_aside(&r, day, &mk("150602", 50_000)).unwrap().outcome;
        assert_eq!((at.min_area, at.min_units), (Area::m2(3_000), 1));
        let below = set_aside(&r, day, &mk("150602", 49_999)).unwrap().outcome;
        assert_eq!(below.min_area, Area::ZERO);
        let outside = set_aside(&r, day, &mk("150621", 80_000)).unwrap().outcome;
        assert_eq!(outside.min_units, 0);
        // 6% of 50,000.01 m² is 3,000.0006 m²: rounds up to 3,000.01.
        let odd = SetAsideInput {
            above_ground: Area(5_000_001),
            ..mk("150602", 0)
        };
        assert_eq!(
            set_aside(&r, day, &odd).unwrap().outcome.min_area,
            Area(300_001)
        );
        let plan = SetAsideInput {
            planned_area: Some(Area::m2(3_000)),
            planned_units: Some(0),
            ..mk("150602", 50_000)
        };
        assert_eq!(
            set_aside(&r, day, &plan).unwrap().outcome.plan_meets,
            Some(false)
        );
    }

    /// Yangquan's documents set no set-aside: the outcome says so and
    /// never applies Ordos's 6% (the old file borrowed it as an example).
    #[test]
    fn yangquan_set_aside_is_not_regulated() {
        let r = builtin("market-yangquan").unwrap();
        let p = SetAsideInput {
            district: "140302",
            above_ground: Area::m2(80_000),
            converted_from_commercial: true,
            residential: Area::m2(70_000),
            planned_area: Some(Area::ZERO),
            planned_units: Some(0),
        };
        let s = set_aside(&r, d(2026, 11, 29), &p).unwrap();
        assert_eq!(s.outcome.min_area, Area::ZERO);
        assert_eq!(s.outcome.plan_meets, None);
        assert_eq!(
            s.outcome.not_regulated.map(|n| n.what),
            Some("本市文件未规定配建比例".to_string())
        );
        assert!(s.checks.is_empty());
        let c = commercial_share(&r, d(2026, 11, 29), Area::m2(1), Area::m2(10), None);
        assert!(matches!(c, Err(RulesError::NotRegulated { .. })));
    }

    #[test]
    fn conversion_ten_percent() {
        let r = builtin("market-ordos").unwrap();
        let p = SetAsideInput {
            district: "150621",
            above_ground: Area::m2(20_000),
            converted_from_commercial: true,
            residential: Area::m2(18_000),
            planned_area: Some(Area::m2(1_799)),
            planned_units: Some(1),
        };
        let s = set_aside(&r, d(2026, 1, 1), &p).unwrap();
        assert_eq!(s.outcome.min_area, Area::m2(1_800));
        assert_eq!(s.outcome.plan_meets, Some(false));
    }

    #[test]
    fn commercial_share_ten_percent() {
        let r = builtin("market-ordos").unwrap();
        let day = d(2026, 1, 1);
        assert!(
            commercial_share(&r, day, Area::m2(1_000), Area::m2(10_000), None)
                .unwrap()
                .outcome
        );
        assert!(
            !commercial_share(&r, day, Area(100_001), Area::m2(10_000), None)
                .unwrap()
                .outcome
        );
        assert!(
            commercial_share(&r, day, Area::m2(1_500), Area::m2(10_000), Some(15))
                .unwrap()
                .outcome
        );
    }
}
