//! The test harness: one fresh database per test, on SQLite always and on
//! PostgreSQL when `ANJU_TEST_DATABASE_URL` is set (each test in its own
//! schema, dropped afterwards); and domain fixtures that build real events
//! with `anju_domain::submit` and `apply`.
#![allow(dead_code)] // each test uses a different part

use std::num::NonZeroU8;
use std::path::PathBuf;

use anju_domain::*;
use anju_store::sqlx::{self, Row as _};
use anju_store::{AnyStore, AuditDraft, Crypto, PgStore, SqliteStore, StoreError};
use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};

pub const D: &str = "140302";
pub const E: &str = "140303";

/// A fresh database and a store on it.
pub struct TestDb {
    pub store: AnyStore,
    pub key_hex: String,
    pub target: Target,
    // Dropped last: removes the database after the stores are gone.
    _cleanup: Cleanup,
}

pub enum Target {
    Sqlite { path: PathBuf },
    Postgres { url: String, schema: String },
}

enum Cleanup {
    Dir(#[allow(dead_code)] tempfile::TempDir),
    Schema { admin_url: String, schema: String },
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        if let Cleanup::Schema { admin_url, schema } = self {
            let (url, schema) = (admin_url.clone(), schema.clone());
            // Drop can run inside the test's runtime (or while panicking):
            // use a thread with its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                rt.block_on(async {
                    let pool = sqlx::postgres::PgPoolOptions::new()
                        .max_connections(1)
                        .connect(&url)
                        .await
                        .ok()?;
                    sqlx::query(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"))
                        .execute(&pool)
                        .await
                        .ok()?;
                    pool.close().await;
                    Some(())
                })
            })
            .join();
        }
    }
}

impl TestDb {
    pub async fn sqlite() -> TestDb {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("anju.sqlite");
        let key_hex = Crypto::generate_hex();
        let store = AnyStore::connect(path.to_str().expect("utf-8 path"), crypto(&key_hex))
            .await
            .expect("sqlite store");
        assert_eq!(store.backend_name(), "sqlite");
        TestDb {
            store,
            key_hex,
            target: Target::Sqlite { path },
            _cleanup: Cleanup::Dir(dir),
        }
    }

