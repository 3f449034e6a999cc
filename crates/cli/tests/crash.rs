//! Nothing acknowledged is lost: 200 submissions are in flight when the
//! server is killed with SIGKILL; after a restart every submission that got
//! a 2xx answer is there and the audit chain verifies. On SQLite always, and
//! on PostgreSQL when ANJU_TEST_DATABASE_URL is set (a fresh database per
//! run, made with psql).

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::{anju, fresh_pg_database, http, login, start, tempdir};

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
    let mut server = start(dir, db, 0);
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

    let mut server = start(dir, db, 0);
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

#[test]
fn sigkill_loses_no_acknowledged_submission_sqlite() {
    let dir = tempdir("crash-sqlite");
    let db = format!("sqlite:{}", dir.join("anju.sqlite").display());
    kill_during_submissions(&dir, &db);
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sigkill_loses_no_acknowledged_submission_postgres() {
    let Some(pg) = fresh_pg_database("crash") else {
        return;
    };
    let dir = tempdir("crash-pg");
    kill_during_submissions(&dir, &pg.url);
    std::fs::remove_dir_all(&dir).ok();
}
