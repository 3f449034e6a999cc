//! Citations, cited reasons and recorded eligibility decisions.
//!
//! The policy engine (`anju-policy`) decides; this crate only records what it
//! decided, in the shape of `decision.schema.json`, so that the domain does
//! not depend on the engine. The server converts the engine's decision into
//! [`DecisionParts`] and the constructor refuses an inconsistent one.

use std::fmt;
use std::num::NonZeroU8;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::text::{NonEmptyText, TextError};

/// An article reference as in `decision.schema.json`: `14`, `10.1.2`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ArticleRef(String);

impl ArticleRef {
    /// Checks `^[0-9]+(\.[0-9]+)*$`.
    pub fn new(s: impl Into<String>) -> Result<ArticleRef, DecisionError> {
        let s: String = s.into();
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.split('.')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
        if ok {
            Ok(ArticleRef(s))
        } else {
            Err(DecisionError::BadArticleRef {
                found: s.chars().take(40).collect(),
            })
        }
    }

    /// The reference.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for ArticleRef {
    type Error = DecisionError;
    fn try_from(s: String) -> Result<Self, DecisionError> {
        ArticleRef::new(s)
    }
}

impl From<ArticleRef> for String {
    fn from(r: ArticleRef) -> String {
        r.0
    }
}

/// Where a rule comes from: document number, article as written, and a
/// machine reference. Same JSON shape as the engine's citations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Citation {
    /// Document number, e.g. `阳政办发〔2026〕2号`.
    pub document: NonEmptyText,
    /// Article as written, e.g. `第十条（一）2`.
    pub article: NonEmptyText,
    /// Machine reference, e.g. `10.1.2`.
    #[serde(rename = "ref")]
    pub ref_: ArticleRef,
    /// The article's text, when quoted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

impl Citation {
    /// A citation without quoted text.
    pub fn new(document: &str, article: &str, ref_: &str) -> Result<Citation, DecisionError> {
        Ok(Citation {
            document: NonEmptyText::named(document, "文件编号", "document")?,
            article: NonEmptyText::named(article, "条款", "article")?,
            ref_: ArticleRef::new(ref_)?,
            text: None,
        })
    }
}

impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.document, self.article)
    }
}

/// A reason given to the family, with the article it applies.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct CitedReason {
    /// The engine's rule id, when the reason comes from the engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<NonEmptyText>,
    /// Plain Chinese sentence, with the figures compared where there are any.
    pub message: NonEmptyText,
    /// The article applied.
    pub citation: Citation,
}

impl fmt::Display for CitedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}（{}）", self.message, self.citation)
    }
}

/// At least one cited reason: a rejection always says why.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "Vec<CitedReason>", into = "Vec<CitedReason>")]
pub struct Reasons(Vec<CitedReason>);

impl Reasons {
    /// Fails on an empty list.
    pub fn new(reasons: Vec<CitedReason>) -> Result<Reasons, DecisionError> {
        if reasons.is_empty() {
            Err(DecisionError::NoReasons)
        } else {
            Ok(Reasons(reasons))
        }
    }

    /// A single reason.
    pub fn one(reason: CitedReason) -> Reasons {
        Reasons(vec![reason])
    }

    /// The reasons, never empty.
    pub fn as_slice(&self) -> &[CitedReason] {
        &self.0
    }

    /// How many (≥ 1).
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Always false; present for clippy's `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Iterates over the reasons.
    pub fn iter(&self) -> std::slice::Iter<'_, CitedReason> {
        self.0.iter()
    }
}

impl TryFrom<Vec<CitedReason>> for Reasons {
    type Error = DecisionError;
    fn try_from(v: Vec<CitedReason>) -> Result<Self, DecisionError> {
        Reasons::new(v)
    }
}

impl From<Reasons> for Vec<CitedReason> {
    fn from(r: Reasons) -> Vec<CitedReason> {
        r.0
    }
}

impl<'a> IntoIterator for &'a Reasons {
    type Item = &'a CitedReason;
    type IntoIter = std::slice::Iter<'a, CitedReason>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// `sha256:` and 64 lower-case hex digits: the digest of the policy text and
/// parameter values a decision used.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PolicyDigest(String);

impl PolicyDigest {
    /// Checks the `^sha256:[0-9a-f]{64}$` form.
    pub fn new(s: impl Into<String>) -> Result<PolicyDigest, DecisionError> {
        let s: String = s.into();
        let ok = s.strip_prefix("sha256:").is_some_and(|h| {
            h.len() == 64 && h.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        });
        if ok {
            Ok(PolicyDigest(s))
        } else {
            Err(DecisionError::BadDigest {
                found: s.chars().take(80).collect(),
            })
        }
    }

    /// The digest text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for PolicyDigest {
    type Error = DecisionError;
    fn try_from(s: String) -> Result<Self, DecisionError> {
        PolicyDigest::new(s)
    }
}

impl From<PolicyDigest> for String {
    fn from(d: PolicyDigest) -> String {
        d.0
    }
}

/// Where a qualified family may buy (001 art. 11: township staff only in
/// their county seat).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Anywhere in the city.
    City,
    /// Only in the county seat where they work.
    CountySeat,
}

