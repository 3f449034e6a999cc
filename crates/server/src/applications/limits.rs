//! What a family account may do online, and what it may learn about
//! resident IDs it does not own (issue 10 item 6). The interpretation:
//!
//! * **One active application per family account.** 阳政办发〔2026〕2号
//!   第十条: applications are made per family (以家庭为单位) and a family
//!   buys one home. An account is a family's, so while one of its
//!   applications is active (anything but rejected or withdrawn) it cannot
//!   file another; it may withdraw first. Community staff filing at the
//!   counter for families without accounts are not limited by account: the
//!   per-person duplicate check (one active application per resident ID)
//!   still applies to every member.
//! * **What a refused submission reveals.** Only that some member of the
//!   family is already in another active application: never which member,
//!   which application, district or state. With one active application per
//!   account, an account cannot file its way through other people's IDs
//!   (an ID that is not taken files the account's one application and then
//!   blocks that person), so what is left to probe is the refusal itself.
//!   Every such refusal is audited, and after [`MAX_DUPLICATE_REFUSALS`] in
//!   [`REFUSAL_WINDOW_DAYS`] days an account can no longer submit online:
//!   the family comes to the counter with the members' original IDs, where
//!   a person checks them (article 13).

use anju_domain::Role;
use anju_store::{AuditFilter, ListFilter};
use axum::http::StatusCode;
use serde_json::json;

use crate::web::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// Refusals for a member already in another application before an account
/// must go to the counter.
pub const MAX_DUPLICATE_REFUSALS: u64 = 3;
/// The window those refusals are counted over.
pub const REFUSAL_WINDOW_DAYS: i64 = 30;
/// What a family online is told when a member is in another active
/// application.
pub const DUPLICATE_FOR_FAMILY: &str = "家庭成员中有人的身份证号码已在其他有效申请中，请携带全体家庭成员身份证原件到所在社区（村）窗口核实 (a member's resident ID is already in another active application; please check at your community counter with every member's original ID)";
/// The audit action of such a refusal.
pub const DUPLICATE_REFUSED: &str = "submission.duplicate_refused";

/// Checked before anything about the household is looked at: a family
/// account with an active application, or one that has been refused too
/// often, submits nothing (and learns nothing).
pub async fn may_submit_online(st: &AppState, user: &CurrentUser) -> ApiResult<()> {
    if user.user.role != Role::Applicant {
        return Ok(());
    }
    if st.one_application_per_account {
        active_application(st, user).await?;
    }
    let refusals = st
        .store
        .audit()
        .audit_count(&AuditFilter {
            actor: Some(user.user.id.clone()),
            action: Some(DUPLICATE_REFUSED.to_owned()),
            from: Some(st.clock.today() - chrono::Duration::days(REFUSAL_WINDOW_DAYS)),
            ..AuditFilter::default()
        })
        .await?;
    if refusals >= MAX_DUPLICATE_REFUSALS {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "submit_at_counter",
            format!(
                "近{REFUSAL_WINDOW_DAYS}天内已有{MAX_DUPLICATE_REFUSALS}次提交因家庭成员已在其他有效申请中被拒，请携带全体家庭成员身份证原件到所在社区（村）窗口办理 (submissions from this account were refused {MAX_DUPLICATE_REFUSALS} times in {REFUSAL_WINDOW_DAYS} days because a member is in another active application; please apply at your community counter with every member's original ID)"
            ),
        ));
    }
    Ok(())
}

/// Refuses a family account that already has an active application.
async fn active_application(st: &AppState, user: &CurrentUser) -> ApiResult<()> {
    // A family's own applications: a handful at most (each one withdrawn
    // or rejected before the next), so one page holds them.
    let own = st
        .store
        .applications()
        .list_applications(&ListFilter {
            owner: Some(user.user.id.clone()),
            limit: 1000,
            ..ListFilter::default()
        })
        .await?;
    match own.iter().find(|a| a.status.is_active()) {
        Some(active) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "active_application_exists",
            format!(
                "您已有一份正在办理的申请 {id}：每个家庭只能申请一次（阳政办发〔2026〕2号 第十条）。如需重新申请，请先撤回该申请 (your family already has an application in progress, {id}; a family applies once — article 10; withdraw it first to apply again)",
                id = active.id.as_str()
            ),
        )),
        None => Ok(()),
    }
}

/// The key under which a family account's active application is indexed
/// beside its members' resident IDs (the store keeps only a keyed hash of
/// it, like an ID), so that one account's racing submissions are kept to
/// one by the same unique index as one person's. `None` for staff
/// accounts and when the rule is off.
pub fn account_index_key(st: &AppState, user: &CurrentUser) -> Option<String> {
    (st.one_application_per_account && user.user.role == Role::Applicant)
        .then(|| anju_store::account_member_key(&user.user.id))
}

/// Records that a submission was refused because a member is in another
/// active application: who submitted and how many members the family had,
/// nothing that identifies the member or the other application.
pub async fn record_duplicate_refusal(
    st: &AppState,
    user: &CurrentUser,
    members: usize,
) -> ApiResult<()> {
    st.store
        .audit()
        .append_audit(audit(
            user,
            st.clock.now(),
            DUPLICATE_REFUSED.to_owned(),
            format!("account:{}", user.user.id.as_str()),
            json!({ "members": members }),
        ))
        .await?;
    Ok(())
}
