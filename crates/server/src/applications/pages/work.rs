//! The staff workspace (and the family's own list): the applications the
//! signed-in role may see, filtered by status, with the role's next step.

use anju_domain::{Role, StatusKind};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use serde::Deserialize;

use crate::applications::listing::{self, RawList};
use crate::applications::service;
use crate::web::field_errors::FieldErrors;
use crate::web::forms::{ctx_for_lang, Ctx};
use crate::web::html::Lang;
use crate::web::paging::{self, PageAt, PageRequest, Pager, Shown};
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

/// A status to filter by: its code (`?status=`), name and how many stand
/// in it (in the reader's district, before the other filters).
struct Filter {
    code: String,
    label: &'static str,
    count: Option<u64>,
    current: bool,
}

/// An option of a select in the filter form.
struct Choice {
    code: String,
    label: String,
    selected: bool,
}

/// The filter form as the person filled it, kept on the page.
struct Asked {
    q: String,
    from: String,
    to: String,
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

/// The step a checked set may take together, when the list shows a state
/// that has one for the reader's role.
struct Bulk {
    code: &'static str,
    label: String,
    status_code: String,
}

#[derive(askama::Template)]
#[template(path = "applications/templates/work.html")]
struct WorkPage<'a> {
    c: &'a Ctx,
    district: String,
    links: Vec<Link>,
    /// Whether the list is narrowed to one state (else "all" is current).
    any_status: bool,
    filters: Vec<Filter>,
    statuses: Vec<Choice>,
    districts: Vec<Choice>,
    categories: Vec<Choice>,
    orders: Vec<Choice>,
    asked: Asked,
    errors: FieldErrors,
    rows: Vec<Row>,
    pager: Pager,
    /// The whole filtered list as a streamed CSV (staff; `/api/v1/applications.csv`).
    export_href: Option<String>,
    bulk: Option<Bulk>,
    /// "我的草稿" (families and counter clerks).
    drafts: Option<crate::web::html::Markup>,
    /// What the last action did.
    done: Option<&'static str>,
}

impl WorkPage<'_> {
    fn err(&self, name: &str) -> Option<&str> {
        self.errors.get(name, self.c.lang)
    }
}

/// The work list's query: the page's language, the page's place (keyset:
/// `after`, `before`, `last`, and `row`, the first line's number), and the
/// filters.
#[derive(Debug, Default, Deserialize)]
pub(super) struct WorkQuery {
    lang: Option<String>,
    after: Option<String>,
    before: Option<String>,
    last: Option<String>,
    row: Option<String>,
    status: Option<String>,
    district: Option<String>,
    q: Option<String>,
    category: Option<String>,
    from: Option<String>,
    to: Option<String>,
    sort: Option<String>,
}

