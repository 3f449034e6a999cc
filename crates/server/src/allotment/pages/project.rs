//! The project page: plan, price check, homes, and the plan forms of the
//! company and the city bureau; its rounds and titles come from `rounds`
//! and `titles`. Rendered from `allotment/templates/project.html`.

use anju_allotment::{AbsentRule, PlanStatus, PlanTerms, PriceCheck};
use anju_domain::Role;
use anju_store::{HomeRecord, HomeState, ProjectRecord};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::allotment::service::{self as svc};
use crate::web::forms::Ctx;
use crate::web::html::Lang;
use crate::web::AppState;

use super::common::*;
use super::rounds::*;
use super::titles::*;
use super::verify::*;
use super::view::*;

// ------------------------------------------------------------------ project page

#[derive(askama::Template)]
#[template(path = "allotment/templates/project.html")]
struct ProjectPage<'a> {
    c: &'a Ctx,
    v: &'a ProjectView,
    /// A label's colon: full-width in Chinese.
    k: &'static str,
    /// The banner after a finished action.
    done: Option<String>,
    status: &'static str,
    district: String,
    serves: String,
    seat: Option<String>,
    returned: Option<String>,
    plan: Option<PlanPart<'a>>,
    price: Option<PricePart<'a>>,
    plan_form: Option<PlanForm>,
    may_publish: bool,
    may_approve: bool,
    rounds: Vec<RoundPart<'a>>,
    /// Available homes, for choosing on a called family's behalf.
    available: Vec<&'a HomeRecord>,
    open_round: Option<OpenRound>,
    expire: Option<Expire>,
    titles: Vec<SoldPart<'a>>,
    may_register: bool,
    may_deal: bool,
    dealings: Vec<Choice>,
    homes: Vec<HomeRow<'a>>,
    homes_available: usize,
    /// The homes list's filters: states with their counts, layouts.
    home_filter: HomeFilter,
    verify: Option<VerifyBox>,
    /// Whose documents the terms cite (the deployment's city).
    city: anju_allotment::cite::City,
}

pub(super) async fn detail(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<AllotQuery>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let view = match svc::load_project(&st, c.user.as_ref(), &id).await {
        Ok(p) => {
            // A window of one round's results (positions are 1..n).
            let window = q
                .round
                .as_deref()
                .and_then(|r| r.parse::<u8>().ok())
                .map(|r| {
                    (
                        r,
                        q.from
                            .as_deref()
                            .and_then(|f| f.parse::<u32>().ok())
                            .unwrap_or(1),
                    )
                });
            load_view(&st, p, is_staff(&c), window).await
        }
        Err(e) => Err(e),
    };
    let v = match view {
        Ok(v) => v,
        Err(e) => return c.error(e),
    };
    let today = st.clock.today();
    let l = c.lang;
    let p = &v.p;
    let role = role_of(&c);
    let company = role == Some(Role::Company);
    let any_draws = v.rounds.iter().any(|r| !r.draws.is_empty());
    let city = crate::allotment::service::common::city(&st);
    let page = ProjectPage {
        city,
        c: &c,
        v: &v,
        k: colon(l),
        done: done_text(&c),
        status: plan_status(l, p.plan_status),
        district: district_name(l, &p.district),
        serves: p
            .area
            .districts
            .iter()
            .map(|d| district_name(l, d))
            .collect::<Vec<_>>()
            .join(l.t("、", ", ")),
        seat: p
            .area
            .county_seat_of
            .as_deref()
            .map(|s| district_name(l, s)),
        returned: p
            .returned_reason
            .as_deref()
            .filter(|_| p.plan_status == PlanStatus::Returned)
            .map(|r| format!("{}{r}", l.t("退回原因：", "Returned because: "))),
        plan: p.plan.as_ref().map(|t| plan_part(l, t)),
        price: v.check.as_ref().map(|ch| price_part(l, ch, city)),
        plan_form: (company && p.plan_status.editable()).then(|| plan_form(l, p, city)),
        may_publish: company && p.plan_status == PlanStatus::Approved,
        may_approve: role == Some(Role::CityBureau) && p.plan_status == PlanStatus::Submitted,
        rounds: v
            .rounds
            .iter()
            .map(|rv| round_part(&c, &v, rv, today))
            .collect(),
        available: v
            .homes
            .iter()
            .filter(|h| h.state == HomeState::Available)
            .collect(),
        open_round: open_round(&c, &v),
        expire: expire(&c, &v, today),
        titles: if is_staff(&c) {
            v.sold.iter().map(|sv| sold_part(l, sv)).collect()
        } else {
            Vec::new()
        },
        may_register: company,
        may_deal: matches!(role, Some(Role::Company | Role::CityBureau)),
        dealings: dealing_choices(l),
        home_filter: home_filter(l, &v.homes, &q),
        homes: v
            .homes
            .iter()
            .filter(|h| {
                q.homes
                    .as_deref()
                    .is_none_or(|s| s.is_empty() || h.state.code() == s)
            })
            .filter(|h| {
                q.layout
                    .as_deref()
                    .is_none_or(|x| x.is_empty() || h.home.layout == x)
            })
            .map(|h| home_row(l, h))
            .collect(),
        homes_available: v
            .homes
            .iter()
            .filter(|h| h.state == HomeState::Available)
            .count(),
        verify: any_draws.then(|| verify_box(l, &p.id, &v.rounds)),
    };
    c.page(&page)
}

// ------------------------------------------------------------------ plan and price check

/// The plan's terms with what needs the page's language.
struct PlanPart<'a> {
    t: &'a PlanTerms,
    /// One line per round: `第1轮选房期：2026-04-01 至 2026-04-30`.
    schedule: Vec<String>,
    absent: &'static str,
}

