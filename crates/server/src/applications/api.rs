//! `/api/v1`: the JSON API of applications. Errors are `{"error": {"code",
//! "message", "field"}}`; state-changing calls need the session's
//! `X-CSRF-Token`.

use anju_domain::{ActionKind, Department, StatusKind};
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::applications::listing;
use crate::applications::service::{self, ActionRequest, SubmitRequest};
use crate::applications::verification::{self, ImportReport};
use crate::web::apidoc::{
    self, ApplicationRecordSchema, Binary, Csrf, DecisionSchema, DistrictCodeSchema,
    HouseholdSchema,
};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::extract::{Path, Query};
use crate::web::json::parse_json;
use crate::web::sheets::{csv_response, xlsx_response};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(check))
        .routes(routes!(list, create))
        .routes(routes!(detail))
        .routes(routes!(action))
        .routes(routes!(notices))
        .routes(routes!(notices_xlsx))
        .routes(routes!(super::export::applications_csv))
        .routes(routes!(template_xlsx))
        .routes(routes!(template))
        .routes(routes!(upload))
        .routes(routes!(districts))
        .routes(routes!(waitlist))
        .routes(routes!(waitlist_xlsx))
}

/// 资格自测 self-check (public): the engine's decision on the facts given.
#[utoipa::path(
    post,
    path = "/api/v1/check",
    tag = "applications",
    request_body = HouseholdSchema,
    responses(
        (status = 200, description = "the decision", body = DecisionSchema),
        (status = 400, response = apidoc::BadRequest),
    )
)]
async fn check(State(st): State<AppState>, body: Bytes) -> ApiResult<Json<Value>> {
    let household: Value = parse_json(&body)?;
    Ok(Json(service::self_check(&st, &household)?))
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct ListQuery {
    /// Only applications in this state.
    status: Option<StatusKind>,
    /// Search: an application number or its beginning (at least six
    /// characters), the resident ID's last four characters, a surname, or a
    /// name (masked before it is compared: lists never match full names).
    q: Option<String>,
    /// Only this district (six-digit code); district staff find nothing in
    /// another district.
    district: Option<String>,
    /// Only families qualified in this category (the policy's code).
    category: Option<String>,
    /// Submitted on or after this day (YYYY-MM-DD, Beijing time).
    from: Option<String>,
    /// Submitted on or before this day (YYYY-MM-DD, Beijing time).
    to: Option<String>,
    /// Order: `newest` (default), `oldest` or `updated`.
    sort: Option<String>,
    /// At most this many (default 100).
    #[serde(default = "default_limit")]
    limit: u32,
    /// Keyset paging: the lines after this application number in the
    /// list's order, any `sort` (`next_after` of the previous page).
    after: Option<String>,
    /// No longer read: see [`refuse_offset`].
    #[param(ignore)]
    offset: Option<String>,
}

/// Lists page by keyset only (issue 11 item 4). `OFFSET` reads and
/// discards every line before the page: at 10⁶ applications the deepest
/// page took 3 s on PostgreSQL, where `after` reads any depth at the cost
/// of the first page. A client still sending `offset` is told so beside
/// the field rather than silently handed the first page again, which
/// would make a loop that pages by `offset` never end. `offset=0` (the
/// first page) is what it always meant.
fn refuse_offset(offset: Option<&str>) -> ApiResult<()> {
    match offset.map(str::trim) {
        None | Some("" | "0") => Ok(()),
        Some(_) => Err(ApiError::bad_request(
            "offset_removed",
            "列表不再按偏移量翻页：请按上一页的 next_after 用 after 翻页 (lists no longer page by offset: pass the previous page's `next_after` as `after`)",
        )
        .field("offset")),
    }
}

fn default_limit() -> u32 {
    100
}

/// 申请列表（按角色与县区限定）applications, scoped by role and district.
#[utoipa::path(
    get,
    path = "/api/v1/applications",
    tag = "applications",
    params(ListQuery),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["*"]))),
    responses(
        (status = 200, description = "the applications the caller may read", body = ApplicationList),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
    )
)]
async fn list(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> ApiResult<Response> {
    let status = q.status.map(listing::status_code);
    let req = listing::parse(
        &st,
        listing::RawList {
            status: status.as_deref(),
            district: q.district.as_deref(),
            q: q.q.as_deref(),
            category: q.category.as_deref(),
            from: q.from.as_deref(),
            to: q.to.as_deref(),
            sort: q.sort.as_deref(),
        },
    )
    .map_err(|e| listing::api_error(&e))?;
    let after = q
        .after
        .as_deref()
        .filter(|a| !a.is_empty())
        .map(|a| {
            anju_domain::ApplicationId::new(a)
                .map_err(|e| ApiError::bad_request("invalid_cursor", e.to_string()).field("after"))
        })
        .transpose()?;
    refuse_offset(q.offset.as_deref())?;
    let limit = q.limit.clamp(1, 500);
    let rows = service::list(&st, &user, &req, limit, after.as_ref()).await?;
    let total = service::count(&st, &user, &req).await?;
    let items: Vec<SummaryJson> = rows.iter().map(SummaryJson::from).collect();
    let next_after = (rows.len() as u32 == limit)
        .then(|| rows.last().map(|r| r.id.as_str().to_string()))
        .flatten();
    Ok(Json(ApplicationList {
        items,
        total: total.count(),
        total_exact: total.is_exact(),
        next_after,
    })
    .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationList<'a> {
    items: Vec<SummaryJson<'a>>,
    /// How many the caller may list in all with these filters. Exact
    /// unless `total_exact` is false: a search, category or date filter is
    /// counted to 2,000 at most, and `total` is then 2,000 ("more than").
    /// Page with `after` until `next_after` is null.
    total: u64,
    /// Whether `total` is exact (false: more than `total` match).
    total_exact: bool,
    /// `after` for the next page (in the same order, when this page is full).
    #[schema(required = true)]
    next_after: Option<String>,
}

/// One list line as the API writes it. A typed view rather than a
/// `serde_json::Value`: lists are the most frequent signed-in read, and
/// building a map per row was a visible share of its CPU.
#[derive(Serialize, ToSchema)]
#[schema(as = ApplicationSummary)]
pub struct SummaryJson<'a> {
    #[schema(value_type = String)]
    id: &'a anju_domain::ApplicationId,
    #[schema(value_type = DistrictCodeSchema)]
    district: &'a str,
    status: StatusKind,
    status_label: &'static str,
    masked_name: &'a str,
    masked_id: &'a str,
    /// The family's account (null for one taken at the counter without one).
    #[schema(value_type = Option<String>, required = true)]
    owner: &'a Option<anju_domain::UserId>,
    #[schema(value_type = String, format = DateTime)]
    submitted_at: &'a anju_domain::Timestamp,
    #[schema(value_type = String, format = DateTime)]
    updated_at: &'a anju_domain::Timestamp,
    categories: &'a [String],
    #[schema(required = true)]
    tier: Option<u8>,
    #[schema(required = true)]
    notice_start: Option<NaiveDate>,
    #[schema(required = true)]
    notice_end: Option<NaiveDate>,
    #[schema(required = true)]
    qualified_on: Option<NaiveDate>,
    #[schema(required = true)]
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

/// An application as the API returns it: masked identity unless the reader
/// is the family itself or staff in the detail view.
#[derive(Serialize, ToSchema)]
#[schema(as = Application)]
pub struct ApplicationJson<'a> {
    #[schema(value_type = String)]
    id: &'a anju_domain::ApplicationId,
    #[schema(value_type = DistrictCodeSchema)]
    district: &'a str,
    district_name: String,
    status: StatusKind,
    status_label: &'static str,
    masked_name: &'a str,
    masked_id: &'a str,
    #[schema(required = true)]
    waitlist_place: Option<u32>,
    version: u64,
    /// The whole record: submission, state, verifications, decisions, objections.
    #[schema(value_type = ApplicationRecordSchema)]
    application: &'a anju_domain::Application,
    /// What the caller may do next.
    available_actions: Vec<ActionKind>,
    /// The household facts (detail and submission only).
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<HouseholdSchema>)]
    household: Option<&'a Value>,
    /// The housing preference stated on the form (detail and submission
    /// only; absent when none was stated).
    #[serde(skip_serializing_if = "Option::is_none")]
    preference: Option<super::preference::PreferenceJson>,
}

