//! Projects, plans, homes, rounds (frozen entrant files) and draws.

use anju_allotment::{CallState, Home, RoundStatus};
use anju_domain::Timestamp;

use super::super::audit::append_audit_in;
use super::super::{corrupt, Allotment};
use crate::retry::retrying;
use crate::sql::{is_unique_violation, Conn, Q};
use crate::{AuditDraft, Result, StoreError};

use super::records::*;

impl Allotment<'_> {
    // ------------------------------------------------------------ projects

    /// Creates a project (its id must be new).
    pub async fn allot_create_project(&self, p: &ProjectRecord, audit: AuditDraft) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let r = Q::new(format!(
                "INSERT INTO allot_projects ({PROJECT_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)"
            ))
            .text(&p.id)
            .text(&p.name)
            .text(&p.district)
            .text(json(&p.area)?)
            .text(p.plan_status.code())
            .opt_text(p.plan.as_ref().map(json).transpose()?)
            .opt_text(p.returned_reason.clone())
            .opt_text(p.approved_by.clone())
            .opt_text(p.approved_at.clone())
            .opt_text(p.published_at.clone())
            .int(p.version)
            .text(&p.created_at)
            .text(&p.updated_at)
            .execute(&mut tx.conn())
            .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(StoreError::Duplicate {
                        what: format!("项目编号 {} 已存在 (project {} exists)", p.id, p.id),
                    })
                }
                Err(e) => return Err(e.into()),
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// One project with its plan.
    pub async fn allot_project(&self, id: &str) -> Result<Option<ProjectRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {PROJECT_COLS} FROM allot_projects WHERE id = $1"
        ))
        .text(id)
        .fetch_optional(&mut pc.conn())
        .await?
        .map(|r| project_from_row(&r))
        .transpose()
    }

    /// Every project, oldest first.
    pub async fn allot_projects(&self) -> Result<Vec<ProjectRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {PROJECT_COLS} FROM allot_projects ORDER BY created_at, id"
        ))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(project_from_row)
        .collect()
    }

    /// Writes the project's mutable columns if its version is still
    /// `p.version`; the stored version becomes `p.version + 1`.
    pub async fn allot_update_project(&self, p: &ProjectRecord, audit: AuditDraft) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE allot_projects SET name = $1, area_json = $2, plan_status = $3, plan_json = $4, \
                 returned_reason = $5, approved_by = $6, approved_at = $7, published_at = $8, version = version + 1, \
                 updated_at = $9 WHERE id = $10 AND version = $11",
            )
            .text(&p.name)
            .text(json(&p.area)?)
            .text(p.plan_status.code())
            .opt_text(p.plan.as_ref().map(json).transpose()?)
            .opt_text(p.returned_reason.clone())
            .opt_text(p.approved_by.clone())
            .opt_text(p.approved_at.clone())
            .opt_text(p.published_at.clone())
            .text(&p.updated_at)
            .text(&p.id)
            .int(p.version)
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(conflict(format!(
                    "项目 {} 已被他人修改，请刷新后重试 (project {} was changed by someone else; reload and try again)",
                    p.id, p.id
                )));
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Adds or replaces homes by id in a project whose version is still
    /// `version` (the caller checked that the plan is editable): a
    /// corrected file may carry only the rows that were wrong. Refused for
    /// a home already held or sold.
    pub async fn allot_upsert_homes(
        &self,
        project_id: &str,
        version: i64,
        homes: &[Home],
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new("UPDATE allot_projects SET version = version + 1, updated_at = $1 WHERE id = $2 AND version = $3")
                .text(now.to_rfc3339())
                .text(project_id)
                .int(version)
                .execute(&mut tx.conn())
                .await?;
            if n != 1 {
                return Err(conflict(format!(
                    "项目 {project_id} 已被他人修改，请刷新后重试 (project {project_id} changed; reload and try again)"
                )));
            }
            for h in homes {
                let state =
                    Q::new("SELECT state FROM allot_homes WHERE project_id = $1 AND home_id = $2")
                        .text(project_id)
                        .text(h.id.as_str())
                        .fetch_optional(&mut tx.conn())
                        .await?
                        .map(|r| r.text("state"))
                        .transpose()?;
                match state.as_deref() {
                    None => {}
                    Some("available") => {
                        Q::new("DELETE FROM allot_homes WHERE project_id = $1 AND home_id = $2")
                            .text(project_id)
                            .text(h.id.as_str())
                            .execute(&mut tx.conn())
                            .await?;
                    }
                    Some(_) => {
                        return Err(conflict(format!(
                            "房源 {} 已被选定或售出，不能修改 (home {} is already chosen or sold)",
                            h.id, h.id
                        )))
                    }
                }
                Q::new(
                    "INSERT INTO allot_homes (project_id, home_id, home_json, price_fen, state, holder) \
                     VALUES ($1, $2, $3, $4, 'available', NULL)",
                )
                .text(project_id)
                .text(h.id.as_str())
                .text(json(h)?)
                .int(i64::try_from(h.price.fen()).map_err(corrupt)?)
                .execute(&mut tx.conn())
                .await?;
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// A project's homes by building, unit, floor and number.
    pub async fn allot_homes(&self, project_id: &str) -> Result<Vec<HomeRecord>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(format!(
            "SELECT {HOME_COLS} FROM allot_homes WHERE project_id = $1"
        ))
        .text(project_id)
        .fetch_all(&mut pc.conn())
        .await?;
        let mut out = rows.iter().map(home_from_row).collect::<Result<Vec<_>>>()?;
        out.sort_by(|a, b| {
            (&a.home.building, &a.home.unit, a.home.floor, &a.home.number).cmp(&(
                &b.home.building,
                &b.home.unit,
                b.home.floor,
                &b.home.number,
            ))
        });
        Ok(out)
    }

    // -------------------------------------------------------------- rounds

    /// Freezes a round: its entrant file, commitment and entrants, at once.
    pub async fn allot_create_round(
        &self,
        round: &RoundRecord,
        entrants: &[EntrantRecord],
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let r = Q::new(format!(
                "INSERT INTO allot_rounds ({ROUND_COLS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL, NULL, NULL)"
            ))
            .text(&round.project_id)
            .int(i64::from(round.round_no))
            .text(code_of(&round.status)?)
            .text(&round.entrant_file)
            .text(&round.commitment)
            .int(i64::from(round.entrant_count))
            .text(&round.excluded_json)
            .text(&round.frozen_at)
            .text(&round.frozen_by)
            .execute(&mut tx.conn())
            .await;
            match r {
                Ok(_) => {}
                Err(e) if is_unique_violation(&e) => {
                    return Err(conflict(format!(
                        "第{}轮已开启 (round {} already exists)",
                        round.round_no, round.round_no
                    )))
                }
                Err(e) => return Err(e.into()),
            }
            insert_entrants(&mut tx.conn(), round, entrants).await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })?;
        self.analyze_after_bulk(&["allot_entrants"]).await;
        Ok(())
    }

    /// A project's rounds in order.
    pub async fn allot_rounds(&self, project_id: &str) -> Result<Vec<RoundRecord>> {
        self.rounds_of(project_id, true).await
    }

    /// A project's rounds without their entrant files (`entrant_file`
    /// empty): what pages and the project's JSON show. A city's entrant
    /// file is megabytes, read only to serve it or to draw.
    pub async fn allot_rounds_without_files(&self, project_id: &str) -> Result<Vec<RoundRecord>> {
        self.rounds_of(project_id, false).await
    }

    /// Part of one round's frozen entrant file: `chars` characters from
    /// character `from` (0-based); empty past its end, `None` when there is
    /// no such round. For serving the file in parts: at 7 × 10⁵ entrants it
    /// is 21 MB, and read whole it took +91–99 MB while served (the
    /// driver's buffer, the text, the response). Characters, not bytes, so
    /// that no part splits a character; the parts joined are the file, byte
    /// for byte (its SHA-256 is the round's commitment). PostgreSQL's
    /// `substr` takes `integer`, hence the casts.
    pub async fn round_entrant_file_part(
        &self,
        project_id: &str,
        round_no: u8,
        from: u64,
        chars: u32,
    ) -> Result<Option<String>> {
        let mut pc = self.read_conn().await?;
        Q::new(
            "SELECT substr(entrant_file, CAST($3 AS INTEGER), CAST($4 AS INTEGER)) AS part \
             FROM allot_rounds \
             WHERE project_id = $1 AND round_no = $2",
        )
        .text(project_id)
        .int(i64::from(round_no))
        .int(crate::core::to_i64(from.saturating_add(1))?)
        .int(i64::from(chars))
        .fetch_optional(&mut pc.conn())
        .await?
        .map(|r| r.text_or_empty("part"))
        .transpose()
    }

    async fn rounds_of(&self, project_id: &str, files: bool) -> Result<Vec<RoundRecord>> {
        let cols = if files {
            ROUND_COLS.to_string()
        } else {
            ROUND_COLS.replace("entrant_file", "'' AS entrant_file")
        };
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {cols} FROM allot_rounds WHERE project_id = $1 ORDER BY round_no"
        ))
        .text(project_id)
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(round_from_row)
        .collect()
    }

    /// A round's draws without their result files (`result_file` empty).
    pub async fn allot_draws_without_files(
        &self,
        project_id: &str,
        round_no: u8,
    ) -> Result<Vec<DrawRecord>> {
        self.draws_of(project_id, round_no, false).await
    }

    async fn draws_of(
        &self,
        project_id: &str,
        round_no: u8,
        files: bool,
    ) -> Result<Vec<DrawRecord>> {
        let file = if files {
            "result_file"
        } else {
            "'' AS result_file"
        };
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT draw_no, reveal, notary, seed, {file}, drawn_at, drawn_by, redraw_reason, redraw_requested_by, \
             redraw_approved_by, superseded FROM allot_draws WHERE project_id = $1 AND round_no = $2 ORDER BY draw_no"
        ))
        .text(project_id)
        .int(i64::from(round_no))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(draw_from_row)
        .collect()
    }

    /// A round's status alone (the choose path reads it on every request;
    /// the entrant file can be megabytes).
    pub async fn allot_round_status(
        &self,
        project_id: &str,
        round_no: u8,
    ) -> Result<Option<RoundStatus>> {
        let mut pc = self.read_conn().await?;
        Q::new("SELECT status FROM allot_rounds WHERE project_id = $1 AND round_no = $2")
            .text(project_id)
            .int(i64::from(round_no))
            .fetch_optional(&mut pc.conn())
            .await?
            .map(|r| parse_code(&r.text("status")?))
            .transpose()
    }

    /// A round's entrants in calling order (entrant order before the draw).
    pub async fn allot_entrants(
        &self,
        project_id: &str,
        round_no: u8,
    ) -> Result<Vec<EntrantRecord>> {
        let mut pc = self.read_conn().await?;
        let mut v = Q::new(format!(
            "SELECT {ENTRANT_COLS} FROM {ENTRANTS_FROM} WHERE e.project_id = $1 AND e.round_no = $2"
        ))
        .text(project_id)
        .int(i64::from(round_no))
        .fetch_all(&mut pc.conn())
        .await?
        .iter()
        .map(entrant_from_row)
        .collect::<Result<Vec<_>>>()?;
        v.sort_by_key(|e| (e.call_position.unwrap_or(u32::MAX), e.entrant_seq));
        Ok(v)
    }

    /// A window of a round's entrants in calling order once drawn
    /// (`drawn`: by call position) or in entrant-file order before: those
    /// at position `from` or after, at most `limit`. Positions are dense
    /// (1..n), so a window is a range on an index however deep it starts:
    /// public pages page their entrants with it instead of sending all.
    pub async fn allot_entrants_window(
        &self,
        project_id: &str,
        round_no: u8,
        drawn: bool,
        from: u32,
        limit: u32,
    ) -> Result<Vec<EntrantRecord>> {
        // Drawn: walk the calling order on the positions' index and fetch
        // each entrant by its line; before the draw, the entrants' own
        // line order (which also finds no positions).
        let sql = if drawn {
            format!(
                "SELECT {ENTRANT_COLS} FROM allot_positions ps JOIN allot_entrants e \
                 ON e.project_id = ps.project_id AND e.round_no = ps.round_no AND e.entrant_seq = ps.entrant_seq \
                 WHERE ps.project_id = $1 AND ps.round_no = $2 AND ps.call_position >= $3 \
                 ORDER BY ps.call_position LIMIT $4"
            )
        } else {
            format!(
                "SELECT {ENTRANT_COLS} FROM {ENTRANTS_FROM} WHERE e.project_id = $1 AND e.round_no = $2 \
                 AND e.entrant_seq >= $3 ORDER BY e.entrant_seq LIMIT $4"
            )
        };
        let mut pc = self.read_conn().await?;
        Q::new(sql)
            .text(project_id)
            .int(i64::from(round_no))
            .int(i64::from(from))
            .int(i64::from(limit))
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(entrant_from_row)
            .collect()
    }

    /// A round's entrants in any of `states` (the venue's called and
    /// chosen families), in calling order.
    pub async fn allot_entrants_in_states(
        &self,
        project_id: &str,
        round_no: u8,
        states: &[CallState],
    ) -> Result<Vec<EntrantRecord>> {
        if states.is_empty() {
            return Ok(Vec::new());
        }
        let marks = crate::sql::param_list(3, states.len());
        let mut q = Q::new(format!(
            "SELECT {ENTRANT_COLS} FROM {ENTRANTS_FROM} WHERE e.project_id = $1 AND e.round_no = $2 \
             AND e.state IN ({})",
            marks
        ))
        .text(project_id)
        .int(i64::from(round_no));
        for s in states {
            q = q.text(code_of(s)?);
        }
        let mut pc = self.read_conn().await?;
        // Sorted here, not by SQL: an ORDER BY on the call position leads
        // SQLite to walk the round in calling order (10⁵ rows) to find the
        // few called or chosen, instead of using the state index.
        let mut v = q
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(entrant_from_row)
            .collect::<Result<Vec<_>>>()?;
        v.sort_by_key(|e| (e.call_position.unwrap_or(u32::MAX), e.entrant_seq));
        Ok(v)
    }

    /// One entrant of a round.
    pub async fn allot_entrant(
        &self,
        project_id: &str,
        round_no: u8,
        application_id: &str,
    ) -> Result<Option<EntrantRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {ENTRANT_COLS} FROM {ENTRANTS_FROM} WHERE e.project_id = $1 AND e.round_no = $2 AND e.application_id = $3"
        ))
        .text(project_id)
        .int(i64::from(round_no))
        .text(application_id)
        .fetch_optional(&mut pc.conn())
        .await?
        .map(|r| entrant_from_row(&r))
        .transpose()
    }

    /// One home of a project.
    pub async fn allot_home(&self, project_id: &str, home_id: &str) -> Result<Option<HomeRecord>> {
        let mut pc = self.read_conn().await?;
        Q::new(format!(
            "SELECT {HOME_COLS} FROM allot_homes WHERE project_id = $1 AND home_id = $2"
        ))
        .text(project_id)
        .text(home_id)
        .fetch_optional(&mut pc.conn())
        .await?
        .map(|r| home_from_row(&r))
        .transpose()
    }

    /// Every round an application entered, for the family's page.
    pub async fn allot_family_entries(&self, application_id: &str) -> Result<Vec<FamilyEntry>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(format!(
            "SELECT e.project_id, p.name AS project_name, e.round_no, {ENTRANT_COLS} FROM {ENTRANTS_FROM} \
             JOIN allot_projects p ON p.id = e.project_id WHERE e.application_id = $1 ORDER BY e.project_id, e.round_no"
        ))
        .text(application_id)
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter()
            .map(|r| {
                Ok(FamilyEntry {
                    project_id: r.text("project_id")?,
                    project_name: r.text("project_name")?,
                    round_no: u8::try_from(r.int("round_no")?).map_err(corrupt)?,
                    entrant: entrant_from_row(r)?,
                })
            })
            .collect()
    }

    /// Every draw of a round, superseded ones included.
    pub async fn allot_draws(&self, project_id: &str, round_no: u8) -> Result<Vec<DrawRecord>> {
        self.draws_of(project_id, round_no, true).await
    }

    /// Records a draw and the order it gives. The first draw needs the
    /// round frozen; a re-draw needs it drawn with a reason and an approval
    /// on record, which the draw then carries and clears.
    /// `positions`: one per entrant of the round.
    pub async fn allot_record_draw(
        &self,
        project_id: &str,
        round_no: u8,
        draw: &DrawRecord,
        positions: &[DrawPosition],
        audit: AuditDraft,
    ) -> Result<u32> {
        let n = retrying!(self, {
            let mut tx = self.begin_write().await?;
            let round = Q::new(format!(
                "SELECT {ROUND_COLS} FROM allot_rounds WHERE project_id = $1 AND round_no = $2"
            ))
            .text(project_id)
            .int(i64::from(round_no))
            .fetch_optional(&mut tx.conn())
            .await?
            .map(|r| round_from_row(&r))
            .transpose()?
            .ok_or_else(|| StoreError::NotFound {
                what: format!("第{round_no}轮不存在 (round {round_no} not found)"),
            })?;
            let (n, reason, requested, approved) = match (round.status, &round.redraw_approved_by) {
                (RoundStatus::Frozen, _) => (
                    Q::new("UPDATE allot_rounds SET status = 'drawn' WHERE project_id = $1 AND round_no = $2 AND status = 'frozen'")
                        .text(project_id)
                        .int(i64::from(round_no))
                        .execute(&mut tx.conn())
                        .await?,
                    None,
                    None,
                    None,
                ),
                (RoundStatus::Drawn, Some(approver)) => (
                    Q::new(
                        "UPDATE allot_rounds SET redraw_reason = NULL, redraw_requested_by = NULL, redraw_approved_by = NULL \
                         WHERE project_id = $1 AND round_no = $2 AND status = 'drawn' AND redraw_approved_by = $3",
                    )
                    .text(project_id)
                    .int(i64::from(round_no))
                    .text(approver)
                    .execute(&mut tx.conn())
                    .await?,
                    round.redraw_reason.clone(),
                    round.redraw_requested_by.clone(),
                    Some(approver.clone()),
                ),
                (RoundStatus::Drawn, None) => {
                    return Err(conflict(
                        "本轮已摇号；重新摇号须写明理由并经第二人批准 (already drawn: a re-draw needs a written reason and a second approver)",
                    ))
                }
                (s, _) => {
                    return Err(conflict(format!(
                        "本轮状态为“{}”，不能摇号 (round is {}: no draw now)",
                        s.zh(),
                        s.code()
                    )))
                }
            };
            if n != 1 {
                return Err(conflict(
                    "本轮已被他人修改，请刷新后重试 (the round changed; reload and try again)",
                ));
            }
            let draw_no = Q::new(
                "SELECT COUNT(*) AS n FROM allot_draws WHERE project_id = $1 AND round_no = $2",
            )
            .text(project_id)
            .int(i64::from(round_no))
            .fetch_one(&mut tx.conn())
            .await?
            .int("n")?
                + 1;
            Q::new("UPDATE allot_draws SET superseded = 1 WHERE project_id = $1 AND round_no = $2")
                .text(project_id)
                .int(i64::from(round_no))
                .execute(&mut tx.conn())
                .await?;
            Q::new(
                "INSERT INTO allot_draws (project_id, round_no, draw_no, reveal, notary, seed, result_file, drawn_at, drawn_by, \
                 redraw_reason, redraw_requested_by, redraw_approved_by, superseded) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0)",
            )
            .text(project_id)
            .int(i64::from(round_no))
            .int(draw_no)
            .text(&draw.reveal)
            .text(&draw.notary)
            .text(&draw.seed)
            .text(&draw.result_file)
            .text(&draw.drawn_at)
            .text(&draw.drawn_by)
            .opt_text(reason)
            .opt_text(requested)
            .opt_text(approved)
            .execute(&mut tx.conn())
            .await?;
            set_draw_positions(&mut tx.conn(), project_id, round_no, positions).await?;
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await?;
            u32::try_from(draw_no).map_err(corrupt)
        })?;
        self.analyze_after_bulk(&["allot_positions"]).await;
        Ok(n)
    }

    /// See the store's allotment module.
    pub async fn allot_request_redraw(
        &self,
        project_id: &str,
        round_no: u8,
        reason: &str,
        requested_by: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE allot_rounds SET redraw_reason = $1, redraw_requested_by = $2, redraw_approved_by = NULL \
                 WHERE project_id = $3 AND round_no = $4 AND status = 'drawn'",
            )
            .text(reason)
            .text(requested_by)
            .text(project_id)
            .int(i64::from(round_no))
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(conflict(
                    "只有已摇号、尚未开始选房的轮次可以申请重新摇号 (a re-draw is possible only after the draw and before selection)",
                ));
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// The second approver: anyone but the person who asked.
    pub async fn allot_approve_redraw(
        &self,
        project_id: &str,
        round_no: u8,
        approver: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let n = Q::new(
                "UPDATE allot_rounds SET redraw_approved_by = $1 WHERE project_id = $2 AND round_no = $3 \
                 AND status = 'drawn' AND redraw_reason IS NOT NULL AND redraw_approved_by IS NULL AND redraw_requested_by <> $4",
            )
            .text(approver)
            .text(project_id)
            .int(i64::from(round_no))
            .text(approver)
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(conflict(
                    "没有待批准的重新摇号申请，或批准人与申请人是同一人（须由第二人批准） (no pending re-draw request, or the approver is the requester: a second person must approve)",
                ));
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Moves a round from `from` to `to`. Closing passes every family not
    /// yet resolved (not an abandonment: no home was chosen) — chosen homes
    /// keep their signing deadline.
    pub async fn allot_set_round_status(
        &self,
        project_id: &str,
        round_no: u8,
        from: RoundStatus,
        to: RoundStatus,
        now: Timestamp,
        audit: AuditDraft,
    ) -> Result<()> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let closed_at = (to == RoundStatus::Closed).then(|| now.to_rfc3339());
            let n = Q::new(
                "UPDATE allot_rounds SET status = $1, closed_at = $2, redraw_reason = NULL, redraw_requested_by = NULL, \
                 redraw_approved_by = NULL WHERE project_id = $3 AND round_no = $4 AND status = $5",
            )
            .text(code_of(&to)?)
            .opt_text(closed_at)
            .text(project_id)
            .int(i64::from(round_no))
            .text(code_of(&from)?)
            .execute(&mut tx.conn())
            .await?;
            if n != 1 {
                return Err(conflict(format!(
                    "本轮不在“{}”状态，请刷新后重试 (the round is not {}; reload)",
                    from.zh(),
                    from.code()
                )));
            }
            if to == RoundStatus::Closed {
                Q::new(
                    "UPDATE allot_entrants SET state = 'passed', updated_at = $1 WHERE project_id = $2 AND round_no = $3 \
                     AND state IN ('waiting', 'called', 'absent')",
                )
                .text(now.to_rfc3339())
                .text(project_id)
                .int(i64::from(round_no))
                .execute(&mut tx.conn())
                .await?;
            }
            append_audit_in(&mut tx.conn(), audit.clone()).await?;
            tx.commit().await
        })
    }
}

