//! Roles, verifying departments and actors.
//!
//! Who does what comes from 001 article 4 (and 004 §9 for Loudi): the
//! community (社区/村) takes applications, the street (街道/乡镇) does the
//! initial review, city departments verify the facts they hold, the district
//! housing bureau (县区住建) publishes the notice and decides (article 14).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::district::DistrictCode;
use crate::facts::FactField;
use crate::text::UserId;

/// A department that verifies part of a household's facts (001 art. 4).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Department {
    /// 公安: whether the applicant is a permanent resident (常住人口).
    PublicSecurity,
    /// 民政: marriage registration and low-income status.
    CivilAffairs,
    /// 自然资源: property records, transfers and expropriations.
    NaturalResources,
    /// 人社: labour-contract filing and social-insurance contributions.
    HumanResources,
    /// 住房公积金: provident-fund contributions.
    ProvidentFund,
}

impl Department {
    /// Every department whose confirmation an application needs.
    pub const ALL: [Department; 5] = [
        Department::PublicSecurity,
        Department::CivilAffairs,
        Department::NaturalResources,
        Department::HumanResources,
        Department::ProvidentFund,
    ];

    /// Stable code (`public_security`, …), as serialised.
    pub fn code(self) -> &'static str {
        match self {
            Department::PublicSecurity => "public_security",
            Department::CivilAffairs => "civil_affairs",
            Department::NaturalResources => "natural_resources",
            Department::HumanResources => "human_resources",
            Department::ProvidentFund => "provident_fund",
        }
    }

    /// Parses [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<Department> {
        Department::ALL.into_iter().find(|d| d.code() == code)
    }

    /// Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            Department::PublicSecurity => "公安部门",
            Department::CivilAffairs => "民政部门",
            Department::NaturalResources => "自然资源部门",
            Department::HumanResources => "人社部门",
            Department::ProvidentFund => "住房公积金管理部门",
        }
    }

    /// English name, in words.
    pub fn label_en(self) -> &'static str {
        match self {
            Department::PublicSecurity => "the public security department",
            Department::CivilAffairs => "the civil affairs department",
            Department::NaturalResources => "the natural resources department",
            Department::HumanResources => "the human resources and social security department",
            Department::ProvidentFund => "the housing provident fund centre",
        }
    }

    /// What the department verifies, in Chinese (001 art. 4).
    pub fn verifies_zh(self) -> &'static str {
        match self {
            Department::PublicSecurity => "是否为本市常住人口",
            Department::CivilAffairs => "婚姻登记、低收入家庭等信息",
            Department::NaturalResources => "住房产权登记情况（含产权转移、征收补偿记录）",
            Department::HumanResources => "劳动合同备案及社保缴纳情况",
            Department::ProvidentFund => "公积金缴纳情况",
        }
    }

    /// The household fields this department may correct. The provident fund
    /// has no field in `household.schema.json` yet, so it only confirms.
    pub fn owned_fields(self) -> Vec<FactField> {
        FactField::ALL
            .into_iter()
            .filter(|f| f.owner() == Some(self))
            .collect()
    }

    /// The same as schema paths, e.g. `members[].resident`.
    pub fn owned_paths(self) -> Vec<&'static str> {
        self.owned_fields()
            .into_iter()
            .map(FactField::pattern)
            .collect()
    }
}

impl fmt::Display for Department {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// What a user may do in anju. Every staff role except the city-level ones
/// is scoped to one district (see [`Role::district_scope`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Role {
    /// The applying family (its main applicant's account). Acts only on its
    /// own applications.
    Applicant,
    /// 社区/村受理: takes paper applications at the counter.
    Community,
    /// 街道/乡镇初审: initial review.
    Street,
    /// A department verifier.
    Verifier(Department),
    /// 县区住建: decisions, public notice, objections, review requests.
    DistrictBureau,
    /// 市住建: city-wide supervision; no step of an application.
    CityBureau,
    /// 实施主体/收购主体: the implementing company (allotment, contracts).
    Company,
    /// Read-only auditor.
    Auditor,
    /// 住建/自然资源市场监管: market regulators of the housing and the
    /// natural resources bureaus (002 一（一）, 六（四）; 003 三（三）, 三（六）;
    /// 000 三（四）): destocking periods, land supply, parcels, developer
    /// projects and pre-sale funds. City-level; no step of an application.
    MarketRegulator,
    /// 市委人才办: administers the talent subsidies (verifies degrees and
    /// pledges, decides, records payments and stops). Interpretation: 000
    /// 二(三) names 市委人才办, 市财政局 and 市住建局 as responsible units
    /// without dividing the work; anju gives the whole subsidy case to one
    /// city-level role, and no step of a housing application.
    TalentOffice,
}

