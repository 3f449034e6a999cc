//! Allotment web pages (配售): the public list of projects, each project's
//! plan, price check, homes, rounds with their commitments, draws and
//! masked results, and an online re-check of every draw; the forms the
//! implementing company and the city housing bureau use on the same page,
//! shown by role; and the family's page for choosing a home. Every form
//! posts to `/projects/{id}/act` with a `type` and the session's CSRF
//! token and goes through `allot_service`, exactly like the JSON API.

use std::collections::HashMap;

use anju_allotment::cite::{
    ART14_ABANDONMENT, ART16_TIERS, ART18_TITLE, LOUDI_8_1_1_PRIORITY, LOUDI_8_1_2_SIGNING,
};
use anju_allotment::contract::DOWN_PAYMENT_CITE;
use anju_allotment::{
    AbsentRule, CallState, Cite, Dealing, Fen, PlanStatus, PlanTerms, PriceCheck, RoundStatus,
    RoundWindow, Title,
};
use anju_domain::{DistrictCode, Role, YANGQUAN_DISTRICTS};
use anju_store::{
    ContractRecord, DrawRecord, EntrantRecord, FamilyEntry, HomeRecord, HomeState, ProjectRecord,
    RoundRecord,
};
use axum::extract::{FromRequest, Multipart, Path, Query, Request, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::Deserialize;

use crate::allotment::service::{
    self as svc, CallRequest, ContractForm, DrawRequest, Frozen, NewProject, PlanRequest,
    TitleRequest,
};
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::{checked, ctx, field, Ctx, Fields, PageQuery};
use crate::web::html::{banner, esc, url_encode, Lang, Markup};
use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list).post(create))
        .route("/projects/{id}", get(detail))
        .route("/projects/{id}/act", post(act))
        .route("/projects/{id}/choose", get(choose))
        .route(
            "/projects/{id}/rounds/{round}/draws/{draw}/verify",
            get(verify),
        )
}

#[derive(Deserialize, Default)]
struct AllotQuery {
    lang: Option<String>,
    msg: Option<String>,
    /// How many families a call or an expiry touched.
    n: Option<String>,
    round: Option<String>,
    application: Option<String>,
}

async fn page_ctx(st: &AppState, headers: &HeaderMap, q: &AllotQuery) -> Ctx {
    let pq = PageQuery {
        lang: q.lang.clone(),
        ..Default::default()
    };
    ctx(st, headers, &pq).await
}

// ------------------------------------------------------------------ labels

fn plan_status(l: Lang, s: PlanStatus) -> &'static str {
    l.t(s.zh(), s.en())
}

fn round_status(l: Lang, s: RoundStatus) -> &'static str {
    l.t(s.zh(), s.en())
}

fn call_state(l: Lang, s: CallState) -> &'static str {
    l.t(s.zh(), s.en())
}

fn home_state(l: Lang, s: HomeState) -> &'static str {
    l.t(s.zh(), s.en())
}

fn absent_rule(l: Lang, r: AbsentRule) -> &'static str {
    l.t(r.zh(), r.en())
}

fn dealing_label(l: Lang, d: Dealing) -> &'static str {
    l.t(d.zh(), d.en())
}

const DEALINGS: [Dealing; 5] = [
    Dealing::Sale,
    Dealing::Lease,
    Dealing::Gift,
    Dealing::Mortgage {
        purchase_loan: true,
    },
    Dealing::Mortgage {
        purchase_loan: false,
    },
];

fn district_name(l: Lang, code: &str) -> String {
    match DistrictCode::parse(code) {
        Ok(d) => match l {
            Lang::Zh => d.describe_zh(),
            Lang::En => d.describe_en(),
        },
        Err(_) => code.to_string(),
    }
}

/// A cited article: `阳政办发〔2026〕2号 第十八条` with its words on hover.
fn cite_html(c: &Cite) -> String {
    format!(
        r#"<span class="cite" title="{}">{}</span>"#,
        esc(c.quote),
        esc(&c.short())
    )
}

/// What a finished action is called in the banner after the redirect.
fn done_label(l: Lang, code: &str) -> &'static str {
    match code {
        "create" => l.t("项目已新建", "Project created"),
        "save_plan" => l.t("配售方案已保存", "Plan saved"),
        "plan_submit" => l.t(
            "配售方案已报市住建局审批",
            "Plan submitted to the city housing bureau",
        ),
        "plan_approve" => l.t("配售方案已批准", "Plan approved"),
        "plan_return" => l.t("配售方案已退回修改", "Plan returned"),
        "plan_publish" => l.t("配售方案已公布实施", "Plan published"),
        "draw" => l.t("摇号完成，结果已公布", "Drawn; the result is published"),
        "request_redraw" => l.t(
            "重新摇号申请已提交，待第二人批准",
            "Re-draw requested; a second person must approve",
        ),
        "approve_redraw" => l.t("已批准重新摇号", "Re-draw approved"),
        "start_selection" => l.t("已开始选房", "Selection started"),
        "call_next" => l.t("已叫号", "Families called"),
        "close_round" => l.t("本轮已结束", "Round closed"),
        "absent" => l.t("已登记未到场", "Marked absent"),
        "decline" => l.t("已登记放弃本轮选房", "Passed this round"),
        "choose" => l.t(
            "已选定房源，请在签约期限内签订购房合同",
            "Home chosen; sign the contract by the deadline",
        ),
        "give_up" => l.t("已登记弃购", "Abandonment recorded"),
        "sign" => l.t("购房合同已登记", "Contract recorded"),
        "expire_overdue" => l.t("已处理逾期未签约", "Overdue contracts processed"),
        "register_title" => l.t("不动产权证书已登记", "Title registered"),
        "dealing" => l.t(
            "已登记（购房按揭贷款抵押）",
            "Recorded (purchase-loan mortgage)",
        ),
        _ => l.t("已完成", "Done"),
    }
}

fn done_banner(l: Lang, q: &AllotQuery) -> String {
    match q.msg.as_deref() {
        None => String::new(),
        Some(m) => {
            let n = q.n.as_deref().and_then(|n| n.parse::<u64>().ok());
            let count = n
                .map(|n| format!("{}{n} {}", colon(l), l.t("户", "families")))
                .unwrap_or_default();
            format!(
                r#"<div id="done">{}</div>"#,
                banner("good", &format!("{}{count}", done_label(l, m)))
            )
        }
    }
}

// ------------------------------------------------------------------ small builders

/// Bytes outside `[A-Za-z0-9-_.~]` as %XX, for a path segment or query value.
fn hidden(name: &str, value: &str) -> String {
    format!(
        r#"<input type="hidden" name="{}" value="{}">"#,
        esc(name),
        esc(value)
    )
}

/// A labelled input. `attrs` is trusted markup (type, required …).
fn input(id: &str, name: &str, label: &str, value: &str, attrs: &str) -> String {
    format!(
        r#"<label for="{id}">{label}</label><input id="{id}" name="{name}" value="{value}" {attrs}>"#,
        id = esc(id),
        name = esc(name),
        label = esc(label),
        value = esc(value),
    )
}

fn textarea(id: &str, name: &str, label: &str, value: &str) -> String {
    format!(
        r#"<label for="{id}">{label}</label><textarea id="{id}" name="{name}" rows="3">{value}</textarea>"#,
        id = esc(id),
        name = esc(name),
        label = esc(label),
        value = esc(value),
    )
}

/// A form posting `ty` to the project's act endpoint; `inner` is trusted markup.
fn act_form(
    c: &Ctx,
    pid: &str,
    ty: &str,
    button_id: &str,
    inner: &str,
    button: &str,
    class: &str,
) -> String {
    format!(
        r#"<form method="post" action="/projects/{pid}/act" class="{class}" data-type="{ty}">{csrf}{t}{inner}{open}<button type="submit" id="{bid}"{sec}>{button}</button>{close}</form>"#,
        pid = url_encode(pid),
        csrf = c.csrf(),
        t = hidden("type", ty),
        bid = esc(button_id),
        sec = if class.contains("secondary") {
            r#" class="secondary""#
        } else {
            ""
        },
        open = if class.contains("inline") || inner.is_empty() {
            ""
        } else {
            "<p>"
        },
        close = if class.contains("inline") || inner.is_empty() {
            ""
        } else {
            "</p>"
        },
        button = esc(button),
    )
}

fn role_of(c: &Ctx) -> Option<Role> {
    c.user.as_ref().map(|u| u.user.role)
}

fn is_company(c: &Ctx) -> bool {
    role_of(c) == Some(Role::Company)
}

fn is_staff(c: &Ctx) -> bool {
    matches!(
        role_of(c),
        Some(Role::Company | Role::CityBureau | Role::Auditor)
    )
}

fn min_down_payment(price: Fen, percent: u8) -> Fen {
    price.mul_ratio_ceil(u64::from(percent), 100)
}

/// A value quoted for a POSIX shell.
fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

// ------------------------------------------------------------------ list and new project

async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<AllotQuery>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let l = c.lang;
    let projects = match svc::list_projects(&st, c.user.as_ref()).await {
        Ok(p) => p,
        Err(e) => return c.error(e),
    };
    let mut t = format!(
        r#"<div class="scroll"><table id="projects"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t("项目编号", "Project"),
        l.t("项目名称", "Name"),
        l.t("坐落县（区）", "District"),
        l.t("配售方案", "Plan")
    );
    for p in &projects {
        t.push_str(&format!(
            r#"<tr data-project="{id}"><td><a href="/projects/{href}">{id}</a></td><td><a href="/projects/{href}">{name}</a></td><td>{}</td><td class="plan-status">{}</td></tr>"#,
            esc(&district_name(l, &p.district)),
            plan_status(l, p.plan_status),
            id = esc(&p.id),
            href = url_encode(&p.id),
            name = esc(&p.name),
        ));
    }
    t.push_str("</table></div>");
    if projects.is_empty() {
        t.push_str(&format!(
            "<p>{}</p>",
            l.t("暂无已公布的配售项目。", "No published projects yet.")
        ));
    }
    let new_form = if is_company(&c) {
        new_project_form(&c)
    } else {
        String::new()
    };
    let body = format!(
        r#"{}<h1>{}</h1><div class="card">{}</div>{t}{new_form}"#,
        done_banner(l, &q),
        l.t("配售项目", "Allotment projects"),
        l.t(
            "配售型保障性住房实施“一项目一配售方案”，方案经市住房和城乡建设局批准后公布实施（阳政办发〔2026〕2号 第十五条）。每个项目的房源、价格、摇号名单承诺值、摇号结果均在项目页公开，任何人都可以复核。",
            "Each project has its own plan, approved by the city housing bureau and then published (art. 15). Homes, prices, the lottery commitment and results are public on each project's page, and anyone can re-check the draw."
        ),
    );
    c.render(l.t("配售项目", "Projects"), &body)
}

