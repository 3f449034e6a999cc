//! The API test harness: the real router, in-process (`tower::ServiceExt::oneshot`),
//! over a fresh database per test — a temporary SQLite file always, and a
//! fresh PostgreSQL schema (dropped afterwards) when `ANJU_TEST_DATABASE_URL`
//! is set. Accounts are the demo accounts (`anju_server::demo::demo_accounts`)
//! plus `family2`, a second applicant family; everyone's password is
//! [`PASSWORD`].
#![allow(dead_code)] // each test file uses a different part

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

use anju_domain::{Role, UserId};
use anju_server::{AppState, Clock};
use anju_store::sqlx;
use anju_store::{AnyStore, AuditDraft, Crypto, NewUser};
use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, Method, Request, StatusCode};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use serde_json::{json, Value};
use tower::ServiceExt;

pub const PASSWORD: &str = anju_server::demo::DEMO_PASSWORD;
/// The income statistic the Yangquan document refers to but does not state.
pub const INCOME_STATISTIC: (&str, &str) = ("urban_disposable_income_per_capita", "40000");
/// 城区 and 矿区.
pub const D: &str = "140302";
pub const E: &str = "140303";

pub fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("valid date")
}

/// A Monday with five ordinary working days after it (notice ends Friday 6 March).
pub fn day0() -> NaiveDate {
    date("2026-03-02")
}

// ------------------------------------------------------------------ databases

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
            // Drop runs inside the test's runtime (or while panicking): use
            // a thread with a runtime of its own.
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

/// A fresh database with a store on it.
struct Db {
    store: AnyStore,
    target: Target,
    cleanup: Cleanup,
}

impl Db {
    async fn sqlite() -> Db {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("anju.sqlite");
        let store = AnyStore::connect(path.to_str().expect("utf-8 path"), fresh_key())
            .await
            .expect("sqlite store");
        assert_eq!(store.backend_name(), "sqlite");
        Db {
            store,
            target: Target::Sqlite { path },
            cleanup: Cleanup::Dir(dir),
        }
    }

    async fn postgres(admin_url: &str) -> Db {
        let schema = format!("anju_api_test_{}", &Crypto::generate_hex()[..16]);
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
        // The cleanup exists before anything else can fail.
        let cleanup = Cleanup::Schema {
            admin_url: admin_url.to_owned(),
            schema: schema.clone(),
        };
        let sep = if admin_url.contains('?') { '&' } else { '?' };
        let url = format!("{admin_url}{sep}options=-c%20search_path%3D{schema}");
        let store = AnyStore::connect(&url, fresh_key())
            .await
            .expect("postgres store");
        assert_eq!(store.backend_name(), "postgres");
        Db {
            store,
            target: Target::Postgres { url, schema },
            cleanup,
        }
    }
}

fn fresh_key() -> Crypto {
    Crypto::from_hex(&Crypto::generate_hex()).expect("valid key")
}

// ------------------------------------------------------------------ the app

/// One Argon2id hash of [`PASSWORD`] for every account (hashing is slow by
/// design; verifying at login is what the tests exercise).
fn password_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| anju_server::auth::hash_password(PASSWORD).expect("hash"))
}

/// The server over one fresh database. Cheap to clone.
#[derive(Clone)]
pub struct TestApp {
    inner: Arc<Inner>,
}

struct Inner {
    // The state every request is served with; replaced to move the clock.
    state: Mutex<AppState>,
    db: Db,
}

impl TestApp {
    /// On a fresh SQLite file.
    pub async fn sqlite() -> TestApp {
        TestApp::on(Db::sqlite().await).await
    }

    /// On a fresh PostgreSQL schema of `admin_url`.
    pub async fn postgres(admin_url: &str) -> TestApp {
        TestApp::on(Db::postgres(admin_url).await).await
    }

