//! Database faults through the whole server (issue 10, item 9): a private
//! PostgreSQL cluster is stopped (`pg_ctl stop -m immediate`, a crash as far
//! as clients can tell) and started again under 16 concurrent writers. While
//! it is away anju answers 503 `database_unavailable` with `Retry-After`
//! (API and pages), within the pool's acquire timeout, never 500 and never
//! hanging; afterwards it reconnects by itself, and every write it
//! acknowledged (201) is stored.
//!
//! The cluster is the test's own (`initdb` in a temporary directory, a free
//! port), never the machine's shared server. Without PostgreSQL's server
//! binaries (`/usr/lib/postgresql/*/bin`) the test says it was skipped.

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::StatusCode;

use crate::common::{Family, TestApp, D};

/// A PostgreSQL cluster of the test's own.
struct PrivatePg {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    as_postgres: bool,
    dir: tempfile::TempDir,
}

impl PrivatePg {
    /// Creates and starts a cluster, or `None` (saying so) when the server
    /// binaries are not installed.
    fn start() -> Option<PrivatePg> {
        let Some(bin) = server_binaries() else {
            eprintln!(
                "SKIPPED: no PostgreSQL server binaries in /usr/lib/postgresql/*/bin; \
                 the database restart test did not run"
            );
            return None;
        };
        let as_postgres = running_as_root();
        let dir = tempfile::tempdir().expect("temp dir");
        if as_postgres {
            // initdb refuses to run as root: the cluster belongs to the
            // `postgres` user.
            let ok = Command::new("chown")
                .args(["-R", "postgres:postgres"])
                .arg(dir.path())
                .status()
                .expect("chown")
                .success();
            assert!(ok, "chown the cluster directory to postgres");
        }
        let data = dir.path().join("data");
        let port = free_port();
        let pg = PrivatePg {
            bin,
            data,
            port,
            as_postgres,
            dir,
        };
        pg.run(
            "initdb",
            &[
                "-D",
                &pg.data.display().to_string(),
                "-U",
                "postgres",
                "-A",
                "trust",
                "-E",
                "UTF8",
                "--no-sync",
            ],
        );
        pg.start_again();
        Some(pg)
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }

    fn run(&self, tool: &str, args: &[&str]) {
        let program = self.bin.join(tool);
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let out = cmd.args(args).output().expect("run a PostgreSQL tool");
        assert!(
            out.status.success(),
            "{tool} {args:?}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    fn start_again(&self) {
        let opts = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c max_connections=60",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("server.log").display().to_string();
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data.display().to_string(),
                "-o",
                &opts,
                "-l",
                &log,
                "-w",
                "start",
            ],
        );
    }

    /// Stops the server as a crash would: no checkpoint, clients cut off.
    fn stop_immediately(&self) {
        self.run(
            "pg_ctl",
            &[
                "-D",
                &self.data.display().to_string(),
                "-m",
                "immediate",
                "-w",
                "stop",
            ],
        );
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        let program = self.bin.join("pg_ctl");
        let data = self.data.display().to_string();
        let mut cmd = if self.as_postgres {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(&program);
            c
        } else {
            Command::new(&program)
        };
        let _ = cmd.args(["-D", &data, "-m", "immediate", "stop"]).output();
    }
}

/// The newest `/usr/lib/postgresql/<version>/bin` with `initdb`.
fn server_binaries() -> Option<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found.pop().map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

fn free_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

#[derive(Default)]
struct Seen {
    acknowledged: Vec<String>,
    unavailable: usize,
    /// Anything but 201 and a well-formed 503: must stay empty.
    wrong: Vec<String>,
    slowest_refusal: Duration,
    last_ack: Option<Instant>,
}

