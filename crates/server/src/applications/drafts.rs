//! Drafts of the application form (issue 12 feature 19): a signed-in
//! family, or the community clerk at the counter, saves what it typed
//! without submitting. Nothing is checked but size; the fields are stored
//! encrypted (`anju_store`'s `application_drafts`), belong to the account
//! that saved them, and are no application: no event, no status, in no
//! staff list. Submitting with `draft` set deletes the draft in the
//! application's own transaction.

use std::collections::BTreeMap;

use anju_domain::Role;
use anju_store::DraftRecord;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::web::apidoc::{self, Csrf};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::{Path, Query};
use crate::web::json::parse_json;
use crate::web::AppState;

/// Most drafts an account holds: a family needs one; a counter clerk
/// keeps a few families' half-finished forms. More is a list nobody reads.
pub const MAX_DRAFTS: u64 = 10;
/// Largest draft, as the JSON of its fields: the apply form's ~60 fields
/// at their own limits fit in a few kilobytes; 32 KiB leaves room and
/// keeps a row small.
pub const MAX_DRAFT_BYTES: usize = 32 * 1024;
/// Most fields in a draft (the form has about 60).
pub const MAX_DRAFT_FIELDS: usize = 200;
/// Longest value kept in one field (the longest field, a list of dates,
/// needs far less).
pub const MAX_FIELD_CHARS: usize = 2000;

/// Form fields never kept in a draft: the session's token and the form's
/// own bookkeeping.
const NOT_KEPT: [&str; 2] = ["_csrf", "draft"];

/// The fields of the apply form, as saved.
#[derive(Debug, Clone, Default, Serialize, Deserialize, ToSchema)]
#[schema(as = DraftBody)]
pub struct DraftBody {
    /// The apply form's fields by name (`a_name`, `a_id`, `region`, `a_income`, …; ticked boxes are `"on"`).
    #[serde(default)]
    pub fields: BTreeMap<String, String>,
}

/// Who may keep drafts: those who may submit.
pub fn may_draft(user: &CurrentUser) -> ApiResult<()> {
    match user.user.role {
        Role::Applicant | Role::Community => Ok(()),
        _ => Err(ApiError::forbidden(
            "只有申请家庭或社区（村）受理人员可以保存申请草稿 (only families and community staff keep drafts)",
        )),
    }
}

/// The draft body from a posted form, size-limited (the only check).
pub fn body_of(fields: &[(String, String)]) -> ApiResult<DraftBody> {
    let mut out = BTreeMap::new();
    for (k, v) in fields {
        if NOT_KEPT.contains(&k.as_str()) || v.is_empty() {
            continue;
        }
        out.insert(k.clone(), v.clone());
    }
    check_size(&DraftBody { fields: out })
}

fn check_size(body: &DraftBody) -> ApiResult<DraftBody> {
    let too_big = || {
        ApiError::unprocessable(
            "draft_too_large",
            format!("草稿过大（最多 {MAX_DRAFT_FIELDS} 项、每项 {MAX_FIELD_CHARS} 字、合计 {} KB），请删减后再保存 (the draft is too large)", MAX_DRAFT_BYTES / 1024),
        )
        .field("draft")
    };
    if body.fields.len() > MAX_DRAFT_FIELDS
        || body
            .fields
            .iter()
            .any(|(k, v)| k.chars().count() > 64 || v.chars().count() > MAX_FIELD_CHARS)
    {
        return Err(too_big());
    }
    let mut body = body.clone();
    body.fields.retain(|k, _| !NOT_KEPT.contains(&k.as_str()));
    let size = serde_json::to_vec(&body)
        .map(|v| v.len())
        .unwrap_or(usize::MAX);
    if size > MAX_DRAFT_BYTES {
        return Err(too_big());
    }
    Ok(body)
}

/// Saves a draft (a new one when `id` is None); returns its id.
pub async fn save(
    st: &AppState,
    user: &CurrentUser,
    id: Option<&str>,
    body: &DraftBody,
) -> ApiResult<String> {
    may_draft(user)?;
    let body = check_size(body)?;
    let value = serde_json::to_value(&body).map_err(|e| ApiError::internal(e.to_string()))?;
    st.store
        .applications()
        .save_draft(
            user.id(),
            id.filter(|i| !i.is_empty()),
            &value,
            st.clock.now(),
            MAX_DRAFTS,
        )
        .await
        .map_err(|e| match e {
            anju_store::StoreError::Conflict { what } => {
                ApiError::unprocessable("too_many_drafts", what).field("draft")
            }
            other => other.into(),
        })
}

