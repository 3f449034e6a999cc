//! Allotment (issue #4; 001 art. 11, 14–18; 004 §7(1), §8(1)): what the
//! implementing company, the city housing bureau and families do with a
//! project, shared by the JSON API and the web pages. Rules come from
//! `anju-allotment`, the draw from `anju-lottery`; every write carries its
//! audit entry; every refusal names the field or cites the article.

use std::collections::HashMap;

use anju_allotment::{
    self as allot, calling_order, check_contract, check_dealing, check_prices, has_priority,
    may_open, next_state, next_status, parse_homes, sign_by, AbandonmentKind, CallNow, CallState,
    CallStep, Candidate, ContractTerms, Dealing, Drawn, HomesFile, PlanStatus, PlanStep, PlanTerms,
    PriceCheck, ProjectArea, RoundStatus, Title,
};
use anju_domain::{ApplicationId, DistrictCode, Role};
use anju_lottery::{EntrantList, Reveal};
use anju_store::{DrawRecord, EntrantRecord, HomeRecord, HomeState, ProjectRecord, RoundRecord};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::applications::interface::qualified_families;
use crate::web::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

fn forbidden_unless(user: &CurrentUser, roles: &[Role], what: &str) -> ApiResult<()> {
    if roles.contains(&user.user.role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "当前角色（{}）不能{what} (your role may not do this)",
            user.user.role.label_zh()
        )))
    }
}

fn unprocessable(code: &'static str, message: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
}

/// Staff who see every project, published or not.
pub fn sees_drafts(user: Option<&CurrentUser>) -> bool {
    user.is_some_and(|u| {
        matches!(
            u.user.role,
            Role::Company | Role::CityBureau | Role::Auditor
        )
    })
}

fn project_id_ok(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 40
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// A project the caller may see (drafts only for the company, the city
/// bureau and auditors: the public sees published plans).
pub async fn load_project(
    st: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
) -> ApiResult<ProjectRecord> {
    let p = st
        .store
        .allotment()
        .allot_project(id)
        .await?
        .ok_or_else(|| ApiError::not_found("项目 (project)"))?;
    if p.plan_status != PlanStatus::Published && !sees_drafts(user) {
        return Err(ApiError::not_found("项目 (project)"));
    }
    Ok(p)
}

pub async fn list_projects(
    st: &AppState,
    user: Option<&CurrentUser>,
) -> ApiResult<Vec<ProjectRecord>> {
    let all = st.store.allotment().allot_projects().await?;
    let drafts = sees_drafts(user);
    Ok(all
        .into_iter()
        .filter(|p| drafts || p.plan_status == PlanStatus::Published)
        .collect())
}

// ------------------------------------------------------------------ projects and plans

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    /// Short code, e.g. `YQ-2026-01`.
    pub id: String,
    pub name: String,
    /// Where the project is.
    pub district: String,
    /// Districts whose families it serves (default: its own).
    #[serde(default)]
    pub districts: Vec<String>,
    /// The county whose seat it lies in (001 art. 11), if any.
    #[serde(default)]
    pub county_seat_of: Option<String>,
}

fn district(code: &str, field: &str) -> ApiResult<DistrictCode> {
    DistrictCode::parse(code.trim()).map_err(|e| {
        ApiError::bad_request("invalid_district", e.to_string()).field(field.to_string())
    })
}

pub async fn create_project(
    st: &AppState,
    user: &CurrentUser,
    req: NewProject,
) -> ApiResult<ProjectRecord> {
    forbidden_unless(user, &[Role::Company], "新建项目（实施主体的职责）")?;
    let id = req.id.trim().to_string();
    if !project_id_ok(&id) {
        return Err(ApiError::bad_request(
            "invalid_project_id",
            "项目编号须为1–40个字母、数字、“-”或“_” (project id: 1-40 letters, digits, - or _)",
        )
        .field("id"));
    }
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "invalid_name",
            "项目名称须为1–100个字 (name: 1-100 characters)",
        )
        .field("name"));
    }
    let home = district(&req.district, "district")?;
    let mut districts = vec![home.as_str().to_string()];
    for (i, d) in req.districts.iter().enumerate() {
        let d = district(d, &format!("districts[{i}]"))?;
        if !districts.contains(&d.as_str().to_string()) {
            districts.push(d.as_str().to_string());
        }
    }
    let county_seat_of = match req
        .county_seat_of
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(c) => Some(district(c, "county_seat_of")?.as_str().to_string()),
        None => None,
    };
    let now = st.clock.now().to_rfc3339();
    let rec = ProjectRecord {
        id: id.clone(),
        name,
        district: home.as_str().to_string(),
        area: ProjectArea {
            districts,
            county_seat_of,
        },
        plan_status: PlanStatus::Draft,
        plan: None,
        returned_reason: None,
        approved_by: None,
        approved_at: None,
        published_at: None,
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    st.store
        .allotment()
        .allot_create_project(
            &rec,
            audit(
                user,
                st.clock.now(),
                "allotment.project_create".into(),
                format!("project:{id}"),
                json!({"district": rec.district}),
            ),
        )
        .await?;
    Ok(rec)
}

