//! Holdings writes: campaigns, answers and reports, cases, buybacks.

#![allow(missing_docs)]

use anju_domain::{Department, Timestamp};
use anju_holdings::{review_state, BuybackStatus, CaseStatus, Finding, Flag, ReviewState};
use chrono::NaiveDate;

use super::super::audit::append_audit_in;
use super::super::{date_text, Holdings};
use super::records::*;
use super::{answer_column, answered_of, AnswerOutcome, AnswerRow};
use anju_holdings::CAMPAIGN_DEPARTMENTS;
use std::collections::{BTreeMap, BTreeSet};

/// Homes per statement when a department's clean answers are applied.
pub const ANSWER_BATCH: usize = 1000;
use crate::core::allotment::conflict;
use crate::crypto::random_hex;
use crate::retry::retrying;
use crate::sql::{is_unique_violation, Conn, Q};
use crate::{AuditDraft, Result, StoreError};

/// A new campaign, before its homes are listed.
#[derive(Debug, Clone)]
pub struct NewCampaign {
    pub id: String,
    pub year: i32,
    pub district: String,
    pub due_on: NaiveDate,
    pub opened_by: String,
}

/// What changes in a buyback at a step.
#[derive(Debug, Clone, Default)]
pub struct BuybackChange {
    pub status: Option<BuybackStatus>,
    pub exit_by: Option<NaiveDate>,
    pub appraisal_json: Option<String>,
    pub price_json: Option<String>,
    pub price_fen: Option<u64>,
    pub vacated_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub title_returned_on: Option<NaiveDate>,
    pub certificate_no: Option<String>,
}

