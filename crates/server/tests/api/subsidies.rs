//! Subsidy self-checks and finance calculators over HTTP: the amounts and
//! boundaries of issue 17, each with its article; errors name the field.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subsidy_self_checks_pay_the_documents_amounts() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let check = |p: &'static str, facts: Value| {
            let app = &app;
            async move {
                app.anon_post_json(&format!("/api/v1/subsidies/{p}/check"), &facts)
                    .await
            }
        };
        let talent = |deg: &str, uni: &str, pledge: u32, homes: u32| {
            json!({ "degree": deg, "university": uni, "employed_in_city": true,
                    "service_pledge_years": pledge, "homes_owned": homes })
        };
        for (deg, uni, yuan) in [
            ("phd", "top", 20_000_000u64),
            ("master", "top", 10_000_000),
            ("bachelor", "top", 5_000_000),
            ("phd", "other", 15_000_000),
        ] {
            let r = check("talent_purchase", talent(deg, uni, 5, 0)).await;
            assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
            let j = r.json();
            assert_eq!(j["award"]["amount"], json!(yuan), "{b} {deg} {uni}");
            assert_eq!(j["award"]["payment"]["kind"], "one_off");
            assert_eq!(j["decision"]["eligible"], true);
        }
        // 4 years pledged, or a second home: nothing, with the reason cited.
        let r = check("talent_purchase", talent("phd", "top", 4, 1))
            .await
            .json();
        assert_eq!(r["award"], Value::Null, "{b}");
        let failed: Vec<&Value> = r["decision"]["reasons"]
            .as_array()
            .map(|v| {
                v.iter()
                    .filter(|x| x["passed"] == false && x["category"].is_null())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(failed.len(), 2, "{b}: {r}");
        assert!(failed
            .iter()
            .all(|x| x["citation"]["document"] == "阳政办发〔2022〕39号"));

        for (deg, uni, yuan) in [
            ("phd", "other", 300_000u64),
            ("master", "other", 150_000),
            ("bachelor", "first_tier", 70_000),
        ] {
            let j = check("talent_rent", talent(deg, uni, 0, 0)).await.json();
            assert_eq!(j["award"]["amount"], json!(yuan), "{b} {deg}");
            assert_eq!(
                j["award"]["payment"],
                json!({ "kind": "monthly", "months": 60 })
            );
            assert_eq!(j["award"]["total"], json!(yuan * 60));
        }
        let j = check("provident_rent", json!({ "provident_fund": true }))
            .await
            .json();
        assert_eq!(j["award"]["amount"], json!(1_500_000), "{b}");
        let j = check(
            "provident_rent",
            json!({ "provident_fund": true, "married": true, "spouse_provident_fund": true }),
        )
        .await
        .json();
        assert_eq!(j["award"]["amount"], json!(3_000_000), "{b}");
        assert_eq!(
            j["award"]["payment"],
            json!({ "kind": "yearly", "times": 1 })
        );

        // Errors name the field; an unknown programme is a 404.
        let r = check("talent_rent", json!({ "degree": "doctor" })).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.error()["field"], "degree");
        let r = app
            .anon_post_json("/api/v1/subsidies/nothing/check", &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        let r = app.anon_get("/api/v1/subsidies/programmes").await.json();
        assert_eq!(r.as_array().map(Vec::len), Some(3));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn finance_calculators_explain_and_cite() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let post = |p: &'static str, body: Value| {
            let app = &app;
            async move {
                app.anon_post_json(&format!("/api/v1/finance/{p}"), &body)
                    .await
            }
        };
        let r = post("down-payment", json!({ "city": "yangquan", "home_type": "commercial",
            "loan": "commercial", "price_yuan": "1000000", "homes_owned": 1, "loans_paid_off": true })).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
        let j = r.json();
        assert_eq!(
            (
                j["order"].as_str(),
                j["min_rate"].as_u64(),
                j["min_amount"].as_u64()
            ),
            (Some("first"), Some(2000), Some(20_000_000)),
            "{b}: {j}"
        );
        assert_eq!(j["steps"][0]["citation"]["ref"], "2.1");
        let j = post(
            "down-payment",
            json!({ "city": "ordos", "home_type": "commercial",
            "loan": "commercial", "price_yuan": "1000000", "homes_owned": 1 }),
        )
        .await
        .json();
        assert_eq!(j["min_rate"], 1500, "{b}");
        let j = post(
            "down-payment",
            json!({ "city": "loudi", "home_type": "affordable",
            "loan": "commercial", "price_yuan": "600000" }),
        )
        .await
        .json();
        assert_eq!(j["min_amount"], 9_000_000, "{b}");

        let j = post("loan-split", json!({ "city": "loudi", "home_type": "affordable",
            "price_yuan": "600000", "down_payment_yuan": "90000", "provident_fund_cap_yuan": "400000" })).await.json();
        assert_eq!(
            (
                j["provident_fund_loan"].as_u64(),
                j["commercial_loan"].as_u64()
            ),
            (Some(40_000_000), Some(11_000_000)),
            "{b}: {j}"
        );
        let r = post("loan-split", json!({ "city": "loudi", "home_type": "affordable",
            "price_yuan": "600000", "down_payment_yuan": "80000", "provident_fund_cap_yuan": "400000" })).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.error()["field"], "down_payment_yuan");

        for (area, rate) in [("140", 100), ("140.01", 150)] {
            let j = post(
                "deed-tax",
                json!({ "city": "loudi", "price_yuan": "500000", "area_m2": area }),
            )
            .await
            .json();
            assert_eq!(j["rate"], rate, "{b} {area}");
        }
        for (homes, area, rate) in [
            (500, "0", json!(400)),
            (499, "14999.99", Value::Null),
            (0, "15000", json!(400)),
        ] {
            let j = post("rental-tax", json!({ "homes": homes, "area_m2": area }))
                .await
                .json();
            assert_eq!(j["reduced_rate"], rate, "{b} {homes} {area}");
        }
        let j = post(
            "talent-price",
            json!({ "kind": "full_ownership", "cost_yuan": "800000", "area_m2": "130" }),
        )
        .await
        .json();
        assert_eq!(j["price"], 82_400_000, "{b}");
        let r = post(
            "talent-price",
            json!({ "kind": "shared_ownership", "cost_yuan": "800000", "area_m2": "89.99" }),
        )
        .await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST);
        assert_eq!(r.error()["field"], "area_m2");
        assert!(r.error()["message"]
            .as_str()
            .is_some_and(|m| m.contains("90–120")));
        let r = post(
            "deed-tax",
            json!({ "city": "loudi", "price_yuan": "abc", "area_m2": "90" }),
        )
        .await;
        assert_eq!(r.error()["field"], "price_yuan", "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subsidy_pages_work_in_both_languages() {
    let app = TestApp::sqlite().await;
    let r = app.anon_get("/subsidies").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("/subsidies/talent-rent"));
    for p in ["talent-purchase", "talent-rent", "provident-rent"] {
        let r = app.anon_get(&format!("/subsidies/{p}")).await;
        assert_eq!(r.status, StatusCode::OK, "{p}");
    }
    for p in [
        "down-payment",
        "loan-split",
        "deed-tax",
        "rental-tax",
        "talent-price",
    ] {
        let r = app.anon_get(&format!("/finance/{p}?lang=en")).await;
        assert_eq!(r.status, StatusCode::OK, "{p}");
    }
    assert_eq!(
        app.anon_get("/finance/nothing").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_talent_rent_subsidy_from_application_to_stop() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        app.set_today(date("2027-01-15"));
        let office = app.login("talent").await;
        let family = app.login("family").await;
        let rid = resident_id("140302", "1996-04-02", true);
        let body = json!({ "programme": "talent_rent", "name": "林晓雯", "resident_id": rid,
            "facts": { "degree": "master", "university": "other", "employed_in_city": true } });
        // A family applies online; other staff may not.
        let r = family
            .post_json("/api/v1/subsidy-applications", &body)
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.text());
        let id = r.json()["id"].as_str().unwrap_or_default().to_owned();
        let city = app.login("city").await;
        assert_eq!(
            city.post_json("/api/v1/subsidy-applications", &body)
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            family
                .get(&format!("/api/v1/subsidy-applications/{id}"))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
        // Deciding before verifying is refused.
        let act = |a: Value| {
            let (office, id) = (&office, &id);
            async move {
                office
                    .post_json(&format!("/api/v1/subsidy-applications/{id}/actions"), &a)
                    .await
            }
        };
        assert_eq!(
            act(json!({ "type": "decide" })).await.status,
            StatusCode::CONFLICT,
            "{b}"
        );
        assert_eq!(
            act(json!({ "type": "verify", "passed": true }))
                .await
                .status,
            StatusCode::OK
        );
        let r = act(json!({ "type": "decide" })).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
        let c = r.json();
        assert_eq!(c["status"], "approved");
        assert_eq!(c["masked_name"], "林*雯");
        let inst = c["instalments"].as_array().cloned().unwrap_or_default();
        assert_eq!(inst.len(), 60, "{b}");
        assert_eq!(inst[0]["amount"], 150_000);
        assert_eq!(inst[0]["due"], "2027-01-15");
        // First payment; never twice; not before it is due.
        assert_eq!(
            act(json!({ "type": "pay", "instalment": 1 })).await.status,
            StatusCode::OK
        );
        assert_eq!(
            act(json!({ "type": "pay", "instalment": 1 })).await.status,
            StatusCode::CONFLICT
        );
        let r = act(json!({ "type": "pay", "instalment": 2 })).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{b}");
        assert_eq!(r.error()["field"], "instalment");

        // The same person cannot hold a second rent subsidy (register).
        let second = office
            .post_json("/api/v1/subsidy-applications", &body)
            .await
            .json()["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let act2 = |a: Value| {
            let (office, id) = (&office, &second);
            async move {
                office
                    .post_json(&format!("/api/v1/subsidy-applications/{id}/actions"), &a)
                    .await
            }
        };
        act2(json!({ "type": "verify", "passed": true })).await;
        let r = act2(json!({ "type": "decide" })).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.text());
        assert!(
            r.error()["message"]
                .as_str()
                .is_some_and(|m| m.contains("不能同时享受")),
            "{b}: {}",
            r.text()
        );

        // Qualifying for an affordable home on 2027-03-01 stops it within 90 days.
        let r =
            act(json!({ "type": "stop", "reason": "qualified_affordable", "on": "2027-03-01" }))
                .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
        let c = r.json();
        assert_eq!(c["status"], "stopped");
        let states: Vec<&str> = c["instalments"]
            .as_array()
            .map(|v| v.iter().filter_map(|i| i["state"].as_str()).collect())
            .unwrap_or_default();
        assert_eq!(states.iter().filter(|s| **s == "paid").count(), 1);
        assert_eq!(
            states.iter().filter(|s| **s == "scheduled").count(),
            4,
            "{b}: Feb–May still payable"
        );
        assert_eq!(states.iter().filter(|s| **s == "cancelled").count(), 55);
        let stop = &c["events"]
            .as_array()
            .and_then(|e| e.last().cloned())
            .unwrap_or_default();
        assert_eq!(stop["body"]["last_payable"], "2027-05-30");
        assert!(stop["body"]["article"]
            .as_str()
            .is_some_and(|a| a.contains("第十条（二）4")));
        // Once stopped, the register lets a new grant start after the stop.
        let r = act2(json!({ "type": "decide", "start": "2027-06-01" })).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
        let list = office.get("/api/v1/subsidy-applications").await.json();
        assert_eq!(list.as_array().map(Vec::len), Some(2));
        let raw = app.raw_database().await;
        assert!(
            !contains(&raw, "林晓雯".as_bytes()),
            "{b}: the name is encrypted at rest"
        );
    }
}

