//! `/api/v1/session` and `/api/v1/me`.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::web::apidoc::{self, Csrf, DistrictCodeSchema, RoleCode};
use crate::web::auth::{self, CurrentUser};
use crate::web::error::{ApiError, ApiResult};
use crate::web::json::parse_json;
use crate::web::AppState;

use super::service::do_login;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(login, logout))
        .routes(routes!(me))
}

/// An account as the API shows it.
#[derive(Serialize, ToSchema)]
pub struct UserJson<'a> {
    #[schema(value_type = String)]
    pub id: &'a anju_domain::UserId,
    pub username: &'a str,
    pub display_name: &'a str,
    #[schema(value_type = RoleCode)]
    pub role: anju_domain::Role,
    /// The role's Chinese name.
    pub role_label: &'static str,
    /// The district of a district-scoped role.
    #[schema(value_type = Option<DistrictCodeSchema>, required = true)]
    pub district: Option<&'a str>,
}

impl<'a> From<&'a anju_store::UserRecord> for UserJson<'a> {
    fn from(u: &'a anju_store::UserRecord) -> Self {
        UserJson {
            id: &u.id,
            username: &u.username,
            display_name: &u.display_name,
            role: u.role,
            role_label: u.role.label_zh(),
            district: u.district.as_ref().map(|d| d.as_str()),
        }
    }
}

/// The signed-in account and its session's CSRF token.
#[derive(Serialize, ToSchema)]
pub struct SessionJson<'a> {
    pub user: UserJson<'a>,
    /// Send it as `X-CSRF-Token` with every state-changing call.
    pub csrf_token: &'a str,
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    #[schema(example = "family")]
    username: String,
    #[schema(example = "anju-demo-2026")]
    password: String,
}

/// 登录 sign in: sets the `anju_session` cookie.
#[utoipa::path(
    post,
    path = "/api/v1/session",
    tag = "accounts",
    request_body = LoginRequest,
    responses(
        (status = 200, description = "the account and its csrf_token; sets the anju_session cookie", body = SessionJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 415, response = apidoc::UnsupportedMediaType),
        (status = 429, response = apidoc::TooManyRequests),
    )
)]
async fn login(
    State(st): State<AppState>,
    auth::ClientIp(ip): auth::ClientIp,
    headers: axum::http::HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    // Only JSON: a page on another site cannot send it without the
    // browser asking this server first (CORS), so it cannot sign a
    // visitor into an account of its choosing (login CSRF).
    let json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| {
            t.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        });
    if !json {
        return Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "登录请求须为 JSON（Content-Type: application/json） (sign-in takes a JSON body)",
        ));
    }
    let req: LoginRequest = parse_json(&body)?;
    let device = auth::cookie_value(&headers, auth::DEVICE_COOKIE);
    let s = do_login(&st, ip, device.as_deref(), &req.username, &req.password).await?;
    let secure = auth::secure_request(&headers, st.secure_cookies);
    Ok((
        // Appended, not inserted: two cookies.
        axum::response::AppendHeaders([
            (header::SET_COOKIE, auth::session_cookie(&s.token, secure)),
            (header::SET_COOKIE, auth::device_cookie(&s.device, secure)),
        ]),
        Json(SessionJson {
            user: UserJson::from(&s.user),
            csrf_token: &s.csrf,
        }),
    )
        .into_response())
}

/// 退出 sign out.
#[utoipa::path(
    delete,
    path = "/api/v1/session",
    tag = "accounts",
    params(Csrf),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["*"]))),
    responses(
        (status = 204, description = "signed out; clears the cookie"),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
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

/// 当前账号 the signed-in account.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "accounts",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["*"]))),
    responses(
        (status = 200, description = "the account and its csrf_token", body = SessionJson),
        (status = 401, response = apidoc::Unauthorized),
    )
)]
async fn me(user: CurrentUser) -> Response {
    Json(SessionJson {
        user: UserJson::from(&user.user),
        csrf_token: &user.session.csrf_token,
    })
    .into_response()
}
