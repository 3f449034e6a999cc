//! The company's forms on `/acquisition` that the API had alone before
//! (issue 15): a project's price cap, the developers' offers file, an edit
//! of the draft plan with its reason, and a ledger entry with its evidence.
//! Each builds the request the API takes and calls the same service; the
//! empty required fields are all reported at once before the service is
//! asked.

use anju_acquisition::{EntryKind, PriceCap};

use crate::acquisition::service::{self as svc, CapDoc};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::field_errors::FieldErrors;
use crate::web::forms::{field, Fields};
use crate::web::html::Lang;
use crate::web::AppState;

/// A recorded cap as the page shows it: each term per m² in yuan.
pub(super) struct CapRow {
    pub project: String,
    pub purpose: &'static str,
    pub terms: Vec<(&'static str, String)>,
    pub evidence: String,
    pub cited: String,
}

pub(super) fn cap_row(l: Lang, c: &CapDoc) -> CapRow {
    CapRow {
        project: c.project.clone(),
        purpose: match c.cap {
            PriceCap::Sale { .. } => l.t("配售", "for sale"),
            PriceCap::Rent { .. } => l.t("配租", "for rent"),
        },
        terms: c
            .cap
            .terms()
            .iter()
            .map(|t| (l.t(t.zh, t.en), t.fen_per_m2.to_string()))
            .collect(),
        evidence: c.evidence.clone(),
        cited: c.cited.clone(),
    }
}

/// The ledger's kinds for the entry form: (value, 中文, English).
pub(super) const ENTRY_KINDS: [(&str, &str, &str); 4] = [
    ("own_capital", "自有资金", "own capital"),
    ("loan", "贷款", "loan"),
    ("special_fund", "专项资金", "special fund"),
    ("payment", "支付购房款", "payment"),
];

/// A ledger kind in the page's language (never the code).
pub(super) fn entry_kind(l: Lang, k: &str) -> &'static str {
    EntryKind::parse(k)
        .map(|k| l.t(k.zh(), k.en()))
        .unwrap_or("—")
}

fn text(f: &Fields, n: &str) -> String {
    field(f, n).unwrap_or("").trim().to_string()
}

/// Every empty required field of the posted form, at once.
pub(super) fn precheck(ty: &str, f: &Fields) -> FieldErrors {
    let mut e = FieldErrors::new();
    let names: &[&str] = match ty {
        "cap" if field(f, "purpose") == Some("rent") => {
            &["project", "appraisal_yuan_per_m2", "evidence"]
        }
        "cap" => &[
            "project",
            "land_yuan_per_m2",
            "construction_yuan_per_m2",
            "profit_pct",
            "evidence",
        ],
        "plan_edit" => &["reason"],
        "ledger" => &["company_id", "kind", "amount_yuan", "on", "memo"],
        _ => &[],
    };
    for n in names {
        if text(f, n).is_empty() {
            e.add(n, "此项必填", "required");
        }
    }
    e
}

/// Runs one of this module's forms; `None` when `ty` is not one of them.
pub(super) async fn run(
    st: &AppState,
    user: &CurrentUser,
    ty: &str,
    f: &Fields,
) -> Option<ApiResult<&'static str>> {
    Some(match ty {
        "cap" => svc::record_cap(
            st,
            user,
            &svc::CapRequest {
                project: text(f, "project"),
                purpose: text(f, "purpose"),
                land_yuan_per_m2: text(f, "land_yuan_per_m2"),
                construction_yuan_per_m2: text(f, "construction_yuan_per_m2"),
                profit_pct: text(f, "profit_pct"),
                appraisal_yuan_per_m2: text(f, "appraisal_yuan_per_m2"),
                evidence: text(f, "evidence"),
            },
        )
        .await
        .map(|_| "cap"),
        "plan_edit" => {
            let version = match field(f, "version").and_then(|v| v.trim().parse().ok()) {
                Some(v) => v,
                None => {
                    return Some(Err(ApiError::bad_request(
                        "invalid_version",
                        "表单缺少版本号，请刷新后重试 (version missing; reload)",
                    )))
                }
            };
            let lots = f
                .iter()
                .filter(|(k, _)| k == "lot")
                .map(|(_, v)| v.clone())
                .collect();
            svc::edit(
                st,
                user,
                &text(f, "id"),
                &svc::PlanEdit {
                    lots,
                    version,
                    reason: text(f, "reason"),
                },
            )
            .await
            .map(|_| "plan_edit")
        }
        "ledger" => svc::append(
            st,
            user,
            &text(f, "company_id"),
            &svc::EntryRequest {
                kind: text(f, "kind"),
                amount_yuan: text(f, "amount_yuan"),
                on: text(f, "on"),
                memo: text(f, "memo"),
            },
        )
        .await
        .map(|_| "ledger"),
        _ => return None,
    })
}