fn new_project_form(c: &Ctx) -> String {
    let l = c.lang;
    let opts = |with_empty: bool| {
        let mut s = String::new();
        if with_empty {
            s.push_str(&format!(
                r#"<option value="">{}</option>"#,
                l.t("否", "none")
            ));
        }
        for d in YANGQUAN_DISTRICTS.iter() {
            s.push_str(&format!(
                r#"<option value="{code}">{code} {}</option>"#,
                l.t(d.name_zh, d.name_en),
                code = esc(d.code.as_str())
            ));
        }
        s
    };
    let extra: String = YANGQUAN_DISTRICTS
        .iter()
        .map(|d| {
            format!(
                r#"<label><input type="checkbox" name="districts" value="{code}" id="districts-{code}">{code} {}</label>"#,
                l.t(d.name_zh, d.name_en),
                code = esc(d.code.as_str())
            )
        })
        .collect();
    format!(
        r#"<form method="post" action="/projects" class="card" id="new-project"><h2>{title}</h2>{csrf}{id}{name}<label for="district">{district}</label><select id="district" name="district">{o1}</select><fieldset><legend>{serves}</legend>{extra}</fieldset><label for="county_seat_of">{seat}</label><select id="county_seat_of" name="county_seat_of">{o2}</select><p class="muted">{seat_note}</p><p><button type="submit" id="create-project">{create}</button></p></form>"#,
        title = l.t("新建项目", "New project"),
        csrf = c.csrf(),
        id = input(
            "new-id",
            "id",
            l.t(
                "项目编号（字母、数字、“-”）",
                "Project code (letters, digits, -)"
            ),
            "",
            r#"required maxlength="40" placeholder="YQ-2026-02""#
        ),
        name = input(
            "new-name",
            "name",
            l.t("项目名称", "Name"),
            "",
            r#"required maxlength="100""#
        ),
        district = l.t("坐落县（区）", "District where it lies"),
        o1 = opts(false),
        serves = l.t(
            "另外面向以下县（区）的家庭配售（默认只面向坐落地）",
            "Also serves families of (default: its own district only)"
        ),
        seat = l.t(
            "位于哪个县的县城（可选）",
            "County seat it lies in (optional)"
        ),
        o2 = opts(true),
        seat_note = l.t(
            "县城保障范围的家庭仅能申请所在县城范围内的保障性住房（第十一条）。",
            "County-seat families may buy only in their own county seat (art. 11)."
        ),
        create = l.t("新建项目", "Create"),
    )
}

async fn create(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<AllotQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let user = match c.require_user("/projects") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let req = NewProject {
        id: field(&f, "id").unwrap_or("").to_string(),
        name: field(&f, "name").unwrap_or("").to_string(),
        district: field(&f, "district").unwrap_or("").to_string(),
        districts: f
            .iter()
            .filter(|(k, _)| k == "districts")
            .map(|(_, v)| v.clone())
            .collect(),
        county_seat_of: field(&f, "county_seat_of")
            .filter(|s| !s.trim().is_empty())
            .map(String::from),
    };
    match svc::create_project(&st, &user, req).await {
        Ok(p) => {
            Redirect::to(&format!("/projects/{}?msg=create", url_encode(&p.id))).into_response()
        }
        Err(e) => c.error(e),
    }
}

// ------------------------------------------------------------------ project page

/// One round with its draws and entrants.
struct RoundView {
    round: RoundRecord,
    draws: Vec<DrawRecord>,
    entrants: Vec<EntrantRecord>,
}

/// A sold home with its contract, title and recorded dealings.
struct SoldView {
    home_id: String,
    contract: Option<ContractRecord>,
    title: Option<Title>,
    dealings: Vec<(String, NaiveDate)>,
}

struct ProjectView {
    p: ProjectRecord,
    homes: Vec<HomeRecord>,
    check: Option<PriceCheck>,
    rounds: Vec<RoundView>,
    sold: Vec<SoldView>,
}

async fn load_view(st: &AppState, p: ProjectRecord, with_titles: bool) -> ApiResult<ProjectView> {
    let (homes, check) = svc::price_check(st, &p).await?;
    let mut rounds = Vec::new();
    for r in st.store.allotment().allot_rounds(&p.id).await? {
        let draws = st.store.allotment().allot_draws(&p.id, r.round_no).await?;
        let mut entrants = st
            .store
            .allotment()
            .allot_entrants(&p.id, r.round_no)
            .await?;
        entrants.sort_by_key(|e| (e.call_position.unwrap_or(u32::MAX), e.entrant_seq));
        rounds.push(RoundView {
            round: r,
            draws,
            entrants,
        });
    }
    let mut sold = Vec::new();
    if with_titles {
        // Three queries for the project, not three per sold home.
        let store = st.store.allotment();
        let mut contracts: HashMap<String, ContractRecord> = store
            .allot_contracts(&p.id)
            .await?
            .into_iter()
            .map(|c| (c.home_id.clone(), c))
            .collect();
        let mut titles: HashMap<String, Title> =
            store.allot_titles(&p.id).await?.into_iter().collect();
        let mut dealings: HashMap<String, Vec<(String, NaiveDate)>> = HashMap::new();
        for (hid, dealing, on) in store.allot_dealings(&p.id).await? {
            dealings.entry(hid).or_default().push((dealing, on));
        }
        for h in homes.iter().filter(|h| h.state == HomeState::Sold) {
            let hid = h.home.id.as_str();
            sold.push(SoldView {
                home_id: hid.to_string(),
                contract: contracts.remove(hid),
                title: titles.remove(hid),
                dealings: dealings.remove(hid).unwrap_or_default(),
            });
        }
    }
    Ok(ProjectView {
        p,
        homes,
        check,
        rounds,
        sold,
    })
}

async fn detail(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<AllotQuery>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let l = c.lang;
    let view = match svc::load_project(&st, c.user.as_ref(), &id).await {
        Ok(p) => load_view(&st, p, is_staff(&c)).await,
        Err(e) => Err(e),
    };
    let v = match view {
        Ok(v) => v,
        Err(e) => return c.error(e),
    };
    let today = st.clock.today();
    let mut s = done_banner(l, &q);
    s.push_str(&project_head(l, &v.p, !v.rounds.is_empty()));
    s.push_str(&contents(l, &v));
    s.push_str(&plan_html(l, &v.p));
    s.push_str(&price_html(l, v.check.as_ref()));
    s.push_str(&plan_forms(&c, &v));
    for r in &v.rounds {
        s.push_str(&round_html(&c, &v, r, today));
    }
    s.push_str(&open_round_form(&c, &v));
    s.push_str(&expire_form(&c, &v, today));
    if is_staff(&c) && !v.sold.is_empty() {
        s.push_str(&titles_html(&c, &v));
    }
    s.push_str(&homes_html(l, &v.homes));
    if v.rounds.iter().any(|r| !r.draws.is_empty()) {
        s.push_str(&verify_box(l, &v.p.id, &v.rounds));
    }
    c.render(&v.p.name, &s)
}

/// Links to the page's sections (a long page on a phone).
fn contents(l: Lang, v: &ProjectView) -> String {
    let mut links = vec![format!(
        r##"<a href="#plan">{}</a>"##,
        l.t("配售方案", "Plan")
    )];
    for r in &v.rounds {
        links.push(format!(
            r##"<a href="#round-{n}">{}</a>"##,
            round_name(l, r.round.round_no),
            n = r.round.round_no
        ));
    }
    if !v.sold.is_empty() {
        links.push(format!(
            r##"<a href="#titles">{}</a>"##,
            l.t("合同与产权", "Titles")
        ));
    }
    links.push(format!(
        r##"<a href="#homes-list">{}</a>"##,
        l.t("房源", "Homes")
    ));
    if v.rounds.iter().any(|r| !r.draws.is_empty()) {
        links.push(format!(
            r##"<a href="#how-to-verify">{}</a>"##,
            l.t("如何验证", "How to verify")
        ));
    }
    format!(
        r#"<p class="noprint" id="contents">{}</p>"#,
        links.join(" · ")
    )
}

fn project_head(l: Lang, p: &ProjectRecord, has_rounds: bool) -> String {
    let k = colon(l);
    let serves: Vec<String> = p
        .area
        .districts
        .iter()
        .map(|d| district_name(l, d))
        .collect();
    let seat = p
        .area
        .county_seat_of
        .as_deref()
        .map(|c| {
            format!(
                "<p>{}{k}{}</p>",
                l.t("位于县城", "In the county seat of"),
                esc(&district_name(l, c))
            )
        })
        .unwrap_or_default();
    let returned = p
        .returned_reason
        .as_deref()
        .filter(|_| p.plan_status == PlanStatus::Returned)
        .map(|r| {
            banner(
                "warn",
                &format!("{}{r}", l.t("退回原因：", "Returned because: ")),
            )
        })
        .unwrap_or_default();
    format!(
        r#"<p class="muted"><a href="/projects">{back}</a></p><h1>{name} <span class="muted">{id}</span></h1>{returned}<div class="card"><p>{status_l}{k}<strong id="plan-status">{status}</strong></p><p>{district_l}{k}{district}</p><p>{serves_l}{k}{serves}</p>{seat}{xlsx}</div>"#,
        back = l.t("← 全部配售项目", "← All projects"),
        name = esc(&p.name),
        id = esc(&p.id),
        status_l = l.t("配售方案状态", "Plan status"),
        status = plan_status(l, p.plan_status),
        district_l = l.t("坐落县（区）", "District"),
        district = esc(&district_name(l, &p.district)),
        serves_l = l.t("配售对象所在县（区）", "Serves families of"),
        serves = esc(&serves.join("、")),
        xlsx = if has_rounds {
            format!(
                r#"<p><a class="button secondary" href="/api/v1/projects/{}/results.xlsx" id="results-xlsx">{}</a></p>"#,
                url_encode(&p.id),
                l.t("下载配售结果（Excel）", "Results (Excel)")
            )
        } else {
            String::new()
        },
    )
}

/// A label's colon: full-width in Chinese.
fn colon(l: Lang) -> &'static str {
    l.t("：", ": ")
}

/// 第1轮 / Round 1.
fn round_name(l: Lang, n: u8) -> String {
    match l {
        Lang::Zh => format!("第{n}轮"),
        Lang::En => format!("Round {n}"),
    }
}

fn schedule_text(l: Lang, w: &RoundWindow) -> String {
    format!(
        "{}{}{} {} {}",
        round_name(l, w.round),
        l.t("选房期：", ": "),
        w.opens,
        l.t("至", "to"),
        w.closes
    )
}

fn plan_html(l: Lang, p: &ProjectRecord) -> String {
    let Some(t) = &p.plan else {
        return format!(
            r#"<div class="card" id="plan"><h2>{}</h2><p>{}</p></div>"#,
            l.t("配售方案", "Plan"),
            l.t(
                "实施主体尚未编制配售方案。",
                "The implementing company has not written the plan yet."
            )
        );
    };
    let row = |k: &str, v: &str| format!("<tr><th>{}</th><td>{}</td></tr>", esc(k), v);
    let sched: Vec<String> = t
        .schedule
        .iter()
        .map(|w| esc(&schedule_text(l, w)))
        .collect();
    let mut rows = String::new();
    rows.push_str(&row(l.t("项目名称", "Project name"), &esc(&t.name)));
    rows.push_str(&row(l.t("坐落", "Location"), &esc(&t.location)));
    rows.push_str(&row(
        l.t("配售价格（政府指导价）", "Price (government guided price)"),
        &format!(
            "{} {}/㎡ · {}",
            esc(&t.guided_price_per_m2.to_string()),
            l.t("元", "yuan"),
            cite_html(&anju_allotment::cite::ART17_PRICE)
        ),
    ));
    rows.push_str(&row(l.t("配售方式", "Sale method"), &esc(&t.sale_method)));
    rows.push_str(&row(
        l.t("摇号规则", "Lottery rules"),
        &format!(
            "{}<br><span class=\"muted\">{}</span>",
            esc(&t.lottery_rules),
            l.t(
                "算法见 docs/lottery.md（anju-lottery-v1）",
                "Algorithm: docs/lottery.md (anju-lottery-v1)"
            )
        ),
    ));
    rows.push_str(&row(
        l.t("配售活动安排", "Schedule"),
        &format!("{}<br>{}", sched.join("<br>"), cite_html(&ART16_TIERS)),
    ));
    rows.push_str(&row(l.t("回购事宜", "Buyback"), &esc(&t.buyback_terms)));
    rows.push_str(&row(
        l.t("未到场处理", "Families absent when called"),
        &esc(absent_rule(l, t.absent_rule)),
    ));
    rows.push_str(&row(
        l.t("签约期限", "Signing deadline"),
        &format!(
            "{} {} · {}",
            t.signing_days,
            l.t(
                "日内（选定房源之日起，自然日）",
                "calendar days after choosing"
            ),
            cite_html(&LOUDI_8_1_2_SIGNING)
        ),
    ));
    rows.push_str(&row(
        l.t("最低首付比例", "Minimum down payment"),
        &format!(
            "{}% · {}",
            t.min_down_payment_percent,
            cite_html(&DOWN_PAYMENT_CITE)
        ),
    ));
    format!(
        r#"<div class="card" id="plan"><h2>{}</h2><p class="muted">{}</p><div class="scroll"><table id="plan-terms">{rows}</table></div></div>"#,
        l.t("配售方案", "Plan"),
        cite_html(&anju_allotment::cite::ART15_ONE_PLAN),
    )
}

