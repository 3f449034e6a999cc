//! Calls, choices, abandonments, contracts, titles and dealings.

use anju_allotment::{AbandonmentKind, CallState, ContractTerms, Title};
use anju_domain::Timestamp;
use chrono::NaiveDate;

use super::super::audit::append_audit_in;
use super::super::{corrupt, date_text, parse_date, Allotment};
use crate::retry::retrying;
use crate::sql::{is_unique_violation, Row, Q};
use crate::{AuditDraft, Result, StoreError};

use super::records::*;

impl Allotment<'_> {
    /// Calls the next `count` families in calling order; when no family
    /// is waiting, those absent once are called again (the plan's
    /// `call_again_at_end`). Returns the application ids called. `audit`
    /// builds the entry from the ids called; it runs once per attempt.
    /// `tell` builds the message to each called family's account
    /// (application id, account), written in the same transaction (issue
    /// 12 feature 17: "called to choose a home").
    pub async fn allot_call_next(
        &self,
        project_id: &str,
        round_no: u8,
        count: u32,
        now: Timestamp,
        audit: impl Fn(&[String]) -> AuditDraft,
        tell: impl Fn(&str, &str) -> crate::NewMessage,
    ) -> Result<Vec<String>> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let status =
                Q::new("SELECT status FROM allot_rounds WHERE project_id = $1 AND round_no = $2")
                    .text(project_id)
                    .int(i64::from(round_no))
                    .fetch_optional(&mut tx.conn())
                    .await?
                    .map(|r| r.text("status"))
                    .transpose()?;
            if status.as_deref() != Some("selecting") {
                return Err(conflict(
                    "本轮不在选房阶段，不能叫号 (the round is not selecting)",
                ));
            }
            let mut called = Vec::new();
            for (from, recall) in [("waiting", false), ("absent", true)] {
                if called.len() >= count as usize {
                    break;
                }
                let rows = Q::new(
                    "SELECT e.application_id FROM allot_positions ps JOIN allot_entrants e \
                     ON e.project_id = ps.project_id AND e.round_no = ps.round_no AND e.entrant_seq = ps.entrant_seq \
                     WHERE ps.project_id = $1 AND ps.round_no = $2 AND e.state = $3 \
                     ORDER BY ps.call_position LIMIT $4",
                )
                .text(project_id)
                .int(i64::from(round_no))
                .text(from)
                .int(i64::from(count) - called.len() as i64)
                .fetch_all(&mut tx.conn())
                .await?;
                for r in rows {
                    let app = r.text("application_id")?;
                    let n = Q::new(
                        "UPDATE allot_entrants SET state = 'called', recalled = $1, updated_at = $2 \
                         WHERE project_id = $3 AND round_no = $4 AND application_id = $5 AND state = $6",
                    )
                    .int(i64::from(recall))
                    .text(now.to_rfc3339())
                    .text(project_id)
                    .int(i64::from(round_no))
                    .text(&app)
                    .text(from)
                    .execute(&mut tx.conn())
                    .await?;
                    if n == 1 {
                        called.push(app);
                    }
                }
            }
            if called.is_empty() {
                return Ok(called);
            }
            for app in &called {
                let owner = Q::new("SELECT owner_user_id FROM applications WHERE id = $1")
                    .text(app)
                    .fetch_optional(&mut tx.conn())
                    .await?
                    .map(|r| r.opt_text("owner_user_id"))
                    .transpose()?
                    .flatten();
                if let Some(owner) = owner {
                    super::super::messages::insert_message(&mut tx.conn(), &tell(app, &owner))
                        .await?;
                }
            }
            append_audit_in(&mut tx.conn(), audit(&called)).await?;
            tx.commit().await?;
            Ok(called)
        })
    }

    /// A call step that touches only the entrant row (absent, decline).
    #[allow(clippy::too_many_arguments)] // the trait's signature
    pub async fn allot_entrant_step(
        &self,
        project_id: &str,
        round_no: u8,
        application_id: &str,
        from: CallState,
        to: CallState,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE allot_entrants SET state = $1, updated_at = $2 WHERE project_id = $3 AND round_no = $4 \
                 AND application_id = $5 AND state = $6",
            )
            .text(to.code())
            .text(now.to_rfc3339())
            .text(project_id)
            .int(i64::from(round_no))
            .text(application_id)
            .text(from.code())
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(stale_call(application_id));
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// A called family chooses a home. See the module notes: the home is
    /// sold once even when several processes race for it.
    #[allow(clippy::too_many_arguments)]
    pub async fn allot_choose(
        &self,
        project_id: &str,
        round_no: u8,
        application_id: &str,
        home_id: &str,
        chosen_on: NaiveDate,
        sign_by: NaiveDate,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE allot_entrants SET state = 'chosen', home_id = $1, chosen_on = $2, sign_by = $3, updated_at = $4 \
                 WHERE project_id = $5 AND round_no = $6 AND application_id = $7 AND state = 'called'",
            )
            .text(home_id)
            .text(date_text(chosen_on))
            .text(date_text(sign_by))
            .text(now.to_rfc3339())
            .text(project_id)
            .int(i64::from(round_no))
            .text(application_id)
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(stale_call(application_id));
            }
            let n = Q::new(
                "UPDATE allot_homes SET state = 'held', holder = $1 WHERE project_id = $2 AND home_id = $3 AND state = 'available'",
            )
            .text(application_id)
            .text(project_id)
            .text(home_id)
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(home_taken(home_id));
            }
            let hold = Q::new("INSERT INTO allot_home_holds (project_id, home_id, application_id) VALUES ($1, $2, $3)")
                .text(project_id)
                .text(home_id)
                .text(application_id)
                .execute(&mut tx.conn())
                .await;
            match hold {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Err(home_taken(home_id)),
                Err(e) => return Err(e.into()),
            }
            let fam = Q::new("INSERT INTO allot_family_holds (application_id, project_id, home_id) VALUES ($1, $2, $3)")
                .text(application_id)
                .text(project_id)
                .text(home_id)
                .execute(&mut tx.conn())
                .await;
            match fam {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(conflict(
                        "该家庭已选定其他房源，一户只能选购一套 (the family already holds a home)",
                    ))
                }
                Err(e) => return Err(e.into()),
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Gives up a chosen home, or records the missed signing deadline:
    /// the home is free again, the abandonment is kept per member, and the
    /// application stops counting as active (its members may apply again
    /// once the ban the eligibility rules work out is over).
    #[allow(clippy::too_many_arguments)]
    pub async fn allot_abandon(
        &self,
        project_id: &str,
        round_no: u8,
        application_id: &str,
        kind: AbandonmentKind,
        on_date: NaiveDate,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let row = Q::new(
                "SELECT home_id FROM allot_entrants WHERE project_id = $1 AND round_no = $2 AND application_id = $3 AND state = 'chosen'",
            )
            .text(project_id)
            .int(i64::from(round_no))
            .text(application_id)
            .fetch_optional(&mut tx.conn())
            .await?
            .ok_or_else(|| stale_call(application_id))?;
            let home_id = row
                .opt_text("home_id")?
                .ok_or_else(|| StoreError::Corrupt("chosen without a home".into()))?;
            let n = Q::new(
                "UPDATE allot_entrants SET state = 'abandoned', updated_at = $1 WHERE project_id = $2 AND round_no = $3 \
                 AND application_id = $4 AND state = 'chosen'",
            )
            .text(now.to_rfc3339())
            .text(project_id)
            .int(i64::from(round_no))
            .text(application_id)
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(stale_call(application_id));
            }
            Q::new("UPDATE allot_homes SET state = 'available', holder = NULL WHERE project_id = $1 AND home_id = $2 AND state = 'held'")
                .text(project_id)
                .text(&home_id)
                .execute(&mut tx.conn())
                .await?;
            Q::new("DELETE FROM allot_home_holds WHERE project_id = $1 AND home_id = $2")
                .text(project_id)
                .text(&home_id)
                .execute(&mut tx.conn())
                .await?;
            Q::new("DELETE FROM allot_family_holds WHERE application_id = $1")
                .text(application_id)
                .execute(&mut tx.conn())
                .await?;
            Q::new(
                "INSERT INTO abandonments (id_hash, application_id, project_id, home_id, on_date, kind) \
                 SELECT id_hash, application_id, $1, $2, $3, $4 FROM application_members WHERE application_id = $5",
            )
            .text(project_id)
            .text(&home_id)
            .text(date_text(on_date))
            .text(kind.code())
            .text(application_id)
            .execute(&mut tx.conn())
            .await?;
            Q::new("DELETE FROM active_members WHERE application_id = $1")
                .text(application_id)
                .execute(&mut tx.conn())
                .await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Records the purchase contract: the call becomes signed, the home sold.
    #[allow(clippy::too_many_arguments)] // the trait's signature
    pub async fn allot_sign(
        &self,
        project_id: &str,
        round_no: u8,
        application_id: &str,
        home_id: &str,
        terms: &ContractTerms,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE allot_entrants SET state = 'signed', updated_at = $1 WHERE project_id = $2 AND round_no = $3 \
                 AND application_id = $4 AND state = 'chosen' AND home_id = $5",
            )
            .text(now.to_rfc3339())
            .text(project_id)
            .int(i64::from(round_no))
            .text(application_id)
            .text(home_id)
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(stale_call(application_id));
            }
            let n = Q::new(
                "UPDATE allot_homes SET state = 'sold' WHERE project_id = $1 AND home_id = $2 AND state = 'held' AND holder = $3",
            )
            .text(project_id)
            .text(home_id)
            .text(application_id)
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(StoreError::Corrupt(format!(
                    "home {home_id} is not held by {application_id}"
                )));
            }
            let r = Q::new(
                "INSERT INTO allot_contracts (project_id, home_id, application_id, contract_no, contract_json, signed_on) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .text(project_id)
            .text(home_id)
            .text(application_id)
            .text(terms.contract_no.trim())
            .text(json(terms)?)
            .text(date_text(terms.signed_on))
            .execute(&mut tx.conn())
            .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Duplicate {
                        what: format!(
                            "合同编号 {} 已使用 (contract number already used)",
                            terms.contract_no.trim()
                        ),
                    })
                }
                Err(e) => return Err(e.into()),
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// The purchase contracts of a project's homes (one query for the
    /// whole project page).
    pub async fn allot_contracts(&self, project_id: &str) -> Result<Vec<ContractRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT home_id, application_id, contract_json FROM allot_contracts WHERE project_id = $1")
            .text(project_id)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| {
                Ok(ContractRecord {
                    home_id: r.text("home_id")?,
                    application_id: r.text("application_id")?,
                    terms: from_json(&r.text("contract_json")?, "contract_json")?,
                })
            })
            .collect()
    }

    /// See the store's allotment module.
    pub async fn allot_register_title(
        &self,
        project_id: &str,
        home_id: &str,
        title: &Title,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let sold =
                Q::new("SELECT state FROM allot_homes WHERE project_id = $1 AND home_id = $2")
                    .text(project_id)
                    .text(home_id)
                    .fetch_optional(&mut tx.conn())
                    .await?
                    .map(|r| r.text("state"))
                    .transpose()?;
            if sold.as_deref() != Some("sold") {
                return Err(conflict(
                    "房源尚未签订购房合同，不能办理不动产登记 (no purchase contract for this home)",
                ));
            }
            let r = Q::new(
                "INSERT INTO allot_titles (project_id, home_id, certificate_no, annotation, registered_on) VALUES ($1, $2, $3, $4, $5)",
            )
            .text(project_id)
            .text(home_id)
            .text(&title.certificate_no)
            .text(&title.annotation)
            .text(date_text(title.registered_on))
            .execute(&mut tx.conn())
            .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => return Err(StoreError::Duplicate {
                    what:
                        "该房源已登记，或证书号已使用 (already registered, or certificate number used)"
                            .into(),
                }),
                Err(e) => return Err(e.into()),
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// The registered title of a home.
    pub async fn allot_title(&self, project_id: &str, home_id: &str) -> Result<Option<Title>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT certificate_no, annotation, registered_on FROM allot_titles WHERE project_id = $1 AND home_id = $2")
            .text(project_id)
            .text(home_id)
            .fetch_optional(&mut pc.conn())
            .await?
            .map(|r| title_from_row(&r))
            .transpose()
    }

    /// The registered titles of a project's homes, by home id.
    pub async fn allot_titles(&self, project_id: &str) -> Result<Vec<(String, Title)>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT home_id, certificate_no, annotation, registered_on FROM allot_titles WHERE project_id = $1")
            .text(project_id)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| Ok((r.text("home_id")?, title_from_row(r)?)))
            .collect()
    }

    /// Records an allowed dealing (the purchase-loan mortgage).
    pub async fn allot_record_dealing(
        &self,
        project_id: &str,
        home_id: &str,
        dealing: &str,
        on: NaiveDate,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            Q::new("INSERT INTO allot_dealings (project_id, home_id, dealing, recorded_on, recorded_at) VALUES ($1, $2, $3, $4, $5)")
                .text(project_id)
                .text(home_id)
                .text(dealing)
                .text(date_text(on))
                .text(now.to_rfc3339())
                .execute(&mut tx.conn())
                .await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Dealings recorded on a project's titled homes: (home id, dealing, date), oldest first.
    pub async fn allot_dealings(
        &self,
        project_id: &str,
    ) -> Result<Vec<(String, String, NaiveDate)>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT home_id, dealing, recorded_on FROM allot_dealings WHERE project_id = $1 ORDER BY recorded_at")
            .text(project_id)
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| {
                Ok((
                    r.text("home_id")?,
                    r.text("dealing")?,
                    parse_date(&r.text("recorded_on")?)?,
                ))
            })
            .collect()
    }

    /// Dates of abandonments on record for any of these people, one per
    /// abandonment (not per member).
    pub async fn abandonment_dates(&self, resident_ids: &[String]) -> Result<Vec<NaiveDate>> {
        // Under every key held: during a key rotation a record may still
        // carry the older key's hash.
        let hashes: Vec<String> = resident_ids
            .iter()
            .filter(|r| !r.trim().is_empty())
            .flat_map(|r| self.crypto.resident_id_hashes(r))
            .collect();
        if hashes.is_empty() {
            return Ok(Vec::new());
        }
        // One statement for the whole family: this runs on every submission.
        let marks = crate::sql::param_list(1, hashes.len());
        let mut q = Q::new(format!(
            "SELECT DISTINCT application_id, project_id, home_id, on_date FROM abandonments WHERE id_hash IN ({})",
            marks
        ));
        for h in hashes {
            q = q.text(h);
        }
        let mut pc = self.read_conn().await?;
        let mut dates = q
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| parse_date(&r.text("on_date")?))
            .collect::<Result<Vec<_>>>()?;
        dates.sort();
        Ok(dates)
    }

    /// Which applications hold a home and which abandoned one.
    pub async fn allot_flags(&self) -> Result<AllotmentFlags> {
        let mut pc = self.read_conn().await?;
        let mut c = pc.conn();
        let mut f = AllotmentFlags::default();
        for r in Q::new("SELECT application_id FROM allot_family_holds")
            .fetch_all(&mut c)
            .await?
        {
            f.holding.insert(r.text("application_id")?);
        }
        for r in Q::new("SELECT DISTINCT application_id FROM abandonments")
            .fetch_all(&mut c)
            .await?
        {
            f.abandoned.insert(r.text("application_id")?);
        }
        Ok(f)
    }

    /// Chosen homes whose signing deadline is before `today`.
    pub async fn allot_overdue(
        &self,
        project_id: &str,
        today: NaiveDate,
    ) -> Result<Vec<(u8, String)>> {
        let mut pc = self.read_conn().await?;
        Q::new(
            "SELECT round_no, application_id FROM allot_entrants WHERE project_id = $1 AND state = 'chosen' AND sign_by < $2 \
             ORDER BY sign_by, application_id",
        )
        .text(project_id)
        .text(date_text(today))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(|r| Ok((u8::try_from(r.int("round_no")?).map_err(corrupt)?, r.text("application_id")?)))
        .collect()
    }
}

pub(super) fn stale_call(application_id: &str) -> StoreError {
    conflict(format!(
        "家庭 {application_id} 的选房状态已变化，请刷新后重试 (the call of {application_id} changed; reload and try again)"
    ))
}

pub(super) fn home_taken(home_id: &str) -> StoreError {
    conflict(format!(
        "房源 {home_id} 已被选定或已售出，请选择其他房源 (home {home_id} is already taken)"
    ))
}

pub(super) fn title_from_row(r: &Row) -> Result<Title> {
    Ok(Title {
        certificate_no: r.text("certificate_no")?,
        annotation: r.text("annotation")?,
        registered_on: parse_date(&r.text("registered_on")?)?,
    })
}
