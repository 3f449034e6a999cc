//! The demo city's rentals — only where the city's documents regulate
//! renting (Loudi; a Yangquan demo has none and its pages say so). Homes
//! of 郊区 (140311) with dated market-rent evidence, offers to the
//! district's waiting families in order (the `family-tenant` account's
//! family, a priority family, first), and leases in every state: in force
//! and paid, in force with arrears, renewed, leaving, overstaying, ended,
//! and ended as a serious case with the family on the dishonesty list.
//! Everything goes through the services, as real use would.

use chrono::{Datelike, Duration, Months, NaiveDate};
use serde_json::json;

use anju_domain::StatusKind;

use super::accounts::staff;
use super::applications::{household, walk, Rng};
use crate::rentals::service::{
    self as svc, AnswerRequest, ChargeRequest, CloseRequest, ExitRequest, NewHomeRequest,
    OfferRequest, PaymentRequest, RenewRequest, SurveyRequest,
};
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

const D: &str = "140311";

/// The homes: (number, address, area, layout, source, market rent yuan/m²).
const HOMES: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "ZF-0311-0101",
        "郊区康乐路8号1栋101",
        "89.50",
        "两室一厅",
        "acquired",
        "18.50",
    ),
    (
        "ZF-0311-0102",
        "郊区康乐路8号1栋102",
        "72.30",
        "两室一厅",
        "acquired",
        "18.50",
    ),
    (
        "ZF-0311-0201",
        "郊区康乐路8号2栋201",
        "95.00",
        "三室一厅",
        "acquired",
        "19.00",
    ),
    (
        "ZF-0311-0202",
        "郊区康乐路8号2栋202",
        "64.80",
        "一室一厅",
        "moved_from_sale",
        "17.60",
    ),
    (
        "ZF-0311-0301",
        "郊区和平街12号301",
        "110.20",
        "三室两厅",
        "acquired",
        "20.20",
    ),
    (
        "ZF-0311-0302",
        "郊区和平街12号302",
        "86.40",
        "两室一厅",
        "acquired",
        "19.80",
    ),
    (
        "ZF-0311-0401",
        "郊区和平街12号401",
        "78.00",
        "两室一厅",
        "moved_from_sale",
        "18.20",
    ),
    (
        "ZF-0311-0402",
        "郊区和平街12号402",
        "90.60",
        "两室一厅",
        "acquired",
        "18.80",
    ),
    (
        "ZF-0311-0501",
        "郊区和平街12号501",
        "70.00",
        "两室一厅",
        "acquired",
        "18.00",
    ),
];

/// `n` more families of 郊区 walked to qualified (numbered from `from`):
/// the demo's tenants however few households it has, and two still
/// waiting after the leases (one home, ZF-0311-0501, stays available).
async fn waiting_families(st: &AppState, from: usize, n: usize) -> ApiResult<()> {
    let today = st.clock.today();
    let district =
        anju_domain::DistrictCode::parse(D).map_err(|e| ApiError::internal(e.to_string()))?;
    let past = AppState {
        clock: crate::web::clock::Clock::pinned(today - Duration::days(20)),
        ..st.clone()
    };
    for i in from..from + n {
        let mut h = household(&mut Rng(950 + i as u64), 2100 + i, &district);
        h["id"] = json!(format!("demo-waiting-{i}"));
        h["members"][0]["resident"] = json!(true);
        h["members"][0]["annual_income_yuan"] = json!(32_000);
        h["housing"] = json!({"owned_homes": 0, "owned_floor_area_m2": 0});
        h["history"] = json!({});
        h["current_benefits"] = json!([]);
        walk(&past, st, &h, &district, StatusKind::Qualified, None).await?;
    }
    Ok(())
}

/// The tenant account's family: a priority family of 郊区 walked to
/// qualified a month ago.
async fn tenant_family(st: &AppState) -> ApiResult<()> {
    let today = st.clock.today();
    let district =
        anju_domain::DistrictCode::parse(D).map_err(|e| ApiError::internal(e.to_string()))?;
    let past = AppState {
        clock: crate::web::clock::Clock::pinned(today - Duration::days(30)),
        ..st.clone()
    };
    let mut h = household(&mut Rng(900), 2000, &district);
    h["id"] = json!("demo-tenant");
    h["members"][0]["resident"] = json!(true);
    h["members"][0]["annual_income_yuan"] = json!(30_000);
    h["housing"] = json!({"owned_homes": 0, "owned_floor_area_m2": 0});
    h["history"] = json!({});
    h["current_benefits"] = json!([]);
    h["special"] = json!(["disabled"]);
    walk(
        &past,
        st,
        &h,
        &district,
        StatusKind::Qualified,
        Some("family-tenant"),
    )
    .await
}