/// The plan as the company writes it (JSON body and form alike).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    pub terms: PlanTerms,
    /// The version the editor saw (optimistic concurrency).
    pub version: i64,
}

pub async fn save_plan(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    req: PlanRequest,
) -> ApiResult<ProjectRecord> {
    forbidden_unless(user, &[Role::Company], "编制配售方案（实施主体的职责）")?;
    let mut p = load_project(st, Some(user), id).await?;
    if !p.plan_status.editable() {
        return Err(ApiError::conflict(format!(
            "配售方案状态为“{}”，不能修改 (the plan is {} and cannot be edited)",
            p.plan_status.zh(),
            p.plan_status.code()
        )));
    }
    req.terms.validate().map_err(|e| {
        ApiError::bad_request("invalid_plan", e.message.clone()).field(format!("terms.{}", e.field))
    })?;
    p.version = req.version;
    p.plan = Some(req.terms);
    p.updated_at = st.clock.now().to_rfc3339();
    st.store
        .allotment()
        .allot_update_project(
            &p,
            audit(
                user,
                st.clock.now(),
                "allotment.plan_save".into(),
                format!("project:{id}"),
                json!({"plan_status": p.plan_status.code()}),
            ),
        )
        .await?;
    p.version += 1;
    Ok(p)
}

/// Homes file rows (CSV or the first XLSX sheet as text) into the project.
/// Good rows are saved; every bad row comes back with its reason.
/// Only the company imports homes: checked before an upload is read.
pub fn may_import_homes(user: &CurrentUser) -> ApiResult<()> {
    forbidden_unless(user, &[Role::Company], "导入房源（实施主体的职责）")
}

pub async fn import_homes(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    rows: &[Vec<String>],
) -> ApiResult<HomesFile> {
    may_import_homes(user)?;
    let p = load_project(st, Some(user), id).await?;
    if !p.plan_status.editable() {
        return Err(ApiError::conflict(format!(
            "配售方案状态为“{}”，房源表已随方案报批，不能修改 (the plan is {}: homes are fixed)",
            p.plan_status.zh(),
            p.plan_status.code()
        )));
    }
    let file = parse_homes(rows)
        .map_err(|e| ApiError::bad_request("invalid_homes_file", e.to_string()).field("file"))?;
    if !file.homes.is_empty() {
        st.store
            .allotment()
            .allot_upsert_homes(
                id,
                p.version,
                &file.homes,
                st.clock.now(),
                audit(
                    user,
                    st.clock.now(),
                    "allotment.homes_import".into(),
                    format!("project:{id}"),
                    json!({"rows": file.rows, "homes_saved": file.homes.len(), "rows_with_errors": file.errors.iter().map(|e| e.row).collect::<std::collections::BTreeSet<_>>().len()}),
                ),
            )
            .await?;
    }
    Ok(file)
}

pub async fn price_check(
    st: &AppState,
    p: &ProjectRecord,
) -> ApiResult<(Vec<HomeRecord>, Option<PriceCheck>)> {
    let homes = st.store.allotment().allot_homes(&p.id).await?;
    let check = p.plan.as_ref().map(|plan| {
        let hs: Vec<_> = homes.iter().map(|h| h.home.clone()).collect();
        check_prices(plan.guided_price_per_m2, &hs)
    });
    Ok((homes, check))
}

/// Submit (company), approve or return (city housing bureau), publish
/// (company). Submitting and approving re-run the price check.
pub async fn plan_step(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    step: PlanStep,
    version: i64,
) -> ApiResult<ProjectRecord> {
    match step {
        PlanStep::Submit | PlanStep::Publish => forbidden_unless(
            user,
            &[Role::Company],
            "报批或公布配售方案（实施主体的职责）",
        )?,
        PlanStep::Approve | PlanStep::Return { .. } => forbidden_unless(
            user,
            &[Role::CityBureau],
            "审批配售方案（第十五条：报市住房和城乡建设局批准）",
        )?,
    }
    let mut p = load_project(st, Some(user), id).await?;
    if p.plan.is_none() {
        return Err(unprocessable("no_plan", "尚未编制配售方案 (no plan yet)").field("terms"));
    }
    let (_, check) = price_check(st, &p).await?;
    let check = check.unwrap_or(PriceCheck {
        homes_checked: 0,
        violations: vec![],
    });
    let next = next_status(p.plan_status, &step, &check)
        .map_err(|e| unprocessable("plan_step_refused", e.to_string()))?;
    let now = st.clock.now();
    match &step {
        PlanStep::Return { reason } => p.returned_reason = Some(reason.trim().to_string()),
        PlanStep::Approve => {
            p.approved_by = Some(user.user.id.as_str().to_string());
            p.approved_at = Some(now.to_rfc3339());
            p.returned_reason = None;
        }
        PlanStep::Publish => p.published_at = Some(now.to_rfc3339()),
        PlanStep::Submit => {}
    }
    p.plan_status = next;
    p.version = version;
    p.updated_at = now.to_rfc3339();
    let action = match step {
        PlanStep::Submit => "allotment.plan_submit",
        PlanStep::Approve => "allotment.plan_approve",
        PlanStep::Return { .. } => "allotment.plan_return",
        PlanStep::Publish => "allotment.plan_publish",
    };
    st.store
        .allotment()
        .allot_update_project(
            &p,
            audit(
                user,
                now,
                action.into(),
                format!("project:{id}"),
                json!({"plan_status": next.code(), "homes_checked": check.homes_checked, "reason": p.returned_reason, "citation": allot::cite::ART15_ONE_PLAN.short()}),
            ),
        )
        .await?;
    p.version += 1;
    Ok(p)
}

