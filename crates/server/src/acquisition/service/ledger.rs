//! A company's separate ledger (单列账目、单独核算): append-only entries of
//! own capital, loans, special funds and payments; balances; the export
//! for the finance bureau.

use anju_acquisition::{may_pay, Balances, EntryKind};
use anju_allotment::Fen;
use anju_store::AcqLedgerRecord;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::common::*;
use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::sheets::{official_sheet, Cell, OfficialSheet};
use crate::web::AppState;

#[derive(Debug, Clone, Deserialize, ToSchema)]
pub struct EntryRequest {
    /// own_capital | loan | special_fund | payment
    #[schema(example = "own_capital")]
    pub kind: String,
    #[schema(example = "30000000")]
    pub amount_yuan: String,
    #[schema(example = "2026-03-02")]
    pub on: String,
    #[schema(example = "股东注资")]
    pub memo: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = AcquisitionLedgerEntry)]
pub struct EntryJson {
    pub seq: i64,
    pub kind: String,
    pub amount: Fen,
    pub on: String,
    pub memo: String,
    pub by: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LedgerView {
    pub company_id: String,
    pub entries: Vec<EntryJson>,
    pub own_capital: Fen,
    pub loans: Fen,
    pub special_funds: Fen,
    pub payments: Fen,
    pub available: Fen,
    /// The rule that keeps the ledger separate.
    pub cited: String,
}

fn kinds(es: &[AcqLedgerRecord]) -> Vec<(EntryKind, Fen)> {
    es.iter()
        .filter_map(|e| {
            EntryKind::parse(&e.kind).map(|k| (k, Fen::new(e.amount_fen.max(0) as u64)))
        })
        .collect()
}

pub async fn ledger(st: &AppState, company_id: &str) -> ApiResult<LedgerView> {
    load(st, COMPANY, company_id, "收购主体 (company)").await?;
    let es = st.store.acquisition().acq_ledger(company_id).await?;
    let b = Balances::from_entries(kinds(&es).iter());
    Ok(LedgerView {
        company_id: company_id.into(),
        entries: es
            .iter()
            .map(|e| EntryJson {
                seq: e.seq,
                kind: e.kind.clone(),
                amount: Fen::new(e.amount_fen.max(0) as u64),
                on: e.on_date.clone(),
                memo: e.memo.clone(),
                by: e.by_user.clone(),
            })
            .collect(),
        own_capital: Fen::new(b.own_capital),
        loans: Fen::new(b.loans),
        special_funds: Fen::new(b.special_funds),
        payments: Fen::new(b.payments),
        available: b.available(),
        cited: policy(st).rules.ledger.cited(),
    })
}

/// Appends an entry; a payment may not exceed the funds available.
pub async fn append(
    st: &AppState,
    user: &CurrentUser,
    company_id: &str,
    r: &EntryRequest,
) -> ApiResult<LedgerView> {
    may_work(user)?;
    load(st, COMPANY, company_id, "收购主体 (company)").await?;
    let kind = EntryKind::parse(&r.kind).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_kind",
            "请选择 自有资金、贷款、专项资金 或 支付 (choose a kind)",
        )
        .field("kind")
    })?;
    let amount = yuan(&r.amount_yuan, "amount_yuan")?;
    if amount == Fen::ZERO {
        return Err(
            ApiError::bad_request("zero", "金额须大于零 (amount must be positive)")
                .field("amount_yuan"),
        );
    }
    let on = date(&r.on, "on")?;
    let memo = text(&r.memo, "memo", 200)?;
    if kind == EntryKind::Payment {
        let es = st.store.acquisition().acq_ledger(company_id).await?;
        may_pay(&Balances::from_entries(kinds(&es).iter()), amount).map_err(|e| {
            ApiError::unprocessable("overdrawn", e.to_string()).field("amount_yuan")
        })?;
    }
    let now = st.clock.now();
    st.store
        .acquisition()
        .acq_append_ledger(
            &AcqLedgerRecord {
                company_id: company_id.into(),
                seq: 0,
                kind: r.kind.clone(),
                amount_fen: amount.fen() as i64,
                on_date: on.to_string(),
                memo,
                at: now.to_string(),
                by_user: user.user.username.clone(),
            },
            audit(
                user,
                now,
                "acquisition.ledger_entry".into(),
                format!("company:{company_id}"),
                json!({"kind": r.kind, "amount_fen": amount.fen()}),
            ),
        )
        .await?;
    ledger(st, company_id).await
}

/// The ledger as an official sheet for the finance bureau.
pub async fn ledger_xlsx(
    st: &AppState,
    user: &CurrentUser,
    company_id: &str,
) -> ApiResult<Vec<u8>> {
    may_read(user)?;
    let v = ledger(st, company_id).await?;
    let rows = v
        .entries
        .iter()
        .map(|e| {
            vec![
                Cell::Number(e.seq as f64),
                Cell::Text(e.on.clone()),
                Cell::Text(
                    EntryKind::parse(&e.kind)
                        .map(|k| k.zh())
                        .unwrap_or("")
                        .into(),
                ),
                Cell::Number(e.amount.fen() as f64 / 100.0),
                Cell::Text(e.memo.clone()),
            ]
        })
        .collect();
    let note = format!(
        "自有资金 {} 元；贷款 {} 元；专项资金 {} 元；已支付 {} 元；可用 {} 元。依据：{}",
        v.own_capital, v.loans, v.special_funds, v.payments, v.available, v.cited
    );
    official_sheet(&OfficialSheet {
        sheet_name: "收购资金台账",
        title: "收购存量商品房资金台账",
        office: company_id,
        period: None,
        issued_on: st.clock.today(),
        header: &["序号", "日期", "类别", "金额（元）", "摘要"],
        rows,
        note: Some(&note),
        widths: &[(0, 8.0), (1, 12.0), (2, 12.0), (3, 16.0), (4, 40.0)],
    })
}
