//! Helpers every holdings service uses: the city's regime, role checks,
//! and fields as a person types them.

use anju_domain::Role;
use anju_holdings::Regime;
use chrono::NaiveDate;

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// The deployment's city's rules for held homes.
pub fn regime(st: &AppState) -> Regime {
    Regime(anju_allotment::cite::City::of_policy(&st.policy.id))
}

pub use crate::web::auth::{require_role as require, role_forbidden as forbidden};

/// Which districts a staff member may read in the register: `None` for
/// the whole city (company, city bureau, auditors), one district for a
/// district bureau; anyone else is refused.
pub fn register_scope(user: &CurrentUser) -> ApiResult<Option<Vec<String>>> {
    match user.user.role {
        Role::Company | Role::CityBureau | Role::Auditor => Ok(None),
        Role::DistrictBureau => Ok(Some(
            user.user
                .district
                .iter()
                .map(|d| d.as_str().to_string())
                .collect(),
        )),
        _ => Err(forbidden(user, "查看持有人登记簿")),
    }
}

/// A date field: empty means `default`; otherwise YYYY-MM-DD, named in
/// the error.
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

/// Free text a person types: trimmed, required when `required`, at most
/// `max` characters, named in the error.
pub fn text_field(s: Option<&str>, field: &str, required: bool, max: usize) -> ApiResult<String> {
    let t = s.unwrap_or("").trim().to_string();
    if required && t.is_empty() {
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
