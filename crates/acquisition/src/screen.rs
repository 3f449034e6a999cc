//! Screening a developer's offered home against the city's rules: every
//! failed rule is listed with its source, as the eligibility engine lists a
//! family's failed conditions; notes (counted toward 70–120 m², whole lot)
//! are shown beside them.

use anju_allotment::{Area, Fen};
use serde::{Deserialize, Serialize};

use crate::cap::PriceCap;
use crate::policy::{Policy, Rule};

/// What a home is bought for: it chooses the price cap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// 配售: cap = allocated-land cost + construction cost + ≤ 5 %.
    Sale,
    /// 配租: cap = the market appraisal (Loudi only).
    Rent,
}

impl Purpose {
    pub fn zh(self) -> &'static str {
        match self {
            Purpose::Sale => "配售",
            Purpose::Rent => "配租",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Purpose::Sale => "for sale",
            Purpose::Rent => "for rent",
        }
    }
}

/// The state of a home's title as the developer declares it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleStatus {
    /// 产权清晰: can be transferred.
    Clear,
    /// 有抵押/查封: mortgaged or seized.
    Encumbered,
    /// 有争议: disputed.
    Disputed,
}

impl TitleStatus {
    pub fn parse(s: &str) -> Option<TitleStatus> {
        match s.trim() {
            "清晰" | "产权清晰" | "clear" => Some(TitleStatus::Clear),
            "抵押" | "查封" | "有抵押" | "encumbered" => Some(TitleStatus::Encumbered),
            "争议" | "有争议" | "disputed" => Some(TitleStatus::Disputed),
            _ => None,
        }
    }
    pub fn zh(self) -> &'static str {
        match self {
            TitleStatus::Clear => "产权清晰",
            TitleStatus::Encumbered => "有抵押或查封",
            TitleStatus::Disputed => "有争议",
        }
    }
}

/// One home a developer offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferedHome {
    pub project: String,
    pub building: String,
    pub unit: String,
    pub home: String,
    pub district: String,
    pub area: Area,
    pub layout: String,
    /// 竣工验收备案.
    pub completion_filed: bool,
    pub title: TitleStatus,
    pub asking: Fen,
    pub purpose: Purpose,
    /// The developer offers every home of this building/unit.
    pub whole_lot: bool,
}

/// Size bands the survey and the plan count in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Band {
    /// Under 70 m².
    Small,
    /// 70–120 m², both included: the "mainly" band.
    Main,
    /// Over 120 m².
    Large,
}

impl Band {
    pub const ALL: [Band; 3] = [Band::Small, Band::Main, Band::Large];

    /// The band of a floor area under the policy's 70/120 bounds.
    pub fn of(area: Area, policy: &Policy) -> Band {
        let lo = policy.rules.main_band.min_centi_m2.unwrap_or(7000);
        let hi = policy.rules.main_band.max_centi_m2.unwrap_or(12000);
        let a = area.centi_m2();
        if a < lo {
            Band::Small
        } else if a <= hi {
            Band::Main
        } else {
            Band::Large
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            Band::Small => "70㎡以下",
            Band::Main => "70–120㎡",
            Band::Large => "120㎡以上",
        }
    }
    pub fn en(self) -> &'static str {
        match self {
            Band::Small => "under 70 m²",
            Band::Main => "70–120 m²",
            Band::Large => "over 120 m²",
        }
    }
    pub fn index(self) -> usize {
        self as usize
    }
}

/// A failed rule or a note, with where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule's key in the policy file (`max_area`, `sale_cap`, …).
    pub rule: &'static str,
    pub zh: String,
    pub en: String,
    /// `阳政办发〔2026〕2号 第七条（二）` or `本公司做法`.
    pub cited: String,
}

/// A screened home: failures (any → out of the pool) and notes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Screening {
    pub failures: Vec<Finding>,
    pub notes: Vec<Finding>,
    pub band: Band,
}

