//! The public tip line (阳泉 第十八条 closed management; 娄底 八、(三)3
//! "防范违规出租、出借、闲置等行为"): anyone, without an account, reports
//! suspected misuse of a held home and keeps a receipt number; the company
//! triages each tip — attached to the home's review in the running campaign
//! as a report with evidence (which flags the home and opens its case, as a
//! staff report does), or dismissed with why. Abuse handling is designed in
//! docs/security.md ("The public tip line").

use anju_domain::{Role, UserId};
use anju_holdings::Finding;
use anju_store::holdings::TipRecord;
use anju_store::AuditDraft;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::web::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::field_errors::FieldErrors;
use crate::web::AppState;

use super::common::*;

/// Tips one address may send in an hour.
pub const TIPS_PER_ADDRESS_HOUR: u32 = 5;
/// Tips the whole city may send in a day (counted in the database): past
/// it the form says the line is busy rather than letting a flood bury the
/// company's queue.
pub const TIPS_PER_DAY: u64 = 500;
/// What the reporter may write (characters).
pub const WHAT_MAX: usize = 1000;

/// What a reporter may say they saw: the closed-management breaches the
/// documents name (阳泉 第十八条 annotation: no sale, letting, lending or
/// mortgage outside the programme; 娄底 八、(一)4 不得上市交易、出租、赠与、抵押,
/// 八、(三)3 出租、出借、闲置).
pub const TIP_KINDS: [(&str, &str, &str); 5] = [
    ("idle", "长期闲置", "left empty"),
    ("sublet", "出租", "let to others"),
    ("lent", "出借", "lent to others"),
    ("sold", "私下出售", "sold privately"),
    ("mortgaged", "违规抵押", "mortgaged"),
];

/// A tip as the public sends it.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TipRequest {
    /// `idle`, `sublet`, `lent`, `sold` or `mortgaged`.
    pub kind: String,
    /// The home's address as the reporter knows it (≤ 200 characters).
    pub address: String,
    /// The project and home numbers, when known.
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub home_id: Option<String>,
    /// When it was seen (YYYY-MM-DD, not in the future).
    pub seen_on: String,
    /// What was seen (≤ 1000 characters).
    pub what: String,
    /// A phone or e-mail to reach the reporter (optional; the company only).
    #[serde(default)]
    pub contact: Option<String>,
}

/// What the reporter keeps: the receipt number, nothing about the home.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TipReceipt {
    pub receipt: String,
    pub received_on: chrono::NaiveDate,
}

/// What a receipt number tells: whether the company has handled the tip,
/// never what it found (that is the holder's business).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct TipStatus {
    pub receipt: String,
    /// `received` (waiting) or `handled`.
    pub status: &'static str,
    pub status_label: &'static str,
    pub received_on: chrono::NaiveDate,
    pub handled_on: Option<chrono::NaiveDate>,
}

fn too_many(message: &str) -> ApiError {
    ApiError::new(StatusCode::TOO_MANY_REQUESTS, "too_many_tips", message)
}

/// Every problem with a tip, field by field (the page shows them beside
/// their fields and keeps what was typed).
pub fn check_tip(
    req: &TipRequest,
    today: chrono::NaiveDate,
) -> (FieldErrors, Option<chrono::NaiveDate>) {
    let mut e = FieldErrors::new();
    if !TIP_KINDS.iter().any(|(k, _, _)| *k == req.kind.trim()) {
        e.add("kind", "请选择看到的情况", "choose what you saw");
    }
    let len = |s: &str| s.trim().chars().count();
    if len(&req.address) == 0 {
        e.add("address", "请填写房屋地址", "the address is required");
    } else if len(&req.address) > 200 {
        e.add("address", "地址不能超过 200 个字", "at most 200 characters");
    }
    for (f, v) in [("project_id", &req.project_id), ("home_id", &req.home_id)] {
        if v.as_deref().map(len).unwrap_or(0) > 64 {
            e.add(f, "不能超过 64 个字", "at most 64 characters");
        }
    }
    let seen = anju_policy::household::parse_iso_date(req.seen_on.trim());
    match seen {
        None => e.add(
            "seen_on",
            "请填写看到的日期（年-月-日）",
            "the date seen (YYYY-MM-DD)",
        ),
        Some(d) if d > today => e.add(
            "seen_on",
            "日期不能晚于今天",
            "the date cannot be in the future",
        ),
        Some(d) if d < today - chrono::Duration::days(366 * 3) => e.add(
            "seen_on",
            "只受理三年内看到的情况",
            "only what was seen in the last three years",
        ),
        _ => {}
    }
    if len(&req.what) == 0 {
        e.add("what", "请说明看到的情况", "say what you saw");
    } else if len(&req.what) > WHAT_MAX {
        e.add("what", "不能超过 1000 个字", "at most 1000 characters");
    }
    if req.contact.as_deref().map(len).unwrap_or(0) > 100 {
        e.add(
            "contact",
            "联系方式不能超过 100 个字",
            "at most 100 characters",
        );
    }
    (e, seen)
}

