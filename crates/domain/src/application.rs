//! The application lifecycle (001 articles 12–14), event-sourced.
//!
//! ```text
//! submit ─▶ Submitted ─StreetPass─▶ UnderVerification ─(5 × DepartmentConfirm)─▶ Verified
//!             │  ▲   └─StreetReject─▶ Rejected                                       │
//!   StreetReturn  Resubmit                                              RecordDecision
//!             ▼  │                                                                   ▼
//!     ReturnedForCorrection                      Rejected ◀─(ineligible)─ ┬─ Decided (eligible)
//!                                                                         │        │ StartNotice
//!                                                                         │        ▼
//!              Qualified ◀─Qualify (notice over, objections resolved)──── OnNotice ⟲ Record/ResolveObjection
//!                                    ResolveObjection (upheld) ─▶ Rejected (stage: notice)
//! Rejected ─RequestReview─▶ ReviewRequested ─DecideReview(reverse)─▶ Verified (or UnderVerification)
//!                                          └─DecideReview(uphold)──▶ Rejected (stage Review)
//! any state before Qualified (but Rejected) ─Withdraw─▶ Withdrawn
//! ```
//!
//! An application *is* its events folded: [`submit`] makes the first event,
//! [`apply`] checks an action against the current state, the actor's role
//! and district, and returns the next event; [`Application::with`] folds an
//! event in. Folding re-checks every state rule (not permissions, which are
//! a property of the moment the action was taken), so a stored history that
//! was tampered with or reordered does not load.

use std::borrow::Borrow;
use std::collections::BTreeSet;
use std::fmt;
use std::num::NonZeroU8;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::decision::{Citation, CitedReason, DecisionRecord, Reasons, Scope};
use crate::district::DistrictCode;
use crate::facts::{FactCorrection, FactError, FactPath};
use crate::materials::{join_en, join_zh, Material, MaterialsChecklist};
use crate::permissions::{self, Forbidden};
use crate::role::{Actor, Department, Role};
use crate::screening::Cleared;
use crate::text::{ApplicationId, HouseholdId, NonEmptyText, UserId};
use crate::time::Timestamp;

/// How the application came in (001 art. 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// Online, by the family (轮候库线上申请).
    Online,
    /// On paper at the community counter.
    Counter,
}

impl Channel {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Channel::Online => "线上申请",
            Channel::Counter => "社区（村）窗口受理",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Counter => "at the counter",
        }
    }
}

/// What is submitted: the household, where, and the article 13 materials
/// and commitments.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Submission {
    /// The household facts' id (`household.schema.json`).
    pub household_id: HouseholdId,
    /// District applied in: the hukou or permanent-residence place (art. 12).
    pub district: DistrictCode,
    /// The family's account, when a counter clerk links one; ignored (must
    /// be empty or the actor's own) when the family applies online.
    #[serde(default)]
    pub applicant_account: Option<UserId>,
    /// Article 13 materials.
    pub materials: MaterialsChecklist,
    /// The signed commitment to truthfulness (承诺书).
    pub signed_commitment: bool,
    /// Consent to verification by the departments.
    pub consent_to_verification: bool,
}

impl Submission {
    /// Everything missing under article 13.
    pub fn missing(&self) -> Vec<Material> {
        self.materials
            .missing(self.signed_commitment, self.consent_to_verification)
    }
}

/// Refers to a recorded decision: the sequence number of the
/// `RecordDecision` event that recorded it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DecisionRef(u64);

impl DecisionRef {
    /// The event sequence number.
    pub fn event_seq(self) -> u64 {
        self.0
    }
}

impl fmt::Display for DecisionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// Number of an objection within its application, from 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ObjectionId(u32);

impl ObjectionId {
    /// An objection number, as shown to staff.
    pub fn new(n: u32) -> ObjectionId {
        ObjectionId(n)
    }

    /// The number.
    pub fn get(self) -> u32 {
        self.0
    }
}

impl fmt::Display for ObjectionId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The reason an upheld objection gives for not qualifying.
fn upheld_reason(r: &ObjectionResolution) -> Result<CitedReason, TransitionError> {
    let citation = r.citation.clone().ok_or(TransitionError::Corrupt {
        what: "an upheld objection without a citation",
    })?;
    Ok(CitedReason {
        rule: None,
        // Falls back to the bare note if the prefix would push it past the
        // length limit.
        message: NonEmptyText::new(format!("公示期间异议经核实成立：{}", r.note))
            .unwrap_or_else(|_| r.note.clone()),
        citation,
    })
}

/// Where in the process an application was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RejectionStage {
    /// By the street at initial review.
    InitialReview,
    /// By the policy engine's decision.
    Decision,
    /// After an objection during the public notice was upheld.
    Notice,
    /// A review request was decided and the rejection upheld.
    Review,
}

impl RejectionStage {
    /// Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            RejectionStage::InitialReview => "街道初审",
            RejectionStage::Decision => "资格判定",
            RejectionStage::Notice => "公示异议",
            RejectionStage::Review => "复核",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            RejectionStage::InitialReview => "initial review",
            RejectionStage::Decision => "decision",
            RejectionStage::Notice => "public notice",
            RejectionStage::Review => "review",
        }
    }
}

/// A rejection: at least one cited reason, and the stage.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejection {
    /// Why, with citations.
    pub reasons: Reasons,
    /// At which stage.
    pub stage: RejectionStage,
}

