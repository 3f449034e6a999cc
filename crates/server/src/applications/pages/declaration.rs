//! The family's declaration on the application page, as much of it as the
//! reader's role needs (`anju_domain::declaration_view`): reviewers see
//! every fact, a department the facts it holds beside what it confirmed,
//! supervisors masked names only (issue 12 defect 6). Every reading of an
//! application by staff is audited (`service::read_application`).

use anju_domain::{
    declaration_view, mask_name, Action, Actor, DeclarationView, Department, Event, FactField,
    FactPath, Status,
};
use anju_idcodes::ResidentId;
use serde_json::Value;

use crate::web::html::Lang;

/// One fact: what the family declared and what verification made of it.
pub(super) struct DeclRow {
    pub label: &'static str,
    pub declared: String,
    /// The owning department's word on it, when a department owns it.
    pub verified: Option<String>,
    /// Who the person is (relation, name, ID): nobody "verifies" it here.
    pub identity: bool,
    /// A department corrected the declared value.
    pub corrected: bool,
}

/// A member, or the household's housing and history.
pub(super) struct DeclGroup {
    pub title: String,
    pub rows: Vec<DeclRow>,
}

/// The section: what the reader sees, and why the rest is not shown.
pub(super) struct Declaration {
    pub groups: Vec<DeclGroup>,
    /// Said above the table: whose view this is.
    pub note: &'static str,
    /// Whether the table has a verification column worth showing.
    pub with_verification: bool,
}

const IDENTITY: [FactField; 4] = [
    FactField::Relation,
    FactField::Name,
    FactField::IdNumber,
    FactField::BirthDate,
];

/// Builds the section for `actor` from the stored (current) household and
/// the application's events.
pub(super) fn declaration(
    l: Lang,
    actor: &Actor,
    household: &Value,
    status: &Status,
    events: &[Event],
) -> Declaration {
    let view = declaration_view(actor);
    let shows = |f: FactField| match view {
        DeclarationView::Full => true,
        DeclarationView::Department(d) => IDENTITY.contains(&f) || f.owner() == Some(d),
        DeclarationView::Masked => matches!(
            f,
            FactField::Relation | FactField::Name | FactField::IdNumber
        ),
    };
    let masked = view == DeclarationView::Masked;
    // What each department did: confirmed, and the corrections it made.
    let mut confirmed: Vec<Department> = Vec::new();
    let mut corrections: Vec<(FactPath, Value, Value, Department)> = Vec::new();
    for e in events {
        if let Action::DepartmentConfirm {
            department,
            corrections: cs,
        } = &e.action
        {
            confirmed.push(*department);
            for c in cs {
                corrections.push((
                    *c.path(),
                    c.old().clone(),
                    c.new_value().clone(),
                    *department,
                ));
            }
        }
    }
    let still_verifying = matches!(
        status,
        Status::Submitted | Status::ReturnedForCorrection { .. } | Status::UnderVerification { .. }
    );
    let row = |path: FactPath| -> Option<DeclRow> {
        let field = path.field();
        if !shows(field) {
            return None;
        }
        let current = path.read(household)?;
        let correction = corrections.iter().find(|(p, ..)| *p == path);
        let declared_value = correction.map_or(current, |(_, old, ..)| old);
        let declared = if masked {
            masked_value(l, field, declared_value)
        } else {
            value_words(l, field, declared_value)
        };
        let verified = field.owner().filter(|_| !masked).map(|d| {
            let dept = l.t(d.label_zh(), d.label_en());
            match correction {
                Some((.., new, by)) => format!(
                    "{}{}{}",
                    l.t(by.label_zh(), by.label_en()),
                    l.t("更正为：", " corrected it to: "),
                    value_words(l, field, new)
                ),
                None if confirmed.contains(&d) => {
                    format!("{dept}{}", l.t("已核验，一致", " confirmed it"))
                }
                None if still_verifying => {
                    format!("{}{dept}{}", l.t("待", "awaiting "), l.t("核验", ""))
                }
                None => l.t("—", "—").to_string(),
            }
        });
        Some(DeclRow {
            label: l.t(field.label_zh(), field.label_en()),
            declared,
            verified,
            identity: IDENTITY.contains(&field),
            corrected: correction.is_some(),
        })
    };
    let mut groups = Vec::new();
    let members = household["members"].as_array().map_or(0, Vec::len);
    for i in 0..members.min(anju_domain::facts::MAX_MEMBERS) {
        let rows: Vec<DeclRow> = FactField::ALL
            .into_iter()
            .filter(|f| f.is_member_field())
            .filter_map(|f| FactPath::member(i, f).ok().and_then(row))
            .collect();
        let relation = household["members"][i]["relation"].as_str().unwrap_or("");
        let title = FactField::Relation
            .code_label(relation)
            .map_or(relation.to_string(), |(zh, en)| l.t(zh, en).to_string());
        groups.push(DeclGroup { title, rows });
    }
    let rows: Vec<DeclRow> = FactField::ALL
        .into_iter()
        .filter(|f| !f.is_member_field())
        .filter_map(|f| FactPath::household(f).ok().and_then(row))
        .collect();
    if !rows.is_empty() {
        groups.push(DeclGroup {
            title: l
                .t(
                    "住房、经历与特殊情况",
                    "Housing, history and special groups",
                )
                .to_string(),
            rows,
        });
    }
    let note = match view {
        DeclarationView::Full => l.t(
            "家庭申报的全部信息。各部门负责核验的事项列出核验结果；更正过的事项显示原申报值和更正后的值。",
            "Everything the family declared. Facts a department verifies show its result; a corrected fact shows what was declared and what it was corrected to.",
        ),
        DeclarationView::Department(_) => l.t(
            "本部门核验所需的信息：家庭成员身份，以及本部门负责核验的事项。其他申报信息不向本部门显示。",
            "What your department needs to verify: who the members are, and the facts your department holds. The rest of the declaration is not shown to your department.",
        ),
        DeclarationView::Masked => l.t(
            "本角色不审核申报信息：只显示脱敏后的家庭成员。",
            "Your role does not assess the declaration: members are shown masked.",
        ),
    };
    Declaration {
        groups,
        note,
        with_verification: !masked,
    }
}

/// A value in words: yes/no, numbers, codes as their names, dates listed.
fn value_words(l: Lang, field: FactField, v: &Value) -> String {
    match v {
        Value::Null => l.t("未填", "not given").to_string(),
        Value::Bool(b) => l
            .t(if *b { "是" } else { "否" }, if *b { "yes" } else { "no" })
            .to_string(),
        Value::Number(n) => match n.as_f64() {
            Some(x) if x.fract() == 0.0 => format!("{x:.0}"),
            _ => n.to_string(),
        },
        Value::String(s) => field
            .code_label(s)
            .map_or_else(|| s.clone(), |(zh, en)| l.t(zh, en).to_string()),
        Value::Array(items) if items.is_empty() => l.t("无", "none").to_string(),
        Value::Array(items) => items
            .iter()
            .map(|x| value_words(l, field, x))
            .collect::<Vec<_>>()
            .join(l.t("、", ", ")),
        Value::Object(_) => "—".to_string(),
    }
}

/// A name or ID number masked for a reader who does not assess the family.
fn masked_value(l: Lang, field: FactField, v: &Value) -> String {
    let s = v.as_str().unwrap_or("");
    match field {
        FactField::Name => mask_name(s),
        FactField::IdNumber => ResidentId::parse(s)
            .map(|id| id.masked())
            .unwrap_or_else(|_| "—".to_string()),
        _ => value_words(l, field, v),
    }
}
