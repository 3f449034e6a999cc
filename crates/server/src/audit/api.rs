//! `/api/v1/audit` and `/api/v1/audit/verify`.

use axum::extract::{Query, State};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::web::auth::CurrentUser;
use crate::web::error::ApiResult;
use crate::web::AppState;

use super::service::{audit_reader, verify_audit};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/audit", get(audit_log))
        .route("/api/v1/audit/verify", get(audit_verify))
}

fn default_limit() -> u32 {
    100
}

#[derive(Deserialize)]
struct AuditQuery {
    #[serde(default)]
    after: u64,
    #[serde(default = "default_limit")]
    limit: u32,
}

async fn audit_log(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Value>> {
    audit_reader(&user)?;
    let entries = st
        .store
        .audit()
        .audit_log(q.after, q.limit.clamp(1, 1000))
        .await?;
    Ok(Json(json!({"items": entries})))
}

async fn audit_verify(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<Value>> {
    audit_reader(&user)?;
    Ok(Json(match verify_audit(&st.store).await? {
        Ok(n) => json!({"ok": true, "entries": n}),
        Err(e) => json!({"ok": false, "error": e.to_string()}),
    }))
}
