//! The public notice of families found qualified (masked names and IDs),
//! with its Excel export and a printable version.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::applications::service;
use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::html::Lang;
use crate::web::paging::Pager;
use crate::web::AppState;
use axum::routing::get;
use axum::Router;

/// One family under notice.
struct Row {
    district: String,
    masked_name: String,
    masked_id: String,
    categories: String,
    tier: String,
    start: String,
    end: String,
}

#[derive(askama::Template)]
#[template(path = "applications/templates/notices.html")]
struct NoticesPage<'a> {
    c: &'a Ctx,
    rows: Vec<Row>,
    pager: Option<Pager>,
    total: u64,
    checkpoint: Option<Checkpoint>,
}

/// The audit log's latest signed checkpoint, published with the notice so
/// that anyone who keeps a copy can later prove the log was not cut or
/// rewritten (`anju audit verify --checkpoint`).
struct Checkpoint {
    size: u64,
    head: String,
    at: String,
    public_key: String,
}

/// The same table alone on a page, to print.
#[derive(askama::Template)]
#[template(path = "applications/templates/notices_print.html")]
struct NoticesPrint<'a> {
    c: &'a Ctx,
    rows: Vec<Row>,
    pager: Option<Pager>,
    total: u64,
    checkpoint: Option<Checkpoint>,
    /// Who issues it, the period it covers and the date, for the stamp.
    office: String,
    period: Option<String>,
    today: String,
    today_zh: String,
}

/// Families per page on screen; the printable notice and the export hold
/// every one.
const PER_PAGE: u32 = 100;

pub(super) async fn notices(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let print = q.print.is_some();
    let listed = if print {
        service::all_notices(&st).await.map(|rows| {
            let total = rows.len() as u64;
            (rows, total, None)
        })
    } else {
        // Count first, so that a page past the end shows the last one.
        match service::notices_count(&st).await {
            Ok(total) => {
                let pager = Pager::new(q.page.as_deref(), PER_PAGE, total, "/notices", &[]);
                service::notices_page(&st, PER_PAGE, pager.offset())
                    .await
                    .map(|rows| (rows, total, Some(pager)))
            }
            Err(e) => Err(e),
        }
    };
    let (notices, total, pager) = match listed {
        Ok(r) => r,
        Err(e) => return c.error(e),
    };
    let opt = |d: Option<chrono::NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
    let rows = notices
        .iter()
        .map(|n| Row {
            district: match c.lang {
                Lang::Zh => n.district.describe_zh(),
                Lang::En => n.district.describe_en(),
            },
            masked_name: n.masked_name.clone(),
            masked_id: n.masked_id.clone(),
            categories: crate::applications::notices::categories_zh(&st.policy, &n.categories),
            tier: n.tier.map(|x| x.to_string()).unwrap_or_default(),
            start: opt(n.notice_start),
            end: opt(n.notice_end),
        })
        .collect();
    // A checkpoint that cannot be read leaves the notice itself standing.
    let checkpoint = crate::audit::checkpoints::publication(&st)
        .await
        .ok()
        .and_then(|p| p.latest)
        .map(|s| Checkpoint {
            size: s.checkpoint.size,
            head: s.checkpoint.head,
            at: s
                .checkpoint
                .at
                .to_shanghai()
                .format("%Y-%m-%d %H:%M")
                .to_string(),
            public_key: s.public_key,
        });
    if print {
        let today = st.clock.today();
        c.page(&NoticesPrint {
            c: &c,
            rows,
            pager,
            total,
            checkpoint,
            office: crate::applications::notices::issuing_office(&st),
            period: crate::applications::notices::period(&notices)
                .map(|(s, e)| format!("{}{s} — {e}", c.t("公示期：", "Notice period: "))),
            today: today.to_string(),
            today_zh: today.format("%Y年%m月%d日").to_string(),
        })
    } else {
        c.page(&NoticesPage {
            c: &c,
            rows,
            pager,
            total,
            checkpoint,
        })
    }
}

#[derive(askama::Template)]
#[template(path = "applications/templates/waitlist.html")]
struct WaitlistPage<'a> {
    c: &'a Ctx,
    w: crate::applications::api::Waitlist,
}

/// How many families wait in each district (numbers only).
pub(super) async fn waitlist(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    match crate::applications::api::waitlist_counts(&st).await {
        Ok(w) => c.page(&WaitlistPage { c: &c, w }),
        Err(e) => c.error(e),
    }
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/notices", get(notices))
        .route("/waitlist", get(waitlist))
}
