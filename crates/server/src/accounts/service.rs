//! Signing in: rate limit, lock-out, password check, a new session.

use axum::http::StatusCode;

use crate::web::auth::{self};
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

pub async fn do_login(
    st: &AppState,
    ip: std::net::IpAddr,
    username: &str,
    password: &str,
) -> ApiResult<(String, anju_store::UserRecord, String)> {
    if !st.limiter.allow(ip) {
        return Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "登录尝试过于频繁，请稍后再试 (too many login attempts; try again later)",
        ));
    }
    let bad = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
            "用户名或密码错误 (wrong username or password)",
        )
        .field("password")
    };
    let Some(user) = st
        .store
        .accounts()
        .user_by_username(username.trim())
        .await?
    else {
        // Same work and answer as a wrong password: no account enumeration.
        auth::verify_password(password, auth::dummy_hash());
        return Err(bad());
    };
    let now = st.clock.now();
    if let Some(until) = user.locked_until {
        if until > now {
            return Err(ApiError::new(StatusCode::LOCKED, "locked", format!("账号因多次密码错误已锁定，请 {LOCK} 分钟后再试或联系管理员重置 (account locked after repeated failures)", LOCK = auth::LOCK_MINUTES)));
        }
    }
    if !auth::verify_password(password, &user.password_hash) {
        st.store
            .accounts()
            .record_login_failure(
                &user.id,
                now,
                auth::LOCK_AFTER,
                chrono::Duration::minutes(auth::LOCK_MINUTES),
            )
            .await?;
        return Err(bad());
    }
    st.store.accounts().record_login_success(&user.id).await?;
    let token = auth::random_token();
    let csrf = auth::random_token();
    st.store
        .accounts()
        .create_session(anju_store::SessionRecord {
            token_hash: auth::token_hash(&token),
            user_id: user.id.clone(),
            csrf_token: csrf.clone(),
            created_at: now,
            expires_at: anju_domain::Timestamp::from_datetime(
                &(now.to_utc() + chrono::Duration::hours(auth::SESSION_HOURS)),
            ),
        })
        .await?;
    Ok((token, user, csrf))
}