    pub async fn postgres(admin_url: &str) -> TestDb {
        let schema = format!("anju_test_{}", &Crypto::generate_hex()[..16]);
        let admin = sqlx::postgres::PgPoolOptions::new()
            .max_connections(1)
            .connect(admin_url)
            .await
            .expect("connect to ANJU_TEST_DATABASE_URL");
        sqlx::query(&format!("CREATE SCHEMA {schema}"))
            .execute(&admin)
            .await
            .expect("create schema");
        admin.close().await;
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}");
        let key_hex = Crypto::generate_hex();
        let cleanup = Cleanup::Schema {
            admin_url: admin_url.to_owned(),
            schema: schema.clone(),
        };
        let store = AnyStore::connect(&url, crypto(&key_hex))
            .await
            .expect("postgres store");
        assert_eq!(store.backend_name(), "postgres");
        TestDb {
            store,
            key_hex,
            target: Target::Postgres { url, schema },
            _cleanup: cleanup,
        }
    }

    pub fn name(&self) -> &'static str {
        self.store.backend_name()
    }

    /// Another store on the same database, with its own connections: what
    /// a second anju process would be.
    pub async fn another_process(&self) -> AnyStore {
        self.another_process_with_key(&self.key_hex).await
    }

    pub async fn another_process_with_key(&self, key_hex: &str) -> AnyStore {
        self.another_process_with_crypto(crypto(key_hex)).await
    }

    /// Another process holding these keys (e.g. a key ring mid-rotation).
    pub async fn another_process_with_crypto(&self, keys: Crypto) -> AnyStore {
        match &self.target {
            Target::Sqlite { path } => AnyStore::Sqlite(
                SqliteStore::connect(&format!("sqlite:{}", path.display()), keys)
                    .await
                    .expect("second sqlite store"),
            ),
            Target::Postgres { url, .. } => AnyStore::Postgres(
                PgStore::connect(url, keys)
                    .await
                    .expect("second postgres store"),
            ),
        }
    }

    /// Runs `sql` outside the store, as someone with the database would,
    /// and tells whether the database refused it (its message): for
    /// constraints and triggers.
    pub async fn raw_try_execute(&self, sql: &str) -> Result<u64, String> {
        let r = match &self.target {
            Target::Sqlite { path } => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
                    .await
                    .expect("raw sqlite");
                let r = sqlx::query(sql).execute(&pool).await;
                pool.close().await;
                r.map(|d| d.rows_affected())
            }
            Target::Postgres { url, .. } => {
                let pool = sqlx::PgPool::connect(url).await.expect("raw postgres");
                let r = sqlx::query(sql).execute(&pool).await;
                pool.close().await;
                r.map(|d| d.rows_affected())
            }
        };
        r.map_err(|e| e.to_string())
    }

    /// Runs `sql` with plain SQL, as someone with the database would
    /// (tampering tests); rows affected. The statement must succeed.
    pub async fn raw_execute(&self, sql: &str) -> u64 {
        match self.raw_try_execute(sql).await {
            Ok(n) => n,
            Err(e) => panic!("{sql}: {e}"),
        }
    }

    /// The stored nonce and ciphertext of an application's household, read
    /// with plain SQL.
    pub async fn raw_household(&self, id: &str) -> (Vec<u8>, Vec<u8>) {
        let sql = "SELECT nonce, ciphertext FROM household_facts WHERE application_id = $1";
        match &self.target {
            Target::Sqlite { path } => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
                    .await
                    .expect("raw sqlite");
                let row = sqlx::query(sql)
                    .bind(id)
                    .fetch_one(&pool)
                    .await
                    .expect("row");
                pool.close().await;
                (row.get("nonce"), row.get("ciphertext"))
            }
            Target::Postgres { url, .. } => {
                let pool = sqlx::PgPool::connect(url).await.expect("raw postgres");
                let row = sqlx::query(sql)
                    .bind(id)
                    .fetch_one(&pool)
                    .await
                    .expect("row");
                pool.close().await;
                (row.get("nonce"), row.get("ciphertext"))
            }
        }
    }

    /// Runs one statement with text parameters, with plain SQL (to put the
    /// database in a state an older version of anju wrote).
    pub async fn raw_execute_bound(&self, sql: &str, texts: &[&str]) {
        match &self.target {
            Target::Sqlite { path } => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
                    .await
                    .expect("raw sqlite");
                let mut q = sqlx::query(sql);
                for t in texts {
                    q = q.bind(*t);
                }
                q.execute(&pool).await.expect("raw statement");
                pool.close().await;
            }
            Target::Postgres { url, .. } => {
                let pool = sqlx::PgPool::connect(url).await.expect("raw postgres");
                let mut q = sqlx::query(sql);
                for t in texts {
                    q = q.bind(*t);
                }
                q.execute(&pool).await.expect("raw statement");
                pool.close().await;
            }
        }
    }

    /// Everything the database holds, as bytes: the SQLite files, or every
    /// row of every table of the test schema as text.
    pub async fn everything(&self) -> Vec<u8> {
        match &self.target {
            Target::Sqlite { path } => {
                let mut all = Vec::new();
                for suffix in ["", "-wal"] {
                    let p = PathBuf::from(format!("{}{suffix}", path.display()));
                    if let Ok(bytes) = std::fs::read(&p) {
                        all.extend(bytes);
                    }
                }
                all
            }
            Target::Postgres { url, schema } => {
                let pool = sqlx::PgPool::connect(url).await.expect("raw postgres");
                let tables: Vec<String> =
                    sqlx::query_scalar("SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1")
                        .bind(schema)
                        .fetch_all(&pool)
                        .await
                        .expect("tables");
                assert!(tables.len() >= 10, "tables of {schema}: {tables:?}");
                let mut all = Vec::new();
                for t in tables {
                    let rows: Vec<String> =
                        sqlx::query_scalar(&format!("SELECT t::text FROM {schema}.{t} t"))
                            .fetch_all(&pool)
                            .await
                            .expect("rows");
                    for r in rows {
                        all.extend(r.into_bytes());
                        all.push(b'\n');
                    }
                }
                pool.close().await;
                all
            }
        }
    }
}

pub fn crypto(key_hex: &str) -> Crypto {
    Crypto::from_hex(key_hex).expect("valid key")
}

