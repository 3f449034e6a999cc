//! The platform under the Loudi plan (loudi-2025): its decisions have no
//! tier (the eligibility contract gives `tier: null`), its bans are 1 year
//! after an abandonment (8.1.2) and 3 years after blacklisting (8.2.3), and
//! priority groups (8.1.1) come from the household's `special` facts.

use crate::common::*;
use crate::lifecycle::walk_to_qualified;
use axum::http::StatusCode;
use serde_json::json;

const D: &str = "140302";
const WAGE: (&str, &str) = ("urban_average_wage", "60000");

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loudi_family_reaches_the_waitlist_without_a_tier() {
    for app in TestApp::each_backend_under("loudi-2025", WAGE).await {
        let b = app.backend();
        let family = app.login("family").await;
        let mut f = Family::new(D, ["周建国", "吴秀英"]);
        f.household["special"] = json!(["veteran_in_difficulty"]);
        let id = family.submit_ok(&f.submission()).await;
        walk_to_qualified(&app, &id).await;

        let family = app.login("family").await;
        let mine = family.detail(&id).await;
        assert_eq!(status(&mine), "qualified", "{b}: {mine}");
        let qualified = &mine["application"]["status"];
        assert_eq!(qualified["tier"], json!(null), "{b}: {qualified}");
        assert_eq!(qualified["scope"], "city", "{b}: {qualified}");
        assert_eq!(mine["waitlist_place"], json!(1), "{b}");
        // The decision on record is Loudi's, with its priority and citations.
        let events = mine["application"]["decisions"].to_string();
        assert!(events.contains("loudi-2025"), "{b}: {mine}");
        assert!(events.contains("\"priority\":true"), "{b}: 8.1.1: {events}");
        let listed = family.get("/api/v1/applications").await.json();
        assert_eq!(listed["items"][0]["tier"], json!(null), "{b}: {listed}");
        assert_eq!(listed["items"][0]["waitlist_place"], json!(1), "{b}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loudi_bans_refuse_a_submission_and_cite_their_clause() {
    for app in TestApp::each_backend_under("loudi-2025", WAGE).await {
        let b = app.backend();
        let family = app.login("family").await;
        // day0 is in 2026: an abandonment 6 months before is within the
        // 1-year ban (8.1.2); a blacklisting 2 years before within the
        // 3-year one (8.2.3).
        let today = day0();
        for (field, date, cite) in [
            (
                "abandonments",
                today - chrono::Duration::days(180),
                "八、(一)2",
            ),
            (
                "blacklisted_on",
                today - chrono::Duration::days(730),
                "八、(二)3",
            ),
        ] {
            let mut f = Family::new(D, ["郑国强", "冯丽"]);
            f.household["history"][field] = json!([date.to_string()]);
            let res = family
                .post_json("/api/v1/applications", &f.submission())
                .await;
            assert_eq!(
                res.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{b}: {field}: {}",
                res.text()
            );
            let err = res.error();
            assert_eq!(err["code"], "submission_refused", "{b}: {err}");
            assert!(
                err["message"].as_str().is_some_and(|m| m.contains(cite)),
                "{b}: {field} should cite {cite}: {err}"
            );
        }
    }
}
