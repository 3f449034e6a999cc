//! The project page: plan, price check, homes, and the plan forms of the company and the city bureau.

use anju_allotment::cite::{ART16_TIERS, LOUDI_8_1_2_SIGNING};
use anju_allotment::contract::DOWN_PAYMENT_CITE;
use anju_allotment::{AbsentRule, PlanStatus, PlanTerms, PriceCheck};
use anju_domain::Role;
use anju_store::{HomeRecord, HomeState, ProjectRecord};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::allotment::service::{self as svc};
use crate::web::forms::Ctx;
use crate::web::html::{banner, esc, url_encode, Lang};
use crate::web::AppState;

use super::common::*;
use super::rounds::*;
use super::titles::*;
use super::verify::*;
use super::view::*;

// ------------------------------------------------------------------ project page

/// One round with its draws and entrants.

pub(super) async fn detail(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<AllotQuery>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let l = c.lang;
    let view = match svc::load_project(&st, c.user.as_ref(), &id).await {
        Ok(p) => load_view(&st, p, is_staff(&c)).await,
        Err(e) => Err(e),
    };
    let v = match view {
        Ok(v) => v,
        Err(e) => return c.error(e),
    };
    let today = st.clock.today();
    let mut s = done_banner(l, &q);
    s.push_str(&project_head(l, &v.p, !v.rounds.is_empty()));
    s.push_str(&contents(l, &v));
    s.push_str(&plan_html(l, &v.p));
    s.push_str(&price_html(l, v.check.as_ref()));
    s.push_str(&plan_forms(&c, &v));
    for r in &v.rounds {
        s.push_str(&round_html(&c, &v, r, today));
    }
    s.push_str(&open_round_form(&c, &v));
    s.push_str(&expire_form(&c, &v, today));
    if is_staff(&c) && !v.sold.is_empty() {
        s.push_str(&titles_html(&c, &v));
    }
    s.push_str(&homes_html(l, &v.homes));
    if v.rounds.iter().any(|r| !r.draws.is_empty()) {
        s.push_str(&verify_box(l, &v.p.id, &v.rounds));
    }
    c.render(&v.p.name, &s)
}

/// Links to the page's sections (a long page on a phone).
pub(super) fn contents(l: Lang, v: &ProjectView) -> String {
    let mut links = vec![format!(
        r##"<a href="#plan">{}</a>"##,
        l.t("配售方案", "Plan")
    )];
    for r in &v.rounds {
        links.push(format!(
            r##"<a href="#round-{n}">{}</a>"##,
            round_name(l, r.round.round_no),
            n = r.round.round_no
        ));
    }
    if !v.sold.is_empty() {
        links.push(format!(
            r##"<a href="#titles">{}</a>"##,
            l.t("合同与产权", "Titles")
        ));
    }
    links.push(format!(
        r##"<a href="#homes-list">{}</a>"##,
        l.t("房源", "Homes")
    ));
    if v.rounds.iter().any(|r| !r.draws.is_empty()) {
        links.push(format!(
            r##"<a href="#how-to-verify">{}</a>"##,
            l.t("如何验证", "How to verify")
        ));
    }
    format!(
        r#"<p class="noprint" id="contents">{}</p>"#,
        links.join(" · ")
    )
}