// ------------------------------------------------------------------ rounds and the draw

/// What freezing a round found: the entrants and those left out, with why.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Frozen {
    pub round: u8,
    /// SHA-256 of the frozen entrant file.
    pub commitment: String,
    /// How many entered.
    pub entrants: usize,
    #[schema(value_type = Vec<Excluded>)]
    pub excluded: Vec<Value>,
}

/// A qualified family left out of a round, and why.
#[derive(utoipa::ToSchema)]
#[allow(dead_code)] // documentation of `Frozen::excluded`
pub struct Excluded {
    pub application_id: String,
    pub reason: String,
    pub citation: allot::cite::Cite,
}

/// Opens round `round_no`: works out who may enter (qualified families of
/// the project's districts whose tier the round has reached; county-seat
/// families only in their own county seat; 001 art. 11, 15, 16), freezes
/// the entrant file and publishes its SHA-256 commitment.
pub async fn open_round(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    round_no: u8,
) -> ApiResult<Frozen> {
    forbidden_unless(user, &[Role::Company], "开启配售轮次（实施主体的职责）")?;
    let p = load_project(st, Some(user), id).await?;
    let rounds = st.store.allotment().allot_rounds(id).await?;
    let homes = st.store.allotment().allot_homes(id).await?;
    let left = homes
        .iter()
        .filter(|h| h.state == HomeState::Available)
        .count();
    let existing: Vec<(u8, RoundStatus)> = rounds.iter().map(|r| (r.round_no, r.status)).collect();
    may_open(
        p.plan_status == PlanStatus::Published,
        &existing,
        round_no,
        left,
    )
    .map_err(|e| unprocessable("round_refused", e.to_string()).field("round"))?;
    // The plan's schedule (配售活动安排, art. 15) says which rounds there are.
    if p.plan
        .as_ref()
        .and_then(|plan| plan.window(round_no))
        .is_none()
    {
        return Err(unprocessable(
            "round_refused",
            format!("配售方案未安排第{round_no}轮（第十五条：配售活动安排） (the plan schedules no round {round_no})"),
        )
        .field("round"));
    }
    let flags = st.store.allotment().allot_flags().await?;
    let families =
        qualified_families(st, &p.area.districts, p.area.county_seat_of.as_deref()).await?;
    let mut entrants: Vec<EntrantRecord> = Vec::new();
    let mut excluded = Vec::new();
    for f in families {
        let c = Candidate {
            holds_home: flags.holding.contains(f.application_id.as_str()),
            abandoned: flags.abandoned.contains(f.application_id.as_str()),
            application_id: f.application_id,
            district: f.district,
            qualified: true,
            tier: f.tier,
            scope: f.scope,
            special: f.special,
        };
        match allot::admit(round_no, &p.area, &c) {
            // The entrant file's sequence is known once the list is sorted.
            Ok(()) => entrants.push(EntrantRecord::waiting(
                c.application_id,
                0,
                c.district,
                c.tier.unwrap_or(0),
                has_priority(&c.special),
                f.masked_name,
                f.masked_id,
            )),
            Err(x) => excluded.push(json!({
                "application_id": c.application_id, "reason": x.message,
                "citation": x.citation,
            })),
        }
    }
    if entrants.is_empty() {
        return Err(unprocessable(
            "round_refused",
            allot::OpenRoundError::NoEntrants(round_no).to_string(),
        )
        .field("round"));
    }
    let list = EntrantList::from_ids(entrants.iter().map(|e| e.application_id.as_str()))
        .map_err(|e| ApiError::internal(format!("名单无法生成 (entrant list): {e}")))?;
    let seq: HashMap<&str, u32> = list
        .ids()
        .enumerate()
        .map(|(i, id)| (id, i as u32 + 1))
        .collect();
    for e in &mut entrants {
        e.entrant_seq = seq.get(e.application_id.as_str()).copied().unwrap_or(0);
    }
    entrants.sort_by_key(|e| e.entrant_seq);
    let file = String::from_utf8(list.to_csv()).map_err(|e| ApiError::internal(e.to_string()))?;
    let now = st.clock.now();
    let round = RoundRecord {
        project_id: id.to_string(),
        round_no,
        status: RoundStatus::Frozen,
        entrant_file: file,
        commitment: list.commitment_hex(),
        entrant_count: entrants.len() as u32,
        excluded_json: Value::Array(excluded.clone()).to_string(),
        frozen_at: now.to_rfc3339(),
        frozen_by: user.user.id.as_str().to_string(),
        redraw_reason: None,
        redraw_requested_by: None,
        redraw_approved_by: None,
        closed_at: None,
    };
    st.store
        .allotment()
        .allot_create_round(
            &round,
            &entrants,
            audit(
                user,
                now,
                "allotment.round_open".into(),
                format!("project:{id}/round:{round_no}"),
                json!({"entrants": entrants.len(), "excluded": excluded.len(), "commitment": round.commitment, "citation": allot::cite::ART16_TIERS.short()}),
            ),
        )
        .await?;
    Ok(Frozen {
        round: round_no,
        commitment: round.commitment,
        entrants: entrants.len(),
        excluded,
    })
}

