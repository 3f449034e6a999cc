//! The demo city's held homes: an earlier project (YQ-2025-01, 矿区) whose
//! first round was drawn and whose homes were chosen, signed and titled —
//! all through the allotment services — then a running 2026 campaign with
//! a department's answers and a report that flagged homes, and a buyback
//! in progress. Everything goes through the services, as real use would.

use anju_allotment::{PlanStep, RoundStatus};
use chrono::Duration;

use anju_domain::StatusKind;
use serde_json::json;

use super::accounts::staff;
use super::allotment::{import_demo_homes, terms};
use super::applications::{household, walk, Rng};
use crate::allotment::service::{
    self as allot, CallRequest, ContractForm, DrawRequest, NewProject, PlanRequest, TitleRequest,
};
use crate::holdings::service::{
    self as svc, BuybackRequest, BuybackStepRequest, CampaignRequest, ReportRequest,
};
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

const P: &str = "YQ-2025-01";
const D: &str = "140303";

/// Five tier-1 families of 矿区 walked to qualified a month ago, the first
/// (a priority family, so called first) with the `family-holder` account.
async fn buyers(st: &AppState) -> ApiResult<()> {
    let today = st.clock.today();
    let district =
        anju_domain::DistrictCode::parse(D).map_err(|e| ApiError::internal(e.to_string()))?;
    let past = AppState {
        clock: crate::web::clock::Clock::pinned(today - Duration::days(30)),
        ..st.clone()
    };
    for i in 0..5usize {
        let mut h = household(&mut Rng(500 + i as u64), 1000 + i, &district);
        h["id"] = json!(format!("demo-buyer-{i}"));
        h["members"][0]["resident"] = json!(true);
        h["members"][0]["annual_income_yuan"] = json!(30_000);
        h["housing"] = json!({"owned_homes": 0, "owned_floor_area_m2": 0});
        h["history"] = json!({});
        h["current_benefits"] = json!([]);
        if i == 0 {
            h["special"] = json!(["disabled"]);
        }
        let account = (i == 0).then_some("family-holder");
        if let Err(e) = walk(&past, st, &h, &district, StatusKind::Qualified, account).await {
            eprintln!("demo: buyer {i} stopped early: {}", e.message);
        }
    }
    Ok(())
}

pub async fn seed(st: &AppState) -> ApiResult<()> {
    let company = staff(st, "company").await?;
    let city = staff(st, "city").await?;
    let today = st.clock.today();
    buyers(st).await?;
    let p = allot::create_project(
        st,
        &company,
        NewProject {
            id: P.into(),
            name: "阳泉市矿区保障性住房（已售）".into(),
            district: D.into(),
            districts: vec![],
            county_seat_of: None,
        },
    )
    .await?;
    let header: Vec<String> = anju_allotment::HOME_COLUMNS
        .iter()
        .map(|c| c.1.to_string())
        .collect();
    let mut rows = vec![header];
    for floor in 2..=5 {
        for (n, area, price) in [(1, "86.40", "345600"), (2, "72.00", "288000")] {
            rows.push(vec![
                "5".into(),
                "1".into(),
                floor.to_string(),
                format!("{floor}0{n}"),
                area.into(),
                "两室两厅一卫".into(),
                "南北".into(),
                "新建".into(),
                String::new(),
                price.into(),
            ]);
        }
    }
    let p = import_demo_homes(st, &company, &p.id, &rows).await?;
    let p = allot::save_plan(
        st,
        &company,
        &p.id,
        PlanRequest {
            terms: terms(
                "阳泉市矿区保障性住房",
                "阳泉市矿区桥头街道德胜街9号",
                4000,
                today,
            ),
            version: p.version,
        },
    )
    .await?;
    let p = allot::plan_step(st, &company, &p.id, PlanStep::Submit, p.version).await?;
    let p = allot::plan_step(st, &city, &p.id, PlanStep::Approve, p.version).await?;
    allot::plan_step(st, &company, &p.id, PlanStep::Publish, p.version).await?;
    let frozen = allot::open_round(st, &company, P, 1).await?;
    if frozen.entrants == 0 {
        return Ok(());
    }
    allot::draw(
        st,
        &company,
        P,
        1,
        DrawRequest {
            reveal: "demo-2025-notary-7f3a".into(),
            notary: "阳泉市公证处（演示）".into(),
        },
    )
    .await?;
    allot::set_round(st, &company, P, 1, RoundStatus::Selecting).await?;
    let homes: Vec<String> = st
        .store
        .allotment()
        .allot_homes(P)
        .await?
        .into_iter()
        .map(|h| h.home.id.as_str().to_string())
        .collect();
    let called = allot::call_next(st, &company, P, 1, homes.len().min(5) as u32).await?;
    let mut sold = Vec::new();
    for (i, app) in called.iter().enumerate() {
        let home = homes[i].clone();
        allot::call_step(
            st,
            &company,
            P,
            1,
            CallRequest::Choose {
                application_id: app.clone(),
                home_id: home.clone(),
            },
        )
        .await?;
        let price = st
            .store
            .allotment()
            .allot_home(P, &home)
            .await?
            .map(|h| h.home.price.fen())
            .unwrap_or(0);
        allot::call_step(
            st,
            &company,
            P,
            1,
            CallRequest::Sign {
                application_id: app.clone(),
                contract: ContractForm {
                    contract_no: format!("HT-2025-{:03}", i + 1),
                    down_payment: anju_allotment::Fen::new(price / 5).to_string(),
                    provident_fund_loan: String::new(),
                    commercial_loan: anju_allotment::Fen::new(price - price / 5).to_string(),
                },
            },
        )
        .await?;
        allot::register_title(
            st,
            &company,
            P,
            &home,
            TitleRequest {
                certificate_no: format!("晋(2026)阳泉市不动产权第{:07}号", 310 + i),
                registered_on: None,
            },
        )
        .await?;
        sold.push(home);
    }
    // A running campaign: property records found a second affordable home
    // for the first family; a street officer's report of letting on the second.
    let c = svc::open_campaign(
        st,
        &company,
        CampaignRequest {
            year: chrono::Datelike::year(&today),
            district: D.into(),
            due_on: (today + Duration::days(30)).to_string(),
        },
    )
    .await?;
    if let Some(first) = sold.first() {
        let nr = staff(st, "verifier-natural_resources").await?;
        // The answer as a department returns the request file: the
        // Chinese header, the codes row, the rows.
        let csv = format!(
            "项目编号,房源编号,核查结果,依据说明\n{},{},{},{}\n{P},{first},other_affordable_home,不动产登记簿：配偶名下另有配售型保障性住房一套（因结婚）\n",
            svc::PROJECT_COL, svc::HOME_COL, svc::FINDING_COL, svc::EVIDENCE_COL
        );
        let mut lines = csv;
        for h in sold.iter().skip(1).take(2) {
            lines.push_str(&format!("{P},{h},无,\n"));
        }
        svc::import_answers(
            st,
            &nr,
            &c.id,
            anju_domain::Department::NaturalResources,
            lines.as_bytes(),
        )
        .await?;
    }
    if let Some(second) = sold.get(1) {
        let bureau = staff(st, "bureau-140303").await?;
        svc::report(
            st,
            &bureau,
            P,
            second,
            ReportRequest {
                finding: "sublet".into(),
                evidence: "社区网格员走访：房屋由非家庭成员居住，出示租赁协议一份（演示）".into(),
            },
        )
        .await?;
    }
    // A buyback in progress: the third family applied for illness and the
    // home was appraised.
    if let Some(third) = sold.get(2) {
        let b = svc::apply_buyback(
            st,
            &company,
            P,
            third,
            BuybackRequest {
                // Loudi's plan has no illness case (八、(一)4, 八、(三)3):
                // its demo clears the home instead.
                case: if st.policy.id.starts_with("loudi") {
                    "clearance".into()
                } else {
                    "illness".into()
                },
                reason: "家庭成员患重大疾病需筹措医疗费用，提交三甲医院诊断证明（演示）".into(),
                applied_on: None,
            },
        )
        .await?;
        svc::buyback_step(
            st,
            &company,
            &b.id,
            BuybackStepRequest {
                step: "appraise".into(),
                firm: Some("山西某房地产评估有限公司（演示）".into()),
                qualification_no: Some("晋房估字（演示）0012".into()),
                report_no: Some("PG-2026-0031".into()),
                value_yuan: Some("352000".into()),
                decoration_yuan: Some("28000".into()),
                additions_yuan: Some("3000".into()),
                independent: Some(true),
                ..Default::default()
            },
        )
        .await?;
    }
    tips(st, &company, sold.get(3)).await
}

