//! The holdings pages' handlers and the data their templates show.

use anju_domain::{Department, Role};
use anju_holdings::{is_overdue, BuybackCase, Finding, Flag, ReviewState, CAMPAIGN_DEPARTMENTS};
use anju_store::holdings::{
    BuybackRecord, CampaignRecord, CaseRecord, HolderRecord, PoolHomeRecord, ReviewRecord,
    StepRecord,
};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use crate::holdings::service::{self as svc, RegisterQuery};
use crate::web::error::ApiResult;
use crate::web::extract::{Path, Query};
use crate::web::field_errors::{RowForm, RowForms};
use crate::web::forms::{ctx_for_lang, Ctx};
use crate::web::html::{district_name, url_encode, Lang};
use crate::web::sheets::Cell;
use crate::web::stream::{OfficialHead, SheetWriter, PAGE_ROWS};
use crate::web::AppState;

const PER_PAGE: u32 = 50;

/// What a finished action is called in the banner.
pub(super) fn done_label(l: Lang, code: &str) -> &'static str {
    match code {
        "campaign_open" => l.t("已开启年度核查。", "Campaign opened."),
        "report" => l.t("已登记线索并立案。", "Report recorded; a case is open."),
        "buyback_apply" => l.t("已提交回购申请。", "Buyback applied for."),
        "buyback_step" => l.t("已办理回购步骤。", "Buyback step recorded."),
        "case_step" => l.t("已办理案件步骤。", "Case step recorded."),
        "answers" => l.t("已导入部门核查结果。", "Department answers imported."),
        "pool_take" => l.t("回购房源已纳入该项目。", "The home is now in this project."),
        "tip_attach" => l.t(
            "举报已并入年度核查并立案。",
            "The tip is attached to the campaign; a case is open.",
        ),
        "tip_dismiss" => l.t("举报已不予采纳。", "The tip is dismissed."),
        "pool_rent" => l.t("回购房源已转为配租房源。", "The home is now a rental home."),
        _ => l.t("已完成。", "Done."),
    }
}

// ------------------------------------------------------------- register

#[derive(askama::Template)]
#[template(path = "holdings/templates/register.html")]
struct RegisterPage<'a> {
    c: &'a Ctx,
    q: RegisterQuery,
    total: u64,
    rows: Vec<HolderRecord>,
    next: Option<String>,
    open_cases: u64,
    overdue_cases: u64,
}

impl RegisterPage<'_> {
    fn district(&self, code: &str) -> String {
        district_name(self.c.lang, code)
    }
    fn state(&self, h: &HolderRecord) -> &'static str {
        self.c.t(h.state.zh(), h.state.en())
    }
}

pub(super) async fn register_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<RegisterQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang.clone()).await;
    let user = match c.require_user("/holdings") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if user.user.role == Role::Applicant {
        return axum::response::Redirect::to("/holdings/mine").into_response_page();
    }
    let r = async {
        let (rows, total) = svc::register(&st, &user, &q, PER_PAGE).await?;
        let next = (rows.len() == PER_PAGE as usize)
            .then(|| {
                rows.last().map(|h| {
                    let mut link = format!(
                        "/holdings?after={}",
                        url_encode(&format!("{}/{}", h.project_id, h.home.id.as_str()))
                    );
                    for (k, v) in [
                        ("district", &q.district),
                        ("project", &q.project),
                        ("home", &q.home),
                    ] {
                        if let Some(v) = v.as_deref().filter(|v| !v.trim().is_empty()) {
                            link.push_str(&format!("&{k}={}", url_encode(v)));
                        }
                    }
                    link
                })
            })
            .flatten();
        let (open_cases, overdue_cases) = st
            .store
            .holdings()
            .hold_case_counts(st.clock.today())
            .await?;
        ApiResult::Ok((rows, total, next, open_cases, overdue_cases))
    }
    .await;
    match r {
        Ok((rows, total, next, open_cases, overdue_cases)) => c.page(&RegisterPage {
            c: &c,
            q,
            total,
            rows,
            next,
            open_cases,
            overdue_cases,
        }),
        Err(e) => c.error(e),
    }
}

