//! anju's storage on SQLite ([`SqliteStore`]) or PostgreSQL ([`PgStore`]),
//! through [`AnyStore`], which picks one from a database URL. Each
//! capability has a handle ([`AnyStore::accounts`], [`AnyStore::applications`],
//! [`AnyStore::audit`], [`AnyStore::allotment`]) whose methods are its
//! operations, written once in `core/<capability>` for both backends.
//!
//! * Each backend has one migration series per capability
//!   (`migrations/<backend>/<capability>/`), embedded by `build.rs` and
//!   applied at connect (see `migrations.rs`).
//! * The SQL is written once, with `$1`-style parameters (which SQLite reads
//!   as numbered parameters too), in plain portable SQL that also runs on
//!   PostgreSQL-compatible engines such as KingbaseES and openGauss: no
//!   JSONB, sequences or advisory locks. A few features both engines took
//!   from PostgreSQL are used where they are the difference at scale, each
//!   named where used: `ON CONFLICT` (messages, rate windows, the counts
//!   read model's upsert), partial indexes (migrations 0058 and 0061),
//!   data-modifying `WITH` (a write script on PostgreSQL, `sql::Script`),
//!   bound arrays (`unnest`, the PostgreSQL draw and freeze) and
//!   `sha256()` (the PostgreSQL audit append, `core::audit::audit_append`:
//!   PostgreSQL 11 and later; not checked on the compatible engines).
//!   Where the backends must differ (how a write transaction begins,
//!   connection settings, `BLOB` vs `BYTEA`) the difference is in one
//!   place.
//! * Nothing assumes a single anju process. Every write is one transaction.
//!   Serialisation points are rows: the audit chain's head row, a counter row
//!   per district waitlist, the application's own row (optimistic
//!   concurrency on its version), and primary keys (one active application
//!   per resident ID). On SQLite, write transactions also begin with
//!   `BEGIN IMMEDIATE`, so that two processes sharing the file queue rather
//!   than fail. On PostgreSQL write transactions are `SERIALIZABLE`, and
//!   serialisation failures are retried (see `retry.rs`). On both, within
//!   one process, the writes queued behind the writer share one
//!   transaction (group commit, one savepoint each), and a write returns
//!   only after that transaction's `COMMIT`.
//! * Faults are told apart ([`StoreError::Unavailable`],
//!   [`StoreError::StorageFull`], [`StoreError::Contention`]) so that the
//!   server can answer 503 or 507 instead of 500 (see docs/operations.md).
//! * Personal data: the household facts are encrypted with AES-256-GCM;
//!   resident IDs for duplicate checks are kept only as keyed hashes (see
//!   [`Crypto`]). Only masked names and IDs are stored in clear, for lists.
//!
//! ```no_run
//! # async fn demo() -> anju_store::Result<()> {
//! use anju_store::{AnyStore, Crypto};
//! let crypto = Crypto::from_hex(&std::env::var("ANJU_MASTER_KEY").unwrap_or_default())?;
//! let store = AnyStore::connect("sqlite:anju.sqlite", crypto).await?;
//! assert_eq!(store.applications().count_applications().await?, 0);
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod backup;
mod core;
mod crypto;
mod group;
mod migrations;
mod postgres;
mod retry;
mod sql;
mod sqlite;

use anju_domain::{Application, ApplicationId, DistrictCode, Role, StatusKind, Timestamp, UserId};

