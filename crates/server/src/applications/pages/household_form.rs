//! The household form (self-check and application share it) and the
//! household facts JSON built from what was posted.

use anju_domain::YANGQUAN_DISTRICTS;
use askama::Template;
use serde_json::{json, Value};

use crate::web::auth;
use crate::web::error::{ApiError, ApiResult};
use crate::web::forms::{checked, field, Ctx, Fields};
use crate::web::html::Markup;

use super::common::{fragment, options, Opt};

const EMPLOYMENT: [(&str, &str, &str); 6] = [
    ("employee", "单位在职职工", "employee"),
    ("flexible", "灵活就业", "flexible work"),
    ("new_form", "新业态从业人员", "platform work"),
    ("self_employed", "个体经营", "self-employed"),
    ("unemployed", "无工作", "not working"),
    ("retired", "退休", "retired"),
];
const TALENT: [(&str, &str, &str); 3] = [
    ("", "否", "no"),
    ("high_level", "高层次人才", "high-level talent"),
    ("certified", "经认定的其他人才", "certified talent"),
];
const OCCUPATION: [(&str, &str, &str); 9] = [
    ("", "其他", "other"),
    ("teacher", "教师", "teacher"),
    ("doctor", "医生", "doctor"),
    ("nurse", "护士", "nurse"),
    ("police", "民警", "police"),
    ("civil_servant", "公职人员", "civil servant"),
    ("community_worker", "社区工作者", "community worker"),
    ("sanitation_worker", "环卫工人", "sanitation worker"),
    ("bus_driver", "公交司机", "bus driver"),
];
const SEX: [(&str, &str, &str); 2] = [("male", "男", "male"), ("female", "女", "female")];

/// One person's block: name and ID (application) or birth date and sex
/// (self-check). `p` prefixes the field names (`a`, `s`, `c1` …).
pub(super) struct Person {
    p: String,
    title: String,
    name: String,
    id: String,
    birth: String,
    sex: Vec<Opt>,
}

#[derive(Template)]
#[template(path = "applications/templates/household_form.html")]
struct HouseholdForm<'a> {
    c: &'a Ctx,
    f: &'a Fields,
    with_ids: bool,
    districts: Vec<Opt>,
    employment: Vec<Opt>,
    occupation: Vec<Opt>,
    talent: Vec<Opt>,
    applicant: Person,
    spouse: Person,
    children: Vec<Person>,
}

impl HouseholdForm<'_> {
    /// The value posted for `name` (empty on a new form).
    fn v(&self, name: &str) -> &str {
        field(self.f, name).unwrap_or("")
    }

    fn chk(&self, name: &str) -> bool {
        checked(self.f, name)
    }
}

/// The household form's fields, filled in with `f` (what was posted, or
/// nothing). `with_ids`: names and ID numbers (an application) instead of
/// birth dates and sex (the anonymous self-check).
pub(super) fn household_form(c: &Ctx, with_ids: bool, f: &Fields) -> ApiResult<Markup> {
    let l = c.lang;
    let v = |n: &str| field(f, n).unwrap_or("").to_string();
    let person = |p: &str, title: String| Person {
        p: p.to_string(),
        title,
        name: v(&format!("{p}_name")),
        id: v(&format!("{p}_id")),
        birth: v(&format!("{p}_birth")),
        sex: options(&SEX, l, field(f, &format!("{p}_sex")).unwrap_or("male")),
    };
    let districts = YANGQUAN_DISTRICTS
        .iter()
        .map(|d| Opt {
            value: d.code.as_str().to_string(),
            label: l.t(d.name_zh, d.name_en),
            selected: field(f, "region") == Some(d.code.as_str()),
        })
        .collect();
    fragment(&HouseholdForm {
        c,
        f,
        with_ids,
        districts,
        employment: options(
            &EMPLOYMENT,
            l,
            field(f, "a_employment").unwrap_or("employee"),
        ),
        occupation: options(&OCCUPATION, l, field(f, "a_occupation").unwrap_or("")),
        talent: options(&TALENT, l, field(f, "a_talent").unwrap_or("")),
        applicant: person("a", l.t("主申请人", "Main applicant").to_string()),
        spouse: person("s", l.t("配偶", "Spouse").to_string()),
        children: (1..=3)
            .map(|i| person(&format!("c{i}"), format!("{} {i}", l.t("子女", "Child"))))
            .collect(),
    })
}

