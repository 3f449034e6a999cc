//! The materials an application needs (001 article 13).
//!
//! 第十三条：申请家庭应当提交《阳泉市配售型保障性住房申请表》、家庭成员有效身份证明、
//! 户口簿或者居住证明、婚姻证明（离异家庭应当提交离婚证明）、收入信息、社保信息、
//! 家庭成员不动产查询情况等材料。申请家庭应签订相关承诺书……同意相关部门对其收入、
//! 住房、婚姻、社保等信息进行核验。

use serde::{Deserialize, Serialize};

use crate::facts::MAX_MEMBERS;

/// Marital status of the main applicant, which decides the marriage proof.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MaritalStatus {
    /// 未婚.
    Unmarried,
    /// 已婚.
    Married,
    /// 离异: must bring the divorce proof.
    Divorced,
    /// 丧偶.
    Widowed,
}

/// What the family (online) or the counter clerk ticked as received.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct MaterialsChecklist {
    /// 《阳泉市配售型保障性住房申请表》.
    pub application_form: bool,
    /// Members of the applying household (1 to 20).
    pub member_count: u8,
    /// Members whose valid identity proof (有效身份证明) was received.
    pub identity_proofs: u8,
    /// 户口簿或者居住证明.
    pub hukou_or_residence_proof: bool,
    /// Decides which marriage proof is needed.
    pub marital_status: MaritalStatus,
    /// 婚姻证明 (marriage certificate or marital-status certificate).
    pub marriage_proof: bool,
    /// 离婚证明, needed instead when divorced.
    pub divorce_proof: bool,
    /// 收入信息.
    pub income: bool,
    /// 社保信息.
    pub social_insurance: bool,
    /// 家庭成员不动产查询情况.
    pub property_query: bool,
}

/// Something missing from a submission.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "item")]
pub enum Material {
    /// The application form.
    ApplicationForm,
    /// The member count is not 1 to 20, or more identity proofs than
    /// members were ticked: the counts cannot be right.
    MemberCount,
    /// Identity proofs of `missing` members.
    IdentityProofs {
        /// How many members have none.
        missing: u8,
    },
    /// Hukou booklet or residence proof.
    HukouOrResidenceProof,
    /// Marriage proof.
    MarriageProof,
    /// Divorce proof (divorced applicants).
    DivorceProof,
    /// Income information.
    Income,
    /// Social-insurance information.
    SocialInsurance,
    /// Property query of every member.
    PropertyQuery,
    /// The signed commitment to truthfulness.
    SignedCommitment,
    /// Consent to verification of income, housing, marriage and social
    /// insurance by the departments.
    ConsentToVerification,
}

impl Material {
    /// Chinese name, as on the form.
    pub fn label_zh(self) -> String {
        match self {
            Material::ApplicationForm => "《阳泉市配售型保障性住房申请表》".to_owned(),
            Material::MemberCount => "家庭成员人数（应为1至20人）".to_owned(),
            Material::IdentityProofs { missing } => {
                format!("家庭成员有效身份证明（缺{missing}人）")
            }
            Material::HukouOrResidenceProof => "户口簿或者居住证明".to_owned(),
            Material::MarriageProof => "婚姻证明".to_owned(),
            Material::DivorceProof => "离婚证明".to_owned(),
            Material::Income => "收入信息".to_owned(),
            Material::SocialInsurance => "社保信息".to_owned(),
            Material::PropertyQuery => "家庭成员不动产查询情况".to_owned(),
            Material::SignedCommitment => "签订的承诺书".to_owned(),
            Material::ConsentToVerification => {
                "同意相关部门核验收入、住房、婚姻、社保等信息".to_owned()
            }
        }
    }

    /// English name.
    pub fn label_en(self) -> String {
        match self {
            Material::ApplicationForm => "application form".to_owned(),
            Material::MemberCount => "member count (1 to 20)".to_owned(),
            Material::IdentityProofs { missing } => {
                format!("identity proof of {missing} member(s)")
            }
            Material::HukouOrResidenceProof => "hukou booklet or residence proof".to_owned(),
            Material::MarriageProof => "marriage proof".to_owned(),
            Material::DivorceProof => "divorce proof".to_owned(),
            Material::Income => "income information".to_owned(),
            Material::SocialInsurance => "social insurance information".to_owned(),
            Material::PropertyQuery => "property query of every member".to_owned(),
            Material::SignedCommitment => "signed commitment".to_owned(),
            Material::ConsentToVerification => "consent to verification".to_owned(),
        }
    }
}