/// Whether a role's account carries a district.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DistrictScope {
    /// Always one district (community, street, district bureau).
    Required,
    /// City-level or one district (verifiers: a city department or a county
    /// branch; the company: city or county government's choice, 004 §2).
    Optional,
    /// Never (applicants act by ownership; city bureau and auditors see the
    /// whole city).
    None,
}

/// A string that is not a role code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("未知角色 {found:?} (unknown role {found:?}; expected applicant, community, street, verifier:<department>, district_bureau, city_bureau, company, auditor, market_regulator or talent_office)")]
pub struct RoleError {
    /// The input, cut to 64 characters.
    pub found: String,
}

impl Role {
    /// Every role, one verifier per department.
    pub const ALL: [Role; 14] = [
        Role::Applicant,
        Role::Community,
        Role::Street,
        Role::Verifier(Department::PublicSecurity),
        Role::Verifier(Department::CivilAffairs),
        Role::Verifier(Department::NaturalResources),
        Role::Verifier(Department::HumanResources),
        Role::Verifier(Department::ProvidentFund),
        Role::DistrictBureau,
        Role::CityBureau,
        Role::Company,
        Role::Auditor,
        Role::MarketRegulator,
        Role::TalentOffice,
    ];

    /// Stable code, as serialised and as hashed in the audit chain:
    /// `applicant`, `community`, `street`, `verifier:public_security`, …
    pub fn code(self) -> String {
        match self {
            Role::Verifier(d) => format!("verifier:{}", d.code()),
            other => other.simple_code().to_owned(),
        }
    }

    fn simple_code(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Community => "community",
            Role::Street => "street",
            Role::Verifier(_) => "verifier",
            Role::DistrictBureau => "district_bureau",
            Role::CityBureau => "city_bureau",
            Role::Company => "company",
            Role::Auditor => "auditor",
            Role::MarketRegulator => "market_regulator",
            Role::TalentOffice => "talent_office",
        }
    }

    /// Parses [`code`](Self::code).
    pub fn parse(s: &str) -> Result<Role, RoleError> {
        let err = || RoleError {
            found: s.chars().take(64).collect(),
        };
        if let Some(dept) = s.strip_prefix("verifier:") {
            return Department::from_code(dept)
                .map(Role::Verifier)
                .ok_or_else(err);
        }
        Role::ALL
            .into_iter()
            .find(|r| !matches!(r, Role::Verifier(_)) && r.simple_code() == s)
            .ok_or_else(err)
    }

    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Applicant => "申请人",
            Role::Community => "社区/村受理",
            Role::Street => "街道/乡镇初审",
            Role::Verifier(Department::PublicSecurity) => "公安部门核验",
            Role::Verifier(Department::CivilAffairs) => "民政部门核验",
            Role::Verifier(Department::NaturalResources) => "自然资源部门核验",
            Role::Verifier(Department::HumanResources) => "人社部门核验",
            Role::Verifier(Department::ProvidentFund) => "住房公积金管理部门核验",
            Role::DistrictBureau => "县区住建部门",
            Role::CityBureau => "市住建部门",
            Role::Company => "实施主体",
            Role::Auditor => "审计（只读）",
            Role::MarketRegulator => "市场监管（住建、自然资源）",
            Role::TalentOffice => "市委人才办（人才补贴）",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Community => "community office",
            Role::Street => "street office",
            Role::Verifier(Department::PublicSecurity) => "public security verifier",
            Role::Verifier(Department::CivilAffairs) => "civil affairs verifier",
            Role::Verifier(Department::NaturalResources) => "natural resources verifier",
            Role::Verifier(Department::HumanResources) => {
                "human resources and social security verifier"
            }
            Role::Verifier(Department::ProvidentFund) => "housing provident fund verifier",
            Role::DistrictBureau => "district housing bureau",
            Role::CityBureau => "city housing bureau",
            Role::Company => "implementing company",
            Role::Auditor => "auditor (read-only)",
            Role::MarketRegulator => "market regulator (housing, natural resources)",
            Role::TalentOffice => "talent office (talent subsidies)",
        }
    }

    /// Whether accounts of this role carry a district.
    pub fn district_scope(self) -> DistrictScope {
        match self {
            Role::Community | Role::Street | Role::DistrictBureau => DistrictScope::Required,
            Role::Verifier(_) | Role::Company => DistrictScope::Optional,
            Role::Applicant
            | Role::CityBureau
            | Role::Auditor
            | Role::MarketRegulator
            | Role::TalentOffice => DistrictScope::None,
        }
    }

    /// The department, for a verifier.
    pub fn department(self) -> Option<Department> {
        match self {
            Role::Verifier(d) => Some(d),
            _ => None,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.code())
    }
}