impl Scope {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Scope::City => "全市",
            Scope::CountySeat => "所在县城",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Scope::City => "city",
            Scope::CountySeat => "county seat",
        }
    }
}

/// One condition the engine checked, as in `decision.schema.json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionReason {
    /// Rule id.
    pub rule: NonEmptyText,
    /// Category the rule belongs to, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<NonEmptyText>,
    /// Whether the condition holds.
    pub passed: bool,
    /// Plain Chinese sentence with the figures compared.
    pub message: NonEmptyText,
    /// Article applied.
    pub citation: Citation,
}

/// Something a qualified family must do, e.g. vacate public housing within
/// 90 days (001 art. 10 (1) 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    /// Obligation code, e.g. `vacate_policy_housing`.
    pub code: NonEmptyText,
    /// Deadline in days after qualification, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub within_days: Option<u32>,
    /// Article that imposes it.
    pub citation: Citation,
}

/// The engine's decision as handed to [`crate::Action::RecordDecision`];
/// also the serialised form of [`DecisionRecord`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DecisionParts {
    /// Whether the family is eligible.
    pub eligible: bool,
    /// Categories whose conditions all hold (empty when ineligible).
    #[serde(default)]
    pub categories: Vec<NonEmptyText>,
    /// Allotment tier (001 art. 16), 1 first. None also for an eligible
    /// family under a policy without tiers (Loudi: `tier` is null by the
    /// eligibility contract).
    #[serde(default)]
    pub tier: Option<NonZeroU8>,
    /// Where the family may buy.
    #[serde(default)]
    pub scope: Option<Scope>,
    /// Priority selection (004 §8 (1) 1).
    #[serde(default)]
    pub priority: bool,
    /// Obligations attached to the qualification.
    #[serde(default)]
    pub obligations: Vec<Obligation>,
    /// Every condition checked, passed or failed: the explanation.
    pub reasons: Vec<DecisionReason>,
    /// Policy id, e.g. `yangquan-2026`.
    pub policy_id: NonEmptyText,
    /// Digest of the policy version used.
    pub policy_digest: PolicyDigest,
    /// Date the policy was applied as of.
    pub as_of: NaiveDate,
}

/// A consistent engine decision: an eligible one has categories and a
/// scope (and a tier when its policy has tiers); an ineligible one has no categories and at least one failed,
/// cited condition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "DecisionParts", into = "DecisionParts")]
pub struct DecisionRecord(DecisionParts);

/// A decision, citation or reason list that cannot be recorded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecisionError {
    /// An empty reason list where at least one reason is required.
    #[error("必须至少列出一条理由及所依据的条款 (at least one cited reason is required)")]
    NoReasons,
    /// Eligible without a category.
    #[error("判定为符合条件，但未列出符合的类别 (eligible decision lists no category)")]
    EligibleWithoutCategory,
    /// Eligible without a scope.
    #[error("判定为符合条件，但未给出可购买范围 (eligible decision has no scope)")]
    EligibleWithoutScope,
    /// Ineligible but listing categories.
    #[error("判定为不符合条件，却列出了符合的类别 (ineligible decision lists categories)")]
    IneligibleWithCategories,
    /// Ineligible without any failed condition to cite.
    #[error(
        "判定为不符合条件，但没有列出未满足的条件 (ineligible decision lists no failed condition)"
    )]
    IneligibleWithoutFailedReason,
    /// Malformed policy digest.
    #[error("政策摘要格式应为 sha256: 加64位小写十六进制数 (policy digest must be sha256: and 64 lower-case hex digits, got {found:?})")]
    BadDigest {
        /// The input, cut.
        found: String,
    },
    /// Malformed article reference.
    #[error(
        "条款编号格式应为 14 或 10.1.2 (article ref must look like 14 or 10.1.2, got {found:?})"
    )]
    BadArticleRef {
        /// The input, cut.
        found: String,
    },
    /// An empty text field.
    #[error(transparent)]
    Text(#[from] TextError),
}

impl DecisionRecord {
    /// Checks the decision's consistency.
    pub fn new(parts: DecisionParts) -> Result<DecisionRecord, DecisionError> {
        if parts.eligible {
            if parts.categories.is_empty() {
                return Err(DecisionError::EligibleWithoutCategory);
            }
            if parts.scope.is_none() {
                return Err(DecisionError::EligibleWithoutScope);
            }
        } else {
            if !parts.categories.is_empty() {
                return Err(DecisionError::IneligibleWithCategories);
            }
            if parts.reasons.iter().all(|r| r.passed) {
                return Err(DecisionError::IneligibleWithoutFailedReason);
            }
        }
        Ok(DecisionRecord(parts))
    }

    /// Whether the family is eligible.
    pub fn eligible(&self) -> bool {
        self.0.eligible
    }

