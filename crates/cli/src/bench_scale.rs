//! `anju bench scale --families N`: anju at a city's or a province's size
//! (issue 11 item 10). Seeds a synthetic city on a fresh database (`anju
//! seed`'s generator), then measures, each beside its target:
//!
//! * the seeding itself (10⁵ ≤ 60 s, 10⁶ ≤ 10 min on PostgreSQL);
//! * opening a round over every qualified family of the city and its draw
//!   (≤ 2 s each at 10⁵);
//! * lists and searches through the real server (p99 ≤ 50 ms);
//! * exports as a person downloads them (10⁵ rows ≤ 5 s);
//! * bytes per family by table (≤ 8 KB in all).
//!
//! Figures go to docs/benchmarks.md with the command that produced them.

use std::time::{Duration, Instant};

use anju_domain::YANGQUAN_DISTRICTS;
use anju_server::demo::synthetic;

use crate::bench_server::{login, pct, Conn};
use crate::seed_cmd::{bar, synthetic_state};
use crate::Fail;

const PROJECT: &str = "SCALE-CITY";
const REPEAT: usize = 60;

fn fail(e: impl std::fmt::Display) -> Fail {
    Fail(e.to_string())
}

fn line(what: &str, figure: String, target: &str) {
    println!("| {what} | {figure} | {target} |");
}

/// Peak and current resident memory of this process, in MB.
fn memory_mb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<u64>().ok())
            .map_or(0, |kb| kb / 1024)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

struct Client {
    conn: Conn,
    cookie: String,
}

impl Client {
    async fn get(&mut self, path: &str) -> Result<(u16, usize, Duration), Fail> {
        let t = Instant::now();
        let (status, body, _) = self
            .conn
            .request("GET", path, &[("Cookie", &self.cookie)], b"")
            .await?;
        Ok((status, body.len(), t.elapsed()))
    }

    /// p50 and p99 in ms of `REPEAT` reads of `path` (after one warm-up),
    /// and the size of the answer.
    async fn percentiles(&mut self, path: &str) -> Result<(f64, f64, usize), Fail> {
        let (status, bytes, _) = self.get(path).await?;
        if status != 200 {
            return Err(Fail(format!("GET {path}: {status}")));
        }
        let mut lat = Vec::with_capacity(REPEAT);
        for _ in 0..REPEAT {
            lat.push(self.get(path).await?.2);
        }
        lat.sort();
        Ok((pct(&lat, 0.5), pct(&lat, 0.99), bytes))
    }
}

async fn client(addr: &str, user: &str) -> Result<Client, Fail> {
    let (cookie, _) = login(addr, user, anju_server::demo::DEMO_PASSWORD).await?;
    Ok(Client {
        conn: Conn::open(addr).await?,
        cookie,
    })
}

