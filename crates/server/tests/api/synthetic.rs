//! The synthetic city (`anju seed`, issue 11 item 2) and the waitlist read
//! model (item 3): a small city seeded through the store's bulk path reads
//! back exactly as the one-by-one path would have written it.

use crate::common::*;
use anju_domain::{DistrictCode, StatusKind};
use anju_server::applications::interface::qualified_families;
use anju_server::demo::synthetic::seed_city;
use anju_store::{ListFilter, ListOrder};
use axum::http::StatusCode;
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

const FAMILIES: usize = 2_300; // more than one batch (2,000)

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_synthetic_city_reads_back_as_the_services_would_have_written_it() {
    for app in TestApp::each_backend().await {
        let b = app.backend();
        app.set_today(date("2026-11-20"));
        let st = app.state();
        let report = seed_city(&st, FAMILIES, 1, 7, &|_| {})
            .await
            .unwrap_or_else(|e| panic!("{b}: seed: {}", e.message));
        assert_eq!(report.families, FAMILIES, "{b}");
        let states: BTreeSet<StatusKind> = report.by_state.iter().map(|(s, _)| *s).collect();
        for s in StatusKind::ALL {
            assert!(
                states.contains(&s),
                "{b}: no family in {s:?}: {:?}",
                report.by_state
            );
        }

        // Every application replays to the state its summary row says, and
        // its members are in the duplicate index while it is active.
        let store = app.store();
        let all = store
            .applications()
            .list_applications(&ListFilter {
                limit: 10_000,
                order: ListOrder::OldestFirst,
                ..ListFilter::default()
            })
            .await
            .expect("list");
        assert_eq!(all.len(), FAMILIES, "{b}");
        let mut places: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        for s in all.iter().step_by(7) {
            let stored = store
                .applications()
                .load_application(&s.id)
                .await
                .expect("load")
                .expect("present");
            assert_eq!(stored.app.status().kind(), s.status, "{b}: {}", s.id);
            assert!(
                s.id.as_str().contains("-S"),
                "{b}: labelled synthetic: {}",
                s.id
            );
            let first_member = stored.household["members"][0]["id_number"]
                .as_str()
                .expect("id")
                .to_string();
            assert_eq!(
                store
                    .applications()
                    .member_in_active_application(&first_member)
                    .await
                    .expect("index"),
                s.status.is_active(),
                "{b}: {}",
                s.id
            );
        }
        for s in &all {
            if let Some(p) = s.waitlist_place {
                places
                    .entry(s.district.as_str().to_string())
                    .or_default()
                    .push(p);
            }
            assert_eq!(
                s.waitlist_place.is_some(),
                s.status == StatusKind::Qualified,
                "{b}: {}",
                s.id
            );
        }
        for (d, mut p) in places {
            p.sort_unstable();
            let expected: Vec<u32> = (1..=p.len() as u32).collect();
            assert_eq!(
                p, expected,
                "{b}: district {d}'s places are 1..n without gaps"
            );
        }

        // The read model holds what the facts and events say; a row
        // written before it existed is read from its facts instead.
        let districts: Vec<String> = anju_domain::YANGQUAN_DISTRICTS
            .iter()
            .map(|d| d.code.as_str().to_string())
            .collect();
        let fast = qualified_families(&st, &districts, None)
            .await
            .expect("families");
        let qualified = all
            .iter()
            .filter(|s| s.status == StatusKind::Qualified)
            .count();
        assert_eq!(fast.len(), qualified, "{b}");
        for f in fast.iter().step_by(11) {
            let stored = store
                .applications()
                .load_application(
                    &anju_domain::ApplicationId::new(f.application_id.clone()).expect("id"),
                )
                .await
                .expect("load")
                .expect("present");
            let members = stored.household["members"].as_array().map_or(0, Vec::len);
            assert_eq!(f.household_size, members, "{b}: {}", f.application_id);
            let special: Vec<String> = stored.household["special"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str().map(String::from))
                        .collect()
                })
                .unwrap_or_default();
            assert_eq!(f.special, special, "{b}: {}", f.application_id);
            assert!(f.scope.is_some(), "{b}");
        }
        let legacy = &fast[0];
        app.raw_execute(&format!(
            "UPDATE applications SET priority_facts = NULL, household_size = NULL, scope_code = NULL WHERE id = '{}'",
            legacy.application_id
        ))
        .await;
        let again = qualified_families(&st, &districts, None)
            .await
            .expect("families");
        let back = again
            .iter()
            .find(|f| f.application_id == legacy.application_id)
            .expect("a row outside the read model is still found");
        assert_eq!(
            (back.tier, back.scope, &back.special, back.household_size),
            (
                legacy.tier,
                legacy.scope,
                &legacy.special,
                legacy.household_size
            ),
            "{b}: the fallback reads the same facts"
        );

        // The project's first round was opened and drawn: every entrant has
        // a draw and a calling position, each used once.
        assert_eq!(report.projects.len(), 1, "{b}");
        assert!(report.entrants > 0, "{b}");
        let entrants = store
            .allotment()
            .allot_entrants(&report.projects[0], 1)
            .await
            .expect("entrants");
        assert_eq!(entrants.len(), report.entrants, "{b}");
        let calls: BTreeSet<u32> = entrants.iter().filter_map(|e| e.call_position).collect();
        let draws: BTreeSet<u32> = entrants.iter().filter_map(|e| e.draw_position).collect();
        let all_positions: BTreeSet<u32> = (1..=entrants.len() as u32).collect();
        assert_eq!(calls, all_positions, "{b}: calling order");
        assert_eq!(draws, all_positions, "{b}: draw order");
        let d = DistrictCode::parse(&entrants[0].district).expect("district");
        assert_eq!(
            d.as_str(),
            anju_domain::YANGQUAN_DISTRICTS[0].code.as_str(),
            "{b}"
        );

        // The public project pages its entrants: the detail carries the
        // first 100, the rest follow page by page, each family once, in
        // calling order; the page shows a window with the total.
        let pid = &report.projects[0];
        let detail = app
            .anon_get(&format!("/api/v1/projects/{pid}"))
            .await
            .json();
        let round = &detail["rounds"][0];
        let first = round["entrants"].as_array().expect("entrants");
        assert!(
            entrants.len() > 100,
            "{b}: more entrants than one page: {}",
            entrants.len()
        );
        assert_eq!(first.len(), 100, "{b}");
        let mut seen: Vec<String> = first
            .iter()
            .map(|e| e["application_id"].as_str().unwrap_or("").to_string())
            .collect();
        let mut next = round["entrants_next"].as_str().map(String::from);
        while let Some(path) = next {
            let page = app.anon_get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{b}: {path}");
            let page = page.json();
            assert_eq!(page["total"], json!(entrants.len()), "{b}");
            for e in page["entrants"].as_array().expect("entrants") {
                seen.push(e["application_id"].as_str().unwrap_or("").to_string());
            }
            next = page["next_from"]
                .as_u64()
                .map(|f| format!("/api/v1/projects/{pid}/rounds/1/entrants?from={f}&limit=100"));
        }
        let in_order: Vec<String> = entrants.iter().map(|e| e.application_id.clone()).collect();
        assert_eq!(seen, in_order, "{b}: every entrant once, in calling order");
        let html = app
            .anon_get(&format!("/projects/{pid}?round=1&from=101"))
            .await
            .text();
        assert!(html.contains("第 101–"), "{b}: the window is named");
        assert!(
            html.contains(&format!("共 {} 户", entrants.len())),
            "{b}: with the total"
        );
        assert!(
            html.contains(&in_order[100]),
            "{b}: the 101st family is on it"
        );
        assert!(
            !html.contains(&format!("data-application=\"{}\"", in_order[0])),
            "{b}: the first is not"
        );

        // Keyset paging through the whole list: every application once, in
        // order, whatever the depth; the ID-tail search finds a family
        // city-wide.
        let city = app.login("city").await;
        let mut seen = BTreeSet::new();
        let mut path = "/api/v1/applications?limit=500".to_string();
        loop {
            let page = city.get(&path).await;
            assert_eq!(page.status, StatusCode::OK, "{b}: {path}");
            let page = page.json();
            assert_eq!(page["total"], json!(FAMILIES), "{b}");
            for item in page["items"].as_array().expect("items") {
                assert!(
                    seen.insert(item["id"].as_str().unwrap_or("").to_string()),
                    "{b}: once"
                );
            }
            match page["next_after"].as_str() {
                Some(after) => path = format!("/api/v1/applications?limit=500&after={after}"),
                None => break,
            }
        }
        assert_eq!(
            seen.len(),
            FAMILIES,
            "{b}: keyset paging reaches every application"
        );
        let tail: String = all[3].masked_id.chars().skip(14).take(4).collect();
        let found = city
            .get(&format!("/api/v1/applications?q={tail}"))
            .await
            .json();
        assert!(
            found["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|i| i["id"] == json!(all[3].id.as_str())),
            "{b}: found by the ID's last four, city-wide"
        );
        let bad = city
            .get("/api/v1/applications?after=nope&sort=oldest")
            .await;
        assert_eq!(bad.status, StatusCode::BAD_REQUEST, "{b}");

        crate::exports::every_row_is_exported(&app, b, &all, pid, &in_order).await;

        // Each batch is in the audit log, and the chain holds.
        let auditor = app.login("auditor").await;
        let v = auditor.get("/api/v1/audit/verify").await.json();
        assert_eq!(v["ok"], json!(true), "{b}: {v}");

        // A second seeding is refused: a synthetic city only goes into an
        // empty database.
        let again = seed_city(&st, 10, 0, 7, &|_| {})
            .await
            .expect_err("refused");
        assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
    }
}
