//! `/api/v1/market/…`: market regulation over JSON. Market regulators
//! record; they, the city housing bureau and auditors read. Every change
//! needs a session and its `X-CSRF-Token`.

use anju_market::import::COLUMNS;
use anju_market::Area;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::market::exports;
use crate::market::service::{self as svc, *};
use crate::web::apidoc::{self, Binary, Csrf};
use crate::web::auth::CurrentUser;
use crate::web::error::ApiResult;
use crate::web::extract::{Path, Query};
use crate::web::json::parse_json;
use crate::web::sheets::{csv_bytes, csv_response, xlsx_response};
use crate::web::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(destocking))
        .routes(routes!(destocking_xlsx))
        .routes(routes!(import_monthly))
        .routes(routes!(monthly_template))
        .routes(routes!(land_supply))
        .routes(routes!(land_year))
        .routes(routes!(parcels, add_parcel))
        .routes(routes!(parcels_xlsx))
        .routes(routes!(parcel_started))
        .routes(routes!(plot_ratio))
        .routes(routes!(projects, add_project))
        .routes(routes!(projects_xlsx))
        .routes(routes!(project))
        .routes(routes!(update_project))
        .routes(routes!(fund_entry))
        .routes(routes!(ledger_xlsx))
        .routes(routes!(rent_levels, import_rents))
        .routes(routes!(plot_ratio_sheet))
        .routes(routes!(plot_template))
}

/// 容积率计算（上传面积明细表 CSV 或 XLSX，逐行报错）plot-ratio counting from an area-schedule sheet. Where the city's documents set no counting rules (Yangquan) this is a reference calculation under 鄂府发〔2025〕34号 (鄂尔多斯市): `reference`, `document` and `city` in the answer say so.
#[utoipa::path(
    post,
    path = "/api/v1/market/plot-ratio/schedule",
    tag = "market",
    params(Csrf),
    request_body(content(
        (String = "text/csv"),
        (Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "counted area item by item, and rows not read", body = PlotSheetResult),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 413, response = apidoc::TooLarge),
    )
)]
async fn plot_ratio_sheet(
    State(st): State<AppState>,
    user: CurrentUser,
    body: axum::body::Body,
) -> ApiResult<Json<PlotSheetResult>> {
    svc::may_read(&user)?;
    let body = crate::web::sheets::read_body(body).await?;
    let rows = crate::web::sheets::upload_rows(&body)?;
    Ok(Json(svc::plot_ratio_sheet(&st, &user, &rows)?))
}

/// 面积明细表模板（CSV）the area-schedule template.
#[utoipa::path(
    get,
    path = "/api/v1/market/plot-ratio/template.csv",
    tag = "market",
    responses((status = 200, description = "CSV", content_type = "text/csv", body = String))
)]
async fn plot_template() -> ApiResult<Response> {
    let rows: Vec<Vec<String>> = [
        anju_market::plot_sheet::COLUMNS.to_vec(),
        vec!["用地", "2.50", "10000", "", "", "", "", ""],
        vec!["其他计容", "", "20000", "", "", "", "", ""],
        vec!["户型", "100", "", "100", "120", "4", "2.2", ""],
        vec!["户型", "10", "45", "180", "200", "", "", ""],
        vec!["架空层", "", "600", "", "1000", "", "4.9", ""],
        vec!["空中花园", "", "50", "", "", "", "", "是"],
        vec!["风雨连廊", "", "200", "", "", "", "", "是"],
    ]
    .iter()
    .map(|r| r.iter().map(|c| c.to_string()).collect())
    .collect();
    Ok(csv_response(
        csv_bytes(&rows)?,
        "area-schedule-template.csv",
    ))
}

/// 租金水平（按县区、户型、月份公布，每平方米每月）published rent levels per m² per month by district, home type and month (public: the city's rent-monitoring article, e.g. 山西省“十四五”城镇住房发展规划 五（四） for Yangquan, 鄂府发〔2025〕34号 四（三） for Ordos).
#[utoipa::path(
    get,
    path = "/api/v1/market/rents",
    tag = "market",
    responses((status = 200, description = "rent levels (median and mean, fen per m² per month)", body = Vec<anju_market::rent::RentLevel>))
)]
async fn rent_levels(
    State(st): State<AppState>,
) -> ApiResult<Json<Vec<anju_market::rent::RentLevel>>> {
    Ok(Json(svc::rent_levels(&st).await?))
}

