//! The yearly re-verification of held homes (娄底 八、(三)3; in Yangquan the
//! situations of 第十九条 (三)(四), 第十八条 and 第二十二条).
//!
//! A campaign asks three departments about every holder family and takes
//! reports from staff and the public. Each answer or report is a
//! [`Finding`]; a home's flags are derived from all its findings, never
//! stored on their own, in the order the programme acts on them.

use serde::{Deserialize, Serialize};

use anju_domain::Department;

use crate::cite::{Cite, Regime, ART19_3_SECOND_HOME, ART19_4_NEW_OWNER};
use crate::cite::{City, ART19_1_LEFT, LOUDI_8_3_3_REVIEW};

/// The departments a campaign asks, and what each is asked.
pub const CAMPAIGN_DEPARTMENTS: [Department; 3] = [
    Department::NaturalResources,
    Department::PublicSecurity,
    Department::CivilAffairs,
];

/// One thing a department answer or a report established about a home.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    /// Property records: the family holds another affordable home.
    OtherAffordableHome,
    /// Civil affairs: a marriage joined two families that each hold one.
    MarriageJoinedTwoHomes,
    /// Property records: ownership passed (inheritance, divorce, court)
    /// to someone who does not meet the conditions.
    TransferredToIneligible,
    /// Police: no holder lives at the home.
    NotResident,
    /// A report: the home stands empty.
    Idle,
    /// A report: the home is let.
    Sublet,
    /// A report: the home is lent to others.
    Lent,
    /// Fraud found in the original application.
    Fraud,
}

impl Finding {
    pub const ALL: [Finding; 8] = [
        Finding::OtherAffordableHome,
        Finding::MarriageJoinedTwoHomes,
        Finding::TransferredToIneligible,
        Finding::NotResident,
        Finding::Idle,
        Finding::Sublet,
        Finding::Lent,
        Finding::Fraud,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Finding::OtherAffordableHome => "other_affordable_home",
            Finding::MarriageJoinedTwoHomes => "marriage_joined_two_homes",
            Finding::TransferredToIneligible => "transferred_to_ineligible",
            Finding::NotResident => "not_resident",
            Finding::Idle => "idle",
            Finding::Sublet => "sublet",
            Finding::Lent => "lent",
            Finding::Fraud => "fraud",
        }
    }

    pub fn parse(s: &str) -> Option<Finding> {
        Finding::ALL.into_iter().find(|f| f.code() == s.trim())
    }

    pub fn zh(self) -> &'static str {
        match self {
            Finding::OtherAffordableHome => "家庭另持有配售型保障性住房",
            Finding::MarriageJoinedTwoHomes => "婚姻变化后一个家庭持有两套",
            Finding::TransferredToIneligible => "所有权转移给不符合条件的人",
            Finding::NotResident => "家庭成员均不在该房屋居住",
            Finding::Idle => "房屋闲置",
            Finding::Sublet => "违规出租",
            Finding::Lent => "违规出借",
            Finding::Fraud => "查实弄虚作假骗购",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Finding::OtherAffordableHome => "Family holds another affordable home",
            Finding::MarriageJoinedTwoHomes => "A marriage left one family with two homes",
            Finding::TransferredToIneligible => "Ownership passed to someone not eligible",
            Finding::NotResident => "No family member lives in the home",
            Finding::Idle => "Home stands empty",
            Finding::Sublet => "Home let to others",
            Finding::Lent => "Home lent to others",
            Finding::Fraud => "Fraud found in the purchase",
        }
    }

    /// Which department may report this finding in its answer file;
    /// `None` for findings that come from reports with evidence.
    pub fn department(self) -> Option<Department> {
        match self {
            Finding::OtherAffordableHome | Finding::TransferredToIneligible => {
                Some(Department::NaturalResources)
            }
            Finding::MarriageJoinedTwoHomes => Some(Department::CivilAffairs),
            Finding::NotResident => Some(Department::PublicSecurity),
            Finding::Idle | Finding::Sublet | Finding::Lent | Finding::Fraud => None,
        }
    }

    /// The flag this finding raises.
    pub fn flag(self) -> Flag {
        match self {
            Finding::OtherAffordableHome | Finding::MarriageJoinedTwoHomes => Flag::SecondHome,
            Finding::TransferredToIneligible => Flag::NewOwnerIneligible,
            // Interpretation: no resident on record is a sign of an empty
            // home; the case that follows establishes which misuse it is.
            Finding::NotResident | Finding::Idle => Flag::Idle,
            Finding::Sublet => Flag::Sublet,
            Finding::Lent => Flag::Lent,
            Finding::Fraud => Flag::Fraud,
        }
    }
}

