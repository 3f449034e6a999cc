//! The demo's households: a few hundred in every state of the lifecycle,
//! each walked there through the real services, so its history, audit
//! trail and decisions are what real use would produce.

use anju_domain::{Department, DistrictCode, MaterialsChecklist, StatusKind, YANGQUAN_DISTRICTS};
use anju_idcodes::ResidentId;
use chrono::{Duration, NaiveDate};
use serde_json::{json, Value};

use crate::applications::service::{self, ActionRequest, SubmitRequest};

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::{AppState, Clock};

use super::accounts::staff;

pub struct Rng(pub u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const SURNAMES: [&str; 10] = ["王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴"];
const GIVEN: [&str; 12] = [
    "建国", "秀梅", "志强", "丽娟", "浩然", "思雨", "国庆", "海燕", "红梅", "小军", "文华", "欣怡",
];

fn resident_id(rng: &mut Rng, region: &str, birth: NaiveDate, male: bool) -> String {
    let seq = 10 + rng.below(89);
    let sex = if male {
        1 + 2 * rng.below(5)
    } else {
        2 * rng.below(5)
    };
    let region = if region.len() == 6 && region.bytes().all(|b| b.is_ascii_digit()) {
        region
    } else {
        "140300"
    };
    let first17 = format!("{region}{}{seq:02}{sex}", birth.format("%Y%m%d"));
    let mut b = [0u8; 17];
    b.copy_from_slice(first17.as_bytes());
    format!("{first17}{}", ResidentId::check_char(&b) as char)
}

fn name(rng: &mut Rng, surname: &str) -> String {
    format!("{surname}{}", GIVEN[rng.below(GIVEN.len() as u64) as usize])
}

/// A household of the demo city; most are eligible, some fail a condition.
pub fn household(rng: &mut Rng, i: usize, district: &DistrictCode) -> Value {
    let region = district.as_str();
    let surname = SURNAMES[rng.below(10) as usize];
    let a_birth = NaiveDate::from_ymd_opt(
        1970 + rng.below(30) as i32,
        1 + rng.below(12) as u32,
        1 + rng.below(28) as u32,
    )
    .unwrap_or_default();
    let a_male = rng.below(2) == 0;
    let married = rng.below(10) < 7;
    let income = 15_000 + rng.below(40_000);
    let employment = ["employee", "flexible", "new_form"][rng.below(3) as usize];
    let mut members = vec![json!({
        "relation": "applicant", "name": name(rng, surname), "id_number": resident_id(rng, region, a_birth, a_male),
        "married": married, "resident": rng.below(10) < 9, "hukou_local": true, "employment": employment,
        "labor_contract": true, "social_insurance_months": 12 + rng.below(120), "annual_income_yuan": income,
    })];
    if married {
        let s_birth = a_birth + Duration::days(rng.below(1500) as i64);
        let s_surname = SURNAMES[rng.below(10) as usize];
        let s_name = name(rng, s_surname);
        let s_id = resident_id(rng, region, s_birth, !a_male);
        members.push(json!({"relation": "spouse", "name": s_name, "id_number": s_id,
                            "married": true, "resident": true, "employment": "flexible", "annual_income_yuan": rng.below(30_000)}));
        for _ in 0..rng.below(3) {
            let c_birth = NaiveDate::from_ymd_opt(
                2008 + rng.below(16) as i32,
                1 + rng.below(12) as u32,
                1 + rng.below(28) as u32,
            )
            .unwrap_or_default();
            let c_male = rng.below(2) == 0;
            let c_name = name(rng, surname);
            let c_id = resident_id(rng, region, c_birth, c_male);
            members.push(json!({"relation": "child", "name": c_name, "id_number": c_id}));
        }
    }
    let n = members.len() as u64;
    let homes = if rng.below(10) < 6 { 0 } else { 1 };
    // Most homes are small enough; one in five is too large (a failing case).
    let area = if homes == 0 {
        0
    } else if rng.below(5) == 0 {
        25 * n + 10
    } else {
        12 * n + rng.below(6 * n)
    };
    json!({
        "id": format!("demo-{i}"), "region": region, "members": members,
        "housing": {"owned_homes": homes, "owned_floor_area_m2": area},
        "history": {"property_transfer_dates": if rng.below(15) == 0 { vec!["2024-05-20"] } else { vec![] }},
        "current_benefits": if rng.below(6) == 0 { vec!["public_rental"] } else { vec![] },
    })
}

pub(super) fn checklist(members: usize) -> MaterialsChecklist {
    let members = u8::try_from(members).unwrap_or(u8::MAX);
    MaterialsChecklist {
        application_form: true,
        member_count: members,
        identity_proofs: members,
        hukou_or_residence_proof: true,
        marital_status: anju_domain::MaritalStatus::Married,
        marriage_proof: true,
        divorce_proof: false,
        income: true,
        social_insurance: true,
        property_query: true,
    }
}

pub(super) async fn walk(
    past: &AppState,
    now: &AppState,
    h: &Value,
    district: &DistrictCode,
    target: StatusKind,
    submitter: Option<&str>,
) -> ApiResult<()> {
    let c = district.as_str();
    let community = staff(past, &format!("community-{c}")).await?;
    let applicant = match submitter {
        Some(u) => Some(staff(past, u).await?),
        None => None,
    };
    let street = staff(past, &format!("street-{c}")).await?;
    let bureau = staff(past, &format!("bureau-{c}")).await?;
    let members = h["members"].as_array().map_or(1, |m| m.len());
    let id = service::submit_application(
        past,
        applicant.as_ref().unwrap_or(&community),
        SubmitRequest {
            household: h.clone(),
            materials: checklist(members),
            signed_commitment: true,
            consent_to_verification: true,
            draft: None,
            preference: None,
        },
    )
    .await?;
    let id = id.stored.app.id().as_str().to_string();
    use ActionRequest as A;
    let step = |st: &AppState, who: &CurrentUser, a: ActionRequest| {
        let (st, who, id) = (st.clone(), who.clone(), id.clone());
        async move { service::act(&st, &who, &id, a).await.map(|_| ()) }
    };
    match target {
        StatusKind::Submitted => return Ok(()),
        StatusKind::ReturnedForCorrection => {
            return step(
                past,
                &street,
                A::StreetReturn {
                    reason: "请补充社保缴纳证明".into(),
                },
            )
            .await
        }
        StatusKind::Withdrawn => {
            return step(
                past,
                &community,
                A::Withdraw {
                    reason: "家庭递交书面撤回申请：已自行购房".into(),
                },
            )
            .await
        }
        _ => {}
    }
    if target == StatusKind::Rejected || target == StatusKind::ReviewRequested {
        step(
            past,
            &street,
            A::StreetReject {
                message: "申请家庭在本市有住房且人均面积超过 20 平方米".into(),
                article: "第十条（一）2".into(),
                ref_: "10.1.2".into(),
            },
        )
        .await?;
        if target == StatusKind::ReviewRequested {
            step(
                past,
                &community,
                A::RequestReview {
                    reasons: "房屋已于去年出售，附不动产查询证明".into(),
                },
            )
            .await?;
        }
        return Ok(());
    }
    step(past, &street, A::StreetPass).await?;
    if target == StatusKind::UnderVerification {
        return Ok(());
    }
    for d in [
        Department::PublicSecurity,
        Department::CivilAffairs,
        Department::NaturalResources,
        Department::HumanResources,
        Department::ProvidentFund,
    ] {
        let v = staff(past, &format!("verifier-{}", d.code())).await?;
        step(
            past,
            &v,
            A::DepartmentConfirm {
                department: d,
                corrections: vec![],
            },
        )
        .await?;
    }
    if target == StatusKind::Verified {
        return Ok(());
    }
    step(past, &bureau, A::RecordDecision).await?;
    let stored = now
        .store
        .applications()
        .load_application(
            &anju_domain::ApplicationId::new(id.clone())
                .map_err(|e| ApiError::internal(e.to_string()))?,
        )
        .await?;
    if stored.map(|s| s.app.status().kind()) != Some(StatusKind::Decided)
        || target == StatusKind::Decided
    {
        return Ok(()); // rejected by the engine, or meant to stop here
    }
    if target == StatusKind::OnNotice {
        return step(now, &bureau, A::StartNotice { start: None }).await;
    }
    step(past, &bureau, A::StartNotice { start: None }).await?;
    step(now, &bureau, A::Qualify).await
}

/// `households` households in every state, and the family that can try
/// allotment in the browser.
pub async fn seed(st: &AppState, households: usize) -> ApiResult<()> {
    let today = st.clock.today();
    let mut rng = Rng(2026);
    // Targets cycle through the lifecycle so every state is represented.
    let targets = [
        StatusKind::Submitted,
        StatusKind::UnderVerification,
        StatusKind::Qualified,
        StatusKind::OnNotice,
        StatusKind::Verified,
        StatusKind::Qualified,
        StatusKind::Decided,
        StatusKind::ReturnedForCorrection,
        StatusKind::Rejected,
        StatusKind::OnNotice,
        StatusKind::Qualified,
        StatusKind::UnderVerification,
        StatusKind::ReviewRequested,
        StatusKind::Withdrawn,
        StatusKind::Qualified,
    ];
    for i in 0..households {
        let d = &YANGQUAN_DISTRICTS[i % YANGQUAN_DISTRICTS.len()];
        let h = household(&mut rng, i, &d.code);
        let target = targets[i % targets.len()];
        // Early steps happen a month ago so notices started then have ended.
        let past = AppState {
            clock: Clock::pinned(today - Duration::days(30)),
            ..st.clone()
        };
        if let Err(e) = walk(&past, st, &h, &d.code, target, None).await {
            eprintln!("demo: household {i} stopped early: {}", e.message);
        }
    }
    // The family that can try allotment in the browser: tier 1 (no home).
    let district = YANGQUAN_DISTRICTS[0].code;
    let mut h = household(&mut Rng(77), households, &district);
    h["id"] = json!("demo-family-qualified");
    h["members"][0]["name"] = json!("李秀英");
    h["members"][0]["resident"] = json!(true);
    h["members"][0]["annual_income_yuan"] = json!(24_000);
    h["housing"] = json!({"owned_homes": 0, "owned_floor_area_m2": 0});
    h["history"] = json!({});
    h["current_benefits"] = json!([]);
    let past = AppState {
        clock: Clock::pinned(today - Duration::days(30)),
        ..st.clone()
    };
    walk(
        &past,
        st,
        &h,
        &district,
        StatusKind::Qualified,
        Some("family-qualified"),
    )
    .await?;
    Ok(())
}
