//! The acquisition page's handler, its data, and its one form handler.

use anju_domain::Role;
use axum::extract::{FromRequest, Request, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use serde::Deserialize;
use std::collections::BTreeMap;

use super::forms::{self, cap_row, entry_kind, CapRow, ENTRY_KINDS};
use crate::acquisition::service::{
    self as svc, Approval, LedgerView, OfferDoc, PlanDoc, PurchaseDoc, SurveyDoc,
};
use crate::web::auth::{self, CurrentUser, CSRF_FIELD};
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::Query;
use crate::web::field_errors::FieldErrors;
use crate::web::forms::{ctx, done_redirect, field, Ctx, Fields, PageQuery};
use crate::web::html::{district_name, Lang};
use crate::web::AppState;

#[derive(Deserialize)]
pub(super) struct LangQuery {
    lang: Option<String>,
}

/// A row of the pool table.
struct OfferRow {
    id: String,
    district: String,
    area: String,
    band: &'static str,
    asking: String,
    eligible: bool,
    findings: Vec<(String, String)>,
}

/// A row of the purchases table.
struct PurchaseRow {
    p: PurchaseDoc,
    status: &'static str,
    overdue: bool,
    allotted: Vec<(String, String)>,
}

#[derive(askama::Template)]
#[template(path = "acquisition/templates/acquisition.html")]
struct Page<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    policy_title: String,
    companies: Vec<svc::Company>,
    survey: Option<SurveyDoc>,
    demand_rows: Vec<(String, [u64; 3], u64)>,
    chart: String,
    offers: Vec<OfferRow>,
    eligible: usize,
    plan: Option<(PlanDoc, i64)>,
    purchases: Vec<PurchaseRow>,
    overdue: usize,
    ledgers: Vec<LedgerView>,
    is_company: bool,
    is_city: bool,
    today: String,
    survey_cite: String,
    registration_cite: String,
    /// Stated preferences recorded so far (the next survey counts them).
    preferences: Vec<svc::PreferenceDoc>,
    /// The plan year a new proposal defaults to.
    next_year: String,
    /// The recorded caps, term by term in yuan per m².
    caps: Vec<CapRow>,
    /// Whether the city buys homes for rent (the cap form offers it).
    rent_allowed: bool,
    sale_cap_cite: String,
    rent_cap_cite: String,
    main_band_cite: String,
    ledger_cite: String,
    /// Projects of the pool, offered by the cap form.
    projects: Vec<String>,
    kinds: &'static [(&'static str, &'static str, &'static str)],
    /// Which form came back (`type`), what it held and what was wrong.
    posted: &'a str,
    f: &'a Fields,
    errors: &'a FieldErrors,
}

impl Page<'_> {
    fn solved(&self, k: &str) -> &'static str {
        let c = self.c;
        match k {
            "optimal" => c.t("已证明最优", "proven optimal"),
            "within_gap" => c.t(
                "在允许误差（0.5%）内最优",
                "optimal within the allowed gap (0.5 %)",
            ),
            "time_limited" => c.t("限时内找到的最好方案", "best found within the time limit"),
            "greedy" => c.t("贪心方案", "greedy plan"),
            "edited" => c.t("公司调整后", "edited by the company"),
            _ => c.t("—", "—"),
        }
    }
    /// What was typed in `name` of form `form`, when that form came back.
    fn v(&self, form: &str, name: &str) -> &str {
        if self.posted == form {
            field(self.f, name).unwrap_or("")
        } else {
            ""
        }
    }
    fn sel(&self, form: &str, name: &str, value: &str) -> bool {
        self.posted == form && field(self.f, name) == Some(value)
    }
    /// The problem with `name` of form `form` (`""`: the form as a whole).
    fn err(&self, form: &str, name: &str) -> Option<&str> {
        if self.posted == form {
            self.errors.get(name, self.c.lang)
        } else {
            None
        }
    }
    /// Whether the plan edit form shows `lot` ticked: what was posted when
    /// the form came back, else the plan's own choice.
    fn lot_on(&self, lot: &str, chosen: &bool) -> bool {
        if self.posted == "plan_edit" {
            self.f.iter().any(|(k, v)| k == "lot" && v == lot)
        } else {
            *chosen
        }
    }
    fn kind(&self, k: &str) -> &'static str {
        entry_kind(self.c.lang, k)
    }
    fn band(&self, b: &anju_acquisition::Band) -> &'static str {
        self.c.t(b.zh(), b.en())
    }
    fn tiers(&self, t: &[u64; 3]) -> String {
        format!("{} / {} / {}", t[0], t[1], t[2])
    }
}