/// The register as an official sheet: every matching home, read a page at
/// a time by the keyset cursor.
pub(super) async fn register_xlsx(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<RegisterQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang.clone()).await;
    let user = match c.require_user("/holdings") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let r = async {
        let mut q = RegisterQuery { after: None, ..q };
        let mut w = SheetWriter::official(&OfficialHead {
            sheet_name: "持有人登记簿",
            title: "配售型保障性住房持有人登记簿",
            office: "实施主体",
            period: None,
            issued_on: st.clock.today(),
            header: &[
                "县区",
                "项目",
                "房源",
                "建筑面积（㎡）",
                "持有人",
                "身份证号",
                "合同编号",
                "签约日期",
                "不动产权证号",
                "登记日期",
                "价格（元）",
                "状态",
            ],
            note: None,
            widths: &[(1, 28.0), (4, 10.0), (5, 22.0), (8, 30.0)],
        })?;
        let mut total = 0usize;
        loop {
            let page = svc::register_rows(&st, &user, &q, PAGE_ROWS).await?;
            let Some(last) = page.last() else { break };
            q.after = Some(format!("{}/{}", last.project_id, last.home.id.as_str()));
            let full = page.len() == PAGE_ROWS as usize;
            total += page.len();
            let rows = page
                .into_iter()
                .map(|h| {
                    vec![
                        Cell::Text(district_name(Lang::Zh, &h.district)),
                        Cell::Text(h.project_name),
                        Cell::Text(h.home.id.as_str().to_string()),
                        Cell::Text(h.home.floor_area.to_string()),
                        Cell::Text(h.masked_name.unwrap_or_default()),
                        Cell::Text(h.masked_id.unwrap_or_default()),
                        Cell::Text(h.contract_no),
                        Cell::Text(h.signed_on.to_string()),
                        Cell::Text(h.certificate_no),
                        Cell::Text(h.registered_on.to_string()),
                        Cell::Number(h.price.fen() as f64 / 100.0),
                        Cell::Text(h.state.zh().to_string()),
                    ]
                })
                .collect();
            w = w.write_page(rows).await?;
            if !full {
                break;
            }
        }
        w.set_note(format!("共 {total} 套。持有人姓名和身份证号已脱敏。"));
        w.into_response("holder-register.xlsx").await
    }
    .await;
    match r {
        Ok(resp) => resp,
        Err(e) => c.error(e),
    }
}

/// A redirect as the page's response.
trait IntoPage {
    fn into_response_page(self) -> Response;
}

impl IntoPage for axum::response::Redirect {
    fn into_response_page(self) -> Response {
        axum::response::IntoResponse::into_response(self)
    }
}

// ------------------------------------------------------------ home file

#[derive(Deserialize, Default)]
pub(super) struct LangQuery {
    lang: Option<String>,
}

/// A case with its article and whether it is overdue.
pub(super) struct CaseRow {
    pub(super) case: CaseRecord,
    pub(super) cite: String,
    pub(super) overdue: bool,
}

#[derive(askama::Template)]
#[template(path = "holdings/templates/home.html")]
struct HomePage<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    f: svc::HomeFile,
    cases: Vec<CaseRow>,
    /// The cases the viewer may apply under (family or company).
    buyback_cases: Vec<(BuybackCase, String)>,
    may_apply: bool,
    may_report: bool,
    may_step_cases: bool,
    trade_cite: String,
    today: chrono::NaiveDate,
}

impl HomePage<'_> {
    fn finding(&self, f: &Finding) -> &'static str {
        self.c.t(f.zh(), f.en())
    }
    fn flag(&self, f: &Flag) -> &'static str {
        self.c.t(f.zh(), f.en())
    }
    fn case_status(&self, c: &CaseRecord) -> &'static str {
        self.c.t(c.status.zh(), c.status.en())
    }
    fn buyback_status(&self, b: &BuybackRecord) -> &'static str {
        self.c.t(b.status.zh(), b.status.en())
    }
    fn case_label(&self, b: &BuybackCase) -> &'static str {
        self.c.t(b.zh(), b.en())
    }
    fn source(&self, s: &str) -> String {
        source_label(self.c.lang, s)
    }
    fn state(&self) -> &'static str {
        self.c.t(self.f.holder.state.zh(), self.f.holder.state.en())
    }
    fn district(&self) -> String {
        district_name(self.c.lang, &self.f.holder.district)
    }
}