pub(super) fn project_head(l: Lang, p: &ProjectRecord, has_rounds: bool) -> String {
    let k = colon(l);
    let serves: Vec<String> = p
        .area
        .districts
        .iter()
        .map(|d| district_name(l, d))
        .collect();
    let seat = p
        .area
        .county_seat_of
        .as_deref()
        .map(|c| {
            format!(
                "<p>{}{k}{}</p>",
                l.t("位于县城", "In the county seat of"),
                esc(&district_name(l, c))
            )
        })
        .unwrap_or_default();
    let returned = p
        .returned_reason
        .as_deref()
        .filter(|_| p.plan_status == PlanStatus::Returned)
        .map(|r| {
            banner(
                "warn",
                &format!("{}{r}", l.t("退回原因：", "Returned because: ")),
            )
        })
        .unwrap_or_default();
    format!(
        r#"<p class="muted"><a href="/projects">{back}</a></p><h1>{name} <span class="muted">{id}</span></h1>{returned}<div class="card"><p>{status_l}{k}<strong id="plan-status">{status}</strong></p><p>{district_l}{k}{district}</p><p>{serves_l}{k}{serves}</p>{seat}{xlsx}</div>"#,
        back = l.t("← 全部配售项目", "← All projects"),
        name = esc(&p.name),
        id = esc(&p.id),
        status_l = l.t("配售方案状态", "Plan status"),
        status = plan_status(l, p.plan_status),
        district_l = l.t("坐落县（区）", "District"),
        district = esc(&district_name(l, &p.district)),
        serves_l = l.t("配售对象所在县（区）", "Serves families of"),
        serves = esc(&serves.join("、")),
        xlsx = if has_rounds {
            format!(
                r#"<p><a class="button secondary" href="/api/v1/projects/{}/results.xlsx" id="results-xlsx">{}</a></p>"#,
                url_encode(&p.id),
                l.t("下载配售结果（Excel）", "Results (Excel)")
            )
        } else {
            String::new()
        },
    )
}

/// A label's colon: full-width in Chinese.

/// 第1轮 / Round 1.

pub(super) fn plan_html(l: Lang, p: &ProjectRecord) -> String {
    let Some(t) = &p.plan else {
        return format!(
            r#"<div class="card" id="plan"><h2>{}</h2><p>{}</p></div>"#,
            l.t("配售方案", "Plan"),
            l.t(
                "实施主体尚未编制配售方案。",
                "The implementing company has not written the plan yet."
            )
        );
    };
    let row = |k: &str, v: &str| format!("<tr><th>{}</th><td>{}</td></tr>", esc(k), v);
    let sched: Vec<String> = t
        .schedule
        .iter()
        .map(|w| esc(&schedule_text(l, w)))
        .collect();
    let mut rows = String::new();
    rows.push_str(&row(l.t("项目名称", "Project name"), &esc(&t.name)));
    rows.push_str(&row(l.t("坐落", "Location"), &esc(&t.location)));
    rows.push_str(&row(
        l.t("配售价格（政府指导价）", "Price (government guided price)"),
        &format!(
            "{} {}/㎡ · {}",
            esc(&t.guided_price_per_m2.to_string()),
            l.t("元", "yuan"),
            cite_html(&anju_allotment::cite::ART17_PRICE)
        ),
    ));
    rows.push_str(&row(l.t("配售方式", "Sale method"), &esc(&t.sale_method)));
    rows.push_str(&row(
        l.t("摇号规则", "Lottery rules"),
        &format!(
            "{}<br><span class=\"muted\">{}</span>",
            esc(&t.lottery_rules),
            l.t(
                "算法见 docs/lottery.md（anju-lottery-v1）",
                "Algorithm: docs/lottery.md (anju-lottery-v1)"
            )
        ),
    ));
    rows.push_str(&row(
        l.t("配售活动安排", "Schedule"),
        &format!("{}<br>{}", sched.join("<br>"), cite_html(&ART16_TIERS)),
    ));
    rows.push_str(&row(l.t("回购事宜", "Buyback"), &esc(&t.buyback_terms)));
    rows.push_str(&row(
        l.t("未到场处理", "Families absent when called"),
        &esc(absent_rule(l, t.absent_rule)),
    ));
    rows.push_str(&row(
        l.t("签约期限", "Signing deadline"),
        &format!(
            "{} {} · {}",
            t.signing_days,
            l.t(
                "日内（选定房源之日起，自然日）",
                "calendar days after choosing"
            ),
            cite_html(&LOUDI_8_1_2_SIGNING)
        ),
    ));
    rows.push_str(&row(
        l.t("最低首付比例", "Minimum down payment"),
        &format!(
            "{}% · {}",
            t.min_down_payment_percent,
            cite_html(&DOWN_PAYMENT_CITE)
        ),
    ));
    format!(
        r#"<div class="card" id="plan"><h2>{}</h2><p class="muted">{}</p><div class="scroll"><table id="plan-terms">{rows}</table></div></div>"#,
        l.t("配售方案", "Plan"),
        cite_html(&anju_allotment::cite::ART15_ONE_PLAN),
    )
}