impl<'a> ApplicationJson<'a> {
    pub fn new(
        stored: &'a anju_store::StoredApplication,
        actor: &anju_domain::Actor,
        detail: bool,
    ) -> Self {
        let app = &stored.app;
        ApplicationJson {
            id: app.id(),
            district: app.district().as_str(),
            district_name: app.district().describe_zh(),
            status: app.status().kind(),
            status_label: app.status().kind().label_zh(),
            masked_name: &stored.masked_name,
            masked_id: &stored.masked_id,
            waitlist_place: stored.waitlist_place,
            version: app.version(),
            application: app,
            available_actions: anju_domain::available_actions(app, actor),
            household: detail.then_some(&stored.household),
            preference: None,
        }
    }

    /// With the preference stated on the form.
    pub fn with_preference(mut self, p: Option<super::preference::PreferenceJson>) -> Self {
        self.preference = p;
        self
    }
}

/// 提交申请 submit (the family online, community staff at the counter).
#[utoipa::path(
    post,
    path = "/api/v1/applications",
    tag = "applications",
    params(Csrf),
    request_body = SubmitRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "community"]))),
    responses(
        (status = 201, description = "the application, submitted", body = ApplicationJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
        (status = 429, response = apidoc::TooManyRequests),
    )
)]
async fn create(State(st): State<AppState>, user: CurrentUser, body: Bytes) -> ApiResult<Response> {
    let req: SubmitRequest = parse_json(&body)?;
    let done = service::submit_application(&st, &user, req).await?;
    Ok((
        StatusCode::CREATED,
        Json(
            ApplicationJson::new(&done.stored, &user.actor, true).with_preference(done.preference),
        ),
    )
        .into_response())
}