async fn append_step(
    c: &mut Conn<'_>,
    subject: &str,
    step: &NewStep,
    now: Timestamp,
) -> Result<()> {
    let next =
        Q::new("SELECT COALESCE(MAX(seq), 0) + 1 AS n FROM hold_steps WHERE subject_id = $1")
            .text(subject)
            .fetch_one(c)
            .await?
            .int("n")?;
    Q::new("INSERT INTO hold_steps (subject_id, seq, step, note, actor, on_date, at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
        .text(subject)
        .int(next)
        .text(&step.step)
        .text(&step.note)
        .text(&step.actor)
        .text(date_text(step.on_date))
        .text(now.to_rfc3339())
        .execute(c)
        .await?;
    Ok(())
}

/// Opens a case for each flag of a home that has none open; returns how
/// many were opened.
pub(super) async fn open_cases(
    c: &mut Conn<'_>,
    project_id: &str,
    home_id: &str,
    flags: &[Flag],
    campaign_id: Option<&str>,
    actor: &str,
    now: Timestamp,
) -> Result<u64> {
    let mut opened = 0;
    for flag in flags {
        let open = Q::new("SELECT case_id FROM hold_open_cases WHERE project_id = $1 AND home_id = $2 AND flag = $3")
            .text(project_id)
            .text(home_id)
            .text(flag.code())
            .fetch_optional(c)
            .await?;
        if open.is_some() {
            continue;
        }
        let id = format!("C-{}", random_hex(6));
        Q::new("INSERT INTO hold_open_cases (project_id, home_id, flag, case_id) VALUES ($1, $2, $3, $4)")
            .text(project_id)
            .text(home_id)
            .text(flag.code())
            .text(&id)
            .execute(c)
            .await?;
        Q::new("INSERT INTO hold_cases (id, project_id, home_id, flag, status, campaign_id, deadline, buyback_id, opened_at, updated_at) VALUES ($1, $2, $3, $4, 'open', $5, NULL, NULL, $6, $6)")
            .text(&id)
            .text(project_id)
            .text(home_id)
            .text(flag.code())
            .opt_text(campaign_id)
            .text(now.to_rfc3339())
            .execute(c)
            .await?;
        append_step(
            c,
            &id,
            &NewStep {
                step: "opened".into(),
                note: flag.zh().into(),
                actor: actor.into(),
                on_date: now.date(),
            },
            now,
        )
        .await?;
        opened += 1;
    }
    Ok(opened)
}

impl Holdings<'_> {
    /// Opens a district's campaign for a year: one review row per home
    /// titled in the district and not bought back, written in one
    /// statement so a campaign over 10⁶ homes opens in one pass. Returns
    /// the number of homes.
    pub async fn hold_open_campaign(
        &self,
        c: &NewCampaign,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<u64> {
        let n: u64 = retrying!(self, {
            let mut tx = self.begin_write().await?;
            let r = Q::new("INSERT INTO hold_campaigns (id, year, district, due_on, total, opened_at, opened_by) VALUES ($1, $2, $3, $4, 0, $5, $6)")
                .text(&c.id)
                .int(i64::from(c.year))
                .text(&c.district)
                .text(date_text(c.due_on))
                .text(now.to_rfc3339())
                .text(&c.opened_by)
                .execute(&mut tx.conn())
                .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Duplicate {
                        what: format!(
                        "{} 年度 {} 的核查已开启 (a campaign for this district and year exists)",
                        c.year, c.district
                    ),
                    })
                }
                Err(e) => return Err(e.into()),
            }
            let n = Q::new(
                "INSERT INTO hold_reviews (campaign_id, project_id, home_id, application_id, ans_public_security, ans_civil_affairs, ans_natural_resources, state, updated_at) \
                 SELECT $1, t.project_id, t.home_id, ct.application_id, 0, 0, 0, 'pending', $2 FROM allot_titles t \
                 JOIN allot_contracts ct ON ct.project_id = t.project_id AND ct.home_id = t.home_id \
                 JOIN allot_projects p ON p.id = t.project_id \
                 WHERE p.district = $3 AND NOT EXISTS (SELECT 1 FROM pool_homes ph WHERE ph.project_id = t.project_id AND ph.home_id = t.home_id)",
            )
            .text(&c.id)
            .text(now.to_rfc3339())
            .text(&c.district)
            .execute(&mut tx.conn())
            .await?;
            Q::new("UPDATE hold_campaigns SET total = $1 WHERE id = $2")
                .int(i64::try_from(n).unwrap_or(i64::MAX))
                .text(&c.id)
                .execute(&mut tx.conn())
                .await?;
            let mut audit = audit.clone();
            audit.detail["homes"] = serde_json::json!(n);
            append_audit_in(&mut tx.conn(), audit).await?;
            tx.commit().await?;
            Ok(n)
        })?;
        // A campaign adds up to 10⁶ rows at once: refresh the planner's
        // statistics so the answers' lookups use the primary key (with
        // stale ones PostgreSQL scanned the campaign for every batch).
        let mut tx = self.begin_write().await?;
        Q::new("ANALYZE hold_reviews")
            .execute(&mut tx.conn())
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    /// Applies one department's answers to a campaign: each listed home is
    /// marked answered by the department, its findings recorded with their
    /// evidence, its state derived again, and a case opened for each new
    /// flag. Rows for homes not in the campaign are returned, not dropped.
    ///
    /// Homes with nothing found (nearly all of them) are applied in batches
    /// of [`ANSWER_BATCH`] per project: one UPDATE marks them (and only when
    /// it marks fewer than it was given, one query finds which homes are not
    /// in the campaign), so a file of 10⁶ rows is a thousand statements. Homes with findings go one by one.
    pub async fn hold_record_answers(
        &self,
        campaign_id: &str,
        department: Department,
        rows: &[AnswerRow],
        actor: &str,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<AnswerOutcome> {
        let col = answer_column(department).ok_or_else(|| {
            conflict("该部门不参加年度核查 (this department is not asked in a campaign)")
        })?;
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let mut out = AnswerOutcome {
                applied: 0,
                unknown: Vec::new(),
                cases_opened: 0,
            };
            // Nothing found: by project, in batches.
            let mut clean: BTreeMap<&str, Vec<(usize, &str)>> = BTreeMap::new();
            for (i, row) in rows.iter().enumerate() {
                if row.findings.is_empty() {
                    clean
                        .entry(row.project_id.as_str())
                        .or_default()
                        .push((i, row.home_id.as_str()));
                }
            }
            // The state a clean answer leaves: as `anju_holdings::review_state`
            // (flagged stays flagged; clear once every department answered).
            let others: Vec<&str> = CAMPAIGN_DEPARTMENTS
                .iter()
                .filter(|d| **d != department)
                .filter_map(|d| answer_column(*d))
                .collect();
            let all_others = others
                .iter()
                .map(|c| format!("{c} = 1"))
                .collect::<Vec<_>>()
                .join(" AND ");
            for (project, homes) in &clean {
                for chunk in homes.chunks(ANSWER_BATCH) {
                    let mut q = Q::new(format!(
                        "UPDATE hold_reviews SET {col} = 1, state = CASE WHEN state = 'flagged' THEN 'flagged' WHEN {all_others} THEN 'clear' ELSE 'pending' END, updated_at = $3 \
                         WHERE campaign_id = $1 AND project_id = $2 AND home_id IN ({})",
                        crate::sql::param_list(4, chunk.len())
                    ))
                    .text(campaign_id)
                    .text(*project)
                    .text(now.to_rfc3339());
                    for (_, h) in chunk {
                        q = q.text(*h);
                    }
                    let updated = q.execute(&mut tx.conn()).await?;
                    out.applied += updated;
                    if updated == chunk.len() as u64 {
                        continue;
                    }
                    // Some homes are not in the campaign: find which, so
                    // their rows come back to the sender.
                    let marks = crate::sql::param_list(3, chunk.len());
                    let mut q = Q::new(format!(
                        "SELECT home_id FROM hold_reviews WHERE campaign_id = $1 AND project_id = $2 AND home_id IN ({})",
                        marks
                    ))
                    .text(campaign_id)
                    .text(*project);
                    for (_, h) in chunk {
                        q = q.text(*h);
                    }
                    let found: BTreeSet<String> = q
                        .fetch_all(&mut tx.conn())
                        .await?
                        .iter()
                        .map(|r| r.text("home_id"))
                        .collect::<Result<_>>()?;
                    for (i, h) in chunk {
                        if !found.contains(*h) {
                            out.unknown.push(*i);
                        }
                    }
                }
            }
            // Something found: one by one.
            for (i, row) in rows
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.findings.is_empty())
            {
                let current = Q::new("SELECT ans_public_security, ans_civil_affairs, ans_natural_resources FROM hold_reviews WHERE campaign_id = $1 AND project_id = $2 AND home_id = $3")
                    .text(campaign_id)
                    .text(&row.project_id)
                    .text(&row.home_id)
                    .fetch_optional(&mut tx.conn())
                    .await?;
                let Some(current) = current else {
                    out.unknown.push(i);
                    continue;
                };
                let mut answered = answered_of(&current)?;
                if !answered.contains(&department) {
                    answered.push(department);
                }
                for (finding, evidence) in &row.findings {
                    // The same answer uploaded again is recorded once.
                    let seen = Q::new("SELECT id FROM hold_findings WHERE campaign_id = $1 AND project_id = $2 AND home_id = $3 AND finding = $4 AND source = $5")
                        .text(campaign_id)
                        .text(&row.project_id)
                        .text(&row.home_id)
                        .text(finding.code())
                        .text(department.code())
                        .fetch_optional(&mut tx.conn())
                        .await?;
                    if seen.is_some() {
                        continue;
                    }
                    Q::new("INSERT INTO hold_findings (id, project_id, home_id, campaign_id, finding, source, evidence, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
                        .text(format!("F-{}", random_hex(6)))
                        .text(&row.project_id)
                        .text(&row.home_id)
                        .text(campaign_id)
                        .text(finding.code())
                        .text(department.code())
                        .text(evidence)
                        .text(actor)
                        .text(now.to_rfc3339())
                        .execute(&mut tx.conn())
                        .await?;
                }
                let findings: Vec<Finding> = row.findings.iter().map(|(f, _)| *f).collect();
                let state = review_state(&answered, &findings);
                Q::new(format!("UPDATE hold_reviews SET {col} = 1, state = $1, updated_at = $2 WHERE campaign_id = $3 AND project_id = $4 AND home_id = $5"))
                    .text(state.code())
                    .text(now.to_rfc3339())
                    .text(campaign_id)
                    .text(&row.project_id)
                    .text(&row.home_id)
                    .execute(&mut tx.conn())
                    .await?;
                out.cases_opened += open_cases(
                    &mut tx.conn(),
                    &row.project_id,
                    &row.home_id,
                    &anju_holdings::flags_for(&findings),
                    Some(campaign_id),
                    actor,
                    now,
                )
                .await?;
                out.applied += 1;
            }
            out.unknown.sort_unstable();
            let mut audit = audit.clone();
            audit.detail["applied"] = serde_json::json!(out.applied);
            audit.detail["unknown_rows"] = serde_json::json!(out.unknown.len());
            audit.detail["cases_opened"] = serde_json::json!(out.cases_opened);
            append_audit_in(&mut tx.conn(), audit).await?;
            tx.commit().await?;
            Ok(out.clone())
        })
    }

    /// Records a report (staff or public, with evidence) against a held
    /// home: the finding, the home flagged in any campaign it is pending
    /// in, and a case for its flag if none is open. Returns the case ids
    /// opened (empty when the flag's case was already open).
    #[allow(clippy::too_many_arguments)]
    pub async fn hold_report(
        &self,
        project_id: &str,
        home_id: &str,
        finding: Finding,
        evidence: &str,
        actor: &str,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<u64> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            Q::new("INSERT INTO hold_findings (id, project_id, home_id, campaign_id, finding, source, evidence, recorded_by, recorded_at) VALUES ($1, $2, $3, NULL, $4, 'report', $5, $6, $7)")
                .text(format!("F-{}", random_hex(6)))
                .text(project_id)
                .text(home_id)
                .text(finding.code())
                .text(evidence)
                .text(actor)
                .text(now.to_rfc3339())
                .execute(&mut tx.conn())
                .await?;
            Q::new("UPDATE hold_reviews SET state = 'flagged', updated_at = $1 WHERE project_id = $2 AND home_id = $3 AND state <> 'flagged'")
                .text(now.to_rfc3339())
                .text(project_id)
                .text(home_id)
                .execute(&mut tx.conn())
                .await?;
            let opened = open_cases(
                &mut tx.conn(),
                project_id,
                home_id,
                &[finding.flag()],
                None,
                actor,
                now,
            )
            .await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await?;
            Ok(opened)
        })
    }

    /// Moves a case from the status the caller saw to `to`, with its step;
    /// with `buyback`, also opens the buyback recovery starts.
    #[allow(clippy::too_many_arguments)]
    pub async fn hold_case_step(
        &self,
        case_id: &str,
        from: CaseStatus,
        to: CaseStatus,
        deadline: Option<NaiveDate>,
        step: &NewStep,
        buyback: Option<&BuybackRecord>,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            if let Some(b) = buyback {
                insert_buyback(&mut tx.conn(), b).await?;
                append_step(
                    &mut tx.conn(),
                    &b.id,
                    &NewStep {
                        step: "applied".into(),
                        note: b.reason.clone(),
                        actor: step.actor.clone(),
                        on_date: b.applied_on,
                    },
                    now,
                )
                .await?;
            }
            let n = Q::new("UPDATE hold_cases SET status = $1, deadline = COALESCE($2, deadline), buyback_id = COALESCE($3, buyback_id), updated_at = $4 WHERE id = $5 AND status = $6")
                .text(to.code())
                .opt_text(deadline.map(date_text))
                .opt_text(buyback.map(|b| b.id.clone()))
                .text(now.to_rfc3339())
                .text(case_id)
                .text(from.code())
                .execute(&mut tx.conn())
                .await?;
            if n != 1 {
                return Err(conflict(
                    "案件状态已变化，请刷新后重试 (the case changed; reload)",
                ));
            }
            if !to.is_open() {
                Q::new("DELETE FROM hold_open_cases WHERE case_id = $1")
                    .text(case_id)
                    .execute(&mut tx.conn())
                    .await?;
            }
            append_step(&mut tx.conn(), case_id, step, now).await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Records a new buyback application (one open per home).
    pub async fn hold_create_buyback(
        &self,
        b: &BuybackRecord,
        step: &NewStep,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            insert_buyback(&mut tx.conn(), b).await?;
            append_step(&mut tx.conn(), &b.id, step, now).await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Applies a step to a buyback seen in status `from`. A closing status
    /// frees the home for another buyback; completion puts the home into
    /// the pool (source = buyback).
    pub async fn hold_buyback_step(
        &self,
        id: &str,
        from: BuybackStatus,
        change: &BuybackChange,
        step: &NewStep,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let to = change.status.unwrap_or(from);
            let n = Q::new(
                "UPDATE hold_buybacks SET status = $1, exit_by = COALESCE($2, exit_by), appraisal_json = COALESCE($3, appraisal_json), \
                 price_json = COALESCE($4, price_json), price_fen = COALESCE($5, price_fen), vacated_on = COALESCE($6, vacated_on), \
                 paid_on = COALESCE($7, paid_on), title_returned_on = COALESCE($8, title_returned_on), \
                 certificate_no = COALESCE($9, certificate_no), updated_at = $10 WHERE id = $11 AND status = $12",
            )
            .text(to.code())
            .opt_text(change.exit_by.map(date_text))
            .opt_text(change.appraisal_json.clone())
            .opt_text(change.price_json.clone())
            .opt_int(change.price_fen.map(|v| i64::try_from(v).unwrap_or(i64::MAX)))
            .opt_text(change.vacated_on.map(date_text))
            .opt_text(change.paid_on.map(date_text))
            .opt_text(change.title_returned_on.map(date_text))
            .opt_text(change.certificate_no.clone())
            .text(now.to_rfc3339())
            .text(id)
            .text(from.code())
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(conflict(
                    "回购状态已变化，请刷新后重试 (the buyback changed; reload)",
                ));
            }
            if !to.is_open() {
                Q::new("DELETE FROM hold_open_buybacks WHERE buyback_id = $1")
                    .text(id)
                    .execute(&mut tx.conn())
                    .await?;
            }
            if to == BuybackStatus::Completed {
                let row = Q::new("SELECT project_id, home_id FROM hold_buybacks WHERE id = $1")
                    .text(id)
                    .fetch_one(&mut tx.conn())
                    .await?;
                let returned = change.title_returned_on.unwrap_or(step.on_date);
                Q::new("INSERT INTO pool_homes (project_id, home_id, source, buyback_id, returned_on, state) VALUES ($1, $2, 'buyback', $3, $4, 'available')")
                    .text(row.text("project_id")?)
                    .text(row.text("home_id")?)
                    .text(id)
                    .text(date_text(returned))
                    .execute(&mut tx.conn())
                    .await?;
                // The home leaves every pending review: it is no longer held.
                Q::new("UPDATE hold_reviews SET state = 'clear', updated_at = $1 WHERE project_id = $2 AND home_id = $3 AND state = 'pending'")
                    .text(now.to_rfc3339())
                    .text(row.text("project_id")?)
                    .text(row.text("home_id")?)
                    .execute(&mut tx.conn())
                    .await?;
            }
            append_step(&mut tx.conn(), id, step, now).await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// The state a campaign leaves a home in (for tests and the CLI).
    pub async fn hold_review_state(
        &self,
        campaign_id: &str,
        project_id: &str,
        home_id: &str,
    ) -> Result<Option<ReviewState>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT state FROM hold_reviews WHERE campaign_id = $1 AND project_id = $2 AND home_id = $3")
            .text(campaign_id)
            .text(project_id)
            .text(home_id)
            .fetch_optional(&mut pc.conn())
            .await?
            .map(|r| ReviewState::parse(&r.text("state")?).ok_or_else(|| StoreError::Corrupt("review state".into())))
            .transpose()
    }
}

