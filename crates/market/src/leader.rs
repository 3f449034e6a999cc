//! Which leader a project is assigned to by its investment (000 五（二）):
//! 亿元以上 a county (district) leader, 10亿元以上 a city department leader,
//! 30亿元以上 a city leader. "以上" includes the figure (Civil Code art. 1259).

use chrono::NaiveDate;
use serde::Serialize;

use crate::decision::{check, Explained};
use crate::rules::{MarketRules, RulesError};
use crate::units::Fen;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LeaderLevel {
    None,
    County,
    CityDepartment,
    City,
}

impl LeaderLevel {
    pub fn label_zh(self) -> &'static str {
        match self {
            LeaderLevel::None => "无需包联",
            LeaderLevel::County => "县（区）领导包联",
            LeaderLevel::CityDepartment => "市直部门领导包联",
            LeaderLevel::City => "市级领导包联",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            LeaderLevel::None => "no leader assigned",
            LeaderLevel::County => "county leader",
            LeaderLevel::CityDepartment => "city department leader",
            LeaderLevel::City => "city leader",
        }
    }
}

pub fn leader_level(
    rules: &MarketRules,
    as_of: NaiveDate,
    investment: Fen,
) -> Result<Explained<LeaderLevel>, RulesError> {
    let county = rules.param("leader_county_fen", as_of)?;
    let dept = rules.param("leader_city_department_fen", as_of)?;
    let city = rules.param("leader_city_fen", as_of)?;
    let (level, cite, thr) = if investment.0 >= city.value {
        (LeaderLevel::City, &city, city.value)
    } else if investment.0 >= dept.value {
        (LeaderLevel::CityDepartment, &dept, dept.value)
    } else {
        (
            if investment.0 >= county.value {
                LeaderLevel::County
            } else {
                LeaderLevel::None
            },
            &county,
            county.value,
        )
    };
    let reached = investment.0 >= thr;
    let checks = vec![check(
        "leader",
        true,
        &cite.citation,
        format!(
            "总投资{investment}，{}{}：{}",
            if reached { "达到" } else { "未达到" },
            Fen(thr),
            level.label_zh()
        ),
        format!(
            "investment {investment} {} {}: {}",
            if reached { "reaches" } else { "below" },
            Fen(thr),
            level.label_en()
        ),
    )];
    Ok(Explained {
        outcome: level,
        checks,
        rules: rules.stamp(as_of),
        as_of,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::builtin;

    #[test]
    fn one_ten_thirty_hundred_million() {
        let r = builtin("market-yangquan").unwrap();
        let d = NaiveDate::from_ymd_opt(2026, 11, 29).unwrap();
        let at = |f: Fen| leader_level(&r, d, f).unwrap().outcome;
        assert_eq!(at(Fen(Fen::yi(1).0 - 1)), LeaderLevel::None);
        assert_eq!(at(Fen::yi(1)), LeaderLevel::County);
        assert_eq!(at(Fen(Fen::yi(10).0 - 1)), LeaderLevel::County);
        assert_eq!(at(Fen::yi(10)), LeaderLevel::CityDepartment);
        assert_eq!(at(Fen(Fen::yi(30).0 - 1)), LeaderLevel::CityDepartment);
        assert_eq!(at(Fen::yi(30)), LeaderLevel::City);
    }
}