fn price_html(l: Lang, check: Option<&PriceCheck>) -> String {
    let Some(ch) = check else {
        return String::new();
    };
    let mut s = format!(
        r#"<div class="card" id="price-check"><h2>{}</h2>"#,
        l.t("价格核定", "Price check")
    );
    if ch.passed() {
        s.push_str(&banner(
            "good",
            &format!(
                "{} {} {}",
                l.t("通过：", "Passed:"),
                ch.homes_checked,
                l.t(
                    "套房源的配售价格均不高于政府指导价×建筑面积；收购房源均不超过收购成本+5%（阳政办发〔2026〕2号 第十七条；娄底方案七、(一)2）",
                    "homes, none above the guided price × floor area, acquired homes within cost + 5% (art. 17; Loudi 7(1)2)"
                )
            ),
        ));
    } else if ch.homes_checked == 0 {
        s.push_str(&banner(
            "info",
            l.t(
                "尚无房源，请导入房源表。",
                "No homes yet: import the homes file.",
            ),
        ));
    } else {
        s.push_str(&banner(
            "bad",
            &format!(
                "{} {} {}",
                l.t("未通过：", "Failed:"),
                ch.violations.len(),
                l.t("处价格超出允许范围", "prices above what the articles allow")
            ),
        ));
        s.push_str(r#"<ul id="price-violations">"#);
        for v in &ch.violations {
            s.push_str(&format!(
                "<li>{} — {}</li>",
                esc(&v.message),
                cite_html(&v.citation)
            ));
        }
        s.push_str("</ul>");
    }
    s.push_str("</div>");
    s
}

fn homes_html(l: Lang, homes: &[HomeRecord]) -> String {
    let k = colon(l);
    let mut s = format!(
        r#"<h2 id="homes-list">{}</h2><p>{} {} · {} {}</p>"#,
        l.t("房源", "Homes"),
        homes.len(),
        l.t("套", "homes"),
        homes
            .iter()
            .filter(|h| h.state == HomeState::Available)
            .count(),
        l.t("套可选", "available"),
    );
    if homes.is_empty() {
        return s;
    }
    s.push_str(&format!(
        r#"<div class="scroll"><table id="homes"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t("房源（楼栋-单元-房号）", "Home (building-unit-number)"),
        l.t("楼层", "Floor"),
        l.t("建筑面积（㎡）", "Floor area (m²)"),
        l.t("户型", "Layout"),
        l.t("朝向", "Orientation"),
        l.t("房源类型", "Source"),
        l.t("配售价格（元）", "Price (yuan)"),
        l.t("状态", "State"),
    ));
    for h in homes {
        let x = &h.home;
        s.push_str(&format!(
            r#"<tr data-home="{id}"><td>{id}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="price">{}</td><td class="state">{}</td></tr>"#,
            x.floor,
            x.floor_area,
            esc(&x.layout),
            esc(&x.orientation),
            l.t(x.source.zh(), x.source.en()),
            x.price,
            home_state(l, h.state),
            id = esc(x.id.as_str()),
        ));
    }
    s.push_str(&format!(
        r#"</table></div><p class="muted">{}{k}{}</p>"#,
        l.t("价格依据", "Prices"),
        cite_html(&anju_allotment::cite::ART17_PRICE)
    ));
    s
}

// ------------------------------------------------------------------ plan forms (company, city bureau)

fn plan_forms(c: &Ctx, v: &ProjectView) -> String {
    let p = &v.p;
    let version = p.version.to_string();
    let mut s = String::new();
    match role_of(c) {
        Some(Role::Company) => {
            if p.plan_status.editable() {
                s.push_str(&plan_form(c, p));
                s.push_str(&homes_upload_form(c, &p.id));
                if p.plan.is_some() {
                    s.push_str(&act_form(
                        c,
                        &p.id,
                        "plan_submit",
                        "act-plan_submit",
                        &hidden("version", &version),
                        c.lang.t("报批（报市住建局审批）", "Submit for approval"),
                        "card",
                    ));
                }
            }
            if p.plan_status == PlanStatus::Approved {
                s.push_str(&act_form(
                    c,
                    &p.id,
                    "plan_publish",
                    "act-plan_publish",
                    &hidden("version", &version),
                    c.lang.t("公布实施", "Publish"),
                    "card",
                ));
            }
        }
        Some(Role::CityBureau) if p.plan_status == PlanStatus::Submitted => {
            let l = c.lang;
            s.push_str(&format!(
                r#"<div class="card" id="approval"><h2>{}</h2><p class="muted">{}</p>"#,
                l.t("审批配售方案", "Approve the plan"),
                cite_html(&anju_allotment::cite::ART15_ONE_PLAN)
            ));
            s.push_str(&act_form(
                c,
                &p.id,
                "plan_approve",
                "act-plan_approve",
                &hidden("version", &version),
                l.t("批准", "Approve"),
                "inline",
            ));
            let reason = textarea(
                "return-reason",
                "reason",
                l.t("退回原因", "Reason for return"),
                "",
            );
            s.push_str(&act_form(
                c,
                &p.id,
                "plan_return",
                "act-plan_return",
                &format!("{}{reason}", hidden("version", &version)),
                l.t("退回修改", "Return"),
                "secondary",
            ));
            s.push_str("</div>");
        }
        _ => {}
    }
    s
}

fn plan_form(c: &Ctx, p: &ProjectRecord) -> String {
    let l = c.lang;
    let t = p.plan.as_ref();
    let text = |get: fn(&PlanTerms) -> &str| t.map(get).unwrap_or("").to_string();
    let mut s = String::new();
    s.push_str(&input(
        "plan-name",
        "name",
        l.t("项目名称", "Project name"),
        &t.map_or(p.name.clone(), |t| t.name.clone()),
        "required",
    ));
    s.push_str(&input(
        "plan-location",
        "location",
        l.t("坐落", "Location"),
        &text(|t| &t.location),
        "required",
    ));
    s.push_str(&input(
        "plan-guided",
        "guided_price_per_m2",
        l.t(
            "政府指导价（元/㎡，第十七条）",
            "Guided price (yuan/m², art. 17)",
        ),
        &t.map(|t| t.guided_price_per_m2.to_string())
            .unwrap_or_default(),
        r#"inputmode="decimal" required"#,
    ));
    s.push_str(&input(
        "plan-sale-method",
        "sale_method",
        l.t("配售方式", "Sale method"),
        &t.map_or("摇号选房".to_string(), |t| t.sale_method.clone()),
        "required",
    ));
    s.push_str(&textarea(
        "plan-lottery-rules",
        "lottery_rules",
        l.t(
            "摇号规则（含公证随机值的来源和书写格式）",
            "Lottery rules (incl. the reveal's source and format)",
        ),
        &text(|t| &t.lottery_rules),
    ));
    s.push_str(&schedule_fields(l, t));
    s.push_str(&textarea(
        "plan-buyback",
        "buyback_terms",
        l.t("回购事宜", "Buyback"),
        &text(|t| &t.buyback_terms),
    ));
    s.push_str(&absent_select(
        l,
        t.map_or(AbsentRule::CallAgainAtEnd, |t| t.absent_rule),
    ));
    s.push_str(&input(
        "plan-signing-days",
        "signing_days",
        l.t(
            "签约期限（日，不超过15日，娄底方案八、(一)2）",
            "Days to sign (at most 15)",
        ),
        &t.map_or(15, |t| t.signing_days).to_string(),
        r#"inputmode="numeric""#,
    ));
    s.push_str(&input(
        "plan-min-down",
        "min_down_payment_percent",
        l.t(
            "最低首付比例（%，不低于15，娄底方案八、(一)3）",
            "Minimum down payment (%, at least 15)",
        ),
        &t.map_or(15, |t| t.min_down_payment_percent).to_string(),
        r#"inputmode="numeric""#,
    ));
    s.push_str(&hidden("version", &p.version.to_string()));
    format!(
        r#"<details class="card" id="plan-editor"{open}><summary><strong>{title}</strong></summary>{form}</details>"#,
        open = if p.plan.is_none() { " open" } else { "" },
        title = l.t("编制配售方案（第十五条）", "Write the plan (art. 15)"),
        form = act_form(
            c,
            &p.id,
            "save_plan",
            "act-save_plan",
            &s,
            l.t("保存配售方案", "Save plan"),
            "plan-form"
        ),
    )
}

/// The schedule's date fields: one window per round (art. 16).
fn schedule_fields(l: Lang, t: Option<&PlanTerms>) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "<fieldset><legend>{}</legend>",
        l.t(
            "配售活动安排（每轮选房期，1至3轮，第十六条）",
            "Schedule (selection window per round, 1 to 3 rounds, art. 16)"
        )
    ));
    for r in 1..=3u8 {
        let w = t.and_then(|t| t.window(r));
        s.push_str(&format!(
            r#"<div class="grid"><div>{}</div><div>{}</div></div>"#,
            input(
                &format!("r{r}-opens"),
                &format!("r{r}_opens"),
                &format!("{}{}", round_name(l, r), l.t("开始", " opens")),
                &w.map(|w| w.opens.to_string()).unwrap_or_default(),
                r#"type="date""#
            ),
            input(
                &format!("r{r}-closes"),
                &format!("r{r}_closes"),
                &format!("{}{}", round_name(l, r), l.t("结束", " closes")),
                &w.map(|w| w.closes.to_string()).unwrap_or_default(),
                r#"type="date""#
            ),
        ));
    }
    s.push_str("</fieldset>");
    s
}

fn absent_select(l: Lang, rule: AbsentRule) -> String {
    let opt = |r: AbsentRule, code: &str| {
        format!(
            r#"<option value="{code}"{}>{}</option>"#,
            if r == rule { " selected" } else { "" },
            absent_rule(l, r)
        )
    };
    format!(
        r#"<label for="plan-absent">{}</label><select id="plan-absent" name="absent_rule">{}{}</select>"#,
        l.t("未到场处理", "Families absent when called"),
        opt(AbsentRule::CallAgainAtEnd, "call_again_at_end"),
        opt(AbsentRule::PassRound, "pass_round"),
    )
}

fn homes_upload_form(c: &Ctx, pid: &str) -> String {
    let l = c.lang;
    format!(
        r#"<form method="post" action="/projects/{href}/act" enctype="multipart/form-data" class="card" id="homes-upload"><h2>{title}</h2><p>{note}</p><p><a class="button secondary" href="/api/v1/projects/homes-template.xlsx" id="homes-template-xlsx">{xlsx}</a> <a class="button secondary" href="/api/v1/projects/homes-template.csv" id="homes-template-csv">{csv}</a></p>{csrf}{t}<label for="homes-file">{file}</label><input type="file" id="homes-file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required><p><button type="submit" id="act-import_homes">{go}</button></p></form>"#,
        href = url_encode(pid),
        title = l.t("导入房源表", "Import the homes file"),
        note = l.t(
            "每行一套房源；CSV（UTF-8）或 Excel。有错误的行逐行列出原因，其余行照常导入；同一房源再次导入即更正。",
            "One row per home; CSV (UTF-8) or Excel. Every bad row is listed with its reason; good rows are imported. Importing a home again corrects it."
        ),
        xlsx = l.t("下载 Excel 模板", "Excel template"),
        csv = l.t("下载 CSV 模板", "CSV template"),
        csrf = c.csrf(),
        t = hidden("type", "import_homes"),
        file = l.t("房源表文件", "Homes file"),
        go = l.t("上传并导入", "Upload"),
    )
}

