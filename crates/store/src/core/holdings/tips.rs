//! The public tip line's storage: a tip as received, the company's
//! triage (attach it to the home's review in a running campaign as a
//! report with evidence, which flags the home and opens its case; or
//! dismiss it with why), each change with its audit entry in the same
//! transaction.

#![allow(missing_docs)]

use anju_domain::Timestamp;
use anju_holdings::Finding;
use chrono::NaiveDate;

use super::super::audit::append_audit_in;
use super::super::{date_text, parse_date, Holdings};
use super::work::open_cases;
use crate::core::allotment::conflict;
use crate::crypto::random_hex;
use crate::retry::retrying;
use crate::sql::{Row, Q};
use crate::{AuditDraft, Result};

/// A tip as the reporter gave it, and what became of it.
#[derive(Debug, Clone)]
pub struct TipRecord {
    /// The receipt number.
    pub id: String,
    /// `idle`, `sublet`, `lent`, `sold` or `mortgaged`: the reporter's words.
    pub kind: String,
    pub address: String,
    pub project_id: Option<String>,
    pub home_id: Option<String>,
    pub seen_on: NaiveDate,
    pub what: String,
    pub contact: Option<String>,
    /// `received`, `attached` or `dismissed`.
    pub status: String,
    pub attached_project: Option<String>,
    pub attached_home: Option<String>,
    pub attached_campaign: Option<String>,
    pub finding: Option<String>,
    pub outcome_note: Option<String>,
    pub triaged_by: Option<String>,
    pub triaged_at: Option<String>,
    pub received_at: String,
}

const TIP_COLS: &str = "id, kind, address, project_id, home_id, seen_on, what, contact, status, attached_project, attached_home, attached_campaign, finding, outcome_note, triaged_by, triaged_at, received_at";

fn tip_from_row(r: &Row) -> Result<TipRecord> {
    Ok(TipRecord {
        id: r.text("id")?,
        kind: r.text("kind")?,
        address: r.text("address")?,
        project_id: r.opt_text("project_id")?,
        home_id: r.opt_text("home_id")?,
        seen_on: parse_date(&r.text("seen_on")?)?,
        what: r.text("what")?,
        contact: r.opt_text("contact")?,
        status: r.text("status")?,
        attached_project: r.opt_text("attached_project")?,
        attached_home: r.opt_text("attached_home")?,
        attached_campaign: r.opt_text("attached_campaign")?,
        finding: r.opt_text("finding")?,
        outcome_note: r.opt_text("outcome_note")?,
        triaged_by: r.opt_text("triaged_by")?,
        triaged_at: r.opt_text("triaged_at")?,
        received_at: r.text("received_at")?,
    })
}

