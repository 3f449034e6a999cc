//! Household facts: the input of every eligibility decision.
//!
//! The JSON shape is fixed by `contracts/household.schema.json`. Parsing is
//! "parse, don't validate": a [`Household`] can only exist when every field
//! is well-formed, the resident IDs pass GB 11643, birth dates and sexes are
//! known (given, or derived from the ID) and agree with the ID, and there is
//! exactly one main applicant. Errors name the JSON path of the field.

use anju_idcodes::{ResidentId, Sex};
use chrono::{Datelike, NaiveDate};
use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;
use std::fmt;

use crate::fixed::Fixed4;

/// Why a household could not be read. `path` is the JSON path of the field
/// (`members[1].id_number`); `line`/`column` locate syntax errors.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InputError {
    pub path: String,
    pub message: String,
    pub line: Option<usize>,
    pub column: Option<usize>,
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.path.is_empty() {
            write!(f, "{}", self.message)?;
        } else {
            write!(f, "{}: {}", self.path, self.message)?;
        }
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, " (line {l}, column {c})")?;
        }
        Ok(())
    }
}

impl InputError {
    /// The message for a batch error record: the column, but not the JSON
    /// "line 1" that every single-line record would repeat.
    pub fn to_string_in_line(&self) -> String {
        let mut s = if self.path.is_empty() {
            self.message.clone()
        } else {
            format!("{}: {}", self.path, self.message)
        };
        if let Some(c) = self.column {
            s.push_str(&format!(" (column {c})"));
        }
        s
    }

