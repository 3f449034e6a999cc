//! The allotment records and how they are read from rows.

// Record fields mirror the columns described in migrations/*/allotment/0003_allotment.sql.
#![allow(missing_docs)]

use std::collections::HashSet;

use anju_allotment::{
    CallState, ContractTerms, Home, PlanStatus, PlanTerms, ProjectArea, RoundStatus,
};
use chrono::NaiveDate;

use super::super::{corrupt, parse_date};
use crate::sql::Row;
use crate::{Result, StoreError};

/// A project with its plan.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectRecord {
    pub id: String,
    pub name: String,
    /// Where the project is (GB/T 2260 code).
    pub district: String,
    pub area: ProjectArea,
    pub plan_status: PlanStatus,
    pub plan: Option<PlanTerms>,
    pub returned_reason: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub published_at: Option<String>,
    /// Optimistic-concurrency version.
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// A home's sale state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HomeState {
    Available,
    /// Chosen; awaiting the contract.
    Held,
    Sold,
}

impl HomeState {
    /// English label (the pages' English switch).
    pub fn en(self) -> &'static str {
        match self {
            HomeState::Available => "available",
            HomeState::Held => "chosen",
            HomeState::Sold => "sold",
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            HomeState::Available => "available",
            HomeState::Held => "held",
            HomeState::Sold => "sold",
        }
    }

    pub fn zh(self) -> &'static str {
        match self {
            HomeState::Available => "可选",
            HomeState::Held => "已选定",
            HomeState::Sold => "已售",
        }
    }

    fn parse(s: &str) -> Result<HomeState> {
        Ok(match s {
            "available" => HomeState::Available,
            "held" => HomeState::Held,
            "sold" => HomeState::Sold,
            _ => return Err(StoreError::Corrupt(format!("home state {s:?}"))),
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HomeRecord {
    pub home: Home,
    pub state: HomeState,
    pub holder: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RoundRecord {
    pub project_id: String,
    pub round_no: u8,
    pub status: RoundStatus,
    /// The lottery's canonical entrant file (published).
    pub entrant_file: String,
    /// SHA-256 of the entrant file, hex (published before the draw).
    pub commitment: String,
    pub entrant_count: u32,
    /// JSON array: the qualified families left out, each with the reason
    /// and article (no personal data: application numbers only).
    pub excluded_json: String,
    pub frozen_at: String,
    pub frozen_by: String,
    pub redraw_reason: Option<String>,
    pub redraw_requested_by: Option<String>,
    pub redraw_approved_by: Option<String>,
    pub closed_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct EntrantRecord {
    pub application_id: String,
    /// 1-based line in the entrant file.
    pub entrant_seq: u32,
    pub district: String,
    pub tier: u8,
    pub priority: bool,
    pub masked_name: String,
    pub masked_id: String,
    /// 1-based position in the current draw.
    pub draw_position: Option<u32>,
    /// 1-based place in the calling order (priority groups first).
    pub call_position: Option<u32>,
    pub state: CallState,
    pub recalled: bool,
    pub home_id: Option<String>,
    pub chosen_on: Option<NaiveDate>,
    pub sign_by: Option<NaiveDate>,
}

/// One entrant's place in a draw: the draw writes one per entrant
/// (`allot_positions`, keyed by the entrant's line in the frozen file).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DrawPosition {
    /// 1-based line of the entrant in the round's entrant file.
    pub entrant_seq: u32,
    /// 1-based position in the draw's result.
    pub draw_position: u32,
    /// 1-based place in the calling order (priority groups first).
    pub call_position: u32,
}

impl EntrantRecord {
    /// An entrant as a round is frozen: not yet drawn or called.
    pub fn waiting(
        application_id: String,
        entrant_seq: u32,
        district: String,
        tier: u8,
        priority: bool,
        masked_name: String,
        masked_id: String,
    ) -> EntrantRecord {
        EntrantRecord {
            application_id,
            entrant_seq,
            district,
            tier,
            priority,
            masked_name,
            masked_id,
            draw_position: None,
            call_position: None,
            state: CallState::Waiting,
            recalled: false,
            home_id: None,
            chosen_on: None,
            sign_by: None,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct DrawRecord {
    pub draw_no: u32,
    pub reveal: String,
    pub notary: String,
    pub seed: String,
    /// The lottery's result file (published).
    pub result_file: String,
    pub drawn_at: String,
    pub drawn_by: String,
    pub redraw_reason: Option<String>,
    pub redraw_requested_by: Option<String>,
    pub redraw_approved_by: Option<String>,
    pub superseded: bool,
}

/// A family's entry in a round, for its own page.
#[derive(Debug, Clone, PartialEq)]
pub struct FamilyEntry {
    pub project_id: String,
    pub project_name: String,
    pub round_no: u8,
    pub entrant: EntrantRecord,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ContractRecord {
    pub home_id: String,
    pub application_id: String,
    pub terms: ContractTerms,
}

/// Where each application stands in allotment, for entering rounds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AllotmentFlags {
    /// Applications holding a home (chosen or signed).
    pub holding: HashSet<String>,
    /// Applications with an abandonment on record.
    pub abandoned: HashSet<String>,
}

pub(crate) fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("does not serialise: {e}")))
}

pub(crate) fn from_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

pub(super) fn code_of<T: serde::Serialize>(v: &T) -> Result<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Corrupt("enum has no code".into())),
    }
}

pub(super) fn parse_code<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| StoreError::Corrupt(format!("unknown code {s:?}")))
}

