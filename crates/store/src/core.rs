//! Every store operation, written once for both backends.
//!
//! # Concurrency
//!
//! Several anju processes may share one database, so every invariant is
//! kept by the database, not by memory:
//!
//! * **Audit chain.** `audit_head` holds the last seq and hash in one row.
//!   A transaction that audits first does all its other work, then
//!   `UPDATE audit_head SET last_seq = last_seq + 1` (taking the row's lock
//!   until commit), reads the new seq and the previous hash, inserts the
//!   entry and stores its hash. Appends are therefore serialised across
//!   processes and form one chain; the primary key on `audit_log.seq` is the
//!   last defence. The head is always the *last* lock a transaction takes,
//!   so it cannot take part in a deadlock, and it is held only for the two
//!   statements and the commit.
//! * **Waitlist places and application numbers.** A row in `counters`
//!   per district (`waitlist:<code>`) or year; `UPDATE … + 1` locks it, and
//!   the new place commits together with the counter, so places are unique
//!   and gap-free; `UNIQUE (district, place)` is the last defence.
//! * **Applications.** `applications.last_seq` is the version: an append
//!   updates the row `WHERE last_seq = <event seq − 1>`, so of two concurrent
//!   appends one gets [`StoreError::Conflict`]; the events' primary key
//!   `(application_id, seq)` is the last defence.
//! * **One active application per resident ID.** `active_members` has the
//!   keyed hash as its primary key; hashes are inserted in sorted order so
//!   that two submissions sharing members cannot deadlock.
//!
//! Row locks taken by `UPDATE` work the same on PostgreSQL, KingbaseES,
//! openGauss and distributed PostgreSQL-compatible engines, which is why
//! no advisory lock is used. On SQLite, write transactions begin with
//! `BEGIN IMMEDIATE` (one writer at a time, others wait up to the busy
//! timeout), which gives the same guarantees across processes.
//!
//! On SQLite the writes of one process are *group committed*
//! ([`crate::group`]): the writes queued behind the process's writer
//! connection share one `BEGIN IMMEDIATE` transaction, each in its own
//! savepoint, and each write's `commit()` returns only after the shared
//! `COMMIT` succeeded. A write that fails is rolled back to its savepoint
//! and takes nothing else with it; the writes of a group run one after
//! another, so every invariant above holds as if each had its own
//! transaction. Methods here still just call `begin_write()` and
//! `tx.commit()`.

pub(crate) mod allot;

use std::collections::BTreeSet;

use anju_domain::audit::{from_hex, to_hex};
use anju_domain::{
    canonical_json, entry_hash, Application, ApplicationId, AuditEntry, ChainHead, Department,
    DistrictCode, Event, Role, Status, StatusKind, Timestamp, UserId,
};
use chrono::NaiveDate;
use serde_json::Value;
use sqlx::postgres::PgPool;
use sqlx::sqlite::SqlitePool;

use crate::crypto::{random_hex, Crypto};
use crate::group::GroupWriter;
use crate::sql::{is_unique_violation, PoolConn, Row, Script, Tx, Q};
use crate::{
    ApplicationSummary, AuditDraft, ListFilter, NewUser, Result, SessionRecord, StoreError,
    StoredApplication, UserRecord,
};

/// The version of the household-facts key derivation, stored per row so a
/// later key rotation can tell old rows from new.
const KEY_VERSION: i64 = 1;

#[derive(Clone)]
pub(crate) enum Backend {
    /// `write` has one connection, which `writer` holds while a group is
    /// open: writers of this process queue there (in order) instead of
    /// spinning on SQLite's busy handler, and those that queued together
    /// share one transaction (group commit); other processes are kept out
    /// by `BEGIN IMMEDIATE`. `read` has several (WAL readers
    /// do not block the writer). For an in-memory database both are the
    /// same one-connection pool.
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        /// Group commit on `write`'s connection.
        writer: GroupWriter,
    },
    Pg(PgPool),
}

