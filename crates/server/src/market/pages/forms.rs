//! `/market/act`: the regulator's forms on the dashboard — register a
//! parcel, register a development project, record a district's yearly land
//! figures — each through `market::service`, exactly like the JSON API.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use crate::market::service::{self as svc, LandYear, NewMarketProject, NewParcel};
use crate::web::auth::{self, CSRF_FIELD};
use crate::web::error::ApiError;
use crate::web::forms::{checked, ctx, done_redirect, field, Fields, PageQuery};
use crate::web::AppState;

fn text(f: &Fields, k: &str) -> String {
    field(f, k).unwrap_or("").trim().to_string()
}

fn opt(f: &Fields, k: &str) -> Option<String> {
    field(f, k)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
}

pub(super) async fn act(
    State(st): State<AppState>,
    headers: HeaderMap,
    q: axum::extract::Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/market") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let r = match field(&f, "type") {
        Some("parcel") => svc::add_parcel(
            &st,
            &user,
            NewParcel {
                id: text(&f, "id"),
                name: text(&f, "name"),
                district: text(&f, "district"),
                use_code: text(&f, "use_code"),
                land_m2: text(&f, "land_m2"),
                above_ground_m2: text(&f, "above_ground_m2"),
                residential_m2: opt(&f, "residential_m2"),
                converted_from_commercial: checked(&f, "converted_from_commercial"),
                price_yuan: text(&f, "price_yuan"),
                investment_yuan: opt(&f, "investment_yuan"),
                supply_date: text(&f, "supply_date"),
                contract_start: text(&f, "contract_start"),
                started_on: opt(&f, "started_on"),
                setaside_m2: opt(&f, "setaside_m2"),
                setaside_units: opt(&f, "setaside_units").and_then(|u| u.parse().ok()),
            },
        )
        .await
        .map(|_| "parcel"),
        Some("project") => svc::add_project(
            &st,
            &user,
            NewMarketProject {
                id: text(&f, "id"),
                name: text(&f, "name"),
                district: text(&f, "district"),
                developer: text(&f, "developer"),
                credit_code: text(&f, "credit_code"),
                grade: opt(&f, "grade"),
                investment_yuan: text(&f, "investment_yuan"),
                counted_m2: text(&f, "counted_m2"),
            },
        )
        .await
        .map(|_| "project"),
        Some("land_year") => match text(&f, "year").parse::<i32>() {
            Ok(year) => svc::put_land_year(
                &st,
                &user,
                LandYear {
                    district: text(&f, "district"),
                    year,
                    revitalised_m2: text(&f, "revitalised_m2"),
                    previous_supply_m2: text(&f, "previous_supply_m2"),
                },
            )
            .await
            .map(|_| "land_year"),
            Err(_) => Err(ApiError::bad_request(
                "invalid_field",
                "年份应为数字，如2026 (year: a number like 2026)",
            )
            .field("year")),
        },
        _ => Err(ApiError::bad_request("invalid_field", "未知操作 (unknown action)").field("type")),
    };
    match r {
        Ok(code) => done_redirect(&headers, &st, "/market", code),
        Err(e) => c.error(e),
    }
}
