//! Subsidy applications, their payment ledgers and the benefits register.
//!
//! Every write is one transaction with its audit entry last. The store
//! never decides: approval receives the register check as a function from
//! the rules (`anju_subsidies::register::check`) and runs it inside the
//! write transaction, on the grants it reads there, so two concurrent
//! approvals for one person cannot both pass (SQLite: one writer;
//! PostgreSQL: SERIALIZABLE, retried).

use chrono::NaiveDate;
use serde_json::Value;

use super::audit::append_audit_in;
use super::{corrupt, Subsidies};
use crate::crypto::random_hex;
use crate::retry::retrying;
use crate::sql::{is_unique_violation, Conn, Row, Q};
use crate::{AuditDraft, Result, StoreError};

/// A new subsidy application.
#[derive(Debug, Clone)]
pub struct NewSubsidy {
    /// Programme code (`talent_purchase`, `talent_rent`, `provident_rent`).
    pub programme: String,
    /// Applicant's name (encrypted at rest).
    pub name: String,
    /// Applicant's resident ID (encrypted at rest; indexed by keyed hash).
    pub resident_id: String,
    /// Non-personal facts (the self-check's fields).
    pub facts: Value,
    /// When (RFC 3339).
    pub at: String,
    /// Who (user id).
    pub actor: String,
}

/// A subsidy application as loaded (personal data decrypted).
#[derive(Debug, Clone, PartialEq)]
pub struct SubsidyRecord {
    /// Application id (`BT-…`).
    pub id: String,
    /// Programme code (`talent_purchase`, `talent_rent`, `provident_rent`).
    pub programme: String,
    /// Applicant's name (encrypted at rest).
    pub name: String,
    /// Applicant's resident ID (encrypted at rest; indexed by keyed hash).
    pub resident_id: String,
    /// Non-personal facts.
    pub facts: Value,
    /// `submitted`, `verified`, `rejected`, `approved`, `refused`, `stopped` or `completed`.
    pub status: String,
    /// The award once approved.
    pub award: Option<Value>,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last step (RFC 3339).
    pub updated_at: String,
    /// Its steps, oldest first.
    pub events: Vec<SubsidyEvent>,
}

#[derive(Debug, Clone, PartialEq)]
/// One step of an application (append-only).
pub struct SubsidyEvent {
    /// 1-based.
    pub seq: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who (user id).
    pub actor: String,
    /// What kind.
    pub kind: String,
    /// Details (no personal data).
    pub body: Value,
}

/// One row of the benefits register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRow {
    /// What kind.
    pub kind: String,
    /// First day held.
    pub from: NaiveDate,
    /// Last day held; None while running.
    pub until: Option<NaiveDate>,
    /// The record that granted it.
    pub source: String,
}

/// One instalment with its ledger entry, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstalmentRow {
    /// 1-based instalment number.
    pub instalment: i64,
    /// Due day.
    pub due: NaiveDate,
    /// Amount in fen.
    pub amount_fen: i64,
    /// `scheduled`, `paid` or `cancelled`.
    pub state: String,
    /// Day of the entry, if any.
    pub on_day: Option<NaiveDate>,
}

/// The dashboard's own figures: dates read where the rooms keep them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnDates {
    /// The days affordable-home sale contracts were signed (allotment).
    pub contracts_signed: Vec<NaiveDate>,
    /// The days rental homes' first leases started (rentals; a renewal is
    /// the same family in the same home, not a new letting).
    pub leases_started: Vec<NaiveDate>,
}

/// One actual figure of the province dashboard.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActualRow {
    /// City (地级市) as written in the import.
    pub city: String,
    /// Calendar year.
    pub year: i64,
    /// Indicator id (`anju_subsidies::indicators::TABLE`).
    pub indicator: String,
    /// Thousandths of the indicator's unit.
    pub value_milli: i64,
    /// A demo sample figure.
    pub sample: bool,
}

