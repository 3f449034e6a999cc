//! The demo city's market: two years of monthly sales and stock for every
//! district (synthetic, labelled so: source `synthetic-demo`), yearly land
//! figures, parcels (one idle past a year, one past two), and development
//! projects with supervised pre-sale funds — all seeded through the
//! market service, as a regulator would enter them.

use anju_domain::YANGQUAN_DISTRICTS;
use anju_market::destock::Month;
use chrono::Datelike;

use super::accounts::staff;
use crate::market::service::{
    self as svc, FundRequest, LandYear, NewMarketProject, NewParcel, ProjectUpdate,
};
use crate::web::error::ApiResult;
use crate::web::AppState;

/// Each district's synthetic profile: monthly sales (m²) and the stock it
/// carries, in months of sales, so that the six districts fall in
/// different bands.
const PROFILES: [(u32, u32); 6] = [
    (9_000, 8),
    (2_500, 40),
    (4_000, 20),
    (3_000, 14),
    (2_000, 5),
    (3_500, 10),
];

/// The monthly file: 24 months ending last month.
pub fn monthly_rows(today: chrono::NaiveDate) -> Vec<Vec<String>> {
    let last = Month::of(today).minus(1);
    let mut rows = vec![anju_market::import::COLUMNS
        .iter()
        .map(|c| c.1.to_string())
        .collect::<Vec<_>>()];
    for (d, (sales, months)) in YANGQUAN_DISTRICTS.iter().zip(PROFILES) {
        for back in (0..24u32).rev() {
            let m = last.minus(back);
            // A seasonal swing (spring and autumn sell more) and a slow drift.
            let season =
                [80, 85, 110, 115, 105, 95, 90, 90, 110, 120, 105, 95][(m.month - 1) as usize];
            let sold = sales * season / 100;
            let stock = sales * months + sales * back / 12;
            rows.push(vec![
                d.code.as_str().to_string(),
                svc::RESIDENTIAL.to_string(),
                m.to_string(),
                (sold / 90).to_string(),
                format!("{sold}.00"),
                format!("{stock}.00"),
            ]);
        }
    }
    rows
}

/// Synthetic rent samples for last month: five leases and a survey answer
/// per district and home type.
fn rent_rows(today: chrono::NaiveDate) -> Vec<Vec<String>> {
    let month = Month::of(today).minus(1).to_string();
    let mut rows = vec![anju_market::rent::COLUMNS
        .iter()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()];
    for (i, d) in YANGQUAN_DISTRICTS.iter().enumerate() {
        for (t, (home_type, area)) in [("一居室", 50), ("两居室", 85), ("三居室", 120)]
            .into_iter()
            .enumerate()
        {
            for k in 0..6u32 {
                // 13–19 yuan/m², higher in the city centre, one survey answer.
                let per_m2 = 1300 + 100 * (5 - i as u32) + 40 * k + 30 * t as u32;
                rows.push(vec![
                    d.code.as_str().to_string(),
                    home_type.to_string(),
                    if k == 5 { "调查" } else { "备案" }.to_string(),
                    month.clone(),
                    format!("{area}.00"),
                    format!("{}.00", per_m2 * area / 100),
                ]);
            }
        }
    }
    rows
}