/// 申请详情（员工查看记入审计）an application with its household facts (staff reads are audited).
#[utoipa::path(
    get,
    path = "/api/v1/applications/{id}",
    tag = "applications",
    params(("id" = String, Path, description = "application id")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["*"]))),
    responses(
        (status = 200, description = "the application", body = ApplicationJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn detail(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
) -> ApiResult<Response> {
    let stored = service::read_application(&st, &user, &id).await?;
    let preference = super::preference::of_application(&st, stored.app.id().as_str()).await?;
    Ok(
        Json(ApplicationJson::new(&stored, &user.actor, true).with_preference(preference))
            .into_response(),
    )
}

/// 办理 take an action on an application (who may take which: `anju_domain::permissions`).
#[utoipa::path(
    post,
    path = "/api/v1/applications/{id}/actions",
    tag = "applications",
    params(("id" = String, Path, description = "application id"), Csrf),
    request_body = ActionRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["applicant", "community", "street", "verifier:public_security", "verifier:civil_affairs", "verifier:natural_resources", "verifier:human_resources", "verifier:provident_fund", "district_bureau"]))),
    responses(
        (status = 200, description = "the application after the action (without household facts)", body = ApplicationJson),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn action(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(id): Path<String>,
    body: Bytes,
) -> ApiResult<Response> {
    // Who may take this kind of action is decided before the rest of the
    // request is validated: a refused role learns nothing from 400s.
    service::role_may_act(&user, &body)?;
    let req: ActionRequest = parse_json(&body)?;
    let stored = service::act(&st, &user, &id, req).await?;
    Ok(Json(ApplicationJson::new(&stored, &user.actor, false)).into_response())
}

/// A family under public notice, masked.
#[derive(Serialize, ToSchema)]
pub struct NoticeJson<'a> {
    #[schema(value_type = String)]
    application_id: &'a anju_domain::ApplicationId,
    #[schema(value_type = DistrictCodeSchema)]
    district: &'a str,
    district_name: String,
    /// Masked name.
    name: &'a str,
    /// Masked identity number.
    id_number: &'a str,
    categories: &'a [String],
    #[schema(required = true)]
    tier: Option<u8>,
    #[schema(required = true)]
    notice_start: Option<NaiveDate>,
    #[schema(required = true)]
    notice_end: Option<NaiveDate>,
}

impl<'a> From<&'a anju_store::ApplicationSummary> for NoticeJson<'a> {
    fn from(n: &'a anju_store::ApplicationSummary) -> Self {
        NoticeJson {
            application_id: &n.id,
            district: n.district.as_str(),
            district_name: n.district.describe_zh(),
            name: &n.masked_name,
            id_number: &n.masked_id,
            categories: &n.categories,
            tier: n.tier,
            notice_start: n.notice_start,
            notice_end: n.notice_end,
        }
    }
}