/// The public tip line in its three states: one waiting for the company,
/// one it attached to the home's review (the home flagged, its case
/// opened), one dismissed with why. Sent as the public sends them, each
/// from its own documentation address (RFC 5737) so the per-address limit
/// is the public's, untouched.
async fn tips(
    st: &AppState,
    company: &crate::web::auth::CurrentUser,
    lent_home: Option<&String>,
) -> ApiResult<()> {
    let seen = (st.clock.today() - Duration::days(4)).to_string();
    let send = |n: u8, kind: &str, address: &str, home: Option<&String>, what: &str| {
        let req = svc::TipRequest {
            kind: kind.into(),
            address: address.into(),
            project_id: home.map(|_| P.to_string()),
            home_id: home.cloned(),
            seen_on: seen.clone(),
            what: what.into(),
            contact: None,
        };
        async move {
            svc::submit_tip(st, std::net::IpAddr::from([192, 0, 2, n]), &req)
                .await
                .map(|r| r.receipt)
                .map_err(|(e, _)| e)
        }
    };
    send(
        1,
        "idle",
        "矿区某小区3栋2单元（演示）",
        None,
        "晚上从不亮灯，门口广告单堆了几个月（演示）",
    )
    .await?;
    let triage = |step: &str, home: Option<&String>, note: &str| svc::TriageRequest {
        step: step.into(),
        project_id: home.map(|_| P.to_string()),
        home_id: home.cloned(),
        finding: home.map(|_| "lent".to_string()),
        note: note.into(),
    };
    if let Some(home) = lent_home {
        let id = send(
            2,
            "lent",
            "矿区某小区1栋（演示）",
            Some(home),
            "房主一家搬走，亲戚住了半年（演示）",
        )
        .await?;
        svc::triage_tip(
            st,
            company,
            &id,
            triage(
                "attach",
                Some(home),
                "上门核实：住户为房主亲属，房主全家已迁居外地（演示）",
            ),
        )
        .await?;
    }
    let id = send(
        3,
        "sold",
        "城区某路（演示）",
        None,
        "听说有人私下转让（演示）",
    )
    .await?;
    svc::triage_tip(
        st,
        company,
        &id,
        triage(
            "dismiss",
            None,
            "地址所指为商品住房小区，无配售型保障性住房（演示）",
        ),
    )
    .await?;
    Ok(())
}