/// Where an application stands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum Status {
    /// Waiting for the street's initial review.
    Submitted,
    /// Returned to the family to correct or complete.
    ReturnedForCorrection {
        /// What to correct.
        reason: NonEmptyText,
    },
    /// Departments are verifying; `confirmed` have done so.
    UnderVerification {
        /// Departments that have confirmed.
        confirmed: BTreeSet<Department>,
    },
    /// All five departments confirmed: ready for the policy engine.
    Verified,
    /// The engine found the family eligible; the notice has not started.
    Decided {
        /// The decision.
        decision_ref: DecisionRef,
    },
    /// On public notice (001 art. 14: at least 5 working days).
    OnNotice {
        /// The decision on notice.
        decision_ref: DecisionRef,
        /// First day of the notice.
        notice_start: NaiveDate,
        /// Last day of the notice (from the working-day calendar).
        notice_end: NaiveDate,
    },
    /// Qualified: enters the district waitlist.
    Qualified {
        /// Categories from the decision.
        categories: Vec<NonEmptyText>,
        /// Allotment tier (001 art. 16); None under a policy without
        /// tiers (Loudi).
        tier: Option<NonZeroU8>,
        /// Where the family may buy.
        scope: Scope,
        /// Qualification date.
        qualified_on: NaiveDate,
        /// Place in the district waitlist: assigned by the store, never by
        /// an event (see [`Application::set_waitlist_place`]).
        place: Option<u32>,
    },
    /// Rejected, with cited reasons.
    Rejected {
        /// Why.
        reasons: Reasons,
        /// At which stage.
        stage: RejectionStage,
    },
    /// The family asked for a review (复核) of a rejection.
    ReviewRequested {
        /// The family's grounds.
        reasons: NonEmptyText,
        /// The rejection under review.
        rejection: Rejection,
    },
    /// Withdrawn by the family.
    Withdrawn,
}

/// [`Status`] without its data: for labels, lists and indexes.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // one per Status variant
pub enum StatusKind {
    Submitted,
    ReturnedForCorrection,
    UnderVerification,
    Verified,
    Decided,
    OnNotice,
    Qualified,
    Rejected,
    ReviewRequested,
    Withdrawn,
}

impl StatusKind {
    /// Every status.
    pub const ALL: [StatusKind; 10] = [
        StatusKind::Submitted,
        StatusKind::ReturnedForCorrection,
        StatusKind::UnderVerification,
        StatusKind::Verified,
        StatusKind::Decided,
        StatusKind::OnNotice,
        StatusKind::Qualified,
        StatusKind::Rejected,
        StatusKind::ReviewRequested,
        StatusKind::Withdrawn,
    ];

    /// Chinese label, as shown to the family.
    pub fn label_zh(self) -> &'static str {
        match self {
            StatusKind::Submitted => "已提交，待街道初审",
            StatusKind::ReturnedForCorrection => "退回补正",
            StatusKind::UnderVerification => "部门核验中",
            StatusKind::Verified => "核验完成，待资格判定",
            StatusKind::Decided => "资格审核通过，待公示",
            StatusKind::OnNotice => "公示中",
            StatusKind::Qualified => "已取得配售资格",
            StatusKind::Rejected => "审核未通过",
            StatusKind::ReviewRequested => "复核中",
            StatusKind::Withdrawn => "已撤回",
        }
    }

    /// English name, in words (English pages and messages).
    pub fn label_en(self) -> &'static str {
        match self {
            StatusKind::Submitted => "submitted",
            StatusKind::ReturnedForCorrection => "returned for correction",
            StatusKind::UnderVerification => "under verification",
            StatusKind::Verified => "verified",
            StatusKind::Decided => "decided",
            StatusKind::OnNotice => "on public notice",
            StatusKind::Qualified => "qualified",
            StatusKind::Rejected => "rejected",
            StatusKind::ReviewRequested => "under review",
            StatusKind::Withdrawn => "withdrawn",
        }
    }

    /// Whether an application in this state holds the family's place for
    /// duplicate checks: everything but rejected and withdrawn. Callers
    /// should also run the duplicate check before a review request, since
    /// the family may have applied again while rejected.
    pub fn is_active(self) -> bool {
        !matches!(self, StatusKind::Rejected | StatusKind::Withdrawn)
    }

    /// Whether `action` can ever be taken in this state. The full check
    /// (dates, objections, departments) is [`apply`]'s.
    pub fn allows(self, action: ActionKind) -> bool {
        use ActionKind as A;
        use StatusKind as S;
        match self {
            S::Submitted => matches!(
                action,
                A::StreetPass | A::StreetReturn | A::StreetReject | A::Withdraw
            ),
            S::ReturnedForCorrection => matches!(action, A::Resubmit | A::Withdraw),
            S::UnderVerification => matches!(action, A::DepartmentConfirm | A::Withdraw),
            S::Verified => matches!(action, A::RecordDecision | A::Withdraw),
            S::Decided => matches!(action, A::RecordDecision | A::StartNotice | A::Withdraw),
            S::OnNotice => matches!(
                action,
                A::RecordObjection | A::ResolveObjection | A::Qualify | A::Withdraw
            ),
            S::Rejected => matches!(action, A::RequestReview),
            S::ReviewRequested => matches!(action, A::DecideReview | A::Withdraw),
            S::Qualified | S::Withdrawn => false,
        }
    }
}

impl fmt::Display for StatusKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

