//! What the rentals services share: the city's rental rules (or the
//! refusal when its documents have none), roles, fields and ids.

use std::sync::OnceLock;

use anju_domain::Role;
use anju_rentals::rules::{builtin, for_policy, RentalRules, BUILTIN};
use chrono::NaiveDate;

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

pub use crate::web::auth::{require_role as require, role_forbidden as forbidden};

/// The roles that read every rental record: the company that runs
/// rentals, the city bureau and auditors.
pub const READERS: &[Role] = &[Role::Company, Role::CityBureau, Role::Auditor];

/// A built-in rules file, parsed once (a parse error is a release defect
/// that the crate's tests catch, reported here as a 500).
fn builtin_rules(id: &str) -> ApiResult<&'static RentalRules> {
    static ALL: OnceLock<Vec<(&'static str, Result<RentalRules, String>)>> = OnceLock::new();
    ALL.get_or_init(|| {
        BUILTIN
            .iter()
            .map(|(i, _)| (*i, builtin(i).map_err(|e| e.to_string())))
            .collect()
    })
    .iter()
    .find(|(i, _)| *i == id)
    .ok_or_else(|| ApiError::internal(format!("rental rules {id} missing")))?
    .1
    .as_ref()
    .map_err(|e| ApiError::internal(e.clone()))
}

/// The refusal when the deployment's city regulates no renting.
pub fn no_rules(policy_id: &str) -> ApiError {
    ApiError::new(
        axum::http::StatusCode::NOT_FOUND,
        "no_rental_rules",
        format!(
            "本市文件未规定配租（政策{policy_id}），配租功能不可用 (this city's documents, policy {policy_id}, have no rental rules: rentals are unavailable)"
        ),
    )
}

/// The deployment city's rental rules; a city without them (Yangquan,
/// whose 阳政办发〔2026〕2号 is about allotment for sale only) gets a 404
/// saying so — anju never borrows another city's rules.
pub fn rules(st: &AppState) -> ApiResult<&'static RentalRules> {
    match for_policy(&st.policy.id) {
        Some(id) => builtin_rules(id),
        None => Err(no_rules(&st.policy.id)),
    }
}

/// Whether the deployment's city has rental rules.
pub fn has_rules(st: &AppState) -> bool {
    for_policy(&st.policy.id).is_some()
}

/// Reads every record: company, city bureau, auditors.
pub fn may_read(user: &CurrentUser) -> ApiResult<()> {
    require(user, READERS, "查看配租记录")
}

/// Runs rentals: the implementing company (二、3 "承担保障性住房的配售、配租").
pub fn may_run(user: &CurrentUser, what: &str) -> ApiResult<()> {
    require(user, &[Role::Company], what)
}

pub fn new_id(prefix: &str) -> String {
    format!("{prefix}-{}", &crate::web::auth::random_token()[..10])
}

/// A date field: empty means `default`; otherwise YYYY-MM-DD.
pub fn date_field(s: Option<&str>, field: &str, default: NaiveDate) -> ApiResult<NaiveDate> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(default),
        Some(s) => anju_policy::household::parse_iso_date(s).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_date",
                "日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)",
            )
            .field(field.to_string())
        }),
    }
}

/// A required date field.
pub fn required_date(s: Option<&str>, field: &str) -> ApiResult<NaiveDate> {
    if s.map(str::trim).unwrap_or("").is_empty() {
        return Err(ApiError::bad_request("required", "此项必填 (required)").field(field));
    }
    date_field(s, field, NaiveDate::MIN)
}

/// Free text: trimmed, required when `required`, at most `max` characters.
pub fn text_field(s: Option<&str>, field: &str, required: bool, max: usize) -> ApiResult<String> {
    let t = s.unwrap_or("").trim().to_string();
    if required && t.is_empty() {
        return Err(ApiError::bad_request("required", "此项必填 (required)").field(field));
    }
    if t.chars().count() > max {
        return Err(ApiError::bad_request(
            "too_long",
            format!("不能超过 {max} 个字 (at most {max} characters)"),
        )
        .field(field));
    }
    Ok(t)
}

/// An amount with at most two decimals ("1440", "20.5"), as hundredths
/// (fen for yuan, hundredths of a m² for an area); must be above 0.
pub fn hundredths(s: &str, field: &str) -> ApiResult<i64> {
    let v = anju_allotment::Fen::parse_yuan(s.trim())
        .map_err(|e| ApiError::bad_request("invalid_amount", e.to_string()).field(field))?;
    let v = i64::try_from(v.fen()).map_err(|_| {
        ApiError::bad_request("invalid_amount", "数值过大 (too large)").field(field)
    })?;
    if v <= 0 {
        return Err(
            ApiError::bad_request("invalid_amount", "应大于 0 (must be above 0)").field(field),
        );
    }
    Ok(v)
}

/// A signed yuan amount ("-120.50") in fen, not 0.
pub fn signed_fen(s: &str, field: &str) -> ApiResult<i64> {
    let t = s.trim();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let v = hundredths(body, field)?;
    Ok(if neg { -v } else { v })
}

/// A store record's date as text (for JSON and pages).
pub fn yuan(fen: i64) -> String {
    anju_rentals::rent::yuan(fen)
}
