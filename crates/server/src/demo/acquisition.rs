//! The demo city's acquisition (issue 15), walked through the services as
//! real use would: a company registered by the city bureau with its ledger;
//! a demand survey frozen from the waitlists five months ago; developers'
//! offers screened into the pool (some failing, with their articles); a plan
//! optimised and approved; then one purchase handed over and overdue for
//! registration, one handed over recently (registration pending), one
//! contracted awaiting handover, and one registered, a home of which went
//! into a draft allotment project as an acquired home.

use chrono::Duration;

use super::accounts::staff;
use crate::acquisition::service::{
    self as svc, AllotRequest, Approval, CapRequest, Company, EntryRequest, PlanRequest,
    PurchaseStep,
};
use crate::web::error::ApiResult;
use crate::web::AppState;

pub const COMPANY_ID: &str = "YQ-AJ";

fn row(c: &[&str]) -> Vec<String> {
    c.iter().map(|s| s.to_string()).collect()
}

/// The offers: (project, district, building, units, whole, layout mix).
fn offer_rows() -> Vec<Vec<String>> {
    let mut rows = vec![svc::OFFER_COLUMNS.iter().map(|s| s.to_string()).collect()];
    // (project, district, building, unit count, whole, areas per unit)
    #[allow(clippy::type_complexity)]
    let lots: [(&str, &str, &str, u32, bool, [&str; 6]); 6] = [
        (
            "桃林苑",
            "140302",
            "3",
            2,
            true,
            ["89.50", "89.50", "76.20", "76.20", "105.30", "105.30"],
        ),
        (
            "桃林苑",
            "140302",
            "5",
            1,
            true,
            ["62.40", "62.40", "62.40", "89.50", "89.50", "118.00"],
        ),
        (
            "南山花园",
            "140303",
            "1",
            2,
            true,
            ["92.10", "92.10", "92.10", "70.00", "70.00", "120.00"],
        ),
        (
            "南山花园",
            "140303",
            "2",
            1,
            false,
            ["128.60", "128.60", "96.00", "96.00", "96.00", "96.00"],
        ),
        (
            "义井新城",
            "140311",
            "7",
            2,
            true,
            ["86.00", "86.00", "86.00", "99.80", "99.80", "65.00"],
        ),
        (
            "义井新城",
            "140311",
            "9",
            1,
            true,
            ["88.00", "88.00", "88.00", "88.00", "88.00", "88.00"],
        ),
    ];
    for (project, district, building, units, whole, areas) in lots {
        for unit in 1..=units {
            for (i, area) in areas.iter().enumerate() {
                let floor = 2 + i as u32;
                let home = format!("{floor}01");
                let a: f64 = area.parse().unwrap_or(90.0);
                let asking = (a * 4_300.0).round() as u64;
                let layout = if a < 70.0 {
                    "两室一厅"
                } else if a <= 100.0 {
                    "三室两厅"
                } else {
                    "四室两厅"
                };
                rows.push(row(&[
                    project,
                    building,
                    &unit.to_string(),
                    &home,
                    district,
                    &floor.to_string(),
                    area,
                    layout,
                    "是",
                    "清晰",
                    &asking.to_string(),
                    "配售",
                    if whole { "是" } else { "否" },
                ]));
            }
        }
    }
    // Homes that fail screening, each with its article.
    rows.push(row(&[
        "义井新城",
        "11",
        "1",
        "301",
        "140311",
        "3",
        "90.00",
        "三室两厅",
        "否",
        "清晰",
        "387000",
        "配售",
        "是",
    ]));
    rows.push(row(&[
        "义井新城",
        "11",
        "1",
        "401",
        "140311",
        "4",
        "90.00",
        "三室两厅",
        "是",
        "抵押",
        "387000",
        "配售",
        "是",
    ]));
    rows.push(row(&[
        "南山花园",
        "4",
        "1",
        "501",
        "140303",
        "5",
        "95.00",
        "三室两厅",
        "是",
        "清晰",
        "480000",
        "配售",
        "是",
    ]));
    rows.push(row(&[
        "南山花园",
        "4",
        "1",
        "601",
        "140303",
        "6",
        "95.00",
        "三室两厅",
        "是",
        "清晰",
        "410000",
        "配租",
        "是",
    ]));
    rows
}

