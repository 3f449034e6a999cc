//! The province dashboard's figures computed from anju's own records
//! (issue 17): shown for the deployment's city beside the imported ones,
//! each with its source; registering an acquired home's title counts it in
//! the registration's year. Both backends.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

fn year_of(v: &Value, year: i64, key: &str) -> u64 {
    v["own"]["years"]
        .as_array()
        .and_then(|ys| ys.iter().find(|y| y["year"] == year))
        .and_then(|y| y[key].as_u64())
        .unwrap_or(0)
}

#[tokio::test]
async fn the_dashboard_counts_anjus_own_records_beside_the_imported_figures() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        anju_server::demo::seed(&app.state(), 300)
            .await
            .expect("demo seeds");
        let v = app.anon_get("/api/v1/indicators").await.json();
        assert_eq!(v["own"]["city"], "阳泉市", "{b}: {}", v["own"]);
        // Another city shown: anju's records are not that city's.
        let other = app
            .anon_get(&format!("/api/v1/indicators?city={}", enc("太原市")))
            .await
            .json();
        assert!(other["own"].is_null(), "{b}");

        // The handed-over purchase gets its title registered: its homes
        // count as acquired in the registration's year.
        let company = app.login("company").await;
        let ps = company.get("/api/v1/acquisition/purchases").await.json();
        let p = ps["purchases"]
            .as_array()
            .and_then(|ps| ps.iter().find(|p| p["status"] == "handed_over").cloned())
            .unwrap_or_default();
        let on = p["handed_over_on"].as_str().unwrap_or("").to_owned();
        let year: i64 = on.get(..4).and_then(|y| y.parse().ok()).unwrap_or(0);
        let homes = p["homes"].as_array().map(Vec::len).unwrap_or(0) as u64;
        assert!(homes > 0 && year > 0, "{b}: {p}");
        let before = year_of(&v, year, "acquired_registered");
        let r = company
            .post_json(
                &format!(
                    "/api/v1/acquisition/purchases/{}/steps",
                    p["id"].as_str().unwrap_or("")
                ),
                &json!({"step": "register", "on": on, "certificate": "晋(2026)阳泉市不动产权第0009001号"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
        let v = app.anon_get("/api/v1/indicators").await.json();
        assert_eq!(
            year_of(&v, year, "acquired_registered"),
            before + homes,
            "{b}: {}",
            v["own"]
        );

        // The page labels both sources.
        let page = app.anon_get("/indicators").await.text();
        assert!(page.contains("id=\"own-figures\""), "{b}");
        assert!(page.contains("anju 收购项目记录（不动产登记日期）"), "{b}");
        assert!(page.contains("id=\"imported-source\""), "{b}");
        let en = app.anon_get("/indicators?lang=en").await.text();
        assert!(en.contains("acquisitions (title registration day)"), "{b}");
    }
}
