//! Nothing acknowledged is lost: 200 submissions are in flight when the
//! server is killed with SIGKILL; after a restart every submission that got
//! a 2xx answer is there and the audit chain verifies. On SQLite always, and
//! on PostgreSQL when ANJU_TEST_DATABASE_URL is set (a fresh database per
//! run, made with psql).

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn anju() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_anju"));
    c.env_remove("ANJU_POLICY_DIR")
        .env_remove("ANJU_DATABASE_URL")
        .env_remove("ANJU_DATA_KEY");
    c
}

struct Server {
    child: Child,
    addr: String,
}

fn start(dir: &Path, db: &str) -> Server {
    let mut child = anju()
        .args([
            "serve",
            "--demo",
            "--demo-households",
            "0",
            "--listen",
            "127.0.0.1:0",
            "--today",
            "2026-03-02",
            "--database-url",
            db,
            "--key-file",
        ])
        .arg(dir.join("anju.key"))
        .current_dir(dir)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut text = String::new();
    let mut buf = [0u8; 4096];
    while Instant::now() < deadline {
        let n = out.read(&mut buf).unwrap_or(0);
        if n == 0 {
            break;
        }
        text.push_str(&String::from_utf8_lossy(&buf[..n]));
        if let Some(i) = text.find("http://127.0.0.1:") {
            let addr: String = text[i + 7..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            // Keep draining stdout so the server never blocks on a full pipe.
            std::thread::spawn(move || while out.read(&mut buf).unwrap_or(0) > 0 {});
            return Server { child, addr };
        }
    }
    panic!("server did not start: {text}");
}

/// One HTTP/1.1 request; (status, set-cookie, body).
fn http(
    addr: &str,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> std::io::Result<(u16, Option<String>, String)> {
    let mut s = TcpStream::connect(addr)?;
    s.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut req = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes())?;
    let mut resp = Vec::new();
    s.read_to_end(&mut resp)?;
    let text = String::from_utf8_lossy(&resp).to_string();
    let status = text.get(9..12).and_then(|c| c.parse().ok()).unwrap_or(0);
    let cookie = text
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("set-cookie:"))
        .and_then(|l| l.split_once(':'))
        .map(|(_, v)| v.trim().split(';').next().unwrap_or("").to_string());
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    Ok((status, cookie, body))
}