pub async fn seed(st: &AppState) -> ApiResult<()> {
    if !svc::companies(st).await?.is_empty() {
        return Ok(());
    }
    let company = staff(st, "company").await?;
    let city = staff(st, "city").await?;
    let today = st.clock.today();
    let day = |n: i64| (today - Duration::days(n)).to_string();
    let past = AppState {
        clock: crate::web::clock::Clock::pinned(today - Duration::days(150)),
        ..st.clone()
    };
    svc::add_company(
        &past,
        &city,
        &Company {
            id: COMPANY_ID.into(),
            name: "阳泉市安居住房投资有限公司".into(),
        },
    )
    .await?;
    for (kind, amount, on, memo) in [
        ("own_capital", "5000000", 150, "股东注资（自有资金）"),
        ("loan", "9000000", 145, "保障性住房专项贷款（单列账目）"),
        ("special_fund", "2000000", 140, "中央保障性安居工程专项资金"),
    ] {
        svc::append(
            &past,
            &company,
            COMPANY_ID,
            &EntryRequest {
                kind: kind.into(),
                amount_yuan: amount.into(),
                on: day(on),
                memo: memo.into(),
            },
        )
        .await?;
    }
    svc::take_survey(&past, &company).await?;
    for project in ["桃林苑", "南山花园", "义井新城"] {
        svc::record_cap(
            &past,
            &company,
            &CapRequest {
                project: project.into(),
                purpose: "sale".into(),
                land_yuan_per_m2: "800".into(),
                construction_yuan_per_m2: "3400".into(),
                profit_pct: "5".into(),
                appraisal_yuan_per_m2: String::new(),
                evidence: "划拨土地成本测算表（市自然资源局）；建安成本审计报告（第三方造价咨询）"
                    .into(),
            },
        )
        .await?;
    }
    svc::import_offers(&past, &company, &offer_rows()).await?;
    let plan = svc::propose(
        &past,
        &company,
        &PlanRequest {
            year: "2026".into(),
            company_id: COMPANY_ID.into(),
            own_capital_yuan: "5000000".into(),
            loans_yuan: "9000000".into(),
            special_funds_yuan: "2000000".into(),
        },
    )
    .await?;
    let version = svc::plans(st)
        .await?
        .into_iter()
        .find(|(p, _)| p.id == plan.id)
        .map(|(_, v)| v)
        .unwrap_or(0);
    svc::approve(&past, &city, &plan.id, &Approval { version }).await?;
    let purchases = svc::purchases(st).await?;
    let items = svc::checklist();
    // (days ago: negotiated, filed, notice, signed, handed over, registered)
    // The registered one first, then the overdue one, so that even a
    // small demo (few lots bought) shows both.
    let walks: [(i64, Option<i64>, Option<i64>); 4] = [
        (130, Some(100), Some(60)), // registered
        (140, Some(110), None),     // handed over 110 days ago: overdue
        (60, None, None),           // contracted, handover to come
        (100, Some(20), None),      // handed over 20 days ago: registration pending
    ];
    for ((p, _), (start, handed, registered)) in purchases.iter().zip(walks) {
        let asking = p.total_asking();
        let agreed = asking.mul_ratio_floor(98, 100);
        let company = &company;
        let step = |s: PurchaseStep| async move { svc::step(st, company, &p.id, &s).await };
        step(PurchaseStep::Negotiate {
            mode: "fixed_area_price".into(),
            shortlisted: vec![
                "阳泉市桃林置业有限公司".into(),
                "山西南山房地产开发有限公司".into(),
            ],
            on: day(start),
            offer_yuan: agreed.to_string(),
            note: "第一轮：按报价的98%成交".into(),
            agreed: true,
        })
        .await?;
        step(PurchaseStep::File {
            housing_on: day(start - 3),
            finance_on: day(start - 3),
        })
        .await?;
        step(PurchaseStep::Notice {
            start: day(start - 5),
        })
        .await?;
        step(PurchaseStep::Sign {
            on: day(start - 15),
            payment_terms: "签约付30%，交付付60%，办证后付10%".into(),
            handover_date: day(handed.unwrap_or(-30)),
            title_transfer: "交付后3个月内办理不动产转移登记".into(),
            liabilities: "逾期交付按日万分之五支付违约金".into(),
        })
        .await?;
        let Some(h) = handed else { continue };
        step(PurchaseStep::HandOver {
            on: day(h),
            items: items.clone(),
            warranty_years: 2,
        })
        .await?;
        let Some(r) = registered else { continue };
        let done = step(PurchaseStep::Register {
            on: day(r),
            certificate: format!("晋(2026)阳泉市不动产权第{:07}号", 1200 + r),
        })
        .await?;
        // One registered home into a draft allotment project, as acquired.
        let project = crate::allotment::service::create_project(
            st,
            company,
            crate::allotment::service::NewProject {
                id: "YQ-2026-03".into(),
                name: "收购房源配售项目（草稿）".into(),
                district: p.district.clone(),
                districts: vec![],
                county_seat_of: None,
            },
        )
        .await?;
        if let Some(home) = done.homes.first() {
            let price = home.price.mul_ratio_floor(105, 100);
            svc::allot(
                st,
                company,
                &p.id,
                &AllotRequest {
                    project: project.id.clone(),
                    home: home.home.clone(),
                    price_yuan: price.to_string(),
                    floor: None,
                    orientation: Some("南北".into()),
                },
            )
            .await?;
        }
    }
    Ok(())
}
