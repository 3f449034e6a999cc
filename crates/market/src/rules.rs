//! A city's market rules file (`policies/market-<city>.toml`): dated
//! parameters, each value with its document, article and quoted words, the
//! land-supply band table, the pre-sale release ladder and the central
//! districts. Reading it is pure (text in, rules out); the built-in files
//! are compiled in with `include_str!`.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use crate::cite::Citation;

/// Why a rules file cannot be used, or a parameter cannot be resolved.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("市场规则文件无法解析：{0} (market rules file does not parse: {0})")]
    Parse(String),
    #[error("市场规则文件 {rules} 的土地供应档位表有误：{reason} (land-supply band table of {rules} is wrong: {reason})")]
    Bands { rules: String, reason: String },
    #[error(
        "市场规则文件 {rules} 没有参数 {name} (market rules {rules} have no parameter {name})"
    )]
    MissingParam { rules: String, name: String },
    #[error("市场规则文件 {rules} 的参数 {name} 在 {as_of} 尚未生效 (parameter {name} of {rules} has no value on {as_of})")]
    NotInForce {
        rules: String,
        name: String,
        as_of: NaiveDate,
    },
    #[error("市场规则文件 {rules} 在 {as_of} 没有生效的土地供应规则 (no land-supply rule of {rules} in force on {as_of})")]
    NoLandRule { rules: String, as_of: NaiveDate },
    #[error("没有名为 {0} 的市场规则文件 (no market rules file named {0})")]
    Unknown(String),
    /// The city's documents set no rule for this: anju says so rather than
    /// borrow another city's figure.
    #[error("{city}文件未规定{what}（{rules}）({city}'s documents set no rule for {what_en})")]
    NotRegulated {
        rules: String,
        city: String,
        what: String,
        what_en: String,
    },
}

/// The built-in rules files, by id.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "market-yangquan",
        include_str!("../../../policies/market-yangquan.toml"),
    ),
    (
        "market-ordos",
        include_str!("../../../policies/market-ordos.toml"),
    ),
];

/// The market rules file of the city a deployment's policy names: policy
/// `yangquan-2026` → `market-yangquan`. `None` when the city has no market
/// rules file (Loudi): callers say so rather than fall back to another
/// city's rules.
pub fn for_policy(policy_id: &str) -> Option<&'static str> {
    let city = policy_id.split('-').next().unwrap_or(policy_id);
    BUILTIN
        .iter()
        .map(|(id, _)| *id)
        .find(|id| id.strip_prefix("market-") == Some(city))
}

/// A built-in rules file, parsed.
pub fn builtin(id: &str) -> Result<MarketRules, RulesError> {
    let (_, text) = BUILTIN
        .iter()
        .find(|(i, _)| *i == id)
        .ok_or_else(|| RulesError::Unknown(id.to_string()))?;
    MarketRules::parse(text)
}

/// What a land-supply band tells the natural resources bureau to do.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BandAction {
    /// No new commercial residential land.
    Stop,
    /// New land capped by the area revitalised this year (Ordos 18–36).
    CapByRevitalised,
    /// Less than last year (Shanxi 18–36).
    Reduce,
    /// The same as last year (Shanxi 12–18).
    Hold,
    /// More than last year (Shanxi 6–12).
    Increase,
    /// Markedly more, and faster (Shanxi < 6).
    SharplyIncrease,
    /// The article sets no limit in this band (Ordos ≤ 18).
    Unrestricted,
}

/// One band: applies when the period is above `above_months` (or at it,
/// when `inclusive`); the last band of a table has no bound.
#[derive(Debug, Clone, Deserialize)]
pub struct Band {
    pub key: String,
    pub label: String,
    pub label_en: String,
    #[serde(default)]
    pub above_months: Option<u32>,
    #[serde(default)]
    pub inclusive: bool,
    pub action: BandAction,
    #[serde(flatten)]
    pub citation: Citation,
}

/// A land-supply rule in force from a date: its bands from the longest
/// period down.
#[derive(Debug, Clone, Deserialize)]
pub struct LandRule {
    pub from: NaiveDate,
    /// `ordos_two_bands`, `shanxi_five_bands`: a name for people; the bands decide.
    pub name: String,
    pub bands: Vec<Band>,
}

