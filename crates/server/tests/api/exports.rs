//! Streamed exports (issue 11 item 5), on the synthetic city the
//! `synthetic` test seeds: more rows than one export page (1,000), so each
//! export is written from several keyset pages and must still hold every
//! row once, in order.

use crate::common::*;
use anju_store::ApplicationSummary;
use axum::http::StatusCode;
use std::collections::BTreeSet;

/// Every application in the register CSV; the filters narrow it; a role
/// that lists nothing gets the header alone; the results workbook holds
/// every entrant in calling order; each export is audited.
pub async fn every_row_is_exported(
    app: &TestApp,
    b: &str,
    all: &[ApplicationSummary],
    project: &str,
    calling_order: &[String],
) {
    let city = app.login("city").await;
    let csv = city.get("/api/v1/applications.csv").await;
    assert_eq!(csv.status, StatusCode::OK, "{b}: {}", csv.text());
    assert_eq!(
        csv.header("content-type"),
        Some("text/csv; charset=utf-8"),
        "{b}"
    );
    let rows = csv_rows(&csv.body);
    assert_eq!(
        rows[0][..4],
        ["申请编号", "县（区）", "姓名", "身份证号"],
        "{b}: Chinese headers"
    );
    let ids: Vec<&str> = rows[1..].iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids.len(), all.len(), "{b}: every application, once");
    let set: BTreeSet<&str> = ids.iter().copied().collect();
    assert_eq!(set.len(), ids.len(), "{b}: no row twice");
    let mut newest: Vec<&ApplicationSummary> = all.iter().collect();
    newest.sort_by(|x, y| (y.submitted_at, &y.id).cmp(&(x.submitted_at, &x.id)));
    let expected: Vec<&str> = newest.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids, expected, "{b}: newest submission first");
    let by_id = |id: &str| all.iter().find(|s| s.id.as_str() == id).expect("listed");
    for r in rows[1..].iter().step_by(97) {
        let s = by_id(&r[0]);
        assert_eq!(
            (&r[2], &r[3]),
            (&s.masked_name, &s.masked_id),
            "{b}: masked as in the list"
        );
    }

    // The work list's filters narrow the export the same way.
    let qualified = all
        .iter()
        .filter(|s| s.status == anju_domain::StatusKind::Qualified)
        .count();
    let only = city.get("/api/v1/applications.csv?status=qualified").await;
    assert_eq!(csv_rows(&only.body).len(), qualified + 1, "{b}");
    let bad = city.get("/api/v1/applications.csv?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{b}");
    let page = city.get("/work").await.text();
    assert!(
        page.contains("href=\"/api/v1/applications.csv\""),
        "{b}: the work page links the export"
    );

    // A market regulator sees no family's file: the header alone.
    let market = app.login("market").await;
    let none = market.get("/api/v1/applications.csv").await;
    assert_eq!(none.status, StatusCode::OK, "{b}");
    assert_eq!(csv_rows(&none.body).len(), 1, "{b}");
    assert_eq!(
        app.anon_get("/api/v1/applications.csv").await.status,
        StatusCode::UNAUTHORIZED,
        "{b}"
    );

    // Audited, with what was asked and how many rows it matched.
    let auditor = app.login("auditor").await;
    let mut after = 0u64;
    let mut exports = Vec::new();
    loop {
        let page = auditor
            .get(&format!("/api/v1/audit?after={after}&limit=1000"))
            .await
            .json();
        let items = page["items"].as_array().expect("items").clone();
        let Some(last) = items.last() else { break };
        after = last["seq"].as_u64().expect("seq");
        exports.extend(
            items.into_iter().filter(|e| {
                e["action"] == "personal_data.export" && e["subject"] == "applications"
            }),
        );
    }
    // The city's two exports and the regulator's empty one (the refused
    // filter exported nothing and is not there).
    assert_eq!(
        exports.len(),
        3,
        "{b}: each export of the register audited: {exports:?}"
    );
    assert_eq!(
        exports[0]["detail"]["rows"].as_u64(),
        Some(all.len() as u64),
        "{b}: {}",
        exports[0]
    );

    // The results workbook: every entrant of the round in calling order,
    // positions as numbers.
    let xlsx = app
        .anon_get(&format!("/api/v1/projects/{project}/results.xlsx"))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK, "{b}");
    assert_eq!(
        xlsx.header("content-length"),
        Some(xlsx.body.len().to_string().as_str()),
        "{b}: sent with its length"
    );
    use calamine::{Data, Reader};
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(xlsx.body.to_vec())).expect("xlsx");
    let sheet = book.sheet_names().first().cloned().expect("a sheet");
    assert_eq!(sheet, "摇号与选房结果", "{b}");
    let range = book.worksheet_range(&sheet).expect("sheet");
    let mut rows = range.rows();
    let header: Vec<String> = rows
        .next()
        .expect("header")
        .iter()
        .map(|c| c.to_string())
        .collect();
    assert_eq!(header[4], "申请编号", "{b}");
    let body: Vec<&[Data]> = rows.collect();
    let in_file: Vec<String> = body.iter().map(|r| r[4].to_string()).collect();
    assert_eq!(
        in_file, calling_order,
        "{b}: every entrant, in calling order"
    );
    assert!(
        matches!(body[0][2], Data::Float(f) if f == 1.0),
        "{b}: the calling position is a number: {:?}",
        body[0][2]
    );
}

fn csv_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    let text = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).expect("a BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(text)
        .records()
        .map(|r| r.expect("a record").iter().map(String::from).collect())
        .collect()
}