async fn round(st: &AppState, id: &str, round_no: u8) -> ApiResult<RoundRecord> {
    st.store
        .allotment()
        .allot_rounds(id)
        .await?
        .into_iter()
        .find(|r| r.round_no == round_no)
        .ok_or_else(|| ApiError::not_found("轮次 (round)"))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DrawRequest {
    /// The value the notary enters at the draw (docs/lottery.md).
    pub reveal: String,
    /// The notary's name and office, as recorded at the draw.
    pub notary: String,
}

/// Runs the draw from the frozen entrant file and the notary's reveal;
/// the calling order puts the 004 §8(1)1 priority groups first.
pub async fn draw(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    round_no: u8,
    req: DrawRequest,
) -> ApiResult<u32> {
    forbidden_unless(user, &[Role::Company], "组织摇号（实施主体的职责）")?;
    let _ = load_project(st, Some(user), id).await?;
    let r = round(st, id, round_no).await?;
    let notary = req.notary.trim();
    if notary.is_empty() || notary.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "notary_required",
            "须填写公证员姓名及公证机构 (the notary's name is required)",
        )
        .field("notary"));
    }
    // Never trimmed or corrected (docs/lottery.md §4): what is hashed is
    // exactly what the notary typed and the minutes print.
    let reveal = Reveal::new(&req.reveal).map_err(|e| {
        let zh = match &e {
            anju_lottery::RevealError::Empty => "请输入公证员现场录入的随机值",
            anju_lottery::RevealError::TooLong { .. } => "随机值不超过256个字符",
            anju_lottery::RevealError::ForbiddenChar { .. } => {
                "随机值只能使用半角字母、数字、空格和符号（全角的“１２３”与“123”不同）"
            }
            anju_lottery::RevealError::OuterSpace => "随机值首尾不能有空格（不会自动去除）",
        };
        ApiError::bad_request("invalid_reveal", format!("{zh} ({e})")).field("reveal")
    })?;
    let list = EntrantList::parse(r.entrant_file.as_bytes()).map_err(|e| {
        ApiError::internal(format!(
            "已冻结的名单无法读取 (frozen entrant file unreadable): {e}"
        ))
    })?;
    if list.commitment_hex() != r.commitment {
        return Err(ApiError::internal(
            "已冻结名单与公布的承诺值不符 (the frozen list does not match its commitment)",
        ));
    }
    let result = anju_lottery::draw(&list, &reveal);
    let entrants = st.store.allotment().allot_entrants(id, round_no).await?;
    let by_id: HashMap<&str, &EntrantRecord> = entrants
        .iter()
        .map(|e| (e.application_id.as_str(), e))
        .collect();
    let order: Vec<&str> = result.order().collect();
    let drawn: Vec<Drawn<'_>> = order
        .iter()
        .map(|id| Drawn {
            entrant_id: id,
            priority: by_id.get(id).is_some_and(|e| e.priority),
        })
        .collect();
    let calls = calling_order(&drawn);
    let mut positions: Vec<(String, u32, u32)> = Vec::with_capacity(order.len());
    for (call_idx, draw_idx) in calls.iter().enumerate() {
        positions.push((
            order[*draw_idx].to_string(),
            *draw_idx as u32 + 1,
            call_idx as u32 + 1,
        ));
    }
    let now = st.clock.now();
    let rec = DrawRecord {
        draw_no: 0,
        reveal: reveal.as_str().to_string(),
        notary: notary.to_string(),
        seed: anju_lottery::to_hex(result.seed()),
        result_file: String::from_utf8(result.to_file())
            .map_err(|e| ApiError::internal(e.to_string()))?,
        drawn_at: now.to_rfc3339(),
        drawn_by: user.user.id.as_str().to_string(),
        redraw_reason: None,
        redraw_requested_by: None,
        redraw_approved_by: None,
        superseded: false,
    };
    let n = st
        .store
        .allotment()
        .allot_record_draw(
            id,
            round_no,
            &rec,
            &positions,
            audit(
                user,
                now,
                "allotment.draw".into(),
                format!("project:{id}/round:{round_no}"),
                json!({"commitment": r.commitment, "reveal": rec.reveal, "seed": rec.seed, "notary": rec.notary, "entrants": order.len(), "redraw_reason": r.redraw_reason}),
            ),
        )
        .await?;
    Ok(n)
}

pub async fn request_redraw(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    round_no: u8,
    reason: &str,
) -> ApiResult<()> {
    forbidden_unless(user, &[Role::Company], "申请重新摇号")?;
    let reason = reason.trim();
    if reason.chars().count() < 4 || reason.chars().count() > 1000 {
        return Err(ApiError::bad_request("reason_required", "重新摇号须书面写明理由（4–1000字） (a written reason of 4-1000 characters is required)").field("reason"));
    }
    let _ = load_project(st, Some(user), id).await?;
    st.store
        .allotment()
        .allot_request_redraw(
            id,
            round_no,
            reason,
            user.user.id.as_str(),
            audit(
                user,
                st.clock.now(),
                "allotment.redraw_request".into(),
                format!("project:{id}/round:{round_no}"),
                json!({"reason": reason}),
            ),
        )
        .await?;
    Ok(())
}