/// 导入租赁备案与租金调查样本（CSV 或 XLSX，逐行报错）import rent samples from filed leases and surveys.
#[utoipa::path(
    post,
    path = "/api/v1/market/rents",
    tag = "market",
    params(Csrf),
    request_body(content(
        (String = "text/csv"),
        (Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator"]))),
    responses(
        (status = 200, description = "rows read, saved, row errors", body = RentImport),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 413, response = apidoc::TooLarge),
    )
)]
async fn import_rents(
    State(st): State<AppState>,
    user: CurrentUser,
    body: axum::body::Body,
) -> ApiResult<Json<RentImport>> {
    svc::may_write(&user)?;
    let body = crate::web::sheets::read_body(body).await?;
    let rows = crate::web::sheets::upload_rows(&body)?;
    Ok(Json(svc::import_rents(&st, &user, &rows).await?))
}

/// 各县区商品住房去化周期（逐月，含计算依据；公开发布）destocking periods by district and month, with their inputs — published to anyone (Ordos's 鄂府发〔2025〕34号 一（一） has the housing bureau publish them; for Yangquan, publication is anju's transparency choice beside 山西省“十四五”城镇住房发展规划 三（三）).
#[utoipa::path(
    get,
    path = "/api/v1/market/destocking",
    tag = "market",
    responses(
        (status = 200, description = "series by district and housing type", body = Vec<DestockSeries>),
    )
)]
async fn destocking(State(st): State<AppState>) -> ApiResult<Json<Vec<DestockSeries>>> {
    Ok(Json(svc::published_destocking(&st).await?))
}

/// 去化周期表（XLSX）the destocking table as XLSX.
#[utoipa::path(
    get,
    path = "/api/v1/market/destocking.xlsx",
    tag = "market",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn destocking_xlsx(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let s = svc::destocking(&st, &user).await?;
    Ok(xlsx_response(exports::destocking(&s)?, "destocking.xlsx"))
}

/// 导入月度网签与库存（CSV 或 XLSX，逐行报错）import monthly sales and inventory with row-level errors.
#[utoipa::path(
    post,
    path = "/api/v1/market/monthly",
    tag = "market",
    params(Csrf),
    request_body(content(
        (String = "text/csv"),
        (Binary = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator"]))),
    responses(
        (status = 200, description = "rows read, saved, row errors", body = MonthlyImport),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 413, response = apidoc::TooLarge),
    )
)]
async fn import_monthly(
    State(st): State<AppState>,
    user: CurrentUser,
    body: axum::body::Body,
) -> ApiResult<Json<MonthlyImport>> {
    // The role first: nobody else makes the server read an upload.
    svc::may_write(&user)?;
    let body = crate::web::sheets::read_body(body).await?;
    let rows = crate::web::sheets::upload_rows(&body)?;
    Ok(Json(svc::import_monthly(&st, &user, &rows, "api").await?))
}

/// 月度数据模板（CSV）the monthly file template.
#[utoipa::path(
    get,
    path = "/api/v1/market/monthly/template.csv",
    tag = "market",
    responses((status = 200, description = "CSV", content_type = "text/csv", body = String))
)]
async fn monthly_template() -> ApiResult<Response> {
    let rows = vec![
        COLUMNS.iter().map(|c| c.1.to_string()).collect::<Vec<_>>(),
        ["140302", "住宅", "2026-10", "120", "11000.50", "300000"]
            .map(String::from)
            .to_vec(),
    ];
    Ok(csv_response(
        csv_bytes(&rows)?,
        "market-monthly-template.csv",
    ))
}

#[derive(Deserialize, IntoParams)]
struct LandQuery {
    /// District code, e.g. 140302; every district when absent.
    #[serde(default)]
    district: Option<String>,
    /// Year, e.g. 2026; this year when absent.
    #[serde(default)]
    year: Option<i32>,
    /// A proposed new residential land supply to check, m².
    #[serde(default)]
    proposed_m2: Option<String>,
}