fn chart_json(l: Lang, survey: &SurveyDoc, plan: Option<&PlanDoc>) -> String {
    let mut demand: BTreeMap<String, u64> = BTreeMap::new();
    for d in &survey.demand {
        *demand.entry(d.district.clone()).or_insert(0) += d.tiers.iter().sum::<u64>();
    }
    let mut supply: BTreeMap<String, u64> = BTreeMap::new();
    if let Some(p) = plan {
        for (lot, on) in p.lots.iter().zip(&p.chosen) {
            if *on {
                *supply.entry(lot.district.clone()).or_insert(0) += lot.homes.iter().sum::<u64>();
            }
        }
    }
    let keys: Vec<String> = demand
        .keys()
        .chain(supply.keys())
        .cloned()
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    serde_json::json!({
        "kind": "land",
        "districts": keys.iter().map(|k| district_name(l, k)).collect::<Vec<_>>(),
        "y": l.t("户 / 套", "families / homes"),
        "series": [
            {"name": l.t("轮候家庭（需求）", "Waiting families (demand)"), "data": keys.iter().map(|k| demand.get(k).copied().unwrap_or(0)).collect::<Vec<_>>()},
            {"name": l.t("计划购入房源（供给）", "Homes in the plan (supply)"), "data": keys.iter().map(|k| supply.get(k).copied().unwrap_or(0)).collect::<Vec<_>>()},
        ]
    })
    .to_string()
}

fn offer_row(l: Lang, o: &OfferDoc) -> OfferRow {
    let s = &o.screening;
    let findings = s
        .failures
        .iter()
        .map(|f| (l.t(&f.zh, &f.en).to_string(), f.cited.clone()))
        .collect();
    OfferRow {
        id: format!("{}/{}", o.lot, o.home.home),
        district: district_name(l, &o.home.district),
        area: o.home.area.to_string(),
        band: l.t(s.band.zh(), s.band.en()),
        asking: o.home.asking.to_string(),
        eligible: s.eligible,
        findings,
    }
}

async fn load(
    st: &AppState,
    user: &CurrentUser,
) -> ApiResult<(
    Vec<svc::Company>,
    Vec<SurveyDoc>,
    Vec<OfferDoc>,
    Vec<(PlanDoc, i64)>,
    Vec<(PurchaseDoc, i64)>,
)> {
    svc::may_read(user)?;
    Ok((
        svc::companies(st).await?,
        svc::surveys(st).await?,
        svc::offers(st).await?,
        svc::plans(st).await?,
        svc::purchases(st).await?,
    ))
}

pub(super) async fn page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let c = ctx(
        &st,
        &headers,
        &PageQuery {
            lang: q.lang,
            ..Default::default()
        },
    )
    .await;
    let user = match c.require_user("/acquisition") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    render(&st, &c, &user, "", &vec![], &FieldErrors::new()).await
}

/// The page; a form that came back (`posted`) keeps what was typed and
/// shows each problem beside its field (422).
pub(super) async fn render(
    st: &AppState,
    c: &Ctx,
    user: &CurrentUser,
    posted: &str,
    f: &Fields,
    errors: &FieldErrors,
) -> Response {
    let st = st.clone();
    let (companies, mut surveys, offers, plans, purchases) = match load(&st, user).await {
        Ok(x) => x,
        Err(e) => return c.error(e),
    };
    let mut ledgers = Vec::new();
    for co in &companies {
        match svc::ledger(&st, &co.id).await {
            Ok(l) => ledgers.push(l),
            Err(e) => return c.error(e),
        }
    }
    let l = c.lang;
    let today = st.clock.today();
    let policy = svc::policy(&st);
    let survey = surveys.pop();
    // The newest plan: a draft waiting for the city bureau is the one to
    // act on; otherwise the newest approved plan.
    let plan = plans.last().cloned();
    let chart = survey
        .as_ref()
        .map(|s| chart_json(l, s, plan.as_ref().map(|(p, _)| p)))
        .unwrap_or_default();
    let mut per: BTreeMap<String, [u64; 3]> = BTreeMap::new();
    for d in survey.iter().flat_map(|s| s.demand.iter()) {
        let e = per.entry(d.district.clone()).or_insert([0; 3]);
        for (x, y) in e.iter_mut().zip(d.tiers) {
            *x += y;
        }
    }
    let demand_rows = per
        .into_iter()
        .map(|(d, t)| (district_name(l, &d), t, t.iter().sum()))
        .collect();
    let purchases: Vec<PurchaseRow> = purchases
        .into_iter()
        .map(|(p, _)| PurchaseRow {
            status: l.t(p.status.zh(), p.status.en()),
            overdue: p.overdue(today),
            allotted: p
                .homes
                .iter()
                .filter_map(|h| h.allotted_to.clone().map(|t| (h.home.clone(), t)))
                .collect(),
            p,
        })
        .collect();
    let preferences = match svc::preferences(&st).await {
        Ok(p) => p,
        Err(e) => return c.error(e),
    };
    let caps = match svc::caps(&st).await {
        Ok(cs) => cs.iter().map(|x| cap_row(l, x)).collect(),
        Err(e) => return c.error(e),
    };
    let projects: Vec<String> = offers
        .iter()
        .map(|o| o.home.project.clone())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let page = Page {
        c,
        done: c.done().map(|_| l.t("已完成。", "Done.")),
        policy_title: format!("{}（{}）", policy.title, policy.document),
        companies,
        survey,
        demand_rows,
        chart,
        eligible: offers.iter().filter(|o| o.screening.eligible).count(),
        offers: offers.iter().map(|o| offer_row(l, o)).collect(),
        plan,
        overdue: purchases.iter().filter(|p| p.overdue).count(),
        purchases,
        ledgers,
        is_company: user.user.role == Role::Company,
        today: today.to_string(),
        is_city: user.user.role == Role::CityBureau,
        survey_cite: format!(
            "{} {}",
            policy.survey.source.document, policy.survey.source.article
        ),
        registration_cite: policy.rules.registration.cited(),
        preferences,
        next_year: (chrono::Datelike::year(&today) + 1).to_string(),
        caps,
        rent_allowed: policy.purpose.rent && policy.rules.rent_cap.applies,
        sale_cap_cite: policy.rules.sale_cap.cited(),
        rent_cap_cite: policy.rules.rent_cap.cited(),
        main_band_cite: policy.rules.main_band.cited(),
        ledger_cite: policy.rules.ledger.cited(),
        projects,
        kinds: &ENTRY_KINDS,
        posted,
        f,
        errors,
    };
    c.form_page(&page, !errors.is_empty())
}

