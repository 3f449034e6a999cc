//! The on-disk shape of a policy file (TOML), exactly as written by a policy
//! officer. Every table denies unknown keys so a misspelt key is an error
//! with its line, never a silently ignored rule. Turning this into a checked
//! [`crate::Policy`] happens in `compile.rs`.

use serde::Deserialize;
use std::collections::BTreeMap;
use toml::value::Datetime;
use toml::Spanned;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyFile {
    pub policy: Meta,
    #[serde(default)]
    pub parameters: BTreeMap<String, Spanned<ParamDef>>,
    #[serde(default)]
    pub rule: Vec<Spanned<RuleDef>>,
    #[serde(default)]
    pub category: Vec<Spanned<CategoryDef>>,
    #[serde(default)]
    pub obligation: Vec<Spanned<ObligationDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Meta {
    pub id: Spanned<String>,
    pub title: String,
    #[serde(default)]
    pub title_en: Option<String>,
    pub document: String,
    #[serde(default)]
    pub issued_by: Option<String>,
    #[serde(default)]
    pub issued_on: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub status: Option<String>,
    pub valid_from: Spanned<Datetime>,
    #[serde(default)]
    pub valid_until: Option<Spanned<Datetime>>,
    #[serde(default)]
    pub source: Option<String>,
    #[serde(default)]
    pub common_rules: Vec<Spanned<String>>,
    /// Scope reported when no category holds (None → null).
    #[serde(default)]
    pub scope_if_ineligible: Option<Spanned<String>>,
    #[serde(default)]
    pub tier: Option<Spanned<CiteDef>>,
    #[serde(default)]
    pub scope: Option<Spanned<CiteDef>>,
    #[serde(default)]
    pub priority: Option<Spanned<PriorityDef>>,
}

/// A citation written inline: document (defaults to the policy's), article
/// label in the source's own words, dotted ref, and the quoted text.
#[derive(Debug, Deserialize, Clone)]
#[serde(deny_unknown_fields)]
pub struct CiteDef {
    #[serde(default)]
    pub document: Option<String>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default, rename = "ref")]
    pub ref_: Option<Spanned<String>>,
    #[serde(default)]
    pub quote: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PriorityDef {
    #[serde(default)]
    pub document: Option<String>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default, rename = "ref")]
    pub ref_: Option<Spanned<String>>,
    #[serde(default)]
    pub quote: Option<String>,
    pub when: TestDef,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParamDef {
    pub label: String,
    #[serde(default)]
    pub label_en: Option<String>,
    pub unit: Spanned<String>,
    #[serde(default)]
    pub used_in: Option<String>,
    #[serde(default)]
    pub values: Vec<Spanned<ValueDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ValueDef {
    pub from: Spanned<Datetime>,
    #[serde(default)]
    pub until: Option<Spanned<Datetime>>,
    pub value: Spanned<NumberLit>,
    #[serde(default)]
    pub document: Option<String>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default, rename = "ref")]
    pub ref_: Option<Spanned<String>>,
    #[serde(default)]
    pub quote: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Deserialize, Clone, Copy)]
#[serde(untagged)]
pub enum NumberLit {
    Int(i64),
    Float(f64),
}

impl NumberLit {
    pub fn as_f64(self) -> f64 {
        match self {
            NumberLit::Int(i) => i as f64,
            NumberLit::Float(f) => f,
        }
    }
}

