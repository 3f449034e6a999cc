//! Talent apartments in the benefits register (migration 0081): a letting
//! recorded by the talent office with its register row, in one
//! transaction after the register check; ended early with its reason and
//! day, which ends the register row in the same transaction.

use super::audit::append_audit_in;
use super::subsidies::{day, grants_in, Sealed};
use super::*;
use crate::core::subsidies::GrantRow;
use crate::sql::Conn;

/// A letting to record.
#[derive(Debug, Clone)]
pub struct NewTalentApartment {
    /// Tenant's name (encrypted at rest; may be empty over the API).
    pub name: String,
    /// Tenant's resident ID (encrypted; indexed by keyed hash).
    pub resident_id: String,
    /// The apartment's label (the city's home).
    pub apartment: String,
    /// First day.
    pub from: NaiveDate,
    /// Planned last day, if any.
    pub until: Option<NaiveDate>,
    /// When (RFC 3339).
    pub at: String,
}

/// A recorded letting.
#[derive(Debug, Clone, PartialEq)]
pub struct TalentApartmentRecord {
    /// `TA-…`.
    pub id: String,
    /// Tenant's name (decrypted).
    pub name: String,
    /// Tenant's resident ID (decrypted).
    pub resident_id: String,
    /// The apartment.
    pub apartment: String,
    /// First day.
    pub from: NaiveDate,
    /// Planned last day.
    pub until: Option<NaiveDate>,
    /// `active` or `ended`.
    pub status: String,
    /// The early end's day.
    pub ended_on: Option<NaiveDate>,
    /// The early end's reason.
    pub end_reason: Option<String>,
}

/// A letting recorded before migration 0081: only its register row (no
/// name, no resident ID in clear, no apartment), listed under an id made
/// from the row's key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LegacyLettingRecord {
    /// `TL-<first 12 of the keyed hash>-<YYYYMMDD>`.
    pub id: String,
    /// First day.
    pub from: NaiveDate,
    /// Planned last day (as the register held it before any early end).
    pub until: Option<NaiveDate>,
    /// `active` or `ended`.
    pub status: String,
    /// The early end's day.
    pub ended_on: Option<NaiveDate>,
    /// The early end's reason.
    pub end_reason: Option<String>,
}

/// The legacy id of a register row (`TL-` + 12 characters of the hash +
/// the first day): stable until it is ended (the end stores it as the
/// row's source, so it survives a key rotation).
pub fn legacy_id(hash: &str, from: NaiveDate) -> String {
    let prefix: String = hash.chars().take(12).collect();
    format!("TL-{prefix}-{}", from.format("%Y%m%d"))
}

/// The hash prefix and first day a legacy id names.
fn legacy_key(id: &str) -> Option<(String, NaiveDate)> {
    let rest = id.strip_prefix("TL-")?;
    let (prefix, d) = rest.split_once('-')?;
    let ok = prefix.len() == 12 && prefix.chars().all(|c| c.is_ascii_hexdigit());
    let d = NaiveDate::parse_from_str(d, "%Y%m%d").ok()?;
    ok.then(|| (prefix.to_ascii_lowercase(), d))
}

const LEGACY_SELECT: &str = "SELECT g.id_hash, g.from_day, g.until_day, g.source, e.planned_until, e.ended_on, e.end_reason \
     FROM benefit_grants g LEFT JOIN legacy_talent_apartment_ends e ON e.id = g.source \
     WHERE g.kind = 'talent_apartment' AND (g.source = 'talent_apartment' OR g.source LIKE 'TL-%')";

fn legacy_of(r: &Row) -> Result<LegacyLettingRecord> {
    let from = day(&r.text("from_day")?)?;
    let source = r.text("source")?;
    let id = if source.starts_with("TL-") {
        source
    } else {
        legacy_id(&r.text("id_hash")?, from)
    };
    let ended_on = r.opt_text("ended_on")?.map(|d| day(&d)).transpose()?;
    let until = match ended_on {
        Some(_) => r.opt_text("planned_until")?,
        None => r.opt_text("until_day")?,
    };
    Ok(LegacyLettingRecord {
        id,
        from,
        until: until.map(|d| day(&d)).transpose()?,
        status: if ended_on.is_some() {
            "ended"
        } else {
            "active"
        }
        .into(),
        ended_on,
        end_reason: r.opt_text("end_reason")?,
    })
}

const TA_COLS: &str = "id, key_version, nonce, ciphertext, apartment, from_day, until_day, status, ended_on, end_reason";

fn ta_aad(id: &str) -> Vec<u8> {
    format!("talent-apartment:{id}").into_bytes()
}

