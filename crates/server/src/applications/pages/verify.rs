//! Verification by file for a department: download the list awaiting it,
//! upload the results (CSV or Excel), and see what the import did.

use anju_domain::{Department, Role};
use axum::extract::{Multipart, Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;

use crate::applications::verification::{self, ImportReport};
use crate::web::error::ApiError;
use crate::web::forms::read_upload;
use crate::web::forms::{ctx, Ctx, PageQuery};
use crate::web::html::{url_encode, Lang};
use crate::web::AppState;
use axum::routing::get;
use axum::Router;

/// The department's name (the domain's English names are code names).
fn department_name(l: Lang, d: Department) -> &'static str {
    let en = match d {
        Department::PublicSecurity => "Public security",
        Department::CivilAffairs => "Civil affairs",
        Department::NaturalResources => "Natural resources",
        Department::HumanResources => "Human resources and social security",
        Department::ProvidentFund => "Housing provident fund",
    };
    l.t(d.label_zh(), en)
}

/// What the department verifies (001 art. 4).
fn verifies(l: Lang, d: Department) -> &'static str {
    let en = match d {
        Department::PublicSecurity => "Whether members are permanent residents of the city",
        Department::CivilAffairs => "Marriage registration, low-income households and the like",
        Department::NaturalResources => {
            "Property registration (with transfers and expropriation compensation)"
        }
        Department::HumanResources => "Labour contracts on file and social insurance paid",
        Department::ProvidentFund => "Housing provident fund contributions",
    };
    l.t(d.verifies_zh(), en)
}

#[derive(askama::Template)]
#[template(path = "applications/templates/verify.html")]
struct VerifyPage<'a> {
    c: &'a Ctx,
    code: &'static str,
    department: &'static str,
    verifies: &'static str,
}

#[derive(askama::Template)]
#[template(path = "applications/templates/verify_result.html")]
struct VerifyResult<'a> {
    c: &'a Ctx,
    report: &'a ImportReport,
    /// The error report, percent-encoded for a `data:` link.
    error_csv: String,
}

pub(super) async fn verify_page(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(dept): Path<String>,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/verify/{dept}")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let Some(d) = Department::from_code(&dept) else {
        return c.error(ApiError::not_found("核验部门 (department)"));
    };
    if user.user.role != Role::Verifier(d) {
        return c.error(ApiError::forbidden(
            "只有本部门核验人员可以使用 (only this department's verifiers)",
        ));
    }
    c.page(&VerifyPage {
        c: &c,
        code: d.code(),
        department: department_name(c.lang, d),
        verifies: verifies(c.lang, d),
    })
}

pub(super) async fn verify_upload(
    State(st): State<AppState>,
    headers: HeaderMap,
    Path(dept): Path<String>,
    Query(q): Query<PageQuery>,
    mp: Multipart,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user(&format!("/verify/{dept}")) {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    let Some(d) = Department::from_code(&dept) else {
        return c.error(ApiError::not_found("核验部门 (department)"));
    };
    // The role first: nobody else makes the server read an upload.
    if let Err(e) = verification::check_verifier(&user, d) {
        return c.error(e);
    }
    let file = match read_upload(&user, mp).await {
        Ok(f) => f,
        Err(e) => return c.error(e),
    };
    match verification::import(&st, &user, d, &file).await {
        Err(e) => c.error(e),
        Ok(report) => {
            let csv = String::from_utf8_lossy(&report.error_csv().unwrap_or_default()).to_string();
            c.page(&VerifyResult {
                c: &c,
                report: &report,
                error_csv: url_encode(&csv),
            })
        }
    }
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/verify/{department}", get(verify_page).post(verify_upload))
}
