//! Household facts that departments verify and correct.
//!
//! Paths use the field names of `household.schema.json`. A correction names
//! one member by index (`members[1].married`) or a household field
//! (`housing.owned_homes`); ownership is decided per field, written as the
//! schema pattern (`members[].married`). Each field is owned by at most one
//! department: the one 001 article 4 makes responsible for that fact.

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::role::Department;

/// Largest household (`members` has `maxItems: 20` in the schema).
pub const MAX_MEMBERS: usize = 20;

/// Where a field sits in the household document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Section {
    Member,
    Housing,
    History,
    Top,
}

impl Section {
    fn key(self) -> &'static str {
        match self {
            Section::Member => "members",
            Section::Housing => "housing",
            Section::History => "history",
            Section::Top => "",
        }
    }
}

/// The JSON type a field takes, from the schema.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Bool,
    NonNegativeInteger,
    NonNegativeNumber,
    OneOf(&'static [&'static str]),
    OneOfOrNull(&'static [&'static str]),
    Date,
    Dates,
    SubsetOf(&'static [&'static str]),
    Text,
    TextOrNull,
}

impl Kind {
    fn describe_zh(self) -> String {
        match self {
            Kind::Bool => "true 或 false".to_owned(),
            Kind::NonNegativeInteger => "非负整数".to_owned(),
            Kind::NonNegativeNumber => "非负数".to_owned(),
            Kind::OneOf(v) => format!("{} 之一", v.join("、")),
            Kind::OneOfOrNull(v) => format!("null 或 {} 之一", v.join("、")),
            Kind::Date => "YYYY-MM-DD 格式的日期".to_owned(),
            Kind::Dates => "YYYY-MM-DD 日期的数组".to_owned(),
            Kind::SubsetOf(v) => format!("由 {} 组成的数组", v.join("、")),
            Kind::Text => "字符串".to_owned(),
            Kind::TextOrNull => "字符串或 null".to_owned(),
        }
    }

    fn describe_en(self) -> String {
        match self {
            Kind::Bool => "true or false".to_owned(),
            Kind::NonNegativeInteger => "a non-negative integer".to_owned(),
            Kind::NonNegativeNumber => "a non-negative number".to_owned(),
            Kind::OneOf(v) => format!("one of {}", v.join(", ")),
            Kind::OneOfOrNull(v) => format!("null or one of {}", v.join(", ")),
            Kind::Date => "a YYYY-MM-DD date".to_owned(),
            Kind::Dates => "an array of YYYY-MM-DD dates".to_owned(),
            Kind::SubsetOf(v) => format!("an array of {}", v.join(", ")),
            Kind::Text => "a string".to_owned(),
            Kind::TextOrNull => "a string or null".to_owned(),
        }
    }

    fn accepts(self, v: &Value) -> bool {
        let is_date = |v: &Value| {
            v.as_str()
                .is_some_and(|s| NaiveDate::parse_from_str(s, "%Y-%m-%d").is_ok())
        };
        match self {
            Kind::Bool => v.is_boolean(),
            Kind::NonNegativeInteger => v.as_u64().is_some(),
            Kind::NonNegativeNumber => v.as_f64().is_some_and(|n| n >= 0.0 && n.is_finite()),
            Kind::OneOf(allowed) => v.as_str().is_some_and(|s| allowed.contains(&s)),
            Kind::OneOfOrNull(allowed) => {
                v.is_null() || v.as_str().is_some_and(|s| allowed.contains(&s))
            }
            Kind::Date => is_date(v),
            Kind::Dates => v.as_array().is_some_and(|a| a.iter().all(is_date)),
            Kind::SubsetOf(allowed) => v.as_array().is_some_and(|a| {
                a.iter()
                    .all(|x| x.as_str().is_some_and(|s| allowed.contains(&s)))
            }),
            Kind::Text => v.is_string(),
            Kind::TextOrNull => v.is_null() || v.is_string(),
        }
    }
}

