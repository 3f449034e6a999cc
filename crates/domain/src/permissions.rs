//! Who may take which action on which application.
//!
//! One function per action, each returning why not. [`crate::apply`] calls
//! [`permit`] before looking at the state, so an account outside the
//! application's district learns nothing about where it stands.
//!
//! | action | who |
//! |---|---|
//! | Submit | the family online (any district: hukou or residence place, 001 art. 12); community of the district at the counter |
//! | StreetPass / StreetReturn / StreetReject | street of the district (art. 4, 14) |
//! | Resubmit, RequestReview | the family (owner); community of the district at the counter |
//! | Withdraw | the family (owner); community of the district only for a paper (counter) application |
//! | DepartmentConfirm | a verifier of that department, city-level or of the district (art. 4, 14) |
//! | RecordDecision, StartNotice, ResolveObjection, Qualify, DecideReview | district bureau (art. 14) |
//! | RecordObjection | district bureau, street or community of the district (objections arrive at any of them) |
//!
//! The city bureau, the company and auditors take no step of an
//! application; auditors are read-only everywhere.
//!
//! Market regulation (destocking, land supply, parcels, developer projects,
//! pre-sale funds) is recorded by market regulators ([`market_may_write`])
//! and read by them, the city bureau and auditors ([`market_may_read`]).

use crate::application::{Action, ActionKind, Application, Channel, Status, StatusKind};
use crate::district::DistrictCode;
use crate::role::{can_see_district, Actor, Department, Role};
use crate::text::UserId;

/// Why an actor may not take an action.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Forbidden {
    /// The role never takes this action.
    #[error("“{}”无权执行“{}” (role {} may not {})", .role.label_zh(), .action.label_zh(), .role.label_en(), .action.label_en())]
    RoleNotAllowed {
        /// The actor's role.
        role: Role,
        /// The action.
        action: ActionKind,
    },
    /// The application is in another district.
    #[error("本账号只能处理{}的申请，不能处理{}的申请 (this account acts for district {}, not {})", .actor_district.describe_zh(), .district.describe_zh(), .actor_district.describe_en(), .district.describe_en())]
    OtherDistrict {
        /// The account's district.
        actor_district: DistrictCode,
        /// The application's district.
        district: DistrictCode,
    },
    /// An applicant acting on someone else's application.
    #[error("只有申请人本人可以“{}” (only the applicant who owns the application may {})", .action.label_zh(), .action.label_en())]
    NotOwner {
        /// The action.
        action: ActionKind,
    },
    /// A clerk withdrawing an application the family filed online itself.
    #[error("该申请由家庭本人在网上提交，只能由申请人本人撤回；社区只能为在窗口提交的纸质申请办理撤回 (the family filed this application online; only the family may withdraw it — the community withdraws only paper applications filed at its counter)")]
    FiledOnlineByFamily,
    /// A verifier confirming for another department.
    #[error("{}不能代替{}确认核验 ({} may not confirm for {})", .role.label_zh(), .department.label_zh(), .role.label_en(), .department.label_en())]
    OtherDepartment {
        /// The verifier's role.
        role: Role,
        /// The department named in the action.
        department: Department,
    },
}

/// District-scoped accounts act only in their district; city-level
/// verifiers (no district) act everywhere.
/// `district` is `None` when no application is at hand yet (see
/// [`role_may`]): only the role is checked then.
fn in_district(actor: &Actor, district: Option<&DistrictCode>) -> Result<(), Forbidden> {
    let Some(district) = district else {
        return Ok(());
    };
    match actor.district() {
        Some(own) if own != district => Err(Forbidden::OtherDistrict {
            actor_district: *own,
            district: *district,
        }),
        _ => Ok(()),
    }
}

fn owns(actor: &Actor, owner: Option<&UserId>, action: ActionKind) -> Result<(), Forbidden> {
    if owner == Some(actor.user_id()) {
        Ok(())
    } else {
        Err(Forbidden::NotOwner { action })
    }
}

