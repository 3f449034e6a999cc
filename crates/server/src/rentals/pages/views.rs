//! The rentals pages' handlers and the rows their templates show.

use anju_domain::Role;
use anju_rentals::exit::ExitGround;
use anju_rentals::ledger::EntryKind;
use anju_rentals::LeaseStatus;
use anju_store::rentals::{LeaseRecord, LedgerRow, ListingRecord, OfferRecord};
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use crate::rentals::service::{self as svc, HomeView, LeaseView};
use crate::web::error::ApiResult;
use crate::web::extract::{Path, Query};
use crate::web::forms::{ctx_for_lang, Ctx};
use crate::web::html::{district_name, Lang};
use crate::web::sheets::{official_sheet, xlsx_response, Cell, OfficialSheet};
use crate::web::AppState;

/// What a finished action is called in the banner.
pub(super) fn done_label(l: Lang, code: &str) -> &'static str {
    match code {
        "home_add" => l.t("已登记配租房源。", "Rental home registered."),
        "survey_add" => l.t(
            "已登记市场租金；自其生效日起用于新签和续签合同。",
            "Market rent recorded; it applies to leases signed or renewed from its date.",
        ),
        "offer" => l.t("已发出配租通知。", "Offer made."),
        "answer" => l.t("已登记家庭答复。", "Answer recorded."),
        "renew" => l.t(
            "已续租，新合同已生成。",
            "Renewed: the new lease is in force.",
        ),
        "exit" => l.t("已送达退出通知。", "Exit notice served."),
        "close" => l.t("已办理退出。", "Exit recorded."),
        "pay" => l.t("已登记缴款。", "Payment recorded."),
        "adjust" => l.t("已登记调整。", "Adjustment recorded."),
        "charge" => l.t(
            "已生成本月租金（重复生成不会重复计费）。",
            "The month's rent is charged (running it again charges nothing twice).",
        ),
        _ => l.t("已完成。", "Done."),
    }
}

pub fn yuan(fen: i64) -> String {
    svc::yuan(fen)
}

pub fn status_label(c: &Ctx, shown: &str) -> String {
    c.t(LeaseStatus::zh_of(shown), LeaseStatus::en_of(shown))
        .to_string()
}

pub fn kind_label(c: &Ctx, kind: &str) -> String {
    EntryKind::parse(kind)
        .map(|k| c.t(k.zh(), k.en()).to_string())
        .unwrap_or_default()
}

pub fn ground_label(c: &Ctx, g: Option<&str>) -> String {
    g.and_then(ExitGround::parse)
        .map(|g| c.t(g.zh(), g.en()).to_string())
        .unwrap_or_else(|| "—".into())
}

fn cycle_label(c: &Ctx, code: &str) -> String {
    anju_rentals::Cycle::parse(code)
        .map(|k| c.t(k.zh(), k.en()).to_string())
        .unwrap_or_default()
}

fn home_state_label(c: &Ctx, s: &str) -> String {
    match s {
        "available" => c.t("待配租", "available"),
        "offered" => c.t("已通知", "offered"),
        "let" => c.t("已出租", "let"),
        _ => "—",
    }
    .to_string()
}

fn offer_status_label(c: &Ctx, s: &str) -> String {
    match s {
        "offered" => c.t("待答复", "awaiting answer"),
        "accepted" => c.t("已接受", "accepted"),
        "refused" => c.t("已拒绝", "refused"),
        _ => "—",
    }
    .to_string()
}

/// The rules' figures every page shows, with their articles.
pub struct RuleFacts {
    pub rent: String,
    pub lease: String,
    pub pay: String,
    pub exit: String,
    pub rent_note: String,
    pub exit_note: String,
    pub serious: Vec<(String, String, String)>,
}

fn facts(c: &Ctx, r: &anju_rentals::RentalRules) -> RuleFacts {
    let en = c.is_en();
    RuleFacts {
        rent: format!("{}（{}）", r.rent.source.quote, r.rent.source.article),
        lease: format!("{}（{}）", r.lease.source.quote, r.lease.source.article),
        pay: format!("{}（{}）", r.payment.source.quote, r.payment.source.article),
        exit: format!("{}（{}）", r.exit.source.quote, r.exit.source.article),
        rent_note: if en {
            r.rent.source.note_en.clone()
        } else {
            r.rent.source.note.clone()
        },
        exit_note: if en {
            r.exit.source.note_en.clone()
        } else {
            r.exit.source.note.clone()
        },
        serious: r
            .exit
            .serious
            .iter()
            .map(|s| {
                (
                    s.code.clone(),
                    if en {
                        s.label_en.clone()
                    } else {
                        s.label.clone()
                    },
                    if en {
                        s.interpretation_en.clone()
                    } else {
                        s.interpretation.clone()
                    },
                )
            })
            .collect(),
    }
}

