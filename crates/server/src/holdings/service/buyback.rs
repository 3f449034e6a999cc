//! Exit and buyback (阳泉 19–21; 娄底 八、(一)4): apply, the city's
//! decision on case (5), appraisal and price, exit, payment, the title back
//! to the company and the home back in the pool.

use anju_allotment::Fen;
use anju_domain::Role;
use anju_holdings::{
    buyback_price, exit_deadline, may_apply, next_status, Appraisal, BuybackCase, BuybackFacts,
    BuybackPrice, BuybackStatus, BuybackStep, Fee,
};
use anju_store::holdings::{BuybackChange, BuybackRecord, NewStep};
use serde::Deserialize;
use serde_json::json;

use crate::web::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

use super::common::{date_field, forbidden, regime, text_field};
use super::register::home_file;

/// A buyback application.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuybackRequest {
    /// The case: `left_city`, `illness`, `second_home`,
    /// `new_owner_ineligible`, `city_decided` (Yangquan), `after_five_years`
    /// or `clearance` (Loudi).
    #[schema(example = "illness")]
    pub case: String,
    /// The family's reason and the evidence it offers (at most 500 characters).
    pub reason: String,
    /// The application date (default today).
    #[serde(default)]
    pub applied_on: Option<String>,
}

/// A step of a buyback.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BuybackStepRequest {
    /// `city_accept`, `city_refuse`, `appraise`, `vacated`, `pay`,
    /// `return_title`, `stop` or `withdraw`.
    #[schema(example = "appraise")]
    pub step: String,
    /// The step's date (default today).
    #[serde(default)]
    pub on: Option<String>,
    /// Why (required to refuse, stop or withdraw).
    #[serde(default)]
    pub note: Option<String>,
    /// Appraisal: the firm, its qualification number, the report number,
    /// the value and the decoration and additions it itemises, in yuan.
    #[serde(default)]
    pub firm: Option<String>,
    #[serde(default)]
    pub qualification_no: Option<String>,
    #[serde(default)]
    pub report_no: Option<String>,
    #[serde(default)]
    pub value_yuan: Option<String>,
    #[serde(default)]
    pub decoration_yuan: Option<String>,
    #[serde(default)]
    pub additions_yuan: Option<String>,
    /// The firm declared no tie to the family or the company.
    #[serde(default)]
    pub independent: Option<bool>,
    /// Loudi: the reasonable fees deducted, one per line as `name,amount`.
    #[serde(default)]
    pub fees: Option<String>,
    /// The certificate number when the title returns to the company.
    #[serde(default)]
    pub certificate_no: Option<String>,
    /// Loudi: the agreed exit date, when the company accepts.
    #[serde(default)]
    pub exit_by: Option<String>,
}

fn yuan(s: Option<&str>, field: &str, required: bool) -> ApiResult<Fen> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None if required => {
            Err(ApiError::bad_request("required", "此项必填 (required)").field(field.to_string()))
        }
        None => Ok(Fen::ZERO),
        Some(v) => Fen::parse_yuan(v).map_err(|e| {
            ApiError::bad_request("invalid_amount", e.to_string()).field(field.to_string())
        }),
    }
}

fn parse_fees(s: Option<&str>) -> ApiResult<Vec<Fee>> {
    let mut out = Vec::new();
    for (i, line) in s.unwrap_or("").lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let (name, amount) = line.rsplit_once([',', '，']).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_fee",
                format!(
                    "第 {} 行应为“费用名称,金额（元）” (line {}: name,amount)",
                    i + 1,
                    i + 1
                ),
            )
            .field("fees")
        })?;
        out.push(Fee {
            name: name.trim().chars().take(60).collect(),
            amount: yuan(Some(amount), "fees", true)?,
        });
    }
    Ok(out)
}

async fn holder_app(
    st: &AppState,
    project_id: &str,
    home_id: &str,
) -> ApiResult<anju_store::holdings::HolderRecord> {
    st.store
        .holdings()
        .hold_holding(project_id, home_id)
        .await?
        .ok_or_else(|| ApiError::not_found("持有房屋 (held home)"))
}

