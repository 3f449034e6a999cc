//! The talent office's additions to the university lists (migration 0082):
//! written all together after the caller's duplicate check inside the
//! transaction (never overwriting), one audit entry per entry; withdrawn
//! with a reason, never deleted; and which verification relied on which
//! entry, written with the verification step.

use chrono::NaiveDate;

use super::audit::append_audit_in;
use super::subsidies::{advance, day};
use super::*;
use crate::core::subsidies::Step;
use crate::sql::Conn;

/// An entry to add.
#[derive(Debug, Clone)]
pub struct NewUniversityAddition {
    /// The list's key.
    pub list: String,
    /// Its names; the first is the one shown.
    pub names: Vec<String>,
    /// The normalised shown name (UNIQUE per list).
    pub name_key: String,
    /// The source document's title.
    pub source_title: String,
    /// Its URL or 文号.
    pub source_ref: String,
    /// Its effective date.
    pub effective: NaiveDate,
    /// The file line it came from, for an import.
    pub import_line: Option<i64>,
}

/// An entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UniversityAdditionRecord {
    /// `UA-…`.
    pub id: String,
    /// The list's key.
    pub list: String,
    /// Its names; the first is the one shown.
    pub names: Vec<String>,
    /// The source document's title.
    pub source_title: String,
    /// Its URL or 文号.
    pub source_ref: String,
    /// Its effective date.
    pub effective: NaiveDate,
    /// When it was added (RFC 3339).
    pub added_at: String,
    /// Who added it (user id).
    pub added_by: String,
    /// Their display name (or user name), for the public list.
    pub added_by_name: String,
    /// The file line it came from, for an import.
    pub import_line: Option<i64>,
    /// `active` or `withdrawn`.
    pub status: String,
    /// When it was withdrawn.
    pub withdrawn_at: Option<String>,
    /// Who withdrew it (display name).
    pub withdrawn_by_name: Option<String>,
    /// Why.
    pub withdraw_reason: Option<String>,
    /// Verifications that relied on it.
    pub uses: Vec<String>,
}

const UA_COLS: &str = "a.id, a.list_key, a.names_json, a.source_title, a.source_ref, a.effective, \
     a.added_at, a.added_by, a.import_line, a.status, a.withdrawn_at, a.withdraw_reason, \
     COALESCE(u.display_name, u.username, a.added_by) AS added_by_name, \
     COALESCE(w.display_name, w.username, a.withdrawn_by) AS withdrawn_by_name";
const UA_FROM: &str = "university_additions a LEFT JOIN users u ON u.id = a.added_by \
     LEFT JOIN users w ON w.id = a.withdrawn_by";

fn addition_of(r: &Row, uses: Vec<String>) -> Result<UniversityAdditionRecord> {
    Ok(UniversityAdditionRecord {
        id: r.text("id")?,
        list: r.text("list_key")?,
        names: serde_json::from_str(&r.text("names_json")?).map_err(corrupt)?,
        source_title: r.text("source_title")?,
        source_ref: r.text("source_ref")?,
        effective: day(&r.text("effective")?)?,
        added_at: r.text("added_at")?,
        added_by: r.text("added_by")?,
        added_by_name: r.text("added_by_name")?,
        import_line: r.opt_int("import_line")?,
        status: r.text("status")?,
        withdrawn_at: r.opt_text("withdrawn_at")?,
        withdrawn_by_name: r.opt_text("withdrawn_by_name")?,
        withdraw_reason: r.opt_text("withdraw_reason")?,
        uses,
    })
}

async fn additions_in(c: &mut Conn<'_>) -> Result<Vec<UniversityAdditionRecord>> {
    let mut uses: std::collections::HashMap<String, Vec<String>> = Default::default();
    for r in Q::new(
        "SELECT addition_id, application_id FROM university_addition_uses ORDER BY at, application_id",
    )
    .fetch_all(c)
    .await?
    {
        uses.entry(r.text("addition_id")?)
            .or_default()
            .push(r.text("application_id")?);
    }
    Q::new(format!(
        "SELECT {UA_COLS} FROM {UA_FROM} ORDER BY a.added_at, a.id"
    ))
    .fetch_all(c)
    .await?
    .iter()
    .map(|r| {
        let id = r.text("id")?;
        addition_of(r, uses.remove(&id).unwrap_or_default())
    })
    .collect()
}