/// The same journey through the pages: a family applies behind the
/// self-check; the talent office verifies, decides and records the first
/// payment by form.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_pages_take_an_application_to_its_first_payment() {
    let app = TestApp::sqlite().await;
    app.set_today(date("2027-03-10"));
    let form = |s: &Session, path: String, pairs: Vec<(&str, String)>| {
        let body: Vec<String> = pairs
            .into_iter()
            .chain([("_csrf", s.csrf.clone())])
            .map(|(k, v)| format!("{k}={}", enc(&v)))
            .collect();
        let s = s.clone();
        async move {
            s.post_raw(
                &path,
                "application/x-www-form-urlencoded",
                body.join("&").into_bytes(),
                &[],
            )
            .await
        }
    };
    let family = app.login("family").await;
    let rid = resident_id("140302", "1997-08-08", true);
    let facts = vec![
        ("degree", "phd".to_string()),
        ("university", "other".to_string()),
        ("employed_in_city", "on".to_string()),
    ];
    // The self-check shows the award and, signed in, the application form.
    let r = form(&family, "/subsidies/talent-rent".into(), facts.clone()).await;
    assert!(r.text().contains("id=\"apply-form\""), "{}", r.text());
    assert!(r.text().contains("3000 元"));
    let mut apply = facts.clone();
    apply.push(("name", "韩立新".into()));
    apply.push(("resident_id", rid));
    let r = form(&family, "/subsidies/talent-rent/apply".into(), apply).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let office = app.login("talent").await;
    let list = office.get("/api/v1/subsidy-applications").await.json();
    let id = list[0]["id"].as_str().unwrap_or_default().to_owned();
    assert!(office.get("/subsidy-cases").await.text().contains(&id));
    let act = |pairs: Vec<(&str, String)>| form(&office, format!("/subsidy-cases/{id}/act"), pairs);
    assert_eq!(
        act(vec![("type", "verify".into()), ("passed", "on".into())])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        act(vec![
            ("type", "decide".into()),
            ("start", "2027-03-10".into())
        ])
        .await
        .status,
        StatusCode::SEE_OTHER
    );
    let page = office.get(&format!("/subsidy-cases/{id}")).await.text();
    assert!(page.contains("id=\"pay-form\""), "{page}");
    assert_eq!(
        act(vec![("type", "pay".into()), ("instalment", "1".into())])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let c = office
        .get(&format!("/api/v1/subsidy-applications/{id}"))
        .await
        .json();
    assert_eq!(c["instalments"][0]["state"], "paid");
    assert_eq!(c["instalments"][0]["amount"], 300_000);
    assert_eq!(c["masked_name"], "韩*新");
    // Without the form's CSRF token nothing happens.
    let r = office
        .post_raw(
            &format!("/subsidy-cases/{id}/act"),
            "application/x-www-form-urlencoded",
            b"type=pay&instalment=2".to_vec(),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_city_has_subsidy_applications_in_every_state() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        anju_server::demo::subsidies::seed(&app.state())
            .await
            .expect("seeds");
        // Idempotent.
        anju_server::demo::subsidies::seed(&app.state())
            .await
            .expect("seeds again");
        // One labelled sample addition to the university lists.
        let lists = app.anon_get("/api/v1/universities").await.json();
        let added: Vec<&serde_json::Value> = lists["lists"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|l| l["additions"].as_array().into_iter().flatten())
            .collect();
        assert_eq!(added.len(), 1, "{b}: {lists}");
        assert!(
            added[0]["source_title"]
                .as_str()
                .is_some_and(|t| t.contains("仅供演示")),
            "{b}: labelled as a sample"
        );
        let office = app.login("talent").await;
        let list = office.get("/api/v1/subsidy-applications").await.json();
        let mut states: Vec<String> = list
            .as_array()
            .map(|v| {
                v.iter()
                    .filter_map(|c| c["status"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(states.len(), 10, "{b}");
        states.sort();
        states.dedup();
        assert_eq!(
            states,
            [
                "approved",
                "records_asked",
                "refused",
                "rejected",
                "stopped",
                "submitted",
                "verified"
            ],
            "{b}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_indicator_dashboard_imports_reports_and_exports() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let v = app.anon_get("/api/v1/indicators").await.json();
        assert_eq!(v["progress"].as_array().map(Vec::len), Some(21), "{b}");
        assert_eq!(v["includes_samples"], false);
        let city = app.login("city").await;
        let csv = "城市,年份,指标编号,实际值\n阳泉市,2023,talent_homes,0.12\n太原市,2023,talent_homes,0.6\n,2023,talent_homes,1\n阳泉市,2030,talent_homes,1\n阳泉市,2023,nothing,1\n阳泉市,2023,green_building_share,92.5\n";
        let r = city
            .post_raw(
                "/api/v1/indicators/actuals",
                "text/csv",
                csv.as_bytes().to_vec(),
                &[("x-csrf-token", &city.csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
        let rep = r.json();
        assert_eq!(
            (rep["rows"].as_u64(), rep["imported"].as_u64()),
            (Some(6), Some(3)),
            "{b}: {rep}"
        );
        let cols: Vec<(u64, u64)> = rep["errors"]
            .as_array()
            .map(|v| {
                v.iter()
                    .map(|e| {
                        (
                            e["row"].as_u64().unwrap_or(0),
                            e["column"].as_u64().unwrap_or(0),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(cols, [(4, 1), (5, 2), (6, 3)], "{b}");
        // Only the housing bureau imports.
        let family = app.login("family").await;
        let r = family
            .post_raw(
                "/api/v1/indicators/actuals",
                "text/csv",
                csv.as_bytes().to_vec(),
                &[("x-csrf-token", &family.csrf)],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        let v = app.anon_get("/api/v1/indicators").await.json();
        let talent = v["progress"]
            .as_array()
            .and_then(|p| p.iter().find(|x| x["indicator"]["id"] == "talent_homes"))
            .cloned()
            .unwrap_or_default();
        // 0.72 万套 of 7.2: 10%.
        assert_eq!(
            (
                talent["actual_milli"].as_i64(),
                talent["progress_bp"].as_i64()
            ),
            (Some(720), Some(1_000)),
            "{b}"
        );
        let v = app
            .anon_get("/api/v1/indicators?city=%E9%98%B3%E6%B3%89%E5%B8%82")
            .await
            .json();
        assert_eq!(v["city"], "阳泉市");
        let x = app.anon_get("/api/v1/indicators.xlsx").await;
        assert_eq!(x.status, StatusCode::OK);
        assert!(x
            .header("content-type")
            .is_some_and(|t| t.contains("spreadsheetml")));
        let page = app.anon_get("/indicators").await.text();
        assert!(page.contains("id=\"dashboard-data\""));
        assert!(page.contains("/static/vendor/echarts.min.js"));
        assert_eq!(
            app.anon_get("/static/vendor/echarts.min.js").await.status,
            StatusCode::OK
        );
        assert_eq!(
            app.anon_get("/static/subsidies/dashboard.js").await.status,
            StatusCode::OK
        );
    }
}

/// A family that receives a talent rent subsidy applies for an affordable
/// home without declaring it: the register adds it, so the decision carries
/// article 10(2)4's 90-day duty.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn housing_eligibility_reads_the_register_not_the_declaration() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let fam = Family::new("140302", ["郑博文", "吴佳怡"]);
        let office = app.login("talent").await;
        let body = json!({ "programme": "talent_rent", "name": "郑博文", "resident_id": fam.ids[0],
            "facts": { "degree": "phd", "university": "other", "employed_in_city": true } });
        let id = office
            .post_json("/api/v1/subsidy-applications", &body)
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
                .post_json(&format!("/api/v1/subsidy-applications/{id}/actions"), &a)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
        }
        let mut sub = fam.submission();
        sub["household"]["members"][0]["talent"] = json!("certified");
        let family = app.login("family").await;
        let app_id = family.submit_ok(&sub).await;
        let d = family.detail(&app_id).await;
        let text = d.to_string();
        assert!(
            text.contains("talent_rent_subsidy"),
            "{b}: the register's benefit joins the household: {text}"
        );
        // The engine, on the household as stored, owes the 90-day duty.
        let stored = d["household"].clone();
        assert!(stored.is_object(), "{b}: {text}");
        let decision = app.anon_post_json("/api/v1/check", &stored).await.json();
        assert!(
            decision["obligations"].to_string().contains("10.2.4"),
            "{b}: {decision}"
        );
    }
}

/// A talent apartment recorded in the register bars the rent subsidy for
/// the same time, whatever the application declares.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_talent_apartment_bars_the_rent_subsidy() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let office = app.login("talent").await;
        let rid = resident_id("140302", "1994-06-06", true);
        let r = office
            .post_json(
                "/api/v1/benefits/talent-apartments",
                &json!({ "resident_id": rid, "from": "2026-01-01" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{b}: {}", r.text());
        let body = json!({ "programme": "talent_rent", "name": "秦志远", "resident_id": rid,
            "facts": { "degree": "phd", "university": "other", "employed_in_city": true } });
        let id = office
            .post_json("/api/v1/subsidy-applications", &body)
            .await
            .json()["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let act = |a: Value| {
            let (office, id) = (&office, &id);
            async move {
                office
                    .post_json(&format!("/api/v1/subsidy-applications/{id}/actions"), &a)
                    .await
            }
        };
        act(json!({ "type": "verify", "passed": true })).await;
        let c = act(json!({ "type": "decide" })).await.json();
        assert_eq!(c["status"], "refused", "{b}: {c}");
        let family = app.login("family").await;
        let r = family
            .post_json(
                "/api/v1/benefits/talent-apartments",
                &json!({ "resident_id": rid, "from": "2026-01-01" }),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
    }
}