/// A family (for its own home) or the company applies for a buyback.
pub async fn apply_buyback(
    st: &AppState,
    user: &CurrentUser,
    project_id: &str,
    home_id: &str,
    req: BuybackRequest,
) -> ApiResult<BuybackRecord> {
    let holder = holder_app(st, project_id, home_id).await?;
    if holder.state == anju_store::holdings::HoldingState::Returned {
        return Err(ApiError::new(
            axum::http::StatusCode::CONFLICT,
            "already_returned",
            "该房屋已回购收回，不能再申请回购 (the home was already bought back)",
        ));
    }
    match user.user.role {
        Role::Company => {}
        Role::Applicant => {
            crate::applications::interface::visible_application(st, user, &holder.application_id)
                .await?;
        }
        _ => return Err(forbidden(user, "申请回购")),
    }
    let r = regime(st);
    let case = BuybackCase::parse(&req.case)
        .filter(|c| c.cite(r).is_some())
        .ok_or_else(|| {
            let allowed: Vec<&str> = BuybackCase::of(r).iter().map(|c| c.code()).collect();
            ApiError::bad_request(
                "invalid_case",
                format!(
                    "请选择本市政策规定的回购情形（{}） (choose one of this city's cases)",
                    allowed.join("、")
                ),
            )
            .field("case")
        })?;
    if case == BuybackCase::Clearance && user.user.role != Role::Company {
        return Err(forbidden(user, "以年度核查清退为由申请回购"));
    }
    let reason = text_field(Some(&req.reason), "reason", true, 500)?;
    let today = st.clock.today();
    let applied_on = date_field(req.applied_on.as_deref(), "applied_on", today)?;
    if applied_on > today {
        return Err(
            ApiError::bad_request("future_date", "申请日期不能晚于今天 (not after today)")
                .field("applied_on"),
        );
    }
    let cite = may_apply(r, case, Some(holder.registered_on), applied_on)
        .map_err(|e| ApiError::unprocessable("buyback_not_allowed", e.to_string()).field("case"))?;
    let now = st.clock.now();
    let id = new_id("B");
    let b = BuybackRecord {
        id: id.clone(),
        project_id: project_id.into(),
        home_id: home_id.into(),
        application_id: holder.application_id.clone(),
        case,
        status: if case.needs_city_decision() {
            BuybackStatus::AwaitingCity
        } else {
            BuybackStatus::InProgress
        },
        applied_on,
        exit_by: exit_deadline(r, applied_on),
        reason: reason.clone(),
        appraisal_json: None,
        price_json: None,
        price: None,
        vacated_on: None,
        paid_on: None,
        title_returned_on: None,
        certificate_no: None,
        case_id: None,
        created_by: user.user.id.as_str().to_string(),
        created_at: now.to_rfc3339(),
        updated_at: now.to_rfc3339(),
    };
    st.store
        .holdings()
        .hold_create_buyback(
            &b,
            &NewStep {
                step: "applied".into(),
                note: reason,
                actor: user.user.username.clone(),
                on_date: applied_on,
            },
            now,
            audit(
                user,
                now,
                "holdings.buyback_apply".into(),
                format!("buyback:{id}"),
                json!({"project": project_id, "home": home_id, "case": case.code(), "citation": cite.short(), "exit_by": b.exit_by}),
            ),
        )
        .await?;
    Ok(b)
}

/// A fresh record id: 12 random hex digits (the store's primary key is
/// the last defence against a collision).
pub(crate) fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}", &crate::web::auth::random_token()[..12])
}

/// A buyback, for the company, the city bureau, auditors, district bureau
/// of its district, or the family that applied.
pub async fn load_buyback(st: &AppState, user: &CurrentUser, id: &str) -> ApiResult<BuybackRecord> {
    let b = st
        .store
        .holdings()
        .hold_buyback(id)
        .await?
        .ok_or_else(|| ApiError::not_found("回购 (buyback)"))?;
    match user.user.role {
        Role::Applicant => {
            crate::applications::interface::visible_application(st, user, &b.application_id)
                .await?;
        }
        _ => {
            let _ = home_file(st, user, &b.project_id, &b.home_id).await?;
        }
    }
    Ok(b)
}

/// The price terms recorded for a buyback, if appraised.
pub fn price_of(b: &BuybackRecord) -> Option<serde_json::Value> {
    b.price_json
        .as_deref()
        .and_then(|s| serde_json::from_str(s).ok())
}

