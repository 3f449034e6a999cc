//! What the API and pages show of a project: typed views and the draw check.

use anju_allotment::{self as allot, PlanStatus, PlanTerms, RoundStatus};
use anju_store::{EntrantRecord, HomeRecord, ProjectRecord};
use chrono::NaiveDate;
use serde::Serialize;
use serde_json::Value;

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

use super::common::*;
use super::projects::price_check;
use super::rounds::Excluded;

// ------------------------------------------------------------------ views

/// A project as the API shows it: plan, price check, homes, rounds with
/// their commitments and draws (entrants masked, in the detail only).
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Project)]
pub struct ProjectJson {
    pub id: String,
    pub name: String,
    pub district: String,
    pub districts: Vec<String>,
    #[schema(required = true)]
    pub county_seat_of: Option<String>,
    pub plan_status: PlanStatus,
    pub plan_status_label: &'static str,
    #[schema(required = true)]
    pub plan: Option<PlanTerms>,
    #[schema(required = true)]
    pub returned_reason: Option<String>,
    #[schema(required = true)]
    pub approved_at: Option<String>,
    #[schema(required = true)]
    pub published_at: Option<String>,
    /// For optimistic concurrency (`PlanRequest.version`, the plan steps).
    pub version: i64,
    #[schema(required = true)]
    pub price_check: Option<PriceCheckJson>,
    pub homes: Vec<HomeJson>,
    pub rounds: Vec<RoundJson>,
}

/// The article-17 price check over the project's homes.
#[derive(Serialize, utoipa::ToSchema)]
pub struct PriceCheckJson {
    pub passed: bool,
    pub homes_checked: usize,
    pub violations: Vec<allot::plan::PriceViolation>,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Round)]
pub struct RoundJson {
    pub round: u8,
    pub status: RoundStatus,
    pub status_label: &'static str,
    pub commitment: String,
    pub entrant_count: u32,
    pub frozen_at: String,
    /// Qualified families left out of the round, with why: the first
    /// [`ENTRANTS_IN_DETAIL`] (all are counted in `excluded_count`; the
    /// frozen round's record keeps every one).
    #[schema(value_type = Vec<Excluded>)]
    pub excluded: Value,
    pub excluded_count: usize,
    #[schema(required = true)]
    pub redraw_reason: Option<String>,
    pub redraw_pending_approval: bool,
    pub redraw_approved: bool,
    #[schema(required = true)]
    pub closed_at: Option<String>,
    pub draws: Vec<DrawJson>,
    /// In the project's detail only: the first [`ENTRANTS_IN_DETAIL`] in
    /// calling order (entrant-file order before the draw); the rest page
    /// by `entrants_next`, so a city's round is never one answer of 10⁵.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrants: Option<Vec<EntrantJson>>,
    /// The next page of entrants (`/api/v1/projects/{id}/rounds/{round}/entrants?from=…`),
    /// when the detail does not hold them all.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrants_next: Option<String>,
}

/// Entrants a project's detail carries per round.
pub const ENTRANTS_IN_DETAIL: u32 = 100;

/// A page of a round's entrants, masked.
#[derive(Serialize, utoipa::ToSchema)]
pub struct EntrantsPage {
    pub round: u8,
    /// Entrants in the round.
    pub total: u32,
    /// Position of the first on this page (call position once drawn).
    pub from: u32,
    pub entrants: Vec<EntrantJson>,
    /// `from` of the next page, when there is one.
    #[schema(required = true)]
    pub next_from: Option<u32>,
}

