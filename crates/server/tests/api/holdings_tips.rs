//! The public tip line on both backends: anyone sends a tip without an
//! account and gets a receipt number that tells only whether the tip was
//! handled; bad fields are refused by name; an address is limited per hour;
//! the company attaches a tip to the home's review in the running campaign
//! (the home is flagged and its case opens, as a staff report) or
//! dismisses it with why; each step is audited, never with the contact.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

const P: &str = "YQ-2025-01";

fn tip(what: &str) -> Value {
    json!({"kind": "sublet", "address": "矿区某小区5栋1单元", "seen_on": "2026-01-05",
           "what": what, "contact": "13900000000"})
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn public_tips_from_receipt_to_case() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        anju_server::demo::seed(&app.state(), 300)
            .await
            .expect("demo seeds");
        // Bad fields: refused by name, nothing stored, no budget used.
        let mut bad = tip("有人租住");
        bad["seen_on"] = json!((app.state().clock.today() + chrono::Duration::days(3)).to_string());
        let res = app.anon_post_json("/api/v1/tips", &bad).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
        assert_eq!(res.error()["field"], "seen_on", "{b}");
        let mut bad = tip("x");
        bad["kind"] = json!("noisy");
        let res = app.anon_post_json("/api/v1/tips", &bad).await;
        assert_eq!(res.error()["field"], "kind", "{b}");
        let res = app
            .anon_post_json("/api/v1/tips", &tip(&"长".repeat(1001)))
            .await;
        assert_eq!(res.error()["field"], "what", "{b}");

        // A good tip: a receipt, and the receipt tells only its status.
        let res = app
            .anon_post_json("/api/v1/tips", &tip("每周看到不同租客进出"))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{b}: {}", res.text());
        let r1 = res.json()["receipt"].as_str().expect("receipt").to_string();
        assert!(r1.starts_with("JB-") && r1.len() == 19, "{b}: {r1}");
        let st = app
            .anon_get(&format!("/api/v1/holdings/tip-status/{r1}"))
            .await;
        assert_eq!(st.status, StatusCode::OK, "{b}");
        assert_eq!(st.json()["status"], "received", "{b}");
        let text = st.text();
        assert!(
            !text.contains("矿区") && !text.contains("13900000000"),
            "{b}: no reflection: {text}"
        );
        assert_eq!(
            app.anon_get("/api/v1/holdings/tip-status/JB-0000000000000000")
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let res = app
            .anon_post_json("/api/v1/tips", &tip("房屋长期无人"))
            .await;
        let r2 = res.json()["receipt"].as_str().expect("receipt").to_string();

        // Who sees the queue: the company only.
        let company = app.login("company").await;
        let list = company.get("/api/v1/holdings/tips").await.json();
        // The two sent here and the demo's one still waiting (its attached
        // and dismissed tips are handled: not in the queue).
        assert_eq!(
            list["tips"].as_array().map(Vec::len),
            Some(3),
            "{b}: {list}"
        );
        let all = company.get("/api/v1/holdings/tips?status=all").await.json();
        for s in ["received", "attached", "dismissed"] {
            assert!(
                all["tips"]
                    .as_array()
                    .is_some_and(|t| t.iter().any(|t| t["status"] == s)),
                "{b}: the demo has a tip {s}: {all}"
            );
        }
        assert_eq!(
            app.login("city")
                .await
                .get("/api/v1/holdings/tips")
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
        assert_eq!(
            app.anon_get("/api/v1/holdings/tips").await.status,
            StatusCode::UNAUTHORIZED,
            "{b}"
        );

        // Attach: the home is flagged in the running campaign and its case opens.
        let sold = company.get("/api/v1/holdings").await.json();
        let homes = sold["homes"].as_array().cloned().unwrap_or_default();
        let home = homes.last().expect("a sold home")["home_id"]
            .as_str()
            .expect("home")
            .to_string();
        let url = format!("/api/v1/holdings/tips/{r1}/triage");
        let res = company
            .post_json(&url, &json!({"step": "attach", "project_id": P, "home_id": home, "finding": "noise", "note": "走访核实"}))
            .await;
        assert_eq!(res.error()["field"], "finding", "{b}");
        let res = company
            .post_json(&url, &json!({"step": "attach", "project_id": P, "home_id": home, "finding": "lent", "note": "社区走访核实，房屋由亲戚居住"}))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
        assert_eq!(res.json()["status"], "attached", "{b}");
        assert!(res.json()["attached_campaign"].as_str().is_some(), "{b}");
        let cases = company.get("/api/v1/holdings/cases").await.json();
        assert!(
            cases["cases"]
                .as_array()
                .expect("cases")
                .iter()
                .any(|c| c["home_id"] == home.as_str() && c["flag"] == "lent"),
            "{b}: the case opens: {cases}"
        );
        let file = company
            .get(&format!("/api/v1/holdings/homes/{P}/{home}"))
            .await
            .text();
        assert!(file.contains(&r1), "{b}: the evidence names the tip");
        let res = company
            .post_json(&url, &json!({"step": "dismiss", "note": "x"}))
            .await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{b}: triaged once");
        // Dismiss with why.
        let res = company
            .post_json(
                &format!("/api/v1/holdings/tips/{r2}/triage"),
                &json!({"step": "dismiss", "note": " "}),
            )
            .await;
        assert_eq!(res.error()["field"], "note", "{b}");
        let res = company
            .post_json(
                &format!("/api/v1/holdings/tips/{r2}/triage"),
                &json!({"step": "dismiss", "note": "经核实该户正常居住"}),
            )
            .await;
        assert_eq!(res.json()["status"], "dismissed", "{b}: {}", res.text());
        // The reporter learns only that both were handled.
        for r in [&r1, &r2] {
            let s = app
                .anon_get(&format!("/api/v1/holdings/tip-status/{r}"))
                .await
                .json();
            assert_eq!(s["status"], "handled", "{b}: {s}");
            assert!(
                s.get("finding").is_none() && s.get("outcome_note").is_none(),
                "{b}"
            );
        }
        // Audited, never with the contact.
        let auditor = app.login("auditor").await;
        let mut log = String::new();
        let mut after = 0u64;
        loop {
            let page = auditor
                .get(&format!("/api/v1/audit?after={after}&limit=1000"))
                .await
                .json();
            let items = page["items"].as_array().cloned().unwrap_or_default();
            let Some(last) = items.last() else { break };
            after = last["seq"].as_u64().expect("seq");
            log.push_str(&page.to_string());
        }
        for a in [
            "holdings.tip_receive",
            "holdings.tip_attach",
            "holdings.tip_dismiss",
        ] {
            assert!(log.contains(a), "{b}: {a}");
        }
        assert!(
            !log.contains("13900000000"),
            "{b}: the contact stays out of the log"
        );

        // Per address: five tips an hour (two sent), then 429.
        let mut codes = Vec::new();
        for i in 0..4 {
            codes.push(
                app.anon_post_json("/api/v1/tips", &tip(&format!("第{i}次")))
                    .await
                    .status,
            );
        }
        assert_eq!(codes[..3], [StatusCode::CREATED; 3], "{b}: {codes:?}");
        assert_eq!(codes[3], StatusCode::TOO_MANY_REQUESTS, "{b}: {codes:?}");

        // The pages: the form for anyone; a post without the page's token is refused.
        let page = app.anon_get("/tips").await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(page.text().contains("tip-form"), "{b}");
        let status = app
            .anon_get(&format!("/tips/status?receipt={r1}"))
            .await
            .text();
        assert!(status.contains("已处理"), "{b}");
        let triage = company.get("/holdings/tips?status=all").await;
        assert_eq!(triage.status, StatusCode::OK, "{b}");
    }
}

/// The triage page's forms: a refused attachment or dismissal is shown
/// again open, with what was typed and the problem beside its field (HTTP
/// 422); the tip stays waiting.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn triage_forms_keep_values_and_say_errors_beside_fields() {
    let app = TestApp::sqlite().await;
    anju_server::demo::seed(&app.state(), 300)
        .await
        .expect("demo seeds");
    let res = app
        .anon_post_json("/api/v1/tips", &tip("每周看到不同租客进出"))
        .await;
    let r = res.json()["receipt"].as_str().expect("receipt").to_string();
    let company = app.login("company").await;
    let res = company
        .post_form(
            "/holdings/act",
            &[
                ("type", "tip_triage"),
                ("step", "attach"),
                ("id", &r),
                ("project_id", P),
                ("home_id", "9-9-999"),
                ("finding", "lent"),
                ("note", "上门核实有外人居住"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        res.text()
    );
    let page = res.text();
    assert!(page.contains(&format!(r#"id="ta-h-{r}-error""#)), "{page}");
    assert!(page.contains(r#"value="9-9-999""#), "{page}");
    assert!(page.contains(">上门核实有外人居住</textarea>"), "{page}");
    assert!(page.contains(r#"<option value="lent" selected"#), "{page}");
    assert!(page.contains("<details open>"), "{page}");
    let res = company
        .post_form(
            "/holdings/act",
            &[
                ("type", "tip_triage"),
                ("step", "dismiss"),
                ("id", &r),
                ("note", "查无此事"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        res.text()
    );
    let page = res.text();
    assert!(page.contains(&format!(r#"id="td-c-{r}-error""#)), "{page}");
    assert!(page.contains(">查无此事</textarea>"), "{page}");
    let st = app
        .anon_get(&format!("/api/v1/holdings/tip-status/{r}"))
        .await;
    assert_eq!(st.json()["status"], "received", "still waiting");
}
