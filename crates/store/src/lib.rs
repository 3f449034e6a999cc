//! anju's storage: one [`Store`] trait, implemented for SQLite
//! ([`SqliteStore`]) and PostgreSQL ([`PgStore`]), and [`AnyStore`], which
//! picks one from a database URL.
//!
//! * Each backend has its migrations (`migrations/sqlite`,
//!   `migrations/postgres`), applied at connect.
//! * The SQL is written once, with `$1`-style parameters (which SQLite reads
//!   as numbered parameters too), in plain portable SQL that also runs on
//!   PostgreSQL-compatible engines such as KingbaseES and openGauss: no
//!   JSONB, arrays, partial indexes, `ON CONFLICT`, sequences or advisory
//!   locks. Where the backends must differ (how a write transaction begins,
//!   connection settings, `BLOB` vs `BYTEA`) the difference is in one place.
//! * Nothing assumes a single anju process. Every write is one transaction.
//!   Serialisation points are rows: the audit chain's head row, a counter row
//!   per district waitlist, the application's own row (optimistic
//!   concurrency on its version), and primary keys (one active application
//!   per resident ID). On SQLite, write transactions also begin with
//!   `BEGIN IMMEDIATE`, so that two processes sharing the file queue rather
//!   than fail; within one process, the writes queued behind the writer
//!   share one such transaction (group commit, one savepoint each), and a
//!   write returns only after that transaction's `COMMIT`.
//! * Personal data: the household facts are encrypted with AES-256-GCM;
//!   resident IDs for duplicate checks are kept only as keyed hashes (see
//!   [`Crypto`]). Only masked names and IDs are stored in clear, for lists.
//!
//! ```no_run
//! # async fn demo() -> anju_store::Result<()> {
//! use anju_store::{AnyStore, Crypto, Store};
//! let crypto = Crypto::from_hex(&std::env::var("ANJU_MASTER_KEY").unwrap_or_default())?;
//! let store = AnyStore::connect("sqlite:anju.sqlite", crypto).await?;
//! assert_eq!(store.count_applications().await?, 0);
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod core;
mod crypto;
mod group;
mod postgres;
mod sql;
mod sqlite;

use anju_domain::{
    Application, ApplicationId, AuditEntry, ChainHead, Department, DistrictCode, Event, Role,
    StatusKind, Timestamp, UserId,
};

pub use crate::core::allot::{
    AllotmentFlags, ContractRecord, DrawRecord, EntrantRecord, FamilyEntry, HomeRecord, HomeState,
    ProjectRecord, RoundRecord,
};
pub use crate::core::Core as StoreCore;
pub use crate::crypto::{normalise_resident_id, Crypto, NONCE_LEN};
pub use crate::postgres::PgStore;
pub use crate::sqlite::SqliteStore;

/// Re-exported so that callers can build connection options
/// ([`SqliteStore::connect_with`], [`PgStore::connect_with`]) without
/// depending on sqlx themselves.
pub use sqlx;

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Why a store operation failed. Messages are Chinese first, English in
/// parentheses.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Something asked for does not exist; `what` says what, in both
    /// languages, e.g. "申请 A-1 不存在 (application A-1 not found)".
    #[error("{what}")]
    NotFound {
        /// What is missing.
        what: String,
    },
    /// Optimistic concurrency: someone else changed it first (reload and
    /// try again). Also: the record is not in a state that allows the
    /// operation (e.g. a waitlist place for an application that is not
    /// qualified).
    #[error("{what}")]
    Conflict {
        /// What conflicted.
        what: String,
    },
    /// A member's resident ID is already in another active application.
    /// Deliberately says nothing about which one.
    #[error("家庭成员的身份证号码已在其他有效申请中 (a member's resident ID is already in another active application)")]
    DuplicateMember,
    /// A unique key is taken (a user name, an application number, …).
    #[error("{what}")]
    Duplicate {
        /// What is taken.
        what: String,
    },
    /// Encryption or decryption failed (wrong master key, tampered row).
    #[error("个人数据加解密失败 (personal data encryption failed): {0}")]
    Crypto(String),
    /// The database refused or could not be reached.
    #[error("数据库错误 (database error): {0}")]
    Database(String),
    /// Stored data does not read back (a damaged or tampered store).
    #[error("存储的数据已损坏 (stored data is corrupt): {0}")]
    Corrupt(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> StoreError {
        crate::sql::database_error(e)
    }
}

