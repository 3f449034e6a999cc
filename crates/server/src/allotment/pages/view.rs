//! What the project page shows, loaded once: the project, its homes, rounds
//! (with entrants and draws) and sold homes (with contracts, titles, dealings).

use std::collections::HashMap;

use anju_allotment::{CallState, PriceCheck, RoundStatus, Title};
use anju_store::{
    ContractRecord, DrawRecord, EntrantRecord, HomeRecord, HomeState, ProjectRecord, RoundRecord,
};
use chrono::NaiveDate;

use crate::allotment::service::{self as svc};
use crate::web::error::ApiResult;
use crate::web::AppState;

pub(super) struct RoundView {
    pub(super) round: RoundRecord,
    pub(super) draws: Vec<DrawRecord>,
    /// The window of entrants the page shows (calling order once drawn),
    /// starting at position `from`: a city's round has 10⁵ entrants, and
    /// the page shows them [`ENTRANT_WINDOW`] at a time with the total.
    pub(super) entrants: Vec<EntrantRecord>,
    pub(super) from: u32,
    /// The families called or chosen now (the company's venue desk and
    /// the signing deadlines), whatever window is shown.
    pub(super) active: Vec<EntrantRecord>,
}

/// Entrants per page of a round's results.
pub(super) const ENTRANT_WINDOW: u32 = 100;

/// A sold home with its contract, title and recorded dealings.
pub(super) struct SoldView {
    pub(super) home_id: String,
    pub(super) contract: Option<ContractRecord>,
    pub(super) title: Option<Title>,
    pub(super) dealings: Vec<(String, NaiveDate)>,
}

pub(super) struct ProjectView {
    pub(super) p: ProjectRecord,
    pub(super) homes: Vec<HomeRecord>,
    pub(super) check: Option<PriceCheck>,
    pub(super) rounds: Vec<RoundView>,
    pub(super) sold: Vec<SoldView>,
}

pub(super) async fn load_view(
    st: &AppState,
    p: ProjectRecord,
    with_titles: bool,
    window: Option<(u8, u32)>,
) -> ApiResult<ProjectView> {
    let (homes, check) = svc::price_check(st, &p).await?;
    let mut rounds = Vec::new();
    let store = st.store.allotment();
    for r in store.allot_rounds_without_files(&p.id).await? {
        let draws = store.allot_draws_without_files(&p.id, r.round_no).await?;
        let from = window
            .filter(|(n, _)| *n == r.round_no)
            .map_or(1, |(_, from)| from.max(1));
        let drawn = r.status != RoundStatus::Frozen;
        let entrants = store
            .allot_entrants_window(&p.id, r.round_no, drawn, from, ENTRANT_WINDOW)
            .await?;
        let active = store
            .allot_entrants_in_states(&p.id, r.round_no, &[CallState::Called, CallState::Chosen])
            .await?;
        rounds.push(RoundView {
            round: r,
            draws,
            entrants,
            from,
            active,
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

/// The commands that re-check each current draw, for the project page's
/// "how to verify" box (`verify::verify_box`).
pub(super) struct VerifyBox {
    pub(super) cmds: Vec<VerifyCmd>,
}

pub(super) struct VerifyCmd {
    /// 第1轮 / Round 1.
    pub(super) round: String,
    pub(super) draw_no: u32,
    /// The file names the downloads get, and the reveal quoted for a shell.
    pub(super) entrants: String,
    pub(super) reveal: String,
    pub(super) result: String,
    /// The round's commitment as published before its draws.
    pub(super) commitment: String,
}

/// An option of a select: its code, its label, whether it is chosen.
pub(super) struct Choice {
    pub(super) code: &'static str,
    pub(super) label: &'static str,
    pub(super) selected: bool,
}
