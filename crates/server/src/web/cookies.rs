//! The cookies anju sets: the session (HttpOnly, SameSite) and how a
//! request's cookie is read.

use axum::http::{header, HeaderMap};

pub const SESSION_COOKIE: &str = "anju_session";
/// How long a session lasts.
pub const SESSION_HOURS: i64 = 12;

pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn session_cookie(token: &str, secure: bool) -> String {
    format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{}",
        SESSION_HOURS * 3600,
        if secure { "; Secure" } else { "" }
    )
}

/// The sign-in form's own CSRF cookie (double submit): set with the form,
/// sent back only to `/login`, and compared with the form's `_login` field,
/// so another site cannot sign a visitor into an account of its choosing.
pub const LOGIN_COOKIE: &str = "anju_login";

pub fn login_cookie(token: &str, secure: bool) -> String {
    format!(
        "{LOGIN_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{}",
        if secure { "; Secure" } else { "" }
    )
}

/// Whether cookies for this request must be `Secure`: when configured so,
/// or when the request came over HTTPS (a TLS proxy in front says so in
/// `X-Forwarded-Proto` or `Forwarded`).
pub fn secure_request(headers: &HeaderMap, configured: bool) -> bool {
    let said = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
    };
    configured
        || said("x-forwarded-proto")
            .is_some_and(|p| p.split(',').next().is_some_and(|p| p.trim() == "https"))
        || said("forwarded").is_some_and(|f| f.contains("proto=https"))
}

/// A browser an account signed in from (see `anju_domain::throttle`):
/// guesses at the account from elsewhere do not hold it back.
pub const DEVICE_COOKIE: &str = "anju_device";
/// How long a device token is honoured.
pub const DEVICE_DAYS: i64 = 180;

pub fn device_cookie(token: &str, secure: bool) -> String {
    format!(
        "{DEVICE_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{}",
        DEVICE_DAYS * 24 * 3600,
        if secure { "; Secure" } else { "" }
    )
}

/// What an action did, said once on the page it redirects to (see
/// `web::forms::done_redirect`): a cookie and not `?msg=` in the address,
/// so that reloading the page, switching its language, going back to it or
/// sharing its link does not say it again.
pub const DONE_COOKIE: &str = "anju_done";

pub fn done_cookie(value: &str, secure: bool) -> String {
    format!(
        "{DONE_COOKIE}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age=120{}",
        if secure { "; Secure" } else { "" }
    )
}

pub fn clear_done_cookie() -> String {
    format!("{DONE_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

pub fn clear_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}
