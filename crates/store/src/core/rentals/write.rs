//! Rentals writes: homes and evidence, offers and their answers, leases,
//! renewals, exits, the ledger and the monthly charge batch.

use anju_domain::Timestamp;
use chrono::NaiveDate;

use super::super::audit::append_audit_in;
use super::super::{date_text, Rentals};
use super::records::*;
use crate::core::allotment::conflict;
use crate::retry::retrying;
use crate::sql::{is_unique_violation, Conn, Q};
use crate::{AuditDraft, Result, StoreError};

/// Charges per statement in the monthly batch (10 parameters a row).
pub const CHARGE_CHUNK: usize = 500;

async fn insert_survey(c: &mut Conn<'_>, s: &SurveyRecord) -> Result<()> {
    Q::new(
        "INSERT INTO rent_surveys (id, home_id, effective_from, surveyed_on, method, source, comparables, per_m2_fen, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .text(&s.id)
    .text(&s.home_id)
    .text(date_text(s.effective_from))
    .text(date_text(s.surveyed_on))
    .text(&s.method)
    .text(&s.source)
    .text(&s.comparables)
    .int(s.per_m2_fen)
    .text(&s.created_by)
    .text(&s.created_at)
    .execute(c)
    .await?;
    Ok(())
}

async fn insert_lease(c: &mut Conn<'_>, l: &LeaseRecord) -> Result<()> {
    Q::new(
        "INSERT INTO rent_leases (id, home_id, application_id, offer_id, renews_id, starts_on, ends_on, rent_fen, market_monthly_fen, \
         per_m2_fen, survey_id, deposit_fen, cycle, status, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 'active', $14, $15, $15)",
    )
    .text(&l.id)
    .text(&l.home_id)
    .text(&l.application_id)
    .opt_text(l.offer_id.clone())
    .opt_text(l.renews_id.clone())
    .text(date_text(l.starts_on))
    .text(date_text(l.ends_on))
    .int(l.rent_fen)
    .int(l.market_monthly_fen)
    .int(l.per_m2_fen)
    .text(&l.survey_id)
    .int(l.deposit_fen)
    .text(&l.cycle)
    .text(&l.created_by)
    .text(&l.created_at)
    .execute(c)
    .await?;
    Ok(())
}

async fn insert_entry(c: &mut Conn<'_>, e: &LedgerRow) -> Result<()> {
    let r = Q::new(
        "INSERT INTO rent_ledger (entry_key, lease_id, kind, amount_fen, on_date, due_on, covers_to, reason, approver, recorded_by, at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
    )
    .text(&e.key)
    .text(&e.lease_id)
    .text(&e.kind)
    .int(e.amount_fen)
    .text(date_text(e.on_date))
    .opt_text(e.due_on.map(date_text))
    .opt_text(e.covers_to.map(date_text))
    .text(&e.reason)
    .text(&e.approver)
    .text(&e.recorded_by)
    .text(&e.at)
    .execute(c)
    .await;
    match r {
        Ok(_) => Ok(()),
        Err(e2) if is_unique_violation(&e2) => Err(StoreError::Duplicate {
            what: format!("该笔记录已入账 (already in the ledger): {}", e.key),
        }),
        Err(e2) => Err(e2.into()),
    }
}

async fn set_home_state(c: &mut Conn<'_>, id: &str, from: &str, to: &str) -> Result<()> {
    let n = Q::new("UPDATE rent_homes SET state = $1 WHERE id = $2 AND state = $3")
        .text(to)
        .text(id)
        .text(from)
        .execute(c)
        .await?;
    if n != 1 {
        return Err(conflict(
            "房源状态已变化，请刷新后重试 (the home changed; reload)",
        ));
    }
    Ok(())
}

async fn set_lease_status(
    c: &mut Conn<'_>,
    id: &str,
    from: &str,
    to: &str,
    now: &Timestamp,
) -> Result<()> {
    let n =
        Q::new("UPDATE rent_leases SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .text(to)
            .text(now.to_rfc3339())
            .text(id)
            .text(from)
            .execute(c)
            .await?;
    if n != 1 {
        return Err(conflict(
            "租赁合同状态已变化，请刷新后重试 (the lease changed; reload)",
        ));
    }
    Ok(())
}

impl Rentals<'_> {
    /// Registers a rental home with its first market-rent evidence.
    pub async fn rent_add_home(
        &self,
        h: &RentHomeRecord,
        s: &SurveyRecord,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let r = Q::new(
                "INSERT INTO rent_homes (id, district, address, area_centi, rooms, source, approval_ref, pool_ref, purchase_fen, appraisal_fen, state, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'available', $11, $12)",
            )
            .text(&h.id)
            .text(&h.district)
            .text(&h.address)
            .int(h.area_centi)
            .text(&h.rooms)
            .text(&h.source)
            .opt_text(h.approval_ref.clone())
            .opt_text(h.pool_ref.clone())
            .opt_int(h.purchase_fen)
            .opt_int(h.appraisal_fen)
            .text(&h.created_by)
            .text(&h.created_at)
            .execute(&mut tx.conn())
            .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Duplicate {
                        what: format!("房源编号 {} 已登记 (home already registered)", h.id),
                    })
                }
                Err(e) => return Err(e.into()),
            }
            insert_survey(&mut tx.conn(), s).await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Adds market-rent evidence (a new survey changes the rent of leases
    /// signed or renewed from its date; never of a signed lease).
    pub async fn rent_add_survey(&self, s: &SurveyRecord, audit: AuditDraft) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            insert_survey(&mut tx.conn(), s).await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Offers an available home to a family.
    pub async fn rent_offer_home(&self, o: &OfferRecord, audit: AuditDraft) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            set_home_state(&mut tx.conn(), &o.home_id, "available", "offered").await?;
            Q::new(
                "INSERT INTO rent_offers (id, home_id, application_id, district, offered_on, status, decided_on, note, created_by, created_at) \
                 VALUES ($1, $2, $3, $4, $5, 'offered', NULL, $6, $7, $8)",
            )
            .text(&o.id)
            .text(&o.home_id)
            .text(&o.application_id)
            .text(&o.district)
            .text(date_text(o.offered_on))
            .text(&o.note)
            .text(&o.created_by)
            .text(&o.created_at)
            .execute(&mut tx.conn())
            .await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Records the family's answer: accepted with its lease (the home is
    /// let), or refused (the home is available again).
    pub async fn rent_answer_offer(
        &self,
        offer_id: &str,
        on: NaiveDate,
        note: &str,
        lease: Option<&LeaseRecord>,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let status = if lease.is_some() {
                "accepted"
            } else {
                "refused"
            };
            let n = Q::new(
                "UPDATE rent_offers SET status = $1, decided_on = $2, note = $3 WHERE id = $4 AND status = 'offered'",
            )
            .text(status)
            .text(date_text(on))
            .text(note)
            .text(offer_id)
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(conflict(
                    "该配租通知已答复 (the offer was already answered)",
                ));
            }
            let home = Q::new("SELECT home_id FROM rent_offers WHERE id = $1")
                .text(offer_id)
                .fetch_one(&mut tx.conn())
                .await?
                .text("home_id")?;
            match lease {
                Some(l) => {
                    set_home_state(&mut tx.conn(), &home, "offered", "let").await?;
                    insert_lease(&mut tx.conn(), l).await?;
                }
                None => set_home_state(&mut tx.conn(), &home, "offered", "available").await?,
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// A renewal: the old lease becomes `renewed`, the new one (linked to
    /// it) starts.
    pub async fn rent_renew(
        &self,
        old_id: &str,
        new: &LeaseRecord,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            set_lease_status(&mut tx.conn(), old_id, "active", "renewed", &now).await?;
            insert_lease(&mut tx.conn(), new).await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Serves an exit notice: the lease is `ending` with its deadline.
    pub async fn rent_exit_notice(
        &self,
        lease_id: &str,
        n: &ExitNotice,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            set_lease_status(&mut tx.conn(), lease_id, "active", "ending", &now).await?;
            Q::new(
                "UPDATE rent_leases SET exit_ground = $1, exit_notified_on = $2, exit_deadline = $3, end_reason = $4 WHERE id = $5",
            )
            .text(&n.ground)
            .text(date_text(n.notified_on))
            .text(date_text(n.deadline))
            .text(&n.reason)
            .text(lease_id)
            .execute(&mut tx.conn())
            .await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Closes a leaving lease: vacated, its overstay charges appended, the
    /// home available again; a serious case lists every member of the
    /// family (from the application's members) and frees the application.
    pub async fn rent_close(
        &self,
        lease_id: &str,
        close: &LeaseClose,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            set_lease_status(&mut tx.conn(), lease_id, "ending", "terminated", &now).await?;
            let row = Q::new("SELECT home_id, application_id FROM rent_leases WHERE id = $1")
                .text(lease_id)
                .fetch_one(&mut tx.conn())
                .await?;
            let (home, app) = (row.text("home_id")?, row.text("application_id")?);
            Q::new("UPDATE rent_leases SET vacated_on = $1, serious_code = $2 WHERE id = $3")
                .text(date_text(close.vacated_on))
                .opt_text(close.listing.as_ref().map(|l| l.case_code.clone()))
                .text(lease_id)
                .execute(&mut tx.conn())
                .await?;
            set_home_state(&mut tx.conn(), &home, "let", "available").await?;
            for e in &close.entries {
                insert_entry(&mut tx.conn(), e).await?;
            }
            if let Some(l) = &close.listing {
                Q::new(
                    "INSERT INTO rent_blacklist (id_hash, application_id, lease_id, listed_on, until_on, case_code) \
                     SELECT DISTINCT id_hash, application_id, $1, $2, $3, $4 FROM application_members WHERE application_id = $5",
                )
                .text(lease_id)
                .text(date_text(l.listed_on))
                .text(date_text(l.until_on))
                .text(&l.case_code)
                .text(&app)
                .execute(&mut tx.conn())
                .await?;
                // The family has left: its application no longer holds its
                // members, so a new application is decided (and refused by
                // the ban) rather than stopped as a duplicate.
                Q::new("DELETE FROM active_members WHERE application_id = $1")
                    .text(&app)
                    .execute(&mut tx.conn())
                    .await?;
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Appends one ledger entry (a payment, an adjustment, an overstay
    /// charge); a key already there is a duplicate.
    pub async fn rent_append(&self, e: &LedgerRow, audit: AuditDraft) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            insert_entry(&mut tx.conn(), e).await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// The monthly charge batch: appends the charges whose keys are not
    /// yet in the ledger, `CHARGE_CHUNK` rows per statement
    /// (`INSERT … SELECT … WHERE NOT EXISTS`), all in one transaction with
    /// one audit entry. Returns how many were new; running it again adds
    /// none.
    pub async fn rent_insert_charges(&self, rows: &[LedgerRow], audit: AuditDraft) -> Result<u64> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let mut added = 0u64;
            for chunk in rows.chunks(CHARGE_CHUNK) {
                added += insert_charge_chunk(&mut tx.conn(), chunk).await?;
            }
            let mut a = audit.clone();
            if let Some(o) = a.detail.as_object_mut() {
                o.insert("added".into(), serde_json::json!(added));
            }
            append_audit_in(&mut tx.conn(), a).await?;
            tx.commit().await?;
            Ok(added)
        })
    }

    /// For `anju bench rentals` only: `n` synthetic leases in force (no
    /// audit entries: they are benchmark data, never a city's), written in
    /// multi-row INSERTs.
    pub async fn rent_synthetic_leases(
        &self,
        prefix: &str,
        n: usize,
        starts_on: NaiveDate,
        ends_on: NaiveDate,
        now: Timestamp,
    ) -> Result<()> {
        let now = now.to_rfc3339();
        let mut i = 0;
        while i < n {
            let end = (i + 2_000).min(n);
            retrying!(self, {
                let mut tx = self.begin_write().await?;
                for start in (i..end).step_by(250) {
                    let stop = (start + 250).min(end);
                    let mut sql = String::from(
                        "INSERT INTO rent_leases (id, home_id, application_id, offer_id, renews_id, starts_on, ends_on, rent_fen, market_monthly_fen, \
                         per_m2_fen, survey_id, deposit_fen, cycle, status, created_by, created_at, updated_at) VALUES ",
                    );
                    let mut q = Q::new(String::new());
                    let mut p = 0;
                    for k in start..stop {
                        if k > start {
                            sql.push_str(", ");
                        }
                        sql.push_str(&format!(
                            "(${}, ${}, ${}, NULL, NULL, ${}, ${}, ${}, ${}, 2000, 'bench', 0, ${}, 'active', 'bench', ${}, ${})",
                            p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7, p + 8, p + 9, p + 10
                        ));
                        p += 10;
                        let id = format!("{prefix}{k:08}");
                        let rent = 50_000 + (k as i64 % 100) * 1_000;
                        q = q
                            .text(id.clone())
                            .text(format!("H{id}"))
                            .text(format!("A{id}"))
                            .text(date_text(starts_on))
                            .text(date_text(ends_on))
                            .int(rent)
                            .int(rent * 5 / 4)
                            .text(if k % 4 == 0 { "quarterly" } else { "monthly" })
                            .text(now.clone())
                            .text(now.clone());
                    }
                    q.with_sql(sql).execute(&mut tx.conn()).await?;
                }
                tx.commit().await
            })?;
            i = end;
        }
        Ok(())
    }
}

async fn insert_charge_chunk(c: &mut Conn<'_>, chunk: &[LedgerRow]) -> Result<u64> {
    if chunk.is_empty() {
        return Ok(0);
    }
    let mut values = Vec::with_capacity(chunk.len());
    let mut q = Q::new(String::new());
    let mut p = 0;
    for e in chunk {
        values.push(format!(
            "SELECT ${} AS entry_key, ${} AS lease_id, ${} AS amount_fen, ${} AS on_date, ${} AS due_on, ${} AS covers_to, ${} AS recorded_by, ${} AS at, ${} AS kind, ${} AS reason",
            p + 1, p + 2, p + 3, p + 4, p + 5, p + 6, p + 7, p + 8, p + 9, p + 10
        ));
        p += 10;
        q = q
            .text(&e.key)
            .text(&e.lease_id)
            .int(e.amount_fen)
            .text(date_text(e.on_date))
            .opt_text(e.due_on.map(date_text))
            .opt_text(e.covers_to.map(date_text))
            .text(&e.recorded_by)
            .text(&e.at)
            .text(&e.kind)
            .text(&e.reason);
    }
    let sql = format!(
        "INSERT INTO rent_ledger (entry_key, lease_id, kind, amount_fen, on_date, due_on, covers_to, reason, approver, recorded_by, at) \
         SELECT v.entry_key, v.lease_id, v.kind, v.amount_fen, v.on_date, v.due_on, v.covers_to, v.reason, '', v.recorded_by, v.at \
         FROM ({}) v WHERE NOT EXISTS (SELECT 1 FROM rent_ledger r WHERE r.entry_key = v.entry_key)",
        values.join(" UNION ALL ")
    );
    Ok(q.with_sql(sql).execute(c).await?)
}