impl Status {
    /// The variant.
    pub fn kind(&self) -> StatusKind {
        match self {
            Status::Submitted => StatusKind::Submitted,
            Status::ReturnedForCorrection { .. } => StatusKind::ReturnedForCorrection,
            Status::UnderVerification { .. } => StatusKind::UnderVerification,
            Status::Verified => StatusKind::Verified,
            Status::Decided { .. } => StatusKind::Decided,
            Status::OnNotice { .. } => StatusKind::OnNotice,
            Status::Qualified { .. } => StatusKind::Qualified,
            Status::Rejected { .. } => StatusKind::Rejected,
            Status::ReviewRequested { .. } => StatusKind::ReviewRequested,
            Status::Withdrawn => StatusKind::Withdrawn,
        }
    }
}

/// Something done to an application.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Action {
    /// Submit (only as the first event; see [`submit`]).
    Submit(Submission),
    /// Street: initial review passed.
    StreetPass,
    /// Street: return to the family for correction.
    StreetReturn {
        /// What to correct.
        reason: NonEmptyText,
    },
    /// Street: reject at initial review.
    StreetReject {
        /// Why, with citations.
        reasons: Reasons,
    },
    /// The family (or the counter) resubmits after correction.
    Resubmit,
    /// A department confirms its facts, correcting those it owns.
    DepartmentConfirm {
        /// The department.
        department: Department,
        /// Corrections of fields the department owns.
        #[serde(default)]
        corrections: Vec<FactCorrection>,
    },
    /// The district bureau records the policy engine's decision.
    RecordDecision(DecisionRecord),
    /// The district bureau starts the public notice.
    StartNotice {
        /// First day.
        start: NaiveDate,
        /// Last day, computed by the caller from the working-day calendar.
        end: NaiveDate,
    },
    /// An objection received during the notice.
    RecordObjection {
        /// The objection as received.
        text: NonEmptyText,
    },
    /// The district bureau resolves an objection.
    ResolveObjection {
        /// Which.
        id: ObjectionId,
        /// Whether the objection is upheld (the family then fails).
        upheld: bool,
        /// The finding.
        note: NonEmptyText,
        /// The article the family fails; required when upheld.
        #[serde(default)]
        citation: Option<Citation>,
    },
    /// The district bureau confirms the qualification after the notice.
    Qualify,
    /// The family asks for a review of a rejection (复核).
    RequestReview {
        /// The family's grounds.
        reasons: NonEmptyText,
    },
    /// The district bureau decides the review.
    DecideReview {
        /// Reverse the rejection (back to verification / the engine).
        reverse: bool,
        /// The finding.
        note: NonEmptyText,
    },
    /// The family withdraws (or the community clerk at the counter, for a
    /// paper application, on the family's written request; see
    /// [`crate::permissions::may_withdraw`]).
    Withdraw {
        /// Why. Required of every new withdrawal (the service refuses one
        /// without); optional here only because events recorded before the
        /// reason was asked for carry none.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        reason: Option<NonEmptyText>,
    },
}

/// [`Action`] without its data.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[allow(missing_docs)] // one per Action variant
pub enum ActionKind {
    Submit,
    StreetPass,
    StreetReturn,
    StreetReject,
    Resubmit,
    DepartmentConfirm,
    RecordDecision,
    StartNotice,
    RecordObjection,
    ResolveObjection,
    Qualify,
    RequestReview,
    DecideReview,
    Withdraw,
}

impl ActionKind {
    /// Every action.
    pub const ALL: [ActionKind; 14] = [
        ActionKind::Submit,
        ActionKind::StreetPass,
        ActionKind::StreetReturn,
        ActionKind::StreetReject,
        ActionKind::Resubmit,
        ActionKind::DepartmentConfirm,
        ActionKind::RecordDecision,
        ActionKind::StartNotice,
        ActionKind::RecordObjection,
        ActionKind::ResolveObjection,
        ActionKind::Qualify,
        ActionKind::RequestReview,
        ActionKind::DecideReview,
        ActionKind::Withdraw,
    ];

    /// Chinese label, as on a button.
    pub fn label_zh(self) -> &'static str {
        match self {
            ActionKind::Submit => "提交申请",
            ActionKind::StreetPass => "街道初审通过",
            ActionKind::StreetReturn => "退回补正",
            ActionKind::StreetReject => "街道初审不通过",
            ActionKind::Resubmit => "补正后重新提交",
            ActionKind::DepartmentConfirm => "部门核验确认",
            ActionKind::RecordDecision => "记录资格判定",
            ActionKind::StartNotice => "开始公示",
            ActionKind::RecordObjection => "登记异议",
            ActionKind::ResolveObjection => "处理异议",
            ActionKind::Qualify => "确认取得配售资格",
            ActionKind::RequestReview => "申请复核",
            ActionKind::DecideReview => "作出复核决定",
            ActionKind::Withdraw => "撤回申请",
        }
    }

    /// English name, in words (English pages and messages).
    pub fn label_en(self) -> &'static str {
        match self {
            ActionKind::Submit => "submit",
            ActionKind::StreetPass => "pass the initial review",
            ActionKind::StreetReturn => "return for correction",
            ActionKind::StreetReject => "reject at initial review",
            ActionKind::Resubmit => "resubmit",
            ActionKind::DepartmentConfirm => "confirm verification",
            ActionKind::RecordDecision => "record the decision",
            ActionKind::StartNotice => "start the public notice",
            ActionKind::RecordObjection => "record an objection",
            ActionKind::ResolveObjection => "resolve an objection",
            ActionKind::Qualify => "confirm the qualification",
            ActionKind::RequestReview => "request a review",
            ActionKind::DecideReview => "decide the review",
            ActionKind::Withdraw => "withdraw",
        }
    }

    /// Stable code (`street_pass`, …), as serialised; audit actions are
    /// `application.<code>`.
    pub fn code(self) -> &'static str {
        match self {
            ActionKind::Submit => "submit",
            ActionKind::StreetPass => "street_pass",
            ActionKind::StreetReturn => "street_return",
            ActionKind::StreetReject => "street_reject",
            ActionKind::Resubmit => "resubmit",
            ActionKind::DepartmentConfirm => "department_confirm",
            ActionKind::RecordDecision => "record_decision",
            ActionKind::StartNotice => "start_notice",
            ActionKind::RecordObjection => "record_objection",
            ActionKind::ResolveObjection => "resolve_objection",
            ActionKind::Qualify => "qualify",
            ActionKind::RequestReview => "request_review",
            ActionKind::DecideReview => "decide_review",
            ActionKind::Withdraw => "withdraw",
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_zh())
    }
}

