//! The talent purchase subsidy's verification reads the dated university
//! lists (阳政办发〔2022〕39号 二（三）; `policies/subsidies/universities.toml`):
//! a university claimed as top but on no list cannot be verified — refused
//! beside `university_name` with the article and the lists' sources — and
//! one on a list is recorded with the list, its effective date and source.
//! Both backends.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

#[tokio::test]
async fn verification_reads_the_dated_university_lists() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        app.set_today(date("2027-01-15"));
        let office = app.login("talent").await;
        let apply = |n: &'static str, born: &'static str, university: &'static str| {
            let office = &office;
            async move {
                let body = json!({ "programme": "talent_purchase", "name": n,
                    "resident_id": resident_id("140302", born, true),
                    "facts": { "degree": "master", "university": "top", "university_name": university,
                               "employed_in_city": true, "service_pledge_years": 5 } });
                let r = office
                    .post_json("/api/v1/subsidy-applications", &body)
                    .await;
                assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
                r.json()["id"].as_str().unwrap_or_default().to_owned()
            }
        };
        let verify = |id: String| {
            let office = &office;
            async move {
                office
                    .post_json(
                        &format!("/api/v1/subsidy-applications/{id}/actions"),
                        &json!({ "type": "verify", "passed": true }),
                    )
                    .await
            }
        };
        // The first-home check goes through the property records first
        // (tests/api/subsidies_property.rs); here, no home.
        let nr = app.login("verifier-natural_resources").await;
        let records = |id: String| {
            let (office, nr) = (&office, &nr);
            async move {
                let r = office
                    .post_json(
                        &format!("/api/v1/subsidy-applications/{id}/actions"),
                        &json!({ "type": "request_property_records" }),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::OK, "{}", r.text());
                let r = nr
                    .post_json(
                        &format!("/api/v1/subsidy-applications/{id}/property-records"),
                        &json!({ "homes_owned": 0, "reference": "阳不动产查〔2027〕0001号" }),
                    )
                    .await;
                assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
            }
        };
        // Not on either list: refused with the article and the sources.
        let id = apply("周明远", "1995-03-04", "阳泉职业技术学院").await;
        let r = verify(id.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            r.text()
        );
        assert_eq!(r.error()["field"], "university_name", "{b}");
        let msg = r.error()["message"].as_str().unwrap_or("").to_owned();
        assert!(msg.contains("阳政办发〔2022〕39号 二（三）"), "{b}: {msg}");
        assert!(msg.contains("教研函〔2022〕1号"), "{b}: {msg}");
        // The case page names the university and that it is on no list; the
        // page's verify form comes back with the refusal beside it.
        let page = office.get(&format!("/subsidy-cases/{id}")).await.text();
        assert!(
            page.contains("id=\"case-university\">阳泉职业技术学院：不在"),
            "{b}"
        );
        let r = office
            .post_form(
                &format!("/subsidy-cases/{id}/act"),
                &[("type", "verify"), ("passed", "on"), ("note", "")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(r.text().contains("id=\"verify-error\""), "{b}");
        assert!(r.text().contains("二（三）"), "{b}");
        // Still submitted: the office may record the verification as failed.
        let case = office
            .get(&format!("/api/v1/subsidy-applications/{id}"))
            .await
            .json();
        assert_eq!(case["status"], "submitted", "{b}");
        // On the 双一流 list (spelled with half-width brackets): verified,
        // the list and its source recorded.
        let id = apply("吴静怡", "1994-07-08", "中国石油大学(华东)").await;
        let page = office.get(&format!("/subsidy-cases/{id}")).await.text();
        assert!(
            page.contains("在名单 国内“双一流”建设高校（第二轮）"),
            "{b}"
        );
        records(id.clone()).await;
        let r = verify(id).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
        let v: Value = r.json()["events"]
            .as_array()
            .and_then(|es| es.iter().find(|e| e["kind"] == "verify").cloned())
            .unwrap_or_default();
        assert_eq!(
            v["body"]["university"]["name"], "中国石油大学（华东）",
            "{b}: {v}"
        );
        assert_eq!(v["body"]["university"]["list"], "double_first_class", "{b}");
        assert_eq!(v["body"]["university"]["effective"], "2022-02-14", "{b}");
        // A world top-200 university outside the mainland, in English.
        let id = apply("郑思远", "1993-11-12", "The University of Hong Kong").await;
        records(id.clone()).await;
        assert_eq!(verify(id).await.status, StatusCode::OK, "{b}");
    }
}

