//! An application's page: status, the sections other capabilities add
//! (the family's allotment rounds), members, the decision, rejection
//! reasons, objections, the forms of the actions the viewer may take, and
//! the history.

use anju_domain::{Action, ActionKind};
use anju_store::StoredApplication;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::{json, Value};

use crate::applications::service;
use crate::web::auth::CurrentUser;
use crate::web::error::ApiResult;
use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::html::{Lang, Markup};
use crate::web::AppState;

use super::common::{action_label, decision, policy_articles, status_label, ArticleOpt};
use super::declaration::{declaration, Declaration};
use super::progress::{progress, Progress};
use axum::routing::get;
use axum::Router;

/// A household member (full identity: this read is audited).
struct ObjectionRow {
    id: u32,
    text: String,
    /// Open, or upheld / not upheld with the finding.
    outcome: String,
}

/// A form the viewer may submit.
struct ActionForm {
    kind: ActionKind,
    code: &'static str,
    label: &'static str,
    /// The verifier's department, for `department_confirm`.
    department: &'static str,
}

struct HistoryRow {
    at: String,
    by: &'static str,
    action: &'static str,
    /// What the person wrote with the step (a withdrawal's reason, what to
    /// correct, a street refusal's reason), so the history explains itself.
    note: Option<String>,
    status_after: &'static str,
}

#[derive(askama::Template)]
#[template(path = "applications/templates/detail.html")]
struct DetailPage<'a> {
    c: &'a Ctx,
    id: &'a str,
    /// The banner after an action's redirect (`web::forms::done_redirect`).
    done: Option<String>,
    status: &'static str,
    district: String,
    masked_name: &'a str,
    masked_id: &'a str,
    waitlist_place: Option<u32>,
    /// The housing preference stated on the form (issue 15), in words.
    preference: Option<String>,
    /// Added by other capabilities (配售进展).
    sections: Vec<Markup>,
    /// Where the application stands and what happens next.
    progress: Progress,
    /// The declaration, as much as the reader's role needs.
    declaration: Declaration,
    /// Under review: the family's grounds and the rejection it contests.
    review: Option<(String, Vec<String>)>,
    decision: Option<Markup>,
    /// The engine's decision was overtaken by an upheld objection: say so
    /// beside it, so that "符合申请条件" is never read as the outcome.
    overtaken: bool,
    /// When rejected: why.
    rejection: Option<Vec<String>>,
    objections: Vec<ObjectionRow>,
    actions: Vec<ActionForm>,
    /// A community clerk is looking: the withdrawal form says the clerk's rule.
    counter_clerk: bool,
    /// The articles a refusal may cite (street rejection, an objection upheld).
    articles: Vec<ArticleOpt>,
    history: Vec<HistoryRow>,
}

pub(super) async fn detail(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/applications/{id}")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let stored = match service::read_application(&st, &user, &id).await {
        Ok(s) => s,
        Err(e) => return c.error(e),
    };
    let events = st
        .store
        .applications()
        .application_events(stored.app.id())
        .await
        .unwrap_or_default();
    // Sections other capabilities add (配售进展: the family's rounds).
    let mut sections =
        match (st.links.application_sections)(&st, &user, stored.app.id().as_str(), c.lang).await {
            Ok(s) => s,
            Err(e) => return c.error(e),
        };
    // The uploaded materials, for the readers who review them.
    match super::materials::section(&c, &st, &user, stored.app.id().as_str()).await {
        Ok(Some(m)) => sections.insert(0, m),
        Ok(None) => {}
        Err(e) => return c.error(e),
    }
    let preference = match st
        .store
        .applications()
        .application_preference(stored.app.id().as_str())
        .await
    {
        Ok(p) => p.map(|(p, on)| preference_text(c.lang, &p, on)),
        Err(e) => return c.error(e.into()),
    };
    match detail_page(&c, &st.policy, &user, &stored, &events, c.done(), sections) {
        Ok(mut page) => {
            page.preference = preference;
            c.page(&page)
        }
        Err(e) => c.error(e),
    }
}

/// What the banner says after an action's redirect: submitted, or which
/// action was recorded and the state it led to (an action's name alone
/// could read as its intended outcome: "确认取得配售资格" when the family
/// was rejected).
fn done_text(l: Lang, msg: &str, now: &str) -> String {
    match msg {
        "submitted" => l
            .t("申请已提交，请留意办理进度。", "Submitted.")
            .to_string(),
        other => {
            let what = match serde_json::from_value::<ActionKind>(json!(other)) {
                Ok(k) => action_label(l, k).to_string(),
                Err(_) => other.to_string(),
            };
            format!(
                "{} {what}{} {now}",
                l.t("已办理：", "Recorded:"),
                l.t("。申请当前状态：", ". The application is now:")
            )
        }
    }
}

