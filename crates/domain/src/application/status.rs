//! Where an application stands: its state, and why and where it was
//! rejected.

use super::*;

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