fn months_back(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(n)).unwrap_or(d)
}

async fn lease_for(
    st: &AppState,
    company: &CurrentUser,
    home: &str,
    starts_on: NaiveDate,
    cycle: &str,
) -> ApiResult<Option<String>> {
    let list = svc::candidates(st, company, D).await?;
    let Some(first) = list.first() else {
        return Ok(None);
    };
    let o = svc::offer(
        st,
        company,
        OfferRequest {
            home_id: home.into(),
            application_id: first.family.application_id.clone(),
        },
    )
    .await?;
    let l = svc::answer(
        st,
        company,
        &o.id,
        AnswerRequest {
            accept: true,
            starts_on: Some(starts_on.to_string()),
            cycle: Some(cycle.into()),
            years: None,
            deposit_yuan: Some("1000".into()),
            note: Some("到场签约（演示）".into()),
        },
    )
    .await?;
    Ok(l.map(|l| l.id))
}

/// Pays every charge of a lease, or all but the last `leave` of them.
async fn pay_all_but(
    st: &AppState,
    company: &CurrentUser,
    lease: &str,
    leave: usize,
) -> ApiResult<()> {
    let rows = st.store.rentals().rent_ledger(lease).await?;
    let charges: Vec<_> = rows.iter().filter(|r| r.kind == "charge").collect();
    let n = charges.len().saturating_sub(leave);
    let today = st.clock.today();
    for (i, c) in charges.iter().take(n).enumerate() {
        let on = c.due_on.unwrap_or(c.on_date).min(today);
        svc::pay(
            st,
            company,
            lease,
            PaymentRequest {
                amount_yuan: svc::yuan(c.amount_fen),
                paid_on: Some((on - Duration::days(2)).max(c.on_date).to_string()),
                reference: Some(format!("YH{}{:03}", on.format("%Y%m%d"), i)),
            },
        )
        .await?;
    }
    Ok(())
}

