//! The audit log: one entry per state change and per staff read of a
//! family's personal data, hash-chained and verifiable; and personal data
//! encrypted at rest.

use crate::common::*;
use crate::lifecycle::{assert_no_personal_data, walk_to_qualified};
use axum::http::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_log_and_encryption_at_rest() {
    for app in TestApp::each_backend().await {
        audit(&app).await;
    }
}

async fn log_after(reader: &Session, after: u64) -> Vec<Value> {
    let res = reader
        .get(&format!("/api/v1/audit?after={after}&limit=1000"))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    res.json()["items"].as_array().expect("items").clone()
}

async fn audit(app: &TestApp) {
    let b = app.backend();
    let family = app.login("family").await;
    let f = Family::new(D, ["王振国", "李秀梅"]);
    let id = family.submit_ok(&f.submission()).await;
    walk_to_qualified(app, &id).await;
    let family = app.login("family").await; // the clock moved past the session

    let auditor = app.login("auditor").await;
    let res = auditor.get("/api/v1/audit/verify").await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let v = res.json();
    assert_eq!(v["ok"], json!(true), "{b}: {v}");
    let n = v["entries"].as_u64().expect("entries");

    // Every state change has its entry, in order, with who did it in which role.
    let log = log_after(&auditor, 0).await;
    assert_eq!(log.len() as u64, n, "{b}");
    for (i, e) in log.iter().enumerate() {
        assert_eq!(e["seq"], json!(i + 1), "{b}: no gaps");
        if i > 0 {
            assert_eq!(e["prev_hash"], log[i - 1]["hash"], "{b}: chained");
        }
    }
    let subject = format!("application:{id}");
    let changes: Vec<(&str, &str)> = log
        .iter()
        .filter(|e| e["subject"] == subject.as_str())
        .filter(|e| {
            e["action"]
                .as_str()
                .is_some_and(|a| a.starts_with("application."))
        })
        .map(|e| {
            (
                e["action"].as_str().unwrap_or(""),
                e["role"].as_str().unwrap_or(""),
            )
        })
        .collect();
    assert_eq!(
        changes,
        vec![
            ("application.submit", "applicant"),
            ("application.street_pass", "street"),
            ("application.department_confirm", "verifier:public_security"),
            ("application.department_confirm", "verifier:civil_affairs"),
            (
                "application.department_confirm",
                "verifier:natural_resources"
            ),
            ("application.department_confirm", "verifier:human_resources"),
            ("application.department_confirm", "verifier:provident_fund"),
            ("application.record_decision", "district_bureau"),
            ("application.start_notice", "district_bureau"),
            ("application.qualify", "district_bureau"),
        ],
        "{b}"
    );
    let family_user = family.user["id"].as_str().expect("user id");
    assert_eq!(
        log.iter()
            .find(|e| e["action"] == "application.submit")
            .expect("submit")["actor_user_id"],
        family_user
    );
    // The log is readable by auditors: it holds no personal data.
    assert_no_personal_data(&Value::Array(log.clone()).to_string(), &f, "the audit log");

    // A staff read of the detail is audited; the family reading its own is not.
    let street = app.login(&format!("street-{D}")).await;
    let head = n;
    family.detail(&id).await;
    assert_eq!(log_after(&auditor, head).await, Vec::<Value>::new(), "{b}");
    let detail = street.detail(&id).await;
    assert_eq!(
        detail["household"]["members"][0]["name"], "王振国",
        "{b}: the detail view shows the facts"
    );
    let new = log_after(&auditor, head).await;
    assert_eq!(new.len(), 1, "{b}: {new:?}");
    assert_eq!(new[0]["action"], "personal_data.read");
    assert_eq!(new[0]["subject"], subject.as_str());
    assert_eq!(new[0]["role"], "street");
    assert_eq!(new[0]["actor_user_id"], street.user["id"]);
    // Lists are masked, and not audited.
    let list = street.get("/api/v1/applications").await.json();
    assert_no_personal_data(&list.to_string(), &f, "a staff list");
    assert_eq!(log_after(&auditor, head + 1).await.len(), 0, "{b}");
    // Auditors and the city bureau are staff too.
    auditor.detail(&id).await;
    let city = app.login("city").await;
    city.detail(&id).await;
    let reads: Vec<String> = log_after(&auditor, head + 1)
        .await
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e["action"].as_str().unwrap_or(""),
                e["role"].as_str().unwrap_or("")
            )
        })
        .collect();
    assert_eq!(
        reads,
        [
            "personal_data.read auditor",
            "personal_data.read city_bureau"
        ],
        "{b}"
    );
    // A refused read is not a read.
    let other = app.login(&format!("street-{E}")).await;
    assert_eq!(
        other
            .get(&format!("/api/v1/applications/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(log_after(&auditor, head + 3).await.len(), 0, "{b}");
    let v = auditor.get("/api/v1/audit/verify").await.json();
    assert_eq!(v, json!({"ok": true, "entries": head + 3}), "{b}");

    // At rest: the household row holds neither names nor resident IDs, and
    // nor does anything else in the database.
    let row = app.raw_household_row(&id).await;
    assert!(row.len() > 100, "{b}: {} bytes", row.len());
    let everything = app.raw_database().await;
    for secret in f.names.iter().chain(&f.ids) {
        assert!(
            !contains(&row, secret.as_bytes()),
            "{b}: household row holds {secret}"
        );
        assert!(
            !contains(&everything, secret.as_bytes()),
            "{b}: the database holds {secret}"
        );
    }
    assert!(
        contains(&everything, "王*国".as_bytes()),
        "{b}: the masked name is kept for lists"
    );

    // Tampering with an entry breaks the chain, and the verification says so.
    let changed = app
        .raw_execute("UPDATE audit_log SET subject = 'application:forged' WHERE seq = 3")
        .await;
    assert_eq!(changed, 1);
    let v = auditor.get("/api/v1/audit/verify").await.json();
    assert_eq!(v["ok"], json!(false), "{b}: {v}");
    assert!(
        v["error"].as_str().is_some_and(|e| !e.is_empty()),
        "{b}: {v}"
    );
}

/// The server signs checkpoints on demand (auditors, the city bureau) and
/// publishes the latest; it proves the log as it stands.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn signed_checkpoints_are_published() {
    let app = TestApp::sqlite().await;
    let dir = tempfile::tempdir().expect("tempdir");
    app.sign_checkpoints(dir.path());
    let res = app.anon_get("/api/v1/audit/checkpoint").await.json();
    assert_eq!(res["latest"], json!(null), "none yet: {res}");
    let key = res["public_key"]
        .as_str()
        .expect("the key is published")
        .to_string();
    let family = app.login("family").await;
    let auditor = app.login("auditor").await;
    let res = family
        .post_json("/api/v1/audit/checkpoints", &serde_json::json!({}))
        .await;
    assert_eq!(res.status, StatusCode::FORBIDDEN, "{}", res.text());
    let res = auditor
        .post_json("/api/v1/audit/checkpoints", &serde_json::json!({}))
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.text());
    let written: anju_domain::checkpoint::SignedCheckpoint =
        serde_json::from_slice(&res.body).expect("checkpoint");
    let head = app
        .store()
        .audit()
        .audit_head()
        .await
        .expect("head")
        .expect("entries");
    assert_eq!(written.checkpoint.size, head.seq);
    let public = app.anon_get("/api/v1/audit/checkpoint").await.json();
    assert_eq!(public["public_key"], json!(written.public_key));
    assert_eq!(written.public_key, key);
    assert_eq!(written.verify_signature(Some(&key)), Ok(()));
    let published: anju_domain::checkpoint::SignedCheckpoint =
        serde_json::from_value(public["latest"].clone()).expect("checkpoint");
    assert_eq!(published, written);
    assert!(dir
        .path()
        .join(format!("checkpoint-{:010}.json", head.seq))
        .exists());
    let log = anju_server::audit::service::whole_log(&app.store())
        .await
        .expect("log");
    assert_eq!(published.check_log(&log), Ok(log.len() as u64));
}