/// The store's one implementation, shared by both backends. Outside this
/// crate (as [`crate::StoreCore`], through `AnyStore::allotment()`) only
/// its `allot_*` operations are visible.
#[derive(Clone)]
pub struct Core {
    backend: Backend,
    crypto: Crypto,
}

impl std::fmt::Debug for Core {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let backend = match &self.backend {
            Backend::Sqlite { .. } => "sqlite",
            Backend::Pg(_) => "postgres",
        };
        f.debug_struct("Core")
            .field("backend", &backend)
            .finish_non_exhaustive()
    }
}

const USER_COLS: &str =
    "id, username, display_name, role_code, district, password_hash, failed_logins, locked_until, created_at";

const SUMMARY_SELECT: &str = "SELECT a.id, a.district, a.status_code, a.masked_name, a.masked_id, \
     a.owner_user_id, a.submitted_at, a.updated_at, a.categories_json, a.tier, a.notice_start, a.notice_end, \
     a.qualified_on, w.place FROM applications a LEFT JOIN waitlist_places w ON w.application_id = a.id";

impl Core {
    pub(crate) fn new(backend: Backend, crypto: Crypto) -> Core {
        Core { backend, crypto }
    }

    #[cfg(test)]
    pub(crate) fn backend(&self) -> &Backend {
        &self.backend
    }

    pub(crate) async fn close(&self) {
        match &self.backend {
            Backend::Sqlite {
                read,
                write,
                writer,
            } => {
                writer.close().await;
                read.close().await;
                write.close().await;
            }
            Backend::Pg(pool) => pool.close().await,
        }
    }

    /// A transaction that will write.
    async fn begin_write(&self) -> Result<Tx> {
        Ok(match &self.backend {
            Backend::Sqlite { writer, .. } => Tx::SqliteGroup(writer.begin().await?),
            Backend::Pg(pool) => Tx::Pg(pool.begin().await?),
        })
    }

