//! A bought-back home from the holdings pool into the rental programme,
//! under Loudi (八、(一)4: bought-back homes stay affordable housing), on
//! both backends: bad evidence is refused before the pool is touched; a
//! rental number already used makes rentals refuse after the pool marked
//! the home taken, and the pool gives it back (both audited); then the
//! home moves, once. Yangquan's refusal is in `holdings.rs`.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

const WAGE: (&str, &str) = ("urban_average_wage", "60000");
const P: &str = "LD-2020-01";
const BB: &str = "BB-LD-0001";

/// A sold home of an old project already back in the pool (the buyback
/// itself is tested under Yangquan; here only the pool matters).
async fn pool_home(app: &TestApp) {
    let area = anju_allotment::ProjectArea {
        districts: vec![D.into()],
        county_seat_of: None,
    };
    let home = anju_allotment::Home {
        id: anju_allotment::HomeId::from_parts("3", "1", "502").expect("home id"),
        building: "3".into(),
        unit: "1".into(),
        floor: 5,
        number: "502".into(),
        floor_area: anju_allotment::Area::from_centi_m2(8_640).expect("area"),
        layout: "两室两厅一卫".into(),
        orientation: "南".into(),
        source: anju_allotment::HomeSource::NewBuild,
        acquisition_cost: None,
        price: anju_allotment::Fen::new(34_560_000),
    };
    let now = "2026-01-01T00:00:00+08:00";
    let q = |s: &str| s.replace('\'', "''");
    app.raw_execute(&format!(
        "INSERT INTO allot_projects (id, name, district, area_json, plan_status, version, created_at, updated_at) \
         VALUES ('{P}', '娄底旧项目', '{D}', '{}', 'published', 1, '{now}', '{now}')",
        q(&serde_json::to_string(&area).expect("area json"))
    ))
    .await;
    app.raw_execute(&format!(
        "INSERT INTO allot_homes (project_id, home_id, home_json, price_fen, state, holder) \
         VALUES ('{P}', '{}', '{}', 34560000, 'sold', NULL)",
        home.id.as_str(),
        q(&serde_json::to_string(&home).expect("home json"))
    ))
    .await;
    app.raw_execute(&format!(
        "INSERT INTO pool_homes (project_id, home_id, source, buyback_id, returned_on, state, taken_by) \
         VALUES ('{P}', '{}', 'buyback', '{BB}', '2026-01-02', 'available', NULL)",
        home.id.as_str()
    ))
    .await;
}

fn rent_body(id: &str) -> Value {
    json!({"rent_home_id": id, "surveyed_on": "2026-01-01", "method": "survey",
           "survey_source": "娄底某估价公司", "comparables": "康乐小区3栋502，88㎡，1650元/月",
           "rent_per_m2_yuan": "20.00"})
}

