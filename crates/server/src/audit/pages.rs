//! The audit log page.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::web::forms::{ctx, PageQuery};
use crate::web::html::{banner, esc};
use crate::web::AppState;

use super::service::{audit_reader, verify_audit};

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit-log", get(audit_page))
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
    let entries = st.store.audit().audit_log(0, 200).await.unwrap_or_default();
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
