//! Shared pieces of the allotment pages: the page query, labels in both languages, small form builders.

use anju_allotment::{AbsentRule, CallState, Dealing, Fen, PlanStatus, RoundStatus, RoundWindow};
use anju_domain::Role;
use anju_store::HomeState;
use axum::http::HeaderMap;
use serde::Deserialize;

use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::html::Lang;
use crate::web::AppState;

#[derive(Deserialize, Default)]
pub(super) struct AllotQuery {
    pub(super) lang: Option<String>,
    pub(super) round: Option<String>,
    pub(super) application: Option<String>,
    /// The commitment published before a draw, to check a draw against.
    pub(super) commitment: Option<String>,
    /// The home a called family is about to choose (the confirmation step).
    pub(super) home: Option<String>,
    /// The project page's homes list: only homes in this state (its code).
    pub(super) homes: Option<String>,
    /// The project page's homes list: only this layout (as the plan writes it).
    pub(super) layout: Option<String>,
    /// The project page's results of `round`: from this position on.
    pub(super) from: Option<String>,
}

pub(super) async fn page_ctx(st: &AppState, headers: &HeaderMap, q: &AllotQuery) -> Ctx {
    let pq = PageQuery {
        lang: q.lang.clone(),
        ..Default::default()
    };
    ctx(st, headers, &pq).await
}

// ------------------------------------------------------------------ labels

pub(super) fn plan_status(l: Lang, s: PlanStatus) -> &'static str {
    l.t(s.zh(), s.en())
}

pub(super) fn round_status(l: Lang, s: RoundStatus) -> &'static str {
    l.t(s.zh(), s.en())
}

pub(super) fn call_state(l: Lang, s: CallState) -> &'static str {
    l.t(s.zh(), s.en())
}

pub(super) fn home_state(l: Lang, s: HomeState) -> &'static str {
    l.t(s.zh(), s.en())
}

pub(super) fn absent_rule(l: Lang, r: AbsentRule) -> &'static str {
    l.t(r.zh(), r.en())
}

pub(super) fn dealing_label(l: Lang, d: Dealing) -> &'static str {
    l.t(d.zh(), d.en())
}

pub(super) const DEALINGS: [Dealing; 5] = [
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

pub(super) use crate::web::html::district_name;

/// What a finished action is called in the banner after the redirect.
pub(super) fn done_label(l: Lang, code: &str) -> &'static str {
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

// ------------------------------------------------------------------ small builders
//
// HTML built in Rust for the pages that are not templates yet (list,
// choose, verify); the project page uses `templates/parts.html`.

// ------------------------------------------------------------------ roles and sums

pub(super) fn role_of(c: &Ctx) -> Option<Role> {
    c.user.as_ref().map(|u| u.user.role)
}

pub(super) fn is_company(c: &Ctx) -> bool {
    role_of(c) == Some(Role::Company)
}

pub(super) fn is_staff(c: &Ctx) -> bool {
    matches!(
        role_of(c),
        Some(Role::Company | Role::CityBureau | Role::Auditor)
    )
}

pub(super) fn min_down_payment(price: Fen, percent: u8) -> Fen {
    price.mul_ratio_ceil(u64::from(percent), 100)
}

/// A value quoted for a POSIX shell.
pub(super) fn sh_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

pub(super) fn colon(l: Lang) -> &'static str {
    l.t("：", ": ")
}

pub(super) fn round_name(l: Lang, n: u8) -> String {
    match l {
        Lang::Zh => format!("第{n}轮"),
        Lang::En => format!("Round {n}"),
    }
}

pub(super) fn schedule_text(l: Lang, w: &RoundWindow) -> String {
    format!(
        "{}{}{} {} {}",
        round_name(l, w.round),
        l.t("选房期：", ": "),
        w.opens,
        l.t("至", "to"),
        w.closes
    )
}

/// The banner's words after an action's redirect (the done code, `draw`
/// or `call_next:3` with how many families a call or an expiry touched),
/// if any: see `web::forms::done_redirect`.
pub(super) fn done_text(c: &Ctx) -> Option<String> {
    let (m, n) = match c.done()?.split_once(':') {
        Some((m, n)) => (m, Some(n)),
        None => (c.done()?, None),
    };
    let l = c.lang;
    let count = n
        .and_then(|n| n.parse::<u64>().ok())
        .map(|n| format!("{}{n} {}", colon(l), l.t("户", "families")))
        .unwrap_or_default();
    Some(format!("{}{count}", done_label(l, m)))
}
