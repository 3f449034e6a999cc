//! `anju bench holdings`: a yearly campaign over N held homes, end to end
//! in the store — open the campaign (one review row per home), then each
//! of the three departments' answers applied as files of 50,000 homes
//! (one home in 1,000 with a finding, which opens a case). The synthetic
//! sold homes are written first and not timed.

use std::time::Instant;

use anju_allotment::{
    AbsentRule, Area, Fen, Home, HomeId, HomeSource, PlanStatus, PlanTerms, ProjectArea,
    RoundWindow,
};
use anju_domain::{Department, Role, UserId};
use anju_holdings::Finding;
use anju_store::holdings::{AnswerRow, NewCampaign, SyntheticHome};
use anju_store::{AnyStore, AuditDraft, ProjectRecord};

use crate::Fail;

const PROJECT: &str = "BENCH-HOLD";
const DISTRICT: &str = "140302";
/// Homes per answer file.
const FILE_ROWS: usize = 50_000;

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

fn bar(len: u64, what: &str) -> indicatif::ProgressBar {
    let b = indicatif::ProgressBar::new(len);
    if let Ok(style) = indicatif::ProgressStyle::with_template(&format!(
        "{what} [{{bar:40}}] {{pos}}/{{len}} {{per_sec}} eta {{eta}}"
    )) {
        b.set_style(style);
    }
    b
}

fn home_id(i: usize) -> Result<HomeId, Fail> {
    HomeId::from_parts(
        &(1 + i / 10_000).to_string(),
        &(1 + i / 100 % 100).to_string(),
        &(1000 + i % 100).to_string(),
    )
    .map_err(fail)
}