/// What a home is flagged for, in the order the programme acts on them:
/// a second affordable home in one family, a new owner who is not
/// eligible, idle, let or lent, fraud. The derived `Ord` is that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flag {
    SecondHome,
    NewOwnerIneligible,
    Idle,
    Sublet,
    Lent,
    Fraud,
}

impl Flag {
    pub const ALL: [Flag; 6] = [
        Flag::SecondHome,
        Flag::NewOwnerIneligible,
        Flag::Idle,
        Flag::Sublet,
        Flag::Lent,
        Flag::Fraud,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Flag::SecondHome => "second_home",
            Flag::NewOwnerIneligible => "new_owner_ineligible",
            Flag::Idle => "idle",
            Flag::Sublet => "sublet",
            Flag::Lent => "lent",
            Flag::Fraud => "fraud",
        }
    }

    pub fn parse(s: &str) -> Option<Flag> {
        Flag::ALL.into_iter().find(|f| f.code() == s.trim())
    }

    pub fn zh(self) -> &'static str {
        match self {
            Flag::SecondHome => "一户持有两套",
            Flag::NewOwnerIneligible => "新所有权人不符合条件",
            Flag::Idle => "闲置",
            Flag::Sublet => "出租",
            Flag::Lent => "出借",
            Flag::Fraud => "骗购",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            Flag::SecondHome => "Two homes in one family",
            Flag::NewOwnerIneligible => "New owner not eligible",
            Flag::Idle => "Idle",
            Flag::Sublet => "Let",
            Flag::Lent => "Lent",
            Flag::Fraud => "Fraud",
        }
    }

    /// The article the flag applies in the deployment's city.
    pub fn cite(self, regime: Regime) -> Cite {
        match (regime.0, self) {
            (City::Yangquan, Flag::SecondHome) => ART19_3_SECOND_HOME,
            (City::Yangquan, Flag::NewOwnerIneligible) => ART19_4_NEW_OWNER,
            (City::Yangquan, Flag::Idle) => ART19_1_LEFT,
            (City::Yangquan, Flag::Sublet | Flag::Lent) => regime.misuse(),
            (_, Flag::Fraud) => regime.fraud(),
            (City::Loudi, _) => LOUDI_8_3_3_REVIEW,
        }
    }

    /// Whether the flag leads straight to recovery (buyback) rather than
    /// to a notice to correct first: a second home or an ineligible owner
    /// cannot be "corrected" (阳泉 19 (三)(四) buy one back), and fraud is
    /// recovered (22). Idle, let or lent homes get a notice and a deadline.
    pub fn recovers_directly(self) -> bool {
        matches!(
            self,
            Flag::SecondHome | Flag::NewOwnerIneligible | Flag::Fraud
        )
    }

    /// The buyback case recovery opens for this flag.
    pub fn buyback_case(self, regime: Regime) -> crate::buyback::BuybackCase {
        use crate::buyback::BuybackCase as C;
        match (regime.0, self) {
            (City::Loudi, _) => C::Clearance,
            (City::Yangquan, Flag::SecondHome) => C::SecondHome,
            (City::Yangquan, Flag::NewOwnerIneligible) => C::NewOwnerIneligible,
            (City::Yangquan, Flag::Idle) => C::LeftCity,
            // Letting, lending and fraud are not among article 19's first
            // four cases: the city housing bureau decides them under (五).
            (City::Yangquan, Flag::Sublet | Flag::Lent | Flag::Fraud) => C::CityDecided,
        }
    }
}

