//! What the acquisition services share: the city's policy, who may do what,
//! the documents' JSON bodies and the audit draft.

use anju_acquisition::Policy;
use anju_domain::Role;
use anju_store::AcqRecord;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

pub use crate::web::auth::{require_role as require, role_forbidden as forbidden};

/// The deployment city's acquisition policy (`yangquan-…` or `loudi-…`).
pub fn policy(st: &AppState) -> Policy {
    Policy::for_id(&st.policy.id)
}

/// Who reads the room: the company, the city bureau, auditors.
pub fn may_read(user: &CurrentUser) -> ApiResult<()> {
    require(
        user,
        &[Role::Company, Role::CityBureau, Role::Auditor],
        "查看收购工作",
    )
}

/// Who does the acquisition work: the implementing company.
pub fn may_work(user: &CurrentUser) -> ApiResult<()> {
    require(user, &[Role::Company], "办理收购")
}

/// Who approves plans and registers companies: the city bureau.
pub fn may_approve(user: &CurrentUser) -> ApiResult<()> {
    require(user, &[Role::CityBureau], "审批收购计划")
}

pub const COMPANY: &str = "company";
pub const SURVEY: &str = "survey";
pub const OFFER: &str = "offer";
pub const CAP: &str = "cap";
pub const PLAN: &str = "plan";
pub const PURCHASE: &str = "purchase";

/// A document's body.
pub fn body<T: DeserializeOwned>(r: &AcqRecord) -> ApiResult<T> {
    serde_json::from_str(&r.body)
        .map_err(|e| ApiError::internal(format!("{} {}: {e}", r.kind, r.id)))
}

/// A new document at version 0.
pub fn new_record<T: Serialize>(
    st: &AppState,
    kind: &str,
    id: &str,
    company_id: &str,
    status: &str,
    value: &T,
) -> ApiResult<AcqRecord> {
    let now = st.clock.now().to_string();
    Ok(AcqRecord {
        kind: kind.into(),
        id: id.into(),
        company_id: company_id.into(),
        status: status.into(),
        body: serde_json::to_string(value).map_err(|e| ApiError::internal(e.to_string()))?,
        version: 0,
        created_at: now.clone(),
        updated_at: now,
    })
}

/// A changed document, still naming the version it was read at.
pub fn changed<T: Serialize>(
    st: &AppState,
    old: &AcqRecord,
    status: &str,
    value: &T,
) -> ApiResult<AcqRecord> {
    Ok(AcqRecord {
        status: status.into(),
        body: serde_json::to_string(value).map_err(|e| ApiError::internal(e.to_string()))?,
        updated_at: st.clock.now().to_string(),
        ..old.clone()
    })
}

/// A document that must exist.
pub async fn load(st: &AppState, kind: &str, id: &str, what: &str) -> ApiResult<AcqRecord> {
    st.store
        .acquisition()
        .acq_get(kind, id)
        .await?
        .ok_or_else(|| ApiError::not_found(what))
}

/// A yuan amount a person types, in fen, named in the error.
pub fn yuan(s: &str, field: &str) -> ApiResult<anju_allotment::Fen> {
    anju_allotment::Fen::parse_yuan(s).map_err(|_| {
        ApiError::bad_request(
            "invalid_amount",
            "金额应为元，最多两位小数 (amount in yuan, at most two decimals)",
        )
        .field(field.to_string())
    })
}

/// A YYYY-MM-DD date, named in the error.
pub fn date(s: &str, field: &str) -> ApiResult<chrono::NaiveDate> {
    anju_policy::household::parse_iso_date(s.trim()).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_date",
            "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)",
        )
        .field(field.to_string())
    })
}

/// Required free text, at most `max` characters.
pub fn text(s: &str, field: &str, max: usize) -> ApiResult<String> {
    let t = s.trim().to_string();
    if t.is_empty() {
        return Err(
            ApiError::bad_request("required", "此项必填 (required)").field(field.to_string())
        );
    }
    if t.chars().count() > max {
        return Err(ApiError::bad_request(
            "too_long",
            format!("不能超过 {max} 个字 (at most {max} characters)"),
        )
        .field(field.to_string()));
    }
    Ok(t)
}