impl Action {
    /// The variant.
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::Submit(_) => ActionKind::Submit,
            Action::StreetPass => ActionKind::StreetPass,
            Action::StreetReturn { .. } => ActionKind::StreetReturn,
            Action::StreetReject { .. } => ActionKind::StreetReject,
            Action::Resubmit => ActionKind::Resubmit,
            Action::DepartmentConfirm { .. } => ActionKind::DepartmentConfirm,
            Action::RecordDecision(_) => ActionKind::RecordDecision,
            Action::StartNotice { .. } => ActionKind::StartNotice,
            Action::RecordObjection { .. } => ActionKind::RecordObjection,
            Action::ResolveObjection { .. } => ActionKind::ResolveObjection,
            Action::Qualify => ActionKind::Qualify,
            Action::RequestReview { .. } => ActionKind::RequestReview,
            Action::DecideReview { .. } => ActionKind::DecideReview,
            Action::Withdraw { .. } => ActionKind::Withdraw,
        }
    }
}

/// One thing that happened to an application: who (account, role,
/// district), when, what, and the resulting state. Stored as JSON.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// The application.
    pub application_id: ApplicationId,
    /// Position in the application's history, from 1.
    pub seq: u64,
    /// When.
    pub at: Timestamp,
    /// Who, with role and district.
    pub actor: Actor,
    /// What.
    pub action: Action,
    /// The state it led to; checked again when folding.
    pub status_after: StatusKind,
}

impl Event {
    /// Audit action name: `application.street_pass`.
    pub fn audit_action(&self) -> String {
        format!("application.{}", self.action.kind().code())
    }

    /// Audit subject: `application:<id>`.
    pub fn audit_subject(&self) -> String {
        format!("application:{}", self.application_id)
    }
}

/// One department's confirmation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verification {
    /// The department.
    pub department: Department,
    /// The verifier's account.
    pub by: UserId,
    /// When.
    pub at: Timestamp,
    /// What it corrected.
    pub corrections: Vec<FactCorrection>,
}

/// A decision as recorded on the application.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecordedDecision {
    /// Its reference.
    pub decision_ref: DecisionRef,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// By whom.
    pub recorded_by: UserId,
    /// The engine's decision, with explanation and policy digest.
    pub decision: DecisionRecord,
}

/// How an objection was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObjectionResolution {
    /// Whether it was upheld.
    pub upheld: bool,
    /// The finding.
    pub note: NonEmptyText,
    /// The article the family fails, when upheld.
    pub citation: Option<Citation>,
    /// When.
    pub at: Timestamp,
    /// By whom.
    pub by: UserId,
}

/// An objection received during a public notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Objection {
    /// Its number.
    pub id: ObjectionId,
    /// The notice (decision) it objects to.
    pub notice: DecisionRef,
    /// As received.
    pub text: NonEmptyText,
    /// When it was recorded.
    pub recorded_at: Timestamp,
    /// Who recorded it.
    pub recorded_by: UserId,
    /// How it was resolved, once it is.
    pub resolved: Option<ObjectionResolution>,
}

/// An application: its events folded.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Application {
    id: ApplicationId,
    district: DistrictCode,
    household_id: HouseholdId,
    owner: Option<UserId>,
    channel: Channel,
    submission: Submission,
    submitted_at: Timestamp,
    updated_at: Timestamp,
    version: u64,
    status: Status,
    verifications: Vec<Verification>,
    decisions: Vec<RecordedDecision>,
    objections: Vec<Objection>,
}