/// What approving writes: the step, the award, the register row and the
/// schedule `(instalment, due, amount in fen)`.
#[derive(Debug, Clone, Copy)]
pub struct Approval<'a> {
    /// The step (verified → approved).
    pub step: &'a Step,
    /// The applicant's resident ID (hashed for the register).
    pub resident_id: &'a str,
    /// The award as JSON.
    pub award: &'a Value,
    /// The register row.
    pub grant: &'a GrantRow,
    /// The schedule.
    pub instalments: &'a [(i64, NaiveDate, i64)],
}

/// A step of an application: its new status and event.
#[derive(Debug, Clone)]
pub struct Step {
    /// Application id (`BT-…`).
    pub id: String,
    /// Statuses the step may start from.
    pub from_status: &'static [&'static str],
    /// Status after the step.
    pub to_status: String,
    /// What kind.
    pub kind: String,
    /// Details (no personal data).
    pub body: Value,
    /// When (RFC 3339).
    pub at: String,
    /// Who (user id).
    pub actor: String,
}

const COLS: &str = "id, programme, key_version, nonce, ciphertext, facts_json, status, award_json, created_at, updated_at";

pub(super) fn day(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(corrupt)
}

fn json(s: &str) -> Result<Value> {
    serde_json::from_str(s).map_err(corrupt)
}

fn not_found(id: &str) -> StoreError {
    StoreError::NotFound {
        what: format!("补贴申请 {id} (subsidy application {id})"),
    }
}

/// A table of sealed personal data: a name and resident ID encrypted
/// under the current key, with the ID's keyed hash beside it, which `anju
/// keys rotate` moves onto a new key (`Subsidies::rekey_sealed`). The
/// subsidy applications and the talent-apartment lettings are two.
pub(super) struct Sealed {
    pub table: &'static str,
    /// Its columns as the row reader reads them.
    pub cols: &'static str,
    /// The associated data its ciphertext is bound to, by row id.
    pub aad: fn(&str) -> Vec<u8>,
    /// Which register rows of the person's hash are the table's: "" for
    /// every one, else a condition added to `id_hash = $1` in which `$3`
    /// is the row's id.
    pub grants_also: &'static str,
}

