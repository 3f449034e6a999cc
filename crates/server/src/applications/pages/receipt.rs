//! The receipt (回执) a family keeps after applying (issue 12 feature 16):
//! the application number, when and how it was received, the materials
//! received, what happens next, the office and a seal area. Printable; the
//! names and ID on it are masked, since a receipt is a paper that gets lost.

use anju_domain::MaritalStatus;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::routing::get;
use axum::Router;

use crate::applications::service;
use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::html::Lang;
use crate::web::AppState;

use super::progress::{progress, NextWords};

#[derive(askama::Template)]
#[template(path = "applications/templates/receipt.html")]
struct ReceiptPage<'a> {
    c: &'a Ctx,
    id: &'a str,
    office: String,
    district: String,
    submitted_at: String,
    channel: &'static str,
    applicant: String,
    members: usize,
    /// (material, received)
    materials: Vec<(&'static str, String)>,
    next: NextWords,
    today: String,
}

async fn receipt(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/applications/{id}/receipt")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let stored = match service::read_application(&st, &user, &id).await {
        Ok(s) => s,
        Err(e) => return c.error(e),
    };
    let events = match st
        .store
        .applications()
        .application_events(stored.app.id())
        .await
    {
        Ok(e) => e,
        Err(e) => return c.error(e.into()),
    };
    let l = c.lang;
    let app = &stored.app;
    let m = &app.submission().materials;
    let tick = |b: bool| {
        if b {
            l.t("已提交", "received")
        } else {
            l.t("未提交", "not received")
        }
        .to_string()
    };
    let mut materials = vec![
        (l.t("申请表", "Application form"), tick(m.application_form)),
        (
            l.t("家庭成员有效身份证明", "Identity proofs"),
            format!("{} / {}", m.identity_proofs, m.member_count),
        ),
        (
            l.t("户口簿或居住证明", "Hukou booklet or residence proof"),
            tick(m.hukou_or_residence_proof),
        ),
    ];
    match m.marital_status {
        MaritalStatus::Divorced => {
            materials.push((l.t("离婚证明", "Divorce proof"), tick(m.divorce_proof)))
        }
        MaritalStatus::Married => {
            materials.push((l.t("婚姻证明", "Marriage proof"), tick(m.marriage_proof)))
        }
        _ => {}
    }
    materials.extend([
        (l.t("收入信息", "Income information"), tick(m.income)),
        (
            l.t("社保信息", "Social insurance"),
            tick(m.social_insurance),
        ),
        (
            l.t("家庭成员不动产查询情况", "Property records query"),
            tick(m.property_query),
        ),
    ]);
    let page = ReceiptPage {
        c: &c,
        id: app.id().as_str(),
        office: crate::applications::notices::issuing_office(&st),
        district: match l {
            Lang::Zh => app.district().describe_zh(),
            Lang::En => app.district().describe_en(),
        },
        submitted_at: app
            .submitted_at()
            .to_shanghai()
            .format("%Y-%m-%d %H:%M")
            .to_string(),
        channel: l.t(app.channel().label_zh(), app.channel().label_en()),
        applicant: format!("{} · {}", stored.masked_name, stored.masked_id),
        members: stored.household["members"].as_array().map_or(0, Vec::len),
        materials,
        next: progress(l, app.status(), &events).next,
        today: st.clock.today().to_string(),
    };
    c.page(&page)
}

/// This page's routes, declared beside its handler.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/applications/{id}/receipt", get(receipt))
}