/// Takes a tip from anyone: the fields, then the per-address and
/// city-wide limits, then one row with its audit entry. The answer is the
/// receipt number only.
pub async fn submit_tip(
    st: &AppState,
    ip: std::net::IpAddr,
    req: &TipRequest,
) -> Result<TipReceipt, (ApiError, FieldErrors)> {
    let plain = |e: ApiError| (e, FieldErrors::new());
    let now = st.clock.now();
    let today = now.date();
    // The fields first (no database work): a malformed request is refused
    // without touching the budget; only a tip that would be stored counts.
    let (errors, seen) = check_tip(req, today);
    let Some(seen_on) = seen.filter(|_| errors.is_empty()) else {
        let first = errors
            .iter()
            .next()
            .map(|e| (e.field.clone(), format!("{} ({})", e.zh, e.en)));
        let (field, msg) = first.unwrap_or_default();
        return Err((
            ApiError::bad_request("invalid_tip", msg).field(field),
            errors,
        ));
    };
    if !st
        .tip_limiter
        .allow(&st.store, ip)
        .await
        .map_err(|e| plain(e.into()))?
    {
        return Err(plain(too_many(
            "提交过于频繁，请一小时后再试 (too many tips from this address: try again in an hour)",
        )));
    }
    let since = format!("{today}T00:00:00");
    let n = st
        .store
        .holdings()
        .hold_tips_since(&since)
        .await
        .map_err(|e| plain(e.into()))?;
    if n >= TIPS_PER_DAY {
        return Err(plain(too_many("今日举报已达上限，请明天再试或拨打住建部门电话 (the tip line is full today: try tomorrow)")));
    }
    let hex = crate::web::auth::random_token()[..16].to_uppercase();
    let id = format!("JB-{hex}");
    let opt = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let tip = TipRecord {
        id: id.clone(),
        kind: req.kind.trim().to_string(),
        address: req.address.trim().to_string(),
        project_id: opt(&req.project_id),
        home_id: opt(&req.home_id),
        seen_on,
        what: req.what.trim().to_string(),
        contact: opt(&req.contact),
        status: "received".into(),
        attached_project: None,
        attached_home: None,
        attached_campaign: None,
        finding: None,
        outcome_note: None,
        triaged_by: None,
        triaged_at: None,
        received_at: now.to_rfc3339(),
    };
    let public = UserId::new("public").map_err(|e| plain(ApiError::internal(e.to_string())))?;
    st.store
        .holdings()
        .hold_add_tip(
            &tip,
            AuditDraft {
                at: now,
                actor_user_id: public,
                // No account: recorded under the one role without staff powers.
                role: Role::Applicant,
                action: "holdings.tip_receive".into(),
                subject: format!("tip:{id}"),
                // Never the contact or the text: the log is read by auditors.
                detail: json!({"kind": tip.kind}),
            },
        )
        .await
        .map_err(|e| plain(e.into()))?;
    Ok(TipReceipt {
        receipt: id,
        received_on: today,
    })
}

/// The status a receipt number shows (anyone holding it).
pub async fn tip_status(st: &AppState, receipt: &str) -> ApiResult<TipStatus> {
    let receipt = receipt.trim().to_uppercase();
    let not_found = || ApiError::not_found("举报回执号 (receipt number)").field("receipt");
    if receipt.len() > 32 {
        return Err(not_found());
    }
    let t = st
        .store
        .holdings()
        .hold_tip(&receipt)
        .await?
        .ok_or_else(not_found)?;
    let day = |s: &str| {
        chrono::DateTime::parse_from_rfc3339(s)
            .ok()
            .map(|d| d.date_naive())
    };
    let handled = t.status != "received";
    Ok(TipStatus {
        receipt: t.id,
        status: if handled { "handled" } else { "received" },
        status_label: if handled {
            "已处理"
        } else {
            "已收到，待核实"
        },
        received_on: day(&t.received_at).unwrap_or_default(),
        handled_on: t.triaged_at.as_deref().and_then(day),
    })
}

