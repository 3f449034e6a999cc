//! A home is never sold twice, even when several anju processes sharing
//! one database take choices for the same homes at the same moment
//! (issue #4 item 5). Three `anju serve` processes run on one PostgreSQL
//! database (when ANJU_TEST_DATABASE_URL is set) and on one SQLite file;
//! every called family of the demo project's round 1 tries the same homes
//! in the same order, spread over the three processes, all at once.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::{Arc, Barrier};

use serde_json::Value;
use support::{fresh_pg_database, http, login, psql_query, start, tempdir};

const PROJECT: &str = "/api/v1/projects/YQ-2026-01";

fn post(addr: &str, session: &(String, String), path: &str, body: &str) -> (u16, String) {
    let (status, _, body) = http(
        addr,
        "POST",
        path,
        &[
            ("Content-Type", "application/json"),
            ("Cookie", &session.0),
            ("X-CSRF-Token", &session.1),
        ],
        body,
    )
    .expect("request");
    (status, body)
}

fn get_json(addr: &str, session: &(String, String), path: &str) -> Value {
    let (status, _, body) =
        http(addr, "GET", path, &[("Cookie", &session.0)], "").expect("request");
    assert_eq!(status, 200, "{path}: {body}");
    serde_json::from_str(&body).expect("json")
}

/// Runs the race; returns the database URL's (home → family) winners.
fn race(dir: &Path, db: &str) -> BTreeMap<String, String> {
    // One after another: the first seeds the demo city, the others find it.
    let servers: Vec<_> = (0..3).map(|_| start(dir, db, 150)).collect();
    let addrs: Vec<String> = servers.iter().map(|s| s.addr.clone()).collect();
    let company = login(&addrs[0], "company");
    let (s, b) = post(
        &addrs[0],
        &company,
        &format!("{PROJECT}/rounds"),
        r#"{"round":1}"#,
    );
    assert_eq!(s, 200, "open round: {b}");
    let (s, b) = post(
        &addrs[1],
        &company,
        &format!("{PROJECT}/rounds/1/draws"),
        r#"{"reveal":"race-7781","notary":"公证处"}"#,
    );
    assert_eq!(s, 200, "draw: {b}");
    let (s, b) = post(
        &addrs[2],
        &company,
        &format!("{PROJECT}/rounds/1/status"),
        r#"{"to":"selecting"}"#,
    );
    assert_eq!(s, 200, "selecting: {b}");
    let (s, b) = post(
        &addrs[0],
        &company,
        &format!("{PROJECT}/rounds/1/calls"),
        r#"{"count":200}"#,
    );
    assert_eq!(s, 200, "calls: {b}");
    let project = get_json(&addrs[0], &company, PROJECT);
    let families: Vec<String> = project["rounds"][0]["entrants"]
        .as_array()
        .expect("entrants")
        .iter()
        .map(|e| e["application_id"].as_str().expect("id").to_string())
        .collect();
    let homes: Vec<String> = project["homes"]
        .as_array()
        .expect("homes")
        .iter()
        .map(|h| h["id"].as_str().expect("id").to_string())
        .collect();
    assert!(
        families.len() >= 4,
        "too few entrants for a race: {}",
        families.len()
    );
    let barrier = Arc::new(Barrier::new(families.len()));
    let handles: Vec<_> = families
        .iter()
        .enumerate()
        .map(|(i, fam)| {
            let (fam, homes, barrier, company) =
                (fam.clone(), homes.clone(), barrier.clone(), company.clone());
            let addrs = addrs.clone();
            std::thread::spawn(move || {
                barrier.wait();
                for (k, home) in homes.iter().enumerate() {
                    // Every family asks for the same homes in the same order,
                    // each request to a different process.
                    let addr = &addrs[(i + k) % addrs.len()];
                    let body = format!(
                        r#"{{"type":"choose","application_id":"{fam}","home_id":"{home}"}}"#
                    );
                    let (s, b) = post(
                        addr,
                        &company,
                        &format!("{PROJECT}/rounds/1/selection"),
                        &body,
                    );
                    match s {
                        200 => return Some((home.clone(), fam)),
                        409 => continue,
                        _ => panic!("{fam} {home}: unexpected {s}: {b}"),
                    }
                }
                None
            })
        })
        .collect();
    let mut winners = BTreeMap::new();
    for h in handles {
        if let Some((home, fam)) = h.join().expect("thread") {
            assert!(
                winners.insert(home.clone(), fam).is_none(),
                "home {home} acknowledged to two families"
            );
        }
    }
    assert_eq!(
        winners.len(),
        families.len().min(homes.len()),
        "every family got a home while homes lasted"
    );
    // What every process now reads agrees with the acknowledgements.
    for addr in &addrs {
        let p = get_json(addr, &company, PROJECT);
        let held: BTreeSet<String> = p["homes"]
            .as_array()
            .expect("homes")
            .iter()
            .filter(|h| h["state"] == "held")
            .map(|h| h["id"].as_str().unwrap_or("").to_string())
            .collect();
        assert_eq!(
            held,
            winners.keys().cloned().collect::<BTreeSet<_>>(),
            "{addr}: held homes"
        );
        let chosen: BTreeMap<String, String> = p["rounds"][0]["entrants"]
            .as_array()
            .expect("entrants")
            .iter()
            .filter(|e| e["state"] == "chosen")
            .map(|e| {
                (
                    e["home_id"].as_str().unwrap_or("").to_string(),
                    e["application_id"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert_eq!(chosen, winners, "{addr}: chosen homes and families");
    }
    for mut s in servers {
        s.child.kill().ok();
        s.child.wait().ok();
    }
    println!(
        "{db}: {} families raced for {} homes over 3 processes; each home went to one family",
        families.len(),
        homes.len()
    );
    winners
}

#[test]
fn three_processes_never_sell_a_home_twice_sqlite() {
    let dir = tempdir("race-sqlite");
    let db = format!("sqlite:{}", dir.join("anju.sqlite").display());
    race(&dir, &db);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn three_processes_never_sell_a_home_twice_postgres() {
    let Some(pg) = fresh_pg_database("race") else {
        return;
    };
    let dir = tempdir("race-pg");
    let winners = race(&dir, &pg.url);
    // The database's own view: one hold per home, one per family (of this
    // project: the demo has sold homes of another, YQ-2025-01).
    let holds = psql_query(
        &pg.url,
        "SELECT COUNT(*) FROM allot_home_holds WHERE project_id = 'YQ-2026-01'",
    );
    assert_eq!(holds.trim(), winners.len().to_string());
    let doubles = psql_query(&pg.url, "SELECT home_id FROM allot_entrants WHERE state = 'chosen' GROUP BY home_id HAVING COUNT(*) > 1");
    assert_eq!(doubles.trim(), "", "a home chosen twice");
    std::fs::remove_dir_all(&dir).ok();
}
