//! Applications, waitlist places, department imports, and the encryption
//! of household facts.

use super::application_figures::{count_contention, count_upsert, move_count};
use super::audit::{append_audit_in, audit_append, audit_append_error, audit_append_finish};
use super::event_bodies::{deflate, event_of_row, EVENT_BODY_COLUMNS};
use super::messages::NewMessage;
use super::*;

impl Applications<'_> {
    // --------------------------------------------------------- applications

    /// Stores a new application: its first event, the household facts (encrypted at rest), an index of members'
    /// resident IDs (keyed hash, for duplicate checks), the summary, and the audit entry — in ONE transaction.
    /// Fails with DuplicateMember if any of `member_ids` is in another active application.
    #[allow(clippy::too_many_arguments)] // the trait's signature
    pub async fn create_application(
        &self,
        app: &Application,
        first: &Event,
        household: &Value,
        member_ids: &[String],
        masked_name: &str,
        masked_id: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        self.create_application_replacing_draft(
            app,
            first,
            household,
            member_ids,
            masked_name,
            masked_id,
            audit,
            None,
            None,
        )
        .await
    }

    /// [`create_application`](Self::create_application), deleting the
    /// draft `(owner, draft id)` it was submitted from in the same
    /// transaction: a family never holds both the application and the
    /// draft it came from, nor loses the draft to a submission that failed.
    /// `preference`: what the form stated about the home wanted (issue 15).
    #[allow(clippy::too_many_arguments)]
    pub async fn create_application_replacing_draft(
        &self,
        app: &Application,
        first: &Event,
        household: &Value,
        member_ids: &[String],
        masked_name: &str,
        masked_id: &str,
        audit: AuditDraft,
        draft: Option<(&UserId, &str)>,
        preference: Option<(&anju_domain::preference::StatedPreference, NaiveDate)>,
    ) -> Result<()> {
        retrying!(self, {
            if first.seq != 1 || app.version() != 1 || &first.application_id != app.id() {
                return Err(mismatch(app.id()));
            }
            let id = app.id().as_str();
            let body = to_json(first)?;
            let (nonce, ciphertext) = self.encrypt_household(app.id(), household)?;
            // Sorted and deduplicated: a fixed insertion order means two
            // submissions sharing members cannot deadlock each other.
            let hashes: BTreeSet<String> = member_ids
                .iter()
                .filter(|m| !m.trim().is_empty())
                .map(|m| self.crypto.resident_id_hash(m))
                .collect();
            let s = Summary::of(app)?;
            let (special, size) = household_projection(household)?;

            // One script: the inserts and the audit head's bump travel to the
            // SQLite writer together (see `Script`); only the audit entry,
            // whose hash needs the head, follows in a second trip.
            let mut script = Script::default();
            script.push(
                Q::new(
                    "INSERT INTO applications (id, district, status_code, owner_user_id, household_ref, masked_name, \
                     masked_id, last_seq, submitted_at, updated_at, categories_json, tier, notice_start, notice_end, \
                     qualified_on, scope_code, priority_facts, household_size) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)",
                )
                .text(id)
                .text(app.district().as_str())
                .text(&s.status)
                .opt_text(s.owner.clone())
                .text(app.household_id().as_str())
                .text(masked_name)
                .text(masked_id)
                .int(1)
                .text(app.submitted_at().to_rfc3339())
                .text(&s.updated_at)
                .text(&s.categories)
                .opt_int(s.tier)
                .opt_text(s.notice_start.clone())
                .opt_text(s.notice_end.clone())
                .opt_text(s.qualified_on.clone())
                .opt_text(s.scope)
                .text(special)
                .int(size),
            );
            script.push(event_insert(first, &body)?);
            // The parts up to here, and the members and the preference,
            // are keyed by the application's number.
            let mut last_keyed_by_number = script.push(
                Q::new(
                    "INSERT INTO household_facts (application_id, key_version, nonce, ciphertext, updated_at) \
                     VALUES ($1, $2, $3, $4, $5)",
                )
                .text(id)
                .int(self.crypto.key_id())
                .bytes(nonce)
                .bytes(ciphertext)
                .text(first.at.to_rfc3339()),
            );
            // One multi-row INSERT per table (every engine anju targets takes
            // several VALUES rows).
            let mut active = None;
            if !hashes.is_empty() {
                last_keyed_by_number = script.push(members_insert(
                    "INSERT INTO application_members (application_id, id_hash) VALUES ",
                    id,
                    &hashes,
                    false,
                ));
                if app.status().kind().is_active() {
                    active = Some(script.push(members_insert(
                        "INSERT INTO active_members (id_hash, application_id) VALUES ",
                        id,
                        &hashes,
                        true,
                    )));
                }
            }
            if let Some((owner, draft_id)) = draft {
                script.push(
                    Q::new("DELETE FROM application_drafts WHERE owner_user_id = $1 AND id = $2")
                        .text(owner.as_str())
                        .text(draft_id),
                );
            }
            if let Some((p, on)) = preference {
                last_keyed_by_number =
                    script.push(super::preferences::preference_insert(id, p, on));
            }
            // The counts read model, before the audit head (see
            // `application_figures`); one statement, as a script's parts
            // may not see each other's rows.
            let count = script.push(count_upsert(app.district().as_str(), &s.status, 1));

            // Refusals (duplicates, bans) were found by reads before this
            // write, so it seldom fails here: no savepoint of its own on
            // PostgreSQL, one round trip less on the writer connection.
            let mut tx = self.begin_write_lean().await?;
            let mut c = tx.conn();
            let (audit_q, audit_text) = audit_append(&c, &audit)?;
            let audited = script.push(audit_q);
            // During a key rotation a member may be indexed under the older
            // key: look for those hashes too, in this transaction, so that no
            // duplicate slips through while the index is half re-keyed.
            if app.status().kind().is_active() {
                let ids: Vec<&str> = member_ids.iter().map(String::as_str).collect();
                if active_under_older_keys(&mut c, &self.crypto, &ids, None).await? {
                    return Err(StoreError::DuplicateMember);
                }
            }
            let rows = script.fetch_all(&mut c).await.map_err(|e| {
                if !is_unique_violation(&e.error) {
                    e.error.into()
                } else if Some(e.statement) == active {
                    StoreError::DuplicateMember
                } else if e.statement == count {
                    count_contention(e.error)
                } else if e.statement == audited {
                    audit_append_error(e.error)
                } else if e.statement <= last_keyed_by_number {
                    // The application row and the rows keyed by its number
                    // (its first event, facts, members): any of them clashes
                    // only with an application of the same number. On
                    // PostgreSQL they are one statement's parts, and any may
                    // be the one that reports it.
                    StoreError::Duplicate {
                        what: format!("申请编号 {id} 已存在 (application {id} already exists)"),
                    }
                } else {
                    e.error.into()
                }
            })?;
            audit_append_finish(&mut c, audit.clone(), &audit_text, rows.last()).await?;
            tx.commit().await
        })
    }

    /// Appends `event` (its seq must be the stored version + 1, else Conflict), updates the summary from `new_state`,
    /// replaces the household facts when `household` is Some, deactivates the member index when the new state is
    /// not active (StatusKind::is_active), and appends the audit entry — in ONE transaction.
    ///
    /// When the new state is active again after an inactive one (a review
    /// requested after a rejection), the member index is reactivated, and
    /// the append fails with `DuplicateMember` if a member is meanwhile in
    /// another active application.
    pub async fn append_event(
        &self,
        event: &Event,
        new_state: &Application,
        household: Option<&Value>,
        audit: AuditDraft,
    ) -> Result<()> {
        self.append_event_telling(event, new_state, household, audit, &[])
            .await
    }

    /// [`append_event`](Self::append_event), and the messages it calls for
    /// (the family's with its text message, an office's) in the same
    /// transaction.
    pub async fn append_event_telling(
        &self,
        event: &Event,
        new_state: &Application,
        household: Option<&Value>,
        audit: AuditDraft,
        messages: &[NewMessage],
    ) -> Result<()> {
        retrying!(self, {
            if &event.application_id != new_state.id()
                || event.seq != new_state.version()
                || event.status_after != new_state.status().kind()
                || event.seq < 2
            {
                return Err(mismatch(new_state.id()));
            }
            let app_id = new_state.id();
            let id = app_id.as_str();
            let body = to_json(event)?;
            let sealed = household
                .map(|h| self.encrypt_household(app_id, h))
                .transpose()?;
            let s = Summary::of(new_state)?;
            let projection = household.map(household_projection).transpose()?;
            let expected = to_i64(event.seq - 1)?;
            // Qualifying takes the district waitlist place in the same
            // transaction, so no qualified family is ever without one (001
            // art. 14: "公示无异议后，取得配售资格"; the waitlist is the 轮候库 of
            // arts. 12 and 14).
            let waitlist = (new_state.status().kind() == StatusKind::Qualified)
                .then(|| format!("waitlist:{}", new_state.district().as_str()));
            if let Some(counter) = &waitlist {
                self.ensure_counter(counter).await?;
            }

            let mut tx = self.begin_write().await?;
            let mut c = tx.conn();
            let row = Q::new("SELECT status_code, last_seq FROM applications WHERE id = $1")
                .text(id)
                .fetch_optional(&mut c)
                .await?
                .ok_or_else(|| application_not_found(app_id))?;
            let old_status = parse_status(&row.text("status_code")?)?;
            let stored = row.int("last_seq")?;
            if stored != expected {
                return Err(stale(app_id, stored));
            }
            // The version check and the row lock in one statement: of two
            // concurrent appends of the same seq, the second matches no row.
            let n = Q::new(
                "UPDATE applications SET status_code = $3, owner_user_id = $4, last_seq = $5, updated_at = $6, \
                 categories_json = $7, tier = $8, notice_start = COALESCE($9, notice_start), \
                 notice_end = COALESCE($10, notice_end), qualified_on = $11, scope_code = $12, \
                 priority_facts = COALESCE($13, priority_facts), household_size = COALESCE($14, household_size) \
                 WHERE id = $1 AND last_seq = $2",
            )
            .text(id)
            .int(expected)
            .text(&s.status)
            .opt_text(s.owner.clone())
            .int(to_i64(event.seq)?)
            .text(&s.updated_at)
            .text(&s.categories)
            .opt_int(s.tier)
            .opt_text(s.notice_start.clone())
            .opt_text(s.notice_end.clone())
            .opt_text(s.qualified_on.clone())
            .opt_text(s.scope)
            .opt_text(projection.as_ref().map(|p| p.0.clone()))
            .opt_int(projection.as_ref().map(|p| p.1))
            .execute(&mut c)
            .await?;
            if n == 0 {
                return Err(stale(app_id, stored));
            }
            insert_event(&mut c, event, &body).await?;
            if let Some((nonce, ciphertext)) = sealed {
                Q::new(
                    "UPDATE household_facts SET key_version = $2, nonce = $3, ciphertext = $4, updated_at = $5 \
                     WHERE application_id = $1",
                )
                .text(id)
                .int(self.crypto.key_id())
                .bytes(nonce)
                .bytes(ciphertext)
                .text(event.at.to_rfc3339())
                .execute(&mut c)
                .await?;
            }
            match (
                old_status.is_active(),
                new_state.status().kind().is_active(),
            ) {
                (true, false) => {
                    Q::new("DELETE FROM active_members WHERE application_id = $1")
                        .text(id)
                        .execute(&mut c)
                        .await?;
                }
                (false, true) => {
                    if self.crypto.has_previous() {
                        // Re-activation during a key rotation: the members'
                        // IDs come from the facts (as stored now), so that an
                        // active application indexed under the other key is
                        // found too.
                        let facts = Q::new(
                            "SELECT key_version, nonce, ciphertext FROM household_facts WHERE application_id = $1",
                        )
                        .text(id)
                        .fetch_optional(&mut c)
                        .await?;
                        if let Some(facts) = facts {
                            let ids = member_ids_of(&self.decrypt_household(app_id, &facts)?);
                            let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
                            if active_under_older_keys(&mut c, &self.crypto, &ids, Some(id)).await?
                            {
                                return Err(StoreError::DuplicateMember);
                            }
                        }
                    }
                    Q::new(
                        "INSERT INTO active_members (id_hash, application_id) \
                         SELECT id_hash, application_id FROM application_members WHERE application_id = $1 \
                         ORDER BY id_hash",
                    )
                    .text(id)
                    .execute(&mut c)
                    .await
                    .map_err(duplicate_member)?;
                }
                _ => {}
            }
            // Qualified is final, so this runs once per application, and no
            // other writer can have placed it: its committed state is not
            // yet Qualified.
            if let Some(counter) = waitlist.filter(|_| old_status != StatusKind::Qualified) {
                place_in_waitlist(&mut c, app_id, new_state.district().as_str(), &counter).await?;
            }
            // The counts read model follows the state.
            if old_status != new_state.status().kind() {
                let from = status_code(old_status)?;
                move_count(&mut c, new_state.district().as_str(), &from, &s.status).await?;
            }
            for m in messages {
                super::messages::insert_message(&mut c, m).await?;
            }
            append_audit_in(&mut c, audit.clone()).await?;
            tx.commit().await
        })
    }

    /// Loads an application: replays the events with `Application::replay`.
    pub async fn load_application(&self, id: &ApplicationId) -> Result<Option<StoredApplication>> {
        let mut tx = self.begin_read().await?;
        let mut c = tx.conn();
        let Some(head) = Q::new("SELECT masked_name, masked_id FROM applications WHERE id = $1")
            .text(id.as_str())
            .fetch_optional(&mut c)
            .await?
        else {
            return Ok(None);
        };
        let events = Q::new(format!(
            "SELECT {EVENT_BODY_COLUMNS} FROM application_events WHERE application_id = $1 ORDER BY seq"
        ))
        .text(id.as_str())
        .fetch_all(&mut c)
        .await?;
        let facts = Q::new(
            "SELECT key_version, nonce, ciphertext FROM household_facts WHERE application_id = $1",
        )
        .text(id.as_str())
        .fetch_optional(&mut c)
        .await?;
        let place = Q::new("SELECT place FROM waitlist_places WHERE application_id = $1")
            .text(id.as_str())
            .fetch_optional(&mut c)
            .await?;
        tx.commit().await?;

        let events = events
            .iter()
            .map(event_of_row)
            .collect::<Result<Vec<Event>>>()?;
        let mut app = Application::replay(&events).map_err(|e| {
            StoreError::Corrupt(format!(
                "申请 {id} 的事件无法重放 (events of application {id} do not replay): {e}"
            ))
        })?;
        let facts = facts.ok_or_else(|| {
            StoreError::Corrupt(format!(
                "申请 {id} 缺少家庭信息 (application {id} has no household facts)"
            ))
        })?;
        let household = self.decrypt_household(id, &facts)?;
        let waitlist_place = place.map(|r| to_u32(r.int("place")?)).transpose()?;
        if let Some(p) = waitlist_place {
            app.set_waitlist_place(p)
                .map_err(|e| StoreError::Corrupt(format!("申请 {id}: {e}")))?;
        }
        Ok(Some(StoredApplication {
            app,
            household,
            masked_name: head.text_or_empty("masked_name")?,
            masked_id: head.text_or_empty("masked_id")?,
            waitlist_place,
        }))
    }

    /// The application's events, first first (its history, for display).
    pub async fn application_events(&self, id: &ApplicationId) -> Result<Vec<Event>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(format!(
            "SELECT {EVENT_BODY_COLUMNS} FROM application_events WHERE application_id = $1 ORDER BY seq"
        ))
        .text(id.as_str())
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter().map(event_of_row).collect()
    }

    /// Whether this resident ID is in an active application.
    pub async fn member_in_active_application(&self, resident_id: &str) -> Result<bool> {
        Ok(self
            .members_in_active_applications(&[resident_id.to_owned()])
            .await?
            .first()
            .copied()
            .unwrap_or(false))
    }

    /// For each resident ID, in order, whether it is in an active
    /// application: what `DuplicateCheck::from_member_hits` takes.
    pub async fn members_in_active_applications(
        &self,
        resident_ids: &[String],
    ) -> Result<Vec<bool>> {
        // Every key's hash of each ID (one while no rotation runs).
        let hashes: Vec<Vec<String>> = resident_ids
            .iter()
            .map(|r| {
                if r.trim().is_empty() {
                    Vec::new()
                } else {
                    self.crypto.resident_id_hashes(r)
                }
            })
            .collect();
        let present: Vec<&String> = hashes.iter().flatten().collect();
        if present.is_empty() {
            return Ok(vec![false; resident_ids.len()]);
        }
        // One statement for the whole family (this runs on every submission).
        let marks = crate::sql::param_list(1, present.len());
        let mut q = Q::new(format!(
            "SELECT id_hash FROM active_members WHERE id_hash IN ({})",
            marks
        ));
        for h in &present {
            q = q.text(h.as_str());
        }
        let mut pc = self.read_conn().await?;
        let found: BTreeSet<String> = q
            .fetch_all(&mut pc.conn())
            .await?
            .iter()
            .map(|r| r.text("id_hash"))
            .collect::<Result<_>>()?;
        Ok(hashes
            .iter()
            .map(|hs| hs.iter().any(|h| found.contains(h)))
            .collect())
    }

    /// Gives a qualified application the next place in its district's waitlist; unique and gap-free per district
    /// even with several anju processes on one PostgreSQL. Idempotent: returns the existing place if it has one.
    pub async fn assign_waitlist_place(&self, id: &ApplicationId) -> Result<u32> {
        retrying!(self, {
            let (district, existing) = {
                let mut pc = self.read_conn().await?;
                let mut c = pc.conn();
                let row = Q::new(
                    "SELECT a.district, a.status_code, w.place FROM applications a \
                     LEFT JOIN waitlist_places w ON w.application_id = a.id WHERE a.id = $1",
                )
                .text(id.as_str())
                .fetch_optional(&mut c)
                .await?
                .ok_or_else(|| application_not_found(id))?;
                if parse_status(&row.text("status_code")?)? != StatusKind::Qualified {
                    return Err(StoreError::Conflict {
                        what: format!(
                            "申请 {id} 尚未取得配售资格，不能进入轮候库 (application {id} is not qualified, so it has no waitlist place)"
                        ),
                    });
                }
                (row.text("district")?, row.opt_int("place")?)
            };
            if let Some(p) = existing {
                return to_u32(p);
            }
            let counter = format!("waitlist:{district}");
            self.ensure_counter(&counter).await?;

            let mut tx = self.begin_write().await?;
            let (place, new) = place_in_waitlist(&mut tx.conn(), id, &district, &counter).await?;
            if new {
                tx.commit().await?;
            }
            // Otherwise another process placed it first: dropping `tx` rolls
            // back our bump of the counter, so the numbering has no gap.
            Ok(place)
        })
    }

    /// Issues the next application number of `year`: `A-2026-000001`, ….
    /// Unique across processes; a number issued but not used leaves a gap.
    pub async fn next_application_id(&self, year: i32) -> Result<ApplicationId> {
        retrying!(self, {
            let counter = format!("application-id:{year}");
            self.ensure_counter(&counter).await?;
            let mut tx = self.begin_write().await?;
            let n = bump_counter(&mut tx.conn(), &counter).await?;
            tx.commit().await?;
            ApplicationId::new(format!("A-{year}-{n:06}"))
                .map_err(|e| StoreError::Corrupt(e.to_string()))
        })
    }

    /// Creates a counter at 0 if it does not exist. Its own transaction: a
    /// concurrent creator may win (unique violation), which is as good.
    pub(super) async fn ensure_counter(&self, name: &str) -> Result<()> {
        let exists = Q::new("SELECT current_value FROM counters WHERE counter_name = $1")
            .text(name)
            .fetch_optional(&mut self.read_conn().await?.conn())
            .await?
            .is_some();
        if exists {
            return Ok(());
        }
        let mut tx = self.begin_write().await?;
        match Q::new("INSERT INTO counters (counter_name, current_value) VALUES ($1, 0)")
            .text(name)
            .execute(&mut tx.conn())
            .await
        {
            Ok(_) => tx.commit().await,
            Err(e) if is_unique_violation(&e) => Ok(()),
            Err(e) => Err(e.into()),
        }
    }

    // --------------------------------------------------------------- crypto

    pub(super) fn encrypt_household(
        &self,
        id: &ApplicationId,
        household: &Value,
    ) -> Result<(Vec<u8>, Vec<u8>)> {
        let plaintext = serde_json::to_vec(household).map_err(|e| {
            StoreError::Crypto(format!(
                "家庭信息无法序列化 (household facts do not serialise): {e}"
            ))
        })?;
        self.crypto.encrypt(&plaintext, &household_aad(id.as_str()))
    }

    pub(super) fn decrypt_household(&self, id: &ApplicationId, row: &Row) -> Result<Value> {
        let plaintext = self.crypto.decrypt_version(
            row.int("key_version")?,
            &row.bytes("nonce")?,
            &row.bytes("ciphertext")?,
            &household_aad(id.as_str()),
        )?;
        serde_json::from_slice(&plaintext).map_err(|e| {
            StoreError::Corrupt(format!(
                "申请 {id} 的家庭信息不是 JSON (household facts of {id} are not JSON): {e}"
            ))
        })
    }
}