fn plan_part(l: Lang, t: &PlanTerms) -> PlanPart<'_> {
    PlanPart {
        t,
        schedule: t.schedule.iter().map(|w| schedule_text(l, w)).collect(),
        absent: absent_rule(l, t.absent_rule),
    }
}

struct PricePart<'a> {
    check: &'a PriceCheck,
    /// The banner's words when the check passed or failed.
    summary: String,
}

fn price_part(l: Lang, ch: &PriceCheck, city: anju_allotment::cite::City) -> PricePart<'_> {
    let summary = if ch.passed() {
        format!(
            "{} {} {}（{}；{}）",
            l.t("通过：", "Passed:"),
            ch.homes_checked,
            l.t(
                "套房源的配售价格均不高于政府指导价×建筑面积；收购房源均不超过收购成本+5%",
                "homes, none above the guided price × floor area, acquired homes within cost + 5%"
            ),
            anju_allotment::cite::ART17_PRICE.short(),
            city.acquired_price().short()
        )
    } else {
        format!(
            "{} {} {}",
            l.t("未通过：", "Failed:"),
            ch.violations.len(),
            l.t("处价格超出允许范围", "prices above what the articles allow")
        )
    };
    PricePart { check: ch, summary }
}

// ------------------------------------------------------------------ homes

struct HomeRow<'a> {
    h: &'a HomeRecord,
    source: &'static str,
    state: &'static str,
}

fn home_row(l: Lang, h: &HomeRecord) -> HomeRow<'_> {
    HomeRow {
        h,
        source: l.t(h.home.source.zh(), h.home.source.en()),
        state: home_state(l, h.state),
    }
}

/// The homes list's filter form: each state with how many homes stand in
/// it, and the project's layouts (issue 12 feature 15: every list says
/// its counts and narrows to what a person looks for).
struct HomeFilter {
    states: Vec<HomeChoice>,
    layouts: Vec<HomeChoice>,
    total: usize,
    /// Whether a filter narrows the list.
    narrowed: bool,
}

struct HomeChoice {
    code: String,
    label: String,
    count: usize,
    selected: bool,
}

fn home_filter(l: Lang, homes: &[HomeRecord], q: &AllotQuery) -> HomeFilter {
    let states = [HomeState::Available, HomeState::Held, HomeState::Sold]
        .into_iter()
        .map(|s| HomeChoice {
            code: s.code().to_string(),
            label: home_state(l, s).to_string(),
            count: homes.iter().filter(|h| h.state == s).count(),
            selected: q.homes.as_deref() == Some(s.code()),
        })
        .collect();
    let mut names: Vec<&str> = homes.iter().map(|h| h.home.layout.as_str()).collect();
    names.sort_unstable();
    names.dedup();
    let layouts = names
        .into_iter()
        .map(|x| HomeChoice {
            code: x.to_string(),
            label: x.to_string(),
            count: homes.iter().filter(|h| h.home.layout == x).count(),
            selected: q.layout.as_deref() == Some(x),
        })
        .collect();
    HomeFilter {
        states,
        layouts,
        total: homes.len(),
        narrowed: q.homes.as_deref().is_some_and(|s| !s.is_empty())
            || q.layout.as_deref().is_some_and(|s| !s.is_empty()),
    }
}

// ------------------------------------------------------------------ plan form (company)

/// The plan editor's values: the saved plan, or the defaults.
struct PlanForm {
    /// Open when there is no plan yet.
    open: bool,
    name: String,
    location: String,
    guided: String,
    sale_method: String,
    lottery_rules: String,
    windows: Vec<WindowField>,
    buyback: String,
    absent: Vec<Choice>,
    signing_days: u16,
    min_down: u8,
}

/// One round's selection window in the schedule (art. 16).
struct WindowField {
    n: u8,
    /// 第1轮 / Round 1.
    name: String,
    opens: String,
    closes: String,
}

fn plan_form(l: Lang, p: &ProjectRecord, city: anju_allotment::cite::City) -> PlanForm {
    let t = p.plan.as_ref();
    let text = |get: fn(&PlanTerms) -> &str| t.map(get).unwrap_or("").to_string();
    let rule = t.map_or(AbsentRule::CallAgainAtEnd, |t| t.absent_rule);
    let choice = |r: AbsentRule, code: &'static str| Choice {
        code,
        label: absent_rule(l, r),
        selected: r == rule,
    };
    PlanForm {
        open: t.is_none(),
        name: t.map_or(p.name.clone(), |t| t.name.clone()),
        location: text(|t| &t.location),
        guided: t
            .map(|t| t.guided_price_per_m2.to_string())
            .unwrap_or_default(),
        sale_method: t.map_or("摇号选房".to_string(), |t| t.sale_method.clone()),
        lottery_rules: text(|t| &t.lottery_rules),
        windows: (1..=3u8)
            .map(|n| {
                let w = t.and_then(|t| t.window(n));
                WindowField {
                    n,
                    name: round_name(l, n),
                    opens: w.map(|w| w.opens.to_string()).unwrap_or_default(),
                    closes: w.map(|w| w.closes.to_string()).unwrap_or_default(),
                }
            })
            .collect(),
        buyback: text(|t| &t.buyback_terms),
        absent: vec![
            choice(AbsentRule::CallAgainAtEnd, "call_again_at_end"),
            choice(AbsentRule::PassRound, "pass_round"),
        ],
        // A new plan starts from the city's own bounds.
        signing_days: t.map_or(15.min(city.max_signing_days()), |t| t.signing_days),
        min_down: t.map_or(city.down_payment().1, |t| t.min_down_payment_percent),
    }
}