    /// Everything the engine said.
    pub fn parts(&self) -> &DecisionParts {
        &self.0
    }

    /// For an eligible decision: categories, tier (if its policy has tiers)
    /// and scope.
    pub fn qualification(&self) -> Option<(&[NonEmptyText], Option<NonZeroU8>, Scope)> {
        match (self.0.eligible, self.0.tier, self.0.scope) {
            (true, tier, Some(scope)) => Some((&self.0.categories, tier, scope)),
            _ => None,
        }
    }

    /// For an ineligible decision: the failed conditions as cited reasons.
    pub fn failed_reasons(&self) -> Option<Reasons> {
        if self.0.eligible {
            return None;
        }
        let failed: Vec<CitedReason> = self
            .0
            .reasons
            .iter()
            .filter(|r| !r.passed)
            .map(|r| CitedReason {
                rule: Some(r.rule.clone()),
                message: r.message.clone(),
                citation: r.citation.clone(),
            })
            .collect();
        Reasons::new(failed).ok()
    }
}

impl TryFrom<DecisionParts> for DecisionRecord {
    type Error = DecisionError;
    fn try_from(p: DecisionParts) -> Result<Self, DecisionError> {
        DecisionRecord::new(p)
    }
}

impl From<DecisionRecord> for DecisionParts {
    fn from(d: DecisionRecord) -> DecisionParts {
        d.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn digests_and_refs() {
        assert!(PolicyDigest::new(format!("sha256:{}", "a".repeat(64))).is_ok());
        assert!(PolicyDigest::new(format!("sha256:{}", "A".repeat(64))).is_err());
        assert!(PolicyDigest::new("sha256:abc").is_err());
        assert!(ArticleRef::new("10.1.2").is_ok());
        assert!(ArticleRef::new("14").is_ok());
        assert!(ArticleRef::new("10..2").is_err());
        assert!(ArticleRef::new("").is_err());
    }

    #[test]
    fn reads_the_contract_example_shape() {
        // The shape of shared/contracts/examples/*.decision.json, with the
        // field names this crate uses for policy and digest.
        let v = json!({
            "eligible": true,
            "categories": ["wage_all", "wage_low_income"],
            "tier": 1,
            "scope": "city",
            "priority": false,
            "obligations": [{"code": "vacate_policy_housing", "within_days": 90,
                "citation": {"document": "阳政办发〔2026〕2号", "article": "第十条（一）5", "ref": "10.1.5"}}],
            "reasons": [{"rule": "housing_difficulty", "category": "wage_low_income", "passed": true,
                "message": "家庭在本市无房",
                "citation": {"document": "阳政办发〔2026〕2号", "article": "第十条（一）2", "ref": "10.1.2"}}],
            "policy_id": "yangquan-2026",
            "policy_digest": format!("sha256:{}", "0".repeat(64)),
            "as_of": "2026-03-01"
        });
        let d: DecisionRecord = serde_json::from_value(v).expect("valid decision");
        assert!(d.eligible());
        assert!(d.failed_reasons().is_none());
        let (cats, tier, scope) = d.qualification().expect("eligible");
        assert_eq!(cats.len(), 2);
        assert_eq!(tier.map(NonZeroU8::get), Some(1));
        assert_eq!(scope, Scope::City);
    }

    #[test]
    fn refuses_inconsistent_decisions() {
        let base = DecisionParts {
            eligible: false,
            categories: vec![],
            tier: None,
            scope: None,
            priority: false,
            obligations: vec![],
            reasons: vec![],
            policy_id: NonEmptyText::new("yangquan-2026").expect("text"),
            policy_digest: PolicyDigest::new(format!("sha256:{}", "0".repeat(64))).expect("digest"),
            as_of: NaiveDate::from_ymd_opt(2026, 3, 1).expect("date"),
        };
        assert_eq!(
            DecisionRecord::new(base.clone()),
            Err(DecisionError::IneligibleWithoutFailedReason)
        );
        let eligible = DecisionParts {
            eligible: true,
            ..base.clone()
        };
        assert_eq!(
            DecisionRecord::new(eligible.clone()),
            Err(DecisionError::EligibleWithoutCategory)
        );
        let with_category = DecisionParts {
            categories: vec![NonEmptyText::new("wage_earner").expect("text")],
            ..eligible
        };
        assert_eq!(
            DecisionRecord::new(with_category.clone()),
            Err(DecisionError::EligibleWithoutScope)
        );
        // A policy without tiers (Loudi) gives eligible decisions without one.
        let loudi = DecisionRecord::new(DecisionParts {
            scope: Some(Scope::City),
            ..with_category
        })
        .expect("eligible without a tier");
        let (_, tier, scope) = loudi.qualification().expect("eligible");
        assert_eq!((tier, scope), (None, Scope::City));
        assert_eq!(Reasons::new(vec![]), Err(DecisionError::NoReasons));
        assert!(serde_json::from_str::<Reasons>("[]").is_err());
    }
}
