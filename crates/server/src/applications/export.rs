//! The applications register as CSV: every application the caller may
//! list, with the work list's filters, streamed a keyset page at a time —
//! a province's 10⁶ applications without holding them (issue 11 item 5).
//! Names and identity numbers are masked as in the list. Each export is
//! audited, with its filters and how many rows they matched when it began,
//! before its first row is sent.

use anju_store::{ListCursor, ListOrder};
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;
use utoipa::IntoParams;

use crate::applications::notices::categories_zh;
use crate::applications::{listing, service};
use crate::web::apidoc;
use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::ApiResult;
use crate::web::extract::Query;
use crate::web::stream::{csv_download, PAGE_ROWS};
use crate::web::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(super) struct ExportQuery {
    /// Only applications in this state.
    status: Option<anju_domain::StatusKind>,
    /// Search, as the list's `q`.
    q: Option<String>,
    /// Only this district (six-digit code).
    district: Option<String>,
    /// Only families qualified in this category (the policy's code).
    category: Option<String>,
    /// Submitted on or after this day (YYYY-MM-DD, Beijing time).
    from: Option<String>,
    /// Submitted on or before this day (YYYY-MM-DD, Beijing time).
    to: Option<String>,
}

const HEADER: [&str; 11] = [
    "申请编号",
    "县（区）",
    "姓名",
    "身份证号",
    "状态",
    "类别",
    "轮次",
    "提交时间",
    "最近办理",
    "公示期",
    "轮候序号",
];

/// 申请登记表 CSV（脱敏，流式，按提交时间最新在前）the applications register as CSV.
#[utoipa::path(
    get,
    path = "/api/v1/applications.csv",
    tag = "applications",
    params(ExportQuery),
    security(("session" = [])),
    extensions(("x-anju-roles" = json!(["*"]))),
    responses(
        (status = 200, description = "CSV, newest submission first", content_type = "text/csv", body = String),
        (status = 400, response = apidoc::BadRequest),
        (status = 401, response = apidoc::Unauthorized),
    )
)]
pub(super) async fn applications_csv(
    State(st): State<AppState>,
    user: CurrentUser,
    Query(q): Query<ExportQuery>,
) -> ApiResult<Response> {
    let status = q.status.map(listing::status_code);
    let mut req = listing::parse(
        &st,
        listing::RawList {
            status: status.as_deref(),
            district: q.district.as_deref(),
            q: q.q.as_deref(),
            category: q.category.as_deref(),
            from: q.from.as_deref(),
            to: q.to.as_deref(),
            sort: None,
        },
    )
    .map_err(|e| listing::api_error(&e))?;
    // Keyset pages run newest first: the export's one order.
    req.order = ListOrder::NewestFirst;
    let filter = service::list_scope(&user, &req);
    let matched = match &filter {
        Some(f) => st.store.applications().count_listed(f).await?,
        None => 0,
    };
    let now = st.clock.now();
    st.store
        .audit()
        .append_audit(audit(
            &user,
            now,
            "personal_data.export".into(),
            "applications".into(),
            json!({
                "status": status,
                "district": q.district,
                "category": q.category,
                "from": q.from,
                "to": q.to,
                "search": q.q.is_some(),
                "rows": matched,
            }),
        ))
        .await?;
    let header = HEADER.iter().map(|h| h.to_string()).collect();
    // State: the filter (none: nothing to list) and the cursor; `None`
    // once the last page was sent.
    let start = filter.map(|f| (f, None::<ListCursor>));
    let pages = futures_util::stream::unfold(start, move |state| {
        let st = st.clone();
        async move {
            let (filter, after) = state?;
            let page = match service::listed_after(&st, filter.clone(), after, PAGE_ROWS).await {
                Ok(p) => p,
                Err(e) => return Some((Err(e), None)),
            };
            if page.is_empty() {
                return None;
            }
            let next = (page.len() == PAGE_ROWS as usize)
                .then(|| page.last().map(|l| (filter, Some(ListCursor::of(l)))))
                .flatten();
            Some((Ok(page.iter().map(|n| row(n, &st.policy)).collect()), next))
        }
    });
    Ok(csv_download(header, pages, "applications.csv"))
}

fn row(n: &anju_store::ApplicationSummary, policy: &anju_policy::Policy) -> Vec<String> {
    vec![
        n.id.as_str().to_string(),
        n.district.describe_zh().to_string(),
        n.masked_name.clone(),
        n.masked_id.clone(),
        n.status.label_zh().to_string(),
        categories_zh(policy, &n.categories),
        n.tier.map(|t| t.to_string()).unwrap_or_default(),
        n.submitted_at
            .to_shanghai()
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        n.updated_at
            .to_shanghai()
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        match (n.notice_start, n.notice_end) {
            (Some(s), Some(e)) => format!("{s} 至 {e}"),
            _ => String::new(),
        },
        n.waitlist_place.map(|p| p.to_string()).unwrap_or_default(),
    ]
}