/// The second approver: a city-bureau officer or another company officer,
/// never the one who asked (the store refuses that too).
pub async fn approve_redraw(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    round_no: u8,
) -> ApiResult<()> {
    forbidden_unless(user, &[Role::CityBureau, Role::Company], "批准重新摇号")?;
    let _ = load_project(st, Some(user), id).await?;
    st.store
        .allotment()
        .allot_approve_redraw(
            id,
            round_no,
            user.user.id.as_str(),
            audit(
                user,
                st.clock.now(),
                "allotment.redraw_approve".into(),
                format!("project:{id}/round:{round_no}"),
                json!({}),
            ),
        )
        .await?;
    Ok(())
}

pub async fn set_round(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    round_no: u8,
    to: RoundStatus,
) -> ApiResult<()> {
    forbidden_unless(user, &[Role::Company], "管理配售轮次（实施主体的职责）")?;
    let _ = load_project(st, Some(user), id).await?;
    let from = match to {
        RoundStatus::Selecting => RoundStatus::Drawn,
        RoundStatus::Closed => RoundStatus::Selecting,
        _ => {
            return Err(ApiError::bad_request(
                "invalid_step",
                "无效的轮次操作 (invalid round step)",
            )
            .field("type"))
        }
    };
    let action = if to == RoundStatus::Closed {
        "allotment.round_close"
    } else {
        "allotment.selection_start"
    };
    st.store
        .allotment()
        .allot_set_round_status(
            id,
            round_no,
            from,
            to,
            st.clock.now(),
            audit(
                user,
                st.clock.now(),
                action.into(),
                format!("project:{id}/round:{round_no}"),
                json!({"citation": allot::cite::ART16_TIERS.short()}),
            ),
        )
        .await?;
    Ok(())
}

pub async fn call_next(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    round_no: u8,
    count: u32,
) -> ApiResult<Vec<String>> {
    forbidden_unless(user, &[Role::Company], "叫号（实施主体的职责）")?;
    if count == 0 || count > 200 {
        return Err(ApiError::bad_request(
            "invalid_count",
            "每次叫号1–200户 (call 1-200 families at a time)",
        )
        .field("count"));
    }
    let _ = load_project(st, Some(user), id).await?;
    let now = st.clock.now();
    let subject = format!("project:{id}/round:{round_no}");
    let called = st
        .store
        .allotment()
        .allot_call_next(id, round_no, count, now, |apps| {
            audit(
                user,
                now,
                "allotment.call".into(),
                subject.clone(),
                json!({"called": apps}),
            )
        })
        .await?;
    Ok(called)
}

async fn entrant(st: &AppState, id: &str, round_no: u8, app: &str) -> ApiResult<EntrantRecord> {
    st.store
        .allotment()
        .allot_entrant(id, round_no, app)
        .await?
        .ok_or_else(|| ApiError::not_found("参加本轮的家庭 (entrant)"))
}

/// Families act on their own application only; the company on any.
async fn may_act_for(
    st: &AppState,
    user: &CurrentUser,
    app: &str,
    family_may: bool,
) -> ApiResult<()> {
    match user.user.role {
        Role::Company => Ok(()),
        Role::Applicant if family_may => {
            crate::applications::interface::visible_application(st, user, app)
                .await
                .map(|_| ())
        }
        _ => Err(ApiError::forbidden(
            "当前角色不能进行此选房操作 (your role may not do this)",
        )),
    }
}

