//! Rounds and the draw: opening a round (the frozen entrant file and its commitment, 第十六条), the notary's draw, re-draws with a second approver, the selection window.

use std::collections::HashMap;

use anju_allotment::{
    self as allot, calling_order, has_priority, may_open, Candidate, Drawn, PlanStatus, RoundStatus,
};
use anju_domain::Role;
use anju_lottery::{EntrantList, Reveal};
use anju_store::{DrawPosition, DrawRecord, EntrantRecord, HomeState, RoundRecord};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::applications::interface::qualified_families;
use crate::web::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

use super::common::*;

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
    crate::web::auth::require_role(user, &[Role::Company], "开启配售轮次（实施主体的职责）")?;
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
    .map_err(|e| ApiError::unprocessable("round_refused", e.to_string()).field("round"))?;
    // The plan's schedule (配售活动安排, art. 15) says which rounds there are.
    if p.plan
        .as_ref()
        .and_then(|plan| plan.window(round_no))
        .is_none()
    {
        return Err(ApiError::unprocessable(
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
        return Err(ApiError::unprocessable(
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
    crate::web::auth::require_role(user, &[Role::Company], "组织摇号（实施主体的职责）")?;
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
    let mut positions: Vec<DrawPosition> = Vec::with_capacity(order.len());
    for (call_idx, draw_idx) in calls.iter().enumerate() {
        let id = order[*draw_idx];
        let entrant = by_id.get(id).ok_or_else(|| {
            ApiError::internal(format!(
                "摇号结果中的 {id} 不在本轮入围名单中 (drawn entrant {id} is not an entrant of the round)"
            ))
        })?;
        positions.push(DrawPosition {
            entrant_seq: entrant.entrant_seq,
            draw_position: *draw_idx as u32 + 1,
            call_position: call_idx as u32 + 1,
        });
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
    crate::web::auth::require_role(user, &[Role::Company], "申请重新摇号")?;
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
    crate::web::auth::require_role(user, &[Role::CityBureau, Role::Company], "批准重新摇号")?;
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
    crate::web::auth::require_role(user, &[Role::Company], "管理配售轮次（实施主体的职责）")?;
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
    crate::web::auth::require_role(user, &[Role::Company], "叫号（实施主体的职责）")?;
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
        .allot_call_next(
            id,
            round_no,
            count,
            now,
            |apps| {
                audit(
                    user,
                    now,
                    "allotment.call".into(),
                    subject.clone(),
                    json!({"called": apps}),
                )
            },
            |app, owner| {
                crate::applications::messages::called_message(app, owner, id, round_no, now)
            },
        )
        .await?;
    Ok(called)
}
