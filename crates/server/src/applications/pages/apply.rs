//! The application form (a family online, or community staff for a family
//! at the counter): the household, the materials checklist (article 13),
//! the commitment and the consent to verification.

use anju_domain::Role;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use axum::Form;
use serde_json::json;

use crate::applications::drafts;
use crate::applications::service::{self, SubmitRequest};
use crate::web::auth::{self, CSRF_FIELD};
use crate::web::error::{ApiError, ApiResult};
use crate::web::field_errors::FieldErrors;
use crate::web::forms::{checked, ctx, done_redirect, field, Ctx, Fields, PageQuery};
use crate::web::html::{url_encode, Markup};
use crate::web::AppState;

use super::common::{options, Opt};
use super::household_form::{household_form, household_from_form};
use axum::routing::get;
use axum::Router;

/// The materials of article 13 (identity proofs apart), as checkboxes `m_<name>`.
const MATERIALS: [(&str, &str, &str); 6] = [
    ("application_form", "申请表", "Application form"),
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

/// The preferred size band (issue 15): not stated, or one of the survey's bands.
const PREF_SIZES: [(&str, &str, &str); 4] = [
    (
        "",
        "不填（按家庭人数计）",
        "not stated (from the household's size)",
    ),
    ("small", "70㎡以下", "under 70 m²"),
    ("main", "70–120㎡", "70–120 m²"),
    ("large", "120㎡以上", "over 120 m²"),
];

/// The form's preference fields, checked; every problem beside its field.
fn preference_from_form(
    f: &Fields,
    errors: &mut FieldErrors,
) -> Option<anju_domain::preference::StatedPreference> {
    let get = |n: &str| field(f, n).unwrap_or("");
    match crate::applications::preference::parse_all(
        get("pref_size"),
        get("pref_layout"),
        get("pref_location"),
    ) {
        Ok(p) => p,
        Err(problems) => {
            for e in problems {
                errors.add(&format!("pref_{}", e.field), &e.zh, &e.en);
            }
            None
        }
    }
}

#[derive(askama::Template)]
#[template(path = "applications/templates/apply.html")]
struct ApplyPage<'a> {
    c: &'a Ctx,
    /// "申请材料（<the city's document> <article>）": never another city's.
    materials_heading: String,
    /// Said above the form: a draft saved or opened, the self-check's facts carried in.
    notice: Option<&'a str>,
    /// The draft this form resumes (kept in a hidden field).
    draft: Option<&'a str>,
    household: Markup,
    /// `(name, label, ticked)` of each material's checkbox.
    materials: Vec<(&'static str, String, bool)>,
    marital: Vec<Opt>,
    /// The preferred size band's options (issue 15; first: not stated).
    pref_sizes: Vec<Opt>,
    /// What was posted (the tick boxes below the household keep their state).
    f: &'a Fields,
    /// Every problem with the posted form, listed on top and beside each field.
    errors: &'a FieldErrors,
}

impl ApplyPage<'_> {
    fn chk(&self, name: &str) -> bool {
        checked(self.f, name)
    }

    fn err(&self, name: &str) -> Option<&str> {
        self.errors.get(name, self.c.lang)
    }

    /// A text field as posted.
    fn val(&self, name: &str) -> &str {
        field(self.f, name).unwrap_or("")
    }
}

/// The city list's item a checkbox of the form stands for.
fn list_code(name: &str) -> &str {
    match name {
        "hukou_or_residence_proof" => "hukou_or_residence",
        "marriage_proof" => "marriage",
        other => other,
    }
}

/// The form again, as posted, with every problem beside its field.
pub(super) fn apply_page(
    c: &Ctx,
    st: &AppState,
    f: &Fields,
    errors: &FieldErrors,
    notice: Option<&str>,
) -> Response {
    let l = c.lang;
    let household = match household_form(c, true, f, errors) {
        Ok(h) => h,
        Err(e) => return c.error(e),
    };
    let list = anju_domain::material_files::for_policy(&st.policy.id);
    let page = ApplyPage {
        c,
        materials_heading: match list {
            Some(list) => super::materials::heading(l, list),
            None => l.t("申请材料", "Materials").to_owned(),
        },
        notice,
        draft: field(f, "draft").filter(|d| !d.is_empty()),
        household,
        // The labels are the city's own words where its list has the item
        // (the Yangquan form names 《阳泉市配售型保障性住房申请表》, which a
        // Loudi page must not); otherwise the generic words below.
        materials: MATERIALS
            .iter()
            .map(|(name, zh, en)| {
                let label = list
                    .and_then(|li| li.item(list_code(name)))
                    .map(|i| l.t(&i.label, &i.label_en).to_owned())
                    .unwrap_or_else(|| l.t(zh, en).to_owned());
                (*name, label, checked(f, &format!("m_{name}")))
            })
            .collect(),
        marital: options(&MARITAL, l, field(f, "marital").unwrap_or("married")),
        pref_sizes: options(&PREF_SIZES, l, field(f, "pref_size").unwrap_or("")),
        f,
        errors,
    };
    c.form_page(&page, !errors.is_empty())
}

