//! Deciding: a policy with its parameters resolved for one as-of date is an
//! [`Evaluator`]; it turns a [`Household`] into a [`Decision`].
//!
//! A decision records, for every rule, whether it passed and the figures it
//! compared; categories, tier, scope, priority and obligations follow from
//! those outcomes. Every rule is evaluated for every household — there is no
//! short-circuit, because a family told "no" must see every reason. Messages
//! are rendered only when a decision is written out (`render.rs`), so
//! deciding allocates nothing beyond the outcome vector it is given.

use chrono::{Datelike, Months, NaiveDate};
use sha2::{Digest, Sha256};
use std::fmt;

use crate::fixed::{Fixed4, SCALE};
use crate::household::{age_between, Employment, Household, InputError, Member, Relation, Talent};
use crate::model::*;
use anju_idcodes::Sex;

/// Why parameters could not be resolved for a run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResolveError {
    #[error("参数 {name}（{label}）在 {as_of} 没有生效的取值 (parameter `{name}` has no value in force on {as_of}; add one to the policy file or pass --set {name}=VALUE)")]
    NoValue {
        name: String,
        label: String,
        as_of: NaiveDate,
    },
    #[error("--set {name}: 政策 {policy} 没有这个参数 (unknown parameter; known: {known})")]
    UnknownOverride {
        name: String,
        policy: String,
        known: String,
    },
    #[error("--set {name}={value}: 取值无效 ({reason})")]
    BadOverride {
        name: String,
        value: String,
        reason: String,
    },
}

/// Where a parameter's value for this run came from.
#[derive(Debug, Clone)]
pub enum ValueSource {
    Policy(ParamValue),
    /// `--set` on the command line (or the API's equivalent).
    Override,
}

/// One resolved parameter value.
#[derive(Debug, Clone)]
pub struct Resolved {
    pub param: ParamId,
    pub value: Fixed4,
    pub source: ValueSource,
}

/// A policy ready to decide on one as-of date.
pub struct Evaluator<'p> {
    pub policy: &'p Policy,
    pub as_of: NaiveDate,
    /// Indexed by ParamId; zero for parameters no rule uses.
    values: Vec<Fixed4>,
    /// Start of each look-back rule's window (A − N years), by RuleId:
    /// it depends only on the as-of date, so it is computed once.
    windows: Vec<NaiveDate>,
    pub resolved: Vec<Resolved>,
    pub digest: String,
}

/// Outcome of one rule for one household. The meaning of `mask` and `v`
/// depends on the rule kind (see `eval_rule`); `render.rs` reads them.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    pub passed: bool,
    pub mask: u32,
    pub v: [i64; 3],
}

/// The result of deciding one household.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Decision {
    /// Indexed by RuleId.
    pub outcomes: Vec<Outcome>,
    /// Bit i set when category i holds.
    pub categories: u32,
    pub tier: Option<u8>,
    pub scope: Option<Scope>,
    pub priority: bool,
    /// (obligation index, clause index) of each obligation that applies.
    pub obligations: Vec<(u8, u8)>,
}

impl Decision {
    pub fn eligible(&self) -> bool {
        self.categories != 0
    }
}

