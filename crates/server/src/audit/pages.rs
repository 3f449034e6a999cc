//! The audit log page: newest first, a page at a time, filtered by account,
//! action, application and dates; accounts by name and actions in words.

use std::collections::HashMap;

use anju_domain::audit_actions::{action_words, known_actions};
use anju_domain::{ApplicationId, AuditEntry, UserId};
use anju_store::AuditFilter;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use chrono::NaiveDate;
use serde::Deserialize;

use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::html::{url_encode, Lang};
use crate::web::AppState;

use super::service::{audit_reader, verify_audit};

pub fn routes() -> Router<AppState> {
    Router::new().route("/audit-log", get(audit_page))
}

/// Entries per page.
const PER_PAGE: u32 = 50;

/// The page's query: every field as typed, checked here so that a bad one
/// is shown beside its field instead of failing the page.
#[derive(Deserialize, Default)]
struct AuditQuery {
    lang: Option<String>,
    /// Account name (login name).
    actor: Option<String>,
    /// Action code.
    action: Option<String>,
    /// Application number.
    application: Option<String>,
    from: Option<String>,
    to: Option<String>,
    /// Older than this entry.
    before: Option<String>,
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
    /// The application's number when the entry is about one (linked).
    application: Option<String>,
    subject: String,
}

/// A choice of the action filter.
struct ActionChoice {
    code: String,
    label: String,
    selected: bool,
}

/// What the filter form shows back, and the errors beside its fields.
#[derive(Default)]
struct Form {
    actor: String,
    application: String,
    from: String,
    to: String,
    errors: Vec<(&'static str, String)>,
}

impl Form {
    fn error(&self, field: &str) -> Option<&str> {
        self.errors
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

#[derive(askama::Template)]
#[template(path = "audit/templates/audit_log.html")]
struct AuditPage<'a> {
    c: &'a Ctx,
    verdict: Verdict,
    form: Form,
    actions: Vec<ActionChoice>,
    /// Entries matching the filters, in all.
    total: u64,
    /// This page, newest first.
    rows: Vec<Row>,
    /// The link to older entries, when there are more.
    older: Option<String>,
    /// The link back to the newest, when this is not the first page.
    newest: Option<String>,
}

async fn audit_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<AuditQuery>,
) -> Response {
    let pq = PageQuery {
        lang: q.lang.clone(),
        ..Default::default()
    };
    let c = ctx(&st, &headers, &pq).await;
    let user = match c.require_user("/audit-log") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = audit_reader(&user) {
        return c.error(e);
    }
    match build(&st, &c, &q).await {
        Ok(page) => c.page(&page),
        Err(e) => c.error(e),
    }
}

async fn build<'a>(st: &AppState, c: &'a Ctx, q: &AuditQuery) -> ApiResult<AuditPage<'a>> {
    let l = c.lang;
    let verdict = match verify_audit(&st.store).await {
        Ok(Ok(n)) => Verdict::Intact(n),
        Ok(Err(e)) => Verdict::Broken(e.to_string()),
        Err(e) => Verdict::Broken(e.message),
    };
    let (filter, form) = read_filters(st, l, q).await?;
    let action = filter.action.clone().unwrap_or_default();
    let actions = known_actions()
        .into_iter()
        .map(|(code, zh, en)| ActionChoice {
            selected: code == action,
            label: l.t(zh, en).to_owned(),
            code,
        })
        .collect();
    // A filter that cannot match (an unknown account, a bad date) shows
    // nothing rather than everything.
    let (entries, total) = if form.errors.is_empty() {
        let audit = st.store.audit();
        (
            audit.audit_search(&filter).await?,
            audit.audit_count(&filter).await?,
        )
    } else {
        (Vec::new(), 0)
    };
    let names = actor_names(st, &entries).await?;
    let base = filter_query(q);
    let older = (entries.len() as u32 == PER_PAGE)
        .then(|| {
            entries
                .last()
                .map(|e| format!("/audit-log?{base}before={}", e.seq))
        })
        .flatten();
    let newest = filter.before_seq.map(|_| format!("/audit-log?{base}"));
    let rows = entries.iter().map(|e| row(l, e, &names)).collect();
    Ok(AuditPage {
        c,
        verdict,
        form,
        actions,
        total,
        rows,
        older,
        newest,
    })
}

