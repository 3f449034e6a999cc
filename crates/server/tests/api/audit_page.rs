//! The audit log page as an auditor reads it: newest first, paged back to
//! the first entry, filtered by account, action, application and dates,
//! accounts by name and actions in words; a bad filter is named beside its
//! field.

use crate::common::*;
use crate::lifecycle::walk_to_qualified;
use serde_json::Value;

/// The sequence numbers of a page's rows, in page order.
fn seqs(html: &str) -> Vec<u64> {
    html.split("<td data-label=\"#\">")
        .skip(1)
        .filter_map(|s| s.split('<').next()?.parse().ok())
        .collect()
}

/// The href of the link with this id.
fn link(html: &str, id: &str) -> Option<String> {
    let at = html.find(&format!("id=\"{id}\""))?;
    let start = html[..at].rfind("href=\"")? + 6;
    let end = start + html[start..].find('"')?;
    Some(html[start..end].replace("&amp;", "&"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_audit_page_shows_the_newest_first_and_pages_back_to_the_first() {
    let app = TestApp::sqlite().await;
    let mut ids = Vec::new();
    for _ in 0..9 {
        // Each walk moves the clock past the notice: sign in afresh.
        let counter = app.login(&format!("community-{D}")).await;
        let f = Family::new(D, ["王振国", "李秀梅"]);
        let id = counter.submit_ok(&f.submission()).await;
        walk_to_qualified(&app, &id).await;
        ids.push(id);
    }
    let auditor = app.login("auditor").await;
    let all: Vec<Value> = auditor.get("/api/v1/audit?limit=1000").await.json()["items"]
        .as_array()
        .expect("items")
        .clone();
    let n = all.len() as u64;
    assert!(n > 100, "enough entries for three pages: {n}");

    // Newest first; following "older" walks every entry exactly once.
    let mut page = auditor.get("/audit-log").await.text();
    assert!(page.contains(&format!("<strong>{n}</strong>")), "the total");
    assert!(link(&page, "audit-newest").is_none(), "already the newest");
    let mut walked = Vec::new();
    loop {
        walked.extend(seqs(&page));
        let Some(older) = link(&page, "audit-older") else {
            break;
        };
        page = auditor.get(&older).await.text();
        assert!(link(&page, "audit-newest").is_some(), "a way back");
    }
    let expected: Vec<u64> = (1..=n).rev().collect();
    assert_eq!(walked, expected);

    // Words, not codes: the account's name, the action in Chinese and in
    // English.
    let first = auditor.get("/audit-log").await.text();
    let table = &first[first.find("<table id=\"audit\"").expect("the table")..];
    assert!(table.contains("确认取得配售资格"), "action in words");
    assert!(!table.contains("application.qualify"), "no action codes");
    assert!(!table.contains(">u-"), "no account ids");
    assert!(
        table.contains(&format!("（bureau-{D}）")),
        "the account by name"
    );
    let en = auditor.get("/audit-log?lang=en").await.text();
    assert!(en.contains("confirm the qualification"), "English words");

    // Filters: one application's entries only, then one action, then one
    // account, then dates.
    let one = auditor
        .get(&format!("/audit-log?application={}", ids[2]))
        .await
        .text();
    let about: Vec<u64> = all
        .iter()
        .filter(|e| e["subject"] == format!("application:{}", ids[2]).as_str())
        .filter_map(|e| e["seq"].as_u64())
        .rev()
        .collect();
    assert_eq!(seqs(&one), about, "only that application's entries");
    let passes = auditor
        .get("/audit-log?action=application.street_pass")
        .await
        .text();
    assert_eq!(seqs(&passes).len(), ids.len(), "one street pass each");
    let street = auditor
        .get(&format!("/audit-log?actor=street-{D}"))
        .await
        .text();
    let by_street = all.iter().filter(|e| e["role"] == "street").count();
    assert_eq!(seqs(&street).len(), by_street);
    let none = auditor
        .get("/audit-log?from=2000-01-01&to=2000-01-02")
        .await
        .text();
    assert!(seqs(&none).is_empty());

    // Bad filters are named beside their fields and show nothing.
    let bad = auditor
        .get("/audit-log?from=2026-13-40&actor=nobody-here")
        .await
        .text();
    assert!(bad.contains("日期应为"), "the date's error");
    assert!(bad.contains("没有这个账号"), "the account's error");
    assert!(seqs(&bad).is_empty());
    assert!(bad.contains("value=\"2026-13-40\""), "the form is kept");
}
