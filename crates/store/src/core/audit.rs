//! The audit chain: appending inside a caller's transaction, reading,
//! and the head.

use super::*;
use anju_domain::audit::{entry_hash_of_text, ChainCheck, EntryText};
use anju_domain::{ChainError, Hash32};

impl Audit<'_> {
    // ---------------------------------------------------------------- audit

    /// Appends an entry to the audit chain.
    pub async fn append_audit(&self, draft: AuditDraft) -> Result<AuditEntry> {
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let entry = append_audit_in(&mut tx.conn(), draft.clone()).await?;
            tx.commit().await?;
            Ok(entry)
        })
    }

    /// Entries with `seq > after_seq`, at most `limit`, ordered by seq.
    pub async fn audit_log(&self, after_seq: u64, limit: u32) -> Result<Vec<AuditEntry>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(
            "SELECT seq, occurred_at, actor_user_id, role_code, action_code, subject, detail_json, prev_hash, \
             entry_hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .int(i64::try_from(after_seq).unwrap_or(i64::MAX))
        .int(i64::from(limit))
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter().map(audit_from_row).collect()
    }

    /// Entries matching `filter`, newest first, at most `filter.limit`;
    /// page backwards with `before_seq` = the last seq shown.
    pub async fn audit_search(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>> {
        let (mut sql, args) = audit_where(
            "SELECT seq, occurred_at, actor_user_id, role_code, action_code, subject, detail_json, \
             prev_hash, entry_hash FROM audit_log",
            filter,
            true,
        );
        sql.push_str(&format!(" ORDER BY seq DESC LIMIT ${}", args.len() + 1));
        let mut q = Q::new(sql);
        for a in args {
            q = a.bind(q);
        }
        let mut pc = self.read_conn().await?;
        let rows = q
            .int(i64::from(filter.limit))
            .fetch_all(&mut pc.conn())
            .await?;
        rows.iter().map(audit_from_row).collect()
    }

    /// How many entries match `filter` in all (`before_seq` and `limit`
    /// ignored).
    pub async fn audit_count(&self, filter: &AuditFilter) -> Result<u64> {
        let (sql, args) = audit_where("SELECT COUNT(*) AS n FROM audit_log", filter, false);
        let mut q = Q::new(sql);
        for a in args {
            q = a.bind(q);
        }
        let mut pc = self.read_conn().await?;
        to_u64(q.fetch_one(&mut pc.conn()).await?.int("n")?)
    }

    /// Appends `drafts` to the chain in one transaction, in order, and
    /// returns the new head: for loading many entries at once (the audit
    /// benchmark's synthetic log). Each entry is hashed and linked exactly
    /// as [`Self::append_audit`] does; the rows go in multi-row `INSERT`s.
    pub async fn append_audit_batch(&self, drafts: Vec<AuditDraft>) -> Result<Option<ChainHead>> {
        if drafts.is_empty() {
            return self.audit_head().await;
        }
        retrying!(self, {
            let mut tx = self.begin_write().await?;
            let head = append_audit_batch_in(&mut tx.conn(), &drafts).await?;
            tx.commit().await?;
            Ok(Some(head))
        })
    }

    /// Verifies the chain from `start` (a head verified earlier; `None`:
    /// from the first entry) to its end, reading [`VERIFY_PAGE`] entries at
    /// a time by seq (keyset: `seq > last`), so memory stays flat however
    /// long the log. While one page is hashed on a blocking thread the next
    /// is read. Returns the last entry verified (`start` when nothing
    /// follows it), or the first problem, named as
    /// [`anju_domain::verify_chain_from`] and
    /// [`anju_domain::checkpoint::diagnose`] name it.
    pub async fn verify_audit_chain(
        &self,
        start: Option<ChainHead>,
    ) -> Result<std::result::Result<Option<ChainHead>, ChainError>> {
        let mut check = ChainCheck::from(start);
        let mut after = start.map_or(0, |h| h.seq);
        let mut page = self.audit_raw_page(after).await?;
        while !page.is_empty() {
            after = page.last().map_or(after, |r| r.seq);
            // The hashing starts on its own thread at once; the next page
            // is read meanwhile.
            let hashing = tokio::task::spawn_blocking(move || hash_page(page));
            let next = self.audit_raw_page(after).await;
            let checked = hashing
                .await
                .map_err(|e| StoreError::Database(e.to_string()))?;
            for r in &checked {
                if let Err(e) = check.push(r.seq, &r.prev_hash, &r.hash, r.content_ok) {
                    return Ok(Err(self.diagnose_altered(e).await?));
                }
            }
            page = next?;
        }
        Ok(Ok(check.head()))
    }

    /// One page of entries after `after`, as stored.
    async fn audit_raw_page(&self, after: u64) -> Result<Vec<RawEntry>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(
            "SELECT seq, occurred_at, actor_user_id, role_code, action_code, subject, detail_json, prev_hash, \
             entry_hash FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .int(to_i64(after)?)
        .int(VERIFY_PAGE)
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter().map(RawEntry::from_row).collect()
    }

    /// An altered entry may have been moved: if its content checks at
    /// another position of the log, say so (as `diagnose` does for a log in
    /// memory; only run on a failed check).
    async fn diagnose_altered(&self, e: ChainError) -> Result<ChainError> {
        let ChainError::Altered { seq } = e else {
            return Ok(e);
        };
        let entry = match self.audit_log(seq.saturating_sub(1), 1).await {
            Ok(page) => page.into_iter().find(|x| x.seq == seq),
            // Content that does not even parse was not moved: altered.
            Err(StoreError::Corrupt(_)) => None,
            Err(other) => return Err(other),
        };
        let Some(entry) = entry else { return Ok(e) };
        let mut pc = self.read_conn().await?;
        let last = Q::new("SELECT COALESCE(MAX(seq), 0) AS n FROM audit_log")
            .fetch_one(&mut pc.conn())
            .await?
            .int("n")?;
        let last = to_u64(last)?;
        Ok(tokio::task::spawn_blocking(move || {
            anju_domain::checkpoint::diagnose_moved(&entry, 1..=last)
        })
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?
        .unwrap_or(e))
    }

    /// The audit chain's head (last seq and hash), `None` while empty: to
    /// publish or print, and compare with `verify_chain_head` later.
    pub async fn audit_head(&self) -> Result<Option<ChainHead>> {
        let mut pc = self.read_conn().await?;
        let row = Q::new("SELECT last_seq, last_hash FROM audit_head WHERE id = 1")
            .fetch_one(&mut pc.conn())
            .await?;
        let seq = to_u64(row.int("last_seq")?)?;
        if seq == 0 {
            return Ok(None);
        }
        Ok(Some(ChainHead {
            seq,
            hash: parse_hash(&row.text("last_hash")?)?,
        }))
    }
}