const EMPLOYMENT: &[&str] = &[
    "employee",
    "flexible",
    "new_form",
    "self_employed",
    "unemployed",
    "retired",
];
const RELATION: &[&str] = &["applicant", "spouse", "child"];
const SEX: &[&str] = &["male", "female"];
const TALENT: &[&str] = &["high_level", "certified"];
const BENEFITS: &[&str] = &[
    "public_housing",
    "public_rental",
    "rental_subsidy",
    "talent_apartment",
    "talent_rent_subsidy",
];
const SPECIAL: &[&str] = &[
    "veteran",
    "veteran_in_difficulty",
    "disabled",
    "hardship",
    "frontline_shortage",
];

/// A fact field of `household.schema.json`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[allow(missing_docs)] // each variant is the schema field of the same name
pub enum FactField {
    Relation,
    Name,
    IdNumber,
    BirthDate,
    Sex,
    Married,
    FullCivilCapacity,
    Resident,
    HukouLocal,
    ResidenceYears,
    Employment,
    LaborContract,
    SocialInsuranceMonths,
    ResidenceRegistration,
    Occupation,
    WorkplaceTownship,
    Talent,
    AnnualIncomeYuan,
    OwnedHomes,
    OwnedFloorAreaM2,
    AffordableHomesOwned,
    PolicyHousing,
    ExpropriationCompensationDates,
    PropertyTransferDates,
    AffordableHousingReceived,
    AffordableHousingExited,
    Fraud,
    Abandonments,
    BlacklistedOn,
    CurrentBenefits,
    Special,
}

struct Info {
    section: Section,
    key: &'static str,
    pattern: &'static str,
    owner: Option<Department>,
    kind: Kind,
}

impl FactField {
    /// Every field, in schema order.
    pub const ALL: [FactField; 31] = [
        FactField::Relation,
        FactField::Name,
        FactField::IdNumber,
        FactField::BirthDate,
        FactField::Sex,
        FactField::Married,
        FactField::FullCivilCapacity,
        FactField::Resident,
        FactField::HukouLocal,
        FactField::ResidenceYears,
        FactField::Employment,
        FactField::LaborContract,
        FactField::SocialInsuranceMonths,
        FactField::ResidenceRegistration,
        FactField::Occupation,
        FactField::WorkplaceTownship,
        FactField::Talent,
        FactField::AnnualIncomeYuan,
        FactField::OwnedHomes,
        FactField::OwnedFloorAreaM2,
        FactField::AffordableHomesOwned,
        FactField::PolicyHousing,
        FactField::ExpropriationCompensationDates,
        FactField::PropertyTransferDates,
        FactField::AffordableHousingReceived,
        FactField::AffordableHousingExited,
        FactField::Fraud,
        FactField::Abandonments,
        FactField::BlacklistedOn,
        FactField::CurrentBenefits,
        FactField::Special,
    ];

