//! Shared by the applications pages (imports no sibling): status labels,
//! select options, rendering a fragment, and the eligibility decision shown
//! on the self-check result and on an application's page.

use anju_domain::{ActionKind, StatusKind};
use askama::Template;
use serde_json::Value;

use crate::web::error::ApiError;
use crate::web::forms::Ctx;
use crate::web::html::{Lang, Markup};

/// A status in the page's language (the domain's English names are code
/// names, so the words are here).
pub(super) fn status_label(l: Lang, s: StatusKind) -> &'static str {
    let en = match s {
        StatusKind::Submitted => "submitted, awaiting street review",
        StatusKind::ReturnedForCorrection => "returned for correction",
        StatusKind::UnderVerification => "being verified by the departments",
        StatusKind::Verified => "verified, awaiting the decision",
        StatusKind::Decided => "approved, awaiting public notice",
        StatusKind::OnNotice => "on public notice",
        StatusKind::Qualified => "qualified",
        StatusKind::Rejected => "not approved",
        StatusKind::ReviewRequested => "under review",
        StatusKind::Withdrawn => "withdrawn",
    };
    l.t(s.label_zh(), en)
}

/// An action in the page's language, as on its button.
pub(super) fn action_label(l: Lang, k: ActionKind) -> &'static str {
    let en = match k {
        ActionKind::Submit => "Submit the application",
        ActionKind::StreetPass => "Pass the street review",
        ActionKind::StreetReturn => "Return for correction",
        ActionKind::StreetReject => "Reject at the street review",
        ActionKind::Resubmit => "Resubmit after correction",
        ActionKind::DepartmentConfirm => "Confirm for my department",
        ActionKind::RecordDecision => "Record the eligibility decision",
        ActionKind::StartNotice => "Start the public notice",
        ActionKind::RecordObjection => "Record an objection",
        ActionKind::ResolveObjection => "Resolve an objection",
        ActionKind::Qualify => "Confirm the qualification",
        ActionKind::RequestReview => "Request a review",
        ActionKind::DecideReview => "Decide the review",
        ActionKind::Withdraw => "Withdraw the application",
    };
    l.t(k.label_zh(), en)
}

/// One `<option>` of a select.
pub(super) struct Opt {
    pub(super) value: String,
    pub(super) label: &'static str,
    pub(super) selected: bool,
}