pub(super) fn source_label(l: Lang, s: &str) -> String {
    match Department::from_code(s) {
        Some(d) => l.t(d.label_zh(), d.label_en()).to_string(),
        None => l.t("线索登记", "Report").to_string(),
    }
}

pub(super) async fn home_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((project, home)): Path<(String, String)>,
    Query(q): Query<LangQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang).await;
    let next = format!(
        "/holdings/homes/{}/{}",
        url_encode(&project),
        url_encode(&home)
    );
    let user = match c.require_user(&next) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let f = match svc::home_file(&st, &user, &project, &home).await {
        Ok(f) => f,
        Err(e) => return c.error(e),
    };
    let r = svc::regime(&st);
    let today = st.clock.today();
    let role = user.user.role;
    let open_buyback = f.buybacks.iter().any(|b| b.status.is_open());
    let returned = f.holder.state == anju_store::holdings::HoldingState::Returned;
    let buyback_cases = BuybackCase::of(r)
        .into_iter()
        .filter(|bc| role == Role::Company || *bc != BuybackCase::Clearance)
        .map(|bc| (bc, bc.cite(r).map(|c| c.short()).unwrap_or_default()))
        .collect();
    let cases = f
        .cases
        .iter()
        .map(|cs| CaseRow {
            cite: cs.flag.cite(r).short(),
            overdue: is_overdue(cs.status, cs.deadline, today),
            case: cs.clone(),
        })
        .collect();
    c.page(&HomePage {
        c: &c,
        done: c.done().map(|d| done_label(c.lang, d)),
        cases,
        buyback_cases,
        may_apply: matches!(role, Role::Applicant | Role::Company) && !open_buyback && !returned,
        may_report: matches!(
            role,
            Role::Company | Role::DistrictBureau | Role::CityBureau
        ) && !returned,
        may_step_cases: role == Role::Company,
        trade_cite: anju_allotment::cite::City::of_policy(&st.policy.id)
            .trade()
            .short(),
        today,
        f,
    })
}

// -------------------------------------------------------------- buyback

#[derive(askama::Template)]
#[template(path = "holdings/templates/buyback.html")]
struct BuybackPage<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    b: BuybackRecord,
    steps: Vec<StepRecord>,
    case_cite: String,
    exit_cite: String,
    price_cite: String,
    /// (label, amount in yuan, deducted) of the price, once appraised.
    terms: Vec<(String, String, bool)>,
    total: Option<String>,
    role: Role,
    loudi: bool,
    today: chrono::NaiveDate,
}

impl BuybackPage<'_> {
    fn status(&self) -> &'static str {
        self.c.t(self.b.status.zh(), self.b.status.en())
    }
    fn case_label(&self) -> &'static str {
        self.c.t(self.b.case.zh(), self.b.case.en())
    }
    fn step_label(&self, s: &str) -> &'static str {
        step_label(self.c.lang, s)
    }
    fn is(&self, code: &str) -> bool {
        self.b.status.code() == code
    }
    fn company(&self) -> bool {
        self.role == Role::Company
    }
    fn late(&self) -> bool {
        self.b.vacated_on.is_none() && self.b.exit_by.is_some_and(|d| self.today > d)
    }
}

pub(super) fn step_label(l: Lang, s: &str) -> &'static str {
    match s {
        "applied" => l.t("提出申请", "Applied"),
        "opened" => l.t("立案", "Opened"),
        "city_accept" => l.t("市住建部门认定", "City bureau accepted"),
        "city_refuse" => l.t("市住建部门不予认定", "City bureau refused"),
        "appraise" => l.t("录入评估报告", "Appraisal recorded"),
        "vacated" => l.t("家庭腾退住房", "Family left the home"),
        "pay" => l.t("支付回购款", "Paid"),
        "return_title" => l.t("产权转回实施主体", "Title returned to the company"),
        "stop" => l.t("停止回购", "Stopped"),
        "withdraw" => l.t("撤回申请", "Withdrawn"),
        "notice" => l.t("责令限期整改", "Notice to correct"),
        "corrected" => l.t("已整改", "Corrected"),
        "recover" => l.t("启动回购收回", "Recovery by buyback"),
        "dismiss" => l.t("经核查不成立", "Unfounded"),
        _ => l.t("其他", "Other"),
    }
}