#[derive(Serialize, ToSchema)]
pub struct Notices<'a> {
    /// This page of families under notice.
    items: Vec<NoticeJson<'a>>,
    /// How many families are under notice today in all.
    total: u64,
    /// `after` for the next page (keyset: its cost does not grow with
    /// the depth), when there is one.
    #[schema(required = true)]
    next_after: Option<String>,
    /// Where and how to object (article 14).
    how_to_object: &'static str,
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
struct NoticeQuery {
    /// At most this many (default 100, at most 500).
    #[serde(default = "default_limit")]
    #[param(minimum = 1, maximum = 500)]
    limit: u32,
    /// Keyset paging: the families after this application number in the
    /// notice's order (`next_after` of the previous page).
    after: Option<String>,
    /// No longer read: see [`refuse_offset`].
    #[param(ignore)]
    offset: Option<String>,
}

/// 公示名单（脱敏）families under public notice today, masked, a page at a
/// time with the total (public). `notices.xlsx` has every one.
#[utoipa::path(
    get,
    path = "/api/v1/notices",
    tag = "applications",
    params(NoticeQuery),
    responses(
        (status = 200, description = "families under notice", body = Notices),
        (status = 400, response = apidoc::BadRequest),
    )
)]
async fn notices(State(st): State<AppState>, Query(q): Query<NoticeQuery>) -> ApiResult<Response> {
    let limit = q.limit.clamp(1, 500);
    let after = q
        .after
        .as_deref()
        .filter(|a| !a.is_empty())
        .map(|a| {
            anju_domain::ApplicationId::new(a)
                .map_err(|e| ApiError::bad_request("invalid_cursor", e.to_string()).field("after"))
        })
        .transpose()?;
    refuse_offset(q.offset.as_deref())?;
    let rows = match &after {
        Some(id) => service::notices_after_id(&st, id, limit).await?,
        None => service::notices_after(&st, None, limit).await?,
    };
    let total = service::notices_count(&st).await?;
    let full = rows.len() as u32 == limit;
    Ok(Json(Notices {
        total,
        next_after: full
            .then(|| rows.last().map(|r| r.id.as_str().to_string()))
            .flatten(),
        items: rows.iter().map(NoticeJson::from).collect(),
        how_to_object: "对公示对象有异议的，可在公示期内向所在县（区）住建部门实名反映 (objections may be made to the district housing bureau during the notice period; 阳政办发〔2026〕2号 第十四条)",
    })
    .into_response())
}

/// 公示名单 Excel: every family under notice today (public).
#[utoipa::path(
    get,
    path = "/api/v1/notices.xlsx",
    tag = "applications",
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary))
)]
async fn notices_xlsx(State(st): State<AppState>) -> ApiResult<Response> {
    super::notices::workbook_response(&st).await
}

fn department(code: &str) -> ApiResult<Department> {
    Department::from_code(code).ok_or_else(|| ApiError::not_found("核验部门 (department)"))
}

/// 部门核验模板 the department's verification template (its own verifiers).
#[utoipa::path(
    get,
    path = "/api/v1/verification/{department}/template.csv",
    tag = "verification",
    params(("department" = Department, Path)),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["verifier:{department}"]))),
    responses(
        (status = 200, description = "CSV", content_type = "text/csv", body = String),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn template(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(dept): Path<String>,
) -> ApiResult<Response> {
    template_in(st, user, dept, verification::TemplateFormat::Csv).await
}

/// 部门核验模板（Excel）the verification template as XLSX (the department's own verifiers).
#[utoipa::path(
    get,
    path = "/api/v1/verification/{department}/template.xlsx",
    tag = "verification",
    params(("department" = Department, Path)),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["verifier:{department}"]))),
    responses(
        (status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
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
    Ok(match format {
        verification::TemplateFormat::Csv => csv_response(bytes, "verification-template.csv"),
        verification::TemplateFormat::Xlsx => xlsx_response(bytes, "verification-template.xlsx"),
    })
}

/// 上传核验结果（CSV 或 XLSX）upload the department's results (`Accept: text/csv` for the row errors as CSV).
#[utoipa::path(
    post,
    path = "/api/v1/verification/{department}/upload",
    tag = "verification",
    params(("department" = Department, Path), Csrf),
    request_body(content(
        (String = "text/csv"),
        (Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["verifier:{department}"]))),
    responses(
        (status = 200, description = "the import report (or, with Accept: text/csv, its row errors as CSV)", content(
            (ImportReport = "application/json"),
            (String = "text/csv"),
        )),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 413, response = apidoc::TooLarge),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn upload(
    State(st): State<AppState>,
    user: CurrentUser,
    Path(dept): Path<String>,
    headers: HeaderMap,
    body: axum::body::Body,
) -> ApiResult<Response> {
    let d = department(&dept)?;
    // The role first: nobody else makes the server read an upload.
    verification::check_verifier(&user, d)?;
    let body = crate::web::sheets::read_body(body).await?;
    let report = verification::import(&st, &user, d, &body).await?;
    let wants_csv = headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|a| a.contains("text/csv"));
    if wants_csv {
        return Ok(csv_response(report.error_csv()?, "verification-errors.csv"));
    }
    Ok(Json(report).into_response())
}

