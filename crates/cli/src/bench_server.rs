//! `anju bench server`: submissions per second with p50/p99 latency under
//! concurrent load, and API read throughput — against a real anju server on
//! loopback (started in this process on a fresh database unless --url is
//! given). Requests go over persistent HTTP/1.1 connections written by hand
//! here, to keep the load generator cheaper than the server it measures.

use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

use crate::Fail;

pub struct Conn {
    stream: BufReader<TcpStream>,
    host: String,
}

impl Conn {
    pub async fn open(addr: &str) -> Result<Conn, Fail> {
        let s = TcpStream::connect(addr)
            .await
            .map_err(|e| Fail(format!("{addr}: {e}")))?;
        s.set_nodelay(true).ok();
        Ok(Conn {
            stream: BufReader::new(s),
            host: addr.to_string(),
        })
    }

    /// Sends one request on the kept-alive connection; returns (status, body).
    pub async fn request(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(u16, Vec<u8>, Option<String>), Fail> {
        let (status, body, cookie, _) = self.exchange(method, path, headers, body, true).await?;
        Ok((status, body, cookie))
    }

    /// A GET whose answer is counted and dropped as it arrives: how a
    /// large export is measured without the client's copy of it counting
    /// in the memory figures. Returns (status, bytes received).
    pub async fn get_discarding(
        &mut self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> Result<(u16, usize), Fail> {
        let (status, _, _, n) = self.exchange("GET", path, headers, b"", false).await?;
        Ok((status, n))
    }

    async fn exchange(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
        keep: bool,
    ) -> Result<(u16, Vec<u8>, Option<String>, usize), Fail> {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.host,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        let io = |e: std::io::Error| Fail(format!("http: {e}"));
        self.stream.get_mut().write_all(&bytes).await.map_err(io)?;
        let mut line = String::new();
        self.stream.read_line(&mut line).await.map_err(io)?;
        let status: u16 = line
            .get(9..12)
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| Fail(format!("bad status line {line:?}")))?;
        let mut len = 0usize;
        let mut chunked = false;
        let mut cookie = None;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.map_err(io)?;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let k = k.to_ascii_lowercase();
                if k == "content-length" {
                    len = v.trim().parse().unwrap_or(0);
                } else if k == "transfer-encoding" && v.trim().eq_ignore_ascii_case("chunked") {
                    chunked = true;
                } else if k == "set-cookie" {
                    // Every cookie set, as one Cookie header sends them back
                    // (sign-in sets the session and the device cookie).
                    let pair = v.trim().split(';').next().unwrap_or("").to_string();
                    cookie = Some(match cookie {
                        Some(c) => format!("{c}; {pair}"),
                        None => pair,
                    });
                }
            }
        }
        let mut body = Vec::new();
        let mut received = 0usize;
        if chunked {
            // A streamed response (exports): chunk sizes in hex, then a
            // zero-size chunk and an empty trailer line.
            loop {
                line.clear();
                self.stream.read_line(&mut line).await.map_err(io)?;
                let size = usize::from_str_radix(line.trim().split(';').next().unwrap_or("0"), 16)
                    .map_err(|e| Fail(format!("bad chunk size {line:?}: {e}")))?;
                self.read_body(size, keep, &mut body).await?;
                received += size;
                line.clear();
                self.stream.read_line(&mut line).await.map_err(io)?;
                if size == 0 {
                    return Ok((status, body, cookie, received));
                }
            }
        }
        self.read_body(len, keep, &mut body).await?;
        Ok((status, body, cookie, len))
    }

    /// Reads `n` bytes of a body: appended to `body`, or dropped 64 KiB at
    /// a time.
    async fn read_body(&mut self, n: usize, keep: bool, body: &mut Vec<u8>) -> Result<(), Fail> {
        let io = |e: std::io::Error| Fail(format!("http: {e}"));
        if keep {
            let start = body.len();
            body.resize(start + n, 0);
            self.stream
                .read_exact(&mut body[start..])
                .await
                .map_err(io)?;
            return Ok(());
        }
        let mut buf = vec![0u8; 64 * 1024];
        let mut left = n;
        while left > 0 {
            let take = left.min(buf.len());
            self.stream.read_exact(&mut buf[..take]).await.map_err(io)?;
            left -= take;
        }
        Ok(())
    }
}

fn resident_id(first17: &str) -> String {
    let mut digits = [0u8; 17];
    digits.copy_from_slice(&first17.as_bytes()[..17]);
    format!(
        "{first17}{}",
        anju_idcodes::ResidentId::check_char(&digits) as char
    )
}

