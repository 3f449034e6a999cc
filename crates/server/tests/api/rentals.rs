//! Rentals (issue 14) end to end, on both backends: a city without rental
//! rules says so; under Loudi a home is registered with its evidence and
//! its rent computed (80 %, to the yuan), offered in waitlist order
//! (priority first), accepted into a lease; the month's charges are one
//! idempotent batch; payments move "paid up to"; a new survey never
//! changes a signed lease; renewal only after a fresh eligibility check;
//! an exit notice, overstay at market rent across a month end, and a
//! serious case whose dishonesty-list entry the eligibility engine then
//! enforces on a new application.

use crate::common::*;
use crate::lifecycle::walk_to_qualified;
use axum::http::StatusCode;
use serde_json::{json, Value};

const WAGE: (&str, &str) = ("urban_average_wage", "60000");

fn home_body(id: &str) -> Value {
    json!({
        "id": id, "district": D, "address": "城区康乐路8号1栋101", "area_m2": "90.00",
        "rooms": "两室一厅", "source": "acquired", "purchase_yuan": "500000", "appraisal_yuan": "520000",
        "survey": {"effective_from": "2026-01-01", "surveyed_on": "2026-01-01", "method": "survey",
                   "source": "娄底某估价公司", "comparables": "康乐小区3栋502，88㎡，1650元/月",
                   "rent_per_m2_yuan": "20.00"}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_city_without_rental_rules_says_so() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        let company = app.login("company").await;
        let res = company.get("/api/v1/rentals/homes").await;
        assert_eq!(res.status, StatusCode::NOT_FOUND, "{b}: {}", res.text());
        assert_eq!(res.error()["code"], "no_rental_rules", "{b}");
        let page = company.get("/rentals").await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{b}");
        let text = page.text();
        assert!(text.contains("本市文件未规定配租"), "{b}: {text}");
        assert!(!text.contains("娄底"), "{b}: Yangquan never cites Loudi");
        // The role check still comes first.
        let family = app.login("family").await;
        assert_eq!(
            family.get("/api/v1/rentals/homes").await.status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offer_lease_ledger_renewal_exit_and_the_list() {
    for app in TestApp::each_backend_under("loudi-2025", WAGE).await {
        let b = app.backend();
        app.allow_several_applications_per_account();
        // Two qualified families of 城区: A (family2) first on the
        // waitlist, B (family) in a priority group.
        let f2 = app.login("family2").await;
        let fa = Family::new(D, ["周建国", "吴秀英"]);
        let a = f2.submit_ok(&fa.submission()).await;
        walk_to_qualified(&app, &a).await;
        let family = app.login("family").await;
        let mut fb = Family::new(D, ["郑国强", "冯丽"]);
        fb.household["special"] = json!(["disabled"]);
        let bid = family.submit_ok(&fb.submission()).await;
        walk_to_qualified(&app, &bid).await;
        app.set_today(date("2026-04-01"));
        let company = app.login("company").await;

        // Registering: price above the appraisal (五、3(2)); moved from
        // sale without the city's approval.
        let mut bad = home_body("ZF-1");
        bad["purchase_yuan"] = json!("530000");
        let res = company.post_json("/api/v1/rentals/homes", &bad).await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            res.text()
        );
        assert!(
            res.error()["message"]
                .as_str()
                .unwrap_or("")
                .contains("五、3(2)"),
            "{b}"
        );
        let mut bad = home_body("ZF-1");
        bad["source"] = json!("moved_from_sale");
        let res = company.post_json("/api/v1/rentals/homes", &bad).await;
        assert_eq!(res.error()["field"], "approval_ref", "{b}: {}", res.text());

        let res = company
            .post_json("/api/v1/rentals/homes", &home_body("ZF-1"))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{b}: {}", res.text());
        let h = res.json();
        // 20.00 × 90 = 1800 yuan; 80 % = 1440 yuan.
        assert_eq!(h["market_monthly_fen"], 180_000, "{b}: {h}");
        assert_eq!(h["rent_fen"], 144_000, "{b}: {h}");
        assert_eq!(h["rent_article"], "七、(一)3", "{b}");

        // The order: B (priority) before A; offering A first is refused.
        let c = company
            .get(&format!("/api/v1/rentals/candidates?district={D}"))
            .await
            .json();
        assert_eq!(c["families"][0]["application_id"], bid.as_str(), "{b}: {c}");
        assert_eq!(c["families"][0]["priority"], true, "{b}");
        let res = company
            .post_json(
                "/api/v1/rentals/offers",
                &json!({"home_id": "ZF-1", "application_id": a}),
            )
            .await;
        assert_eq!(res.error()["code"], "out_of_order", "{b}: {}", res.text());
        let res = company
            .post_json(
                "/api/v1/rentals/offers",
                &json!({"home_id": "ZF-1", "application_id": bid}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{b}: {}", res.text());
        let offer = res.json()["id"].as_str().expect("offer").to_string();
        let res = company
            .post_json(
                &format!("/api/v1/rentals/offers/{offer}/answer"),
                &json!({"accept": true, "starts_on": "2026-04-01", "cycle": "monthly", "deposit_yuan": "1440"}),
            )
            .await;
        assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
        let lease = res.json()["lease"].clone();
        let lid = lease["id"].as_str().expect("lease").to_string();
        assert_eq!(lease["ends_on"], "2029-03-31", "{b}: 3 years");
        assert_eq!(lease["rent_fen"], 144_000, "{b}");
        assert_eq!(lease["status"], "active", "{b}");

        // The month's charges: one batch, idempotent.
        let r1 = company
            .post_json("/api/v1/rentals/charges", &json!({"month": "2026-04"}))
            .await
            .json();
        assert_eq!(
            (r1["due"].clone(), r1["added"].clone()),
            (json!(1), json!(1)),
            "{b}: {r1}"
        );
        let r2 = company
            .post_json("/api/v1/rentals/charges", &json!({"month": "2026-04"}))
            .await
            .json();
        assert_eq!(
            (r2["due"].clone(), r2["added"].clone()),
            (json!(1), json!(0)),
            "{b}: {r2}"
        );
        let l = company
            .get(&format!("/api/v1/rentals/leases/{lid}"))
            .await
            .json();
        assert_eq!(l["balance_fen"], 144_000, "{b}: {l}");
        assert_eq!(l["paid_up_to"], json!(null), "{b}");

        // The tenant sees it; another family does not.
        let family = app.login("family").await;
        let mine = family.get("/api/v1/rentals/mine").await.json();
        assert_eq!(mine["leases"][0]["id"], lid.as_str(), "{b}: {mine}");
        let page = family.get("/rentals/mine").await;
        assert!(page.text().contains("1440.00"), "{b}");
        let f2 = app.login("family2").await;
        assert_eq!(
            f2.get(&format!("/api/v1/rentals/leases/{lid}"))
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{b}"
        );

        // A payment; an adjustment needs its approver.
        let l = company
            .post_json(
                &format!("/api/v1/rentals/leases/{lid}/payments"),
                &json!({"amount_yuan": "1440", "paid_on": "2026-04-01"}),
            )
            .await
            .json();
        assert_eq!(l["balance_fen"], 0, "{b}: {l}");
        assert_eq!(l["paid_up_to"], "2026-04-30", "{b}: {l}");
        let res = company
            .post_json(
                &format!("/api/v1/rentals/leases/{lid}/adjustments"),
                &json!({"amount_yuan": "-100", "reason": "维修减免", "approver": ""}),
            )
            .await;
        assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
        assert_eq!(res.error()["field"], "approver", "{b}");

        // A new survey changes the home's rent, never the signed lease's.
        let res = company
            .post_json("/api/v1/rentals/homes/ZF-1/surveys", &json!({"effective_from": "2026-04-01", "surveyed_on": "2026-04-01",
                "method": "appraisal", "source": "另一估价公司", "comparables": "和平花园", "rent_per_m2_yuan": "25.00"}))
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{b}: {}", res.text());
        let h = company.get("/api/v1/rentals/homes/ZF-1").await.json();
        assert_eq!(h["rent_fen"], 180_000, "{b}: 25 × 90 × 80 % = 1800");
        let l = company
            .get(&format!("/api/v1/rentals/leases/{lid}"))
            .await
            .json();
        assert_eq!(l["rent_fen"], 144_000, "{b}: not retroactive");

        // Renewal only after a fresh eligibility check: a listing on
        // record (from anywhere) refuses it, with 8.2.3 cited.
        app.raw_execute(&format!(
            "INSERT INTO rent_blacklist (id_hash, application_id, lease_id, listed_on, until_on, case_code) \
             SELECT id_hash, application_id, 'other', '2026-03-01', '2029-03-01', 'fraud' FROM application_members WHERE application_id = '{bid}'"
        ))
        .await;
        let res = company
            .post_json(&format!("/api/v1/rentals/leases/{lid}/renew"), &json!({}))
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            res.text()
        );
        let msg = res.error()["message"].as_str().unwrap_or("").to_string();
        assert!(
            msg.contains("八、(二)1") && msg.contains("失信"),
            "{b}: {msg}"
        );
        app.raw_execute("DELETE FROM rent_blacklist WHERE lease_id = 'other'")
            .await;
        let res = company
            .post_json(&format!("/api/v1/rentals/leases/{lid}/renew"), &json!({}))
            .await;
        assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
        let new = res.json();
        assert_eq!(new["renews_id"], lid.as_str(), "{b}");
        assert_eq!(new["starts_on"], "2029-04-01", "{b}");
        assert_eq!(
            new["rent_fen"], 180_000,
            "{b}: the renewal takes the evidence in force"
        );
        let old = company
            .get(&format!("/api/v1/rentals/leases/{lid}"))
            .await
            .json();
        assert_eq!(old["status"], "renewed", "{b}");
        let nid = new["id"].as_str().expect("new").to_string();

        // Exit (on the renewal's lease, for brevity): misuse, served
        // 2026-04-20; the deadline is 30 days later.
        app.set_today(date("2026-04-20"));
        let company = app.login("company").await;
        let l = company
            .post_json(
                &format!("/api/v1/rentals/leases/{nid}/exit"),
                &json!({"ground": "misuse", "notified_on": "2026-04-20", "reason": "整体转租"}),
            )
            .await
            .json();
        assert_eq!(l["exit_deadline"], "2026-05-20", "{b}: {l}");
        assert_eq!(l["status"], "ending", "{b}");
        app.set_today(date("2026-06-03"));
        let company = app.login("company").await;
        let l = company
            .get(&format!("/api/v1/rentals/leases/{nid}"))
            .await
            .json();
        assert_eq!(l["status"], "overstaying", "{b}: {l}");
        assert_eq!(l["accruing_days"], 14, "{b}: 21 May – 3 June");
        // June's batch charges May's overstay days (the renewal's rent
        // periods start only in 2029); closing then skips May by its key.
        let r = company
            .post_json("/api/v1/rentals/charges", &json!({"month": "2026-06"}))
            .await
            .json();
        assert_eq!(r["added"], 1, "{b}: {r}");
        let l = company
            .get(&format!("/api/v1/rentals/leases/{nid}"))
            .await
            .json();
        assert_eq!(
            l["accruing_days"], 3,
            "{b}: only June's days are not yet charged"
        );
        // Closing needs its confirmation; then a serious case.
        let res = company
            .post_json(
                &format!("/api/v1/rentals/leases/{nid}/close"),
                &json!({"serious": "sublet"}),
            )
            .await;
        assert_eq!(res.error()["field"], "confirm", "{b}");
        let l = company
            .post_json(
                &format!("/api/v1/rentals/leases/{nid}/close"),
                &json!({"vacated_on": "2026-06-03", "serious": "sublet", "confirm": true}),
            )
            .await
            .json();
        assert_eq!(l["status"], "terminated", "{b}: {l}");
        // Market rent 25 × 90 = 2250 yuan a month: May 21–31, 11 of 31
        // days = 798.39; June 1–3, 3 of 30 days = 225.00.
        let overstay: Vec<i64> = l["entries"]
            .as_array()
            .expect("entries")
            .iter()
            .filter(|e| e["kind"] == "overstay")
            .map(|e| e["amount_fen"].as_i64().unwrap_or(0))
            .collect();
        assert_eq!(overstay, vec![79_839, 22_500], "{b}: {l}");
        let list = company.get("/api/v1/rentals/blacklist").await.json();
        assert_eq!(list["listings"][0]["until_on"], "2029-06-03", "{b}: {list}");
        assert_eq!(list["listings"][0]["members"], 2, "{b}");

        // The engine now refuses the family's new application, citing 8.2.3.
        let family = app.login("family").await;
        let res = family
            .post_json("/api/v1/applications", &fb.submission())
            .await;
        assert_eq!(
            res.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            res.text()
        );
        let err = res.error();
        assert_eq!(err["code"], "submission_refused", "{b}: {err}");
        assert!(
            err["message"].as_str().unwrap_or("").contains("八、(二)3"),
            "{b}: {err}"
        );

        // Arrears: the overstay charges, once overdue, show aged.
        app.set_today(date("2026-06-20"));
        let company = app.login("company").await;
        let arrears = company.get("/api/v1/rentals/arrears").await.json();
        let ours = arrears["leases"]
            .as_array()
            .expect("list")
            .iter()
            .find(|x| x["lease_id"] == nid.as_str())
            .cloned();
        assert!(
            ours.is_some_and(|x| x["balance_fen"].as_i64().unwrap_or(0) >= 102_339),
            "{b}: {arrears}"
        );
        // The company's desk and the exports answer.
        assert_eq!(company.get("/rentals").await.status, StatusCode::OK, "{b}");
        assert_eq!(
            company.get(&format!("/rentals/leases/{nid}")).await.status,
            StatusCode::OK,
            "{b}"
        );
        assert_eq!(
            company
                .get(&format!("/rentals/leases/{nid}/bill"))
                .await
                .status,
            StatusCode::OK,
            "{b}"
        );
        assert_eq!(
            company.get("/rentals/arrears.xlsx").await.status,
            StatusCode::OK,
            "{b}"
        );
        assert_eq!(
            company.get("/rentals/leases.xlsx").await.status,
            StatusCode::OK,
            "{b}"
        );
        // The ledger was never rewritten: every entry's key is unique and
        // the store has no statement that updates or deletes one.
        let city = app.login("city").await;
        assert_eq!(
            city.get("/api/v1/rentals/leases").await.status,
            StatusCode::OK,
            "{b}"
        );
        assert_eq!(
            city.post_json("/api/v1/rentals/charges", &json!({"month": "2026-06"}))
                .await
                .status,
            StatusCode::FORBIDDEN,
            "{b}"
        );
    }
}

/// No source of the store or the server updates or deletes a ledger entry.
#[test]
fn the_ledger_is_append_only_in_code() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for dir in ["store/src", "server/src"] {
        for entry in walk(&root.join(dir)) {
            let text = std::fs::read_to_string(&entry).unwrap_or_default();
            for bad in ["UPDATE rent_ledger", "DELETE FROM rent_ledger"] {
                assert!(!text.contains(bad), "{}: {bad}", entry.display());
            }
        }
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(rd) = std::fs::read_dir(dir) {
        for e in rd.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }
    out
}