impl Subsidies<'_> {
    /// Every addition, oldest first, with the verifications that relied on
    /// each.
    pub async fn uni_list(&self) -> Result<Vec<UniversityAdditionRecord>> {
        let mut pc = self.read_conn().await?;
        additions_in(&mut pc.conn()).await
    }

    /// Adds `entries` all together (all or nothing): inside the write
    /// transaction `check` sees the additions held and refuses (Conflict)
    /// when one of the entries is already listed; then one audit entry per
    /// entry (`audits[i]` for `entries[i]`, its subject set to the id).
    /// Returns the new ids in order.
    pub async fn uni_add(
        &self,
        entries: &[NewUniversityAddition],
        check: &(dyn Fn(&[UniversityAdditionRecord]) -> std::result::Result<(), String> + Sync),
        at: &str,
        actor: &str,
        audits: Vec<AuditDraft>,
    ) -> Result<Vec<String>> {
        let ids: Vec<String> = entries
            .iter()
            .map(|_| format!("UA-{}", random_hex(5).to_uppercase()))
            .collect();
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let held = additions_in(&mut tx.conn()).await?;
            check(&held).map_err(|what| StoreError::Conflict { what })?;
            for (id, e) in ids.iter().zip(entries) {
                let names = serde_json::to_string(&e.names).map_err(corrupt)?;
                let r = Q::new(
                    "INSERT INTO university_additions (id, list_key, name_key, names_json, source_title, source_ref, \
                     effective, added_at, added_by, import_line, status, withdrawn_at, withdrawn_by, withdraw_reason) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'active', NULL, NULL, NULL)",
                )
                .text(id)
                .text(&e.list)
                .text(&e.name_key)
                .text(names)
                .text(&e.source_title)
                .text(&e.source_ref)
                .text(e.effective.to_string())
                .text(at)
                .text(actor)
                .opt_int(e.import_line)
                .execute(&mut tx.conn())
                .await;
                match r {
                    Ok(_) => {}
                    Err(err) if is_unique_violation(&err) => {
                        return Err(StoreError::Conflict {
                            what: format!(
                                "“{}”已在名单中 (already on the list)",
                                e.names.first().map(String::as_str).unwrap_or("")
                            ),
                        })
                    }
                    Err(err) => return Err(err.into()),
                }
            }
            for (id, a) in ids.iter().zip(&audits) {
                let mut a = a.clone();
                a.subject = format!("university:{id}");
                append_audit_in(&mut tx.conn(), a).await?;
            }
            tx.commit().await
        })?;
        Ok(ids)
    }

    /// One addition.
    pub async fn uni_get(&self, id: &str) -> Result<Option<UniversityAdditionRecord>> {
        Ok(self.uni_list().await?.into_iter().find(|a| a.id == id))
    }

    /// Withdraws an active addition with `reason` (kept, shown as
    /// withdrawn, no longer counted). Conflict when already withdrawn;
    /// NotFound when there is none.
    pub async fn uni_withdraw(
        &self,
        id: &str,
        reason: &str,
        at: &str,
        actor: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE university_additions SET status = 'withdrawn', withdrawn_at = $2, withdrawn_by = $3, \
                 withdraw_reason = $4 WHERE id = $1 AND status = 'active'",
            )
            .text(id)
            .text(at)
            .text(actor)
            .text(reason)
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(super::unchanged_row(
                    &mut tx.conn(),
                    "university_additions",
                    id,
                    format!("补录 {id} 已撤回 (already withdrawn)"),
                    format!("补录 {id} (university addition {id})"),
                )
                .await?);
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// A step of a subsidy application that relied on addition `addition`
    /// (a verification that found the university there): the step and the
    /// use in one transaction with the audit entry. The addition must still
    /// be active (Conflict otherwise: withdrawn meanwhile).
    pub async fn sub_step_relying(
        &self,
        s: &Step,
        addition: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let active =
                Q::new("SELECT id FROM university_additions WHERE id = $1 AND status = 'active'")
                    .text(addition)
                    .fetch_optional(&mut tx.conn())
                    .await?
                    .is_some();
            if !active {
                return Err(StoreError::Conflict {
                    what: format!(
                        "名单补录 {addition} 已撤回，请刷新后重新核验 (the list entry was withdrawn; reload and verify again)"
                    ),
                });
            }
            advance(&mut tx.conn(), s).await?;
            Q::new(
                "INSERT INTO university_addition_uses (addition_id, application_id, at) VALUES ($1, $2, $3)",
            )
            .text(addition)
            .text(&s.id)
            .text(&s.at)
            .execute(&mut tx.conn())
            .await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }
}
