//! API errors: JSON `{"error": {"code", "message", "field"}}` with the right
//! status. Messages are Chinese first with English in parentheses and name
//! the field when one is at fault.

use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The error envelope every API refusal answers with (the `Error` schema).
#[derive(Debug, Serialize, ToSchema)]
#[schema(as = Error)]
pub struct ErrorBody<'a> {
    pub error: ErrorDetail<'a>,
}

/// What went wrong: a stable `code`, a message (Chinese first, English in
/// parentheses) and the request field at fault, when one is.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorDetail<'a> {
    /// Stable machine-readable code, e.g. `not_found`, `forbidden`, `invalid_json`.
    pub code: &'a str,
    pub message: &'a str,
    /// The field at fault (`members[0].id_number`, `x-csrf-token`), or null.
    #[schema(required = true)]
    pub field: Option<&'a str>,
}

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    /// Seconds for a `Retry-After` header: set on the 503s of a database
    /// that is away or contended, so clients know to come back.
    pub retry_after: Option<u32>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError {
            status,
            code,
            message: message.into(),
            field: None,
            retry_after: None,
        }
    }
    /// Adds `Retry-After: secs`.
    pub fn retry_after(mut self, secs: u32) -> Self {
        self.retry_after = Some(secs);
        self
    }
    pub fn field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }
    pub fn unauthorized() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "请先登录 (login required)",
        )
    }
    pub fn forbidden(message: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// Used for records the caller may not know exist (another district's
    /// family): indistinguishable from a missing record.
    /// `what` is written the anju way, `持有房屋 (held home)`: each
    /// language's name goes into its own sentence (`持有房屋不存在 (held
    /// home not found)`), never English inside the Chinese.
    pub fn not_found(what: &str) -> Self {
        let (zh, en) = super::bilingual::split_bilingual(what);
        let message = if zh == en {
            format!("{zh} 不存在 (not found)")
        } else {
            format!("{zh}不存在 ({en} not found)")
        };
        Self::new(StatusCode::NOT_FOUND, "not_found", message)
    }
    /// 422: the input is well formed but the rules refuse it now.
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> Self {
        ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, code, message)
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "conflict", message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", message)
    }
    /// The database is away (restarting, unreachable, out of connections).
    pub fn database_unavailable() -> Self {
        let mut e = Self::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "database_unavailable",
            "数据库暂时不可用，请稍后再试 (the database is temporarily unavailable; try again shortly)",
        );
        e.retry_after = Some(DATABASE_RETRY_AFTER);
        e
    }
    /// The `Retry-After` header the error asks for, if any.
    pub fn retry_after_header(&self) -> Option<(HeaderName, HeaderValue)> {
        self.retry_after
            .map(|s| (header::RETRY_AFTER, HeaderValue::from(s)))
    }
}

/// Seconds a client should wait before retrying while the database is
/// away: about the store's connection acquire timeout.
pub const DATABASE_RETRY_AFTER: u32 = 5;
/// Seconds after exhausted serialisation retries: contention passes fast.
pub const CONTENTION_RETRY_AFTER: u32 = 1;

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            error: ErrorDetail {
                code: self.code,
                message: &self.message,
                field: self.field.as_deref(),
            },
        };
        let mut res = (self.status, axum::Json(body)).into_response();
        if let Some((name, value)) = self.retry_after_header() {
            res.headers_mut().insert(name, value);
        }
        res
    }
}

impl From<anju_store::StoreError> for ApiError {
    fn from(e: anju_store::StoreError) -> Self {
        use anju_store::StoreError as E;
        match &e {
            E::NotFound { .. } => ApiError::new(StatusCode::NOT_FOUND, "not_found", e.to_string()),
            E::Conflict { .. } => ApiError::conflict(e.to_string()),
            E::DuplicateMember => {
                ApiError::new(StatusCode::CONFLICT, "duplicate_member", e.to_string())
                    .field("members")
            }
            E::Duplicate { .. } => ApiError::new(StatusCode::CONFLICT, "duplicate", e.to_string()),
            // The detail (host, driver message) is for the operator's log,
            // not for the client.
            E::Unavailable(detail) => {
                eprintln!("anju: 数据库不可用 (database unavailable): {detail}");
                ApiError::database_unavailable()
            }
            E::Contention(detail) => {
                eprintln!("anju: 并发冲突重试用尽 (serialisation retries exhausted): {detail}");
                let mut a = ApiError::new(
                    StatusCode::SERVICE_UNAVAILABLE,
                    "contention",
                    "并发写入冲突，自动重试后仍未成功，数据未改变，请稍后再试 (concurrent writes kept conflicting; nothing was changed; try again shortly)",
                );
                a.retry_after = Some(CONTENTION_RETRY_AFTER);
                a
            }
            // 507: the request was fine and nothing was saved, but the
            // server cannot store it until an operator frees space.
            E::StorageFull(detail) => {
                eprintln!("anju: 存储空间已满 (storage full): {detail}");
                ApiError::new(
                    StatusCode::INSUFFICIENT_STORAGE,
                    "storage_full",
                    "存储空间已满，本次写入未保存，请联系系统管理员 (storage is full; the write was not saved; contact the administrator)",
                )
            }
            _ => ApiError::internal(e.to_string()),
        }
    }
}

impl From<PathRejection> for ApiError {
    fn from(e: PathRejection) -> Self {
        ApiError::bad_request(
            "invalid_path",
            format!("路径参数有误 (invalid path parameter): {}", e.body_text()),
        )
    }
}

impl From<QueryRejection> for ApiError {
    fn from(e: QueryRejection) -> Self {
        ApiError::bad_request(
            "invalid_query",
            format!("查询参数有误 (invalid query parameter): {}", e.body_text()),
        )
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
