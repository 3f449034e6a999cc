//! The demo city's talent subsidies: applications in every state, entered
//! by the talent office at the counter and walked through the real service
//! (verify, decide on the programme files, pay, stop), so each ledger and
//! audit trail is what real use would produce.

use anju_idcodes::ResidentId;
use anju_subsidies::ledger::StopReason;
use chrono::{Months, NaiveDate};

use super::accounts::staff;
use crate::subsidies::cases::{self, SubsidyAction, SubsidyApplicationRequest};
use crate::subsidies::service::SubsidyFacts;
use crate::subsidies::universities::UniversityAdditionRequest;
use crate::web::auth::CurrentUser;
use crate::web::error::ApiResult;
use crate::web::AppState;

/// A valid resident ID of 城区 (140302) born on `birth`; `n` keeps them apart.
fn resident_id(birth: &str, n: u32) -> String {
    let first17 = format!("140302{birth}{:03}", 100 + n * 2 + 1);
    let mut b = [0u8; 17];
    b.copy_from_slice(first17.as_bytes());
    format!("{first17}{}", ResidentId::check_char(&b) as char)
}

fn talent(degree: &str, university: &str) -> SubsidyFacts {
    SubsidyFacts {
        degree: Some(degree.into()),
        university: Some(university.into()),
        // A top claim names a university on the dated lists (the
        // verification looks it up); the others need no name.
        university_name: (university == "top").then(|| "太原理工大学".into()),
        employed_in_city: true,
        service_pledge_years: 5,
        ..SubsidyFacts::default()
    }
}

async fn submit(
    st: &AppState,
    office: &CurrentUser,
    programme: &str,
    name: &str,
    n: u32,
    birth: &str,
    facts: SubsidyFacts,
) -> ApiResult<String> {
    cases::submit(
        st,
        office,
        SubsidyApplicationRequest {
            programme: programme.into(),
            name: name.into(),
            resident_id: resident_id(birth, n),
            facts,
        },
    )
    .await
}

async fn act(st: &AppState, office: &CurrentUser, id: &str, a: SubsidyAction) -> ApiResult<()> {
    cases::act(st, office, id, a).await.map(|_| ())
}

/// The first-home check of a talent purchase: the office asks, the
/// natural-resources verifier answers from the property register.
async fn property_records(
    st: &AppState,
    office: &CurrentUser,
    id: &str,
    homes_owned: u32,
) -> ApiResult<()> {
    act(st, office, id, SubsidyAction::RequestPropertyRecords).await?;
    let nr = staff(st, "verifier-natural_resources").await?;
    let reference = format!("阳不动产查〔2026〕{}号", 300 + id.len());
    crate::subsidies::property_records::answer(
        st,
        &nr,
        id,
        &crate::subsidies::property_records::PropertyAnswer {
            homes_owned,
            reference,
            note: String::new(),
        },
    )
    .await
}

async fn approve(st: &AppState, office: &CurrentUser, id: &str, start: NaiveDate) -> ApiResult<()> {
    let rec = st.store.subsidies().sub_get(id).await?;
    if rec.is_some_and(|r| r.programme == "talent_purchase") {
        property_records(st, office, id, 0).await?;
    }
    act(
        st,
        office,
        id,
        SubsidyAction::Verify {
            passed: true,
            note: "学历学位、毕业院校名单、劳动合同已核".into(),
        },
    )
    .await?;
    act(st, office, id, SubsidyAction::Decide { start: Some(start) }).await
}

