//! A synthetic city of any size (`anju seed --families N`, issue 11 item
//! 2): families spread over every district in every state of the
//! lifecycle, qualified ones in the district waitlists, and allotment
//! projects with homes and drawn first rounds — for measuring anju at a
//! city's or a province's size.
//!
//! Every family's history is made by the domain's own transitions
//! (`anju_domain::submit` and `apply`, with the permissions they check),
//! its decision by the policy engine on its facts, and it is written by the
//! store's bulk path (`bulk_create_applications`): facts encrypted with the
//! current key, members' IDs as keyed hashes, each batch in the audit log.
//! Nothing is written by hand-made SQL.
//!
//! Labelled synthetic three ways: application numbers end in `S` and a
//! counter (`140302-20260315-S0000042`), household ids are `synthetic-N`,
//! and each batch's audit entry is `seed.synthetic_batch`.

use std::collections::HashMap;

use anju_allotment::PlanStep;
use anju_domain::{
    apply, screen_submission, submit, Action, Actor, Application, ApplicationId, Department,
    DistrictCode, DuplicateCheck, HouseholdId, StatusKind, Submission, Timestamp,
    YANGQUAN_DISTRICTS,
};
use anju_idcodes::ResidentId;
use anju_store::{AuditDraft, BulkApplication};
use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};

use super::accounts::staff;
use super::applications::{checklist, household, Rng};
use crate::allotment::service::{self as svc, DrawRequest, NewProject, PlanRequest};
use crate::applications::service::{decision_record, evaluate, NOTICE_WORKDAYS};
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// Families written per transaction.
pub const BATCH: usize = 2_000;

/// Where families end up, per thousand: most wait qualified, the rest are
/// spread over every step a real programme has in hand at any time.
const STATES: [(StatusKind, u32); 10] = [
    (StatusKind::Submitted, 40),
    (StatusKind::ReturnedForCorrection, 15),
    (StatusKind::UnderVerification, 60),
    (StatusKind::Verified, 15),
    (StatusKind::Decided, 10),
    (StatusKind::OnNotice, 30),
    (StatusKind::Qualified, 700),
    (StatusKind::Rejected, 70),
    (StatusKind::ReviewRequested, 10),
    (StatusKind::Withdrawn, 50),
];

/// Share of families per district, per thousand (larger districts apply
/// more; every district has some).
const DISTRICT_WEIGHTS: [u32; 6] = [300, 150, 170, 180, 170, 30];

/// What `seed_city` made.
#[derive(Debug, Default)]
pub struct SeedReport {
    pub families: usize,
    pub by_state: Vec<(StatusKind, usize)>,
    pub projects: Vec<String>,
    pub entrants: usize,
}

fn internal(e: impl std::fmt::Display) -> ApiError {
    ApiError::internal(e.to_string())
}

fn pick<T: Copy>(table: &[(T, u32)], x: u32) -> T {
    let mut acc = 0;
    for (v, w) in table {
        acc += w;
        if x < acc {
            return *v;
        }
    }
    table[table.len() - 1].0
}

/// A resident ID unique to (family `i`, member `slot`): the region code
/// tells the slot apart, and (birth date, sequence) is one-to-one with `i`
/// — `i / 999` picks the day through a permutation of 15 or 30 years of
/// days, `i % 999 + 1` the three sequence digits (000 is never assigned)
/// — so a city of up to five million families has no two members alike.
fn unique_id(i: usize, slot: usize, district: &str) -> (String, NaiveDate) {
    const REGIONS: [&str; 4] = ["", "140301", "140304", "140305"];
    let k = (i / 999) as i64;
    let (base, span) = match slot {
        0 | 1 => (NaiveDate::from_ymd_opt(1966, 1, 1), 10_957),
        _ => (NaiveDate::from_ymd_opt(2008, 1, 1), 5_477),
    };
    let base = base.unwrap_or_default() + Duration::days(if slot == 1 { 200 } else { 0 });
    let birth = base + Duration::days(k * 37 % span);
    let region = if slot == 0 {
        if district.len() == 6 {
            district
        } else {
            "140300"
        }
    } else {
        REGIONS[slot.min(3)]
    };
    let first17 = format!("{region}{}{:03}", birth.format("%Y%m%d"), i % 999 + 1);
    let mut b = [0u8; 17];
    b.copy_from_slice(first17.as_bytes());
    (
        format!("{first17}{}", ResidentId::check_char(&b) as char),
        birth,
    )
}

