//! Market regulation through the API, on every backend: a year of monthly
//! figures imported with a bad row reported by row and column, the
//! destocking period and its band, the land-supply decision with its
//! article, one more month moving the band, parcels with idle-land
//! findings, plot-ratio counting, and a project's pre-sale funds (a
//! release over the allowance refused and recorded, one within it paid).
//! Auditors and the city bureau read; only market regulators record.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

pub const HEADER: &str = "县区代码,住房类型,月份,网签套数,网签面积（㎡）,月末可售面积（㎡）\n";

/// Twelve months (2025-11 … 2026-10) of 1,000 m² sold a month and
/// 20,000 m² unsold: 20 months, the Shanxi "reduce" band.
pub fn year_csv() -> String {
    let mut s = HEADER.to_string();
    for i in 0..12 {
        let (y, m) = if i < 2 { (2025, 11 + i) } else { (2026, i - 1) };
        s.push_str(&format!("{D},住宅,{y}-{m:02},10,1000,20000\n"));
    }
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn market_regulation_end_to_end() {
    for app in TestApp::each_backend().await {
        market(&app).await;
    }
}

fn last_band(series: &Value, district: &str) -> String {
    let s = series
        .as_array()
        .expect("array")
        .iter()
        .find(|s| s["district"] == district && s["housing_type"] == "住宅")
        .expect("series");
    let last = s["periods"]
        .as_array()
        .expect("periods")
        .last()
        .expect("a month")
        .clone();
    last["band"].as_str().unwrap_or("").to_string()
}

async fn market(app: &TestApp) {
    let b = app.backend();
    app.set_today(date("2026-11-29"));
    let m = app.login("market").await;
    let auditor = app.login("auditor").await;
    let family = app.login("family").await;

    // Import: one bad row among thirteen, reported by row and column.
    let mut csv = year_csv();
    csv.push_str("999999,住宅,2026-13,x,1,1\n");
    let r = m
        .upload("/api/v1/market/monthly", csv.as_bytes(), "application/json")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    let v = r.json();
    assert_eq!(
        (v["read"].as_u64(), v["saved"].as_u64()),
        (Some(13), Some(12)),
        "{b}: {v}"
    );
    let cols: Vec<&str> = v["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["column"].as_str().unwrap())
        .collect();
    assert!(
        cols.contains(&"县区代码") && cols.contains(&"月份"),
        "{b}: {v}"
    );
    assert!(
        v["errors"]
            .as_array()
            .unwrap()
            .iter()
            .all(|e| e["row"] == 14),
        "{b}: {v}"
    );

    // Who may: the family may not read, the auditor may read but not write.
    assert_eq!(
        family.get("/market").await.status,
        StatusCode::FORBIDDEN,
        "{b}"
    );
    // Published (002 一（一）): the periods are public, as JSON and on a page.
    assert_eq!(
        app.anon_get("/api/v1/market/destocking").await.status,
        StatusCode::OK,
        "{b}"
    );
    let published = app.anon_get("/market/published").await;
    assert_eq!(published.status, StatusCode::OK, "{b}");
    assert!(published.text().contains("适当减少供地"), "{b}");
    assert_eq!(
        auditor
            .upload(
                "/api/v1/market/monthly",
                year_csv().as_bytes(),
                "application/json"
            )
            .await
            .status,
        StatusCode::FORBIDDEN,
        "{b}"
    );
    let series = auditor.get("/api/v1/market/destocking").await;
    assert_eq!(series.status, StatusCode::OK, "{b}");
    assert_eq!(last_band(&series.json(), D), "reduce", "{b}");
    let xlsx = auditor.get("/api/v1/market/destocking.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK, "{b}");

    // The land-supply decision, explained with its article.
    let d = m
        .get(&format!(
            "/api/v1/market/land-supply?district={D}&year=2026"
        ))
        .await
        .json()[0]
        .clone();
    assert_eq!(d["decision"]["band"], "reduce", "{b}: {d}");
    assert_eq!(d["period"]["tenths"], 200, "{b}: {d}");
    assert!(
        d["checks"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| c["citation"]["article"] == "三（三）"),
        "{b}: {d}"
    );

    // November: 4,000 m² sold, 15,000 m² left → 15,000 × 12 / 15,000 = 12 months: "hold".
    let nov = format!("{HEADER}{D},住宅,2026-11,40,4000,15000\n");
    let r = m
        .upload("/api/v1/market/monthly", nov.as_bytes(), "application/json")
        .await;
    assert_eq!(r.json()["added"], 1, "{b}");
    assert_eq!(
        last_band(&auditor.get("/api/v1/market/destocking").await.json(), D),
        "hold",
        "{b}"
    );

    // A parcel unstarted since 2025-03-01: idle over a year, the 20% fee.
    let parcel = json!({
        "id": "G-1", "name": "城东地块", "district": D, "use_code": "residential",
        "land_m2": "20000", "above_ground_m2": "60000", "price_yuan": "100000000",
        "supply_date": "2025-01-10", "contract_start": "2025-03-01",
    });
    let r = m.post_json("/api/v1/market/parcels", &parcel).await;
    assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.text());
    let p = r.json();
    assert_eq!(p["idle"]["status"], "fee", "{b}: {p}");
    assert_eq!(p["idle"]["fee"], 2_000_000_000i64, "{b}: {p}");
    // Yangquan's documents set no set-aside: said in words, never Ordos's 6%.
    assert_eq!(p["set_aside"]["min_area"], 0, "{b}: {p}");
    assert_eq!(
        p["set_aside"]["not_regulated"]["what"], "本市文件未规定配建比例",
        "{b}: {p}"
    );
    assert!(
        !p.to_string().contains("鄂府发"),
        "{b}: a Yangquan parcel cites no Ordos document: {p}"
    );
    let dup = m.post_json("/api/v1/market/parcels", &parcel).await;
    assert_eq!(dup.status, StatusCode::CONFLICT, "{b}");
    let bad = m.post_json("/api/v1/market/parcels", &json!({"id": "G-2", "name": "x", "district": D, "use_code": "residential", "land_m2": "-1", "above_ground_m2": "1", "price_yuan": "1", "supply_date": "2025-01-01", "contract_start": "2025-01-01"})).await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{b}");
    assert_eq!(bad.error()["field"], "land_m2", "{b}");
    assert_eq!(
        auditor
            .post_json("/api/v1/market/parcels", &parcel)
            .await
            .status,
        StatusCode::FORBIDDEN,
        "{b}"
    );

    // Plot ratio: a 4 m × 2.2 m balcony counts 4.2 + 0.4 = 4.6 m².
    let plot = json!({"schedule": {"site_area": 1000000, "permitted_ratio": 250, "ordinary": 2000000,
        "homes": [{"label": "A", "count": 100, "internal": 10000, "home_area": 12000, "balconies": [{"width_cm": 400, "depth_cm": 220}]}]},
        "commercial": 250000});
    let r = auditor.post_json("/api/v1/market/plot-ratio", &plot).await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    let v = r.json();
    // Yangquan has no counting rules: a reference calculation under Ordos's, said so.
    assert_eq!(v["reference"], true, "{b}: {v}");
    assert_eq!(v["document"], "鄂府发〔2025〕34号", "{b}: {v}");
    assert_eq!(v["city"], "鄂尔多斯市", "{b}: {v}");
    assert!(
        v["rules"].as_str().unwrap().starts_with("market-ordos@"),
        "{b}: {v}"
    );
    let balcony = v["counted"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["rule"] == 3)
        .unwrap()
        .clone();
    assert_eq!(balcony["counted"], 46_000, "{b}: {v}");
    assert_eq!(v["counted"]["counted"], 2_046_000, "{b}");
    assert_eq!(
        v["commercial"][0]["holds"], false,
        "{b}: 2,500 m² is over 10% of 20,460 m²"
    );

    // The same from a sheet: the template counts, a bad row is named.
    let template = auditor.get("/api/v1/market/plot-ratio/template.csv").await;
    assert_eq!(template.status, StatusCode::OK, "{b}");
    let mut sheet = template.text();
    sheet.push_str("阁楼,,1,,,,,\n");
    let r = auditor
        .upload(
            "/api/v1/market/plot-ratio/schedule",
            sheet.as_bytes(),
            "application/json",
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    let v = r.json();
    assert_eq!(v["errors"][0]["column"], "项目", "{b}: {v}");
    assert_eq!(
        v["result"]["counted"]["items"].as_array().unwrap().len(),
        10,
        "{b}: {v}"
    );

    // A project: 10,000 m² × 2,000 yuan = 20,000,000 yuan supervised.
    let r = m.post_json("/api/v1/market/projects", &json!({
        "id": "KF-1", "name": "城东花园", "district": D, "developer": "阳泉某置业有限公司",
        "credit_code": "91140300MA0K00001H", "grade": "A", "investment_yuan": "1500000000", "counted_m2": "10000",
    })).await;
    assert_eq!(r.status, StatusCode::CREATED, "{b}: {}", r.text());
    let p = r.json();
    assert_eq!(p["supervised"], 2_000_000_000i64, "{b}");
    assert_eq!(p["leader"], "city_department", "{b}");
    let url = format!("/api/v1/market/projects/{D}/KF-1");
    let bad_code = m.post_json("/api/v1/market/projects", &json!({"id": "KF-2", "name": "x", "district": D, "developer": "x", "credit_code": "91140300MA0K00001X", "investment_yuan": "1", "counted_m2": "1"})).await;
    assert_eq!(bad_code.error()["field"], "credit_code", "{b}");

    let fund = |kind: &str, yuan: &str, version: i64| json!({"kind": kind, "amount_yuan": yuan, "version": version});
    let r = m
        .post_json(&format!("{url}/funds"), &fund("deposit", "20000000", 1))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    // Topped out: 60% + 3% (grade A) = 63% of 20,000,000 releasable.
    let r = m
        .post_json(
            &format!("{url}/status"),
            &json!({"node": "topped", "version": 2}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
    assert_eq!(
        r.json()["project"]["allowance"]["releasable"],
        1_260_000_000i64,
        "{b}"
    );
    let stale = m
        .post_json(&format!("{url}/funds"), &fund("release", "1", 2))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{b}");
    let r = m
        .post_json(&format!("{url}/funds"), &fund("release", "12600000.01", 3))
        .await
        .json();
    assert_eq!(r["approved"], false, "{b}: {r}");
    let r = m
        .post_json(&format!("{url}/funds"), &fund("release", "12600000", 4))
        .await
        .json();
    assert_eq!(r["approved"], true, "{b}: {r}");
    // Guarantee: Yangquan's documents set no guarantee in place of
    // supervised funds (the 30% cap is Ordos's), so even a small one is refused.
    let over = m
        .post_json(&format!("{url}/funds"), &fund("guarantee", "1", 5))
        .await;
    assert_eq!(
        over.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{b}: {}",
        over.text()
    );
    assert_eq!(over.error()["code"], "guarantee_not_regulated", "{b}");
    let d = auditor.get(&url).await.json();
    let kinds: Vec<&str> = d["ledger"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["deposit", "refused", "release"], "{b}: {d}");
    assert_eq!(
        auditor.get(&format!("{url}/ledger.xlsx")).await.status,
        StatusCode::OK,
        "{b}"
    );
    assert_eq!(
        auditor.get("/api/v1/market/projects.xlsx").await.status,
        StatusCode::OK,
        "{b}"
    );
    assert_eq!(
        auditor.get("/api/v1/market/parcels.xlsx").await.status,
        StatusCode::OK,
        "{b}"
    );

    // Rent samples: a bad source named by column; levels public.
    let rents = "县区代码,户型,来源（备案/调查）,月份,建筑面积（㎡）,月租金（元）\n140302,两居室,备案,2026-10,80,1200\n140302,两居室,调查,2026-10,100,1500\n140302,两居室,中介,2026-10,90,1350\n";
    let r = m
        .upload("/api/v1/market/rents", rents.as_bytes(), "application/json")
        .await
        .json();
    assert_eq!(
        (r["read"].as_u64(), r["saved"].as_u64()),
        (Some(3), Some(2)),
        "{b}: {r}"
    );
    assert_eq!(r["errors"][0]["column"], "来源（备案/调查）", "{b}: {r}");
    let levels = app.anon_get("/api/v1/market/rents").await.json();
    assert_eq!(levels[0]["median_fen_per_m2"], 1500, "{b}: {levels}");

    // The dashboard's forms go through the same service.
    let form = |fields: &[(&str, &str)]| {
        let mut body = format!("_csrf={}", m.csrf);
        for (k, v) in fields {
            body.push_str(&format!("&{k}={}", urlencode(v)));
        }
        body.into_bytes()
    };
    let r = m
        .post_raw(
            "/market/act",
            "application/x-www-form-urlencoded",
            form(&[
                ("type", "land_year"),
                ("district", D),
                ("year", "2026"),
                ("revitalised_m2", "12000"),
                ("previous_supply_m2", "30000"),
            ]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.text());
    let d = m
        .get(&format!(
            "/api/v1/market/land-supply?district={D}&year=2026"
        ))
        .await
        .json()[0]
        .clone();
    assert_eq!(d["last_year"], 3_000_000, "{b}: {d}");
    let r = m
        .post_raw(
            "/market/act",
            "application/x-www-form-urlencoded",
            form(&[
                ("type", "project"),
                ("id", "KF-9"),
                ("name", "表单项目"),
                ("district", D),
                ("developer", "某公司"),
                ("credit_code", "91140300MA0K00002L"),
                ("grade", ""),
                ("investment_yuan", "100000000"),
                ("counted_m2", "5000"),
            ]),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.text());
    let r = m
        .post_raw(
            "/market/act",
            "application/x-www-form-urlencoded",
            form(&[
                ("type", "parcel"),
                ("id", "G-9"),
                ("name", "表单地块"),
                ("district", D),
                ("use_code", "residential"),
                ("land_m2", "x"),
                ("above_ground_m2", "1"),
                ("price_yuan", "1"),
                ("supply_date", "2026-01-01"),
                ("contract_start", "2026-02-01"),
            ]),
            &[],
        )
        .await;
    assert_eq!(
        r.status,
        StatusCode::BAD_REQUEST,
        "{b}: a bad area is refused on the page too"
    );
    assert!(
        r.text().contains("用地面积"),
        "{b}: the error names the field"
    );
    let auditor_form = auditor.post_raw("/market/act", "application/x-www-form-urlencoded", format!("_csrf={}&type=land_year&district={D}&year=2026&revitalised_m2=1&previous_supply_m2=1", auditor.csrf).into_bytes(), &[]).await;
    assert_eq!(auditor_form.status, StatusCode::FORBIDDEN, "{b}");

    // Every change is in the audit log.
    let log = auditor
        .get("/api/v1/audit?action=market.fund_refused")
        .await;
    assert_eq!(log.status, StatusCode::OK, "{b}");
    assert!(
        log.text().contains("market.fund_refused"),
        "{b}: {}",
        log.text()
    );
}

/// The demo city's market: two years for every district, an idle parcel,
/// projects with supervised funds; seeding twice adds nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_market_is_seeded() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        app.set_today(date("2026-11-29"));
        anju_server::demo::market::seed(&app.state())
            .await
            .expect("seed");
        anju_server::demo::market::seed(&app.state())
            .await
            .expect("again");
        let a = app.login("auditor").await;
        let s = a.get("/api/v1/market/destocking").await.json();
        let s = s.as_array().unwrap();
        assert_eq!(s.len(), 6, "{b}");
        assert!(
            s.iter()
                .all(|d| d["periods"].as_array().unwrap().len() == 24),
            "{b}"
        );
        let bands: std::collections::BTreeSet<String> = s
            .iter()
            .map(|d| {
                last_band(
                    &Value::Array(vec![d.clone()]),
                    d["district"].as_str().unwrap(),
                )
            })
            .collect();
        assert!(
            bands.len() >= 4,
            "{b}: the districts fall in different bands: {bands:?}"
        );
        let parcels = a.get("/api/v1/market/parcels").await.json();
        let idle: Vec<&str> = parcels
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["idle"]["status"].as_str().unwrap())
            .collect();
        assert!(
            idle.contains(&"fee") && idle.contains(&"reclaim"),
            "{b}: {idle:?}"
        );
        let projects = a.get("/api/v1/market/projects").await.json();
        assert_eq!(projects.as_array().unwrap().len(), 3, "{b}");
        assert!(
            projects
                .as_array()
                .unwrap()
                .iter()
                .all(|p| p["deposited"].as_i64().unwrap() > 0),
            "{b}"
        );
        let page = a.get("/market").await;
        assert_eq!(page.status, StatusCode::OK, "{b}");
        assert!(page.text().contains("data-chart"), "{b}");
        assert_eq!(
            a.get("/static/vendor/echarts.min.js").await.status,
            StatusCode::OK,
            "{b}"
        );
        let p = a.get("/market/projects/140302/KF-2025-01").await;
        assert_eq!(p.status, StatusCode::OK, "{b}: {}", p.text());
        let calc = a.get("/market/plot?site=10000&ratio=2.5&ordinary=20000&homes=10&internal=100&home_area=200&balcony_w=4&balcony_d=2.2&void=45&stilt=600&footprint=1000&stilt_h=4.9").await;
        assert_eq!(calc.status, StatusCode::OK, "{b}");
        assert!(calc.text().contains("plot-items"), "{b}: {}", calc.text());
        // The page names whose rules it counts under.
        assert!(
            calc.text().contains("data-reference=\"true\"")
                && calc.text().contains("鄂府发〔2025〕34号（鄂尔多斯市）"),
            "{b}: {}",
            calc.text()
        );
        let dash = page.text();
        assert!(
            dash.contains("本市文件未规定配建比例") && dash.contains("五（四）"),
            "{b}: the dashboard says what Yangquan does not regulate and cites its own rent article"
        );
        assert!(
            !dash.contains("四（三）"),
            "{b}: no Ordos rent article on Yangquan's dashboard"
        );
        assert_eq!(
            app.login("family").await.get("/market").await.status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
    }
}

/// A Loudi deployment has no market rules file: the market answers so, and
/// the plot-ratio calculator stays a labelled reference under Ordos's.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_city_without_market_rules_says_so() {
    for app in TestApp::each_backend_under("loudi-2025", ("urban_average_wage", "60000")).await {
        let b = app.backend();
        app.set_today(date("2026-11-29"));
        anju_server::demo::market::seed(&app.state())
            .await
            .expect("seed skips a city without market rules");
        let a = app.login("auditor").await;
        let r = a.get("/api/v1/market/parcels").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}: {}", r.text());
        assert_eq!(r.error()["code"], "no_market_rules", "{b}");
        let page = a.get("/market").await;
        assert!(
            page.text().contains("没有市场监管规则文件"),
            "{b}: {}",
            page.text()
        );
        let plot = json!({"schedule": {"site_area": 1000000, "permitted_ratio": 250, "ordinary": 2000000}});
        let r = a.post_json("/api/v1/market/plot-ratio", &plot).await;
        assert_eq!(r.status, StatusCode::OK, "{b}: {}", r.text());
        assert_eq!(r.json()["reference"], true, "{b}");
    }
}