    /// The backends a test runs on: SQLite always, PostgreSQL when
    /// `ANJU_TEST_DATABASE_URL` is set. Each app has its own fresh database.
    pub async fn each_backend() -> Vec<TestApp> {
        let mut apps = vec![TestApp::sqlite().await];
        if let Ok(url) = std::env::var("ANJU_TEST_DATABASE_URL") {
            if !url.trim().is_empty() {
                apps.push(TestApp::postgres(url.trim()).await);
            }
        }
        apps
    }

    /// Like [`TestApp::each_backend`], with the server running another
    /// built-in policy and one parameter set (the city's statistic).
    pub async fn each_backend_under(policy: &str, set: (&str, &str)) -> Vec<TestApp> {
        let mut apps = vec![TestApp::on_policy(Db::sqlite().await, policy, set).await];
        if let Ok(url) = std::env::var("ANJU_TEST_DATABASE_URL") {
            if !url.trim().is_empty() {
                apps.push(TestApp::on_policy(Db::postgres(url.trim()).await, policy, set).await);
            }
        }
        apps
    }

    async fn on(db: Db) -> TestApp {
        TestApp::on_policy(db, "yangquan-2026", INCOME_STATISTIC).await
    }

    async fn on_policy(db: Db, policy: &str, set: (&str, &str)) -> TestApp {
        let policy = anju_policy::builtin(policy)
            .expect("built-in policy")
            .expect("policy loads");
        let overrides = vec![(set.0.to_owned(), set.1.to_owned())];
        let mut state = AppState::new(db.store.clone(), policy, overrides, Clock::pinned(day0()));
        // Every in-process request comes from 127.0.0.1: a test logs in more
        // accounts a minute than the per-address login limit allows.
        state.limiter = Arc::new(anju_server::auth::RateLimiter::new(
            "login",
            1_000_000,
            std::time::Duration::from_secs(60),
        ));
        // The server signs audit checkpoints, as a deployment with a
        // signing key does, into a folder of its own.
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        state.checkpoints = Some(Arc::new(anju_server::web::CheckpointSigning {
            key: [42u8; 32],
            dir: std::env::temp_dir()
                .join(format!("anju-test-checkpoints-{}-{n}", std::process::id())),
        }));
        let app = TestApp {
            inner: Arc::new(Inner {
                state: Mutex::new(state),
                db,
            }),
        };
        app.create_accounts().await;
        app
    }

    async fn create_accounts(&self) {
        let store = self.store();
        let system = UserId::new("system").expect("valid id");
        let mut accounts = anju_server::demo::demo_accounts();
        accounts.push((
            "family2".to_owned(),
            "另一申请家庭".to_owned(),
            Role::Applicant,
            None,
        ));
        // A family account holds one active application (article 10):
        // tests that need several families online use one account each.
        for n in 3..=12 {
            accounts.push((
                format!("family{n}"),
                format!("申请家庭{n}"),
                Role::Applicant,
                None,
            ));
        }
        for (username, display_name, role, district) in accounts {
            store
                .accounts()
                .create_user(
                    NewUser {
                        username: username.clone(),
                        display_name,
                        role,
                        district,
                        password_hash: password_hash().to_owned(),
                    },
                    AuditDraft {
                        at: self.state().clock.now(),
                        actor_user_id: system.clone(),
                        role: Role::CityBureau,
                        action: "user.create".into(),
                        subject: format!("user:{username}"),
                        detail: json!({"test": true}),
                    },
                )
                .await
                .expect("create account");
        }
    }