/// Why an action cannot be taken.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TransitionError {
    /// The action is never possible in the current state.
    #[error("当前状态“{}”不能执行“{}” (cannot {} while {})", .state.label_zh(), .action.label_zh(), .action.label_en(), .state.label_en())]
    IllegalTransition {
        /// The current state.
        state: StatusKind,
        /// The action refused.
        action: ActionKind,
    },
    /// The actor may not take the action on this application.
    #[error(transparent)]
    Forbidden(#[from] Forbidden),
    /// Article 13 materials or commitments missing.
    #[error("申请材料不全，缺少：{} (materials incomplete, missing: {})", join_zh(.missing), join_en(.missing))]
    IncompleteMaterials {
        /// What is missing.
        missing: Vec<Material>,
    },
    /// The action is dated before the application's last event.
    #[error("操作时间 {at} 早于上一次操作时间 {last} (timestamp {at} is before the previous event at {last})")]
    ClockWentBackwards {
        /// The last event's time.
        last: Timestamp,
        /// The time given.
        at: Timestamp,
    },
    /// The department has already confirmed.
    #[error("{}已确认核验，不能重复确认 ({} has already confirmed)", .department.label_zh(), .department.label_en())]
    AlreadyConfirmed {
        /// The department.
        department: Department,
    },
    /// A correction of a field another department (or none) owns.
    #[error("{}无权更正字段 {path}：{} ({} may not correct {path}: {})", .department.label_zh(), owner_zh(.path), .department.label_en(), owner_en(.path))]
    FieldNotOwned {
        /// The department correcting.
        department: Department,
        /// The field.
        path: FactPath,
    },
    /// The same field corrected twice in one confirmation.
    #[error(
        "字段 {path} 在同一次核验中被更正了两次 ({path} is corrected twice in one confirmation)"
    )]
    DuplicateCorrection {
        /// The field.
        path: FactPath,
    },
    /// A decision dated after today.
    #[error("判定基准日 {as_of} 晚于今天 {today} (decision as of {as_of} is after today {today})")]
    DecisionInFuture {
        /// The decision's date.
        as_of: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// Notice end before its start.
    #[error("公示结束日 {end} 早于开始日 {start} (notice ends {end} before it starts {start})")]
    NoticeEndsBeforeStart {
        /// First day.
        start: NaiveDate,
        /// Last day.
        end: NaiveDate,
    },
    /// Notice start before today.
    #[error(
        "公示开始日 {start} 早于今天 {today} (a notice cannot start {start}, before today {today})"
    )]
    NoticeStartsInPast {
        /// First day.
        start: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// Fewer than five calendar days cannot hold five working days.
    #[error("公示期不少于5个工作日，{start}至{end}容纳不下 (a notice of at least 5 working days does not fit in {start} to {end})")]
    NoticeTooShort {
        /// First day.
        start: NaiveDate,
        /// Last day.
        end: NaiveDate,
    },
    /// Qualify before the notice is over.
    #[error("公示期至{notice_end}结束，{today}尚不能确认配售资格 (the notice runs until {notice_end}; cannot qualify on {today})")]
    NoticeNotOver {
        /// Last day of the notice.
        notice_end: NaiveDate,
        /// Today.
        today: NaiveDate,
    },
    /// Qualify with objections still open.
    #[error("公示期间的异议尚未处理完毕：第{}号 (objections not yet resolved: {})", join_ids(.ids, "、"), join_ids(.ids, ", "))]
    UnresolvedObjections {
        /// The open objections.
        ids: Vec<ObjectionId>,
    },
    /// No such objection in the current notice.
    #[error("本次公示没有第{id}号异议 (no objection {id} in this notice)")]
    UnknownObjection {
        /// The id given.
        id: ObjectionId,
    },
    /// The objection was resolved before.
    #[error("第{id}号异议已处理 (objection {id} is already resolved)")]
    ObjectionAlreadyResolved {
        /// The objection.
        id: ObjectionId,
    },
    /// An upheld objection without the article the family fails.
    #[error("认定第{id}号异议成立时，须注明申请家庭不符合的条款 (upholding objection {id} requires citing the article the family fails)")]
    CitationRequired {
        /// The objection.
        id: ObjectionId,
    },
    /// A second review of the same rejection.
    #[error(
        "复核已维持不予通过的决定，不能再次申请复核 (a review has already upheld this rejection)"
    )]
    ReviewAlreadyDecided,
    /// The application's own records disagree (a bug or a damaged store).
    #[error("申请记录不一致：{what} (application record is inconsistent: {what})")]
    Corrupt {
        /// What disagrees.
        what: &'static str,
    },
}

fn owner_zh(path: &FactPath) -> String {
    match path.owner() {
        Some(d) => format!("该字段由{}核验", d.label_zh()),
        None => "该字段不由核验部门更正".to_owned(),
    }
}

fn owner_en(path: &FactPath) -> String {
    match path.owner() {
        Some(d) => format!("it is verified by {}", d.label_en()),
        None => "no verifying department corrects it".to_owned(),
    }
}

fn join_ids(ids: &[ObjectionId], sep: &str) -> String {
    ids.iter()
        .map(ObjectionId::to_string)
        .collect::<Vec<_>>()
        .join(sep)
}

/// Why a stored history does not fold into an application.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FoldError {
    /// No events at all.
    #[error("没有任何事件 (no events)")]
    NoEvents,
    /// The first event is not a submission.
    #[error("第一个事件必须是提交申请 (the first event must be Submit)")]
    FirstEventNotSubmit,
    /// An event of another application.
    #[error("事件属于申请 {found}，而不是 {expected} (event belongs to application {found}, not {expected})")]
    WrongApplication {
        /// This application.
        expected: ApplicationId,
        /// The event's.
        found: ApplicationId,
    },
    /// An event out of sequence (missing, repeated or reordered).
    #[error("事件序号应为{expected}，实际为{found} (expected event {expected}, found {found})")]
    OutOfSequence {
        /// The next number.
        expected: u64,
        /// The event's.
        found: u64,
    },
    /// The event's action is not valid in the state folded so far.
    #[error("第{seq}个事件无效：{source}")]
    Invalid {
        /// The event.
        seq: u64,
        /// Why.
        source: TransitionError,
    },
    /// The event's recorded state differs from the state the fold reaches.
    #[error("第{seq}个事件记录的状态“{}”与重放得到的“{}”不符 (event {seq} records {} but replay gives {})", .recorded.label_zh(), .computed.label_zh(), .recorded.label_en(), .computed.label_en())]
    StatusMismatch {
        /// The event.
        seq: u64,
        /// As recorded.
        recorded: StatusKind,
        /// As folded.
        computed: StatusKind,
    },
}