impl Screening {
    pub fn eligible(&self) -> bool {
        self.failures.is_empty()
    }
}

fn finding(rule: &'static str, r: &Rule, zh: String, en: String) -> Finding {
    Finding {
        rule,
        zh,
        en,
        cited: r.cited(),
    }
}

/// Screens one home. `cap` is its project's cap for the home's purpose
/// (None: no cap recorded yet, itself a failure).
pub fn screen(policy: &Policy, home: &OfferedHome, cap: Option<&PriceCap>) -> Screening {
    let r = &policy.rules;
    let mut failures = Vec::new();
    let mut notes = Vec::new();
    let allowed = match home.purpose {
        Purpose::Sale => policy.purpose.sale,
        Purpose::Rent => policy.purpose.rent,
    };
    if !allowed {
        failures.push(Finding {
            rule: "purpose",
            zh: format!("本市收购房源仅用于配售，不能按{}收购", home.purpose.zh()),
            en: format!(
                "this city buys homes for sale only, not {}",
                home.purpose.en()
            ),
            cited: format!(
                "{} {}",
                policy.purpose.source.document, policy.purpose.source.article
            ),
        });
    }
    if r.completed.applies && !home.completion_filed {
        failures.push(finding(
            "completed",
            &r.completed,
            "未办理竣工验收备案".into(),
            "completion acceptance not filed".into(),
        ));
    }
    if r.clear_title.applies && home.title != TitleStatus::Clear {
        failures.push(finding(
            "clear_title",
            &r.clear_title,
            format!("产权不清晰：{}", home.title.zh()),
            "title not clear".into(),
        ));
    }
    if r.max_area.applies {
        if let Some(max) = r.max_area.max_centi_m2 {
            if home.area.centi_m2() > max {
                failures.push(finding(
                    "max_area",
                    &r.max_area,
                    format!(
                        "建筑面积 {}㎡ 超过 {}㎡",
                        home.area,
                        Area::from_centi_m2(max)
                            .map(|a| a.to_string())
                            .unwrap_or_default()
                    ),
                    format!(
                        "floor area {} m² above {} m²",
                        home.area,
                        Area::from_centi_m2(max)
                            .map(|a| a.to_string())
                            .unwrap_or_default()
                    ),
                ));
            }
        }
    }
    let band = Band::of(home.area, policy);
    if r.main_band.applies {
        if band == Band::Main {
            notes.push(finding(
                "main_band",
                &r.main_band,
                "计入70–120㎡主力户型".into(),
                "counts toward the 70–120 m² share".into(),
            ));
        } else {
            notes.push(finding(
                "main_band",
                &r.main_band,
                "不在70–120㎡主力户型内，计入其他户型".into(),
                "outside 70–120 m²: counts against the share".into(),
            ));
        }
    }
    if r.whole_unit.applies && !home.whole_lot {
        notes.push(finding(
            "whole_unit",
            &r.whole_unit,
            "非整栋或整单元出售，优先级较低".into(),
            "not a whole building or unit: lower preference".into(),
        ));
    }
    let cap_rule = match home.purpose {
        Purpose::Sale => ("sale_cap", &r.sale_cap),
        Purpose::Rent => ("rent_cap", &r.rent_cap),
    };
    if allowed && cap_rule.1.applies {
        match cap {
            None => failures.push(finding(
                cap_rule.0,
                cap_rule.1,
                "尚未登记该项目的限价依据".into(),
                "no price cap recorded for this project".into(),
            )),
            Some(c) => {
                let limit = c.home_cap(home.area);
                if home.asking > limit {
                    failures.push(finding(
                        cap_rule.0,
                        cap_rule.1,
                        format!("报价 {} 元高于限价 {} 元", home.asking, limit),
                        format!(
                            "asking {} yuan above the cap of {} yuan",
                            home.asking, limit
                        ),
                    ));
                }
            }
        }
    }
    Screening {
        failures,
        notes,
        band,
    }
}