    fn info(self) -> Info {
        use Department::*;
        use FactField as F;
        use Section::*;
        let (section, key, pattern, owner, kind) = match self {
            F::Relation => (
                Member,
                "relation",
                "members[].relation",
                None,
                Kind::OneOf(RELATION),
            ),
            F::Name => (Member, "name", "members[].name", None, Kind::Text),
            F::IdNumber => (Member, "id_number", "members[].id_number", None, Kind::Text),
            F::BirthDate => (
                Member,
                "birth_date",
                "members[].birth_date",
                None,
                Kind::Date,
            ),
            F::Sex => (Member, "sex", "members[].sex", None, Kind::OneOf(SEX)),
            // 民政: marriage registration (001 art. 4).
            F::Married => (
                Member,
                "married",
                "members[].married",
                Some(CivilAffairs),
                Kind::Bool,
            ),
            F::FullCivilCapacity => (
                Member,
                "full_civil_capacity",
                "members[].full_civil_capacity",
                None,
                Kind::Bool,
            ),
            // 公安: permanent residence (001 art. 4); hukou and residence
            // registration are police records too.
            F::Resident => (
                Member,
                "resident",
                "members[].resident",
                Some(PublicSecurity),
                Kind::Bool,
            ),
            F::HukouLocal => (
                Member,
                "hukou_local",
                "members[].hukou_local",
                Some(PublicSecurity),
                Kind::Bool,
            ),
            F::ResidenceYears => (
                Member,
                "residence_years",
                "members[].residence_years",
                Some(PublicSecurity),
                Kind::NonNegativeNumber,
            ),
            // 人社: labour contracts and social insurance (001 art. 4).
            F::Employment => (
                Member,
                "employment",
                "members[].employment",
                Some(HumanResources),
                Kind::OneOf(EMPLOYMENT),
            ),
            F::LaborContract => (
                Member,
                "labor_contract",
                "members[].labor_contract",
                Some(HumanResources),
                Kind::Bool,
            ),
            F::SocialInsuranceMonths => (
                Member,
                "social_insurance_months",
                "members[].social_insurance_months",
                Some(HumanResources),
                Kind::NonNegativeInteger,
            ),
            F::ResidenceRegistration => (
                Member,
                "residence_registration",
                "members[].residence_registration",
                Some(PublicSecurity),
                Kind::Bool,
            ),
            F::Occupation => (
                Member,
                "occupation",
                "members[].occupation",
                None,
                Kind::TextOrNull,
            ),
            F::WorkplaceTownship => (
                Member,
                "workplace_township",
                "members[].workplace_township",
                None,
                Kind::Bool,
            ),
            F::Talent => (
                Member,
                "talent",
                "members[].talent",
                None,
                Kind::OneOfOrNull(TALENT),
            ),
            // Income is reviewed by the street (001 art. 4); no department
            // in article 4 holds it, so no department may overwrite it.
            F::AnnualIncomeYuan => (
                Member,
                "annual_income_yuan",
                "members[].annual_income_yuan",
                None,
                Kind::NonNegativeNumber,
            ),
            // 自然资源: property registration (001 art. 4).
            F::OwnedHomes => (
                Housing,
                "owned_homes",
                "housing.owned_homes",
                Some(NaturalResources),
                Kind::NonNegativeInteger,
            ),
            F::OwnedFloorAreaM2 => (
                Housing,
                "owned_floor_area_m2",
                "housing.owned_floor_area_m2",
                Some(NaturalResources),
                Kind::NonNegativeNumber,
            ),
            F::AffordableHomesOwned => (
                Housing,
                "affordable_homes_owned",
                "housing.affordable_homes_owned",
                Some(NaturalResources),
                Kind::NonNegativeInteger,
            ),
            F::PolicyHousing => (
                History,
                "policy_housing",
                "history.policy_housing",
                None,
                Kind::Bool,
            ),
            F::ExpropriationCompensationDates => (
                History,
                "expropriation_compensation_dates",
                "history.expropriation_compensation_dates",
                Some(NaturalResources),
                Kind::Dates,
            ),
            F::PropertyTransferDates => (
                History,
                "property_transfer_dates",
                "history.property_transfer_dates",
                Some(NaturalResources),
                Kind::Dates,
            ),
            F::AffordableHousingReceived => (
                History,
                "affordable_housing_received",
                "history.affordable_housing_received",
                None,
                Kind::Bool,
            ),
            F::AffordableHousingExited => (
                History,
                "affordable_housing_exited",
                "history.affordable_housing_exited",
                None,
                Kind::Bool,
            ),
            F::Fraud => (History, "fraud", "history.fraud", None, Kind::Bool),
            F::Abandonments => (
                History,
                "abandonments",
                "history.abandonments",
                None,
                Kind::Dates,
            ),
            F::BlacklistedOn => (
                History,
                "blacklisted_on",
                "history.blacklisted_on",
                None,
                Kind::Dates,
            ),
            F::CurrentBenefits => (
                Top,
                "current_benefits",
                "current_benefits",
                None,
                Kind::SubsetOf(BENEFITS),
            ),
            F::Special => (Top, "special", "special", None, Kind::SubsetOf(SPECIAL)),
        };
        Info {
            section,
            key,
            pattern,
            owner,
            kind,
        }
    }

