//! The public notice (article 14) lists every family under notice: paged on
//! screen and in the API with the total, complete in the printable page and
//! the Excel file, and only while the notice period runs.

use crate::common::*;
use axum::http::StatusCode;
use serde_json::json;
use std::collections::BTreeSet;

/// More than a screen page (100) and than any API page (at most 500 is not
/// needed: a page size of 40 shows the paging).
const FAMILIES: usize = 105;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_family_under_notice_is_published() {
    let app = TestApp::sqlite().await;
    let counter = app.login(&format!("community-{D}")).await;
    let street = app.login(&format!("street-{D}")).await;
    let bureau = app.login(&format!("bureau-{D}")).await;
    let mut verifiers = Vec::new();
    for dept in DEPARTMENTS {
        verifiers.push((dept, app.login(&format!("verifier-{dept}")).await));
    }
    let mut ids = BTreeSet::new();
    let mut end = None;
    for i in 0..FAMILIES {
        let f = Family::new(D, ["王振国", "李秀梅"]);
        let id = counter.submit_ok(&f.submission()).await;
        street.act_ok(&id, json!({"type": "street_pass"})).await;
        for (dept, v) in &verifiers {
            v.act_ok(
                &id,
                json!({"type": "department_confirm", "department": dept}),
            )
            .await;
        }
        bureau.act_ok(&id, json!({"type": "record_decision"})).await;
        let n = bureau.act_ok(&id, json!({"type": "start_notice"})).await;
        end = n["application"]["status"]["notice_end"].as_str().map(date);
        assert!(ids.insert(id), "family {i}: a new application");
    }
    let end = end.expect("a notice end");

    // The API: keyset pages of 40 (`after` / `next_after`) walk every
    // family once, with the total.
    let mut by_key = BTreeSet::new();
    let mut path = "/api/v1/notices?limit=40".to_string();
    loop {
        let page = app.anon_get(&path).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text());
        let page = page.json();
        assert_eq!(page["total"], json!(FAMILIES), "{page}");
        for item in page["items"].as_array().expect("items") {
            let id = item["application_id"].as_str().expect("id").to_owned();
            assert!(by_key.insert(id), "a family on two pages");
        }
        match page["next_after"].as_str() {
            Some(after) => path = format!("/api/v1/notices?limit=40&after={after}"),
            None => break,
        }
    }
    assert_eq!(by_key, ids, "keyset pages hold every family under notice");
    let bad = app.anon_get("/api/v1/notices?after=nope").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    // `offset` paging is gone, and said so rather than ignored.
    let bad = app.anon_get("/api/v1/notices?offset=40").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert_eq!(bad.error()["code"], "offset_removed");

    // The page: 100 on the first screen, the rest on the second, the total
    // on both; the printable notice holds every one.
    let rows = |html: &str| html.matches("<tr><td data-label").count();
    let first = app.anon_get("/notices").await.text();
    assert_eq!(rows(&first), 100);
    assert!(
        first.contains(&format!("<strong>{FAMILIES}</strong>")),
        "{first}"
    );
    // The next page by keyset (no OFFSET): its link carries the last
    // family's place in the notice's order and the next line's number.
    let next = next_link(&first).expect("a link to the next page");
    assert!(
        next.starts_with("/notices?after=") && next.ends_with("&row=101"),
        "{next}"
    );
    let second = app.anon_get(&next).await.text();
    assert_eq!(rows(&second), FAMILIES - 100);
    assert!(second.contains(&format!("101–{FAMILIES}")), "{second}");
    let print = app.anon_get("/notices?print=1").await.text();
    assert_eq!(rows(&print), FAMILIES);
    for want in ["发布单位：阳泉市住房和城乡建设局", "公示期：", "（盖章）"]
    {
        assert!(print.contains(want), "the printable notice carries {want}");
    }

    // The Excel file: a header and one line per family.
    let xlsx = app.anon_get("/api/v1/notices.xlsx").await;
    assert_eq!(xlsx.status, StatusCode::OK);
    let in_file = xlsx_first_column(&xlsx.body);
    assert_eq!(in_file, ids, "the Excel notice holds every family");
    // Fit to issue: a named sheet, the title, the issuing office, the
    // period and a seal area; categories in words, rounds as numbers.
    let (name, rows) = xlsx_sheet(&xlsx.body);
    assert_eq!(name, "公示名单");
    let all = rows.iter().flatten().cloned().collect::<Vec<_>>().join("|");
    for want in [
        "配售资格公示名单",
        "发布单位：阳泉市住房和城乡建设局",
        "公示期：",
        "（盖章）",
        "第十四条",
    ] {
        assert!(all.contains(want), "{want} missing: {all}");
    }
    assert!(!all.contains("wage_"), "category codes, not words: {all}");
    {
        use calamine::{Data, Reader};
        let mut book =
            calamine::Xlsx::new(std::io::Cursor::new(xlsx.body.to_vec())).expect("an xlsx");
        let range = book.worksheet_range("公示名单").expect("the sheet");
        let header = range
            .rows()
            .position(|r| {
                r.iter()
                    .any(|c| matches!(c, Data::String(s) if s == "轮次"))
            })
            .expect("a header");
        let tier_col = range
            .rows()
            .nth(header)
            .expect("header")
            .iter()
            .position(|c| matches!(c, Data::String(s) if s == "轮次"))
            .expect("轮次");
        let first = range.rows().nth(header + 1).expect("a family");
        assert!(
            matches!(first[tier_col], Data::Float(_) | Data::Int(_)),
            "the round is a number: {:?}",
            first[tier_col]
        );
    }

    // The notice carries the audit log's latest signed checkpoint once
    // there is one, so that anyone keeping the notice can later check the
    // log against it.
    assert!(
        !first.contains("id=\"audit-checkpoint\""),
        "none signed yet"
    );
    let auditor = app.login("auditor").await;
    let signed = auditor
        .post_json("/api/v1/audit/checkpoints", &json!({}))
        .await;
    assert!(signed.status.is_success(), "{}", signed.text());
    let head = signed.json()["head"].as_str().expect("head").to_owned();
    let with = app.anon_get("/notices").await.text();
    assert!(with.contains("id=\"audit-checkpoint\""), "{with}");
    assert!(with.contains(&head), "the checkpoint's head on the notice");

    // Once the period has ended the families are no longer "under notice"
    // (they wait for the bureau's confirmation), anywhere.
    app.set_today(end + chrono::Duration::days(1));
    let after = app.anon_get("/api/v1/notices").await.json();
    assert_eq!(after["total"], json!(0), "{after}");
    assert_eq!(after["items"], json!([]));
    let page = app.anon_get("/notices").await.text();
    assert!(page.contains("<strong>0</strong>"), "{page}");
    assert_eq!(
        xlsx_first_column(&app.anon_get("/api/v1/notices.xlsx").await.body),
        BTreeSet::new()
    );
}