fn submission(i: usize) -> Vec<u8> {
    // Unique resident IDs: birth dates and sequence numbers spread over i.
    let day = i % 9000;
    let id = resident_id(&format!(
        "14030219{:02}{:02}{:02}{:03}",
        60 + day / 336,
        1 + (day / 28) % 12,
        1 + day % 28,
        100 + (i / 9000) % 900
    ));
    serde_json::json!({
        "household": {"id": format!("bench-{i}"), "region": "140302", "members": [
            {"relation": "applicant", "name": "测试", "id_number": id, "resident": true, "employment": "employee", "labor_contract": true, "annual_income_yuan": 30000}
        ]},
        "materials": {"application_form": true, "member_count": 1, "identity_proofs": 1, "hukou_or_residence_proof": true, "marital_status": "unmarried",
                      "marriage_proof": true, "divorce_proof": false, "income": true, "social_insurance": true, "property_query": true},
        "signed_commitment": true, "consent_to_verification": true
    })
    .to_string()
    .into_bytes()
}

pub fn pct(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

pub async fn login(addr: &str, user: &str, password: &str) -> Result<(String, String), Fail> {
    let mut c = Conn::open(addr).await?;
    let body = format!(r#"{{"username":"{user}","password":"{password}"}}"#);
    let (status, resp, cookie) = c
        .request(
            "POST",
            "/api/v1/session",
            &[("Content-Type", "application/json")],
            body.as_bytes(),
        )
        .await?;
    if status != 200 {
        return Err(Fail(format!(
            "login {user}: {status} {}",
            String::from_utf8_lossy(&resp)
        )));
    }
    let v: serde_json::Value = serde_json::from_slice(&resp)?;
    Ok((
        cookie.unwrap_or_default(),
        v["csrf_token"].as_str().unwrap_or("").to_string(),
    ))
}

/// Runs the load against `addr` (demo accounts must exist there).
pub async fn run(
    addr: &str,
    submissions: usize,
    reads: usize,
    concurrency: usize,
) -> Result<String, Fail> {
    let (cookie, csrf) = login(addr, "community-140302", anju_server::demo::DEMO_PASSWORD).await?;
    // Submissions.
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (addr, cookie, csrf, next) =
            (addr.to_string(), cookie.clone(), csrf.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&addr).await?;
            let mut lat = Vec::new();
            let mut ids = Vec::new();
            loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if i >= submissions {
                    break;
                }
                let body = submission(i);
                let t = Instant::now();
                let (status, resp, _) = conn
                    .request(
                        "POST",
                        "/api/v1/applications",
                        &[
                            ("Content-Type", "application/json"),
                            ("Cookie", &cookie),
                            ("X-CSRF-Token", &csrf),
                        ],
                        &body,
                    )
                    .await?;
                lat.push(t.elapsed());
                if status != 201 {
                    return Err(Fail(format!(
                        "submission {i}: {status} {}",
                        String::from_utf8_lossy(&resp)
                    )));
                }
                let v: serde_json::Value = serde_json::from_slice(&resp)?;
                ids.push(v["id"].as_str().unwrap_or("").to_string());
            }
            Ok::<_, Fail>((lat, ids))
        }));
    }
    let mut lat = Vec::new();
    let mut ids = Vec::new();
    for t in tasks {
        let (l, i) = t.await.map_err(|e| Fail(e.to_string()))??;
        lat.extend(l);
        ids.extend(i);
    }
    let secs = start.elapsed().as_secs_f64();
    lat.sort();
    let mut report = format!(
        "submissions: {submissions} with {concurrency} concurrent clients in {secs:.2} s = {:.0}/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms\n",
        submissions as f64 / secs,
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0)
    );
    // Reads: application detail (decrypts the household; staff reads are audited) and lists.
    let ids = std::sync::Arc::new(ids);
    let next = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    for (label, path_of) in [
        ("GET /api/v1/notices (public)", 0u8),
        ("GET /api/v1/applications?limit=20 (list)", 1u8),
    ] {
        next.store(0, std::sync::atomic::Ordering::SeqCst);
        let start = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..concurrency {
            let (addr, cookie, next) = (addr.to_string(), cookie.clone(), next.clone());
            tasks.push(tokio::spawn(async move {
                let mut conn = Conn::open(&addr).await?;
                let mut lat = Vec::new();
                while next.fetch_add(1, std::sync::atomic::Ordering::Relaxed) < reads {
                    let path = if path_of == 0 {
                        "/api/v1/notices"
                    } else {
                        "/api/v1/applications?limit=20"
                    };
                    let t = Instant::now();
                    let (status, _, _) = conn
                        .request("GET", path, &[("Cookie", &cookie)], b"")
                        .await?;
                    lat.push(t.elapsed());
                    if status != 200 {
                        return Err(Fail(format!("{path}: {status}")));
                    }
                }
                Ok::<_, Fail>(lat)
            }));
        }
        let mut lat = Vec::new();
        for t in tasks {
            lat.extend(t.await.map_err(|e| Fail(e.to_string()))??);
        }
        let secs = start.elapsed().as_secs_f64();
        lat.sort();
        report.push_str(&format!(
            "reads {label}: {reads} in {secs:.2} s = {:.0}/s; p50 {:.1} ms, p99 {:.1} ms\n",
            reads as f64 / secs,
            pct(&lat, 0.5),
            pct(&lat, 0.99)
        ));
    }
    let _ = ids;
    Ok(report)
}