    pub fn backend(&self) -> &'static str {
        self.inner.db.store.backend_name()
    }

    pub fn store(&self) -> AnyStore {
        self.inner.db.store.clone()
    }

    pub fn state(&self) -> AppState {
        self.inner.state.lock().expect("state lock").clone()
    }

    /// Moves the server's civil date: later requests are served by a new
    /// router over a new `AppState` with the same store (and login limiter).
    pub fn set_today(&self, today: NaiveDate) {
        let mut st = self.inner.state.lock().expect("state lock");
        *st = AppState {
            clock: Clock::pinned(today),
            ..st.clone()
        };
    }

    /// Lets one family account hold several active applications: for tests
    /// that probe something else (roles, files, faults) with many
    /// applications and one family account. The rule itself is tested in
    /// `screening.rs` with it on.
    pub fn allow_several_applications_per_account(&self) {
        let mut st = self.inner.state.lock().expect("state lock");
        st.one_application_per_account = false;
    }

    /// Lets the server sign audit checkpoints into `dir`.
    pub fn sign_checkpoints(&self, dir: &std::path::Path) {
        let mut st = self.inner.state.lock().expect("state lock");
        st.checkpoints = Some(Arc::new(anju_server::web::CheckpointSigning {
            key: [42u8; 32],
            dir: dir.to_path_buf(),
        }));
    }

    /// Sends one request through the whole application.
    pub async fn send(&self, req: Request<Body>) -> Resp {
        let router = anju_server::router(self.state());
        let res = router.oneshot(req).await.expect("router is infallible");
        let status = res.status();
        let headers = res.headers().clone();
        let body = res.into_body().collect().await.expect("body").to_bytes();
        Resp {
            status,
            headers,
            body,
        }
    }

    pub async fn anon_get(&self, path: &str) -> Resp {
        self.send(request(Method::GET, path, &[], Body::empty()))
            .await
    }

    pub async fn anon_post_json(&self, path: &str, value: &Value) -> Resp {
        self.send(request(
            Method::POST,
            path,
            &[(header::CONTENT_TYPE.as_str(), "application/json")],
            Body::from(value.to_string()),
        ))
        .await
    }

    /// Signs in through `POST /api/v1/session`.
    pub async fn login(&self, username: &str) -> Session {
        let res = self
            .anon_post_json(
                "/api/v1/session",
                &json!({"username": username, "password": PASSWORD}),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::OK,
            "login {username}: {}",
            res.text()
        );
        let set_cookie = res
            .headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .expect("session cookie")
            .to_owned();
        let cookie = set_cookie
            .split(';')
            .next()
            .expect("cookie pair")
            .trim()
            .to_owned();
        assert!(cookie.starts_with("anju_session="), "{set_cookie}");
        assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
        let body = res.json();
        Session {
            app: self.clone(),
            username: username.to_owned(),
            cookie,
            csrf: body["csrf_token"].as_str().expect("csrf token").to_owned(),
            user: body["user"].clone(),
        }
    }

    /// The raw bytes the database holds: for SQLite the database file and
    /// its write-ahead log; for PostgreSQL every row of every table of the
    /// test schema, as text.
    pub async fn raw_database(&self) -> Vec<u8> {
        match &self.inner.db.target {
            Target::Sqlite { path } => {
                let mut all = Vec::new();
                for suffix in ["", "-wal"] {
                    if let Ok(bytes) = std::fs::read(format!("{}{suffix}", path.display())) {
                        all.extend(bytes);
                    }
                }
                assert!(!all.is_empty(), "no database file at {}", path.display());
                all
            }
            Target::Postgres { url, schema } => {
                let pool = sqlx::PgPool::connect(url).await.expect("raw postgres");
                let tables: Vec<String> = sqlx::query_scalar(
                    "SELECT table_name::text FROM information_schema.tables WHERE table_schema = $1",
                )
                .bind(schema)
                .fetch_all(&pool)
                .await
                .expect("tables");
                assert!(tables.iter().any(|t| t == "household_facts"), "{tables:?}");
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

    /// Runs one statement directly on the database, behind the server's
    /// back (to tamper with it).
    pub async fn raw_execute(&self, sql: &str) -> u64 {
        match &self.inner.db.target {
            Target::Sqlite { path } => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
                    .await
                    .expect("raw sqlite");
                let n = sqlx::query(sql)
                    .execute(&pool)
                    .await
                    .expect("raw statement")
                    .rows_affected();
                pool.close().await;
                n
            }
            Target::Postgres { url, .. } => {
                let pool = sqlx::PgPool::connect(url).await.expect("raw postgres");
                let n = sqlx::query(sql)
                    .execute(&pool)
                    .await
                    .expect("raw statement")
                    .rows_affected();
                pool.close().await;
                n
            }
        }
    }

    /// The household row of an application exactly as stored, as bytes
    /// (every column).
    pub async fn raw_household_row(&self, application_id: &str) -> Vec<u8> {
        use sqlx::Row as _;
        let sql = "SELECT application_id, key_version, nonce, ciphertext, updated_at \
                   FROM household_facts WHERE application_id = $1";
        let mut out = Vec::new();
        match &self.inner.db.target {
            Target::Sqlite { path } => {
                let pool = sqlx::SqlitePool::connect(&format!("sqlite:{}", path.display()))
                    .await
                    .expect("raw sqlite");
                let row = sqlx::query(sql)
                    .bind(application_id)
                    .fetch_one(&pool)
                    .await
                    .expect("household row");
                out.extend(row.get::<String, _>("application_id").into_bytes());
                out.extend(row.get::<Vec<u8>, _>("nonce"));
                out.extend(row.get::<Vec<u8>, _>("ciphertext"));
                out.extend(row.get::<String, _>("updated_at").into_bytes());
                pool.close().await;
            }
            Target::Postgres { url, .. } => {
                let pool = sqlx::PgPool::connect(url).await.expect("raw postgres");
                let row = sqlx::query(sql)
                    .bind(application_id)
                    .fetch_one(&pool)
                    .await
                    .expect("household row");
                out.extend(row.get::<String, _>("application_id").into_bytes());
                out.extend(row.get::<Vec<u8>, _>("nonce"));
                out.extend(row.get::<Vec<u8>, _>("ciphertext"));
                out.extend(row.get::<String, _>("updated_at").into_bytes());
                pool.close().await;
            }
        }
        out
    }
}

pub fn request(method: Method, path: &str, headers: &[(&str, &str)], body: Body) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path);
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(body).expect("valid request")
}

