//! The talent office's pages: the list of subsidy applications, one
//! application with its ledger and the forms for its next step, and the
//! application form behind a self-check (signed in). Every form posts the
//! same request as the JSON API.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use anju_domain::Role;
use anju_subsidies::ledger::StopReason;
use anju_subsidies::programme::ProgrammeId;

use crate::subsidies::cases::{self, SubsidyAction, SubsidyApplicationRequest, SubsidyCase};
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::error::ApiError;
use crate::web::extract::Path;
use crate::web::forms::{checked, ctx, done_redirect, field, Ctx, Fields, PageQuery};
use crate::web::AppState;

use super::form::check_facts;

pub(crate) fn programme_label(c: &Ctx, code: &str) -> String {
    ProgrammeId::parse(code)
        .map(|p| c.t(p.label_zh(), p.label_en()).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

pub(crate) fn status_label(c: &Ctx, s: &str) -> String {
    let (zh, en) = match s {
        "submitted" => ("已提交，待核验", "submitted, to verify"),
        "records_asked" => ("待自然资源部门核查首套房", "awaiting the property records"),
        "records_back" => ("首套房已核查，待核验", "property records back, to verify"),
        "verified" => ("已核验，待决定", "verified, to decide"),
        "rejected" => ("核验未通过", "failed verification"),
        "approved" => ("已批准，发放中", "approved, paying"),
        "refused" => ("不予批准", "refused"),
        "stopped" => ("已停发", "stopped"),
        _ => (s, s),
    };
    c.t(zh, en).to_owned()
}

pub(crate) fn state_label(c: &Ctx, s: &str) -> String {
    let (zh, en) = match s {
        "paid" => ("已发放", "paid"),
        "cancelled" => ("已停发", "cancelled"),
        _ => ("待发放", "scheduled"),
    };
    c.t(zh, en).to_owned()
}

pub(crate) struct Row {
    pub id: String,
    pub programme: String,
    pub name: String,
    pub status: String,
}

#[derive(askama::Template)]
#[template(path = "subsidies/templates/cases.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    rows: Vec<Row>,
}

pub(super) async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/subsidy-cases") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    match cases::list(&st, &user).await {
        Ok(v) => {
            let rows = v
                .into_iter()
                .map(|k| Row {
                    programme: programme_label(&c, &k.programme),
                    status: status_label(&c, &k.status),
                    name: k.masked_name,
                    id: k.id,
                })
                .collect();
            c.page(&ListPage { c: &c, rows })
        }
        Err(e) => c.error(e),
    }
}

pub(crate) struct InstalmentView {
    pub n: i64,
    pub due: String,
    pub amount: String,
    pub state: String,
    pub raw_state: String,
}

pub(crate) struct EventView {
    pub at: String,
    pub kind: String,
    pub note: String,
}

#[derive(askama::Template)]
#[template(path = "subsidies/templates/case.html")]
struct CasePage<'a> {
    c: &'a Ctx,
    k: SubsidyCase,
    programme: String,
    status: String,
    award: String,
    instalments: Vec<InstalmentView>,
    events: Vec<EventView>,
    next_instalment: Option<i64>,
    may_act: bool,
    done: Option<String>,
    reasons: Vec<(&'static str, String)>,
    today: String,
    /// The university the application names and what the dated lists say
    /// of it (empty when it names none).
    university: String,
    /// Why the verification just posted was refused, beside its form.
    verify_error: Option<String>,
    /// The talent purchase's first-home check: what the department
    /// answered (with the article), or that it is awaited.
    property: String,
    /// Whether the first-home check applies (talent purchase).
    purchase: bool,
}

