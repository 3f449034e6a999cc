//! The whole lifecycle through the API: online submission, street review,
//! five department confirmations (one with a correction), the engine's
//! decision, a 5-working-day public notice, qualification and the waitlist.

use crate::common::*;
use anju_domain::StatusKind;
use axum::http::StatusCode;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn full_lifecycle_through_the_api() {
    for app in TestApp::each_backend().await {
        full_lifecycle(&app).await;
    }
}

async fn full_lifecycle(app: &TestApp) {
    let b = app.backend();
    let family = app.login("family").await;
    let street = app.login(&format!("street-{D}")).await;
    let bureau = app.login(&format!("bureau-{D}")).await;
    let f = Family::new(D, ["王振国", "李秀梅"]);

    // The family applies online.
    let res = family
        .post_json("/api/v1/applications", &f.submission())
        .await;
    assert_eq!(res.status, StatusCode::CREATED, "{b}: {}", res.text());
    let created = res.json();
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!(status(&created), "submitted", "{b}");
    assert_eq!(created["district"], D);
    assert_eq!(created["application"]["channel"], "online");
    assert_eq!(created["masked_name"], "王*国");
    assert_eq!(created["masked_id"], masked_id(&f.ids[0]));
    assert!(
        created["available_actions"]
            .as_array()
            .expect("actions")
            .contains(&json!("withdraw")),
        "{b}: the family may withdraw: {created}"
    );

    // The family's list holds it, masked.
    let list = family.get("/api/v1/applications").await.json();
    let items = list["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{b}: {list}");
    assert_eq!(items[0]["id"], id.as_str());
    assert_eq!(items[0]["masked_name"], "王*国");
    assert_no_personal_data(&list.to_string(), &f, "the family's list");

    // Street review.
    let after = street.act_ok(&id, json!({"type": "street_pass"})).await;
    assert_eq!(status(&after), "under_verification", "{b}");
    assert_no_personal_data(&after.to_string(), &f, "an action's answer");

    // Five departments; public security corrects the applicant's residence years.
    for dept in DEPARTMENTS {
        let verifier = app.login(&format!("verifier-{dept}")).await;
        let corrections = if dept == "public_security" {
            json!([{"path": "members[0].residence_years", "old": 6, "new": 8}])
        } else {
            json!([])
        };
        let after = verifier
            .act_ok(
                &id,
                json!({"type": "department_confirm", "department": dept, "corrections": corrections}),
            )
            .await;
        let expected = if dept == "provident_fund" {
            "verified"
        } else {
            "under_verification"
        };
        assert_eq!(status(&after), expected, "{b} after {dept}");
    }
    let detail = bureau.detail(&id).await;
    assert_eq!(
        detail["household"]["members"][0]["residence_years"],
        json!(8),
        "{b}: the correction is applied to the facts"
    );
    let verifications = detail["application"]["verifications"]
        .as_array()
        .expect("verifications");
    assert_eq!(verifications.len(), 5, "{b}");
    assert_eq!(
        verifications[0]["corrections"],
        json!([{"path": "members[0].residence_years", "old": 6, "new": 8}]),
        "{b}"
    );

    // The engine decides (the bureau cannot send a decision of its own).
    let decided = bureau.act_ok(&id, json!({"type": "record_decision"})).await;
    assert_eq!(status(&decided), "decided", "{b}: {decided}");
    let decision = &decided["application"]["decisions"][0]["decision"];
    assert_eq!(decision["eligible"], json!(true), "{b}: {decision}");
    assert_eq!(decision["policy_id"], "yangquan-2026");
    assert!(
        decision["reasons"]
            .as_array()
            .is_some_and(|r| r.iter().all(|x| x["citation"]["article"].is_string())),
        "{b}: every reason cites its article: {decision}"
    );
    assert_no_personal_data(&decided.to_string(), &f, "the decision's answer");

    // Public notice: five working days from Monday 2 March is Friday 6 March.
    let on_notice = bureau.act_ok(&id, json!({"type": "start_notice"})).await;
    assert_eq!(status(&on_notice), "on_notice", "{b}");
    assert_eq!(
        on_notice["application"]["status"]["notice_start"],
        "2026-03-02"
    );
    assert_eq!(
        on_notice["application"]["status"]["notice_end"],
        "2026-03-06"
    );

    // Anyone sees the notice, masked.
    let notices = app.anon_get("/api/v1/notices").await;
    assert_eq!(notices.status, StatusCode::OK);
    let notices = notices.json();
    let items = notices["items"].as_array().expect("items");
    assert_eq!(items.len(), 1, "{b}: {notices}");
    assert_eq!(items[0]["application_id"], id.as_str());
    assert_eq!(items[0]["name"], "王*国");
    assert_eq!(items[0]["id_number"], masked_id(&f.ids[0]));
    assert_eq!(items[0]["notice_end"], "2026-03-06");
    assert!(
        notices["how_to_object"]
            .as_str()
            .is_some_and(|s| s.contains("第十四条")),
        "{notices}"
    );
    assert_no_personal_data(&notices.to_string(), &f, "the public notice");

    let xlsx = app.anon_get("/api/v1/notices.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(
        xlsx.header("content-type"),
        Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    );
    assert!(xlsx.body.len() > 1000, "{b}: {} bytes", xlsx.body.len());
    assert!(xlsx.body.starts_with(b"PK"), "{b}: not a zip/xlsx");

    // Not before the notice is over.
    let early = bureau.act(&id, json!({"type": "qualify"})).await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{b}: {}",
        early.text()
    );
    assert!(early.error()["message"]
        .as_str()
        .unwrap_or("")
        .contains("2026-03-06"));

    // The next Monday. Sessions last 12 hours: everyone signs in again.
    app.set_today(date("2026-03-09"));
    let stale = bureau.act(&id, json!({"type": "qualify"})).await;
    assert_eq!(
        stale.status,
        StatusCode::UNAUTHORIZED,
        "{b}: {}",
        stale.text()
    );
    let bureau = app.login(&format!("bureau-{D}")).await;
    let family = app.login("family").await;
    let qualified = bureau.act_ok(&id, json!({"type": "qualify"})).await;
    assert_eq!(status(&qualified), "qualified", "{b}");
    assert_eq!(qualified["waitlist_place"], json!(1), "{b}: {qualified}");

    // The family sees its place; the notice is over.
    let mine = family.detail(&id).await;
    assert_eq!(status(&mine), "qualified");
    assert_eq!(mine["waitlist_place"], json!(1));
    assert_eq!(mine["application"]["status"]["qualified_on"], "2026-03-09");
    assert_eq!(mine["available_actions"], json!([]));
    // The list line carries the same facts, masked.
    let listed = family.get("/api/v1/applications").await.json();
    let line = &listed["items"][0];
    assert_eq!(line["id"], json!(id), "{b}: {listed}");
    assert_eq!(line["district"], json!(D));
    assert_eq!(line["status"], "qualified");
    assert_eq!(
        line["status_label"],
        json!(StatusKind::Qualified.label_zh())
    );
    assert_eq!(line["masked_id"], json!(masked_id(&f.ids[0])));
    assert_eq!(line["qualified_on"], "2026-03-09");
    assert_eq!(line["waitlist_place"], json!(1));
    assert!(line["tier"].is_u64(), "{line}");
    assert_eq!(
        line["tier"], mine["application"]["status"]["tier"],
        "{line}"
    );
    assert!(
        line["categories"].as_array().is_some_and(|c| !c.is_empty()),
        "{line}"
    );
    assert!(
        line["submitted_at"]
            .as_str()
            .is_some_and(|t| t.ends_with("+08:00")),
        "{line}"
    );
    assert_eq!(
        mine["version"],
        json!(10),
        "{b}: submit + pass + 5 + decision + notice + qualify"
    );
    let notices = app.anon_get("/api/v1/notices").await.json();
    assert_eq!(notices["items"], json!([]), "{b}");

    // A second family of the district is second in the waitlist.
    let g = Family::new(D, ["赵志强", "孙丽娟"]);
    // (Its own account: a family account holds one active application.)
    let id2 = app.login("family3").await.submit_ok(&g.submission()).await;
    walk_to_qualified(app, &id2).await;
    let family = app.login("family3").await;
    assert_eq!(family.detail(&id2).await["waitlist_place"], json!(2), "{b}");

    // The public waitlist figures count both, as JSON, a page and Excel.
    let w = app.anon_get("/api/v1/waitlist").await.json();
    assert_eq!(w["total"], json!(2), "{b}: {w}");
    assert_eq!(w["items"][0]["district"], json!(D), "{b}: {w}");
    assert_eq!(w["items"][0]["families"], json!(2), "{b}: {w}");
    let page = app.anon_get("/waitlist?lang=en").await.text();
    assert!(
        page.contains(r#"<th id="waitlist-total">2</th>"#),
        "{b}: {page}"
    );
    let xlsx = app.anon_get("/api/v1/waitlist.xlsx").await;
    assert!(xlsx.body.starts_with(b"PK"), "{b}: an XLSX file");
    // Fit to issue: a named sheet with the issuing office and the total as
    // a number.
    {
        use calamine::{Data, Reader};
        let mut book =
            calamine::Xlsx::new(std::io::Cursor::new(xlsx.body.to_vec())).expect("an xlsx");
        let range = book.worksheet_range("轮候库统计").expect("a named sheet");
        let rows: Vec<&[Data]> = range.rows().collect();
        let text: String = rows
            .iter()
            .flat_map(|r| r.iter().map(|c| c.to_string()))
            .collect::<Vec<_>>()
            .join("|");
        assert!(
            text.contains("发布单位：阳泉市住房和城乡建设局"),
            "{b}: {text}"
        );
        let total = rows
            .iter()
            .find(|r| {
                r.iter()
                    .any(|c| matches!(c, Data::String(s) if s == "合计"))
            })
            .expect("a total row");
        assert!(
            total
                .iter()
                .any(|c| matches!(c, Data::Float(n) if *n == 2.0)),
            "{b}: the total is the number 2: {total:?}"
        );
    }
}

