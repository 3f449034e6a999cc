//! The application form (a family online, or community staff for a family
//! at the counter): the household, the materials checklist (article 13),
//! the commitment and the consent to verification.

use anju_domain::Role;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use serde_json::json;

use crate::applications::service::{self, SubmitRequest};
use crate::web::auth::{self, CSRF_FIELD};
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::{checked, ctx, done_redirect, field, Ctx, Fields, PageQuery};
use crate::web::html::{url_encode, Markup};
use crate::web::AppState;

use super::common::{options, Opt};
use super::household_form::{household_form, household_from_form};
use axum::routing::get;
use axum::Router;

/// The materials of article 13 (identity proofs apart), as checkboxes `m_<name>`.
const MATERIALS: [(&str, &str, &str); 6] = [
    (
        "application_form",
        "《阳泉市配售型保障性住房申请表》",
        "Application form",
    ),
    (
        "hukou_or_residence_proof",
        "户口簿或居住证明",
        "Hukou booklet or residence proof",
    ),
    (
        "marriage_proof",
        "婚姻证明（离异家庭提交离婚证明）",
        "Marriage proof (divorce proof if divorced)",
    ),
    ("income", "收入信息", "Income information"),
    ("social_insurance", "社保信息", "Social insurance"),
    (
        "property_query",
        "家庭成员不动产查询情况",
        "Property records query",
    ),
];

const MARITAL: [(&str, &str, &str); 4] = [
    ("married", "已婚", "married"),
    ("unmarried", "未婚", "unmarried"),
    ("divorced", "离异", "divorced"),
    ("widowed", "丧偶", "widowed"),
];

#[derive(askama::Template)]
#[template(path = "applications/templates/apply.html")]
struct ApplyPage<'a> {
    c: &'a Ctx,
    household: Markup,
    /// `(name, label)` of each material's checkbox.
    materials: Vec<(&'static str, &'static str)>,
    marital: Vec<Opt>,
}

pub(super) async fn apply_form(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/apply") {
        Ok(u) => u,
        Err(r) => return r,
    };
    let l = c.lang;
    if !matches!(user.user.role, Role::Applicant | Role::Community) {
        return c.error(ApiError::forbidden("只有申请家庭或社区（村）受理人员可以提交申请 (only families and community staff submit applications)"));
    }
    let household = match household_form(&c, true, &vec![]) {
        Ok(h) => h,
        Err(e) => return c.error(e),
    };
    c.page(&ApplyPage {
        c: &c,
        household,
        materials: MATERIALS
            .iter()
            .map(|(name, zh, en)| (*name, l.t(zh, en)))
            .collect(),
        marital: options(&MARITAL, l, "married"),
    })
}

fn checklist_from_form(f: &Fields, members: usize) -> ApiResult<anju_domain::MaterialsChecklist> {
    let marital = field(f, "marital").unwrap_or("married");
    let v = json!({
        "application_form": checked(f, "m_application_form"),
        "member_count": members,
        "identity_proofs": if checked(f, "m_identity") { members } else { 0 },
        "hukou_or_residence_proof": checked(f, "m_hukou_or_residence_proof"),
        "marital_status": marital,
        "marriage_proof": checked(f, "m_marriage_proof") && marital != "divorced",
        "divorce_proof": checked(f, "m_marriage_proof") && marital == "divorced",
        "income": checked(f, "m_income"),
        "social_insurance": checked(f, "m_social_insurance"),
        "property_query": checked(f, "m_property_query"),
    });
    serde_json::from_value(v)
        .map_err(|e| ApiError::bad_request("invalid_materials", e.to_string()).field("materials"))
}

pub(super) async fn apply(
    State(st): State<AppState>,
    headers: HeaderMap,
    Query(q): Query<PageQuery>,
    Form(f): Form<Fields>,
) -> Response {
    let c = ctx(&st, &headers, &q).await;
    let user = match c.require_user("/apply") {
        Ok(u) => u.clone(),
        Err(r) => return r,
    };
    if let Err(e) = auth::check_form_csrf(&user, field(&f, CSRF_FIELD)) {
        return c.error(e);
    }
    let result = async {
        let household = household_from_form(&f, true)?;
        let members = household["members"].as_array().map_or(1, |m| m.len());
        let req = SubmitRequest {
            materials: checklist_from_form(&f, members)?,
            signed_commitment: checked(&f, "signed_commitment"),
            consent_to_verification: checked(&f, "consent"),
            household,
        };
        service::submit_application(&st, &user, req).await
    }
    .await;
    match result {
        Ok(stored) => done_redirect(
            &headers,
            &st,
            &format!("/applications/{}", url_encode(stored.app.id().as_str())),
            "submitted",
        ),
        Err(e) => c.error(e),
    }
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/apply", get(apply_form).post(apply))
}