fn role_not_allowed(actor: &Actor, action: ActionKind) -> Forbidden {
    Forbidden::RoleNotAllowed {
        role: actor.role(),
        action,
    }
}

/// The one table all per-action functions read. `department` is the one
/// named by a DepartmentConfirm.
fn check(
    actor: &Actor,
    district: Option<&DistrictCode>,
    owner: Option<&UserId>,
    action: ActionKind,
    department: Option<Department>,
) -> Result<(), Forbidden> {
    use ActionKind as A;
    match (actor.role(), action) {
        (Role::Applicant, A::Resubmit | A::RequestReview | A::Withdraw) => {
            owns(actor, owner, action)
        }
        (Role::Community, A::Resubmit | A::RequestReview | A::Withdraw | A::RecordObjection) => {
            in_district(actor, district)
        }
        (Role::Street, A::StreetPass | A::StreetReturn | A::StreetReject | A::RecordObjection) => {
            in_district(actor, district)
        }
        (Role::Verifier(own), A::DepartmentConfirm) => {
            if let Some(named) = department {
                if named != own {
                    return Err(Forbidden::OtherDepartment {
                        role: actor.role(),
                        department: named,
                    });
                }
            }
            in_district(actor, district)
        }
        (
            Role::DistrictBureau,
            A::RecordDecision
            | A::StartNotice
            | A::RecordObjection
            | A::ResolveObjection
            | A::Qualify
            | A::DecideReview,
        ) => in_district(actor, district),
        _ => Err(role_not_allowed(actor, action)),
    }
}

/// Submit: the family online for itself (in the district of its hukou or
/// residence), or a community clerk of the district at the counter.
/// `applicant_account` is the account the submission links; a family may
/// only link its own.
pub fn may_submit(
    actor: &Actor,
    district: &DistrictCode,
    applicant_account: Option<&UserId>,
) -> Result<(), Forbidden> {
    match actor.role() {
        Role::Applicant => match applicant_account {
            Some(account) if account != actor.user_id() => Err(Forbidden::NotOwner {
                action: ActionKind::Submit,
            }),
            _ => Ok(()),
        },
        Role::Community => in_district(actor, Some(district)),
        _ => Err(role_not_allowed(actor, ActionKind::Submit)),
    }
}

/// StreetPass, StreetReturn and StreetReject: the street of the district.
pub fn may_street_review(actor: &Actor, app: &Application) -> Result<(), Forbidden> {
    check(
        actor,
        Some(app.district()),
        app.owner(),
        ActionKind::StreetPass,
        None,
    )
}

/// Resubmit: the family, or the community at the counter.
pub fn may_resubmit(actor: &Actor, app: &Application) -> Result<(), Forbidden> {
    check(
        actor,
        Some(app.district()),
        app.owner(),
        ActionKind::Resubmit,
        None,
    )
}

/// DepartmentConfirm for `department`: its verifiers only.
pub fn may_confirm(
    actor: &Actor,
    app: &Application,
    department: Department,
) -> Result<(), Forbidden> {
    check(
        actor,
        Some(app.district()),
        app.owner(),
        ActionKind::DepartmentConfirm,
        Some(department),
    )
}

/// RecordDecision: the district bureau.
pub fn may_record_decision(actor: &Actor, app: &Application) -> Result<(), Forbidden> {
    check(
        actor,
        Some(app.district()),
        app.owner(),
        ActionKind::RecordDecision,
        None,
    )
}

/// StartNotice: the district bureau.
pub fn may_start_notice(actor: &Actor, app: &Application) -> Result<(), Forbidden> {
    check(
        actor,
        Some(app.district()),
        app.owner(),
        ActionKind::StartNotice,
        None,
    )
}

