//! Selection: calling families in order, choosing a home, absence, declining, giving up (第十四条), signing the contract, expiring unsigned choices.

use anju_allotment::{
    self as allot, check_contract, next_state, sign_by, AbandonmentKind, CallNow, CallState,
    CallStep, ContractTerms, RoundStatus,
};
use anju_domain::Role;
use chrono::NaiveDate;
use serde::Deserialize;
use serde_json::json;

use crate::web::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

use super::common::*;

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

pub(super) fn yuan(s: &str, field: &str) -> ApiResult<allot::Fen> {
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
        .map_err(|e| ApiError::unprocessable("call_refused", e.to_string()))?;
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
                    return Err(ApiError::unprocessable(
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
                    audit(user, now, "allotment.choose".into(), subject, json!({"application_id": app, "home_id": home_id, "sign_by": deadline.to_string(), "citation": super::common::city(st).signing().short()})),
                )
                .await?;
        }
        CallRequest::GiveUp { .. } => {
            abandon(st, user, id, round_no, &app, AbandonmentKind::GaveUp, today).await?;
        }
        CallRequest::Sign { contract, .. } => {
            crate::web::auth::require_role(
                user,
                &[Role::Company],
                "登记购房合同（实施主体的职责）",
            )?;
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
            check_contract(
                &terms,
                home.home.price,
                plan.min_down_payment_percent,
                super::common::city(st),
            )
            .map_err(|e| {
                let field = match &e {
                    allot::ContractError::Number { field } => format!("contract.{field}"),
                    allot::ContractError::DownPayment { .. } => "contract.down_payment".into(),
                    allot::ContractError::Sum { .. } => "contract.commercial_loan".into(),
                    allot::ContractError::Price { .. } => "contract".into(),
                };
                ApiError::unprocessable("contract_refused", e.to_string()).field(field)
            })?;
            st.store
                .allotment()
                .allot_sign(
                    id,
                    round_no,
                    &app,
                    &home_id,
                    &terms,
                    now,
                    audit(user, now, "allotment.sign".into(), subject, json!({"application_id": app, "home_id": home_id, "contract_no": terms.contract_no, "price_fen": terms.price.fen(), "down_payment_fen": terms.down_payment.fen(), "citation": format!("{}; {}", allot::cite::ART18_TITLE.short(), super::common::city(st).down_payment().0.short())})),
                )
                .await?;
        }
    }
    Ok(to)
}

pub(super) async fn abandon(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    round_no: u8,
    app: &str,
    kind: AbandonmentKind,
    on: NaiveDate,
) -> ApiResult<()> {
    let now = st.clock.now();
    let cites: Vec<String> = kind
        .citations(super::common::city(st))
        .iter()
        .map(|c| c.short())
        .collect();
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
    crate::web::auth::require_role(user, &[Role::Company], "处理逾期未签约（实施主体的职责）")?;
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