/// Family `i`'s facts: the demo's household generator with unique IDs,
/// and, for a family meant to pass the engine, facts that pass it.
fn facts(rng: &mut Rng, i: usize, district: &DistrictCode, eligible: bool) -> Value {
    let mut h = household(rng, i, district);
    h["id"] = json!(format!("synthetic-{i}"));
    if let Some(members) = h["members"].as_array_mut() {
        members.truncate(4);
        for (slot, m) in members.iter_mut().enumerate() {
            let (id, _) = unique_id(i, slot, district.as_str());
            m["id_number"] = json!(id);
        }
    }
    if eligible {
        h["members"][0]["resident"] = json!(true);
        h["members"][0]["annual_income_yuan"] = json!(12_000 + (i % 20) * 1_000);
        if let Some(spouse) = h["members"].get_mut(1) {
            spouse["annual_income_yuan"] = json!(8_000);
        }
        h["housing"] = json!({"owned_homes": 0, "owned_floor_area_m2": 0});
        h["history"] = json!({});
        h["current_benefits"] = json!([]);
    }
    h
}

#[derive(Clone)]
struct Staff {
    community: Actor,
    street: Actor,
    bureau: Actor,
}

fn at(day: NaiveDate, minute: i64) -> ApiResult<Timestamp> {
    let t =
        day.and_hms_opt(9, 0, 0).ok_or_else(|| internal("time"))? + Duration::minutes(minute % 480);
    Timestamp::from_shanghai(t).ok_or_else(|| internal("time"))
}

/// One family walked to `target` through the domain's transitions.
/// Who acts on a family's file, and the day the city stands at.
struct Cast<'a> {
    people: &'a Staff,
    verifiers: &'a [(Department, Actor)],
    today: NaiveDate,
}

