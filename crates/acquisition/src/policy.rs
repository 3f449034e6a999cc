//! A city's acquisition rules and parameters, read from its literate policy
//! file (`policies/acquisition/<city>.toml`). Every rule carries its source:
//! an article of the city's own document, quoted, or the company's own
//! practice with a written interpretation. Loading refuses a file whose
//! rule cites nothing, or cites a document other than the file's own.

use serde::{Deserialize, Serialize};

/// Yangquan's file, built in.
pub const YANGQUAN_2026: &str = include_str!("../../../policies/acquisition/yangquan-2026.toml");
/// Loudi's file, built in.
pub const LOUDI_2025: &str = include_str!("../../../policies/acquisition/loudi-2025.toml");

/// Where a rule or parameter comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Source {
    /// The policy document (filled from the file's own `document`).
    #[serde(default)]
    pub document: String,
    pub article: String,
    pub quote: String,
}

/// A rule's switch, source and interpretation, with its parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rule {
    pub applies: bool,
    /// The company's own practice: cites no document.
    #[serde(default)]
    pub practice: bool,
    pub source: Option<Source>,
    pub interpretation: Option<String>,
    pub max_centi_m2: Option<u64>,
    pub min_centi_m2: Option<u64>,
    pub min_share_pct: Option<u64>,
    pub max_profit_bp: Option<u64>,
    pub working_days: Option<u32>,
    pub months: Option<u32>,
    pub min_pct: Option<u64>,
}