impl Holdings<'_> {
    /// Records a tip as received.
    pub async fn hold_add_tip(&self, t: &TipRecord, audit: AuditDraft) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            Q::new(format!("INSERT INTO hold_tips ({TIP_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'received', NULL, NULL, NULL, NULL, NULL, NULL, NULL, $9)"))
                .text(&t.id)
                .text(&t.kind)
                .text(&t.address)
                .opt_text(t.project_id.clone())
                .opt_text(t.home_id.clone())
                .text(date_text(t.seen_on))
                .text(&t.what)
                .opt_text(t.contact.clone())
                .text(&t.received_at)
                .execute(&mut tx.conn())
                .await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await?;
            Ok(())
        })
    }

    /// How many tips arrived at or after `since` (RFC 3339): the global
    /// limit counts in the database, so it holds across processes and
    /// restarts.
    pub async fn hold_tips_since(&self, since: &str) -> Result<u64> {
        let mut pc = self.read_conn().await?;
        let r = Q::new("SELECT COUNT(*) AS n FROM hold_tips WHERE received_at >= $1")
            .text(since)
            .fetch_one(&mut pc.conn())
            .await?;
        Ok(u64::try_from(r.int("n")?).unwrap_or(0))
    }

    pub async fn hold_tip(&self, id: &str) -> Result<Option<TipRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!("SELECT {TIP_COLS} FROM hold_tips WHERE id = $1"))
            .text(id)
            .fetch_optional(&mut pc.conn())
            .await?
            .as_ref()
            .map(tip_from_row)
            .transpose()
    }

    /// Tips in a status (all when `None`), oldest first, at most `limit`.
    pub async fn hold_tips(&self, status: Option<&str>, limit: u32) -> Result<Vec<TipRecord>> {
        let mut pc = self.read_conn().await?;
        let (clause, arg) = match status {
            Some(s) => (" WHERE status = $1", Some(s)),
            None => ("", None),
        };
        let mut q = Q::new(format!(
            "SELECT {TIP_COLS} FROM hold_tips{clause} ORDER BY received_at, id LIMIT {}",
            limit.clamp(1, 1000)
        ));
        if let Some(a) = arg {
            q = q.text(a);
        }
        q.fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(tip_from_row)
            .collect()
    }

    /// Attaches a received tip to the home's review in its latest campaign
    /// as a report with evidence: the finding is recorded (source
    /// `public_tip`, with the campaign), the review flagged, the case
    /// opened, and the tip marked — one transaction. `Ok(None)` when no
    /// campaign covers the home; a tip already triaged is a conflict.
    #[allow(clippy::too_many_arguments)]
    pub async fn hold_tip_attach(
        &self,
        tip_id: &str,
        project_id: &str,
        home_id: &str,
        finding: Finding,
        evidence: &str,
        actor: &str,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<Option<(String, u64)>> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let Some(review) = Q::new("SELECT r.campaign_id FROM hold_reviews r JOIN hold_campaigns c ON c.id = r.campaign_id WHERE r.project_id = $1 AND r.home_id = $2 ORDER BY c.year DESC, c.id DESC LIMIT 1")
                .text(project_id)
                .text(home_id)
                .fetch_optional(&mut tx.conn())
                .await?
            else {
                return Ok(None);
            };
            let campaign = review.text("campaign_id")?;
            let n = Q::new("UPDATE hold_tips SET status = 'attached', attached_project = $2, attached_home = $3, attached_campaign = $4, finding = $5, outcome_note = $6, triaged_by = $7, triaged_at = $8 WHERE id = $1 AND status = 'received'")
                .text(tip_id)
                .text(project_id)
                .text(home_id)
                .text(&campaign)
                .text(finding.code())
                .text(evidence)
                .text(actor)
                .text(now.to_rfc3339())
                .execute(&mut tx.conn())
                .await?;
            if n == 0 {
                return Err(conflict(format!(
                    "举报 {tip_id} 已处理 (tip already triaged)"
                )));
            }
            Q::new("INSERT INTO hold_findings (id, project_id, home_id, campaign_id, finding, source, evidence, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, 'public_tip', $6, $7, $8)")
                .text(format!("F-{}", random_hex(6)))
                .text(project_id)
                .text(home_id)
                .text(&campaign)
                .text(finding.code())
                .text(evidence)
                .text(actor)
                .text(now.to_rfc3339())
                .execute(&mut tx.conn())
                .await?;
            Q::new("UPDATE hold_reviews SET state = 'flagged', updated_at = $1 WHERE campaign_id = $2 AND project_id = $3 AND home_id = $4")
                .text(now.to_rfc3339())
                .text(&campaign)
                .text(project_id)
                .text(home_id)
                .execute(&mut tx.conn())
                .await?;
            let opened = open_cases(
                &mut tx.conn(),
                project_id,
                home_id,
                &[finding.flag()],
                Some(&campaign),
                actor,
                now,
            )
            .await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await?;
            Ok(Some((campaign, opened)))
        })
    }

    /// Dismisses a received tip with its reason.
    pub async fn hold_tip_dismiss(
        &self,
        tip_id: &str,
        reason: &str,
        actor: &str,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new("UPDATE hold_tips SET status = 'dismissed', outcome_note = $2, triaged_by = $3, triaged_at = $4 WHERE id = $1 AND status = 'received'")
                .text(tip_id)
                .text(reason)
                .text(actor)
                .text(now.to_rfc3339())
                .execute(&mut tx.conn())
                .await?;
            if n == 0 {
                return Err(conflict(format!(
                    "举报 {tip_id} 已处理 (tip already triaged)"
                )));
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await?;
            Ok(())
        })
    }
}