/// A waitlist place given to an application that is not qualified.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("只有已取得配售资格的申请才有轮候序号，当前状态为“{}” (only a qualified application has a waitlist place; this one is {})", .0.label_zh(), .0.label_en())]
pub struct NotQualified(pub StatusKind);

/// Makes the first event of a new application.
///
/// The family submits online for itself; a community clerk submits at the
/// counter for a family of the clerk's district. `cleared` proves the
/// duplicate and ban checks passed ([`crate::screen_submission`]). Every
/// article 13 item and both commitments must be present; the error lists
/// what is missing.
pub fn submit(
    id: ApplicationId,
    submission: Submission,
    cleared: Cleared,
    actor: &Actor,
    at: Timestamp,
) -> Result<Event, TransitionError> {
    let _ = cleared;
    permissions::may_submit(
        actor,
        &submission.district,
        submission.applicant_account.as_ref(),
    )?;
    let missing = submission.missing();
    if !missing.is_empty() {
        return Err(TransitionError::IncompleteMaterials { missing });
    }
    Ok(Event {
        application_id: id,
        seq: 1,
        at,
        actor: actor.clone(),
        action: Action::Submit(submission),
        status_after: StatusKind::Submitted,
    })
}

/// Checks `action` by `actor` at `at` against the application and returns
/// the event to store. Refusals say why: [`TransitionError::Forbidden`]
/// (wrong role, district, owner or department; checked first, so an
/// outsider learns nothing about the state), [`TransitionError::IllegalTransition`]
/// (never possible in this state), or a specific rule.
pub fn apply(
    app: &Application,
    action: &Action,
    actor: &Actor,
    at: Timestamp,
) -> Result<Event, TransitionError> {
    permissions::permit(actor, app, action)?;
    let next = app.step(action, actor, at)?;
    Ok(Event {
        application_id: app.id.clone(),
        seq: next.version,
        at,
        actor: actor.clone(),
        action: action.clone(),
        status_after: next.status.kind(),
    })
}

impl Application {
    /// Starts an application from its first (Submit) event.
    pub fn open(event: &Event) -> Result<Application, FoldError> {
        let Action::Submit(submission) = &event.action else {
            return Err(FoldError::FirstEventNotSubmit);
        };
        if event.seq != 1 {
            return Err(FoldError::OutOfSequence {
                expected: 1,
                found: event.seq,
            });
        }
        let missing = submission.missing();
        if !missing.is_empty() {
            return Err(FoldError::Invalid {
                seq: 1,
                source: TransitionError::IncompleteMaterials { missing },
            });
        }
        if event.status_after != StatusKind::Submitted {
            return Err(FoldError::StatusMismatch {
                seq: 1,
                recorded: event.status_after,
                computed: StatusKind::Submitted,
            });
        }
        let (owner, channel) = match event.actor.role() {
            Role::Applicant => (Some(event.actor.user_id().clone()), Channel::Online),
            _ => (submission.applicant_account.clone(), Channel::Counter),
        };
        Ok(Application {
            id: event.application_id.clone(),
            district: submission.district,
            household_id: submission.household_id.clone(),
            owner,
            channel,
            submission: submission.clone(),
            submitted_at: event.at,
            updated_at: event.at,
            version: 1,
            status: Status::Submitted,
            verifications: Vec::new(),
            decisions: Vec::new(),
            objections: Vec::new(),
        })
    }

    /// Folds one more event in. Checks that it belongs here, comes next, is
    /// not dated earlier than the last, is valid in the current state, and
    /// leads to the state it records. Permissions are not re-checked: they
    /// held when the action was taken, and may have changed since.
    pub fn with(&self, event: &Event) -> Result<Application, FoldError> {
        if event.application_id != self.id {
            return Err(FoldError::WrongApplication {
                expected: self.id.clone(),
                found: event.application_id.clone(),
            });
        }
        if event.seq != self.version + 1 {
            return Err(FoldError::OutOfSequence {
                expected: self.version + 1,
                found: event.seq,
            });
        }
        let next = self
            .step(&event.action, &event.actor, event.at)
            .map_err(|source| FoldError::Invalid {
                seq: event.seq,
                source,
            })?;
        let mut next = next;
        // Histories written before an upheld objection rejected at once
        // recorded it as leaving the notice running (the rejection came at
        // qualification): their recorded state stands, so they still fold.
        if event.status_after == StatusKind::OnNotice
            && next.status.kind() == StatusKind::Rejected
            && matches!(event.action, Action::ResolveObjection { upheld: true, .. })
        {
            next.status = self.status.clone();
        }
        let computed = next.status.kind();
        if computed != event.status_after {
            return Err(FoldError::StatusMismatch {
                seq: event.seq,
                recorded: event.status_after,
                computed,
            });
        }
        Ok(next)
    }

    /// Folds a whole history, first event first.
    pub fn replay<I>(events: I) -> Result<Application, FoldError>
    where
        I: IntoIterator,
        I::Item: Borrow<Event>,
    {
        let mut events = events.into_iter();
        let first = events.next().ok_or(FoldError::NoEvents)?;
        let mut app = Application::open(first.borrow())?;
        for event in events {
            app = app.with(event.borrow())?;
        }
        Ok(app)
    }

