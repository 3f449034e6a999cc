//! What the market services share: the city's rules, who may read and
//! record, districts, field errors and the audit draft.

use std::sync::OnceLock;

use anju_domain::permissions::{market_may_read, market_may_write};
use anju_domain::{DistrictCode, YANGQUAN_DISTRICTS};
use anju_market::rules::{builtin, MarketRules};
use anju_market::RulesError;
use chrono::NaiveDate;

use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};

/// The city's market rules file. The demo city is Yangquan (the server's
/// districts are Yangquan's); a deployment for another city names its own
/// file here, as it does its districts.
pub const CITY_RULES: &str = "market-yangquan";

/// The housing type whose destocking period the land-supply decision uses
/// (002 一（一） and 003 三（三） speak of commercial residential housing).
pub const RESIDENTIAL: &str = "住宅";

/// The city's rules, parsed once (a built-in file: a parse error is a
/// release defect that the crate's tests catch, reported here as a 500).
pub fn rules() -> ApiResult<&'static MarketRules> {
    static RULES: OnceLock<Result<MarketRules, RulesError>> = OnceLock::new();
    RULES
        .get_or_init(|| builtin(CITY_RULES))
        .as_ref()
        .map_err(|e| ApiError::internal(e.to_string()))
}

pub(crate) fn rules_error(e: RulesError) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        "market_rules",
        e.to_string(),
    )
}

pub fn may_read(user: &CurrentUser) -> ApiResult<()> {
    if market_may_read(user.user.role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有市场监管人员、市住建部门和审计人员可以查看市场监管数据 (only market regulators, the city housing bureau and auditors see market regulation)",
        ))
    }
}

pub fn may_write(user: &CurrentUser) -> ApiResult<()> {
    if market_may_write(user.user.role) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有市场监管人员可以录入市场监管数据 (only market regulators record market regulation data)",
        ))
    }
}

/// Whether a code is one of the city's districts.
pub fn known_district(code: &str) -> bool {
    DistrictCode::parse(code)
        .ok()
        .is_some_and(|c| YANGQUAN_DISTRICTS.iter().any(|d| d.code == c))
}

/// A district's Chinese or English name (the code when unknown).
pub fn district_name(code: &str, en: bool) -> String {
    DistrictCode::parse(code)
        .ok()
        .and_then(|c| YANGQUAN_DISTRICTS.iter().find(|d| d.code == c))
        .map_or_else(
            || code.to_string(),
            |d| if en { d.name_en } else { d.name_zh }.to_string(),
        )
}

pub(crate) fn bad(field: &str, message: String) -> ApiError {
    ApiError::bad_request("invalid_field", message).field(field.to_string())
}

pub(crate) fn parse_date(field: &str, label: &str, s: &str) -> ApiResult<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").map_err(|_| {
        bad(
            field,
            format!("{label}应为日期，如2026-03-01 ({field} must be a date like 2026-03-01)"),
        )
    })
}

pub(crate) fn draft(
    user: &CurrentUser,
    st: &crate::web::AppState,
    action: &str,
    subject: String,
    detail: serde_json::Value,
) -> anju_store::AuditDraft {
    audit(user, st.clock.now(), action.into(), subject, detail)
}

/// A release-ladder node's words (the key itself when the ladder has no such node).
pub fn node_label(key: &str, en: bool, as_of: NaiveDate) -> String {
    rules()
        .ok()
        .and_then(|r| r.ladder(as_of).ok())
        .and_then(|l| l.nodes.iter().find(|n| n.key == key))
        .map_or_else(
            || key.to_string(),
            |n| {
                if en {
                    n.label_en.clone()
                } else {
                    n.label.clone()
                }
            },
        )
}