impl From<sqlx::migrate::MigrateError> for StoreError {
    fn from(e: sqlx::migrate::MigrateError) -> StoreError {
        StoreError::Database(format!("数据库迁移失败 (migration failed): {e}"))
    }
}

/// A new account. The store issues its [`UserId`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewUser {
    /// Login name; unique.
    pub username: String,
    /// Name shown in the console.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// District, for district-scoped roles.
    pub district: Option<DistrictCode>,
    /// Password hash (argon2 PHC string); the store never sees passwords.
    pub password_hash: String,
}

/// A stored account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// Opaque id, issued by the store (`u-` and 32 hex digits).
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Name shown in the console.
    pub display_name: String,
    /// Role.
    pub role: Role,
    /// District, for district-scoped roles.
    pub district: Option<DistrictCode>,
    /// Password hash.
    pub password_hash: String,
    /// Consecutive failed logins since the last success, password change or
    /// lock.
    pub failed_logins: u32,
    /// Locked until then, after too many failures.
    pub locked_until: Option<Timestamp>,
    /// When the account was created.
    pub created_at: Timestamp,
}

/// A login session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// Hex SHA-256 of the cookie token (the token itself is never stored).
    pub token_hash: String,
    /// Whose.
    pub user_id: UserId,
    /// The session's CSRF token.
    pub csrf_token: String,
    /// When it started.
    pub created_at: Timestamp,
    /// When it ends.
    pub expires_at: Timestamp,
}

/// An audit entry before the store gives it its place in the chain.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditDraft {
    /// When.
    pub at: Timestamp,
    /// Who.
    pub actor_user_id: UserId,
    /// In which role.
    pub role: Role,
    /// What, e.g. `application.street_pass`.
    pub action: String,
    /// On what, e.g. `application:A-1`.
    pub subject: String,
    /// Details (no personal data: the log is readable by auditors).
    pub detail: serde_json::Value,
}

/// An application as loaded: the events folded, and the decrypted facts.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredApplication {
    /// The events folded with `Application::replay`, with the waitlist place
    /// set when it has one.
    pub app: Application,
    /// Decrypted household facts (`contracts/household.schema.json` shape).
    pub household: serde_json::Value,
    /// Masked main applicant's name (e.g. 张*明).
    pub masked_name: String,
    /// Masked resident ID (e.g. 140302********1234).
    pub masked_id: String,
    /// Place in the district waitlist.
    pub waitlist_place: Option<u32>,
}

/// One line of an application list: no personal data but the masked name
/// and ID.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplicationSummary {
    /// Application number.
    pub id: ApplicationId,
    /// District applied in.
    pub district: DistrictCode,
    /// Current state.
    pub status: StatusKind,
    /// Masked main applicant's name.
    pub masked_name: String,
    /// Masked resident ID.
    pub masked_id: String,
    /// The family's account, if any.
    pub owner: Option<UserId>,
    /// Submitted.
    pub submitted_at: Timestamp,
    /// Last event.
    pub updated_at: Timestamp,
    /// Categories, once qualified.
    pub categories: Vec<String>,
    /// Allotment tier, once qualified.
    pub tier: Option<u8>,
    /// First day of the latest public notice (kept after the notice ends).
    pub notice_start: Option<chrono::NaiveDate>,
    /// Last day of the latest public notice (kept after the notice ends).
    pub notice_end: Option<chrono::NaiveDate>,
    /// Qualification date, once qualified.
    pub qualified_on: Option<chrono::NaiveDate>,
    /// Place in the district waitlist, once assigned.
    pub waitlist_place: Option<u32>,
}