impl Rule {
    /// How the rule is shown: `阳政办发〔2026〕2号 第七条（二）` or
    /// `本公司做法 (company practice)`.
    pub fn cited(&self) -> String {
        match &self.source {
            Some(s) => format!("{} {}", s.document, s.article),
            None => "本公司做法".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rules {
    pub completed: Rule,
    pub clear_title: Rule,
    pub max_area: Rule,
    pub main_band: Rule,
    pub whole_unit: Rule,
    pub sale_cap: Rule,
    pub rent_cap: Rule,
    pub tender: Rule,
    pub appraisal: Rule,
    pub filing: Rule,
    pub notice: Rule,
    pub registration: Rule,
    pub own_capital: Rule,
    pub ledger: Rule,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Companies {
    pub max: u32,
    pub source: Source,
    pub interpretation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Survey {
    pub source: Source,
    pub months: u32,
    #[serde(default)]
    pub months_practice: bool,
    pub months_interpretation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Priority {
    pub source: Source,
    /// Weight of a family of tier 1, 2, 3 in the optimiser's objective.
    pub weights: [u32; 3],
    pub interpretation: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purposes {
    pub sale: bool,
    pub rent: bool,
    pub source: Source,
}

/// A city's acquisition policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Policy {
    pub id: String,
    pub document: String,
    pub title: String,
    pub companies: Companies,
    pub survey: Survey,
    pub priority: Priority,
    pub purpose: Purposes,
    pub rules: Rules,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyError {
    #[error("政策文件格式错误 (policy file malformed): {0}")]
    Malformed(String),
    #[error("规则 {rule} 未注明出处，也未标为本公司做法 (rule {rule} cites nothing and is not marked practice)")]
    Uncited { rule: &'static str },
    #[error("规则 {rule} 引用了另一份文件 {document} (rule {rule} cites another document)")]
    ForeignCite {
        rule: &'static str,
        document: String,
    },
    #[error(
        "规则 {rule} 标为本公司做法却引用了条文 (rule {rule} is practice but cites an article)"
    )]
    PracticeCites { rule: &'static str },
    #[error("规则 {rule} 缺少参数 {param} (rule {rule} lacks {param})")]
    MissingParam {
        rule: &'static str,
        param: &'static str,
    },
    #[error("利润率上限 {bp} 个基点超过 5% (profit cap {bp} bp above 5%)")]
    ProfitAboveFive { bp: u64 },
}

impl Policy {
    /// Parses and checks a policy file.
    pub fn parse(text: &str) -> Result<Policy, PolicyError> {
        let mut p: Policy =
            toml::from_str(text).map_err(|e| PolicyError::Malformed(e.to_string()))?;
        let doc = p.document.clone();
        for s in [
            &mut p.companies.source,
            &mut p.survey.source,
            &mut p.priority.source,
            &mut p.purpose.source,
        ] {
            if s.document.is_empty() {
                s.document = doc.clone();
            }
        }
        for (name, rule) in p.rules.iter_mut() {
            if let Some(s) = rule.source.as_mut() {
                if s.document.is_empty() {
                    s.document = doc.clone();
                }
            }
            check_rule(name, rule, &doc)?;
        }
        for (name, s) in [
            ("companies", &p.companies.source),
            ("survey", &p.survey.source),
            ("priority", &p.priority.source),
            ("purpose", &p.purpose.source),
        ] {
            if s.document != doc {
                return Err(PolicyError::ForeignCite {
                    rule: name,
                    document: s.document.clone(),
                });
            }
        }
        let r = &p.rules;
        need(
            r.max_area.applies,
            "max_area",
            "max_centi_m2",
            r.max_area.max_centi_m2,
        )?;
        need(
            r.main_band.applies,
            "main_band",
            "min_centi_m2",
            r.main_band.min_centi_m2,
        )?;
        need(
            r.main_band.applies,
            "main_band",
            "max_centi_m2",
            r.main_band.max_centi_m2,
        )?;
        need(
            r.main_band.applies,
            "main_band",
            "min_share_pct",
            r.main_band.min_share_pct,
        )?;
        need(
            r.sale_cap.applies,
            "sale_cap",
            "max_profit_bp",
            r.sale_cap.max_profit_bp,
        )?;
        need(
            r.notice.applies,
            "notice",
            "working_days",
            r.notice.working_days,
        )?;
        need(
            r.registration.applies,
            "registration",
            "months",
            r.registration.months,
        )?;
        need(
            r.own_capital.applies,
            "own_capital",
            "min_pct",
            r.own_capital.min_pct,
        )?;
        if let Some(bp) = r.sale_cap.max_profit_bp {
            if bp > 500 {
                return Err(PolicyError::ProfitAboveFive { bp });
            }
        }
        Ok(p)
    }

    /// Yangquan's built-in policy.
    pub fn yangquan() -> Policy {
        Policy::parse(YANGQUAN_2026).expect("built-in policy parses (tested)")
    }

    /// Loudi's built-in policy.
    pub fn loudi() -> Policy {
        Policy::parse(LOUDI_2025).expect("built-in policy parses (tested)")
    }

    /// The built-in policy for a deployment's policy id (`loudi-…` is
    /// Loudi; anything else is Yangquan, anju's home city).
    pub fn for_id(id: &str) -> Policy {
        if id.starts_with("loudi") {
            Policy::loudi()
        } else {
            Policy::yangquan()
        }
    }
}

impl Rules {
    fn iter_mut(&mut self) -> [(&'static str, &mut Rule); 14] {
        [
            ("completed", &mut self.completed),
            ("clear_title", &mut self.clear_title),
            ("max_area", &mut self.max_area),
            ("main_band", &mut self.main_band),
            ("whole_unit", &mut self.whole_unit),
            ("sale_cap", &mut self.sale_cap),
            ("rent_cap", &mut self.rent_cap),
            ("tender", &mut self.tender),
            ("appraisal", &mut self.appraisal),
            ("filing", &mut self.filing),
            ("notice", &mut self.notice),
            ("registration", &mut self.registration),
            ("own_capital", &mut self.own_capital),
            ("ledger", &mut self.ledger),
        ]
    }
}

fn need<T>(
    applies: bool,
    rule: &'static str,
    param: &'static str,
    v: Option<T>,
) -> Result<(), PolicyError> {
    if applies && v.is_none() {
        return Err(PolicyError::MissingParam { rule, param });
    }
    Ok(())
}

fn check_rule(name: &'static str, rule: &Rule, doc: &str) -> Result<(), PolicyError> {
    match (&rule.source, rule.practice) {
        (Some(_), true) => Err(PolicyError::PracticeCites { rule: name }),
        (Some(s), false) if s.document != doc => Err(PolicyError::ForeignCite {
            rule: name,
            document: s.document.clone(),
        }),
        (Some(s), false) if s.article.trim().is_empty() || s.quote.trim().is_empty() => {
            Err(PolicyError::Uncited { rule: name })
        }
        (None, _) if rule.applies && !(rule.practice && rule.interpretation.is_some()) => {
            Err(PolicyError::Uncited { rule: name })
        }
        (None, _) if !rule.applies && rule.interpretation.is_none() => {
            Err(PolicyError::Uncited { rule: name })
        }
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_files_parse() {
        let y = Policy::yangquan();
        let l = Policy::loudi();
        assert_eq!(y.id, "yangquan-2026");
        assert_eq!(l.id, "loudi-2025");
        assert_eq!(y.companies.max, 2);
        assert_eq!(l.companies.max, 2);
    }

    /// Loudi-only rules are never applied under a Loudi citation in
    /// Yangquan: they are off, or the company's practice citing nothing.
    #[test]
    fn yangquan_never_cites_loudi() {
        let y = Policy::yangquan();
        let text = YANGQUAN_2026;
        assert!(!text.contains("document = \"娄底"));
        assert!(!y.rules.max_area.applies);
        assert!(!y.rules.own_capital.applies);
        assert!(!y.rules.appraisal.applies);
        assert!(!y.rules.rent_cap.applies);
        for r in [&y.rules.notice, &y.rules.registration, &y.rules.filing] {
            assert!(r.practice && r.source.is_none() && r.interpretation.is_some());
        }
        let mut y2 = y.clone();
        for (_, r) in y2.rules.iter_mut() {
            if let Some(s) = &r.source {
                assert_eq!(s.document, "阳政办发〔2026〕2号");
            }
        }
        let l = Policy::loudi();
        let mut l2 = l.clone();
        for (_, r) in l2.rules.iter_mut() {
            if let Some(s) = &r.source {
                assert!(s.document.starts_with("娄底"));
            }
        }
        assert_eq!(l.rules.max_area.max_centi_m2, Some(14300));
        assert_eq!(l.rules.own_capital.min_pct, Some(20));
        assert_eq!(l.rules.notice.working_days, Some(5));
        assert_eq!(l.rules.registration.months, Some(3));
    }

    #[test]
    fn a_foreign_cite_is_refused() {
        let bad = YANGQUAN_2026.replace(
            "[rules.ledger]\napplies = true\nsource = { article",
            "[rules.ledger]\napplies = true\nsource = { document = \"娄底\", article",
        );
        assert!(matches!(
            Policy::parse(&bad),
            Err(PolicyError::ForeignCite { rule: "ledger", .. })
        ));
    }

    #[test]
    fn a_profit_cap_above_five_percent_is_refused() {
        let bad = YANGQUAN_2026.replace("max_profit_bp = 500", "max_profit_bp = 501");
        assert_eq!(
            Policy::parse(&bad),
            Err(PolicyError::ProfitAboveFive { bp: 501 })
        );
    }

    #[test]
    fn an_uncited_rule_is_refused() {
        let bad = YANGQUAN_2026.replace(
            "[rules.clear_title]\napplies = true\nsource = { article = \"第七条（二）\", quote = \"收购房源应为相关手续齐备，可以办理不动产权证书\" }",
            "[rules.clear_title]\napplies = true",
        );
        assert_eq!(
            Policy::parse(&bad),
            Err(PolicyError::Uncited {
                rule: "clear_title"
            })
        );
    }
}