/// Appends `draft` to the chain inside the caller's transaction. Must be
/// the caller's last write: it takes the audit head's lock.
pub(super) async fn append_audit_in(
    c: &mut crate::sql::Conn<'_>,
    d: AuditDraft,
) -> Result<AuditEntry> {
    let (q, text) = audit_append(c, &d)?;
    let head = q.fetch_optional(c).await.map_err(audit_append_error)?;
    audit_append_finish(c, d, &text, head.as_ref()).await
}

/// The first (on PostgreSQL, the only) statement of appending `d`, and
/// the draft's stored forms: run the statement on its own or as the last
/// part of a [`crate::sql::Script`], then hand its row and the forms to
/// [`audit_append_finish`].
///
/// * PostgreSQL: the whole append in one statement. The head's `UPDATE`
///   takes the next seq and the head's row lock, and finishes the entry's
///   hash where the previous hash is, as `sha256(lead || prev || seq ||
///   tail)` with the bytes before and after prepared here
///   ([`anju_domain::audit::entry_hash_tail`]); the entry is inserted from
///   its `RETURNING`. Every write of a process queues for its one writer
///   connection, so each round trip saved there is throughput
///   (issue 11 item 8): this was three.
/// * SQLite: [`audit_head_bump`]; the finish writes the entry. (SQLite has
///   no SHA-256 function, and its round trips are between threads.)
pub(super) fn audit_append(c: &crate::sql::Conn<'_>, d: &AuditDraft) -> Result<(Q, Drafted)> {
    let text = Drafted::of(d)?;
    let q = match c {
        crate::sql::Conn::Sqlite(_) => audit_head_bump(),
        crate::sql::Conn::Pg(_) => Q::new(
                "WITH audit_bumped AS (UPDATE audit_head SET last_seq = last_seq + 1, prev_hash = last_hash, \
                 last_hash = encode(sha256($1 || decode(last_hash, 'hex') || \
                 decode(lpad(to_hex(last_seq + 1), 16, '0'), 'hex') || $2), 'hex') \
                 WHERE id = 1 RETURNING last_seq, prev_hash, last_hash) \
                 INSERT INTO audit_log (seq, occurred_at, actor_user_id, role_code, action_code, subject, \
                 detail_json, prev_hash, entry_hash) \
                 SELECT last_seq, $3, $4, $5, $6, $7, $8, prev_hash, last_hash FROM audit_bumped \
                 RETURNING seq, prev_hash, entry_hash",
            )
        .bytes(anju_domain::audit::ENTRY_HASH_LEAD.to_vec())
        .bytes(anju_domain::audit::entry_hash_tail(&text.entry_text(d)))
        .text(&text.at)
        .text(d.actor_user_id.as_str())
        .text(&text.role)
        .text(&d.action)
        .text(&d.subject)
        .text(&text.detail),
    };
    Ok((q, text))
}