/// SQLite always; PostgreSQL too when `ANJU_TEST_DATABASE_URL` is set.
pub async fn backends() -> Vec<TestDb> {
    let mut dbs = vec![TestDb::sqlite().await];
    if let Ok(url) = std::env::var("ANJU_TEST_DATABASE_URL") {
        if !url.trim().is_empty() {
            dbs.push(TestDb::postgres(url.trim()).await);
        }
    }
    dbs
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

// ------------------------------------------------------------ domain fixtures

pub fn code(s: &str) -> DistrictCode {
    DistrictCode::parse(s).expect("valid district")
}

pub fn uid(s: &str) -> UserId {
    UserId::new(s).expect("valid user id")
}

pub fn actor(user: &str, role: Role, district: Option<&str>) -> Actor {
    Actor::new(uid(user), role, district.map(code)).expect("valid actor")
}

pub fn family(n: u32) -> Actor {
    actor(&format!("family-{n}"), Role::Applicant, None)
}
pub fn street(d: &str) -> Actor {
    actor(&format!("street-{d}"), Role::Street, Some(d))
}
pub fn bureau(d: &str) -> Actor {
    actor(&format!("bureau-{d}"), Role::DistrictBureau, Some(d))
}
pub fn verifier(dept: Department) -> Actor {
    actor(
        &format!("verifier-{}", dept.code()),
        Role::Verifier(dept),
        None,
    )
}

pub fn t0() -> Timestamp {
    Timestamp::parse("2026-03-02T09:00:00+08:00").expect("valid")
}

pub fn after(t: Timestamp, minutes: i64) -> Timestamp {
    Timestamp::from_datetime(&(t.to_utc() + Duration::minutes(minutes)))
}

pub fn text(s: &str) -> NonEmptyText {
    NonEmptyText::new(s).expect("non-empty")
}

pub fn draft(at: Timestamp, who: &Actor, action: &str, subject: &str, detail: Value) -> AuditDraft {
    AuditDraft {
        at,
        actor_user_id: who.user_id().clone(),
        role: who.role(),
        action: action.to_owned(),
        subject: subject.to_owned(),
        detail,
    }
}

pub fn admin_draft(action: &str, subject: &str) -> AuditDraft {
    draft(
        t0(),
        &actor("admin", Role::CityBureau, None),
        action,
        subject,
        json!({}),
    )
}

/// A household with two named members and their resident IDs.
pub fn household(id: &str, d: &str, names: [&str; 2], ids: [&str; 2]) -> Value {
    json!({
        "id": id,
        "region": d,
        "members": [
            {"relation": "applicant", "name": names[0], "id_number": ids[0], "married": true, "resident": true,
             "residence_years": 6, "employment": "employee", "labor_contract": true,
             "social_insurance_months": 36, "annual_income_yuan": 52000},
            {"relation": "spouse", "name": names[1], "id_number": ids[1], "married": true, "resident": true,
             "employment": "flexible", "annual_income_yuan": 30000}
        ],
        "housing": {"owned_homes": 0}
    })
}

fn materials() -> MaterialsChecklist {
    MaterialsChecklist {
        application_form: true,
        member_count: 2,
        identity_proofs: 2,
        hukou_or_residence_proof: true,
        marital_status: MaritalStatus::Married,
        marriage_proof: true,
        divorce_proof: false,
        income: true,
        social_insurance: true,
        property_query: true,
    }
}

fn citation() -> Citation {
    Citation::new("阳政办发〔2026〕2号", "第十条（一）2", "10.1.2").expect("valid citation")
}

pub fn eligible_decision(as_of: NaiveDate) -> DecisionRecord {
    DecisionRecord::new(DecisionParts {
        eligible: true,
        categories: vec![text("wage_all"), text("wage_low_income")],
        tier: NonZeroU8::new(1),
        scope: Some(Scope::City),
        priority: false,
        obligations: vec![],
        reasons: vec![DecisionReason {
            rule: text("housing_difficulty"),
            category: Some(text("wage_low_income")),
            passed: true,
            message: text("家庭在本市无房"),
            citation: citation(),
        }],
        policy_id: text("yangquan-2026"),
        policy_digest: PolicyDigest::new(format!("sha256:{}", "ab".repeat(32))).expect("digest"),
        as_of,
    })
    .expect("consistent decision")
}

/// An application being driven through its life, each step stored.
#[derive(Clone)]
pub struct Flow {
    pub app: Application,
    pub now: Timestamp,
    pub household: Value,
}

impl Flow {
    /// Submits online for `family(n)` in district `d`, with two members
    /// whose IDs are `ids`.
    pub async fn submit(
        store: &AnyStore,
        app_id: &str,
        d: &str,
        n: u32,
        names: [&str; 2],
        ids: [&str; 2],
    ) -> Result<Flow, StoreError> {
        Flow::submit_at(store, app_id, d, n, names, ids, t0()).await
    }

    /// Like [`Flow::submit`], at `at`.
    pub async fn submit_at(
        store: &AnyStore,
        app_id: &str,
        d: &str,
        n: u32,
        names: [&str; 2],
        ids: [&str; 2],
        at: Timestamp,
    ) -> Result<Flow, StoreError> {
        let who = family(n);
        let submission = Submission {
            household_id: HouseholdId::new(format!("h-{app_id}")).expect("valid"),
            district: code(d),
            applicant_account: None,
            materials: materials(),
            signed_commitment: true,
            consent_to_verification: true,
        };
        let cleared = screen_submission(&DuplicateCheck::Clear, None, at.date()).expect("clear");
        let first = submit(
            ApplicationId::new(app_id).expect("valid"),
            submission,
            cleared,
            &who,
            at,
        )
        .expect("submits");
        let app = Application::open(&first).expect("opens");
        let household = household(&format!("h-{app_id}"), d, names, ids);
        let member_ids: Vec<String> = ids.iter().map(|s| s.to_string()).collect();
        store
            .applications()
            .create_application(
                &app,
                &first,
                &household,
                &member_ids,
                &mask_name(names[0]),
                &format!("{}********{}", &ids[0][..6], &ids[0][14..]),
                draft(
                    at,
                    &who,
                    &first.audit_action(),
                    &first.audit_subject(),
                    json!({"seq": 1}),
                ),
            )
            .await?;
        Ok(Flow {
            app,
            now: at,
            household,
        })
    }

    /// Takes `action` as `who` one hour after the last step, and stores it.
    pub async fn act(
        &mut self,
        store: &AnyStore,
        action: Action,
        who: &Actor,
    ) -> Result<(), StoreError> {
        let at = after(self.now, 60);
        self.act_at(store, action, who, at, None).await
    }

    pub async fn act_at(
        &mut self,
        store: &AnyStore,
        action: Action,
        who: &Actor,
        at: Timestamp,
        household: Option<Value>,
    ) -> Result<(), StoreError> {
        let event = apply(&self.app, &action, who, at)
            .unwrap_or_else(|e| panic!("{action:?} refused: {e}"));
        let next = self.app.with(&event).expect("folds");
        let audit = draft(
            at,
            who,
            &event.audit_action(),
            &event.audit_subject(),
            json!({"seq": event.seq}),
        );
        store
            .applications()
            .append_event(&event, &next, household.as_ref(), audit)
            .await?;
        self.app = next;
        self.now = at;
        if let Some(h) = household {
            self.household = h;
        }
        Ok(())
    }

    pub async fn verify_all(&mut self, store: &AnyStore) {
        let d = self.app.district().as_str().to_owned();
        self.act(store, Action::StreetPass, &street(&d))
            .await
            .expect("street pass");
        for dept in Department::ALL {
            let action = Action::DepartmentConfirm {
                department: dept,
                corrections: vec![],
            };
            self.act(store, action, &verifier(dept))
                .await
                .expect("confirm");
        }
    }

    /// From Submitted to Qualified, storing every step.
    pub async fn qualify(&mut self, store: &AnyStore) {
        let d = self.app.district().as_str().to_owned();
        self.verify_all(store).await;
        let today = after(self.now, 60).date();
        self.act(
            store,
            Action::RecordDecision(eligible_decision(today)),
            &bureau(&d),
        )
        .await
        .expect("decision");
        let start = self.now.date() + Duration::days(1);
        self.act(
            store,
            Action::StartNotice {
                start,
                end: start + Duration::days(6),
            },
            &bureau(&d),
        )
        .await
        .expect("notice");
        let at = Timestamp::from_shanghai(
            (start + Duration::days(7))
                .and_hms_opt(9, 0, 0)
                .expect("time"),
        )
        .expect("time");
        self.act_at(store, Action::Qualify, &bureau(&d), at, None)
            .await
            .expect("qualify");
    }
}

/// A resident ID for test member `n` (the store does not validate IDs).
pub fn rid(n: u32) -> String {
    format!("1403021990{n:07}X")
}
