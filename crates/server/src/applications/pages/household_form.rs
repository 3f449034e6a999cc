//! The household form (self-check and application share it) and the
//! household facts JSON built from what was posted.

use anju_domain::YANGQUAN_DISTRICTS;
use askama::Template;
use serde_json::{json, Value};

use anju_idcodes::ResidentId;
use chrono::NaiveDate;

use crate::applications::service::MEMBER_NAME_MAX_CHARS;
use crate::web::auth;
use crate::web::error::ApiResult;
use crate::web::field_errors::FieldErrors;
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
    name_error: Option<String>,
    id_error: Option<String>,
    birth_error: Option<String>,
}

#[derive(Template)]
#[template(path = "applications/templates/household_form.html")]
struct HouseholdForm<'a> {
    c: &'a Ctx,
    f: &'a Fields,
    /// What was wrong with the posted form, beside each field.
    errors: &'a FieldErrors,
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

    /// The problem with field `name`, if any.
    fn err(&self, name: &str) -> Option<&str> {
        self.errors.get(name, self.c.lang)
    }
}

/// The household form's fields, filled in with `f` (what was posted, or
/// nothing). `with_ids`: names and ID numbers (an application) instead of
/// birth dates and sex (the anonymous self-check).
pub(super) fn household_form(
    c: &Ctx,
    with_ids: bool,
    f: &Fields,
    errors: &FieldErrors,
) -> ApiResult<Markup> {
    let l = c.lang;
    let v = |n: &str| field(f, n).unwrap_or("").to_string();
    let person = |p: &str, title: String| Person {
        p: p.to_string(),
        title,
        name: v(&format!("{p}_name")),
        id: v(&format!("{p}_id")),
        birth: v(&format!("{p}_birth")),
        sex: options(&SEX, l, field(f, &format!("{p}_sex")).unwrap_or("male")),
        name_error: errors.get(&format!("{p}_name"), l).map(String::from),
        id_error: errors.get(&format!("{p}_id"), l).map(String::from),
        birth_error: errors.get(&format!("{p}_birth"), l).map(String::from),
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
        errors,
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

/// A number field: empty is 0; otherwise a non-negative number no larger
/// than `max` (and whole when `whole`).
fn num(f: &Fields, name: &str, max: f64, whole: bool, errors: &mut FieldErrors) -> f64 {
    let Some(s) = field(f, name).map(str::trim).filter(|s| !s.is_empty()) else {
        return 0.0;
    };
    match s.replace([',', '，'], "").parse::<f64>() {
        Ok(v) if v.is_finite() && v >= 0.0 && v <= max && (!whole || v.fract() == 0.0) => v,
        Ok(v) if v < 0.0 => {
            errors.add(name, "不能为负数", "cannot be negative");
            0.0
        }
        Ok(v) if whole && v.fract() != 0.0 => {
            errors.add(name, "请填写整数", "enter a whole number");
            0.0
        }
        Ok(_) => {
            errors.add(
                name,
                format!("数值过大，最大为 {max}"),
                format!("too large: at most {max}"),
            );
            0.0
        }
        Err(_) => {
            errors.add(
                name,
                format!("“{s}”不是数字，请只填写阿拉伯数字，如 36000"),
                format!("“{s}” is not a number: write digits only, e.g. 36000"),
            );
            0.0
        }
    }
}

/// A comma-separated list of dates (`2022-05-01, 2023-01-10`); each one
/// that is not a real date is named.
fn dates(f: &Fields, name: &str, errors: &mut FieldErrors) -> Vec<String> {
    let mut out = Vec::new();
    for d in field(f, name)
        .unwrap_or("")
        .split([',', '，', '、', ' ', ';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(day) => out.push(day.to_string()),
            Err(_) => errors.add(
                name,
                format!("日期“{d}”无效：请按“年-月-日”填写，如 2024-05-01，多个日期用逗号分隔"),
                format!("“{d}” is not a date: write year-month-day, e.g. 2024-05-01, several separated by commas"),
            ),
        }
    }
    out
}

/// Builds the household facts JSON from the form, or every problem found,
/// each against its field.
pub(super) fn household_from_form(f: &Fields, with_ids: bool) -> Result<Value, FieldErrors> {
    let mut errors = FieldErrors::new();
    let person = |p: &str, relation: &str, errors: &mut FieldErrors| -> Option<Value> {
        let mut m = json!({"relation": relation});
        if with_ids {
            let id = field(f, &format!("{p}_id")).unwrap_or("").trim();
            let name = field(f, &format!("{p}_name")).unwrap_or("").trim();
            if id.is_empty() {
                if !name.is_empty() {
                    errors.add(
                        &format!("{p}_id"),
                        "请填写此人的身份证号码",
                        "enter this person's resident ID number",
                    );
                }
                return None;
            }
            match ResidentId::parse(id) {
                Ok(rid) => m["id_number"] = json!(rid.as_str()),
                Err(e) => {
                    errors.add_bilingual(&format!("{p}_id"), &e.to_string());
                    m["id_number"] = json!(id.to_uppercase());
                }
            }
            let n = name.chars().count();
            if n == 0 {
                errors.add(&format!("{p}_name"), "请填写姓名", "enter the name");
            } else if n > MEMBER_NAME_MAX_CHARS || name.chars().any(char::is_control) {
                errors.add(
                    &format!("{p}_name"),
                    format!("姓名最多{MEMBER_NAME_MAX_CHARS}个字"),
                    format!("a name has at most {MEMBER_NAME_MAX_CHARS} characters"),
                );
            } else {
                m["name"] = json!(name);
            }
        } else {
            let birth = field(f, &format!("{p}_birth")).unwrap_or("").trim();
            if birth.is_empty() {
                return None;
            }
            match NaiveDate::parse_from_str(birth, "%Y-%m-%d") {
                Ok(d) => m["birth_date"] = json!(d.to_string()),
                Err(_) => errors.add(
                    &format!("{p}_birth"),
                    format!("出生日期“{birth}”无效，请按“年-月-日”填写"),
                    format!("“{birth}” is not a date: write year-month-day"),
                ),
            }
            m["sex"] = json!(field(f, &format!("{p}_sex")).unwrap_or("male"));
        }
        Some(m)
    };
    let applicant = person("a", "applicant", &mut errors);
    if applicant.is_none() {
        errors.add(
            if with_ids { "a_id" } else { "a_birth" },
            if with_ids {
                "请填写主申请人的身份证号码"
            } else {
                "请填写主申请人的出生日期"
            },
            if with_ids {
                "enter the main applicant's resident ID number"
            } else {
                "enter the main applicant's date of birth"
            },
        );
    }
    let mut applicant = applicant.unwrap_or_else(|| json!({"relation": "applicant"}));
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
    applicant["annual_income_yuan"] = json!(num(f, "a_income", MAX_INCOME, false, &mut errors));
    applicant["social_insurance_months"] = json!(num(f, "a_si", 1200.0, true, &mut errors) as u64);
    applicant["residence_years"] = json!(num(f, "a_years", 120.0, false, &mut errors));
    let mut members = vec![applicant];
    if checked(f, "s_present") {
        match person("s", "spouse", &mut errors) {
            Some(mut s) => {
                s["married"] = json!(true);
                s["annual_income_yuan"] = json!(num(f, "s_income", MAX_INCOME, false, &mut errors));
                members.push(s);
            }
            None => errors.add(
                if with_ids { "s_id" } else { "s_birth" },
                "已勾选“配偶共同申请”，请填写配偶信息，或取消勾选",
                "“Spouse applies too” is ticked: fill in the spouse, or untick it",
            ),
        }
    }
    for i in 1..=3 {
        if let Some(c) = person(&format!("c{i}"), "child", &mut errors) {
            members.push(c);
        }
    }
    let homes = num(f, "homes", 100.0, true, &mut errors) as u64;
    let area = num(f, "area", 100_000.0, false, &mut errors);
    let mut benefits = vec![];
    if checked(f, "public_rental") {
        benefits.push("public_rental");
    }
    let region = field(f, "region").unwrap_or("140302");
    if !YANGQUAN_DISTRICTS.iter().any(|d| d.code.as_str() == region) {
        errors.add("region", "请选择申请所在县（区）", "choose the district");
    }
    let history = json!({
        "policy_housing": checked(f, "policy_housing"),
        "property_transfer_dates": dates(f, "transfers", &mut errors),
        "abandonments": dates(f, "abandonments", &mut errors),
    });
    if !errors.is_empty() {
        return Err(errors);
    }
    Ok(json!({
        "id": format!("web-{}", &auth::random_token()[..12]),
        "region": region,
        "members": members,
        "housing": {"owned_homes": homes, "owned_floor_area_m2": if homes == 0 { 0.0 } else { area }},
        "history": history,
        "current_benefits": benefits,
    }))
}

/// The largest annual income the form takes (a typing slip beyond it).
const MAX_INCOME: f64 = 100_000_000.0;
