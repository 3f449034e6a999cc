//! Selection (选房): families are called in calling order; each call ends
//! in a chosen home, a pass, or an absence the plan decides about. A chosen
//! home must be signed for within the plan's days (004 §8(1)2); giving it up
//! or missing the deadline is an abandonment (001 art. 14), which the
//! eligibility rules then enforce as a ban on new applications.
//!
//! These are the rules for one family's call. That a home is never sold
//! twice is kept by the store (a conditional update and a unique index), so
//! it holds across processes.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::cite::{Cite, City, ART14_ABANDONMENT};
use crate::plan::AbsentRule;

/// Where one entrant's call is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallState {
    /// Not yet called.
    Waiting,
    /// Called: may choose a home now.
    Called,
    /// Was not there when called; will be called again at the end of the
    /// round (plan rule `call_again_at_end`).
    Absent,
    /// Chose a home; must sign by the deadline.
    Chosen,
    /// Signed the purchase contract.
    Signed,
    /// Passed this round without choosing (declined, absent, or the round
    /// closed before the call). Not an abandonment: no home was chosen.
    Passed,
    /// Gave up a chosen home, or did not sign in time.
    Abandoned,
}

impl CallState {
    /// English label (the pages' English switch).
    pub fn en(self) -> &'static str {
        match self {
            CallState::Waiting => "waiting",
            CallState::Called => "called: choose a home now",
            CallState::Absent => "absent: called again at the end",
            CallState::Chosen => "home chosen, contract pending",
            CallState::Signed => "contract signed",
            CallState::Passed => "passed this round",
            CallState::Abandoned => "gave up (abandonment)",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            CallState::Waiting => "waiting",
            CallState::Called => "called",
            CallState::Absent => "absent",
            CallState::Chosen => "chosen",
            CallState::Signed => "signed",
            CallState::Passed => "passed",
            CallState::Abandoned => "abandoned",
        }
    }

    pub fn parse(s: &str) -> Option<CallState> {
        Some(match s {
            "waiting" => CallState::Waiting,
            "called" => CallState::Called,
            "absent" => CallState::Absent,
            "chosen" => CallState::Chosen,
            "signed" => CallState::Signed,
            "passed" => CallState::Passed,
            "abandoned" => CallState::Abandoned,
            _ => return None,
        })
    }

    pub fn zh(self) -> &'static str {
        match self {
            CallState::Waiting => "待叫号",
            CallState::Called => "已叫号，请选房",
            CallState::Absent => "未到场，本轮末再次叫号",
            CallState::Chosen => "已选房，待签约",
            CallState::Signed => "已签约",
            CallState::Passed => "本轮未选房",
            CallState::Abandoned => "已弃购",
        }
    }

    /// Whether the call still holds a home.
    pub fn holds_home(self) -> bool {
        matches!(self, CallState::Chosen | CallState::Signed)
    }
}

/// A step in one family's call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum CallStep {
    Call,
    MarkAbsent,
    Decline,
    Choose,
    GiveUp,
    Sign,
    /// The signing deadline passed without a contract.
    Expire,
    /// The round closed before this family chose.
    CloseRound,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    #[error("当前状态为“{}”，不能{} (not allowed in state {})", .state.zh(), .step, .state.code())]
    NotNow {
        state: CallState,
        step: &'static str,
    },
    #[error("签约期限已过（{deadline}），逾期未签约视为自动放弃（本项目配售方案的签约期限） (the signing deadline {deadline} has passed)")]
    DeadlinePassed { deadline: NaiveDate },
    #[error("签约期限（{deadline}）未到，不能按逾期处理 (the signing deadline {deadline} has not passed)")]
    DeadlineNotPassed { deadline: NaiveDate },
}

fn step_zh(step: &CallStep) -> &'static str {
    match step {
        CallStep::Call => "叫号",
        CallStep::MarkAbsent => "登记未到场",
        CallStep::Decline => "登记放弃本轮选房",
        CallStep::Choose => "选房",
        CallStep::GiveUp => "登记弃购",
        CallStep::Sign => "签约",
        CallStep::Expire => "按逾期未签约处理",
        CallStep::CloseRound => "结束本轮",
    }
}

/// What a call looks like now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CallNow {
    pub state: CallState,
    /// Already called a second time after an absence.
    pub recalled: bool,
    /// Signing deadline, when a home is chosen.
    pub sign_by: Option<NaiveDate>,
}