/// Where a service's refusal belongs on this form: `household.members[i].x`
/// is the i-th person filled in (applicant, spouse when ticked, children in
/// order); anything else the form has a place for keeps its name.
fn form_field(f: &Fields, api_field: &str) -> String {
    if let Some(rest) = api_field.strip_prefix("household.members[") {
        let mut people = vec!["a".to_string()];
        if checked(f, "s_present") && field(f, "s_id").is_some_and(|v| !v.trim().is_empty()) {
            people.push("s".into());
        }
        for i in 1..=3 {
            if field(f, &format!("c{i}_id")).is_some_and(|v| !v.trim().is_empty()) {
                people.push(format!("c{i}"));
            }
        }
        let (index, what) = rest.split_once("].").unwrap_or((rest, ""));
        if let Some(p) = index.parse::<usize>().ok().and_then(|i| people.get(i)) {
            let suffix = match what {
                "name" => "_name",
                "birth_date" => "_birth",
                _ => "_id",
            };
            return format!("{p}{suffix}");
        }
        return String::new();
    }
    match api_field {
        "household.region" => "region".into(),
        "preference.size_band" => "pref_size".into(),
        "preference.layout" => "pref_layout".into(),
        "preference.location" => "pref_location".into(),
        "materials" => "materials".into(),
        _ => String::new(),
    }
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
    if !matches!(user.user.role, Role::Applicant | Role::Community) {
        return c.error(ApiError::forbidden("只有申请家庭或社区（村）受理人员可以提交申请 (only families and community staff submit applications)"));
    }
    let l = c.lang;
    match q.draft.as_deref().filter(|d| !d.is_empty()) {
        None => apply_page(&c, &st, &vec![], &FieldErrors::new(), None),
        Some(id) => match drafts::load(&st, user, id).await {
            Ok(d) => {
                let mut f: Fields = drafts::fields_of(&d).fields.into_iter().collect();
                f.push(("draft".into(), d.id.clone()));
                let notice = match c.done() {
                    Some("draft_saved") => l.t(
                        "草稿已保存。可以随时回来继续填写，填完后提交。",
                        "Draft saved. Come back any time, then submit.",
                    ),
                    _ => l.t(
                        "已打开草稿，请继续填写；提交后草稿自动删除。",
                        "Draft opened: carry on; it is deleted once you submit.",
                    ),
                };
                apply_page(&c, &st, &f, &FieldErrors::new(), Some(notice))
            }
            Err(e) => c.error(e),
        },
    }
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
    // Every problem the form itself can see, at once; then the service's.
    let household = household_from_form(&f, true);
    let mut errors = household.as_ref().err().cloned().unwrap_or_default();
    if !checked(&f, "signed_commitment") {
        errors.add(
            "signed_commitment",
            "请阅读并勾选承诺：申请家庭须签订承诺书，对申请材料的真实性负责",
            "read and tick the declaration: the family signs that its application is true",
        );
    }
    if !checked(&f, "consent") {
        errors.add(
            "consent",
            "请勾选同意核验：申请家庭须同意相关部门核验其收入、住房、婚姻、社保等信息",
            "tick the consent: the family agrees that the departments verify its income, housing, marriage and social insurance",
        );
    }
    let preference = preference_from_form(&f, &mut errors);
    let household = match household {
        Ok(h) if errors.is_empty() => h,
        _ => return apply_page(&c, &st, &f, &errors, None),
    };
    let result = async {
        let members = household["members"].as_array().map_or(1, |m| m.len());
        let req = SubmitRequest {
            materials: checklist_from_form(&f, members)?,
            signed_commitment: true,
            consent_to_verification: true,
            household,
            draft: field(&f, "draft")
                .filter(|d| !d.is_empty())
                .map(str::to_owned),
            preference: preference.map(|p| crate::applications::preference::PreferenceJson {
                size_band: p.size.map_or("", |b| b.code()).to_owned(),
                layout: p.layout,
                location: p.location,
                recorded_on: None,
            }),
        };
        service::submit_application(&st, &user, req).await
    }
    .await;
    match result {
        Ok(done) => done_redirect(
            &headers,
            &st,
            &format!(
                "/applications/{}",
                url_encode(done.stored.app.id().as_str())
            ),
            "submitted",
        ),
        // A refusal about the form's content goes back to the form, beside
        // its field; one about the account or the database is a page.
        Err(e) if e.status.is_client_error() && e.status != axum::http::StatusCode::FORBIDDEN => {
            let mut errors = FieldErrors::new();
            let at = form_field(&f, e.field.as_deref().unwrap_or(""));
            errors.add_bilingual(&at, &e.message);
            apply_page(&c, &st, &f, &errors, None)
        }
        Err(e) => c.error(e),
    }
}

/// This page's routes, declared beside its handlers.
pub(super) fn routes() -> Router<AppState> {
    Router::new().route("/apply", get(apply_form).post(apply))
}