/// One step in a family's call.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "type", deny_unknown_fields)]
pub enum CallRequest {
    /// Not there when called (company).
    Absent { application_id: String },
    /// Passes this round (family or company).
    Decline { application_id: String },
    /// Chooses a home (family or company at the venue).
    Choose {
        application_id: String,
        home_id: String,
    },
    /// Gives up the chosen home: an abandonment (001 art. 14).
    GiveUp { application_id: String },
    /// Purchase contract (company).
    Sign {
        application_id: String,
        contract: ContractForm,
    },
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ContractForm {
    pub contract_no: String,
    /// Yuan, as written ("53700" or "53700.00").
    pub down_payment: String,
    #[serde(default)]
    pub provident_fund_loan: String,
    #[serde(default)]
    pub commercial_loan: String,
}

fn yuan(s: &str, field: &str) -> ApiResult<allot::Fen> {
    if s.trim().is_empty() {
        return Ok(allot::Fen::ZERO);
    }
    allot::Fen::parse_yuan(s).map_err(|e| {
        ApiError::bad_request("invalid_amount", e.to_string()).field(field.to_string())
    })
}

pub async fn call_step(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    round_no: u8,
    req: CallRequest,
) -> ApiResult<CallState> {
    let p = load_project(st, Some(user), id).await?;
    let plan = p
        .plan
        .clone()
        .ok_or_else(|| ApiError::conflict("尚无配售方案 (no plan)"))?;
    let app = match &req {
        CallRequest::Absent { application_id }
        | CallRequest::Decline { application_id }
        | CallRequest::Choose { application_id, .. }
        | CallRequest::GiveUp { application_id }
        | CallRequest::Sign { application_id, .. } => application_id.clone(),
    };
    let family_may = matches!(
        req,
        CallRequest::Decline { .. } | CallRequest::Choose { .. } | CallRequest::GiveUp { .. }
    );
    may_act_for(st, user, &app, family_may).await?;
    let round_status = st
        .store
        .allotment()
        .allot_round_status(id, round_no)
        .await?
        .ok_or_else(|| ApiError::not_found("轮次 (round)"))?;
    let e = entrant(st, id, round_no, &app).await?;
    let today = st.clock.today();
    let now = st.clock.now();
    let call_now = CallNow {
        state: e.state,
        recalled: e.recalled,
        sign_by: e.sign_by,
    };
    let step = match &req {
        CallRequest::Absent { .. } => CallStep::MarkAbsent,
        CallRequest::Decline { .. } => CallStep::Decline,
        CallRequest::Choose { .. } => CallStep::Choose,
        CallRequest::GiveUp { .. } => CallStep::GiveUp,
        CallRequest::Sign { .. } => CallStep::Sign,
    };
    if round_status != RoundStatus::Selecting && !matches!(step, CallStep::Sign | CallStep::GiveUp)
    {
        return Err(ApiError::conflict(format!(
            "本轮状态为“{}”，不在选房阶段 (the round is not selecting)",
            round_status.zh()
        )));
    }
    let to = next_state(call_now, &step, plan.absent_rule, today)
        .map_err(|e| unprocessable("call_refused", e.to_string()))?;
    let subject = format!("project:{id}/round:{round_no}");
    match req {
        CallRequest::Absent { .. } | CallRequest::Decline { .. } => {
            let action = if step == CallStep::MarkAbsent {
                "allotment.absent"
            } else {
                "allotment.decline"
            };
            st.store
                .allotment()
                .allot_entrant_step(id, round_no, &app, e.state, to, now, audit(user, now, action.into(), subject, json!({"application_id": app, "state": to.code(), "rule": plan.absent_rule})))
                .await?;
        }
        CallRequest::Choose { home_id, .. } => {
            if let Some(w) = plan.window(round_no) {
                if today < w.opens || today > w.closes {
                    return Err(unprocessable(
                        "outside_window",
                        format!("第{round_no}轮选房期为{}至{}，今天不在选房期内（配售方案） (outside the round's selection window)", w.opens, w.closes),
                    ));
                }
            }
            let home_id = home_id.trim().to_string();
            if st
                .store
                .allotment()
                .allot_home(id, &home_id)
                .await?
                .is_none()
            {
                return Err(ApiError::bad_request(
                    "unknown_home",
                    format!("本项目没有房源 {home_id} (no such home)"),
                )
                .field("home_id"));
            }
            let deadline = sign_by(today, plan.signing_days);
            st.store
                .allotment()
                .allot_choose(
                    id,
                    round_no,
                    &app,
                    &home_id,
                    today,
                    deadline,
                    now,
                    audit(user, now, "allotment.choose".into(), subject, json!({"application_id": app, "home_id": home_id, "sign_by": deadline.to_string(), "citation": allot::cite::LOUDI_8_1_2_SIGNING.short()})),
                )
                .await?;
        }
        CallRequest::GiveUp { .. } => {
            abandon(st, user, id, round_no, &app, AbandonmentKind::GaveUp, today).await?;
        }
        CallRequest::Sign { contract, .. } => {
            forbidden_unless(user, &[Role::Company], "登记购房合同（实施主体的职责）")?;
            let home_id = e
                .home_id
                .clone()
                .ok_or_else(|| ApiError::conflict("尚未选房 (no home chosen)"))?;
            let home = st
                .store
                .allotment()
                .allot_home(id, &home_id)
                .await?
                .ok_or_else(|| ApiError::not_found("房源 (home)"))?;
            let terms = ContractTerms {
                contract_no: contract.contract_no.trim().to_string(),
                signed_on: today,
                price: home.home.price,
                down_payment: yuan(&contract.down_payment, "contract.down_payment")?,
                provident_fund_loan: yuan(
                    &contract.provident_fund_loan,
                    "contract.provident_fund_loan",
                )?,
                commercial_loan: yuan(&contract.commercial_loan, "contract.commercial_loan")?,
            };
            check_contract(&terms, home.home.price, plan.min_down_payment_percent).map_err(
                |e| {
                    let field = match &e {
                        allot::ContractError::Number { field } => format!("contract.{field}"),
                        allot::ContractError::DownPayment { .. } => "contract.down_payment".into(),
                        allot::ContractError::Sum { .. } => "contract.commercial_loan".into(),
                        allot::ContractError::Price { .. } => "contract".into(),
                    };
                    unprocessable("contract_refused", e.to_string()).field(field)
                },
            )?;
            st.store
                .allotment()
                .allot_sign(
                    id,
                    round_no,
                    &app,
                    &home_id,
                    &terms,
                    now,
                    audit(user, now, "allotment.sign".into(), subject, json!({"application_id": app, "home_id": home_id, "contract_no": terms.contract_no, "price_fen": terms.price.fen(), "down_payment_fen": terms.down_payment.fen(), "citation": format!("{}; {}", allot::cite::ART18_TITLE.short(), allot::cite::LOUDI_8_1_3_DOWN_PAYMENT.short())})),
                )
                .await?;
        }
    }
    Ok(to)
}

async fn abandon(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    round_no: u8,
    app: &str,
    kind: AbandonmentKind,
    on: NaiveDate,
) -> ApiResult<()> {
    let now = st.clock.now();
    let cites: Vec<String> = kind.citations().iter().map(|c| c.short()).collect();
    st.store
        .allotment()
        .allot_abandon(
            id,
            round_no,
            app,
            kind,
            on,
            now,
            audit(user, now, "allotment.abandon".into(), format!("project:{id}/round:{round_no}"), json!({"application_id": app, "kind": kind.code(), "on": on.to_string(), "citations": cites})),
        )
        .await?;
    Ok(())
}

/// Chosen homes not signed for by their deadline become abandonments
/// (004 §8(1)2 "逾期未签约视为自动放弃"; 001 art. 14). Returns how many.
pub async fn expire_overdue(st: &AppState, user: &CurrentUser, id: &str) -> ApiResult<usize> {
    forbidden_unless(user, &[Role::Company], "处理逾期未签约（实施主体的职责）")?;
    let _ = load_project(st, Some(user), id).await?;
    let today = st.clock.today();
    let mut n = 0;
    for (round_no, app) in st.store.allotment().allot_overdue(id, today).await? {
        abandon(
            st,
            user,
            id,
            round_no,
            &app,
            AbandonmentKind::NotSigned,
            today,
        )
        .await?;
        n += 1;
    }
    Ok(n)
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TitleRequest {
    pub certificate_no: String,
    #[serde(default)]
    pub registered_on: Option<String>,
}

/// Title registration: the annotation is always article 18's text.
pub async fn register_title(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    home_id: &str,
    req: TitleRequest,
) -> ApiResult<Title> {
    forbidden_unless(
        user,
        &[Role::Company],
        "登记不动产权证书（实施主体协助办理）",
    )?;
    let _ = load_project(st, Some(user), id).await?;
    let on = match req
        .registered_on
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => anju_policy::household::parse_iso_date(s).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_date",
                "登记日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)",
            )
            .field("registered_on")
        })?,
        None => st.clock.today(),
    };
    let title = Title::new(&req.certificate_no, on).map_err(|e| {
        ApiError::bad_request("invalid_certificate", e.to_string()).field("certificate_no")
    })?;
    let now = st.clock.now();
    st.store
        .allotment()
        .allot_register_title(
            id,
            home_id,
            &title,
            audit(user, now, "allotment.title".into(), format!("project:{id}/home:{home_id}"), json!({"certificate_no": title.certificate_no, "annotation": title.annotation, "citation": allot::cite::ART18_TITLE.short()})),
        )
        .await?;
    Ok(title)
}

