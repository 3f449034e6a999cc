//! anju's own static files (one stylesheet, one optional script), built into
//! the binary: nothing is fetched from elsewhere, and the pages need no
//! inline style or script (so the Content-Security-Policy can forbid both).

use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::state::AppState;

const CSS: &str = include_str!("static/anju.css");
const JS: &str = include_str!("static/anju.js");
/// ECharts 5.6.0 (`npm pack echarts@5.6.0`, `dist/echarts.min.js`, Apache-2.0:
/// `static/vendor/echarts.LICENSE`), for the dashboards' charts.
const ECHARTS: &str = include_str!("static/vendor/echarts.min.js");

pub fn routes() -> Router<AppState> {
    Router::new()
        .route(
            "/static/anju.css",
            get(|| async { asset(CSS, "text/css; charset=utf-8") }),
        )
        .route(
            "/static/anju.js",
            get(|| async { asset(JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/static/vendor/echarts.min.js",
            get(|| async { asset(ECHARTS, "text/javascript; charset=utf-8") }),
        )
}

fn asset(body: &'static str, media_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, media_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
        .into_response()
}