/// Entrants of round `round` from position `from`, at most `limit` (≤ 500).
pub async fn entrants_page(
    st: &AppState,
    r: &anju_store::RoundRecord,
    from: u32,
    limit: u32,
) -> ApiResult<EntrantsPage> {
    let from = from.max(1);
    let limit = limit.clamp(1, 500);
    let es = st
        .store
        .allotment()
        .allot_entrants_window(
            &r.project_id,
            r.round_no,
            r.status != RoundStatus::Frozen,
            from,
            limit,
        )
        .await?;
    let next = from + es.len() as u32;
    Ok(EntrantsPage {
        round: r.round_no,
        total: r.entrant_count,
        from,
        next_from: (es.len() as u32 == limit && next <= r.entrant_count).then_some(next),
        entrants: es.iter().map(entrant_json).collect(),
    })
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Draw)]
pub struct DrawJson {
    pub draw_no: u32,
    pub reveal: String,
    pub notary: String,
    pub seed: String,
    pub drawn_at: String,
    #[schema(required = true)]
    pub redraw_reason: Option<String>,
    pub superseded: bool,
}

#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Home)]
pub struct HomeJson {
    /// building-unit-number, e.g. `1-1-301`.
    pub id: String,
    pub building: String,
    pub unit: String,
    pub floor: i32,
    pub number: String,
    pub floor_area_m2: String,
    pub layout: String,
    pub orientation: String,
    pub source: allot::HomeSource,
    pub price_yuan: String,
    pub state: &'static str,
    pub state_label: &'static str,
}

/// An entrant of a round, masked.
#[derive(Serialize, utoipa::ToSchema)]
#[schema(as = Entrant)]
pub struct EntrantJson {
    pub application_id: String,
    pub entrant_seq: u32,
    pub district: String,
    pub tier: u8,
    pub priority: bool,
    /// Masked.
    pub name: String,
    /// Masked.
    pub id_number: String,
    #[schema(required = true)]
    pub draw_position: Option<u32>,
    #[schema(required = true)]
    pub call_position: Option<u32>,
    pub state: &'static str,
    pub state_label: &'static str,
    #[schema(required = true)]
    pub home_id: Option<String>,
    #[schema(required = true)]
    pub chosen_on: Option<NaiveDate>,
    #[schema(required = true)]
    pub sign_by: Option<NaiveDate>,
}

/// Public JSON of a project: plan, price check, homes, rounds with their
/// commitments and draws; entrants masked.
pub async fn project_json(
    st: &AppState,
    p: &ProjectRecord,
    with_entrants: bool,
) -> ApiResult<ProjectJson> {
    let (homes, check) = price_check(st, p).await?;
    let rounds = st
        .store
        .allotment()
        .allot_rounds_without_files(&p.id)
        .await?;
    let mut rounds_json = Vec::new();
    for r in &rounds {
        let draws = st
            .store
            .allotment()
            .allot_draws_without_files(&p.id, r.round_no)
            .await?;
        let excluded: Vec<Value> = serde_json::from_str(&r.excluded_json).unwrap_or_default();
        let (entrants, entrants_next) = if with_entrants {
            let page = entrants_page(st, r, 1, ENTRANTS_IN_DETAIL).await?;
            let next = page.next_from.map(|f| {
                format!(
                    "/api/v1/projects/{}/rounds/{}/entrants?from={f}&limit={ENTRANTS_IN_DETAIL}",
                    crate::web::html::url_encode(&p.id),
                    r.round_no
                )
            });
            (Some(page.entrants), next)
        } else {
            (None, None)
        };
        rounds_json.push(RoundJson {
            round: r.round_no,
            status: r.status,
            status_label: r.status.zh(),
            commitment: r.commitment.clone(),
            entrant_count: r.entrant_count,
            frozen_at: r.frozen_at.clone(),
            excluded: Value::Array(
                excluded
                    .iter()
                    .take(ENTRANTS_IN_DETAIL as usize)
                    .cloned()
                    .collect(),
            ),
            excluded_count: excluded.len(),
            redraw_reason: r.redraw_reason.clone(),
            redraw_pending_approval: r.redraw_reason.is_some() && r.redraw_approved_by.is_none(),
            redraw_approved: r.redraw_approved_by.is_some(),
            closed_at: r.closed_at.clone(),
            draws: draws
                .iter()
                .map(|d| DrawJson {
                    draw_no: d.draw_no,
                    reveal: d.reveal.clone(),
                    notary: d.notary.clone(),
                    seed: d.seed.clone(),
                    drawn_at: d.drawn_at.clone(),
                    redraw_reason: d.redraw_reason.clone(),
                    superseded: d.superseded,
                })
                .collect(),
            entrants,
            entrants_next,
        });
    }
    Ok(ProjectJson {
        id: p.id.clone(),
        name: p.name.clone(),
        district: p.district.clone(),
        districts: p.area.districts.clone(),
        county_seat_of: p.area.county_seat_of.clone(),
        plan_status: p.plan_status,
        plan_status_label: p.plan_status.zh(),
        plan: p.plan.clone(),
        returned_reason: p.returned_reason.clone(),
        approved_at: p.approved_at.clone(),
        published_at: p.published_at.clone(),
        version: p.version,
        price_check: check.map(|c| PriceCheckJson {
            passed: c.passed(),
            homes_checked: c.homes_checked,
            violations: c.violations,
        }),
        homes: homes.iter().map(home_json).collect(),
        rounds: rounds_json,
    })
}

