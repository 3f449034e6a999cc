//! Helpers shared by the tests that run real `anju` processes: start a
//! server, speak HTTP/1.1 to it, sign in, and make a fresh PostgreSQL
//! database with psql.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn anju() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_anju"));
    c.env_remove("ANJU_POLICY_DIR")
        .env_remove("ANJU_DATABASE_URL")
        .env_remove("ANJU_DATA_KEY");
    c
}

pub struct Server {
    pub child: Child,
    pub addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `anju serve --demo --demo-households N` on a free port.
pub fn start(dir: &Path, db: &str, demo_households: usize) -> Server {
    let households = demo_households.to_string();
    start_with(
        dir,
        db,
        &["--demo", "--demo-households", households.as_str()],
    )
}

/// Starts `anju serve` with `extra` arguments on a free port.
pub fn start_with(dir: &Path, db: &str, extra: &[&str]) -> Server {
    let mut child = anju()
        .arg("serve")
        .args(extra)
        .args([
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
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start: {text}");
}

/// One HTTP/1.1 request; (status, set-cookie, body).
pub fn http(
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

pub fn login(addr: &str, user: &str) -> (String, String) {
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

pub fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("anju-test-{tag}-{}", std::process::id()));
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// A fresh database on the server of `ANJU_TEST_DATABASE_URL`, made with
/// psql; `None` (and a note) when the variable is not set. Dropped when the
/// guard goes.
pub fn fresh_pg_database(tag: &str) -> Option<PgDatabase> {
    let Ok(url) = std::env::var("ANJU_TEST_DATABASE_URL") else {
        println!("ANJU_TEST_DATABASE_URL not set: PostgreSQL variant skipped");
        return None;
    };
    let name = format!("anju_{tag}_{}", std::process::id());
    match psql(&url, &format!("CREATE DATABASE {name}")) {
        Ok(s) if s.success() => {}
        other => panic!("cannot create a database with psql ({other:?})"),
    }
    let base = url
        .rsplit_once('/')
        .map(|(b, _)| b.to_string())
        .unwrap_or(url.clone());
    Some(PgDatabase {
        admin_url: url,
        name: name.clone(),
        url: format!("{base}/{name}"),
    })
}

fn psql(url: &str, sql: &str) -> std::io::Result<std::process::ExitStatus> {
    Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qc", sql])
        .status()
}

/// Runs one query on `url` with psql and returns its unaligned output.
pub fn psql_query(url: &str, sql: &str) -> String {
    let out = Command::new("psql")
        .args([url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql])
        .output()
        .expect("psql runs");
    assert!(
        out.status.success(),
        "psql {sql}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

pub struct PgDatabase {
    admin_url: String,
    name: String,
    pub url: String,
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let _ = psql(
            &self.admin_url,
            &format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name),
        );
    }
}