pub(crate) fn conflict(what: impl Into<String>) -> StoreError {
    StoreError::Conflict { what: what.into() }
}

pub(super) fn project_from_row(r: &Row) -> Result<ProjectRecord> {
    Ok(ProjectRecord {
        id: r.text("id")?,
        name: r.text("name")?,
        district: r.text("district")?,
        area: from_json(&r.text("area_json")?, "area_json")?,
        plan_status: parse_code(&r.text("plan_status")?)?,
        plan: r
            .opt_text("plan_json")?
            .map(|s| from_json(&s, "plan_json"))
            .transpose()?,
        returned_reason: r.opt_text("returned_reason")?,
        approved_by: r.opt_text("approved_by")?,
        approved_at: r.opt_text("approved_at")?,
        published_at: r.opt_text("published_at")?,
        version: r.int("version")?,
        created_at: r.text("created_at")?,
        updated_at: r.text("updated_at")?,
    })
}

pub(super) const HOME_COLS: &str = "home_json, state, holder";

pub(super) fn home_from_row(r: &Row) -> Result<HomeRecord> {
    Ok(HomeRecord {
        home: from_json(&r.text("home_json")?, "home_json")?,
        state: HomeState::parse(&r.text("state")?)?,
        holder: r.opt_text("holder")?,
    })
}

pub(super) fn round_from_row(r: &Row) -> Result<RoundRecord> {
    Ok(RoundRecord {
        project_id: r.text("project_id")?,
        round_no: u8::try_from(r.int("round_no")?).map_err(corrupt)?,
        status: parse_code(&r.text("status")?)?,
        entrant_file: r.text("entrant_file")?,
        commitment: r.text("commitment")?,
        entrant_count: u32::try_from(r.int("entrant_count")?).map_err(corrupt)?,
        excluded_json: r.text("excluded_json")?,
        frozen_at: r.text("frozen_at")?,
        frozen_by: r.text("frozen_by")?,
        redraw_reason: r.opt_text("redraw_reason")?,
        redraw_requested_by: r.opt_text("redraw_requested_by")?,
        redraw_approved_by: r.opt_text("redraw_approved_by")?,
        closed_at: r.opt_text("closed_at")?,
    })
}

pub(super) const ENTRANT_COLS: &str = "e.application_id, e.entrant_seq, e.district, e.tier, e.priority, e.masked_name, \
    e.masked_id, ps.draw_position, ps.call_position, e.state, e.recalled, e.home_id, e.chosen_on, e.sign_by";

/// Entrants with their positions in the current draw (none before it):
/// the positions live in `allot_positions` (migration 0070), which the draw
/// fills without touching the entrant rows.
pub(super) const ENTRANTS_FROM: &str = "allot_entrants e LEFT JOIN allot_positions ps \
    ON ps.project_id = e.project_id AND ps.round_no = e.round_no AND ps.entrant_seq = e.entrant_seq";

pub(super) fn opt_u32(v: Option<i64>) -> Result<Option<u32>> {
    v.map(|n| u32::try_from(n).map_err(corrupt)).transpose()
}

pub(super) fn entrant_from_row(r: &Row) -> Result<EntrantRecord> {
    let state = r.text("state")?;
    Ok(EntrantRecord {
        application_id: r.text("application_id")?,
        entrant_seq: u32::try_from(r.int("entrant_seq")?).map_err(corrupt)?,
        district: r.text("district")?,
        tier: u8::try_from(r.int("tier")?).map_err(corrupt)?,
        priority: r.int("priority")? != 0,
        masked_name: r.text_or_empty("masked_name")?,
        masked_id: r.text_or_empty("masked_id")?,
        draw_position: opt_u32(r.opt_int("draw_position")?)?,
        call_position: opt_u32(r.opt_int("call_position")?)?,
        state: CallState::parse(&state)
            .ok_or_else(|| StoreError::Corrupt(format!("call state {state:?}")))?,
        recalled: r.int("recalled")? != 0,
        home_id: r.opt_text("home_id")?,
        chosen_on: r
            .opt_text("chosen_on")?
            .map(|s| parse_date(&s))
            .transpose()?,
        sign_by: r.opt_text("sign_by")?.map(|s| parse_date(&s)).transpose()?,
    })
}

pub(super) fn draw_from_row(r: &Row) -> Result<DrawRecord> {
    Ok(DrawRecord {
        draw_no: u32::try_from(r.int("draw_no")?).map_err(corrupt)?,
        reveal: r.text("reveal")?,
        notary: r.text("notary")?,
        seed: r.text("seed")?,
        result_file: r.text("result_file")?,
        drawn_at: r.text("drawn_at")?,
        drawn_by: r.text("drawn_by")?,
        redraw_reason: r.opt_text("redraw_reason")?,
        redraw_requested_by: r.opt_text("redraw_requested_by")?,
        redraw_approved_by: r.opt_text("redraw_approved_by")?,
        superseded: r.int("superseded")? != 0,
    })
}

pub(super) const PROJECT_COLS: &str =
    "id, name, district, area_json, plan_status, plan_json, returned_reason, approved_by, \
    approved_at, published_at, version, created_at, updated_at";

pub(super) const ROUND_COLS: &str =
    "project_id, round_no, status, entrant_file, commitment, entrant_count, excluded_json, \
    frozen_at, frozen_by, redraw_reason, redraw_requested_by, redraw_approved_by, closed_at";
