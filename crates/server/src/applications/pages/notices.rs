//! The public notice of families found qualified (masked names and IDs),
//! with its Excel export and a printable version.

use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use anju_store::{ApplicationSummary, ListCursor};

use crate::applications::{listing, service};
use crate::web::error::ApiResult;
use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::html::Lang;
use crate::web::paging::{self, PageAt, PageRequest, Pager, Shown};
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
        screen_page(&st, &q).await
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

/// The notice's page on screen, by keyset in the notice's order (newest
/// first; see `web::paging`): its lines, the total, the pager.
async fn screen_page(
    st: &AppState,
    q: &PageQuery,
) -> ApiResult<(Vec<ApplicationSummary>, u64, Option<Pager>)> {
    let total = service::notices_count(st).await?;
    let ask = PageRequest::from_query(
        q.after.as_deref(),
        q.before.as_deref(),
        q.last.as_deref(),
        q.row.as_deref(),
    );
    let mut at = ask.at.parse_with(|t| listing::parse_cursor(t));
    let mut page = paging::settle(
        &at,
        service::notices_at(st, PER_PAGE + 1, &at).await?,
        PER_PAGE,
    );
    if page.restart {
        at = PageAt::First;
        page = paging::settle(
            &at,
            service::notices_at(st, PER_PAGE + 1, &at).await?,
            PER_PAGE,
        );
    }
    let key = |r: &ApplicationSummary| listing::cursor_text(&ListCursor::of(r));
    let pager = Pager::new(
        "/notices",
        &[("lang", q.lang.as_deref().unwrap_or(""))],
        PER_PAGE,
        anju_store::ListTotal::Exact(total),
        Shown {
            at: &at,
            row: ask.row,
            count: page.rows.len(),
            more_before: page.more_before,
            more_after: page.more_after,
            first_key: page.rows.first().map(key),
            last_key: page.rows.last().map(key),
        },
    );
    Ok((page.rows, total, Some(pager)))
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