async fn seed(store: &AnyStore, holders: usize) -> Result<(), Fail> {
    let now = anju_server::Clock::system().now();
    let today = now.date();
    let plan = PlanTerms {
        name: "核查压力测试".into(),
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
        district: DISTRICT.into(),
        area: ProjectArea {
            districts: vec![DISTRICT.into()],
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
    let b = bar(holders as u64, "sold homes");
    for start in (0..holders).step_by(100_000) {
        let end = (start + 100_000).min(holders);
        let homes: Vec<SyntheticHome> = (start..end)
            .map(|i| {
                let id = home_id(i)?;
                let home = Home {
                    id: id.clone(),
                    building: (1 + i / 10_000).to_string(),
                    unit: (1 + i / 100 % 100).to_string(),
                    floor: 1 + (i % 100 / 4) as i32,
                    number: (1000 + i % 100).to_string(),
                    floor_area: Area::from_centi_m2(8_000).ok_or_else(|| Fail("area".into()))?,
                    layout: "两室".into(),
                    orientation: "南".into(),
                    source: HomeSource::NewBuild,
                    acquisition_cost: None,
                    price: Fen::new(30_000_000),
                };
                Ok((
                    id.as_str().to_string(),
                    serde_json::to_string(&home).map_err(fail)?,
                    30_000_000,
                ))
            })
            .collect::<Result<_, Fail>>()?;
        store
            .holdings()
            .hold_synthetic_titles(PROJECT, &homes, today, &|n| b.inc(n))
            .await
            .map_err(fail)?;
        // Each holder family: two members, encrypted as real ones are.
        let families: Vec<(String, serde_json::Value)> = (start..end)
            .map(|i| {
                let id = home_id(i)?;
                Ok((
                    format!("BENCH-{}", id.as_str()),
                    serde_json::json!({"members": [
                        {"id_number": format!("14030219800101{:04}", i % 10_000), "name": format!("持有人{i}")},
                        {"id_number": format!("14030219820202{:04}", i % 10_000), "name": format!("配偶{i}")}
                    ]}),
                ))
            })
            .collect::<Result<_, Fail>>()?;
        store
            .holdings()
            .hold_synthetic_households(&families, &now.to_rfc3339())
            .await
            .map_err(fail)?;
    }
    b.finish();
    Ok(())
}

/// The public security department's request file over every pending home:
/// the batches the server streams (`anju_server::holdings::service::
/// REQUEST_BATCH` homes a keyset query, families decrypted together), each
/// formatted as CSV and dropped, with the time and the peak batch size.
async fn request_file(store: &AnyStore, campaign: &str, holders: usize) -> Result<String, Fail> {
    let batch = anju_server::holdings::service::REQUEST_BATCH;
    let t = Instant::now();
    let b = bar(holders as u64, "request file");
    let mut after = None;
    let (mut homes, mut rows, mut bytes, mut peak) = (0u64, 0u64, 0u64, 0usize);
    loop {
        let part = store
            .holdings()
            .hold_request_batch(campaign, Department::PublicSecurity, after.clone(), batch)
            .await
            .map_err(fail)?;
        let mut table: Vec<[&str; 6]> = Vec::new();
        for (p, h, members) in &part {
            for (idn, name) in members {
                table.push([p.as_str(), h.as_str(), idn.as_str(), name.as_str(), "", ""]);
                rows += 1;
            }
        }
        // The server's CSV writer (every cell neutralised).
        let out = anju_server::web::sheets::csv_bytes(&table).map_err(|e| Fail(e.message))?;
        peak = peak.max(out.len());
        bytes += out.len() as u64;
        homes += part.len() as u64;
        b.inc(part.len() as u64);
        match part.last() {
            Some((p, h, _)) if part.len() as u32 == batch => after = Some((p.clone(), h.clone())),
            _ => break,
        }
    }
    b.finish();
    Ok(format!(
        "request file (public security): {homes} homes, {rows} member rows, {:.1} MB in {:.2} s; batches of {batch} homes, largest {:.1} MB in memory",
        bytes as f64 / 1e6,
        t.elapsed().as_secs_f64(),
        peak as f64 / 1e6
    ))
}

/// Runs the benchmark; the figures as text.
pub async fn run(store: &AnyStore, holders: usize) -> Result<String, Fail> {
    let t = Instant::now();
    seed(store, holders).await?;
    let seeded = t.elapsed().as_secs_f64();
    let now = anju_server::Clock::system().now();
    let start = Instant::now();
    let campaign = NewCampaign {
        id: "RV-BENCH".into(),
        year: 2026,
        district: DISTRICT.into(),
        due_on: now.date() + chrono::Duration::days(30),
        opened_by: "bench".into(),
    };
    let n = store
        .holdings()
        .hold_open_campaign(&campaign, now, audit(now, "holdings.campaign_open")?)
        .await
        .map_err(fail)?;
    let opened = start.elapsed().as_secs_f64();
    let mut lines = vec![
        format!("{holders} sold homes written in {seeded:.1} s (not timed below)"),
        format!("open the campaign: {n} review rows in {opened:.2} s"),
    ];
    lines.push(request_file(store, &campaign.id, holders).await?);
    let mut cases = 0;
    for d in [
        Department::NaturalResources,
        Department::PublicSecurity,
        Department::CivilAffairs,
    ] {
        let t = Instant::now();
        let b = bar(holders as u64, d.code());
        for from in (0..holders).step_by(FILE_ROWS) {
            let rows: Vec<AnswerRow> = (from..(from + FILE_ROWS).min(holders))
                .map(|i| {
                    let finding = (d == Department::NaturalResources && i % 1000 == 7).then(|| {
                        vec![(
                            Finding::OtherAffordableHome,
                            "不动产登记簿（合成数据）".to_string(),
                        )]
                    });
                    Ok(AnswerRow {
                        project_id: PROJECT.into(),
                        home_id: home_id(i)?.as_str().to_string(),
                        findings: finding.unwrap_or_default(),
                    })
                })
                .collect::<Result<_, Fail>>()?;
            let out = store
                .holdings()
                .hold_record_answers(
                    &campaign.id,
                    d,
                    &rows,
                    "bench",
                    now,
                    audit(now, "holdings.campaign_answers")?,
                )
                .await
                .map_err(fail)?;
            cases += out.cases_opened;
            b.inc(rows.len() as u64);
        }
        b.finish();
        lines.push(format!(
            "{} answers for {holders} homes in {:.2} s",
            d.code(),
            t.elapsed().as_secs_f64()
        ));
    }
    let total = start.elapsed().as_secs_f64();
    let c = store
        .holdings()
        .hold_campaign(&campaign.id)
        .await
        .map_err(fail)?
        .ok_or_else(|| Fail("campaign missing".into()))?;
    lines.push(format!(
        "end to end (open + three departments): {total:.1} s for {holders} homes; pending {}, clear {}, flagged {}, cases opened {cases}",
        c.pending, c.clear, c.flagged
    ));
    Ok(lines.join("\n") + "\n")
}
