//! What the market services share: the city's rules, who may read and
//! record, districts, field errors and the audit draft.

use std::sync::OnceLock;

use anju_domain::permissions::{market_may_read, market_may_write};
use anju_domain::{DistrictCode, YANGQUAN_DISTRICTS};
use anju_market::rules::{builtin, for_policy, MarketRules, BUILTIN};
use anju_market::RulesError;
use chrono::NaiveDate;

use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// The rules the plot-ratio calculator uses wherever the deployment's city
/// has no counting rules of its own: Ordos's 鄂府发〔2025〕34号 二（二）1, the
/// only counting rules anju holds, shown as a reference calculation under
/// that document, never as the deployment city's rule.
pub const REFERENCE_PLOT_RULES: &str = "market-ordos";

/// The housing type whose destocking period the land-supply decision uses
/// (002 一（一） and 003 三（三） speak of commercial residential housing).
pub const RESIDENTIAL: &str = "住宅";

/// A built-in rules file, parsed once (a parse error is a release defect
/// that the crate's tests catch, reported here as a 500).
pub fn builtin_rules(id: &str) -> ApiResult<&'static MarketRules> {
    static ALL: OnceLock<Vec<(&'static str, Result<MarketRules, RulesError>)>> = OnceLock::new();
    ALL.get_or_init(|| BUILTIN.iter().map(|(i, _)| (*i, builtin(i))).collect())
        .iter()
        .find(|(i, _)| *i == id)
        .ok_or_else(|| ApiError::internal(RulesError::Unknown(id.to_string()).to_string()))?
        .1
        .as_ref()
        .map_err(|e| ApiError::internal(e.to_string()))
}

/// The deployment city's market rules: the file its policy names
/// (`yangquan-2026` → `market-yangquan`). A city without a market rules
/// file (Loudi) gets a 404 saying so; anju never falls back to another
/// city's rules silently.
pub fn rules(st: &AppState) -> ApiResult<&'static MarketRules> {
    match for_policy(&st.policy.id) {
        Some(id) => builtin_rules(id),
        None => Err(ApiError::new(
            axum::http::StatusCode::NOT_FOUND,
            "no_market_rules",
            format!(
                "本市（政策{}）没有市场监管规则文件，市场监管功能不可用 (this city, policy {}, has no market rules file: market regulation is unavailable)",
                st.policy.id, st.policy.id
            ),
        )),
    }
}

/// The rules the plot-ratio calculator counts under: the city's own when
/// its file has counting rules, otherwise Ordos's as a labelled reference.
/// The flag says which.
pub fn plot_rules(st: &AppState) -> ApiResult<(&'static MarketRules, bool)> {
    if let Ok(own) = rules(st) {
        if own.has_param("balcony_half_depth_cm") {
            return Ok((own, false));
        }
    }
    Ok((builtin_rules(REFERENCE_PLOT_RULES)?, true))
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
    st: &AppState,
    action: &str,
    subject: String,
    detail: serde_json::Value,
) -> anju_store::AuditDraft {
    audit(user, st.clock.now(), action.into(), subject, detail)
}

/// A release-ladder node's words (the key itself when the ladder has no such node).
pub fn node_label(st: &AppState, key: &str, en: bool, as_of: NaiveDate) -> String {
    rules(st)
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
