//! What the OpenAPI document of every room shares: the error responses
//! (all the `Error` envelope), the `X-CSRF-Token` header, file downloads and
//! the roles named in each operation's `x-anju-roles`.

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, SchemaFormat, Type};
use utoipa::openapi::{ContentBuilder, Ref, RefOr, Response, ResponseBuilder, Schema};
use utoipa::{IntoParams, PartialSchema, ToResponse, ToSchema};

/// `X-CSRF-Token`: every state-changing call with a session needs the
/// session's `csrf_token` (from `POST /api/v1/session` or `GET /api/v1/me`).
#[derive(IntoParams)]
#[into_params(names("X-CSRF-Token"), parameter_in = Header)]
#[allow(dead_code)] // documentation only: `CurrentUser` checks the header
pub struct Csrf(String);

fn error_response(description: &str) -> RefOr<Response> {
    ResponseBuilder::new()
        .description(description)
        .content(
            "application/json",
            ContentBuilder::new()
                .schema(Some(Ref::from_schema_name("Error")))
                .build(),
        )
        .build()
        .into()
}

macro_rules! error_responses {
    ($($(#[$doc:meta])* $name:ident = $description:literal;)*) => {
        $(
            $(#[$doc])*
            pub struct $name;
            impl<'s> ToResponse<'s> for $name {
                fn response() -> (&'s str, RefOr<Response>) {
                    (stringify!($name), error_response($description))
                }
            }
        )*
        /// Every error response, for `components.responses`.
        pub fn error_responses() -> Vec<(String, RefOr<Response>)> {
            vec![$((stringify!($name).to_string(), error_response($description))),*]
        }
    };
}

error_responses! {
    /// 400.
    BadRequest = "请求有误 (bad request: invalid JSON, field, parameter or file)";
    /// 401.
    Unauthorized = "请先登录 (login required; or, signing in, wrong username or password)";
    /// 403.
    Forbidden = "无权操作，或缺少 X-CSRF-Token (the caller's role may not do this, or the CSRF header is missing)";
    /// 404.
    NotFound = "不存在，或调用者无权查看 (not found, or not visible to the caller)";
    /// 409.
    Conflict = "与当前状态或版本冲突 (conflicts with the current state or version)";
    /// 413.
    TooLarge = "文件过大，超过上传、解压、行数或列数限制 (the file is over a limit: size, unpacked size, rows or columns)";
    /// 415.
    UnsupportedMediaType = "请求内容类型不对（须为 application/json） (the body must be application/json)";
    /// 422.
    Unprocessable = "规则不允许 (refused by the rules)";
    /// 429.
    TooManyRequests = "尝试次数过多，请稍后再试或到窗口办理 (too many attempts: wait, or go to the counter)";
    /// 503, with `Retry-After`.
    Unavailable = "数据库暂时不可用（database_unavailable），或并发写入冲突重试用尽（contention）；数据未改变，请按 Retry-After 稍后再试 (the database is away, or concurrent writes kept conflicting; nothing changed; retry after Retry-After seconds)";
    /// 507.
    InsufficientStorage = "存储空间已满，本次写入未保存（storage_full） (the database's storage is full; the write was not saved)";
}

/// A downloaded file (CSV or XLSX bytes).
pub struct Binary;

impl PartialSchema for Binary {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Binary)))
            .into()
    }
}

impl ToSchema for Binary {}

/// The XLSX media type.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// A role's code (`applicant`, `verifier:public_security`, …), from the
/// domain's own list.
pub struct RoleCode;

impl PartialSchema for RoleCode {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(anju_domain::Role::ALL.iter().map(|r| r.code())))
            .into()
    }
}

impl ToSchema for RoleCode {
    fn name() -> std::borrow::Cow<'static, str> {
        "Role".into()
    }
}

/// A district code: GB/T 2260 (six digits, e.g. `140302`) or a local code
/// for a zone without one (`140300-GX`), as in the household contract.
pub struct DistrictCodeSchema;

impl PartialSchema for DistrictCodeSchema {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some("^[0-9A-Za-z-]{6,12}$"))
            .examples([serde_json::json!("140302")])
            .into()
    }
}

impl ToSchema for DistrictCodeSchema {
    fn name() -> std::borrow::Cow<'static, str> {
        "DistrictCode".into()
    }
}

/// A component whose schema is written out in full elsewhere (the
/// contracts' JSON Schemas, the domain's application record): here only
/// its name, so operations can refer to it; `crate::openapi::document`
/// puts the full schema in.
macro_rules! placeholder_schemas {
    ($($(#[$doc:meta])* $ty:ident = $name:literal;)*) => {
        $(
            $(#[$doc])*
            pub struct $ty;
            impl PartialSchema for $ty {
                fn schema() -> RefOr<Schema> {
                    ObjectBuilder::new().schema_type(Type::Object).into()
                }
            }
            impl ToSchema for $ty {
                fn name() -> std::borrow::Cow<'static, str> {
                    $name.into()
                }
            }
        )*
    };
}

placeholder_schemas! {
    /// contracts/household.schema.json.
    HouseholdSchema = "Household";
    /// contracts/decision.schema.json.
    DecisionSchema = "Decision";
    /// `anju_domain::Application` as serialised.
    ApplicationRecordSchema = "ApplicationRecord";
}