/// A signed-in account: its cookie and CSRF token.
#[derive(Clone)]
pub struct Session {
    pub app: TestApp,
    pub username: String,
    pub cookie: String,
    pub csrf: String,
    /// `user` as `POST /api/v1/session` returned it.
    pub user: Value,
}

impl Session {
    pub async fn get(&self, path: &str) -> Resp {
        self.get_with(path, &[]).await
    }

    pub async fn get_with(&self, path: &str, headers: &[(&str, &str)]) -> Resp {
        let mut h = vec![(header::COOKIE.as_str(), self.cookie.as_str())];
        h.extend_from_slice(headers);
        self.app
            .send(request(Method::GET, path, &h, Body::empty()))
            .await
    }

    /// POST of a JSON body with the session's CSRF token.
    pub async fn post_json(&self, path: &str, value: &Value) -> Resp {
        self.post_raw(
            path,
            "application/json",
            value.to_string().into_bytes(),
            &[("x-csrf-token", self.csrf.as_str())],
        )
        .await
    }

    /// POST of a JSON body without the CSRF header.
    pub async fn post_json_without_csrf(&self, path: &str, value: &Value) -> Resp {
        self.post_raw(
            path,
            "application/json",
            value.to_string().into_bytes(),
            &[],
        )
        .await
    }

    /// POST of a file (with the CSRF token), with an `Accept` header.
    pub async fn upload(&self, path: &str, bytes: &[u8], accept: &str) -> Resp {
        self.post_raw(
            path,
            "text/csv",
            bytes.to_vec(),
            &[("x-csrf-token", self.csrf.as_str()), ("accept", accept)],
        )
        .await
    }