/// "面积段 70–120㎡ · 户型 两室一厅 · 区位 南山公园附近（2026-03-02 填报）".
fn preference_text(
    l: Lang,
    p: &anju_domain::preference::StatedPreference,
    on: chrono::NaiveDate,
) -> String {
    let mut parts = Vec::new();
    if let Some(b) = p.size {
        parts.push(format!(
            "{} {}",
            l.t("面积段", "size"),
            l.t(b.label_zh(), b.label_en())
        ));
    }
    if !p.layout.is_empty() {
        parts.push(format!("{} {}", l.t("户型", "layout"), p.layout));
    }
    if !p.location.is_empty() {
        parts.push(format!("{} {}", l.t("区位", "location"), p.location));
    }
    format!(
        "{}{}{on}{}",
        parts.join(" · "),
        l.t("（", " (stated on "),
        l.t(" 申请时填报）", ")")
    )
}

fn detail_page<'a>(
    c: &'a Ctx,
    policy: &anju_policy::Policy,
    user: &CurrentUser,
    stored: &'a StoredApplication,
    events: &[anju_domain::Event],
    msg: Option<&str>,
    sections: Vec<Markup>,
) -> ApiResult<DetailPage<'a>> {
    let l = c.lang;
    let app = &stored.app;
    let declaration = declaration(l, &user.actor, &stored.household, app.status(), events);
    let progress = progress(l, app.status(), events);
    let review = match app.status() {
        anju_domain::Status::ReviewRequested { reasons, rejection } => Some((
            reasons.as_str().to_string(),
            rejection.reasons.iter().map(|r| r.to_string()).collect(),
        )),
        _ => None,
    };
    let decision = match app.decisions().last() {
        Some(rd) => {
            let d = serde_json::to_value(rd.decision.parts()).unwrap_or(Value::Null);
            Some(decision(c, policy, &d)?)
        }
        None => None,
    };
    let rejection = match app.status() {
        anju_domain::Status::Rejected { reasons, .. } => {
            Some(reasons.iter().map(|r| r.to_string()).collect())
        }
        _ => None,
    };
    let objections = app
        .objections()
        .iter()
        .map(|o| ObjectionRow {
            id: o.id.get(),
            text: o.text.as_str().to_string(),
            outcome: match &o.resolved {
                None => l.t("待处理", "open").to_string(),
                Some(r) => format!(
                    "{}{}{}",
                    if r.upheld {
                        l.t("成立", "upheld")
                    } else {
                        l.t("不成立", "not upheld")
                    },
                    l.t("：", ": "),
                    r.note.as_str()
                ),
            },
        })
        .collect();
    let department = user.user.role.department().map(|d| d.code()).unwrap_or("");
    let actions = anju_domain::available_actions(app, &user.actor)
        .into_iter()
        .map(|kind| ActionForm {
            kind,
            code: kind.code(),
            label: action_label(l, kind),
            department,
        })
        .collect();
    let counter_clerk = user.user.role == anju_domain::Role::Community;
    let history = events
        .iter()
        .map(|e| HistoryRow {
            at: e.at.to_shanghai().format("%Y-%m-%d %H:%M").to_string(),
            by: c.role_label(&e.actor.role()),
            action: action_label(l, e.action.kind()),
            note: match &e.action {
                Action::Withdraw { reason } => reason.as_ref().map(|r| r.as_str().to_string()),
                Action::StreetReturn { reason } => Some(reason.as_str().to_string()),
                Action::StreetReject { reasons } => Some(
                    reasons
                        .iter()
                        .map(|r| r.to_string())
                        .collect::<Vec<_>>()
                        .join("；"),
                ),
                _ => None,
            },
            status_after: status_label(l, e.status_after),
        })
        .collect();
    Ok(DetailPage {
        c,
        id: app.id().as_str(),
        done: msg.map(|m| done_text(l, m, status_label(l, app.status().kind()))),
        status: status_label(l, app.status().kind()),
        district: match l {
            Lang::Zh => app.district().describe_zh(),
            Lang::En => app.district().describe_en(),
        },
        masked_name: &stored.masked_name,
        masked_id: &stored.masked_id,
        waitlist_place: stored.waitlist_place,
        preference: None,
        sections,
        declaration,
        progress,
        review,
        decision,
        overtaken: matches!(
            app.status(),
            anju_domain::Status::Rejected {
                stage: anju_domain::RejectionStage::Notice,
                ..
            }
        ),
        rejection,
        objections,
        actions,
        counter_clerk,
        articles: policy_articles(l, policy),
        history,
    })
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/applications/{id}", get(detail))
}