/// Completes [`audit_append`] given the row its statement returned
/// (`None`: the head row is missing).
pub(super) async fn audit_append_finish(
    c: &mut crate::sql::Conn<'_>,
    d: AuditDraft,
    text: &Drafted,
    row: Option<&crate::sql::Row>,
) -> Result<AuditEntry> {
    match c {
        crate::sql::Conn::Sqlite(_) => append_audit_after_bump(c, d, text, row).await,
        crate::sql::Conn::Pg(_) => {
            let row = row.ok_or_else(head_missing)?;
            let seq = to_u64(row.int("seq")?)?;
            let prev_hash = parse_hash(&row.text("prev_hash")?)?;
            let hash = parse_hash(&row.text("entry_hash")?)?;
            // The database finished the hash; the chain's own definition
            // must agree, or the entry is not written (the transaction
            // fails with it).
            if entry_hash_of_text(&prev_hash, seq, &text.entry_text(&d)) != hash {
                return Err(StoreError::Corrupt(format!(
                    "审计记录 {seq} 的散列与链的定义不符 (audit entry {seq}: the database's hash differs from the chain's)"
                )));
            }
            Ok(entry_of(d, seq, prev_hash, hash))
        }
    }
}

/// A draft's stored forms: the timestamp and the canonical detail, exactly
/// the bytes that are hashed.
pub(super) struct Drafted {
    at: String,
    role: String,
    detail: String,
}

impl Drafted {
    fn of(d: &AuditDraft) -> Result<Drafted> {
        let detail = String::from_utf8(canonical_json(&d.detail))
            .map_err(|_| StoreError::Corrupt("canonical JSON is not UTF-8".to_owned()))?;
        Ok(Drafted {
            at: d.at.to_rfc3339(),
            role: d.role.code(),
            detail,
        })
    }

