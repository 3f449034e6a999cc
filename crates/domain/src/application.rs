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

mod action;
mod errors;
mod status;

pub use action::{Action, ActionKind};
pub use errors::{FoldError, NotQualified, TransitionError};
pub use status::{Rejection, RejectionStage, Status, StatusKind};

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