/// Which applications to list. `None` means any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListFilter {
    /// Only this district.
    pub district: Option<DistrictCode>,
    /// Only this state.
    pub status: Option<StatusKind>,
    /// Only this family's.
    pub owner: Option<UserId>,
    /// At most this many (0 gives none).
    pub limit: u32,
    /// Skipping this many.
    pub offset: u32,
}

impl Default for ListFilter {
    /// Everything, 50 at a time.
    fn default() -> ListFilter {
        ListFilter {
            district: None,
            status: None,
            owner: None,
            limit: 50,
            offset: 0,
        }
    }
}

/// anju's storage. Every method that writes does so in one transaction
/// (its audit entry included), and is safe with several anju processes on
/// one database.
#[allow(async_fn_in_trait)]
pub trait Store: Clone + Send + Sync + 'static {
    // users & sessions
    /// Creates an account and audits it. `Duplicate` when the user name is
    /// taken.
    async fn create_user(&self, user: NewUser, audit: AuditDraft) -> Result<UserRecord>;
    /// The account with this user name.
    async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>>;
    /// The account with this id.
    async fn user(&self, id: &UserId) -> Result<Option<UserRecord>>;
    /// Every account, by user name.
    async fn list_users(&self) -> Result<Vec<UserRecord>>;
    /// Sets the password hash and clears failures and lock; audited.
    async fn set_password(&self, id: &UserId, password_hash: &str, audit: AuditDraft)
        -> Result<()>; // also clears failures/lock
    /// Counts a failed login; after `lock_after` consecutive failures locks until `at + lock_for`. Works across processes (state in the DB).
    async fn record_login_failure(
        &self,
        id: &UserId,
        at: Timestamp,
        lock_after: u32,
        lock_for: chrono::Duration,
    ) -> Result<UserRecord>;
    /// Clears the failure count and any lock.
    async fn record_login_success(&self, id: &UserId) -> Result<()>;
    /// Stores a session. `Duplicate` if the token hash exists.
    async fn create_session(&self, s: SessionRecord) -> Result<()>;
    /// The session and its user; `None` when unknown or expired at `now`.
    async fn session(
        &self,
        token_hash: &str,
        now: Timestamp,
    ) -> Result<Option<(SessionRecord, UserRecord)>>; // None when expired
    /// Ends a session (no error if it does not exist).
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    // applications (event-sourced: the events ARE the record; summary columns are derived for lists)
    /// Stores a new application: its first event, the household facts (encrypted at rest), an index of members'
    /// resident IDs (keyed hash, for duplicate checks), the summary, and the audit entry — in ONE transaction.
    /// Fails with DuplicateMember if any of `member_ids` is in another active application.
    #[allow(clippy::too_many_arguments)]
    async fn create_application(
        &self,
        app: &Application,
        first: &Event,
        household: &serde_json::Value,
        member_ids: &[String],
        masked_name: &str,
        masked_id: &str,
        audit: AuditDraft,
    ) -> Result<()>;
    /// Appends `event` (its seq must be the stored version + 1, else Conflict), updates the summary from `new_state`,
    /// replaces the household facts when `household` is Some, deactivates the member index when the new state is
    /// not active (StatusKind::is_active), and appends the audit entry — in ONE transaction.
    ///
    /// When the new state is active again after an inactive one (a review
    /// requested after a rejection), the member index is reactivated, and
    /// the append fails with `DuplicateMember` if a member is meanwhile in
    /// another active application.
    async fn append_event(
        &self,
        event: &Event,
        new_state: &Application,
        household: Option<&serde_json::Value>,
        audit: AuditDraft,
    ) -> Result<()>;
    /// Loads an application: replays the events with `Application::replay`.
    async fn load_application(&self, id: &ApplicationId) -> Result<Option<StoredApplication>>; // replays the events with Application::replay
    /// Lists applications, newest submission first.
    async fn list_applications(&self, filter: &ListFilter) -> Result<Vec<ApplicationSummary>>; // newest first
    /// Whether this resident ID is in an active application.
    async fn member_in_active_application(&self, resident_id: &str) -> Result<bool>;
    /// Gives a qualified application the next place in its district's waitlist; unique and gap-free per district
    /// even with several anju processes on one PostgreSQL. Idempotent: returns the existing place if it has one.
    async fn assign_waitlist_place(&self, id: &ApplicationId) -> Result<u32>;
    // audit (hash chain from anju_domain::audit)
    /// Appends an entry to the audit chain.
    async fn append_audit(&self, draft: AuditDraft) -> Result<AuditEntry>;
    /// Entries with `seq > after_seq`, at most `limit`, ordered by seq.
    async fn audit_log(&self, after_seq: u64, limit: u32) -> Result<Vec<AuditEntry>>; // ordered by seq
                                                                                      // department file imports: idempotent by (department, sha256 of the file)
    /// Returns false (and changes nothing) when this department already imported this exact file.
    async fn record_import(
        &self,
        department: Department,
        file_sha256: &str,
        rows_ok: u32,
        rows_bad: u32,
        audit: AuditDraft,
    ) -> Result<bool>;
    /// For demo seeding and tests: number of applications.
    async fn count_applications(&self) -> Result<u64>;

    // ---- additions beyond the agreed interface ----
    // They have default bodies so that another implementation of `Store`
    // (a test double) keeps compiling; SqliteStore, PgStore and AnyStore
    // override every one.

    /// For each resident ID, in order, whether it is in an active
    /// application: what `DuplicateCheck::from_member_hits` takes.
    async fn members_in_active_applications(&self, resident_ids: &[String]) -> Result<Vec<bool>> {
        let mut hits = Vec::with_capacity(resident_ids.len());
        for id in resident_ids {
            hits.push(self.member_in_active_application(id).await?);
        }
        Ok(hits)
    }
    /// Keeps the row-level error report of an import recorded by
    /// [`Store::record_import`] (a JSON array), replacing any kept before.
    async fn save_import_errors(
        &self,
        _department: Department,
        _file_sha256: &str,
        _errors: &serde_json::Value,
    ) -> Result<()> {
        Ok(())
    }
    /// The error report kept for this department's import of this file;
    /// `None` when the file was never imported or no report was kept.
    async fn import_errors(
        &self,
        _department: Department,
        _file_sha256: &str,
    ) -> Result<Option<serde_json::Value>> {
        Ok(None)
    }
    /// The application's events, first first (its history, for display).
    async fn application_events(&self, id: &ApplicationId) -> Result<Vec<Event>> {
        let _ = id;
        Err(not_supported("application_events"))
    }
    /// Issues the next application number of `year`: `A-2026-000001`, ….
    /// Unique across processes; a number issued but not used leaves a gap.
    async fn next_application_id(&self, year: i32) -> Result<ApplicationId> {
        let _ = year;
        Err(not_supported("next_application_id"))
    }
    /// The audit chain's head (last seq and hash), `None` while empty: to
    /// publish or print, and compare with `verify_chain_head` later.
    async fn audit_head(&self) -> Result<Option<ChainHead>> {
        Err(not_supported("audit_head"))
    }
    /// Deletes sessions that expired before `now`; returns how many.
    async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64> {
        let _ = now;
        Err(not_supported("delete_expired_sessions"))
    }
    /// Ends every session of a user (after a password change or a lock);
    /// returns how many.
    async fn delete_user_sessions(&self, user_id: &UserId) -> Result<u64> {
        let _ = user_id;
        Err(not_supported("delete_user_sessions"))
    }
}