impl Subsidies<'_> {
    fn aad(id: &str) -> Vec<u8> {
        format!("subsidy:{id}").into_bytes()
    }

    /// Records a new application (status `submitted`) and returns its id.
    pub async fn sub_create(&self, n: &NewSubsidy, audit: AuditDraft) -> Result<String> {
        let id = format!("BT-{}", random_hex(6).to_uppercase());
        let personal = serde_json::json!({ "name": n.name, "resident_id": n.resident_id });
        let (nonce, ct) = self
            .crypto
            .encrypt(personal.to_string().as_bytes(), &Self::aad(&id))?;
        let hash = self.crypto.resident_id_hash(&n.resident_id);
        let mut audit = audit;
        audit.subject = format!("subsidy:{id}");
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            Q::new(format!(
                "INSERT INTO subsidy_applications ({COLS}, id_hash, last_seq) VALUES ($1, $2, $3, $4, $5, $6, 'submitted', NULL, $7, $7, $8, 1)"
            ))
            .text(&id)
            .text(&n.programme)
            .int(self.crypto.key_id())
            .bytes(nonce.clone())
            .bytes(ct.clone())
            .text(n.facts.to_string())
            .text(&n.at)
            .text(&hash)
            .execute(&mut tx.conn())
            .await?;
            insert_event(
                &mut tx.conn(),
                &id,
                1,
                &n.at,
                &n.actor,
                "submit",
                &Value::Null,
            )
            .await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })?;
        Ok(id)
    }

    fn record_of(&self, r: &Row) -> Result<SubsidyRecord> {
        let id = r.text("id")?;
        let plain = self.crypto.decrypt_version(
            r.int("key_version")?,
            &r.bytes("nonce")?,
            &r.bytes("ciphertext")?,
            &Self::aad(&id),
        )?;
        let personal: Value = serde_json::from_slice(&plain).map_err(corrupt)?;
        let s = |k: &str| personal[k].as_str().unwrap_or_default().to_owned();
        Ok(SubsidyRecord {
            programme: r.text("programme")?,
            name: s("name"),
            resident_id: s("resident_id"),
            facts: json(&r.text("facts_json")?)?,
            status: r.text("status")?,
            award: r.opt_text("award_json")?.map(|a| json(&a)).transpose()?,
            created_at: r.text("created_at")?,
            updated_at: r.text("updated_at")?,
            events: vec![],
            id,
        })
    }

    /// One application with its events.
    pub async fn sub_get(&self, id: &str) -> Result<Option<SubsidyRecord>> {
        let mut pc = self.read_conn().await?;
        let Some(row) = Q::new(format!(
            "SELECT {COLS} FROM subsidy_applications WHERE id = $1"
        ))
        .text(id)
        .fetch_optional(&mut pc.conn())
        .await?
        else {
            return Ok(None);
        };
        let mut rec = self.record_of(&row)?;
        rec.events = Q::new(
            "SELECT seq, at, actor, kind, body_json FROM subsidy_events WHERE application_id = $1 ORDER BY seq",
        )
        .text(id)
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(|r| {
            Ok(SubsidyEvent {
                seq: r.int("seq")?,
                at: r.text("at")?,
                actor: r.text("actor")?,
                kind: r.text("kind")?,
                body: json(&r.text("body_json")?)?,
            })
        })
        .collect::<Result<_>>()?;
        Ok(Some(rec))
    }

    /// Every application, newest first (without events).
    pub async fn sub_list(&self) -> Result<Vec<SubsidyRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {COLS} FROM subsidy_applications ORDER BY created_at DESC, id"
        ))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(|r| self.record_of(r))
        .collect()
    }

    /// Moves an application from one of `from_status` to `to_status` with
    /// its event (verify, refuse, complete).
    pub async fn sub_step(&self, s: &Step, audit: AuditDraft) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            advance(&mut tx.conn(), s).await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// The register rows of a resident ID (under every key held).
    pub async fn sub_grants(&self, resident_id: &str) -> Result<Vec<GrantRow>> {
        self.sub_grants_of_any(std::slice::from_ref(&resident_id))
            .await
    }

    /// The register rows of any of `resident_ids` (a family's members), in
    /// one statement.
    pub async fn sub_grants_of_any(&self, resident_ids: &[&str]) -> Result<Vec<GrantRow>> {
        let hashes: Vec<String> = resident_ids
            .iter()
            .flat_map(|r| self.crypto.resident_id_hashes(r))
            .collect();
        let mut pc = self.read_conn().await?;
        grants_in(&mut pc.conn(), &hashes).await
    }

    /// Approves: runs `check` on the person's grants inside the write
    /// transaction, then records the grant, the schedule and the event.
    pub async fn sub_approve(
        &self,
        a: &Approval<'_>,
        check: &(dyn Fn(&[GrantRow]) -> std::result::Result<(), String> + Sync),
        audit: AuditDraft,
    ) -> Result<()> {
        let (s, award, grant, instalments) = (a.step, a.award, a.grant, a.instalments);
        let hashes = self.crypto.resident_id_hashes(a.resident_id);
        let hash = self.crypto.resident_id_hash(a.resident_id);
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let held = grants_in(&mut tx.conn(), &hashes).await?;
            check(&held).map_err(|what| StoreError::Conflict { what })?;
            advance(&mut tx.conn(), s).await?;
            Q::new("UPDATE subsidy_applications SET award_json = $2 WHERE id = $1")
                .text(&s.id)
                .text(award.to_string())
                .execute(&mut tx.conn())
                .await?;
            let r = Q::new(
                "INSERT INTO benefit_grants (id_hash, kind, from_day, until_day, source) VALUES ($1, $2, $3, $4, $5)",
            )
            .text(&hash)
            .text(&grant.kind)
            .text(grant.from.to_string())
            .opt_text(grant.until.map(|u| u.to_string()))
            .text(&grant.source)
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
            for (n, due, amount) in instalments {
                Q::new("INSERT INTO subsidy_instalments (application_id, instalment, due, amount_fen) VALUES ($1, $2, $3, $4)")
                    .text(&s.id)
                    .int(*n)
                    .text(due.to_string())
                    .int(*amount)
                    .execute(&mut tx.conn())
                    .await?;
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Key rotation for subsidies: re-encrypts every application's personal
    /// data with the current key and re-keys its resident-ID hash in
    /// `subsidy_applications` and `benefit_grants` (every grant of the
    /// person). Returns (applications re-encrypted, register rows re-keyed).
    pub async fn sub_rotate_keys(&self) -> Result<(u64, u64)> {
        self.rekey_sealed(
            &Sealed {
                table: "subsidy_applications",
                cols: COLS,
                aad: Self::aad,
                grants_also: "",
            },
            |s, row| s.record_of(row).map(|r| (r.name, r.resident_id)),
        )
        .await
    }

    /// Re-encrypts the rows of `t` held under an older key with the current
    /// one and re-keys their resident-ID hash, in the table and in
    /// `benefit_grants`, one row per transaction. Decided by content (a row
    /// already under the current key is only read), so it can be rerun.
    /// `person` reads a row's name and resident ID. Returns (rows
    /// re-encrypted, register rows re-keyed).
    pub(super) async fn rekey_sealed(
        &self,
        t: &Sealed,
        person: fn(&Self, &Row) -> Result<(String, String)>,
    ) -> Result<(u64, u64)> {
        let ids: Vec<String> = {
            let mut pc = self.read_conn().await?;
            Q::new(format!(
                "SELECT id FROM {} WHERE key_version <> $1 ORDER BY id",
                t.table
            ))
            .int(self.crypto.key_id())
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| r.text("id"))
            .collect::<Result<_>>()?
        };
        let mut done = (0u64, 0u64);
        for id in ids {
            let (a, g) = retrying!(self, {
                let mut tx = self.begin_write().await?;
                let Some(row) = Q::new(format!(
                    "SELECT {}, id_hash FROM {} WHERE id = $1",
                    t.cols, t.table
                ))
                .text(&id)
                .fetch_optional(&mut tx.conn())
                .await?
                else {
                    return Ok((0, 0));
                };
                if row.int("key_version")? == self.crypto.key_id() {
                    return Ok((0, 0));
                }
                let (name, resident_id) = person(self, &row)?;
                let old = row.text("id_hash")?;
                let new = self.crypto.resident_id_hash(&resident_id);
                let personal = serde_json::json!({ "name": name, "resident_id": resident_id });
                let (nonce, ct) = self
                    .crypto
                    .encrypt(personal.to_string().as_bytes(), &(t.aad)(&id))?;
                Q::new(format!(
                    "UPDATE {} SET key_version = $2, nonce = $3, ciphertext = $4, id_hash = $5 WHERE id = $1",
                    t.table
                ))
                .text(&id)
                .int(self.crypto.key_id())
                .bytes(nonce)
                .bytes(ct)
                .text(&new)
                .execute(&mut tx.conn())
                .await?;
                let g = if old == new {
                    0
                } else {
                    let mut q = Q::new(format!(
                        "UPDATE benefit_grants SET id_hash = $2 WHERE id_hash = $1{}",
                        t.grants_also
                    ))
                    .text(&old)
                    .text(&new);
                    // `$3`, the row's id, only where the condition names it.
                    if !t.grants_also.is_empty() {
                        q = q.text(&id);
                    }
                    q.execute(&mut tx.conn()).await?
                };
                tx.commit().await?;
                Ok((1u64, g))
            })?;
            done.0 += a;
            done.1 += g;
        }
        Ok(done)
    }

    /// Writes dashboard figures (a key already there is replaced), in one
    /// transaction with its audit entry.
    pub async fn ind_import(&self, rows: &[ActualRow], at: &str, audit: AuditDraft) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            for r in rows {
                Q::new("DELETE FROM indicator_actuals WHERE city = $1 AND year = $2 AND indicator = $3")
                    .text(&r.city)
                    .int(r.year)
                    .text(&r.indicator)
                    .execute(&mut tx.conn())
                    .await?;
                Q::new("INSERT INTO indicator_actuals (city, year, indicator, value_milli, sample, imported_at) VALUES ($1, $2, $3, $4, $5, $6)")
                    .text(&r.city)
                    .int(r.year)
                    .text(&r.indicator)
                    .int(r.value_milli)
                    .int(i64::from(r.sample))
                    .text(at)
                    .execute(&mut tx.conn())
                    .await?;
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// The dates anju's own records give the province dashboard (read
    /// only, from the allotment and rentals tables where they are kept).
    pub async fn ind_own_dates(&self) -> Result<OwnDates> {
        let mut pc = self.read_conn().await?;
        let dates = |rows: Vec<Row>, col: &str| -> Result<Vec<NaiveDate>> {
            rows.iter().map(|r| day(&r.text(col)?)).collect()
        };
        let contracts = Q::new("SELECT signed_on FROM allot_contracts")
            .fetch_all(&mut pc.conn())
            .await?;
        let leases = Q::new("SELECT starts_on FROM rent_leases WHERE renews_id IS NULL")
            .fetch_all(&mut pc.conn())
            .await?;
        Ok(OwnDates {
            contracts_signed: dates(contracts, "signed_on")?,
            leases_started: dates(leases, "starts_on")?,
        })
    }

    /// Every dashboard figure, by city, year and indicator.
    pub async fn ind_actuals(&self) -> Result<Vec<ActualRow>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT city, year, indicator, value_milli, sample FROM indicator_actuals ORDER BY city, year, indicator")
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| {
                Ok(ActualRow {
                    city: r.text("city")?,
                    year: r.int("year")?,
                    indicator: r.text("indicator")?,
                    value_milli: r.int("value_milli")?,
                    sample: r.int("sample")? != 0,
                })
            })
            .collect()
    }

    /// Records a benefit granted outside a subsidy application (a talent
    /// apartment let by the city), after `check` on the person's rows in the
    /// same transaction.
    pub async fn sub_record_grant(
        &self,
        resident_id: &str,
        grant: &GrantRow,
        check: &(dyn Fn(&[GrantRow]) -> std::result::Result<(), String> + Sync),
        audit: AuditDraft,
    ) -> Result<()> {
        let hashes = self.crypto.resident_id_hashes(resident_id);
        let hash = self.crypto.resident_id_hash(resident_id);
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let held = grants_in(&mut tx.conn(), &hashes).await?;
            check(&held).map_err(|what| StoreError::Conflict { what })?;
            let r = Q::new(
                "INSERT INTO benefit_grants (id_hash, kind, from_day, until_day, source) VALUES ($1, $2, $3, $4, $5)",
            )
            .text(&hash)
            .text(&grant.kind)
            .text(grant.from.to_string())
            .opt_text(grant.until.map(|u| u.to_string()))
            .text(&grant.source)
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
        })
    }

    /// The schedule with each instalment's entry.
    pub async fn sub_instalments(&self, id: &str) -> Result<Vec<InstalmentRow>> {
        let mut pc = self.read_conn().await?;
        instalments_in(&mut pc.conn(), id).await
    }

    /// Records instalment `n` as paid on `on` (append-only: refused if it
    /// already has an entry).
    pub async fn sub_pay(
        &self,
        id: &str,
        n: i64,
        on: NaiveDate,
        at: &str,
        actor: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let status = status_of(&mut tx.conn(), id).await?;
            if status != "approved" {
                return Err(StoreError::Conflict {
                    what: format!("补贴申请 {id} 当前状态为 {status}，不能发放 (not approved)"),
                });
            }
            let exists = instalments_in(&mut tx.conn(), id)
                .await?
                .into_iter()
                .find(|i| i.instalment == n);
            match exists {
                None => return Err(not_found(&format!("{id} 第 {n} 期"))),
                Some(i) if i.state != "scheduled" => {
                    return Err(StoreError::Conflict {
                        what: format!(
                            "第 {n} 期已{}，不能重复记录 (instalment already {})",
                            if i.state == "paid" {
                                "发放"
                            } else {
                                "停发"
                            },
                            i.state
                        ),
                    })
                }
                Some(_) => {}
            }
            append_entry(&mut tx.conn(), id, n, "paid", on, at, actor).await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Stops an approved application: instalments due after `last_payable`
    /// with no entry get a `cancelled` entry, the register grant ends on
    /// `last_payable`, and the step is recorded.
    pub async fn sub_stop(
        &self,
        s: &Step,
        resident_id: &str,
        kind: &str,
        last_payable: NaiveDate,
        audit: AuditDraft,
    ) -> Result<u32> {
        let hashes = self.crypto.resident_id_hashes(resident_id);
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            advance(&mut tx.conn(), s).await?;
            let mut cancelled = 0u32;
            for i in instalments_in(&mut tx.conn(), &s.id).await? {
                if i.state == "scheduled" && i.due > last_payable {
                    append_entry(
                        &mut tx.conn(),
                        &s.id,
                        i.instalment,
                        "cancelled",
                        last_payable,
                        &s.at,
                        &s.actor,
                    )
                    .await?;
                    cancelled += 1;
                }
            }
            for h in &hashes {
                Q::new("UPDATE benefit_grants SET until_day = $4 WHERE id_hash = $1 AND kind = $2 AND source = $3")
                    .text(h)
                    .text(kind)
                    .text(&s.id)
                    .text(last_payable.to_string())
                    .execute(&mut tx.conn())
                    .await?;
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await?;
            Ok(cancelled)
        })
    }
}

