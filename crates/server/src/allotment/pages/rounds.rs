//! A round on the project page: entrants, draws, results, the round's forms
//! and the selection venue — the view data of `templates/round.html`.

use std::collections::HashMap;

use anju_allotment::{CallState, Fen, PlanStatus, RoundStatus};
use anju_domain::Role;
use anju_store::{DrawRecord, EntrantRecord, RoundRecord};
use chrono::NaiveDate;

use crate::web::forms::Ctx;
use crate::web::html::Lang;

use super::common::*;
use super::view::*;

pub(super) struct RoundPart<'a> {
    pub(super) rv: &'a RoundView,
    pub(super) n: u8,
    /// 第1轮 / Round 1.
    pub(super) name: String,
    pub(super) status: &'static str,
    /// A pending re-draw request, in words.
    pub(super) redraw: Option<String>,
    pub(super) excluded: Vec<Excluded>,
    /// How many were left out in all.
    pub(super) excluded_count: usize,
    pub(super) draws: &'a [DrawRecord],
    pub(super) entrants: Vec<EntrantRow<'a>>,
    /// Which entrants the results table shows of how many, and the links
    /// to the windows before and after.
    pub(super) shown: String,
    pub(super) earlier: Option<String>,
    pub(super) later: Option<String>,
    pub(super) may_approve_redraw: bool,
    pub(super) may_draw: bool,
    /// Drawn with no re-draw pending: start selection or ask for a re-draw.
    pub(super) drawn: bool,
    /// Selecting: call the next families or close the round.
    pub(super) selecting: bool,
    /// The company's desk at the venue: called and chosen families.
    pub(super) venue: Vec<VenueCard<'a>>,
}

/// A qualified family left out of a round when it was frozen (application
/// number, reason, article).
pub(super) struct Excluded {
    pub(super) application_id: String,
    pub(super) reason: String,
    pub(super) article: String,
}

pub(super) struct EntrantRow<'a> {
    pub(super) e: &'a EntrantRecord,
    /// Call and draw positions (empty before the draw).
    pub(super) call: String,
    pub(super) draw: String,
    pub(super) state: &'static str,
}

pub(super) struct VenueCard<'a> {
    pub(super) e: &'a EntrantRecord,
    pub(super) state: &'static str,
    /// Set when the family has chosen (else it has been called).
    pub(super) chosen: Option<Chosen>,
}

pub(super) struct Chosen {
    pub(super) home: String,
    pub(super) deadline: String,
    pub(super) overdue: bool,
    pub(super) money: Option<Money>,
}

/// The price and the minimum down payment, rounded up to the fen (Loudi 8(1)3).
pub(super) struct Money {
    pub(super) fen: u64,
    pub(super) price: Fen,
    pub(super) min_down: Fen,
    pub(super) pct: u8,
}

/// The open-next-round button (company, published plan).
pub(super) struct OpenRound {
    pub(super) n: u8,
    pub(super) label: String,
}

pub(super) fn round_part<'a>(
    c: &Ctx,
    v: &'a ProjectView,
    rv: &'a RoundView,
    today: NaiveDate,
) -> RoundPart<'a> {
    let l = c.lang;
    let r = &rv.round;
    let company = is_company(c);
    let redraw = r.redraw_reason.as_deref().map(|reason| {
        let state = if r.redraw_approved_by.is_some() {
            l.t("已批准，待重新摇号", "approved, awaiting the re-draw")
        } else {
            l.t("待第二人批准", "awaiting a second approver")
        };
        format!(
            "{}{reason}（{state}）",
            l.t("重新摇号申请：", "Re-draw requested: ")
        )
    });
    let redraw_ready = r.status == RoundStatus::Drawn && r.redraw_approved_by.is_some();
    let num = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    let (excluded, excluded_count) = excluded(&r.excluded_json);
    RoundPart {
        rv,
        n: r.round_no,
        name: round_name(l, r.round_no),
        status: round_status(l, r.status),
        redraw,
        excluded,
        excluded_count,
        draws: &rv.draws,
        entrants: rv
            .entrants
            .iter()
            .map(|e| EntrantRow {
                e,
                call: num(e.call_position),
                draw: num(e.draw_position),
                state: call_state(l, e.state),
            })
            .collect(),
        shown: shown(l, rv),
        earlier: (rv.from > 1)
            .then(|| window_link(v, r.round_no, rv.from.saturating_sub(ENTRANT_WINDOW).max(1))),
        later: (u64::from(rv.from) + rv.entrants.len() as u64 <= u64::from(r.entrant_count)
            && rv.entrants.len() as u32 == ENTRANT_WINDOW)
            .then(|| window_link(v, r.round_no, rv.from + ENTRANT_WINDOW)),
        may_approve_redraw: may_approve_redraw(c, r),
        may_draw: company && (r.status == RoundStatus::Frozen || redraw_ready),
        drawn: company && r.status == RoundStatus::Drawn && r.redraw_reason.is_none(),
        selecting: company && r.status == RoundStatus::Selecting,
        venue: if company {
            venue(l, v, rv, today)
        } else {
            Vec::new()
        },
    }
}