async fn insert_buyback(c: &mut Conn<'_>, b: &BuybackRecord) -> Result<()> {
    let r = Q::new(
        "INSERT INTO hold_open_buybacks (project_id, home_id, buyback_id) VALUES ($1, $2, $3)",
    )
    .text(&b.project_id)
    .text(&b.home_id)
    .text(&b.id)
    .execute(c)
    .await;
    match r {
        Ok(_) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(StoreError::Duplicate {
                what: "该房屋已有回购在办理中 (a buyback of this home is already open)".into(),
            })
        }
        Err(e) => return Err(e.into()),
    }
    Q::new(
        "INSERT INTO hold_buybacks (id, project_id, home_id, application_id, case_code, status, applied_on, exit_by, reason, \
         appraisal_json, price_json, price_fen, vacated_on, paid_on, title_returned_on, certificate_no, case_id, created_by, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, NULL, NULL, NULL, NULL, NULL, $10, $11, $12, $12)",
    )
    .text(&b.id)
    .text(&b.project_id)
    .text(&b.home_id)
    .text(&b.application_id)
    .text(b.case.code())
    .text(b.status.code())
    .text(date_text(b.applied_on))
    .opt_text(b.exit_by.map(date_text))
    .text(&b.reason)
    .opt_text(b.case_id.clone())
    .text(&b.created_by)
    .text(&b.created_at)
    .execute(c)
    .await?;
    Ok(())
}