/// A home row.
pub struct HomeRow {
    pub id: String,
    pub district: String,
    pub address: String,
    pub area: String,
    pub rooms: String,
    pub source: String,
    pub evidence: String,
    pub market: String,
    pub rent: String,
    pub state: String,
}

fn home_row(c: &Ctx, v: &HomeView) -> HomeRow {
    HomeRow {
        id: v.home.id.clone(),
        district: district_name(c.lang, &v.home.district),
        address: v.home.address.clone(),
        area: yuan(v.home.area_centi),
        rooms: v.home.rooms.clone(),
        source: svc::source_label(&v.home.source, c.is_en()).to_string(),
        evidence: v
            .current
            .as_ref()
            .map(|s| {
                format!(
                    "{} {} {}（{}，{}）",
                    s.effective_from,
                    yuan(s.per_m2_fen),
                    c.t("元/㎡·月", "yuan per m² a month"),
                    s.source,
                    s.surveyed_on
                )
            })
            .unwrap_or_else(|| c.t("无有效调查", "no evidence in force").into()),
        market: v
            .rent
            .as_ref()
            .map(|r| yuan(r.market_monthly_fen))
            .unwrap_or_default(),
        rent: v
            .rent
            .as_ref()
            .map(|r| yuan(r.rent_fen))
            .unwrap_or_default(),
        state: home_state_label(c, &v.home.state),
    }
}

/// A lease row.
pub struct LeaseRow {
    pub id: String,
    pub family: String,
    pub home: String,
    pub dates: String,
    pub rent: String,
    pub status: String,
    pub shown: &'static str,
    pub deadline: String,
}

fn lease_row(c: &Ctx, l: &LeaseRecord, today: chrono::NaiveDate) -> LeaseRow {
    let shown = LeaseStatus::parse(&l.status)
        .map(|s| s.shown(l.exit_deadline, today))
        .unwrap_or("terminated");
    LeaseRow {
        id: l.id.clone(),
        family: l.masked_name.clone().unwrap_or_default(),
        home: format!("{} {}", l.home_id, l.address.clone().unwrap_or_default()),
        dates: format!("{} — {}", l.starts_on, l.ends_on),
        rent: yuan(l.rent_fen),
        status: status_label(c, shown),
        shown,
        deadline: l.exit_deadline.map(|d| d.to_string()).unwrap_or_default(),
    }
}

/// An arrears row.
pub struct ArrearsRow {
    pub lease: String,
    pub family: String,
    pub balance: String,
    pub d1_30: String,
    pub d31_90: String,
    pub d91_180: String,
    pub over_180: String,
    pub oldest: String,
}

/// Families waiting in a district.
pub struct Waiting {
    pub district: String,
    pub district_code: String,
    pub families: Vec<(String, String, bool)>,
    pub homes: Vec<String>,
}

#[derive(askama::Template)]
#[template(path = "rentals/templates/desk.html")]
struct DeskPage<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    f: RuleFacts,
    runs: bool,
    homes: Vec<HomeRow>,
    waiting: Vec<Waiting>,
    offers: Vec<OfferRecord>,
    leases: Vec<LeaseRow>,
    arrears: Vec<ArrearsRow>,
    listings: Vec<ListingRecord>,
    counts: Vec<(String, usize)>,
    month: String,
    status: String,
}

impl DeskPage<'_> {
    fn offer_status(&self, s: &str) -> String {
        offer_status_label(self.c, s)
    }
    fn serious_label(&self, code: &str) -> String {
        self.f
            .serious
            .iter()
            .find(|(c, _, _)| c == code)
            .map(|(_, l, _)| l.clone())
            .unwrap_or_else(|| code.to_string())
    }
}

#[derive(Deserialize, Default)]
pub(super) struct DeskQuery {
    lang: Option<String>,
    status: Option<String>,
}

