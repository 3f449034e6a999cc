//! Reviewers see what they review (issue 12 defect 6): the street and the
//! bureau the whole declaration, a department the members and its own facts
//! beside what it confirmed, supervisors masked names only; every staff
//! reading is audited; a review request shows the rejection it contests.

use crate::common::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_sees_the_declaration_it_needs() {
    let app = TestApp::sqlite().await;
    let family = app.login("family").await;
    let f = Family::new(D, ["王振国", "李秀梅"]);
    let id = family.submit_ok(&f.submission()).await;
    let page = |who: &'static str| {
        let app = &app;
        let id = id.clone();
        async move {
            let s = app.login(who).await;
            s.get(&format!("/applications/{id}")).await.text()
        }
    };

    // The street reviews everything: names, IDs and income in full.
    let street = page("street-140302").await;
    assert!(
        street.contains("王振国") && street.contains(&f.ids[0]),
        "street sees who"
    );
    assert!(
        street.contains("年收入（元）") && street.contains("40000"),
        "and the income"
    );
    assert!(
        street.contains("待公安部门核验"),
        "owned facts await their department"
    );

    // Public security: who the members are, and its own facts only.
    let police = page("verifier-public_security").await;
    assert!(police.contains(&f.ids[0]), "the ID, to look the person up");
    assert!(police.contains("本市常住人口") && police.contains("在本地居住年数"));
    assert!(!police.contains("年收入（元）"), "not the income");
    assert!(
        !police.contains("本市名下住房套数"),
        "not the property records"
    );

    // The company and the city bureau: masked, no facts.
    for who in ["company", "city"] {
        let p = page(who).await;
        assert!(
            !p.contains("王振国") && !p.contains(&f.ids[0]),
            "{who}: masked"
        );
        assert!(p.contains("王*国"), "{who}: the masked name");
        assert!(!p.contains("年收入（元）"), "{who}: no facts");
    }

    // Every staff reading is in the audit log.
    let auditor = app.login("auditor").await;
    let log = auditor
        .get("/api/v1/audit?action=personal_data.read&limit=50")
        .await
        .json();
    assert!(log.to_string().contains(&id), "{log}");

    // A correction shows what was declared and what it became.
    app.login("street-140302")
        .await
        .act_ok(&id, json!({"type": "street_pass"}))
        .await;
    app.login("verifier-public_security")
        .await
        .act_ok(
            &id,
            json!({"type": "department_confirm", "department": "public_security",
                   "corrections": [{"path": "members[0].residence_years", "old": 6, "new": 8}]}),
        )
        .await;
    let bureau = page("bureau-140302").await;
    assert!(bureau.contains("公安部门更正为：8"), "the correction");
    assert!(bureau.contains(r#"class="corrected""#));
    assert!(
        bureau.contains("公安部门已核验，一致"),
        "facts it left as declared"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_family_sees_its_progress_and_prints_a_receipt() {
    let app = TestApp::sqlite().await;
    let family = app.login("family").await;
    let f = Family::new(D, ["王振国", "李秀梅"]);
    let id = family.submit_ok(&f.submission()).await;
    let page = family.get(&format!("/applications/{id}")).await.text();
    assert!(page.contains(r#"id="timeline""#), "the timeline");
    assert!(
        page.contains(r#"<li class="current"><strong>街道（乡镇）初审"#),
        "{page}"
    );
    assert!(
        page.contains("文件未规定办理时限"),
        "says there is no set time"
    );
    assert!(page.contains(&format!("/applications/{id}/receipt")));
    // The receipt: number, materials, next step, seal; names masked.
    let r = family.get(&format!("/applications/{id}/receipt")).await;
    assert_eq!(r.status, axum::http::StatusCode::OK);
    let r = r.text();
    assert!(r.contains(&id) && r.contains("已提交材料") && r.contains("（盖章）"));
    assert!(r.contains("王*国") && !r.contains("王振国") && !r.contains(&f.ids[0]));
    // Another family cannot read it.
    let other = app.login("family2").await;
    let res = other.get(&format!("/applications/{id}/receipt")).await;
    assert_eq!(res.status, axum::http::StatusCode::NOT_FOUND);
    // Returned: the page says what to correct.
    app.login("street-140302")
        .await
        .act_ok(
            &id,
            json!({"type": "street_return", "reason": "请补充社保缴纳证明"}),
        )
        .await;
    let page = family.get(&format!("/applications/{id}")).await.text();
    assert!(
        page.contains("请按退回原因补正后重新提交：请补充社保缴纳证明"),
        "{page}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_family_is_told_and_a_text_message_queued_with_the_step() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let family = app.login("family").await;
        let id = family
            .submit_ok(&Family::new(D, ["王振国", "李秀梅"]).submission())
            .await;
        // Its own submission tells it nothing.
        let page = family.get("/messages").await.text();
        assert!(page.contains(r#"id="no-messages""#), "{b}: {page}");
        app.login("street-140302")
            .await
            .act_ok(
                &id,
                json!({"type": "street_return", "reason": "请补充社保缴纳证明"}),
            )
            .await;
        let page = family.get("/messages").await.text();
        assert!(page.contains(r#"id="unread""#), "{b}: {page}");
        assert!(
            page.contains("已退回补正，需补正：请补充社保缴纳证明"),
            "{b}: {page}"
        );
        // Read once opened.
        let page = family.get("/messages").await.text();
        assert!(!page.contains(r#"id="unread""#), "{b}: read now");
        // Another family sees none of it.
        let other = app.login("family2").await.get("/messages").await.text();
        assert!(other.contains(r#"id="no-messages""#), "{b}");

        // The corrected file comes back: the street office hears of it
        // (its shared mailbox), another district's street does not, and
        // the family is not told of its own step.
        family.act_ok(&id, json!({"type": "resubmit"})).await;
        let page = app
            .login("street-140302")
            .await
            .get("/messages")
            .await
            .text();
        assert!(page.contains(r#"id="unread""#), "{b}: {page}");
        assert!(
            page.contains(&format!("申请{id}退回补正后已重新提交，待街道初审")),
            "{b}: {page}"
        );
        // Read for the office once one of its staff opened it.
        let page = app
            .login("street-140302")
            .await
            .get("/messages")
            .await
            .text();
        assert!(!page.contains(r#"id="unread""#), "{b}: {page}");
        let page = app
            .login("street-140303")
            .await
            .get("/messages")
            .await
            .text();
        assert!(page.contains(r#"id="no-messages""#), "{b}: {page}");
        let page = app
            .login("bureau-140302")
            .await
            .get("/messages")
            .await
            .text();
        assert!(
            page.contains(r#"id="no-messages""#),
            "{b}: not the bureau's: {page}"
        );
        // The SMS outbox holds the text for a gateway.
        let sms = app
            .store()
            .applications()
            .sms_pending(10)
            .await
            .expect("outbox");
        assert_eq!(sms.len(), 1, "{b}: {sms:?}");
        assert!(
            sms[0].text.starts_with("【安居】您的保障性住房申请")
                && sms[0].text.contains("请补充社保缴纳证明")
        );
    }
}
