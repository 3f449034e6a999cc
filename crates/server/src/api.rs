//! `/api/v1`: the JSON API. Errors are `{"error": {"code", "message",
//! "field"}}`; state-changing calls need the session's `X-CSRF-Token`.

use anju_domain::{Department, Role, StatusKind};
use anju_store::Store;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};

use crate::auth::{self, CurrentUser};
use crate::error::{ApiError, ApiResult};
use crate::service::{self, ActionRequest, SubmitRequest};
use crate::{openapi, verification, AppState, Db};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/api/v1/openapi.json",
            get(|| async { Json(openapi::document()) }),
        )
        .route("/api/v1/session", post(login).delete(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/check", post(check))
        .route("/api/v1/applications", get(list).post(create))
        .route("/api/v1/applications/{id}", get(detail))
        .route("/api/v1/applications/{id}/actions", post(action))
        .route("/api/v1/notices", get(notices))
        .route("/api/v1/notices.xlsx", get(notices_xlsx))
        .route(
            "/api/v1/verification/{department}/template.xlsx",
            get(template_xlsx),
        )
        .route(
            "/api/v1/verification/{department}/template.csv",
            get(template),
        )
        .route("/api/v1/verification/{department}/upload", post(upload))
        .route("/api/v1/audit", get(audit_log))
        .route("/api/v1/audit/verify", get(audit_verify))
        .route("/api/v1/districts", get(districts))
}

/// Parses a JSON body, naming the field at fault.
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> ApiResult<T> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        let err = ApiError::bad_request(
            "invalid_json",
            format!("请求内容有误 (invalid request body): {inner}"),
        );
        if path == "." {
            err
        } else {
            err.field(path)
        }
    })
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

async fn check(State(st): State<AppState>, body: Bytes) -> ApiResult<Json<Value>> {
    let household: Value = parse_json(&body)?;
    Ok(Json(service::self_check(&st, &household)?))
}

#[derive(Deserialize)]
struct ListQuery {
    status: Option<StatusKind>,
    #[serde(default = "default_limit")]
    limit: u32,
    #[serde(default)]
    offset: u32,
}

fn default_limit() -> u32 {
    100
}

async fn list(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let rows = service::list(&st, &user, q.status, q.limit, q.offset).await?;
    let items: Vec<SummaryJson> = rows.iter().map(SummaryJson::from).collect();
    Ok(Json(ListJson { items }).into_response())
}

#[derive(serde::Serialize)]
struct ListJson<'a> {
    items: Vec<SummaryJson<'a>>,
}

/// One list line as the API writes it. A typed view rather than a
/// `serde_json::Value`: lists are the most frequent signed-in read, and
/// building a map per row was a visible share of its CPU.
#[derive(serde::Serialize)]
pub struct SummaryJson<'a> {
    id: &'a anju_domain::ApplicationId,
    district: &'a str,
    status: StatusKind,
    status_label: &'static str,
    masked_name: &'a str,
    masked_id: &'a str,
    owner: &'a Option<anju_domain::UserId>,
    submitted_at: &'a anju_domain::Timestamp,
    updated_at: &'a anju_domain::Timestamp,
    categories: &'a [String],
    tier: Option<u8>,
    notice_start: Option<NaiveDate>,
    notice_end: Option<NaiveDate>,
    qualified_on: Option<NaiveDate>,
    waitlist_place: Option<u32>,
}

impl<'a> From<&'a anju_store::ApplicationSummary> for SummaryJson<'a> {
    fn from(n: &'a anju_store::ApplicationSummary) -> Self {
        SummaryJson {
            id: &n.id,
            district: n.district.as_str(),
            status: n.status,
            status_label: n.status.label_zh(),
            masked_name: &n.masked_name,
            masked_id: &n.masked_id,
            owner: &n.owner,
            submitted_at: &n.submitted_at,
            updated_at: &n.updated_at,
            categories: &n.categories,
            tier: n.tier,
            notice_start: n.notice_start,
            notice_end: n.notice_end,
            qualified_on: n.qualified_on,
            waitlist_place: n.waitlist_place,
        }
    }
}

async fn create(State(st): State<AppState>, user: CurrentUser, body: Bytes) -> ApiResult<Response> {
    let req: SubmitRequest = parse_json(&body)?;
    let stored = service::submit_application(&st, &user, req).await?;
    Ok((
        StatusCode::CREATED,
        Json(service::application_json(&stored, &user.actor, true)),
    )
        .into_response())
}