/// "太原理工大学：在名单 国内“双一流”建设高校（第二轮）（source，2022-02-14）",
/// or that it is on no list, for the officer before verifying. The
/// shipped lists and the talent office's additions are read together.
async fn university_line(
    st: &AppState,
    c: &Ctx,
    facts: &serde_json::Value,
    today: chrono::NaiveDate,
) -> String {
    let name = facts["university_name"].as_str().unwrap_or("").trim();
    if name.is_empty() {
        return String::new();
    }
    match crate::subsidies::universities::describe(st, name, today).await {
        Ok(Some((title, _, source))) => format!(
            "{name}：{} {title}（{source} {}）",
            c.t("在名单", "on the list"),
            c.t("起", "onwards"),
        ),
        Ok(None) => format!(
            "{name}：{}",
            c.t(
                "不在世界前200名（境外）或“双一流”名单中（本系统所存名单为节选，可在“高校名单”页按官方通知补录）",
                "on neither the world top-200 (outside the mainland) nor the Double First-Class list (the lists held are subsets; the talent office completes them on the university lists page)",
            )
        ),
        Err(_) => name.to_owned(),
    }
}

fn event_view(c: &Ctx, e: &cases::CaseEvent) -> EventView {
    let kind = match e.kind.as_str() {
        "submit" => c.t("提交", "submitted"),
        "property_request" => c.t("请求首套房核查", "property records asked"),
        "property_answer" => c.t("自然资源部门答复", "property records answered"),
        "verify" => c.t("核验", "verified"),
        "decide" => c.t("决定", "decided"),
        "stop" => c.t("停发", "stopped"),
        other => other,
    };
    let note = e.body["explanation"]
        .as_str()
        .or_else(|| e.body["note"].as_str())
        .map(|s| s.to_owned())
        .or_else(|| e.body["article"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let note = match (e.body["passed"].as_bool(), note.is_empty()) {
        (Some(false), true) => c.t("未通过", "did not pass").to_owned(),
        _ => note,
    };
    EventView {
        at: e.at.chars().take(16).collect(),
        kind: kind.to_owned(),
        note,
    }
}

pub(super) async fn detail(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Path(id): Path<String>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/subsidy-cases/{id}")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    render(&st, &c, &user, &id, None).await
}

/// The case page; `verify_error` is a refused verification's reason,
/// shown beside the verify form (422).
async fn render(
    st: &AppState,
    c: &Ctx,
    user: &CurrentUser,
    id: &str,
    verify_error: Option<String>,
) -> Response {
    let k = match cases::detail(st, user, id).await {
        Ok(k) => k,
        Err(e) => return c.error(e),
    };
    let yuan = |fen: i64| format!("{}.{:02} 元", fen / 100, fen % 100);
    let award = k.award.as_ref().map_or_else(String::new, |a| {
        let label = a["label"].as_str().unwrap_or_default();
        let amount = a["amount"].as_i64().map(yuan).unwrap_or_default();
        let total = a["total"].as_i64().map(yuan).unwrap_or_default();
        format!("{label}：{amount}（{} {total}）", c.t("合计", "total"))
    });
    let instalments = k
        .instalments
        .iter()
        .map(|i| InstalmentView {
            n: i.instalment,
            due: i.due.to_string(),
            amount: yuan(i.amount),
            state: state_label(c, &i.state),
            raw_state: i.state.clone(),
        })
        .collect();
    let next_instalment = k
        .instalments
        .iter()
        .find(|i| i.state == "scheduled" && i.due <= st.clock.today())
        .map(|i| i.instalment);
    let reasons = StopReason::ALL
        .into_iter()
        .map(|r| (r.as_str(), c.t(r.label_zh(), r.label_en()).to_owned()))
        .collect();
    let refused = verify_error.is_some();
    let purchase = k.programme == "talent_purchase";
    let answer = k
        .events
        .iter()
        .rev()
        .find(|e| e.kind == crate::subsidies::property_records::ANSWER);
    let property = match (purchase, answer, k.status.as_str()) {
        (false, ..) => String::new(),
        (true, Some(e), _) => format!(
            "{}（{}）",
            e.body["explanation"].as_str().unwrap_or_default(),
            e.body["article"].as_str().unwrap_or_default()
        ),
        (true, None, "records_asked") => c
            .t("已请自然资源部门核查，待答复", "asked of the natural-resources department, awaiting its answer")
            .to_owned(),
        (true, None, _) => c
            .t("尚未核查：核验前须请自然资源部门按不动产登记核查", "not checked: the natural-resources department checks the property records before verification")
            .to_owned(),
    };
    let page = CasePage {
        property,
        purchase,
        university: university_line(st, c, &k.facts, st.clock.today()).await,
        verify_error,
        programme: programme_label(c, &k.programme),
        status: status_label(c, &k.status),
        award,
        instalments,
        events: k.events.iter().map(|e| event_view(c, e)).collect(),
        next_instalment,
        may_act: user.user.role == Role::TalentOffice,
        done: c.done().map(str::to_owned),
        reasons,
        today: st.clock.today().to_string(),
        c,
        k,
    };
    c.form_page(&page, refused)
}

pub(super) async fn act(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Path(id): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/subsidy-cases/{id}")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    if let Err(e) = cases::staff(&user) {
        return c.error(e);
    }
    let date = |n: &str| {
        field(&f, n)
            .and_then(anju_policy::household::parse_iso_date)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "invalid_date",
                    format!("{n}：日期应为 YYYY-MM-DD (a date YYYY-MM-DD)"),
                )
                .field(n)
            })
    };
    let ty = field(&f, "type").unwrap_or("");
    let action = match ty {
        "request_property_records" => Ok(SubsidyAction::RequestPropertyRecords),
        "verify" => Ok(SubsidyAction::Verify {
            passed: checked(&f, "passed"),
            note: field(&f, "note").unwrap_or("").to_owned(),
        }),
        "decide" => Ok(SubsidyAction::Decide {
            start: date("start").ok(),
        }),
        "pay" => field(&f, "instalment")
            .and_then(|v| v.parse::<u32>().ok())
            .map(|instalment| SubsidyAction::Pay { instalment })
            .ok_or_else(|| {
                ApiError::bad_request("invalid_number", "期数无效 (invalid instalment)")
                    .field("instalment")
            }),
        "stop" => StopReason::parse(field(&f, "reason").unwrap_or(""))
            .ok_or_else(|| {
                ApiError::bad_request("invalid_reason", "停发原因无效 (unknown reason)")
                    .field("reason")
            })
            .and_then(|reason| {
                Ok(SubsidyAction::Stop {
                    reason,
                    on: date("on")?,
                })
            }),
        _ => {
            Err(ApiError::bad_request("invalid_action", "未知操作 (unknown action)").field("type"))
        }
    };
    let done = match action {
        Ok(a) => cases::act(&st, &user, &id, a).await,
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => done_redirect(&headers, &st, &format!("/subsidy-cases/{id}"), ty),
        // A verification the lists refuse: beside the verify form.
        Err(e)
            if ty == "verify"
                && matches!(
                    e.status,
                    axum::http::StatusCode::UNPROCESSABLE_ENTITY | axum::http::StatusCode::CONFLICT
                ) =>
        {
            let (zh, en) = crate::web::field_errors::split_bilingual(&e.message);
            render(&st, &c, &user, &id, Some(c.t(&zh, &en).to_owned())).await
        }
        Err(e) => c.error(e),
    }
}

/// The application form behind a programme's self-check.
pub(super) async fn apply(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Path(slug): Path<String>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/subsidies/{slug}")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    if let Err(e) = cases::may_submit(&user) {
        return c.error(e);
    }
    let Some(p) = ProgrammeId::from_slug(&slug) else {
        return c.error(ApiError::not_found(&format!("补贴项目 {slug}")));
    };
    let req = check_facts(&f).map(|facts| SubsidyApplicationRequest {
        programme: p.as_str().into(),
        name: field(&f, "name").unwrap_or("").to_owned(),
        resident_id: field(&f, "resident_id").unwrap_or("").to_owned(),
        facts,
    });
    let r = match req {
        Ok(r) => cases::submit(&st, &user, r).await,
        Err(e) => Err(e),
    };
    match r {
        Ok(id) => done_redirect(
            &headers,
            &st,
            &format!("/subsidies/{slug}"),
            &format!("submitted:{id}"),
        ),
        Err(e) => c.error(e),
    }
}
