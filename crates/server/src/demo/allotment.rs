//! The demo city's allotment: one project whose plan the city housing
//! bureau has approved and the company has published (so a newcomer can
//! open a round, draw, call families and sign in the browser), and one
//! county-seat project of acquired homes waiting for the bureau's approval.
//! Everything goes through `allot_service`, as real use would.

use anju_allotment::{AbsentRule, Fen, PlanStep, PlanTerms, RoundWindow};
use chrono::Duration;

use super::accounts::staff;
use crate::allotment::service::{self as svc, NewProject, PlanRequest};
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

pub(super) fn terms(
    name: &str,
    location: &str,
    guided: u64,
    today: chrono::NaiveDate,
) -> PlanTerms {
    PlanTerms {
        name: name.into(),
        location: location.into(),
        guided_price_per_m2: Fen::new(guided * 100),
        sale_method: "公开摇号、按序选房（线上线下结合）".into(),
        lottery_rules: "入围名单冻结后公布其SHA-256承诺值；摇号时由公证员现场录入随机值，与承诺值共同生成种子，按本站“摇号规则”页（/lottery）公布的算法（ChaCha20 + Fisher–Yates）确定顺序，任何人可用公布的文件复核。困难退役军人、残疾人家庭、基层一线紧缺从业人员在本轮优先选房（本方案的摇号规则，阳政办发〔2026〕2号 第十五条）。".into(),
        schedule: (1..=3u8)
            .map(|r| {
                let start = today + Duration::days(31 * i64::from(r - 1));
                RoundWindow { round: r, opens: start, closes: start + Duration::days(30) }
            })
            .collect(),
        buyback_terms: "购房家庭有第十九条所列情形需退出的，应在提出申请30日内退出（第二十条），由收购主体按第三方评估价格回购，自行装修及添附不予补偿（第二十一条）。".into(),
        absent_rule: AbsentRule::CallAgainAtEnd,
        signing_days: 15,
        min_down_payment_percent: 20,
    }
}

fn row(cells: &[String]) -> Vec<String> {
    cells.to_vec()
}

fn s(v: impl ToString) -> String {
    v.to_string()
}

pub async fn seed(st: &AppState) -> ApiResult<()> {
    if !st.store.allotment().allot_projects().await?.is_empty() {
        return Ok(());
    }
    let company = staff(st, "company").await?;
    let city = staff(st, "city").await?;
    let today = st.clock.today();
    let header: Vec<String> = anju_allotment::HOME_COLUMNS
        .iter()
        .map(|c| c.1.to_string())
        .collect();

    // Project 1: new-build homes in 城区, published.
    let p = svc::create_project(
        st,
        &company,
        NewProject {
            id: "YQ-2026-01".into(),
            name: "阳泉市城区保障性住房一期".into(),
            district: "140302".into(),
            districts: vec!["140303".into(), "140311".into()],
            county_seat_of: None,
        },
    )
    .await?;
    let mut rows = vec![header.clone()];
    for building in 1..=2 {
        for floor in 2..=7 {
            for (n, area, layout, price) in [
                (1, "89.56", "三室两厅一卫", "376000"),
                (2, "76.20", "两室两厅一卫", "320000"),
            ] {
                rows.push(row(&[
                    s(building),
                    s(1),
                    s(floor),
                    format!("{floor}0{n}"),
                    s(area),
                    s(layout),
                    s("南北"),
                    s("新建"),
                    String::new(),
                    s(price),
                ]));
            }
        }
    }
    let p = import_demo_homes(st, &company, &p.id, &rows).await?;
    let p = svc::save_plan(
        st,
        &company,
        &p.id,
        PlanRequest {
            terms: terms(
                "阳泉市城区保障性住房一期",
                "阳泉市城区义井街道南庄路18号",
                4200,
                today,
            ),
            version: p.version,
        },
    )
    .await?;
    let p = svc::plan_step(st, &company, &p.id, PlanStep::Submit, p.version).await?;
    let p = svc::plan_step(st, &city, &p.id, PlanStep::Approve, p.version).await?;
    svc::plan_step(st, &company, &p.id, PlanStep::Publish, p.version).await?;

    // Project 2: acquired existing homes in 平定县城 (001 art. 11 county-seat
    // families may buy here), submitted for approval.
    let p = svc::create_project(
        st,
        &company,
        NewProject {
            id: "PD-2026-01".into(),
            name: "平定县县城收购房源项目".into(),
            district: "140321".into(),
            districts: vec![],
            county_seat_of: Some("140321".into()),
        },
    )
    .await?;
    let mut rows = vec![header];
    for floor in 3..=6 {
        for (n, area, cost, price) in [
            (1, "88.00", "300000", "315000"),
            (2, "72.50", "246000", "258300"),
        ] {
            rows.push(row(&[
                s(3),
                s(2),
                s(floor),
                format!("{floor}0{n}"),
                s(area),
                s("两室两厅一卫"),
                s("南"),
                s("收购"),
                s(cost),
                s(price),
            ]));
        }
    }
    let p = import_demo_homes(st, &company, &p.id, &rows).await?;
    let p = svc::save_plan(
        st,
        &company,
        &p.id,
        PlanRequest {
            terms: terms(
                "平定县县城收购房源项目",
                "平定县冠山镇新城街6号",
                3800,
                today,
            ),
            version: p.version,
        },
    )
    .await?;
    svc::plan_step(st, &company, &p.id, PlanStep::Submit, p.version).await?;
    Ok(())
}

/// Imports a demo project's homes; a row the importer refuses is an error
/// here (the demo must never lose a home silently). Returns the project as
/// it now stands.
pub(super) async fn import_demo_homes(
    st: &AppState,
    company: &crate::web::auth::CurrentUser,
    project_id: &str,
    rows: &[Vec<String>],
) -> ApiResult<anju_store::ProjectRecord> {
    let f = svc::import_homes(st, company, project_id, rows).await?;
    if !f.errors.is_empty() {
        return Err(ApiError::internal(format!(
            "demo homes of {project_id}: {:?}",
            f.errors
        )));
    }
    svc::load_project(st, Some(company), project_id).await
}
