//! Where an application stands, as its family reads it (issue 12 feature
//! 16): the six steps of 001 articles 12–14 with the day each was done,
//! the step now under way, who takes it, by when where a document sets a
//! date, and what the family must do. Pure: the page puts it in words.

use chrono::NaiveDate;

use crate::application::{Event, Status, StatusKind};
use crate::role::Department;

/// The steps every application walks (001 art. 12–14).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// 提交申请.
    Submitted,
    /// 街道（乡镇）初审.
    StreetReview,
    /// 部门核验.
    Verification,
    /// 资格判定.
    Decision,
    /// 公示（不少于5个工作日）.
    Notice,
    /// 取得配售资格，进入轮候库.
    Qualified,
}

impl Step {
    /// In order.
    pub const ALL: [Step; 6] = [
        Step::Submitted,
        Step::StreetReview,
        Step::Verification,
        Step::Decision,
        Step::Notice,
        Step::Qualified,
    ];

    /// Chinese name.
    pub fn label_zh(self) -> &'static str {
        match self {
            Step::Submitted => "提交申请",
            Step::StreetReview => "街道（乡镇）初审",
            Step::Verification => "相关部门核验",
            Step::Decision => "资格判定",
            Step::Notice => "公示",
            Step::Qualified => "取得配售资格",
        }
    }

    /// English name.
    pub fn label_en(self) -> &'static str {
        match self {
            Step::Submitted => "Application submitted",
            Step::StreetReview => "Initial review by the street",
            Step::Verification => "Verification by the departments",
            Step::Decision => "Eligibility decision",
            Step::Notice => "Public notice",
            Step::Qualified => "Qualified, on the waitlist",
        }
    }
}

/// How far a step has come.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepState {
    /// Done on this day.
    Done(NaiveDate),
    /// Under way now.
    Current,
    /// Still to come.
    Upcoming,
    /// Will not happen: the application was rejected or withdrawn before.
    Stopped,
}

/// What happens now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Next {
    /// The street reviews the materials; no document sets a time limit.
    StreetReview,
    /// The family must correct and resubmit.
    Correct {
        /// What to correct, as the street wrote it.
        reason: String,
    },
    /// Departments verify; these have not answered yet.
    Verification {
        /// Still to confirm.
        waiting: Vec<Department>,
    },
    /// The district bureau decides with the policy engine.
    Decision,
    /// The district bureau is to publish the notice (≥ 5 working days).
    NoticeToStart,
    /// On notice until `end`; without a founded objection the family
    /// qualifies after it.
    OnNotice {
        /// Last day of the notice (working-day calendar).
        end: NaiveDate,
    },
    /// On the district waitlist at `place`; called by an allotment project.
    Waitlist {
        /// Place in the district waitlist, once assigned.
        place: Option<u32>,
    },
    /// Rejected: the family may ask the district bureau for a review.
    MayRequestReview,
    /// The district bureau reviews the rejection.
    UnderReview,
    /// Withdrawn: nothing more happens.
    Ended,
}

/// The timeline of one application.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Timeline {
    /// Every step with its state.
    pub steps: Vec<(Step, StepState)>,
    /// What happens now.
    pub next: Next,
}

/// The step a status stands at.
fn current(status: &Status) -> Option<Step> {
    Some(match status {
        Status::Submitted | Status::ReturnedForCorrection { .. } => Step::StreetReview,
        Status::UnderVerification { .. } => Step::Verification,
        Status::Verified | Status::Decided { .. } => Step::Decision,
        Status::OnNotice { .. } => Step::Notice,
        Status::Qualified { .. } => return None,
        Status::Rejected { .. } | Status::ReviewRequested { .. } | Status::Withdrawn => {
            return None
        }
    })
}

/// The step an event completes, by the state it led to.
fn completes(kind: StatusKind) -> Option<Step> {
    match kind {
        StatusKind::Submitted => Some(Step::Submitted),
        StatusKind::UnderVerification => Some(Step::StreetReview),
        StatusKind::Verified => Some(Step::Verification),
        StatusKind::Decided => Some(Step::Decision),
        StatusKind::Qualified => Some(Step::Qualified),
        _ => None,
    }
}

