//! Accounts and sessions: Argon2id password hashes, random session tokens
//! in an HttpOnly SameSite cookie (only their SHA-256 is stored), a CSRF
//! token per session required on every state-changing request, per-address
//! login rate limiting, and account lockout after repeated failures (kept in
//! the database, so it holds across server processes).

use anju_domain::Actor;
use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use rand::RngCore;
use std::net::IpAddr;

pub use super::cookies::{
    clear_cookie, cookie_value, device_cookie, login_cookie, secure_request, session_cookie,
    DEVICE_COOKIE, DEVICE_DAYS, LOGIN_COOKIE, SESSION_COOKIE, SESSION_HOURS,
};
use super::error::ApiError;
pub use super::session::{token_hash, CurrentUser, RateLimiter, SessionCache};
use super::state::AppState;

pub const CSRF_HEADER: &str = "x-csrf-token";
pub const CSRF_FIELD: &str = "_csrf";

pub fn hash_password(password: &str) -> Result<String, ApiError> {
    if password.chars().count() < 8 {
        return Err(ApiError::bad_request(
            "weak_password",
            "密码至少 8 位 (password must have at least 8 characters)",
        )
        .field("password"));
    }
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| ApiError::internal(format!("密码哈希失败 (hashing failed: {e})")))
}

/// A real Argon2 hash of a random password, made once: checking a login for
/// an unknown account against it costs what a wrong password costs, so the
/// answer's timing does not reveal which usernames exist.
pub fn dummy_hash() -> &'static str {
    static DUMMY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DUMMY.get_or_init(|| {
        let salt = SaltString::generate(&mut OsRng);
        Argon2::default()
            .hash_password(random_token().as_bytes(), &salt)
            .map(|h| h.to_string())
            .unwrap_or_default()
    })
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Looks up the session of a request, if any.
pub async fn current_user(
    state: &AppState,
    headers: &HeaderMap,
) -> Result<Option<CurrentUser>, ApiError> {
    let Some(token) = cookie_value(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let hash = token_hash(&token);
    let now = state.clock.now();
    if let Some(hit) = state.sessions.get(&hash, now) {
        return Ok(Some(hit));
    }
    let Some((session, user)) = state.store.accounts().session(&hash, now).await? else {
        return Ok(None);
    };
    let actor = Actor::new(user.id.clone(), user.role, user.district)
        .map_err(|e| ApiError::internal(format!("账号数据有误 (account data invalid: {e})")))?;
    let current = CurrentUser {
        user,
        actor,
        session,
    };
    state.sessions.put(hash, current.clone());
    Ok(Some(current))
}

/// Extractor for the JSON API: requires a signed-in account; on
/// state-changing methods also requires the session's CSRF token in the
/// `X-CSRF-Token` header, whatever the body's content type. (The API's
/// handlers read their bodies whatever the content type says, so a form
/// content type must not exempt a request. The web pages do not use this
/// extractor: their handlers check the form's `_csrf` field.)
impl FromRequestParts<AppState> for CurrentUser {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let user = current_user(state, &parts.headers)
            .await?
            .ok_or_else(ApiError::unauthorized)?;
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let given = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
            if given != Some(user.session.csrf_token.as_str()) {
                return Err(ApiError::forbidden(
                    "缺少或错误的 CSRF 令牌 (missing or wrong X-CSRF-Token header)",
                )
                .field(CSRF_HEADER));
            }
        }
        Ok(user)
    }
}

/// Checks a form's `_csrf` field against the session.
pub fn check_form_csrf(user: &CurrentUser, given: Option<&str>) -> Result<(), ApiError> {
    if given == Some(user.session.csrf_token.as_str()) {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "表单已过期，请刷新后重试 (form token missing or wrong; reload the page)",
        )
        .field(CSRF_FIELD))
    }
}

/// The client's address when the server was started with connect info
/// (always, outside in-process tests, where it is 127.0.0.1); behind a
/// trusted reverse proxy, the address it forwarded (`web::forwarded`).
pub struct ClientIp(pub IpAddr);

impl<St: Send + Sync> FromRequestParts<St> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &St) -> Result<Self, Self::Rejection> {
        // Resolved behind a trusted proxy by `forwarded::resolve`.
        if let Some(c) = parts.extensions.get::<super::forwarded::ClientAddr>() {
            return Ok(ClientIp(c.0));
        }
        Ok(ClientIp(
            parts
                .extensions
                .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
                .map_or(IpAddr::from([127, 0, 0, 1]), |c| c.0.ip()),
        ))
    }
}

/// Refuses a role the operation does not name, before its input is read
/// (a refused caller learns nothing from validation): 403 naming the
/// role and `what` it may not do.
pub fn require_role(
    user: &CurrentUser,
    roles: &[anju_domain::Role],
    what: &str,
) -> Result<(), super::error::ApiError> {
    if roles.contains(&user.user.role) {
        Ok(())
    } else {
        Err(role_forbidden(user, what))
    }
}

/// 403 for a role that may not do `what`, naming the role.
pub fn role_forbidden(user: &CurrentUser, what: &str) -> super::error::ApiError {
    super::error::ApiError::forbidden(format!(
        "当前角色（{}）不能{what} (your role may not do this)",
        user.user.role.label_zh()
    ))
}
