//! Allotment storage: projects and plans, homes, rounds with their frozen
//! entrant files, every draw, calls, holds, contracts, titles, dealings and
//! abandonments. Each write carries its audit entry in the same
//! transaction.
//!
//! A home is sold once, across processes: choosing runs, in one write
//! transaction, a conditional `UPDATE allot_entrants … WHERE state =
//! 'called'`, a conditional `UPDATE allot_homes … WHERE state =
//! 'available'` (on PostgreSQL the second of two concurrent updates waits
//! for the first's row lock, re-reads, and matches nothing) and inserts into
//! `allot_home_holds` and `allot_family_holds`, whose primary keys are the
//! last defence. Locks are always taken entrant row → home row → audit head,
//! so they cannot form a cycle.

// Record fields mirror the columns described in migrations/*/0003_allotment.sql.
#![allow(missing_docs)]

use std::collections::HashSet;

use anju_allotment::{
    AbandonmentKind, CallState, ContractTerms, Home, PlanStatus, PlanTerms, ProjectArea,
    RoundStatus, Title,
};
use anju_domain::Timestamp;
use chrono::NaiveDate;

use super::{append_audit_in, corrupt, date_text, parse_date, Core};
use crate::sql::{is_unique_violation, Row, Q};
use crate::{AuditDraft, Result, StoreError};

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

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| StoreError::Corrupt(format!("does not serialise: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(s: &str, what: &str) -> Result<T> {
    serde_json::from_str(s).map_err(|e| StoreError::Corrupt(format!("{what}: {e}")))
}

fn code_of<T: serde::Serialize>(v: &T) -> Result<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Ok(s),
        _ => Err(StoreError::Corrupt("enum has no code".into())),
    }
}

fn parse_code<T: serde::de::DeserializeOwned>(s: &str) -> Result<T> {
    serde_json::from_value(serde_json::Value::String(s.to_owned()))
        .map_err(|_| StoreError::Corrupt(format!("unknown code {s:?}")))
}

fn conflict(what: impl Into<String>) -> StoreError {
    StoreError::Conflict { what: what.into() }
}

