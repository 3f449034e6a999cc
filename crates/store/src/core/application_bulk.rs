//! Bulk writes of whole applications: the synthetic city (`anju seed`,
//! issue 11 item 2). Each application is written exactly as the one-by-one
//! path writes it — its events, its household facts encrypted with the
//! current key, its members' keyed hashes (and the active index), its
//! summary with the waitlist read model, its waitlist place — but hundreds
//! to a statement, and each batch with one audit entry that names it.

use super::application_figures::add_to_count;
use super::applications::{bump_counter_by, household_projection, Summary};
use super::audit::append_audit_in;
use super::event_bodies::deflate;
use std::collections::BTreeMap;

use super::*;
use crate::sql::values_rows;

/// One application to write whole: its final state, every event that led
/// there (in order, from seq 1), its household facts and its members'
/// resident IDs (plain; hashed here), and the masked name and ID of lists.
#[derive(Debug, Clone)]
pub struct BulkApplication {
    /// The state the events fold to.
    pub app: Application,
    /// Every event, seq 1 first.
    pub events: Vec<Event>,
    /// The household facts (encrypted when written).
    pub household: Value,
    /// Members' resident IDs (only their keyed hashes are written).
    pub member_ids: Vec<String>,
    /// The main applicant's masked name, as lists show it.
    pub masked_name: String,
    /// The main applicant's masked resident ID.
    pub masked_id: String,
}

/// Rows per multi-row statement, by table (SQLite takes at most 32,766
/// parameters per statement).
const APPS_PER_STATEMENT: usize = 500;
const EVENTS_PER_STATEMENT: usize = 2_000;
const PAIRS_PER_STATEMENT: usize = 5_000;

