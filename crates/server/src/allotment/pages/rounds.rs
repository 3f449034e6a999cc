//! A round on the project page: entrants, draws, results, the selection venue.

use std::collections::HashMap;

use anju_allotment::cite::{
    ART14_ABANDONMENT, ART16_TIERS, LOUDI_8_1_1_PRIORITY, LOUDI_8_1_2_SIGNING,
};
use anju_allotment::contract::DOWN_PAYMENT_CITE;
use anju_allotment::{CallState, Fen, PlanStatus, RoundStatus};
use anju_domain::Role;
use anju_store::{DrawRecord, EntrantRecord, HomeRecord, HomeState, RoundRecord};
use chrono::NaiveDate;

use crate::web::forms::Ctx;
use crate::web::html::{banner, esc, url_encode, Lang};

use super::common::*;
use super::view::*;

// ------------------------------------------------------------------ rounds

pub(super) fn round_html(c: &Ctx, v: &ProjectView, rv: &RoundView, today: NaiveDate) -> String {
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
pub(super) fn excluded_html(l: Lang, excluded_json: &str) -> String {
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

pub(super) fn draws_html(l: Lang, pid: &str, n: u8, draws: &[DrawRecord]) -> String {
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

pub(super) fn results_html(l: Lang, n: u8, entrants: &[EntrantRecord]) -> String {
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
pub(super) fn round_forms(c: &Ctx, pid: &str, r: &RoundRecord) -> String {
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
pub(super) fn approve_redraw_form(c: &Ctx, pid: &str, r: &RoundRecord) -> String {
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

pub(super) fn draw_form(c: &Ctx, pid: &str, n: u8) -> String {
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
pub(super) fn drawn_forms(c: &Ctx, pid: &str, n: u8) -> String {
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
pub(super) fn selecting_forms(c: &Ctx, pid: &str, n: u8) -> String {
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
pub(super) fn open_round_form(c: &Ctx, v: &ProjectView) -> String {
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
pub(super) fn venue_html(c: &Ctx, v: &ProjectView, rv: &RoundView, today: NaiveDate) -> String {
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

pub(super) fn entrant_fields(round: u8, e: &EntrantRecord) -> String {
    format!(
        "{}{}",
        hidden("round", &round.to_string()),
        hidden("application_id", &e.application_id)
    )
}

pub(super) fn home_options(l: Lang, homes: &[&HomeRecord]) -> String {
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

pub(super) fn called_card(
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

pub(super) fn chosen_card(
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
pub(super) fn money_line(l: Lang, app: &str, p: Fen, min_pct: u8) -> String {
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
pub(super) fn sign_fields(l: Lang, f: &str, app: &str) -> String {
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
pub(super) fn give_up_confirm(l: Lang, id: &str) -> String {
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
