//! The read side at scale (issue 11 item 4): the counts read model equals
//! the applications it counts after every kind of write, and the work list
//! and the public notice page by keyset, forward and back, in every order,
//! showing every line exactly once.

use crate::common::*;
use crate::notices::rel_link;
use anju_domain::{DistrictCode, StatusKind};
use anju_server::demo::synthetic::seed_city;
use anju_store::{ListFilter, ListOrder};
use serde_json::json;
use std::collections::BTreeMap;

/// The counts read model as the store reads it (states nobody is in left
/// out).
async fn read_model(app: &TestApp) -> BTreeMap<(DistrictCode, StatusKind), u64> {
    app.store()
        .applications()
        .status_counts(None)
        .await
        .expect("counts")
        .into_iter()
        .map(|(d, s, n)| ((d, s), n))
        .collect()
}

/// The same figures counted from the applications themselves (their
/// summary rows, every one listed).
async fn counted(app: &TestApp) -> BTreeMap<(DistrictCode, StatusKind), u64> {
    let all = app
        .store()
        .applications()
        .list_applications(&ListFilter {
            limit: 100_000,
            ..ListFilter::default()
        })
        .await
        .expect("list");
    let mut out = BTreeMap::new();
    for s in all {
        *out.entry((s.district, s.status)).or_insert(0) += 1;
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_counts_read_model_follows_every_write() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        assert!(read_model(&app).await.is_empty(), "{b}: nothing yet");
        let counter = app.login(&format!("community-{D}")).await;
        let counter_e = app.login(&format!("community-{E}")).await;
        let street = app.login(&format!("street-{D}")).await;

        // The bulk path (`anju seed`, into an empty database): every state,
        // several districts, more than one batch.
        seed_city(&app.state(), 2_100, 0, 11, &|_| {})
            .await
            .unwrap_or_else(|e| panic!("{b}: seed: {}", e.message));
        let seeded = read_model(&app).await;
        assert_eq!(seeded, counted(&app).await, "{b}: the bulk path");
        assert!(seeded.len() > 20, "{b}: a varied city: {seeded:?}");
        // Single writes: submissions in two districts, then moves forward,
        // back (returned for correction), out (rejected, withdrawn).
        let mut ids = Vec::new();
        for i in 0..6 {
            let f = Family::new(D, ["王振国", "李秀梅"]);
            ids.push(counter.submit_ok(&f.submission()).await);
            if i < 2 {
                counter_e
                    .submit_ok(&Family::new(E, ["张建华", "刘桂英"]).submission())
                    .await;
            }
        }
        street.act_ok(&ids[0], json!({"type": "street_pass"})).await;
        street.act_ok(&ids[1], json!({"type": "street_pass"})).await;
        street
            .act_ok(
                &ids[2],
                json!({"type": "street_reject", "message": "住房超标", "article": "10", "ref": "10.1.2"}),
            )
            .await;
        street
            .act_ok(
                &ids[3],
                json!({"type": "street_return", "reason": "请补充收入证明"}),
            )
            .await;
        counter
            .act_ok(
                &ids[4],
                json!({"type": "withdraw", "reason": "家庭递交书面撤回申请"}),
            )
            .await;
        assert_eq!(
            read_model(&app).await,
            counted(&app).await,
            "{b}: single writes"
        );
        let model = read_model(&app).await;
        let grew = |d: &str, s: StatusKind| {
            let key = (DistrictCode::parse(d).expect("district"), s);
            model.get(&key).copied().unwrap_or(0) - seeded.get(&key).copied().unwrap_or(0)
        };
        assert_eq!(grew(E, StatusKind::Submitted), 2, "{b}");
        assert_eq!(
            grew(D, StatusKind::Submitted),
            1,
            "{b}: six in, five moved on"
        );
        assert_eq!(grew(D, StatusKind::Withdrawn), 1, "{b}");
        assert_eq!(grew(D, StatusKind::Rejected), 1, "{b}");
        assert_eq!(grew(D, StatusKind::ReturnedForCorrection), 1, "{b}");

        // Seeded families keep moving through the single path.
        let qualified_soon = app
            .store()
            .applications()
            .list_applications(&ListFilter {
                status: Some(StatusKind::Submitted),
                district: Some(DistrictCode::parse(D).expect("D")),
                limit: 3,
                ..ListFilter::default()
            })
            .await
            .expect("list");
        for s in &qualified_soon {
            street
                .act_ok(s.id.as_str(), json!({"type": "street_pass"}))
                .await;
        }
        let model = read_model(&app).await;
        let truth = counted(&app).await;
        assert_eq!(model, truth, "{b}: after the bulk path and more moves");

        // The totals the work page shows come from the read model too, and
        // equal what the lists hold.
        let city = app.login("city").await;
        let listed = city
            .get("/api/v1/applications?status=submitted&limit=1")
            .await
            .json();
        let submitted: u64 = truth
            .iter()
            .filter(|((_, s), _)| *s == StatusKind::Submitted)
            .map(|(_, n)| n)
            .sum();
        assert_eq!(listed["total"], json!(submitted), "{b}");

        // The holdings bench's synthetic holders are counted as well.
        app.store()
            .holdings()
            .hold_synthetic_households(
                &[(
                    "BENCH-H-1".to_string(),
                    json!({"members": [{"id_number": resident_id("140302", "19800101", true), "name": "持有人"}]}),
                )],
                "2026-11-30T10:00:00+08:00",
            )
            .await
            .expect("holders");
        assert_eq!(read_model(&app).await, counted(&app).await, "{b}: holders");
    }
}