pub fn home_json(h: &HomeRecord) -> HomeJson {
    HomeJson {
        id: h.home.id.to_string(),
        building: h.home.building.clone(),
        unit: h.home.unit.clone(),
        floor: h.home.floor,
        number: h.home.number.clone(),
        floor_area_m2: h.home.floor_area.to_string(),
        layout: h.home.layout.clone(),
        orientation: h.home.orientation.clone(),
        source: h.home.source,
        price_yuan: h.home.price.to_string(),
        state: h.state.code(),
        state_label: h.state.zh(),
    }
}

pub fn entrant_json(e: &EntrantRecord) -> EntrantJson {
    EntrantJson {
        application_id: e.application_id.clone(),
        entrant_seq: e.entrant_seq,
        district: e.district.clone(),
        tier: e.tier,
        priority: e.priority,
        name: e.masked_name.clone(),
        id_number: e.masked_id.clone(),
        draw_position: e.draw_position,
        call_position: e.call_position,
        state: e.state.code(),
        state_label: e.state.zh(),
        home_id: e.home_id.clone(),
        chosen_on: e.chosen_on,
        sign_by: e.sign_by,
    }
}

/// The outcome of re-running a draw from its published files.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DrawCheck {
    pub verified: bool,
    /// The commitment published before the draw that the entrant file was
    /// checked against, when one was given.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checked_against: Option<String>,
    /// The entrant file's commitment (its SHA-256), on every verdict.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commitment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reveal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    pub message: String,
}

/// Re-runs a published draw from its published files (anyone may). With
/// `published`, the commitment published before the draw, the entrant file
/// must also be the one it committed to: a result re-drawn over a swapped
/// list agrees with that list, and only this tells them apart.
pub async fn check_draw(
    st: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
    round: u8,
    n: u32,
    published: Option<&str>,
) -> ApiResult<DrawCheck> {
    let (r, d) = draw_seen_by(st, user, id, round, n).await?;
    let reveal =
        anju_lottery::Reveal::new(&d.reveal).map_err(|e| ApiError::internal(e.to_string()))?;
    let (entrants, result) = (r.entrant_file.as_bytes(), d.result_file.as_bytes());
    let outcome = match published.map(str::trim).filter(|p| !p.is_empty()) {
        Some(p) => anju_lottery::verify_committed(entrants, p, &reveal, result),
        None => anju_lottery::verify(entrants, &reveal, result),
    };
    let checked_against = published
        .map(|p| p.trim().to_ascii_lowercase())
        .filter(|p| !p.is_empty());
    Ok(match outcome {
        Ok(_) => DrawCheck {
            verified: true,
            checked_against,
            commitment: Some(r.commitment),
            reveal: Some(d.reveal),
            seed: Some(d.seed),
            message: "已按公布的名单、公证随机值和算法重新计算，结果一致 (re-computed from the published files: identical)".into(),
        },
        Err(e) => DrawCheck {
            verified: false,
            checked_against,
            commitment: Some(r.commitment),
            reveal: None,
            seed: None,
            message: format!("不一致 (mismatch): {e}"),
        },
    })
}
