//! `/api/v1/session` and `/api/v1/me`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};

use crate::web::auth::{self, CurrentUser};
use crate::web::error::ApiResult;
use crate::web::json::parse_json;
use crate::web::AppState;

use super::service::do_login;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", post(login).delete(logout))
        .route("/api/v1/me", get(me))
}

pub fn user_json(u: &anju_store::UserRecord) -> Value {
    json!({
        "id": u.id, "username": u.username, "display_name": u.display_name,
        "role": u.role, "role_label": u.role.label_zh(),
        "district": u.district.as_ref().map(|d| d.as_str()),
    })
}

#[derive(Deserialize)]
struct LoginRequest {
    username: String,
    password: String,
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
    st.store
        .accounts()
        .delete_session(&user.session.token_hash)
        .await?;
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
