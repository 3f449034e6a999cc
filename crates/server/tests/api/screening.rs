//! Screening at submission: a resident ID already in another active
//! application blocks it without revealing the other family; article 14
//! abandonment bans refuse it citing 第十四条.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duplicate_members_are_refused_without_naming_the_other_family() {
    for app in TestApp::each_backend().await {
        duplicates(&app).await;
    }
}

async fn duplicates(app: &TestApp) {
    let b = app.backend();
    let family = app.login("family").await;
    let family2 = app.login("family2").await;
    let counter = app.login(&format!("community-{D}")).await;
    let other_counter = app.login(&format!("community-{E}")).await;
    let a = Family::new(D, ["王振国", "李秀梅"]);
    let a_id = family.submit_ok(&a.submission()).await;
    // What must never be revealed to another family.
    let secrets: Vec<String> = vec![
        a_id.clone(),
        a.names[0].clone(),
        a.names[1].clone(),
        a.ids[0].clone(),
        "王*国".into(),
        masked_id(&a.ids[0]),
    ];
    // A family online is told only that some member is taken (not which:
    // that would let one submission test several IDs); counter staff, who
    // hold the originals, are told which member to check.
    let check_refusal = |res: &Resp, member: Option<usize>, who: &str| {
        assert!(
            res.status == StatusCode::UNPROCESSABLE_ENTITY || res.status == StatusCode::CONFLICT,
            "{b} {who}: {} {}",
            res.status,
            res.text()
        );
        let e = res.error();
        let msg = e["message"].as_str().unwrap_or("").to_owned();
        assert!(
            msg.contains("已在其他有效申请中"),
            "{b} {who}: says why: {msg}"
        );
        match member {
            Some(member) => assert!(
                msg.contains(&format!("家庭成员第{member}位")),
                "{b} {who}: names the member of this household: {msg}"
            ),
            None => assert!(
                !msg.contains("家庭成员第") && msg.contains("社区"),
                "{b} {who}: names no member and sends the family to the counter: {msg}"
            ),
        }
        for s in &secrets {
            assert!(
                !res.text().contains(s.as_str()),
                "{b} {who}: reveals {s}: {}",
                res.text()
            );
        }
    };

    // Another family applies online with A's spouse as its spouse.
    let dup = Family::with_ids(
        D,
        ["赵志强", "李秀梅"],
        [&resident_id(D, "1985-01-01", true), &a.ids[1]],
    );
    let res = family2
        .post_json("/api/v1/applications", &dup.submission())
        .await;
    check_refusal(&res, None, "family2 online");
    assert_eq!(res.error()["field"], "household");
    // At the counter, in the district, the same.
    let res = counter
        .post_json("/api/v1/applications", &dup.submission())
        .await;
    check_refusal(&res, Some(2), "community counter");
    // As main applicant, in another district.
    let dup2 = Family::with_ids(
        E,
        ["王振国", "周海燕"],
        [&a.ids[0], &resident_id(E, "1989-02-03", false)],
    );
    let res = other_counter
        .post_json("/api/v1/applications", &dup2.submission())
        .await;
    check_refusal(&res, Some(1), "community of another district");
    // The same family cannot hold two active applications (article 10).
    let res = family
        .post_json("/api/v1/applications", &a.submission())
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{b}: {}", res.text());
    assert_eq!(res.error()["code"], "active_application_exists");
    assert!(res.text().contains(&a_id), "{b}: names its own application");
    assert!(res.text().contains("第十条"), "{b}: cites article 10");
    // Nothing was created.
    let list = family2.get("/api/v1/applications").await.json();
    assert_eq!(list["items"], json!([]), "{b}");
    let city = app.login("city").await;
    let all = city.get("/api/v1/applications").await.json();
    assert_eq!(all["items"].as_array().map(Vec::len), Some(1), "{b}: {all}");

    // Once A is withdrawn, its members are free to apply again.
    let withdrawn = family
        .act_ok(&a_id, json!({"type": "withdraw", "reason": "家庭不再申请"}))
        .await;
    assert_eq!(status(&withdrawn), "withdrawn");
    family2.submit_ok(&dup.submission()).await;

    // Concurrent submissions sharing a member: exactly one is accepted,
    // whichever check (screening or the store's unique index) catches the others.
    let shared = resident_id(D, "1991-03-04", false);
    let mut bodies = Vec::new();
    for i in 0..4 {
        let f = Family::with_ids(
            D,
            ["孙国庆", "钱思雨"],
            [&resident_id(D, &format!("198{i}-07-07"), true), &shared],
        );
        bodies.push(f.submission());
    }
    let family3 = app.login("family3").await;
    let family4 = app.login("family4").await;
    let sessions = [&family, &family3, &counter, &family4];
    let results = futures_join(sessions.iter().zip(&bodies).map(|(s, body)| {
        let s = (*s).clone();
        let body = body.clone();
        async move { s.post_json("/api/v1/applications", &body).await }
    }))
    .await;
    let accepted: Vec<&Resp> = results
        .iter()
        .filter(|r| r.status == StatusCode::CREATED)
        .collect();
    assert_eq!(
        accepted.len(),
        1,
        "{b}: {:?}",
        results
            .iter()
            .map(|r| (r.status, r.text()))
            .collect::<Vec<_>>()
    );
    let winner = accepted[0].json()["id"].as_str().expect("id").to_owned();
    for r in results.iter().filter(|r| r.status != StatusCode::CREATED) {
        assert!(
            r.status == StatusCode::UNPROCESSABLE_ENTITY || r.status == StatusCode::CONFLICT,
            "{b}: {} {}",
            r.status,
            r.text()
        );
        let msg = r.error()["message"].as_str().unwrap_or("").to_owned();
        assert!(msg.contains("其他有效申请"), "{b}: {msg}");
        assert!(
            !r.text().contains(&winner),
            "{b}: reveals the other application"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_family_account_holds_one_active_application() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        // Racing submissions of two different families from one account:
        // one is accepted, whichever check catches the other.
        let family = app.login("family5").await;
        let bodies: Vec<_> = (0..2)
            .map(|_| Family::new(D, ["林建国", "黄秀兰"]).submission())
            .collect();
        let results = futures_join(bodies.into_iter().map(|body| {
            let s = family.clone();
            async move { s.post_json("/api/v1/applications", &body).await }
        }))
        .await;
        let accepted: Vec<&Resp> = results
            .iter()
            .filter(|r| r.status == StatusCode::CREATED)
            .collect();
        assert_eq!(
            accepted.len(),
            1,
            "{b}: {:?}",
            results.iter().map(Resp::text).collect::<Vec<_>>()
        );
        let first = accepted[0].json()["id"].as_str().expect("id").to_owned();
        // Once withdrawn, the account may apply again; the community
        // counter is not limited by account.
        family
            .act_ok(
                &first,
                json!({"type": "withdraw", "reason": "家庭不再申请"}),
            )
            .await;
        family
            .submit_ok(&Family::new(D, ["林建国", "黄秀兰"]).submission())
            .await;
        let counter = app.login(&format!("community-{D}")).await;
        for _ in 0..2 {
            counter
                .submit_ok(&Family::new(D, ["何志明", "罗春梅"]).submission())
                .await;
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refusals_for_taken_ids_are_audited_and_capped() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let counter = app.login(&format!("community-{D}")).await;
        let taken = Family::new(D, ["高建华", "梁玉兰"]);
        counter.submit_ok(&taken.submission()).await;
        let prober = app.login("family6").await;
        for i in 0..3 {
            let probe = Family::with_ids(
                D,
                ["宋志刚", "梁玉兰"],
                [
                    &resident_id(D, &format!("197{i}-02-02"), true),
                    &taken.ids[1],
                ],
            );
            let res = prober
                .post_json("/api/v1/applications", &probe.submission())
                .await;
            assert_eq!(
                res.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{b}: {}",
                res.text()
            );
        }
        // The fourth attempt within 30 days is sent to the counter, before
        // anything about the IDs is looked up: even an untaken family.
        let res = prober
            .post_json(
                "/api/v1/applications",
                &Family::new(D, ["宋志刚", "唐丽"]).submission(),
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{b}: {}",
            res.text()
        );
        assert_eq!(res.error()["code"], "submit_at_counter");
        // Each refusal is in the audit log, with nothing that identifies
        // the member or the other application.
        let auditor = app.login("auditor").await;
        let log = auditor.get("/api/v1/audit?limit=1000").await.json();
        let refusals: Vec<&Value> = log["items"]
            .as_array()
            .expect("items")
            .iter()
            .filter(|e| e["action"] == "submission.duplicate_refused")
            .collect();
        assert_eq!(refusals.len(), 3, "{b}");
        for e in refusals {
            assert!(!e.to_string().contains(&taken.ids[1]), "{b}: {e}");
        }
        // A month later the account may try online again.
        app.set_today(day0() + chrono::Duration::days(31));
        let prober = app.login("family6").await;
        prober
            .submit_ok(&Family::new(D, ["宋志刚", "唐丽"]).submission())
            .await;
    }
}

/// Runs the futures concurrently (on the multi-threaded runtime), in order.
async fn futures_join<F>(futures: impl IntoIterator<Item = F>) -> Vec<F::Output>
where
    F: std::future::Future + Send + 'static,
    F::Output: Send + 'static,
{
    let handles: Vec<_> = futures.into_iter().map(tokio::spawn).collect();
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.expect("task"));
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn article_14_abandonment_bans_refuse_submission() {
    for app in TestApp::each_backend().await {
        bans(&app).await;
    }
}

fn with_abandonments(dates: &[&str]) -> Value {
    let mut f = Family::new(D, ["吴建国", "郑丽娟"]);
    f.household["history"]["abandonments"] = json!(dates);
    f.submission()
}

async fn bans(app: &TestApp) {
    let b = app.backend();
    let family = app.login("family").await;
    // Today is 2026-03-02.
    let refused = [
        // Twice within 5 years: 5 years from the latest.
        (vec!["2022-06-01", "2025-01-10"], "2030-01-10"),
        // Once, within 2 years: 2 years.
        (vec!["2025-01-10"], "2027-01-10"),
    ];
    for (dates, until) in refused {
        let res = family
            .post_json("/api/v1/applications", &with_abandonments(&dates))
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b} {dates:?}: {}",
            res.text()
        );
        let e = res.error();
        assert_eq!(e["code"], "submission_refused");
        let msg = e["message"].as_str().unwrap_or("");
        assert!(msg.contains("第十四条"), "{b}: cites article 14: {msg}");
        assert!(
            msg.contains("阳政办发〔2026〕2号"),
            "{b}: cites the document: {msg}"
        );
        assert!(msg.contains(until), "{b}: says until when ({until}): {msg}");
        assert!(msg.contains("不予受理"), "{b}: {msg}");
    }
    assert_eq!(
        family.get("/api/v1/applications").await.json()["items"],
        json!([]),
        "{b}: nothing stored"
    );
    // Bans that have run out (each family its own account: an account
    // holds one active application).
    for (dates, account) in [
        (vec!["2023-06-01"], "family"),
        (vec!["2019-01-01", "2020-06-01"], "family2"),
    ] {
        let res = app
            .login(account)
            .await
            .post_json("/api/v1/applications", &with_abandonments(&dates))
            .await;
        assert_eq!(
            res.status,
            StatusCode::CREATED,
            "{b} {dates:?}: {}",
            res.text()
        );
    }
}
