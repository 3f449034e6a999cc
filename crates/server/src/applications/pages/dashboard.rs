//! `/dashboard`: the staff member's overview — what waits for me, what is
//! overdue, and applications per state and district, as a table and a
//! chart (the table carries the same figures for those without script).

use anju_domain::StatusKind;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;
use serde_json::json;

use crate::applications::dashboard::dashboard;
use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::html::district_name;
use crate::web::AppState;

use super::common::status_label;

/// A count that links to the list it counts.
struct Tile {
    label: String,
    n: u64,
    href: String,
}

/// One state's row: its name and a count per district, then the total.
struct CountRow {
    label: &'static str,
    cells: Vec<u64>,
    total: u64,
}

#[derive(askama::Template)]
#[template(path = "applications/templates/dashboard.html")]
struct DashboardPage<'a> {
    c: &'a Ctx,
    scope: String,
    waiting: Vec<Tile>,
    overdue: Vec<Tile>,
    districts: Vec<String>,
    rows: Vec<CountRow>,
    chart: String,
}

fn code(s: StatusKind) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

async fn page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/dashboard") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let d = match dashboard(&st, &user).await {
        Ok(d) => d,
        Err(e) => return c.error(e),
    };
    let l = c.lang;
    let waiting = d
        .waiting
        .iter()
        .map(|(s, n)| Tile {
            label: status_label(l, *s).to_string(),
            n: *n,
            href: format!("/work?status={}", code(*s)),
        })
        .collect();
    // A notice past its end whose family is not yet confirmed: the bureau's
    // next step is late (001 art. 14: qualified once the notice passes
    // without objection).
    let overdue = d
        .notices_past_end
        .iter()
        .map(|(dist, n)| Tile {
            label: format!(
                "{}{}",
                district_name(l, dist.as_str()),
                l.t(
                    "：公示期满，待确认资格",
                    ": notice ended, qualification to confirm"
                )
            ),
            n: *n,
            href: "/work?status=on_notice".to_string(),
        })
        .collect();
    let districts: Vec<String> = d
        .counts
        .keys()
        .map(|k| district_name(l, k.as_str()))
        .collect();
    let rows: Vec<CountRow> = StatusKind::ALL
        .iter()
        .map(|s| {
            let cells: Vec<u64> = d
                .counts
                .values()
                .map(|m| m.get(s).copied().unwrap_or(0))
                .collect();
            CountRow {
                label: status_label(l, *s),
                total: cells.iter().sum(),
                cells,
            }
        })
        .collect();
    let chart = json!({
        "kind": "stacked",
        "y": l.t("申请数", "applications"),
        "categories": rows.iter().map(|r| r.label).collect::<Vec<_>>(),
        "series": districts.iter().enumerate().map(|(i, name)| json!({
            "name": name,
            "data": rows.iter().map(|r| r.cells[i]).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
    })
    .to_string();
    let scope = match &user.user.district {
        Some(dist) => district_name(l, dist.as_str()),
        None => l.t("全市", "whole city").to_string(),
    };
    c.page(&DashboardPage {
        c: &c,
        scope,
        waiting,
        overdue,
        districts,
        rows,
        chart,
    })
}

/// This page's routes, declared beside its handler.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/dashboard", get(page))
}
