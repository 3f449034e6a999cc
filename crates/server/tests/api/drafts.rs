//! Drafts of the application form and the self-check → application path
//! (issue 12 feature 19). On SQLite and, when `ANJU_TEST_DATABASE_URL` is
//! set, PostgreSQL.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn drafts_are_private_encrypted_and_no_application() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let family = app.login("family").await;
        let marker = "草稿里的名字甲乙丙";
        // Nothing is validated but size: an ID with a wrong check digit is kept.
        let r = family
            .post_json(
                "/api/v1/drafts",
                &json!({"fields": {"region": D, "a_name": marker, "a_id": "123", "a_income": "abc"}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.text());
        let id = r.json()["id"].as_str().expect("id").to_owned();

        // Listed, read and updated by its owner only.
        let list = family.get("/api/v1/drafts").await.json();
        assert_eq!(list["items"].as_array().map(Vec::len), Some(1), "{b}");
        let other = app.login("family2").await;
        assert_eq!(
            other.get(&format!("/api/v1/drafts/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            other.get("/api/v1/drafts").await.json()["items"]
                .as_array()
                .map(Vec::len),
            Some(0)
        );
        let r = family
            .put_json(
                &format!("/api/v1/drafts/{id}"),
                &json!({"fields": {"region": D, "a_name": marker, "a_income": "30000"}}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
        assert_eq!(r.json()["fields"]["a_income"], "30000");

        // Staff keep no drafts, and see none in their lists.
        let street = app.login("street-140302").await;
        assert_eq!(
            street.get("/api/v1/drafts").await.status,
            StatusCode::FORBIDDEN
        );
        let work = street.get("/api/v1/applications").await.text();
        assert!(!work.contains(marker), "{b}");
        assert_eq!(
            family.get("/api/v1/applications").await.json()["items"]
                .as_array()
                .map(Vec::len),
            Some(0),
            "{b}: a draft is not an application"
        );

        // Encrypted at rest.
        let raw = app.raw_database().await;
        assert!(!contains(&raw, marker.as_bytes()), "{b}: draft in clear");

        // Size limits are the only check.
        let huge = "字".repeat(3000);
        let r = family
            .post_json("/api/v1/drafts", &json!({"fields": {"a_name": huge}}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");

        // Deleting needs confirmation.
        let r = family.delete(&format!("/api/v1/drafts/{id}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let r = family
            .delete(&format!("/api/v1/drafts/{id}?confirm=true"))
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{b}");
        assert_eq!(
            family.get(&format!("/api/v1/drafts/{id}")).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn submitting_from_a_draft_deletes_it_with_the_application() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let family = app.login("family").await;
        let r = family
            .post_json("/api/v1/drafts", &json!({"fields": {"region": D}}))
            .await;
        let draft = r.json()["id"].as_str().expect("id").to_owned();

        // A refused submission keeps the draft.
        let mut bad = Family::new(D, ["甲", "乙"]).submission();
        bad["household"]["members"][0]["name"] = json!("");
        bad["draft"] = json!(draft);
        let r = family.post_json("/api/v1/applications", &bad).await;
        assert!(r.status.is_client_error(), "{b}: {}", r.text());
        assert_eq!(
            family.get(&format!("/api/v1/drafts/{draft}")).await.status,
            StatusCode::OK
        );

        // An accepted one removes it.
        let mut body = Family::new(D, ["褚一", "卫二"]).submission();
        body["draft"] = json!(draft);
        family.submit_ok(&body).await;
        assert_eq!(
            family.get(&format!("/api/v1/drafts/{draft}")).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_save_resume_and_submit_a_draft() {
    let app = TestApp::sqlite().await;
    let family = app.login("family").await;
    let r = family
        .post_form(
            "/apply/draft",
            &[("region", D), ("a_name", "蒋三"), ("a_income", "36000")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r.header("location").expect("location").to_owned();
    assert!(to.starts_with("/apply?draft="), "{to}");
    let page = family.get(&to).await.text();
    assert!(page.contains("value=\"蒋三\""), "prefilled");
    assert!(page.contains("value=\"36000\""));
    assert!(page.contains("name=\"draft\""), "the draft rides along");
    let work = family.get("/work").await.text();
    assert!(work.contains("我的草稿") && work.contains("蒋三"), "{work}");
    // "保存于" is Beijing time, to the minute: the server's own clock …
    let now = app.state().clock.now().to_shanghai();
    let shown = now.format("%Y-%m-%d %H:").to_string();
    assert!(work.contains(&format!("保存于 {shown}")), "{shown}: {work}");
    // … and a time stored with another offset (a row written in UTC) is
    // turned into Beijing time, never shown as written.
    app.raw_execute("UPDATE application_drafts SET updated_at = '2026-03-01T01:30:00.000000Z'")
        .await;
    let work = family.get("/work").await.text();
    assert!(work.contains("保存于 2026-03-01 09:30"), "{work}");
    assert!(!work.contains("2026-03-01 01:30"), "{work}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn self_check_facts_reach_the_form() {
    let app = TestApp::sqlite().await;
    let facts = [
        ("region", D),
        ("a_birth", "1988-05-12"),
        ("a_income", "41234"),
        ("homes", "0"),
    ];
    // Signed in: a draft is made of them.
    let family = app.login("family").await;
    let r = family.post_form("/apply/from-self-check", &facts).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r.header("location").expect("location").to_owned();
    assert!(to.starts_with("/apply?draft="), "{to}");
    assert!(family.get(&to).await.text().contains("value=\"41234\""));

    // Not signed in: sign in first; the facts ride in a cookie meanwhile.
    let body: Vec<String> = facts
        .iter()
        .map(|(k, v)| format!("{k}={}", enc(v)))
        .collect();
    let r = app
        .send(request(
            axum::http::Method::POST,
            "/apply/from-self-check",
            &[("content-type", "application/x-www-form-urlencoded")],
            axum::body::Body::from(body.join("&")),
        ))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r
        .header("location")
        .is_some_and(|l| l.starts_with("/login?next=")));
    let set = r.header("set-cookie").expect("cookie").to_owned();
    assert!(
        set.starts_with("anju_check=") && set.contains("HttpOnly"),
        "{set}"
    );
    let carried = set.split(';').next().expect("pair").to_owned();
    let cookie = format!("{}; {carried}", family.cookie);
    let r = app
        .send(request(
            axum::http::Method::GET,
            "/apply/from-self-check",
            &[("cookie", cookie.as_str())],
            axum::body::Body::empty(),
        ))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.text().contains("value=\"41234\""),
        "carried through the sign-in"
    );
}
