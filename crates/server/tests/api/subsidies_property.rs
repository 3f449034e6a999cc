//! The talent purchase subsidy's first-home check through the property
//! records (阳政办发〔2022〕39号 二（三） "在我市购买首套商品住房"), on both
//! backends: the talent office asks the natural-resources department; its
//! verifier sees the request with the full identity (audited) and answers
//! with the homes its register records and the query reference, over the
//! API or on its page (problems beside their fields, what was typed kept);
//! the verification cannot pass before the answer; the decision decides on
//! the department's count, not the declaration, and records the answer.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

fn event(case: &Value, kind: &str) -> Value {
    case["events"]
        .as_array()
        .and_then(|es| es.iter().rev().find(|e| e["kind"] == kind).cloned())
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_first_home_check_goes_through_the_property_records() {
    for app in TestApp::each_backend().await {
        first_home(&app).await;
    }
}

async fn first_home(app: &TestApp) {
    let b = app.backend();
    app.set_today(date("2027-01-15"));
    let office = app.login("talent").await;
    let nr = app.login("verifier-natural_resources").await;
    let apply = |name: &'static str, rid: String, programme: &'static str| {
        let office = &office;
        async move {
            // Declares no home in the city.
            let body = json!({ "programme": programme, "name": name, "resident_id": rid,
                "facts": { "degree": "phd", "university": "top", "university_name": "中国石油大学(华东)",
                           "employed_in_city": true, "service_pledge_years": 5, "homes_owned": 0 } });
            let r = office
                .post_json("/api/v1/subsidy-applications", &body)
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
            r.json()["id"].as_str().unwrap_or_default().to_owned()
        }
    };
    let act = |id: String, a: Value| {
        let office = &office;
        async move {
            office
                .post_json(&format!("/api/v1/subsidy-applications/{id}/actions"), &a)
                .await
        }
    };
    let answer = |id: String, a: Value| {
        let nr = &nr;
        async move {
            nr.post_json(
                &format!("/api/v1/subsidy-applications/{id}/property-records"),
                &a,
            )
            .await
        }
    };
    let rid = resident_id("140302", "1992-02-02", true);
    let id = apply("欧阳振华", rid.clone(), "talent_purchase").await;

    // Not verified before the department answers.
    let r = act(id.clone(), json!({ "type": "verify", "passed": true })).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.text());
    assert!(r.text().contains("自然资源部门"), "{b}: {}", r.text());
    // Only the purchase subsidy has the check.
    let rent = apply(
        "林晓雯",
        resident_id("140302", "1996-04-02", false),
        "talent_rent",
    )
    .await;
    let r = act(rent, json!({ "type": "request_property_records" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    // Asked once.
    let r = act(id.clone(), json!({ "type": "request_property_records" })).await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    assert_eq!(r.json()["status"], "records_asked", "{b}");
    let r = act(id.clone(), json!({ "type": "request_property_records" })).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{b}");

    // The department sees whom to search for (the full identity, audited);
    // no one else sees the list or answers.
    let list = nr.get("/api/v1/property-record-requests").await;
    assert_eq!(list.status, StatusCode::OK, "{b}");
    let list = list.json();
    assert!(
        list.as_array()
            .is_some_and(|l| l.iter().any(|r| r["id"] == id.as_str()
                && r["name"] == "欧阳振华"
                && r["resident_id"] == rid.as_str())),
        "{b}: {list}"
    );
    let auditor = app.login("auditor").await;
    let log = auditor.get("/api/v1/audit?limit=1000").await.text();
    assert!(
        log.contains("subsidy:property_requests"),
        "{b}: read audited: {log}"
    );
    assert_eq!(
        office.get("/api/v1/property-record-requests").await.status,
        StatusCode::FORBIDDEN,
        "{b}"
    );
    let r = office
        .post_json(
            &format!("/api/v1/subsidy-applications/{id}/property-records"),
            &json!({ "homes_owned": 0, "reference": "x" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{b}");
    // The reference is required.
    let r = answer(id.clone(), json!({ "homes_owned": 0, "reference": " " })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(r.error()["field"], "reference", "{b}");

    // On the page: the full identity, and problems beside their fields.
    let page = nr.get("/property-records").await.text();
    assert!(page.contains("欧阳振华") && page.contains(&rid), "{b}");
    let r = nr
        .post_form(
            &format!("/property-records/{id}"),
            &[
                ("homes_owned", "一套"),
                ("reference", ""),
                ("note", "已查询"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let page = r.text();
    assert!(page.contains(r#"id="homes_owned-error""#), "{b}");
    assert!(page.contains(r#"id="reference-error""#), "{b}");
    assert!(
        page.contains(r#"value="一套""#) && page.contains(r#"value="已查询""#),
        "{b}"
    );

    // The register records one home: the answer, through the page.
    let r = nr
        .post_form(
            &format!("/property-records/{id}"),
            &[
                ("homes_owned", "1"),
                ("reference", "阳不动产查〔2027〕0115号"),
                ("note", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.text());
    let list = nr.get("/api/v1/property-record-requests").await.json();
    assert_eq!(list.as_array().map(Vec::len), Some(0), "{b}: answered");
    // Answered once.
    let r = answer(id.clone(), json!({ "homes_owned": 0, "reference": "再次" })).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{b}");

    // Verified with the answer; the decision reads the register, not the
    // declaration (0 homes declared, 1 recorded): refused, citing 二（三）.
    let r = act(id.clone(), json!({ "type": "verify", "passed": true })).await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    let v = event(&r.json(), "verify");
    assert_eq!(v["body"]["property_records"]["homes_owned"], 1, "{b}: {v}");
    let r = act(id.clone(), json!({ "type": "decide" })).await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    let c = r.json();
    assert_eq!(c["status"], "refused", "{b}: {c}");
    let d = event(&c, "decide");
    assert_eq!(
        d["body"]["property_records"]["reference"], "阳不动产查〔2027〕0115号",
        "{b}: {d}"
    );
    let text = d["body"]["decision"].to_string();
    assert!(text.contains("所购不是首套"), "{b}: {text}");
    assert!(text.contains("二（三）"), "{b}: {text}");
    let page = office.get(&format!("/subsidy-cases/{id}")).await.text();
    assert!(
        page.contains("本市不动产登记住房 1 套") && page.contains("阳政办发〔2022〕39号 二（三）"),
        "{b}: the case page shows the answer with its article"
    );

    // No home on record: approved, 200,000 yuan.
    let id = apply(
        "司马文静",
        resident_id("140302", "1991-09-09", false),
        "talent_purchase",
    )
    .await;
    act(id.clone(), json!({ "type": "request_property_records" })).await;
    let r = answer(
        id.clone(),
        json!({ "homes_owned": 0, "reference": "阳不动产查〔2027〕0116号" }),
    )
    .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{b}: {}", r.text());
    act(id.clone(), json!({ "type": "verify", "passed": true })).await;
    let c = act(id.clone(), json!({ "type": "decide" })).await.json();
    assert_eq!(c["status"], "approved", "{b}: {c}");
    assert_eq!(c["instalments"][0]["amount"], 20_000_000, "{b}: {c}");
    assert_eq!(
        event(&c, "decide")["body"]["property_records"]["homes_owned"],
        0,
        "{b}"
    );
}
