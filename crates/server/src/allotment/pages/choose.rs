//! The family's choice of a home, and its allotment section on the application page.

use anju_allotment::{CallState, Cite};
use anju_domain::Role;
use anju_store::{EntrantRecord, FamilyEntry, HomeRecord, HomeState};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::allotment::service::{self as svc};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::Ctx;
use crate::web::html::{url_encode, Lang, Markup};
use crate::web::AppState;

use super::common::*;
use super::verify::parse_round;

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
        choose_view(&st, &c, &user, &id, &round_s, &app, q.home.as_deref()).await
    }
    .await;
    match body {
        Ok(page) => c.page(&page),
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
        .allot_entrant(id, round, app)
        .await?
        .ok_or_else(|| ApiError::not_found("参加本轮的家庭 (entrant)"))
}

#[derive(Template)]
#[template(path = "allotment/templates/choose.html")]
pub(super) struct ChoosePage<'a> {
    c: &'a Ctx,
    done: Option<String>,
    pid: String,
    app: String,
    project_name: String,
    round: u8,
    call_position: Option<u32>,
    state: &'static str,
    step: ChooseStep,
    /// Loudi 8(1)2: sign within the plan's days of choosing.
    signing: Cite,
    /// What giving up the chosen home costs (the city's rule).
    abandonment: Cite,
    /// The same, in a sentence (Chinese, English).
    abandonment_words: (&'static str, &'static str),
}

/// What the family can do now.
pub(super) enum ChooseStep {
    /// Called: the available homes, and passing the round.
    Called {
        signing_days: u16,
        homes: Vec<HomeCard>,
    },
    /// One home picked from the list: what it is, what choosing it commits
    /// the family to, and the confirmation (choosing starts the signing
    /// clock, and not signing is an abandonment with a ban).
    Confirm {
        home: HomeCard,
        signing_days: u16,
        /// The signing deadline if the family confirms today.
        sign_by: String,
    },
    /// A home chosen: the contract deadline, and giving it up.
    Chosen {
        home: Option<HomeCard>,
        sign_by: String,
    },
    Other,
}

pub(super) struct HomeCard {
    id: String,
    floor: i32,
    area: String,
    layout: String,
    orientation: String,
    price: String,
}

impl HomeCard {
    fn of(h: &HomeRecord) -> HomeCard {
        let x = &h.home;
        HomeCard {
            id: x.id.as_str().to_string(),
            floor: x.floor,
            area: x.floor_area.to_string(),
            layout: x.layout.clone(),
            orientation: x.orientation.clone(),
            price: x.price.to_string(),
        }
    }
}

pub(super) async fn choose_view<'a>(
    st: &AppState,
    c: &'a Ctx,
    user: &CurrentUser,
    id: &str,
    round_s: &str,
    app: &str,
    picked: Option<&str>,
) -> ApiResult<ChoosePage<'a>> {
    let l = c.lang;
    let round = parse_round(round_s)?;
    let p = svc::load_project(st, Some(user), id).await?;
    let e = own_entry(st, user, id, round, app).await?;
    let homes = st.store.allotment().allot_homes(id).await?;
    let signing_days = p.plan.as_ref().map_or(15, |t| t.signing_days);
    let picked = picked.filter(|h| !h.trim().is_empty()).and_then(|h| {
        homes
            .iter()
            .find(|x| x.home.id.as_str() == h && x.state == HomeState::Available)
    });
    let step = match (e.state, picked) {
        (CallState::Called, Some(h)) => ChooseStep::Confirm {
            home: HomeCard::of(h),
            signing_days,
            sign_by: anju_allotment::sign_by(st.clock.today(), signing_days).to_string(),
        },
        (CallState::Called, None) => ChooseStep::Called {
            signing_days,
            homes: homes
                .iter()
                .filter(|h| h.state == HomeState::Available)
                .map(HomeCard::of)
                .collect(),
        },
        (CallState::Chosen, _) => ChooseStep::Chosen {
            home: homes
                .iter()
                .find(|h| Some(h.home.id.as_str()) == e.home_id.as_deref())
                .map(HomeCard::of),
            sign_by: e.sign_by.map(|d| d.to_string()).unwrap_or_default(),
        },
        _ => ChooseStep::Other,
    };
    let city = crate::allotment::service::common::city(st);
    Ok(ChoosePage {
        c,
        done: done_text(c),
        pid: id.to_string(),
        app: app.to_string(),
        project_name: p.name,
        round,
        call_position: e.call_position,
        state: call_state(l, e.state),
        step,
        signing: city.signing(),
        abandonment: city.abandonment(),
        abandonment_words: city.abandonment_words(),
    })
}

// ------------------------------------------------------------------ the application page's section

#[derive(Template)]
#[template(path = "allotment/templates/family.html")]
struct FamilySection {
    l: Lang,
    /// The family itself is looking, and was called: say so.
    called: bool,
    rows: Vec<FamilyRow>,
}

struct FamilyRow {
    pid: String,
    name: String,
    round: u8,
    draw_position: Option<u32>,
    call_position: Option<u32>,
    state: &'static str,
    home: String,
    sign_by: String,
    /// The family's link to its choose page: the application, and the words.
    choose: Option<(String, &'static str)>,
}

/// The application page's section: this family's rounds (pages.rs).
pub(crate) fn family_section(l: Lang, entries: &[FamilyEntry], own: bool) -> Markup {
    if entries.is_empty() {
        return Markup::default();
    }
    let rows = entries
        .iter()
        .map(|f| {
            let e = &f.entrant;
            let choose = match e.state {
                CallState::Called if own => Some(l.t("去选房", "Choose a home")),
                CallState::Chosen if own => Some(l.t("查看 / 放弃所选房源", "View / give up")),
                _ => None,
            };
            FamilyRow {
                pid: f.project_id.clone(),
                name: f.project_name.clone(),
                round: f.round_no,
                draw_position: e.draw_position,
                call_position: e.call_position,
                state: call_state(l, e.state),
                home: e.home_id.clone().unwrap_or_default(),
                sign_by: e.sign_by.map(|d| d.to_string()).unwrap_or_default(),
                choose: choose.map(|words| (e.application_id.clone(), words)),
            }
        })
        .collect();
    let section = FamilySection {
        l,
        called: own && entries.iter().any(|f| f.entrant.state == CallState::Called),
        rows,
    };
    // A template of plain fields and loops: rendering it cannot fail.
    Markup::of(&section).unwrap_or_default()
}