/// Options from `(value, Chinese, English)`, with `selected` chosen.
pub(super) fn options(
    values: &[(&'static str, &'static str, &'static str)],
    l: Lang,
    selected: &str,
) -> Vec<Opt> {
    values
        .iter()
        .map(|(v, zh, en)| Opt {
            value: v.to_string(),
            label: l.t(zh, en),
            selected: *v == selected,
        })
        .collect()
}

/// A rendered fragment, or the error page's error.
pub(super) fn fragment<T: Template>(t: &T) -> Result<Markup, ApiError> {
    Markup::of(t)
        .map_err(|e| ApiError::internal(format!("页面生成失败 (page rendering failed): {e}")))
}

/// One condition of a decision.
pub(super) struct Reason {
    pub(super) passed: bool,
    /// In English: the condition in words, from the policy file's
    /// `label_en` (the message with the figures is in the document's
    /// language and is shown beneath it).
    pub(super) condition_en: Option<String>,
    pub(super) message: String,
    pub(super) document: String,
    pub(super) article: String,
    /// Not met, but only in a category other than the ones the family
    /// qualified for: shown quietly, not as a red refusal.
    pub(super) aside: bool,
}

/// The conditions of one category (or those every category shares).
pub(super) struct Group {
    /// 共同条件, or the category's name.
    pub(super) title: String,
    /// Every condition met (the family qualifies in this category).
    pub(super) met: bool,
    /// Failed conditions first.
    pub(super) reasons: Vec<Reason>,
}

/// A duty that comes with qualifying (vacating earlier policy housing).
pub(super) struct Obligation {
    pub(super) within_days: String,
    pub(super) article: String,
}

/// A decision shown to people: the conclusion, then every condition.
#[derive(Template)]
#[template(path = "applications/templates/decision.html")]
pub(super) struct Decision<'a> {
    c: &'a Ctx,
    eligible: bool,
    /// One sentence first: for which categories and round, and why not the
    /// others.
    summary: String,
    groups: Vec<Group>,
    obligations: Vec<Obligation>,
    digest: String,
}

/// The decision (the engine's JSON) as a page fragment. `policy` names the
/// conditions in English (by rule id) on English pages.
pub(super) fn decision(
    c: &Ctx,
    policy: &anju_policy::Policy,
    d: &Value,
) -> Result<Markup, ApiError> {
    let condition_en = |rule: &Value| {
        let id = rule.as_str()?;
        let r = policy.rules.iter().find(|r| r.id == id)?;
        r.label_en.clone()
    };
    let text = |v: &Value| v.as_str().unwrap_or("").to_string();
    let l = c.lang;
    let category_name = |id: &str| {
        policy
            .categories
            .iter()
            .find(|k| k.id == id)
            .map(|k| match (l, &k.label_en) {
                (Lang::En, Some(en)) => en.clone(),
                _ => k.label.clone(),
            })
            .unwrap_or_else(|| id.to_string())
    };
    let eligible = d["eligible"] == true;
    let qualified: Vec<String> = d["categories"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(String::from))
        .collect();
    // Group by category: the shared conditions first, then the categories
    // the family qualifies in, then the others; failed conditions first in
    // each, and a condition repeated word for word shown once.
    let mut order: Vec<Option<String>> = vec![None];
    let mut groups: Vec<(Option<String>, Vec<Reason>)> = vec![(None, Vec::new())];
    for r in d["reasons"].as_array().into_iter().flatten() {
        let category = r["category"].as_str().map(String::from);
        if !order.contains(&category) {
            order.push(category.clone());
            groups.push((category.clone(), Vec::new()));
        }
        let reason = Reason {
            passed: r["passed"] == true,
            condition_en: c.is_en().then(|| condition_en(&r["rule"])).flatten(),
            message: text(&r["message"]),
            document: text(&r["citation"]["document"]),
            article: text(&r["citation"]["article"]),
            aside: eligible
                && r["passed"] != true
                && category.as_ref().is_some_and(|k| !qualified.contains(k)),
        };
        if let Some((_, list)) = groups.iter_mut().find(|(k, _)| *k == category) {
            if !list.iter().any(|x| {
                x.message == reason.message
                    && x.article == reason.article
                    && x.passed == reason.passed
            }) {
                list.push(reason);
            }
        }
    }
    let mut groups: Vec<Group> = groups
        .into_iter()
        .filter(|(_, list)| !list.is_empty())
        .map(|(k, mut list)| {
            list.sort_by_key(|r| r.passed);
            Group {
                met: list.iter().all(|r| r.passed),
                title: match &k {
                    None => l.t("共同条件", "Conditions for every category").to_string(),
                    Some(id) => format!("{}{}", l.t("类别：", "Category: "), category_name(id)),
                },
                reasons: list,
            }
        })
        .collect();
    // Common conditions, then qualified categories, then the rest.
    groups.sort_by_key(|g| {
        if g.title == l.t("共同条件", "Conditions for every category") {
            0
        } else if g.met {
            1
        } else {
            2
        }
    });
    let names = |ids: &[String]| {
        ids.iter()
            .map(|k| category_name(k))
            .collect::<Vec<_>>()
            .join(l.t("、", ", "))
    };
    let others: Vec<String> = d["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|r| r["category"].as_str().map(String::from))
        .filter(|k| !qualified.contains(k))
        .fold(Vec::new(), |mut acc, k| {
            if !acc.contains(&k) {
                acc.push(k);
            }
            acc
        });
    let first_common_failure = d["reasons"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|r| r["passed"] != true && r["category"].is_null())
        .map(|r| text(&r["message"]));
    let summary = if eligible {
        let mut s = format!(
            "{}{}{}",
            l.t("符合以下类别的申请条件：", "Eligible in: "),
            names(&qualified),
            match d["tier"].as_u64() {
                Some(t) => format!(
                    "{}{t}{}",
                    l.t("，可参加第 ", "; may enter round "),
                    l.t(" 轮配售。", ".")
                ),
                None => l.t("。", ".").to_string(),
            }
        );
        if !others.is_empty() {
            s.push_str(&format!(
                "{}{}{}",
                l.t("其他类别（", "Other categories ("),
                names(&others),
                l.t(
                    "）的条件未全部满足，仅列于下方供参考。",
                    ") are not met in full; listed below for reference."
                )
            ));
        }
        s
    } else {
        match first_common_failure {
            Some(m) => format!("{}{m}", l.t("暂不符合申请条件：", "Not eligible: ")),
            None => l
                .t(
                    "暂不符合任何类别的申请条件，各类别未满足的条件见下。",
                    "Not eligible in any category: the conditions not met are listed below by category.",
                )
                .to_string(),
        }
    };
    fragment(&Decision {
        c,
        eligible,
        summary,
        groups,
        obligations: d["obligations"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|o| Obligation {
                within_days: o["within_days"].to_string(),
                article: text(&o["citation"]["article"]),
            })
            .collect(),
        digest: text(&d["policy_digest"]),
    })
}

/// An article of the policy a refusal can cite, for a select: the
/// article as printed, what it requires, and (as the option's value) its
/// dotted reference, which the page never shows.
pub(super) struct ArticleOpt {
    pub(super) ref_: String,
    pub(super) label: String,
}

/// The articles the policy's conditions cite, in the policy's order, once
/// each (the conditions of one article joined).
pub(super) fn policy_articles(l: Lang, policy: &anju_policy::Policy) -> Vec<ArticleOpt> {
    let mut out: Vec<(String, String, Vec<String>)> = Vec::new();
    for r in &policy.rules {
        let what = match l {
            Lang::Zh => r.label.clone(),
            Lang::En => r.label_en.clone().or_else(|| r.label.clone()),
        }
        .unwrap_or_default();
        match out.iter_mut().find(|(ref_, _, _)| *ref_ == r.citation.ref_) {
            Some((_, _, whats)) => {
                if !what.is_empty() && !whats.contains(&what) {
                    whats.push(what)
                }
            }
            None => out.push((
                r.citation.ref_.clone(),
                r.citation.article.clone(),
                vec![what].into_iter().filter(|w| !w.is_empty()).collect(),
            )),
        }
    }
    out.into_iter()
        .map(|(ref_, article, whats)| ArticleOpt {
            ref_,
            label: if whats.is_empty() {
                article
            } else {
                format!("{article} · {}", whats.join(l.t("；", "; ")))
            },
        })
        .collect()
}

/// The article as printed for a dotted reference the policy cites.
pub(crate) fn article_of(policy: &anju_policy::Policy, ref_: &str) -> Option<String> {
    policy
        .rules
        .iter()
        .find(|r| r.citation.ref_ == ref_)
        .map(|r| r.citation.article.clone())
}