    /// The state rules, shared by [`apply`] and [`Application::with`].
    fn step(
        &self,
        action: &Action,
        actor: &Actor,
        at: Timestamp,
    ) -> Result<Application, TransitionError> {
        let state = self.status.kind();
        let kind = action.kind();
        if !state.allows(kind) {
            return Err(TransitionError::IllegalTransition {
                state,
                action: kind,
            });
        }
        if at < self.updated_at {
            return Err(TransitionError::ClockWentBackwards {
                last: self.updated_at,
                at,
            });
        }
        let seq = self.version + 1;
        let today = at.date();
        let by = actor.user_id().clone();
        let mut next = self.clone();
        next.version = seq;
        next.updated_at = at;
        next.status = match (&self.status, action) {
            (Status::Submitted, Action::StreetPass) => Status::UnderVerification {
                confirmed: BTreeSet::new(),
            },
            (Status::Submitted, Action::StreetReturn { reason }) => Status::ReturnedForCorrection {
                reason: reason.clone(),
            },
            (Status::Submitted, Action::StreetReject { reasons }) => Status::Rejected {
                reasons: reasons.clone(),
                stage: RejectionStage::InitialReview,
            },
            (Status::ReturnedForCorrection { .. }, Action::Resubmit) => Status::Submitted,
            (
                Status::UnderVerification { confirmed },
                Action::DepartmentConfirm {
                    department,
                    corrections,
                },
            ) => {
                if confirmed.contains(department) {
                    return Err(TransitionError::AlreadyConfirmed {
                        department: *department,
                    });
                }
                let mut seen = BTreeSet::new();
                for c in corrections {
                    if c.path().owner() != Some(*department) {
                        return Err(TransitionError::FieldNotOwned {
                            department: *department,
                            path: *c.path(),
                        });
                    }
                    if !seen.insert(*c.path()) {
                        return Err(TransitionError::DuplicateCorrection { path: *c.path() });
                    }
                }
                next.verifications.push(Verification {
                    department: *department,
                    by,
                    at,
                    corrections: corrections.clone(),
                });
                let mut confirmed = confirmed.clone();
                confirmed.insert(*department);
                if Department::ALL.iter().all(|d| confirmed.contains(d)) {
                    Status::Verified
                } else {
                    Status::UnderVerification { confirmed }
                }
            }
            (Status::Verified | Status::Decided { .. }, Action::RecordDecision(decision)) => {
                let as_of = decision.parts().as_of;
                if as_of > today {
                    return Err(TransitionError::DecisionInFuture { as_of, today });
                }
                let decision_ref = DecisionRef(seq);
                next.decisions.push(RecordedDecision {
                    decision_ref,
                    recorded_at: at,
                    recorded_by: by,
                    decision: decision.clone(),
                });
                match decision.failed_reasons() {
                    Some(reasons) => Status::Rejected {
                        reasons,
                        stage: RejectionStage::Decision,
                    },
                    None if decision.eligible() => Status::Decided { decision_ref },
                    // DecisionRecord guarantees an ineligible decision has
                    // a failed reason; never reached.
                    None => {
                        return Err(TransitionError::Corrupt {
                            what: "ineligible decision without failed reasons",
                        })
                    }
                }
            }
            (Status::Decided { decision_ref }, Action::StartNotice { start, end }) => {
                let (start, end) = (*start, *end);
                if end < start {
                    return Err(TransitionError::NoticeEndsBeforeStart { start, end });
                }
                if start < today {
                    return Err(TransitionError::NoticeStartsInPast { start, today });
                }
                // Five working days span at least five calendar days; the
                // caller computes the real end from the holiday calendar.
                if end.signed_duration_since(start).num_days() < 4 {
                    return Err(TransitionError::NoticeTooShort { start, end });
                }
                Status::OnNotice {
                    decision_ref: *decision_ref,
                    notice_start: start,
                    notice_end: end,
                }
            }
            (Status::OnNotice { decision_ref, .. }, Action::RecordObjection { text }) => {
                let id = ObjectionId(u32::try_from(self.objections.len() + 1).map_err(|_| {
                    TransitionError::Corrupt {
                        what: "too many objections",
                    }
                })?);
                next.objections.push(Objection {
                    id,
                    notice: *decision_ref,
                    text: text.clone(),
                    recorded_at: at,
                    recorded_by: by,
                    resolved: None,
                });
                self.status.clone()
            }
            (
                Status::OnNotice { decision_ref, .. },
                Action::ResolveObjection {
                    id,
                    upheld,
                    note,
                    citation,
                },
            ) => {
                let objection = next
                    .objections
                    .iter_mut()
                    .find(|o| o.id == *id && o.notice == *decision_ref)
                    .ok_or(TransitionError::UnknownObjection { id: *id })?;
                if objection.resolved.is_some() {
                    return Err(TransitionError::ObjectionAlreadyResolved { id: *id });
                }
                if *upheld && citation.is_none() {
                    return Err(TransitionError::CitationRequired { id: *id });
                }
                let resolution = ObjectionResolution {
                    upheld: *upheld,
                    note: note.clone(),
                    citation: citation.clone(),
                    at,
                    by,
                };
                // An objection found true ends the notice at once: the
                // family does not qualify (article 14: 公示无异议后，取得
                // 配售资格), with the objection as the reason, and may ask
                // for a review like any rejected family. Nothing is left
                // on offer that would pretend otherwise.
                let status = if *upheld {
                    Status::Rejected {
                        reasons: Reasons::new(vec![upheld_reason(&resolution)?]).map_err(|_| {
                            TransitionError::Corrupt {
                                what: "an upheld objection without a reason",
                            }
                        })?,
                        stage: RejectionStage::Notice,
                    }
                } else {
                    self.status.clone()
                };
                objection.resolved = Some(resolution);
                status
            }
            (
                Status::OnNotice {
                    decision_ref,
                    notice_end,
                    ..
                },
                Action::Qualify,
            ) => {
                if today <= *notice_end {
                    return Err(TransitionError::NoticeNotOver {
                        notice_end: *notice_end,
                        today,
                    });
                }
                let on_notice = self.objections.iter().filter(|o| o.notice == *decision_ref);
                let open: Vec<ObjectionId> = on_notice
                    .clone()
                    .filter(|o| o.resolved.is_none())
                    .map(|o| o.id)
                    .collect();
                if !open.is_empty() {
                    return Err(TransitionError::UnresolvedObjections { ids: open });
                }
                // Only histories written before upheld objections rejected
                // at once still reach here with one (see `with`).
                let upheld = on_notice
                    .filter_map(|o| o.resolved.as_ref())
                    .filter(|r| r.upheld)
                    .map(upheld_reason)
                    .collect::<Result<Vec<CitedReason>, TransitionError>>()?;
                if let Ok(reasons) = Reasons::new(upheld) {
                    Status::Rejected {
                        reasons,
                        stage: RejectionStage::Notice,
                    }
                } else {
                    let decision =
                        self.decision(*decision_ref)
                            .ok_or(TransitionError::Corrupt {
                                what: "the decision on notice is missing",
                            })?;
                    let (categories, tier, scope) =
                        decision
                            .decision
                            .qualification()
                            .ok_or(TransitionError::Corrupt {
                                what: "the decision on notice is not eligible",
                            })?;
                    Status::Qualified {
                        categories: categories.to_vec(),
                        tier,
                        scope,
                        qualified_on: today,
                        place: None,
                    }
                }
            }
            (Status::Rejected { reasons, stage }, Action::RequestReview { reasons: grounds }) => {
                if *stage == RejectionStage::Review {
                    return Err(TransitionError::ReviewAlreadyDecided);
                }
                Status::ReviewRequested {
                    reasons: grounds.clone(),
                    rejection: Rejection {
                        reasons: reasons.clone(),
                        stage: *stage,
                    },
                }
            }
            (Status::ReviewRequested { rejection, .. }, Action::DecideReview { reverse, .. }) => {
                if *reverse {
                    // Back to where the rejected step needs to be redone:
                    // the engine if every department has confirmed, else
                    // the departments still to confirm (a street rejection
                    // reversed goes through verification).
                    let confirmed: BTreeSet<Department> =
                        self.verifications.iter().map(|v| v.department).collect();
                    if Department::ALL.iter().all(|d| confirmed.contains(d)) {
                        Status::Verified
                    } else {
                        Status::UnderVerification { confirmed }
                    }
                } else {
                    Status::Rejected {
                        reasons: rejection.reasons.clone(),
                        stage: RejectionStage::Review,
                    }
                }
            }
            (_, Action::Withdraw { .. }) => Status::Withdrawn,
            _ => {
                return Err(TransitionError::IllegalTransition {
                    state,
                    action: kind,
                })
            }
        };
        Ok(next)
    }