fn not_supported(what: &str) -> StoreError {
    StoreError::Database(format!(
        "此存储不支持 {what} (this store does not implement {what})"
    ))
}

/// A store on either backend, chosen at run time from the database URL.
#[derive(Debug, Clone)]
pub enum AnyStore {
    /// SQLite file.
    Sqlite(SqliteStore),
    /// PostgreSQL (or a compatible engine).
    Postgres(PgStore),
}

impl AnyStore {
    /// Connects by scheme: `postgres://` or `postgresql://` is PostgreSQL;
    /// `sqlite:` or anything else (a file path) is SQLite. Runs the
    /// backend's migrations.
    pub async fn connect(database_url: &str, crypto: Crypto) -> Result<AnyStore> {
        let url = database_url.trim();
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(AnyStore::Postgres(PgStore::connect(url, crypto).await?))
        } else {
            Ok(AnyStore::Sqlite(SqliteStore::connect(url, crypto).await?))
        }
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            AnyStore::Sqlite(_) => "sqlite",
            AnyStore::Postgres(_) => "postgres",
        }
    }

    /// Closes the connections (waits for those in use to be returned).
    pub async fn close(&self) {
        match self {
            AnyStore::Sqlite(s) => s.close().await,
            AnyStore::Postgres(s) => s.close().await,
        }
    }

    fn core(&self) -> &core::Core {
        match self {
            AnyStore::Sqlite(s) => &s.core,
            AnyStore::Postgres(s) => &s.core,
        }
    }
}