/// RecordObjection: district bureau, street or community of the district.
pub fn may_record_objection(actor: &Actor, app: &Application) -> Result<(), Forbidden> {
    check(
        actor,
        Some(app.district()),
        app.owner(),
        ActionKind::RecordObjection,
        None,
    )
}

/// ResolveObjection: the district bureau.
pub fn may_resolve_objection(actor: &Actor, app: &Application) -> Result<(), Forbidden> {
    check(
        actor,
        Some(app.district()),
        app.owner(),
        ActionKind::ResolveObjection,
        None,
    )
}

/// Qualify: the district bureau.
pub fn may_qualify(actor: &Actor, app: &Application) -> Result<(), Forbidden> {
    check(
        actor,
        Some(app.district()),
        app.owner(),
        ActionKind::Qualify,
        None,
    )
}

/// RequestReview: the family, or the community at the counter.
pub fn may_request_review(actor: &Actor, app: &Application) -> Result<(), Forbidden> {
    check(
        actor,
        Some(app.district()),
        app.owner(),
        ActionKind::RequestReview,
        None,
    )
}

/// DecideReview: the district bureau.
pub fn may_decide_review(actor: &Actor, app: &Application) -> Result<(), Forbidden> {
    check(
        actor,
        Some(app.district()),
        app.owner(),
        ActionKind::DecideReview,
        None,
    )
}

/// Withdraw: the family, or the community at the counter.
///
/// Interpretation (the documents do not say who may withdraw): applying is
/// the family's own choice (001 art. 12, 13: the family applies and signs
/// its declaration), so withdrawing is too. A family that applied online
/// withdraws online; the community clerk withdraws only a paper application
/// filed at the counter, on the family's written request, whose reason the
/// clerk records. A clerk never withdraws an online application: the family
/// did not come to the counter for it, and a withdrawal cannot be undone.
pub fn may_withdraw(actor: &Actor, app: &Application) -> Result<(), Forbidden> {
    check(
        actor,
        Some(app.district()),
        app.owner(),
        ActionKind::Withdraw,
        None,
    )?;
    if actor.role() == Role::Community && app.channel() == Channel::Online {
        return Err(Forbidden::FiledOnlineByFamily);
    }
    Ok(())
}

/// The permission check for a concrete action, as [`crate::apply`] runs it.
pub fn permit(actor: &Actor, app: &Application, action: &Action) -> Result<(), Forbidden> {
    match action {
        Action::Submit(s) => may_submit(actor, &s.district, s.applicant_account.as_ref()),
        Action::DepartmentConfirm { department, .. } => may_confirm(actor, app, *department),
        Action::Withdraw { .. } => may_withdraw(actor, app),
        other => check(actor, Some(app.district()), app.owner(), other.kind(), None),
    }
}

/// Whether the actor's role may take `action` at all, before anything else
/// of a request is read: the district, ownership and department are checked
/// with the application, by [`permit`]. Lets a handler refuse a role first,
/// whatever the rest of its request says.
pub fn role_may(actor: &Actor, action: ActionKind) -> Result<(), Forbidden> {
    match action {
        ActionKind::Submit => match actor.role() {
            Role::Applicant | Role::Community => Ok(()),
            _ => Err(role_not_allowed(actor, action)),
        },
        _ => check(actor, None, Some(actor.user_id()), action, None),
    }
}

/// The step `role` may take for a checked set of applications in `status`
/// at once (issue 12 feature 15), if any.
///
/// Interpretation (the documents name the steps — 001 art. 14: street
/// initial review, department verification, the bureau's notice — not how
/// many files a reviewer signs at a time): a batch is many
/// single decisions taken together, each still checked, recorded and
/// audited per family. Only a step that needs no reason of its own for
/// each family may be batched — the street's pass of complete files (art.
/// 14 初审), the district bureau running the engine on verified files, and
/// its starting the public notice (art. 14 公示, published as a list
/// anyway) and confirming qualification once a notice ended without
/// objection. A return, a rejection, an objection or a review always says
/// why for one family, so it is never offered in a batch; departments
/// already answer in bulk by file.
pub fn bulk_action(role: Role, status: StatusKind) -> Option<ActionKind> {
    match (role, status) {
        (Role::Street, StatusKind::Submitted) => Some(ActionKind::StreetPass),
        (Role::DistrictBureau, StatusKind::Verified) => Some(ActionKind::RecordDecision),
        (Role::DistrictBureau, StatusKind::Decided) => Some(ActionKind::StartNotice),
        (Role::DistrictBureau, StatusKind::OnNotice) => Some(ActionKind::Qualify),
        _ => None,
    }
}

