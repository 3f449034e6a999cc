//! Acquisition under the Loudi plan (`policies/acquisition/loudi-2025.toml`)
//! on both backends, from an empty city: the rules only Loudi has, each at
//! its boundary and citing Loudi's own sections — at most two companies
//! (二), ≤ 143 m² (五、3（1）: 143.00 passes, 143.01 fails), the sale cap
//! at exactly cost + 5 % and a fen above (五、3（2）), rental purchases at
//! most the market appraisal (五、3（2）), the independent appraisal by a
//! firm registered in the city with no conflict (七、（一）1), ≥ 20 % own
//! capital on the annual plan (六、（一）1: a fen short is refused), the
//! 5-working-day notice across the National Day holiday (七、（二）2) and
//! registration within 3 months of handover (七、（二）5: the due date is
//! in time, the next day overdue). A family's stated preference (the
//! survey form) decides its band in the survey; the purchase page's forms
//! answer 422 with what was typed.

use crate::common::*;
use crate::lifecycle::walk_to_qualified;
use axum::http::StatusCode;
use serde_json::{json, Value};

const WAGE: (&str, &str) = ("urban_average_wage", "60000");

fn arr(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn loudi_acquisition_rules_at_their_boundaries() {
    for app in TestApp::each_backend_under("loudi-2025", WAGE).await {
        loudi(&app).await;
    }
}

async fn loudi(app: &TestApp) {
    let b = app.backend();
    let city = app.login("city").await;

    // Two companies at most (二), the refusal citing Loudi's plan.
    for (id, name) in [("LD-AJ", "娄底市安居公司"), ("LD-2", "娄底市第二公司")] {
        let res = city
            .post_json(
                "/api/v1/acquisition/companies",
                &json!({"id": id, "name": name}),
            )
            .await;
        assert_eq!(res.status, StatusCode::CREATED, "{b}: {}", res.text());
    }
    let res = city
        .post_json(
            "/api/v1/acquisition/companies",
            &json!({"id": "LD-3", "name": "第三家"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT, "{b}");
    assert!(res.text().contains("娄底"), "{b}: {}", res.text());
    assert!(!res.text().contains("阳政办发"), "{b}: {}", res.text());

    // A waiting family; its stated preference (70–120 m², the survey form)
    // wins over the band its size (two people: under 70 m²) suggests.
    let family = app.login("family").await;
    let app_id = family
        .submit_ok(&Family::new(D, ["刘建华", "王秀兰"]).submission())
        .await;
    walk_to_qualified(app, &app_id).await;
    // The walk moves the clock past the sessions' idle limit: sign in again.
    let city = app.login("city").await;
    let company = app.login("company").await;
    let res = company
        .post_form(
            "/acquisition/act",
            &[
                ("type", "preference"),
                ("application_id", "A-0000-000000"),
                ("band", "main"),
                ("layout", "三室"),
            ],
        )
        .await;
    assert_eq!(
        res.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{b}: {:?} {}",
        res.header("location"),
        res.text()
    );
    assert!(res.text().contains("不是轮候中的合格家庭"), "{b}");
    assert!(
        res.text().contains("value=\"三室\""),
        "{b}: typed value kept"
    );
    let res = company
        .post_form(
            "/acquisition/act",
            &[
                ("type", "preference"),
                ("application_id", &app_id),
                ("band", "main"),
                ("layout", "三室两厅"),
                ("location", "娄星区"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{b}: {}", res.text());
    let survey = company
        .post_json("/api/v1/acquisition/surveys", &json!({}))
        .await;
    assert_eq!(survey.status, StatusCode::CREATED, "{b}: {}", survey.text());
    let survey = survey.json();
    assert_eq!(survey["stated"], 1, "{b}: {survey}");
    let main: u64 = arr(&survey["demand"])
        .iter()
        .filter(|d| d["district"] == D && d["band"] == "main")
        .map(|d| {
            arr(&d["tiers"])
                .iter()
                .filter_map(Value::as_u64)
                .sum::<u64>()
        })
        .sum();
    assert_eq!(main, 1, "{b}: counted in its stated band: {survey}");

    // Caps: 5 % is the most (5.01 refused); rental caps exist in Loudi.
    let sale = |pct: &str| json!({"project": "娄星苑", "purpose": "sale", "land_yuan_per_m2": "1000", "construction_yuan_per_m2": "4000", "profit_pct": pct, "evidence": "划拨成本测算表；建安成本审计报告"});
    assert_eq!(
        company
            .post_json("/api/v1/acquisition/caps", &sale("5.01"))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{b}"
    );
    assert_eq!(
        company
            .post_json("/api/v1/acquisition/caps", &sale("5"))
            .await
            .status,
        StatusCode::OK,
        "{b}"
    );
    let rent = json!({"project": "娄星苑", "purpose": "rent", "appraisal_yuan_per_m2": "5000", "evidence": "同地段同品质普通商品住房市场评估报告"});
    let res = company.post_json("/api/v1/acquisition/caps", &rent).await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());

    // The pool: cap per m² 5,250 yuan for sale, 5,000 for rent.
    let csv = "项目,楼栋,单元,房号,县区代码,楼层,建筑面积（㎡）,户型,竣工验收备案（是/否）,产权状况（清晰/抵押/争议）,报价（元）,用途（配售/配租）,整栋整单元出售（是/否）\n\
               娄星苑,1,1,101,140302,1,100,三室两厅,是,清晰,525000,配售,是\n\
               娄星苑,1,1,201,140302,2,100,三室两厅,是,清晰,525000.01,配售,是\n\
               娄星苑,1,1,301,140302,3,143.00,四室两厅,是,清晰,750750,配售,是\n\
               娄星苑,1,1,401,140302,4,143.01,四室两厅,是,清晰,700000,配售,是\n\
               娄星苑,2,1,101,140302,1,100,三室两厅,是,清晰,500000,配租,是\n\
               娄星苑,2,1,201,140302,2,100,三室两厅,是,清晰,500000.01,配租,是\n";
    let res = company
        .post_raw(
            "/api/v1/acquisition/offers",
            "text/csv",
            csv.as_bytes().to_vec(),
            &[("x-csrf-token", company.csrf.as_str())],
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    assert_eq!(res.json()["saved"], 6, "{b}: {}", res.text());
    let offers = arr(&company.get("/api/v1/acquisition/offers").await.json());
    let screened = |lot: &str, home: &str| -> (bool, Vec<(String, String)>) {
        let o = offers
            .iter()
            .find(|o| o["lot"] == lot && o["home"]["home"] == home)
            .unwrap_or_else(|| panic!("{b}: offer {lot} {home}"));
        (
            o["screening"]["eligible"] == true,
            arr(&o["screening"]["failures"])
                .iter()
                .map(|f| {
                    (
                        f["rule"].as_str().unwrap_or("").to_string(),
                        f["cited"].as_str().unwrap_or("").to_string(),
                    )
                })
                .collect(),
        )
    };
    let lot1 = "娄星苑/1/1";
    let lot2 = "娄星苑/2/1";
    assert!(screened(lot1, "101").0, "{b}: at the cap");
    assert!(screened(lot1, "301").0, "{b}: 143.00 m² passes");
    let (ok, f) = screened(lot1, "201");
    assert!(
        !ok && f
            .iter()
            .any(|(r, c)| r == "sale_cap" && c.contains("五、3（2）")),
        "{b}: a fen above the sale cap: {f:?}"
    );
    let (ok, f) = screened(lot1, "401");
    assert!(
        !ok && f
            .iter()
            .any(|(r, c)| r == "max_area" && c.contains("五、3（1）")),
        "{b}: 143.01 m² fails: {f:?}"
    );
    assert!(screened(lot2, "101").0, "{b}: rent at the appraisal");
    let (ok, f) = screened(lot2, "201");
    assert!(
        !ok && f
            .iter()
            .any(|(r, c)| r == "rent_cap" && c.contains("五、3（2）")),
        "{b}: a fen above the market appraisal: {f:?}"
    );
    for o in &offers {
        assert!(!o.to_string().contains("阳政办发"), "{b}: {o}");
    }

    // The plan buys the rental home (500,000 yuan) for the one family; own
    // capital a fen short of 20 % is refused at approval, exactly 20 % is
    // approved.
    let propose = |year: &str, own: &str, loans: &str| json!({"year": year, "company_id": "LD-AJ", "own_capital_yuan": own, "loans_yuan": loans, "special_funds_yuan": "0"});
    let approve = |id: String| {
        let city = &city;
        async move {
            let o = city.get("/api/v1/acquisition").await.json();
            let v = arr(&o["plans"])
                .iter()
                .find(|p| p["id"] == id.as_str())
                .and_then(|p| p["version"].as_i64())
                .unwrap_or(0);
            city.post_json(
                &format!("/api/v1/acquisition/plans/{id}/approval"),
                &json!({ "version": v }),
            )
            .await
        }
    };
    let res = company
        .post_json(
            "/api/v1/acquisition/plans",
            &propose("2026", "99999.99", "1000000.01"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    assert_eq!(
        res.json()["cost"],
        50_000_000,
        "{b}: the rental home only: {}",
        res.text()
    );
    let res = approve("2026-LD-AJ".into()).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(res.text().contains("六、（一）1"), "{b}: {}", res.text());
    let res = company
        .post_json(
            "/api/v1/acquisition/plans",
            &propose("2027", "100000", "1000000"),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let res = approve("2027-LD-AJ".into()).await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());

    let ps = company.get("/api/v1/acquisition/purchases").await.json();
    let p = arr(&ps["purchases"])
        .into_iter()
        .find(|p| p["lot"] == lot2)
        .expect("the rental purchase");
    let pid = p["id"].as_str().unwrap_or("").to_string();
    let step = |s: Value| {
        let path = format!("/api/v1/acquisition/purchases/{pid}/steps");
        let company = &company;
        async move { company.post_json(&path, &s).await }
    };

    // Negotiation: a round without agreement, then agreement a fen above
    // the market appraisal is refused.
    let round = |offer: &str, agreed: bool| json!({"step": "negotiate", "mode": "fixed_area_price", "on": "2026-06-01", "offer_yuan": offer, "agreed": agreed});
    assert_eq!(
        step(round("520000", false)).await.status,
        StatusCode::OK,
        "{b}"
    );
    let res = step(round("500000.01", true)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(res.text().contains("五、3（2）"), "{b}: {}", res.text());

    // Independent appraisal (七、（一）1): registered in the city and no
    // conflict, each refused beside its own field; the price is the lower
    // of the appraisal and the cap.
    let appraise = |in_city: bool, no_conflict: bool| json!({"step": "appraise", "firm": "娄底市某资产评估有限公司", "registration": "LD-PG-2025-07", "registered_in_city": in_city, "no_conflict_declared": no_conflict, "value_yuan": "510000"});
    let res = step(appraise(false, true)).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(res.error()["field"], "registered_in_city", "{b}");
    assert!(res.text().contains("七、（一）1"), "{b}: {}", res.text());
    let res = step(appraise(true, false)).await;
    assert_eq!(res.error()["field"], "no_conflict_declared", "{b}");
    let res = step(appraise(true, true)).await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    assert_eq!(res.json()["agreed"], 50_000_000, "{b}: min(appraisal, cap)");

    // Filing, then 5 working days across the National Day holiday:
    // 28, 29, 30 September, 8 and 9 October.
    let res =
        step(json!({"step": "file", "housing_on": "2026-09-21", "finance_on": "2026-09-22"})).await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let res = step(json!({"step": "notice", "start": "2026-09-28"})).await;
    assert_eq!(
        res.json()["notice_end"],
        "2026-10-09",
        "{b}: {}",
        res.text()
    );

    // The page's contract form: without the tick, 422 with what was typed.
    let page = format!("/acquisition/purchases/{pid}");
    let sign_form = |on: &'static str, confirm: bool| {
        let mut f = vec![
            ("step", "sign"),
            ("on", on),
            ("handover_date", "2026-11-30"),
            ("payment_terms", "签约付30%，交付付70%"),
            ("title_transfer", "交付后3个月内办理转移登记"),
            ("liabilities", "逾期交付按日万分之五支付违约金"),
        ];
        if confirm {
            f.push(("confirm", "on"));
        }
        f
    };
    let res = company
        .post_form(&page, &sign_form("2026-10-10", false))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(res.text().contains("sign-confirm-error"), "{b}");
    assert!(res.text().contains("签约付30%，交付付70%"), "{b}: kept");
    // On the notice's last day: refused beside the date.
    let res = company
        .post_form(&page, &sign_form("2026-10-09", true))
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(res.text().contains("sign-on-error"), "{b}: {}", res.text());
    let res = company
        .post_form(&page, &sign_form("2026-10-10", true))
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{b}: {}", res.text());

    // Handover on 30 November: registration due 28 February (3 months).
    let items: Vec<Value> = [
        "结构与墙面",
        "门窗",
        "水电燃气",
        "防水",
        "消防与电梯",
        "配套设施移交",
    ]
    .iter()
    .map(|i| json!({"item": i, "passed": true, "defect": null}))
    .collect();
    let res =
        step(json!({"step": "hand_over", "on": "2026-11-30", "items": items, "warranty_years": 2}))
            .await;
    assert_eq!(res.json()["registration_due"], "2027-02-28", "{b}");
    app.set_today(date("2027-02-28"));
    let company = app.login("company").await;
    let o = company.get("/api/v1/acquisition").await.json();
    assert_eq!(arr(&o["overdue"]).len(), 0, "{b}: the due date is in time");
    app.set_today(date("2027-03-01"));
    let company = app.login("company").await;
    let o = company.get("/api/v1/acquisition").await.json();
    assert_eq!(arr(&o["overdue"]).len(), 1, "{b}: the day after is overdue");
    let res = company
        .post_json(
            &format!("/api/v1/acquisition/purchases/{pid}/steps"),
            &json!({"step": "register", "on": "2027-03-01", "certificate": "湘(2027)娄底市不动产权第0000001号"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let o = company.get("/api/v1/acquisition").await.json();
    assert_eq!(arr(&o["overdue"]).len(), 0, "{b}: registered");

    // The cap form offers the rental purchase in Loudi: the appraisal is
    // required for it, beside its field; then recorded and shown.
    let page = company.get("/acquisition").await.text();
    assert!(page.contains("id=\"cp-appraisal\""), "{b}");
    let res = company
        .post_form(
            "/acquisition/act",
            &[
                ("type", "cap"),
                ("purpose", "rent"),
                ("project", "涟钢苑"),
                ("evidence", "市场评估报告"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        res.text()
            .contains("id=\"cap-appraisal_yuan_per_m2-error\""),
        "{b}"
    );
    let res = company
        .post_form(
            "/acquisition/act",
            &[
                ("type", "cap"),
                ("purpose", "rent"),
                ("project", "涟钢苑"),
                ("appraisal_yuan_per_m2", "4800"),
                ("evidence", "市场评估报告"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{b}: {}", res.text());
    let page = company.get("/acquisition").await.text();
    assert!(page.contains("<li>市场评估价 4800</li>"), "{b}");
    assert!(
        !page.contains("阳政办发"),
        "{b}: a Loudi page cites no Yangquan article"
    );
    app.set_today(day0());
}