fn num(f: &Fields, name: &str) -> ApiResult<f64> {
    match field(f, name).map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(0.0),
        Some(s) => s.parse::<f64>().ok().filter(|v| *v >= 0.0).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_number",
                format!("“{s}”不是有效的数字 (not a valid number)"),
            )
            .field(name.to_string())
        }),
    }
}

fn dates(f: &Fields, name: &str) -> Vec<String> {
    field(f, name)
        .unwrap_or("")
        .split([',', '，', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// Builds the household facts JSON from the form.
pub(super) fn household_from_form(f: &Fields, with_ids: bool) -> ApiResult<Value> {
    let person = |p: &str, relation: &str| -> ApiResult<Option<Value>> {
        let mut m = json!({"relation": relation});
        if with_ids {
            let id = field(f, &format!("{p}_id")).unwrap_or("").trim();
            if id.is_empty() {
                return Ok(None);
            }
            m["id_number"] = json!(id.to_uppercase());
            if let Some(n) = field(f, &format!("{p}_name")).filter(|n| !n.trim().is_empty()) {
                m["name"] = json!(n.trim());
            }
        } else {
            let birth = field(f, &format!("{p}_birth")).unwrap_or("").trim();
            if birth.is_empty() {
                return Ok(None);
            }
            m["birth_date"] = json!(birth);
            m["sex"] = json!(field(f, &format!("{p}_sex")).unwrap_or("male"));
        }
        Ok(Some(m))
    };
    let mut applicant = person("a", "applicant")?.ok_or_else(|| {
        ApiError::bad_request(
            "required",
            "请填写主申请人信息 (the main applicant is required)",
        )
        .field(if with_ids { "a_id" } else { "a_birth" })
    })?;
    applicant["married"] = json!(checked(f, "a_married"));
    applicant["resident"] = json!(checked(f, "a_resident"));
    applicant["hukou_local"] = json!(checked(f, "a_hukou"));
    applicant["labor_contract"] = json!(checked(f, "a_labor_contract"));
    applicant["workplace_township"] = json!(checked(f, "a_township"));
    applicant["employment"] = json!(field(f, "a_employment").unwrap_or("employee"));
    if let Some(o) = field(f, "a_occupation").filter(|o| !o.is_empty()) {
        applicant["occupation"] = json!(o);
    }
    if let Some(t) = field(f, "a_talent").filter(|t| !t.is_empty()) {
        applicant["talent"] = json!(t);
    }
    applicant["annual_income_yuan"] = json!(num(f, "a_income")?);
    applicant["social_insurance_months"] = json!(num(f, "a_si")? as u64);
    applicant["residence_years"] = json!(num(f, "a_years")?);
    let mut members = vec![applicant];
    if checked(f, "s_present") {
        if let Some(mut s) = person("s", "spouse")? {
            s["married"] = json!(true);
            s["annual_income_yuan"] = json!(num(f, "s_income")?);
            members.push(s);
        }
    }
    for i in 1..=3 {
        if let Some(c) = person(&format!("c{i}"), "child")? {
            members.push(c);
        }
    }
    let homes = num(f, "homes")? as u64;
    let mut benefits = vec![];
    if checked(f, "public_rental") {
        benefits.push("public_rental");
    }
    Ok(json!({
        "id": format!("web-{}", &auth::random_token()[..12]),
        "region": field(f, "region").unwrap_or("140302"),
        "members": members,
        "housing": {"owned_homes": homes, "owned_floor_area_m2": if homes == 0 { 0.0 } else { num(f, "area")? }},
        "history": {"policy_housing": checked(f, "policy_housing"), "property_transfer_dates": dates(f, "transfers"), "abandonments": dates(f, "abandonments")},
        "current_benefits": benefits,
    }))
}