fn login(addr: &str, user: &str) -> (String, String) {
    let (status, cookie, body) = http(
        addr,
        "POST",
        "/api/v1/session",
        &[("Content-Type", "application/json")],
        &format!(r#"{{"username":"{user}","password":"anju-demo-2026"}}"#),
    )
    .unwrap();
    assert_eq!(status, 200, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    (
        cookie.unwrap(),
        v["csrf_token"].as_str().unwrap().to_string(),
    )
}

fn resident_id(first17: &str) -> String {
    let mut digits = [0u8; 17];
    digits.copy_from_slice(&first17.as_bytes()[..17]);
    format!(
        "{first17}{}",
        anju_idcodes::ResidentId::check_char(&digits) as char
    )
}

fn submission(i: usize) -> String {
    let id = resident_id(&format!(
        "14030219{:02}{:02}{:02}{:03}",
        70 + i / 365 % 30,
        1 + i / 28 % 12,
        1 + i % 28,
        100 + i % 800
    ));
    serde_json::json!({
        "household": {"id": format!("kill-{i}"), "region": "140302", "members": [
            {"relation": "applicant", "name": "测试", "id_number": id, "resident": true, "employment": "employee", "labor_contract": true, "annual_income_yuan": 30000}
        ]},
        "materials": {"application_form": true, "member_count": 1, "identity_proofs": 1, "hukou_or_residence_proof": true, "marital_status": "unmarried",
                      "marriage_proof": true, "divorce_proof": false, "income": true, "social_insurance": true, "property_query": true},
        "signed_commitment": true, "consent_to_verification": true
    })
    .to_string()
}

fn kill_during_submissions(dir: &Path, db: &str) {
    let mut server = start(dir, db);
    let (cookie, csrf) = login(&server.addr, "community-140302");
    let addr = server.addr.clone();
    let acks = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let handles: Vec<_> = (0..200)
        .map(|i| {
            let (addr, cookie, csrf, acks) =
                (addr.clone(), cookie.clone(), csrf.clone(), acks.clone());
            std::thread::spawn(move || {
                let r = http(
                    &addr,
                    "POST",
                    "/api/v1/applications",
                    &[
                        ("Content-Type", "application/json"),
                        ("Cookie", &cookie),
                        ("X-CSRF-Token", &csrf),
                    ],
                    &submission(i),
                );
                match r {
                    Ok((status, _, body)) if (200..300).contains(&status) => {
                        acks.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                        Ok(Some(v["id"].as_str().unwrap().to_string()))
                    }
                    // Cut off by the kill: no answer, or an empty one.
                    Err(_) | Ok((0, _, _)) => Ok(None),
                    Ok((status, _, body)) => {
                        Err(format!("submission {i} refused with {status}: {body}"))
                    }
                }
            })
        })
        .collect();
    // Kill -9 once some submissions are acknowledged and the rest in flight.
    let deadline = Instant::now() + Duration::from_secs(60);
    while acks.load(std::sync::atomic::Ordering::SeqCst) < 20 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    server.child.kill().unwrap(); // SIGKILL on Unix
    server.child.wait().unwrap();
    let mut acknowledged = Vec::new();
    for h in handles {
        match h.join().unwrap() {
            Ok(Some(id)) => acknowledged.push(id),
            Ok(None) => {}
            Err(e) => panic!("{e}"),
        }
    }
    assert!(
        acknowledged.len() >= 20,
        "too few acknowledged before the kill: {}",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() < 200,
        "every submission finished before the kill: nothing was in flight"
    );

    let mut server = start(dir, db);
    let (cookie, _) = login(&server.addr, "community-140302");
    for id in &acknowledged {
        let (status, _, body) = http(
            &server.addr,
            "GET",
            &format!("/api/v1/applications/{id}"),
            &[("Cookie", &cookie)],
            "",
        )
        .unwrap();
        assert_eq!(
            status, 200,
            "acknowledged application {id} is missing after the crash: {body}"
        );
    }
    server.child.kill().ok();
    server.child.wait().ok();
    let verify = anju()
        .args(["audit", "verify", "--database-url", db, "--key-file"])
        .arg(dir.join("anju.key"))
        .output()
        .unwrap();
    assert!(
        verify.status.success(),
        "audit chain: {}",
        String::from_utf8_lossy(&verify.stdout)
    );
    println!("{db}: {} of 200 submissions acknowledged before SIGKILL; all present after restart; audit chain verified", acknowledged.len());
}

fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("anju-crash-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn sigkill_loses_no_acknowledged_submission_sqlite() {
    let dir = tempdir("sqlite");
    let db = format!("sqlite:{}", dir.join("anju.sqlite").display());
    kill_during_submissions(&dir, &db);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sigkill_loses_no_acknowledged_submission_postgres() {
    let Ok(url) = std::env::var("ANJU_TEST_DATABASE_URL") else {
        println!("ANJU_TEST_DATABASE_URL not set: PostgreSQL variant skipped");
        return;
    };
    let name = format!("anju_crash_{}", std::process::id());
    let psql = |sql: &str| {
        Command::new("psql")
            .args([url.as_str(), "-v", "ON_ERROR_STOP=1", "-qc", sql])
            .status()
    };
    match psql(&format!("CREATE DATABASE {name}")) {
        Ok(s) if s.success() => {}
        other => panic!("cannot create a database with psql ({other:?})"),
    }
    let base = url
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .unwrap_or(url.clone());
    let db = format!("{base}/{name}");
    let dir = tempdir("pg");
    kill_during_submissions(&dir, &db);
    std::fs::remove_dir_all(&dir).ok();
    let _ = psql(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
}
