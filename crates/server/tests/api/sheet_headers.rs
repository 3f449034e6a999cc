//! Every spreadsheet anju hands out — templates to fill in and exports —
//! has a header a clerk reads: Chinese column names (issue 12 item 14).
//! A template's field codes may follow in the second row for the
//! importer. The lead's streamed exports (notices, waitlist, entrants,
//! draw results, holder register) are checked where they are built.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;

/// The rows of a CSV (UTF-8, a BOM allowed) or of an XLSX's first sheet.
fn table(body: &[u8]) -> Vec<Vec<String>> {
    if body.starts_with(b"PK\x03\x04") {
        use calamine::{Reader, Xlsx};
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(body.to_vec())).expect("an XLSX");
        let range = wb
            .worksheet_range_at(0)
            .expect("a sheet")
            .expect("the sheet reads");
        range
            .rows()
            .map(|r| r.iter().map(|c| c.to_string()).collect())
            .collect()
    } else {
        let text = body.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(body);
        csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(text)
            .records()
            .map(|r| r.expect("a row").iter().map(String::from).collect())
            .collect()
    }
}

fn chinese(s: &str) -> bool {
    s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The header: the first row with two cells or more (an official sheet
/// has its title and issuing office above it, each one merged cell).
fn assert_chinese_header(what: &str, body: &[u8]) -> Vec<Vec<String>> {
    let rows = table(body);
    let header = rows
        .iter()
        .find(|r| r.iter().filter(|c| !c.trim().is_empty()).count() >= 2)
        .unwrap_or_else(|| panic!("{what}: no header in {rows:?}"));
    for cell in header.iter().filter(|c| !c.trim().is_empty()) {
        assert!(
            chinese(cell),
            "{what}: header cell {cell:?} is not Chinese: {header:?}"
        );
    }
    rows
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn templates_and_exports_have_chinese_headers() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        // Public templates and exports.
        for path in [
            "/api/v1/projects/homes-template.csv",
            "/api/v1/projects/homes-template.xlsx",
            "/api/v1/acquisition/offers/template.csv",
            "/api/v1/acquisition/offers/template.xlsx",
            "/api/v1/market/plot-ratio/template.csv",
            "/api/v1/market/monthly/template.csv",
            "/api/v1/indicators.xlsx",
        ] {
            let res = app.anon_get(path).await;
            assert_eq!(res.status, StatusCode::OK, "{b}: {path}");
            assert_chinese_header(&format!("{b}: {path}"), &res.body);
        }
        // Staff exports.
        let market = app.login("market").await;
        for path in [
            "/api/v1/market/destocking.xlsx",
            "/api/v1/market/parcels.xlsx",
            "/api/v1/market/projects.xlsx",
        ] {
            let res = market.get(path).await;
            assert_eq!(res.status, StatusCode::OK, "{b}: {path}");
            assert_chinese_header(&format!("{b}: {path}"), &res.body);
        }
        // A department's template: the Chinese row, then the codes.
        let family = app.login("family").await;
        let street = app.login(&format!("street-{D}")).await;
        let id = family
            .submit_ok(&Family::new(D, ["冯建国", "陈红梅"]).submission())
            .await;
        street.act_ok(&id, json!({"type": "street_pass"})).await;
        let police = app.login("verifier-public_security").await;
        for ext in ["csv", "xlsx"] {
            let path = format!("/api/v1/verification/public_security/template.{ext}");
            let res = police.get(&path).await;
            assert_eq!(res.status, StatusCode::OK, "{b}: {path}");
            let rows = assert_chinese_header(&format!("{b}: {path}"), &res.body);
            assert_eq!(rows[0][0], "申请编号", "{b}: {path}");
            assert_eq!(
                rows[1][..4],
                ["application_id", "resident_id", "name", "member"],
                "{b}: {path}: the codes row"
            );
            assert_eq!(rows[2][0], id, "{b}: {path}: the data after the header");
        }
    }
}
