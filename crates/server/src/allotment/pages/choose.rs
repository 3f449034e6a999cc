//! The family's choice of a home, and its allotment section on the application page.

use anju_allotment::cite::LOUDI_8_1_2_SIGNING;
use anju_allotment::CallState;
use anju_domain::Role;
use anju_store::{EntrantRecord, FamilyEntry, HomeRecord, HomeState};
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::allotment::service::{self as svc};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::Ctx;
use crate::web::html::{banner, esc, url_encode, Lang, Markup};
use crate::web::AppState;

use super::common::*;
use super::rounds::*;
use super::verify::*;

// ------------------------------------------------------------------ the family's choice

pub(super) async fn choose(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<AllotQuery>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let app = q.application.clone().unwrap_or_default();
    let round_s = q.round.clone().unwrap_or_default();
    let user = match c.require_user(&format!(
        "/projects/{}/choose?round={}&application={}",
        url_encode(&id),
        url_encode(&round_s),
        url_encode(&app)
    )) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let body = async {
        // Without both (e.g. after the language switch), a family's own latest entry.
        let (round_s, app) = match (
            round_s.trim().is_empty(),
            app.trim().is_empty(),
            user.user.role,
        ) {
            (false, false, _) => (round_s, app),
            (_, _, Role::Applicant) => latest_own_entry(&st, &user, &id).await?,
            _ => {
                return Err(ApiError::bad_request(
                    "required",
                    "须指明轮次和申请编号 (round and application are required)",
                )
                .field("round"))
            }
        };
        choose_body(&st, &c, &user, &id, &round_s, &app, &q).await
    }
    .await;
    match body {
        Ok(body) => c.render(c.lang.t("选房", "Choose a home"), &body),
        Err(e) => c.error(e),
    }
}

/// The family's latest round in this project, as (round, application id).
pub(super) async fn latest_own_entry(
    st: &AppState,
    user: &CurrentUser,
    pid: &str,
) -> ApiResult<(String, String)> {
    let mut found: Option<(u8, String)> = None;
    for a in crate::applications::interface::visible_applications(st, user, 50).await? {
        for f in st
            .store
            .allotment()
            .allot_family_entries(a.id.as_str())
            .await?
        {
            if f.project_id == pid && found.as_ref().is_none_or(|(r, _)| f.round_no > *r) {
                found = Some((f.round_no, f.entrant.application_id.clone()));
            }
        }
    }
    found
        .map(|(r, a)| (r.to_string(), a))
        .ok_or_else(|| ApiError::not_found("参加本项目配售的申请 (entry in this project)"))
}

/// The family's own entry in a round (the company may open it too).
pub(super) async fn own_entry(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    round: u8,
    app: &str,
) -> ApiResult<EntrantRecord> {
    match user.user.role {
        Role::Company => {}
        Role::Applicant => {
            crate::applications::interface::visible_application(st, user, app).await?;
        }
        _ => {
            return Err(ApiError::forbidden(
                "只有申请家庭本人或实施主体可以办理选房 (only the family or the company)",
            ))
        }
    }
    st.store
        .allotment()
        .allot_entrants(id, round)
        .await?
        .into_iter()
        .find(|e| e.application_id == app)
        .ok_or_else(|| ApiError::not_found("参加本轮的家庭 (entrant)"))
}

pub(super) async fn choose_body(
    st: &AppState,
    c: &Ctx,
    user: &CurrentUser,
    id: &str,
    round_s: &str,
    app: &str,
    q: &AllotQuery,
) -> ApiResult<String> {
    let l = c.lang;
    let k = colon(l);
    let round = parse_round(round_s)?;
    let p = svc::load_project(st, Some(user), id).await?;
    let e = own_entry(st, user, id, round, app).await?;
    let homes = st.store.allotment().allot_homes(id).await?;
    let mut s = done_banner(l, q);
    s.push_str(&format!(
        r#"<p class="muted"><a href="/projects/{href}">{back}</a> · <a href="/applications/{ahref}">{to_app}</a></p><h1>{title}</h1><div class="card"><p>{pn}{k}{name}</p><p>{rl}{k}{round} · {al}{k}{a} · {cl}{k}{cp}</p><p>{sl}{k}<strong id="entrant-state">{state}</strong></p></div>"#,
        href = url_encode(id),
        ahref = url_encode(app),
        back = l.t("← 项目页", "← Project"),
        to_app = l.t("我的申请", "My application"),
        title = l.t("选房", "Choose a home"),
        pn = l.t("项目", "Project"),
        name = esc(&p.name),
        rl = l.t("轮次", "Round"),
        al = l.t("申请编号", "Application"),
        a = esc(app),
        cl = l.t("选房顺序号", "Call no."),
        cp = e.call_position.map(|v| v.to_string()).unwrap_or_default(),
        sl = l.t("状态", "State"),
        state = call_state(l, e.state),
    ));
    let signing = p.plan.as_ref().map_or(15, |t| t.signing_days);
    match e.state {
        CallState::Called => s.push_str(&called_choices(c, id, round, &e, &homes, signing)),
        CallState::Chosen => s.push_str(&chosen_notice(c, id, round, &e, &homes)),
        _ => {}
    }
    Ok(s)
}