impl Applications<'_> {
    /// Writes `batch` in ONE transaction with one audit entry (`audit`,
    /// whose detail should say how many and which). Every application is
    /// checked as the single path checks it (events consistent with the
    /// state, seq from 1); waitlist places are taken from each district's
    /// counter under its lock, in batch order. A member already in another
    /// active application fails the whole batch (`DuplicateMember`).
    pub async fn bulk_create_applications(
        &self,
        batch: &[BulkApplication],
        audit: AuditDraft,
    ) -> Result<()> {
        if batch.is_empty() {
            return Ok(());
        }
        for b in batch {
            let last = b.events.last();
            if b.events.first().map(|e| e.seq) != Some(1)
                || last.map(|e| e.seq) != Some(b.app.version())
                || last.map(|e| e.status_after) != Some(b.app.status().kind())
                || b.events.iter().any(|e| &e.application_id != b.app.id())
            {
                return Err(mismatch(b.app.id()));
            }
        }
        // Everything that does not need the database, before the transaction.
        let mut app_rows = Vec::with_capacity(batch.len());
        let mut event_rows: Vec<(&Event, Vec<u8>)> = Vec::new();
        let mut facts = Vec::with_capacity(batch.len());
        let mut members: Vec<(String, String)> = Vec::new();
        let mut active: Vec<(String, String)> = Vec::new();
        let mut qualified: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
        // The counts read model: how many this batch adds per district and
        // state, in key order (see `application_figures`).
        let mut counts: BTreeMap<(&str, String), i64> = BTreeMap::new();
        for b in batch {
            let s = Summary::of(&b.app)?;
            *counts
                .entry((b.app.district().as_str(), s.status.clone()))
                .or_default() += 1;
            let projection = household_projection(&b.household)?;
            app_rows.push((b, s, projection));
            for e in &b.events {
                event_rows.push((e, deflate(&to_json(e)?)?));
            }
            let (nonce, ciphertext) = self.encrypt_household(b.app.id(), &b.household)?;
            facts.push((
                b.app.id().as_str(),
                nonce,
                ciphertext,
                b.events[0].at.to_rfc3339(),
            ));
            let hashes: BTreeSet<String> = b
                .member_ids
                .iter()
                .filter(|m| !m.trim().is_empty())
                .map(|m| self.crypto.resident_id_hash(m))
                .collect();
            let is_active = b.app.status().kind().is_active();
            for h in hashes {
                if is_active {
                    active.push((h.clone(), b.app.id().as_str().to_owned()));
                }
                members.push((b.app.id().as_str().to_owned(), h));
            }
            if b.app.status().kind() == StatusKind::Qualified {
                qualified
                    .entry(b.app.district().as_str())
                    .or_default()
                    .push(b.app.id().as_str());
            }
        }
        // A fixed order of index inserts: two bulk writers cannot deadlock.
        active.sort();
        for d in qualified.keys() {
            self.ensure_counter(&format!("waitlist:{d}")).await?;
        }

        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let mut c = tx.conn();
            for chunk in app_rows.chunks(APPS_PER_STATEMENT) {
                let mut q = Q::new(format!(
                    "INSERT INTO applications (id, district, status_code, owner_user_id, household_ref, masked_name, \
                     masked_id, last_seq, submitted_at, updated_at, categories_json, tier, notice_start, notice_end, \
                     qualified_on, scope_code, priority_facts, household_size) VALUES {}",
                    values_rows(&c, chunk.len(), 18)
                ));
                for (b, s, (special, size)) in chunk {
                    q = q
                        .text(b.app.id().as_str())
                        .text(b.app.district().as_str())
                        .text(&s.status)
                        .opt_text(s.owner.clone())
                        .text(b.app.household_id().as_str())
                        .text(&b.masked_name)
                        .text(&b.masked_id)
                        .int(to_i64(b.app.version())?)
                        .text(b.app.submitted_at().to_rfc3339())
                        .text(&s.updated_at)
                        .text(&s.categories)
                        .opt_int(s.tier)
                        .opt_text(s.notice_start.clone())
                        .opt_text(s.notice_end.clone())
                        .opt_text(s.qualified_on.clone())
                        .opt_text(s.scope)
                        .text(special)
                        .int(*size);
                }
                q.execute(&mut c).await?;
            }
            for chunk in event_rows.chunks(EVENTS_PER_STATEMENT) {
                let mut q = Q::new(format!(
                    "INSERT INTO application_events (application_id, seq, occurred_at, action_code, actor_user_id, body_json, body_zd) VALUES {}",
                    values_rows(&c, chunk.len(), 7)
                ));
                for (e, body) in chunk {
                    q = q
                        .text(e.application_id.as_str())
                        .int(to_i64(e.seq)?)
                        .text(e.at.to_rfc3339())
                        .text(e.action.kind().code())
                        .text(e.actor.user_id().as_str())
                        .text("")
                        .bytes(body.clone());
                }
                q.execute(&mut c).await?;
            }
            for chunk in facts.chunks(APPS_PER_STATEMENT) {
                let mut q = Q::new(format!(
                    "INSERT INTO household_facts (application_id, key_version, nonce, ciphertext, updated_at) VALUES {}",
                    values_rows(&c, chunk.len(), 5)
                ));
                for (id, nonce, ciphertext, at) in chunk {
                    q = q
                        .text(*id)
                        .int(self.crypto.key_id())
                        .bytes(nonce.clone())
                        .bytes(ciphertext.clone())
                        .text(at);
                }
                q.execute(&mut c).await?;
            }
            for chunk in members.chunks(PAIRS_PER_STATEMENT) {
                let mut q = Q::new(format!(
                    "INSERT INTO application_members (application_id, id_hash) VALUES {}",
                    values_rows(&c, chunk.len(), 2)
                ));
                for (id, h) in chunk {
                    q = q.text(id).text(h);
                }
                q.execute(&mut c).await?;
            }
            for chunk in active.chunks(PAIRS_PER_STATEMENT) {
                let mut q = Q::new(format!(
                    "INSERT INTO active_members (id_hash, application_id) VALUES {}",
                    values_rows(&c, chunk.len(), 2)
                ));
                for (h, id) in chunk {
                    q = q.text(h).text(id);
                }
                q.execute(&mut c).await.map_err(duplicate_member)?;
            }
            for (district, ids) in &qualified {
                let k = to_i64(ids.len() as u64)?;
                let last = bump_counter_by(&mut c, &format!("waitlist:{district}"), k).await?;
                for (j, chunk) in ids.chunks(PAIRS_PER_STATEMENT / 2).enumerate() {
                    let mut q = Q::new(format!(
                        "INSERT INTO waitlist_places (application_id, district, place) VALUES {}",
                        values_rows(&c, chunk.len(), 3)
                    ));
                    let first = last - k + 1 + to_i64((j * (PAIRS_PER_STATEMENT / 2)) as u64)?;
                    for (i, id) in chunk.iter().enumerate() {
                        q = q.text(*id).text(*district).int(first + to_i64(i as u64)?);
                    }
                    q.execute(&mut c).await?;
                }
            }
            for ((district, status), k) in &counts {
                add_to_count(&mut c, district, status, *k).await?;
            }
            append_audit_in(&mut c, audit.clone()).await?;
            tx.commit().await
        })
    }
}