impl FromStr for Role {
    type Err = RoleError;
    fn from_str(s: &str) -> Result<Self, RoleError> {
        Role::parse(s)
    }
}

impl TryFrom<String> for Role {
    type Error = RoleError;
    fn try_from(s: String) -> Result<Self, RoleError> {
        Role::parse(&s)
    }
}

impl From<Role> for String {
    fn from(r: Role) -> String {
        r.code()
    }
}

/// An account acting in anju: who, in which role, for which district.
///
/// Only obtainable through [`Actor::new`], which enforces
/// [`Role::district_scope`]: a street clerk always has a district, an
/// auditor never has one.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "ActorParts", into = "ActorParts")]
pub struct Actor {
    user_id: UserId,
    role: Role,
    district: Option<DistrictCode>,
}

/// The serialised form of an [`Actor`].
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ActorParts {
    /// The account.
    pub user_id: UserId,
    /// Its role.
    pub role: Role,
    /// Its district, for district-scoped roles.
    #[serde(default)]
    pub district: Option<DistrictCode>,
}

/// A role and district that do not go together.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ActorError {
    /// A district-scoped role without a district.
    #[error("“{}”账号必须属于一个县区 (a {} account must belong to a district)", .role.label_zh(), .role.label_en())]
    DistrictRequired {
        /// The role.
        role: Role,
    },
    /// A city-level role or an applicant with a district.
    #[error("“{}”账号不属于任何县区，不应指定县区 {district} (a {} account has no district, got {district})", .role.label_zh(), .role.label_en())]
    DistrictNotAllowed {
        /// The role.
        role: Role,
        /// The district given.
        district: DistrictCode,
    },
}

impl Actor {
    /// Checks that `district` fits `role`.
    pub fn new(
        user_id: UserId,
        role: Role,
        district: Option<DistrictCode>,
    ) -> Result<Actor, ActorError> {
        match (role.district_scope(), district) {
            (DistrictScope::Required, None) => Err(ActorError::DistrictRequired { role }),
            (DistrictScope::None, Some(district)) => {
                Err(ActorError::DistrictNotAllowed { role, district })
            }
            _ => Ok(Actor {
                user_id,
                role,
                district,
            }),
        }
    }

    /// The account.
    pub fn user_id(&self) -> &UserId {
        &self.user_id
    }

    /// The role.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The district, for district-scoped accounts.
    pub fn district(&self) -> Option<&DistrictCode> {
        self.district.as_ref()
    }
}

impl TryFrom<ActorParts> for Actor {
    type Error = ActorError;
    fn try_from(p: ActorParts) -> Result<Self, ActorError> {
        Actor::new(p.user_id, p.role, p.district)
    }
}

impl From<Actor> for ActorParts {
    fn from(a: Actor) -> ActorParts {
        ActorParts {
            user_id: a.user_id,
            role: a.role,
            district: a.district,
        }
    }
}