    pub async fn post_raw(
        &self,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
        headers: &[(&str, &str)],
    ) -> Resp {
        let mut h = vec![
            (header::COOKIE.as_str(), self.cookie.as_str()),
            (header::CONTENT_TYPE.as_str(), content_type),
        ];
        h.extend_from_slice(headers);
        self.app
            .send(request(Method::POST, path, &h, Body::from(body)))
            .await
    }

    /// A page form's POST (urlencoded, with the session's `_csrf` field).
    pub async fn post_form(&self, path: &str, pairs: &[(&str, &str)]) -> Resp {
        let body: Vec<String> = pairs
            .iter()
            .copied()
            .chain([("_csrf", self.csrf.as_str())])
            .map(|(k, v)| format!("{k}={}", enc(v)))
            .collect();
        self.post_raw(
            path,
            "application/x-www-form-urlencoded",
            body.join("&").into_bytes(),
            &[],
        )
        .await
    }

    /// PUT of a JSON body with the CSRF header.
    pub async fn put_json(&self, path: &str, value: &Value) -> Resp {
        let h = [
            (header::COOKIE.as_str(), self.cookie.as_str()),
            (header::CONTENT_TYPE.as_str(), "application/json"),
            ("x-csrf-token", self.csrf.as_str()),
        ];
        self.app
            .send(request(
                Method::PUT,
                path,
                &h,
                Body::from(value.to_string()),
            ))
            .await
    }

    pub async fn delete(&self, path: &str) -> Resp {
        let h = [
            (header::COOKIE.as_str(), self.cookie.as_str()),
            ("x-csrf-token", self.csrf.as_str()),
        ];
        self.app
            .send(request(Method::DELETE, path, &h, Body::empty()))
            .await
    }

    /// Takes an action on an application.
    pub async fn act(&self, id: &str, action: Value) -> Resp {
        self.post_json(&format!("/api/v1/applications/{id}/actions"), &action)
            .await
    }

    /// Takes an action that must succeed; returns the application after it.
    pub async fn act_ok(&self, id: &str, action: Value) -> Value {
        let res = self.act(id, action.clone()).await;
        assert_eq!(
            res.status,
            StatusCode::OK,
            "{} {action}: {}",
            self.username,
            res.text()
        );
        res.json()
    }

    /// Submits an application that must be accepted; returns its id.
    pub async fn submit_ok(&self, body: &Value) -> String {
        let res = self.post_json("/api/v1/applications", body).await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "{} submits: {}",
            self.username,
            res.text()
        );
        res.json()["id"]
            .as_str()
            .expect("application id")
            .to_owned()
    }

    /// The application as the detail view returns it (must be visible).
    pub async fn detail(&self, id: &str) -> Value {
        let res = self.get(&format!("/api/v1/applications/{id}")).await;
        assert_eq!(
            res.status,
            StatusCode::OK,
            "{} reads {id}: {}",
            self.username,
            res.text()
        );
        res.json()
    }
}

/// A response, read to the end.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!(
                "{} response is not JSON ({e}): {}",
                self.status,
                self.text()
            )
        })
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The `{"error": {...}}` body of a refusal, checked for shape.
    pub fn error(&self) -> Value {
        let v = self.json();
        let e = v["error"].clone();
        assert!(
            e["code"].as_str().is_some_and(|c| !c.is_empty()),
            "error without code: {v}"
        );
        assert!(
            e["message"].as_str().is_some_and(|m| !m.is_empty()),
            "error without message: {v}"
        );
        e
    }
}

/// Percent-encodes a form value.
pub fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

// ------------------------------------------------------------------ fixtures

