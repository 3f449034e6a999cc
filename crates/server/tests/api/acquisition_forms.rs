//! Acquisition's page forms that were API only (issue 15), on both
//! backends over the demo city: a project's price cap (every empty field at
//! once, the 5 % boundary beside its field, the cap term by term in yuan),
//! the offers file through the page (the XLSX template round-trips, row
//! errors as a table), the plan edit with its reason, a ledger entry (an
//! overdrawing payment beside its amount, values kept), and the
//! preferences API.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::{json, Value};

const BOUNDARY: &str = "anjuAcqBoundary3Lq9";

fn multipart(csrf: &str, name: &str, bytes: &[u8]) -> Vec<u8> {
    let mut b = Vec::new();
    b.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n")
            .as_bytes(),
    );
    b.extend_from_slice(
        format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
    );
    b.extend_from_slice(bytes);
    b.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    b
}

async fn upload(s: &Session, name: &str, bytes: &[u8]) -> Resp {
    s.post_raw(
        "/acquisition/offers",
        &format!("multipart/form-data; boundary={BOUNDARY}"),
        multipart(&s.csrf, name, bytes),
        &[],
    )
    .await
}

fn arr(v: &Value) -> Vec<Value> {
    v.as_array().cloned().unwrap_or_default()
}

#[tokio::test]
async fn acquisition_page_forms_and_preferences_api() {
    for app in TestApp::each_backend().await {
        forms(&app).await;
    }
}