/// The company's desk (readers); a family goes to its own lease.
pub(super) async fn desk_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<DeskQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang.clone()).await;
    let user = match c.require_user("/rentals") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if user.user.role == Role::Applicant {
        return Redirect::to("/rentals/mine").into_response();
    }
    let r = async {
        let rules = svc::rules(&st)?;
        let today = st.clock.today();
        let homes = svc::homes(&st, &user).await?;
        let mut districts: Vec<String> = homes.iter().map(|h| h.home.district.clone()).collect();
        districts.sort();
        districts.dedup();
        let mut waiting = Vec::new();
        for d in districts {
            let fams = svc::candidates(&st, &user, &d).await?;
            waiting.push(Waiting {
                district: district_name(c.lang, &d),
                families: fams
                    .into_iter()
                    .take(10)
                    .map(|f| (f.family.application_id, f.family.masked_name, f.priority))
                    .collect(),
                homes: homes
                    .iter()
                    .filter(|h| {
                        h.home.district == d && h.home.state == "available" && h.rent.is_some()
                    })
                    .map(|h| h.home.id.clone())
                    .collect(),
                district_code: d,
            });
        }
        let all = svc::leases(&st, &user, None).await?;
        let mut counts: Vec<(String, usize)> = Vec::new();
        for shown in ["active", "renewed", "ending", "overstaying", "terminated"] {
            let n = all
                .iter()
                .filter(|l| lease_row(&c, l, today).shown == shown)
                .count();
            counts.push((status_label(&c, shown), n));
        }
        let status = q.status.clone().unwrap_or_default();
        let leases = all
            .iter()
            .map(|l| lease_row(&c, l, today))
            .filter(|r| status.is_empty() || r.shown == status)
            .collect();
        let arrears = svc::arrears(&st, &user)
            .await?
            .into_iter()
            .map(|a| ArrearsRow {
                lease: a.lease.id.clone(),
                family: a.lease.masked_name.clone().unwrap_or_default(),
                balance: yuan(a.balance_fen),
                d1_30: yuan(a.ageing.d1_30),
                d31_90: yuan(a.ageing.d31_90),
                d91_180: yuan(a.ageing.d91_180),
                over_180: yuan(a.ageing.over_180),
                oldest: a
                    .ageing
                    .oldest_due
                    .map(|d| d.to_string())
                    .unwrap_or_default(),
            })
            .collect();
        ApiResult::Ok(DeskPage {
            c: &c,
            done: c.done().map(|d| done_label(c.lang, d)),
            f: facts(&c, rules),
            runs: user.user.role == Role::Company,
            homes: homes.iter().map(|h| home_row(&c, h)).collect(),
            waiting,
            offers: svc::offers(&st, &user).await?,
            leases,
            arrears,
            listings: svc::listings(&st, &user).await?,
            counts,
            month: today.format("%Y-%m").to_string(),
            status,
        })
    }
    .await;
    match r {
        Ok(p) => c.page(&p),
        Err(e) => c.error(e),
    }
}

#[derive(askama::Template)]
#[template(path = "rentals/templates/home.html")]
struct HomePage<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    f: RuleFacts,
    runs: bool,
    h: HomeRow,
    v: HomeView,
    ratio: u32,
}

impl HomePage<'_> {
    fn method(&self, m: &str) -> &str {
        if m == "appraisal" {
            self.c.t("评估", "appraisal")
        } else {
            self.c.t("市场调查", "survey")
        }
    }
    fn y(&self, fen: &i64) -> String {
        yuan(*fen)
    }
}

#[derive(Deserialize, Default)]
pub(super) struct LangQuery {
    lang: Option<String>,
}

/// A home with all its evidence and how its rent is computed (readers).
pub(super) async fn home_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang).await;
    let user = match c.require_user("/rentals") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let r = async {
        let rules = svc::rules(&st)?;
        let v = svc::home(&st, &user, &id).await?;
        ApiResult::Ok(HomePage {
            c: &c,
            done: c.done().map(|d| done_label(c.lang, d)),
            f: facts(&c, rules),
            runs: user.user.role == Role::Company,
            h: home_row(&c, &v),
            v,
            ratio: rules.rent.ratio_percent,
        })
    }
    .await;
    match r {
        Ok(p) => c.page(&p),
        Err(e) => c.error(e),
    }
}

/// A ledger row as shown.
pub struct EntryRow {
    pub on: String,
    pub kind: String,
    pub what: String,
    pub charged: String,
    pub paid: String,
}

