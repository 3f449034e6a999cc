//! The checked, compiled form of a policy: what the engine evaluates.
//! Nothing here can refer to a parameter, rule or category that does not
//! exist; `compile.rs` guarantees it.

use chrono::NaiveDate;

use crate::fixed::Fixed4;
use crate::template::Template;

pub type ParamId = usize;
pub type RuleId = usize;

/// Where a rule, parameter value or obligation comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Citation {
    /// Document number or title exactly as printed in the source.
    pub document: String,
    /// Article label in the source's own words (第十条（一）3).
    pub article: String,
    /// Dotted Arabic path, outermost first (10.1.3).
    pub ref_: String,
    /// The quoted source text.
    pub text: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    YuanPerYear,
    /// A one-off sum (a purchase subsidy, a yearly withdrawal cap).
    Yuan,
    /// A monthly sum (a rent subsidy).
    YuanPerMonth,
    SquareMetres,
    Years,
    Months,
    Days,
    Homes,
    Ratio,
    /// A count of occasions (withdrawals a year).
    Times,
}

impl Unit {
    pub fn parse(s: &str) -> Option<Unit> {
        Some(match s {
            "yuan_per_year" => Unit::YuanPerYear,
            "yuan" => Unit::Yuan,
            "yuan_per_month" => Unit::YuanPerMonth,
            "m2" => Unit::SquareMetres,
            "years" => Unit::Years,
            "months" => Unit::Months,
            "days" => Unit::Days,
            "homes" => Unit::Homes,
            "ratio" => Unit::Ratio,
            "times" => Unit::Times,
            _ => return None,
        })
    }
    pub const NAMES: &'static str =
        "yuan_per_year, yuan, yuan_per_month, m2, years, months, days, homes, ratio, times";

    pub fn as_str(self) -> &'static str {
        match self {
            Unit::YuanPerYear => "yuan_per_year",
            Unit::Yuan => "yuan",
            Unit::YuanPerMonth => "yuan_per_month",
            Unit::SquareMetres => "m2",
            Unit::Years => "years",
            Unit::Months => "months",
            Unit::Days => "days",
            Unit::Homes => "homes",
            Unit::Ratio => "ratio",
            Unit::Times => "times",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Unit::YuanPerYear => "元/年",
            Unit::Yuan => "元",
            Unit::YuanPerMonth => "元/月",
            Unit::SquareMetres => "平方米",
            Unit::Years => "年",
            Unit::Months => "个月",
            Unit::Days => "日",
            Unit::Homes => "套",
            Unit::Ratio => "倍",
            Unit::Times => "次",
        }
    }

    /// The unit in English words.
    pub fn label_en(self) -> &'static str {
        match self {
            Unit::YuanPerYear => "yuan a year",
            Unit::Yuan => "yuan",
            Unit::YuanPerMonth => "yuan a month",
            Unit::SquareMetres => "m²",
            Unit::Years => "years",
            Unit::Months => "months",
            Unit::Days => "days",
            Unit::Homes => "homes",
            Unit::Ratio => "times",
            Unit::Times => "times",
        }
    }

    /// Units counted in whole numbers (a ban of 2.5 years is not a thing the
    /// documents define).
    pub fn is_whole(self) -> bool {
        matches!(
            self,
            Unit::Years
                | Unit::Months
                | Unit::Days
                | Unit::Homes
                | Unit::Times
                | Unit::Yuan
                | Unit::YuanPerMonth
        )
    }
}

#[derive(Debug, Clone)]
pub struct ParamValue {
    pub from: NaiveDate,
    /// Last day in force, inclusive; None = until superseded.
    pub until: Option<NaiveDate>,
    pub value: Fixed4,
    pub citation: Citation,
    pub note: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub label: String,
    pub label_en: Option<String>,
    pub unit: Unit,
    pub used_in: Option<String>,
    /// Sorted by `from`, non-overlapping.
    pub values: Vec<ParamValue>,
}