/// How much of a family's declaration a reader sees (issue 12 defect 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclarationView {
    /// Every fact, names and ID numbers in full: the family itself, and the
    /// staff whose step is to review the whole application — the community
    /// that took it, the street that reviews it first and the district
    /// bureau that decides (001 art. 4, 13, 14).
    Full,
    /// Who the members are (names and ID numbers in full: a department
    /// looks them up in its own records) and the facts this department
    /// holds and confirms (001 art. 4), nothing else.
    Department(Department),
    /// Names and ID numbers masked, no facts: the city bureau supervises,
    /// the company sells to qualified families and auditors check the
    /// process — none of them assesses the declaration.
    Masked,
}

/// What of a readable application's declaration `actor` sees.
pub fn declaration_view(actor: &Actor) -> DeclarationView {
    match actor.role() {
        Role::Applicant | Role::Community | Role::Street | Role::DistrictBureau => {
            DeclarationView::Full
        }
        Role::Verifier(d) => DeclarationView::Department(d),
        _ => DeclarationView::Masked,
    }
}

/// Whether `actor` may read `app`: its owner, or staff who see its district.
pub fn can_read(actor: &Actor, app: &Application) -> bool {
    match actor.role() {
        Role::Applicant => app.owner() == Some(actor.user_id()),
        _ => can_see_district(actor, app.district()),
    }
}

/// The actions `actor` could take on `app` now, as far as role, district
/// and state tell (dates and objections are checked when it is taken): what
/// a page should offer as buttons.
pub fn available_actions(app: &Application, actor: &Actor) -> Vec<ActionKind> {
    let state = app.status().kind();
    ActionKind::ALL
        .into_iter()
        .filter(|&a| a != ActionKind::Submit && state.allows(a))
        .filter(|&a| {
            check(
                actor,
                Some(app.district()),
                app.owner(),
                a,
                actor.role().department(),
            )
            .is_ok()
        })
        .filter(|&a| match (a, app.status(), actor.role().department()) {
            // A department that has confirmed has nothing left to do.
            (ActionKind::DepartmentConfirm, Status::UnderVerification { confirmed }, Some(d)) => {
                !confirmed.contains(&d)
            }
            // Once decided, the next step is the notice: a second engine run
            // stays possible (through the API, before the notice) but is not
            // offered as if the decision were still to be taken.
            (ActionKind::RecordDecision, Status::Decided { .. }, _) => false,
            // Nothing to resolve until an objection is open.
            (ActionKind::ResolveObjection, _, _) => {
                app.objections().iter().any(|o| o.resolved.is_none())
            }
            // A clerk does not withdraw what the family filed online.
            (ActionKind::Withdraw, _, _) => may_withdraw(actor, app).is_ok(),
            _ => true,
        })
        .collect()
}

/// Who reads the market-regulation room: market regulators, the city
/// housing bureau (it supervises, PRODUCT: 市住建) and auditors (read-only).
pub fn market_may_read(role: Role) -> bool {
    matches!(
        role,
        Role::MarketRegulator | Role::CityBureau | Role::Auditor
    )
}

/// Who records in the market-regulation room: market regulators only (the
/// housing and natural resources bureaus' market staff, 002 一（一）, 六（四）).
pub fn market_may_write(role: Role) -> bool {
    role == Role::MarketRegulator
}
