//! One benefits register per person, keyed by the keyed hash of the
//! resident ID (the store computes it; this module never sees an ID).
//!
//! The register is the record every programme asks before granting, so no
//! one receives the same benefit twice, and an eligibility rule that depends
//! on current benefits (`current_benefits`) reads the register instead of
//! the family's declaration.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A benefit anju records.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BenefitKind {
    /// 人才购房补贴: once in a lifetime (a first home is bought once).
    TalentPurchase,
    /// 人才租房补助: one running grant at a time; not with a talent apartment.
    TalentRent,
    /// 市级人才公寓: the alternative to the rent subsidy ("或").
    TalentApartment,
    /// 提取公积金支付房租: once a calendar year.
    ProvidentRent,
    /// 配售型保障性住房: one home per family (001 art. 10), so once.
    AffordablePurchase,
}

impl BenefitKind {
    pub const ALL: [BenefitKind; 5] = [
        BenefitKind::TalentPurchase,
        BenefitKind::TalentRent,
        BenefitKind::TalentApartment,
        BenefitKind::ProvidentRent,
        BenefitKind::AffordablePurchase,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            BenefitKind::TalentPurchase => "talent_purchase",
            BenefitKind::TalentRent => "talent_rent",
            BenefitKind::TalentApartment => "talent_apartment",
            BenefitKind::ProvidentRent => "provident_rent",
            BenefitKind::AffordablePurchase => "affordable_purchase",
        }
    }
    pub fn parse(s: &str) -> Option<BenefitKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            BenefitKind::TalentPurchase => "人才购房补贴",
            BenefitKind::TalentRent => "人才租房补助",
            BenefitKind::TalentApartment => "市级人才公寓",
            BenefitKind::ProvidentRent => "提取公积金支付房租",
            BenefitKind::AffordablePurchase => "配售型保障性住房",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            BenefitKind::TalentPurchase => "talent purchase subsidy",
            BenefitKind::TalentRent => "talent rent subsidy",
            BenefitKind::TalentApartment => "talent apartment",
            BenefitKind::ProvidentRent => "provident-fund rent withdrawal",
            BenefitKind::AffordablePurchase => "affordable home purchase",
        }
    }
    /// The household contract's `current_benefits` spelling, when the
    /// eligibility rules know this benefit.
    pub fn contract_benefit(self) -> Option<&'static str> {
        match self {
            BenefitKind::TalentRent => Some("talent_rent_subsidy"),
            BenefitKind::TalentApartment => Some("talent_apartment"),
            _ => None,
        }
    }
}

/// One benefit held: from a day, until a day (inclusive) or still running.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Grant {
    pub kind: BenefitKind,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
}

impl Grant {
    fn overlaps(&self, other: &Grant) -> bool {
        let a_end = self.until.unwrap_or(NaiveDate::MAX);
        let b_end = other.until.unwrap_or(NaiveDate::MAX);
        self.from <= b_end && other.from <= a_end
    }
    pub fn active_on(&self, on: NaiveDate) -> bool {
        self.from <= on && self.until.is_none_or(|u| on <= u)
    }
}

/// Why a grant would be a double benefit.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DoubleBenefit {
    #[error("已享受过{}（{from} 起），不能重复享受 (already received {kind:?})", kind.label_zh())]
    OnceOnly { kind: BenefitKind, from: NaiveDate },
    #[error(
        "{} 年已提取过一次公积金支付房租，每年只能提取一次 (already withdrawn this year)",
        year
    )]
    OncePerYear { year: i32 },
    #[error("{}与正在享受的{}（{from} 起）不能同时享受 (overlaps a benefit already held)", new.label_zh(), held.label_zh())]
    Overlap {
        new: BenefitKind,
        held: BenefitKind,
        from: NaiveDate,
    },
    #[error("结束日期 {until} 早于开始日期 {from} (until before from)")]
    BadPeriod { from: NaiveDate, until: NaiveDate },
}

/// Whether `new` may be granted to a person who holds `held`.
pub fn check(held: &[Grant], new: &Grant) -> Result<(), DoubleBenefit> {
    if let Some(u) = new.until {
        if u < new.from {
            return Err(DoubleBenefit::BadPeriod {
                from: new.from,
                until: u,
            });
        }
    }
    for g in held {
        match (g.kind, new.kind) {
            (a, b)
                if a == b
                    && matches!(
                        a,
                        BenefitKind::TalentPurchase | BenefitKind::AffordablePurchase
                    ) =>
            {
                return Err(DoubleBenefit::OnceOnly {
                    kind: a,
                    from: g.from,
                });
            }
            (BenefitKind::ProvidentRent, BenefitKind::ProvidentRent)
                if g.from.year() == new.from.year() =>
            {
                return Err(DoubleBenefit::OncePerYear {
                    year: g.from.year(),
                });
            }
            (a, b) if conflicts(a, b) && g.overlaps(new) => {
                return Err(DoubleBenefit::Overlap {
                    new: b,
                    held: a,
                    from: g.from,
                });
            }
            _ => {}
        }
    }
    Ok(())
}

/// Pairs that may not run at the same time.
fn conflicts(a: BenefitKind, b: BenefitKind) -> bool {
    use BenefitKind::*;
    matches!(
        (a, b),
        (TalentRent, TalentRent)
            | (TalentApartment, TalentApartment)
            | (TalentRent, TalentApartment)
            | (TalentApartment, TalentRent)
    )
}

/// An in-memory register (the store keeps the same rows; this type states
/// the rule and is what the property test exercises).
#[derive(Debug, Clone, Default)]
pub struct Register {
    by_person: BTreeMap<String, Vec<Grant>>,
}

impl Register {
    pub fn grants(&self, person: &str) -> &[Grant] {
        self.by_person.get(person).map_or(&[], |v| v.as_slice())
    }

    /// Records `g` unless it would be a double benefit.
    pub fn grant(&mut self, person: &str, g: Grant) -> Result<(), DoubleBenefit> {
        check(self.grants(person), &g)?;
        self.by_person.entry(person.to_owned()).or_default().push(g);
        Ok(())
    }

    /// Ends a running grant of `kind` on `until` (a stop event).
    pub fn end(&mut self, person: &str, kind: BenefitKind, until: NaiveDate) -> bool {
        if let Some(v) = self.by_person.get_mut(person) {
            if let Some(g) = v
                .iter_mut()
                .find(|g| g.kind == kind && g.until.is_none() && g.from <= until)
            {
                g.until = Some(until);
                return true;
            }
        }
        false
    }

    /// The contract's `current_benefits` for a person on a day.
    pub fn current_benefits(&self, person: &str, on: NaiveDate) -> Vec<&'static str> {
        let mut v: Vec<&'static str> = self
            .grants(person)
            .iter()
            .filter(|g| g.active_on(on))
            .filter_map(|g| g.kind.contract_benefit())
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    pub fn people(&self) -> impl Iterator<Item = (&String, &Vec<Grant>)> {
        self.by_person.iter()
    }
}

/// The invariant: no person's grants contain a double benefit. Checked by
/// re-running [`check`] on every grant against those recorded before it.
pub fn invariant_holds(grants: &[Grant]) -> bool {
    (0..grants.len()).all(|i| check(&grants[..i], &grants[i]).is_ok())
}