pub use crate::core::allotment::{
    AllotmentFlags, ContractRecord, DrawPosition, DrawRecord, EntrantRecord, FamilyEntry,
    HomeRecord, HomeState, ProjectRecord, RoundRecord,
};
pub mod holdings {
    //! Records of held homes (see `core/holdings/`).
    pub use crate::core::holdings::{
        AnswerOutcome, AnswerRow, BuybackChange, BuybackRecord, CampaignRecord, CaseRecord,
        FindingRecord, HolderRecord, HoldingState, NewCampaign, NewStep, PoolHomeRecord,
        RegisterFilter, RequestHome, ReviewRecord, StepRecord, SyntheticHome, TipRecord,
        ANSWER_BATCH,
    };
}
pub mod rentals {
    //! Records of rentals (see `core/rentals/`).
    pub use crate::core::rentals::{
        ChargeableLease, ExitNotice, LeaseClose, LeaseFilter, LeaseRecord, LedgerRow, Listing,
        ListingRecord, OfferRecord, RentHomeRecord, SurveyRecord, CHARGE_CHUNK,
    };
}
pub use crate::core::acquisition::{AcqLedgerRecord, AcqRecord};
pub use crate::core::application_bulk::BulkApplication;
pub use crate::core::drafts::DraftRecord;
pub use crate::core::keys::RotationBatch;
pub use crate::core::market::{
    FundEntryRecord, LandYearRecord, MarketProjectRecord, MonthlyRecord, ParcelRecord,
    RentSampleRecord,
};
pub use crate::core::material_files::{MaterialFileRecord, MaterialLimits, NewMaterialFile};
pub use crate::core::messages::{
    DeadlineKind, Mailboxes, MessageRecord, NewMessage, OpenDeadline, SmsRecord,
};
pub use crate::core::subsidies::{
    ActualRow, Approval as SubsidyApproval, GrantRow, InstalmentRow, NewSubsidy, OwnDates,
    Step as SubsidyStep, SubsidyEvent, SubsidyRecord,
};
pub use crate::core::talent_apartments::{
    LegacyLettingRecord, NewTalentApartment, TalentApartmentRecord,
};
pub use crate::core::university_additions::{NewUniversityAddition, UniversityAdditionRecord};
pub use crate::core::Acquisition;
pub use crate::core::Rentals;
pub use crate::core::{
    Accounts, Allotment, Applications, Audit, Core as StoreCore, Holdings, KeyRotation, Market,
    Subsidies,
};
pub use crate::crypto::{normalise_resident_id, Crypto, LEGACY_KEY_VERSION, NONCE_LEN};
pub use crate::postgres::PgStore;
pub use crate::retry::MAX_ATTEMPTS as WRITE_ATTEMPTS;
pub use crate::sqlite::SqliteStore;

/// Re-exported so that callers can build connection options
/// ([`SqliteStore::connect_with`], [`PgStore::connect_with`]) without
/// depending on sqlx themselves.
pub use sqlx;

/// The store's result type.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Why a store operation failed. Messages are Chinese first, English in
/// parentheses.
///
/// The last four say what an operator (and the server's HTTP status) needs
/// to tell apart: [`Database`](Self::Database) is a refusal that will repeat
/// (a bug or a damaged schema), [`Unavailable`](Self::Unavailable) a
/// database that is away and will be back, [`StorageFull`](Self::StorageFull)
/// a volume that needs space, and [`Contention`](Self::Contention) concurrent
/// transactions that kept conflicting after every retry.
#[derive(Debug, Clone, thiserror::Error)]
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
    /// The database refused the statement.
    #[error("数据库错误 (database error): {0}")]
    Database(String),
    /// The database could not be reached, or went away mid-transaction:
    /// connection refused or reset, no pooled connection within the acquire
    /// timeout, PostgreSQL shutting down or starting up (SQLSTATE 57P01,
    /// 57P02, 57P03, class 08, 53300), SQLite locked by another process past
    /// the busy timeout. Nothing was acknowledged; trying again later is
    /// right. A write whose `COMMIT` was cut off may or may not have been
    /// saved (it was not acknowledged, so the caller must not assume it was).
    #[error("数据库暂时不可用，请稍后再试 (the database is temporarily unavailable; try again shortly): {0}")]
    Unavailable(String),
    /// The database's volume is full (SQLite `SQLITE_FULL`; PostgreSQL
    /// SQLSTATE 53100 `disk_full`). The write was not saved; the database
    /// stays consistent and writes succeed again once space returns.
    #[error("存储空间已满，本次写入未保存 (storage is full; the write was not saved): {0}")]
    StorageFull(String),
    /// Serialisation failures or deadlocks (SQLSTATE 40001, 40P01) that
    /// persisted through every automatic retry of the transaction: the
    /// data are unchanged, and the same request may be sent again.
    #[error("并发写入冲突，自动重试后仍未成功，请稍后再试 (concurrent transactions kept conflicting through every retry; try again shortly): {0}")]
    Contention(String),
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

/// The key under which a family account is indexed beside its members in
/// the one-active-application-per-person index (kept, like a resident ID,
/// only as a keyed hash): one account's racing submissions are then kept to
/// one by the same unique key. The server decides when to add it; the store
/// knows its shape so that a key rotation re-keys it with the members.
pub fn account_member_key(owner: &UserId) -> String {
    format!("account:{}", owner.as_str())
}

/// A sign-in throttle counter (see `anju_domain::throttle`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleRecord {
    /// The counter's key (`p:`, `i:` or `n:` and a hash).
    pub key: String,
    /// Consecutive failures (forgotten a day after the last).
    pub failures: u32,
    /// The last failure.
    pub last_failure: Timestamp,
    /// No sign-in through this counter before then.
    pub blocked_until: Option<Timestamp>,
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

