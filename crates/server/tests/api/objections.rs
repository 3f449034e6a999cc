//! An objection upheld during the public notice (issue 12 defect 2): the
//! family is rejected at once with the objection as the reason, nothing
//! offers to qualify it any more, the page says the decision was
//! overtaken, and the banner after the action names the state it led to.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_upheld_objection_rejects_at_once_and_nothing_pretends_otherwise() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let family = app.login("family").await;
        let street = app.login(&format!("street-{D}")).await;
        let bureau = app.login(&format!("bureau-{D}")).await;
        let id = family
            .submit_ok(&Family::new(D, ["王振国", "李秀梅"]).submission())
            .await;
        street.act_ok(&id, json!({"type": "street_pass"})).await;
        for dept in DEPARTMENTS {
            app.login(&format!("verifier-{dept}"))
                .await
                .act_ok(
                    &id,
                    json!({"type": "department_confirm", "department": dept}),
                )
                .await;
        }
        bureau.act_ok(&id, json!({"type": "record_decision"})).await;
        // The decision leads with one sentence (which categories, which
        // round, why not the others), then the conditions by category,
        // shared ones first, failed ones first, none repeated.
        let page = bureau.get(&format!("/applications/{id}")).await.text();
        let summary = page.find("id=\"decision-summary\"").expect("a summary");
        let reasons = page.find("id=\"reasons\"").expect("the conditions");
        assert!(summary < reasons, "{b}: the sentence comes first");
        assert!(
            page[summary..reasons].contains("符合以下类别的申请条件"),
            "{b}"
        );
        assert!(page[summary..reasons].contains("可参加第 1 轮配售"), "{b}");
        assert!(page.contains("共同条件"), "{b}: the shared conditions");
        assert!(page.contains("类别："), "{b}: grouped by category");
        bureau.act_ok(&id, json!({"type": "start_notice"})).await;
        bureau
            .act_ok(
                &id,
                json!({"type": "record_objection", "text": "群众反映该户在本市有住房"}),
            )
            .await;
        let after = bureau
            .act_ok(
                &id,
                json!({"type": "resolve_objection", "id": 1, "upheld": true,
                       "note": "经查该户2025年购入住房一套", "article": "第十条（一）2", "ref": "10.1.2"}),
            )
            .await;
        assert_eq!(status(&after), "rejected", "{b}: {after}");
        let available = after["available_actions"].to_string();
        assert!(!available.contains("qualify"), "{b}: {available}");
        let res = bureau.act(&id, json!({"type": "qualify"})).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{b}: {}", res.text());
        // The family may ask for a review of the rejection.
        let family_view = family.detail(&id).await;
        assert!(
            family_view["available_actions"]
                .to_string()
                .contains("request_review"),
            "{b}: {family_view}"
        );

        // The page: the decision is marked overtaken, the reason is the
        // objection, and the banner names the state the action led to.
        let page = bureau
            .get(&format!("/applications/{id}?msg=resolve_objection"))
            .await
            .text();
        assert!(page.contains("id=\"decision-overtaken\""), "{b}");
        assert!(page.contains("公示期间异议经核实成立"), "{b}");
        assert!(page.contains("审核未通过"), "{b}");
        assert!(!page.contains("已完成"), "{b}: no bare 'done'");
        assert!(
            !page.contains("value=\"qualify\""),
            "{b}: no qualify button"
        );
    }
}