/// A home's flags from all its findings: each flag once, in order.
pub fn flags_for(findings: &[Finding]) -> Vec<Flag> {
    let mut flags: Vec<Flag> = findings.iter().map(|f| f.flag()).collect();
    flags.sort();
    flags.dedup();
    flags
}

/// Where a home stands in a campaign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Some department has not answered for it yet.
    Pending,
    /// Every department answered and nothing was found.
    Clear,
    /// Something was found: a case is open for each flag.
    Flagged,
}

impl ReviewState {
    pub fn code(self) -> &'static str {
        match self {
            ReviewState::Pending => "pending",
            ReviewState::Clear => "clear",
            ReviewState::Flagged => "flagged",
        }
    }

    pub fn parse(s: &str) -> Option<ReviewState> {
        [
            ReviewState::Pending,
            ReviewState::Clear,
            ReviewState::Flagged,
        ]
        .into_iter()
        .find(|r| r.code() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            ReviewState::Pending => "待部门回复",
            ReviewState::Clear => "无异常",
            ReviewState::Flagged => "有异常",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            ReviewState::Pending => "Awaiting departments",
            ReviewState::Clear => "Nothing found",
            ReviewState::Flagged => "Flagged",
        }
    }
}

/// A home's state from the departments that have answered for it and its
/// findings. A home is never clear until every department answered: a
/// campaign cannot skip a home by silence. A finding flags it at once.
pub fn review_state(answered: &[Department], findings: &[Finding]) -> ReviewState {
    if !findings.is_empty() {
        ReviewState::Flagged
    } else if CAMPAIGN_DEPARTMENTS.iter().all(|d| answered.contains(d)) {
        ReviewState::Clear
    } else {
        ReviewState::Pending
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn flags_come_in_the_order_the_programme_acts() {
        let f = flags_for(&[
            Finding::Fraud,
            Finding::Sublet,
            Finding::NotResident,
            Finding::TransferredToIneligible,
            Finding::MarriageJoinedTwoHomes,
            Finding::OtherAffordableHome,
        ]);
        assert_eq!(
            f,
            vec![
                Flag::SecondHome,
                Flag::NewOwnerIneligible,
                Flag::Idle,
                Flag::Sublet,
                Flag::Fraud
            ]
        );
    }

    #[test]
    fn a_home_is_clear_only_when_every_department_answered() {
        assert_eq!(review_state(&[], &[]), ReviewState::Pending);
        assert_eq!(
            review_state(&[Department::PublicSecurity, Department::CivilAffairs], &[]),
            ReviewState::Pending
        );
        assert_eq!(review_state(&CAMPAIGN_DEPARTMENTS, &[]), ReviewState::Clear);
        assert_eq!(
            review_state(&[Department::PublicSecurity], &[Finding::NotResident]),
            ReviewState::Flagged
        );
    }

    #[test]
    fn department_findings_belong_to_their_department() {
        for f in Finding::ALL {
            if let Some(d) = f.department() {
                assert!(CAMPAIGN_DEPARTMENTS.contains(&d), "{f:?}");
            }
        }
    }

    proptest! {
        /// Flags are sorted, unique, and each comes from a finding.
        #[test]
        fn flags_are_ordered_and_unique(idx in proptest::collection::vec(0usize..8, 0..20)) {
            let findings: Vec<Finding> = idx.iter().map(|i| Finding::ALL[*i]).collect();
            let flags = flags_for(&findings);
            prop_assert!(flags.windows(2).all(|w| w[0] < w[1]));
            for f in &flags {
                prop_assert!(findings.iter().any(|x| x.flag() == *f));
            }
            prop_assert_eq!(flags.is_empty(), findings.is_empty());
        }
    }
}
