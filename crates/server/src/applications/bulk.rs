//! One step for a checked set of applications (issue 12 feature 15): each
//! application still goes through [`service::act`] on its own — its own
//! checks, its own event, its own audit entry — so a batch is never more
//! than many single decisions, and one that fails does not stop the rest.
//! Which steps may be batched is a pure rule, [`anju_domain::bulk_action`].

use anju_domain::{ActionKind, StatusKind};

use crate::applications::service::{self, ActionRequest};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// The most applications one batch acts on: a page of the work list.
pub const MAX_BATCH: usize = 100;

/// What became of one application of a batch.
pub struct Outcome {
    pub id: String,
    /// `Err`: why this one was not handled (the others were).
    pub result: Result<(), ApiError>,
}

/// Takes `kind` for each of `ids`, listed as standing in `status`. Refuses
/// the whole batch only when the batch itself is wrong (a step that may
/// not be batched for this role and state, no applications, too many).
pub async fn act_on_each(
    st: &AppState,
    user: &CurrentUser,
    kind: ActionKind,
    status: StatusKind,
    ids: &[String],
) -> ApiResult<Vec<Outcome>> {
    if anju_domain::bulk_action(user.user.role, status) != Some(kind) {
        return Err(ApiError::forbidden(
            "这一步不能批量办理，请逐户办理 (this step cannot be taken for several applications at once)",
        ));
    }
    if ids.is_empty() {
        return Err(ApiError::bad_request(
            "nothing_selected",
            "请至少勾选一户 (select at least one application)",
        )
        .field("id"));
    }
    if ids.len() > MAX_BATCH {
        return Err(ApiError::bad_request(
            "too_many",
            format!("一次最多办理{MAX_BATCH}户 (at most {MAX_BATCH} at once)"),
        )
        .field("id"));
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        if !seen.insert(id.as_str()) {
            continue;
        }
        let request = match kind {
            ActionKind::StreetPass => ActionRequest::StreetPass,
            ActionKind::RecordDecision => ActionRequest::RecordDecision,
            // The notice starts today; its end comes from the calendar.
            ActionKind::StartNotice => ActionRequest::StartNotice { start: None },
            ActionKind::Qualify => ActionRequest::Qualify,
            _ => unreachable_batch(kind)?,
        };
        // The state the list showed is part of what the person confirmed:
        // an application that moved on since is left alone and said so.
        let result = match service::load_visible(st, user, id).await {
            Ok(stored) if stored.app.status().kind() != status => Err(ApiError::conflict(
                "该申请的状态已变化，未办理，请重新查看 (its state changed since the list was shown; not handled)",
            )),
            Ok(_) => service::act(st, user, id, request).await.map(|_| ()),
            Err(e) => Err(e),
        };
        out.push(Outcome {
            id: id.clone(),
            result,
        });
    }
    Ok(out)
}

/// `bulk_action` names only the steps handled above; a new one there must
/// be added here too.
fn unreachable_batch(kind: ActionKind) -> ApiResult<ActionRequest> {
    Err(ApiError::internal(format!(
        "no batch request for {}",
        kind.code()
    )))
}