// ------------------------------------------------------------------ rounds

fn round_html(c: &Ctx, v: &ProjectView, rv: &RoundView, today: NaiveDate) -> String {
    let l = c.lang;
    let k = colon(l);
    let r = &rv.round;
    let n = r.round_no;
    let pid = &v.p.id;
    let mut s = format!(
        r#"<section class="card round" id="round-{n}"><h2>{} — <span class="round-status">{}</span></h2><p>{}{k}{} {} · {}</p><p>{}{k}<code class="commitment" id="commitment-{n}">{}</code></p><p><a href="/api/v1/projects/{href}/rounds/{n}/entrants.csv" class="entrants-file" download>{}</a></p>"#,
        round_name(l, n),
        round_status(l, r.status),
        l.t("参加家庭", "Entrants"),
        r.entrant_count,
        l.t("户", "families"),
        cite_html(&ART16_TIERS),
        l.t(
            "参与名单承诺值（SHA-256，摇号前公布）",
            "Entrant list commitment (SHA-256, published before the draw)"
        ),
        esc(&r.commitment),
        l.t(
            "下载参与名单文件（entrants.csv）",
            "Download the entrant file (entrants.csv)"
        ),
        href = url_encode(pid),
    );
    if let Some(reason) = r.redraw_reason.as_deref() {
        let state = if r.redraw_approved_by.is_some() {
            l.t("已批准，待重新摇号", "approved, awaiting the re-draw")
        } else {
            l.t("待第二人批准", "awaiting a second approver")
        };
        s.push_str(&banner(
            "info",
            &format!(
                "{}{reason}（{state}）",
                l.t("重新摇号申请：", "Re-draw requested: ")
            ),
        ));
    }
    s.push_str(&excluded_html(l, &r.excluded_json));
    s.push_str(&draws_html(l, pid, n, &rv.draws));
    s.push_str(&results_html(l, n, &rv.entrants));
    s.push_str(&round_forms(c, pid, r));
    if is_company(c) {
        s.push_str(&venue_html(c, v, rv, today));
    }
    s.push_str("</section>");
    s
}

/// The qualified families left out of a round when it was frozen, each
/// with its reason and article (application numbers only).
fn excluded_html(l: Lang, excluded_json: &str) -> String {
    let items: Vec<serde_json::Value> = serde_json::from_str(excluded_json).unwrap_or_default();
    if items.is_empty() {
        return String::new();
    }
    let rows: String = items
        .iter()
        .map(|e| {
            let cite = &e["citation"];
            format!(
                "<tr><td>{}</td><td>{}</td><td>{} {}</td></tr>",
                esc(e["application_id"].as_str().unwrap_or("")),
                esc(e["reason"].as_str().unwrap_or("")),
                esc(cite["document"].as_str().unwrap_or("")),
                esc(cite["article"].as_str().unwrap_or("")),
            )
        })
        .collect();
    format!(
        r#"<details class="excluded"><summary>{} {}</summary><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{rows}</tbody></table></details>"#,
        l.t(
            "未进入本轮的已取得资格家庭",
            "Qualified families not in this round"
        ),
        items.len(),
        l.t("申请编号", "Application"),
        l.t("原因", "Reason"),
        l.t("依据", "Article"),
    )
}

fn draws_html(l: Lang, pid: &str, n: u8, draws: &[DrawRecord]) -> String {
    if draws.is_empty() {
        return format!("<p>{}</p>", l.t("尚未摇号。", "Not drawn yet."));
    }
    let mut s = format!(
        r#"<h3>{}</h3><div class="scroll"><table class="draws" id="draws-{n}"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t("摇号记录", "Draws"),
        l.t("次序", "No."),
        l.t("公证员", "Notary"),
        l.t("公证随机值", "Reveal"),
        l.t("种子", "Seed"),
        l.t("状态", "Status"),
        l.t("重新摇号理由", "Re-draw reason"),
        l.t("文件与复核", "Files and check"),
    );
    for d in draws {
        s.push_str(&format!(
            r#"<tr class="draw" data-draw="{no}"><td>{no}</td><td>{}</td><td><code class="reveal">{}</code></td><td><code>{}</code></td><td>{}</td><td>{}</td><td><a href="/api/v1/projects/{href}/rounds/{n}/draws/{no}/result.csv" class="result-file" download>{}</a><br><a href="/projects/{href}/rounds/{n}/draws/{no}/verify" class="verify-link">{}</a></td></tr>"#,
            esc(&d.notary),
            esc(&d.reveal),
            esc(&d.seed),
            if d.superseded { l.t("已作废（已重新摇号）", "superseded") } else { l.t("现行结果", "current") },
            esc(d.redraw_reason.as_deref().unwrap_or("")),
            l.t("结果文件", "Result file"),
            l.t("在线复核", "Check online"),
            no = d.draw_no,
            href = url_encode(pid),
        ));
    }
    s.push_str("</table></div>");
    s
}

fn results_html(l: Lang, n: u8, entrants: &[EntrantRecord]) -> String {
    let mut s = format!(
        r#"<h3>{}</h3><p class="muted">{} {}</p><div class="scroll"><table class="results" id="results-{n}"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t(
            "配售结果（姓名、身份证号已脱敏）",
            "Results (names and IDs masked)"
        ),
        l.t(
            "优先选房群体按摇号顺序先选房：",
            "Priority groups choose first, in draw order:"
        ),
        cite_html(&LOUDI_8_1_1_PRIORITY),
        l.t("选房顺序号", "Call no."),
        l.t("摇号顺序号", "Draw no."),
        l.t("优先", "Priority"),
        l.t("申请编号", "Application"),
        l.t("姓名", "Name"),
        l.t("身份证号", "ID number"),
        l.t("状态", "State"),
        l.t("所选房源", "Home"),
    );
    let num = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    for e in entrants {
        s.push_str(&format!(
            r#"<tr class="entrant" id="entrant-{n}-{app}" data-application="{app}"><td>{}</td><td>{}</td><td>{}</td><td>{app}</td><td class="masked-name">{}</td><td class="masked-id">{}</td><td class="state">{}</td><td class="home">{}</td></tr>"#,
            num(e.call_position),
            num(e.draw_position),
            if e.priority { l.t("是", "yes") } else { "" },
            esc(&e.masked_name),
            esc(&e.masked_id),
            call_state(l, e.state),
            esc(e.home_id.as_deref().unwrap_or("")),
            app = esc(&e.application_id),
        ));
    }
    s.push_str("</table></div>");
    s
}

/// The round's buttons, by role and status.
fn round_forms(c: &Ctx, pid: &str, r: &RoundRecord) -> String {
    let n = r.round_no;
    let mut s = approve_redraw_form(c, pid, r);
    if !is_company(c) {
        return s;
    }
    let redraw_ready = r.status == RoundStatus::Drawn && r.redraw_approved_by.is_some();
    if r.status == RoundStatus::Frozen || redraw_ready {
        s.push_str(&draw_form(c, pid, n));
    }
    if r.status == RoundStatus::Drawn && r.redraw_reason.is_none() {
        s.push_str(&drawn_forms(c, pid, n));
    }
    if r.status == RoundStatus::Selecting {
        s.push_str(&selecting_forms(c, pid, n));
    }
    s
}

/// A pending re-draw, for a second person: the city bureau or another company officer.
fn approve_redraw_form(c: &Ctx, pid: &str, r: &RoundRecord) -> String {
    let n = r.round_no;
    let pending = r.redraw_reason.is_some() && r.redraw_approved_by.is_none();
    let me = c.user.as_ref().map(|u| u.user.id.as_str().to_string());
    let may_approve = match role_of(c) {
        Some(Role::CityBureau) => true,
        Some(Role::Company) => me.as_deref() != r.redraw_requested_by.as_deref(),
        _ => false,
    };
    if !(pending && may_approve) {
        return String::new();
    }
    act_form(
        c,
        pid,
        "approve_redraw",
        &format!("act-approve_redraw-{n}"),
        &hidden("round", &n.to_string()),
        c.lang.t(
            "批准重新摇号（第二人）",
            "Approve the re-draw (second person)",
        ),
        "card",
    )
}