/// The timeline of an application in `status` with these `events` (in
/// order).
pub fn timeline(status: &Status, events: &[Event]) -> Timeline {
    let mut done: Vec<(Step, NaiveDate)> = Vec::new();
    for e in events {
        if let Some(step) = completes(e.status_after) {
            // The latest day a step was completed (a resubmission walks the
            // street review again).
            done.retain(|(s, _)| *s != step);
            done.push((step, e.at.date()));
        }
        // The notice is done the day the family qualifies.
        if e.status_after == StatusKind::Qualified {
            done.retain(|(s, _)| *s != Step::Notice);
            done.push((Step::Notice, e.at.date()));
        }
    }
    let now = current(status);
    let stopped = matches!(
        status,
        Status::Rejected { .. } | Status::ReviewRequested { .. } | Status::Withdrawn
    );
    let steps = Step::ALL
        .into_iter()
        .map(|s| {
            let state = if now == Some(s) {
                StepState::Current
            } else if let Some((_, d)) = done.iter().find(|(x, _)| *x == s) {
                // A step done before a resubmission is under way again.
                if now.is_some_and(|n| {
                    Step::ALL.iter().position(|x| *x == n) < Step::ALL.iter().position(|x| *x == s)
                }) {
                    StepState::Upcoming
                } else {
                    StepState::Done(*d)
                }
            } else if stopped {
                StepState::Stopped
            } else {
                StepState::Upcoming
            };
            (s, state)
        })
        .collect();
    let next = match status {
        Status::Submitted => Next::StreetReview,
        Status::ReturnedForCorrection { reason } => Next::Correct {
            reason: reason.as_str().to_string(),
        },
        Status::UnderVerification { confirmed } => Next::Verification {
            waiting: Department::ALL
                .into_iter()
                .filter(|d| !confirmed.contains(d))
                .collect(),
        },
        Status::Verified => Next::Decision,
        Status::Decided { .. } => Next::NoticeToStart,
        Status::OnNotice { notice_end, .. } => Next::OnNotice { end: *notice_end },
        Status::Qualified { place, .. } => Next::Waitlist { place: *place },
        Status::Rejected { .. } => Next::MayRequestReview,
        Status::ReviewRequested { .. } => Next::UnderReview,
        Status::Withdrawn => Next::Ended,
    };
    Timeline { steps, next }
}

/// What a family is told of (issue 12 feature 17): the steps that change
/// what it may or must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum News {
    /// Returned for correction (detail: what to correct).
    ReturnedForCorrection,
    /// The public notice started (detail: its last day).
    NoticeStarted,
    /// Qualified and on the waitlist.
    Qualified,
    /// Not approved (at any stage).
    Rejected,
    /// A review reversed the rejection.
    ReviewReversed,
    /// The family's turn in the calling order came: choose a home now
    /// (detail: the project).
    CalledToChoose,
    /// A deadline the family must meet is near (detail: the last day).
    /// See [`Deadline`].
    DeadlineApproaching(Deadline),
}

impl News {
    /// Every kind.
    pub const ALL: [News; 9] = [
        News::ReturnedForCorrection,
        News::NoticeStarted,
        News::Qualified,
        News::Rejected,
        News::ReviewReversed,
        News::CalledToChoose,
        News::DeadlineApproaching(Deadline::Signing),
        News::DeadlineApproaching(Deadline::Exit),
        News::DeadlineApproaching(Deadline::Correction),
    ];

    /// Stable code, as stored.
    pub fn code(self) -> &'static str {
        match self {
            News::ReturnedForCorrection => "returned_for_correction",
            News::NoticeStarted => "notice_started",
            News::Qualified => "qualified",
            News::Rejected => "rejected",
            News::ReviewReversed => "review_reversed",
            News::CalledToChoose => "called_to_choose",
            News::DeadlineApproaching(d) => d.code(),
        }
    }

    /// Parses [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<News> {
        News::ALL.into_iter().find(|n| n.code() == code)
    }
}

/// The deadlines a family is reminded of before they pass (issue 12
/// feature 17, "deadline approaching"): each is a date some step has
/// already fixed, and missing it costs the family something.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deadline {
    /// Signing the purchase contract after choosing a home: the plan's
    /// days (Yangquan: the project's 配售方案, art. 15; Loudi 8(1)2);
    /// unsigned by then is an abandonment (001 art. 14).
    Signing,
    /// Leaving the home within 30 days of applying for a buyback
    /// (阳政办发〔2026〕2号 art. 20); late, the company may stop it.
    Exit,
    /// Correcting a misuse of the home by the deadline of the company's
    /// notice to correct (Loudi 8(3); the holdings enforcement ladder);
    /// uncorrected, the home may be recovered.
    Correction,
}

