//! `anju bench selection`: home choices per second under concurrent
//! requests, over HTTP to a server started here. A synthetic project with
//! H homes and a round of N called families is written straight into the
//! store (the same operations the service uses), then C connections choose
//! for the families at once: every family starts at a home derived from its
//! number and moves to the next one on a 409 (taken), so requests collide
//! on homes as they do at a real selection (four families want each
//! home; the losers move on to the next).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anju_allotment::{
    AbsentRule, Area, Fen, Home, HomeId, HomeSource, PlanStatus, PlanTerms, ProjectArea,
    RoundStatus, RoundWindow,
};
use anju_domain::{Role, UserId};
use anju_store::{
    AnyStore, AuditDraft, DrawPosition, DrawRecord, EntrantRecord, ProjectRecord, RoundRecord,
};

use crate::bench_server::{login, pct, Conn};
use crate::Fail;

const PROJECT: &str = "BENCH-SELECT";

fn fail(e: impl std::fmt::Display) -> Fail {
    Fail(e.to_string())
}

fn audit(now: anju_domain::Timestamp, action: &str) -> Result<AuditDraft, Fail> {
    Ok(AuditDraft {
        at: now,
        actor_user_id: UserId::new("bench").map_err(fail)?,
        role: Role::Company,
        action: action.into(),
        subject: format!("project:{PROJECT}"),
        detail: serde_json::json!({"bench": true}),
    })
}

/// Writes the project, its homes and a round whose families are all called.
pub async fn setup(store: &AnyStore, homes: usize, families: usize) -> Result<(), Fail> {
    let now = anju_server::Clock::system().now();
    let bench_user = UserId::new("bench").map_err(fail)?;
    let today = now.date();
    let plan = PlanTerms {
        name: "选房压力测试".into(),
        location: "测试".into(),
        guided_price_per_m2: Fen::new(1_000_000),
        sale_method: "摇号选房".into(),
        lottery_rules: "docs/lottery.md".into(),
        schedule: vec![RoundWindow {
            round: 1,
            opens: today,
            closes: today + chrono::Duration::days(30),
        }],
        buyback_terms: "第十九条".into(),
        absent_rule: AbsentRule::CallAgainAtEnd,
        signing_days: 15,
        min_down_payment_percent: 20,
    };
    let p = ProjectRecord {
        id: PROJECT.into(),
        name: plan.name.clone(),
        district: "140302".into(),
        area: ProjectArea {
            districts: vec!["140302".into()],
            county_seat_of: None,
        },
        plan_status: PlanStatus::Published,
        plan: Some(plan),
        returned_reason: None,
        approved_by: None,
        approved_at: None,
        published_at: Some(now.to_rfc3339()),
        version: 1,
        created_at: now.to_rfc3339(),
        updated_at: now.to_rfc3339(),
    };
    store
        .allotment()
        .allot_create_project(&p, audit(now, "bench.project")?)
        .await
        .map_err(fail)?;
    let hs: Vec<Home> = (0..homes)
        .map(|i| {
            Ok(Home {
                id: HomeId::from_parts(
                    &(1 + i / 100).to_string(),
                    "1",
                    &(1000 + i % 100).to_string(),
                )
                .map_err(fail)?,
                building: (1 + i / 100).to_string(),
                unit: "1".into(),
                floor: 1 + (i % 100 / 4) as i32,
                number: (1000 + i % 100).to_string(),
                floor_area: Area::from_centi_m2(8_000).ok_or_else(|| Fail("area".into()))?,
                layout: "两室".into(),
                orientation: "南".into(),
                source: HomeSource::NewBuild,
                acquisition_cost: None,
                price: Fen::new(30_000_000),
            })
        })
        .collect::<Result<_, Fail>>()?;
    store
        .allotment()
        .allot_upsert_homes(PROJECT, 1, &hs, now, audit(now, "bench.homes")?)
        .await
        .map_err(fail)?;
    let ids: Vec<String> = (0..families).map(|i| format!("BENCH-{i:07}")).collect();
    let list = anju_lottery::EntrantList::from_ids(&ids).map_err(fail)?;
    let entrants: Vec<EntrantRecord> = list
        .ids()
        .enumerate()
        .map(|(i, id)| {
            EntrantRecord::waiting(
                id.to_string(),
                i as u32 + 1,
                "140302".into(),
                1,
                false,
                "测*".into(),
                String::new(),
            )
        })
        .collect();
    let round = RoundRecord {
        project_id: PROJECT.into(),
        round_no: 1,
        status: RoundStatus::Frozen,
        entrant_file: String::from_utf8(list.to_csv()).map_err(fail)?,
        commitment: list.commitment_hex(),
        entrant_count: families as u32,
        excluded_json: "[]".into(),
        frozen_at: now.to_rfc3339(),
        frozen_by: "bench".into(),
        redraw_reason: None,
        redraw_requested_by: None,
        redraw_approved_by: None,
        closed_at: None,
    };
    store
        .allotment()
        .allot_create_round(&round, &entrants, audit(now, "bench.round")?)
        .await
        .map_err(fail)?;
    let reveal = anju_lottery::Reveal::new("bench").map_err(fail)?;
    let result = anju_lottery::draw(&list, &reveal);
    let seq: std::collections::HashMap<&str, u32> = entrants
        .iter()
        .map(|e| (e.application_id.as_str(), e.entrant_seq))
        .collect();
    let positions: Vec<DrawPosition> = result
        .order()
        .enumerate()
        .map(|(i, id)| {
            Ok(DrawPosition {
                entrant_seq: *seq
                    .get(id)
                    .ok_or_else(|| fail(format!("drawn {id} is no entrant")))?,
                draw_position: i as u32 + 1,
                call_position: i as u32 + 1,
            })
        })
        .collect::<Result<_, Fail>>()?;
    let draw = DrawRecord {
        draw_no: 0,
        reveal: "bench".into(),
        notary: "bench".into(),
        seed: anju_lottery::to_hex(result.seed()),
        result_file: String::from_utf8(result.to_file()).map_err(fail)?,
        drawn_at: now.to_rfc3339(),
        drawn_by: "bench".into(),
        redraw_reason: None,
        redraw_requested_by: None,
        redraw_approved_by: None,
        superseded: false,
    };
    store
        .allotment()
        .allot_record_draw(PROJECT, 1, &draw, &positions, audit(now, "bench.draw")?)
        .await
        .map_err(fail)?;
    store
        .allotment()
        .allot_set_round_status(
            PROJECT,
            1,
            RoundStatus::Drawn,
            RoundStatus::Selecting,
            now,
            audit(now, "bench.select")?,
        )
        .await
        .map_err(fail)?;
    let mut called = 0;
    while called < families {
        let n = store
            .allotment()
            .allot_call_next(
                PROJECT,
                1,
                200,
                now,
                |_| AuditDraft {
                    at: now,
                    actor_user_id: bench_user.clone(),
                    role: Role::Company,
                    action: "bench.call".into(),
                    subject: format!("project:{PROJECT}"),
                    detail: serde_json::json!({}),
                },
                |app, owner| {
                    anju_server::applications::messages::called_message(app, owner, PROJECT, 1, now)
                },
            )
            .await
            .map_err(fail)?
            .len();
        if n == 0 {
            break;
        }
        called += n;
    }
    Ok(())
}

