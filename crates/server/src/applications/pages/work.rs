//! The staff workspace (and the family's own list): the applications the
//! signed-in role may see, filtered by status, with the role's next step.

use anju_domain::{Role, StatusKind};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde_json::json;

use crate::applications::service;
use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::html::Lang;
use crate::web::paging::Pager;
use crate::web::AppState;

use super::common::status_label;
use axum::routing::get;
use axum::Router;

/// A button-like link at the top of the workspace.
struct Link {
    href: String,
    id: Option<&'static str>,
    secondary: bool,
    label: &'static str,
}

/// A status to filter by: its code (`?status=`) and name.
struct Filter {
    code: String,
    label: &'static str,
}

/// One application in the list.
struct Row {
    id: String,
    district: String,
    masked_name: String,
    masked_id: String,
    status: &'static str,
    updated: String,
}

#[derive(askama::Template)]
#[template(path = "applications/templates/work.html")]
struct WorkPage<'a> {
    c: &'a Ctx,
    district: String,
    links: Vec<Link>,
    filters: Vec<Filter>,
    rows: Vec<Row>,
    pager: Pager,
    /// "我的草稿" (families and counter clerks).
    drafts: Option<crate::web::html::Markup>,
    /// What the last action did.
    done: Option<&'static str>,
}

/// Applications per page of the work list.
const PER_PAGE: u32 = 100;

fn district_name(l: Lang, d: &anju_domain::DistrictCode) -> String {
    match l {
        Lang::Zh => d.describe_zh(),
        Lang::En => d.describe_en(),
    }
}

/// What the role starts from, then the allotment projects.
fn links(l: Lang, role: Role) -> Vec<Link> {
    let mut links = vec![];
    match role {
        Role::Applicant | Role::Community => links.push(Link {
            href: "/apply".into(),
            id: Some("new-application"),
            secondary: false,
            label: l.t("新建申请", "New application"),
        }),
        Role::Verifier(d) => links.push(Link {
            href: format!("/verify/{}", d.code()),
            id: Some("verify-file"),
            secondary: false,
            label: l.t("按文件批量核验", "Verify by file"),
        }),
        Role::Auditor | Role::CityBureau => {
            links.push(Link {
                href: "/audit-log".into(),
                id: None,
                secondary: true,
                label: l.t("审计日志", "Audit log"),
            });
            links.push(Link {
                href: "/market".into(),
                id: Some("go-market"),
                secondary: true,
                label: l.t("市场监管", "Market regulation"),
            });
        }
        Role::MarketRegulator => links.push(Link {
            href: "/market".into(),
            id: Some("go-market"),
            secondary: false,
            label: l.t("市场监管", "Market regulation"),
        }),
        // The subsidies room's list, by its address only.
        Role::TalentOffice => links.push(Link {
            href: "/subsidy-cases".into(),
            id: Some("go-subsidy-cases"),
            secondary: false,
            label: l.t("人才补贴申请", "Subsidy applications"),
        }),
        _ => {}
    }
    if !matches!(
        role,
        Role::Applicant | Role::MarketRegulator | Role::TalentOffice
    ) {
        links.insert(
            0,
            Link {
                href: "/dashboard".into(),
                id: Some("go-dashboard"),
                secondary: false,
                label: l.t("工作概览", "Dashboard"),
            },
        );
    }
    links.push(Link {
        href: "/projects".into(),
        id: Some("go-projects"),
        secondary: true,
        label: l.t("配售项目", "Allotment projects"),
    });
    links
}

pub(super) async fn work(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/work") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let l = c.lang;
    let status: Option<StatusKind> = q
        .status
        .as_deref()
        .and_then(|s| serde_json::from_value(json!(s)).ok());
    let total = match service::count(&st, &user, status).await {
        Ok(n) => n,
        Err(e) => return c.error(e),
    };
    let status_code = q
        .status
        .as_deref()
        .filter(|_| status.is_some())
        .unwrap_or("");
    let pager = Pager::new(
        q.page.as_deref(),
        PER_PAGE,
        total,
        "/work",
        &[("status", status_code)],
    );
    let rows = match service::list(&st, &user, status, PER_PAGE, pager.offset()).await {
        Ok(r) => r,
        Err(e) => return c.error(e),
    };
    let filters = StatusKind::ALL
        .iter()
        .map(|s| Filter {
            code: serde_json::to_value(s)
                .ok()
                .and_then(|v| v.as_str().map(String::from))
                .unwrap_or_default(),
            label: status_label(l, *s),
        })
        .collect();
    let rows = rows
        .iter()
        .map(|r| Row {
            id: r.id.as_str().to_string(),
            district: district_name(l, &r.district),
            masked_name: r.masked_name.clone(),
            masked_id: r.masked_id.clone(),
            status: status_label(l, r.status),
            updated: r
                .updated_at
                .to_shanghai()
                .format("%Y-%m-%d %H:%M")
                .to_string(),
        })
        .collect();
    let district = user
        .user
        .district
        .as_ref()
        .map(|d| district_name(l, d))
        .unwrap_or_else(|| l.t("全市", "whole city").to_string());
    let done_code = c.done().map(str::to_owned);
    let unconfirmed = done_code
        .as_deref()
        .and_then(|d| d.strip_prefix("draft_unconfirmed:"));
    let drafts = super::drafts::section(&c, &st, &user, unconfirmed).await;
    let done = match done_code.as_deref() {
        Some("draft_deleted") => Some(l.t("草稿已删除。", "The draft was deleted.")),
        _ => None,
    };
    c.page(&WorkPage {
        c: &c,
        district,
        links: links(l, user.user.role),
        filters,
        rows,
        pager,
        drafts,
        done,
    })
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/work", get(work))
}