    /// Application number.
    pub fn id(&self) -> &ApplicationId {
        &self.id
    }

    /// District applied in.
    pub fn district(&self) -> &DistrictCode {
        &self.district
    }

    /// The household's id.
    pub fn household_id(&self) -> &HouseholdId {
        &self.household_id
    }

    /// The family's account, if it has one: the only applicant account
    /// that may act on this application.
    pub fn owner(&self) -> Option<&UserId> {
        self.owner.as_ref()
    }

    /// Online or at the counter.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// What was submitted.
    pub fn submission(&self) -> &Submission {
        &self.submission
    }

    /// When it was submitted.
    pub fn submitted_at(&self) -> Timestamp {
        self.submitted_at
    }

    /// When the last event happened.
    pub fn updated_at(&self) -> Timestamp {
        self.updated_at
    }

    /// Number of events folded (the last event's `seq`).
    pub fn version(&self) -> u64 {
        self.version
    }

    /// The current state.
    pub fn status(&self) -> &Status {
        &self.status
    }

    /// Department confirmations, in order.
    pub fn verifications(&self) -> &[Verification] {
        &self.verifications
    }

    /// Every decision recorded, in order (a reversed review leads to a new
    /// one; the old ones stay on record).
    pub fn decisions(&self) -> &[RecordedDecision] {
        &self.decisions
    }

    /// One recorded decision.
    pub fn decision(&self, r: DecisionRef) -> Option<&RecordedDecision> {
        self.decisions.iter().find(|d| d.decision_ref == r)
    }

    /// Every objection, across notices.
    pub fn objections(&self) -> &[Objection] {
        &self.objections
    }

    /// Objections to the current notice not yet resolved.
    pub fn open_objections(&self) -> Vec<&Objection> {
        match &self.status {
            Status::OnNotice { decision_ref, .. } => self
                .objections
                .iter()
                .filter(|o| o.notice == *decision_ref && o.resolved.is_none())
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The household document with every department's corrections applied,
    /// in the order they were confirmed: what the engine should decide on.
    pub fn corrected_household(&self, household: &Value) -> Result<Value, FactError> {
        let mut out = household.clone();
        for c in self.verifications.iter().flat_map(|v| &v.corrections) {
            c.apply_to(&mut out)?;
        }
        Ok(out)
    }

    /// Sets the waitlist place the store assigned to a qualified
    /// application. Places are not events: the store keeps them and sets
    /// them after folding.
    pub fn set_waitlist_place(&mut self, place: u32) -> Result<(), NotQualified> {
        match &mut self.status {
            Status::Qualified { place: p, .. } => {
                *p = Some(place);
                Ok(())
            }
            other => Err(NotQualified(other.kind())),
        }
    }
}