/// Takes a submitted application of district D to Qualified. Leaves the
/// clock on the day after the notice (sessions from before have expired).
pub async fn walk_to_qualified(app: &TestApp, id: &str) {
    let street = app.login(&format!("street-{D}")).await;
    let bureau = app.login(&format!("bureau-{D}")).await;
    street.act_ok(id, json!({"type": "street_pass"})).await;
    for dept in DEPARTMENTS {
        let v = app.login(&format!("verifier-{dept}")).await;
        v.act_ok(
            id,
            json!({"type": "department_confirm", "department": dept}),
        )
        .await;
    }
    bureau.act_ok(id, json!({"type": "record_decision"})).await;
    let notice = bureau.act_ok(id, json!({"type": "start_notice"})).await;
    let end = date(
        notice["application"]["status"]["notice_end"]
            .as_str()
            .expect("end"),
    );
    app.set_today(end + chrono::Duration::days(1));
    let bureau = app.login(&format!("bureau-{D}")).await;
    bureau.act_ok(id, json!({"type": "qualify"})).await;
}

/// Neither the full names nor the full resident IDs of `f` appear in `text`.
pub fn assert_no_personal_data(text: &str, f: &Family, what: &str) {
    for secret in f.names.iter().chain(&f.ids) {
        assert!(
            !text.contains(secret.as_str()),
            "{what} shows {secret}: {text}"
        );
    }
}