/// A number written either as a literal or as the name of a parameter.
#[derive(Debug, Deserialize, Clone)]
#[serde(untagged)]
pub enum NumOrParam {
    Num(NumberLit),
    Param(String),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleDef {
    pub id: Spanned<String>,
    #[serde(default)]
    pub label: Option<String>,
    /// The condition in English words, for English pages (the messages,
    /// with the figures, stay in the document's language).
    #[serde(default)]
    pub label_en: Option<String>,
    #[serde(default)]
    pub document: Option<String>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default, rename = "ref")]
    pub ref_: Option<Spanned<String>>,
    #[serde(default)]
    pub quote: Option<String>,
    pub kind: Spanned<String>,
    // Messages (which ones a kind needs is checked when compiling).
    #[serde(default)]
    pub pass: Option<Spanned<String>>,
    #[serde(default)]
    pub fail: Option<Spanned<String>>,
    #[serde(default)]
    pub no_home: Option<Spanned<String>>,
    #[serde(default)]
    pub none: Option<Spanned<String>>,
    #[serde(default)]
    pub not_applicable: Option<Spanned<String>>,
    // Kind-specific settings.
    #[serde(default)]
    pub test: Option<Spanned<TestDef>>,
    #[serde(default)]
    pub cmp: Option<Spanned<String>>,
    #[serde(default)]
    pub limit: Option<Spanned<String>>,
    #[serde(default)]
    pub statistic: Option<Spanned<String>>,
    #[serde(default)]
    pub multiple: Option<Spanned<String>>,
    #[serde(default)]
    pub years: Option<Spanned<String>>,
    #[serde(default)]
    pub field: Option<Spanned<String>>,
    #[serde(default)]
    pub tiers: Option<Vec<Spanned<BanTierDef>>>,
    #[serde(default)]
    pub children: Option<Spanned<String>>,
    #[serde(default)]
    pub adult_age: Option<Spanned<String>>,
    #[serde(default)]
    pub min_age_male: Option<Spanned<String>>,
    #[serde(default)]
    pub min_age_female: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BanTierDef {
    pub min_count: u32,
    pub years: Spanned<String>,
}

/// A boolean test over the facts: either a combination (`all` / `any`) or
/// one atom (`applicant = FIELD` or `household = FIELD` with one comparison).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestDef {
    #[serde(default)]
    pub all: Option<Vec<Spanned<TestDef>>>,
    #[serde(default)]
    pub any: Option<Vec<Spanned<TestDef>>>,
    #[serde(default)]
    pub applicant: Option<Spanned<String>>,
    #[serde(default)]
    pub household: Option<Spanned<String>>,
    #[serde(default)]
    pub is: Option<bool>,
    #[serde(default, rename = "in")]
    pub in_: Option<Vec<String>>,
    #[serde(default)]
    pub not_in: Option<Vec<String>>,
    #[serde(default)]
    pub any_of: Option<Vec<String>>,
    #[serde(default)]
    pub none_of: Option<Vec<String>>,
    #[serde(default)]
    pub at_least: Option<Spanned<NumOrParam>>,
    #[serde(default)]
    pub at_most: Option<Spanned<NumOrParam>>,
    #[serde(default)]
    pub less_than: Option<Spanned<NumOrParam>>,
    #[serde(default)]
    pub fail: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    pub id: Spanned<String>,
    pub label: String,
    #[serde(default)]
    pub label_en: Option<String>,
    #[serde(default)]
    pub document: Option<String>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default, rename = "ref")]
    pub ref_: Option<Spanned<String>>,
    #[serde(default)]
    pub quote: Option<String>,
    pub rules: Vec<Spanned<String>>,
    #[serde(default)]
    pub scope: Option<Spanned<String>>,
    #[serde(default)]
    pub tiers: Vec<Spanned<TierDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TierDef {
    pub tier: u8,
    #[serde(default)]
    pub when: Option<TestDef>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObligationDef {
    pub code: Spanned<String>,
    #[serde(default)]
    pub label: Option<String>,
    #[serde(default)]
    pub within_days: Option<Spanned<String>>,
    pub when: Vec<Spanned<ObligationWhenDef>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObligationWhenDef {
    pub categories: Vec<Spanned<String>>,
    #[serde(default)]
    pub test: Option<TestDef>,
    #[serde(default)]
    pub document: Option<String>,
    #[serde(default)]
    pub article: Option<String>,
    #[serde(default, rename = "ref")]
    pub ref_: Option<Spanned<String>>,
    #[serde(default)]
    pub quote: Option<String>,
}
