//! Sign-in throttling (issue 10 item 5): the same answers for unknown and
//! existing names, no lock-out an attacker can cause, and a delay that
//! grows with failures instead (anju_domain::throttle).

use crate::common::*;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Method, Request, StatusCode};
use serde_json::json;
use std::net::SocketAddr;

/// A sign-in through the API from `addr`, with `cookie` if given.
async fn sign_in(
    app: &TestApp,
    addr: &str,
    name: &str,
    password: &str,
    cookie: Option<&str>,
) -> Resp {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/session")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let mut req = req
        .body(Body::from(
            json!({"username": name, "password": password}).to_string(),
        ))
        .expect("request");
    let addr: SocketAddr = format!("{addr}:40000").parse().expect("address");
    req.extensions_mut().insert(ConnectInfo(addr));
    app.send(req).await
}

/// What a client can tell from an answer: status, code, field and whether
/// it says when to come back (the seconds themselves may differ).
fn shape(r: &Resp) -> (StatusCode, String, String, bool) {
    let e = r.json();
    (
        r.status,
        e["error"]["code"].as_str().unwrap_or("").to_owned(),
        e["error"]["field"].as_str().unwrap_or("").to_owned(),
        r.header("retry-after").is_some(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unknown_and_existing_names_get_the_same_answers() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let mut real = Vec::new();
        let mut unknown = Vec::new();
        for _ in 0..12 {
            real.push(shape(
                &sign_in(&app, "10.0.0.1", "city", "wrong-password", None).await,
            ));
            unknown.push(shape(
                &sign_in(&app, "10.0.0.2", "no-such-official", "wrong-password", None).await,
            ));
        }
        assert_eq!(
            real, unknown,
            "{b}: an attacker cannot tell which names exist"
        );
        let statuses: Vec<u16> = real.iter().map(|s| s.0.as_u16()).collect();
        assert_eq!(
            statuses,
            [401, 401, 401, 401, 401, 401, 429, 429, 429, 429, 429, 429],
            "{b}: five free failures, the sixth starts a wait, and no 423 ever"
        );
        // While throttled, even the right password waits: the answer must
        // not tell a right guess from a wrong one.
        let right = sign_in(&app, "10.0.0.1", "city", PASSWORD, None).await;
        assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
        let secs: u64 = right
            .header("retry-after")
            .and_then(|s| s.parse().ok())
            .expect("Retry-After");
        assert!(
            (1..=30).contains(&secs),
            "{b}: the first wait is 30 s: {secs}"
        );
        // A day later the counters are forgotten.
        app.set_today(day0() + chrono::Duration::days(2));
        let later = sign_in(&app, "10.0.0.1", "city", PASSWORD, None).await;
        assert_eq!(later.status, StatusCode::OK, "{b}: {}", later.text());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guessing_from_many_addresses_does_not_lock_the_official_out() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        // The official signed in before from the office browser: it holds
        // a device token.
        let first = sign_in(&app, "192.0.2.10", "city", PASSWORD, None).await;
        assert_eq!(first.status, StatusCode::OK, "{b}");
        let device = first
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("anju_device="))
            .and_then(|c| c.split(';').next())
            .expect("a device cookie")
            .to_owned();
        // An attacker spreads 40 wrong guesses over eight addresses, five
        // each: no single address is throttled, but the name is.
        for i in 0..40 {
            let r = sign_in(
                &app,
                &format!("198.51.100.{}", i % 8),
                "city",
                "guess",
                None,
            )
            .await;
            assert_ne!(r.status, StatusCode::LOCKED, "{b}");
            assert!(
                r.status == StatusCode::UNAUTHORIZED || r.status == StatusCode::TOO_MANY_REQUESTS,
                "{b}: {}",
                r.status
            );
        }
        let fresh = sign_in(&app, "203.0.113.5", "city", PASSWORD, None).await;
        assert_eq!(
            fresh.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{b}: a new browser waits while the name is under attack"
        );
        // The official's own browser still signs in at once.
        let office = sign_in(&app, "192.0.2.10", "city", PASSWORD, Some(&device)).await;
        assert_eq!(office.status, StatusCode::OK, "{b}: {}", office.text());
        // Another account's device token does not help.
        let other = sign_in(&app, "192.0.2.11", "auditor", PASSWORD, None).await;
        let other_device = other
            .headers
            .get_all(header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find(|c| c.starts_with("anju_device="))
            .and_then(|c| c.split(';').next())
            .expect("a device cookie")
            .to_owned();
        let borrowed = sign_in(&app, "203.0.113.6", "city", PASSWORD, Some(&other_device)).await;
        assert_eq!(borrowed.status, StatusCode::TOO_MANY_REQUESTS, "{b}");
    }
}