/// A qualified family as the waitlist read model holds it: what opening
/// an allotment round asks, read without replaying events or decrypting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WaitlistFamily {
    /// The summary line (district, tier, masked name and ID, place).
    pub summary: ApplicationSummary,
    /// Where the family may buy; None only for a row not yet projected.
    pub scope: Option<anju_domain::Scope>,
    /// The household's priority facts (`special`) and its size; None for
    /// a row written before the read model existed (migration 0050):
    /// readers then fall back to the events and facts.
    pub projected: Option<(Vec<String>, u32)>,
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
    /// Only those whose latest public notice runs on this day (start ≤ day ≤
    /// end): "under notice now", as opposed to a notice that ended and
    /// waits for the bureau's confirmation.
    pub notice_on: Option<chrono::NaiveDate>,
    /// Keyset paging: only lines after this one in the list's order (any
    /// of the orders; the cursor must come from the same order,
    /// [`ListCursor::in_order`]). Lists have no `OFFSET` (issue 11 item 4):
    /// a keyset page costs what the first does at any depth.
    pub after: Option<ListCursor>,
    /// Keyset paging backwards: the `limit` lines just before this one in
    /// the list's order (returned in the list's order), for a "previous
    /// page" link. Not with `after`.
    pub before: Option<ListCursor>,
    /// With neither cursor: the last `limit` lines of the list (the "last
    /// page" link), read backwards from the end and returned in the list's
    /// order.
    pub from_end: bool,
    /// Only those the search finds (application number, masked name, the
    /// last four characters of the resident ID).
    pub search: Option<ListSearch>,
    /// Only families qualified in this category (its policy code).
    pub category: Option<String>,
    /// Submitted on or after this day (Beijing time).
    pub submitted_from: Option<chrono::NaiveDate>,
    /// Submitted on or before this day (Beijing time).
    pub submitted_to: Option<chrono::NaiveDate>,
    /// In which order. Each order has its own keyset (`after`, `before`).
    pub order: ListOrder,
    /// At most this many (0 gives none).
    pub limit: u32,
}

/// How many lines a list filter matches: exactly, or at least so many when
/// counting stopped at a cap (a search matching a third of a province is
/// not worth counting to the last line on every page; the export has them
/// all).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListTotal {
    /// Exactly this many.
    Exact(u64),
    /// More than this many.
    MoreThan(u64),
}

impl ListTotal {
    /// The figure: exact, or the cap it exceeds.
    pub fn count(self) -> u64 {
        match self {
            ListTotal::Exact(n) | ListTotal::MoreThan(n) => n,
        }
    }

    /// Whether the figure is exact.
    pub fn is_exact(self) -> bool {
        matches!(self, ListTotal::Exact(_))
    }
}

/// What a list search matches. Only what the list itself shows can be
/// searched: a search by full name or full ID number would let a clerk
/// confirm who applied without opening (and so without auditing) a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListSearch {
    /// Application numbers starting with this text.
    IdPrefix(String),
    /// The masked main applicant's name, exactly (`王*国`).
    MaskedName(String),
    /// Masked names starting with this surname.
    Surname(String),
    /// The resident ID's last four characters (`123X`).
    IdTail(String),
}

/// The order of an application list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ListOrder {
    /// Newest submission first (the default).
    #[default]
    NewestFirst,
    /// Oldest submission first: who has waited longest.
    OldestFirst,
    /// Most recently changed first.
    RecentlyUpdated,
}

/// A place in an application list, for keyset paging: the last line of a
/// page ([`ListCursor::of`], [`ListCursor::in_order`]) is where the next
/// one starts, the first line where the previous one ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCursor {
    /// The line's time in the list's order: its submission time (newest or
    /// oldest first) or its last change (recently updated first).
    pub at: Timestamp,
    /// The line's application number (ties of `at`).
    pub id: ApplicationId,
}

impl ListCursor {
    /// The cursor of this line in the default order (newest submission
    /// first).
    pub fn of(line: &ApplicationSummary) -> ListCursor {
        ListCursor::in_order(line, ListOrder::NewestFirst)
    }

    /// The cursor of this line in `order`.
    pub fn in_order(line: &ApplicationSummary, order: ListOrder) -> ListCursor {
        ListCursor {
            at: match order {
                ListOrder::NewestFirst | ListOrder::OldestFirst => line.submitted_at,
                ListOrder::RecentlyUpdated => line.updated_at,
            },
            id: line.id.clone(),
        }
    }
}