pub(super) async fn buyback_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang).await;
    let user = match c.require_user(&format!("/holdings/buybacks/{}", url_encode(&id))) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let b = match svc::load_buyback(&st, &user, &id).await {
        Ok(b) => b,
        Err(e) => return c.error(e),
    };
    let steps = match svc::steps(&st, &id).await {
        Ok(s) => s,
        Err(e) => return c.error(e),
    };
    let r = svc::regime(&st);
    let l = c.lang;
    let price = svc::price_of(&b);
    let terms = price
        .as_ref()
        .and_then(|p| p["terms"].as_array().cloned())
        .unwrap_or_default()
        .iter()
        .map(|t| {
            let label = if l == Lang::En {
                &t["label_en"]
            } else {
                &t["label_zh"]
            };
            (
                label.as_str().unwrap_or("").to_string(),
                fen_text(t["amount"].as_u64().unwrap_or(0)),
                t["deducted"].as_bool().unwrap_or(false),
            )
        })
        .collect();
    c.page(&BuybackPage {
        c: &c,
        done: c.done().map(|d| done_label(c.lang, d)),
        case_cite: b.case.cite(r).map(|x| x.short()).unwrap_or_default(),
        exit_cite: r.exit().short(),
        price_cite: r.price().short(),
        terms,
        total: b.price.map(|p| fen_text(p.fen())),
        role: user.user.role,
        loudi: r.0 == anju_allotment::cite::City::Loudi,
        today: st.clock.today(),
        steps,
        b,
    })
}

pub(super) fn fen_text(fen: u64) -> String {
    anju_allotment::Fen::new(fen).to_string()
}

// ------------------------------------------------------------ campaigns

#[derive(askama::Template)]
#[template(path = "holdings/templates/campaigns.html")]
struct CampaignsPage<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    campaigns: Vec<CampaignRecord>,
    cases: Vec<CaseRow>,
    pool: Vec<PoolHomeRecord>,
    buybacks: Vec<BuybackRecord>,
    may_open: bool,
    districts: Vec<(String, String)>,
    year: i32,
    today: chrono::NaiveDate,
    review_cite: String,
    /// Whether the city lets bought-back homes (Loudi), and the article
    /// that allows it or shows why not (Yangquan).
    may_rent: bool,
    rent_cite: String,
    /// A refused rental form (its row: the buyback id).
    failed: Option<RowForm>,
}

impl RowForms for CampaignsPage<'_> {
    fn refused_form(&self) -> Option<&RowForm> {
        self.failed.as_ref()
    }
    fn row_lang(&self) -> Lang {
        self.c.lang
    }
}

impl CampaignsPage<'_> {
    // A pool home's two forms (take into a project, move to rentals) are
    // told apart by the refused form's row: `take:<buyback>`, `rent:<buyback>`.
    fn take_kept(&self, id: &str, name: &str) -> &str {
        self.kept(&format!("take:{id}"), name)
    }
    fn take_err(&self, id: &str, name: &str) -> Option<&str> {
        self.row_err(&format!("take:{id}"), name)
    }
    fn rent_kept(&self, id: &str, name: &str) -> &str {
        self.kept(&format!("rent:{id}"), name)
    }
    fn rent_err(&self, id: &str, name: &str) -> Option<&str> {
        self.row_err(&format!("rent:{id}"), name)
    }
    fn rent_open(&self, id: &str) -> bool {
        self.row_open(&format!("rent:{id}"))
    }
    fn district(&self, code: &str) -> String {
        district_name(self.c.lang, code)
    }
    fn flag(&self, f: &Flag) -> &'static str {
        self.c.t(f.zh(), f.en())
    }
    fn case_status(&self, c: &CaseRecord) -> &'static str {
        self.c.t(c.status.zh(), c.status.en())
    }
    fn overdue(&self, cr: &CampaignRecord) -> bool {
        cr.pending > 0 && self.today > cr.due_on
    }
    fn buyback_status(&self, b: &BuybackRecord) -> &'static str {
        self.c.t(b.status.zh(), b.status.en())
    }
    fn buyback_case(&self, b: &BuybackRecord) -> &'static str {
        self.c.t(b.case.zh(), b.case.en())
    }
}

