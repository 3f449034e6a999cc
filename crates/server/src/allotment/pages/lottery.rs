//! The lottery's documents, served by the site itself: the specification
//! of anju-lottery-v1 (docs/lottery.md, rendered when the binary was built)
//! as a page, and the independent reference script
//! (tools/lottery_reference.py) as a download. The public pages send
//! families here to re-check a draw; before, they named files of the
//! source tree that the site did not serve.

use axum::extract::{Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};

use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::html::Markup;
use crate::web::AppState;

/// docs/lottery.md as HTML (build.rs).
const SPEC_HTML: &str = include_str!(concat!(env!("OUT_DIR"), "/lottery.html"));
/// The reference script, byte for byte as in the repository.
pub(crate) const REFERENCE_SCRIPT: &[u8] =
    include_bytes!("../../../../../tools/lottery_reference.py");

#[derive(askama::Template)]
#[template(path = "allotment/templates/lottery.html")]
struct LotteryPage<'a> {
    c: &'a Ctx,
    spec: Markup,
}

pub(super) async fn spec(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    c.page(&LotteryPage {
        c: &c,
        spec: Markup::from_build(SPEC_HTML),
    })
}

pub(super) async fn reference_script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/x-python; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"lottery_reference.py\"",
            ),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        REFERENCE_SCRIPT,
    )
        .into_response()
}