fn walk(
    st: &AppState,
    i: usize,
    district: &DistrictCode,
    target: StatusKind,
    cast: &Cast<'_>,
    rng: &mut Rng,
) -> ApiResult<BulkApplication> {
    let (people, verifiers, today) = (cast.people, cast.verifiers, cast.today);
    let eligible = matches!(
        target,
        StatusKind::Decided | StatusKind::OnNotice | StatusKind::Qualified
    );
    let h = facts(rng, i, district, eligible);
    let members = h["members"].as_array().map_or(1, Vec::len);
    // The policy is in force from its document's date: histories start after it.
    let first_day = NaiveDate::from_ymd_opt(2026, 1, 10).unwrap_or(today);
    let span = (today - first_day).num_days().max(60);
    let submitted = match target {
        StatusKind::Qualified | StatusKind::Rejected | StatusKind::Withdrawn => {
            first_day + Duration::days((i as i64 * 7919) % (span - 45))
        }
        StatusKind::OnNotice => today - Duration::days(16),
        _ => today - Duration::days(1 + (i as i64 * 31) % 28),
    };
    let submission = Submission {
        household_id: HouseholdId::new(format!("synthetic-{i}")).map_err(internal)?,
        district: *district,
        applicant_account: None,
        materials: checklist(members),
        signed_commitment: true,
        consent_to_verification: true,
    };
    let id = ApplicationId::new(format!(
        "{}-{}-S{:07}",
        district.as_str(),
        submitted.format("%Y%m%d"),
        i
    ))
    .map_err(internal)?;
    let cleared = screen_submission(&DuplicateCheck::Clear, None, submitted).map_err(internal)?;
    let first = submit(
        id,
        submission,
        cleared,
        &people.community,
        at(submitted, i as i64)?,
    )
    .map_err(internal)?;
    let mut app = Application::open(&first).map_err(internal)?;
    let mut events = vec![first];
    let mut day = submitted;
    let mut step = |app: &mut Application, action: Action, who: &Actor, on: NaiveDate| {
        let e = apply(app, &action, who, at(on, i as i64 + 7)?).map_err(internal)?;
        *app = app.with(&e).map_err(internal)?;
        events.push(e);
        ApiResult::Ok(())
    };
    let text = |s: &str| anju_domain::NonEmptyText::new(s).map_err(internal);
    match target {
        StatusKind::Submitted => {}
        StatusKind::ReturnedForCorrection => {
            day += Duration::days(2);
            step(
                &mut app,
                Action::StreetReturn {
                    reason: text("请补充社保缴纳证明")?,
                },
                &people.street,
                day,
            )?;
        }
        StatusKind::Withdrawn => {
            day += Duration::days(3);
            step(
                &mut app,
                Action::Withdraw {
                    reason: Some(text("家庭递交书面撤回申请：已自行购房")?),
                },
                &people.community,
                day,
            )?;
        }
        StatusKind::Rejected | StatusKind::ReviewRequested => {
            day += Duration::days(3);
            let reason = anju_domain::CitedReason {
                rule: None,
                message: text("申请家庭在本市有住房且人均面积超过 20 平方米")?,
                citation: anju_domain::Citation::new(
                    &st.policy.document,
                    "第十条（一）2",
                    "10.1.2",
                )
                .map_err(internal)?,
            };
            step(
                &mut app,
                Action::StreetReject {
                    reasons: anju_domain::Reasons::one(reason),
                },
                &people.street,
                day,
            )?;
            if target == StatusKind::ReviewRequested {
                day += Duration::days(5);
                step(
                    &mut app,
                    Action::RequestReview {
                        reasons: text("房屋已于去年出售，附不动产查询证明")?,
                    },
                    &people.community,
                    day,
                )?;
            }
        }
        _ => {
            day += Duration::days(2);
            step(&mut app, Action::StreetPass, &people.street, day)?;
            let confirmed = match target {
                StatusKind::UnderVerification => i % 5,
                _ => verifiers.len(),
            };
            for (d, v) in verifiers.iter().take(confirmed) {
                day += Duration::days(1);
                step(
                    &mut app,
                    Action::DepartmentConfirm {
                        department: *d,
                        corrections: vec![],
                    },
                    v,
                    day,
                )?;
            }
            if matches!(
                target,
                StatusKind::Decided | StatusKind::OnNotice | StatusKind::Qualified
            ) {
                day += Duration::days(2);
                let decided = evaluate(st, &h, day)?;
                step(
                    &mut app,
                    Action::RecordDecision(decision_record(&decided.json)?),
                    &people.bureau,
                    day,
                )?;
                if app.status().kind() == StatusKind::Decided && target != StatusKind::Decided {
                    day += Duration::days(1);
                    let end = anju_calendar::Calendar::try_builtin()
                        .and_then(|c| c.notice_end(day, NOTICE_WORKDAYS))
                        .map_err(internal)?;
                    step(
                        &mut app,
                        Action::StartNotice { start: day, end },
                        &people.bureau,
                        day,
                    )?;
                    if target == StatusKind::Qualified {
                        step(
                            &mut app,
                            Action::Qualify,
                            &people.bureau,
                            end + Duration::days(1),
                        )?;
                    }
                }
            }
        }
    }
    let applicant = &h["members"][0];
    let masked_name = applicant["name"]
        .as_str()
        .map(anju_domain::mask_name)
        .unwrap_or_else(|| "—".into());
    let masked_id = applicant["id_number"]
        .as_str()
        .and_then(|s| ResidentId::parse(s).ok())
        .map(|r| r.masked())
        .unwrap_or_default();
    let member_ids = h["members"]
        .as_array()
        .map(|m| {
            m.iter()
                .filter_map(|x| x["id_number"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    Ok(BulkApplication {
        app,
        events,
        household: h,
        member_ids,
        masked_name,
        masked_id,
    })
}

/// Creates `families` synthetic families (and, when `projects` > 0, that
/// many allotment projects, each with 200 homes, its plan approved and
/// published, its first round opened and drawn). Refuses a database that
/// already holds applications. `progress` is told of each batch written.
pub async fn seed_city(
    st: &AppState,
    families: usize,
    projects: usize,
    seed: u64,
    progress: &(dyn Fn(u64) + Sync),
) -> ApiResult<SeedReport> {
    if st.store.applications().count_applications().await? > 0 {
        return Err(ApiError::unprocessable(
            "not_empty",
            "数据库中已有申请：合成数据只写入空数据库 (the database already holds applications: a synthetic city is only written into an empty one)",
        ));
    }
    super::accounts::create(st).await?;
    let today = st.clock.today();
    let system = anju_domain::UserId::new("seed").map_err(internal)?;
    let mut people: HashMap<DistrictCode, Staff> = HashMap::new();
    for d in YANGQUAN_DISTRICTS.iter() {
        let c = d.code.as_str();
        people.insert(
            d.code,
            Staff {
                community: staff(st, &format!("community-{c}")).await?.actor,
                street: staff(st, &format!("street-{c}")).await?.actor,
                bureau: staff(st, &format!("bureau-{c}")).await?.actor,
            },
        );
    }
    let mut verifiers = Vec::new();
    for d in [
        Department::PublicSecurity,
        Department::CivilAffairs,
        Department::NaturalResources,
        Department::HumanResources,
        Department::ProvidentFund,
    ] {
        verifiers.push((d, staff(st, &format!("verifier-{}", d.code())).await?.actor));
    }
    let districts: Vec<(DistrictCode, u32)> = YANGQUAN_DISTRICTS
        .iter()
        .zip(DISTRICT_WEIGHTS)
        .map(|(d, w)| (d.code, w))
        .collect();
    let mut report = SeedReport::default();
    let mut counts: HashMap<StatusKind, usize> = HashMap::new();
    // Families are made on a blocking thread, one batch ahead of the
    // database writing the previous one: two cores, two kinds of work.
    let people = std::sync::Arc::new(people);
    let verifiers = std::sync::Arc::new(verifiers);
    let make = |start: usize| {
        let (st, people, verifiers, districts) = (
            st.clone(),
            people.clone(),
            verifiers.clone(),
            districts.clone(),
        );
        let end = (start + BATCH).min(families);
        tokio::task::spawn_blocking(move || {
            (start..end)
                .map(|i| {
                    // Spread by fixed hashes of i, and a generator per
                    // family, so a family does not depend on the batches.
                    let x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    let district = pick(&districts, ((x >> 20) % 1000) as u32);
                    let target = pick(&STATES, ((x >> 40) % 1000) as u32);
                    let who = people
                        .get(&district)
                        .ok_or_else(|| internal("district staff"))?;
                    let mut rng = Rng(seed ^ x);
                    let cast = Cast {
                        people: who,
                        verifiers: &verifiers,
                        today,
                    };
                    walk(&st, i, &district, target, &cast, &mut rng)
                })
                .collect::<ApiResult<Vec<BulkApplication>>>()
        })
    };
    let mut next = (families > 0).then(|| make(0));
    let mut start = 0;
    while let Some(job) = next.take() {
        let batch = job.await.map_err(internal)??;
        start += BATCH;
        if start < families {
            next = Some(make(start));
        }
        for b in &batch {
            *counts.entry(b.app.status().kind()).or_default() += 1;
        }
        let first = batch.first().map(|b| b.app.id().as_str().to_string());
        let last = batch.last().map(|b| b.app.id().as_str().to_string());
        st.store
            .applications()
            .bulk_create_applications(
                &batch,
                AuditDraft {
                    at: st.clock.now(),
                    actor_user_id: system.clone(),
                    role: anju_domain::Role::CityBureau,
                    action: "seed.synthetic_batch".into(),
                    subject: format!("applications:{}", batch.len()),
                    detail: json!({"synthetic": true, "families": batch.len(), "first": first, "last": last}),
                },
            )
            .await?;
        report.families += batch.len();
        progress(batch.len() as u64);
    }
    let mut by_state: Vec<_> = counts.into_iter().collect();
    by_state.sort();
    report.by_state = by_state;
    // A bulk load: the planner learns the tables' new sizes now rather
    // than when autovacuum next passes.
    st.store.refresh_statistics().await?;
    for p in 0..projects {
        let (id, entrants) = project(st, p, today).await?;
        report.projects.push(id);
        report.entrants += entrants;
    }
    Ok(report)
}

/// Synthetic project `p`: 200 homes in its district, the plan through
/// approval and publication, round 1 opened and drawn.
async fn project(st: &AppState, p: usize, today: NaiveDate) -> ApiResult<(String, usize)> {
    let company = staff(st, "company").await?;
    let district = YANGQUAN_DISTRICTS[p % YANGQUAN_DISTRICTS.len()].code;
    let id = format!("SYN-{:02}", p + 1);
    published_project(st, &id, &[district], today).await?;
    let frozen = svc::open_round(st, &company, &id, 1).await?;
    svc::draw(
        st,
        &company,
        &id,
        1,
        DrawRequest {
            reveal: format!("synthetic-{id}"),
            notary: "合成数据（非真实摇号）".into(),
        },
    )
    .await?;
    Ok((id, frozen.entrants))
}

/// A synthetic project `id` open to the families of `districts` (the first
/// is where its 200 homes are): created, homes imported, its plan
/// submitted, approved by the city bureau and published — ready for its
/// first round.
pub async fn published_project(
    st: &AppState,
    id: &str,
    districts: &[DistrictCode],
    today: NaiveDate,
) -> ApiResult<()> {
    let company = staff(st, "company").await?;
    let city = staff(st, "city").await?;
    let (district, others) = districts
        .split_first()
        .ok_or_else(|| internal("a project needs a district"))?;
    let name = format!("合成项目{id}");
    let created = svc::create_project(
        st,
        &company,
        NewProject {
            id: id.to_string(),
            name: name.clone(),
            district: district.as_str().into(),
            districts: others.iter().map(|d| d.as_str().to_string()).collect(),
            county_seat_of: None,
        },
    )
    .await?;
    let mut rows = vec![anju_allotment::HOME_COLUMNS
        .iter()
        .map(|c| c.1.to_string())
        .collect::<Vec<_>>()];
    for building in 1..=5 {
        for floor in 2..=21 {
            for (n, area, layout, price) in [
                (1, "89.56", "三室两厅一卫", "376000"),
                (2, "76.20", "两室两厅一卫", "320000"),
            ] {
                rows.push(vec![
                    building.to_string(),
                    "1".into(),
                    floor.to_string(),
                    format!("{floor}0{n}"),
                    area.into(),
                    layout.into(),
                    "南北".into(),
                    "新建".into(),
                    String::new(),
                    price.into(),
                ]);
            }
        }
    }
    let created = super::allotment::import_demo_homes(st, &company, &created.id, &rows).await?;
    let saved = svc::save_plan(
        st,
        &company,
        &created.id,
        PlanRequest {
            terms: super::allotment::terms(&name, "合成数据（非真实项目）", 4200, today),
            version: created.version,
        },
    )
    .await?;
    let s = svc::plan_step(st, &company, &saved.id, PlanStep::Submit, saved.version).await?;
    let s = svc::plan_step(st, &city, &s.id, PlanStep::Approve, s.version).await?;
    svc::plan_step(st, &company, &s.id, PlanStep::Publish, s.version).await?;
    Ok(())
}