fn project_from_row(r: &Row) -> Result<ProjectRecord> {
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

const HOME_COLS: &str = "home_json, state, holder";

fn home_from_row(r: &Row) -> Result<HomeRecord> {
    Ok(HomeRecord {
        home: from_json(&r.text("home_json")?, "home_json")?,
        state: HomeState::parse(&r.text("state")?)?,
        holder: r.opt_text("holder")?,
    })
}

fn round_from_row(r: &Row) -> Result<RoundRecord> {
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

const ENTRANT_COLS: &str = "e.application_id, e.entrant_seq, e.district, e.tier, e.priority, e.masked_name, \
    e.masked_id, e.draw_position, e.call_position, e.state, e.recalled, e.home_id, e.chosen_on, e.sign_by";

fn opt_u32(v: Option<i64>) -> Result<Option<u32>> {
    v.map(|n| u32::try_from(n).map_err(corrupt)).transpose()
}

fn entrant_from_row(r: &Row) -> Result<EntrantRecord> {
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

fn draw_from_row(r: &Row) -> Result<DrawRecord> {
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

const PROJECT_COLS: &str =
    "id, name, district, area_json, plan_status, plan_json, returned_reason, approved_by, \
    approved_at, published_at, version, created_at, updated_at";

const ROUND_COLS: &str =
    "project_id, round_no, status, entrant_file, commitment, entrant_count, excluded_json, \
    frozen_at, frozen_by, redraw_reason, redraw_requested_by, redraw_approved_by, closed_at";

impl Core {
    // ------------------------------------------------------------ projects

    /// Creates a project (its id must be new).
    pub async fn allot_create_project(&self, p: &ProjectRecord, audit: AuditDraft) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let r = Q::new(format!(
            "INSERT INTO allot_projects ({PROJECT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
        ))
        .text(&p.id)
        .text(&p.name)
        .text(&p.district)
        .text(json(&p.area)?)
        .text(p.plan_status.code())
        .opt_text(p.plan.as_ref().map(json).transpose()?)
        .opt_text(p.returned_reason.clone())
        .opt_text(p.approved_by.clone())
        .opt_text(p.approved_at.clone())
        .opt_text(p.published_at.clone())
        .int(p.version)
        .text(&p.created_at)
        .text(&p.updated_at)
        .execute(&mut tx.conn())
        .await;
        match r {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Duplicate {
                    what: format!("项目编号 {} 已存在 (project {} exists)", p.id, p.id),
                })
            }
            Err(e) => return Err(e.into()),
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// One project with its plan.
    pub async fn allot_project(&self, id: &str) -> Result<Option<ProjectRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {PROJECT_COLS} FROM allot_projects WHERE id = $1"
        ))
        .text(id)
        .fetch_optional(&mut pc.conn())
        .await?
        .map(|r| project_from_row(&r))
        .transpose()
    }

    /// Every project, oldest first.
    pub async fn allot_projects(&self) -> Result<Vec<ProjectRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {PROJECT_COLS} FROM allot_projects ORDER BY created_at, id"
        ))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(project_from_row)
        .collect()
    }

    /// Writes the project's mutable columns if its version is still
    /// `p.version`; the stored version becomes `p.version + 1`.
    pub async fn allot_update_project(&self, p: &ProjectRecord, audit: AuditDraft) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = Q::new(
            "UPDATE allot_projects SET name = $1, area_json = $2, plan_status = $3, plan_json = $4, \
             returned_reason = $5, approved_by = $6, approved_at = $7, published_at = $8, version = version + 1, \
             updated_at = $9 WHERE id = $10 AND version = $11",
        )
        .text(&p.name)
        .text(json(&p.area)?)
        .text(p.plan_status.code())
        .opt_text(p.plan.as_ref().map(json).transpose()?)
        .opt_text(p.returned_reason.clone())
        .opt_text(p.approved_by.clone())
        .opt_text(p.approved_at.clone())
        .opt_text(p.published_at.clone())
        .text(&p.updated_at)
        .text(&p.id)
        .int(p.version)
        .execute(&mut tx.conn())
        .await?;
        if n != 1 {
            return Err(conflict(format!(
                "项目 {} 已被他人修改，请刷新后重试 (project {} was changed by someone else; reload and try again)",
                p.id, p.id
            )));
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// Adds or replaces homes by id in a project whose version is still
    /// `version` (the caller checked that the plan is editable): a
    /// corrected file may carry only the rows that were wrong. Refused for
    /// a home already held or sold.
    pub async fn allot_upsert_homes(
        &self,
        project_id: &str,
        version: i64,
        homes: &[Home],
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = Q::new("UPDATE allot_projects SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3")
            .text(now.to_rfc3339())
            .text(project_id)
            .int(version)
            .execute(&mut tx.conn())
            .await?;
        if n != 1 {
            return Err(conflict(format!(
                "项目 {project_id} 已被他人修改，请刷新后重试 (project {project_id} changed; reload and try again)"
            )));
        }
        for h in homes {
            let state =
                Q::new("SELECT state FROM allot_homes WHERE project_id = $1 AND home_id = $2")
                    .text(project_id)
                    .text(h.id.as_str())
                    .fetch_optional(&mut tx.conn())
                    .await?
                    .map(|r| r.text("state"))
                    .transpose()?;
            match state.as_deref() {
                None => {}
                Some("available") => {
                    Q::new("DELETE FROM allot_homes WHERE project_id = $1 AND home_id = $2")
                        .text(project_id)
                        .text(h.id.as_str())
                        .execute(&mut tx.conn())
                        .await?;
                }
                Some(_) => {
                    return Err(conflict(format!(
                        "房源 {} 已被选定或售出，不能修改 (home {} is already chosen or sold)",
                        h.id, h.id
                    )))
                }
            }
            Q::new(
                "INSERT INTO allot_homes (project_id, home_id, home_json, price_fen, state, holder) \
                 VALUES ($1, $2, $3, $4, 'available', NULL)",
            )
            .text(project_id)
            .text(h.id.as_str())
            .text(json(h)?)
            .int(i64::try_from(h.price.fen()).map_err(corrupt)?)
            .execute(&mut tx.conn())
            .await?;
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// A project's homes by building, unit, floor and number.
    pub async fn allot_homes(&self, project_id: &str) -> Result<Vec<HomeRecord>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(format!(
            "SELECT {HOME_COLS} FROM allot_homes WHERE project_id = $1"
        ))
        .text(project_id)
        .fetch_all(&mut pc.conn())
        .await?;
        let mut out = rows.iter().map(home_from_row).collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| {
            (&a.home.building, &a.home.unit, a.home.floor, &a.home.number).cmp(&(
                &b.home.building,
                &b.home.unit,
                b.home.floor,
                &b.home.number,
            ))
        });
        Ok(out)
    }

    // -------------------------------------------------------------- rounds

    /// Freezes a round: its entrant file, commitment and entrants, at once.
    pub async fn allot_create_round(
        &self,
        round: &RoundRecord,
        entrants: &[EntrantRecord],
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let r = Q::new(format!(
            "INSERT INTO allot_rounds ({ROUND_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, NULL, NULL)"
        ))
        .text(&round.project_id)
        .int(i64::from(round.round_no))
        .text(code_of(&round.status)?)
        .text(&round.entrant_file)
        .text(&round.commitment)
        .int(i64::from(round.entrant_count))
        .text(&round.excluded_json)
        .text(&round.frozen_at)
        .text(&round.frozen_by)
        .execute(&mut tx.conn())
        .await;
        match r {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(conflict(format!(
                    "第{}轮已开启 (round {} already exists)",
                    round.round_no, round.round_no
                )))
            }
            Err(e) => return Err(e.into()),
        }
        for e in entrants {
            Q::new(
                "INSERT INTO allot_entrants (project_id, round_no, application_id, entrant_seq, district, tier, \
                 priority, masked_name, masked_id, draw_position, call_position, state, recalled, home_id, chosen_on, \
                 sign_by, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, 'waiting', 0, NULL, NULL, NULL, $10)",
            )
            .text(&round.project_id)
            .int(i64::from(round.round_no))
            .text(&e.application_id)
            .int(i64::from(e.entrant_seq))
            .text(&e.district)
            .int(i64::from(e.tier))
            .int(i64::from(e.priority))
            .text(&e.masked_name)
            .text(&e.masked_id)
            .text(&round.frozen_at)
            .execute(&mut tx.conn())
            .await?;
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// A project's rounds in order.
    pub async fn allot_rounds(&self, project_id: &str) -> Result<Vec<RoundRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {ROUND_COLS} FROM allot_rounds WHERE project_id = $1 ORDER BY round_no"
        ))
        .text(project_id)
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(round_from_row)
        .collect()
    }

    /// A round's status alone (the choose path reads it on every request;
    /// the entrant file can be megabytes).
    pub async fn allot_round_status(
        &self,
        project_id: &str,
        round_no: u8,
    ) -> Result<Option<RoundStatus>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT status FROM allot_rounds WHERE project_id = $1 AND round_no = $2")
            .text(project_id)
            .int(i64::from(round_no))
            .fetch_optional(&mut pc.conn())
            .await?
            .map(|r| parse_code(&r.text("status")?))
            .transpose()
    }

    /// A round's entrants in calling order (entrant order before the draw).
    pub async fn allot_entrants(
        &self,
        project_id: &str,
        round_no: u8,
    ) -> Result<Vec<EntrantRecord>> {
        let mut pc = self.read_conn().await?;
        let mut v = Q::new(format!(
            "SELECT {ENTRANT_COLS} FROM allot_entrants e WHERE e.project_id = $1 AND e.round_no = $2"
        ))
        .text(project_id)
        .int(i64::from(round_no))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(entrant_from_row)
        .collect::<Result<Vec<_>>>()?;
        v.sort_by_key(|e| (e.call_position.unwrap_or(u32::MAX), e.entrant_seq));
        Ok(v)
    }

    /// One entrant of a round.
    pub async fn allot_entrant(
        &self,
        project_id: &str,
        round_no: u8,
        application_id: &str,
    ) -> Result<Option<EntrantRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {ENTRANT_COLS} FROM allot_entrants e WHERE e.project_id = $1 AND e.round_no = $2 AND e.application_id = $3"
        ))
        .text(project_id)
        .int(i64::from(round_no))
        .text(application_id)
        .fetch_optional(&mut pc.conn())
        .await?
        .map(|r| entrant_from_row(&r))
        .transpose()
    }

    /// One home of a project.
    pub async fn allot_home(&self, project_id: &str, home_id: &str) -> Result<Option<HomeRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {HOME_COLS} FROM allot_homes WHERE project_id = $1 AND home_id = $2"
        ))
        .text(project_id)
        .text(home_id)
        .fetch_optional(&mut pc.conn())
        .await?
        .map(|r| home_from_row(&r))
        .transpose()
    }

    /// Every round an application entered, for the family's page.
    pub async fn allot_family_entries(&self, application_id: &str) -> Result<Vec<FamilyEntry>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(format!(
            "SELECT e.project_id, p.name AS project_name, e.round_no, {ENTRANT_COLS} FROM allot_entrants e \
             JOIN allot_projects p ON p.id = e.project_id WHERE e.application_id = $1 ORDER BY e.project_id, e.round_no"
        ))
        .text(application_id)
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(FamilyEntry {
                    project_id: r.text("project_id")?,
                    project_name: r.text("project_name")?,
                    round_no: u8::try_from(r.int("round_no")?).map_err(corrupt)?,
                    entrant: entrant_from_row(r)?,
                })
            })
            .collect()
    }

    /// Every draw of a round, superseded ones included.
    pub async fn allot_draws(&self, project_id: &str, round_no: u8) -> Result<Vec<DrawRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(
            "SELECT draw_no, reveal, notary, seed, result_file, drawn_at, drawn_by, redraw_reason, redraw_requested_by, \
             redraw_approved_by, superseded FROM allot_draws WHERE project_id = $1 AND round_no = $2 ORDER BY draw_no",
        )
        .text(project_id)
        .int(i64::from(round_no))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(draw_from_row)
        .collect()
    }

    /// Records a draw and the order it gives. The first draw needs the
    /// round frozen; a re-draw needs it drawn with a reason and an approval
    /// on record, which the draw then carries and clears.
    /// `positions`: (application id, draw position, call position).
    pub async fn allot_record_draw(
        &self,
        project_id: &str,
        round_no: u8,
        draw: &DrawRecord,
        positions: &[(String, u32, u32)],
        audit: AuditDraft,
    ) -> Result<u32> {
        let mut tx = self.begin_write().await?;
        let round = Q::new(format!(
            "SELECT {ROUND_COLS} FROM allot_rounds WHERE project_id = $1 AND round_no = $2"
        ))
        .text(project_id)
        .int(i64::from(round_no))
        .fetch_optional(&mut tx.conn())
        .await?
        .map(|r| round_from_row(&r))
        .transpose()?
        .ok_or_else(|| StoreError::NotFound {
            what: format!("第{round_no}轮不存在 (round {round_no} not found)"),
        })?;
        let (n, reason, requested, approved) = match (round.status, &round.redraw_approved_by) {
            (RoundStatus::Frozen, _) => (
                Q::new("UPDATE allot_rounds SET status = 'drawn' WHERE project_id = $1 AND round_no = $2 AND status = 'frozen'")
                    .text(project_id)
                    .int(i64::from(round_no))
                    .execute(&mut tx.conn())
                    .await?,
                None,
                None,
                None,
            ),
            (RoundStatus::Drawn, Some(approver)) => (
                Q::new(
                    "UPDATE allot_rounds SET redraw_reason = NULL, redraw_requested_by = NULL, redraw_approved_by = NULL \
                     WHERE project_id = $1 AND round_no = $2 AND status = 'drawn' AND redraw_approved_by = $3",
                )
                .text(project_id)
                .int(i64::from(round_no))
                .text(approver)
                .execute(&mut tx.conn())
                .await?,
                round.redraw_reason.clone(),
                round.redraw_requested_by.clone(),
                Some(approver.clone()),
            ),
            (RoundStatus::Drawn, None) => {
                return Err(conflict(
                    "本轮已摇号；重新摇号须写明理由并经第二人批准 (already drawn: a re-draw needs a written reason and a second approver)",
                ))
            }
            (s, _) => {
                return Err(conflict(format!(
                    "本轮状态为“{}”，不能摇号 (round is {}: no draw now)",
                    s.zh(),
                    s.code()
                )))
            }
        };
        if n != 1 {
            return Err(conflict(
                "本轮已被他人修改，请刷新后重试 (the round changed; reload and try again)",
            ));
        }
        let draw_no =
            Q::new("SELECT COUNT(*) AS n FROM allot_draws WHERE project_id = $1 AND round_no = $2")
                .text(project_id)
                .int(i64::from(round_no))
                .fetch_one(&mut tx.conn())
                .await?
                .int("n")?
                + 1;
        Q::new("UPDATE allot_draws SET superseded = 1 WHERE project_id = $1 AND round_no = $2")
            .text(project_id)
            .int(i64::from(round_no))
            .execute(&mut tx.conn())
            .await?;
        Q::new(
            "INSERT INTO allot_draws (project_id, round_no, draw_no, reveal, notary, seed, result_file, drawn_at, drawn_by, \
             redraw_reason, redraw_requested_by, redraw_approved_by, superseded) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0)",
        )
        .text(project_id)
        .int(i64::from(round_no))
        .int(draw_no)
        .text(&draw.reveal)
        .text(&draw.notary)
        .text(&draw.seed)
        .text(&draw.result_file)
        .text(&draw.drawn_at)
        .text(&draw.drawn_by)
        .opt_text(reason)
        .opt_text(requested)
        .opt_text(approved)
        .execute(&mut tx.conn())
        .await?;
        for (app, dpos, cpos) in positions {
            Q::new(
                "UPDATE allot_entrants SET draw_position = $1, call_position = $2 \
                 WHERE project_id = $3 AND round_no = $4 AND application_id = $5",
            )
            .int(i64::from(*dpos))
            .int(i64::from(*cpos))
            .text(project_id)
            .int(i64::from(round_no))
            .text(app)
            .execute(&mut tx.conn())
            .await?;
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await?;
        u32::try_from(draw_no).map_err(corrupt)
    }

    /// See the store's allotment module.
    pub async fn allot_request_redraw(
        &self,
        project_id: &str,
        round_no: u8,
        reason: &str,
        requested_by: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = Q::new(
            "UPDATE allot_rounds SET redraw_reason = $1, redraw_requested_by = $2, redraw_approved_by = NULL \
             WHERE project_id = $3 AND round_no = $4 AND status = 'drawn'",
        )
        .text(reason)
        .text(requested_by)
        .text(project_id)
        .int(i64::from(round_no))
        .execute(&mut tx.conn())
        .await?;
        if n != 1 {
            return Err(conflict(
                "只有已摇号、尚未开始选房的轮次可以申请重新摇号 (a re-draw is possible only after the draw and before selection)",
            ));
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// The second approver: anyone but the person who asked.
    pub async fn allot_approve_redraw(
        &self,
        project_id: &str,
        round_no: u8,
        approver: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = Q::new(
            "UPDATE allot_rounds SET redraw_approved_by = $1 WHERE project_id = $2 AND round_no = $3 \
             AND status = 'drawn' AND redraw_reason IS NOT NULL AND redraw_approved_by IS NULL AND redraw_requested_by <> $4",
        )
        .text(approver)
        .text(project_id)
        .int(i64::from(round_no))
        .text(approver)
        .execute(&mut tx.conn())
        .await?;
        if n != 1 {
            return Err(conflict(
                "没有待批准的重新摇号申请，或批准人与申请人是同一人（须由第二人批准） (no pending re-draw request, or the approver is the requester: a second person must approve)",
            ));
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// Moves a round from `from` to `to`. Closing passes every family not
    /// yet resolved (not an abandonment: no home was chosen) — chosen homes
    /// keep their signing deadline.
    pub async fn allot_set_round_status(
        &self,
        project_id: &str,
        round_no: u8,
        from: RoundStatus,
        to: RoundStatus,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let closed_at = (to == RoundStatus::Closed).then(|| now.to_rfc3339());
        let n = Q::new(
            "UPDATE allot_rounds SET status = $1, closed_at = $2, redraw_reason = NULL, redraw_requested_by = NULL, \
             redraw_approved_by = NULL WHERE project_id = $3 AND round_no = $4 AND status = $5",
        )
        .text(code_of(&to)?)
        .opt_text(closed_at)
        .text(project_id)
        .int(i64::from(round_no))
        .text(code_of(&from)?)
        .execute(&mut tx.conn())
        .await?;
        if n != 1 {
            return Err(conflict(format!(
                "本轮不在“{}”状态，请刷新后重试 (the round is not {}; reload)",
                from.zh(),
                from.code()
            )));
        }
        if to == RoundStatus::Closed {
            Q::new(
                "UPDATE allot_entrants SET state = 'passed', updated_at = $1 WHERE project_id = $2 AND round_no = $3 \
                 AND state IN ('waiting', 'called', 'absent')",
            )
            .text(now.to_rfc3339())
            .text(project_id)
            .int(i64::from(round_no))
            .execute(&mut tx.conn())
            .await?;
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// Calls the next `count` families in calling order; when no family
    /// is waiting, those absent once are called again (the plan's
    /// `call_again_at_end`). Returns the application ids called.
    pub async fn allot_call_next(
        &self,
        project_id: &str,
        round_no: u8,
        count: u32,
        now: Timestamp,
        audit: impl FnOnce(&[String]) -> AuditDraft,
    ) -> Result<Vec<String>> {
        let mut tx = self.begin_write().await?;
        let status =
            Q::new("SELECT status FROM allot_rounds WHERE project_id = $1 AND round_no = $2")
                .text(project_id)
                .int(i64::from(round_no))
                .fetch_optional(&mut tx.conn())
                .await?
                .map(|r| r.text("status"))
                .transpose()?;
        if status.as_deref() != Some("selecting") {
            return Err(conflict(
                "本轮不在选房阶段，不能叫号 (the round is not selecting)",
            ));
        }
        let mut called = Vec::new();
        for (from, recall) in [("waiting", false), ("absent", true)] {
            if called.len() >= count as usize {
                break;
            }
            let rows = Q::new(
                "SELECT application_id FROM allot_entrants WHERE project_id = $1 AND round_no = $2 AND state = $3 \
                 ORDER BY call_position LIMIT $4",
            )
            .text(project_id)
            .int(i64::from(round_no))
            .text(from)
            .int(i64::from(count) - called.len() as i64)
            .fetch_all(&mut tx.conn())
            .await?;
            for r in rows {
                let app = r.text("application_id")?;
                let n = Q::new(
                    "UPDATE allot_entrants SET state = 'called', recalled = $1, updated_at = $2 \
                     WHERE project_id = $3 AND round_no = $4 AND application_id = $5 AND state = $6",
                )
                .int(i64::from(recall))
                .text(now.to_rfc3339())
                .text(project_id)
                .int(i64::from(round_no))
                .text(&app)
                .text(from)
                .execute(&mut tx.conn())
                .await?;
                if n == 1 {
                    called.push(app);
                }
            }
        }
        if called.is_empty() {
            return Ok(called);
        }
        append_audit_in(&mut tx.conn(), audit(&called)).await?;
        tx.commit().await?;
        Ok(called)
    }

    /// A call step that touches only the entrant row (absent, decline).
    #[allow(clippy::too_many_arguments)] // the trait's signature
    pub async fn allot_entrant_step(
        &self,
        project_id: &str,
        round_no: u8,
        application_id: &str,
        from: CallState,
        to: CallState,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = Q::new(
            "UPDATE allot_entrants SET state = $1, updated_at = $2 WHERE project_id = $3 AND round_no = $4 \
             AND application_id = $5 AND state = $6",
        )
        .text(to.code())
        .text(now.to_rfc3339())
        .text(project_id)
        .int(i64::from(round_no))
        .text(application_id)
        .text(from.code())
        .execute(&mut tx.conn())
        .await?;
        if n != 1 {
            return Err(stale_call(application_id));
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// A called family chooses a home. See the module notes: the home is
    /// sold once even when several processes race for it.
    #[allow(clippy::too_many_arguments)]
    pub async fn allot_choose(
        &self,
        project_id: &str,
        round_no: u8,
        application_id: &str,
        home_id: &str,
        chosen_on: NaiveDate,
        sign_by: NaiveDate,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = Q::new(
            "UPDATE allot_entrants SET state = 'chosen', home_id = $1, chosen_on = $2, sign_by = $3, updated_at = $4 \
             WHERE project_id = $5 AND round_no = $6 AND application_id = $7 AND state = 'called'",
        )
        .text(home_id)
        .text(date_text(chosen_on))
        .text(date_text(sign_by))
        .text(now.to_rfc3339())
        .text(project_id)
        .int(i64::from(round_no))
        .text(application_id)
        .execute(&mut tx.conn())
        .await?;
        if n != 1 {
            return Err(stale_call(application_id));
        }
        let n = Q::new(
            "UPDATE allot_homes SET state = 'held', holder = $1 WHERE project_id = $2 AND home_id = $3 AND state = 'available'",
        )
        .text(application_id)
        .text(project_id)
        .text(home_id)
        .execute(&mut tx.conn())
        .await?;
        if n != 1 {
            return Err(home_taken(home_id));
        }
        let hold = Q::new("INSERT INTO allot_home_holds (project_id, home_id, application_id) VALUES ($1, $2, $3)")
            .text(project_id)
            .text(home_id)
            .text(application_id)
            .execute(&mut tx.conn())
            .await;
        match hold {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(home_taken(home_id)),
            Err(e) => return Err(e.into()),
        }
        let fam = Q::new("INSERT INTO allot_family_holds (application_id, project_id, home_id) VALUES ($1, $2, $3)")
            .text(application_id)
            .text(project_id)
            .text(home_id)
            .execute(&mut tx.conn())
            .await;
        match fam {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(conflict(
                    "该家庭已选定其他房源，一户只能选购一套 (the family already holds a home)",
                ))
            }
            Err(e) => return Err(e.into()),
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// Gives up a chosen home, or records the missed signing deadline:
    /// the home is free again, the abandonment is kept per member, and the
    /// application stops counting as active (its members may apply again
    /// once the ban the eligibility rules work out is over).
    #[allow(clippy::too_many_arguments)]
    pub async fn allot_abandon(
        &self,
        project_id: &str,
        round_no: u8,
        application_id: &str,
        kind: AbandonmentKind,
        on_date: NaiveDate,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let row = Q::new(
            "SELECT home_id FROM allot_entrants WHERE project_id = $1 AND round_no = $2 AND application_id = $3 AND state = 'chosen'",
        )
        .text(project_id)
        .int(i64::from(round_no))
        .text(application_id)
        .fetch_optional(&mut tx.conn())
        .await?
        .ok_or_else(|| stale_call(application_id))?;
        let home_id = row
            .opt_text("home_id")?
            .ok_or_else(|| StoreError::Corrupt("chosen without a home".into()))?;
        let n = Q::new(
            "UPDATE allot_entrants SET state = 'abandoned', updated_at = $1 WHERE project_id = $2 AND round_no = $3 \
             AND application_id = $4 AND state = 'chosen'",
        )
        .text(now.to_rfc3339())
        .text(project_id)
        .int(i64::from(round_no))
        .text(application_id)
        .execute(&mut tx.conn())
        .await?;
        if n != 1 {
            return Err(stale_call(application_id));
        }
        Q::new("UPDATE allot_homes SET state = 'available', holder = NULL WHERE project_id = $1 AND home_id = $2 AND state = 'held'")
            .text(project_id)
            .text(&home_id)
            .execute(&mut tx.conn())
            .await?;
        Q::new("DELETE FROM allot_home_holds WHERE project_id = $1 AND home_id = $2")
            .text(project_id)
            .text(&home_id)
            .execute(&mut tx.conn())
            .await?;
        Q::new("DELETE FROM allot_family_holds WHERE application_id = $1")
            .text(application_id)
            .execute(&mut tx.conn())
            .await?;
        Q::new(
            "INSERT INTO abandonments (id_hash, application_id, project_id, home_id, on_date, kind) \
             SELECT id_hash, application_id, $1, $2, $3, $4 FROM application_members WHERE application_id = $5",
        )
        .text(project_id)
        .text(&home_id)
        .text(date_text(on_date))
        .text(kind.code())
        .text(application_id)
        .execute(&mut tx.conn())
        .await?;
        Q::new("DELETE FROM active_members WHERE application_id = $1")
            .text(application_id)
            .execute(&mut tx.conn())
            .await?;
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// Records the purchase contract: the call becomes signed, the home sold.
    #[allow(clippy::too_many_arguments)] // the trait's signature
    pub async fn allot_sign(
        &self,
        project_id: &str,
        round_no: u8,
        application_id: &str,
        home_id: &str,
        terms: &ContractTerms,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = Q::new(
            "UPDATE allot_entrants SET state = 'signed', updated_at = $1 WHERE project_id = $2 AND round_no = $3 \
             AND application_id = $4 AND state = 'chosen' AND home_id = $5",
        )
        .text(now.to_rfc3339())
        .text(project_id)
        .int(i64::from(round_no))
        .text(application_id)
        .text(home_id)
        .execute(&mut tx.conn())
        .await?;
        if n != 1 {
            return Err(stale_call(application_id));
        }
        let n = Q::new(
            "UPDATE allot_homes SET state = 'sold' WHERE project_id = $1 AND home_id = $2 AND state = 'held' AND holder = $3",
        )
        .text(project_id)
        .text(home_id)
        .text(application_id)
        .execute(&mut tx.conn())
        .await?;
        if n != 1 {
            return Err(StoreError::Corrupt(format!(
                "home {home_id} is not held by {application_id}"
            )));
        }
        let r = Q::new(
            "INSERT INTO allot_contracts (project_id, home_id, application_id, contract_no, contract_json, signed_on) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .text(project_id)
        .text(home_id)
        .text(application_id)
        .text(terms.contract_no.trim())
        .text(json(terms)?)
        .text(date_text(terms.signed_on))
        .execute(&mut tx.conn())
        .await;
        match r {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => {
                return Err(StoreError::Duplicate {
                    what: format!(
                        "合同编号 {} 已使用 (contract number already used)",
                        terms.contract_no.trim()
                    ),
                })
            }
            Err(e) => return Err(e.into()),
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// The purchase contracts of a project's homes (one query for the
    /// whole project page).
    pub async fn allot_contracts(&self, project_id: &str) -> Result<Vec<ContractRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT home_id, application_id, contract_json FROM allot_contracts WHERE project_id = $1")
            .text(project_id)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| {
                Ok(ContractRecord {
                    home_id: r.text("home_id")?,
                    application_id: r.text("application_id")?,
                    terms: from_json(&r.text("contract_json")?, "contract_json")?,
                })
            })
            .collect()
    }

    /// See the store's allotment module.
    pub async fn allot_register_title(
        &self,
        project_id: &str,
        home_id: &str,
        title: &Title,
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let sold = Q::new("SELECT state FROM allot_homes WHERE project_id = $1 AND home_id = $2")
            .text(project_id)
            .text(home_id)
            .fetch_optional(&mut tx.conn())
            .await?
            .map(|r| r.text("state"))
            .transpose()?;
        if sold.as_deref() != Some("sold") {
            return Err(conflict(
                "房源尚未签订购房合同，不能办理不动产登记 (no purchase contract for this home)",
            ));
        }
        let r = Q::new(
            "INSERT INTO allot_titles (project_id, home_id, certificate_no, annotation, registered_on) VALUES ($1, $2, $3, $4, $5)",
        )
        .text(project_id)
        .text(home_id)
        .text(&title.certificate_no)
        .text(&title.annotation)
        .text(date_text(title.registered_on))
        .execute(&mut tx.conn())
        .await;
        match r {
            Ok(_) => {}
            Err(e) if is_unique_violation(&e) => return Err(StoreError::Duplicate {
                what:
                    "该房源已登记，或证书号已使用 (already registered, or certificate number used)"
                        .into(),
            }),
            Err(e) => return Err(e.into()),
        }
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// The registered title of a home.
    pub async fn allot_title(&self, project_id: &str, home_id: &str) -> Result<Option<Title>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT certificate_no, annotation, registered_on FROM allot_titles WHERE project_id = $1 AND home_id = $2")
            .text(project_id)
            .text(home_id)
            .fetch_optional(&mut pc.conn())
            .await?
            .map(|r| title_from_row(&r))
            .transpose()
    }

    /// The registered titles of a project's homes, by home id.
    pub async fn allot_titles(&self, project_id: &str) -> Result<Vec<(String, Title)>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT home_id, certificate_no, annotation, registered_on FROM allot_titles WHERE project_id = $1")
            .text(project_id)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| Ok((r.text("home_id")?, title_from_row(r)?)))
            .collect()
    }

    /// Records an allowed dealing (the purchase-loan mortgage).
    pub async fn allot_record_dealing(
        &self,
        project_id: &str,
        home_id: &str,
        dealing: &str,
        on: NaiveDate,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        Q::new("INSERT INTO allot_dealings (project_id, home_id, dealing, recorded_on, recorded_at) VALUES ($1, $2, $3, $4, $5)")
            .text(project_id)
            .text(home_id)
            .text(dealing)
            .text(date_text(on))
            .text(now.to_rfc3339())
            .execute(&mut tx.conn())
            .await?;
        append_audit_in(&mut tx.conn(), audit).await?;
        tx.commit().await
    }

    /// Dealings recorded on a project's titled homes: (home id, dealing, date), oldest first.
    pub async fn allot_dealings(
        &self,
        project_id: &str,
    ) -> Result<Vec<(String, String, NaiveDate)>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT home_id, dealing, recorded_on FROM allot_dealings WHERE project_id = $1 ORDER BY recorded_at")
            .text(project_id)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.text("home_id")?,
                    r.text("dealing")?,
                    parse_date(&r.text("recorded_on")?)?,
                ))
            })
            .collect()
    }

    /// Dates of abandonments on record for any of these people, one per
    /// abandonment (not per member).
    pub async fn abandonment_dates(&self, resident_ids: &[String]) -> Result<Vec<NaiveDate>> {
        let hashes: Vec<String> = resident_ids
            .iter()
            .filter(|r| !r.trim().is_empty())
            .map(|r| self.crypto.resident_id_hash(r))
            .collect();
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        // One statement for the whole family: this runs on every submission.
        let marks: Vec<String> = (1..=hashes.len()).map(|i| format!("${i}")).collect();
        let mut q = Q::new(format!(
            "SELECT DISTINCT application_id, project_id, home_id, on_date FROM abandonments WHERE id_hash IN ({})",
            marks.join(", ")
        ));
        for h in hashes {
            q = q.text(h);
        }
        let mut pc = self.read_conn().await?;
        let mut dates = q
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| parse_date(&r.text("on_date")?))
            .collect::<Result<Vec<_>>>()?;
        dates.sort();
        Ok(dates)
    }

    /// Which applications hold a home and which abandoned one.
    pub async fn allot_flags(&self) -> Result<AllotmentFlags> {
        let mut pc = self.read_conn().await?;
        let mut c = pc.conn();
        let mut f = AllotmentFlags::default();
        for r in Q::new("SELECT application_id FROM allot_family_holds")
            .fetch_all(&mut c)
            .await?
        {
            f.holding.insert(r.text("application_id")?);
        }
        for r in Q::new("SELECT DISTINCT application_id FROM abandonments")
            .fetch_all(&mut c)
            .await?
        {
            f.abandoned.insert(r.text("application_id")?);
        }
        Ok(f)
    }

    /// Chosen homes whose signing deadline is before `today`.
    pub async fn allot_overdue(
        &self,
        project_id: &str,
        today: NaiveDate,
    ) -> Result<Vec<(u8, String)>> {
        let mut pc = self.read_conn().await?;
        Q::new(
            "SELECT round_no, application_id FROM allot_entrants WHERE project_id = $1 AND state = 'chosen' AND sign_by < $2 \
             ORDER BY sign_by, application_id",
        )
        .text(project_id)
        .text(date_text(today))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(|r| Ok((u8::try_from(r.int("round_no")?).map_err(corrupt)?, r.text("application_id")?)))
        .collect()
    }
}

fn stale_call(application_id: &str) -> StoreError {
    conflict(format!(
        "家庭 {application_id} 的选房状态已变化，请刷新后重试 (the call of {application_id} changed; reload and try again)"
    ))
}

fn home_taken(home_id: &str) -> StoreError {
    conflict(format!(
        "房源 {home_id} 已被选定或已售出，请选择其他房源 (home {home_id} is already taken)"
    ))
}

fn title_from_row(r: &Row) -> Result<Title> {
    Ok(Title {
        certificate_no: r.text("certificate_no")?,
        annotation: r.text("annotation")?,
        registered_on: parse_date(&r.text("registered_on")?)?,
    })
}