/// A valid GB 11643 resident ID of `region`, born on `birth`, unique within
/// the test process.
pub fn resident_id(region: &str, birth: &str, male: bool) -> String {
    static SEQ: AtomicU32 = AtomicU32::new(0);
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    // Order code: three digits, the last odd for men and even for women;
    // never 000, which is not assigned (GB 11643: a woman's 000 was
    // generated every 500th id before, and refused).
    let order = (n % 499 + 1) * 2 + u32::from(male);
    let birth = birth.replace('-', "");
    // A different day every 499 ids keeps them unique.
    let day = NaiveDate::parse_from_str(&birth, "%Y%m%d").expect("birth date")
        + chrono::Duration::days(i64::from(n / 499));
    let first17 = format!("{region}{}{order:03}", day.format("%Y%m%d"));
    let mut b = [0u8; 17];
    b.copy_from_slice(first17.as_bytes());
    format!(
        "{first17}{}",
        anju_idcodes::ResidentId::check_char(&b) as char
    )
}

/// The same ID with a wrong check character.
pub fn with_bad_check(id: &str) -> String {
    let (first17, check) = id.split_at(17);
    let wrong = if check == "0" { "1" } else { "0" };
    format!("{first17}{wrong}")
}

/// `140302********1234`.
pub fn masked_id(id: &str) -> String {
    format!("{}********{}", &id[..6], &id[14..])
}

/// A family of two that the Yangquan policy finds eligible (no home, per
/// capita income 30 000 < 40 000), with fresh resident IDs.
#[derive(Clone, Debug)]
pub struct Family {
    pub household: Value,
    pub names: [String; 2],
    pub ids: [String; 2],
}

impl Family {
    pub fn new(region: &str, names: [&str; 2]) -> Family {
        let ids = [
            resident_id(region, "1988-05-12", true),
            resident_id(region, "1990-08-20", false),
        ];
        Family::with_ids(region, names, [ids[0].as_str(), ids[1].as_str()])
    }

    pub fn with_ids(region: &str, names: [&str; 2], ids: [&str; 2]) -> Family {
        static N: AtomicU32 = AtomicU32::new(0);
        let n = N.fetch_add(1, Ordering::Relaxed);
        let household = json!({
            "id": format!("h-{n}"),
            "region": region,
            "members": [
                {"relation": "applicant", "name": names[0], "id_number": ids[0], "married": true,
                 "resident": true, "hukou_local": true, "residence_years": 6, "employment": "employee",
                 "labor_contract": true, "social_insurance_months": 60, "annual_income_yuan": 40000},
                {"relation": "spouse", "name": names[1], "id_number": ids[1], "married": true,
                 "resident": true, "hukou_local": true, "employment": "flexible", "annual_income_yuan": 20000}
            ],
            "housing": {"owned_homes": 0, "owned_floor_area_m2": 0, "affordable_homes_owned": 0},
            "history": {"property_transfer_dates": [], "abandonments": []}
        });
        Family {
            household,
            names: [names[0].to_owned(), names[1].to_owned()],
            ids: [ids[0].to_owned(), ids[1].to_owned()],
        }
    }

    /// The submission body: the household, every article 13 item, both
    /// commitments.
    pub fn submission(&self) -> Value {
        submission(&self.household)
    }
}

pub fn submission(household: &Value) -> Value {
    let members = household["members"].as_array().map_or(1, Vec::len);
    json!({
        "household": household,
        "materials": materials(members),
        "signed_commitment": true,
        "consent_to_verification": true,
    })
}

pub fn materials(members: usize) -> Value {
    json!({
        "application_form": true, "member_count": members, "identity_proofs": members,
        "hukou_or_residence_proof": true, "marital_status": "married", "marriage_proof": true,
        "divorce_proof": false, "income": true, "social_insurance": true, "property_query": true,
    })
}

pub const DEPARTMENTS: [&str; 5] = [
    "public_security",
    "civil_affairs",
    "natural_resources",
    "human_resources",
    "provident_fund",
];

/// The state code of an application as the API returns it.
pub fn status(app: &Value) -> &str {
    app["status"].as_str().unwrap_or("?")
}