pub fn entry_rows(c: &Ctx, rows: &[LedgerRow]) -> Vec<EntryRow> {
    rows.iter()
        .map(|e| {
            let mut what = String::new();
            if let (Some(from), Some(to)) = (Some(e.on_date), e.covers_to) {
                if e.kind == "charge" || e.kind == "overstay" {
                    what = format!("{from} — {to}");
                }
            }
            if let Some(d) = e.due_on {
                if e.kind == "charge" {
                    what.push_str(&format!(" · {} {d}", c.t("到期", "due")));
                }
            }
            if !e.reason.is_empty() {
                what.push_str(&format!(" {}", e.reason));
            }
            if !e.approver.is_empty() {
                what.push_str(&format!(
                    " · {} {}",
                    c.t("批准人", "approved by"),
                    e.approver
                ));
            }
            EntryRow {
                on: e.on_date.to_string(),
                kind: kind_label(c, &e.kind),
                what: what.trim().to_string(),
                charged: if e.amount_fen > 0 {
                    yuan(e.amount_fen)
                } else {
                    String::new()
                },
                paid: if e.amount_fen < 0 {
                    yuan(-e.amount_fen)
                } else {
                    String::new()
                },
            }
        })
        .collect()
}

/// A lease as its page shows it.
pub struct LeaseShow {
    pub v: LeaseView,
    pub status: String,
    pub ground: String,
    pub cycle: String,
    pub entries: Vec<EntryRow>,
    pub rent: String,
    pub market: String,
    pub deposit: String,
    pub balance: String,
    pub owes: bool,
    pub overdue: String,
    pub accruing: String,
    pub per_day: String,
    /// The rules' share of the market rent (80).
    pub ratio: u32,
}

pub fn lease_show(c: &Ctx, v: LeaseView, ratio: u32) -> LeaseShow {
    let today_dim = v
        .lease
        .exit_deadline
        .map(|d| {
            anju_rentals::exit::days_in_month(
                chrono::Datelike::year(&d),
                chrono::Datelike::month(&d),
            )
        })
        .unwrap_or(30);
    LeaseShow {
        status: status_label(c, v.shown),
        ground: ground_label(c, v.lease.exit_ground.as_deref()),
        cycle: cycle_label(c, &v.lease.cycle),
        entries: entry_rows(c, &v.entries),
        rent: yuan(v.lease.rent_fen),
        market: yuan(v.lease.market_monthly_fen),
        deposit: yuan(v.lease.deposit_fen),
        balance: yuan(v.balance_fen.abs()),
        owes: v.balance_fen > 0,
        overdue: yuan(v.ageing.overdue()),
        accruing: yuan(v.accruing_fen),
        per_day: yuan(
            anju_rentals::exit::per_day(v.lease.market_monthly_fen, today_dim).per_day_fen,
        ),
        ratio,
        v,
    }
}

#[derive(askama::Template)]
#[template(path = "rentals/templates/lease.html")]
struct LeasePage<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    f: RuleFacts,
    runs: bool,
    s: LeaseShow,
    grounds: Vec<(&'static str, String)>,
}

/// A lease with its ledger; the company acts on it here.
pub(super) async fn lease_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang).await;
    let user = match c.require_user("/rentals") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let r = async {
        let rules = svc::rules(&st)?;
        let v = svc::lease(&st, &user, &id).await?;
        ApiResult::Ok(LeasePage {
            c: &c,
            done: c.done().map(|d| done_label(c.lang, d)),
            f: facts(&c, rules),
            runs: user.user.role == Role::Company,
            s: lease_show(&c, v, rules.rent.ratio_percent),
            grounds: ExitGround::ALL
                .iter()
                .map(|g| (g.code(), c.t(g.zh(), g.en()).to_string()))
                .collect(),
        })
    }
    .await;
    match r {
        Ok(p) => c.page(&p),
        Err(e) => c.error(e),
    }
}

#[derive(askama::Template)]
#[template(path = "rentals/templates/bill.html")]
struct BillPage<'a> {
    c: &'a Ctx,
    s: LeaseShow,
    today: chrono::NaiveDate,
    city: String,
}

/// The printable bill and receipts of a lease (tenant, readers).
pub(super) async fn bill_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<LangQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang).await;
    let user = match c.require_user("/rentals/mine") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let r = async {
        let rules = svc::rules(&st)?;
        let v = svc::lease(&st, &user, &id).await?;
        ApiResult::Ok(BillPage {
            c: &c,
            s: lease_show(&c, v, rules.rent.ratio_percent),
            today: st.clock.today(),
            city: rules.rules.city.clone(),
        })
    }
    .await;
    match r {
        Ok(p) => c.page(&p),
        Err(e) => c.error(e),
    }
}