fn draw_form(c: &Ctx, pid: &str, n: u8) -> String {
    let l = c.lang;
    let rf = hidden("round", &n.to_string());
    let inner = format!(
        "{rf}{}{}<p class=\"muted\">{}</p>",
        input(&format!("draw-notary-{n}"), "notary", l.t("公证员姓名及公证机构", "Notary's name and office"), "", r#"required maxlength="100""#),
        input(&format!("draw-reveal-{n}"), "reveal", l.t("公证随机值（按摇号规则规定的来源和格式，半角字符）", "Reveal (source and format as the lottery rules fix; ASCII only)"), "", r#"required maxlength="256" autocomplete="off""#),
        l.t("摇号结果由承诺值和公证随机值唯一确定，任何人都可复核（docs/lottery.md）。", "The result follows from the commitment and the reveal alone; anyone can re-check it (docs/lottery.md)."),
    );
    act_form(
        c,
        pid,
        "draw",
        &format!("act-draw-{n}"),
        &inner,
        l.t("摇号", "Draw"),
        "card",
    )
}

/// Drawn: start selection, or ask for a re-draw.
fn drawn_forms(c: &Ctx, pid: &str, n: u8) -> String {
    let l = c.lang;
    let rf = hidden("round", &n.to_string());
    let mut s = String::new();
    s.push_str(&act_form(
        c,
        pid,
        "start_selection",
        &format!("act-start_selection-{n}"),
        &rf,
        l.t("开始选房", "Start selection"),
        "card",
    ));
    let inner = format!(
        "{rf}{}",
        textarea(
            &format!("redraw-reason-{n}"),
            "reason",
            l.t(
                "重新摇号理由（须书面写明，经第二人批准）",
                "Reason for a re-draw (written; a second person approves)"
            ),
            ""
        )
    );
    s.push_str(&act_form(
        c,
        pid,
        "request_redraw",
        &format!("act-request_redraw-{n}"),
        &inner,
        l.t("申请重新摇号", "Request a re-draw"),
        "card secondary",
    ));
    s
}

/// Selecting: call the next families, or close the round.
fn selecting_forms(c: &Ctx, pid: &str, n: u8) -> String {
    let l = c.lang;
    let rf = hidden("round", &n.to_string());
    let mut s = String::new();
    let inner = format!(
        "{rf}{}",
        input(
            &format!("call-count-{n}"),
            "count",
            l.t("叫号户数", "Families to call"),
            "10",
            r#"inputmode="numeric""#
        )
    );
    s.push_str(&act_form(
        c,
        pid,
        "call_next",
        &format!("act-call_next-{n}"),
        &inner,
        l.t("叫号", "Call"),
        "card",
    ));
    s.push_str(&act_form(
        c,
        pid,
        "close_round",
        &format!("act-close_round-{n}"),
        &rf,
        l.t(
            "结束本轮（未选房的家庭视为本轮未选房）",
            "Close the round (families not yet chosen pass)",
        ),
        "card secondary",
    ));
    s
}

/// The open-next-round button (company, published plan).
fn open_round_form(c: &Ctx, v: &ProjectView) -> String {
    if !is_company(c) || v.p.plan_status != PlanStatus::Published {
        return String::new();
    }
    let last = v.rounds.last().map(|r| (r.round.round_no, r.round.status));
    let next = match last {
        None => 1,
        Some((n, RoundStatus::Closed)) if n < 3 => n + 1,
        _ => return String::new(),
    };
    let l = c.lang;
    let label = match l {
        Lang::Zh => format!("开启第{next}轮（冻结名单）"),
        Lang::En => format!("Open round {next} (freeze the entrant list)"),
    };
    let inner = format!(
        "{}<p class=\"muted\">{} {}</p>",
        hidden("round", &next.to_string()),
        l.t(
            "按资格层级确定可参加本轮的家庭，冻结参与名单并公布其承诺值；不能参加的家庭逐一列出原因。",
            "Works out which families may enter by tier, freezes the list and publishes its commitment; families left out are listed with the reason."
        ),
        cite_html(&ART16_TIERS),
    );
    act_form(
        c,
        &v.p.id,
        "open_round",
        "act-open_round",
        &inner,
        &label,
        "card",
    )
}

/// The company's desk at the venue: called and chosen families.
fn venue_html(c: &Ctx, v: &ProjectView, rv: &RoundView, today: NaiveDate) -> String {
    let l = c.lang;
    let selecting = rv.round.status == RoundStatus::Selecting;
    let available: Vec<&HomeRecord> = v
        .homes
        .iter()
        .filter(|h| h.state == HomeState::Available)
        .collect();
    let prices: HashMap<&str, Fen> = v
        .homes
        .iter()
        .map(|h| (h.home.id.as_str(), h.home.price))
        .collect();
    let min_pct = v.p.plan.as_ref().map_or(15, |t| t.min_down_payment_percent);
    let mut s = String::new();
    for e in &rv.entrants {
        let card = match e.state {
            CallState::Called if selecting => {
                called_card(c, &v.p.id, rv.round.round_no, e, &available)
            }
            CallState::Chosen => {
                let price = e.home_id.as_deref().and_then(|h| prices.get(h).copied());
                chosen_card(c, &v.p.id, rv.round.round_no, e, price, min_pct, today)
            }
            _ => continue,
        };
        s.push_str(&card);
    }
    if s.is_empty() {
        return s;
    }
    format!(
        r#"<h3>{}</h3><div class="venue">{s}</div>"#,
        l.t("现场办理", "At the venue")
    )
}

fn entrant_fields(round: u8, e: &EntrantRecord) -> String {
    format!(
        "{}{}",
        hidden("round", &round.to_string()),
        hidden("application_id", &e.application_id)
    )
}

fn home_options(l: Lang, homes: &[&HomeRecord]) -> String {
    homes
        .iter()
        .map(|h| {
            format!(
                r#"<option value="{id}">{id} · {} ㎡ · {} · {} {}</option>"#,
                h.home.floor_area,
                esc(&h.home.layout),
                h.home.price,
                l.t("元", "yuan"),
                id = esc(h.home.id.as_str())
            )
        })
        .collect()
}

fn called_card(
    c: &Ctx,
    pid: &str,
    round: u8,
    e: &EntrantRecord,
    available: &[&HomeRecord],
) -> String {
    let l = c.lang;
    let app = &e.application_id;
    let f = entrant_fields(round, e);
    let choose = format!(
        r#"{f}<label for="choose-home-{a}">{}</label><select id="choose-home-{a}" name="home_id">{}</select>"#,
        l.t("代为选房：房源", "Choose on the family's behalf: home"),
        home_options(l, available),
        a = esc(app),
    );
    format!(
        r#"<div class="card venue-entrant" data-application="{a}"><p><strong>{a}</strong> {} {} · {}</p>{}{}{}</div>"#,
        esc(&e.masked_name),
        esc(&e.masked_id),
        call_state(l, e.state),
        act_form(
            c,
            pid,
            "choose",
            &format!("act-choose-{app}"),
            &choose,
            l.t("代为选房", "Choose"),
            "inline"
        ),
        act_form(
            c,
            pid,
            "absent",
            &format!("act-absent-{app}"),
            &f,
            l.t("未到场", "Absent"),
            "inline secondary"
        ),
        act_form(
            c,
            pid,
            "decline",
            &format!("act-decline-{app}"),
            &f,
            l.t("放弃本轮", "Passes this round"),
            "inline secondary"
        ),
        a = esc(app),
    )
}

fn chosen_card(
    c: &Ctx,
    pid: &str,
    round: u8,
    e: &EntrantRecord,
    price: Option<Fen>,
    min_pct: u8,
    today: NaiveDate,
) -> String {
    let l = c.lang;
    let k = colon(l);
    let app = &e.application_id;
    let f = entrant_fields(round, e);
    let home = e.home_id.as_deref().unwrap_or("");
    let overdue = e.sign_by.is_some_and(|d| today > d);
    let deadline = e.sign_by.map(|d| d.to_string()).unwrap_or_default();
    let money = price
        .map(|p| money_line(l, app, p, min_pct))
        .unwrap_or_default();
    let sign_inner = sign_fields(l, &f, app);
    let give_up = format!(
        "{f}{}",
        give_up_confirm(l, &format!("confirm-give-up-{app}"))
    );
    format!(
        r#"<div class="card venue-entrant" data-application="{a}"><p><strong>{a}</strong> {} {} · {} · {}{k}<strong>{h}</strong> · {}{k}{deadline}{late} · {}</p>{money}{}{}</div>"#,
        esc(&e.masked_name),
        esc(&e.masked_id),
        call_state(l, e.state),
        l.t("房源", "Home"),
        l.t("签约期限", "Sign by"),
        cite_html(&LOUDI_8_1_2_SIGNING),
        act_form(
            c,
            pid,
            "sign",
            &format!("act-sign-{app}"),
            &sign_inner,
            l.t("签约", "Sign"),
            "sign-form"
        ),
        act_form(
            c,
            pid,
            "give_up",
            &format!("act-give_up-{app}"),
            &give_up,
            l.t("登记弃购", "Record abandonment"),
            "secondary"
        ),
        a = esc(app),
        h = esc(home),
        late = if overdue {
            format!("（{}）", l.t("已逾期", "overdue"))
        } else {
            String::new()
        },
    )
}

/// The price and the minimum down payment, rounded up to the fen (Loudi 8(1)3).
fn money_line(l: Lang, app: &str, p: Fen, min_pct: u8) -> String {
    let k = colon(l);
    format!(
        r#"<p>{}{k}<strong class="price" id="price-{a}" data-fen="{}">{p}</strong> {} · {}{k}<strong class="min-down" id="min-down-{a}">{}</strong> {}（{} × {min_pct}%，{} · {}）</p>"#,
        l.t("房价", "Price"),
        p.fen(),
        l.t("元", "yuan"),
        l.t("最低首付", "Minimum down payment"),
        min_down_payment(p, min_pct),
        l.t("元", "yuan"),
        l.t("房价", "price"),
        l.t("向上取整到分", "rounded up to the fen"),
        cite_html(&DOWN_PAYMENT_CITE),
        a = esc(app),
    )
}

/// The contract fields; `f` is the entrant's hidden fields (markup).
fn sign_fields(l: Lang, f: &str, app: &str) -> String {
    format!(
        "{f}{}{}{}{}<p class=\"muted\">{}</p>",
        input(
            &format!("contract-no-{app}"),
            "contract_no",
            l.t("合同编号", "Contract number"),
            "",
            r#"required maxlength="40""#
        ),
        input(
            &format!("down-payment-{app}"),
            "down_payment",
            l.t("首付款（元）", "Down payment (yuan)"),
            "",
            r#"inputmode="decimal" required"#
        ),
        input(
            &format!("pf-loan-{app}"),
            "provident_fund_loan",
            l.t("公积金贷款（元）", "Provident fund loan (yuan)"),
            "",
            r#"inputmode="decimal""#
        ),
        input(
            &format!("commercial-loan-{app}"),
            "commercial_loan",
            l.t("商业贷款（元）", "Commercial loan (yuan)"),
            "",
            r#"inputmode="decimal""#
        ),
        l.t(
            "首付款与贷款合计须等于房价；支持组合贷款（公积金+商业按揭）。",
            "Down payment plus loans must equal the price; combined loans are allowed."
        ),
    )
}

/// The warning and confirmation a give-up needs (art. 14).
fn give_up_confirm(l: Lang, id: &str) -> String {
    format!(
        r#"{}<p class="muted">{}</p><label><input type="checkbox" name="confirm" id="{id}" required>{}</label>"#,
        banner(
            "warn",
            l.t(
                "放弃所选房源即为弃购：首次选房后弃购的，2年内不予受理保障性住房购房申请；二次选房后弃购的，5年内不予受理（阳政办发〔2026〕2号 第十四条）。",
                "Giving up the chosen home is an abandonment: no new application is accepted for 2 years after the first, 5 years after the second (art. 14)."
            )
        ),
        esc(&format!("{}：{}", ART14_ABANDONMENT.short(), ART14_ABANDONMENT.quote)),
        l.t("我已知晓上述后果，确认弃购", "I understand and confirm the abandonment"),
        id = esc(id),
    )
}

// ------------------------------------------------------------------ titles and dealings

fn titles_html(c: &Ctx, v: &ProjectView) -> String {
    let l = c.lang;
    let mut s = format!(
        r#"<section class="card" id="titles"><h2>{}</h2><p class="muted">{}</p>"#,
        l.t("购房合同与不动产权登记", "Contracts and titles"),
        cite_html(&ART18_TITLE),
    );
    for sv in &v.sold {
        s.push_str(&sold_html(c, &v.p.id, sv));
    }
    s.push_str("</section>");
    s
}

/// Chosen homes not signed for in time become abandonments (company).
fn expire_form(c: &Ctx, v: &ProjectView, today: NaiveDate) -> String {
    let chosen: Vec<&EntrantRecord> = v
        .rounds
        .iter()
        .flat_map(|r| r.entrants.iter())
        .filter(|e| e.state == CallState::Chosen)
        .collect();
    if !is_company(c) || chosen.is_empty() {
        return String::new();
    }
    let l = c.lang;
    let k = colon(l);
    let overdue = chosen
        .iter()
        .filter(|e| e.sign_by.is_some_and(|d| today > d))
        .count();
    let inner = format!(
        r#"<p>{}{k}{} · {}{k}<strong id="overdue-count">{overdue}</strong></p><p class="muted">{} · {}</p>"#,
        l.t("已选房待签约", "Chosen, awaiting contract"),
        chosen.len(),
        l.t("已过签约期限", "Past the signing deadline"),
        cite_html(&LOUDI_8_1_2_SIGNING),
        cite_html(&ART14_ABANDONMENT),
    );
    format!(
        r#"<div id="overdue">{}</div>"#,
        act_form(
            c,
            &v.p.id,
            "expire_overdue",
            "act-expire_overdue",
            &inner,
            l.t(
                "处理逾期未签约（视为自动放弃）",
                "Process overdue contracts (treated as abandoned)"
            ),
            "card secondary",
        )
    )
}

fn sold_html(c: &Ctx, pid: &str, sv: &SoldView) -> String {
    let l = c.lang;
    let h = &sv.home_id;
    let contract = sv
        .contract
        .as_ref()
        .map(|k| {
            format!(
                "{} {} · {} {} · {} {} {} · {} {}",
                l.t("合同", "Contract"),
                esc(&k.terms.contract_no),
                l.t("申请", "application"),
                esc(&k.application_id),
                l.t("首付", "down payment"),
                k.terms.down_payment,
                l.t("元", "yuan"),
                l.t("签约日期", "signed on"),
                k.terms.signed_on
            )
        })
        .unwrap_or_default();
    let mut s = format!(
        r#"<div class="card sold" id="title-{}"><h3>{} {}</h3><p>{contract}</p>"#,
        esc(h),
        l.t("房源", "Home"),
        esc(h)
    );
    match &sv.title {
        None if is_company(c) => {
            let inner = format!(
                "{}{}{}",
                hidden("home_id", h),
                input(
                    &format!("certificate-no-{h}"),
                    "certificate_no",
                    l.t("不动产权证书号", "Certificate number"),
                    "",
                    r#"required maxlength="60""#
                ),
                input(
                    &format!("registered-on-{h}"),
                    "registered_on",
                    l.t("登记日期（默认今天）", "Registered on (default today)"),
                    "",
                    r#"type="date""#
                ),
            );
            s.push_str(&act_form(
                c,
                pid,
                "register_title",
                &format!("act-register_title-{h}"),
                &inner,
                l.t("登记不动产权证", "Register the title"),
                "title-form",
            ));
        }
        None => s.push_str(&format!(
            "<p>{}</p>",
            l.t("尚未登记不动产权证书。", "No title registered yet.")
        )),
        Some(t) => s.push_str(&title_block(c, pid, sv, t)),
    }
    s.push_str("</div>");
    s
}

fn title_block(c: &Ctx, pid: &str, sv: &SoldView, t: &Title) -> String {
    let l = c.lang;
    let k = colon(l);
    let h = &sv.home_id;
    let mut s = format!(
        r#"<p>{}{k}{} · {}{k}{}</p><p>{}{k}<strong class="annotation" id="annotation-{}">{}</strong>（{}）</p>"#,
        l.t("不动产权证书号", "Certificate"),
        esc(&t.certificate_no),
        l.t("登记日期", "Registered on"),
        t.registered_on,
        l.t("附记", "Annotation"),
        esc(h),
        esc(&t.annotation),
        cite_html(&ART18_TITLE),
    );
    if !sv.dealings.is_empty() {
        let items: Vec<String> = sv
            .dealings
            .iter()
            .map(|(d, on)| {
                format!(
                    "{} {on}",
                    Dealing::parse(d).map_or_else(|| esc(d), |d| dealing_label(l, d).to_string())
                )
            })
            .collect();
        s.push_str(&format!(
            "<p>{}：{}</p>",
            l.t("已登记", "Recorded"),
            items.join("；")
        ));
    }
    if matches!(role_of(c), Some(Role::Company | Role::CityBureau)) {
        let opts: String = DEALINGS
            .iter()
            .map(|d| {
                format!(
                    r#"<option value="{}">{}</option>"#,
                    d.code(),
                    dealing_label(l, *d)
                )
            })
            .collect();
        let inner = format!(
            r#"{}<label for="dealing-{he}">{}</label><select id="dealing-{he}" name="dealing">{opts}</select><p class="muted">{}</p>"#,
            hidden("home_id", h),
            l.t("登记交易、出租、赠与或抵押", "Record a sale, lease, gift or mortgage"),
            l.t("只有购房按揭贷款抵押可以登记；其余一律不予登记并列明依据。", "Only the purchase-loan mortgage can be recorded; anything else is refused with its articles."),
            he = esc(h),
        );
        s.push_str(&act_form(
            c,
            pid,
            "dealing",
            &format!("act-dealing-{h}"),
            &inner,
            l.t("登记", "Record"),
            "dealing-form",
        ));
    }
    s
}

// ------------------------------------------------------------------ verification

fn verify_box(l: Lang, pid: &str, rounds: &[RoundView]) -> String {
    let k = colon(l);
    let mut cmds = String::new();
    for rv in rounds {
        let n = rv.round.round_no;
        for d in rv.draws.iter().filter(|d| !d.superseded) {
            let entrants = format!("{pid}-round{n}-entrants.csv");
            let result = format!("{pid}-round{n}-draw{}-result.csv", d.draw_no);
            cmds.push_str(&format!(
                "<p>{} · {} {}{k}</p><pre>anju lottery verify --entrants {e} --reveal {r} --result {res}\npython3 tools/lottery_reference.py {e} {r} {res}</pre>",
                round_name(l, n),
                l.t("现行摇号结果，第", "current draw no."),
                d.draw_no,
                e = esc(&entrants),
                r = esc(&sh_quote(&d.reveal)),
                res = esc(&result),
            ));
        }
    }
    format!(
        r#"<div class="card" id="how-to-verify"><h2>{}</h2><ol><li>{}</li><li>{}</li><li>{}</li><li>{}</li></ol>{cmds}<p class="muted">{}</p></div>"#,
        l.t("如何自行验证摇号结果", "How to verify the draw yourself"),
        l.t(
            "下载该轮的参与名单文件和结果文件（见上方各轮的链接）。用 sha256sum（Windows：certutil -hashfile 文件名 SHA256）计算名单文件的摘要，应与摇号前公布的承诺值相同。",
            "Download the round's entrant file and result file (links above). Its SHA-256 (sha256sum, or certutil -hashfile FILE SHA256 on Windows) must equal the commitment published before the draw."
        ),
        l.t(
            "用安居程序复核：anju lottery verify --entrants 名单文件 --reveal 公证随机值 --result 结果文件，输出“复核一致”即结果无误。",
            "With anju: anju lottery verify --entrants FILE --reveal VALUE --result FILE; it prints “verified” when the result is right."
        ),
        l.t(
            "或只用 Python 3（无需安装其他软件）：python3 tools/lottery_reference.py 名单文件 公证随机值 结果文件，输出 MATCH 即一致。",
            "Or with Python 3 only: python3 tools/lottery_reference.py FILE VALUE RESULT; it prints MATCH when identical."
        ),
        l.t(
            "也可以点击各次摇号的“在线复核”，由本站用公布的文件重新计算。",
            "Or use “Check online” beside each draw: this site re-computes it from the published files."
        ),
        l.t(
            "算法（anju-lottery-v1）的完整说明和算例见 docs/lottery.md；公证随机值须原样输入（含空格）。",
            "The algorithm (anju-lottery-v1) and a worked example are in docs/lottery.md; enter the reveal exactly, spaces included."
        ),
    )
}

fn parse_round(s: &str) -> ApiResult<u8> {
    s.trim()
        .parse::<u8>()
        .ok()
        .filter(|r| (1..=3).contains(r))
        .ok_or_else(|| {
            ApiError::bad_request("invalid_round", "轮次应为1至3 (round must be 1 to 3)")
                .field("round")
        })
}

async fn verify(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, round, draw)): Path<(String, String, String)>,
    Query(q): Query<AllotQuery>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let l = c.lang;
    let k = colon(l);
    let parsed = parse_round(&round).and_then(|r| {
        draw.trim()
            .parse::<u32>()
            .map(|n| (r, n))
            .map_err(|_| ApiError::not_found("摇号记录 (draw)"))
    });
    let (r, n) = match parsed {
        Ok(x) => x,
        Err(e) => return c.error(e),
    };
    let v = match svc::verify_draw(&st, c.user.as_ref(), &id, r, n).await {
        Ok(v) => v,
        Err(e) => return c.error(e),
    };
    let ok = v["verified"] == true;
    let verdict = if ok {
        banner(
            "good",
            l.t(
                "一致：本站用摇号前公布的参与名单、公证随机值和公开的算法重新计算，得到的顺序与公布的结果文件逐位相同。",
                "Identical: re-computed from the entrant list published before the draw, the notary's reveal and the published algorithm, the order matches the published result file position by position.",
            ),
        )
    } else {
        banner(
            "bad",
            &format!(
                "{}{}",
                l.t(
                    "不一致：重新计算的结果与公布的结果文件不同。",
                    "Mismatch: the re-computed order differs from the published result file. "
                ),
                v["message"].as_str().unwrap_or("")
            ),
        )
    };
    let href = url_encode(&id);
    let facts = if ok {
        format!(
            "<p>{}{k}<code>{}</code></p><p>{}{k}<code>{}</code></p><p>{}{k}<code>{}</code></p>",
            l.t("承诺值", "Commitment"),
            esc(v["commitment"].as_str().unwrap_or("")),
            l.t("公证随机值", "Reveal"),
            esc(v["reveal"].as_str().unwrap_or("")),
            l.t("种子", "Seed"),
            esc(v["seed"].as_str().unwrap_or("")),
        )
    } else {
        String::new()
    };
    let body = format!(
        r#"<p class="muted"><a href="/projects/{href}#round-{r}">{back}</a></p><h1>{title}</h1><div id="verify-result">{verdict}</div><div class="card">{facts}<p><a href="/api/v1/projects/{href}/rounds/{r}/entrants.csv" download>{ef}</a> · <a href="/api/v1/projects/{href}/rounds/{r}/draws/{n}/result.csv" download>{rf}</a></p><p class="muted">{how}</p></div>"#,
        back = l.t("← 返回项目", "← Back to the project"),
        title = match l {
            Lang::Zh => format!("复核第{r}轮第{n}次摇号"),
            Lang::En => format!("Check of round {r}, draw {n}"),
        },
        ef = l.t("参与名单文件", "Entrant file"),
        rf = l.t("结果文件", "Result file"),
        how = l.t(
            "不必相信本站：下载这两个文件，用 anju lottery verify 或 python3 tools/lottery_reference.py 自行复核（docs/lottery.md）。",
            "You need not trust this site: download both files and run anju lottery verify or python3 tools/lottery_reference.py yourself (docs/lottery.md)."
        ),
    );
    c.render(l.t("摇号复核", "Draw check"), &body)
}