/// The application numbers in the notice workbook: the column headed
/// 申请编号, below its header, up to the first empty cell.
fn xlsx_first_column(bytes: &[u8]) -> BTreeSet<String> {
    let rows = xlsx_rows(bytes);
    let Some((h, col)) = rows
        .iter()
        .enumerate()
        .find_map(|(i, r)| r.iter().position(|c| c == "申请编号").map(|c| (i, c)))
    else {
        return BTreeSet::new();
    };
    rows.iter()
        .skip(h + 1)
        .map(|r| r.get(col).cloned().unwrap_or_default())
        .take_while(|s| !s.is_empty())
        .collect()
}

/// Every row of the first sheet as text, and the sheet's name.
fn xlsx_rows(bytes: &[u8]) -> Vec<Vec<String>> {
    xlsx_sheet(bytes).1
}

fn xlsx_sheet(bytes: &[u8]) -> (String, Vec<Vec<String>>) {
    use calamine::Reader;
    let mut book = calamine::Xlsx::new(std::io::Cursor::new(bytes.to_vec())).expect("an xlsx");
    let sheet = book.sheet_names().first().cloned().expect("a sheet");
    let range = book.worksheet_range(&sheet).expect("the sheet");
    let rows = range
        .rows()
        .map(|r| r.iter().map(|c| c.to_string()).collect())
        .collect();
    (sheet, rows)
}

/// The `rel="next"` link of a page's pager, as the browser would follow it.
pub fn next_link(html: &str) -> Option<String> {
    rel_link(html, "next")
}

/// A pager link (`rel="next"`, `"prev"`, `"first"`, `"last"`), unescaped.
pub fn rel_link(html: &str, rel: &str) -> Option<String> {
    let at = html.find(&format!("rel=\"{rel}\" href=\""))?;
    let rest = &html[at + rel.len() + 13..];
    let end = rest.find('"')?;
    Some(rest[..end].replace("&amp;", "&").replace("&#38;", "&"))
}