/// Takes a step of a buyback, checked by the pure rules.
pub async fn buyback_step(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    req: BuybackStepRequest,
) -> ApiResult<BuybackRecord> {
    let b = load_buyback(st, user, id).await?;
    let r = regime(st);
    let today = st.clock.today();
    let on = date_field(req.on.as_deref(), "on", today)?;
    if on > today {
        return Err(
            ApiError::bad_request("future_date", "日期不能晚于今天 (not after today)").field("on"),
        );
    }
    let role = user.user.role;
    let (step, who_may): (BuybackStep, &[Role]) = match req.step.as_str() {
        "city_accept" => (
            BuybackStep::CityDecides { accept: true },
            &[Role::CityBureau],
        ),
        "city_refuse" => (
            BuybackStep::CityDecides { accept: false },
            &[Role::CityBureau],
        ),
        "appraise" => (BuybackStep::Appraise, &[Role::Company]),
        "vacated" => (BuybackStep::Vacated { on }, &[Role::Company]),
        "pay" => (BuybackStep::Pay { on }, &[Role::Company]),
        "return_title" => (BuybackStep::ReturnTitle { on }, &[Role::Company]),
        "stop" => (BuybackStep::Stop, &[Role::Company]),
        "withdraw" => (BuybackStep::Withdraw, &[Role::Company, Role::Applicant]),
        other => {
            return Err(ApiError::bad_request(
                "invalid_step",
                format!("未知的回购步骤 {other} (unknown step)"),
            )
            .field("step"))
        }
    };
    if !who_may.contains(&role) {
        return Err(forbidden(user, "办理此回购步骤"));
    }
    let facts = BuybackFacts {
        applied_on: b.applied_on,
        exit_by: b.exit_by,
        appraised: b.appraisal_json.is_some(),
        vacated_on: b.vacated_on,
        paid_on: b.paid_on,
    };
    let to = next_status(b.status, &step, &facts, today)
        .map_err(|e| ApiError::unprocessable("step_not_allowed", e.to_string()).field("step"))?;
    let needs_note = matches!(req.step.as_str(), "city_refuse" | "stop" | "withdraw");
    let note = text_field(req.note.as_deref(), "note", needs_note, 500)?;
    let mut change = BuybackChange {
        status: Some(to),
        ..Default::default()
    };
    let mut detail = json!({"step": req.step, "on": on});
    match &step {
        BuybackStep::CityDecides { accept: true } if b.exit_by.is_none() => {
            // Loudi: the exit date is agreed when the company accepts; for
            // case (5) in Yangquan the 30 days already run from the application.
            change.exit_by = req
                .exit_by
                .as_deref()
                .map(|s| date_field(Some(s), "exit_by", today))
                .transpose()?;
        }
        BuybackStep::Appraise => {
            let appraisal = Appraisal {
                firm: text_field(req.firm.as_deref(), "firm", true, 100)?,
                qualification_no: text_field(
                    req.qualification_no.as_deref(),
                    "qualification_no",
                    true,
                    60,
                )?,
                report_no: text_field(req.report_no.as_deref(), "report_no", true, 60)?,
                valued_on: on,
                value: yuan(req.value_yuan.as_deref(), "value_yuan", true)?,
                decoration: yuan(req.decoration_yuan.as_deref(), "decoration_yuan", false)?,
                additions: yuan(req.additions_yuan.as_deref(), "additions_yuan", false)?,
                independent: req.independent.unwrap_or(false),
            };
            appraisal.check(b.applied_on).map_err(|e| {
                let field = match e {
                    anju_holdings::AppraisalError::NotIndependent => "independent",
                    anju_holdings::AppraisalError::BeforeApplication { .. } => "on",
                    _ => "firm",
                };
                ApiError::unprocessable("invalid_appraisal", e.to_string()).field(field)
            })?;
            let fees = parse_fees(req.fees.as_deref())?;
            let price: BuybackPrice = buyback_price(r, &appraisal, &fees).map_err(|e| {
                let field = if matches!(e, anju_holdings::AppraisalError::FeesNotInArticle { .. }) {
                    "fees"
                } else {
                    "value_yuan"
                };
                ApiError::unprocessable("invalid_price", e.to_string()).field(field)
            })?;
            change.appraisal_json = Some(
                serde_json::to_string(&appraisal).map_err(|e| ApiError::internal(e.to_string()))?,
            );
            change.price_json =
                Some(serde_json::to_string(&price).map_err(|e| ApiError::internal(e.to_string()))?);
            change.price_fen = Some(price.total.fen());
            detail["price_fen"] = json!(price.total.fen());
            detail["citation"] = json!(r.price().short());
        }
        BuybackStep::Vacated { on } => {
            change.vacated_on = Some(*on);
            if let Some(by) = b.exit_by {
                detail["late"] = json!(*on > by);
            }
        }
        BuybackStep::Pay { on } => change.paid_on = Some(*on),
        BuybackStep::ReturnTitle { on } => {
            change.title_returned_on = Some(*on);
            change.certificate_no = Some(text_field(
                req.certificate_no.as_deref(),
                "certificate_no",
                true,
                60,
            )?);
        }
        BuybackStep::Stop => {
            detail["citation"] = json!(r.exit().short());
        }
        _ => {}
    }
    let now = st.clock.now();
    st.store
        .holdings()
        .hold_buyback_step(
            id,
            b.status,
            &change,
            &NewStep {
                step: req.step.clone(),
                note,
                actor: user.user.username.clone(),
                on_date: on,
            },
            now,
            audit(
                user,
                now,
                format!("holdings.buyback_{}", req.step),
                format!("buyback:{id}"),
                detail,
            ),
        )
        .await?;
    load_buyback(st, user, id).await
}
