//! A family's housing preference stated on the application form (issue 15:
//! "recorded at application or by survey form"), on both backends: the API
//! submission's optional `preference` (each bad field named), the stored
//! preference on the application's detail (API and page), the counter form
//! with its problems beside their fields and what was typed kept, and the
//! next demand survey counting it — in its stated band instead of the one
//! the family's size suggests, with the company's later survey statement
//! winning over the form.

use crate::common::*;
use crate::lifecycle::walk_to_qualified;
use axum::http::StatusCode;
use serde_json::{json, Value};

fn arr(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

/// Families of `district` counted in `band` by the survey.
fn in_band(survey: &Value, band: &str) -> u64 {
    arr(&survey["demand"])
        .iter()
        .filter(|d| d["district"] == D && d["band"] == band)
        .map(|d| {
            arr(&d["tiers"])
                .iter()
                .filter_map(Value::as_u64)
                .sum::<u64>()
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_application_form_records_a_preference_the_survey_counts() {
    for app in TestApp::each_backend().await {
        preferences(&app).await;
    }
}

async fn preferences(app: &TestApp) {
    let b = app.backend();
    app.allow_several_applications_per_account();
    let family = app.login("family").await;

    // Each bad field is named under `preference.`; nothing is created.
    for (pref, field) in [
        (json!({"size_band": "huge"}), "preference.size_band"),
        (json!({"layout": "室".repeat(41)}), "preference.layout"),
        (json!({"location": "近".repeat(61)}), "preference.location"),
    ] {
        let mut body = Family::new(D, ["周建国", "吴秀英"]).submission();
        body["preference"] = pref;
        let res = family.post_json("/api/v1/applications", &body).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
        assert_eq!(res.json()["error"]["field"], field, "{b}: {}", res.text());
    }
    let list = family.get("/api/v1/applications").await.json();
    assert_eq!(
        list["items"].as_array().map(Vec::len),
        Some(0),
        "{b}: {list}"
    );

    // A: two people (the size rule: under 70 m²) who want over 120 m².
    let mut body = Family::new(D, ["刘建华", "王秀兰"]).submission();
    body["preference"] =
        json!({"size_band": "large", "layout": " 三室两厅 ", "location": "南山公园附近"});
    let res = family.post_json("/api/v1/applications", &body).await;
    assert_eq!(res.status, StatusCode::CREATED, "{b}: {}", res.text());
    let a = res.json();
    assert_eq!(a["preference"]["size_band"], "large", "{b}: {a}");
    assert_eq!(a["preference"]["layout"], "三室两厅", "{b}: trimmed");
    let a = a["id"].as_str().unwrap_or_default().to_owned();
    // B: a layout only; its band stays the size rule's.
    let mut body = Family::new(D, ["陈志明", "林美华"]).submission();
    body["preference"] = json!({"layout": "两室一厅"});
    let b_id = family.submit_ok(&body).await;
    // C: over 120 m² on the form, later 70–120 m² on the company's survey form.
    let mut body = Family::new(D, ["黄国强", "赵丽萍"]).submission();
    body["preference"] = json!({"size_band": "large", "location": "矿区"});
    let c = family.submit_ok(&body).await;
    // D: no preference: nothing stored, nothing shown.
    let d = family
        .submit_ok(&Family::new(D, ["孙永刚", "郑小红"]).submission())
        .await;
    let detail = family.detail(&d).await;
    assert!(detail.get("preference").is_none(), "{b}: {detail}");

    // Staff see it on the detail (API and page).
    let street = app.login(&format!("street-{D}")).await;
    let detail = street.detail(&a).await;
    assert_eq!(detail["preference"]["location"], "南山公园附近", "{b}");
    assert!(detail["preference"]["recorded_on"].is_string(), "{b}");
    let page = street.get(&format!("/applications/{a}")).await.text();
    assert!(
        page.contains(r#"id="preference""#)
            && page.contains("120㎡以上")
            && page.contains("三室两厅"),
        "{b}: the application page shows the preference"
    );
    let page = street.get(&format!("/applications/{d}")).await.text();
    assert!(!page.contains(r#"id="preference""#), "{b}");

    for id in [&a, &b_id, &c, &d] {
        walk_to_qualified(app, id).await;
    }
    let company = app.login("company").await;
    let res = company
        .post_json(
            "/api/v1/acquisition/preferences",
            &json!({"application_id": c, "band": "main", "layout": "两室", "location": "城区"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());

    let survey = company
        .post_json("/api/v1/acquisition/surveys", &json!({}))
        .await;
    assert_eq!(survey.status, StatusCode::CREATED, "{b}: {}", survey.text());
    let survey = survey.json();
    // A by its form (large), C by the survey form (main); B has no band.
    assert_eq!(survey["stated"], 2, "{b}: {survey}");
    assert_eq!(in_band(&survey, "large"), 1, "{b}: A: {survey}");
    assert_eq!(in_band(&survey, "main"), 1, "{b}: C: {survey}");
    assert_eq!(in_band(&survey, "small"), 2, "{b}: B and D: {survey}");
    let prefs = arr(&survey["preferences"]);
    let has = |layout: &str, location: &str| {
        prefs
            .iter()
            .any(|p| p[0] == D && p[1] == layout && p[2] == location && p[3] == 1)
    };
    assert!(has("三室两厅", "南山公园附近"), "{b}: A: {survey}");
    assert!(has("两室一厅", ""), "{b}: B: {survey}");
    assert!(has("两室", "城区"), "{b}: C's later word: {survey}");
    assert!(!has("", "矿区"), "{b}: C's form replaced: {survey}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counter_form_shows_preference_problems_beside_their_fields() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let clerk = app.login(&format!("community-{D}")).await;
        let long = "室".repeat(41);
        let res = clerk
            .post_form(
                "/apply",
                &[
                    ("region", D),
                    ("a_name", "王振国"),
                    ("pref_size", "huge"),
                    ("pref_layout", &long),
                    ("pref_location", "南山公园附近"),
                ],
            )
            .await;
        assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        let page = res.text();
        for (field, words) in [
            ("pref_size", "面积段应为"),
            ("pref_layout", "户型偏好不能超过 40 个字"),
        ] {
            assert!(page.contains(words), "{b}: {field}: {words}");
            assert!(
                page.contains(&format!(r#"id="{field}-error""#)),
                "{b}: {field} beside its field"
            );
        }
        assert!(!page.contains(r#"id="pref_location-error""#), "{b}");
        assert!(page.contains(r#"value="南山公园附近""#), "{b}: kept");
        assert!(page.contains(&format!(r#"value="{long}""#)), "{b}: kept");
    }
}