/// Writes every entrant's draw and calling positions, set-based — not a
/// statement per entrant (the PostgreSQL draw of 10⁴ entrants took 17.9 s
/// one by one; issue 11 item 3) — as new narrow rows in `allot_positions`
/// rather than updates of the wide entrant rows, whose five indexes made
/// each update write five index entries (migration 0070 has the figures).
/// PostgreSQL takes the whole draw as one INSERT from bound arrays
/// (`unnest`); SQLite, without array binds, 2,000 rows per statement.
async fn set_draw_positions(
    c: &mut Conn<'_>,
    project_id: &str,
    round_no: u8,
    positions: &[DrawPosition],
) -> Result<()> {
    // A re-draw replaces the superseded draw's positions (its result file
    // stays in `allot_draws`).
    Q::new("DELETE FROM allot_positions WHERE project_id = $1 AND round_no = $2")
        .text(project_id)
        .int(i64::from(round_no))
        .execute(c)
        .await?;
    const COLS: &str = "project_id, round_no, entrant_seq, draw_position, call_position";
    let inserted = match c {
        Conn::Pg(conn) => {
            let col = |f: fn(&DrawPosition) -> u32| -> Vec<i64> {
                positions.iter().map(|p| i64::from(f(p))).collect()
            };
            sqlx::query(&format!(
                "INSERT INTO allot_positions ({COLS}) \
                 SELECT $1, $2, s, d, c FROM unnest($3::int8[], $4::int8[], $5::int8[]) AS v(s, d, c)"
            ))
            .bind(project_id)
            .bind(i64::from(round_no))
            .bind(col(|p| p.entrant_seq))
            .bind(col(|p| p.draw_position))
            .bind(col(|p| p.call_position))
            .execute(&mut **conn)
            .await?
            .rows_affected()
        }
        Conn::Sqlite(_) => {
            let mut n = 0;
            // 5 parameters a row, under SQLite's limit of 32,766.
            for chunk in positions.chunks(2_000) {
                let mut q = Q::new(format!(
                    "INSERT INTO allot_positions ({COLS}) VALUES {}",
                    crate::sql::values_rows(c, chunk.len(), 5)
                ));
                for p in chunk {
                    q = q
                        .text(project_id)
                        .int(i64::from(round_no))
                        .int(i64::from(p.entrant_seq))
                        .int(i64::from(p.draw_position))
                        .int(i64::from(p.call_position));
                }
                n += q.execute(c).await?;
            }
            n
        }
    };
    if inserted != positions.len() as u64 {
        return Err(corrupt(format!(
            "draw positions: {inserted} of {} entrants written",
            positions.len()
        )));
    }
    Ok(())
}