/// A dealing on a titled home: the purchase-loan mortgage is recorded,
/// anything else refused with its articles (and the refusal audited).
pub async fn dealing(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    home_id: &str,
    code: &str,
) -> ApiResult<()> {
    forbidden_unless(
        user,
        &[Role::Company, Role::CityBureau],
        "登记房屋交易、出租、赠与或抵押",
    )?;
    let _ = load_project(st, Some(user), id).await?;
    let d = Dealing::parse(code.trim()).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_dealing",
            "应为 sale、lease、gift、purchase_loan_mortgage 或 other_mortgage",
        )
        .field("dealing")
    })?;
    if st
        .store
        .allotment()
        .allot_title(id, home_id)
        .await?
        .is_none()
    {
        return Err(ApiError::conflict(
            "该房源尚未登记不动产权证书 (the home has no registered title)",
        ));
    }
    let now = st.clock.now();
    let subject = format!("project:{id}/home:{home_id}");
    match check_dealing(d) {
        Ok(()) => {
            st.store
                .allotment()
                .allot_record_dealing(
                    id,
                    home_id,
                    d.code(),
                    st.clock.today(),
                    now,
                    audit(
                        user,
                        now,
                        "allotment.dealing_recorded".into(),
                        subject,
                        json!({"dealing": d.code()}),
                    ),
                )
                .await?;
            Ok(())
        }
        Err(refusal) => {
            let cites: Vec<String> = refusal.citations.iter().map(|c| c.short()).collect();
            st.store
                .audit()
                .append_audit(audit(
                    user,
                    now,
                    "allotment.dealing_refused".into(),
                    subject,
                    json!({"dealing": d.code(), "citations": cites}),
                ))
                .await?;
            Err(unprocessable(
                "dealing_refused",
                format!("{}（{}）", refusal.message, cites.join("；")),
            )
            .field("dealing"))
        }
    }
}

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
    #[schema(value_type = Vec<Excluded>)]
    pub excluded: Value,
    #[schema(required = true)]
    pub redraw_reason: Option<String>,
    pub redraw_pending_approval: bool,
    pub redraw_approved: bool,
    #[schema(required = true)]
    pub closed_at: Option<String>,
    pub draws: Vec<DrawJson>,
    /// In the project's detail only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrants: Option<Vec<EntrantJson>>,
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
    let rounds = st.store.allotment().allot_rounds(&p.id).await?;
    let mut rounds_json = Vec::new();
    for r in &rounds {
        let draws = st.store.allotment().allot_draws(&p.id, r.round_no).await?;
        let entrants = if with_entrants {
            let es = st
                .store
                .allotment()
                .allot_entrants(&p.id, r.round_no)
                .await?;
            Some(es.iter().map(entrant_json).collect())
        } else {
            None
        };
        rounds_json.push(RoundJson {
            round: r.round_no,
            status: r.status,
            status_label: r.status.zh(),
            commitment: r.commitment.clone(),
            entrant_count: r.entrant_count,
            frozen_at: r.frozen_at.clone(),
            excluded: serde_json::from_str::<Value>(&r.excluded_json)
                .unwrap_or(Value::Array(vec![])),
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

/// Abandonment dates on record for these people, to be merged into the
/// household's `history.abandonments` before the engine decides (so the
/// article-14 ban is enforced by the eligibility rules themselves).
pub async fn recorded_abandonments(
    st: &AppState,
    member_ids: &[String],
) -> ApiResult<Vec<NaiveDate>> {
    Ok(st.store.allotment().abandonment_dates(member_ids).await?)
}

/// Parses a project id path segment and application id for pages.
pub fn application_id(s: &str) -> ApiResult<ApplicationId> {
    ApplicationId::new(s)
        .map_err(|e| ApiError::bad_request("invalid_id", e.to_string()).field("application_id"))
}

pub fn plan_step_of(step: &str, reason: &str) -> ApiResult<PlanStep> {
    Ok(match step {
        "submit" => PlanStep::Submit,
        "approve" => PlanStep::Approve,
        "return" => PlanStep::Return {
            reason: reason.to_string(),
        },
        "publish" => PlanStep::Publish,
        other => {
            return Err(ApiError::bad_request(
                "invalid_step",
                format!(
                "未知的方案操作 {other}：应为 submit、approve、return 或 publish (unknown step)"
            ),
            )
            .field("step"))
        }
    })
}

pub fn round_target(to: &str) -> ApiResult<RoundStatus> {
    match to {
        "selecting" => Ok(RoundStatus::Selecting),
        "closed" => Ok(RoundStatus::Closed),
        _ => Err(ApiError::bad_request(
            "invalid_status",
            "应为 selecting 或 closed (must be selecting or closed)",
        )
        .field("to")),
    }
}

/// Round `round` of a project `user` may see.
pub async fn round_seen_by(
    st: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
    round: u8,
) -> ApiResult<anju_store::RoundRecord> {
    let _ = load_project(st, user, id).await?;
    st.store
        .allotment()
        .allot_rounds(id)
        .await?
        .into_iter()
        .find(|r| r.round_no == round)
        .ok_or_else(|| ApiError::not_found("轮次 (round)"))
}

/// Draw `n` of a round of a project `user` may see.
pub async fn draw_seen_by(
    st: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
    round: u8,
    n: u32,
) -> ApiResult<(anju_store::RoundRecord, anju_store::DrawRecord)> {
    let r = round_seen_by(st, user, id, round).await?;
    let d = st
        .store
        .allotment()
        .allot_draws(id, round)
        .await?
        .into_iter()
        .find(|d| d.draw_no == n)
        .ok_or_else(|| ApiError::not_found("摇号记录 (draw)"))?;
    Ok((r, d))
}

/// The outcome of re-running a draw from its published files.
#[derive(Serialize, utoipa::ToSchema)]
pub struct DrawCheck {
    pub verified: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commitment: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reveal: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<String>,
    pub message: String,
}

/// Re-runs a draw from its published files (anyone may).
pub async fn verify_draw(
    st: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
    round: u8,
    n: u32,
) -> ApiResult<Value> {
    let check = check_draw(st, user, id, round, n).await?;
    serde_json::to_value(check).map_err(|e| ApiError::internal(e.to_string()))
}

/// [`verify_draw`], typed.
pub async fn check_draw(
    st: &AppState,
    user: Option<&CurrentUser>,
    id: &str,
    round: u8,
    n: u32,
) -> ApiResult<DrawCheck> {
    let (r, d) = draw_seen_by(st, user, id, round, n).await?;
    let reveal =
        anju_lottery::Reveal::new(&d.reveal).map_err(|e| ApiError::internal(e.to_string()))?;
    let outcome =
        anju_lottery::verify(r.entrant_file.as_bytes(), &reveal, d.result_file.as_bytes());
    Ok(match outcome {
        Ok(_) => DrawCheck {
            verified: true,
            commitment: Some(r.commitment),
            reveal: Some(d.reveal),
            seed: Some(d.seed),
            message: "已按公布的名单、公证随机值和算法重新计算，结果一致 (re-computed from the published files: identical)".into(),
        },
        Err(e) => DrawCheck {
            verified: false,
            commitment: None,
            reveal: None,
            seed: None,
            message: format!("不一致 (mismatch): {e}"),
        },
    })
}