impl WorkQuery {
    fn raw(&self) -> RawList<'_> {
        RawList {
            status: self.status.as_deref(),
            district: self.district.as_deref(),
            q: self.q.as_deref(),
            category: self.category.as_deref(),
            from: self.from.as_deref(),
            to: self.to.as_deref(),
            sort: self.sort.as_deref(),
        }
    }
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
        Role::Verifier(d) => {
            links.push(Link {
                href: format!("/verify/{}", d.code()),
                id: Some("verify-file"),
                secondary: false,
                label: l.t("按文件批量核验", "Verify by file"),
            });
            // The subsidies room's first-home checks, by their address only.
            if d == anju_domain::Department::NaturalResources {
                links.push(Link {
                    href: "/property-records".into(),
                    id: Some("go-property-records"),
                    secondary: true,
                    label: l.t(
                        "人才购房补贴首套房核查",
                        "First-home checks for talent subsidies",
                    ),
                });
            }
        }
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
    // The acquisition room, for the roles it lets in (its `may_read`).
    if matches!(role, Role::Company | Role::CityBureau | Role::Auditor) {
        links.push(Link {
            href: "/acquisition".into(),
            id: Some("go-acquisition"),
            secondary: role != Role::Company,
            label: l.t("收购存量商品房", "Acquisition of existing homes"),
        });
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
    Query(q): Query<WorkQuery>,
) -> Response {
    let c = ctx_for_lang(&st, &headers, q.lang.clone()).await;
    let user = match c.require_user("/work") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let l = c.lang;
    // A filter typed wrong is said beside its field; the list then shows
    // what the rest of the filters ask for, never a silent "nothing".
    let (req, errors) = listing::parse_lenient(&st, q.raw());
    let total = match service::count(&st, &user, &req).await {
        Ok(n) => n,
        Err(e) => return c.error(e),
    };
    let keep: Vec<(&str, String)> = vec![
        (
            "status",
            req.status.map(listing::status_code).unwrap_or_default(),
        ),
        (
            "district",
            req.district
                .map(|d| d.as_str().to_string())
                .unwrap_or_default(),
        ),
        (
            "q",
            if req.search.is_some() {
                q.q.clone().unwrap_or_default()
            } else {
                String::new()
            },
        ),
        ("category", req.category.clone().unwrap_or_default()),
        ("from", req.from.map(|d| d.to_string()).unwrap_or_default()),
        ("to", req.to.map(|d| d.to_string()).unwrap_or_default()),
        ("sort", order_code(req.order).to_string()),
    ];
    let keep_refs: Vec<(&str, &str)> = keep.iter().map(|(k, v)| (*k, v.as_str())).collect();
    // The export takes the same filters (its order is always newest first).
    let export_href = (user.user.role != Role::Applicant
        && user.user.role != Role::MarketRegulator
        && total.count() > 0)
        .then(|| {
            let qs: Vec<String> = keep_refs
                .iter()
                .filter(|(k, v)| *k != "sort" && !v.is_empty())
                .map(|(k, v)| format!("{k}={}", crate::web::html::url_encode(v)))
                .collect();
            if qs.is_empty() {
                "/api/v1/applications.csv".to_string()
            } else {
                format!("/api/v1/applications.csv?{}", qs.join("&"))
            }
        });
    // Keyset pages in the chosen order (each order has its own cursor):
    // one line more than a page, to know whether another follows.
    let ask = PageRequest::from_query(
        q.after.as_deref(),
        q.before.as_deref(),
        q.last.as_deref(),
        q.row.as_deref(),
    );
    let mut at = ask.at.parse_with(|t| listing::parse_cursor(t));
    let mut page = match service::list_at(&st, &user, &req, PER_PAGE + 1, &at).await {
        Ok(r) => paging::settle(&at, r, PER_PAGE),
        Err(e) => return c.error(e),
    };
    if page.restart {
        at = PageAt::First;
        page = match service::list_at(&st, &user, &req, PER_PAGE + 1, &at).await {
            Ok(r) => paging::settle(&at, r, PER_PAGE),
            Err(e) => return c.error(e),
        };
    }
    let key = |r: &anju_store::ApplicationSummary| {
        listing::cursor_text(&anju_store::ListCursor::in_order(r, req.order))
    };
    let pager = Pager::new(
        "/work",
        &keep_refs,
        PER_PAGE,
        total,
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
    let rows = page.rows;
    let role = user.user.role;
    // Counts per state and the districts to choose from (city-wide staff):
    // one grouped query. A family's own list needs neither.
    let figures = if role == Role::Applicant || role == Role::MarketRegulator {
        Vec::new()
    } else {
        match service::status_counts(&st, &user).await {
            Ok(f) => f,
            Err(e) => return c.error(e),
        }
    };
    let shown_district = user.user.district.or(req.district);
    let filters = StatusKind::ALL
        .iter()
        .map(|s| Filter {
            code: listing::status_code(*s),
            label: status_label(l, *s),
            count: (!figures.is_empty()).then(|| {
                figures
                    .iter()
                    .filter(|(d, k, _)| *k == *s && shown_district.is_none_or(|x| x == *d))
                    .map(|(_, _, n)| n)
                    .sum()
            }),
            current: req.status == Some(*s),
        })
        .collect();
    let statuses = StatusKind::ALL
        .iter()
        .map(|s| Choice {
            code: listing::status_code(*s),
            label: status_label(l, *s).to_string(),
            selected: req.status == Some(*s),
        })
        .collect();
    let mut district_codes: Vec<anju_domain::DistrictCode> =
        figures.iter().map(|(d, _, _)| *d).collect();
    district_codes.dedup();
    let districts = if user.user.district.is_none() && role != Role::Applicant {
        district_codes
            .iter()
            .map(|d| Choice {
                code: d.as_str().to_string(),
                label: district_name(l, d),
                selected: req.district == Some(*d),
            })
            .collect()
    } else {
        Vec::new()
    };
    let categories = st
        .policy
        .categories
        .iter()
        .map(|k| Choice {
            code: k.id.clone(),
            label: match l {
                Lang::Zh => k.label.clone(),
                Lang::En => k.label_en.clone().unwrap_or_else(|| k.label.clone()),
            },
            selected: req.category.as_deref() == Some(k.id.as_str()),
        })
        .collect();
    let orders = listing::ORDERS
        .iter()
        .map(|(o, code, zh, en)| Choice {
            code: (*code).to_string(),
            label: l.t(zh, en).to_string(),
            selected: req.order == *o,
        })
        .collect();
    let bulk = req.status.and_then(|s| {
        anju_domain::bulk_action(role, s)
            .filter(|_| !rows.is_empty())
            .map(|k| Bulk {
                code: k.code(),
                label: l.t(k.label_zh(), k.label_en()).to_string(),
                status_code: listing::status_code(s),
            })
    });
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
    let asked = Asked {
        q: q.q.clone().unwrap_or_default(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
    };
    c.page(&WorkPage {
        c: &c,
        district,
        links: links(l, role),
        any_status: req.status.is_some(),
        filters,
        statuses,
        districts,
        categories,
        orders,
        asked,
        errors,
        rows,
        pager,
        export_href,
        bulk,
        drafts,
        done,
    })
}

fn order_code(o: anju_store::ListOrder) -> &'static str {
    listing::ORDERS
        .iter()
        .find(|x| x.0 == o)
        .map_or("", |x| x.1)
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/work", get(work))
}