    /// What the field is, in Chinese, as a reviewer reads it.
    pub fn label_zh(self) -> &'static str {
        self.labels().0
    }

    /// What the field is, in English words.
    pub fn label_en(self) -> &'static str {
        self.labels().1
    }

    fn labels(self) -> (&'static str, &'static str) {
        use FactField as F;
        match self {
            F::Relation => ("与申请人关系", "relation to the applicant"),
            F::Name => ("姓名", "name"),
            F::IdNumber => ("身份证号码", "resident ID number"),
            F::BirthDate => ("出生日期", "date of birth"),
            F::Sex => ("性别", "sex"),
            F::Married => ("已婚", "married"),
            F::FullCivilCapacity => ("完全民事行为能力", "full civil capacity"),
            F::Resident => ("本市常住人口", "permanent resident of the city"),
            F::HukouLocal => ("本市户籍", "local hukou"),
            F::ResidenceYears => ("在本地居住年数", "years resident here"),
            F::Employment => ("就业情况", "employment"),
            F::LaborContract => ("签订劳动合同", "labour contract"),
            F::SocialInsuranceMonths => ("社保缴纳月数", "months of social insurance"),
            F::ResidenceRegistration => ("办理居住登记", "residence registration"),
            F::Occupation => ("职业", "occupation"),
            F::WorkplaceTownship => ("在乡镇工作", "works in a township"),
            F::Talent => ("人才类型", "talent status"),
            F::AnnualIncomeYuan => ("年收入（元）", "annual income (yuan)"),
            F::OwnedHomes => ("本市名下住房套数", "homes owned in the city"),
            F::OwnedFloorAreaM2 => ("住房总建筑面积（㎡）", "their floor area (m²)"),
            F::AffordableHomesOwned => ("名下保障性住房套数", "affordable homes owned"),
            F::PolicyHousing => (
                "享受过房改房、集资建房或经济适用住房",
                "ever had reform, fund-raised or economy housing",
            ),
            F::ExpropriationCompensationDates => {
                ("征收补偿日期", "expropriation compensation dates")
            }
            F::PropertyTransferDates => ("住房产权转移日期", "property transfer dates"),
            F::AffordableHousingReceived => ("已取得保障性住房", "received affordable housing"),
            F::AffordableHousingExited => ("已退出保障性住房", "left affordable housing"),
            F::Fraud => (
                "有骗取保障性住房记录",
                "record of obtaining housing by fraud",
            ),
            F::Abandonments => ("选房后弃购日期", "dates of giving up a chosen home"),
            F::BlacklistedOn => ("列入失信名单日期", "dates put on the dishonesty list"),
            F::CurrentBenefits => ("正在享受的住房保障", "housing benefits now received"),
            F::Special => ("特殊群体", "special groups"),
        }
    }

    /// A coded value of this field in words (`new_form` → 新业态从业人员),
    /// or `None` when `code` is not one of its codes.
    pub fn code_label(self, code: &str) -> Option<(&'static str, &'static str)> {
        use FactField as F;
        let table: &[(&str, &str, &str)] = match self {
            F::Relation => &[
                ("applicant", "主申请人", "main applicant"),
                ("spouse", "配偶", "spouse"),
                ("child", "子女", "child"),
            ],
            F::Sex => &[("male", "男", "male"), ("female", "女", "female")],
            F::Employment => &[
                ("employee", "单位在职职工", "employee"),
                ("flexible", "灵活就业", "flexible work"),
                ("new_form", "新业态从业人员", "platform work"),
                ("self_employed", "个体经营", "self-employed"),
                ("unemployed", "无工作", "not working"),
                ("retired", "退休", "retired"),
            ],
            F::Talent => &[
                ("high_level", "高层次人才", "high-level talent"),
                ("certified", "经认定的其他人才", "certified talent"),
            ],
            F::CurrentBenefits => &[
                ("public_housing", "公有住房", "public housing"),
                ("public_rental", "公共租赁住房", "public rental housing"),
                ("rental_subsidy", "租赁补贴", "rental subsidy"),
                ("talent_apartment", "人才公寓", "talent apartment"),
                ("talent_rent_subsidy", "人才租房补贴", "talent rent subsidy"),
            ],
            F::Special => &[
                ("veteran", "退役军人", "veteran"),
                (
                    "veteran_in_difficulty",
                    "困难退役军人",
                    "veteran in difficulty",
                ),
                ("disabled", "残疾人家庭", "family with a disabled member"),
                (
                    "hardship",
                    "家庭变故或灾害致困",
                    "hardship from a family event or disaster",
                ),
                (
                    "frontline_shortage",
                    "基层一线紧缺从业人员",
                    "front-line worker in short supply",
                ),
            ],
            F::Occupation => &[
                ("teacher", "教师", "teacher"),
                ("doctor", "医生", "doctor"),
                ("nurse", "护士", "nurse"),
                ("police", "民警", "police officer"),
                ("civil_servant", "公职人员", "civil servant"),
                ("community_worker", "社区工作者", "community worker"),
                ("sanitation_worker", "环卫工人", "sanitation worker"),
                ("bus_driver", "公交司机", "bus driver"),
            ],
            _ => &[],
        };
        table
            .iter()
            .find(|(c, _, _)| *c == code)
            .map(|(_, zh, en)| (*zh, *en))
    }

    /// The schema pattern, e.g. `members[].resident`, `housing.owned_homes`.
    pub fn pattern(self) -> &'static str {
        self.info().pattern
    }

    /// The JSON key of the field inside its object.
    pub fn key(self) -> &'static str {
        self.info().key
    }

    /// The department that may correct this field, if any.
    pub fn owner(self) -> Option<Department> {
        self.info().owner
    }

    /// Whether the field belongs to each member (`members[]`).
    pub fn is_member_field(self) -> bool {
        self.info().section == Section::Member
    }

    /// Finds a field by its schema pattern.
    pub fn from_pattern(pattern: &str) -> Option<FactField> {
        FactField::ALL.into_iter().find(|f| f.pattern() == pattern)
    }
}

