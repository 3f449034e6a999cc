//! Accounts: signing in and out (the JSON API's session and the pages'
//! form), and who the signed-in account is. Sessions, CSRF tokens and
//! password hashing themselves are shared pieces in `crate::web::auth`.

use anju_store::Store;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::web::auth::{self, CurrentUser};
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::{ctx, field, Ctx, Fields, PageQuery};
use crate::web::json::parse_json;
use crate::web::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", post(login).delete(logout))
        .route("/api/v1/me", get(me))
        .route("/login", get(login_form).post(login_page))
        .route("/logout", post(logout_page))
}

#[derive(Deserialize)]
struct LoginRequest {
    username: String,
    password: String,
}

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
    let Some(user) = st.store.user_by_username(username.trim()).await? else {
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
            .record_login_failure(
                &user.id,
                now,
                auth::LOCK_AFTER,
                chrono::Duration::minutes(auth::LOCK_MINUTES),
            )
            .await?;
        return Err(bad());
    }
    st.store.record_login_success(&user.id).await?;
    let token = auth::random_token();
    let csrf = auth::random_token();
    st.store
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

pub fn user_json(u: &anju_store::UserRecord) -> Value {
    json!({
        "id": u.id, "username": u.username, "display_name": u.display_name,
        "role": u.role, "role_label": u.role.label_zh(),
        "district": u.district.as_ref().map(|d| d.as_str()),
    })
}

async fn login(
    State(st): State<AppState>,
    auth::ClientIp(ip): auth::ClientIp,
    body: Bytes,
) -> ApiResult<Response> {
    let req: LoginRequest = parse_json(&body)?;
    let (token, user, csrf) = do_login(&st, ip, &req.username, &req.password).await?;
    Ok((
        [(
            header::SET_COOKIE,
            auth::session_cookie(&token, st.secure_cookies),
        )],
        Json(json!({"user": user_json(&user), "csrf_token": csrf})),
    )
        .into_response())
}

async fn logout(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    st.store.delete_session(&user.session.token_hash).await?;
    st.sessions.forget(&user.session.token_hash);
    Ok((
        [(header::SET_COOKIE, auth::clear_cookie())],
        StatusCode::NO_CONTENT,
    )
        .into_response())
}

async fn me(user: CurrentUser) -> Json<Value> {
    Json(json!({"user": user_json(&user.user), "csrf_token": user.session.csrf_token}))
}

async fn login_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    c.page(&LoginPage {
        c: &c,
        next: q.next.as_deref().unwrap_or("/work"),
    })
}

#[derive(askama::Template)]
#[template(path = "accounts/templates/login.html")]
struct LoginPage<'a> {
    c: &'a Ctx,
    next: &'a str,
}

async fn login_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    auth::ClientIp(ip): auth::ClientIp,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    match do_login(
        &st,
        ip,
        field(&f, "username").unwrap_or(""),
        field(&f, "password").unwrap_or(""),
    )
    .await
    {
        Err(e) => c.error(e),
        Ok((token, _, _)) => {
            // Only local paths: never redirect off-site.
            let next = field(&f, "next")
                .filter(|n| n.starts_with('/') && !n.starts_with("//") && !n.starts_with("/\\"))
                .unwrap_or("/work");
            (
                [(
                    header::SET_COOKIE,
                    auth::session_cookie(&token, st.secure_cookies),
                )],
                Redirect::to(next),
            )
                .into_response()
        }
    }
}

async fn logout_page(State(st): State<AppState>, headers: HeaderMap) -> Response {
    if let Ok(Some(u)) = auth::current_user(&st, &headers).await {
        let _ = st.store.delete_session(&u.session.token_hash).await;
        st.sessions.forget(&u.session.token_hash);
    }
    (
        [(header::SET_COOKIE, auth::clear_cookie())],
        Redirect::to("/"),
    )
        .into_response()
}