/// The application numbers in a work page's table, in order.
fn table_ids(html: &str) -> Vec<String> {
    let start = html.find("<table id=\"applications\"").expect("the table");
    let end = start + html[start..].find("</table>").expect("table end");
    html[start..end]
        .split("<a href=\"/applications/")
        .skip(1)
        .map(|s| s.split('"').next().unwrap_or("").replace("%2D", "-"))
        .collect()
}

/// The masked IDs of a notice page's table, in order.
fn notice_rows(html: &str) -> Vec<String> {
    html.split("<td data-label=\"身份证号\">")
        .skip(1)
        .map(|s| s.split('<').next().unwrap_or("").to_string())
        .collect()
}

/// Walks a list from `first` by its "next" links to the end and back by its
/// "previous" links; returns the pages forward.
async fn walk(
    who: &Session,
    b: &str,
    first: &str,
    rows: fn(&str) -> Vec<String>,
) -> Vec<Vec<String>> {
    let mut html = who.get(first).await.text();
    let mut forward = vec![rows(&html)];
    while let Some(next) = rel_link(&html, "next") {
        assert!(
            !next.contains("offset") && !next.contains("page="),
            "{b}: {next}"
        );
        html = who.get(&next).await.text();
        forward.push(rows(&html));
        assert!(forward.len() < 100, "{b}: the walk ends: {next}");
    }
    assert!(rel_link(&html, "last").is_none(), "{b}: on the last page");
    let mut back = vec![rows(&html)];
    while let Some(prev) = rel_link(&html, "prev") {
        html = who.get(&prev).await.text();
        back.push(rows(&html));
        assert!(back.len() < 100, "{b}: the walk back ends");
    }
    back.reverse();
    assert_eq!(back, forward, "{b}: the same pages back as forward");
    forward
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn work_and_notice_pages_walk_every_line_once_forward_and_back() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        app.set_today(date("2026-11-20"));
        // Enough families for two pages of the notice (3 % are on it).
        seed_city(&app.state(), 3_600, 0, 5, &|_| {})
            .await
            .unwrap_or_else(|e| panic!("{b}: seed: {}", e.message));
        let store = app.store();
        let city = app.login("city").await;
        for (sort, order) in [
            ("newest", ListOrder::NewestFirst),
            ("oldest", ListOrder::OldestFirst),
            ("updated", ListOrder::RecentlyUpdated),
        ] {
            for status in ["", "qualified"] {
                let filter = ListFilter {
                    district: Some(DistrictCode::parse(D).expect("D")),
                    status: (!status.is_empty()).then_some(StatusKind::Qualified),
                    order,
                    limit: 100_000,
                    ..ListFilter::default()
                };
                let want: Vec<String> = store
                    .applications()
                    .list_applications(&filter)
                    .await
                    .expect("list")
                    .iter()
                    .map(|s| s.id.as_str().to_string())
                    .collect();
                assert!(want.len() > 200, "{b}: more than two pages");
                let first = format!("/work?district={D}&status={status}&sort={sort}");
                let pages = walk(&city, b, &first, table_ids).await;
                let seen: Vec<String> = pages.concat();
                assert_eq!(
                    seen, want,
                    "{b}: {sort}/{status}: every line once, in order"
                );
                assert!(pages.iter().all(|p| p.len() <= 100), "{b}");

                // The last page link lands on the list's end; its previous
                // page ends just before it.
                let html = city.get(&first).await.text();
                let last = rel_link(&html, "last").expect("a last page");
                let html = city.get(&last).await.text();
                let tail = table_ids(&html);
                assert_eq!(tail, want[want.len() - 100..], "{b}: {sort}");
                let total = want.len();
                assert!(
                    html.contains(&format!("{}–{total} ", total - 99)),
                    "{b}: the last page's line numbers"
                );
                let prev = rel_link(&html, "prev").expect("prev");
                let before = table_ids(&city.get(&prev).await.text());
                assert_eq!(before, want[want.len() - 200..want.len() - 100], "{b}");
                assert!(rel_link(&html, "first").is_some(), "{b}");
            }
        }

        // The public notice pages the same way (newest first).
        let want: Vec<String> = store
            .applications()
            .list_applications(&ListFilter {
                status: Some(StatusKind::OnNotice),
                notice_on: Some(date("2026-11-20")),
                limit: 100_000,
                ..ListFilter::default()
            })
            .await
            .expect("notices")
            .iter()
            .map(|s| s.masked_id.clone())
            .collect();
        assert!(want.len() > 100, "{b}: {} on notice: two pages", want.len());
        let pages = walk(&city, b, "/notices", notice_rows).await;
        assert_eq!(pages.len(), want.len().div_ceil(100), "{b}");
        assert_eq!(pages.concat(), want, "{b}: every family on notice once");

        // The notice's total comes from the counts read model less the
        // families on notice whose period does not run that day: the same
        // as counting, on days when every notice runs, some have ended or
        // not yet begun, and none runs.
        for day in [
            "2026-11-20",
            "2026-11-14",
            "2026-11-17",
            "2026-11-23",
            "2026-12-31",
        ] {
            for district in [None, Some(DistrictCode::parse(D).expect("D"))] {
                let filter = ListFilter {
                    status: Some(StatusKind::OnNotice),
                    notice_on: Some(date(day)),
                    district,
                    limit: 100_000,
                    ..ListFilter::default()
                };
                let listed = store
                    .applications()
                    .list_applications(&filter)
                    .await
                    .expect("notices")
                    .len() as u64;
                let total = store
                    .applications()
                    .count_listed(&filter)
                    .await
                    .expect("count");
                assert_eq!(total, listed, "{b}: {day} {district:?}");
            }
        }

        // A filter the read model cannot count is counted to 2,000 and then
        // said to be "more than 2,000"; the pages still reach every line.
        let v = city
            .get("/api/v1/applications?from=2000-01-01&limit=10")
            .await
            .json();
        assert_eq!(v["total"], 2000, "{b}: {v}");
        assert_eq!(v["total_exact"], false, "{b}: {v}");
        let v = city
            .get(&format!("/api/v1/applications?district={D}&q={D}&limit=10"))
            .await
            .json();
        assert_eq!(v["total_exact"], true, "{b}: {v}");
        assert!(v["total"].as_u64().unwrap_or(0) > 200, "{b}: {v}");
        let html = city.get("/work?from=2000-01-01").await.text();
        assert!(
            html.contains("超过 2000 条"),
            "{b}: the capped total is said"
        );
        let last = rel_link(&html, "last").expect("a last page");
        let html = city.get(&last).await.text();
        assert_eq!(table_ids(&html).len(), 100, "{b}: the last page");
        assert!(
            html.contains("超过 2000 条") && !html.contains("–2000 "),
            "{b}: no line numbers counted from an inexact end"
        );
    }
}