pub(super) fn called_choices(
    c: &Ctx,
    pid: &str,
    round: u8,
    e: &EntrantRecord,
    homes: &[HomeRecord],
    signing_days: u16,
) -> String {
    let l = c.lang;
    let k = colon(l);
    let f = entrant_fields(round, e);
    let mut s = format!(
        r#"{}<ul class="home-cards" id="available-homes">"#,
        banner(
            "info",
            &format!(
                "{}{signing_days}{}（{}）",
                l.t("已叫到您家，请选房。选定后须在", "You have been called: choose a home. After choosing, sign the purchase contract within "),
                l.t("日内签订购房合同，逾期未签约视为自动放弃", " days; not signing in time counts as giving it up"),
                LOUDI_8_1_2_SIGNING.short()
            )
        ),
    );
    for h in homes.iter().filter(|h| h.state == HomeState::Available) {
        let x = &h.home;
        let inner = format!("{f}{}", hidden("home_id", x.id.as_str()));
        s.push_str(&format!(
            r#"<li class="card" data-home="{id}"><strong>{id}</strong> · {} {} · {} ㎡ · {} · {}<br>{}{k}<strong class="price">{}</strong> {}{}</li>"#,
            x.floor,
            l.t("层", "floor"),
            x.floor_area,
            esc(&x.layout),
            esc(&x.orientation),
            l.t("配售价格", "Price"),
            x.price,
            l.t("元", "yuan"),
            act_form(c, pid, "choose", &format!("choose-{}", x.id), &inner, l.t("选定此房", "Choose this home"), "choose-home"),
            id = esc(x.id.as_str()),
        ));
    }
    s.push_str("</ul>");
    s.push_str(&act_form(
        c,
        pid,
        "decline",
        "act-decline",
        &format!(
            "{f}<p class=\"muted\">{}</p>",
            l.t(
                "放弃本轮选房不是弃购，不影响以后申请。",
                "Passing this round is not an abandonment."
            )
        ),
        l.t("放弃本轮", "Pass this round"),
        "card secondary",
    ));
    s
}

pub(super) fn chosen_notice(
    c: &Ctx,
    pid: &str,
    round: u8,
    e: &EntrantRecord,
    homes: &[HomeRecord],
) -> String {
    let l = c.lang;
    let k = colon(l);
    let home = homes
        .iter()
        .find(|h| Some(h.home.id.as_str()) == e.home_id.as_deref());
    let desc = home
        .map(|h| {
            format!(
                "{} · {} ㎡ · {} · {} {}",
                esc(h.home.id.as_str()),
                h.home.floor_area,
                esc(&h.home.layout),
                h.home.price,
                l.t("元", "yuan")
            )
        })
        .unwrap_or_default();
    let deadline = e.sign_by.map(|d| d.to_string()).unwrap_or_default();
    let inner = format!(
        "{}{}",
        entrant_fields(round, e),
        give_up_confirm(l, "confirm-give-up")
    );
    format!(
        r#"<div class="card"><p>{}{k}<strong id="chosen-home">{desc}</strong></p><p>{}{k}<strong id="sign-by">{deadline}</strong>（{}）</p></div><div class="card"><h2>{}</h2>{}</div>"#,
        l.t("您选定的房源", "Your chosen home"),
        l.t(
            "请在此日期前到实施主体签订购房合同",
            "Sign the purchase contract with the company by"
        ),
        cite_html(&LOUDI_8_1_2_SIGNING),
        l.t("放弃所选房源", "Give up the chosen home"),
        act_form(
            c,
            pid,
            "give_up",
            "act-give_up",
            &inner,
            l.t("放弃所选房源（弃购）", "Give up (abandonment)"),
            "secondary"
        ),
    )
}

/// The application page's section: this family's rounds (pages.rs).
pub(crate) fn family_section(l: Lang, entries: &[FamilyEntry], own: bool) -> Markup {
    if entries.is_empty() {
        return Markup::default();
    }
    let called = if own && entries.iter().any(|f| f.entrant.state == CallState::Called) {
        banner(
            "info",
            l.t(
                "已叫到您家选房：请点击“去选房”，在选房期内选定房源。",
                "Your family has been called: use “Choose a home” to choose within the selection window.",
            ),
        )
    } else {
        String::new()
    };
    let mut s = format!(
        r#"<h2>{}</h2>{called}<div class="scroll"><table id="allotment"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr>"#,
        l.t("配售进展", "Allotment"),
        l.t("项目", "Project"),
        l.t("轮次", "Round"),
        l.t("摇号顺序号", "Draw no."),
        l.t("选房顺序号", "Call no."),
        l.t("状态", "State"),
        l.t("所选房源", "Home"),
        l.t("签约期限", "Sign by"),
    );
    let num = |v: Option<u32>| v.map(|v| v.to_string()).unwrap_or_default();
    for f in entries {
        let e = &f.entrant;
        let href = url_encode(&f.project_id);
        let link = match e.state {
            CallState::Called | CallState::Chosen if own => format!(
                r#"<a class="button" id="choose-link-{}-{}" href="/projects/{href}/choose?round={}&amp;application={}">{}</a>"#,
                esc(&f.project_id),
                f.round_no,
                f.round_no,
                url_encode(&e.application_id),
                if e.state == CallState::Called {
                    l.t("去选房", "Choose a home")
                } else {
                    l.t("查看 / 放弃所选房源", "View / give up")
                },
            ),
            _ => String::new(),
        };
        s.push_str(&format!(
            r#"<tr data-project="{pid}" data-round="{r}"><td><a href="/projects/{href}">{name}</a></td><td>{r}</td><td>{}</td><td>{}</td><td class="state">{}</td><td>{}</td><td>{}</td><td>{link}</td></tr>"#,
            num(e.draw_position),
            num(e.call_position),
            call_state(l, e.state),
            esc(e.home_id.as_deref().unwrap_or("")),
            e.sign_by.map(|d| d.to_string()).unwrap_or_default(),
            pid = esc(&f.project_id),
            r = f.round_no,
            name = esc(&f.project_name),
        ));
    }
    s.push_str("</table></div>");
    Markup::legacy(s)
}