/// Allotment (issue #4): projects, plans, rounds, draws, calls, contracts,
/// titles and abandonments — the `allot_*` operations of [`StoreCore`].
/// The concurrency notes are in `core/allot.rs`.
impl AnyStore {
    /// The allotment operations.
    pub fn allotment(&self) -> &StoreCore {
        self.core()
    }
}

/// Implements [`Store`] for a type with a `core()` accessor: every backend
/// runs the same code, in `core.rs`.
macro_rules! impl_store {
    ($ty:ty) => {
        impl Store for $ty {
            async fn create_user(&self, user: NewUser, audit: AuditDraft) -> Result<UserRecord> {
                self.core().create_user(user, audit).await
            }
            async fn user_by_username(&self, username: &str) -> Result<Option<UserRecord>> {
                self.core().user_by_username(username).await
            }
            async fn user(&self, id: &UserId) -> Result<Option<UserRecord>> {
                self.core().user(id).await
            }
            async fn list_users(&self) -> Result<Vec<UserRecord>> {
                self.core().list_users().await
            }
            async fn set_password(
                &self,
                id: &UserId,
                password_hash: &str,
                audit: AuditDraft,
            ) -> Result<()> {
                self.core().set_password(id, password_hash, audit).await
            }
            async fn record_login_failure(
                &self,
                id: &UserId,
                at: Timestamp,
                lock_after: u32,
                lock_for: chrono::Duration,
            ) -> Result<UserRecord> {
                self.core()
                    .record_login_failure(id, at, lock_after, lock_for)
                    .await
            }
            async fn record_login_success(&self, id: &UserId) -> Result<()> {
                self.core().record_login_success(id).await
            }
            async fn create_session(&self, s: SessionRecord) -> Result<()> {
                self.core().create_session(s).await
            }
            async fn session(
                &self,
                token_hash: &str,
                now: Timestamp,
            ) -> Result<Option<(SessionRecord, UserRecord)>> {
                self.core().session(token_hash, now).await
            }
            async fn delete_session(&self, token_hash: &str) -> Result<()> {
                self.core().delete_session(token_hash).await
            }
            async fn create_application(
                &self,
                app: &Application,
                first: &Event,
                household: &serde_json::Value,
                member_ids: &[String],
                masked_name: &str,
                masked_id: &str,
                audit: AuditDraft,
            ) -> Result<()> {
                self.core()
                    .create_application(
                        app,
                        first,
                        household,
                        member_ids,
                        masked_name,
                        masked_id,
                        audit,
                    )
                    .await
            }
            async fn append_event(
                &self,
                event: &Event,
                new_state: &Application,
                household: Option<&serde_json::Value>,
                audit: AuditDraft,
            ) -> Result<()> {
                self.core()
                    .append_event(event, new_state, household, audit)
                    .await
            }
            async fn load_application(
                &self,
                id: &ApplicationId,
            ) -> Result<Option<StoredApplication>> {
                self.core().load_application(id).await
            }
            async fn list_applications(
                &self,
                filter: &ListFilter,
            ) -> Result<Vec<ApplicationSummary>> {
                self.core().list_applications(filter).await
            }
            async fn member_in_active_application(&self, resident_id: &str) -> Result<bool> {
                self.core().member_in_active_application(resident_id).await
            }
            async fn assign_waitlist_place(&self, id: &ApplicationId) -> Result<u32> {
                self.core().assign_waitlist_place(id).await
            }
            async fn append_audit(&self, draft: AuditDraft) -> Result<AuditEntry> {
                self.core().append_audit(draft).await
            }
            async fn audit_log(&self, after_seq: u64, limit: u32) -> Result<Vec<AuditEntry>> {
                self.core().audit_log(after_seq, limit).await
            }
            async fn record_import(
                &self,
                department: Department,
                file_sha256: &str,
                rows_ok: u32,
                rows_bad: u32,
                audit: AuditDraft,
            ) -> Result<bool> {
                self.core()
                    .record_import(department, file_sha256, rows_ok, rows_bad, audit)
                    .await
            }
            async fn count_applications(&self) -> Result<u64> {
                self.core().count_applications().await
            }
            async fn save_import_errors(
                &self,
                department: Department,
                file_sha256: &str,
                errors: &serde_json::Value,
            ) -> Result<()> {
                self.core()
                    .save_import_errors(department, file_sha256, errors)
                    .await
            }
            async fn import_errors(
                &self,
                department: Department,
                file_sha256: &str,
            ) -> Result<Option<serde_json::Value>> {
                self.core().import_errors(department, file_sha256).await
            }
            async fn members_in_active_applications(
                &self,
                resident_ids: &[String],
            ) -> Result<Vec<bool>> {
                self.core()
                    .members_in_active_applications(resident_ids)
                    .await
            }
            async fn application_events(&self, id: &ApplicationId) -> Result<Vec<Event>> {
                self.core().application_events(id).await
            }
            async fn next_application_id(&self, year: i32) -> Result<ApplicationId> {
                self.core().next_application_id(year).await
            }
            async fn audit_head(&self) -> Result<Option<ChainHead>> {
                self.core().audit_head().await
            }
            async fn delete_expired_sessions(&self, now: Timestamp) -> Result<u64> {
                self.core().delete_expired_sessions(now).await
            }
            async fn delete_user_sessions(&self, user_id: &UserId) -> Result<u64> {
                self.core().delete_user_sessions(user_id).await
            }
        }
    };
}

impl_store!(SqliteStore);
impl_store!(PgStore);
impl_store!(AnyStore);

#[cfg(test)]
mod tests {
    /// The two schemas must stay the same but for the binary type: one
    /// store, two dialects.
    #[test]
    fn migrations_are_kept_in_step() {
        let sql = |text: &str, binary: &str| -> Vec<String> {
            text.lines()
                .filter(|l| !l.trim_start().starts_with("--"))
                .map(|l| l.replace(binary, "<binary>"))
                .collect()
        };
        let sqlite = sql(
            include_str!("../migrations/sqlite/0001_initial.sql"),
            "BLOB",
        );
        let postgres = sql(
            include_str!("../migrations/postgres/0001_initial.sql"),
            "BYTEA",
        );
        assert_eq!(sqlite, postgres);
        assert!(sqlite.iter().any(|l| l.contains("<binary>")));
    }
}