/// Inserts a frozen round's entrants, set-based (a city's round of 10⁵
/// families; issue 11 item 3): on PostgreSQL one INSERT from bound arrays
/// (`unnest`), on SQLite 500 rows per statement (12 parameters a row,
/// under SQLite's limit of 32,766).
async fn insert_entrants(
    c: &mut Conn<'_>,
    round: &RoundRecord,
    entrants: &[EntrantRecord],
) -> Result<()> {
    const COLS: &str = "project_id, round_no, application_id, entrant_seq, district, tier, \
                        priority, masked_name, masked_id, state, recalled, updated_at";
    match c {
        Conn::Pg(conn) => {
            let text =
                |f: fn(&EntrantRecord) -> &str| -> Vec<&str> { entrants.iter().map(f).collect() };
            let int =
                |f: fn(&EntrantRecord) -> i64| -> Vec<i64> { entrants.iter().map(f).collect() };
            sqlx::query(&format!(
                "INSERT INTO allot_entrants ({COLS}) \
                 SELECT $1, $2, a, s, d, t, p, n, i, 'waiting', 0, $3 \
                 FROM unnest($4::text[], $5::int8[], $6::text[], $7::int8[], $8::int8[], $9::text[], $10::text[]) \
                 AS v(a, s, d, t, p, n, i)"
            ))
            .bind(&round.project_id)
            .bind(i64::from(round.round_no))
            .bind(&round.frozen_at)
            .bind(text(|e| e.application_id.as_str()))
            .bind(int(|e| i64::from(e.entrant_seq)))
            .bind(text(|e| e.district.as_str()))
            .bind(int(|e| i64::from(e.tier)))
            .bind(int(|e| i64::from(e.priority)))
            .bind(text(|e| e.masked_name.as_str()))
            .bind(text(|e| e.masked_id.as_str()))
            .execute(&mut **conn)
            .await?;
        }
        Conn::Sqlite(_) => {
            for chunk in entrants.chunks(500) {
                let mut q = Q::new(format!(
                    "INSERT INTO allot_entrants ({COLS}) VALUES {}",
                    crate::sql::values_rows(c, chunk.len(), 12)
                ));
                for e in chunk {
                    q = q
                        .text(&round.project_id)
                        .int(i64::from(round.round_no))
                        .text(&e.application_id)
                        .int(i64::from(e.entrant_seq))
                        .text(&e.district)
                        .int(i64::from(e.tier))
                        .int(i64::from(e.priority))
                        .text(&e.masked_name)
                        .text(&e.masked_id)
                        .text("waiting")
                        .int(0)
                        .text(&round.frozen_at);
                }
                q.execute(c).await?;
            }
        }
    }
    Ok(())
}
