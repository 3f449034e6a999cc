//! The audit log page.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::AppState;

use super::service::{audit_reader, verify_audit};

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit-log", get(audit_page))
}

/// Whether the hash chain checks.
enum Verdict {
    /// Intact, with this many entries.
    Intact(u64),
    /// Broken or unreadable: why.
    Broken(String),
}

/// One entry of the log.
struct Row {
    seq: u64,
    at: String,
    actor: String,
    role: &'static str,
    action: String,
    subject: String,
}

#[derive(askama::Template)]
#[template(path = "audit/templates/audit_log.html")]
struct AuditPage<'a> {
    c: &'a Ctx,
    verdict: Verdict,
    /// The latest entries, newest first.
    rows: Vec<Row>,
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
    if let Err(e) = audit_reader(&user) {
        return c.error(e);
    }
    let verdict = match verify_audit(&st.store).await {
        Ok(Ok(n)) => Verdict::Intact(n),
        Ok(Err(e)) => Verdict::Broken(e.to_string()),
        Err(e) => Verdict::Broken(e.message),
    };
    let entries = st.store.audit().audit_log(0, 200).await.unwrap_or_default();
    let rows = entries
        .iter()
        .rev()
        .take(100)
        .map(|e| Row {
            seq: e.seq,
            at: e.at.to_shanghai().format("%Y-%m-%d %H:%M:%S").to_string(),
            actor: e.actor_user_id.as_str().to_string(),
            role: e.role.label_zh(),
            action: e.action.clone(),
            subject: e.subject.clone(),
        })
        .collect();
    c.page(&AuditPage {
        c: &c,
        verdict,
        rows,
    })
}