/// Drives the choices; returns the report.
pub async fn run(
    addr: &str,
    homes: usize,
    families: usize,
    concurrency: usize,
) -> Result<String, Fail> {
    let (cookie, csrf) = login(addr, "company", anju_server::demo::DEMO_PASSWORD).await?;
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..concurrency {
        let (addr, cookie, csrf, next) =
            (addr.to_string(), cookie.clone(), csrf.clone(), next.clone());
        tasks.push(tokio::spawn(async move {
            let mut conn = Conn::open(&addr).await?;
            let (mut lat, mut won, mut taken) = (Vec::new(), 0usize, 0usize);
            loop {
                let f = next.fetch_add(1, Ordering::Relaxed);
                if f >= families {
                    break;
                }
                // Families come in fours wanting the same home, and move to
                // the next one when it is taken.
                for k in 0..homes {
                    let h = (f / 4 * 4 + k) % homes;
                    let home = format!("{}-1-{}", 1 + h / 100, 1000 + h % 100);
                    let body = format!(
                        r#"{{"type":"choose","application_id":"BENCH-{f:07}","home_id":"{home}"}}"#
                    );
                    let t = Instant::now();
                    let (status, resp, _) = conn
                        .request(
                            "POST",
                            &format!("/api/v1/projects/{PROJECT}/rounds/1/selection"),
                            &[
                                ("Content-Type", "application/json"),
                                ("Cookie", &cookie),
                                ("X-CSRF-Token", &csrf),
                            ],
                            body.as_bytes(),
                        )
                        .await?;
                    lat.push(t.elapsed());
                    match status {
                        200 => {
                            won += 1;
                            break;
                        }
                        409 => taken += 1,
                        _ => {
                            return Err(Fail(format!(
                                "choose {f}: {status} {}",
                                String::from_utf8_lossy(&resp)
                            )))
                        }
                    }
                }
            }
            Ok::<_, Fail>((lat, won, taken))
        }));
    }
    let (mut lat, mut won, mut taken): (Vec<Duration>, usize, usize) = (Vec::new(), 0, 0);
    for t in tasks {
        let (l, w, k) = t.await.map_err(fail)??;
        lat.extend(l);
        won += w;
        taken += k;
    }
    let secs = start.elapsed().as_secs_f64();
    lat.sort();
    Ok(format!(
        "selection: {won} homes chosen by {families} families over {homes} homes with {concurrency} connections in {secs:.2} s = {:.0} choices/s; {} requests ({taken} answered 409 taken) = {:.0} requests/s; latency p50 {:.1} ms, p99 {:.1} ms\n",
        won as f64 / secs,
        lat.len(),
        lat.len() as f64 / secs,
        pct(&lat, 0.5),
        pct(&lat, 0.99),
    ))
}