pub(super) async fn campaigns_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang).await;
    let user = match c.require_user("/holdings/campaigns") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    campaigns(&st, &c, &user, None).await
}

/// The campaigns page; with `failed`, the pool home's refused rental form
/// open with what was typed and its problem (HTTP 422).
pub(super) async fn campaigns(
    st: &AppState,
    c: &Ctx,
    user: &crate::web::auth::CurrentUser,
    failed: Option<RowForm>,
) -> Response {
    let (st, c, user) = (st.clone(), c, user.clone());
    let r = svc::regime(&st);
    let today = st.clock.today();
    let loaded = async {
        let campaigns = svc::campaigns(&st, &user).await?;
        let is_reader = svc::register_scope(&user).is_ok();
        let cases = if is_reader {
            svc::cases(&st, &user, false).await?
        } else {
            Vec::new()
        };
        let pool = if is_reader {
            svc::pool(&st, &user).await?
        } else {
            Vec::new()
        };
        let buybacks = if is_reader {
            svc::buybacks(&st, &user).await?
        } else {
            Vec::new()
        };
        ApiResult::Ok((campaigns, cases, pool, buybacks))
    }
    .await;
    let (campaigns, cases, pool, buybacks) = match loaded {
        Ok(x) => x,
        Err(e) => return c.error(e),
    };
    let mut districts: Vec<(String, String)> = anju_domain::district::YANGQUAN_DISTRICTS
        .iter()
        .map(|d| {
            (
                d.code.as_str().to_string(),
                district_name(c.lang, d.code.as_str()),
            )
        })
        .collect();
    districts.sort();
    let cases = cases
        .into_iter()
        .map(|cs| CaseRow {
            cite: cs.flag.cite(r).short(),
            overdue: is_overdue(cs.status, cs.deadline, today),
            case: cs,
        })
        .collect();
    use chrono::Datelike;
    let status = if failed.is_some() {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let mut res = c.page(&CampaignsPage {
        c,
        failed,
        done: c.done().map(|d| done_label(c.lang, d)),
        campaigns,
        cases,
        pool,
        buybacks,
        may_open: user.user.role == Role::Company,
        districts,
        year: today.year(),
        today,
        review_cite: r.review().short(),
        may_rent: r.rental().is_ok(),
        rent_cite: r.rental().unwrap_or_else(|c| c).short(),
    });
    if res.status().is_success() {
        *res.status_mut() = status;
    }
    res
}

#[derive(askama::Template)]
#[template(path = "holdings/templates/campaign.html")]
struct CampaignPage<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    cr: CampaignRecord,
    /// The departments the viewer may download and answer for.
    departments: Vec<(Department, &'static str, String)>,
    flagged: Vec<ReviewRecord>,
    pending: Vec<ReviewRecord>,
    overdue: bool,
    review_cite: String,
}

impl CampaignPage<'_> {
    fn district(&self) -> String {
        district_name(self.c.lang, &self.cr.district)
    }
    fn missing(&self, r: &ReviewRecord) -> String {
        CAMPAIGN_DEPARTMENTS
            .iter()
            .filter(|d| !r.answered.contains(d))
            .map(|d| self.c.t(d.label_zh(), d.label_en()))
            .collect::<Vec<_>>()
            .join("、")
    }
    fn percent(&self) -> u64 {
        (self.cr.total.saturating_sub(self.cr.pending) * 100)
            .checked_div(self.cr.total)
            .unwrap_or(100)
    }
}

