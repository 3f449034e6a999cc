//! What the self-check and calculator pages share: form fields built as
//! [`Input`] lists and explanation rows.

use crate::subsidies::service::{self, SubsidyFacts};
use crate::web::error::ApiError;
use crate::web::forms::{checked, field, Ctx, Fields};

/// One option of a select.
pub(crate) struct Opt {
    pub value: &'static str,
    pub label: String,
    pub selected: bool,
}

/// One form field.
pub(crate) struct Input {
    pub name: &'static str,
    pub label: String,
    /// `select`, `number`, `decimal` or `checkbox`.
    pub kind: &'static str,
    pub value: String,
    pub options: Vec<Opt>,
}

impl Input {
    pub fn number(
        c: &Ctx,
        f: &Fields,
        name: &'static str,
        zh: &str,
        en: &str,
        default: &str,
    ) -> Input {
        Input {
            name,
            label: c.t(zh, en).to_owned(),
            kind: "number",
            value: field(f, name).unwrap_or(default).to_owned(),
            options: vec![],
        }
    }
    pub fn decimal(
        c: &Ctx,
        f: &Fields,
        name: &'static str,
        zh: &str,
        en: &str,
        default: &str,
    ) -> Input {
        Input {
            kind: "decimal",
            ..Input::number(c, f, name, zh, en, default)
        }
    }
    /// Free text (a name as written on a document).
    pub fn text(c: &Ctx, f: &Fields, name: &'static str, zh: &str, en: &str) -> Input {
        Input {
            name,
            label: c.t(zh, en).to_owned(),
            kind: "text",
            value: field(f, name).unwrap_or("").to_owned(),
            options: vec![],
        }
    }
    pub fn checkbox(c: &Ctx, f: &Fields, name: &'static str, zh: &str, en: &str) -> Input {
        Input {
            name,
            label: c.t(zh, en).to_owned(),
            kind: "checkbox",
            value: if crate::web::forms::checked(f, name) {
                "on".into()
            } else {
                String::new()
            },
            options: vec![],
        }
    }
    pub fn select(
        c: &Ctx,
        f: &Fields,
        name: &'static str,
        zh: &str,
        en: &str,
        options: &[(&'static str, &str, &str)],
    ) -> Input {
        let chosen = field(f, name).unwrap_or(options.first().map_or("", |o| o.0));
        Input {
            name,
            label: c.t(zh, en).to_owned(),
            kind: "select",
            value: chosen.to_owned(),
            options: options
                .iter()
                .map(|(v, zh, en)| Opt {
                    value: v,
                    label: c.t(zh, en).to_owned(),
                    selected: *v == chosen,
                })
                .collect(),
        }
    }
}

/// One line of an explanation on a page.
pub(crate) struct StepRow {
    pub text: String,
    pub cite: String,
    pub quote: String,
}

pub(crate) fn step_rows(c: &Ctx, steps: &[anju_subsidies::Step]) -> Vec<StepRow> {
    steps
        .iter()
        .map(|s| StepRow {
            text: if c.is_en() {
                s.en.clone()
            } else {
                s.zh.clone()
            },
            cite: s.citation.short(),
            quote: s.citation.quote.to_owned(),
        })
        .collect()
}

pub(crate) struct Link {
    pub href: String,
    pub label: String,
}

/// The self-check facts from a posted form.
pub(crate) fn check_facts(f: &Fields) -> Result<SubsidyFacts, ApiError> {
    let text = |n: &str| field(f, n).map(str::to_owned).filter(|s| !s.is_empty());
    Ok(SubsidyFacts {
        degree: text("degree"),
        university: text("university"),
        university_name: text("university_name"),
        employed_in_city: checked(f, "employed_in_city"),
        service_pledge_years: service::form_whole(
            field(f, "service_pledge_years"),
            "service_pledge_years",
            "承诺服务年限",
        )?,
        homes_owned: service::form_whole(field(f, "homes_owned"), "homes_owned", "已有住房套数")?,
        in_talent_apartment: checked(f, "in_talent_apartment"),
        married: checked(f, "married"),
        provident_fund: checked(f, "provident_fund"),
        spouse_provident_fund: checked(f, "spouse_provident_fund"),
    })
}