impl Policy {
    /// Resolves every used parameter on `as_of`, applying `overrides`
    /// (name, value in the parameter's own unit).
    pub fn evaluator(
        &self,
        as_of: NaiveDate,
        overrides: &[(String, String)],
    ) -> Result<Evaluator<'_>, ResolveError> {
        let mut over: Vec<Option<Fixed4>> = vec![None; self.params.len()];
        for (name, raw) in overrides {
            let pid = self
                .param_by_name(name)
                .ok_or_else(|| ResolveError::UnknownOverride {
                    name: name.clone(),
                    policy: self.id.clone(),
                    known: self
                        .params
                        .iter()
                        .map(|p| p.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                })?;
            let bad = |reason: &str| ResolveError::BadOverride {
                name: name.clone(),
                value: raw.clone(),
                reason: reason.to_string(),
            };
            let v: f64 = raw
                .trim()
                .parse()
                .map_err(|_| bad("不是数字 (not a number)"))?;
            let v = Fixed4::from_f64(v)
                .filter(|x| x.raw() >= 0)
                .ok_or_else(|| bad("须为非负数 (must be a non-negative number)"))?;
            let unit = self.params[pid].unit;
            if unit.is_whole() && v.as_whole().is_none() {
                return Err(bad(&format!(
                    "单位为{}，须为整数 (must be whole)",
                    unit.label_zh()
                )));
            }
            over[pid] = Some(v);
        }
        let mut values = vec![Fixed4::ZERO; self.params.len()];
        let mut resolved = Vec::new();
        for &pid in &self.used_params {
            let p = &self.params[pid];
            let r = if let Some(v) = over[pid] {
                Resolved {
                    param: pid,
                    value: v,
                    source: ValueSource::Override,
                }
            } else {
                let pv = p.value_on(as_of).ok_or_else(|| ResolveError::NoValue {
                    name: p.name.clone(),
                    label: p.label.clone(),
                    as_of,
                })?;
                Resolved {
                    param: pid,
                    value: pv.value,
                    source: ValueSource::Policy(pv.clone()),
                }
            };
            values[pid] = r.value;
            resolved.push(r);
        }
        let digest = digest(self, &resolved);
        let windows = self
            .rules
            .iter()
            .map(|r| match r.kind {
                RuleKind::Lookback { years, .. } => sub_years(as_of, values[years].raw() / SCALE),
                _ => as_of,
            })
            .collect();
        Ok(Evaluator {
            policy: self,
            as_of,
            values,
            windows,
            resolved,
            digest,
        })
    }
}

/// SHA-256 over the policy text's SHA-256 and the parameter values this run
/// uses (`name=value` lines, sorted), so a decision can be traced to the exact
/// rules and figures that produced it.
fn digest(policy: &Policy, resolved: &[Resolved]) -> String {
    let mut h = Sha256::new();
    h.update(b"anju-policy-digest-v2\n");
    h.update(policy.text_sha256);
    let mut lines: Vec<String> = resolved
        .iter()
        .map(|r| format!("{}={}\n", policy.params[r.param].name, r.value.fmt_trim()))
        .collect();
    lines.sort();
    for l in lines {
        h.update(l.as_bytes());
    }
    let out = h.finalize();
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in out {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

pub(crate) fn day_number(d: NaiveDate) -> i64 {
    i64::from(d.num_days_from_ce())
}

pub fn from_day_number(n: i64) -> Option<NaiveDate> {
    i32::try_from(n)
        .ok()
        .and_then(NaiveDate::from_num_days_from_ce_opt)
}

/// `d` plus `years` calendar years; 29 February lands on 28 February.
pub fn add_years(d: NaiveDate, years: i64) -> NaiveDate {
    let months = u32::try_from(years.saturating_mul(12)).unwrap_or(u32::MAX);
    d.checked_add_months(Months::new(months))
        .unwrap_or(NaiveDate::MAX)
}

pub fn sub_years(d: NaiveDate, years: i64) -> NaiveDate {
    let months = u32::try_from(years.saturating_mul(12)).unwrap_or(u32::MAX);
    d.checked_sub_months(Months::new(months))
        .unwrap_or(NaiveDate::MIN)
}

impl fmt::Debug for Evaluator<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Evaluator")
            .field("policy", &self.policy.id)
            .field("as_of", &self.as_of)
            .field("digest", &self.digest)
            .finish()
    }
}

