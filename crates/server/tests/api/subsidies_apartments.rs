//! Talent apartments in the benefits register (issue 17), on both
//! backends: recorded over the API and on the talent office's page (the
//! tenant masked in the register, problems beside their fields), ended
//! early with the reason and last day (checked, confirmed on the page,
//! audited, refused twice), and the register following the end: once the
//! apartment has ended, the rent subsidy is no longer barred.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

fn row<'a>(list: &'a Value, id: &str) -> &'a Value {
    list.as_array()
        .and_then(|l| l.iter().find(|r| r["id"] == id))
        .unwrap_or(&Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn talent_apartments_are_recorded_and_ended_early() {
    for app in TestApp::each_backend().await {
        apartments(&app).await;
    }
}

async fn apartments(app: &TestApp) {
    let b = app.backend();
    app.set_today(date("2026-07-15"));
    let office = app.login("talent").await;
    let rid = resident_id("140302", "1994-06-06", true);
    let post = |body: Value| {
        let office = &office;
        async move {
            office
                .post_json("/api/v1/benefits/talent-apartments", &body)
                .await
        }
    };
    // The last day before the first: beside `until`.
    let r = post(json!({ "resident_id": rid, "from": "2026-01-01", "until": "2025-12-31" })).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{b}: {}",
        r.text()
    );
    assert_eq!(r.error()["field"], "until", "{b}");
    let r = post(
        json!({ "resident_id": rid, "name": "秦志远", "apartment": "人才公寓A栋502",
                         "from": "2026-01-01", "until": "2028-12-31" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{b}: {}", r.text());
    let id = r
        .header("location")
        .and_then(|l| l.rsplit('/').next())
        .unwrap_or_default()
        .to_owned();
    assert!(id.starts_with("TA-"), "{b}: {id}");
    // Not twice at once (the register).
    let r = post(json!({ "resident_id": rid, "from": "2026-03-01" })).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.text());

    // In the register, masked; readers but not families.
    let city = app.login("city").await;
    let list = city.get("/api/v1/benefits/talent-apartments").await;
    assert_eq!(list.status, StatusCode::OK, "{b}");
    let list = list.json();
    let r0 = row(&list, &id);
    assert_eq!(r0["masked_name"], "秦*远", "{b}: {list}");
    assert_eq!(r0["apartment"], "人才公寓A栋502", "{b}");
    assert_eq!(r0["status"], "active", "{b}");
    assert!(!list.to_string().contains(&rid), "{b}: the ID is masked");
    let family = app.login("family").await;
    assert_eq!(
        family
            .get("/api/v1/benefits/talent-apartments")
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // While it runs, the rent subsidy is barred.
    let rent = json!({ "programme": "talent_rent", "name": "秦志远", "resident_id": rid,
        "facts": { "degree": "phd", "university": "other", "employed_in_city": true } });
    let act = |case: String, a: Value| {
        let office = &office;
        async move {
            office
                .post_json(&format!("/api/v1/subsidy-applications/{case}/actions"), &a)
                .await
        }
    };
    let case = office
        .post_json("/api/v1/subsidy-applications", &rent)
        .await
        .json()["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    act(case.clone(), json!({ "type": "verify", "passed": true })).await;
    let c = act(case, json!({ "type": "decide" })).await.json();
    assert_eq!(c["status"], "refused", "{b}: {c}");

    // Ending early: each problem beside its field.
    let end = |body: Value| {
        let (office, id) = (&office, &id);
        async move {
            office
                .post_json(
                    &format!("/api/v1/benefits/talent-apartments/{id}/end"),
                    &body,
                )
                .await
        }
    };
    for (body, field) in [
        (json!({ "on": "2025-12-31", "reason": "离职" }), "on"),
        (json!({ "on": "2028-12-31", "reason": "离职" }), "on"),
        (json!({ "on": "2026-07-31", "reason": " " }), "reason"),
    ] {
        let r = end(body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.text()
        );
        assert_eq!(r.error()["field"], field, "{b}: {}", r.text());
    }
    assert_eq!(
        city.post_json(
            &format!("/api/v1/benefits/talent-apartments/{id}/end"),
            &json!({ "on": "2026-07-31", "reason": "x" })
        )
        .await
        .status,
        StatusCode::FORBIDDEN,
        "{b}"
    );
    let r = end(json!({ "on": "2026-07-31", "reason": "已取得配售型保障性住房资格，90日内退出" }))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    let v = r.json();
    assert_eq!(v["status"], "ended", "{b}");
    assert_eq!(v["ended_on"], "2026-07-31", "{b}");
    let r = end(json!({ "on": "2026-07-30", "reason": "再次" })).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
    let auditor = app.login("auditor").await;
    let log = auditor.get("/api/v1/audit?limit=1000").await.text();
    assert!(log.contains("benefit.talent_apartment_end"), "{b}: audited");

    // After its last day the register no longer bars the rent subsidy.
    app.set_today(date("2026-08-03"));
    let office = app.login("talent").await;
    let case = office
        .post_json("/api/v1/subsidy-applications", &rent)
        .await
        .json()["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for a in [
        json!({ "type": "verify", "passed": true }),
        json!({ "type": "decide" }),
    ] {
        let r = office
            .post_json(&format!("/api/v1/subsidy-applications/{case}/actions"), &a)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
        if a["type"] == "decide" {
            assert_eq!(r.json()["status"], "approved", "{b}: {}", r.text());
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_talent_apartment_page_records_and_ends_with_confirmation() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        app.set_today(date("2026-07-15"));
        let office = app.login("talent").await;
        let page = office.get("/talent-apartments").await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(page.text().contains(r#"id="record-form""#), "{b}");
        // Every missing field at once, beside itself; what was typed kept.
        let r = office
            .post_form(
                "/talent-apartments",
                &[
                    ("name", "秦志远"),
                    ("resident_id", ""),
                    ("apartment", ""),
                    ("from", "2026-13-01"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let t = r.text();
        for f in ["resident_id", "apartment", "from"] {
            assert!(t.contains(&format!(r#"id="{f}-error""#)), "{b}: {f}");
        }
        assert!(t.contains(r#"value="秦志远""#), "{b}: kept");
        // A bad ID comes back from the service beside its field.
        let r = office
            .post_form(
                "/talent-apartments",
                &[
                    ("name", "秦志远"),
                    ("resident_id", "140302199406061234"),
                    ("apartment", "人才公寓B栋101"),
                    ("from", "2026-05-01"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.text().contains(r#"id="resident_id-error""#), "{b}");
        let rid = resident_id("140302", "1993-03-03", false);
        let r = office
            .post_form(
                "/talent-apartments",
                &[
                    ("name", "秦志远"),
                    ("resident_id", &rid),
                    ("apartment", "人才公寓B栋101"),
                    ("from", "2026-05-01"),
                    ("until", ""),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.text());
        let list = office
            .get("/api/v1/benefits/talent-apartments")
            .await
            .json();
        let id = list[0]["id"].as_str().unwrap_or_default().to_owned();
        let page = office.get("/talent-apartments").await.text();
        assert!(
            page.contains("人才公寓B栋101") && page.contains("秦*远"),
            "{b}"
        );
        assert!(!page.contains(&rid), "{b}: masked");
        assert!(page.contains(&format!(r#"id="end-{id}""#)), "{b}");
        // Without the confirmation tick: refused beside it, reason kept.
        let r = office
            .post_form(
                &format!("/talent-apartments/{id}/end"),
                &[("on", "2026-07-20"), ("reason", "调离本市")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.text().contains(r#"id="confirm-error""#), "{b}");
        assert!(r.text().contains(r#"value="调离本市""#), "{b}");
        let r = office
            .post_form(
                &format!("/talent-apartments/{id}/end"),
                &[
                    ("on", "2026-07-20"),
                    ("reason", "调离本市"),
                    ("confirm", "on"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.text());
        let page = office.get("/talent-apartments").await.text();
        assert!(page.contains("已提前退出：2026-07-20，调离本市"), "{b}");
        assert!(
            !page.contains(&format!(r#"id="end-{id}""#)),
            "{b}: no form once ended"
        );
        // Readers see the register without the forms.
        let city = app.login("city").await;
        let page = city.get("/talent-apartments").await.text();
        assert!(
            page.contains("人才公寓B栋101") && !page.contains(r#"id="record-form""#),
            "{b}"
        );
    }
}

/// Lettings recorded before migration 0081 are register rows only (source
/// `talent_apartment`, no name, no apartment). They are listed, marked as
/// such, and end early through the same confirmation flow, which asks the
/// tenant's resident ID to check the row is theirs; the register row ends
/// that day, audited. Both backends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lettings_recorded_before_the_page_are_listed_and_ended_early() {
    for app in TestApp::each_backend().await {
        legacy(&app).await;
    }
}

async fn legacy(app: &TestApp) {
    let b = app.backend();
    app.set_today(date("2026-07-15"));
    let office = app.login("talent").await;
    let rid = resident_id("140302", "1992-02-02", false);
    let other = resident_id("140302", "1993-03-03", true);
    // A register row as the API wrote it before 0081: record a letting,
    // then take it back to that shape (no letting row, the generic source).
    let r = office
        .post_json(
            "/api/v1/benefits/talent-apartments",
            &json!({ "resident_id": rid, "from": "2025-03-01" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{b}: {}", r.text());
    let ta = r
        .header("location")
        .and_then(|l| l.rsplit('/').next())
        .unwrap_or_default()
        .to_owned();
    app.raw_execute(&format!("DELETE FROM talent_apartments WHERE id = '{ta}'"))
        .await;
    assert_eq!(
        app.raw_execute(&format!(
            "UPDATE benefit_grants SET source = 'talent_apartment' WHERE source = '{ta}'"
        ))
        .await,
        1,
        "{b}"
    );
    // Listed, marked, with what the register holds.
    let list = office
        .get("/api/v1/benefits/talent-apartments")
        .await
        .json();
    let old = list
        .as_array()
        .and_then(|l| l.iter().find(|r| r["legacy"] == true))
        .cloned()
        .unwrap_or_default();
    let id = old["id"].as_str().unwrap_or_default().to_owned();
    assert!(
        id.starts_with("TL-") && id.ends_with("-20250301"),
        "{b}: {list}"
    );
    assert_eq!(old["from"], "2025-03-01", "{b}");
    assert_eq!(old["status"], "active", "{b}");
    assert_eq!(old["apartment"], "", "{b}: unknown");
    let page = office.get("/talent-apartments").await.text();
    assert!(page.contains(&format!("id=\"legacy-{id}\"")), "{b}");
    assert!(page.contains(&format!("id=\"end-{id}\"")), "{b}: endable");
    // It still counts in the register.
    let r = office
        .post_json(
            "/api/v1/benefits/talent-apartments",
            &json!({ "resident_id": rid, "from": "2026-07-01" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.text());
    // Ending: the tenant's resident ID is asked and must be theirs.
    let end = |body: Value| {
        let (office, id) = (&office, &id);
        async move {
            office
                .post_json(
                    &format!("/api/v1/benefits/talent-apartments/{id}/end"),
                    &body,
                )
                .await
        }
    };
    for body in [
        json!({ "on": "2026-07-31", "reason": "离职" }),
        json!({ "on": "2026-07-31", "reason": "离职", "resident_id": other }),
        json!({ "on": "2026-07-31", "reason": "离职", "resident_id": "1403" }),
    ] {
        let r = end(body).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.text()
        );
        assert_eq!(r.error()["field"], "resident_id", "{b}: {}", r.text());
    }
    let r = end(json!({ "on": "2025-02-28", "reason": "离职", "resident_id": rid })).await;
    assert_eq!(r.error()["field"], "on", "{b}: before the first day");
    // On the page: the confirmation tick is required.
    let r = office
        .post_form(
            &format!("/talent-apartments/{id}/end"),
            &[
                ("on", "2026-07-31"),
                ("reason", "离职"),
                ("resident_id", &rid),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(r.text().contains("id=\"confirm-error\""), "{b}");
    let r = office
        .post_form(
            &format!("/talent-apartments/{id}/end"),
            &[
                ("on", "2026-07-31"),
                ("reason", ""),
                ("resident_id", &other),
                ("confirm", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(r.text().contains("id=\"reason-error\""), "{b}");
    let r = office
        .post_form(
            &format!("/talent-apartments/{id}/end"),
            &[
                ("on", "2026-07-31"),
                ("reason", "已取得配售型保障性住房资格"),
                ("resident_id", &rid),
                ("confirm", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.text());
    let list = office
        .get("/api/v1/benefits/talent-apartments")
        .await
        .json();
    let old = list
        .as_array()
        .and_then(|l| l.iter().find(|r| r["id"] == id.as_str()))
        .cloned()
        .unwrap_or_default();
    assert_eq!(old["status"], "ended", "{b}: {list}");
    assert_eq!(old["ended_on"], "2026-07-31", "{b}");
    assert_eq!(old["end_reason"], "已取得配售型保障性住房资格", "{b}");
    assert!(
        office
            .get("/talent-apartments")
            .await
            .text()
            .contains("已取得配售型保障性住房资格"),
        "{b}"
    );
    let r = end(json!({ "on": "2026-07-30", "reason": "再次", "resident_id": rid })).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.text());
    let log = app
        .login("auditor")
        .await
        .get("/api/v1/audit?limit=1000")
        .await
        .text();
    assert!(
        log.contains(&format!("talent_apartment:{id}")),
        "{b}: audited"
    );
    // The register row ended that day: a letting from the next day is taken.
    let r = office
        .post_json(
            "/api/v1/benefits/talent-apartments",
            &json!({ "resident_id": rid, "from": "2026-08-01" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{b}: {}", r.text());
}