pub async fn seed(st: &AppState) -> ApiResult<()> {
    // A deployment whose city has no market rules file (Loudi) has no
    // market to show: seeding it would judge figures under no rules.
    if anju_market::rules::for_policy(&st.policy.id).is_none() {
        return Ok(());
    }
    if !st.store.market().market_monthly().await?.is_empty() {
        return Ok(());
    }
    let m = staff(st, "market").await?;
    let today = st.clock.today();
    svc::import_monthly(st, &m, &monthly_rows(today), "synthetic-demo").await?;
    for (i, d) in YANGQUAN_DISTRICTS.iter().enumerate() {
        svc::put_land_year(
            st,
            &m,
            LandYear {
                district: d.code.as_str().into(),
                year: today.year(),
                revitalised_m2: format!("{}", 8_000 + 2_000 * i),
                previous_supply_m2: format!("{}", 40_000 - 4_000 * i),
            },
        )
        .await?;
    }
    svc::import_rents(st, &m, &rent_rows(today)).await?;
    let y = today.year();
    let parcel = |id: &str,
                  name: &str,
                  district: &str,
                  above: &str,
                  supply: String,
                  start: String,
                  started: Option<String>| NewParcel {
        id: id.into(),
        name: name.into(),
        district: district.into(),
        use_code: "residential".into(),
        land_m2: "25000".into(),
        above_ground_m2: above.into(),
        residential_m2: None,
        converted_from_commercial: false,
        price_yuan: "180000000".into(),
        investment_yuan: Some("900000000".into()),
        supply_date: supply,
        contract_start: start,
        started_on: started,
        setaside_m2: None,
        setaside_units: None,
    };
    svc::add_parcel(
        st,
        &m,
        parcel(
            "YQ-G01",
            "城区桃河北岸地块（已动工）",
            "140302",
            "75000",
            format!("{}-03-10", y - 2),
            format!("{}-06-01", y - 2),
            Some(format!("{}-05-20", y - 2)),
        ),
    )
    .await?;
    svc::add_parcel(
        st,
        &m,
        parcel(
            "YQ-G02",
            "郊区义井地块（闲置满1年）",
            "140311",
            "42000",
            format!("{}-01-15", y - 1),
            format!("{}-04-01", y - 1),
            None,
        ),
    )
    .await?;
    svc::add_parcel(
        st,
        &m,
        parcel(
            "YQ-G03",
            "矿区赛鱼地块（闲置满2年）",
            "140303",
            "38000",
            format!("{}-08-01", y - 3),
            format!("{}-10-01", y - 3),
            None,
        ),
    )
    .await?;
    svc::add_parcel(
        st,
        &m,
        parcel(
            "YQ-G04",
            "城区南山路地块（新出让）",
            "140302",
            "56000",
            format!("{y}-09-01"),
            format!("{}-03-01", y + 1),
            None,
        ),
    )
    .await?;

    let project = |id: &str,
                   name: &str,
                   district: &str,
                   dev: &str,
                   code: &str,
                   grade: &str,
                   inv: &str,
                   area: &str| NewMarketProject {
        id: id.into(),
        name: name.into(),
        district: district.into(),
        developer: dev.into(),
        credit_code: code.into(),
        grade: Some(grade.into()),
        investment_yuan: inv.into(),
        counted_m2: area.into(),
    };
    let ps = [
        (
            project(
                "KF-2025-01",
                "桃河湾花园",
                "140302",
                "阳泉桃河置业有限公司",
                "91140300MA0K00001H",
                "A",
                "3200000000",
                "120000",
            ),
            "topped",
            150_000_000,
            60_000_000,
        ),
        (
            project(
                "KF-2025-02",
                "南山名苑",
                "140311",
                "阳泉南山房地产开发有限公司",
                "91140300MA0K00002L",
                "B",
                "1200000000",
                "60000",
            ),
            "half",
            100_000_000,
            25_000_000,
        ),
        (
            project(
                "KF-2026-01",
                "赛鱼新城",
                "140303",
                "阳泉赛鱼建设有限公司",
                "91140300MA0K00003P",
                "C",
                "450000000",
                "30000",
            ),
            "foundation",
            20_000_000,
            0,
        ),
    ];
    for (p, node, deposit, release) in ps {
        let (d, id) = (p.district.clone(), p.id.clone());
        svc::add_project(st, &m, p).await?;
        let detail = svc::update_project(
            st,
            &m,
            &d,
            &id,
            ProjectUpdate {
                grade: None,
                node: Some(node.into()),
                stage: None,
                risk: None,
                version: 1,
            },
        )
        .await?;
        let mut v = detail.project.version;
        let fund = |kind: &str, yuan: i64, version: i64| FundRequest {
            kind: kind.into(),
            amount_yuan: yuan.to_string(),
            note: "演示数据".into(),
            version,
        };
        v = svc::fund_entry(st, &m, &d, &id, fund("deposit", deposit, v))
            .await?
            .project
            .version;
        if release > 0 {
            v = svc::fund_entry(st, &m, &d, &id, fund("release", release, v))
                .await?
                .project
                .version;
        }
        // A bank guarantee only where the city's rules allow one (Ordos's
        // 六（四）); Yangquan's documents set none, so its demo has none.
        if id == "KF-2025-02" && svc::rules(st)?.has_param("guarantee_max_percent") {
            svc::fund_entry(st, &m, &d, &id, fund("guarantee", 10_000_000, v)).await?;
        }
    }
    Ok(())
}