#[derive(Serialize, ToSchema)]
pub struct Districts {
    items: Vec<DistrictJson>,
}

#[derive(Serialize, ToSchema)]
pub struct DistrictJson {
    #[schema(value_type = DistrictCodeSchema)]
    code: &'static str,
    name: &'static str,
    name_en: &'static str,
}

/// 县（区）列表 the districts (public).
#[utoipa::path(
    get,
    path = "/api/v1/districts",
    tag = "applications",
    responses((status = 200, description = "the districts", body = Districts))
)]
async fn districts() -> Json<Districts> {
    Json(Districts {
        items: anju_domain::YANGQUAN_DISTRICTS
            .iter()
            .map(|d| DistrictJson {
                code: d.code.as_str(),
                name: d.name_zh,
                name_en: d.name_en,
            })
            .collect(),
    })
}

/// Families on each district's waitlist (public figures: no names).
#[derive(Serialize, ToSchema)]
pub struct Waitlist {
    pub items: Vec<WaitlistCount>,
    pub total: u64,
}

#[derive(Serialize, ToSchema)]
pub struct WaitlistCount {
    #[schema(value_type = DistrictCodeSchema)]
    pub district: String,
    pub name: String,
    pub name_en: String,
    pub families: u64,
}

/// The waitlist figures, for the API, the page and the spreadsheet.
pub async fn waitlist_counts(st: &AppState) -> ApiResult<Waitlist> {
    let items: Vec<WaitlistCount> = st
        .store
        .applications()
        .waitlist_counts()
        .await?
        .into_iter()
        .map(|(d, families)| WaitlistCount {
            district: d.as_str().to_string(),
            name: d.describe_zh(),
            name_en: d.describe_en(),
            families,
        })
        .collect();
    let total = items.iter().map(|i| i.families).sum();
    Ok(Waitlist { items, total })
}

/// 轮候库统计 families on each district's waitlist (public).
#[utoipa::path(
    get,
    path = "/api/v1/waitlist",
    tag = "applications",
    responses((status = 200, description = "families per district", body = Waitlist))
)]
async fn waitlist(State(st): State<AppState>) -> ApiResult<Json<Waitlist>> {
    Ok(Json(waitlist_counts(&st).await?))
}

/// 轮候库统计 Excel (public).
#[utoipa::path(
    get,
    path = "/api/v1/waitlist.xlsx",
    tag = "applications",
    responses((status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary))
)]
async fn waitlist_xlsx(State(st): State<AppState>) -> ApiResult<Response> {
    use crate::web::sheets::{official_sheet, Cell, OfficialSheet};
    let w = waitlist_counts(&st).await?;
    let mut rows: Vec<Vec<Cell>> = w
        .items
        .iter()
        .map(|i| {
            vec![
                Cell::Text(i.district.clone()),
                Cell::Text(i.name.clone()),
                Cell::Number(i.families as f64),
            ]
        })
        .collect();
    rows.push(vec![
        Cell::Text(String::new()),
        Cell::Text("合计".into()),
        Cell::Number(w.total as f64),
    ]);
    let office = super::notices::issuing_office(&st);
    let bytes = official_sheet(&OfficialSheet {
        sheet_name: "轮候库统计",
        title: "配售型保障性住房轮候库家庭数统计",
        office: &office,
        period: Some(format!("截至 {}", st.clock.today())),
        issued_on: st.clock.today(),
        header: &["县（区）代码", "县（区）", "轮候家庭数"],
        rows,
        note: Some("轮候库为取得配售资格的家庭（阳政办发〔2026〕2号 第十四条），按县（区）统计，不含个人信息。"),
        widths: &[(0, 14.0), (1, 24.0), (2, 14.0)],
    })?;
    Ok(xlsx_response(bytes, "waitlist.xlsx"))
}
