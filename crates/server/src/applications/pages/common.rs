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
    tier: Option<u64>,
    reasons: Vec<Reason>,
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
    fragment(&Decision {
        c,
        eligible: d["eligible"] == true,
        tier: d["tier"].as_u64(),
        reasons: d["reasons"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| Reason {
                passed: r["passed"] == true,
                condition_en: c.is_en().then(|| condition_en(&r["rule"])).flatten(),
                message: text(&r["message"]),
                document: text(&r["citation"]["document"]),
                article: text(&r["citation"]["article"]),
            })
            .collect(),
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
