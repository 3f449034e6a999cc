//! The enforcement ladder a flag opens: notice to correct → deadline →
//! recovery (buyback), or closed as corrected or unfounded. Each step is
//! taken by an authorised role (the service checks) and cited.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::review::Flag;

/// Where a case stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseStatus {
    /// Opened with its evidence; nothing done yet.
    Open,
    /// A notice to correct was served; waiting for its deadline.
    Noticed,
    /// The family corrected the breach in time.
    Corrected,
    /// Recovery: a buyback was opened for the home.
    Recovery,
    /// Looked into and found unfounded.
    Dismissed,
}

impl CaseStatus {
    pub const ALL: [CaseStatus; 5] = [
        CaseStatus::Open,
        CaseStatus::Noticed,
        CaseStatus::Corrected,
        CaseStatus::Recovery,
        CaseStatus::Dismissed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            CaseStatus::Open => "open",
            CaseStatus::Noticed => "noticed",
            CaseStatus::Corrected => "corrected",
            CaseStatus::Recovery => "recovery",
            CaseStatus::Dismissed => "dismissed",
        }
    }

    pub fn parse(s: &str) -> Option<CaseStatus> {
        CaseStatus::ALL.into_iter().find(|c| c.code() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            CaseStatus::Open => "待处理",
            CaseStatus::Noticed => "已责令整改",
            CaseStatus::Corrected => "已整改",
            CaseStatus::Recovery => "已启动回购收回",
            CaseStatus::Dismissed => "经核查不成立",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            CaseStatus::Open => "Open",
            CaseStatus::Noticed => "Notice to correct served",
            CaseStatus::Corrected => "Corrected",
            CaseStatus::Recovery => "Recovery by buyback",
            CaseStatus::Dismissed => "Unfounded",
        }
    }

    pub fn is_open(self) -> bool {
        matches!(self, CaseStatus::Open | CaseStatus::Noticed)
    }
}

/// A step on the ladder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseStep {
    /// Serve a notice to correct by `deadline`.
    Notice { deadline: NaiveDate },
    /// The breach was corrected (checked on the spot).
    Corrected,
    /// Open the buyback that recovers the home.
    Recover,
    /// Unfounded: close with the reason.
    Dismiss,
}

/// Why a step is not allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseStepError {
    #[error("案件当前状态“{status}”不能办理此步骤 (not allowed in this state)")]
    NotNow { status: &'static str },
    #[error("整改期限 {deadline} 须晚于今天 {today} (the deadline must be after today)")]
    DeadlineNotAhead {
        deadline: NaiveDate,
        today: NaiveDate,
    },
    #[error("整改期限 {deadline} 尚未届满，不能启动收回 (the deadline has not passed)")]
    DeadlineNotPassed { deadline: NaiveDate },
    #[error("“{flag}”须先责令整改，期限届满仍未整改方可收回 (serve a notice to correct first)")]
    NoticeFirst { flag: &'static str },
}

/// The status a step leads to.
///
/// A second home, an ineligible new owner and fraud go straight to
/// recovery; idle, let and lent homes are recovered only after a notice
/// whose deadline has passed uncorrected.
pub fn next_case_status(
    flag: Flag,
    status: CaseStatus,
    deadline: Option<NaiveDate>,
    step: &CaseStep,
    today: NaiveDate,
) -> Result<CaseStatus, CaseStepError> {
    use CaseStatus as S;
    match (status, step) {
        (S::Open, CaseStep::Notice { deadline }) => {
            if *deadline <= today {
                return Err(CaseStepError::DeadlineNotAhead {
                    deadline: *deadline,
                    today,
                });
            }
            Ok(S::Noticed)
        }
        (S::Noticed, CaseStep::Corrected) => Ok(S::Corrected),
        (S::Open, CaseStep::Recover) => {
            if flag.recovers_directly() {
                Ok(S::Recovery)
            } else {
                Err(CaseStepError::NoticeFirst { flag: flag.zh() })
            }
        }
        (S::Noticed, CaseStep::Recover) => match deadline {
            Some(d) if today > d => Ok(S::Recovery),
            Some(d) => Err(CaseStepError::DeadlineNotPassed { deadline: d }),
            None => Ok(S::Recovery),
        },
        (S::Open | S::Noticed, CaseStep::Dismiss) => Ok(S::Dismissed),
        _ => Err(CaseStepError::NotNow {
            status: status.zh(),
        }),
    }
}

/// Whether an open case is overdue on `today`: a notice whose deadline
/// has passed without a decision.
pub fn is_overdue(status: CaseStatus, deadline: Option<NaiveDate>, today: NaiveDate) -> bool {
    status == CaseStatus::Noticed && deadline.is_some_and(|d| today > d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn misuse_needs_a_notice_and_its_deadline_first() {
        let today = d("2027-05-01");
        assert_eq!(
            next_case_status(
                Flag::Sublet,
                CaseStatus::Open,
                None,
                &CaseStep::Recover,
                today
            ),
            Err(CaseStepError::NoticeFirst { flag: "出租" })
        );
        assert_eq!(
            next_case_status(
                Flag::Sublet,
                CaseStatus::Open,
                None,
                &CaseStep::Notice { deadline: today },
                today
            ),
            Err(CaseStepError::DeadlineNotAhead {
                deadline: today,
                today
            })
        );
        let deadline = d("2027-05-31");
        assert_eq!(
            next_case_status(
                Flag::Sublet,
                CaseStatus::Open,
                None,
                &CaseStep::Notice { deadline },
                today
            ),
            Ok(CaseStatus::Noticed)
        );
        // On the deadline day the family still has time.
        assert_eq!(
            next_case_status(
                Flag::Sublet,
                CaseStatus::Noticed,
                Some(deadline),
                &CaseStep::Recover,
                deadline
            ),
            Err(CaseStepError::DeadlineNotPassed { deadline })
        );
        assert_eq!(
            next_case_status(
                Flag::Sublet,
                CaseStatus::Noticed,
                Some(deadline),
                &CaseStep::Recover,
                d("2027-06-01")
            ),
            Ok(CaseStatus::Recovery)
        );
        assert!(is_overdue(
            CaseStatus::Noticed,
            Some(deadline),
            d("2027-06-01")
        ));
        assert!(!is_overdue(CaseStatus::Noticed, Some(deadline), deadline));
    }

    #[test]
    fn a_second_home_is_recovered_directly() {
        let today = d("2027-05-01");
        for flag in [Flag::SecondHome, Flag::NewOwnerIneligible, Flag::Fraud] {
            assert_eq!(
                next_case_status(flag, CaseStatus::Open, None, &CaseStep::Recover, today),
                Ok(CaseStatus::Recovery)
            );
        }
    }

    #[test]
    fn closed_cases_take_no_steps() {
        let today = d("2027-05-01");
        for s in [
            CaseStatus::Corrected,
            CaseStatus::Recovery,
            CaseStatus::Dismissed,
        ] {
            assert!(next_case_status(Flag::Idle, s, None, &CaseStep::Dismiss, today).is_err());
            assert!(!s.is_open());
        }
    }
}
