//! Bans and duplicates, checked before a submission is accepted.
//!
//! Callers decide both: the store finds other active applications holding
//! the same resident ID, the policy engine works out bans (001 art. 14:
//! 2 years after abandoning a chosen home, 5 years after the second time;
//! 004 §8: 1 year after not signing in 15 days, 3 years on the dishonesty
//! list). This module turns their answers into one verdict, and
//! [`crate::submit`] accepts a submission only with a [`Cleared`] token,
//! so a submission cannot skip the check.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::decision::CitedReason;

/// Whether any member's resident ID is already in another active
/// application. Deliberately holds nothing about the other application:
/// the applicant must never learn which family holds it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "result")]
pub enum DuplicateCheck {
    /// No member's ID is in another active application.
    Clear,
    /// These members of *this* household (1-based, as listed on the form)
    /// have an ID that is in another active application.
    Duplicate {
        /// 1-based positions in this household's member list.
        members: Vec<usize>,
    },
}

impl DuplicateCheck {
    /// From one flag per member of this household, in order: `true` when
    /// that member's ID was found in another active application.
    pub fn from_member_hits(hits: impl IntoIterator<Item = bool>) -> DuplicateCheck {
        let members: Vec<usize> = hits
            .into_iter()
            .enumerate()
            .filter(|&(_, hit)| hit)
            .map(|(i, _)| i + 1)
            .collect();
        if members.is_empty() {
            DuplicateCheck::Clear
        } else {
            DuplicateCheck::Duplicate { members }
        }
    }
}

/// A ban on new applications, worked out by the policy engine.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ban {
    /// First day on which an application is accepted again.
    pub until: NaiveDate,
    /// Why, with the article (e.g. 001 第十四条).
    pub reason: CitedReason,
}

/// Proof that a submission passed the duplicate and ban checks. Only
/// [`screen_submission`] makes one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cleared {
    _private: (),
}

/// Why a submission is not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmissionRefused {
    /// A member's resident ID is already in another active application.
    #[error("家庭成员第{}位：该身份证号码已在其他有效申请中 (member {}: this resident ID is already in another active application)", join(.members, "、"), join(.members, ", "))]
    DuplicateId {
        /// 1-based positions in this household.
        members: Vec<usize>,
    },
    /// The household is banned from applying until a date.
    #[error("{until}前不予受理保障性住房购房申请：{reason} (applications are not accepted before {until})")]
    Banned {
        /// First day applications are accepted again.
        until: NaiveDate,
        /// Why (boxed: keeps the error small to pass around).
        reason: Box<CitedReason>,
    },
}

fn join(members: &[usize], sep: &str) -> String {
    members
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

/// Accepts a submission on `today` unless a member is a duplicate or a ban
/// is still running. Duplicates are reported first: they are the more
/// common mistake and the easier to fix.
pub fn screen_submission(
    duplicates: &DuplicateCheck,
    ban: Option<&Ban>,
    today: NaiveDate,
) -> Result<Cleared, SubmissionRefused> {
    if let DuplicateCheck::Duplicate { members } = duplicates {
        return Err(SubmissionRefused::DuplicateId {
            members: members.clone(),
        });
    }
    if let Some(ban) = ban {
        if today < ban.until {
            return Err(SubmissionRefused::Banned {
                until: ban.until,
                reason: Box::new(ban.reason.clone()),
            });
        }
    }
    Ok(Cleared { _private: () })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decision::Citation;
    use crate::text::NonEmptyText;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
    }

    #[test]
    fn duplicates_never_name_the_other_family() {
        let check = DuplicateCheck::from_member_hits([false, true]);
        assert_eq!(check, DuplicateCheck::Duplicate { members: vec![2] });
        let err = screen_submission(&check, None, date(2026, 3, 1)).expect_err("duplicate");
        assert_eq!(
            err.to_string(),
            "家庭成员第2位：该身份证号码已在其他有效申请中 (member 2: this resident ID is already in another active application)"
        );
        assert!(screen_submission(
            &DuplicateCheck::from_member_hits([false, false]),
            None,
            date(2026, 3, 1)
        )
        .is_ok());
    }

    #[test]
    fn bans_run_until_the_day_before_until() {
        let ban = Ban {
            until: date(2027, 5, 1),
            reason: CitedReason {
                rule: None,
                message: NonEmptyText::new("首次选房后弃购，2年内不予受理").expect("text"),
                citation: Citation::new("阳政办发〔2026〕2号", "第十四条", "14").expect("citation"),
            },
        };
        let clear = DuplicateCheck::Clear;
        let err = screen_submission(&clear, Some(&ban), date(2027, 4, 30)).expect_err("banned");
        assert!(err
            .to_string()
            .starts_with("2027-05-01前不予受理保障性住房购房申请：首次选房后弃购"));
        assert!(screen_submission(&clear, Some(&ban), date(2027, 5, 1)).is_ok());
    }
}