    /// A read-only transaction with one snapshot for all its statements.
    async fn begin_read(&self) -> Result<Tx> {
        Ok(match &self.backend {
            // Deferred: the snapshot is taken at the first read.
            Backend::Sqlite { read, .. } => Tx::Sqlite(read.begin().await?),
            Backend::Pg(pool) => Tx::Pg(
                pool.begin_with("START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                    .await?,
            ),
        })
    }

    /// A connection for single-statement reads.
    async fn read_conn(&self) -> Result<PoolConn> {
        Ok(match &self.backend {
            Backend::Sqlite { read, .. } => PoolConn::Sqlite(read.acquire().await?),
            Backend::Pg(pool) => PoolConn::Pg(pool.acquire().await?),
        })
    }

    // ---------------------------------------------------------------- users

    pub(crate) async fn create_user(&self, user: NewUser, audit: AuditDraft) -> Result<UserRecord> {
        let id = UserId::new(format!("u-{}", random_hex(16)))
            .map_err(|e| StoreError::Corrupt(e.to_string()))?;
        // The store keeps no clock: the account is created when its audit
        // entry says.
        let created_at = audit.at;
        let mut tx = self.begin_write().await?;
        let mut c = tx.conn();
        Q::new(
            "INSERT INTO users (id, username, display_name, role_code, district, password_hash, failed_logins, \
             locked_until, created_at) VALUES ($1, $2, $3, $4, $5, $6, 0, NULL, $7)",
        )
        .text(id.as_str())
        .text(&user.username)
        .text(&user.display_name)
        .text(user.role.code())
        .opt_text(user.district.map(|d| d.as_str().to_owned()))
        .text(&user.password_hash)
        .text(created_at.to_rfc3339())
        .execute(&mut c)
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Duplicate {
                    what: format!(
                        "用户名 {} 已被使用 (user name {} is taken)",
                        user.username, user.username
                    ),
                }
            } else {
                e.into()
            }
        })?;
        append_audit_in(&mut c, audit).await?;
        tx.commit().await?;
        Ok(UserRecord {
            id,
            username: user.username,
            display_name: user.display_name,
            role: user.role,
            district: user.district,
            password_hash: user.password_hash,
            failed_logins: 0,
            locked_until: None,
            created_at,
        })
    }

    pub(crate) async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
        let mut pc = self.read_conn().await?;
        let row = Q::new(format!("SELECT {USER_COLS} FROM users WHERE username = $1"))
            .text(username)
            .fetch_optional(&mut pc.conn())
            .await?;
        row.map(|r| user_from_row(&r, "")).transpose()
    }

    pub(crate) async fn user(&self, id: &UserId) -> Result<Option<UserRecord>> {
        let mut pc = self.read_conn().await?;
        let row = Q::new(format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .text(id.as_str())
            .fetch_optional(&mut pc.conn())
            .await?;
        row.map(|r| user_from_row(&r, "")).transpose()
    }

    pub(crate) async fn list_users(&self) -> Result<Vec<UserRecord>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(format!(
            "SELECT {USER_COLS} FROM users ORDER BY username, id"
        ))
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter().map(|r| user_from_row(r, "")).collect()
    }

    pub(crate) async fn set_password(
        &self,
        id: &UserId,
        password_hash: &str,
        audit: AuditDraft,
    ) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let mut c = tx.conn();
        let n = Q::new("UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL WHERE id = $1")
            .text(id.as_str())
            .text(password_hash)
            .execute(&mut c)
            .await?;
        if n == 0 {
            return Err(user_not_found(id));
        }
        append_audit_in(&mut c, audit).await?;
        tx.commit().await
    }

    /// One statement, so that concurrent failures from several processes
    /// are all counted (the row lock serialises them). Reaching `lock_after`
    /// sets `locked_until` and starts the count again from 0.
    pub(crate) async fn record_login_failure(
        &self,
        id: &UserId,
        at: Timestamp,
        lock_after: u32,
        lock_for: chrono::Duration,
    ) -> Result<UserRecord> {
        let until = at
            .to_utc()
            .checked_add_signed(lock_for)
            .map(|t| Timestamp::from_datetime(&t))
            .ok_or_else(|| StoreError::Conflict {
                what: "锁定时长超出范围 (lock duration out of range)".to_owned(),
            })?;
        let mut tx = self.begin_write().await?;
        let mut c = tx.conn();
        let n = Q::new(
            "UPDATE users SET \
             locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END, \
             failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END \
             WHERE id = $1",
        )
        .text(id.as_str())
        .int(i64::from(lock_after))
        .text(until.to_rfc3339())
        .execute(&mut c)
        .await?;
        if n == 0 {
            return Err(user_not_found(id));
        }
        let row = Q::new(format!("SELECT {USER_COLS} FROM users WHERE id = $1"))
            .text(id.as_str())
            .fetch_one(&mut c)
            .await?;
        let user = user_from_row(&row, "")?;
        tx.commit().await?;
        Ok(user)
    }

    pub(crate) async fn record_login_success(&self, id: &UserId) -> Result<()> {
        let mut tx = self.begin_write().await?;
        let n = Q::new("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .text(id.as_str())
            .execute(&mut tx.conn())
            .await?;
        if n == 0 {
            return Err(user_not_found(id));
        }
        tx.commit().await
    }

    // ------------------------------------------------------------- sessions

    pub(crate) async fn create_session(&self, s: SessionRecord) -> Result<()> {
        let mut tx = self.begin_write().await?;
        Q::new(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) \
             VALUES ($1, $2, $3, $4, $5)",
        )
        .text(&s.token_hash)
        .text(s.user_id.as_str())
        .text(&s.csrf_token)
        .text(s.created_at.to_rfc3339())
        .text(s.expires_at.to_rfc3339())
        .execute(&mut tx.conn())
        .await
        .map_err(|e| {
            if is_unique_violation(&e) {
                StoreError::Duplicate {
                    what: "会话已存在 (session already exists)".to_owned(),
                }
            } else if e
                .as_database_error()
                .is_some_and(|d| d.is_foreign_key_violation())
            {
                user_not_found(&s.user_id)
            } else {
                e.into()
            }
        })?;
        tx.commit().await
    }

    pub(crate) async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(SessionRecord, UserRecord)>> {
        let mut pc = self.read_conn().await?;
        let row = Q::new(
            "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at AS s_created_at, s.expires_at, \
             u.id AS u_id, u.username AS u_username, u.display_name AS u_display_name, u.role_code AS u_role_code, \
             u.district AS u_district, u.password_hash AS u_password_hash, u.failed_logins AS u_failed_logins, \
             u.locked_until AS u_locked_until, u.created_at AS u_created_at \
             FROM sessions s JOIN users u ON u.id = s.user_id \
             WHERE s.token_hash = $1 AND s.expires_at > $2",
        )
        .text(token_hash)
        .text(now.to_rfc3339())
        .fetch_optional(&mut pc.conn())
        .await?;
        let Some(r) = row else { return Ok(None) };
        let session = SessionRecord {
            token_hash: r.text("token_hash")?,
            user_id: parse_user_id(&r.text("user_id")?)?,
            csrf_token: r.text("csrf_token")?,
            created_at: parse_ts(&r.text("s_created_at")?)?,
            expires_at: parse_ts(&r.text("expires_at")?)?,
        };
        Ok(Some((session, user_from_row(&r, "u_")?)))
    }

    pub(crate) async fn delete_session(&self, token_hash: &str) -> Result<()> {
        let mut tx = self.begin_write().await?;
        Q::new("DELETE FROM sessions WHERE token_hash = $1")
            .text(token_hash)
            .execute(&mut tx.conn())
            .await?;
        tx.commit().await
    }

    pub(crate) async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let n = Q::new("DELETE FROM sessions WHERE expires_at <= $1")
            .text(now.to_rfc3339())
            .execute(&mut tx.conn())
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    pub(crate) async fn delete_user_sessions(&self, user_id: &UserId) -> Result<u64> {
        let mut tx = self.begin_write().await?;
        let n = Q::new("DELETE FROM sessions WHERE user_id = $1")
            .text(user_id.as_str())
            .execute(&mut tx.conn())
            .await?;
        tx.commit().await?;
        Ok(n)
    }

    // --------------------------------------------------------- applications

    #[allow(clippy::too_many_arguments)] // the trait's signature
    pub(crate) async fn create_application(
        &self,
        app: &Application,
        first: &Event,
        household: &Value,
        member_ids: &[String],
        masked_name: &str,
        masked_id: &str,
        audit: AuditDraft,
    ) -> Result<()> {
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

        // One script: the inserts and the audit head's bump travel to the
        // SQLite writer together (see `Script`); only the audit entry,
        // whose hash needs the head, follows in a second trip.
        let mut script = Script::default();
        let application = script.push(
            Q::new(
                "INSERT INTO applications (id, district, status_code, owner_user_id, household_ref, masked_name, \
                 masked_id, last_seq, submitted_at, updated_at, categories_json, tier, notice_start, notice_end, \
                 qualified_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)",
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
            .opt_text(s.qualified_on.clone()),
        );
        let event = script.push(event_insert(first, &body)?);
        script.push(
            Q::new(
                "INSERT INTO household_facts (application_id, key_version, nonce, ciphertext, updated_at) \
                 VALUES ($1, $2, $3, $4, $5)",
            )
            .text(id)
            .int(KEY_VERSION)
            .bytes(nonce)
            .bytes(ciphertext)
            .text(first.at.to_rfc3339()),
        );
        // One multi-row INSERT per table (every engine anju targets takes
        // several VALUES rows).
        let mut active = None;
        if !hashes.is_empty() {
            script.push(members_insert(
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
        script.push(audit_head_bump());

        let mut tx = self.begin_write().await?;
        let mut c = tx.conn();
        let rows = script.fetch_all(&mut c).await.map_err(|e| {
            if !is_unique_violation(&e.error) {
                e.error.into()
            } else if e.statement == application {
                StoreError::Duplicate {
                    what: format!("申请编号 {id} 已存在 (application {id} already exists)"),
                }
            } else if e.statement == event {
                stale(&first.application_id, 1)
            } else if Some(e.statement) == active {
                StoreError::DuplicateMember
            } else {
                e.error.into()
            }
        })?;
        append_audit_after_bump(&mut c, audit, rows.last()).await?;
        tx.commit().await
    }

    pub(crate) async fn append_event(
        &self,
        event: &Event,
        new_state: &Application,
        household: Option<&Value>,
        audit: AuditDraft,
    ) -> Result<()> {
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
             notice_end = COALESCE($10, notice_end), qualified_on = $11 \
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
            .int(KEY_VERSION)
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
        append_audit_in(&mut c, audit).await?;
        tx.commit().await
    }

    pub(crate) async fn load_application(
        &self,
        id: &ApplicationId,
    ) -> Result<Option<StoredApplication>> {
        let mut tx = self.begin_read().await?;
        let mut c = tx.conn();
        let Some(head) = Q::new("SELECT masked_name, masked_id FROM applications WHERE id = $1")
            .text(id.as_str())
            .fetch_optional(&mut c)
            .await?
        else {
            return Ok(None);
        };
        let events = Q::new(
            "SELECT body_json FROM application_events WHERE application_id = $1 ORDER BY seq",
        )
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
            .map(|r| parse_event(&r.text("body_json")?))
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

    pub(crate) async fn application_events(&self, id: &ApplicationId) -> Result<Vec<Event>> {
        let mut pc = self.read_conn().await?;
        let rows = Q::new(
            "SELECT body_json FROM application_events WHERE application_id = $1 ORDER BY seq",
        )
        .text(id.as_str())
        .fetch_all(&mut pc.conn())
        .await?;
        rows.iter()
            .map(|r| parse_event(&r.text("body_json")?))
            .collect()
    }

    pub(crate) async fn list_applications(
        &self,
        filter: &ListFilter,
    ) -> Result<Vec<ApplicationSummary>> {
        let mut sql = String::from(SUMMARY_SELECT);
        let mut conds: Vec<String> = Vec::new();
        let mut texts: Vec<String> = Vec::new();
        if let Some(d) = &filter.district {
            texts.push(d.as_str().to_owned());
            conds.push(format!("a.district = ${}", texts.len()));
        }
        if let Some(s) = filter.status {
            texts.push(status_code(s)?);
            conds.push(format!("a.status_code = ${}", texts.len()));
        }
        if let Some(o) = &filter.owner {
            texts.push(o.as_str().to_owned());
            conds.push(format!("a.owner_user_id = ${}", texts.len()));
        }
        if !conds.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&conds.join(" AND "));
        }
        let n = texts.len();
        sql.push_str(&format!(
            " ORDER BY a.submitted_at DESC, a.id DESC LIMIT ${} OFFSET ${}",
            n + 1,
            n + 2
        ));
        let mut q = Q::new(sql);
        for t in texts {
            q = q.text(t);
        }
        let q = q.int(i64::from(filter.limit)).int(i64::from(filter.offset));
        let mut pc = self.read_conn().await?;
        let rows = q.fetch_all(&mut pc.conn()).await?;
        rows.iter().map(summary_from_row).collect()
    }

    pub(crate) async fn member_in_active_application(&self, resident_id: &str) -> Result<bool> {
        Ok(self
            .members_in_active_applications(&[resident_id.to_owned()])
            .await?
            .first()
            .copied()
            .unwrap_or(false))
    }

    pub(crate) async fn members_in_active_applications(
        &self,
        resident_ids: &[String],
    ) -> Result<Vec<bool>> {
        let hashes: Vec<Option<String>> = resident_ids
            .iter()
            .map(|r| (!r.trim().is_empty()).then(|| self.crypto.resident_id_hash(r)))
            .collect();
        let present: Vec<&String> = hashes.iter().flatten().collect();
        if present.is_empty() {
            return Ok(vec![false; resident_ids.len()]);
        }
        // One statement for the whole family (this runs on every submission).
        let marks: Vec<String> = (1..=present.len()).map(|i| format!("${i}")).collect();
        let mut q = Q::new(format!(
            "SELECT id_hash FROM active_members WHERE id_hash IN ({})",
            marks.join(", ")
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
            .map(|h| h.as_ref().is_some_and(|h| found.contains(h)))
            .collect())
    }

    pub(crate) async fn count_applications(&self) -> Result<u64> {
        let mut pc = self.read_conn().await?;
        let row = Q::new("SELECT COUNT(*) AS n FROM applications")
            .fetch_one(&mut pc.conn())
            .await?;
        u64::try_from(row.int("n")?).map_err(|_| StoreError::Corrupt("negative count".to_owned()))
    }

    // ------------------------------------------------- waitlist and numbers

    pub(crate) async fn assign_waitlist_place(&self, id: &ApplicationId) -> Result<u32> {
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
    }

    pub(crate) async fn next_application_id(&self, year: i32) -> Result<ApplicationId> {
        let counter = format!("application-id:{year}");
        self.ensure_counter(&counter).await?;
        let mut tx = self.begin_write().await?;
        let n = bump_counter(&mut tx.conn(), &counter).await?;
        tx.commit().await?;
        ApplicationId::new(format!("A-{year}-{n:06}"))
            .map_err(|e| StoreError::Corrupt(e.to_string()))
    }

    /// Creates a counter at 0 if it does not exist. Its own transaction: a
    /// concurrent creator may win (unique violation), which is as good.
    async fn ensure_counter(&self, name: &str) -> Result<()> {
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

    // ---------------------------------------------------------------- audit

    pub(crate) async fn append_audit(&self, draft: AuditDraft) -> Result<AuditEntry> {
        let mut tx = self.begin_write().await?;
        let entry = append_audit_in(&mut tx.conn(), draft).await?;
        tx.commit().await?;
        Ok(entry)
    }

    pub(crate) async fn audit_log(&self, after_seq: u64, limit: u32) -> Result<Vec<AuditEntry>> {
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

    pub(crate) async fn audit_head(&self) -> Result<Option<ChainHead>> {
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

    // -------------------------------------------------------------- imports

    pub(crate) async fn record_import(
        &self,
        department: Department,
        file_sha256: &str,
        rows_ok: u32,
        rows_bad: u32,
        audit: AuditDraft,
    ) -> Result<bool> {
        let sha = file_sha256.trim().to_ascii_lowercase();
        let mut tx = self.begin_write().await?;
        let mut c = tx.conn();
        let seen = Q::new(
            "SELECT rows_ok FROM department_imports WHERE department = $1 AND file_sha256 = $2",
        )
        .text(department.code())
        .text(&sha)
        .fetch_optional(&mut c)
        .await?
        .is_some();
        if seen {
            return Ok(false);
        }
        let inserted = Q::new(
            "INSERT INTO department_imports (department, file_sha256, rows_ok, rows_bad, imported_at, imported_by) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .text(department.code())
        .text(&sha)
        .int(i64::from(rows_ok))
        .int(i64::from(rows_bad))
        .text(audit.at.to_rfc3339())
        .text(audit.actor_user_id.as_str())
        .execute(&mut c)
        .await;
        match inserted {
            Ok(_) => {}
            // A concurrent import of the same file committed first.
            Err(e) if is_unique_violation(&e) => return Ok(false),
            Err(e) => return Err(e.into()),
        }
        append_audit_in(&mut c, audit).await?;
        tx.commit().await?;
        Ok(true)
    }

    pub(crate) async fn save_import_errors(
        &self,
        department: Department,
        file_sha256: &str,
        errors: &Value,
    ) -> Result<()> {
        let text = serde_json::to_string(errors)
            .map_err(|e| StoreError::Corrupt(format!("import errors do not serialise: {e}")))?;
        let mut tx = self.begin_write().await?;
        Q::new(
            "UPDATE department_imports SET errors_json = $3 WHERE department = $1 AND file_sha256 = $2",
        )
        .text(department.code())
        .text(file_sha256.trim().to_ascii_lowercase())
        .text(text)
        .execute(&mut tx.conn())
        .await?;
        tx.commit().await
    }

    pub(crate) async fn import_errors(
        &self,
        department: Department,
        file_sha256: &str,
    ) -> Result<Option<Value>> {
        let mut pc = self.read_conn().await?;
        let row = Q::new(
            "SELECT errors_json FROM department_imports WHERE department = $1 AND file_sha256 = $2",
        )
        .text(department.code())
        .text(file_sha256.trim().to_ascii_lowercase())
        .fetch_optional(&mut pc.conn())
        .await?;
        match row
            .map(|r| r.opt_text("errors_json"))
            .transpose()?
            .flatten()
        {
            None => Ok(None),
            Some(text) => serde_json::from_str(&text).map(Some).map_err(|e| {
                StoreError::Corrupt(format!("errors_json of an import is not JSON: {e}"))
            }),
        }
    }

    // --------------------------------------------------------------- crypto

    fn encrypt_household(
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

    fn decrypt_household(&self, id: &ApplicationId, row: &Row) -> Result<Value> {
        let version = row.int("key_version")?;
        if version != KEY_VERSION {
            return Err(StoreError::Crypto(format!(
                "未知的密钥版本 {version} (unknown key version {version})"
            )));
        }
        let plaintext = self.crypto.decrypt(
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

/// Binds a household ciphertext to its application.
fn household_aad(id: &str) -> Vec<u8> {
    let mut aad = b"anju/household-facts/v1/".to_vec();
    aad.extend_from_slice(id.as_bytes());
    aad
}

/// Appends `draft` to the chain inside the caller's transaction. Must be
/// the caller's last write: it takes the audit head's lock.
async fn append_audit_in(c: &mut crate::sql::Conn<'_>, d: AuditDraft) -> Result<AuditEntry> {
    let head = audit_head_bump().fetch_optional(c).await?;
    append_audit_after_bump(c, d, head.as_ref()).await
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

async fn insert_event(c: &mut crate::sql::Conn<'_>, event: &Event, body: &str) -> Result<()> {
    event_insert(event, body)?.execute(c).await.map_err(|e| {
        if is_unique_violation(&e) {
            stale(&event.application_id, to_i64(event.seq).unwrap_or(i64::MAX))
        } else {
            e.into()
        }
    })?;
    Ok(())
}

fn event_insert(event: &Event, body: &str) -> Result<Q> {
    Ok(Q::new(
        "INSERT INTO application_events (application_id, seq, occurred_at, action_code, actor_user_id, body_json) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .text(event.application_id.as_str())
    .int(to_i64(event.seq)?)
    .text(event.at.to_rfc3339())
    .text(event.action.kind().code())
    .text(event.actor.user_id().as_str())
    .text(body))
}

/// `INSERT … VALUES ($1, $2), ($3, $4), …` pairing `id` with each hash;
/// `hash_first` puts the hash in the first column.
fn members_insert(prefix: &str, id: &str, hashes: &BTreeSet<String>, hash_first: bool) -> Q {
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
async fn place_in_waitlist(
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
async fn bump_counter(c: &mut crate::sql::Conn<'_>, name: &str) -> Result<i64> {
    let n = Q::new("UPDATE counters SET current_value = current_value + 1 WHERE counter_name = $1")
        .text(name)
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
struct Summary {
    status: String,
    owner: Option<String>,
    updated_at: String,
    categories: String,
    tier: Option<i64>,
    notice_start: Option<String>,
    notice_end: Option<String>,
    qualified_on: Option<String>,
}

impl Summary {
    fn of(app: &Application) -> Result<Summary> {
        let mut s = Summary {
            status: status_code(app.status().kind())?,
            owner: app.owner().map(|o| o.as_str().to_owned()),
            updated_at: app.updated_at().to_rfc3339(),
            categories: "[]".to_owned(),
            tier: None,
            notice_start: None,
            notice_end: None,
            qualified_on: None,
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
                ..
            } => {
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

fn summary_from_row(r: &Row) -> Result<ApplicationSummary> {
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

fn user_from_row(r: &Row, prefix: &str) -> Result<UserRecord> {
    let col = |name: &str| format!("{prefix}{name}");
    Ok(UserRecord {
        id: parse_user_id(&r.text(&col("id"))?)?,
        username: r.text(&col("username"))?,
        display_name: r.text_or_empty(&col("display_name"))?,
        role: Role::parse(&r.text(&col("role_code"))?).map_err(corrupt)?,
        district: r
            .opt_text(&col("district"))?
            .map(|d| DistrictCode::parse(&d).map_err(corrupt))
            .transpose()?,
        password_hash: r.text(&col("password_hash"))?,
        failed_logins: u32::try_from(r.int(&col("failed_logins"))?)
            .map_err(|_| StoreError::Corrupt("failed_logins out of range".to_owned()))?,
        locked_until: r
            .opt_text(&col("locked_until"))?
            .map(|t| parse_ts(&t))
            .transpose()?,
        created_at: parse_ts(&r.text(&col("created_at"))?)?,
    })
}

fn audit_from_row(r: &Row) -> Result<AuditEntry> {
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

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

fn to_json(event: &Event) -> Result<String> {
    serde_json::to_string(event)
        .map_err(|e| StoreError::Corrupt(format!("event does not serialise: {e}")))
}

fn parse_event(body: &str) -> Result<Event> {
    serde_json::from_str(body)
        .map_err(|e| StoreError::Corrupt(format!("事件无法读取 (event does not parse): {e}")))
}

fn parse_ts(s: &str) -> Result<Timestamp> {
    Timestamp::parse(s).map_err(corrupt)
}

fn parse_date(s: &str) -> Result<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|e| StoreError::Corrupt(format!("date {s:?}: {e}")))
}

fn date_text(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn parse_user_id(s: &str) -> Result<UserId> {
    UserId::new(s).map_err(corrupt)
}

fn parse_hash(s: &str) -> Result<[u8; 32]> {
    from_hex(s).ok_or_else(|| StoreError::Corrupt(format!("hash {s:?} is not 64 hex digits")))
}

/// `on_notice`, … (StatusKind's serde name).
fn status_code(kind: StatusKind) -> Result<String> {
    match serde_json::to_value(kind) {
        Ok(Value::String(s)) => Ok(s),
        _ => Err(StoreError::Corrupt(format!("status {kind:?} has no code"))),
    }
}

fn parse_status(code: &str) -> Result<StatusKind> {
    serde_json::from_value(Value::String(code.to_owned()))
        .map_err(|_| StoreError::Corrupt(format!("unknown status {code:?}")))
}

fn to_i64(n: u64) -> Result<i64> {
    i64::try_from(n).map_err(|_| StoreError::Corrupt(format!("{n} does not fit in BIGINT")))
}

fn to_u64(n: i64) -> Result<u64> {
    u64::try_from(n).map_err(|_| StoreError::Corrupt(format!("negative sequence number {n}")))
}

fn to_u32(n: i64) -> Result<u32> {
    u32::try_from(n).map_err(|_| StoreError::Corrupt(format!("{n} out of range")))
}

fn user_not_found(id: &UserId) -> StoreError {
    StoreError::NotFound {
        what: format!("用户 {id} 不存在 (user {id} not found)"),
    }
}

fn application_not_found(id: &ApplicationId) -> StoreError {
    StoreError::NotFound {
        what: format!("申请 {id} 不存在 (application {id} not found)"),
    }
}

fn stale(id: &ApplicationId, stored: i64) -> StoreError {
    StoreError::Conflict {
        what: format!(
            "申请 {id} 已被他人修改（当前为第{stored}个事件），请刷新后重试 (application {id} was changed by someone else, it is now at event {stored}; reload and try again)"
        ),
    }
}

fn mismatch(id: &ApplicationId) -> StoreError {
    StoreError::Conflict {
        what: format!(
            "申请 {id} 的事件与其状态不一致 (the event and the state given for application {id} do not match)"
        ),
    }
}

/// The active-member index is unique per resident ID: a violation means the
/// person is already in another active application.
fn duplicate_member(e: sqlx::Error) -> StoreError {
    if is_unique_violation(&e) {
        StoreError::DuplicateMember
    } else {
        e.into()
    }
}