impl Subsidies<'_> {
    /// Records a letting and its register row after `check` on the
    /// person's rows, in one transaction with the audit entry; returns its id.
    pub async fn ta_record(
        &self,
        n: &NewTalentApartment,
        check: &(dyn Fn(&[GrantRow]) -> std::result::Result<(), String> + Sync),
        audit: AuditDraft,
    ) -> Result<String> {
        let id = format!("TA-{}", random_hex(6).to_uppercase());
        let personal = serde_json::json!({ "name": n.name, "resident_id": n.resident_id });
        let (nonce, ct) = self
            .crypto
            .encrypt(personal.to_string().as_bytes(), &ta_aad(&id))?;
        let hashes = self.crypto.resident_id_hashes(&n.resident_id);
        let hash = self.crypto.resident_id_hash(&n.resident_id);
        let mut audit = audit;
        audit.subject = format!("talent_apartment:{id}");
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let held = grants_in(&mut tx.conn(), &hashes).await?;
            check(&held).map_err(|what| StoreError::Conflict { what })?;
            Q::new(format!(
                "INSERT INTO talent_apartments ({TA_COLS}, id_hash, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, 'active', NULL, NULL, $8, $9, $9)"
            ))
            .text(&id)
            .int(self.crypto.key_id())
            .bytes(nonce.clone())
            .bytes(ct.clone())
            .text(&n.apartment)
            .text(n.from.to_string())
            .opt_text(n.until.map(|u| u.to_string()))
            .text(&hash)
            .text(&n.at)
            .execute(&mut tx.conn())
            .await?;
            let r = Q::new(
                "INSERT INTO benefit_grants (id_hash, kind, from_day, until_day, source) VALUES ($1, 'talent_apartment', $2, $3, $4)",
            )
            .text(&hash)
            .text(n.from.to_string())
            .opt_text(n.until.map(|u| u.to_string()))
            .text(&id)
            .execute(&mut tx.conn())
            .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Conflict {
                        what: "同一天已登记同类待遇 (the same benefit is already registered from that day)".into(),
                    })
                }
                Err(e) => return Err(e.into()),
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })?;
        Ok(id)
    }

    fn ta_of(&self, r: &Row) -> Result<TalentApartmentRecord> {
        let id = r.text("id")?;
        let plain = self.crypto.decrypt_version(
            r.int("key_version")?,
            &r.bytes("nonce")?,
            &r.bytes("ciphertext")?,
            &ta_aad(&id),
        )?;
        let personal: Value = serde_json::from_slice(&plain).map_err(corrupt)?;
        let s = |k: &str| personal[k].as_str().unwrap_or_default().to_owned();
        Ok(TalentApartmentRecord {
            name: s("name"),
            resident_id: s("resident_id"),
            apartment: r.text("apartment")?,
            from: day(&r.text("from_day")?)?,
            until: r.opt_text("until_day")?.map(|d| day(&d)).transpose()?,
            status: r.text("status")?,
            ended_on: r.opt_text("ended_on")?.map(|d| day(&d)).transpose()?,
            end_reason: r.opt_text("end_reason")?,
            id,
        })
    }

    /// Every recorded letting, newest first.
    pub async fn ta_list(&self) -> Result<Vec<TalentApartmentRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {TA_COLS} FROM talent_apartments ORDER BY created_at DESC, id"
        ))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(|r| self.ta_of(r))
        .collect()
    }

    /// One letting.
    pub async fn ta_get(&self, id: &str) -> Result<Option<TalentApartmentRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {TA_COLS} FROM talent_apartments WHERE id = $1"
        ))
        .text(id)
        .fetch_optional(&mut pc.conn())
        .await?
        .map(|r| self.ta_of(&r))
        .transpose()
    }

    /// Ends an active letting early on `on` (its last day) with `reason`;
    /// the register row ends the same day. Conflict when already ended;
    /// NotFound when there is none.
    pub async fn ta_end(
        &self,
        id: &str,
        on: NaiveDate,
        reason: &str,
        at: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE talent_apartments SET status = 'ended', ended_on = $2, end_reason = $3, updated_at = $4 \
                 WHERE id = $1 AND status = 'active'",
            )
            .text(id)
            .text(on.to_string())
            .text(reason)
            .text(at)
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(super::unchanged_row(
                    &mut tx.conn(),
                    "talent_apartments",
                    id,
                    format!("人才公寓 {id} 已退出 (already ended)"),
                    format!("人才公寓 {id} (talent apartment {id})"),
                )
                .await?);
            }
            Q::new(
                "UPDATE benefit_grants SET until_day = $2 WHERE kind = 'talent_apartment' AND source = $1",
            )
            .text(id)
            .text(on.to_string())
            .execute(&mut tx.conn())
            .await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// The lettings recorded before migration 0081 (register rows only),
    /// newest first.
    pub async fn ta_legacy_list(&self) -> Result<Vec<LegacyLettingRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "{LEGACY_SELECT} ORDER BY g.from_day DESC, g.id_hash"
        ))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(legacy_of)
        .collect()
    }

    /// One legacy letting by its id.
    pub async fn ta_legacy_get(&self, id: &str) -> Result<Option<LegacyLettingRecord>> {
        let mut pc = self.read_conn().await?;
        legacy_in(&mut pc.conn(), id).await
    }

    /// Whether `resident_id` (under any key held) is the person of legacy
    /// letting `id`: the office names the tenant before ending one, since
    /// the register holds no name.
    pub async fn ta_legacy_is_of(&self, id: &str, resident_id: &str) -> Result<bool> {
        let hashes = self.crypto.resident_id_hashes(resident_id);
        let mut pc = self.read_conn().await?;
        Ok(match legacy_row(&mut pc.conn(), id).await? {
            Some(r) => hashes.contains(&r.text("id_hash")?),
            None => false,
        })
    }

    /// Ends a legacy letting early on `on`: the register row's last day
    /// becomes `on` and its source the legacy id, the end is recorded with
    /// the planned day it replaced, and the audit entry — one transaction.
    /// Conflict when already ended; NotFound when there is none.
    pub async fn ta_legacy_end(
        &self,
        id: &str,
        on: NaiveDate,
        reason: &str,
        at: &str,
        actor: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let Some(row) = legacy_row(&mut tx.conn(), id).await? else {
                return Err(StoreError::NotFound {
                    what: format!("人才公寓 {id} (talent apartment {id})"),
                });
            };
            if row.opt_text("ended_on")?.is_some() {
                return Err(StoreError::Conflict {
                    what: format!("人才公寓 {id} 已退出 (already ended)"),
                });
            }
            let hash = row.text("id_hash")?;
            let from = row.text("from_day")?;
            Q::new(
                "UPDATE benefit_grants SET until_day = $4, source = $3 \
                 WHERE id_hash = $1 AND kind = 'talent_apartment' AND from_day = $2",
            )
            .text(&hash)
            .text(&from)
            .text(id)
            .text(on.to_string())
            .execute(&mut tx.conn())
            .await?;
            let r = Q::new(
                "INSERT INTO legacy_talent_apartment_ends (id, planned_until, ended_on, end_reason, ended_at, ended_by) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .text(id)
            .opt_text(row.opt_text("until_day")?)
            .text(on.to_string())
            .text(reason)
            .text(at)
            .text(actor)
            .execute(&mut tx.conn())
            .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Conflict {
                        what: format!("人才公寓 {id} 已退出 (already ended)"),
                    })
                }
                Err(e) => return Err(e.into()),
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Re-encrypts lettings held under an older key and re-keys their
    /// resident-ID hash and register row (`anju keys rotate`); returns
    /// (lettings re-encrypted, register rows re-keyed). A rerun is a no-op.
    pub async fn ta_rotate_keys(&self) -> Result<(u64, u64)> {
        self.rekey_sealed(
            &Sealed {
                table: "talent_apartments",
                cols: TA_COLS,
                aad: ta_aad,
                grants_also: " AND kind = 'talent_apartment' AND source = $3",
            },
            |s, row| s.ta_of(row).map(|r| (r.name, r.resident_id)),
        )
        .await
    }
}

/// The register row of legacy letting `id` (ended: by its source; not yet:
/// by the hash prefix and first day its id names — exactly one row).
async fn legacy_row(c: &mut Conn<'_>, id: &str) -> Result<Option<Row>> {
    let rows = Q::new(format!("{LEGACY_SELECT} AND g.source = $1"))
        .text(id)
        .fetch_all(c)
        .await?;
    if rows.len() == 1 {
        return Ok(rows.into_iter().next());
    }
    let Some((prefix, from)) = legacy_key(id) else {
        return Ok(None);
    };
    let rows = Q::new(format!(
        "{LEGACY_SELECT} AND g.source = 'talent_apartment' AND g.from_day = $1 AND g.id_hash LIKE $2"
    ))
    .text(from.to_string())
    .text(format!("{prefix}%"))
    .fetch_all(c)
    .await?;
    Ok(if rows.len() == 1 {
        rows.into_iter().next()
    } else {
        None
    })
}

async fn legacy_in(c: &mut Conn<'_>, id: &str) -> Result<Option<LegacyLettingRecord>> {
    legacy_row(c, id).await?.map(|r| legacy_of(&r)).transpose()
}