/// Whether `actor` may see a district's applications, lists and waitlist.
///
/// City-level staff (city bureau, auditors, city departments, a city-level
/// company) see every district; district staff see their own. Applicants see
/// no district: they see their own applications only (see
/// [`crate::permissions::can_read`]).
pub fn can_see_district(actor: &Actor, district: &DistrictCode) -> bool {
    match actor.role {
        // Market regulators work on the market, never on families' files.
        // The talent office handles subsidies, not housing applications.
        Role::Applicant | Role::MarketRegulator | Role::TalentOffice => false,
        Role::CityBureau | Role::Auditor => true,
        Role::Community
        | Role::Street
        | Role::DistrictBureau
        | Role::Verifier(_)
        | Role::Company => actor.district.is_none_or(|d| d == *district),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uid(s: &str) -> UserId {
        UserId::new(s).expect("valid id")
    }

    fn code(s: &str) -> DistrictCode {
        DistrictCode::parse(s).expect("valid code")
    }

    #[test]
    fn role_codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(&role.code()), Ok(role));
            let json = serde_json::to_string(&role).expect("serialise");
            assert_eq!(serde_json::from_str::<Role>(&json).expect("parse"), role);
        }
        assert_eq!(
            Role::Verifier(Department::CivilAffairs).code(),
            "verifier:civil_affairs"
        );
        assert!(Role::parse("verifier").is_err());
        assert!(Role::parse("verifier:police").is_err());
        assert!(Role::parse("admin").is_err());
    }

    #[test]
    fn actors_respect_district_scope() {
        let d = code("140302");
        assert!(Actor::new(uid("s1"), Role::Street, Some(d)).is_ok());
        assert_eq!(
            Actor::new(uid("s1"), Role::Street, None),
            Err(ActorError::DistrictRequired { role: Role::Street })
        );
        assert!(matches!(
            Actor::new(uid("a1"), Role::Auditor, Some(d)),
            Err(ActorError::DistrictNotAllowed { .. })
        ));
        assert!(Actor::new(uid("v1"), Role::Verifier(Department::PublicSecurity), None).is_ok());
        assert!(Actor::new(
            uid("v1"),
            Role::Verifier(Department::PublicSecurity),
            Some(d)
        )
        .is_ok());
        let err = Actor::new(uid("s1"), Role::Community, None).expect_err("needs a district");
        assert_eq!(
            err.to_string(),
            "“社区/村受理”账号必须属于一个县区 (a community office account must belong to a district)"
        );
        // Deserialisation goes through the same check.
        assert!(serde_json::from_str::<Actor>(r#"{"user_id":"s1","role":"street"}"#).is_err());
    }

    #[test]
    fn district_visibility() {
        let d = code("140302");
        let e = code("140303");
        let street = Actor::new(uid("s"), Role::Street, Some(d)).expect("valid");
        assert!(can_see_district(&street, &d));
        assert!(!can_see_district(&street, &e));
        let city = Actor::new(uid("c"), Role::CityBureau, None).expect("valid");
        assert!(can_see_district(&city, &e));
        let auditor = Actor::new(uid("a"), Role::Auditor, None).expect("valid");
        assert!(can_see_district(&auditor, &e));
        let police =
            Actor::new(uid("p"), Role::Verifier(Department::PublicSecurity), None).expect("valid");
        assert!(can_see_district(&police, &e));
        let county_police = Actor::new(
            uid("p"),
            Role::Verifier(Department::PublicSecurity),
            Some(d),
        )
        .expect("valid");
        assert!(!can_see_district(&county_police, &e));
        let family = Actor::new(uid("f"), Role::Applicant, None).expect("valid");
        assert!(!can_see_district(&family, &d));
    }

    #[test]
    fn departments_own_the_fields_of_the_brief() {
        assert_eq!(
            Department::PublicSecurity.owned_paths(),
            vec![
                "members[].resident",
                "members[].hukou_local",
                "members[].residence_years",
                "members[].residence_registration"
            ]
        );
        assert_eq!(
            Department::CivilAffairs.owned_paths(),
            vec!["members[].married"]
        );
        assert_eq!(
            Department::NaturalResources.owned_paths(),
            vec![
                "housing.owned_homes",
                "housing.owned_floor_area_m2",
                "housing.affordable_homes_owned",
                "history.expropriation_compensation_dates",
                "history.property_transfer_dates"
            ]
        );
        assert_eq!(
            Department::HumanResources.owned_paths(),
            vec![
                "members[].employment",
                "members[].labor_contract",
                "members[].social_insurance_months"
            ]
        );
        assert!(Department::ProvidentFund.owned_paths().is_empty());
    }
}
