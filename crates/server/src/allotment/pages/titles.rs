//! Titles and dealings on the project page (article 18), and the company's
//! form for contracts past their deadline — the view data of
//! `templates/title.html`.

use anju_allotment::{CallState, Dealing};
use chrono::NaiveDate;

use crate::web::forms::Ctx;
use crate::web::html::Lang;

use super::common::*;
use super::view::*;

/// A sold home with its contract and dealings in words.
pub(super) struct SoldPart<'a> {
    pub(super) sv: &'a SoldView,
    /// `合同 HT-001 · 申请 … · 首付 … 元 · 签约日期 …` (empty without one).
    pub(super) contract: String,
    /// The recorded dealings: `购房按揭贷款抵押 2026-03-10；…`.
    pub(super) dealings: Option<String>,
}

/// Chosen homes awaiting a contract, and how many are past the deadline.
pub(super) struct Expire {
    pub(super) chosen: usize,
    pub(super) overdue: usize,
}

pub(super) fn sold_part(l: Lang, sv: &SoldView) -> SoldPart<'_> {
    let contract = sv
        .contract
        .as_ref()
        .map(|k| {
            format!(
                "{} {} · {} {} · {} {} {} · {} {}",
                l.t("合同", "Contract"),
                k.terms.contract_no,
                l.t("申请", "application"),
                k.application_id,
                l.t("首付", "down payment"),
                k.terms.down_payment,
                l.t("元", "yuan"),
                l.t("签约日期", "signed on"),
                k.terms.signed_on
            )
        })
        .unwrap_or_default();
    let dealings = (!sv.dealings.is_empty()).then(|| {
        sv.dealings
            .iter()
            .map(|(d, on)| {
                let label = Dealing::parse(d).map_or(d.as_str(), |d| dealing_label(l, d));
                format!("{label} {on}")
            })
            .collect::<Vec<_>>()
            .join("；")
    });
    SoldPart {
        sv,
        contract,
        dealings,
    }
}

/// The dealings one may ask to record.
pub(super) fn dealing_choices(l: Lang) -> Vec<Choice> {
    DEALINGS
        .iter()
        .map(|d| Choice {
            code: d.code(),
            label: dealing_label(l, *d),
            selected: false,
        })
        .collect()
}

/// Chosen homes not signed for in time become abandonments (company).
pub(super) fn expire(c: &Ctx, v: &ProjectView, today: NaiveDate) -> Option<Expire> {
    if !is_company(c) {
        return None;
    }
    let chosen: Vec<_> = v
        .rounds
        .iter()
        .flat_map(|r| r.active.iter())
        .filter(|e| e.state == CallState::Chosen)
        .collect();
    if chosen.is_empty() {
        return None;
    }
    let overdue = chosen
        .iter()
        .filter(|e| e.sign_by.is_some_and(|d| today > d))
        .count();
    Some(Expire {
        chosen: chosen.len(),
        overdue,
    })
}