impl Deadline {
    /// Stable code, as stored (a [`News`] kind).
    pub fn code(self) -> &'static str {
        match self {
            Deadline::Signing => "deadline_signing",
            Deadline::Exit => "deadline_exit",
            Deadline::Correction => "deadline_correction",
        }
    }
}

/// How many calendar days before a deadline the family is reminded.
///
/// Interpretation: no document sets a reminder; three calendar days leave
/// at least one working day even when a weekend falls between, and the
/// shortest deadline reminded of (15 days to sign) is five times longer.
pub const REMIND_DAYS_BEFORE: u64 = 3;

/// Whether a reminder of `deadline` is due on `today`: from
/// [`REMIND_DAYS_BEFORE`] days before it to the day itself (a server that
/// was down on the first day still reminds on the next). Sent once per
/// deadline: the store keeps the key.
pub fn reminder_due(deadline: NaiveDate, today: NaiveDate) -> bool {
    today <= deadline
        && deadline
            .checked_sub_days(chrono::Days::new(REMIND_DAYS_BEFORE))
            .is_none_or(|from| today >= from)
}

/// The first and last deadline a reminder is due for on `today`.
pub fn reminder_window(today: NaiveDate) -> (NaiveDate, NaiveDate) {
    (
        today,
        today
            .checked_add_days(chrono::Days::new(REMIND_DAYS_BEFORE))
            .unwrap_or(today),
    )
}

/// What the family should be told of `event`, which led to `after`, and
/// the detail the words need; nothing for its own steps.
pub fn news_for_family(
    event: &Event,
    after: &Status,
    owner: Option<&crate::text::UserId>,
) -> Option<(News, String)> {
    if owner.is_none() || owner == Some(event.actor.user_id()) {
        return None;
    }
    use crate::application::Action as A;
    match (&event.action, after) {
        (A::StreetReturn { reason }, _) => {
            Some((News::ReturnedForCorrection, reason.as_str().to_string()))
        }
        (A::StartNotice { .. }, Status::OnNotice { notice_end, .. }) => {
            Some((News::NoticeStarted, notice_end.to_string()))
        }
        (_, Status::Qualified { .. }) => Some((News::Qualified, String::new())),
        (_, Status::Rejected { .. }) => Some((News::Rejected, String::new())),
        (A::DecideReview { reverse: true, .. }, _) => Some((News::ReviewReversed, String::new())),
        _ => None,
    }
}

/// What an office must hear of (issue 12 feature 17, staff side): a step
/// someone else took that puts an exception on its desk. The dashboard
/// already shows what waits in the ordinary course; these are the files
/// that come back or are contested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OfficeNews {
    /// A file the street returned came back corrected (to the street).
    Resubmitted,
    /// Someone objected during the public notice (to the district bureau,
    /// 001 art. 14: the bureau publishes and handles the notice).
    ObjectionRecorded,
    /// The family asked for a review of a rejection (to the district
    /// bureau, 001 art. 14: "可向所在县（区）住建部门提出复核申请").
    ReviewRequested,
}

impl OfficeNews {
    /// Every kind.
    pub const ALL: [OfficeNews; 3] = [
        OfficeNews::Resubmitted,
        OfficeNews::ObjectionRecorded,
        OfficeNews::ReviewRequested,
    ];

    /// Stable code, as stored (distinct from [`News`] codes).
    pub fn code(self) -> &'static str {
        match self {
            OfficeNews::Resubmitted => "office_resubmitted",
            OfficeNews::ObjectionRecorded => "office_objection",
            OfficeNews::ReviewRequested => "office_review_requested",
        }
    }

    /// Parses [`code`](Self::code).
    pub fn from_code(code: &str) -> Option<OfficeNews> {
        OfficeNews::ALL.into_iter().find(|n| n.code() == code)
    }

    /// The office that must hear of it (in the application's district).
    pub fn office(self) -> crate::role::Role {
        match self {
            OfficeNews::Resubmitted => crate::role::Role::Street,
            OfficeNews::ObjectionRecorded | OfficeNews::ReviewRequested => {
                crate::role::Role::DistrictBureau
            }
        }
    }
}

/// What an office should be told of `event`, if anything.
pub fn news_for_office(event: &Event) -> Option<OfficeNews> {
    use crate::application::Action as A;
    match &event.action {
        A::Resubmit => Some(OfficeNews::Resubmitted),
        A::RecordObjection { .. } => Some(OfficeNews::ObjectionRecorded),
        A::RequestReview { .. } => Some(OfficeNews::ReviewRequested),
        _ => None,
    }
}