/// One construction node of the release ladder and the cumulative share of
/// the supervised amount that may be released once it is reached.
#[derive(Debug, Clone, Deserialize)]
pub struct LadderNode {
    pub key: String,
    pub label: String,
    pub label_en: String,
    pub cumulative_percent: u32,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Ladder {
    pub from: NaiveDate,
    pub nodes: Vec<LadderNode>,
    #[serde(flatten)]
    pub citation: Citation,
}

#[derive(Debug, Clone, Deserialize)]
struct ParamValue {
    from: NaiveDate,
    value: i64,
    #[serde(flatten)]
    citation: Citation,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Param {
    pub label: String,
    pub label_en: String,
    /// `months`, `percent`, `years`, `area` (0.01 m²), `fen`, `cm`, `count`.
    pub unit: String,
    values: Vec<ParamValue>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Central {
    pub districts: Vec<String>,
    #[serde(flatten)]
    pub citation: Citation,
}

#[derive(Debug, Clone, Deserialize)]
struct Meta {
    id: String,
    city: String,
    title: String,
}

#[derive(Debug, Clone, Deserialize)]
struct File {
    rules: Meta,
    #[serde(default)]
    land_supply: Vec<LandRule>,
    #[serde(default)]
    presale_ladder: Vec<Ladder>,
    #[serde(default)]
    central_districts: Option<Central>,
    /// The article that has the city monitor and publish rent levels.
    #[serde(default)]
    rent_monitoring: Option<Citation>,
    #[serde(default)]
    parameters: BTreeMap<String, Param>,
}

/// A resolved parameter: its value on the as-of date and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub value: i64,
    pub citation: Citation,
}

/// A city's market rules.
#[derive(Debug, Clone)]
pub struct MarketRules {
    pub id: String,
    pub city: String,
    pub title: String,
    land: Vec<LandRule>,
    ladders: Vec<Ladder>,
    pub central: Option<Central>,
    /// Where rent monitoring comes from (`None`: the city's documents ask
    /// for none, and pages say so).
    pub rent_monitoring: Option<Citation>,
    params: BTreeMap<String, Param>,
}

impl MarketRules {
    /// Parses and checks a rules file: every band table must go from the
    /// longest period down and end with an unbounded band.
    pub fn parse(text: &str) -> Result<MarketRules, RulesError> {
        let f: File = toml::from_str(text).map_err(|e| RulesError::Parse(e.to_string()))?;
        let id = f.rules.id.clone();
        for rule in &f.land_supply {
            let bad = |reason: &str| RulesError::Bands {
                rules: id.clone(),
                reason: reason.to_string(),
            };
            let n = rule.bands.len();
            if n < 2 {
                return Err(bad("至少两档 (at least two bands)"));
            }
            let mut last: Option<u32> = None;
            for (i, b) in rule.bands.iter().enumerate() {
                match (b.above_months, i + 1 == n) {
                    (None, true) => {}
                    (Some(_), true) => {
                        return Err(bad("最后一档不应有下限 (last band must be unbounded)"))
                    }
                    (None, false) => {
                        return Err(bad(
                            "只有最后一档可以没有下限 (only the last band may be unbounded)",
                        ))
                    }
                    (Some(m), false) => {
                        if last.is_some_and(|l| m >= l) {
                            return Err(bad(
                                "档位须从长到短排列 (bands must go from the longest period down)",
                            ));
                        }
                        last = Some(m);
                    }
                }
            }
        }
        for l in &f.presale_ladder {
            let mut prev = 0;
            for n in &l.nodes {
                if n.cumulative_percent < prev || n.cumulative_percent > 100 {
                    return Err(RulesError::Parse(format!(
                        "拨付节点 {} 的累计比例须递增且不超过100 (release ladder node {} must not decrease or exceed 100)",
                        n.key, n.key
                    )));
                }
                prev = n.cumulative_percent;
            }
        }
        Ok(MarketRules {
            id,
            city: f.rules.city,
            title: f.rules.title,
            land: f.land_supply,
            ladders: f.presale_ladder,
            central: f.central_districts,
            rent_monitoring: f.rent_monitoring,
            params: f.parameters,
        })
    }

    /// The value of `name` on `as_of`: the latest value from on or before it.
    pub fn param(&self, name: &str, as_of: NaiveDate) -> Result<Resolved, RulesError> {
        let p = self
            .params
            .get(name)
            .ok_or_else(|| RulesError::MissingParam {
                rules: self.id.clone(),
                name: name.to_string(),
            })?;
        p.values
            .iter()
            .filter(|v| v.from <= as_of)
            .max_by_key(|v| v.from)
            .map(|v| Resolved {
                value: v.value,
                citation: v.citation.clone(),
            })
            .ok_or_else(|| RulesError::NotInForce {
                rules: self.id.clone(),
                name: name.to_string(),
                as_of,
            })
    }

    /// Whether the file defines `name` at all (a city may have no such rule).
    pub fn has_param(&self, name: &str) -> bool {
        self.params.contains_key(name)
    }

    /// `Ok` when the file defines `name`; otherwise the explicit "this city
    /// sets no such rule" error, naming what is missing in words.
    pub fn require(&self, name: &str, what: &str, what_en: &str) -> Result<(), RulesError> {
        if self.has_param(name) {
            Ok(())
        } else {
            Err(RulesError::NotRegulated {
                rules: self.id.clone(),
                city: self.city.clone(),
                what: what.to_string(),
                what_en: what_en.to_string(),
            })
        }
    }