/// Joins labels for an error message: `申请表、婚姻证明`.
pub(crate) fn join_zh(items: &[Material]) -> String {
    items
        .iter()
        .map(|m| m.label_zh())
        .collect::<Vec<_>>()
        .join("、")
}

/// Joins labels for an error message: `application form, marriage proof`.
pub(crate) fn join_en(items: &[Material]) -> String {
    items
        .iter()
        .map(|m| m.label_en())
        .collect::<Vec<_>>()
        .join(", ")
}

impl MaterialsChecklist {
    /// What is missing under article 13, in the order of the article,
    /// followed by the commitment and the consent.
    pub fn missing(&self, signed_commitment: bool, consent_to_verification: bool) -> Vec<Material> {
        let mut out = Vec::new();
        if !self.application_form {
            out.push(Material::ApplicationForm);
        }
        let members = usize::from(self.member_count);
        if members == 0 || members > MAX_MEMBERS || self.identity_proofs > self.member_count {
            out.push(Material::MemberCount);
        } else if self.identity_proofs < self.member_count {
            out.push(Material::IdentityProofs {
                missing: self.member_count - self.identity_proofs,
            });
        }
        if !self.hukou_or_residence_proof {
            out.push(Material::HukouOrResidenceProof);
        }
        match self.marital_status {
            MaritalStatus::Divorced if !self.divorce_proof => out.push(Material::DivorceProof),
            MaritalStatus::Divorced => {}
            _ if !self.marriage_proof => out.push(Material::MarriageProof),
            _ => {}
        }
        if !self.income {
            out.push(Material::Income);
        }
        if !self.social_insurance {
            out.push(Material::SocialInsurance);
        }
        if !self.property_query {
            out.push(Material::PropertyQuery);
        }
        if !signed_commitment {
            out.push(Material::SignedCommitment);
        }
        if !consent_to_verification {
            out.push(Material::ConsentToVerification);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn complete() -> MaterialsChecklist {
        MaterialsChecklist {
            application_form: true,
            member_count: 3,
            identity_proofs: 3,
            hukou_or_residence_proof: true,
            marital_status: MaritalStatus::Married,
            marriage_proof: true,
            divorce_proof: false,
            income: true,
            social_insurance: true,
            property_query: true,
        }
    }

    #[test]
    fn complete_checklist_misses_nothing() {
        assert!(complete().missing(true, true).is_empty());
    }

    #[test]
    fn names_every_missing_item() {
        let c = MaterialsChecklist {
            identity_proofs: 2,
            income: false,
            ..complete()
        };
        assert_eq!(
            c.missing(false, true),
            vec![
                Material::IdentityProofs { missing: 1 },
                Material::Income,
                Material::SignedCommitment
            ]
        );
        assert_eq!(
            join_zh(&c.missing(false, false)),
            "家庭成员有效身份证明（缺1人）、收入信息、签订的承诺书、同意相关部门核验收入、住房、婚姻、社保等信息"
        );
    }

    #[test]
    fn divorced_families_bring_the_divorce_proof() {
        let c = MaterialsChecklist {
            marital_status: MaritalStatus::Divorced,
            ..complete()
        };
        assert_eq!(c.missing(true, true), vec![Material::DivorceProof]);
        let c = MaterialsChecklist {
            divorce_proof: true,
            marriage_proof: false,
            ..c
        };
        assert!(c.missing(true, true).is_empty());
        let c = MaterialsChecklist {
            marital_status: MaritalStatus::Unmarried,
            marriage_proof: false,
            ..complete()
        };
        assert_eq!(c.missing(true, true), vec![Material::MarriageProof]);
    }

    #[test]
    fn member_count_must_be_sensible() {
        let c = MaterialsChecklist {
            member_count: 0,
            identity_proofs: 0,
            ..complete()
        };
        assert_eq!(c.missing(true, true), vec![Material::MemberCount]);
        let c = MaterialsChecklist {
            member_count: 21,
            identity_proofs: 21,
            ..complete()
        };
        assert_eq!(c.missing(true, true), vec![Material::MemberCount]);
    }
}