/// The store filter from the query, and the form to show back with an
/// error beside each field that does not read.
async fn read_filters(st: &AppState, l: Lang, q: &AuditQuery) -> ApiResult<(AuditFilter, Form)> {
    let text = |v: &Option<String>| v.as_deref().map(str::trim).unwrap_or("").to_owned();
    let mut form = Form {
        actor: text(&q.actor),
        application: text(&q.application),
        from: text(&q.from),
        to: text(&q.to),
        errors: Vec::new(),
    };
    let mut filter = AuditFilter {
        limit: PER_PAGE,
        ..AuditFilter::default()
    };
    if !form.actor.is_empty() {
        match st.store.accounts().user_by_username(&form.actor).await? {
            Some(u) => filter.actor = Some(u.id),
            None => form
                .errors
                .push(("actor", l.t("没有这个账号", "No such account").to_owned())),
        }
    }
    let action = text(&q.action);
    if !action.is_empty() {
        filter.action = Some(action);
    }
    if !form.application.is_empty() {
        match ApplicationId::new(form.application.clone()) {
            Ok(id) => filter.subject = Some(format!("application:{}", id.as_str())),
            Err(_) => form.errors.push((
                "application",
                l.t(
                    "申请编号格式不对，例如 140302-20260302-1a2b3c4d",
                    "Not an application number, e.g. 140302-20260302-1a2b3c4d",
                )
                .to_owned(),
            )),
        }
    }
    let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
    let bad_day = l.t(
        "日期应为 年-月-日，例如 2026-03-02",
        "A date is year-month-day, e.g. 2026-03-02",
    );
    if !form.from.is_empty() {
        match day(&form.from) {
            Some(d) => filter.from = Some(d),
            None => form.errors.push(("from", bad_day.to_owned())),
        }
    }
    if !form.to.is_empty() {
        match day(&form.to) {
            Some(d) => filter.to = Some(d),
            None => form.errors.push(("to", bad_day.to_owned())),
        }
    }
    if let (Some(f), Some(t)) = (filter.from, filter.to) {
        if f > t {
            form.errors.push((
                "to",
                l.t("结束日期早于开始日期", "The end is before the start")
                    .to_owned(),
            ));
        }
    }
    filter.before_seq = q
        .before
        .as_deref()
        .and_then(|b| b.trim().parse::<u64>().ok());
    Ok((filter, form))
}

/// The filters as a query string prefix (`actor=…&`), kept by the paging
/// links.
fn filter_query(q: &AuditQuery) -> String {
    let mut out = String::new();
    for (k, v) in [
        ("lang", &q.lang),
        ("actor", &q.actor),
        ("action", &q.action),
        ("application", &q.application),
        ("from", &q.from),
        ("to", &q.to),
    ] {
        if let Some(v) = v.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            out.push_str(&format!("{k}={}&", url_encode(v)));
        }
    }
    out
}

/// "Display name (login)" for each account on the page, read once each.
async fn actor_names(st: &AppState, entries: &[AuditEntry]) -> ApiResult<HashMap<UserId, String>> {
    let mut names: HashMap<UserId, String> = HashMap::new();
    for e in entries {
        if names.contains_key(&e.actor_user_id) {
            continue;
        }
        let name = match st.store.accounts().user(&e.actor_user_id).await {
            Ok(Some(u)) => format!("{}（{}）", u.display_name, u.username),
            Ok(None) => e.actor_user_id.as_str().to_owned(),
            Err(e) => return Err(ApiError::from(e)),
        };
        names.insert(e.actor_user_id.clone(), name);
    }
    Ok(names)
}

fn row(l: Lang, e: &AuditEntry, names: &HashMap<UserId, String>) -> Row {
    let action = action_words(&e.action)
        .map(|(zh, en)| l.t(zh, en).to_owned())
        .unwrap_or_else(|| e.action.clone());
    Row {
        seq: e.seq,
        at: e.at.to_shanghai().format("%Y-%m-%d %H:%M:%S").to_string(),
        actor: names
            .get(&e.actor_user_id)
            .cloned()
            .unwrap_or_else(|| e.actor_user_id.as_str().to_owned()),
        role: match l {
            Lang::Zh => e.role.label_zh(),
            Lang::En => e.role.label_en(),
        },
        action,
        application: e.subject.strip_prefix("application:").map(str::to_owned),
        subject: e.subject.clone(),
    }
}
