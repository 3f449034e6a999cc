//! Subsidy programmes as policy files, decided by the policy engine.
//!
//! A programme file is an ordinary policy file with two conventions
//! (docs/subsidies.md): each category is one award level, and the award of
//! category `C` is the parameter `award_C` (unit `yuan` for a one-off sum,
//! `yuan_per_month` for a monthly one). A monthly award is paid for
//! `payment_months` months; a programme with `withdrawals_per_year` is a
//! yearly entitlement. The decision JSON is the engine's own, so a subsidy
//! self-check explains itself exactly like an eligibility check.

use anju_policy::model::Unit;
use anju_policy::{Household, Policy, Renderer};
use chrono::NaiveDate;
use serde::Serialize;

use crate::Fen;

/// The programme files shipped with anju.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "yangquan-talent-purchase",
        include_str!("../../../policies/subsidies/yangquan-talent-purchase.toml"),
    ),
    (
        "yangquan-talent-rent",
        include_str!("../../../policies/subsidies/yangquan-talent-rent.toml"),
    ),
    (
        "yangquan-provident-rent",
        include_str!("../../../policies/subsidies/yangquan-provident-rent.toml"),
    ),
];

/// The three programmes, by what they pay.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum ProgrammeId {
    TalentPurchase,
    TalentRent,
    ProvidentRent,
}

impl ProgrammeId {
    pub const ALL: [ProgrammeId; 3] = [
        ProgrammeId::TalentPurchase,
        ProgrammeId::TalentRent,
        ProgrammeId::ProvidentRent,
    ];
    pub fn policy_id(self) -> &'static str {
        match self {
            ProgrammeId::TalentPurchase => "yangquan-talent-purchase",
            ProgrammeId::TalentRent => "yangquan-talent-rent",
            ProgrammeId::ProvidentRent => "yangquan-provident-rent",
        }
    }
    pub fn parse(s: &str) -> Option<ProgrammeId> {
        Self::ALL
            .into_iter()
            .find(|p| p.as_str() == s || p.policy_id() == s)
    }
    pub fn as_str(self) -> &'static str {
        match self {
            ProgrammeId::TalentPurchase => "talent_purchase",
            ProgrammeId::TalentRent => "talent_rent",
            ProgrammeId::ProvidentRent => "provident_rent",
        }
    }
    /// URL segment of the public self-check page.
    pub fn slug(self) -> &'static str {
        match self {
            ProgrammeId::TalentPurchase => "talent-purchase",
            ProgrammeId::TalentRent => "talent-rent",
            ProgrammeId::ProvidentRent => "provident-rent",
        }
    }
    pub fn from_slug(s: &str) -> Option<ProgrammeId> {
        Self::ALL.into_iter().find(|p| p.slug() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            ProgrammeId::TalentPurchase => "人才购房补贴",
            ProgrammeId::TalentRent => "人才租房补助",
            ProgrammeId::ProvidentRent => "提取公积金支付房租",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            ProgrammeId::TalentPurchase => "Talent home-purchase subsidy",
            ProgrammeId::TalentRent => "Talent rent subsidy",
            ProgrammeId::ProvidentRent => "Provident-fund withdrawal for rent",
        }
    }
}

/// How an award is paid.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Payment {
    /// One payment.
    OneOff,
    /// `months` monthly payments.
    Monthly { months: u32 },
    /// At most `times` payments a calendar year.
    Yearly { times: u32 },
}

/// What a decision grants: the highest award among the categories that hold.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Award {
    pub category: String,
    pub label: String,
    pub label_en: Option<String>,
    /// Per payment (a month's amount for monthly awards).
    pub amount: Fen,
    pub payment: Payment,
    /// Total over the schedule (a yearly award: one year's cap).
    pub total: Fen,
    pub document: String,
    pub article: String,
    #[serde(rename = "ref")]
    pub ref_: String,
    pub quote: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProgrammeError {
    #[error("补贴项目文件 {id} 无法加载：{message} (programme file does not load)")]
    Load { id: String, message: String },
    #[error("补贴项目 {id} 在 {as_of} 缺少参数：{message} (parameter missing)")]
    Resolve {
        id: String,
        as_of: NaiveDate,
        message: String,
    },
    #[error("{path}: {message}")]
    Input { path: String, message: String },
    #[error("补贴项目 {id} 的类别 {category} 没有 award_{category} 参数或单位不是 yuan / yuan_per_month (category has no award parameter)")]
    NoAward { id: String, category: String },
}

/// A loaded programme.
#[derive(Debug, Clone)]
pub struct Programme {
    pub id: ProgrammeId,
    pub policy: Policy,
}

/// The decision on one household: the engine's JSON and the award.
#[derive(Debug, Clone, PartialEq)]
pub struct ProgrammeDecision {
    pub programme: ProgrammeId,
    /// The eligibility contract's decision JSON (reasons with citations).
    pub decision: serde_json::Value,
    pub award: Option<Award>,
}

