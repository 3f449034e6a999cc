//! The province indicator dashboard: the Shanxi plan's indicator table as
//! targets (`anju_subsidies::indicators`), actual figures per city and year
//! imported from a spreadsheet by the city housing bureau (row-level errors;
//! good rows are kept, bad ones reported, none dropped silently), progress,
//! and an XLSX export. Public read-only.

use anju_domain::Role;
use anju_store::ActualRow;
use anju_subsidies::indicators::{self, Actual, Progress};
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::sheets::{sheet, upload_rows, SheetStyle};
use crate::web::AppState;

/// The dashboard, for one city or the whole province.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Dashboard {
    pub source: &'static str,
    pub first_year: i32,
    pub last_year: i32,
    /// The city shown, or null for the province.
    pub city: Option<String>,
    /// Cities with figures.
    pub cities: Vec<String>,
    /// Some figures are the demo's samples, not reported ones.
    pub includes_samples: bool,
    pub progress: Vec<Progress>,
    /// What anju's own records give for the deployment's city, beside the
    /// imported figures (never added into them); null when another city
    /// is shown.
    pub own: Option<OwnFigures>,
}

/// Figures anju computes from its own records, per year.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnFigures {
    /// The deployment's city.
    pub city: String,
    pub years: Vec<OwnYear>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct OwnYear {
    pub year: i32,
    /// Affordable homes sold: sale contracts signed (allotment).
    pub affordable_sold: u64,
    /// Existing homes acquired: title registered to the company
    /// (acquisition).
    pub acquired_registered: u64,
    /// Rental homes let: first leases started (rentals; renewals not
    /// counted again).
    pub rentals_leased: u64,
}

/// Where each own figure comes from, for the page's labels.
pub const OWN_SOURCES: [(&str, &str); 3] = [
    (
        "anju 配售合同记录（签约日期）",
        "anju's sale contracts (signing day)",
    ),
    (
        "anju 收购项目记录（不动产登记日期）",
        "anju's acquisitions (title registration day)",
    ),
    (
        "anju 租赁合同记录（首次起租日期，续租不重复计）",
        "anju's leases (first lease start; renewals not counted again)",
    ),
];

/// The own figures from `FIRST_YEAR` to this year; a year before this one
/// with nothing recorded is left out.
pub async fn own_figures(st: &AppState) -> ApiResult<OwnFigures> {
    use chrono::Datelike;
    let dates = st.store.subsidies().ind_own_dates().await?;
    let acquired = crate::acquisition::interface::registered_homes(st).await?;
    let this_year = st.clock.today().year();
    let count =
        |ds: &[chrono::NaiveDate], y: i32| ds.iter().filter(|d| d.year() == y).count() as u64;
    let years = (indicators::FIRST_YEAR..=this_year.max(indicators::FIRST_YEAR))
        .rev()
        .map(|y| OwnYear {
            year: y,
            affordable_sold: count(&dates.contracts_signed, y),
            acquired_registered: acquired
                .iter()
                .filter(|(d, _)| d.year() == y)
                .map(|(_, n)| n)
                .sum(),
            rentals_leased: count(&dates.leases_started, y),
        })
        .filter(|o| {
            o.year == this_year || o.affordable_sold + o.acquired_registered + o.rentals_leased > 0
        })
        .collect();
    Ok(OwnFigures {
        city: crate::web::forms::deployment_city(&st.policy).to_owned(),
        years,
    })
}

pub async fn view(st: &AppState, city: Option<&str>) -> ApiResult<Dashboard> {
    let rows = st.store.subsidies().ind_actuals().await?;
    let mut cities: Vec<String> = rows.iter().map(|r| r.city.clone()).collect();
    cities.sort();
    cities.dedup();
    let city = city.filter(|c| !c.is_empty()).map(str::to_owned);
    let chosen: Vec<&ActualRow> = rows
        .iter()
        .filter(|r| city.as_ref().is_none_or(|c| *c == r.city))
        .collect();
    let actuals: Vec<Actual> = chosen
        .iter()
        .filter_map(|r| {
            Some(Actual {
                city: r.city.clone(),
                year: i32::try_from(r.year).ok()?,
                indicator: r.indicator.clone(),
                value_milli: r.value_milli,
            })
        })
        .collect();
    let own = own_figures(st).await?;
    let own = city.as_ref().is_none_or(|c| *c == own.city).then_some(own);
    Ok(Dashboard {
        own,
        source: indicators::SOURCE,
        first_year: indicators::FIRST_YEAR,
        last_year: indicators::LAST_YEAR,
        includes_samples: chosen.iter().any(|r| r.sample),
        progress: indicators::progress(&actuals),
        cities,
        city,
    })
}