#[derive(askama::Template)]
#[template(path = "rentals/templates/mine.html")]
struct MinePage<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    f: RuleFacts,
    leases: Vec<LeaseShow>,
}

/// The tenant's own leases, bills and payments (applicant).
pub(super) async fn mine_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<LangQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang).await;
    let user = match c.require_user("/rentals/mine") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if user.user.role != Role::Applicant {
        return Redirect::to("/rentals").into_response();
    }
    let r = async {
        let rules = svc::rules(&st)?;
        let leases = svc::mine(&st, &user).await?;
        ApiResult::Ok(MinePage {
            c: &c,
            done: c.done().map(|d| done_label(c.lang, d)),
            f: facts(&c, rules),
            leases: leases
                .into_iter()
                .map(|v| lease_show(&c, v, rules.rent.ratio_percent))
                .collect(),
        })
    }
    .await;
    match r {
        Ok(p) => c.page(&p),
        Err(e) => c.error(e),
    }
}

/// Every lease as an official sheet (readers).
pub(super) async fn leases_xlsx(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let c = ctx_for_lang(&st, &headers, None).await;
    let user = match c.require_user("/rentals") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let r = async {
        let rules = svc::rules(&st)?;
        let today = st.clock.today();
        let rows = svc::leases(&st, &user, None)
            .await?
            .iter()
            .map(|l| {
                let shown = LeaseStatus::parse(&l.status)
                    .map(|s| s.shown(l.exit_deadline, today))
                    .unwrap_or("terminated");
                vec![
                    Cell::Text(l.id.clone()),
                    Cell::Text(l.masked_name.clone().unwrap_or_default()),
                    Cell::Text(l.home_id.clone()),
                    Cell::Text(l.starts_on.to_string()),
                    Cell::Text(l.ends_on.to_string()),
                    Cell::Number(l.rent_fen as f64 / 100.0),
                    Cell::Number(l.market_monthly_fen as f64 / 100.0),
                    Cell::Text(LeaseStatus::zh_of(shown).to_string()),
                    Cell::Text(l.exit_deadline.map(|d| d.to_string()).unwrap_or_default()),
                ]
            })
            .collect();
        official_sheet(&OfficialSheet {
            sheet_name: "租赁合同",
            title: &format!("{}保障性住房租赁合同台账", rules.rules.city),
            office: "实施主体",
            period: None,
            issued_on: today,
            header: &[
                "合同编号",
                "承租家庭",
                "房源",
                "起始日",
                "届满日",
                "月租金（元）",
                "市场月租金（元）",
                "状态",
                "退出期限",
            ],
            rows,
            note: Some(&format!("租金依据：{}", rules.rent.source.article)),
            widths: &[(0, 18.0), (2, 16.0), (7, 12.0)],
        })
    }
    .await;
    match r {
        Ok(b) => xlsx_response(b, "rentals-leases.xlsx"),
        Err(e) => c.error(e),
    }
}

/// Arrears with ageing as an official sheet (readers).
pub(super) async fn arrears_xlsx(State(st): State<AppState>, headers: HeaderMap) -> Response {
    let c = ctx_for_lang(&st, &headers, None).await;
    let user = match c.require_user("/rentals") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let r = async {
        let rules = svc::rules(&st)?;
        let rows = svc::arrears(&st, &user)
            .await?
            .into_iter()
            .map(|a| {
                let n = |f: i64| Cell::Number(f as f64 / 100.0);
                vec![
                    Cell::Text(a.lease.id.clone()),
                    Cell::Text(a.lease.masked_name.clone().unwrap_or_default()),
                    n(a.balance_fen),
                    n(a.ageing.d1_30),
                    n(a.ageing.d31_90),
                    n(a.ageing.d91_180),
                    n(a.ageing.over_180),
                    Cell::Text(
                        a.ageing
                            .oldest_due
                            .map(|d| d.to_string())
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect();
        official_sheet(&OfficialSheet {
            sheet_name: "欠租清单",
            title: &format!("{}保障性住房欠租清单（账龄）", rules.rules.city),
            office: "实施主体",
            period: None,
            issued_on: st.clock.today(),
            header: &[
                "合同编号",
                "承租家庭",
                "欠款合计（元）",
                "逾期1–30天",
                "31–90天",
                "91–180天",
                "180天以上",
                "最早到期日",
            ],
            rows,
            note: None,
            widths: &[(0, 18.0)],
        })
    }
    .await;
    match r {
        Ok(b) => xlsx_response(b, "rentals-arrears.xlsx"),
        Err(e) => c.error(e),
    }
}