// ------------------------------------------------------------------ the family's choice

async fn choose(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<AllotQuery>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let app = q.application.clone().unwrap_or_default();
    let round_s = q.round.clone().unwrap_or_default();
    let user = match c.require_user(&format!(
        "/projects/{}/choose?round={}&application={}",
        url_encode(&id),
        url_encode(&round_s),
        url_encode(&app)
    )) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let body = async {
        // Without both (e.g. after the language switch), a family's own latest entry.
        let (round_s, app) = match (
            round_s.trim().is_empty(),
            app.trim().is_empty(),
            user.user.role,
        ) {
            (false, false, _) => (round_s, app),
            (_, _, Role::Applicant) => latest_own_entry(&st, &user, &id).await?,
            _ => {
                return Err(ApiError::bad_request(
                    "required",
                    "须指明轮次和申请编号 (round and application are required)",
                )
                .field("round"))
            }
        };
        choose_body(&st, &c, &user, &id, &round_s, &app, &q).await
    }
    .await;
    match body {
        Ok(body) => c.render(c.lang.t("选房", "Choose a home"), &body),
        Err(e) => c.error(e),
    }
}

/// The family's latest round in this project, as (round, application id).
async fn latest_own_entry(
    st: &AppState,
    user: &CurrentUser,
    pid: &str,
) -> ApiResult<(String, String)> {
    let mut found: Option<(u8, String)> = None;
    for a in crate::applications::interface::visible_applications(st, user, 50).await? {
        for f in st
            .store
            .allotment()
            .allot_family_entries(a.id.as_str())
            .await?
        {
            if f.project_id == pid && found.as_ref().is_none_or(|(r, _)| f.round_no > *r) {
                found = Some((f.round_no, f.entrant.application_id.clone()));
            }
        }
    }
    found
        .map(|(r, a)| (r.to_string(), a))
        .ok_or_else(|| ApiError::not_found("参加本项目配售的申请 (entry in this project)"))
}

/// The family's own entry in a round (the company may open it too).
async fn own_entry(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    round: u8,
    app: &str,
) -> ApiResult<EntrantRecord> {
    match user.user.role {
        Role::Company => {}
        Role::Applicant => {
            crate::applications::interface::visible_application(st, user, app).await?;
        }
        _ => {
            return Err(ApiError::forbidden(
                "只有申请家庭本人或实施主体可以办理选房 (only the family or the company)",
            ))
        }
    }
    st.store
        .allotment()
        .allot_entrants(id, round)
        .await?
        .into_iter()
        .find(|e| e.application_id == app)
        .ok_or_else(|| ApiError::not_found("参加本轮的家庭 (entrant)"))
}