/// One refused row of an import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ImportError {
    /// 1-based, as the spreadsheet numbers it.
    pub row: usize,
    pub column: usize,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
#[schema(as = IndicatorImportReport)]
pub struct ImportReport {
    pub rows: usize,
    pub imported: usize,
    pub errors: Vec<ImportError>,
}

pub fn may_import(user: &CurrentUser) -> ApiResult<()> {
    if user.user.role == Role::CityBureau {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "只有住建部门可以导入指标实际值 (only the housing bureau imports indicator figures)",
        ))
    }
}

/// Imports `body` (XLSX or CSV: 城市, 年份, 指标编号, 实际值; a first row
/// starting with 城市 is the header). `sample` marks demo figures.
pub async fn import(
    st: &AppState,
    user: &CurrentUser,
    body: &[u8],
    sample: bool,
) -> ApiResult<ImportReport> {
    may_import(user)?;
    let rows = upload_rows(body)?;
    let mut good = Vec::new();
    let mut errors = Vec::new();
    let mut seen = 0;
    for (i, cells) in rows.iter().enumerate() {
        let first = cells.first().map(|c| c.trim()).unwrap_or("");
        if i == 0 && (first == "城市" || first.eq_ignore_ascii_case("city")) {
            continue;
        }
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        seen += 1;
        match indicators::parse_row(cells) {
            Ok(a) => good.push(ActualRow {
                city: a.city,
                year: i64::from(a.year),
                indicator: a.indicator,
                value_milli: a.value_milli,
                sample,
            }),
            Err(e) => errors.push(ImportError {
                row: i + 1,
                column: e.column(),
                message: e.to_string(),
            }),
        }
    }
    if !good.is_empty() {
        let now = st.clock.now();
        let a = audit(
            user,
            now,
            "indicators.import".into(),
            "indicators".into(),
            json!({ "rows": good.len(), "errors": errors.len(), "sample": sample }),
        );
        st.store
            .subsidies()
            .ind_import(&good, &now.to_string(), a)
            .await?;
    }
    Ok(ImportReport {
        rows: seen,
        imported: good.len(),
        errors,
    })
}

/// The dashboard as a workbook: the progress table, then every figure in
/// the import's own columns (so the lower part can be edited and imported
/// again).
pub async fn export(st: &AppState, city: Option<&str>) -> ApiResult<Vec<u8>> {
    let d = view(st, city).await?;
    let m = indicators::fmt_milli;
    let mut rows: Vec<Vec<String>> = vec![vec![
        "指标分类".into(),
        "指标名称".into(),
        "目标（规划原文）".into(),
        "单位".into(),
        "指标属性".into(),
        "实际".into(),
        "完成进度".into(),
    ]];
    for p in &d.progress {
        rows.push(vec![
            p.indicator.group.into(),
            p.indicator.name.into(),
            p.indicator.printed.into(),
            p.indicator.unit.into(),
            nature_zh(p.indicator.nature).into(),
            m(p.actual_milli),
            format!("{}%", m(p.progress_bp * 10)),
        ]);
    }
    rows.push(vec![]);
    rows.push(vec![
        "城市".into(),
        "年份".into(),
        "指标编号".into(),
        "实际值".into(),
    ]);
    for r in st.store.subsidies().ind_actuals().await? {
        if city.is_some_and(|c| !c.is_empty() && c != r.city) {
            continue;
        }
        rows.push(vec![
            r.city,
            r.year.to_string(),
            r.indicator,
            m(r.value_milli),
        ]);
    }
    sheet(
        &rows,
        SheetStyle::Header,
        &[(0, 18.0), (1, 40.0), (2, 16.0)],
    )
}

pub fn nature_zh(n: Option<indicators::Nature>) -> &'static str {
    match n {
        Some(indicators::Nature::Expected) => "预期性",
        Some(indicators::Nature::Binding) => "约束性",
        None => "",
    }
}
