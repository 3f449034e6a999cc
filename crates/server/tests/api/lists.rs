//! Lists that scale (issue 12 feature 15): the work list's search (number,
//! masked name, the ID's last four — never a full name or ID), filters
//! (state, district, category, dates), orders, counts, and the batch step
//! that is still one checked, audited event per family.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::Value;

/// Three families of district D, submitted on day0, day0+3 and day0+6.
async fn three_families(app: &TestApp) -> (Vec<String>, Vec<Family>) {
    app.allow_several_applications_per_account();
    let families = [
        Family::new(D, ["王振国", "李秀梅"]),
        Family::new(D, ["王小明", "赵丽"]),
        Family::new(D, ["钱德明", "孙玉兰"]),
    ];
    let mut ids = Vec::new();
    for (i, f) in families.iter().enumerate() {
        app.set_today(day0() + chrono::Days::new(3 * i as u64));
        let id = app.login("family").await.submit_ok(&f.submission()).await;
        ids.push(id);
    }
    (ids, families.into())
}

fn listed(v: &Value) -> Vec<String> {
    v["items"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|x| x["id"].as_str().unwrap_or("?").to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_work_list_searches_only_what_it_shows_and_filters_by_date_and_order() {
    for app in TestApp::each_backend().await {
        let (ids, families) = three_families(&app).await;
        let street = app.login("street-140302").await;
        let list = |q: String| {
            let street = &street;
            async move { street.get(&format!("/api/v1/applications?{q}")).await }
        };
        // A full name is masked before it is compared: 王振国 → 王*国.
        let v = list(format!("q={}", enc("王振国"))).await.json();
        assert_eq!(listed(&v), vec![ids[0].clone()], "{v}");
        // A surname finds both 王; the masked name as shown finds one.
        let v = list(format!("q={}", enc("王"))).await.json();
        assert_eq!(v["total"], 2, "{v}");
        let v = list(format!("q={}", enc("王*明"))).await.json();
        assert_eq!(listed(&v), vec![ids[1].clone()], "{v}");
        // The ID's last four characters.
        let tail = &families[2].ids[0][14..];
        let v = list(format!("q={tail}")).await.json();
        assert_eq!(listed(&v), vec![ids[2].clone()], "{v}");
        // An application number, whole or its beginning.
        let v = list(format!("q={}", ids[1])).await.json();
        assert_eq!(listed(&v), vec![ids[1].clone()], "{v}");
        let prefix = format!("{D}-{}", day0().format("%Y%m%d"));
        let v = list(format!("q={prefix}")).await.json();
        assert_eq!(listed(&v), vec![ids[0].clone()], "{v}");
        // A full ID number is refused, beside the field: lists never
        // confirm who applied by their full number.
        let res = list(format!("q={}", families[0].ids[0])).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(res.error()["code"], "invalid_filter");
        assert_eq!(res.error()["field"], "q");

        // Lists page by keyset only: `offset` is refused beside the field,
        // pointing to `after` (never the first page again, which would
        // make a client's offset loop endless); `offset=0` is the first
        // page, as it always was.
        let v = list("offset=0".to_string()).await.json();
        assert_eq!(v["total"], 3, "{v}");
        assert_eq!(listed(&v).len(), 3, "{v}");
        let res = list("offset=1".to_string()).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(res.error()["code"], "offset_removed");
        assert_eq!(res.error()["field"], "offset");

        // Dates (Beijing days, inclusive) and orders.
        let from = day0() + chrono::Days::new(1);
        let v = list(format!("from={from}")).await.json();
        assert_eq!(listed(&v), vec![ids[2].clone(), ids[1].clone()], "{v}");
        let v = list(format!("to={}", day0() + chrono::Days::new(3)))
            .await
            .json();
        assert_eq!(listed(&v), vec![ids[1].clone(), ids[0].clone()], "{v}");
        let v = list("sort=oldest".to_string()).await.json();
        assert_eq!(listed(&v), ids, "{v}");
        let res = list(format!(
            "from={}&to={}",
            day0() + chrono::Days::new(5),
            day0()
        ))
        .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST);
        assert_eq!(res.error()["field"], "to");
        for bad in [
            "from=2026-02-30",
            "sort=random",
            "category=nobody",
            "district=14",
        ] {
            let res = list(bad.to_string()).await;
            assert_eq!(res.status, StatusCode::BAD_REQUEST, "{bad}");
        }
        // Staff of one district find nothing in another; the city bureau
        // chooses any.
        let v = list("district=140303".to_string()).await.json();
        assert_eq!(v["total"], 0, "{v}");
        let city = app.login("city").await;
        let v = city
            .get(&format!(
                "/api/v1/applications?district={D}&q={}",
                enc("钱德明")
            ))
            .await
            .json();
        assert_eq!(listed(&v), vec![ids[2].clone()], "{v}");
        let v = city
            .get("/api/v1/applications?district=140303")
            .await
            .json();
        assert_eq!(v["total"], 0, "{v}");

        // The page: the same search, counts per state, a typed mistake said
        // beside its field while the list still shows.
        let page = street.get(&format!("/work?q={}", enc("王"))).await.text();
        assert!(page.contains(&ids[0]) && page.contains(&ids[1]), "{page}");
        assert!(!page.contains(&ids[2]), "{page}");
        assert!(
            page.contains("已提交，待街道初审 (3)"),
            "counts per state: {page}"
        );
        let res = street.get("/work?from=2026-13-01").await;
        assert_eq!(res.status, StatusCode::OK);
        let page = res.text();
        assert!(page.contains(r#"id="filter-errors""#), "{page}");
        assert!(
            page.contains("2026-13-01"),
            "what was typed is named: {page}"
        );
        assert!(page.contains(&ids[2]), "the list still shows: {page}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_is_one_checked_audited_step_per_family() {
    for app in TestApp::each_backend().await {
        let (ids, _) = three_families(&app).await;
        let street = app.login("street-140302").await;
        // The batch is offered where the rule allows it, and only there.
        let page = street.get("/work?status=submitted").await.text();
        assert!(page.contains(r#"id="bulk-form""#), "{page}");
        let page = street.get("/work").await.text();
        assert!(
            !page.contains(r#"id="bulk-form""#),
            "no state, no batch: {page}"
        );
        let bureau = app.login("bureau-140302").await;
        let page = bureau.get("/work?status=submitted").await.text();
        assert!(!page.contains(r#"id="bulk-form""#), "{page}");

        // Without the confirmation nothing is done.
        let res = street
            .post_form(
                "/work/bulk",
                &[
                    ("type", "street_pass"),
                    ("status", "submitted"),
                    ("id", &ids[0]),
                ],
            )
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            res.text()
        );
        assert_eq!(status(&street.detail(&ids[0]).await), "submitted");

        // Two checked: each passed on its own.
        let res = street
            .post_form(
                "/work/bulk",
                &[
                    ("type", "street_pass"),
                    ("status", "submitted"),
                    ("id", &ids[0]),
                    ("id", &ids[1]),
                    ("confirm", "on"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{}", res.text());
        let page = res.text();
        assert!(page.contains("已办理 2 户"), "{page}");
        for id in &ids[..2] {
            assert_eq!(status(&street.detail(id).await), "under_verification");
        }
        // One that moved on since the list was shown is left alone and
        // said so; the other is done.
        let page = street
            .post_form(
                "/work/bulk",
                &[
                    ("type", "street_pass"),
                    ("status", "submitted"),
                    ("id", &ids[0]),
                    ("id", &ids[2]),
                    ("confirm", "on"),
                ],
            )
            .await
            .text();
        assert!(
            page.contains("已办理 1 户") && page.contains("未能办理 1 户"),
            "{page}"
        );
        assert!(page.contains("状态已变化"), "{page}");
        assert_eq!(status(&street.detail(&ids[2]).await), "under_verification");
        // One audit entry per family, each its own event.
        let audit = app
            .login("auditor")
            .await
            .get("/api/v1/audit?limit=1000")
            .await
            .json();
        let passes: Vec<&str> = audit["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|e| e["action"] == "application.street_pass")
            .map(|e| e["subject"].as_str().unwrap_or("?"))
            .collect();
        assert_eq!(passes.len(), 3, "{audit}");

        // A step that needs a reason per family is never batched, and a
        // role without a batch step is refused.
        let res = street
            .post_form(
                "/work/bulk",
                &[
                    ("type", "street_reject"),
                    ("status", "submitted"),
                    ("id", &ids[0]),
                    ("confirm", "on"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
        let res = app
            .login("community-140302")
            .await
            .post_form(
                "/work/bulk",
                &[
                    ("type", "street_pass"),
                    ("status", "submitted"),
                    ("id", &ids[0]),
                    ("confirm", "on"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN);
    }
}
