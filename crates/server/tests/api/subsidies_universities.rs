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
