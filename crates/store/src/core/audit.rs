//! The audit chain: appending inside a caller's transaction, reading,
//! and the head.

use super::*;

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
    let head = audit_head_bump().fetch_optional(c).await?;
    append_audit_after_bump(c, d, head.as_ref()).await
}

/// Takes the next audit sequence number and reads the head's hash.
/// UPDATE … RETURNING takes the head's row lock and reads it in one
/// statement (PostgreSQL, SQLite ≥ 3.35, KingbaseES and openGauss all have
/// it).
pub(super) fn audit_head_bump() -> Q {
    Q::new(
        "UPDATE audit_head SET last_seq = last_seq + 1 WHERE id = 1 RETURNING last_seq, last_hash",
    )
}

/// Writes the audit entry for `d` after [`audit_head_bump`] returned `head`
/// in the same transaction.
pub(super) async fn append_audit_after_bump(
    c: &mut crate::sql::Conn<'_>,
    d: AuditDraft,
    head: Option<&crate::sql::Row>,
) -> Result<AuditEntry> {
    let head = head.ok_or_else(|| {
        StoreError::Corrupt("审计链头记录缺失 (the audit head row is missing)".to_owned())
    })?;
    let seq = to_u64(head.int("last_seq")?)?;
    let prev_hash = parse_hash(&head.text("last_hash")?)?;
    let canonical = canonical_json(&d.detail);
    let hash = entry_hash(
        &prev_hash,
        seq,
        d.at,
        &d.actor_user_id,
        d.role,
        &d.action,
        &d.subject,
        &canonical,
    );
    let detail_text = String::from_utf8(canonical)
        .map_err(|_| StoreError::Corrupt("canonical JSON is not UTF-8".to_owned()))?;
    Q::new(
        "INSERT INTO audit_log (seq, occurred_at, actor_user_id, role_code, action_code, subject, detail_json, \
         prev_hash, entry_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .int(to_i64(seq)?)
    .text(d.at.to_rfc3339())
    .text(d.actor_user_id.as_str())
    .text(d.role.code())
    .text(&d.action)
    .text(&d.subject)
    .text(detail_text)
    .text(to_hex(&prev_hash))
    .text(to_hex(&hash))
    .execute(c)
    .await
    .map_err(|e| {
        if is_unique_violation(&e) {
            StoreError::Corrupt(format!(
                "审计记录 {seq} 已存在，审计链头与日志不一致 (audit entry {seq} exists: the head and the log disagree)"
            ))
        } else {
            e.into()
        }
    })?;
    Q::new("UPDATE audit_head SET last_hash = $1 WHERE id = 1")
        .text(to_hex(&hash))
        .execute(c)
        .await?;
    Ok(AuditEntry {
        seq,
        at: d.at,
        actor_user_id: d.actor_user_id,
        role: d.role,
        action: d.action,
        subject: d.subject,
        detail: d.detail,
        prev_hash,
        hash,
    })
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