/// 土地供应决定（按本市规则的档位，含数据与条款）the land-supply decision for a district (or every district) and year, explained.
#[utoipa::path(
    get,
    path = "/api/v1/market/land-supply",
    tag = "market",
    params(LandQuery),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "the decision of each district asked", body = Vec<LandDecisionJson>),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn land_supply(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<LandQuery>,
) -> ApiResult<Json<Vec<LandDecisionJson>>> {
    svc::may_read(&user)?;
    let proposed = match q.proposed_m2.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => Some(Area::parse_m2(s).ok_or_else(|| {
            svc::bad(
                "proposed_m2",
                "拟出让面积应为非负面积（平方米） (proposed_m2: square metres)".into(),
            )
        })?),
    };
    let year = q.year.unwrap_or_else(|| svc::year_of(st.clock.today()));
    Ok(Json(match q.district {
        Some(d) => vec![svc::land_decision(&st, &user, &d, year, proposed).await?],
        None => svc::land_decisions(&st, &user, year).await?,
    }))
}

/// 录入年度盘活面积与上年供应面积 record a district's yearly land figures.
#[utoipa::path(
    put,
    path = "/api/v1/market/land-years",
    tag = "market",
    params(Csrf),
    request_body = LandYear,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator"]))),
    responses(
        (status = 204, description = "saved"),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn land_year(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<StatusCode> {
    svc::may_write(&user)?;
    let l: LandYear = parse_json(&body)?;
    svc::put_land_year(&st, &user, l).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 地块登记（含闲置认定与配建要求）parcels with idle-land findings and set-asides on today's date (`not_regulated` when the city's documents set no set-aside: 本市文件未规定配建比例).
#[utoipa::path(
    get,
    path = "/api/v1/market/parcels",
    tag = "market",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "parcels", body = Vec<ParcelView>),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn parcels(
    State(st): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<ParcelView>>> {
    Ok(Json(svc::parcels(&st, &user).await?))
}

/// 登记地块 register a parcel.
#[utoipa::path(
    post,
    path = "/api/v1/market/parcels",
    tag = "market",
    params(Csrf),
    request_body = NewParcel,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator"]))),
    responses(
        (status = 201, description = "the parcel", body = ParcelView),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 409, response = apidoc::Conflict),
    )
)]
async fn add_parcel(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Response> {
    svc::may_write(&user)?;
    let p: NewParcel = parse_json(&body)?;
    let v = svc::add_parcel(&st, &user, p).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// 地块表（XLSX）parcels as XLSX.
#[utoipa::path(
    get,
    path = "/api/v1/market/parcels.xlsx",
    tag = "market",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn parcels_xlsx(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let p = svc::parcels(&st, &user).await?;
    Ok(xlsx_response(exports::parcels(&p)?, "parcels.xlsx"))
}

#[derive(Deserialize, utoipa::ToSchema)]
struct Started {
    #[schema(example = "2026-11-01")]
    started_on: String,
}

/// 登记地块动工 record that construction started on a parcel.
#[utoipa::path(
    post,
    path = "/api/v1/market/parcels/{district}/{id}/started",
    tag = "market",
    params(("district" = String, Path, description = "district code"), ("id" = String, Path, description = "parcel id"), Csrf),
    request_body = Started,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator"]))),
    responses(
        (status = 204, description = "saved"),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn parcel_started(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((district, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<StatusCode> {
    svc::may_write(&user)?;
    let s: Started = parse_json(&body)?;
    svc::parcel_started(&st, &user, &district, &id, &s.started_on).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 容积率计算（九条计容规则逐项说明）plot-ratio counting under the nine rules, item by item. A reference calculation under 鄂府发〔2025〕34号 (鄂尔多斯市) where the city's documents set no counting rules: `reference`, `document` and `city` say whose rules were used.
#[utoipa::path(
    post,
    path = "/api/v1/market/plot-ratio",
    tag = "market",
    params(Csrf),
    request_body = PlotRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "counted area, item by item", body = PlotResult),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn plot_ratio(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Json<PlotResult>> {
    svc::may_read(&user)?;
    let r: PlotRequest = parse_json(&body)?;
    Ok(Json(svc::plot_ratio(&st, &user, &r)?))
}

/// 房地产开发项目台账（含包联领导级别与可拨付额度）the development project ledger.
#[utoipa::path(
    get,
    path = "/api/v1/market/projects",
    tag = "market",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "projects", body = Vec<ProjectView>),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn projects(
    State(st): State<AppState>,
    user: CurrentUser,
) -> ApiResult<Json<Vec<ProjectView>>> {
    Ok(Json(svc::projects(&st, &user).await?))
}

/// 登记开发项目 register a development project.
#[utoipa::path(
    post,
    path = "/api/v1/market/projects",
    tag = "market",
    params(Csrf),
    request_body = NewMarketProject,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator"]))),
    responses(
        (status = 201, description = "the project", body = ProjectView),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 409, response = apidoc::Conflict),
    )
)]
async fn add_project(
    State(st): State<AppState>,
    user: CurrentUser,
    body: Bytes,
) -> ApiResult<Response> {
    svc::may_write(&user)?;
    let p: NewMarketProject = parse_json(&body)?;
    let v = svc::add_project(&st, &user, p).await?;
    Ok((StatusCode::CREATED, Json(v)).into_response())
}

/// 开发项目台账（XLSX，报住建局）the project ledger as XLSX, for the bureau.
#[utoipa::path(
    get,
    path = "/api/v1/market/projects.xlsx",
    tag = "market",
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
    )
)]
async fn projects_xlsx(State(st): State<AppState>, user: CurrentUser) -> ApiResult<Response> {
    let p = svc::projects(&st, &user).await?;
    Ok(xlsx_response(exports::projects(&p)?, "projects.xlsx"))
}

