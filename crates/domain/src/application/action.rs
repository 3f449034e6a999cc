//! What can be done to an application: the actions an event records.

use super::*;

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