/// Tips waiting for triage, or all (the company).
pub async fn tips(st: &AppState, user: &CurrentUser, all: bool) -> ApiResult<Vec<TipRecord>> {
    require(user, &[Role::Company], "处理群众举报")?;
    Ok(st
        .store
        .holdings()
        .hold_tips((!all).then_some("received"), 500)
        .await?)
}

/// The company's triage of a tip.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TriageRequest {
    /// `attach` or `dismiss`.
    pub step: String,
    /// For `attach`: the home the company identified.
    #[serde(default)]
    pub project_id: Option<String>,
    #[serde(default)]
    pub home_id: Option<String>,
    /// For `attach`: `idle`, `sublet`, `lent` or `fraud`.
    #[serde(default)]
    pub finding: Option<String>,
    /// The evidence (attach) or the reason (dismiss), ≤ 500 characters.
    pub note: String,
}

/// Attaches a tip to the home's review in its running campaign as a report
/// with evidence, or dismisses it with a reason (company; both audited).
pub async fn triage_tip(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    req: TriageRequest,
) -> ApiResult<TipRecord> {
    require(user, &[Role::Company], "处理群众举报")?;
    let tip = st
        .store
        .holdings()
        .hold_tip(id)
        .await?
        .ok_or_else(|| ApiError::not_found("举报 (tip)"))?;
    let note = text_field(Some(&req.note), "note", true, 500)?;
    let now = st.clock.now();
    match req.step.as_str() {
        "attach" => {
            let p = text_field(req.project_id.as_deref(), "project_id", true, 64)?;
            let h = text_field(req.home_id.as_deref(), "home_id", true, 64)?;
            let finding = Finding::parse(req.finding.as_deref().unwrap_or(""))
                .filter(|f| f.department().is_none())
                .ok_or_else(|| ApiError::bad_request("invalid_finding", "情形应为 idle（闲置）、sublet（出租）、lent（出借）或 fraud（骗购） (idle, sublet, lent or fraud)").field("finding"))?;
            let holder = st
                .store
                .holdings()
                .hold_holding(&p, &h)
                .await?
                .ok_or_else(|| ApiError::not_found("持有房屋 (held home)").field("home_id"))?;
            let cite = finding.flag().cite(regime(st));
            let evidence = format!("群众举报 {}（{}）：{}", tip.id, tip.seen_on, note);
            let evidence: String = evidence.chars().take(500).collect();
            let r = st
                .store
                .holdings()
                .hold_tip_attach(
                    &tip.id,
                    &holder.project_id,
                    holder.home.id.as_str(),
                    finding,
                    &evidence,
                    &user.user.username,
                    now,
                    audit(
                        user,
                        now,
                        "holdings.tip_attach".into(),
                        format!("tip:{}", tip.id),
                        json!({"project": holder.project_id, "home": holder.home.id.as_str(), "finding": finding.code(), "citation": cite.short()}),
                    ),
                )
                .await?;
            if r.is_none() {
                return Err(ApiError::conflict(
                    "该房屋不在任何年度核查中：请先开启该县区的年度核查 (no campaign covers this home: open the district's campaign first)",
                )
                .field("home_id"));
            }
        }
        "dismiss" => {
            st.store
                .holdings()
                .hold_tip_dismiss(
                    &tip.id,
                    &note,
                    &user.user.username,
                    now,
                    audit(
                        user,
                        now,
                        "holdings.tip_dismiss".into(),
                        format!("tip:{}", tip.id),
                        json!({"reason": note}),
                    ),
                )
                .await?;
        }
        _ => {
            return Err(ApiError::bad_request(
                "invalid_step",
                "处理方式应为 attach（并入核查）或 dismiss（不予采纳） (attach or dismiss)",
            )
            .field("step"))
        }
    }
    st.store
        .holdings()
        .hold_tip(&tip.id)
        .await?
        .ok_or_else(|| ApiError::internal("tip vanished"))
}