async fn detail(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Json<Value>> {
    let stored = service::read_application(&st, &user, &id).await?;
    Ok(Json(service::application_json(&stored, &user.actor, true)))
}

async fn action(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Json<Value>> {
    let req: ActionRequest = parse_json(&body)?;
    let stored = service::act(&st, &user, &id, req).await?;
    Ok(Json(service::application_json(&stored, &user.actor, false)))
}

pub fn notice_json(n: &anju_store::ApplicationSummary) -> Value {
    json!({
        "application_id": n.id, "district": n.district.as_str(), "district_name": n.district.describe_zh(),
        "name": n.masked_name, "id_number": n.masked_id,
        "categories": n.categories, "tier": n.tier,
        "notice_start": n.notice_start, "notice_end": n.notice_end,
    })
}

async fn notices(State(st): State<AppState>) -> ApiResult<Json<Value>> {
    let items: Vec<Value> = service::notices(&st)
        .await?
        .iter()
        .map(notice_json)
        .collect();
    Ok(Json(json!({
        "items": items,
        "how_to_object": "对公示对象有异议的，可在公示期内向所在县（区）住建部门实名反映 (objections may be made to the district housing bureau during the notice period; 阳政办发〔2026〕2号 第十四条)",
    })))
}

async fn notices_xlsx(State(st): State<AppState>) -> ApiResult<Response> {
    let rows = service::notices(&st).await?;
    let bytes = crate::pages::notices_workbook(&rows)?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"notices.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

fn department(code: &str) -> ApiResult<Department> {
    Department::from_code(code).ok_or_else(|| ApiError::not_found("核验部门 (department)"))
}

async fn template(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(dept): Path<String>,
) -> ApiResult<Response> {
    template_in(st, user, dept, verification::TemplateFormat::Csv).await
}

async fn template_xlsx(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(dept): Path<String>,
) -> ApiResult<Response> {
    template_in(st, user, dept, verification::TemplateFormat::Xlsx).await
}

async fn template_in(
    st: AppState,
    user: CurrentUser,
    dept: String,
    format: verification::TemplateFormat,
) -> ApiResult<Response> {
    let d = department(&dept)?;
    let bytes = verification::template(&st, &user, d, format).await?;
    let (ty, name) = match format {
        verification::TemplateFormat::Csv => {
            ("text/csv; charset=utf-8", "verification-template.csv")
        }
        verification::TemplateFormat::Xlsx => (
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "verification-template.xlsx",
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, ty.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}

async fn upload(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(dept): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> ApiResult<Response> {
    let d = department(&dept)?;
    let report = verification::import(&st, &user, d, &body).await?;
    let wants_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"));
    if wants_csv {
        return Ok((
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            report.error_csv(),
        )
            .into_response());
    }
    Ok(
        Json(serde_json::to_value(&report).map_err(|e| ApiError::internal(e.to_string()))?)
            .into_response(),
    )
}

#[derive(Deserialize)]
struct AuditQuery {
    #[serde(default)]
    after: u64,
    #[serde(default = "default_limit")]
    limit: u32,
}

/// Who may read the audit log: auditors and the city bureau (pages and API alike).
pub fn audit_reader(user: &CurrentUser) -> ApiResult<()> {
    if matches!(user.user.role, Role::Auditor | Role::CityBureau) {
        Ok(())
    } else {
        Err(ApiError::forbidden("只有审计人员和市住建部门可以查看审计日志 (only auditors and the city bureau may read the audit log)"))
    }
}

async fn audit_log(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> ApiResult<Json<Value>> {
    audit_reader(&user)?;
    let entries = st.store.audit_log(q.after, q.limit.clamp(1, 1000)).await?;
    Ok(Json(json!({"items": entries})))
}

/// Verifies the whole chain, page by page.
pub async fn verify_audit(store: &Db) -> ApiResult<Result<u64, anju_domain::ChainError>> {
    let mut all = Vec::new();
    let mut after = 0;
    loop {
        let page = store.audit_log(after, 1000).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        all.extend(page);
    }
    Ok(anju_domain::verify_chain(all))
}

async fn audit_verify(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Json<Value>> {
    audit_reader(&user)?;
    Ok(Json(match verify_audit(&st.store).await? {
        Ok(n) => json!({"ok": true, "entries": n}),
        Err(e) => json!({"ok": false, "error": e.to_string()}),
    }))
}

async fn districts() -> Json<Value> {
    Json(
        json!({"items": anju_domain::YANGQUAN_DISTRICTS.iter().map(|d| json!({"code": d.code.as_str(), "name": d.name_zh, "name_en": d.name_en})).collect::<Vec<_>>()}),
    )
}