pub async fn seed(st: &AppState) -> ApiResult<()> {
    if !svc::has_rules(st) {
        return Ok(());
    }
    if !st.store.rentals().rent_homes().await?.is_empty() {
        return Ok(());
    }
    let company = staff(st, "company").await?;
    let today = st.clock.today();
    if let Err(e) = tenant_family(st).await {
        eprintln!("demo: the tenant family stopped early: {}", e.message);
    }
    if let Err(e) = waiting_families(st, 0, 8).await {
        eprintln!("demo: the tenants stopped early: {}", e.message);
    }
    let surveyed = months_back(today, 40);
    for (id, addr, area, rooms, source, rent) in HOMES {
        svc::add_home(
            st,
            &company,
            NewHomeRequest {
                id: (*id).into(),
                district: D.into(),
                address: (*addr).into(),
                area_m2: (*area).into(),
                rooms: (*rooms).into(),
                source: (*source).into(),
                approval_ref: (*source == "moved_from_sale")
                    .then(|| "娄政函〔2025〕88号（演示）".into()),
                pool_ref: None,
                purchase_yuan: (*source == "acquired").then(|| "520000".into()),
                appraisal_yuan: (*source == "acquired").then(|| "548000".into()),
                survey: SurveyRequest {
                    effective_from: Some(surveyed.to_string()),
                    surveyed_on: surveyed.to_string(),
                    method: "survey".into(),
                    source: "娄底某房地产估价有限公司（演示）".into(),
                    comparables: "康乐小区3栋502，88㎡，1650元/月\n和平花园1栋301，92㎡，1780元/月\n新华苑2栋402，85㎡，1560元/月".into(),
                    rent_per_m2_yuan: (*rent).into(),
                },
            },
        )
        .await?;
    }
    // A newer survey of one home: the rent of leases signed from now on.
    svc::add_survey(
        st,
        &company,
        "ZF-0311-0501",
        SurveyRequest {
            effective_from: Some(months_back(today, 2).to_string()),
            surveyed_on: months_back(today, 2).to_string(),
            method: "appraisal".into(),
            source: "娄底某房地产估价有限公司（演示）".into(),
            comparables: "和平花园2栋601，70㎡，1330元/月\n新华苑1栋203，72㎡，1390元/月".into(),
            rent_per_m2_yuan: "19.20".into(),
        },
    )
    .await?;

    // Leases, each to the next family in order (the tenant's first).
    let three_years_ago = months_back(today, 36);
    let plan: [(&str, NaiveDate, &str); 8] = [
        ("ZF-0311-0101", months_back(today, 8), "monthly"), // tenant: in force, last month unpaid
        ("ZF-0311-0102", months_back(today, 7), "quarterly"), // arrears
        (
            "ZF-0311-0201",
            three_years_ago + Duration::days(20),
            "monthly",
        ), // renewed
        ("ZF-0311-0202", months_back(today, 14), "monthly"), // leaving
        (
            "ZF-0311-0301",
            three_years_ago - Duration::days(60),
            "monthly",
        ), // overstaying
        ("ZF-0311-0302", months_back(today, 20), "monthly"), // ended, serious
        ("ZF-0311-0401", months_back(today, 30), "quarterly"), // ended
        ("ZF-0311-0402", months_back(today, 3), "monthly"), // in force, paid
    ];
    let mut ids = Vec::new();
    for (home, start, cycle) in plan {
        match lease_for(st, &company, home, start, cycle).await? {
            Some(id) => ids.push(id),
            None => break,
        }
    }
    let id = |i: usize| ids.get(i).cloned();
    // Exit notices before the months are charged.
    let notice = |ground: &str, on: NaiveDate, why: &str| ExitRequest {
        ground: ground.into(),
        notified_on: Some(on.to_string()),
        reason: why.into(),
    };
    if let Some(l) = id(3) {
        svc::exit_notice(
            st,
            &company,
            &l,
            notice(
                "ineligible",
                today - Duration::days(10),
                "年度核查：家庭已购买商品住房，不再符合保障条件（演示）",
            ),
        )
        .await?;
    }
    if let Some(l) = id(4) {
        let ends = st
            .store
            .rentals()
            .rent_lease(&l)
            .await?
            .map(|x| x.ends_on)
            .unwrap_or(today);
        svc::exit_notice(
            st,
            &company,
            &l,
            notice("lease_ended", ends, "租赁期满未申请续租（演示）"),
        )
        .await?;
    }
    if let Some(l) = id(5) {
        svc::exit_notice(
            st,
            &company,
            &l,
            notice(
                "misuse",
                today - Duration::days(40),
                "社区走访：房屋整体转租给他人经营（演示）",
            ),
        )
        .await?;
    }
    if let Some(l) = id(6) {
        svc::exit_notice(
            st,
            &company,
            &l,
            notice(
                "ineligible",
                today - Duration::days(35),
                "家庭收入超过标准（演示）",
            ),
        )
        .await?;
    }
    // Every month's rent, from the oldest lease's first month to this one.
    let mut m = months_back(today, 40).with_day(1).unwrap_or(today);
    while m <= today {
        svc::charge_month(
            st,
            &company,
            ChargeRequest {
                month: m.format("%Y-%m").to_string(),
            },
        )
        .await?;
        m = m
            .checked_add_months(Months::new(1))
            .unwrap_or(today + Duration::days(1));
    }
    // Payments: the tenant leaves the last month; the arrears lease paid
    // its first quarter only; the overstaying family stopped paying at
    // the end of its lease; the others paid everything.
    for (i, leave) in [
        (0, 1),
        (1, usize::MAX),
        (2, 0),
        (3, 0),
        (4, 0),
        (5, 0),
        (6, 0),
        (7, 0),
    ] {
        if let Some(l) = id(i) {
            if leave == usize::MAX {
                let first = st.store.rentals().rent_ledger(&l).await?;
                let n = first.iter().filter(|r| r.kind == "charge").count();
                pay_all_but(st, &company, &l, n.saturating_sub(1)).await?;
            } else {
                pay_all_but(st, &company, &l, leave).await?;
            }
        }
    }
    if let Some(l) = id(1) {
        svc::adjust(
            st,
            &company,
            &l,
            crate::rentals::service::AdjustmentRequest {
                amount_yuan: "-200".into(),
                reason: "入住初期维修期间减免（演示）".into(),
                approver: "王经理".into(),
            },
        )
        .await?;
    }
    // The renewal: the lease ends in 19 days; the family still qualifies.
    if let Some(l) = id(2) {
        if let Err(e) = svc::renew(st, &company, &l, RenewRequest::default()).await {
            eprintln!("demo: renewal refused: {}", e.message);
        }
    }
    if let Err(e) = waiting_families(st, 8, 2).await {
        eprintln!("demo: the waiting families stopped early: {}", e.message);
    }
    // Closings: a serious case (sublet) and an ordinary one.
    if let Some(l) = id(5) {
        svc::close(
            st,
            &company,
            &l,
            CloseRequest {
                vacated_on: Some((today - Duration::days(2)).to_string()),
                serious: Some("sublet".into()),
                confirm: true,
            },
        )
        .await?;
    }
    if let Some(l) = id(6) {
        svc::close(
            st,
            &company,
            &l,
            CloseRequest {
                vacated_on: Some((today - Duration::days(20)).to_string()),
                serious: None,
                confirm: true,
            },
        )
        .await?;
    }
    Ok(())
}
