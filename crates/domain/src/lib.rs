//! anju's domain: the types and state machines the server, the store and
//! the command line share. Pure: no I/O, no database, no HTTP, no clock
//! (every function that needs "now" takes it as an argument).
//!
//! * [`district`]: [`DistrictCode`] and the Yangquan table.
//! * [`role`]: [`Role`], [`Department`], [`Actor`], [`can_see_district`].
//! * [`application`]: the application lifecycle of 001 articles 12–14 as an
//!   event-sourced state machine — [`submit`], [`apply`], [`Application::with`].
//! * [`permissions`]: who may take which action.
//! * [`facts`]: the household fields each department verifies and corrects.
//! * [`decision`]: citations and recorded engine decisions (the engine
//!   itself is `anju-policy`; this crate does not depend on it).
//! * [`materials`], [`screening`]: article 13 materials; duplicate and ban
//!   checks at submission.
//! * [`mask`]: masking names for lists and notices.
//! * [`audit`]: the hash-chained audit log.
//!
//! Every user-facing message is Chinese first with English in parentheses.
//!
//! ```
//! use anju_domain::*;
//!
//! let district = DistrictCode::parse("140302")?;
//! let family = Actor::new(UserId::new("family-1")?, Role::Applicant, None)?;
//! let street = Actor::new(UserId::new("street-1")?, Role::Street, Some(district))?;
//! let at = Timestamp::parse("2026-03-02T09:00:00+08:00")?;
//!
//! let submission = Submission {
//!     household_id: HouseholdId::new("h-1")?,
//!     district,
//!     applicant_account: None,
//!     materials: MaterialsChecklist {
//!         application_form: true, member_count: 2, identity_proofs: 2,
//!         hukou_or_residence_proof: true, marital_status: MaritalStatus::Married,
//!         marriage_proof: true, divorce_proof: false, income: true,
//!         social_insurance: true, property_query: true,
//!     },
//!     signed_commitment: true,
//!     consent_to_verification: true,
//! };
//! let cleared = screen_submission(&DuplicateCheck::Clear, None, at.date())?;
//! let first = submit(ApplicationId::new("A-1")?, submission, cleared, &family, at)?;
//! let app = Application::open(&first)?;
//!
//! // The family cannot pass its own initial review…
//! let err = apply(&app, &Action::StreetPass, &family, at).unwrap_err();
//! assert!(matches!(err, TransitionError::Forbidden(_)));
//! // …the street can.
//! let event = apply(&app, &Action::StreetPass, &street, at)?;
//! let app = app.with(&event)?;
//! assert_eq!(app.status().kind(), StatusKind::UnderVerification);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod application;
pub mod audit;
pub mod audit_actions;
pub mod checkpoint;
pub mod decision;
pub mod district;
pub mod facts;
pub mod mask;
pub mod material_files;
pub mod materials;
pub mod permissions;
pub mod preference;
pub mod role;
pub mod screening;
pub mod text;
pub mod throttle;
pub mod time;
pub mod timeline;

pub use application::{
    apply, submit, Action, ActionKind, Application, Channel, DecisionRef, Event, FoldError,
    NotQualified, Objection, ObjectionId, ObjectionResolution, RecordedDecision, Rejection,
    RejectionStage, Status, StatusKind, Submission, TransitionError, Verification,
};
pub use audit::{
    canonical_json, entry_hash, verify_chain, verify_chain_from, verify_chain_head, AuditEntry,
    ChainError, ChainHead, Hash32,
};
pub use decision::{
    ArticleRef, Citation, CitedReason, DecisionError, DecisionParts, DecisionReason,
    DecisionRecord, Obligation, PolicyDigest, Reasons, Scope,
};
pub use district::{District, DistrictCode, DistrictCodeError, YANGQUAN_DISTRICTS};
pub use facts::{FactCorrection, FactCorrectionParts, FactError, FactField, FactPath};
pub use mask::mask_name;
pub use materials::{MaritalStatus, Material, MaterialsChecklist};
pub use permissions::{
    available_actions, bulk_action, can_read, declaration_view, permit, role_may, DeclarationView,
    Forbidden,
};
pub use role::{
    can_see_district, Actor, ActorError, ActorParts, Department, DistrictScope, Role, RoleError,
};
pub use screening::{screen_submission, Ban, Cleared, DuplicateCheck, SubmissionRefused};
pub use text::{ApplicationId, HouseholdId, NonEmptyText, TextError, UserId};
pub use time::{Timestamp, TimestampError, SHANGHAI};
