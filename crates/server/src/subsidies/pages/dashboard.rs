//! `/indicators`: the province indicator dashboard (public), the city
//! housing bureau's import form and its report.

use axum::extract::{Multipart, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use anju_domain::Role;
use anju_subsidies::indicators::{fmt_milli, Measure};

use crate::subsidies::dashboard::{self, nature_zh, ImportReport};
use crate::web::forms::{ctx, read_upload, Ctx, PageQuery};
use crate::web::AppState;

const SCRIPT: &str = include_str!("../static/dashboard.js");

pub(super) async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        SCRIPT,
    )
        .into_response()
}

#[derive(Deserialize, Default)]
pub(super) struct CityQuery {
    city: Option<String>,
    lang: Option<String>,
}

pub(crate) struct IndicatorRow {
    pub group: String,
    pub name: String,
    pub target: String,
    pub nature: String,
    pub actual: String,
    pub unit: String,
    pub progress: String,
    /// 0–100 for the <progress> bar (capped: a bar cannot exceed its max).
    pub bar: i64,
    pub measure: String,
    pub definition: String,
}

pub(crate) struct CityOpt {
    pub name: String,
    pub selected: bool,
}

#[derive(askama::Template)]
#[template(path = "subsidies/templates/dashboard.html")]
struct DashboardPage<'a> {
    c: &'a Ctx,
    source: &'static str,
    period: String,
    city: String,
    cities: Vec<CityOpt>,
    samples: bool,
    rows: Vec<IndicatorRow>,
    chart_json: String,
    may_import: bool,
    export_href: String,
    report: Option<ImportReport>,
    own: Option<crate::subsidies::dashboard::OwnFigures>,
    own_sources: [(&'static str, &'static str); 3],
}

async fn render(
    st: &AppState,
    c: &Ctx,
    city: Option<String>,
    report: Option<ImportReport>,
) -> Response {
    let d = match dashboard::view(st, city.as_deref()).await {
        Ok(d) => d,
        Err(e) => return c.error(e),
    };
    let pct = |bp: i64| format!("{}%", fmt_milli(bp * 10));
    let rows: Vec<IndicatorRow> = d
        .progress
        .iter()
        .map(|p| IndicatorRow {
            group: p.indicator.group.into(),
            name: p.indicator.name.into(),
            target: p.indicator.printed.into(),
            nature: c
                .t(
                    nature_zh(p.indicator.nature),
                    match p.indicator.nature {
                        Some(anju_subsidies::indicators::Nature::Expected) => "expected",
                        Some(anju_subsidies::indicators::Nature::Binding) => "binding",
                        None => "",
                    },
                )
                .to_owned(),
            actual: if p.by_year.is_empty() {
                "—".into()
            } else {
                fmt_milli(p.actual_milli)
            },
            unit: p.indicator.unit.into(),
            progress: if p.by_year.is_empty() {
                "—".into()
            } else {
                pct(p.progress_bp)
            },
            bar: (p.progress_bp / 100).clamp(0, 100),
            measure: match p.indicator.measure {
                Measure::Cumulative => c.t("历年累计", "sum of the years"),
                Measure::Level => c.t("最近一年", "latest year"),
            }
            .to_owned(),
            definition: p.indicator.definition.unwrap_or("").into(),
        })
        .collect();
    let chart = serde_json::json!({
        "labels": d.progress.iter().map(|p| p.indicator.name).collect::<Vec<_>>(),
        "progress": d.progress.iter().map(|p| p.progress_bp as f64 / 100.0).collect::<Vec<_>>(),
        "series": c.t("完成进度", "progress"),
    });
    // The JSON goes into a script block unescaped (`|safe`: HTML entities
    // would not be decoded there), so it may hold no character HTML gives a
    // meaning to: JSON's own \u escapes stand for them.
    let chart_json = chart
        .to_string()
        .replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e");
    let export_href = match &d.city {
        Some(city) => format!(
            "/api/v1/indicators.xlsx?city={}",
            crate::web::html::url_encode(city)
        ),
        None => "/api/v1/indicators.xlsx".into(),
    };
    let page = DashboardPage {
        source: d.source,
        period: format!("{}–{}", d.first_year, d.last_year),
        city: d.city.clone().unwrap_or_default(),
        cities: d
            .cities
            .iter()
            .map(|n| CityOpt {
                name: n.clone(),
                selected: d.city.as_deref() == Some(n.as_str()),
            })
            .collect(),
        samples: d.includes_samples,
        rows,
        chart_json,
        may_import: c
            .user
            .as_ref()
            .is_some_and(|u| u.user.role == Role::CityBureau),
        export_href,
        report,
        own: d.own.clone(),
        own_sources: crate::subsidies::dashboard::OWN_SOURCES,
        c,
    };
    c.page(&page)
}

pub(super) async fn show(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<CityQuery>,
) -> Response {
    let pq = PageQuery {
        lang: q.lang.clone(),
        ..PageQuery::default()
    };
    let c = ctx(&st, &headers, &pq).await;
    render(&st, &c, q.city, None).await
}

pub(super) async fn import(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    mp: Multipart,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/indicators") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = dashboard::may_import(&user) {
        return c.error(e);
    }
    let body = match read_upload(&user, mp).await {
        Ok(b) => b,
        Err(e) => return c.error(e),
    };
    match dashboard::import(&st, &user, &body, false).await {
        Ok(report) => render(&st, &c, None, Some(report)).await,
        Err(e) => c.error(e),
    }
}