pub async fn seed(st: &AppState) -> ApiResult<()> {
    if !st.store.subsidies().sub_list().await?.is_empty() {
        return Ok(());
    }
    let office = staff(st, "talent").await?;
    let today = st.clock.today();
    let months_ago = |m: u32| today.checked_sub_months(Months::new(m)).unwrap_or(today);

    // Submitted, waiting for verification.
    submit(
        st,
        &office,
        "talent_rent",
        "郭思远",
        1,
        "19980312",
        talent("master", "other"),
    )
    .await?;
    // Verified, waiting for the decision.
    let id = submit(
        st,
        &office,
        "talent_purchase",
        "潘若琳",
        2,
        "19940521",
        talent("phd", "top"),
    )
    .await?;
    property_records(st, &office, &id, 0).await?;
    act(
        st,
        &office,
        &id,
        SubsidyAction::Verify {
            passed: true,
            note: "“双一流”名单已核".into(),
        },
    )
    .await?;
    // Awaiting the natural-resources department's first-home check.
    let id = submit(
        st,
        &office,
        "talent_purchase",
        "韩书瑶",
        10,
        "19950918",
        talent("master", "first_tier"),
    )
    .await?;
    act(st, &office, &id, SubsidyAction::RequestPropertyRecords).await?;
    // Failed verification.
    let id = submit(
        st,
        &office,
        "talent_rent",
        "邓嘉伟",
        3,
        "19990107",
        talent("master", "top"),
    )
    .await?;
    act(
        st,
        &office,
        &id,
        SubsidyAction::Verify {
            passed: false,
            note: "未提供全日制学历证明".into(),
        },
    )
    .await?;
    // Refused: a bachelor from a university that is not first-tier.
    let id = submit(
        st,
        &office,
        "talent_rent",
        "冯雨桐",
        4,
        "20000815",
        talent("bachelor", "other"),
    )
    .await?;
    act(
        st,
        &office,
        &id,
        SubsidyAction::Verify {
            passed: true,
            note: String::new(),
        },
    )
    .await?;
    act(st, &office, &id, SubsidyAction::Decide { start: None }).await?;
    // Approved and paying: a PhD's rent subsidy, three months paid.
    let id = submit(
        st,
        &office,
        "talent_rent",
        "曹明轩",
        5,
        "19920603",
        talent("phd", "other"),
    )
    .await?;
    approve(st, &office, &id, months_ago(2)).await?;
    for n in 1..=3 {
        act(st, &office, &id, SubsidyAction::Pay { instalment: n }).await?;
    }
    // Approved and paid once: the 200,000-yuan purchase subsidy.
    let id = submit(
        st,
        &office,
        "talent_purchase",
        "彭静怡",
        6,
        "19910219",
        talent("phd", "top"),
    )
    .await?;
    approve(st, &office, &id, today).await?;
    act(st, &office, &id, SubsidyAction::Pay { instalment: 1 }).await?;
    // Approved: this year's provident-fund withdrawal for a couple.
    let pf = SubsidyFacts {
        provident_fund: true,
        married: true,
        spouse_provident_fund: true,
        ..SubsidyFacts::default()
    };
    let id = submit(st, &office, "provident_rent", "蒋天宇", 7, "19890930", pf).await?;
    approve(st, &office, &id, today).await?;
    // Stopped: qualified for an affordable home (90 days, 001 art. 10(2)4).
    let id = submit(
        st,
        &office,
        "talent_rent",
        "田欣然",
        8,
        "19970411",
        talent("master", "top"),
    )
    .await?;
    approve(st, &office, &id, months_ago(4)).await?;
    for n in 1..=4 {
        act(st, &office, &id, SubsidyAction::Pay { instalment: n }).await?;
    }
    act(
        st,
        &office,
        &id,
        SubsidyAction::Stop {
            reason: StopReason::QualifiedAffordable,
            on: months_ago(1),
        },
    )
    .await?;
    // Stopped: left the city's employ.
    let id = submit(
        st,
        &office,
        "talent_rent",
        "魏子涵",
        9,
        "19960128",
        talent("bachelor", "first_tier"),
    )
    .await?;
    approve(st, &office, &id, months_ago(1)).await?;
    act(st, &office, &id, SubsidyAction::Pay { instalment: 1 }).await?;
    act(
        st,
        &office,
        &id,
        SubsidyAction::Stop {
            reason: StopReason::LeftEmploy,
            on: today,
        },
    )
    .await?;
    seed_university(st, &office).await
}

/// One addition to the university lists by the talent office, so the
/// public list and the office's page show what an addition looks like. It
/// is demo data, labelled as such in its name and source: no real
/// university is added without its official notice.
async fn seed_university(st: &AppState, office: &CurrentUser) -> ApiResult<()> {
    crate::subsidies::universities::add(
        st,
        office,
        &UniversityAdditionRequest {
            list: "double_first_class".into(),
            name_zh: "演示示例大学（演示数据）".into(),
            other_names: vec!["Demo Sample University (demo data)".into()],
            source_title: "演示用示例来源（非官方通知，仅供演示）".into(),
            source_ref: "演示〔2026〕1号（示例）".into(),
            effective: "2022-02-14".into(),
        },
    )
    .await
    .map(|_| ())
}

/// Sample actual figures for the province dashboard, marked as samples
/// (the page says so): three cities, 2021–2024, imported through the same
/// service as a real file.
pub async fn seed_indicators(st: &AppState) -> ApiResult<()> {
    if !st.store.subsidies().ind_actuals().await?.is_empty() {
        return Ok(());
    }
    let city = staff(st, "city").await?;
    // (indicator, per-year base for 太原市 in the table's unit); the other
    // cities are fractions of it, and each year grows a little.
    let base: [(&str, i64); 10] = [
        ("new_supply_area", 900_000),
        ("new_supply_homes", 9_000),
        ("commercial_supply_homes", 7_000),
        ("affordable_rental_homes", 400),
        ("public_rental_homes", 30),
        ("talent_homes", 450),
        ("talent_area", 40_000),
        ("green_building_share", 80_000),
        ("prefab_share", 15_000),
        ("property_management", 85_000),
    ];
    let mut csv = String::from("城市,年份,指标编号,实际值\n");
    for (name, share) in [("太原市", 100i64), ("大同市", 45), ("阳泉市", 20)] {
        for (k, year) in (2021..=2024).enumerate() {
            for (ind, b) in base {
                let is_share = ind.ends_with("_share") || ind == "property_management";
                let v = if is_share {
                    // Shares do not scale with the city; they rise each year.
                    b + 2_500 * k as i64 + share * 10
                } else {
                    b * share / 100 * (100 + 5 * k as i64) / 100
                };
                csv.push_str(&format!(
                    "{name},{year},{ind},{}\n",
                    anju_subsidies::indicators::fmt_milli(v)
                ));
            }
        }
    }
    crate::subsidies::dashboard::import(st, &city, csv.as_bytes(), true).await?;
    Ok(())
}