pub(super) async fn campaign_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang).await;
    let user = match c.require_user(&format!("/holdings/campaigns/{}", url_encode(&id))) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let loaded = async {
        let cr = svc::campaign(&st, &user, &id).await?;
        let h = st.store.holdings();
        let flagged = h
            .hold_reviews(&id, Some(ReviewState::Flagged), None, 200)
            .await?;
        let pending = h
            .hold_reviews(&id, Some(ReviewState::Pending), None, 50)
            .await?;
        ApiResult::Ok((cr, flagged, pending))
    }
    .await;
    let (cr, flagged, pending) = match loaded {
        Ok(x) => x,
        Err(e) => return c.error(e),
    };
    let departments = CAMPAIGN_DEPARTMENTS
        .iter()
        .filter(|d| match user.user.role {
            Role::Company => true,
            Role::Verifier(v) => v == **d,
            _ => false,
        })
        .map(|d| {
            // The words to write in the file (the import takes the Chinese
            // words as they stand), never a code.
            let asks = svc::answers_of(*d)
                .iter()
                .map(|f| match c.lang {
                    Lang::Zh => format!("“{}”", f.zh()),
                    Lang::En => format!("“{}” ({})", f.zh(), f.en()),
                })
                .collect::<Vec<_>>()
                .join("、");
            (*d, c.t(d.label_zh(), d.label_en()), asks)
        })
        .collect();
    let overdue = cr.pending > 0 && st.clock.today() > cr.due_on;
    c.page(&CampaignPage {
        c: &c,
        done: c.done().map(|d| done_label(c.lang, d)),
        overdue,
        departments,
        flagged,
        pending,
        review_cite: svc::regime(&st).review().short(),
        cr,
    })
}

pub(super) async fn request_download(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((id, dept)): Path<(String, String)>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, None).await;
    let user = match c.require_user(&format!("/holdings/campaigns/{}", url_encode(&id))) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let Some(d) = Department::from_code(&dept) else {
        return c.error(crate::web::error::ApiError::not_found("部门 (department)"));
    };
    match svc::request_file(&st, &user, &id, d).await {
        Ok(file) => svc::request_response(file, &format!("{id}-{}.csv", d.code())),
        Err(e) => c.error(e),
    }
}

// ----------------------------------------------------------------- mine

#[derive(askama::Template)]
#[template(path = "holdings/templates/mine.html")]
struct MinePage<'a> {
    c: &'a Ctx,
    homes: Vec<(HolderRecord, Vec<BuybackRecord>)>,
    trade_cite: String,
    trade_quote: String,
    buyback_cases: Vec<(BuybackCase, String)>,
    exit_note: String,
}

impl MinePage<'_> {
    fn case_label(&self, b: &BuybackCase) -> &'static str {
        self.c.t(b.zh(), b.en())
    }
    fn buyback_status(&self, b: &BuybackRecord) -> &'static str {
        self.c.t(b.status.zh(), b.status.en())
    }
    fn has_open(&self, bs: &[BuybackRecord]) -> bool {
        bs.iter().any(|b| b.status.is_open())
    }
}

pub(super) async fn mine_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang).await;
    let user = match c.require_user("/holdings/mine") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let homes = match svc::my_homes(&st, &user).await {
        Ok(h) => h,
        Err(e) => return c.error(e),
    };
    let mut with = Vec::new();
    for h in homes {
        match st
            .store
            .holdings()
            .hold_buybacks(Some((&h.project_id, h.home.id.as_str())), None, 20)
            .await
        {
            Ok(b) => with.push((h, b)),
            Err(e) => return c.error(e.into()),
        }
    }
    let r = svc::regime(&st);
    let trade = anju_allotment::cite::City::of_policy(&st.policy.id).trade();
    let exit_note = match r.0 {
        anju_allotment::cite::City::Yangquan => c
            .t(
                "申请回购后，须在提出申请之日起30日内主动腾退住房；逾期未腾退的，实施主体可以停止回购。回购价格由第三方评估机构评估确定，自行装修和添附不予补偿。",
                "After applying, the family must leave the home within 30 days of the application; if it does not, the company may stop the buyback. The price is set by an independent appraiser; your own decoration and additions are not paid for.",
            )
            .to_string(),
        anju_allotment::cite::City::Loudi => c
            .t(
                "自取得不动产权证书之日起满5年后确需转让的，向实施主体书面申请，由实施主体按届时市场评估价格扣除合理相关费用后回购。",
                "After five full years from the title date, an owner who must transfer applies in writing; the company buys back at the market appraisal less reasonable fees.",
            )
            .to_string(),
    };
    c.page(&MinePage {
        c: &c,
        homes: with,
        trade_cite: trade.short(),
        trade_quote: trade.quote.to_string(),
        buyback_cases: BuybackCase::of(r)
            .into_iter()
            .filter(|bc| *bc != BuybackCase::Clearance)
            .map(|bc| (bc, bc.cite(r).map(|x| x.short()).unwrap_or_default()))
            .collect(),
        exit_note,
    })
}
