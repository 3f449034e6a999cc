//! The list of projects and the form for a new one.

use anju_domain::YANGQUAN_DISTRICTS;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Form;

use crate::allotment::service::{self as svc, NewProject};
use crate::web::auth::{self, CSRF_FIELD};
use crate::web::forms::{field, Ctx, Fields};
use crate::web::html::{esc, url_encode};
use crate::web::AppState;

use super::common::*;

// ------------------------------------------------------------------ list and new project

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
    let mut t = format!(
        r#"<div class="scroll"><table id="projects"><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr>"#,
        l.t("项目编号", "Project"),
        l.t("项目名称", "Name"),
        l.t("坐落县（区）", "District"),
        l.t("配售方案", "Plan")
    );
    for p in &projects {
        t.push_str(&format!(
            r#"<tr data-project="{id}"><td><a href="/projects/{href}">{id}</a></td><td><a href="/projects/{href}">{name}</a></td><td>{}</td><td class="plan-status">{}</td></tr>"#,
            esc(&district_name(l, &p.district)),
            plan_status(l, p.plan_status),
            id = esc(&p.id),
            href = url_encode(&p.id),
            name = esc(&p.name),
        ));
    }
    t.push_str("</table></div>");
    if projects.is_empty() {
        t.push_str(&format!(
            "<p>{}</p>",
            l.t("暂无已公布的配售项目。", "No published projects yet.")
        ));
    }
    let new_form = if is_company(&c) {
        new_project_form(&c)
    } else {
        String::new()
    };
    let body = format!(
        r#"{}<h1>{}</h1><div class="card">{}</div>{t}{new_form}"#,
        done_banner(l, &q),
        l.t("配售项目", "Allotment projects"),
        l.t(
            "配售型保障性住房实施“一项目一配售方案”，方案经市住房和城乡建设局批准后公布实施（阳政办发〔2026〕2号 第十五条）。每个项目的房源、价格、摇号名单承诺值、摇号结果均在项目页公开，任何人都可以复核。",
            "Each project has its own plan, approved by the city housing bureau and then published (art. 15). Homes, prices, the lottery commitment and results are public on each project's page, and anyone can re-check the draw."
        ),
    );
    c.render(l.t("配售项目", "Projects"), &body)
}

pub(super) fn new_project_form(c: &Ctx) -> String {
    let l = c.lang;
    let opts = |with_empty: bool| {
        let mut s = String::new();
        if with_empty {
            s.push_str(&format!(
                r#"<option value="">{}</option>"#,
                l.t("否", "none")
            ));
        }
        for d in YANGQUAN_DISTRICTS.iter() {
            s.push_str(&format!(
                r#"<option value="{code}">{code} {}</option>"#,
                l.t(d.name_zh, d.name_en),
                code = esc(d.code.as_str())
            ));
        }
        s
    };
    let extra: String = YANGQUAN_DISTRICTS
        .iter()
        .map(|d| {
            format!(
                r#"<label><input type="checkbox" name="districts" value="{code}" id="districts-{code}">{code} {}</label>"#,
                l.t(d.name_zh, d.name_en),
                code = esc(d.code.as_str())
            )
        })
        .collect();
    format!(
        r#"<form method="post" action="/projects" class="card" id="new-project"><h2>{title}</h2>{csrf}{id}{name}<label for="district">{district}</label><select id="district" name="district">{o1}</select><fieldset><legend>{serves}</legend>{extra}</fieldset><label for="county_seat_of">{seat}</label><select id="county_seat_of" name="county_seat_of">{o2}</select><p class="muted">{seat_note}</p><p><button type="submit" id="create-project">{create}</button></p></form>"#,
        title = l.t("新建项目", "New project"),
        csrf = c.csrf(),
        id = input(
            "new-id",
            "id",
            l.t(
                "项目编号（字母、数字、“-”）",
                "Project code (letters, digits, -)"
            ),
            "",
            r#"required maxlength="40" placeholder="YQ-2026-02""#
        ),
        name = input(
            "new-name",
            "name",
            l.t("项目名称", "Name"),
            "",
            r#"required maxlength="100""#
        ),
        district = l.t("坐落县（区）", "District where it lies"),
        o1 = opts(false),
        serves = l.t(
            "另外面向以下县（区）的家庭配售（默认只面向坐落地）",
            "Also serves families of (default: its own district only)"
        ),
        seat = l.t(
            "位于哪个县的县城（可选）",
            "County seat it lies in (optional)"
        ),
        o2 = opts(true),
        seat_note = l.t(
            "县城保障范围的家庭仅能申请所在县城范围内的保障性住房（第十一条）。",
            "County-seat families may buy only in their own county seat (art. 11)."
        ),
        create = l.t("新建项目", "Create"),
    )
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
        Ok(p) => {
            Redirect::to(&format!("/projects/{}?msg=create", url_encode(&p.id))).into_response()
        }
        Err(e) => c.error(e),
    }
}
