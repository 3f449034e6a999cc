//! Shared by the allotment services: who may act, loading a project, parsing ids and steps.

use anju_allotment::{PlanStatus, PlanStep, RoundStatus};
use anju_domain::{ApplicationId, DistrictCode, Role};
use anju_store::{EntrantRecord, ProjectRecord, RoundRecord};

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// Whose documents this deployment's allotment follows (its policy file's
/// city): every citation of a term that differs by city comes from here.
pub fn city(st: &AppState) -> anju_allotment::cite::City {
    anju_allotment::cite::City::of_policy(&st.policy.id)
}

/// Staff who see every project, published or not.
pub fn sees_drafts(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|u| {
        matches!(
            u.user.role,
            Role::Company | Role::CityBureau | Role::Auditor
        )
    })
}

pub(super) fn project_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A project the caller may see (drafts only for the company, the city
/// bureau and auditors: the public sees published plans).
pub async fn load_project(
    st: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
) -> ApiResult<ProjectRecord> {
    let p = st
        .store
        .allotment()
        .allot_project(id)
        .await?
        .ok_or_else(|| ApiError::not_found("项目 (project)"))?;
    if p.plan_status != PlanStatus::Published && !sees_drafts(user) {
        return Err(ApiError::not_found("项目 (project)"));
    }
    Ok(p)
}

pub async fn list_projects(
    st: &AppState,
    user: Option<&CurrentUser>,
) -> ApiResult<Vec<ProjectRecord>> {
    let all = st.store.allotment().allot_projects().await?;
    let drafts = sees_drafts(user);
    Ok(all
        .into_iter()
        .filter(|p| drafts || p.plan_status == PlanStatus::Published)
        .collect())
}

pub(super) fn district(code: &str, field: &str) -> ApiResult<DistrictCode> {
    DistrictCode::parse(code.trim()).map_err(|e| {
        ApiError::bad_request("invalid_district", e.to_string()).field(field.to_string())
    })
}

pub(super) async fn round(st: &AppState, id: &str, round_no: u8) -> ApiResult<RoundRecord> {
    st.store
        .allotment()
        .allot_rounds(id)
        .await?
        .into_iter()
        .find(|r| r.round_no == round_no)
        .ok_or_else(|| ApiError::not_found("轮次 (round)"))
}

pub(super) async fn entrant(
    st: &AppState,
    id: &str,
    round_no: u8,
    app: &str,
) -> ApiResult<EntrantRecord> {
    st.store
        .allotment()
        .allot_entrant(id, round_no, app)
        .await?
        .ok_or_else(|| ApiError::not_found("参加本轮的家庭 (entrant)"))
}

/// Families act on their own application only; the company on any.
pub(super) async fn may_act_for(
    st: &AppState,
    user: &CurrentUser,
    app: &str,
    family_may: bool,
) -> ApiResult<()> {
    match user.user.role {
        Role::Company => Ok(()),
        Role::Applicant if family_may => {
            crate::applications::interface::visible_application(st, user, app)
                .await
                .map(|_| ())
        }
        _ => Err(ApiError::forbidden(
            "当前角色不能进行此选房操作 (your role may not do this)",
        )),
    }
}

/// Parses a project id path segment and application id for pages.
pub fn application_id(s: &str) -> ApiResult<ApplicationId> {
    ApplicationId::new(s)
        .map_err(|e| ApiError::bad_request("invalid_id", e.to_string()).field("application_id"))
}

pub fn plan_step_of(step: &str, reason: &str) -> ApiResult<PlanStep> {
    Ok(match step {
        "submit" => PlanStep::Submit,
        "approve" => PlanStep::Approve,
        "return" => PlanStep::Return {
            reason: reason.to_string(),
        },
        "publish" => PlanStep::Publish,
        other => {
            return Err(ApiError::bad_request(
                "invalid_step",
                format!(
                "未知的方案操作 {other}：应为 submit、approve、return 或 publish (unknown step)"
            ),
            )
            .field("step"))
        }
    })
}

pub fn round_target(to: &str) -> ApiResult<RoundStatus> {
    match to {
        "selecting" => Ok(RoundStatus::Selecting),
        "closed" => Ok(RoundStatus::Closed),
        _ => Err(ApiError::bad_request(
            "invalid_status",
            "应为 selecting 或 closed (must be selecting or closed)",
        )
        .field("to")),
    }
}

/// Round `round` of a project `user` may see.
pub async fn round_seen_by(
    st: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
    round: u8,
) -> ApiResult<anju_store::RoundRecord> {
    let _ = load_project(st, user, id).await?;
    st.store
        .allotment()
        .allot_rounds(id)
        .await?
        .into_iter()
        .find(|r| r.round_no == round)
        .ok_or_else(|| ApiError::not_found("轮次 (round)"))
}

/// Characters of the entrant file per part served (a few megabytes).
const ENTRANT_FILE_PART: u32 = 1 << 20;

/// The frozen entrant file of a round of a project `user` may see, as a
/// stream of parts read one after another (see `round_entrant_file_part`),
/// so serving a city's file holds one part at a time. The first part is
/// read before answering, so a missing round is a 404, not a cut body.
pub async fn entrant_file_seen_by(
    st: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
    round: u8,
) -> ApiResult<impl futures_util::Stream<Item = ApiResult<Vec<u8>>> + Send + 'static> {
    use futures_util::StreamExt as _;
    let _ = load_project(st, user, id).await?;
    let first = st
        .store
        .allotment()
        .round_entrant_file_part(id, round, 0, ENTRANT_FILE_PART)
        .await?
        .ok_or_else(|| ApiError::not_found("轮次 (round)"))?;
    let full = first.chars().count() == ENTRANT_FILE_PART as usize;
    let (store, id) = (st.store.clone(), id.to_owned());
    let rest = futures_util::stream::try_unfold(
        full.then_some(u64::from(ENTRANT_FILE_PART)),
        move |from| {
            let (store, id) = (store.clone(), id.clone());
            async move {
                let Some(from) = from else {
                    return Ok(None);
                };
                let part = store
                    .allotment()
                    .round_entrant_file_part(&id, round, from, ENTRANT_FILE_PART)
                    .await?
                    .unwrap_or_default();
                if part.is_empty() {
                    return Ok(None);
                }
                let full = part.chars().count() == ENTRANT_FILE_PART as usize;
                let next = full.then_some(from + u64::from(ENTRANT_FILE_PART));
                Ok(Some((part.into_bytes(), next)))
            }
        },
    );
    Ok(futures_util::stream::once(async move { Ok(first.into_bytes()) }).chain(rest))
}

/// Draw `n` of a round of a project `user` may see.
pub async fn draw_seen_by(
    st: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
    round: u8,
    n: u32,
) -> ApiResult<(anju_store::RoundRecord, anju_store::DrawRecord)> {
    let r = round_seen_by(st, user, id, round).await?;
    let d = st
        .store
        .allotment()
        .allot_draws(id, round)
        .await?
        .into_iter()
        .find(|d| d.draw_no == n)
        .ok_or_else(|| ApiError::not_found("摇号记录 (draw)"))?;
    Ok((r, d))
}