impl Param {
    /// The value in force on `on`: the latest value whose period covers it.
    pub fn value_on(&self, on: NaiveDate) -> Option<&ParamValue> {
        self.values
            .iter()
            .rev()
            .find(|v| v.from <= on && v.until.is_none_or(|u| on <= u))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Cmp {
    Lt,
    Le,
}

impl Cmp {
    pub fn holds(self, a: i128, b: i128) -> bool {
        match self {
            Cmp::Lt => a < b,
            Cmp::Le => a <= b,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChildrenRule {
    /// Minor children only (Loudi 四(二)1).
    Minor,
    /// Minor children and adult unmarried children (阳泉 第十条).
    MinorOrUnmarriedAdult,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    ExpropriationCompensation,
    PropertyTransfer,
    Abandonments,
    Blacklisted,
}

impl DateField {
    pub fn parse(s: &str) -> Option<DateField> {
        Some(match s {
            "history.expropriation_compensation_dates" => DateField::ExpropriationCompensation,
            "history.property_transfer_dates" => DateField::PropertyTransfer,
            "history.abandonments" => DateField::Abandonments,
            "history.blacklisted_on" => DateField::Blacklisted,
            _ => return None,
        })
    }
    pub const NAMES: &'static str = "history.expropriation_compensation_dates, history.property_transfer_dates, history.abandonments, history.blacklisted_on";
}

/// A number in a test: a literal or a parameter.
#[derive(Debug, Clone, Copy)]
pub enum Num {
    Lit(Fixed4),
    Param(ParamId),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicantBool {
    Resident,
    HukouLocal,
    Married,
    FullCivilCapacity,
    LaborContract,
    ResidenceRegistration,
    WorkplaceTownship,
    /// Pays into the housing provident fund (住房公积金).
    ProvidentFund,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicantNum {
    /// Whole years on the as-of date.
    Age,
    ResidenceYears,
    SocialInsuranceMonths,
    AnnualIncome,
    /// Years of service the applicant has pledged (subsidy programmes).
    ServicePledgeYears,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ApplicantEnum {
    Employment,
    Occupation,
    Talent,
    Sex,
    /// Highest full-time degree (subsidy programmes).
    Degree,
    /// The kind of university that awarded it (subsidy programmes).
    University,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdBool {
    PolicyHousing,
    AffordableHousingReceived,
    AffordableHousingExited,
    Fraud,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdNum {
    OwnedHomes,
    OwnedFloorArea,
    AffordableHomesOwned,
    Members,
    TotalIncome,
    /// Applicant and spouse who pay into the housing provident fund.
    ProvidentFundContributors,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HouseholdSet {
    CurrentBenefits,
    Special,
}

#[derive(Debug, Clone)]
pub enum Atom {
    ApplicantBool(ApplicantBool, bool),
    ApplicantNum(ApplicantNum, NumOp, Num),
    /// Value in the list (or, with `negate`, not in it). Values are the
    /// contract's spellings; "none" matches an absent talent/occupation.
    /// `mask` holds the list as bits of the closed enums' value indexes
    /// (employment, talent, sex), so the hot path compares no strings.
    ApplicantEnum {
        field: ApplicantEnum,
        values: Vec<String>,
        mask: u32,
        negate: bool,
    },
    HouseholdBool(HouseholdBool, bool),
    HouseholdNum(HouseholdNum, NumOp, Num),
    /// Any bit of the mask held (or, with `negate`, none held).
    HouseholdSet(HouseholdSet, u8, bool),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NumOp {
    AtLeast,
    AtMost,
    LessThan,
}

#[derive(Debug, Clone)]
pub enum Test {
    All(Vec<Test>, Option<Template>),
    Any(Vec<Test>, Option<Template>),
    /// `slot` indexes the atom inside its rule: its pass bit in
    /// `Outcome::mask`, and (for numeric atoms) `num_slot` its figure.
    Atom {
        atom: Atom,
        slot: u8,
        num_slot: Option<u8>,
        name: &'static str,
        fail: Option<Template>,
    },
}

#[derive(Debug, Clone)]
pub enum RuleKind {
    Facts {
        test: Test,
    },
    Composition {
        children: ChildrenRule,
        adult_age: ParamId,
    },
    SingleApplicant {
        min_age_male: ParamId,
        min_age_female: ParamId,
    },
    PerCapitaIncome {
        cmp: Cmp,
        statistic: ParamId,
        multiple: Option<ParamId>,
    },
    HousingArea {
        cmp: Cmp,
        limit: ParamId,
    },
    Lookback {
        field: DateField,
        years: ParamId,
    },
    Ban {
        field: DateField,
        /// (minimum count, years), sorted by count.
        tiers: Vec<(u32, ParamId)>,
    },
}

/// Messages of a rule; which ones exist depends on the kind.
#[derive(Debug, Clone, Default)]
pub struct Messages {
    pub pass: Option<Template>,
    pub fail: Option<Template>,
    pub no_home: Option<Template>,
    pub none: Option<Template>,
    pub not_applicable: Option<Template>,
}

#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub label: Option<String>,
    pub label_en: Option<String>,
    pub citation: Citation,
    pub kind: RuleKind,
    pub messages: Messages,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    City,
    CountySeat,
}

impl Scope {
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::City => "city",
            Scope::CountySeat => "county_seat",
        }
    }
    pub fn label_zh(self) -> &'static str {
        match self {
            Scope::City => "全市范围",
            Scope::CountySeat => "仅限所在县城",
        }
    }
}

#[derive(Debug, Clone)]
pub struct TierClause {
    pub tier: u8,
    pub when: Option<Test>,
}

#[derive(Debug, Clone)]
pub struct Category {
    pub id: String,
    pub label: String,
    pub label_en: Option<String>,
    pub citation: Option<Citation>,
    pub rules: Vec<RuleId>,
    pub scope: Scope,
    pub tiers: Vec<TierClause>,
}

#[derive(Debug, Clone)]
pub struct ObligationClause {
    /// Bit i set when category i triggers this clause.
    pub categories: u32,
    pub test: Option<Test>,
    pub citation: Citation,
}

#[derive(Debug, Clone)]
pub struct Obligation {
    pub code: String,
    pub label: Option<String>,
    pub within_days: Option<ParamId>,
    pub clauses: Vec<ObligationClause>,
}

#[derive(Debug, Clone)]
pub struct Priority {
    pub citation: Citation,
    pub when: Test,
}

/// A loaded, checked policy.
#[derive(Debug, Clone)]
pub struct Policy {
    pub id: String,
    pub title: String,
    pub title_en: Option<String>,
    pub document: String,
    pub issued_by: Option<String>,
    pub issued_on: Option<NaiveDate>,
    pub status: Option<String>,
    pub valid_from: NaiveDate,
    pub valid_until: Option<NaiveDate>,
    pub source: Option<String>,
    /// Where it was loaded from (file path or `builtin:ID`).
    pub origin: String,
    /// The file text, hashed into every decision's digest.
    pub text: String,
    /// SHA-256 of `text`, computed once at load: every run's digest starts
    /// from it instead of hashing the file again.
    pub text_sha256: [u8; 32],
    pub params: Vec<Param>,
    pub rules: Vec<Rule>,
    pub common_rules: Vec<RuleId>,
    pub categories: Vec<Category>,
    pub obligations: Vec<Obligation>,
    pub tier_citation: Option<Citation>,
    pub scope_citation: Option<Citation>,
    pub priority: Option<Priority>,
    pub scope_if_ineligible: Option<Scope>,
    /// Parameters some rule, category, obligation or priority refers to.
    pub used_params: Vec<ParamId>,
}

impl Policy {
    pub fn param_by_name(&self, name: &str) -> Option<ParamId> {
        self.params.iter().position(|p| p.name == name)
    }
}