    /// Every document this file cites (bands, ladders, central districts,
    /// parameter values), for the test that a city cites only its own.
    pub fn documents(&self) -> std::collections::BTreeSet<String> {
        let mut d = std::collections::BTreeSet::new();
        for r in &self.land {
            d.extend(r.bands.iter().map(|b| b.citation.document.clone()));
        }
        d.extend(self.ladders.iter().map(|l| l.citation.document.clone()));
        d.extend(self.central.iter().map(|c| c.citation.document.clone()));
        d.extend(self.rent_monitoring.iter().map(|c| c.document.clone()));
        for p in self.params.values() {
            d.extend(p.values.iter().map(|v| v.citation.document.clone()));
        }
        d
    }

    /// Every parameter with its label and unit (for the rules page).
    pub fn params(&self) -> impl Iterator<Item = (&str, &Param)> {
        self.params.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The land-supply rule in force on `as_of`.
    pub fn land_rule(&self, as_of: NaiveDate) -> Result<&LandRule, RulesError> {
        self.land
            .iter()
            .filter(|r| r.from <= as_of)
            .max_by_key(|r| r.from)
            .ok_or_else(|| RulesError::NoLandRule {
                rules: self.id.clone(),
                as_of,
            })
    }

    /// The release ladder in force on `as_of`.
    pub fn ladder(&self, as_of: NaiveDate) -> Result<&Ladder, RulesError> {
        self.ladders
            .iter()
            .filter(|r| r.from <= as_of)
            .max_by_key(|r| r.from)
            .ok_or_else(|| RulesError::MissingParam {
                rules: self.id.clone(),
                name: "presale_ladder".into(),
            })
    }

    /// Whether `district` is in the central urban area the file lists.
    pub fn is_central(&self, district: &str) -> bool {
        self.central
            .as_ref()
            .is_some_and(|c| c.districts.iter().any(|d| d == district))
    }

    /// `market-yangquan@2026-11-29`.
    pub fn stamp(&self, as_of: NaiveDate) -> String {
        format!("{}@{}", self.id, as_of)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_files_parse() {
        for (id, _) in BUILTIN {
            let r = builtin(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            assert_eq!(&r.id, id);
        }
    }

    /// The house rule: a city's rules file cites only that city's own
    /// documents and its province's (Yangquan is in Shanxi; Ordos is in
    /// Inner Mongolia, whose documents anju does not hold).
    #[test]
    fn every_cite_belongs_to_the_city() {
        use crate::cite::{ORDOS, SHANXI, YANGQUAN_2022, YANGQUAN_2026};
        let own: &[(&str, &[&str])] = &[
            ("market-yangquan", &[YANGQUAN_2022, YANGQUAN_2026, SHANXI]),
            ("market-ordos", &[ORDOS]),
        ];
        assert_eq!(own.len(), BUILTIN.len(), "every built-in file is listed");
        for (id, docs) in own {
            let r = builtin(id).unwrap_or_else(|e| panic!("{id}: {e}"));
            let cited = r.documents();
            assert!(!cited.is_empty(), "{id} cites nothing");
            for d in &cited {
                assert!(
                    docs.contains(&d.as_str()),
                    "{id} cites {d}, not one of its city's documents"
                );
            }
        }
    }

    #[test]
    fn a_deployment_finds_its_city_file() {
        assert_eq!(for_policy("yangquan-2026"), Some("market-yangquan"));
        assert_eq!(for_policy("ordos-2025"), Some("market-ordos"));
        assert_eq!(for_policy("loudi-2025"), None);
        assert_eq!(for_policy(""), None);
    }

    #[test]
    fn a_missing_rule_is_not_regulated() {
        let y = builtin("market-yangquan").unwrap_or_else(|e| panic!("{e}"));
        let e = y.require("balcony_half_depth_cm", "阳台计容规则", "balcony counting");
        assert!(matches!(e, Err(RulesError::NotRegulated { .. })));
        assert!(e
            .unwrap_err()
            .to_string()
            .starts_with("阳泉市文件未规定阳台计容规则"));
    }

    #[test]
    fn bands_must_descend() {
        let text = r#"
[rules]
id = "x"
city = "x"
title = "x"
[[land_supply]]
from = "2025-01-01"
name = "x"
[[land_supply.bands]]
key = "a"
label = "a"
label_en = "a"
above_months = 12
action = "stop"
document = "d"
article = "a"
[[land_supply.bands]]
key = "b"
label = "b"
label_en = "b"
above_months = 18
action = "reduce"
document = "d"
article = "a"
[[land_supply.bands]]
key = "c"
label = "c"
label_en = "c"
action = "hold"
document = "d"
article = "a"
"#;
        assert!(matches!(
            MarketRules::parse(text),
            Err(RulesError::Bands { .. })
        ));
    }
}