impl Evaluator<'_> {
    pub fn value(&self, p: ParamId) -> Fixed4 {
        self.values[p]
    }

    fn years(&self, p: ParamId) -> i64 {
        // Whole-unit parameters are checked at load and at --set.
        self.values[p].raw() / SCALE
    }

    fn num(&self, n: Num) -> Fixed4 {
        match n {
            Num::Lit(v) => v,
            Num::Param(p) => self.values[p],
        }
    }

    /// Decides one household.
    pub fn decide(&self, h: &Household) -> Result<Decision, InputError> {
        let mut d = Decision::default();
        self.decide_into(h, &mut d)?;
        Ok(d)
    }

    /// Decides into `out`, reusing its allocation (the batch hot path).
    pub fn decide_into(&self, h: &Household, out: &mut Decision) -> Result<(), InputError> {
        for (i, m) in h.members.iter().enumerate() {
            if m.birth_date > self.as_of {
                return Err(InputError {
                    path: format!("members[{i}].birth_date"),
                    message: format!(
                        "出生日期 {} 晚于判定日期 {} (born after the as-of date)",
                        m.birth_date, self.as_of
                    ),
                    line: None,
                    column: None,
                });
            }
        }
        let p = self.policy;
        out.outcomes.clear();
        for (i, rule) in p.rules.iter().enumerate() {
            out.outcomes.push(self.eval_rule(i, rule, h));
        }
        let common_ok = p.common_rules.iter().all(|&r| out.outcomes[r].passed);
        let mut cats = 0u32;
        let mut tier: Option<u8> = None;
        let mut any_city = false;
        let mut any_county = false;
        for (ci, c) in p.categories.iter().enumerate() {
            if !(common_ok && c.rules.iter().all(|&r| out.outcomes[r].passed)) {
                continue;
            }
            cats |= 1 << ci;
            match c.scope {
                Scope::City => any_city = true,
                Scope::CountySeat => any_county = true,
            }
            if let Some(t) = c
                .tiers
                .iter()
                .find(|t| t.when.as_ref().is_none_or(|w| self.test(w, h, None)))
            {
                tier = Some(tier.map_or(t.tier, |x| x.min(t.tier)));
            }
        }
        out.categories = cats;
        out.tier = tier;
        out.scope = if any_city {
            Some(Scope::City)
        } else if any_county {
            Some(Scope::CountySeat)
        } else {
            p.scope_if_ineligible
        };
        out.priority = cats != 0
            && p.priority
                .as_ref()
                .is_some_and(|pr| self.test(&pr.when, h, None));
        out.obligations.clear();
        if cats != 0 {
            for (oi, o) in p.obligations.iter().enumerate() {
                if let Some(ci) = o.clauses.iter().position(|c| {
                    c.categories & cats != 0
                        && c.test.as_ref().is_none_or(|t| self.test(t, h, None))
                }) {
                    out.obligations.push((oi as u8, ci as u8));
                }
            }
        }
        Ok(())
    }

    fn eval_rule(&self, index: RuleId, rule: &Rule, h: &Household) -> Outcome {
        let n = h.members.len() as i64;
        match &rule.kind {
            RuleKind::Facts { test } => {
                let mut o = Outcome::default();
                o.passed = self.test(test, h, Some(&mut o));
                o
            }
            RuleKind::Composition {
                children,
                adult_age,
            } => {
                // mask: members who may not be in the application.
                let adult = self.years(*adult_age);
                let mut mask = 0u32;
                let mut spouses = 0;
                for (i, m) in h.members.iter().enumerate() {
                    let ok = match m.relation {
                        Relation::Applicant => true,
                        Relation::Spouse => {
                            spouses += 1;
                            spouses == 1
                        }
                        Relation::Child => {
                            m.age_on(self.as_of) < adult
                                || (*children == ChildrenRule::MinorOrUnmarriedAdult && !m.married)
                        }
                    };
                    if !ok {
                        mask |= 1 << i;
                    }
                }
                Outcome {
                    passed: mask == 0,
                    mask,
                    v: [n, adult, 0],
                }
            }
            RuleKind::SingleApplicant {
                min_age_male,
                min_age_female,
            } => {
                let a = h.applicant();
                if h.members.len() != 1 || a.married {
                    return Outcome {
                        passed: true,
                        mask: 0,
                        v: [0; 3],
                    };
                }
                let (limit, sex) = match a.sex {
                    Sex::Male => (self.years(*min_age_male), 0),
                    Sex::Female => (self.years(*min_age_female), 1),
                };
                let age = a.age_on(self.as_of);
                Outcome {
                    passed: age >= limit,
                    mask: 1,
                    v: [age, limit, sex],
                }
            }
            RuleKind::PerCapitaIncome {
                cmp,
                statistic,
                multiple,
            } => {
                let total: i64 = h.members.iter().map(|m| m.annual_income.raw()).sum();
                let stat = self.values[*statistic].raw();
                let mult = multiple.map_or(SCALE, |m| self.values[m].raw());
                // total / n  cmp  stat * mult / SCALE, cross-multiplied exactly.
                let lhs = i128::from(total) * i128::from(SCALE);
                let rhs = i128::from(n) * i128::from(stat) * i128::from(mult);
                let threshold = (i128::from(stat) * i128::from(mult) / i128::from(SCALE)) as i64;
                Outcome {
                    passed: cmp.holds(lhs, rhs),
                    mask: 0,
                    v: [total, n, threshold],
                }
            }
            RuleKind::HousingArea { cmp, limit } => {
                let lim = self.values[*limit].raw();
                if h.housing.owned_homes == 0 {
                    return Outcome {
                        passed: true,
                        mask: 1,
                        v: [0, n, lim],
                    };
                }
                let area = h.housing.owned_floor_area.raw();
                Outcome {
                    passed: cmp.holds(i128::from(area), i128::from(n) * i128::from(lim)),
                    mask: 0,
                    v: [area, n, lim],
                }
            }
            RuleKind::Lookback { field, years } => {
                // Within N years of A: A − N years < d ≤ A.
                let y = self.years(*years);
                let since = self.windows[index];
                let mut count = 0u32;
                let mut latest: Option<NaiveDate> = None;
                for &d in dates(h, *field) {
                    if since < d && d <= self.as_of {
                        count += 1;
                        latest = Some(latest.map_or(d, |l| l.max(d)));
                    }
                }
                Outcome {
                    passed: count == 0,
                    mask: count,
                    v: [latest.map_or(0, day_number), y, day_number(since)],
                }
            }
            RuleKind::Ban { field, tiers } => {
                // Events on record by the as-of date; the ban runs from the
                // latest for the years of the highest tier reached.
                let mut count = 0u32;
                let mut latest: Option<NaiveDate> = None;
                for &d in dates(h, *field) {
                    if d <= self.as_of {
                        count += 1;
                        latest = Some(latest.map_or(d, |l| l.max(d)));
                    }
                }
                let Some(latest) = latest else {
                    return Outcome {
                        passed: true,
                        mask: 0,
                        v: [0; 3],
                    };
                };
                let years = tiers
                    .iter()
                    .rev()
                    .find(|(min, _)| count >= *min)
                    .map_or(0, |(_, p)| self.years(*p));
                let until = add_years(latest, years);
                Outcome {
                    passed: self.as_of >= until,
                    mask: count,
                    v: [day_number(latest), years, day_number(until)],
                }
            }
        }
    }

    /// Evaluates a test. With `rec`, records each atom's pass bit and the
    /// figures of numeric atoms; every atom is evaluated (no short-circuit)
    /// so the explanation can list every failed part.
    fn test(&self, t: &Test, h: &Household, mut rec: Option<&mut Outcome>) -> bool {
        match t {
            Test::All(children, _) => {
                let mut ok = true;
                for c in children {
                    ok &= self.test(c, h, rec.as_deref_mut());
                }
                ok
            }
            Test::Any(children, _) => {
                let mut ok = false;
                for c in children {
                    ok |= self.test(c, h, rec.as_deref_mut());
                }
                ok
            }
            Test::Atom {
                atom,
                slot,
                num_slot,
                ..
            } => {
                let (ok, figure) = self.atom(atom, h);
                if let Some(o) = rec {
                    if ok {
                        o.mask |= 1 << slot;
                    }
                    if let Some(s) = num_slot {
                        o.v[*s as usize] = figure;
                    }
                }
                ok
            }
        }
    }

    /// An atom's truth and, for numeric atoms, the figure compared (raw Fixed4).
    fn atom(&self, atom: &Atom, h: &Household) -> (bool, i64) {
        let a = h.applicant();
        match atom {
            Atom::ApplicantBool(f, want) => (applicant_bool(a, *f) == *want, 0),
            Atom::HouseholdBool(f, want) => {
                let v = match f {
                    HouseholdBool::PolicyHousing => h.history.policy_housing,
                    HouseholdBool::AffordableHousingReceived => {
                        h.history.affordable_housing_received
                    }
                    HouseholdBool::AffordableHousingExited => h.history.affordable_housing_exited,
                    HouseholdBool::Fraud => h.history.fraud,
                };
                (v == *want, 0)
            }
            Atom::ApplicantEnum {
                field: ApplicantEnum::Occupation,
                values,
                negate,
                ..
            } => {
                let v = a.occupation.as_deref().unwrap_or("none");
                (values.iter().any(|x| x == v) != *negate, 0)
            }
            Atom::ApplicantEnum {
                field,
                mask,
                negate,
                ..
            } => ((mask & (1 << enum_index(a, *field)) != 0) != *negate, 0),
            Atom::HouseholdSet(f, mask, negate) => {
                let held = match f {
                    HouseholdSet::CurrentBenefits => h.current_benefits,
                    HouseholdSet::Special => h.special,
                };
                ((held & mask != 0) != *negate, 0)
            }
            Atom::ApplicantNum(f, op, n) => {
                let v = match f {
                    ApplicantNum::Age => Fixed4::from_int(age_between(a.birth_date, self.as_of)),
                    ApplicantNum::ResidenceYears => a.residence_years,
                    ApplicantNum::SocialInsuranceMonths => {
                        Fixed4::from_int(i64::from(a.social_insurance_months))
                    }
                    ApplicantNum::AnnualIncome => a.annual_income,
                    ApplicantNum::ServicePledgeYears => {
                        Fixed4::from_int(i64::from(a.service_pledge_years))
                    }
                };
                (num_op(*op, v, self.num(*n)), v.raw())
            }
            Atom::HouseholdNum(f, op, n) => {
                let v = match f {
                    HouseholdNum::OwnedHomes => Fixed4::from_int(i64::from(h.housing.owned_homes)),
                    HouseholdNum::OwnedFloorArea => h.housing.owned_floor_area,
                    HouseholdNum::AffordableHomesOwned => {
                        Fixed4::from_int(i64::from(h.housing.affordable_homes_owned))
                    }
                    HouseholdNum::Members => Fixed4::from_int(h.members.len() as i64),
                    HouseholdNum::ProvidentFundContributors => Fixed4::from_int(
                        h.members
                            .iter()
                            .filter(|m| {
                                m.provident_fund
                                    && matches!(m.relation, Relation::Applicant | Relation::Spouse)
                            })
                            .count() as i64,
                    ),
                    HouseholdNum::TotalIncome => {
                        Fixed4::from_raw(h.members.iter().map(|m| m.annual_income.raw()).sum())
                    }
                };
                (num_op(*op, v, self.num(*n)), v.raw())
            }
        }
    }

    /// The limit an atom compares against (for messages).
    pub(crate) fn atom_limit(&self, atom: &Atom) -> Option<Fixed4> {
        match atom {
            Atom::ApplicantNum(_, _, n) | Atom::HouseholdNum(_, _, n) => Some(self.num(*n)),
            _ => None,
        }
    }
}