/// The account's drafts, the latest first.
pub async fn list(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<DraftRecord>> {
    may_draft(user)?;
    Ok(st.store.applications().list_drafts(user.id()).await?)
}

/// One of the account's drafts (404 for anyone else's).
pub async fn load(st: &AppState, user: &CurrentUser, id: &str) -> ApiResult<DraftRecord> {
    may_draft(user)?;
    st.store
        .applications()
        .load_draft(user.id(), id)
        .await?
        .ok_or_else(|| ApiError::not_found("草稿 (draft)"))
}

/// The fields of a stored draft.
pub fn fields_of(d: &DraftRecord) -> DraftBody {
    serde_json::from_value(d.body.clone()).unwrap_or_default()
}

/// Deletes one of the account's drafts, once confirmed.
pub async fn delete(st: &AppState, user: &CurrentUser, id: &str, confirmed: bool) -> ApiResult<()> {
    may_draft(user)?;
    if !confirmed {
        return Err(ApiError::unprocessable(
            "confirmation_required",
            "请勾选“确认删除此草稿”：删除后无法恢复 (tick the confirmation: a deleted draft cannot be restored)",
        )
        .field("confirm"));
    }
    if !st.store.applications().delete_draft(user.id(), id).await? {
        return Err(ApiError::not_found("草稿 (draft)"));
    }
    Ok(())
}

// ------------------------------------------------------------------ API

/// A saved draft.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Draft)]
pub struct DraftJson {
    id: String,
    created_at: String,
    updated_at: String,
    fields: BTreeMap<String, String>,
}

impl DraftJson {
    fn new(d: &DraftRecord) -> DraftJson {
        DraftJson {
            id: d.id.clone(),
            created_at: d.created_at.clone(),
            updated_at: d.updated_at.clone(),
            fields: fields_of(d).fields,
        }
    }
}

/// The account's drafts.
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = DraftList)]
pub struct DraftListJson {
    items: Vec<DraftJson>,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct DeleteQuery {
    /// Must be true: a deleted draft cannot be restored.
    #[serde(default)]
    confirm: bool,
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_api, create_api))
        .routes(routes!(get_api, update_api, delete_api))
}

/// 我的草稿 the caller's drafts of the application form.
#[utoipa::path(
    get,
    path = "/api/v1/drafts",
    tag = "applications",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "community"]))),
    responses(
        (status = 200, description = "the drafts, the latest first", body = DraftListJson),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn list_api(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<DraftListJson>> {
    let items = list(&st, &user).await?.iter().map(DraftJson::new).collect();
    Ok(Json(DraftListJson { items }))
}

/// 保存草稿 save a new draft (only sizes are checked).
#[utoipa::path(
    post,
    path = "/api/v1/drafts",
    tag = "applications",
    params(Csrf),
    request_body(content = DraftBody, example = json!({"fields": {"region": "140302", "a_name": "张三"}})),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "community"]))),
    responses(
        (status = 201, description = "the draft", body = DraftJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn create_api(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Response> {
    may_draft(&user)?;
    let body: DraftBody = parse_json(&body)?;
    let id = save(&st, &user, None, &body).await?;
    let d = load(&st, &user, &id).await?;
    Ok((StatusCode::CREATED, Json(DraftJson::new(&d))).into_response())
}

/// 草稿 one of the caller's drafts.
#[utoipa::path(
    get,
    path = "/api/v1/drafts/{id}",
    tag = "applications",
    params(("id" = String, Path, description = "draft id")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "community"]))),
    responses(
        (status = 200, description = "the draft", body = DraftJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn get_api(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<DraftJson>> {
    Ok(Json(DraftJson::new(&load(&st, &user, &id).await?)))
}

/// 更新草稿 replace a draft's fields.
#[utoipa::path(
    put,
    path = "/api/v1/drafts/{id}",
    tag = "applications",
    params(("id" = String, Path, description = "draft id"), Csrf),
    request_body(content = DraftBody, example = json!({"fields": {"region": "140302"}})),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "community"]))),
    responses(
        (status = 200, description = "the draft", body = DraftJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn update_api(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<DraftJson>> {
    may_draft(&user)?;
    // Only an existing draft of this account is replaced.
    load(&st, &user, &id).await?;
    let body: DraftBody = parse_json(&body)?;
    save(&st, &user, Some(&id), &body).await?;
    Ok(Json(DraftJson::new(&load(&st, &user, &id).await?)))
}

/// 删除草稿 delete a draft (`confirm=true`).
#[utoipa::path(
    delete,
    path = "/api/v1/drafts/{id}",
    tag = "applications",
    params(("id" = String, Path, description = "draft id"), DeleteQuery, Csrf),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "community"]))),
    responses(
        (status = 204, description = "deleted"),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn delete_api(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    Query(q): Query<DeleteQuery>,
) -> ApiResult<StatusCode> {
    delete(&st, &user, &id, q.confirm).await?;
    Ok(StatusCode::NO_CONTENT)
}