async fn status_of(c: &mut Conn<'_>, id: &str) -> Result<String> {
    Q::new("SELECT status FROM subsidy_applications WHERE id = $1")
        .text(id)
        .fetch_optional(c)
        .await?
        .ok_or_else(|| not_found(id))?
        .text("status")
}

pub(super) async fn advance(c: &mut Conn<'_>, s: &Step) -> Result<()> {
    let row = Q::new("SELECT status, last_seq FROM subsidy_applications WHERE id = $1")
        .text(&s.id)
        .fetch_optional(c)
        .await?
        .ok_or_else(|| not_found(&s.id))?;
    let status = row.text("status")?;
    let seq = row.int("last_seq")?;
    if !s.from_status.contains(&status.as_str()) {
        return Err(StoreError::Conflict {
            what: format!(
                "补贴申请 {} 当前状态为 {status}，不能执行此步骤 (application is {status}; expected {})",
                s.id,
                s.from_status.join(" or ")
            ),
        });
    }
    let n = Q::new("UPDATE subsidy_applications SET status = $2, last_seq = $3, updated_at = $4 WHERE id = $1 AND last_seq = $5")
        .text(&s.id)
        .text(&s.to_status)
        .int(seq + 1)
        .text(&s.at)
        .int(seq)
        .execute(c)
        .await?;
    if n != 1 {
        return Err(StoreError::Conflict {
            what: format!(
                "补贴申请 {} 已被他人修改，请刷新 (changed by someone else)",
                s.id
            ),
        });
    }
    insert_event(c, &s.id, seq + 1, &s.at, &s.actor, &s.kind, &s.body).await
}

