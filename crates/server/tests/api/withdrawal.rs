//! Who may withdraw what (issue 12 defect 5): a withdrawal needs a reason,
//! which the history shows; the family withdraws its own online application;
//! the community clerk withdraws only a paper application filed at its
//! counter, never the family's online one.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn withdrawal_needs_a_reason_and_the_right_person() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let family = app.login("family").await;
        let counter = app.login(&format!("community-{D}")).await;

        // Online, by the family.
        let online = family
            .submit_ok(&Family::new(D, ["王振国", "李秀梅"]).submission())
            .await;
        // Without a reason: refused beside the field, nothing changes.
        let res = family.act(&online, json!({"type": "withdraw"})).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
        assert_eq!(res.error()["code"], "reason_required", "{b}");
        assert_eq!(res.error()["field"], "reason", "{b}");
        let res = family
            .act(&online, json!({"type": "withdraw", "reason": "   "}))
            .await;
        assert_eq!(
            res.status,
            StatusCode::BAD_REQUEST,
            "{b}: blank is no reason"
        );
        assert_eq!(status(&family.detail(&online).await), "submitted", "{b}");

        // The clerk may not withdraw the family's online application, and is
        // not offered to.
        let seen = counter.detail(&online).await;
        assert!(
            !seen["available_actions"]
                .as_array()
                .expect("actions")
                .contains(&json!("withdraw")),
            "{b}: {seen}"
        );
        let res = counter
            .act(
                &online,
                json!({"type": "withdraw", "reason": "家庭口头要求"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{b}: {}", res.text());
        assert!(
            res.text().contains("只能由申请人本人撤回"),
            "{b}: {}",
            res.text()
        );
        assert_eq!(status(&family.detail(&online).await), "submitted", "{b}");

        // The family may, with a reason, which the history keeps.
        let done = family
            .act_ok(
                &online,
                json!({"type": "withdraw", "reason": "家庭已自行购房"}),
            )
            .await;
        assert_eq!(status(&done), "withdrawn", "{b}");
        let page = family.get(&format!("/applications/{online}")).await;
        assert!(
            page.text().contains("家庭已自行购房"),
            "{b}: the reason is in the history"
        );

        // A paper application at the counter: the clerk may withdraw it.
        let paper = counter
            .submit_ok(&Family::new(D, ["赵德明", "钱玉兰"]).submission())
            .await;
        let seen = counter.detail(&paper).await;
        assert!(
            seen["available_actions"]
                .as_array()
                .expect("actions")
                .contains(&json!("withdraw")),
            "{b}: {seen}"
        );
        let done = counter
            .act_ok(
                &paper,
                json!({"type": "withdraw", "reason": "家庭递交书面撤回申请"}),
            )
            .await;
        assert_eq!(status(&done), "withdrawn", "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_withdrawal_form_asks_for_a_confirmation() {
    let app = TestApp::sqlite().await;
    let family = app.login("family").await;
    let id = family
        .submit_ok(&Family::new(D, ["王振国", "李秀梅"]).submission())
        .await;
    let page = family.get(&format!("/applications/{id}")).await.text();
    assert!(
        page.contains(r#"name="confirm""#),
        "the form has the tick box"
    );
    assert!(page.contains("不能恢复"), "and says why");
    // Posted without the tick: refused, still submitted.
    let res = family
        .post_form(
            &format!("/applications/{id}/act"),
            &[("type", "withdraw"), ("reason", "不再需要")],
        )
        .await;
    assert!(res.text().contains("须勾选确认"), "{}", res.text());
    assert_eq!(status(&family.detail(&id).await), "submitted");
    let res = family
        .post_form(
            &format!("/applications/{id}/act"),
            &[
                ("type", "withdraw"),
                ("reason", "不再需要"),
                ("confirm", "on"),
            ],
        )
        .await;
    assert!(
        res.status.is_redirection(),
        "{}: {}",
        res.status,
        res.text()
    );
    assert_eq!(status(&family.detail(&id).await), "withdrawn");
}
