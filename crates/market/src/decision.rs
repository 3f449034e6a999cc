//! The explained shape every market decision takes, like a family's
//! eligibility decision: an outcome, then each condition with its figures,
//! whether it holds, and the article it applies.

use serde::Serialize;

use crate::cite::Citation;

/// One condition checked, with the figures compared and the article.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    /// Stable key, e.g. `band`, `balcony`, `guarantee_cap`.
    pub key: String,
    /// What was checked, in Chinese, with the figures: `去化周期37.5个月，超过36个月`.
    pub message: String,
    /// The same in English.
    pub message_en: String,
    /// Whether the condition holds (for a requirement: is met).
    pub holds: bool,
    pub citation: Citation,
}

/// An outcome with the conditions that led to it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explained<T> {
    pub outcome: T,
    pub checks: Vec<Check>,
    /// The rules file (id and the date its values were resolved on).
    pub rules: String,
    pub as_of: chrono::NaiveDate,
}

impl<T> Explained<T> {
    /// Every condition holds.
    pub fn all_hold(&self) -> bool {
        self.checks.iter().all(|c| c.holds)
    }
}

pub(crate) fn check(
    key: &str,
    holds: bool,
    citation: &Citation,
    message: String,
    message_en: String,
) -> Check {
    Check {
        key: key.to_string(),
        message,
        message_en,
        holds,
        citation: citation.clone(),
    }
}
