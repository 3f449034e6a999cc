//! Acquisition storage: the room's documents (companies, frozen surveys,
//! offered homes, price caps, plans, purchases) as checked JSON bodies, and
//! each company's append-only ledger. Every write carries its audit entry in
//! the same transaction, last.

// Record fields mirror the columns of migrations/*/acquisition/0040_acquisition.sql.
#![allow(missing_docs)]

use super::audit::append_audit_in;
use super::Acquisition;
use crate::retry::retrying;
use crate::sql::{is_unique_violation, Row, Q};
use crate::{AuditDraft, Result, StoreError};

/// One document of the room.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcqRecord {
    pub kind: String,
    pub id: String,
    pub company_id: String,
    pub status: String,
    pub body: String,
    pub version: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// One ledger line (`seq` is assigned on append).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcqLedgerRecord {
    pub company_id: String,
    pub seq: i64,
    pub kind: String,
    pub amount_fen: i64,
    pub on_date: String,
    pub memo: String,
    pub at: String,
    pub by_user: String,
}

const COLS: &str = "kind, id, company_id, status, body, version, created_at, updated_at";
const LEDGER_COLS: &str = "company_id, seq, kind, amount_fen, on_date, memo, at, by_user";

fn record(r: &Row) -> Result<AcqRecord> {
    Ok(AcqRecord {
        kind: r.text("kind")?,
        id: r.text("id")?,
        company_id: r.text("company_id")?,
        status: r.text("status")?,
        body: r.text("body")?,
        version: r.int("version")?,
        created_at: r.text("created_at")?,
        updated_at: r.text("updated_at")?,
    })
}

fn ledger(r: &Row) -> Result<AcqLedgerRecord> {
    Ok(AcqLedgerRecord {
        company_id: r.text("company_id")?,
        seq: r.int("seq")?,
        kind: r.text("kind")?,
        amount_fen: r.int("amount_fen")?,
        on_date: r.text("on_date")?,
        memo: r.text("memo")?,
        at: r.text("at")?,
        by_user: r.text("by_user")?,
    })
}

fn insert_q(r: &AcqRecord) -> Q {
    Q::new(format!(
        "INSERT INTO acq_records ({COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
    ))
    .text(&r.kind)
    .text(&r.id)
    .text(&r.company_id)
    .text(&r.status)
    .text(&r.body)
    .int(r.version)
    .text(&r.created_at)
    .text(&r.updated_at)
}

fn duplicate(r: &AcqRecord) -> StoreError {
    StoreError::Duplicate {
        what: format!("{} {} 已存在 ({} {} exists)", r.kind, r.id, r.kind, r.id),
    }
}

impl Acquisition<'_> {
    /// Inserts new documents (each id new within its kind), one audit entry.
    pub async fn acq_insert(&self, records: &[AcqRecord], audit: AuditDraft) -> Result<()> {
        self.acq_commit(&[], records, audit).await
    }

    /// Inserts a document of `kind` only while fewer than `max` of that
    /// kind exist (at most two implementing companies per city), counted in
    /// the same transaction.
    pub async fn acq_insert_capped(
        &self,
        r: &AcqRecord,
        max: i64,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let have = Q::new("SELECT COUNT(*) AS n FROM acq_records WHERE kind = $1")
                .text(&r.kind)
                .fetch_one(&mut tx.conn())
                .await?
                .int("n")?;
            if have >= max {
                return Err(StoreError::Conflict {
                    what: format!("已有 {have} 个，最多 {max} 个 ({have} exist, at most {max})"),
                });
            }
            match insert_q(r).execute(&mut tx.conn()).await {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Err(duplicate(r)),
                Err(e) => return Err(e.into()),
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Replaces documents' status and body if each is still at the version
    /// the caller read (all or none), one audit entry.
    pub async fn acq_update(&self, records: &[AcqRecord], audit: AuditDraft) -> Result<()> {
        self.acq_commit(records, &[], audit).await
    }

    /// Updates (each at the version the caller read) and inserts (each id
    /// new) in one transaction, with one audit entry: all or none.
    pub async fn acq_commit(
        &self,
        updates: &[AcqRecord],
        inserts: &[AcqRecord],
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            for r in updates {
                let n = Q::new(
                    "UPDATE acq_records SET status = $3, body = $4, version = version + 1, updated_at = $5 WHERE kind = $1 AND id = $2 AND version = $6",
                )
                .text(&r.kind)
                .text(&r.id)
                .text(&r.status)
                .text(&r.body)
                .text(&r.updated_at)
                .int(r.version)
                .execute(&mut tx.conn())
                .await?;
                if n == 0 {
                    return Err(StoreError::Conflict {
                        what: format!(
                            "{} {} 已被他人修改，请刷新 ({} {} changed meanwhile: reload)",
                            r.kind, r.id, r.kind, r.id
                        ),
                    });
                }
            }
            for r in inserts {
                match insert_q(r).execute(&mut tx.conn()).await {
                    Ok(_) => {}
                    Err(e) if is_unique_violation(&e) => return Err(duplicate(r)),
                    Err(e) => return Err(e.into()),
                }
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    pub async fn acq_get(&self, kind: &str, id: &str) -> Result<Option<AcqRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {COLS} FROM acq_records WHERE kind = $1 AND id = $2"
        ))
        .text(kind)
        .text(id)
        .fetch_optional(&mut pc.conn())
        .await?
        .as_ref()
        .map(record)
        .transpose()
    }

    /// Every document of a kind, oldest first.
    pub async fn acq_list(&self, kind: &str) -> Result<Vec<AcqRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {COLS} FROM acq_records WHERE kind = $1 ORDER BY created_at, id"
        ))
        .text(kind)
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(record)
        .collect()
    }

    /// Appends a ledger entry (its seq assigned here); returns the seq.
    pub async fn acq_append_ledger(&self, e: &AcqLedgerRecord, audit: AuditDraft) -> Result<i64> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let seq = Q::new("SELECT COUNT(*) AS n FROM acq_ledger WHERE company_id = $1")
                .text(&e.company_id)
                .fetch_one(&mut tx.conn())
                .await?
                .int("n")?
                + 1;
            let r = Q::new(format!(
                "INSERT INTO acq_ledger ({LEDGER_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)"
            ))
            .text(&e.company_id)
            .int(seq)
            .text(&e.kind)
            .int(e.amount_fen)
            .text(&e.on_date)
            .text(&e.memo)
            .text(&e.at)
            .text(&e.by_user)
            .execute(&mut tx.conn())
            .await;
            match r {
                Ok(_) => {}
                Err(err) if is_unique_violation(&err) => {
                    return Err(StoreError::Conflict {
                        what: "账目同时写入，请重试 (ledger written concurrently: retry)".into(),
                    })
                }
                Err(err) => return Err(err.into()),
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await?;
            Ok(seq)
        })
    }

    /// A company's ledger, in order.
    pub async fn acq_ledger(&self, company_id: &str) -> Result<Vec<AcqLedgerRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {LEDGER_COLS} FROM acq_ledger WHERE company_id = $1 ORDER BY seq"
        ))
        .text(company_id)
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(ledger)
        .collect()
    }
}