impl Default for ListFilter {
    /// Everything, 50 at a time.
    fn default() -> ListFilter {
        ListFilter {
            district: None,
            status: None,
            owner: None,
            notice_on: None,
            after: None,
            before: None,
            from_end: false,
            search: None,
            category: None,
            submitted_from: None,
            submitted_to: None,
            order: ListOrder::NewestFirst,
            limit: 50,
        }
    }
}

/// Which audit entries to list (the audit page's filters). `None` means any.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Only this account's.
    pub actor: Option<UserId>,
    /// Only this action code (e.g. `application.street_pass`).
    pub action: Option<String>,
    /// Only about this subject (e.g. `application:A-1`).
    pub subject: Option<String>,
    /// From this day (Beijing time).
    pub from: Option<chrono::NaiveDate>,
    /// To this day, inclusive (Beijing time).
    pub to: Option<chrono::NaiveDate>,
    /// Keyset paging: only entries before this sequence number.
    pub before_seq: Option<u64>,
    /// At most this many.
    pub limit: u32,
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

    /// Test hook, not for production use: the next `n` write transactions
    /// on PostgreSQL fail at `COMMIT` with a genuine serialisation failure
    /// (SQLSTATE 40001, raised by the server), which the store's retry
    /// must absorb. No effect on SQLite.
    #[doc(hidden)]
    pub fn inject_serialization_failures(&self, n: u32) {
        self.core().inject_serialization_failures(n);
    }

    /// How many times write operations were rerun after a serialisation
    /// failure or deadlock, since this store (and its clones) connected.
    pub fn retries(&self) -> u64 {
        self.core().retries()
    }

    /// Test hook, not for production use: caps the SQLite file at `pages`
    /// pages (`PRAGMA max_page_count` on the writer's connection) to
    /// simulate a full volume, or raises the cap to give space back.
    /// Returns the cap in force. An error on PostgreSQL.
    #[doc(hidden)]
    pub async fn sqlite_max_page_count(&self, pages: u64) -> Result<u64> {
        self.core().sqlite_max_page_count(pages).await
    }

    /// Refreshes the query planner's statistics (after a bulk load).
    pub async fn refresh_statistics(&self) -> Result<()> {
        self.core().refresh_statistics().await
    }

    /// Bytes on disk per table with its indexes, largest first.
    pub async fn storage_by_table(&self) -> Result<Vec<(String, u64)>> {
        self.core().storage_by_table().await
    }

    fn core(&self) -> &core::Core {
        match self {
            AnyStore::Sqlite(s) => &s.core,
            AnyStore::Postgres(s) => &s.core,
        }
    }
}

/// The store of each capability: a handle whose methods are that
/// capability's operations, written once in `core/<capability>`.
impl AnyStore {
    /// Accounts and sessions.
    pub fn accounts(&self) -> Accounts<'_> {
        self.core().accounts()
    }

    /// Applications, waitlist places and department imports.
    pub fn applications(&self) -> Applications<'_> {
        self.core().applications()
    }

    /// The audit chain.
    pub fn audit(&self) -> Audit<'_> {
        self.core().audit()
    }

    /// Key rotation: re-encrypting personal data with the current key
    /// while older keys still read (see `core/keys.rs`).
    pub fn key_rotation(&self) -> KeyRotation<'_> {
        self.core().key_rotation()
    }

    /// Allotment: projects, plans, rounds, draws, calls, contracts, titles
    /// and abandonments. The concurrency notes are in `core/allotment/`.
    pub fn allotment(&self) -> Allotment<'_> {
        self.core().allotment()
    }

    /// Holdings: the holder register, yearly campaigns, cases, buybacks
    /// and the pool of homes that came back (`core/holdings/`).
    pub fn holdings(&self) -> Holdings<'_> {
        self.core().holdings()
    }

    /// Acquisition of existing homes: the room's documents and the
    /// companies' ledgers (`core/acquisition.rs`).
    pub fn acquisition(&self) -> Acquisition<'_> {
        self.core().acquisition()
    }

    /// Market regulation: monthly figures, land, parcels, developer
    /// projects and the append-only pre-sale fund ledger (`core/market.rs`).
    pub fn market(&self) -> Market<'_> {
        self.core().market()
    }

    /// Subsidies: applications, payment ledgers, the benefits register.
    pub fn subsidies(&self) -> Subsidies<'_> {
        self.core().subsidies()
    }

    /// Rentals: homes, evidence, offers, leases, the rent ledger and the
    /// dishonesty list (`core/rentals/`).
    pub fn rentals(&self) -> Rentals<'_> {
        self.core().rentals()
    }
}