/// A path to one fact of one household: `members[2].married`,
/// `housing.owned_homes`, `special`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FactPath {
    // Some(i) exactly when `field` is a member field; i < MAX_MEMBERS.
    member: Option<u8>,
    field: FactField,
}

/// A fact path or correction that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactError {
    /// Not a field of `household.schema.json`.
    #[error("未知的家庭信息字段 {path:?} (unknown household field {path:?}; expected e.g. members[0].married or housing.owned_homes)")]
    UnknownPath {
        /// The input, cut to 100 characters.
        path: String,
    },
    /// A member field without an index, or an index out of range.
    #[error("家庭成员字段须写明成员序号（0至19），如 members[0].married (member fields need a member index 0 to 19, e.g. members[0].married; got {path:?})")]
    BadMemberIndex {
        /// The input, cut to 100 characters.
        path: String,
    },
    /// The new value does not have the field's type.
    #[error("字段 {path} 的新值应为{expected_zh} (new value of {path} must be {expected_en}; got {found})")]
    BadValue {
        /// The field.
        path: FactPath,
        /// Expected type, in Chinese.
        expected_zh: String,
        /// Expected type, in English.
        expected_en: String,
        /// The value given, cut to 100 characters.
        found: String,
    },
    /// Old and new values are the same: nothing to correct.
    #[error("字段 {path} 更正前后的值相同 (correction of {path} does not change the value)")]
    Unchanged {
        /// The field.
        path: FactPath,
    },
    /// The household document has no such member.
    #[error("家庭信息中没有第{}位成员 (the household has no member {index})", .index + 1)]
    NoSuchMember {
        /// 0-based index.
        index: usize,
    },
    /// The household document is not shaped as the schema says.
    #[error("家庭信息格式不符：{what} (household document is malformed: {what})")]
    Malformed {
        /// What is wrong.
        what: &'static str,
    },
}