impl Programme {
    /// Loads a shipped programme.
    pub fn builtin(id: ProgrammeId) -> Result<Programme, ProgrammeError> {
        let (pid, text) = BUILTIN
            .iter()
            .find(|(p, _)| *p == id.policy_id())
            .ok_or_else(|| ProgrammeError::Load {
                id: id.policy_id().into(),
                message: "not built in".into(),
            })?;
        Self::from_text(id, &format!("policies/subsidies/{pid}.toml"), text)
    }

    /// Loads a programme from its file text (a city's own edit).
    pub fn from_text(
        id: ProgrammeId,
        origin: &str,
        text: &str,
    ) -> Result<Programme, ProgrammeError> {
        let policy = anju_policy::load(origin, text).map_err(|e| ProgrammeError::Load {
            id: id.policy_id().into(),
            message: e.to_string(),
        })?;
        let p = Programme { id, policy };
        // Every category must name its award, so a decision never holds a
        // category with nothing to pay.
        let probe = p.policy.valid_from;
        for c in &p.policy.categories {
            p.award_of(&c.id, probe)?;
        }
        Ok(p)
    }

    /// The award of category `category` on `on`.
    pub fn award_of(&self, category: &str, on: NaiveDate) -> Result<Award, ProgrammeError> {
        let no_award = || ProgrammeError::NoAward {
            id: self.policy.id.clone(),
            category: category.into(),
        };
        let cat = self
            .policy
            .categories
            .iter()
            .find(|c| c.id == category)
            .ok_or_else(no_award)?;
        let pid = self
            .policy
            .param_by_name(&format!("award_{category}"))
            .ok_or_else(no_award)?;
        let param = &self.policy.params[pid];
        let value = param.value_on(on).ok_or_else(|| ProgrammeError::Resolve {
            id: self.policy.id.clone(),
            as_of: on,
            message: param.name.clone(),
        })?;
        let yuan = value.value.as_whole().ok_or_else(no_award)?;
        let amount = Fen::new(u64::try_from(yuan).map_err(|_| no_award())? * 100);
        let whole_param = |name: &str| -> Option<u32> {
            let p = &self.policy.params[self.policy.param_by_name(name)?];
            let v = p.value_on(on)?.value.as_whole()?;
            u32::try_from(v).ok()
        };
        let payment = match param.unit {
            Unit::YuanPerMonth => Payment::Monthly {
                months: whole_param("payment_months").ok_or_else(no_award)?,
            },
            Unit::Yuan => match whole_param("withdrawals_per_year") {
                Some(times) => Payment::Yearly { times },
                None => Payment::OneOff,
            },
            _ => return Err(no_award()),
        };
        let total = match payment {
            Payment::Monthly { months } => Fen::new(amount.fen() * u64::from(months)),
            Payment::OneOff | Payment::Yearly { .. } => amount,
        };
        let c = &value.citation;
        Ok(Award {
            category: cat.id.clone(),
            label: cat.label.clone(),
            label_en: cat.label_en.clone(),
            amount,
            payment,
            total,
            document: c.document.clone(),
            article: c.article.clone(),
            ref_: c.ref_.clone(),
            quote: c.text.clone(),
        })
    }

    /// Decides `household` (contract JSON) on `as_of`.
    pub fn decide_json(
        &self,
        household: &[u8],
        as_of: NaiveDate,
    ) -> Result<ProgrammeDecision, ProgrammeError> {
        let h = Household::from_json(household).map_err(|e| ProgrammeError::Input {
            path: e.path.clone(),
            message: e.to_string(),
        })?;
        self.decide(&h, as_of)
    }

    pub fn decide(
        &self,
        h: &Household,
        as_of: NaiveDate,
    ) -> Result<ProgrammeDecision, ProgrammeError> {
        let ev = self
            .policy
            .evaluator(as_of, &[])
            .map_err(|e| ProgrammeError::Resolve {
                id: self.policy.id.clone(),
                as_of,
                message: e.to_string(),
            })?;
        let d = ev.decide(h).map_err(|e| ProgrammeError::Input {
            path: e.path.clone(),
            message: e.to_string(),
        })?;
        let mut out = Vec::new();
        Renderer::new(&ev).write_json(h, &d, &mut out);
        let decision: serde_json::Value =
            serde_json::from_slice(&out).map_err(|e| ProgrammeError::Input {
                path: String::new(),
                message: e.to_string(),
            })?;
        let mut award: Option<Award> = None;
        for (i, c) in self.policy.categories.iter().enumerate() {
            if d.categories & (1 << i) != 0 {
                let a = self.award_of(&c.id, as_of)?;
                // Categories are written to be disjoint; should a city's
                // file overlap them, the family gets the higher award.
                if award.as_ref().is_none_or(|b| a.total > b.total) {
                    award = Some(a);
                }
            }
        }
        Ok(ProgrammeDecision {
            programme: self.id,
            decision,
            award,
        })
    }
}