    fn entry_text<'a>(&'a self, d: &'a AuditDraft) -> EntryText<'a> {
        EntryText {
            at: &self.at,
            actor_user_id: d.actor_user_id.as_str(),
            role: &self.role,
            action: &d.action,
            subject: &d.subject,
            detail: self.detail.as_bytes(),
        }
    }
}

/// An append's failure: an existing seq means the head and the log
/// disagree.
pub(super) fn audit_append_error(e: sqlx::Error) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::Corrupt(format!(
            "审计记录已存在，审计链头与日志不一致 (an audit entry with the head's next seq exists: the head and the log disagree): {e}"
        ))
    } else {
        e.into()
    }
}

fn head_missing() -> StoreError {
    StoreError::Corrupt("审计链头记录缺失 (the audit head row is missing)".to_owned())
}

/// Takes the next audit sequence number and reads the head's hash.
/// UPDATE … RETURNING takes the head's row lock and reads it in one
/// statement (PostgreSQL, SQLite ≥ 3.35, KingbaseES and openGauss all have
/// it).
fn audit_head_bump() -> Q {
    Q::new(
        "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, last_hash",
    )
}

/// Writes the audit entry for `d` after [`audit_head_bump`] returned `head`
/// in the same transaction.
async fn append_audit_after_bump(
    c: &mut crate::sql::Conn<'_>,
    d: AuditDraft,
    text: &Drafted,
    head: Option<&crate::sql::Row>,
) -> Result<AuditEntry> {
    let head = head.ok_or_else(head_missing)?;
    let seq = to_u64(head.int("last_seq")?)?;
    let prev_hash = parse_hash(&head.text("last_hash")?)?;
    let hash = entry_hash_of_text(&prev_hash, seq, &text.entry_text(&d));
    Q::new(
        "INSERT INTO audit_log (seq, occurred_at, actor_user_id, role_code, action_code, subject, detail_json, \
         prev_hash, entry_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .int(to_i64(seq)?)
    .text(&text.at)
    .text(d.actor_user_id.as_str())
    .text(&text.role)
    .text(&d.action)
    .text(&d.subject)
    .text(&text.detail)
    .text(to_hex(&prev_hash))
    .text(to_hex(&hash))
    .execute(c)
    .await
    .map_err(audit_append_error)?;
    Q::new("UPDATE audit_head SET prev_hash = last_hash, last_hash = $1 WHERE id = 1")
        .text(to_hex(&hash))
        .execute(c)
        .await?;
    Ok(entry_of(d, seq, prev_hash, hash))
}

fn entry_of(d: AuditDraft, seq: u64, prev_hash: Hash32, hash: Hash32) -> AuditEntry {
    AuditEntry {
        seq,
        at: d.at,
        actor_user_id: d.actor_user_id,
        role: d.role,
        action: d.action,
        subject: d.subject,
        detail: d.detail,
        prev_hash,
        hash,
    }
}

pub(crate) fn audit_from_row(r: &Row) -> Result<AuditEntry> {
    Ok(AuditEntry {
        seq: to_u64(r.int("seq")?)?,
        at: parse_ts(&r.text("occurred_at")?)?,
        actor_user_id: parse_user_id(&r.text("actor_user_id")?)?,
        role: Role::parse(&r.text("role_code")?).map_err(corrupt)?,
        action: r.text_or_empty("action_code")?,
        subject: r.text_or_empty("subject")?,
        detail: serde_json::from_str(&r.text("detail_json")?)
            .map_err(|e| StoreError::Corrupt(format!("audit detail_json: {e}")))?,
        prev_hash: parse_hash(&r.text("prev_hash")?)?,
        hash: parse_hash(&r.text("entry_hash")?)?,
    })
}

/// A parameter of an audit query.
enum Arg {
    Text(String),
    Int(i64),
}

impl Arg {
    fn bind(self, q: Q) -> Q {
        match self {
            Arg::Text(t) => q.text(t),
            Arg::Int(i) => q.int(i),
        }
    }
}

/// `select` with the filter's conditions (parameters `$1…` in order).
fn audit_where(select: &str, f: &AuditFilter, page: bool) -> (String, Vec<Arg>) {
    let mut conds: Vec<String> = Vec::new();
    let mut args: Vec<Arg> = Vec::new();
    let mut push = |cond: &str, a: Arg| {
        args.push(a);
        conds.push(cond.replace('?', &format!("${}", args.len())));
    };
    if let Some(a) = &f.actor {
        push("actor_user_id = ?", Arg::Text(a.as_str().to_owned()));
    }
    if let Some(a) = &f.action {
        push("action_code = ?", Arg::Text(a.clone()));
    }
    if let Some(s) = &f.subject {
        push("subject = ?", Arg::Text(s.clone()));
    }
    // Times are stored as `YYYY-MM-DDTHH:MM:SS.ffffff+08:00` (always
    // +08:00), so a day's entries sort between its date and the next's.
    if let Some(d) = f.from {
        push("occurred_at >= ?", Arg::Text(d.to_string()));
    }
    if let Some(d) = f.to.and_then(|d| d.succ_opt()) {
        push("occurred_at < ?", Arg::Text(d.to_string()));
    }
    if let (true, Some(b)) = (page, f.before_seq) {
        push("seq < ?", Arg::Int(i64::try_from(b).unwrap_or(i64::MAX)));
    }
    let mut sql = select.to_owned();
    if !conds.is_empty() {
        sql.push_str(" WHERE ");
        sql.push_str(&conds.join(" AND "));
    }
    (sql, args)
}

/// Entries read per page by [`Audit::verify_audit_chain`]: large enough
/// that a round trip is small beside the hashing, small enough that two
/// pages (one hashed, one read) stay a few megabytes.
pub const VERIFY_PAGE: i64 = 20_000;

/// An entry as stored, for checking its hash without parsing it.
struct RawEntry {
    seq: u64,
    at: String,
    actor: String,
    role: String,
    action: String,
    subject: String,
    detail: String,
    /// `None`: not 64 hex digits (then the entry cannot match its hash).
    prev_hash: Option<Hash32>,
    hash: Option<Hash32>,
}

impl RawEntry {
    fn from_row(r: &Row) -> Result<RawEntry> {
        Ok(RawEntry {
            seq: to_u64(r.int("seq")?)?,
            at: r.text("occurred_at")?,
            actor: r.text("actor_user_id")?,
            role: r.text("role_code")?,
            action: r.text_or_empty("action_code")?,
            subject: r.text_or_empty("subject")?,
            detail: r.text("detail_json")?,
            prev_hash: from_hex(&r.text("prev_hash")?),
            hash: from_hex(&r.text("entry_hash")?),
        })
    }

    /// The entry parsed (the slow way, for an entry whose stored text does
    /// not hash to its stored hash).
    fn parse(&self, prev_hash: Hash32, hash: Hash32) -> Result<AuditEntry> {
        Ok(AuditEntry {
            seq: self.seq,
            at: parse_ts(&self.at)?,
            actor_user_id: parse_user_id(&self.actor)?,
            role: Role::parse(&self.role).map_err(corrupt)?,
            action: self.action.clone(),
            subject: self.subject.clone(),
            detail: serde_json::from_str(&self.detail)
                .map_err(|e| StoreError::Corrupt(format!("audit detail_json: {e}")))?,
            prev_hash,
            hash,
        })
    }
}

/// An entry after its content was hashed.
struct Checked {
    seq: u64,
    prev_hash: Hash32,
    hash: Hash32,
    content_ok: bool,
}

/// Hashes each entry of a page. The stored text is what was hashed when
/// the entry was written (the timestamp as printed, the canonical detail),
/// so it is hashed as it is; only when that does not match is the entry
/// parsed and its canonical form hashed, so an entry stored in an
/// equivalent form (e.g. by another tool) is judged exactly as
/// `AuditEntry::computed_hash` judges it.
fn hash_page(page: Vec<RawEntry>) -> Vec<Checked> {
    page.into_iter()
        .map(|e| {
            let (Some(prev_hash), Some(hash)) = (e.prev_hash, e.hash) else {
                return Checked {
                    seq: e.seq,
                    prev_hash: e.prev_hash.unwrap_or_default(),
                    hash: e.hash.unwrap_or_default(),
                    content_ok: false,
                };
            };
            let text = EntryText {
                at: &e.at,
                actor_user_id: &e.actor,
                role: &e.role,
                action: &e.action,
                subject: &e.subject,
                detail: e.detail.as_bytes(),
            };
            let content_ok = entry_hash_of_text(&prev_hash, e.seq, &text) == hash
                || e.parse(prev_hash, hash)
                    .is_ok_and(|p| p.computed_hash() == hash);
            Checked {
                seq: e.seq,
                prev_hash,
                hash,
                content_ok,
            }
        })
        .collect()
}

/// Rows per multi-row `INSERT` of [`append_audit_batch_in`]: 9 parameters
/// each, under SQLite's 32,766 and PostgreSQL's 65,535.
const INSERT_ROWS: usize = 1000;

/// Appends `drafts` inside the caller's transaction (its last write, as
/// [`append_audit_in`]): takes `drafts.len()` seqs from the head at once.
async fn append_audit_batch_in(
    c: &mut crate::sql::Conn<'_>,
    drafts: &[AuditDraft],
) -> Result<ChainHead> {
    let n = to_i64(drafts.len() as u64)?;
    let head = Q::new(
        "UPDATE audit_head SET last_seq = last_seq + $1 WHERE id = 1 RETURNING last_seq, last_hash, prev_hash",
    )
    .int(n)
    .fetch_optional(c)
    .await?
    .ok_or_else(|| {
        StoreError::Corrupt("审计链头记录缺失 (the audit head row is missing)".to_owned())
    })?;
    let last = to_u64(head.int("last_seq")?)?;
    let mut prev = ChainHead {
        seq: last - drafts.len() as u64,
        hash: parse_hash(&head.text("last_hash")?)?,
    };
    // The head's prev_hash: the hash of the entry before the last one.
    let mut before_last = parse_hash(&head.text("prev_hash")?)?;
    for chunk in drafts.chunks(INSERT_ROWS) {
        let sql = format!(
            "INSERT INTO audit_log (seq, occurred_at, actor_user_id, role_code, action_code, subject, \
             detail_json, prev_hash, entry_hash) VALUES {}",
            crate::sql::values_rows(c, chunk.len(), 9)
        );
        let mut q = Q::new("");
        for d in chunk {
            let seq = prev.seq + 1;
            let canonical = canonical_json(&d.detail);
            let hash = entry_hash(
                &prev.hash,
                seq,
                d.at,
                &d.actor_user_id,
                d.role,
                &d.action,
                &d.subject,
                &canonical,
            );
            let detail = String::from_utf8(canonical)
                .map_err(|_| StoreError::Corrupt("canonical JSON is not UTF-8".to_owned()))?;
            q = q
                .int(to_i64(seq)?)
                .text(d.at.to_rfc3339())
                .text(d.actor_user_id.as_str())
                .text(d.role.code())
                .text(&d.action)
                .text(&d.subject)
                .text(detail)
                .text(to_hex(&prev.hash))
                .text(to_hex(&hash));
            before_last = prev.hash;
            prev = ChainHead { seq, hash };
        }
        q.with_sql(sql).execute(c).await?;
    }
    Q::new("UPDATE audit_head SET prev_hash = $1, last_hash = $2 WHERE id = 1")
        .text(to_hex(&before_last))
        .text(to_hex(&prev.hash))
        .execute(c)
        .await?;
    Ok(prev)
}