/// The page's forms: freeze a survey (company), approve the plan (city
/// bureau, after ticking the confirmation).
pub(super) async fn act(State(st): State<AppState>, headers: HeaderMap, req: Request) -> Response {
    let c = ctx(&st, &headers, &PageQuery::default()).await;
    let user = match c.require_user("/acquisition") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let f = match Form::<Fields>::from_request(req, &st).await {
        Ok(Form(f)) => f,
        Err(e) => return c.error(ApiError::bad_request("invalid_form", e.body_text())),
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let text = |n: &str| field(&f, n).unwrap_or("").trim().to_string();
    let ty = field(&f, "type").unwrap_or("");
    let missing = forms::precheck(ty, &f);
    if !missing.is_empty() {
        return render(&st, &c, &user, ty, &f, &missing).await;
    }
    let r: ApiResult<&str> = async {
        if let Some(r) = forms::run(&st, &user, ty, &f).await {
            return r;
        }
        match ty {
            "propose" => svc::propose(
                &st,
                &user,
                &svc::PlanRequest {
                    year: text("year"),
                    company_id: text("company_id"),
                    own_capital_yuan: text("own_capital_yuan"),
                    loans_yuan: text("loans_yuan"),
                    special_funds_yuan: text("special_funds_yuan"),
                },
            )
            .await
            .map(|_| "propose"),
            "preference" => svc::record_preference(
                &st,
                &user,
                &svc::PreferenceRequest {
                    application_id: text("application_id"),
                    band: text("band"),
                    layout: text("layout"),
                    location: text("location"),
                },
            )
            .await
            .map(|_| "preference"),
            "survey" => svc::take_survey(&st, &user).await.map(|_| "survey"),
            "register" => {
                let id = field(&f, "id").unwrap_or("").to_string();
                let step = svc::PurchaseStep::Register {
                    on: field(&f, "on").unwrap_or("").to_string(),
                    certificate: field(&f, "certificate").unwrap_or("").to_string(),
                };
                svc::step(&st, &user, &id, &step).await.map(|_| "register")
            }
            "approve" => {
                if field(&f, "confirm") != Some("on") {
                    return Err(ApiError::bad_request("confirm", "请勾选确认：批准后计划不能再修改 (tick to confirm: an approved plan cannot be changed)").field("confirm"));
                }
                let id = field(&f, "id").unwrap_or("").to_string();
                let version = field(&f, "version").and_then(|v| v.parse().ok()).unwrap_or(0);
                svc::approve(&st, &user, &id, &Approval { version }).await.map(|_| "approve")
            }
            _ => Err(ApiError::bad_request("invalid_form", "未知操作 (unknown action)")),
        }
    }
    .await;
    match r {
        Ok(code) => done_redirect(&headers, &st, "/acquisition", code),
        // The forms' own refusals come back beside their fields; not
        // allowed, not found or out of order is the error page.
        Err(e)
            if matches!(
                e.status,
                axum::http::StatusCode::BAD_REQUEST | axum::http::StatusCode::UNPROCESSABLE_ENTITY
            ) =>
        {
            let posted = field(&f, "type").unwrap_or("").to_string();
            render(
                &st,
                &c,
                &user,
                &posted,
                &f,
                &FieldErrors::from_api_error(&e),
            )
            .await
        }
        Err(e) => c.error(e),
    }
}