impl FactPath {
    /// A member's field. Fails for household fields and indexes ≥ 20.
    pub fn member(index: usize, field: FactField) -> Result<FactPath, FactError> {
        if !field.is_member_field() || index >= MAX_MEMBERS {
            return Err(FactError::BadMemberIndex {
                path: format!("members[{index}].{}", field.key()),
            });
        }
        Ok(FactPath {
            member: Some(index as u8),
            field,
        })
    }

    /// A household-level field (housing, history, benefits, special).
    pub fn household(field: FactField) -> Result<FactPath, FactError> {
        if field.is_member_field() {
            return Err(FactError::BadMemberIndex {
                path: field.pattern().to_owned(),
            });
        }
        Ok(FactPath {
            member: None,
            field,
        })
    }

    /// Parses `members[N].field` or a household field path.
    pub fn parse(s: &str) -> Result<FactPath, FactError> {
        let cut = || s.chars().take(100).collect::<String>();
        if let Some(rest) = s.strip_prefix("members[") {
            let (index, key) = rest
                .split_once("].")
                .ok_or_else(|| FactError::UnknownPath { path: cut() })?;
            let field = FactField::from_pattern(&format!("members[].{key}"))
                .ok_or_else(|| FactError::UnknownPath { path: cut() })?;
            // Canonical digits only: no sign, no spaces, no leading zero,
            // so that a path prints back exactly as it was written.
            let canonical = matches!(index.len(), 1 | 2)
                && index.bytes().all(|b| b.is_ascii_digit())
                && !(index.len() == 2 && index.starts_with('0'));
            if !canonical {
                return Err(FactError::BadMemberIndex { path: cut() });
            }
            let i: usize = index
                .parse()
                .map_err(|_| FactError::BadMemberIndex { path: cut() })?;
            return FactPath::member(i, field)
                .map_err(|_| FactError::BadMemberIndex { path: cut() });
        }
        match FactField::from_pattern(s) {
            Some(f) if f.is_member_field() => Err(FactError::BadMemberIndex { path: cut() }),
            Some(f) => Ok(FactPath {
                member: None,
                field: f,
            }),
            None => Err(FactError::UnknownPath { path: cut() }),
        }
    }

    /// The field.
    pub fn field(&self) -> FactField {
        self.field
    }

    /// The member index (0-based), for member fields.
    pub fn member_index(&self) -> Option<usize> {
        self.member.map(usize::from)
    }

    /// The department that may correct this fact, if any.
    pub fn owner(&self) -> Option<Department> {
        self.field.owner()
    }

    /// The value at this path in a household document, if it is there.
    pub fn read<'a>(&self, household: &'a Value) -> Option<&'a Value> {
        let info = self.field.info();
        let holder = match (info.section, self.member) {
            (Section::Member, Some(i)) => household.get("members")?.get(usize::from(i))?,
            (Section::Member, None) => return None,
            (Section::Housing | Section::History, _) => household.get(info.section.key())?,
            (Section::Top, _) => household,
        };
        holder.get(info.key)
    }
}

impl fmt::Display for FactPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.member {
            Some(i) => write!(f, "members[{i}].{}", self.field.key()),
            None => f.write_str(self.field.pattern()),
        }
    }
}

