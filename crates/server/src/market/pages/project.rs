//! `/market/projects/{district}/{id}`: a project's pre-sale fund account,
//! its append-only ledger, and the regulator's forms (node and grade; a
//! deposit, a guarantee or a release request).

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use crate::market::service::{self as svc, district_name, FundRequest, ProjectUpdate};
use crate::web::auth::{self, CSRF_FIELD};
use crate::web::error::ApiError;
use crate::web::extract::Path;
use crate::web::forms::{ctx, done_redirect, field, Ctx, Fields, PageQuery};
use crate::web::html::url_encode;
use crate::web::AppState;

#[derive(Template)]
#[template(path = "market/templates/project.html")]
struct ProjectPage<'a> {
    c: &'a Ctx,
    done: Option<&'static str>,
    d: svc::ProjectDetail,
    district: String,
    can_write: bool,
    checks: Vec<String>,
    nodes: Vec<(String, String)>,
    grades: [&'static str; 6],
}

impl ProjectPage<'_> {
    fn kind(&self, k: &str) -> &'static str {
        match k {
            "deposit" => self.c.t("入账", "deposit"),
            "release" => self.c.t("拨付", "release"),
            "guarantee" => self.c.t("保函置换", "bank guarantee"),
            "refused" => self.c.t("申请不予拨付", "release refused"),
            _ => "",
        }
    }
}

pub(super) async fn project(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((district, id)): Path<(String, String)>,
    q: axum::extract::Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!(
        "/market/projects/{}/{}",
        url_encode(&district),
        url_encode(&id)
    )) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let d = match svc::project(&st, &user, &district, &id).await {
        Ok(d) => d,
        Err(e) => return c.error(e),
    };
    let en = c.is_en();
    let today = st.clock.today();
    let mut d = d;
    for e in &mut d.ledger {
        e.node = svc::node_label(&st, &e.node, en, today);
    }
    let p = &d.project;
    let checks = p
        .allowance_checks
        .iter()
        .chain(p.leader_checks.iter())
        .map(|k| {
            format!(
                "{}（{}）",
                if en { &k.message_en } else { &k.message },
                k.citation
            )
        })
        .collect();
    let nodes = svc::rules(&st)
        .ok()
        .and_then(|r| r.ladder(st.clock.today()).ok())
        .map(|l| {
            l.nodes
                .iter()
                .map(|n| {
                    (
                        n.key.clone(),
                        if en {
                            n.label_en.clone()
                        } else {
                            n.label.clone()
                        },
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    let done = c.done().map(|x| match x {
        "refused" => c.t(
            "拨付申请不予拨付，已记入台账（理由见台账）",
            "Release refused and recorded (reasons in the ledger)",
        ),
        _ => c.t("已记入台账", "Recorded"),
    });
    c.page(&ProjectPage {
        c: &c,
        done,
        district: district_name(&district, en),
        can_write: svc::may_write(&user).is_ok(),
        checks,
        nodes,
        grades: ["AAA", "AA", "A", "B", "C", "D"],
        d,
    })
}

pub(super) async fn act(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path((district, id)): Path<(String, String)>,
    q: axum::extract::Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let here = format!(
        "/market/projects/{}/{}",
        url_encode(&district),
        url_encode(&id)
    );
    let user = match c.require_user(&here) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let version = match field(&f, "version").and_then(|v| v.parse::<i64>().ok()) {
        Some(v) => v,
        None => {
            return c.error(
                ApiError::bad_request(
                    "invalid_field",
                    "缺少版本号，请刷新页面 (missing version: reload)",
                )
                .field("version"),
            )
        }
    };
    let text = |k: &str| {
        field(&f, k)
            .map(str::to_string)
            .filter(|s| !s.trim().is_empty())
    };
    let r = match field(&f, "type") {
        Some("status") => svc::update_project(
            &st,
            &user,
            &district,
            &id,
            ProjectUpdate {
                grade: text("grade"),
                node: text("node"),
                stage: None,
                risk: text("risk"),
                version,
            },
        )
        .await
        .map(|_| "status"),
        Some("fund") => svc::fund_entry(
            &st,
            &user,
            &district,
            &id,
            FundRequest {
                kind: field(&f, "kind").unwrap_or("").into(),
                amount_yuan: field(&f, "amount_yuan").unwrap_or("").into(),
                note: field(&f, "note").unwrap_or("").into(),
                version,
            },
        )
        .await
        .map(|o| if o.approved { "fund" } else { "refused" }),
        _ => Err(ApiError::bad_request("invalid_field", "未知操作 (unknown action)").field("type")),
    };
    match r {
        Ok(code) => done_redirect(&headers, &st, &here, code),
        Err(e) => c.error(e),
    }
}