/// The state after `step` on `today`, or why not.
pub fn next_state(
    now: CallNow,
    step: &CallStep,
    rule: AbsentRule,
    today: NaiveDate,
) -> Result<CallState, CallError> {
    use CallState as S;
    let not_now = || CallError::NotNow {
        state: now.state,
        step: step_zh(step),
    };
    match (now.state, step) {
        (S::Waiting | S::Absent, CallStep::Call) => Ok(S::Called),
        (S::Called, CallStep::MarkAbsent) => Ok(match (rule, now.recalled) {
            (AbsentRule::CallAgainAtEnd, false) => S::Absent,
            _ => S::Passed,
        }),
        (S::Called, CallStep::Decline) => Ok(S::Passed),
        (S::Called, CallStep::Choose) => Ok(S::Chosen),
        (S::Chosen, CallStep::GiveUp) => Ok(S::Abandoned),
        (S::Chosen, CallStep::Sign) => match now.sign_by {
            Some(d) if today > d => Err(CallError::DeadlinePassed { deadline: d }),
            _ => Ok(S::Signed),
        },
        (S::Chosen, CallStep::Expire) => match now.sign_by {
            Some(d) if today > d => Ok(S::Abandoned),
            Some(d) => Err(CallError::DeadlineNotPassed { deadline: d }),
            None => Err(not_now()),
        },
        (S::Waiting | S::Called | S::Absent, CallStep::CloseRound) => Ok(S::Passed),
        _ => Err(not_now()),
    }
}

/// The last day to sign: `signing_days` calendar days after choosing
/// (004 §8(1)2 "在15日内"; read as calendar days, the document's 日).
pub fn sign_by(chosen_on: NaiveDate, signing_days: u16) -> NaiveDate {
    chosen_on
        .checked_add_days(Days::new(u64::from(signing_days)))
        .unwrap_or(chosen_on)
}

/// Why an abandonment was recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AbandonmentKind {
    /// Gave up a chosen home.
    GaveUp,
    /// Did not sign within the deadline.
    NotSigned,
}

impl AbandonmentKind {
    pub fn code(self) -> &'static str {
        match self {
            AbandonmentKind::GaveUp => "gave_up",
            AbandonmentKind::NotSigned => "not_signed",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            AbandonmentKind::GaveUp => "选房后弃购",
            AbandonmentKind::NotSigned => "选定房源后逾期未签约，视为自动放弃",
        }
    }

    /// Both are 弃购 under 001 art. 14, whose bans (2 years, 5 after the
    /// second) the eligibility rules apply; not signing also cites where the
    /// signing deadline comes from in the city (its plan, or Loudi 8(1)2).
    pub fn citations(self, city: City) -> Vec<Cite> {
        match self {
            AbandonmentKind::GaveUp => vec![ART14_ABANDONMENT],
            AbandonmentKind::NotSigned => vec![city.signing(), ART14_ABANDONMENT],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn now(state: CallState) -> CallNow {
        CallNow {
            state,
            recalled: false,
            sign_by: None,
        }
    }

    #[test]
    fn absent_families_get_one_more_call() {
        let t = d("2026-12-01");
        let r = AbsentRule::CallAgainAtEnd;
        assert_eq!(
            next_state(now(CallState::Called), &CallStep::MarkAbsent, r, t),
            Ok(CallState::Absent)
        );
        let again = CallNow {
            state: CallState::Called,
            recalled: true,
            sign_by: None,
        };
        assert_eq!(
            next_state(again, &CallStep::MarkAbsent, r, t),
            Ok(CallState::Passed)
        );
        assert_eq!(
            next_state(
                now(CallState::Called),
                &CallStep::MarkAbsent,
                AbsentRule::PassRound,
                t
            ),
            Ok(CallState::Passed)
        );
    }

    #[test]
    fn signing_deadline_is_fifteen_calendar_days() {
        let chosen = d("2026-09-28");
        let by = sign_by(chosen, 15);
        assert_eq!(by, d("2026-10-13")); // through the National Day holiday
        let c = CallNow {
            state: CallState::Chosen,
            recalled: false,
            sign_by: Some(by),
        };
        let r = AbsentRule::PassRound;
        assert_eq!(next_state(c, &CallStep::Sign, r, by), Ok(CallState::Signed));
        assert!(matches!(
            next_state(c, &CallStep::Sign, r, d("2026-10-14")),
            Err(CallError::DeadlinePassed { .. })
        ));
        assert!(matches!(
            next_state(c, &CallStep::Expire, r, by),
            Err(CallError::DeadlineNotPassed { .. })
        ));
        assert_eq!(
            next_state(c, &CallStep::Expire, r, d("2026-10-14")),
            Ok(CallState::Abandoned)
        );
    }

    #[test]
    fn only_called_families_choose() {
        let t = d("2026-12-01");
        let r = AbsentRule::PassRound;
        for s in [
            CallState::Waiting,
            CallState::Absent,
            CallState::Chosen,
            CallState::Signed,
            CallState::Passed,
            CallState::Abandoned,
        ] {
            assert!(
                next_state(now(s), &CallStep::Choose, r, t).is_err(),
                "{s:?}"
            );
        }
        assert_eq!(
            next_state(now(CallState::Called), &CallStep::Choose, r, t),
            Ok(CallState::Chosen)
        );
        assert!(next_state(now(CallState::Signed), &CallStep::GiveUp, r, t).is_err());
    }
}
