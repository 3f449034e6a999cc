//! Two `anju serve` processes on one PostgreSQL database behave as one
//! server (issue 11 item 9): a session made through one works through the
//! other and a sign-out through either ends it on both; failed sign-ins
//! through both count together and the lock-out holds on both; the public
//! tip line's per-address limit holds across both; and X-Forwarded-For is
//! read only from a trusted proxy. Skipped when ANJU_TEST_DATABASE_URL is
//! not set (a fresh database per run, made with psql).

mod support;

use support::{fresh_pg_database, http, login, start_with, tempdir};

fn tip(n: usize) -> String {
    serde_json::json!({"kind": "sublet", "address": "矿区某小区5栋1单元", "seen_on": "2026-01-05",
                       "what": format!("每周看到不同租客进出 {n}")})
    .to_string()
}

fn post_tip(addr: &str, n: usize, headers: &[(&str, &str)]) -> u16 {
    let mut h = vec![("Content-Type", "application/json")];
    h.extend_from_slice(headers);
    let (status, _, body) = http(addr, "POST", "/api/v1/tips", &h, &tip(n)).unwrap();
    assert!(matches!(status, 201 | 429), "{status}: {body}");
    status
}

fn sign_in(addr: &str, user: &str, password: &str) -> u16 {
    http(
        addr,
        "POST",
        "/api/v1/session",
        &[("Content-Type", "application/json")],
        &format!(r#"{{"username":"{user}","password":"{password}"}}"#),
    )
    .unwrap()
    .0
}

#[test]
fn two_processes_on_one_postgres_database_act_as_one_server() {
    let Some(pg) = fresh_pg_database("procs") else {
        return;
    };
    let dir = tempdir("procs");
    // The first loads the demo accounts; the second, started after, only
    // serves (and trusts 127.0.0.1 as a reverse proxy).
    let one = start_with(&dir, &pg.url, &["--demo", "--demo-households", "0"]);
    let two = start_with(
        &dir,
        &pg.url,
        &[
            "--trusted-proxy",
            "127.0.0.1",
            "--set",
            "urban_disposable_income_per_capita=40000",
        ],
    );
    let (a, b) = (one.addr.as_str(), two.addr.as_str());

    // A session made through one works through the other …
    let (cookie, csrf) = login(a, "street-140302");
    let me = |addr: &str| {
        http(addr, "GET", "/api/v1/me", &[("Cookie", &cookie)], "")
            .unwrap()
            .0
    };
    assert_eq!(me(b), 200);
    assert_eq!(me(a), 200);
    // … and a sign-out through either ends it on both, at once (each
    // process has just confirmed the session).
    let (status, _, body) = http(
        b,
        "DELETE",
        "/api/v1/session",
        &[("Cookie", &cookie), ("X-CSRF-Token", &csrf)],
        "",
    )
    .unwrap();
    assert_eq!(status, 204, "{body}");
    assert_eq!(me(a), 401);
    assert_eq!(me(b), 401);

    // Failed sign-ins through both count together: past the five free ones
    // for one name from one address (alternating processes) that name is
    // locked out from this address on both, even with the right password.
    for i in 0..6 {
        let addr = if i % 2 == 0 { a } else { b };
        assert_eq!(
            sign_in(addr, "street-140303", "wrong-password"),
            401,
            "attempt {i}"
        );
    }
    assert_eq!(sign_in(a, "street-140303", "anju-demo-2026"), 429);
    assert_eq!(sign_in(b, "street-140303", "anju-demo-2026"), 429);
    // Another account from the same address is not held back.
    assert_eq!(sign_in(b, "street-140311", "anju-demo-2026"), 200);

    // The tip line's limit per address (five an hour) holds across both.
    for n in 0..5 {
        let addr = if n % 2 == 0 { a } else { b };
        assert_eq!(post_tip(addr, n, &[]), 201, "tip {n}");
    }
    assert_eq!(post_tip(a, 5, &[]), 429);
    assert_eq!(post_tip(b, 6, &[]), 429);
    // Behind a trusted proxy, another visitor is another address: the
    // second process trusts 127.0.0.1, the first trusts nobody and ignores
    // the header (a visitor cannot pick a fresh address by writing it).
    let visitor = [("X-Forwarded-For", "198.51.100.7")];
    assert_eq!(post_tip(a, 7, &visitor), 429);
    assert_eq!(post_tip(b, 8, &visitor), 201);
    drop((one, two));
    std::fs::remove_dir_all(&dir).ok();
}