async fn choose_body(
    st: &AppState,
    c: &Ctx,
    user: &CurrentUser,
    id: &str,
    round_s: &str,
    app: &str,
    q: &AllotQuery,
) -> ApiResult<String> {
    let l = c.lang;
    let k = colon(l);
    let round = parse_round(round_s)?;
    let p = svc::load_project(st, Some(user), id).await?;
    let e = own_entry(st, user, id, round, app).await?;
    let homes = st.store.allotment().allot_homes(id).await?;
    let mut s = done_banner(l, q);
    s.push_str(&format!(
        r#"<p class="muted"><a href="/projects/{href}">{back}</a> · <a href="/applications/{ahref}">{to_app}</a></p><h1>{title}</h1><div class="card"><p>{pn}{k}{name}</p><p>{rl}{k}{round} · {al}{k}{a} · {cl}{k}{cp}</p><p>{sl}{k}<strong id="entrant-state">{state}</strong></p></div>"#,
        href = url_encode(id),
        ahref = url_encode(app),
        back = l.t("← 项目页", "← Project"),
        to_app = l.t("我的申请", "My application"),
        title = l.t("选房", "Choose a home"),
        pn = l.t("项目", "Project"),
        name = esc(&p.name),
        rl = l.t("轮次", "Round"),
        al = l.t("申请编号", "Application"),
        a = esc(app),
        cl = l.t("选房顺序号", "Call no."),
        cp = e.call_position.map(|v| v.to_string()).unwrap_or_default(),
        sl = l.t("状态", "State"),
        state = call_state(l, e.state),
    ));
    let signing = p.plan.as_ref().map_or(15, |t| t.signing_days);
    match e.state {
        CallState::Called => s.push_str(&called_choices(c, id, round, &e, &homes, signing)),
        CallState::Chosen => s.push_str(&chosen_notice(c, id, round, &e, &homes)),
        _ => {}
    }
    Ok(s)
}

fn called_choices(
    c: &Ctx,
    pid: &str,
    round: u8,
    e: &EntrantRecord,
    homes: &[HomeRecord],
    signing_days: u16,
) -> String {
    let l = c.lang;
    let k = colon(l);
    let f = entrant_fields(round, e);
    let mut s = format!(
        r#"{}<ul class="home-cards" id="available-homes">"#,
        banner(
            "info",
            &format!(
                "{}{signing_days}{}（{}）",
                l.t("已叫到您家，请选房。选定后须在", "You have been called: choose a home. After choosing, sign the purchase contract within "),
                l.t("日内签订购房合同，逾期未签约视为自动放弃", " days; not signing in time counts as giving it up"),
                LOUDI_8_1_2_SIGNING.short()
            )
        ),
    );
    for h in homes.iter().filter(|h| h.state == HomeState::Available) {
        let x = &h.home;
        let inner = format!("{f}{}", hidden("home_id", x.id.as_str()));
        s.push_str(&format!(
            r#"<li class="card" data-home="{id}"><strong>{id}</strong> · {} {} · {} ㎡ · {} · {}<br>{}{k}<strong class="price">{}</strong> {}{}</li>"#,
            x.floor,
            l.t("层", "floor"),
            x.floor_area,
            esc(&x.layout),
            esc(&x.orientation),
            l.t("配售价格", "Price"),
            x.price,
            l.t("元", "yuan"),
            act_form(c, pid, "choose", &format!("choose-{}", x.id), &inner, l.t("选定此房", "Choose this home"), "choose-home"),
            id = esc(x.id.as_str()),
        ));
    }
    s.push_str("</ul>");
    s.push_str(&act_form(
        c,
        pid,
        "decline",
        "act-decline",
        &format!(
            "{f}<p class=\"muted\">{}</p>",
            l.t(
                "放弃本轮选房不是弃购，不影响以后申请。",
                "Passing this round is not an abandonment."
            )
        ),
        l.t("放弃本轮", "Pass this round"),
        "card secondary",
    ));
    s
}

fn chosen_notice(c: &Ctx, pid: &str, round: u8, e: &EntrantRecord, homes: &[HomeRecord]) -> String {
    let l = c.lang;
    let k = colon(l);
    let home = homes
        .iter()
        .find(|h| Some(h.home.id.as_str()) == e.home_id.as_deref());
    let desc = home
        .map(|h| {
            format!(
                "{} · {} ㎡ · {} · {} {}",
                esc(h.home.id.as_str()),
                h.home.floor_area,
                esc(&h.home.layout),
                h.home.price,
                l.t("元", "yuan")
            )
        })
        .unwrap_or_default();
    let deadline = e.sign_by.map(|d| d.to_string()).unwrap_or_default();
    let inner = format!(
        "{}{}",
        entrant_fields(round, e),
        give_up_confirm(l, "confirm-give-up")
    );
    format!(
        r#"<div class="card"><p>{}{k}<strong id="chosen-home">{desc}</strong></p><p>{}{k}<strong id="sign-by">{deadline}</strong>（{}）</p></div><div class="card"><h2>{}</h2>{}</div>"#,
        l.t("您选定的房源", "Your chosen home"),
        l.t(
            "请在此日期前到实施主体签订购房合同",
            "Sign the purchase contract with the company by"
        ),
        cite_html(&LOUDI_8_1_2_SIGNING),
        l.t("放弃所选房源", "Give up the chosen home"),
        act_form(
            c,
            pid,
            "give_up",
            "act-give_up",
            &inner,
            l.t("放弃所选房源（弃购）", "Give up (abandonment)"),
            "secondary"
        ),
    )
}

/// The application page's section: this family's rounds (pages.rs).
pub(crate) fn family_section(l: Lang, entries: &[FamilyEntry], own: bool) -> Markup {
    if entries.is_empty() {
        return Markup::default();
    }
    let called = if own && entries.iter().any(|f| f.entrant.state == CallState::Called) {
        banner(
            "info",
            l.t(
                "已叫到您家选房：请点击“去选房”，在选房期内选定房源。",
                "Your family has been called: use “Choose a home” to choose within the selection window.",
            ),
        )
    } else {
        String::new()
    };
    let mut s = format!(
        r#"<h2>{}</h2>{called}<div class="scroll"><table id="allotment"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>"#,
        l.t("配售进展", "Allotment"),
        l.t("项目", "Project"),
        l.t("轮次", "Round"),
        l.t("摇号顺序号", "Draw no."),
        l.t("选房顺序号", "Call no."),
        l.t("状态", "State"),
        l.t("所选房源", "Home"),
        l.t("签约期限", "Sign by"),
    );
    let num = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    for f in entries {
        let e = &f.entrant;
        let href = url_encode(&f.project_id);
        let link = match e.state {
            CallState::Called | CallState::Chosen if own => format!(
                r#"<a class="button" id="choose-link-{}-{}" href="/projects/{href}/choose?round={}&amp;application={}">{}</a>"#,
                esc(&f.project_id),
                f.round_no,
                f.round_no,
                url_encode(&e.application_id),
                if e.state == CallState::Called {
                    l.t("去选房", "Choose a home")
                } else {
                    l.t("查看 / 放弃所选房源", "View / give up")
                },
            ),
            _ => String::new(),
        };
        s.push_str(&format!(
            r#"<tr data-project="{pid}" data-round="{r}"><td><a href="/projects/{href}">{name}</a></td><td>{r}</td><td>{}</td><td>{}</td><td class="state">{}</td><td>{}</td><td>{}</td><td>{link}</td></tr>"#,
            num(e.draw_position),
            num(e.call_position),
            call_state(l, e.state),
            esc(e.home_id.as_deref().unwrap_or("")),
            e.sign_by.map(|d| d.to_string()).unwrap_or_default(),
            pid = esc(&f.project_id),
            r = f.round_no,
            name = esc(&f.project_name),
        ));
    }
    s.push_str("</table></div>");
    Markup::legacy(s)
}

// ------------------------------------------------------------------ actions

/// Where to go after an action, and what to say.
struct Done {
    msg: &'static str,
    n: Option<usize>,
    /// The family's choose page instead of the project page.
    choose: Option<(u8, String)>,
    anchor: Option<String>,
}

impl Done {
    fn new(msg: &'static str) -> Done {
        Done {
            msg,
            n: None,
            choose: None,
            anchor: None,
        }
    }

    fn location(&self, pid: &str) -> String {
        let n = self.n.map(|n| format!("&n={n}")).unwrap_or_default();
        let anchor = self
            .anchor
            .as_deref()
            .map(|a| format!("#{a}"))
            .unwrap_or_default();
        match &self.choose {
            Some((r, app)) => format!(
                "/projects/{}/choose?round={r}&application={}&msg={}{n}",
                url_encode(pid),
                url_encode(app),
                self.msg
            ),
            None => format!("/projects/{}?msg={}{n}{anchor}", url_encode(pid), self.msg),
        }
    }
}

async fn act(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<AllotQuery>,
    req: Request,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/projects/{}", url_encode(&id))) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if multipart {
        return match Multipart::from_request(req, &st).await {
            Ok(mp) => upload_homes(&st, &c, &user, &id, mp).await,
            Err(e) => c.error(ApiError::bad_request("invalid_form", e.body_text()).field("file")),
        };
    }
    let f = match Form::<Fields>::from_request(req, &st).await {
        Ok(Form(f)) => f,
        Err(e) => return c.error(ApiError::bad_request("invalid_form", e.body_text())),
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let ty = field(&f, "type").unwrap_or("");
    if ty == "open_round" {
        return match open_round(&st, &user, &id, &f).await {
            Ok(fr) => frozen_page(&c, &id, &fr),
            Err(e) => c.error(e),
        };
    }
    match run_action(&st, &user, &id, ty, &f).await {
        Ok(done) => Redirect::to(&done.location(&id)).into_response(),
        Err(e) => c.error(e),
    }
}

fn text(f: &Fields, name: &str) -> String {
    field(f, name).unwrap_or("").to_string()
}

fn version_of(f: &Fields) -> ApiResult<i64> {
    field(f, "version")
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                "invalid_version",
                "表单缺少版本号，请刷新后重试 (version missing; reload)",
            )
            .field("version")
        })
}

fn round_of(f: &Fields) -> ApiResult<u8> {
    parse_round(field(f, "round").unwrap_or(""))
}

async fn run_action(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    ty: &str,
    f: &Fields,
) -> ApiResult<Done> {
    match ty {
        "save_plan" => {
            svc::save_plan(st, user, id, plan_from_form(f)?).await?;
            Ok(Done::new("save_plan"))
        }
        "plan_submit" | "plan_approve" | "plan_return" | "plan_publish" => {
            plan_action(st, user, id, ty, f).await
        }
        "draw" | "request_redraw" | "approve_redraw" | "start_selection" | "call_next"
        | "close_round" => round_action(st, user, id, ty, f).await,
        "absent" | "decline" | "choose" | "give_up" | "sign" => {
            call_action(st, user, id, ty, f).await
        }
        "expire_overdue" => {
            let n = svc::expire_overdue(st, user, id).await?;
            Ok(Done {
                n: Some(n),
                ..Done::new("expire_overdue")
            })
        }
        "register_title" | "dealing" => home_action(st, user, id, ty, f).await,
        other => Err(ApiError::bad_request(
            "unknown_action",
            format!("未知的操作 {other} (unknown action)"),
        )
        .field("type")),
    }
}

async fn plan_action(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    ty: &str,
    f: &Fields,
) -> ApiResult<Done> {
    let (step, msg) = match ty {
        "plan_submit" => ("submit", "plan_submit"),
        "plan_approve" => ("approve", "plan_approve"),
        "plan_return" => ("return", "plan_return"),
        _ => ("publish", "plan_publish"),
    };
    let step = svc::plan_step_of(step, &text(f, "reason"))?;
    svc::plan_step(st, user, id, step, version_of(f)?).await?;
    Ok(Done::new(msg))
}

