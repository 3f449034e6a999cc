//! A city's rental rules file (`policies/rentals/<city>.toml`), compiled in.
//! Every section carries the article it implements, the words, and anju's
//! interpretation where the plan leaves something open.

use serde::Deserialize;

use crate::lease::Cycle;

/// The built-in rental rules files: (id, text).
pub const BUILTIN: &[(&str, &str)] = &[(
    "rentals-loudi",
    include_str!("../../../policies/rentals/loudi-2025.toml"),
)];

/// Why a rules file could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RulesError {
    #[error("配租规则文件无法读取 (rental rules file does not parse): {0}")]
    Parse(String),
    #[error("配租规则文件 {0} 不存在 (no such rental rules file)")]
    Unknown(String),
    #[error("配租规则文件参数无效 (invalid parameter) {field}: {why}")]
    Invalid { field: &'static str, why: String },
}

/// The article a section implements.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct Source {
    pub article: String,
    #[serde(rename = "ref")]
    pub ref_: String,
    pub quote: String,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub note_en: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct Header {
    pub id: String,
    pub city: String,
    /// The eligibility policy's city prefix (`loudi` for `loudi-2025`).
    pub policy: String,
    pub document: String,
    pub from: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RentSection {
    pub ratio_percent: u32,
    pub rounding: Rounding,
    #[serde(flatten)]
    pub source: Source,
}

/// How the regulated rent is rounded.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Rounding {
    /// To the whole yuan, 0.50 yuan up.
    YuanHalfUp,
    /// To the fen, half a fen up.
    FenHalfUp,
}

#[derive(Debug, Clone, Deserialize)]
pub struct LeaseSection {
    pub years: u32,
    #[serde(flatten)]
    pub source: Source,
}

#[derive(Debug, Clone, Deserialize)]
pub struct PaymentSection {
    pub cycles: Vec<Cycle>,
    pub due_days: u32,
    #[serde(flatten)]
    pub source: Source,
}

/// A serious case (情节严重) that puts the family on the dishonesty list.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct SeriousCase {
    pub code: String,
    pub label: String,
    pub label_en: String,
    pub interpretation: String,
    pub interpretation_en: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ExitSection {
    pub days: u32,
    pub blacklist_years: u32,
    #[serde(default)]
    pub serious: Vec<SeriousCase>,
    #[serde(flatten)]
    pub source: Source,
}

#[derive(Debug, Clone, Deserialize)]
pub struct AllocationSection {
    /// `household.special` facts that put a family first.
    pub priority_special: Vec<String>,
    #[serde(flatten)]
    pub source: Source,
}

/// A city's rental rules.
#[derive(Debug, Clone, Deserialize)]
pub struct RentalRules {
    pub rules: Header,
    pub allocation: AllocationSection,
    pub rent: RentSection,
    pub purchase: Source,
    pub lease: LeaseSection,
    pub payment: PaymentSection,
    pub exit: ExitSection,
}

impl RentalRules {
    /// Parses and checks a rules file.
    pub fn parse(text: &str) -> Result<RentalRules, RulesError> {
        let r: RentalRules = toml::from_str(text).map_err(|e| RulesError::Parse(e.to_string()))?;
        if r.rent.ratio_percent == 0 || r.rent.ratio_percent > 100 {
            return Err(RulesError::Invalid {
                field: "rent.ratio_percent",
                why: "应在 1–100 之间 (1 to 100)".into(),
            });
        }
        if r.lease.years == 0 || r.lease.years > 10 {
            return Err(RulesError::Invalid {
                field: "lease.years",
                why: "应在 1–10 之间 (1 to 10)".into(),
            });
        }
        if r.payment.cycles.is_empty() {
            return Err(RulesError::Invalid {
                field: "payment.cycles",
                why: "至少一种 (at least one)".into(),
            });
        }
        if r.exit.days == 0 {
            return Err(RulesError::Invalid {
                field: "exit.days",
                why: "应大于 0 (above 0)".into(),
            });
        }
        Ok(r)
    }

    /// Whether a family with these `special` facts is in a priority group.
    pub fn is_priority(&self, special: &[String]) -> bool {
        special
            .iter()
            .any(|s| self.allocation.priority_special.contains(s))
    }

    /// The serious case with this code.
    pub fn serious(&self, code: &str) -> Option<&SeriousCase> {
        self.exit.serious.iter().find(|s| s.code == code)
    }

    /// Every document the file cites (one: the city's own).
    pub fn documents(&self) -> Vec<&str> {
        vec![self.rules.document.as_str()]
    }
}

/// The built-in rental rules file for a deployment's eligibility policy
/// (`loudi-2025` → `rentals-loudi`); `None` when the city's documents
/// regulate no renting (Yangquan). Callers say so; anju never falls back
/// to another city's rules.
pub fn for_policy(policy_id: &str) -> Option<&'static str> {
    let city = policy_id.split('-').next().unwrap_or(policy_id);
    BUILTIN
        .iter()
        .map(|(id, _)| *id)
        .find(|id| id.strip_prefix("rentals-") == Some(city))
}

/// A built-in rules file, parsed.
pub fn builtin(id: &str) -> Result<RentalRules, RulesError> {
    let (_, text) = BUILTIN
        .iter()
        .find(|(i, _)| *i == id)
        .ok_or_else(|| RulesError::Unknown(id.to_string()))?;
    RentalRules::parse(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loudi_parses_with_its_figures() {
        let r = builtin("rentals-loudi").unwrap();
        assert_eq!(r.rent.ratio_percent, 80);
        assert_eq!(r.lease.years, 3);
        assert_eq!(r.exit.days, 30);
        assert_eq!(r.exit.blacklist_years, 3);
        assert_eq!(r.payment.cycles, vec![Cycle::Monthly, Cycle::Quarterly]);
        assert!(r.serious("sublet").is_some());
        assert_eq!(r.rent.source.ref_, "7.1.3");
    }

    #[test]
    fn only_loudi_has_rentals() {
        assert_eq!(for_policy("loudi-2025"), Some("rentals-loudi"));
        assert_eq!(for_policy("yangquan-2026"), None);
        assert_eq!(for_policy("ordos-2025"), None);
    }

    /// A city's rules file cites only that city's own document.
    #[test]
    fn cites_only_its_own_city() {
        let r = builtin("rentals-loudi").unwrap();
        assert_eq!(r.documents(), vec![crate::cite::LOUDI]);
        let text = BUILTIN[0].1;
        for other in ["阳政办发", "鄂府发", "山西省"] {
            let cited = text
                .lines()
                .filter(|l| !l.starts_with('#'))
                .any(|l| l.contains(other));
            assert!(!cited, "rentals-loudi cites {other}");
        }
    }

    #[test]
    fn bad_ratio_is_refused() {
        let text = BUILTIN[0]
            .1
            .replace("ratio_percent = 80", "ratio_percent = 0");
        assert!(matches!(
            RentalRules::parse(&text),
            Err(RulesError::Invalid {
                field: "rent.ratio_percent",
                ..
            })
        ));
    }
}
