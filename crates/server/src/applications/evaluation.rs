//! The policy engine applied to a household: the full decision (with its
//! rendered JSON and citations) for the bureau and the self-check, and the
//! lighter screening a submission needs.

use anju_domain::{Ban, Citation, CitedReason, NonEmptyText};
use anju_policy::engine::from_day_number;
use anju_policy::model::RuleKind;
use anju_policy::{Household, Renderer};
use chrono::NaiveDate;
use serde_json::Value;

use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// An engine decision on a household, on a date.
pub struct Evaluated {
    pub household: Household,
    /// The contract's decision JSON.
    pub json: Value,
    /// Bans that bar the household on that date (article 14 / Loudi 8.1.2, 8.2.3).
    pub bans: Vec<Ban>,
}

fn input_error(e: anju_policy::InputError) -> ApiError {
    let field = e.path.clone();
    let err = ApiError::bad_request("invalid_household", e.to_string());
    if field.is_empty() {
        err
    } else {
        err.field(format!("household.{field}"))
    }
}

/// Decides `household` under the server's policy on `as_of`.
pub fn evaluate(st: &AppState, household: &Value, as_of: NaiveDate) -> ApiResult<Evaluated> {
    let (household, json, bans) = decide(st, household, as_of, true)?;
    Ok(Evaluated {
        household,
        json: json.unwrap_or(Value::Null),
        bans,
    })
}

/// What a submission needs of the engine: the household as read and the
/// bans that bar it. The decision JSON is not rendered: a submission
/// stores none (the bureau's decision is recorded later, from a fresh
/// evaluation), and rendering it with every citation and reading it back
/// was a fifth of the server's work per submission (issue 11 item 8).
pub(super) struct Screened {
    pub(super) household: Household,
    pub(super) bans: Vec<Ban>,
}

pub(super) fn screen(st: &AppState, household: &Value, as_of: NaiveDate) -> ApiResult<Screened> {
    let (household, _, bans) = decide(st, household, as_of, false)?;
    Ok(Screened { household, bans })
}

fn decide(
    st: &AppState,
    household: &Value,
    as_of: NaiveDate,
    render: bool,
) -> ApiResult<(Household, Option<Value>, Vec<Ban>)> {
    let bytes = serde_json::to_vec(household)
        .map_err(|e| ApiError::bad_request("invalid_json", e.to_string()))?;
    let h = Household::from_json(&bytes).map_err(input_error)?;
    let ev = st.policy.evaluator(as_of, &st.overrides).map_err(|e| {
        ApiError::internal(format!(
            "政策参数不全，无法判定 (policy cannot be applied: {e})"
        ))
    })?;
    let d = ev.decide(&h).map_err(input_error)?;
    let failed_bans: Vec<usize> = st
        .policy
        .rules
        .iter()
        .enumerate()
        .filter(|(i, rule)| matches!(rule.kind, RuleKind::Ban { .. }) && !d.outcomes[*i].passed)
        .map(|(i, _)| i)
        .collect();
    if !render && failed_bans.is_empty() {
        return Ok((h, None, Vec::new()));
    }
    let renderer = Renderer::new(&ev);
    let json = if render {
        let mut out = Vec::new();
        renderer.write_json(&h, &d, &mut out);
        Some(serde_json::from_slice(&out).map_err(|e| ApiError::internal(e.to_string()))?)
    } else {
        None
    };
    let mut bans = Vec::new();
    for i in failed_bans {
        let (rule, o) = (&st.policy.rules[i], &d.outcomes[i]);
        let until = from_day_number(o.v[2]).unwrap_or(as_of);
        let reason = cited(
            Some(&rule.id),
            &renderer.message(i, o, &h),
            &rule.citation.document,
            &rule.citation.article,
            &rule.citation.ref_,
        )?;
        bans.push(Ban { until, reason });
    }
    Ok((h, json, bans))
}

pub(super) fn text(s: &str, field: &str) -> ApiResult<NonEmptyText> {
    NonEmptyText::new(s)
        .map_err(|e| ApiError::bad_request("invalid_text", e.to_string()).field(field))
}

pub(super) fn cited(
    rule: Option<&str>,
    message: &str,
    document: &str,
    article: &str,
    ref_: &str,
) -> ApiResult<CitedReason> {
    Ok(CitedReason {
        rule: rule.map(|r| text(r, "rule")).transpose()?,
        message: text(message, "message")?,
        citation: Citation::new(document, article, ref_)
            .map_err(|e| ApiError::bad_request("invalid_citation", e.to_string()).field("ref"))?,
    })
}