fn check_unavailable(res: &crate::common::Resp, what: &str) -> Result<(), String> {
    if res.status != StatusCode::SERVICE_UNAVAILABLE {
        return Err(format!("{what}: {} {}", res.status, res.text()));
    }
    if res.header("retry-after").is_none() {
        return Err(format!("{what}: 503 without Retry-After"));
    }
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_restart_under_16_writers_answers_503_and_loses_nothing() {
    let Some(pg) = PrivatePg::start() else { return };
    let app = TestApp::postgres(&pg.url()).await;
    // Sixteen writers submit as one family account: the test is about the
    // database going away, not the one-application rule.
    app.allow_several_applications_per_account();
    let family = app.login("family").await;

    let seen = Arc::new(Mutex::new(Seen::default()));
    let stop = Arc::new(AtomicBool::new(false));
    let mut writers = Vec::new();
    for w in 0..16u32 {
        let (family, seen, stop) = (family.clone(), seen.clone(), stop.clone());
        writers.push(tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let f = Family::new(D, ["王建国", "李秀英"]);
                let started = Instant::now();
                let res = family
                    .post_json("/api/v1/applications", &f.submission())
                    .await;
                let took = started.elapsed();
                {
                    let mut s = seen.lock().expect("lock");
                    match res.status {
                        StatusCode::CREATED => {
                            let id = res.json()["id"].as_str().unwrap_or_default().to_owned();
                            s.acknowledged.push(id);
                            s.last_ack = Some(Instant::now());
                        }
                        StatusCode::SERVICE_UNAVAILABLE => {
                            s.unavailable += 1;
                            s.slowest_refusal = s.slowest_refusal.max(took);
                            let code = res.error()["code"].as_str().unwrap_or_default().to_owned();
                            if code != "database_unavailable" || res.header("retry-after").is_none()
                            {
                                s.wrong
                                    .push(format!("writer {w}: 503 {code} {}", res.text()));
                            }
                        }
                        other => s.wrong.push(format!("writer {w}: {other} {}", res.text())),
                    }
                }
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }));
    }

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let before = seen.lock().expect("lock").acknowledged.len();
    assert!(before > 0, "writes go through before the restart");

    pg.stop_immediately();
    let stopped = Instant::now();
    // Longer than the acquire timeout, so that requests that find the
    // database gone (not only those cut off mid-transaction) are refused.
    let away = anju_store::PgStore::ACQUIRE_TIMEOUT + Duration::from_secs(2);
    // The pages say so too.
    let (page, api) = tokio::join!(app.anon_get("/waitlist"), app.anon_get("/api/v1/waitlist"));
    let page_err = check_unavailable(&page, "GET /waitlist");
    let api_err = check_unavailable(&api, "GET /api/v1/waitlist");
    tokio::time::sleep(away.saturating_sub(stopped.elapsed())).await;
    let refused_while_away = seen.lock().expect("lock").unavailable;

    pg.start_again();
    let restarted = Instant::now();
    // anju reconnects by itself: writes are acknowledged again.
    loop {
        let last = seen.lock().expect("lock").last_ack;
        if last.is_some_and(|t| t > restarted) {
            break;
        }
        assert!(
            restarted.elapsed() < Duration::from_secs(20),
            "anju did not reconnect within 20 s of the restart"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let reconnect = restarted.elapsed();
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, Ordering::SeqCst);
    for w in writers {
        w.await.expect("writer");
    }

    let s = std::mem::take(&mut *seen.lock().expect("lock"));
    assert_eq!(
        s.wrong,
        Vec::<String>::new(),
        "only 201 and 503 database_unavailable"
    );
    page_err.expect("the page answers 503 while the database is away");
    assert!(page.text().contains("数据库暂时不可用"), "{}", page.text());
    api_err.expect("the API answers 503 while the database is away");
    assert_eq!(api.error()["code"], "database_unavailable");
    assert!(
        refused_while_away > 0,
        "writers were refused while the database was away"
    );
    assert!(
        s.slowest_refusal < anju_store::PgStore::ACQUIRE_TIMEOUT + Duration::from_secs(3),
        "a refusal took {:?}: requests must not hang while the database is away",
        s.slowest_refusal
    );

    // Every acknowledged write is there.
    let store = app.store();
    for id in &s.acknowledged {
        let app_id = anju_domain::ApplicationId::new(id.clone()).expect("id");
        let stored = store
            .applications()
            .load_application(&app_id)
            .await
            .expect("load");
        assert!(stored.is_some(), "acknowledged application {id} was lost");
    }
    let head = anju_domain::verify_chain_head(whole_log(&store).await).expect("chain");
    assert!(head.is_some());
    eprintln!(
        "restart: {} acknowledged ({} before the stop), {} refused with 503 (slowest {:?}), \
         reconnected {:?} after the restart",
        s.acknowledged.len(),
        before,
        s.unavailable,
        s.slowest_refusal,
        reconnect
    );
    drop(app);
    drop(pg);
}

async fn whole_log(store: &anju_store::AnyStore) -> Vec<anju_domain::AuditEntry> {
    let mut all: Vec<anju_domain::AuditEntry> = Vec::new();
    loop {
        let after = all.last().map_or(0, |e| e.seq);
        let page = store
            .audit()
            .audit_log(after, 500)
            .await
            .expect("audit log");
        if page.is_empty() {
            return all;
        }
        all.extend(page);
    }
}