async fn round_action(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    ty: &str,
    f: &Fields,
) -> ApiResult<Done> {
    let r = round_of(f)?;
    let mut n = None;
    let msg = match ty {
        "draw" => {
            svc::draw(
                st,
                user,
                id,
                r,
                DrawRequest {
                    reveal: text(f, "reveal"),
                    notary: text(f, "notary"),
                },
            )
            .await?;
            "draw"
        }
        "request_redraw" => {
            svc::request_redraw(st, user, id, r, &text(f, "reason")).await?;
            "request_redraw"
        }
        "approve_redraw" => {
            svc::approve_redraw(st, user, id, r).await?;
            "approve_redraw"
        }
        "start_selection" => {
            svc::set_round(st, user, id, r, svc::round_target("selecting")?).await?;
            "start_selection"
        }
        "call_next" => {
            let count = field(f, "count")
                .and_then(|v| v.trim().parse::<u32>().ok())
                .ok_or_else(|| {
                    ApiError::bad_request(
                        "invalid_count",
                        "叫号户数应为1–200的整数 (count must be a whole number 1-200)",
                    )
                    .field("count")
                })?;
            n = Some(svc::call_next(st, user, id, r, count).await?.len());
            "call_next"
        }
        _ => {
            svc::set_round(st, user, id, r, svc::round_target("closed")?).await?;
            "close_round"
        }
    };
    Ok(Done {
        n,
        anchor: Some(format!("round-{r}")),
        ..Done::new(msg)
    })
}

async fn call_action(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    ty: &str,
    f: &Fields,
) -> ApiResult<Done> {
    let r = round_of(f)?;
    let application_id = text(f, "application_id");
    let app = application_id.clone();
    let (req, msg) = match ty {
        "absent" => (CallRequest::Absent { application_id }, "absent"),
        "decline" => (CallRequest::Decline { application_id }, "decline"),
        "choose" => (
            CallRequest::Choose {
                application_id,
                home_id: text(f, "home_id"),
            },
            "choose",
        ),
        "give_up" => {
            if !checked(f, "confirm") {
                return Err(ApiError::bad_request(
                    "confirmation_required",
                    "弃购须勾选确认：弃购后2年内（第二次5年内）不予受理购房申请（阳政办发〔2026〕2号 第十四条） (tick the confirmation: an abandonment bars new applications for 2 or 5 years, art. 14)",
                )
                .field("confirm"));
            }
            (CallRequest::GiveUp { application_id }, "give_up")
        }
        _ => {
            let contract = ContractForm {
                contract_no: text(f, "contract_no"),
                down_payment: text(f, "down_payment"),
                provident_fund_loan: text(f, "provident_fund_loan"),
                commercial_loan: text(f, "commercial_loan"),
            };
            (
                CallRequest::Sign {
                    application_id,
                    contract,
                },
                "sign",
            )
        }
    };
    svc::call_step(st, user, id, r, req).await?;
    let choose = (user.user.role == Role::Applicant).then_some((r, app));
    Ok(Done {
        choose,
        anchor: Some(format!("round-{r}")),
        ..Done::new(msg)
    })
}

async fn home_action(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    ty: &str,
    f: &Fields,
) -> ApiResult<Done> {
    let home = text(f, "home_id");
    let msg = if ty == "register_title" {
        let registered_on = field(f, "registered_on")
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(String::from);
        svc::register_title(
            st,
            user,
            id,
            &home,
            TitleRequest {
                certificate_no: text(f, "certificate_no"),
                registered_on,
            },
        )
        .await?;
        "register_title"
    } else {
        svc::dealing(st, user, id, &home, &text(f, "dealing")).await?;
        "dealing"
    };
    Ok(Done {
        anchor: Some("titles".into()),
        ..Done::new(msg)
    })
}

fn plan_from_form(f: &Fields) -> ApiResult<PlanRequest> {
    let yuan = |name: &str| {
        Fen::parse_yuan(field(f, name).unwrap_or("")).map_err(|e| {
            ApiError::bad_request("invalid_amount", e.to_string()).field(format!("terms.{name}"))
        })
    };
    let int = |name: &str| -> ApiResult<u64> {
        field(f, name)
            .and_then(|v| v.trim().parse::<u64>().ok())
            .ok_or_else(|| {
                ApiError::bad_request("invalid_number", "应为整数 (must be a whole number)")
                    .field(format!("terms.{name}"))
            })
    };
    let absent_rule = match field(f, "absent_rule").unwrap_or("") {
        "pass_round" => AbsentRule::PassRound,
        "call_again_at_end" => AbsentRule::CallAgainAtEnd,
        _ => {
            return Err(ApiError::bad_request(
                "invalid_rule",
                "请选择未到场处理方式 (choose the absence rule)",
            )
            .field("terms.absent_rule"))
        }
    };
    let terms = PlanTerms {
        name: text(f, "name"),
        location: text(f, "location"),
        guided_price_per_m2: yuan("guided_price_per_m2")?,
        sale_method: text(f, "sale_method"),
        lottery_rules: text(f, "lottery_rules"),
        schedule: schedule_from_form(f)?,
        buyback_terms: text(f, "buyback_terms"),
        absent_rule,
        signing_days: u16::try_from(int("signing_days")?).unwrap_or(u16::MAX),
        min_down_payment_percent: u8::try_from(int("min_down_payment_percent")?).unwrap_or(u8::MAX),
    };
    Ok(PlanRequest {
        terms,
        version: version_of(f)?,
    })
}

fn schedule_from_form(f: &Fields) -> ApiResult<Vec<RoundWindow>> {
    let date = |name: String| -> ApiResult<Option<NaiveDate>> {
        match field(f, &name).map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => s.parse::<NaiveDate>().map(Some).map_err(|_| {
                ApiError::bad_request(
                    "invalid_date",
                    "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)",
                )
                .field(format!("terms.schedule.{name}"))
            }),
        }
    };
    let mut out = Vec::new();
    for round in 1..=3u8 {
        match (
            date(format!("r{round}_opens"))?,
            date(format!("r{round}_closes"))?,
        ) {
            (Some(opens), Some(closes)) => out.push(RoundWindow {
                round,
                opens,
                closes,
            }),
            (None, None) => {}
            _ => {
                return Err(ApiError::bad_request(
                    "invalid_schedule",
                    format!("第{round}轮须同时填写开始和结束日期 (round {round} needs both dates)"),
                )
                .field("terms.schedule"))
            }
        }
    }
    Ok(out)
}

async fn open_round(st: &AppState, user: &CurrentUser, id: &str, f: &Fields) -> ApiResult<Frozen> {
    svc::open_round(st, user, id, round_of(f)?).await
}

/// What freezing a round found: shown at once (the exclusions are not stored).
fn frozen_page(c: &Ctx, pid: &str, fr: &Frozen) -> Response {
    let l = c.lang;
    let k = colon(l);
    let mut s = banner(
        "good",
        &format!(
            "{}{}{k}{} {}，{} {}",
            round_name(l, fr.round),
            l.t("已开启，参与名单已冻结", " opened; entrant list frozen"),
            fr.entrants,
            l.t("户参加", "families entered"),
            fr.excluded.len(),
            if fr.excluded.is_empty() {
                l.t("户不能参加", "families left out")
            } else {
                l.t(
                    "户不能参加（原因见下表）",
                    "families left out (reasons below)",
                )
            },
        ),
    );
    s.push_str(&format!(
        r#"<h1>{}</h1><div class="card"><p>{}{k}<code id="frozen-commitment">{}</code></p><p class="muted">{}</p><p><a class="button" href="/projects/{href}#round-{r}" id="back-to-project">{}</a></p></div>"#,
        l.t("参与名单已冻结", "Entrant list frozen"),
        l.t("承诺值（SHA-256）", "Commitment (SHA-256)"),
        esc(&fr.commitment),
        l.t("承诺值已在项目页公布；摇号前名单不能再改动。", "The commitment is published on the project page; the list cannot change before the draw."),
        l.t("返回项目", "Back to the project"),
        href = url_encode(pid),
        r = fr.round,
    ));
    if !fr.excluded.is_empty() {
        s.push_str(&format!(
            r#"<h2>{}</h2><div class="scroll"><table id="excluded"><tr><th>{}</th><th>{}</th><th>{}</th></tr>"#,
            l.t("不能参加本轮的家庭", "Families left out"),
            l.t("申请编号", "Application"),
            l.t("原因", "Reason"),
            l.t("依据", "Article"),
        ));
        for x in &fr.excluded {
            let cite = &x["citation"];
            s.push_str(&format!(
                r#"<tr><td>{}</td><td>{}</td><td><span class="cite" title="{}">{} {}</span></td></tr>"#,
                esc(x["application_id"].as_str().unwrap_or("")),
                esc(x["reason"].as_str().unwrap_or("")),
                esc(cite["quote"].as_str().unwrap_or("")),
                esc(cite["document"].as_str().unwrap_or("")),
                esc(cite["article"].as_str().unwrap_or("")),
            ));
        }
        s.push_str("</table></div>");
    }
    c.render(l.t("开启配售轮次", "Round opened"), &s)
}

async fn upload_homes(
    st: &AppState,
    c: &Ctx,
    user: &CurrentUser,
    id: &str,
    mut mp: Multipart,
) -> Response {
    let mut csrf = None;
    let mut file = None;
    while let Ok(Some(part)) = mp.next_field().await {
        match part.name() {
            Some("_csrf") => csrf = part.text().await.ok(),
            Some("file") => file = part.bytes().await.ok(),
            _ => {}
        }
    }
    if let Err(e) = auth::check_form_csrf(user, csrf.as_deref()) {
        return c.error(e);
    }
    let Some(file) = file.filter(|f| !f.is_empty()) else {
        return c.error(
            ApiError::bad_request("required", "请选择要上传的房源表 (choose a file)").field("file"),
        );
    };
    let result = match crate::web::sheets::upload_rows(&file) {
        Ok(rows) => svc::import_homes(st, user, id, &rows).await,
        Err(e) => Err(e),
    };
    match result {
        Ok(report) => homes_report(c, id, &report),
        Err(e) => c.error(e),
    }
}

fn homes_report(c: &Ctx, pid: &str, r: &anju_allotment::HomesFile) -> Response {
    let l = c.lang;
    let k = colon(l);
    let mut s = format!(
        r#"<h1>{}</h1><div class="card" id="import-summary"><p>{}{k}{} · {}{k}{} · {}{k}{}</p><p><a class="button" href="/projects/{href}" id="back-to-project">{}</a></p></div>"#,
        l.t("房源导入结果", "Homes import"),
        l.t("数据行", "Rows"),
        r.rows,
        l.t("已导入房源", "Homes saved"),
        r.homes.len(),
        l.t("错误", "Errors"),
        r.errors.len(),
        l.t("返回项目", "Back to the project"),
        href = url_encode(pid),
    );
    if !r.errors.is_empty() {
        s.push_str(&format!(
            r#"<p>{}</p><div class="scroll"><table id="import-errors"><tr><th>{}</th><th>{}</th><th>{}</th></tr>"#,
            l.t("以下各行未导入，请更正后只上传这些行：", "These rows were not imported; correct them and upload just those rows:"),
            l.t("行号", "Row"),
            l.t("列", "Column"),
            l.t("原因", "Reason"),
        ));
        for e in &r.errors {
            s.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                e.row,
                esc(&e.column),
                esc(&e.message)
            ));
        }
        s.push_str("</table></div>");
    }
    c.render(l.t("房源导入结果", "Homes import"), &s)
}