/// "第1–100户，共 100,000 户" of the results table.
fn shown(l: Lang, rv: &RoundView) -> String {
    let total = rv.round.entrant_count;
    if rv.entrants.is_empty() {
        return match l {
            Lang::Zh => format!("共 {total} 户"),
            Lang::En => format!("{total} families in all"),
        };
    }
    let last = rv.from + rv.entrants.len() as u32 - 1;
    match l {
        Lang::Zh => format!("第 {}–{last} 户，共 {total} 户", rv.from),
        Lang::En => format!("Families {} to {last} of {total}", rv.from),
    }
}

/// The project page showing round `n`'s entrants from position `from`.
fn window_link(v: &ProjectView, n: u8, from: u32) -> String {
    format!(
        "/projects/{}?round={n}&from={from}#results-{n}",
        crate::web::html::url_encode(&v.p.id)
    )
}

/// The qualified families left out of a round, from the round's record:
/// the first of them for the page's list, and how many in all.
fn excluded(excluded_json: &str) -> (Vec<Excluded>, usize) {
    let items: Vec<serde_json::Value> = serde_json::from_str(excluded_json).unwrap_or_default();
    let listed = items
        .iter()
        .take(ENTRANT_WINDOW as usize)
        .map(|e| {
            let cite = &e["citation"];
            let s = |v: &serde_json::Value| v.as_str().unwrap_or("").to_string();
            Excluded {
                application_id: s(&e["application_id"]),
                reason: s(&e["reason"]),
                article: format!("{} {}", s(&cite["document"]), s(&cite["article"])),
            }
        })
        .collect();
    (listed, items.len())
}

/// A pending re-draw, for a second person: the city bureau or another company officer.
fn may_approve_redraw(c: &Ctx, r: &RoundRecord) -> bool {
    let pending = r.redraw_reason.is_some() && r.redraw_approved_by.is_none();
    let me = c.user.as_ref().map(|u| u.user.id.as_str().to_string());
    let may_approve = match role_of(c) {
        Some(Role::CityBureau) => true,
        Some(Role::Company) => me.as_deref() != r.redraw_requested_by.as_deref(),
        _ => false,
    };
    pending && may_approve
}

/// The open-next-round button: round 1 once the plan is published, the
/// next round once the last one closed (at most 3).
pub(super) fn open_round(c: &Ctx, v: &ProjectView) -> Option<OpenRound> {
    if !is_company(c) || v.p.plan_status != PlanStatus::Published {
        return None;
    }
    let last = v.rounds.last().map(|r| (r.round.round_no, r.round.status));
    let n = match last {
        None => 1,
        Some((n, RoundStatus::Closed)) if n < 3 => n + 1,
        _ => return None,
    };
    let label = match c.lang {
        Lang::Zh => format!("开启第{n}轮（冻结名单）"),
        Lang::En => format!("Open round {n} (freeze the entrant list)"),
    };
    Some(OpenRound { n, label })
}

/// The company's desk at the venue: a card per called family (while
/// selecting) and per chosen family.
fn venue<'a>(l: Lang, v: &ProjectView, rv: &'a RoundView, today: NaiveDate) -> Vec<VenueCard<'a>> {
    let selecting = rv.round.status == RoundStatus::Selecting;
    let prices: HashMap<&str, Fen> = v
        .homes
        .iter()
        .map(|h| (h.home.id.as_str(), h.home.price))
        .collect();
    let pct = v.p.plan.as_ref().map_or(15, |t| t.min_down_payment_percent);
    rv.active
        .iter()
        .filter_map(|e| {
            let chosen = match e.state {
                CallState::Called if selecting => None,
                CallState::Chosen => {
                    let home = e.home_id.clone().unwrap_or_default();
                    let money = prices.get(home.as_str()).map(|&price| Money {
                        fen: price.fen(),
                        price,
                        min_down: min_down_payment(price, pct),
                        pct,
                    });
                    Some(Chosen {
                        home,
                        deadline: e.sign_by.map(|d| d.to_string()).unwrap_or_default(),
                        overdue: e.sign_by.is_some_and(|d| today > d),
                        money,
                    })
                }
                _ => return None,
            };
            Some(VenueCard {
                e,
                state: call_state(l, e.state),
                chosen,
            })
        })
        .collect()
}