impl Holdings<'_> {
    /// Marks a pool home as taken by a project (`to = Some`) or available
    /// again (`None`, when the project could not take it), from the state
    /// the caller expects; a lost race is a conflict.
    pub async fn hold_pool_take(
        &self,
        buyback_id: &str,
        to: Option<&str>,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let (from, state) = if to.is_some() {
                ("available", "taken")
            } else {
                ("taken", "available")
            };
            let n = Q::new("UPDATE pool_homes SET state = $1, taken_by = $2 WHERE buyback_id = $3 AND state = $4")
                .text(state)
                .opt_text(to)
                .text(buyback_id)
                .text(from)
                .execute(&mut tx.conn())
                .await?;
            if n != 1 {
                return Err(conflict(
                    "该房源已不在可用房源池中 (the home is no longer available in the pool)",
                ));
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }
}

/// One synthetic sold home for `anju bench holdings`: (home id, home JSON
/// as `anju_allotment::Home`, price in fen).
pub type SyntheticHome = (String, String, u64);

impl Holdings<'_> {
    /// For `anju bench holdings` only: writes `homes` as sold, contracted
    /// and titled homes of an existing project, in multi-row INSERTs of 250
    /// homes, 20 statements a transaction, without audit entries (they are
    /// benchmark data, never a city's). `progress` is told each batch.
    pub async fn hold_synthetic_titles(
        &self,
        project_id: &str,
        homes: &[SyntheticHome],
        signed_on: NaiveDate,
        progress: &(dyn Fn(u64) + Sync),
    ) -> Result<()> {
        const ROWS: usize = 250;
        for tx_chunk in homes.chunks(ROWS * 20) {
            let mut tx = self.begin_write().await?;
            for chunk in tx_chunk.chunks(ROWS) {
                let (six_cols, five_cols) = {
                    let c = tx.conn();
                    (
                        crate::sql::values_rows(&c, chunk.len(), 6),
                        crate::sql::values_rows(&c, chunk.len(), 5),
                    )
                };
                let mut q = Q::new(format!(
                    "INSERT INTO allot_homes (project_id, home_id, home_json, price_fen, state, holder) VALUES {}",
                    six_cols
                ));
                for (id, json, price) in chunk {
                    q = q
                        .text(project_id)
                        .text(id)
                        .text(json)
                        .int(i64::try_from(*price).unwrap_or(i64::MAX))
                        .text("sold")
                        .text(format!("BENCH-{id}"));
                }
                q.execute(&mut tx.conn()).await?;
                let mut q = Q::new(format!(
                    "INSERT INTO allot_contracts (project_id, home_id, application_id, contract_no, contract_json, signed_on) VALUES {}",
                    six_cols
                ));
                for (id, _, _) in chunk {
                    q = q
                        .text(project_id)
                        .text(id)
                        .text(format!("BENCH-{id}"))
                        .text(format!("{project_id}-HT-{id}"))
                        .text("{}")
                        .text(date_text(signed_on));
                }
                q.execute(&mut tx.conn()).await?;
                let mut q = Q::new(format!(
                    "INSERT INTO allot_titles (project_id, home_id, certificate_no, annotation, registered_on) VALUES {}",
                    five_cols
                ));
                for (id, _, _) in chunk {
                    q = q
                        .text(project_id)
                        .text(id)
                        .text(format!("{project_id}-CERT-{id}"))
                        .text(anju_allotment::ART18_ANNOTATION)
                        .text(date_text(signed_on));
                }
                q.execute(&mut tx.conn()).await?;
                progress(chunk.len() as u64);
            }
            tx.commit().await?;
        }
        Ok(())
    }
}