impl FromStr for FactPath {
    type Err = FactError;
    fn from_str(s: &str) -> Result<Self, FactError> {
        FactPath::parse(s)
    }
}

impl TryFrom<String> for FactPath {
    type Error = FactError;
    fn try_from(s: String) -> Result<Self, FactError> {
        FactPath::parse(&s)
    }
}

impl From<FactPath> for String {
    fn from(p: FactPath) -> String {
        p.to_string()
    }
}

/// A department's correction of one fact: what the household declared
/// (`old`, `null` when it was left out) and what the department's records
/// say (`new`, of the field's schema type).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FactCorrectionParts", into = "FactCorrectionParts")]
pub struct FactCorrection {
    path: FactPath,
    old: Value,
    new: Value,
}

/// The serialised form of a [`FactCorrection`].
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FactCorrectionParts {
    /// The fact.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub path: FactPath,
    /// As declared by the household.
    #[serde(default)]
    pub old: Value,
    /// As found in the department's records.
    pub new: Value,
}

impl FactCorrection {
    /// Checks that `new` has the field's type and differs from `old`.
    pub fn new(path: FactPath, old: Value, new: Value) -> Result<FactCorrection, FactError> {
        let kind = path.field.info().kind;
        if !kind.accepts(&new) {
            return Err(FactError::BadValue {
                path,
                expected_zh: kind.describe_zh(),
                expected_en: kind.describe_en(),
                found: new.to_string().chars().take(100).collect(),
            });
        }
        if old == new {
            return Err(FactError::Unchanged { path });
        }
        Ok(FactCorrection { path, old, new })
    }

    /// The fact corrected.
    pub fn path(&self) -> &FactPath {
        &self.path
    }

    /// The value the household declared.
    pub fn old(&self) -> &Value {
        &self.old
    }

    /// The value from the department's records.
    pub fn new_value(&self) -> &Value {
        &self.new
    }

    /// Writes the corrected value into a household document shaped as
    /// `household.schema.json`. Touches only this one path.
    pub fn apply_to(&self, household: &mut Value) -> Result<(), FactError> {
        let root = household.as_object_mut().ok_or(FactError::Malformed {
            what: "not a JSON object",
        })?;
        let info = self.path.field.info();
        let target: &mut Map<String, Value> = match (info.section, self.path.member) {
            (Section::Member, Some(i)) => {
                let members = root
                    .get_mut("members")
                    .and_then(Value::as_array_mut)
                    .ok_or(FactError::Malformed {
                        what: "members is not an array",
                    })?;
                members
                    .get_mut(usize::from(i))
                    .ok_or(FactError::NoSuchMember {
                        index: usize::from(i),
                    })?
                    .as_object_mut()
                    .ok_or(FactError::Malformed {
                        what: "a member is not an object",
                    })?
            }
            (Section::Member, None) => {
                return Err(FactError::BadMemberIndex {
                    path: self.path.to_string(),
                })
            }
            (Section::Housing | Section::History, _) => root
                .entry(info.section.key())
                .or_insert_with(|| Value::Object(Map::new()))
                .as_object_mut()
                .ok_or(FactError::Malformed {
                    what: "housing or history is not an object",
                })?,
            (Section::Top, _) => root,
        };
        target.insert(info.key.to_owned(), self.new.clone());
        Ok(())
    }
}

impl TryFrom<FactCorrectionParts> for FactCorrection {
    type Error = FactError;
    fn try_from(p: FactCorrectionParts) -> Result<Self, FactError> {
        FactCorrection::new(p.path, p.old, p.new)
    }
}