    fn at(path: impl Into<String>, message: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            message: message.into(),
            line: None,
            column: None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    Applicant,
    Spouse,
    Child,
}

impl Relation {
    pub fn label_zh(self) -> &'static str {
        match self {
            Relation::Applicant => "主申请人",
            Relation::Spouse => "配偶",
            Relation::Child => "子女",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Employment {
    Employee,
    Flexible,
    NewForm,
    SelfEmployed,
    #[default]
    Unemployed,
    Retired,
}

impl Employment {
    pub const ALL: [(&'static str, Employment); 6] = [
        ("employee", Employment::Employee),
        ("flexible", Employment::Flexible),
        ("new_form", Employment::NewForm),
        ("self_employed", Employment::SelfEmployed),
        ("unemployed", Employment::Unemployed),
        ("retired", Employment::Retired),
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Talent {
    HighLevel,
    Certified,
}

/// Highest full-time degree (全日制), for the talent subsidy programmes
/// (阳政办发〔2022〕39号 二(三)). The discriminant is the index into `NAMES`;
/// "none" (index 3) is an absent degree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Degree {
    Phd = 0,
    Master = 1,
    Bachelor = 2,
}

impl Degree {
    pub const NAMES: &'static [&'static str] = &["phd", "master", "bachelor", "none"];
}

/// The awarding university as 二(三) sorts them: `top` = the world's top 200
/// outside China or a 双一流 university or discipline; `first_tier` = another
/// 一本 university (enough for the bachelor rent subsidy); `other` = any other
/// regular university. "none" (index 3) is absent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum University {
    Top = 0,
    FirstTier = 1,
    Other = 2,
}

impl University {
    pub const NAMES: &'static [&'static str] = &["top", "first_tier", "other", "none"];
}

/// Benefits currently enjoyed (`current_benefits`), as bits.
pub const BENEFITS: [&str; 5] = [
    "public_housing",
    "public_rental",
    "rental_subsidy",
    "talent_apartment",
    "talent_rent_subsidy",
];
/// Special statuses (`special`), as bits.
pub const SPECIALS: [&str; 5] = [
    "veteran",
    "veteran_in_difficulty",
    "disabled",
    "hardship",
    "frontline_shortage",
];

#[derive(Debug, Clone, PartialEq)]
pub struct Member {
    pub relation: Relation,
    pub name: Option<String>,
    pub id_number: Option<ResidentId>,
    pub birth_date: NaiveDate,
    pub sex: Sex,
    pub married: bool,
    pub full_civil_capacity: bool,
    pub resident: bool,
    pub hukou_local: bool,
    pub residence_years: Fixed4,
    pub employment: Employment,
    pub labor_contract: bool,
    pub social_insurance_months: u32,
    pub residence_registration: bool,
    pub occupation: Option<String>,
    pub workplace_township: bool,
    pub talent: Option<Talent>,
    pub annual_income: Fixed4,
    pub degree: Option<Degree>,
    pub university: Option<University>,
    pub service_pledge_years: u32,
    pub provident_fund: bool,
}

impl Member {
    /// Whole years of age on `on` (周岁). Someone born on 29 February turns a
    /// year older on 1 March in common years.
    pub fn age_on(&self, on: NaiveDate) -> i64 {
        age_between(self.birth_date, on)
    }
}

pub fn age_between(birth: NaiveDate, on: NaiveDate) -> i64 {
    let mut age = i64::from(on.year() - birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        age -= 1;
    }
    age
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Housing {
    pub owned_homes: u32,
    pub owned_floor_area: Fixed4,
    pub affordable_homes_owned: u32,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct History {
    pub policy_housing: bool,
    pub expropriation_compensation_dates: Vec<NaiveDate>,
    pub property_transfer_dates: Vec<NaiveDate>,
    pub affordable_housing_received: bool,
    pub affordable_housing_exited: bool,
    pub fraud: bool,
    pub abandonments: Vec<NaiveDate>,
    pub blacklisted_on: Vec<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Household {
    pub id: String,
    pub region: String,
    /// Members in input order; `members[applicant]` is the main applicant.
    pub members: Vec<Member>,
    pub applicant: usize,
    pub housing: Housing,
    pub history: History,
    /// Bit i set when `BENEFITS[i]` is held.
    pub current_benefits: u8,
    /// Bit i set when `SPECIALS[i]` is held.
    pub special: u8,
}

impl Household {
    pub fn applicant(&self) -> &Member {
        &self.members[self.applicant]
    }

    /// Parses one household from JSON text.
    pub fn from_json(text: &[u8]) -> Result<Household, InputError> {
        // Fast path without path tracking; on failure parse again with
        // tracking so the error names the field. Errors are rare, so the
        // second pass costs nothing on good input.
        let raw: RawHousehold = match serde_json::from_slice(text) {
            Ok(raw) => raw,
            Err(_) => return Err(syntax_error(text)),
        };
        raw.validate()
    }
}

fn syntax_error(text: &[u8]) -> InputError {
    let de = &mut serde_json::Deserializer::from_slice(text);
    match serde_path_to_error::deserialize::<_, RawHousehold>(de) {
        Ok(_) => InputError::at("", "无法解析 (could not be parsed)"),
        Err(e) => {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let (line, column) = (inner.line(), inner.column());
            // serde_json appends " at line L column C" itself; keep the bare message.
            let msg = inner.to_string();
            let msg = match msg.rfind(" at line ") {
                Some(i) => msg[..i].to_string(),
                None => msg,
            };
            InputError {
                path: if path == "." { String::new() } else { path },
                message: msg,
                line: Some(line),
                column: Some(column),
            }
        }
    }
}

/// A `YYYY-MM-DD` civil date, parsed without allocation.
#[derive(Debug, Clone, Copy)]
struct JsonDate(NaiveDate);

pub fn parse_iso_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        let mut v = 0u32;
        for &c in &b[r] {
            if !c.is_ascii_digit() {
                return None;
            }
            v = v * 10 + u32::from(c - b'0');
        }
        Some(v)
    };
    NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?)
}

impl<'de> Deserialize<'de> for JsonDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = JsonDate;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date YYYY-MM-DD")
            }
            fn visit_str<E: de::Error>(self, s: &str) -> Result<JsonDate, E> {
                parse_iso_date(s).map(JsonDate).ok_or_else(|| {
                    E::custom(format!("日期 \"{s}\" 无效 (not a real date YYYY-MM-DD)"))
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// A JSON number that must be ≥ 0, kept exact to 1/10 000.
#[derive(Debug, Clone, Copy, Default)]
struct NonNegative(Fixed4);

impl<'de> Deserialize<'de> for NonNegative {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = f64::deserialize(d)?;
        if v < 0.0 {
            return Err(de::Error::custom(format!("{v} 小于 0 (must be ≥ 0)")));
        }
        Fixed4::from_f64(v)
            .map(NonNegative)
            .ok_or_else(|| de::Error::custom(format!("{v} 超出范围 (out of range)")))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawHousehold {
    id: String,
    region: String,
    members: Vec<RawMember>,
    #[serde(default)]
    housing: RawHousing,
    #[serde(default)]
    history: RawHistory,
    #[serde(default)]
    current_benefits: Vec<Benefit>,
    #[serde(default)]
    special: Vec<Special>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawHousing {
    #[serde(default)]
    owned_homes: u32,
    #[serde(default)]
    owned_floor_area_m2: NonNegative,
    #[serde(default)]
    affordable_homes_owned: u32,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawHistory {
    #[serde(default)]
    policy_housing: bool,
    #[serde(default)]
    expropriation_compensation_dates: Vec<JsonDate>,
    #[serde(default)]
    property_transfer_dates: Vec<JsonDate>,
    #[serde(default)]
    affordable_housing_received: bool,
    #[serde(default)]
    affordable_housing_exited: bool,
    #[serde(default)]
    fraud: bool,
    #[serde(default)]
    abandonments: Vec<JsonDate>,
    #[serde(default)]
    blacklisted_on: Vec<JsonDate>,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Benefit {
    PublicHousing,
    PublicRental,
    RentalSubsidy,
    TalentApartment,
    TalentRentSubsidy,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Special {
    Veteran,
    VeteranInDifficulty,
    Disabled,
    Hardship,
    FrontlineShortage,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum RawSex {
    Male,
    Female,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMember {
    relation: Relation,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    id_number: Option<String>,
    #[serde(default)]
    birth_date: Option<JsonDate>,
    #[serde(default)]
    sex: Option<RawSex>,
    #[serde(default)]
    married: bool,
    #[serde(default = "yes")]
    full_civil_capacity: bool,
    #[serde(default)]
    resident: bool,
    #[serde(default)]
    hukou_local: bool,
    #[serde(default)]
    residence_years: NonNegative,
    #[serde(default)]
    employment: Employment,
    #[serde(default)]
    labor_contract: bool,
    #[serde(default)]
    social_insurance_months: u32,
    #[serde(default)]
    residence_registration: bool,
    #[serde(default)]
    occupation: Option<String>,
    #[serde(default)]
    workplace_township: bool,
    #[serde(default)]
    talent: Option<Talent>,
    #[serde(default)]
    annual_income_yuan: NonNegative,
    #[serde(default)]
    degree: Option<Degree>,
    #[serde(default)]
    university: Option<University>,
    #[serde(default)]
    service_pledge_years: u32,
    #[serde(default)]
    provident_fund: bool,
}

fn yes() -> bool {
    true
}

fn region_ok(r: &str) -> bool {
    (6..=12).contains(&r.len()) && r.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'-')
}

impl RawHousehold {
    fn validate(self) -> Result<Household, InputError> {
        if self.id.is_empty() {
            return Err(InputError::at("id", "不能为空 (must not be empty)"));
        }
        if !region_ok(&self.region) {
            return Err(InputError::at(
                "region",
                format!(
                    "\"{}\" 不是有效的行政区划代码 (expected 6–12 letters, digits or '-', e.g. 140302)",
                    self.region
                ),
            ));
        }
        if self.members.is_empty() || self.members.len() > 20 {
            return Err(InputError::at(
                "members",
                format!(
                    "应有 1 至 20 名成员，实际 {} 名 (1–20 members required)",
                    self.members.len()
                ),
            ));
        }
        let mut applicant = None;
        let mut members = Vec::with_capacity(self.members.len());
        for (i, m) in self.members.into_iter().enumerate() {
            if m.relation == Relation::Applicant {
                if applicant.is_some() {
                    return Err(InputError::at(
                        format!("members[{i}].relation"),
                        "只能有一名主申请人 (exactly one member may be the applicant)",
                    ));
                }
                applicant = Some(i);
            }
            members.push(m.validate(i)?);
        }
        let applicant = applicant.ok_or_else(|| {
            InputError::at(
                "members",
                "缺少主申请人（relation 为 applicant 的成员）(no member has relation \"applicant\")",
            )
        })?;
        let mut current_benefits = 0u8;
        for b in self.current_benefits {
            current_benefits |= 1 << (b as u8);
        }
        let mut special = 0u8;
        for s in self.special {
            special |= 1 << (s as u8);
        }
        let h = self.history;
        let dates = |v: Vec<JsonDate>| v.into_iter().map(|d| d.0).collect::<Vec<_>>();
        Ok(Household {
            id: self.id,
            region: self.region,
            members,
            applicant,
            housing: Housing {
                owned_homes: self.housing.owned_homes,
                owned_floor_area: self.housing.owned_floor_area_m2.0,
                affordable_homes_owned: self.housing.affordable_homes_owned,
            },
            history: History {
                policy_housing: h.policy_housing,
                expropriation_compensation_dates: dates(h.expropriation_compensation_dates),
                property_transfer_dates: dates(h.property_transfer_dates),
                affordable_housing_received: h.affordable_housing_received,
                affordable_housing_exited: h.affordable_housing_exited,
                fraud: h.fraud,
                abandonments: dates(h.abandonments),
                blacklisted_on: dates(h.blacklisted_on),
            },
            current_benefits,
            special,
        })
    }
}

impl RawMember {
    fn validate(self, i: usize) -> Result<Member, InputError> {
        let path = |f: &str| format!("members[{i}].{f}");
        let id_number = match &self.id_number {
            None => None,
            Some(s) => Some(
                ResidentId::parse(s)
                    .map_err(|e| InputError::at(path("id_number"), e.to_string()))?,
            ),
        };
        let given_sex = self.sex.map(|s| match s {
            RawSex::Male => Sex::Male,
            RawSex::Female => Sex::Female,
        });
        let (birth_date, sex) = match id_number {
            Some(id) => {
                if let Some(JsonDate(d)) = self.birth_date {
                    if d != id.birth_date() {
                        return Err(InputError::at(
                            path("birth_date"),
                            format!(
                                "出生日期 {d} 与身份证号码中的 {} 不一致 (birth_date disagrees with id_number)",
                                id.birth_date()
                            ),
                        ));
                    }
                }
                if let Some(s) = given_sex {
                    if s != id.sex() {
                        return Err(InputError::at(
                            path("sex"),
                            format!(
                                "性别“{}”与身份证号码（第17位表示{}）不一致 (sex disagrees with id_number)",
                                s.label_zh(),
                                id.sex().label_zh()
                            ),
                        ));
                    }
                }
                (id.birth_date(), id.sex())
            }
            None => {
                let b = self.birth_date.ok_or_else(|| {
                    InputError::at(
                        path("birth_date"),
                        "未提供身份证号码时必须填写出生日期 (required unless id_number is given)",
                    )
                })?;
                let s = given_sex.ok_or_else(|| {
                    InputError::at(
                        path("sex"),
                        "未提供身份证号码时必须填写性别 (required unless id_number is given)",
                    )
                })?;
                (b.0, s)
            }
        };
        Ok(Member {
            relation: self.relation,
            name: self.name,
            id_number,
            birth_date,
            sex,
            married: self.married,
            full_civil_capacity: self.full_civil_capacity,
            resident: self.resident,
            hukou_local: self.hukou_local,
            residence_years: self.residence_years.0,
            employment: self.employment,
            labor_contract: self.labor_contract,
            social_insurance_months: self.social_insurance_months,
            residence_registration: self.residence_registration,
            occupation: self.occupation,
            workplace_township: self.workplace_township,
            talent: self.talent,
            annual_income: self.annual_income_yuan.0,
            degree: self.degree,
            university: self.university,
            service_pledge_years: self.service_pledge_years,
            provident_fund: self.provident_fund,
        })
    }
}
