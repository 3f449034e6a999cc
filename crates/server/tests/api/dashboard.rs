//! The staff dashboard (issue 12 feature 20): what waits for my role, what
//! is overdue, applications by state and district in my scope.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_sees_what_waits_for_it_and_what_is_overdue() {
    let app = TestApp::sqlite().await;
    app.set_today(day0());
    let family = app.login("family").await;
    let waiting = family
        .submit_ok(&Family::new(D, ["王振国", "李秀梅"]).submission())
        .await;
    let noticed = app
        .login("family2")
        .await
        .submit_ok(&Family::new(D, ["赵德明", "钱玉兰"]).submission())
        .await;
    let street = app.login("street-140302").await;
    street
        .act_ok(&noticed, json!({"type": "street_pass"}))
        .await;
    for dept in DEPARTMENTS {
        app.login(&format!("verifier-{dept}"))
            .await
            .act_ok(
                &noticed,
                json!({"type": "department_confirm", "department": dept}),
            )
            .await;
    }
    let bureau = app.login("bureau-140302").await;
    bureau
        .act_ok(&noticed, json!({"type": "record_decision"}))
        .await;
    bureau
        .act_ok(&noticed, json!({"type": "start_notice"}))
        .await;

    // The street: one submission waits for it.
    let page = street.get("/dashboard").await.text();
    assert!(page.contains(r#"id="waiting""#), "{page}");
    assert!(
        page.contains(r#"<strong class="n">1</strong> 已提交，待街道初审"#),
        "{page}"
    );
    assert!(
        page.contains(r#"id="nothing-overdue""#),
        "nothing overdue yet"
    );
    assert!(page.contains(r#"id="status-table""#) && page.contains(r#"data-chart="#));
    let _ = waiting;

    // Three weeks on the notice has ended and waits for the bureau: overdue.
    app.set_today(day0() + chrono::Days::new(21));
    // (A new session: the morning's has expired three weeks on.)
    let bureau = app.login("bureau-140302").await;
    let page = bureau.get("/dashboard").await.text();
    assert!(page.contains(r#"id="overdue""#), "{page}");
    assert!(!page.contains(r#"id="nothing-overdue""#), "{page}");
    assert!(page.contains("公示期满，待确认资格"), "{page}");
    // Another district's bureau sees none of it.
    let other = app
        .login("bureau-140303")
        .await
        .get("/dashboard")
        .await
        .text();
    assert!(other.contains(r#"id="nothing-overdue""#), "{other}");
    assert!(!other.contains("城区"), "only its own district: {other}");

    // A family has its own application page, not the dashboard.
    let res = app.login("family").await.get("/dashboard").await;
    assert_eq!(res.status, StatusCode::FORBIDDEN);
}