/// The talent office completes the lists (by form and by file, every
/// problem per line, duplicates reported and never overwriting), a later
/// verification finds an addition and records its source, the public list
/// shows it, and a withdrawal (reason, confirmation, audited) stops it
/// counting. Other roles are refused. The names and sources below are test
/// data, not list entries.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_talent_office_completes_the_university_lists() {
    for app in TestApp::each_backend().await {
        additions(&app).await;
    }
}

fn entry<'a>(lists: &'a Value, list: &str, name: &str) -> &'a Value {
    lists["lists"]
        .as_array()
        .and_then(|ls| ls.iter().find(|l| l["key"] == list))
        .and_then(|l| l["additions"].as_array())
        .and_then(|a| a.iter().find(|e| e["names"][0] == name))
        .unwrap_or(&Value::Null)
}

async fn additions(app: &TestApp) {
    let b = app.backend();
    app.set_today(date("2027-01-15"));
    let good = json!({ "list": "double_first_class", "name_zh": "测试工业大学",
        "other_names": ["Test University of Industry"],
        "source_title": "测试用来源通知（非官方）", "source_ref": "https://example.gov.cn/test.html",
        "effective": "2026-01-01" });
    // Only the talent office adds (403 for a family and the city bureau).
    for who in ["family", "city"] {
        let s = app.login(who).await;
        let r = s.post_json("/api/v1/universities", &good).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b} {who}: {}", r.text());
        let r = s
            .upload("/api/v1/universities/import", b"x", "application/json")
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b} {who}");
    }
    let office = app.login("talent").await;
    // Each problem beside its field.
    let mut bad = good.clone();
    bad["source_ref"] = json!("");
    let r = office.post_json("/api/v1/universities", &bad).await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{b}: {}",
        r.text()
    );
    assert_eq!(r.error()["field"], "source_ref", "{b}");
    let mut bad = good.clone();
    bad["effective"] = json!("2026-02-30");
    let r = office.post_json("/api/v1/universities", &bad).await;
    assert_eq!(r.error()["field"], "effective", "{b}: {}", r.text());
    // Added by form (API).
    let r = office.post_json("/api/v1/universities", &good).await;
    assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.text());
    let added = r.json();
    let id = added["id"].as_str().unwrap_or_default().to_owned();
    assert!(id.starts_with("UA-"), "{b}: {added}");
    assert_eq!(added["status"], "active", "{b}");
    assert_eq!(
        added["source_ref"], "https://example.gov.cn/test.html",
        "{b}"
    );
    // A duplicate is reported, never overwriting: by another of its names,
    // and a university already on the shipped list.
    let mut dup = good.clone();
    dup["name_zh"] = json!("Test University of Industry");
    dup["other_names"] = json!([]);
    dup["list"] = json!("world_top200");
    let r = office.post_json("/api/v1/universities", &dup).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.text());
    assert_eq!(r.error()["field"], "name_zh", "{b}");
    assert!(r.text().contains(&id), "{b}: names the entry: {}", r.text());
    let mut dup = good.clone();
    dup["name_zh"] = json!("山西大学");
    let r = office.post_json("/api/v1/universities", &dup).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{b}: {}", r.text());

    // By file: the Chinese header row, then the codes. A bad line: nothing
    // is added and every problem is named with its line.
    let head = "名单,高校名称,其他名称,来源文件,网址或文号,生效日期\nlist,name_zh,other_names,source_title,source_ref,effective\n";
    let file = format!(
        "{head}世界前200名,测试海洋大学,Test Ocean University,测试用来源（非官方）,测试〔2026〕1号,2025-06-19\n\
         双一流,测试农业大学,,测试用来源（非官方）,测试〔2026〕1号,2026-13-01\n\
         双一流,山西大学,,测试用来源（非官方）,测试〔2026〕1号,2026-01-01\n"
    );
    let r = office
        .upload(
            "/api/v1/universities/import",
            file.as_bytes(),
            "application/json",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    let rep = r.json();
    assert_eq!(rep["lines"], 3, "{b}: {rep}");
    assert_eq!(rep["added"].as_array().map(Vec::len), Some(0), "{b}: {rep}");
    assert_eq!(rep["errors"][0]["line"], 4, "{b}: {rep}");
    assert_eq!(rep["errors"][0]["field"], "effective", "{b}: {rep}");
    assert!(
        rep["errors"][0]["message"]
            .as_str()
            .unwrap_or("")
            .starts_with("第 4 行"),
        "{b}: {rep}"
    );
    assert_eq!(rep["duplicates"][0]["line"], 5, "{b}: {rep}");
    let lists = app.anon_get("/api/v1/universities").await.json();
    assert!(
        entry(&lists, "world_top200", "测试海洋大学").is_null(),
        "{b}: all or nothing"
    );
    // Corrected: the good line is added, the duplicate reported and skipped.
    let file = format!(
        "{head}世界前200名,测试海洋大学,Test Ocean University,测试用来源（非官方）,测试〔2026〕1号,2025-06-19\n\
         双一流,山西大学,,测试用来源（非官方）,测试〔2026〕1号,2026-01-01\n"
    );
    let r = office
        .upload(
            "/api/v1/universities/import",
            file.as_bytes(),
            "application/json",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    let rep = r.json();
    assert_eq!(rep["added"][0]["line"], 3, "{b}: {rep}");
    assert_eq!(rep["added"][0]["name"], "测试海洋大学", "{b}: {rep}");
    assert_eq!(rep["duplicates"][0]["line"], 4, "{b}: {rep}");
    assert!(
        rep["duplicates"][0]["message"]
            .as_str()
            .unwrap_or("")
            .contains("已在"),
        "{b}: {rep}"
    );
    // The same file again: everything is a duplicate, nothing overwritten.
    let r = office
        .upload(
            "/api/v1/universities/import",
            file.as_bytes(),
            "application/json",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    assert_eq!(
        r.json()["duplicates"].as_array().map(Vec::len),
        Some(2),
        "{b}"
    );

    // A later verification finds the addition (by its English name) and
    // records it with its source.
    let body = json!({ "programme": "talent_purchase", "name": "冯子涵",
        "resident_id": resident_id("140302", "1995-05-05", false),
        "facts": { "degree": "phd", "university": "top", "university_name": "test university of industry",
                   "employed_in_city": true, "service_pledge_years": 5 } });
    let r = office
        .post_json("/api/v1/subsidy-applications", &body)
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.text());
    let case = r.json()["id"].as_str().unwrap_or_default().to_owned();
    let page = office.get(&format!("/subsidy-cases/{case}")).await.text();
    assert!(
        page.contains("补录 "),
        "{b}: the case page names the addition"
    );
    let nr = app.login("verifier-natural_resources").await;
    let r = office
        .post_json(
            &format!("/api/v1/subsidy-applications/{case}/actions"),
            &json!({ "type": "request_property_records" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    let r = nr
        .post_json(
            &format!("/api/v1/subsidy-applications/{case}/property-records"),
            &json!({ "homes_owned": 0, "reference": "阳不动产查〔2027〕0002号" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{b}: {}", r.text());
    let r = office
        .post_json(
            &format!("/api/v1/subsidy-applications/{case}/actions"),
            &json!({ "type": "verify", "passed": true }),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    let v = r.json();
    let u = v["events"]
        .as_array()
        .and_then(|es| es.iter().find(|e| e["kind"] == "verify"))
        .map(|e| e["body"]["university"].clone())
        .unwrap_or_default();
    assert_eq!(u["origin"], "office", "{b}: {u}");
    assert_eq!(u["entry"], id.as_str(), "{b}: {u}");
    assert_eq!(u["name"], "测试工业大学", "{b}: {u}");
    assert_eq!(
        u["source_ref"], "https://example.gov.cn/test.html",
        "{b}: {u}"
    );
    assert_eq!(u["effective"], "2026-01-01", "{b}: {u}");

    // The public list and page show the additions with source, who, when.
    let lists = app.anon_get("/api/v1/universities").await.json();
    let e = entry(&lists, "double_first_class", "测试工业大学");
    assert_eq!(e["relied_on"], 1, "{b}: {e}");
    assert_eq!(e["source_title"], "测试用来源通知（非官方）", "{b}");
    assert!(!e["added_by"].as_str().unwrap_or("").is_empty(), "{b}: {e}");
    assert_eq!(
        entry(&lists, "world_top200", "测试海洋大学")["source_ref"],
        "测试〔2026〕1号",
        "{b}"
    );
    let page = app.anon_get("/universities").await;
    assert_eq!(page.status, StatusCode::OK, "{b}");
    let page = page.text();
    assert!(page.contains(&format!("id=\"entry-{id}\"")), "{b}");
    assert!(page.contains("测试用来源通知（非官方）"), "{b}");
    assert!(page.contains("山西大学"), "{b}: the shipped entries too");
    assert!(
        !page.contains("id=\"add-form\""),
        "{b}: read-only for the public"
    );
    let found = app
        .anon_get(&format!("/universities?q={}", enc("海洋")))
        .await
        .text();
    assert!(
        found.contains("测试海洋大学") && !found.contains("<span>山西大学</span>"),
        "{b}"
    );

    // The office's page: a refused form comes back with each problem beside
    // its field and what was typed kept.
    let r = office
        .post_form(
            "/universities",
            &[
                ("list", "double_first_class"),
                ("name_zh", "测试林业大学"),
                ("other_names", ""),
                ("source_title", ""),
                ("source_ref", "http://bad url"),
                ("effective", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let t = r.text();
    for f in ["source_title", "source_ref", "effective"] {
        assert!(t.contains(&format!("id=\"{f}-error\"")), "{b}: {f}");
    }
    assert!(t.contains("value=\"测试林业大学\""), "{b}: kept");
    let r = office
        .post_form(
            "/universities",
            &[
                ("list", "double_first_class"),
                ("name_zh", "测试工业大学"),
                ("other_names", ""),
                ("source_title", "x"),
                ("source_ref", "x"),
                ("effective", "2026-01-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        r.text().contains("id=\"name_zh-error\""),
        "{b}: a duplicate beside the name"
    );

    // Withdrawal: a reason and a confirmation; kept and shown as withdrawn;
    // a later verification no longer finds it; audited.
    let r = office
        .post_form(
            &format!("/universities/{id}/withdraw"),
            &[("reason", "录入有误")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(r.text().contains("id=\"confirm-error\""), "{b}");
    let r = office
        .post_json(
            &format!("/api/v1/universities/{id}/withdraw"),
            &json!({ "reason": " " }),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(r.error()["field"], "reason", "{b}");
    let r = office
        .post_form(
            &format!("/universities/{id}/withdraw"),
            &[("reason", "测试：误录"), ("confirm", "on")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.text());
    let r = office
        .post_json(
            &format!("/api/v1/universities/{id}/withdraw"),
            &json!({ "reason": "again" }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{b}");
    let lists = app.anon_get("/api/v1/universities").await.json();
    let e = entry(&lists, "double_first_class", "测试工业大学");
    assert_eq!(e["status"], "withdrawn", "{b}: {e}");
    assert_eq!(e["withdraw_reason"], "测试：误录", "{b}");
    assert!(
        app.anon_get("/universities")
            .await
            .text()
            .contains("测试：误录"),
        "{b}"
    );
    let mut again = body.clone();
    again["resident_id"] = json!(resident_id("140302", "1996-06-06", true));
    let r = office
        .post_json("/api/v1/subsidy-applications", &again)
        .await;
    let case2 = r.json()["id"].as_str().unwrap_or_default().to_owned();
    let r = office
        .post_json(
            &format!("/api/v1/subsidy-applications/{case2}/actions"),
            &json!({ "type": "verify", "passed": true }),
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{b}: {}",
        r.text()
    );
    assert_eq!(r.error()["field"], "university_name", "{b}");
    // The earlier verification keeps its record.
    let v = office
        .get(&format!("/api/v1/subsidy-applications/{case}"))
        .await
        .text();
    assert!(v.contains(&id), "{b}");
    let log = app.login("city").await.get("/api/v1/audit").await.text();
    for action in ["university.add", "university.withdraw"] {
        assert!(log.contains(action), "{b}: {action}");
    }
}