async fn forms(app: &TestApp) {
    let b = app.backend();
    anju_server::demo::seed(&app.state(), 300)
        .await
        .expect("demo seeds");
    let company = app.login("company").await;
    let auditor = app.login("auditor").await;

    // Caps: every empty field at once, values kept.
    let res = company
        .post_form(
            "/acquisition/act",
            &[("type", "cap"), ("purpose", "sale"), ("project", "表单苑")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    let t = res.text();
    for f in [
        "land_yuan_per_m2",
        "construction_yuan_per_m2",
        "profit_pct",
        "evidence",
    ] {
        assert!(t.contains(&format!("id=\"cap-{f}-error\"")), "{b}: {f}");
    }
    assert!(t.contains("value=\"表单苑\""), "{b}: project kept");
    // 5.01 % is refused beside the rate; 5 % is recorded and shown term
    // by term in yuan per m².
    let cap = |pct: &'static str| {
        [
            ("type", "cap"),
            ("purpose", "sale"),
            ("project", "表单苑"),
            ("land_yuan_per_m2", "1000"),
            ("construction_yuan_per_m2", "4000"),
            ("profit_pct", pct),
            ("evidence", "划拨决定书；建安成本审计报告"),
        ]
    };
    let res = company.post_form("/acquisition/act", &cap("5.01")).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        res.text().contains("id=\"cap-profit_pct-error\""),
        "{b}: {}",
        res.text()
    );
    assert!(res.text().contains("value=\"5.01\""), "{b}");
    let res = company.post_form("/acquisition/act", &cap("5")).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{b}: {}", res.text());
    let page = company.get("/acquisition").await.text();
    for term in [
        "<li>划拨土地成本 1000</li>",
        "<li>建安成本 4000</li>",
        "<li>利润 250</li>",
        "<strong>限价 5250</strong>",
    ] {
        assert!(
            page.contains(term),
            "{b}: {term} in {}",
            page.split("id=\"caps\"")
                .nth(1)
                .unwrap_or("no caps table")
                .chars()
                .take(1500)
                .collect::<String>()
        );
    }
    // Rent caps are not offered in Yangquan.
    assert!(!page.contains("id=\"cp-appraisal\""), "{b}");

    // The offers template (XLSX, Chinese headers) round-trips through the
    // page's upload; a bad row comes back in the row-error table.
    let tpl = app
        .anon_get("/api/v1/acquisition/offers/template.xlsx")
        .await;
    assert_eq!(tpl.status, StatusCode::OK, "{b}");
    assert!(
        tpl.header("content-type")
            .unwrap_or("")
            .contains("spreadsheetml"),
        "{b}"
    );
    let res = upload(&company, "template.xlsx", &tpl.body).await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    assert!(
        res.text().contains("id=\"offers-saved\">1<"),
        "{b}: {}",
        res.text()
    );
    let csv = "项目,楼栋,单元,房号,县区代码,楼层,建筑面积（㎡）,户型,竣工验收备案（是/否）,产权状况（清晰/抵押/争议）,报价（元）,用途（配售/配租）,整栋整单元出售（是/否）\n\
               表单苑,1,1,101,140302,1,100,三室两厅,是,清晰,525000,配售,是\n\
               表单苑,1,1,201,999,2,abc,三室两厅,是,清晰,1,配售,是\n";
    let res = upload(&company, "offers.csv", csv.as_bytes()).await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let t = res.text();
    assert!(t.contains("id=\"offers-saved\">1<"), "{b}: {t}");
    assert!(
        t.contains("id=\"offers-eligible\">1<"),
        "{b}: within the cap: {t}"
    );
    assert!(t.contains("id=\"offers-row-errors\""), "{b}: {t}");
    assert!(t.contains("县区代码无效"), "{b}: {t}");
    // No file: beside the file field.
    let res = upload(&company, "empty.csv", b"").await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(res.text().contains("id=\"offers-file-error\""), "{b}");
    // Only the company uploads.
    assert_eq!(
        upload(&auditor, "offers.csv", csv.as_bytes()).await.status,
        StatusCode::FORBIDDEN,
        "{b}"
    );

    // The plan edit: a draft for next year, a lot taken out with a reason.
    let req = json!({"year": "2027", "company_id": "YQ-AJ", "own_capital_yuan": "5000000", "loans_yuan": "9000000", "special_funds_yuan": "0"});
    let res = company.post_json("/api/v1/acquisition/plans", &req).await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let plan = res.json();
    let chosen: Vec<String> = arr(&plan["lots"])
        .iter()
        .zip(arr(&plan["chosen"]))
        .filter(|(_, c)| c == &Value::Bool(true))
        .map(|(l, _)| l["id"].as_str().unwrap_or("").to_string())
        .collect();
    assert!(!chosen.is_empty(), "{b}: {plan}");
    let o = company.get("/api/v1/acquisition").await.json();
    let v = arr(&o["plans"])
        .iter()
        .find(|p| p["id"] == "2027-YQ-AJ")
        .and_then(|p| p["version"].as_i64())
        .unwrap_or(0)
        .to_string();
    let keep: Vec<(&str, &str)> = chosen[1..].iter().map(|l| ("lot", l.as_str())).collect();
    let mut edit: Vec<(&str, &str)> =
        vec![("type", "plan_edit"), ("id", "2027-YQ-AJ"), ("version", &v)];
    edit.extend(keep.iter().copied());
    // Without a reason: refused beside it, the ticks kept.
    let res = company.post_form("/acquisition/act", &edit).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(res.text().contains("id=\"plan_edit-reason-error\""), "{b}");
    assert!(
        !res.text().contains(&format!(
            "value=\"{}\" form=\"edit-form\" class=\"edit-lot\" checked",
            chosen[0]
        )),
        "{b}: the lot taken out stays unticked"
    );
    edit.push(("reason", "该单元产权抵押尚未解除，暂不收购"));
    let res = company.post_form("/acquisition/act", &edit).await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{b}: {}", res.text());
    let plans = arr(&company.get("/api/v1/acquisition/plans").await.json());
    let p = plans
        .iter()
        .find(|p| p["id"] == "2027-YQ-AJ")
        .cloned()
        .unwrap_or_default();
    assert_eq!(p["solved"], "edited", "{b}");
    assert_eq!(p["edits"][0]["removed"][0], chosen[0].as_str(), "{b}: {p}");
    assert_eq!(
        p["edits"][0]["reason"], "该单元产权抵押尚未解除，暂不收购",
        "{b}"
    );
    // The API's edit needs its reason too.
    let res = company
        .put_json(
            "/api/v1/acquisition/plans/2027-YQ-AJ",
            &json!({"lots": chosen, "version": v.parse::<i64>().unwrap_or(0) + 1}),
        )
        .await;
    assert_eq!(res.status, StatusCode::BAD_REQUEST, "{b}: {}", res.text());
    assert_eq!(res.error()["field"], "reason", "{b}");

    // A ledger entry: a payment above the funds is refused beside its
    // amount with what was typed; an own-capital entry is recorded.
    let res = company
        .post_form(
            "/acquisition/act",
            &[
                ("type", "ledger"),
                ("company_id", "YQ-AJ"),
                ("kind", "payment"),
                ("amount_yuan", "999999999"),
                ("on", "2026-03-02"),
                ("memo", "购房款 回单 20260302-01"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert!(
        res.text().contains("id=\"ledger-amount_yuan-error\""),
        "{b}"
    );
    assert!(
        res.text().contains("value=\"购房款 回单 20260302-01\""),
        "{b}"
    );
    let res = company
        .post_form(
            "/acquisition/act",
            &[("type", "ledger"), ("company_id", "YQ-AJ")],
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    for f in ["kind", "amount_yuan", "memo"] {
        assert!(
            res.text().contains(&format!("id=\"ledger-{f}-error\"")),
            "{b}: {f}"
        );
    }
    let before = arr(&company
        .get("/api/v1/acquisition/companies/YQ-AJ/ledger")
        .await
        .json()["entries"])
    .len();
    let res = company
        .post_form(
            "/acquisition/act",
            &[
                ("type", "ledger"),
                ("company_id", "YQ-AJ"),
                ("kind", "own_capital"),
                ("amount_yuan", "1234.56"),
                ("on", "2026-03-02"),
                ("memo", "股东注资 回单 20260302-02"),
            ],
        )
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{b}: {}", res.text());
    let l = company
        .get("/api/v1/acquisition/companies/YQ-AJ/ledger")
        .await
        .json();
    assert_eq!(arr(&l["entries"]).len(), before + 1, "{b}");
    assert_eq!(
        arr(&l["entries"]).last().map(|e| e["amount"].clone()),
        Some(json!(123456)),
        "{b}"
    );

    // Preferences over the API: an unknown application is refused beside
    // its field; a waiting family's is recorded and listed; readers read.
    let res = company
        .post_json(
            "/api/v1/acquisition/preferences",
            &json!({"application_id": "A-0000-000000", "band": "main"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    assert_eq!(res.error()["field"], "application_id", "{b}");
    let survey = o["latest_survey"].clone();
    assert!(survey.is_object(), "{b}");
    let waiting = company
        .get("/work?status=qualified")
        .await
        .text()
        .split("href=\"/applications/")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap_or("")
        .to_string();
    assert!(!waiting.is_empty(), "{b}");
    let res = company
        .post_json(
            "/api/v1/acquisition/preferences",
            &json!({"application_id": waiting, "band": "large", "layout": "四室", "location": "南山公园附近"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{b}: {}", res.text());
    let list = auditor.get("/api/v1/acquisition/preferences").await;
    assert_eq!(list.status, StatusCode::OK, "{b}");
    assert!(
        arr(&list.json())
            .iter()
            .any(|p| p["application_id"] == waiting.as_str() && p["band"] == "large"),
        "{b}: {}",
        list.text()
    );
    assert_eq!(
        auditor
            .post_json(
                "/api/v1/acquisition/preferences",
                &json!({"application_id": waiting, "band": "main"}),
            )
            .await
            .status,
        StatusCode::FORBIDDEN,
        "{b}"
    );
    assert_eq!(
        app.login("family")
            .await
            .get("/api/v1/acquisition/preferences")
            .await
            .status,
        StatusCode::FORBIDDEN,
        "{b}"
    );
}