impl From<FactCorrection> for FactCorrectionParts {
    fn from(c: FactCorrection) -> FactCorrectionParts {
        FactCorrectionParts {
            path: c.path,
            old: c.old,
            new: c.new,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn paths_parse_and_print() {
        for s in [
            "members[0].married",
            "members[19].resident",
            "housing.owned_homes",
            "history.property_transfer_dates",
            "special",
        ] {
            assert_eq!(FactPath::parse(s).map(|p| p.to_string()), Ok(s.to_owned()));
        }
        assert!(matches!(
            FactPath::parse("members[].married"),
            Err(FactError::BadMemberIndex { .. })
        ));
        assert!(matches!(
            FactPath::parse("members[20].married"),
            Err(FactError::BadMemberIndex { .. })
        ));
        assert!(matches!(
            FactPath::parse("members[+1].married"),
            Err(FactError::BadMemberIndex { .. })
        ));
        assert!(matches!(
            FactPath::parse("members[0].salary"),
            Err(FactError::UnknownPath { .. })
        ));
        assert!(matches!(
            FactPath::parse("housing.rooms"),
            Err(FactError::UnknownPath { .. })
        ));
        assert!(matches!(
            FactPath::parse("married"),
            Err(FactError::UnknownPath { .. })
        ));
        assert!(matches!(
            FactPath::parse("members[1]"),
            Err(FactError::UnknownPath { .. })
        ));
    }

    #[test]
    fn corrections_check_the_value_type() {
        let p = FactPath::parse("members[0].married").expect("valid");
        assert!(FactCorrection::new(p, json!(false), json!(true)).is_ok());
        assert!(matches!(
            FactCorrection::new(p, json!(false), json!("yes")),
            Err(FactError::BadValue { .. })
        ));
        assert!(matches!(
            FactCorrection::new(p, json!(true), json!(true)),
            Err(FactError::Unchanged { .. })
        ));
        let e = FactPath::parse("members[0].employment").expect("valid");
        assert!(FactCorrection::new(e, Value::Null, json!("flexible")).is_ok());
        assert!(FactCorrection::new(e, Value::Null, json!("astronaut")).is_err());
        let d = FactPath::parse("history.property_transfer_dates").expect("valid");
        assert!(FactCorrection::new(d, json!([]), json!(["2023-05-01"])).is_ok());
        assert!(FactCorrection::new(d, json!([]), json!(["2023-02-30"])).is_err());
        let a = FactPath::parse("housing.owned_floor_area_m2").expect("valid");
        assert!(FactCorrection::new(a, json!(0), json!(45.5)).is_ok());
        assert!(FactCorrection::new(a, json!(0), json!(-1)).is_err());
        let err = FactCorrection::new(p, json!(false), json!(1)).expect_err("bad type");
        assert_eq!(
            err.to_string(),
            "字段 members[0].married 的新值应为true 或 false (new value of members[0].married must be true or false; got 1)"
        );
        // Deserialisation goes through the same checks.
        assert!(serde_json::from_value::<FactCorrection>(
            json!({"path": "members[0].married", "old": false, "new": 2})
        )
        .is_err());
    }

    #[test]
    fn apply_touches_only_its_path() {
        let mut h = json!({"id": "h1", "region": "140302", "members": [{"relation": "applicant", "married": false}]});
        let c = FactCorrection::new(
            FactPath::parse("members[0].married").expect("valid"),
            json!(false),
            json!(true),
        )
        .expect("valid");
        c.apply_to(&mut h).expect("applies");
        assert_eq!(h["members"][0]["married"], json!(true));
        let c = FactCorrection::new(
            FactPath::parse("housing.owned_homes").expect("valid"),
            Value::Null,
            json!(1),
        )
        .expect("valid");
        c.apply_to(&mut h).expect("applies");
        assert_eq!(h["housing"], json!({"owned_homes": 1}));
        let c = FactCorrection::new(
            FactPath::parse("members[3].resident").expect("valid"),
            Value::Null,
            json!(true),
        )
        .expect("valid");
        assert_eq!(
            c.apply_to(&mut h),
            Err(FactError::NoSuchMember { index: 3 })
        );
    }
}
