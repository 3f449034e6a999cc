//! `/api/v1/audit` and `/api/v1/audit/verify`.

use axum::extract::State;
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::web::apidoc;
use crate::web::auth::CurrentUser;
use crate::web::error::ApiResult;
use crate::web::extract::Query;
use crate::web::AppState;

use super::service::{audit_reader, verify_audit};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(audit_log))
        .routes(routes!(audit_verify))
        .routes(routes!(latest_checkpoint))
        .routes(routes!(new_checkpoint))
}

/// 最新审计检查点 the latest signed checkpoint of the audit chain (public):
/// anyone can keep it and later prove, with `anju audit verify
/// --checkpoint`, that the log was neither truncated nor rewritten.
#[utoipa::path(
    get,
    path = "/api/v1/audit/checkpoint",
    tag = "audit",
    responses(
        (status = 200, description = "the signing key and the latest signed checkpoint (null while none)", body = super::checkpoints::Publication),
    )
)]
async fn latest_checkpoint(
    State(st): State<AppState>,
) -> ApiResult<Json<super::checkpoints::Publication>> {
    Ok(Json(super::checkpoints::publication(&st).await?))
}

/// 立即生成审计检查点 sign a checkpoint now (auditors and the city bureau).
#[utoipa::path(
    post,
    path = "/api/v1/audit/checkpoints",
    tag = "audit",
    params(apidoc::Csrf),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["auditor", "city_bureau"]))),
    responses(
        (status = 200, description = "the checkpoint written", body = anju_domain::checkpoint::SignedCheckpoint),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
    )
)]
async fn new_checkpoint(
    State(st): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<anju_domain::checkpoint::SignedCheckpoint>> {
    audit_reader(&user)?;
    Ok(Json(super::checkpoints::write_now(&st).await?))
}

fn default_limit() -> u32 {
    100
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct AuditQuery {
    /// Entries after this sequence number.
    #[serde(default)]
    #[param(minimum = 0)]
    after: u64,
    /// At most this many (clamped to 1..=1000).
    #[serde(default = "default_limit")]
    #[param(minimum = 0, maximum = 4294967295_u64)]
    limit: u32,
}

/// A page of the audit log.
#[derive(Serialize, ToSchema)]
pub struct AuditLog {
    pub items: Vec<anju_domain::AuditEntry>,
}

/// Whether the hash chain is intact: `{ok: true, entries}` or `{ok: false, error}`.
#[derive(Serialize, ToSchema)]
pub struct ChainCheck {
    pub ok: bool,
    /// Entries checked (when intact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entries: Option<u64>,
    /// The first problem found (when broken).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// 审计日志 the audit log (auditors and the city bureau).
#[utoipa::path(
    get,
    path = "/api/v1/audit",
    tag = "audit",
    params(AuditQuery),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["auditor", "city_bureau"]))),
    responses(
        (status = 200, description = "entries in log order", body = AuditLog),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn audit_log(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<AuditLog>> {
    audit_reader(&user)?;
    let items = st
        .store
        .audit()
        .audit_log(q.after, q.limit.clamp(1, 1000))
        .await?;
    Ok(Json(AuditLog { items }))
}

/// 校验审计链 verify the audit chain (auditors and the city bureau).
#[utoipa::path(
    get,
    path = "/api/v1/audit/verify",
    tag = "audit",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["auditor", "city_bureau"]))),
    responses(
        (status = 200, description = "ok with the number of entries, or the first error", body = ChainCheck),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn audit_verify(
    State(st): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<ChainCheck>> {
    audit_reader(&user)?;
    Ok(Json(match verify_audit(&st.store).await? {
        Ok(n) => ChainCheck {
            ok: true,
            entries: Some(n),
            error: None,
        },
        Err(e) => ChainCheck {
            ok: false,
            entries: None,
            error: Some(e.to_string()),
        },
    }))
}