fn num_op(op: NumOp, v: Fixed4, limit: Fixed4) -> bool {
    match op {
        NumOp::AtLeast => v >= limit,
        NumOp::AtMost => v <= limit,
        NumOp::LessThan => v < limit,
    }
}

fn applicant_bool(a: &Member, f: ApplicantBool) -> bool {
    match f {
        ApplicantBool::Resident => a.resident,
        ApplicantBool::HukouLocal => a.hukou_local,
        ApplicantBool::Married => a.married,
        ApplicantBool::FullCivilCapacity => a.full_civil_capacity,
        ApplicantBool::LaborContract => a.labor_contract,
        ApplicantBool::ResidenceRegistration => a.residence_registration,
        ApplicantBool::WorkplaceTownship => a.workplace_township,
        ApplicantBool::ProvidentFund => a.provident_fund,
    }
}

/// Index of the applicant's value in `compile::condition::enum_values(field)`.
fn enum_index(a: &Member, f: ApplicantEnum) -> u32 {
    match f {
        ApplicantEnum::Employment => match a.employment {
            Employment::Employee => 0,
            Employment::Flexible => 1,
            Employment::NewForm => 2,
            Employment::SelfEmployed => 3,
            Employment::Unemployed => 4,
            Employment::Retired => 5,
        },
        ApplicantEnum::Talent => match a.talent {
            Some(Talent::HighLevel) => 0,
            Some(Talent::Certified) => 1,
            None => 2,
        },
        ApplicantEnum::Sex => match a.sex {
            Sex::Male => 0,
            Sex::Female => 1,
        },
        ApplicantEnum::Degree => a.degree.map_or(3, |d| d as u32),
        ApplicantEnum::University => a.university.map_or(3, |u| u as u32),
        // Free text: matched by string in `atom`; never reaches here.
        ApplicantEnum::Occupation => 31,
    }
}

fn dates(h: &Household, f: DateField) -> &[NaiveDate] {
    match f {
        DateField::ExpropriationCompensation => &h.history.expropriation_compensation_dates,
        DateField::PropertyTransfer => &h.history.property_transfer_dates,
        DateField::Abandonments => &h.history.abandonments,
        DateField::Blacklisted => &h.history.blacklisted_on,
    }
}