fn pool_entry(pool: &Value) -> Value {
    pool["homes"]
        .as_array()
        .expect("pool")
        .iter()
        .find(|p| p["buyback_id"] == BB)
        .cloned()
        .expect("the pool home")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pool_home_into_rentals_under_loudi() {
    for app in TestApp::each_backend_under("loudi-2025", WAGE).await {
        let b = app.backend();
        pool_home(&app).await;
        let company = app.login("company").await;
        let url = format!("/api/v1/holdings/pool/{BB}/rent");
        // Only the company.
        let res = app
            .login("city")
            .await
            .post_json(&url, &rent_body("ZF-9"))
            .await;
        assert_eq!(res.status, StatusCode::FORBIDDEN, "{b}");
        // Bad evidence: refused beside its field, the pool untouched.
        let mut bad = rent_body("ZF-9");
        bad["rent_per_m2_yuan"] = json!("abc");
        let res = company.post_json(&url, &bad).await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
        assert_eq!(res.error()["field"], "rent_per_m2_yuan", "{b}");
        let pool = company.get("/api/v1/holdings/pool").await.json();
        assert_eq!(pool_entry(&pool)["state"], "available", "{b}: {pool}");
        // A rental number already used: rentals refuses after the pool
        // marked the home taken, and the pool gives it back.
        let mut other = rent_body("ZF-DUP");
        other["address"] = json!("城区康乐路8号1栋101");
        let res = company
            .post_json(
                "/api/v1/rentals/homes",
                &json!({"id": "ZF-DUP", "district": D, "address": "城区康乐路8号1栋101", "area_m2": "90.00",
                        "rooms": "两室一厅", "source": "acquired", "purchase_yuan": "500000", "appraisal_yuan": "520000",
                        "survey": {"surveyed_on": "2026-01-01", "method": "survey", "source": "x", "comparables": "x", "rent_per_m2_yuan": "20.00"}}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{b}: {}", res.text());
        let res = company.post_json(&url, &other).await;
        assert!(res.status.is_client_error(), "{b}: {}", res.text());
        let pool = company.get("/api/v1/holdings/pool").await.json();
        assert_eq!(
            pool_entry(&pool)["state"],
            "available",
            "{b}: given back: {pool}"
        );
        let audit = app
            .login("auditor")
            .await
            .get("/api/v1/audit?limit=1000")
            .await
            .text();
        assert!(
            audit.contains("holdings.pool_take") && audit.contains("holdings.pool_release"),
            "{b}: both steps audited: {audit}"
        );
        // The move, with the article that allows it.
        let res = company.post_json(&url, &rent_body("ZF-9")).await;
        assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
        assert!(
            res.json()["citation"]
                .as_str()
                .is_some_and(|c| c.contains("八、(一)4")),
            "{b}: {}",
            res.text()
        );
        let pool = company.get("/api/v1/holdings/pool").await.json();
        let e = pool_entry(&pool);
        assert_eq!(e["taken_by"], "rentals:ZF-9", "{b}: {pool}");
        let home = company.get("/api/v1/rentals/homes/ZF-9").await;
        assert_eq!(home.status, StatusCode::OK, "{b}: {}", home.text());
        let home = home.text();
        assert!(
            home.contains("bought_back") && home.contains(BB) && home.contains("86.4"),
            "{b}: the area comes from the home: {home}"
        );
        // Once.
        let res = company.post_json(&url, &rent_body("ZF-10")).await;
        assert_eq!(res.status, StatusCode::CONFLICT, "{b}: {}", res.text());
        // The page offers the move with a confirmation, and shows the result.
        let page = company.get("/holdings/campaigns").await.text();
        assert!(page.contains("/rentals/homes/ZF-9"), "{b}");
    }
}

/// The campaigns page's forms for a pool home: a refused rental keeps what
/// was typed, opens its form and says the problem beside the field, with
/// HTTP 422; an unticked confirmation is said beside the tick; a refused
/// take into a project likewise, beside the project number.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pool_forms_keep_values_and_say_errors_beside_fields() {
    let app = TestApp::each_backend_under("loudi-2025", WAGE)
        .await
        .remove(0);
    pool_home(&app).await;
    let company = app.login("company").await;
    let rent = |per: &'static str, confirm: bool| {
        let mut f = vec![
            ("type", "pool_rent"),
            ("id", BB),
            ("rent_home_id", "ZF-77"),
            ("address", "娄底某路1号"),
            ("surveyed_on", "2026-01-01"),
            ("method", "appraisal"),
            ("survey_source", "某评估公司"),
            ("comparables", "同小区两套"),
            ("rent_per_m2_yuan", per),
        ];
        if confirm {
            f.push(("confirm", "1"));
        }
        f
    };
    let res = company.post_form("/holdings/act", &rent("abc", true)).await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        res.text()
    );
    let page = res.text();
    assert!(
        page.contains(&format!(r#"id="rent-per-{BB}-error""#)),
        "{page}"
    );
    assert!(
        page.contains(r#"class="pool-rent" open"#),
        "the form is open"
    );
    for kept in [
        r#"value="ZF-77""#,
        r#"value="娄底某路1号""#,
        r#"value="abc""#,
        ">同小区两套</textarea>",
        r#"<option value="appraisal" selected"#,
    ] {
        assert!(page.contains(kept), "{kept} kept: {page}");
    }
    let res = company
        .post_form("/holdings/act", &rent("20.00", false))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        res.text()
            .contains(&format!(r#"id="rent-confirm-{BB}-error""#)),
        "{}",
        res.text()
    );
    let res = company
        .post_form(
            "/holdings/act",
            &[
                ("type", "pool_take"),
                ("id", BB),
                ("project_id", "NO-SUCH-1"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        res.text()
    );
    let page = res.text();
    assert!(page.contains(r#"value="NO-SUCH-1""#), "{page}");
    assert!(page.contains(&format!(r#"id="take-{BB}-error""#)), "{page}");
}