/// The members' resident IDs in household facts
/// (`contracts/household.schema.json`: `members[].id_number`).
/// The household's part of the waitlist read model: its priority facts
/// (the `special` codes, as a JSON array) and its number of members. Kept
/// on the summary row whenever the facts are written, so allotment reads
/// them without decrypting.
pub(super) fn household_projection(household: &Value) -> Result<(String, i64)> {
    let special: Vec<&str> = household
        .get("special")
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let size = household
        .get("members")
        .and_then(Value::as_array)
        .map_or(1, Vec::len);
    Ok((
        serde_json::to_string(&special).map_err(|e| StoreError::Corrupt(e.to_string()))?,
        to_i64(size as u64)?,
    ))
}

pub(super) fn member_ids_of(household: &Value) -> Vec<String> {
    household["members"]
        .as_array()
        .map(|ms| {
            ms.iter()
                .filter_map(|m| m["id_number"].as_str())
                .filter(|s| !s.trim().is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

/// Whether any of `ids` is in an active application (other than
/// `except`) under a key older than the current one. Nothing to look for
/// (and no query) unless a rotation is under way.
pub(super) async fn active_under_older_keys(
    c: &mut crate::sql::Conn<'_>,
    crypto: &Crypto,
    ids: &[&str],
    except: Option<&str>,
) -> Result<bool> {
    if !crypto.has_previous() {
        return Ok(false);
    }
    let older: BTreeSet<String> = ids
        .iter()
        .filter(|r| !r.trim().is_empty())
        .flat_map(|r| crypto.resident_id_hashes(r).into_iter().skip(1))
        .collect();
    if older.is_empty() {
        return Ok(false);
    }
    let marks = crate::sql::param_list(1, older.len());
    let mut q = Q::new(format!(
        "SELECT application_id FROM active_members WHERE id_hash IN ({})",
        marks
    ));
    for h in older {
        q = q.text(h);
    }
    let rows = q.fetch_all(c).await?;
    for r in &rows {
        if Some(r.text("application_id")?.as_str()) != except {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Binds a household ciphertext to its application.
pub(super) fn household_aad(id: &str) -> Vec<u8> {
    let mut aad = b"anju/household-facts/v1/".to_vec();
    aad.extend_from_slice(id.as_bytes());
    aad
}

pub(super) async fn insert_event(
    c: &mut crate::sql::Conn<'_>,
    event: &Event,
    body: &str,
) -> Result<()> {
    event_insert(event, body)?.execute(c).await.map_err(|e| {
        if is_unique_violation(&e) {
            stale(&event.application_id, to_i64(event.seq).unwrap_or(i64::MAX))
        } else {
            e.into()
        }
    })?;
    Ok(())
}

pub(super) fn event_insert(event: &Event, body: &str) -> Result<Q> {
    Ok(Q::new(
        "INSERT INTO application_events (application_id, seq, occurred_at, action_code, actor_user_id, body_json, body_zd) \
         VALUES ($1, $2, $3, $4, $5, '', $6)",
    )
    .text(event.application_id.as_str())
    .int(to_i64(event.seq)?)
    .text(event.at.to_rfc3339())
    .text(event.action.kind().code())
    .text(event.actor.user_id().as_str())
    .bytes(deflate(body)?))
}

/// `INSERT … VALUES ($1, $2), ($3, $4), …` pairing `id` with each hash;
/// `hash_first` puts the hash in the first column.
pub(super) fn members_insert(
    prefix: &str,
    id: &str,
    hashes: &BTreeSet<String>,
    hash_first: bool,
) -> Q {
    let rows: Vec<String> = (0..hashes.len())
        .map(|i| format!("(${}, ${})", 2 * i + 1, 2 * i + 2))
        .collect();
    let mut q = Q::new(format!("{prefix}{}", rows.join(", ")));
    for h in hashes {
        q = if hash_first {
            q.text(h).text(id)
        } else {
            q.text(id).text(h)
        };
    }
    q
}

/// Gives `id` the next place of its district's waitlist inside the
/// caller's transaction, unless it has one; returns the place and whether
/// it is new (when it is not, the counter was bumped for nothing: roll
/// back, or accept a gap).
pub(super) async fn place_in_waitlist(
    c: &mut crate::sql::Conn<'_>,
    id: &ApplicationId,
    district: &str,
    counter: &str,
) -> Result<(u32, bool)> {
    // Lock the district's counter first: whoever holds it is the only one
    // giving out places in this district.
    let place = bump_counter(c, counter).await?;
    // Under the lock, look again: another process may have placed this
    // application while we waited.
    if let Some(r) = Q::new("SELECT place FROM waitlist_places WHERE application_id = $1")
        .text(id.as_str())
        .fetch_optional(c)
        .await?
    {
        return Ok((to_u32(r.int("place")?)?, false));
    }
    Q::new("INSERT INTO waitlist_places (application_id, district, place) VALUES ($1, $2, $3)")
        .text(id.as_str())
        .text(district)
        .int(place)
        .execute(c)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Conflict {
                    what: format!(
                        "轮候序号 {district}/{place} 已被占用，请重试 (waitlist place {district}/{place} is taken; retry)"
                    ),
                }
            } else {
                e.into()
            }
        })?;
    Ok((to_u32(place)?, true))
}

/// Increments a counter and returns its new value; holds the counter's
/// row lock until the transaction ends.
pub(super) async fn bump_counter(c: &mut crate::sql::Conn<'_>, name: &str) -> Result<i64> {
    bump_counter_by(c, name, 1).await
}

/// Raises counter `name` by `k` under its row lock; returns the new value
/// (the `k` values handed out are `new - k + 1 ..= new`).
pub(super) async fn bump_counter_by(
    c: &mut crate::sql::Conn<'_>,
    name: &str,
    k: i64,
) -> Result<i64> {
    let n =
        Q::new("UPDATE counters SET current_value = current_value + $2 WHERE counter_name = $1")
            .text(name)
            .int(k)
            .execute(c)
            .await?;
    if n != 1 {
        return Err(StoreError::Corrupt(format!(
            "计数器 {name} 缺失 (counter {name} is missing)"
        )));
    }
    Q::new("SELECT current_value FROM counters WHERE counter_name = $1")
        .text(name)
        .fetch_one(c)
        .await?
        .int("current_value")
}

/// Summary columns derived from an application's state.
pub(super) struct Summary {
    pub(super) status: String,
    pub(super) owner: Option<String>,
    pub(super) updated_at: String,
    pub(super) categories: String,
    pub(super) tier: Option<i64>,
    pub(super) notice_start: Option<String>,
    pub(super) notice_end: Option<String>,
    pub(super) qualified_on: Option<String>,
    /// Where a qualified family may buy (the waitlist read model).
    pub(super) scope: Option<&'static str>,
}

impl Summary {
    pub(super) fn of(app: &Application) -> Result<Summary> {
        let mut s = Summary {
            status: status_code(app.status().kind())?,
            owner: app.owner().map(|o| o.as_str().to_owned()),
            updated_at: app.updated_at().to_rfc3339(),
            categories: "[]".to_owned(),
            tier: None,
            notice_start: None,
            notice_end: None,
            qualified_on: None,
            scope: None,
        };
        match app.status() {
            Status::OnNotice {
                decision_ref,
                notice_start,
                notice_end,
            } => {
                s.notice_start = Some(date_text(*notice_start));
                s.notice_end = Some(date_text(*notice_end));
                // The notice shows the category and round the decision gives.
                if let Some((categories, tier, _)) = app
                    .decision(*decision_ref)
                    .and_then(|d| d.decision.qualification())
                {
                    let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
                    s.categories = serde_json::to_string(&names)
                        .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                    s.tier = tier.map(|t| i64::from(t.get()));
                }
            }
            Status::Qualified {
                categories,
                tier,
                qualified_on,
                scope,
                ..
            } => {
                s.scope = Some(match scope {
                    anju_domain::Scope::City => "city",
                    anju_domain::Scope::CountySeat => "county_seat",
                });
                let names: Vec<&str> = categories.iter().map(|c| c.as_str()).collect();
                s.categories = serde_json::to_string(&names)
                    .map_err(|e| StoreError::Corrupt(e.to_string()))?;
                s.tier = tier.map(|t| i64::from(t.get()));
                s.qualified_on = Some(date_text(*qualified_on));
            }
            _ => {}
        }
        Ok(s)
    }
}

pub(super) fn summary_from_row(r: &Row) -> Result<ApplicationSummary> {
    let categories: Vec<String> = serde_json::from_str(&r.text("categories_json")?)
        .map_err(|e| StoreError::Corrupt(format!("categories_json: {e}")))?;
    Ok(ApplicationSummary {
        id: ApplicationId::new(r.text("id")?).map_err(corrupt)?,
        district: DistrictCode::parse(&r.text("district")?).map_err(corrupt)?,
        status: parse_status(&r.text("status_code")?)?,
        masked_name: r.text_or_empty("masked_name")?,
        masked_id: r.text_or_empty("masked_id")?,
        owner: r
            .opt_text("owner_user_id")?
            .map(|o| parse_user_id(&o))
            .transpose()?,
        submitted_at: parse_ts(&r.text("submitted_at")?)?,
        updated_at: parse_ts(&r.text("updated_at")?)?,
        categories,
        tier: r
            .opt_int("tier")?
            .map(|t| u8::try_from(t).map_err(|_| StoreError::Corrupt(format!("tier {t}"))))
            .transpose()?,
        notice_start: r
            .opt_text("notice_start")?
            .map(|d| parse_date(&d))
            .transpose()?,
        notice_end: r
            .opt_text("notice_end")?
            .map(|d| parse_date(&d))
            .transpose()?,
        qualified_on: r
            .opt_text("qualified_on")?
            .map(|d| parse_date(&d))
            .transpose()?,
        waitlist_place: r.opt_int("place")?.map(to_u32).transpose()?,
    })
}