async fn insert_event(
    c: &mut Conn<'_>,
    id: &str,
    seq: i64,
    at: &str,
    actor: &str,
    kind: &str,
    body: &Value,
) -> Result<()> {
    Q::new("INSERT INTO subsidy_events (application_id, seq, at, actor, kind, body_json) VALUES ($1, $2, $3, $4, $5, $6)")
        .text(id)
        .int(seq)
        .text(at)
        .text(actor)
        .text(kind)
        .text(body.to_string())
        .execute(c)
        .await?;
    Ok(())
}

async fn append_entry(
    c: &mut Conn<'_>,
    id: &str,
    n: i64,
    kind: &str,
    on: NaiveDate,
    at: &str,
    actor: &str,
) -> Result<()> {
    let seq = Q::new("SELECT COUNT(*) AS n FROM subsidy_payment_entries WHERE application_id = $1")
        .text(id)
        .fetch_one(c)
        .await?
        .int("n")?
        + 1;
    let r = Q::new("INSERT INTO subsidy_payment_entries (application_id, seq, instalment, kind, on_day, at, actor) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .text(id)
        .int(seq)
        .int(n)
        .text(kind)
        .text(on.to_string())
        .text(at)
        .text(actor)
        .execute(c)
        .await;
    match r {
        Ok(_) => Ok(()),
        Err(e) if is_unique_violation(&e) => Err(StoreError::Conflict {
            what: format!("第 {n} 期已有记录 (instalment {n} already recorded)"),
        }),
        Err(e) => Err(e.into()),
    }
}

async fn instalments_in(c: &mut Conn<'_>, id: &str) -> Result<Vec<InstalmentRow>> {
    let entries = Q::new(
        "SELECT instalment, kind, on_day FROM subsidy_payment_entries WHERE application_id = $1",
    )
    .text(id)
    .fetch_all(c)
    .await?;
    let rows = Q::new("SELECT instalment, due, amount_fen FROM subsidy_instalments WHERE application_id = $1 ORDER BY instalment")
        .text(id)
        .fetch_all(c)
        .await?;
    rows.iter()
        .map(|r| {
            let n = r.int("instalment")?;
            let entry = entries.iter().find(|e| e.int("instalment").ok() == Some(n));
            Ok(InstalmentRow {
                instalment: n,
                due: day(&r.text("due")?)?,
                amount_fen: r.int("amount_fen")?,
                state: match entry {
                    Some(e) => e.text("kind")?,
                    None => "scheduled".into(),
                },
                on_day: entry
                    .map(|e| e.text("on_day").and_then(|d| day(&d)))
                    .transpose()?,
            })
        })
        .collect()
}

/// The register rows under `hashes`, and the affordable homes bought by an
/// application the person is a member of (allotment's signed contracts: the
/// purchase anju holds, read where it is kept rather than copied).
pub(super) async fn grants_in(c: &mut Conn<'_>, hashes: &[String]) -> Result<Vec<GrantRow>> {
    if hashes.is_empty() {
        return Ok(Vec::new());
    }
    // One statement for every hash (a family's members, under every key
    // held): this runs on every submission. A home bought by an
    // application counts once however many of the hashes were in it.
    let marks = crate::sql::numbered_values(1, hashes.len());
    let mut q = Q::new(format!(
        "SELECT 0 AS part, 'affordable_purchase' AS kind, signed_on AS from_day, signed_on AS until_day, \
         contract_no AS source FROM allot_contracts WHERE application_id IN \
         (SELECT application_id FROM application_members WHERE id_hash IN {marks}) \
         UNION ALL SELECT 1 AS part, kind, from_day, until_day, source FROM benefit_grants \
         WHERE id_hash IN {marks} ORDER BY part, from_day"
    ));
    for h in hashes {
        q = q.text(h);
    }
    q.fetch_all(c)
        .await?
        .iter()
        .map(|r| {
            Ok(GrantRow {
                kind: r.text("kind")?,
                from: day(&r.text("from_day")?)?,
                until: r.opt_text("until_day")?.map(|d| day(&d)).transpose()?,
                source: r.text("source")?,
            })
        })
        .collect()
}