pub(super) fn price_html(l: Lang, check: Option<&PriceCheck>) -> String {
    let Some(ch) = check else {
        return String::new();
    };
    let mut s = format!(
        r#"<div class="card" id="price-check"><h2>{}</h2>"#,
        l.t("价格核定", "Price check")
    );
    if ch.passed() {
        s.push_str(&banner(
            "good",
            &format!(
                "{} {} {}",
                l.t("通过：", "Passed:"),
                ch.homes_checked,
                l.t(
                    "套房源的配售价格均不高于政府指导价×建筑面积；收购房源均不超过收购成本+5%（阳政办发〔2026〕2号 第十七条；娄底方案七、(一)2）",
                    "homes, none above the guided price × floor area, acquired homes within cost + 5% (art. 17; Loudi 7(1)2)"
                )
            ),
        ));
    } else if ch.homes_checked == 0 {
        s.push_str(&banner(
            "info",
            l.t(
                "尚无房源，请导入房源表。",
                "No homes yet: import the homes file.",
            ),
        ));
    } else {
        s.push_str(&banner(
            "bad",
            &format!(
                "{} {} {}",
                l.t("未通过：", "Failed:"),
                ch.violations.len(),
                l.t("处价格超出允许范围", "prices above what the articles allow")
            ),
        ));
        s.push_str(r#"<ul id="price-violations">"#);
        for v in &ch.violations {
            s.push_str(&format!(
                "<li>{} — {}</li>",
                esc(&v.message),
                cite_html(&v.citation)
            ));
        }
        s.push_str("</ul>");
    }
    s.push_str("</div>");
    s
}

pub(super) fn homes_html(l: Lang, homes: &[HomeRecord]) -> String {
    let k = colon(l);
    let mut s = format!(
        r#"<h2 id="homes-list">{}</h2><p>{} {} · {} {}</p>"#,
        l.t("房源", "Homes"),
        homes.len(),
        l.t("套", "homes"),
        homes
            .iter()
            .filter(|h| h.state == HomeState::Available)
            .count(),
        l.t("套可选", "available"),
    );
    if homes.is_empty() {
        return s;
    }
    s.push_str(&format!(
        r#"<div class="scroll"><table id="homes"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t("房源（楼栋-单元-房号）", "Home (building-unit-number)"),
        l.t("楼层", "Floor"),
        l.t("建筑面积（㎡）", "Floor area (m²)"),
        l.t("户型", "Layout"),
        l.t("朝向", "Orientation"),
        l.t("房源类型", "Source"),
        l.t("配售价格（元）", "Price (yuan)"),
        l.t("状态", "State"),
    ));
    for h in homes {
        let x = &h.home;
        s.push_str(&format!(
            r#"<tr data-home="{id}"><td>{id}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="price">{}</td><td class="state">{}</td></tr>"#,
            x.floor,
            x.floor_area,
            esc(&x.layout),
            esc(&x.orientation),
            l.t(x.source.zh(), x.source.en()),
            x.price,
            home_state(l, h.state),
            id = esc(x.id.as_str()),
        ));
    }
    s.push_str(&format!(
        r#"</table></div><p class="muted">{}{k}{}</p>"#,
        l.t("价格依据", "Prices"),
        cite_html(&anju_allotment::cite::ART17_PRICE)
    ));
    s
}

// ------------------------------------------------------------------ plan forms (company, city bureau)

pub(super) fn plan_forms(c: &Ctx, v: &ProjectView) -> String {
    let p = &v.p;
    let version = p.version.to_string();
    let mut s = String::new();
    match role_of(c) {
        Some(Role::Company) => {
            if p.plan_status.editable() {
                s.push_str(&plan_form(c, p));
                s.push_str(&homes_upload_form(c, &p.id));
                if p.plan.is_some() {
                    s.push_str(&act_form(
                        c,
                        &p.id,
                        "plan_submit",
                        "act-plan_submit",
                        &hidden("version", &version),
                        c.lang.t("报批（报市住建局审批）", "Submit for approval"),
                        "card",
                    ));
                }
            }
            if p.plan_status == PlanStatus::Approved {
                s.push_str(&act_form(
                    c,
                    &p.id,
                    "plan_publish",
                    "act-plan_publish",
                    &hidden("version", &version),
                    c.lang.t("公布实施", "Publish"),
                    "card",
                ));
            }
        }
        Some(Role::CityBureau) if p.plan_status == PlanStatus::Submitted => {
            let l = c.lang;
            s.push_str(&format!(
                r#"<div class="card" id="approval"><h2>{}</h2><p class="muted">{}</p>"#,
                l.t("审批配售方案", "Approve the plan"),
                cite_html(&anju_allotment::cite::ART15_ONE_PLAN)
            ));
            s.push_str(&act_form(
                c,
                &p.id,
                "plan_approve",
                "act-plan_approve",
                &hidden("version", &version),
                l.t("批准", "Approve"),
                "inline",
            ));
            let reason = textarea(
                "return-reason",
                "reason",
                l.t("退回原因", "Reason for return"),
                "",
            );
            s.push_str(&act_form(
                c,
                &p.id,
                "plan_return",
                "act-plan_return",
                &format!("{}{reason}", hidden("version", &version)),
                l.t("退回修改", "Return"),
                "secondary",
            ));
            s.push_str("</div>");
        }
        _ => {}
    }
    s
}

pub(super) fn plan_form(c: &Ctx, p: &ProjectRecord) -> String {
    let l = c.lang;
    let t = p.plan.as_ref();
    let text = |get: fn(&PlanTerms) -> &str| t.map(get).unwrap_or("").to_string();
    let mut s = String::new();
    s.push_str(&input(
        "plan-name",
        "name",
        l.t("项目名称", "Project name"),
        &t.map_or(p.name.clone(), |t| t.name.clone()),
        "required",
    ));
    s.push_str(&input(
        "plan-location",
        "location",
        l.t("坐落", "Location"),
        &text(|t| &t.location),
        "required",
    ));
    s.push_str(&input(
        "plan-guided",
        "guided_price_per_m2",
        l.t(
            "政府指导价（元/㎡，第十七条）",
            "Guided price (yuan/m², art. 17)",
        ),
        &t.map(|t| t.guided_price_per_m2.to_string())
            .unwrap_or_default(),
        r#"inputmode="decimal" required"#,
    ));
    s.push_str(&input(
        "plan-sale-method",
        "sale_method",
        l.t("配售方式", "Sale method"),
        &t.map_or("摇号选房".to_string(), |t| t.sale_method.clone()),
        "required",
    ));
    s.push_str(&textarea(
        "plan-lottery-rules",
        "lottery_rules",
        l.t(
            "摇号规则（含公证随机值的来源和书写格式）",
            "Lottery rules (incl. the reveal's source and format)",
        ),
        &text(|t| &t.lottery_rules),
    ));
    s.push_str(&schedule_fields(l, t));
    s.push_str(&textarea(
        "plan-buyback",
        "buyback_terms",
        l.t("回购事宜", "Buyback"),
        &text(|t| &t.buyback_terms),
    ));
    s.push_str(&absent_select(
        l,
        t.map_or(AbsentRule::CallAgainAtEnd, |t| t.absent_rule),
    ));
    s.push_str(&input(
        "plan-signing-days",
        "signing_days",
        l.t(
            "签约期限（日，不超过15日，娄底方案八、(一)2）",
            "Days to sign (at most 15)",
        ),
        &t.map_or(15, |t| t.signing_days).to_string(),
        r#"inputmode="numeric""#,
    ));
    s.push_str(&input(
        "plan-min-down",
        "min_down_payment_percent",
        l.t(
            "最低首付比例（%，不低于15，娄底方案八、(一)3）",
            "Minimum down payment (%, at least 15)",
        ),
        &t.map_or(15, |t| t.min_down_payment_percent).to_string(),
        r#"inputmode="numeric""#,
    ));
    s.push_str(&hidden("version", &p.version.to_string()));
    format!(
        r#"<details class="card" id="plan-editor"{open}><summary><strong>{title}</strong></summary>{form}</details>"#,
        open = if p.plan.is_none() { " open" } else { "" },
        title = l.t("编制配售方案（第十五条）", "Write the plan (art. 15)"),
        form = act_form(
            c,
            &p.id,
            "save_plan",
            "act-save_plan",
            &s,
            l.t("保存配售方案", "Save plan"),
            "plan-form"
        ),
    )
}

/// The schedule's date fields: one window per round (art. 16).
pub(super) fn schedule_fields(l: Lang, t: Option<&PlanTerms>) -> String {
    let mut s = String::new();
    s.push_str(&format!(
        "<fieldset><legend>{}</legend>",
        l.t(
            "配售活动安排（每轮选房期，1至3轮，第十六条）",
            "Schedule (selection window per round, 1 to 3 rounds, art. 16)"
        )
    ));
    for r in 1..=3u8 {
        let w = t.and_then(|t| t.window(r));
        s.push_str(&format!(
            r#"<div class="grid"><div>{}</div><div>{}</div></div>"#,
            input(
                &format!("r{r}-opens"),
                &format!("r{r}_opens"),
                &format!("{}{}", round_name(l, r), l.t("开始", " opens")),
                &w.map(|w| w.opens.to_string()).unwrap_or_default(),
                r#"type="date""#
            ),
            input(
                &format!("r{r}-closes"),
                &format!("r{r}_closes"),
                &format!("{}{}", round_name(l, r), l.t("结束", " closes")),
                &w.map(|w| w.closes.to_string()).unwrap_or_default(),
                r#"type="date""#
            ),
        ));
    }
    s.push_str("</fieldset>");
    s
}

pub(super) fn absent_select(l: Lang, rule: AbsentRule) -> String {
    let opt = |r: AbsentRule, code: &str| {
        format!(
            r#"<option value="{code}"{}>{}</option>"#,
            if r == rule { " selected" } else { "" },
            absent_rule(l, r)
        )
    };
    format!(
        r#"<label for="plan-absent">{}</label><select id="plan-absent" name="absent_rule">{}{}</select>"#,
        l.t("未到场处理", "Families absent when called"),
        opt(AbsentRule::CallAgainAtEnd, "call_again_at_end"),
        opt(AbsentRule::PassRound, "pass_round"),
    )
}

pub(super) fn homes_upload_form(c: &Ctx, pid: &str) -> String {
    let l = c.lang;
    format!(
        r#"<form method="post" action="/projects/{href}/act" enctype="multipart/form-data" class="card" id="homes-upload"><h2>{title}</h2><p>{note}</p><p><a class="button secondary" href="/api/v1/projects/homes-template.xlsx" id="homes-template-xlsx">{xlsx}</a> <a class="button secondary" href="/api/v1/projects/homes-template.csv" id="homes-template-csv">{csv}</a></p>{csrf}{t}<label for="homes-file">{file}</label><input type="file" id="homes-file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required><p><button type="submit" id="act-import_homes">{go}</button></p></form>"#,
        href = url_encode(pid),
        title = l.t("导入房源表", "Import the homes file"),
        note = l.t(
            "每行一套房源；CSV（UTF-8）或 Excel。有错误的行逐行列出原因，其余行照常导入；同一房源再次导入即更正。",
            "One row per home; CSV (UTF-8) or Excel. Every bad row is listed with its reason; good rows are imported. Importing a home again corrects it."
        ),
        xlsx = l.t("下载 Excel 模板", "Excel template"),
        csv = l.t("下载 CSV 模板", "CSV template"),
        csrf = c.csrf(),
        t = hidden("type", "import_homes"),
        file = l.t("房源表文件", "Homes file"),
        go = l.t("上传并导入", "Upload"),
    )
}
