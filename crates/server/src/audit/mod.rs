//! The audit log: every state change and every staff read of personal data
//! is an entry in one hash chain (written by the store in the same
//! transaction as the change). Auditors and the city bureau read it here,
//! as JSON and as a page, and check that the chain is intact.

use anju_domain::Role;
use anju_store::Store;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::{ctx, PageQuery};
use crate::web::html::{banner, esc};
use crate::web::{AppState, Db};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/audit", get(audit_log))
        .route("/api/v1/audit/verify", get(audit_verify))
        .route("/audit-log", get(audit_page))
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

/// Who may read the audit log: auditors and the city bureau (pages and API alike).
pub fn audit_reader(user: &CurrentUser) -> ApiResult<()> {
    if matches!(user.user.role, Role::Auditor | Role::CityBureau) {
        Ok(())
    } else {
        Err(ApiError::forbidden("只有审计人员和市住建部门可以查看审计日志 (only auditors and the city bureau may read the audit log)"))
    }
}

async fn audit_log(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Value>> {
    audit_reader(&user)?;
    let entries = st.store.audit_log(q.after, q.limit.clamp(1, 1000)).await?;
    Ok(Json(json!({"items": entries})))
}

/// Verifies the whole chain, page by page.
pub async fn verify_audit(store: &Db) -> ApiResult<Result<u64, anju_domain::ChainError>> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = store.audit_log(after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        all.extend(page);
    }
    Ok(anju_domain::verify_chain(all))
}

async fn audit_verify(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<Value>> {
    audit_reader(&user)?;
    Ok(Json(match verify_audit(&st.store).await? {
        Ok(n) => json!({"ok": true, "entries": n}),
        Err(e) => json!({"ok": false, "error": e.to_string()}),
    }))
}

async fn audit_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/audit-log") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let l = c.lang;
    if let Err(e) = audit_reader(&user) {
        return c.error(e);
    }
    let verdict = match verify_audit(&st.store).await {
        Ok(Ok(n)) => banner(
            "good",
            &format!(
                "{} {n} {}",
                l.t("审计链完整：共", "Chain intact:"),
                l.t("条记录，逐条核对哈希无误。", "entries, every hash checks.")
            ),
        ),
        Ok(Err(e)) => banner("bad", &e.to_string()),
        Err(e) => banner("bad", &e.message),
    };
    let entries = st.store.audit_log(0, 200).await.unwrap_or_default();
    let mut t = format!(
        "<table id=\"audit\"><tr><th>#</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>",
        l.t("时间", "Time"),
        l.t("账号", "Account"),
        l.t("操作", "Action"),
        l.t("对象", "Subject")
    );
    for e in entries.iter().rev().take(100) {
        t.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}（{}）</td><td>{}</td><td>{}</td></tr>",
            e.seq,
            e.at.to_shanghai().format("%Y-%m-%d %H:%M:%S"),
            esc(e.actor_user_id.as_str()),
            e.role.label_zh(),
            esc(&e.action),
            esc(&e.subject)
        ));
    }
    t.push_str("</table>");
    c.render(
        l.t("审计日志", "Audit log"),
        &format!("<h1>{}</h1>{verdict}{t}", l.t("审计日志", "Audit log")),
    )
}