/// 开发项目及预售资金台账 a project with its pre-sale fund ledger.
#[utoipa::path(
    get,
    path = "/api/v1/market/projects/{district}/{id}",
    tag = "market",
    params(("district" = String, Path, description = "district code"), ("id" = String, Path, description = "project id")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "the project and its ledger", body = ProjectDetail),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn project(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((district, id)): Path<(String, String)>,
) -> ApiResult<Json<ProjectDetail>> {
    Ok(Json(svc::project(&st, &user, &district, &id).await?))
}

/// 更新信用等级、施工节点、阶段、风险状态 change a project's grade, node, stage or risk.
#[utoipa::path(
    post,
    path = "/api/v1/market/projects/{district}/{id}/status",
    tag = "market",
    params(("district" = String, Path, description = "district code"), ("id" = String, Path, description = "project id"), Csrf),
    request_body = ProjectUpdate,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator"]))),
    responses(
        (status = 200, description = "the project", body = ProjectDetail),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
    )
)]
async fn update_project(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((district, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<ProjectDetail>> {
    svc::may_write(&user)?;
    let u: ProjectUpdate = parse_json(&body)?;
    Ok(Json(
        svc::update_project(&st, &user, &district, &id, u).await?,
    ))
}

/// 预售资金入账、保函、拨付申请（逐项审核并记入台账）a deposit, a bank guarantee or a release request, checked and recorded.
#[utoipa::path(
    post,
    path = "/api/v1/market/projects/{district}/{id}/funds",
    tag = "market",
    params(("district" = String, Path, description = "district code"), ("id" = String, Path, description = "project id"), Csrf),
    request_body = FundRequest,
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator"]))),
    responses(
        (status = 200, description = "recorded; a refused release is recorded too, with approved = false", body = FundOutcome),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
        (status = 409, response = apidoc::Conflict),
        (status = 422, response = apidoc::Unprocessable),
    )
)]
async fn fund_entry(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((district, id)): Path<(String, String)>,
    body: Bytes,
) -> ApiResult<Json<FundOutcome>> {
    svc::may_write(&user)?;
    let r: FundRequest = parse_json(&body)?;
    Ok(Json(svc::fund_entry(&st, &user, &district, &id, r).await?))
}

/// 预售资金台账（XLSX，供监管银行与住建局）the fund ledger as XLSX, for the bank and the bureau.
#[utoipa::path(
    get,
    path = "/api/v1/market/projects/{district}/{id}/ledger.xlsx",
    tag = "market",
    params(("district" = String, Path, description = "district code"), ("id" = String, Path, description = "project id")),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["market_regulator", "city_bureau", "auditor"]))),
    responses(
        (status = 200, description = "XLSX", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Binary),
        (status = 401, response = apidoc::Unauthorized),
        (status = 403, response = apidoc::Forbidden),
        (status = 404, response = apidoc::NotFound),
    )
)]
async fn ledger_xlsx(
    State(st): State<AppState>,
    user: CurrentUser,
    Path((district, id)): Path<(String, String)>,
) -> ApiResult<Response> {
    let d = svc::project(&st, &user, &district, &id).await?;
    Ok(xlsx_response(
        exports::ledger(&d)?,
        &format!("ledger-{district}-{id}.xlsx"),
    ))
}
