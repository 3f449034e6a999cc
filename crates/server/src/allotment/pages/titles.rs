//! Titles and dealings on the project page (article 18).

use anju_allotment::cite::{ART14_ABANDONMENT, ART18_TITLE, LOUDI_8_1_2_SIGNING};
use anju_allotment::{CallState, Dealing, Title};
use anju_domain::Role;
use anju_store::EntrantRecord;
use chrono::NaiveDate;

use crate::web::forms::Ctx;
use crate::web::html::esc;

use super::common::*;
use super::view::*;

// ------------------------------------------------------------------ titles and dealings

pub(super) fn titles_html(c: &Ctx, v: &ProjectView) -> String {
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
pub(super) fn expire_form(c: &Ctx, v: &ProjectView, today: NaiveDate) -> String {
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

pub(super) fn sold_html(c: &Ctx, pid: &str, sv: &SoldView) -> String {
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

pub(super) fn title_block(c: &Ctx, pid: &str, sv: &SoldView, t: &Title) -> String {
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
