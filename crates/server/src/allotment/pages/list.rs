//! The list of projects and the form for a new one.

use anju_domain::YANGQUAN_DISTRICTS;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;

use crate::allotment::service::{self as svc, NewProject};
use crate::web::auth::{self, CSRF_FIELD};
use crate::web::forms::{done_redirect, field, Ctx, Fields};
use crate::web::html::url_encode;
use crate::web::AppState;

use super::common::*;

// ------------------------------------------------------------------ list and new project

#[derive(Template)]
#[template(path = "allotment/templates/list.html")]
struct ListPage<'a> {
    c: &'a Ctx,
    /// The banner after creating a project elsewhere and coming back.
    done: Option<String>,
    projects: Vec<ProjectRow>,
    /// The company's form for a new project.
    new_form: bool,
    districts: Vec<DistrictOption>,
}

struct ProjectRow {
    id: String,
    name: String,
    district: String,
    plan: &'static str,
}

struct DistrictOption {
    code: &'static str,
    name: &'static str,
}

pub(super) async fn list(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<AllotQuery>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let l = c.lang;
    let projects = match svc::list_projects(&st, c.user.as_ref()).await {
        Ok(p) => p,
        Err(e) => return c.error(e),
    };
    let projects = projects
        .into_iter()
        .map(|p| ProjectRow {
            district: district_name(l, &p.district),
            plan: plan_status(l, p.plan_status),
            id: p.id,
            name: p.name,
        })
        .collect();
    let districts = YANGQUAN_DISTRICTS
        .iter()
        .map(|d| DistrictOption {
            code: d.code.as_str(),
            name: l.t(d.name_zh, d.name_en),
        })
        .collect();
    c.page(&ListPage {
        c: &c,
        done: done_text(&c),
        projects,
        new_form: is_company(&c),
        districts,
    })
}

pub(super) async fn create(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<AllotQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = page_ctx(&st, &headers, &q).await;
    let user = match c.require_user("/projects") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let req = NewProject {
        id: field(&f, "id").unwrap_or("").to_string(),
        name: field(&f, "name").unwrap_or("").to_string(),
        district: field(&f, "district").unwrap_or("").to_string(),
        districts: f
            .iter()
            .filter(|(k, _)| k == "districts")
            .map(|(_, v)| v.clone())
            .collect(),
        county_seat_of: field(&f, "county_seat_of")
            .filter(|s| !s.trim().is_empty())
            .map(String::from),
    };
    match svc::create_project(&st, &user, req).await {
        Ok(p) => done_redirect(
            &headers,
            &st,
            &format!("/projects/{}", url_encode(&p.id)),
            "create",
        ),
        Err(e) => c.error(e),
    }
}