pub async fn run(
    database_url: Option<String>,
    families: usize,
    dir: Option<&std::path::Path>,
) -> Result<(), Fail> {
    let tmp = std::env::temp_dir().join(format!("anju-scale-{}", std::process::id()));
    std::fs::create_dir_all(&tmp)?;
    let db =
        database_url.unwrap_or_else(|| format!("sqlite:{}", tmp.join("scale.sqlite").display()));
    let store = anju_store::AnyStore::connect(&db, anju_store::Crypto::generate())
        .await
        .map_err(fail)?;
    let backend = store.backend_name();
    let st = synthetic_state(store.clone(), dir)?;
    let today = st.clock.today();
    println!("anju bench scale: {families} families on {backend}\n");
    println!("| measured | figure | target |\n|---|---|---|");

    // Item 2: the synthetic city.
    let b = bar(families as u64, "families");
    let t = Instant::now();
    let report = synthetic::seed_city(&st, families, 0, 2026, &|n| b.inc(n))
        .await
        .map_err(|e| Fail(e.message))?;
    b.finish_and_clear();
    let seeded = t.elapsed().as_secs_f64();
    let qualified = report
        .by_state
        .iter()
        .find(|(s, _)| *s == anju_domain::StatusKind::Qualified)
        .map_or(0, |(_, n)| *n);
    line(
        "seed (`anju seed`)",
        format!(
            "{families} families in {seeded:.1} s ({:.0}/s), {qualified} qualified",
            families as f64 / seeded
        ),
        "10⁵ ≤ 60 s, 10⁶ ≤ 600 s (PostgreSQL)",
    );

    // Item 3: a round over the whole city, and its draw.
    let districts: Vec<_> = YANGQUAN_DISTRICTS.iter().map(|d| d.code).collect();
    synthetic::published_project(&st, PROJECT, &districts, today)
        .await
        .map_err(|e| Fail(e.message))?;
    let company = anju_server::demo::accounts::staff(&st, "company")
        .await
        .map_err(|e| Fail(e.message))?;
    let t = Instant::now();
    let frozen = anju_server::allotment::service::open_round(&st, &company, PROJECT, 1)
        .await
        .map_err(|e| Fail(e.message))?;
    line(
        "open round 1 (freeze) over every qualified family",
        format!(
            "{:.2} s ({} read, {} entrants)",
            t.elapsed().as_secs_f64(),
            qualified,
            frozen.entrants
        ),
        "≤ 2 s at 10⁵",
    );
    let t = Instant::now();
    anju_server::allotment::service::draw(
        &st,
        &company,
        PROJECT,
        1,
        anju_server::allotment::service::DrawRequest {
            reveal: "bench-scale".into(),
            notary: "基准测试（非真实摇号）".into(),
        },
    )
    .await
    .map_err(|e| Fail(e.message))?;
    line(
        "draw round 1",
        format!(
            "{:.2} s ({} entrants)",
            t.elapsed().as_secs_f64(),
            frozen.entrants
        ),
        "≤ 2 s at 10⁵",
    );

    // Items 4 and 5 through the real server.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?.to_string();
    tokio::spawn(anju_server::serve(st.clone(), listener));
    let mut city = client(&addr, "city").await?;
    let mut bureau = client(&addr, "bureau-140302").await?;
    let mut public = Client {
        conn: Conn::open(&addr).await?,
        cookie: String::new(),
    };
    // Search terms taken from what the lists show.
    let sample = store
        .applications()
        .list_applications(&anju_store::ListFilter {
            limit: 1,
            district: Some(YANGQUAN_DISTRICTS[0].code),
            ..anju_store::ListFilter::default()
        })
        .await
        .map_err(fail)?;
    let first = sample
        .first()
        .ok_or_else(|| Fail("no application".into()))?;
    let prefix: String = first.id.as_str().chars().take(12).collect();
    let name = first.masked_name.clone();
    let surname: String = name.chars().take(1).collect();
    let tail: String = first.masked_id.chars().skip(14).take(4).collect();
    // The deepest page by keyset: after the 21st line from the end of the
    // city-wide list (newest first), so that 20 lines remain.
    let oldest = store
        .applications()
        .list_applications(&anju_store::ListFilter {
            limit: 21,
            order: anju_store::ListOrder::OldestFirst,
            ..anju_store::ListFilter::default()
        })
        .await
        .map_err(fail)?;
    let deep = oldest
        .last()
        .ok_or_else(|| Fail("no application".into()))?
        .id
        .as_str()
        .to_owned();
    let enc = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                    (b as char).to_string()
                }
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let cases: Vec<(&str, bool, String)> = vec![
        (
            "work list, first page (city-wide staff)",
            true,
            "/api/v1/applications?limit=20".into(),
        ),
        (
            "work list, first page (district bureau)",
            false,
            "/api/v1/applications?limit=20".into(),
        ),
        (
            "work list API, deepest page by keyset (the last 20 lines)",
            true,
            format!("/api/v1/applications?limit=20&after={deep}"),
        ),
        (
            "work list, qualified only",
            true,
            "/api/v1/applications?limit=20&status=qualified".into(),
        ),
        (
            "search: application-number prefix",
            true,
            format!("/api/v1/applications?limit=20&q={}", enc(&prefix)),
        ),
        (
            "search: masked name",
            true,
            format!("/api/v1/applications?limit=20&q={}", enc(&name)),
        ),
        (
            "search: surname",
            false,
            format!("/api/v1/applications?limit=20&q={}", enc(&surname)),
        ),
        (
            "search: last four ID characters",
            false,
            format!("/api/v1/applications?limit=20&q={}", enc(&tail)),
        ),
        ("work page (HTML, counts per state)", false, "/work".into()),
        ("work page (HTML, city-wide)", true, "/work".into()),
        (
            "work page (HTML, city-wide), last page (keyset)",
            true,
            "/work?last=1".into(),
        ),
        (
            "work page (HTML, district), recently handled first",
            false,
            "/work?sort=updated".into(),
        ),
        (
            "work page (HTML, city-wide), rejected, recently handled first",
            true,
            "/work?status=rejected&sort=updated".into(),
        ),
        (
            "work page (HTML, district), rejected, recently handled first",
            false,
            "/work?status=rejected&sort=updated".into(),
        ),
    ];
    for (what, citywide, path) in &cases {
        let c = if *citywide { &mut city } else { &mut bureau };
        let (p50, p99, bytes) = c.percentiles(path).await?;
        line(
            what,
            format!("p50 {p50:.1} ms, p99 {p99:.1} ms ({bytes} B)"),
            "p99 ≤ 50 ms",
        );
    }
    for (what, path) in [
        ("public notice page", "/notices".to_string()),
        (
            "public notice page, last page (keyset)",
            "/notices?last=1".to_string(),
        ),
        (
            "public notice API, first page",
            "/api/v1/notices".to_string(),
        ),
        (
            "public project after the draw (API)",
            format!("/api/v1/projects/{PROJECT}"),
        ),
        (
            "public project after the draw (page)",
            format!("/projects/{PROJECT}"),
        ),
    ] {
        let (p50, p99, bytes) = public.percentiles(&path).await?;
        line(
            what,
            format!(
                "p50 {p50:.1} ms, p99 {p99:.1} ms ({:.1} KB)",
                bytes as f64 / 1024.0
            ),
            "p99 ≤ 50 ms; paged",
        );
    }
    for (what, signed_in, path) in [
        (
            "export: notices (XLSX)",
            false,
            "/api/v1/notices.xlsx".to_string(),
        ),
        (
            "export: entrant file (CSV)",
            false,
            format!("/api/v1/projects/{PROJECT}/rounds/1/entrants.csv"),
        ),
        (
            "export: draw and selection results (XLSX)",
            false,
            format!("/api/v1/projects/{PROJECT}/results.xlsx"),
        ),
        (
            "export: applications register, city-wide (CSV)",
            true,
            "/api/v1/applications.csv".to_string(),
        ),
    ] {
        // Peak memory is measured from here: `5` resets the kernel's
        // high-water mark (VmHWM) to the current size, so the seeding's
        // peak does not hide the export's.
        let _ = std::fs::write("/proc/self/clear_refs", "5");
        let before = memory_mb();
        let c = if signed_in { &mut city } else { &mut public };
        let t = Instant::now();
        let (status, bytes) = c
            .conn
            .get_discarding(&path, &[("Cookie", &c.cookie)])
            .await?;
        let took = t.elapsed();
        let after = memory_mb();
        line(
            what,
            format!(
                "{:.2} s, {:.1} MB, HTTP {status}; peak RSS {} → {} MB (+{})",
                took.as_secs_f64(),
                bytes as f64 / 1_048_576.0,
                before.1,
                after.0,
                after.0.saturating_sub(before.1)
            ),
            "10⁵ rows ≤ 5 s, CSV 10⁶ rows; ≤ 100 MB above idle",
        );
    }

    // Item 7: bytes per family.
    let tables = store.storage_by_table().await.map_err(fail)?;
    let sum: u64 = tables.iter().map(|(_, n)| n).sum();
    line(
        "storage per family (all tables)",
        format!(
            "{:.1} KB ({:.0} MB in all)",
            sum as f64 / families.max(1) as f64 / 1024.0,
            sum as f64 / 1_048_576.0
        ),
        "≤ 8 KB",
    );
    for (t, n) in tables.iter().take(8) {
        line(
            &format!("  {t}"),
            format!(
                "{:.2} KB per family",
                *n as f64 / families.max(1) as f64 / 1024.0
            ),
            "",
        );
    }
    let (peak, now) = memory_mb();
    println!(
        "\nprocess memory: peak {peak} MB, now {now} MB; database {}",
        crate::server_cmd::redact(&db)
    );
    Ok(())
}
