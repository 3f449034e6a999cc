//! Monthly figures and destocking periods, the land-supply decision,
//! parcels (idle land, set-asides) and the plot-ratio calculator.

use std::collections::BTreeMap;

use anju_market::destock::{self, Month, MonthFigures, Period};
use anju_market::import::{self, RowError};
use anju_market::land::{self, LandDecision, LandInput};
use anju_market::parcel::{self, Idle, SetAside, SetAsideInput};
use anju_market::plot::{self, Counted, Schedule};
use anju_market::{Area, Check, Explained, Fen};
use anju_store::{LandYearRecord, MonthlyRecord, ParcelRecord};
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::common::*;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

// ------------------------------------------------------------ monthly figures

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub struct MonthlyImport {
    /// Data rows read.
    pub read: usize,
    /// Rows saved (new plus replaced).
    pub saved: usize,
    pub added: u32,
    pub replaced: u32,
    pub errors: Vec<RowError>,
}

pub async fn import_monthly(
    st: &AppState,
    user: &CurrentUser,
    rows: &[Vec<String>],
    source: &str,
) -> ApiResult<MonthlyImport> {
    may_write(user)?;
    let f = import::parse(rows, known_district)
        .map_err(|e| ApiError::bad_request("invalid_market_file", e.to_string()).field("file"))?;
    let now = st.clock.now().to_string();
    let recs: Vec<MonthlyRecord> = f
        .rows
        .iter()
        .map(|r| MonthlyRecord {
            district: r.district.clone(),
            housing_type: r.housing_type.clone(),
            month: r.month.to_string(),
            sales_units: r.sales_units,
            sales_area: r.sales_area.0,
            inventory_area: r.inventory_area.0,
            source: source.to_string(),
            imported_at: now.clone(),
            imported_by: user.user.username.clone(),
        })
        .collect();
    let (added, replaced) = if recs.is_empty() {
        (0, 0)
    } else {
        st.store
            .market()
            .market_import_monthly(
                &recs,
                draft(user, st, "market.monthly_import", "market:monthly".into(), json!({
                    "source": source, "read": f.read, "rows_with_errors": f.errors.iter().map(|e| e.row).collect::<std::collections::BTreeSet<_>>().len(),
                })),
            )
            .await?
    };
    Ok(MonthlyImport {
        read: f.read,
        saved: recs.len(),
        added,
        replaced,
        errors: f.errors,
    })
}

/// One district and housing type's destocking series.
#[derive(Debug, Serialize, ToSchema)]
pub struct DestockSeries {
    pub district: String,
    pub district_name: String,
    pub housing_type: String,
    pub window: u32,
    pub periods: Vec<PeriodRow>,
}

/// One month of it, with its inputs and (for housing) the land-supply band.
#[derive(Debug, Serialize, ToSchema)]
pub struct PeriodRow {
    #[serde(flatten)]
    pub period: Period,
    pub sales_area: Area,
    pub sales_units: i64,
    /// The band of the city's rule (residential only, when computed).
    pub band: Option<String>,
    pub band_label: Option<String>,
}

/// Every district's series, by district and type.
pub async fn destocking(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<DestockSeries>> {
    may_read(user)?;
    published_destocking(st).await
}

/// The same, published to anyone: Ordos's 002 一（一） has the housing bureau
/// publish each district's period; for Yangquan publication is anju's
/// transparency choice (docs/market.md). The figures are aggregates (no
/// one's data).
pub async fn published_destocking(st: &AppState) -> ApiResult<Vec<DestockSeries>> {
    let rules = rules(st)?;
    let all = st.store.market().market_monthly().await?;
    let mut groups: BTreeMap<(String, String), Vec<&MonthlyRecord>> = BTreeMap::new();
    for r in &all {
        groups
            .entry((r.district.clone(), r.housing_type.clone()))
            .or_default()
            .push(r);
    }
    let mut out = Vec::new();
    for ((district, housing_type), rows) in groups {
        let figs: Vec<MonthFigures> = rows
            .iter()
            .filter_map(|r| {
                Some(MonthFigures {
                    month: Month::parse(&r.month)?,
                    sales: Area(r.sales_area),
                    inventory: Area(r.inventory_area),
                })
            })
            .collect();
        let last = figs.iter().map(|f| f.month).max();
        let as_of = last.map_or(st.clock.today(), |m| m.last_day());
        let window = rules
            .param("destocking_window_months", as_of)
            .map_err(rules_error)?
            .value
            .clamp(1, 120) as u32;
        let mut periods = Vec::new();
        for p in destock::series(&figs, window) {
            let rec = rows.iter().find(|r| r.month == p.month.to_string());
            let band = if housing_type == RESIDENTIAL {
                band_of(rules, &p)?
            } else {
                None
            };
            periods.push(PeriodRow {
                sales_area: rec.map_or(Area::ZERO, |r| Area(r.sales_area)),
                sales_units: rec.map_or(0, |r| r.sales_units),
                band: band.as_ref().map(|b| b.0.clone()),
                band_label: band.map(|b| b.1),
                period: p,
            });
        }
        out.push(DestockSeries {
            district_name: district_name(&district, false),
            district,
            housing_type,
            window,
            periods,
        });
    }
    Ok(out)
}

fn band_of(rules: &anju_market::MarketRules, p: &Period) -> ApiResult<Option<(String, String)>> {
    let input = LandInput {
        period: p.months,
        revitalised: Area::ZERO,
        supplied: Area::ZERO,
        last_year: Area::ZERO,
        proposed: None,
    };
    Ok(land::decide(rules, p.month.last_day(), &input)
        .map_err(rules_error)?
        .map(|d| (d.outcome.band, d.outcome.label)))
}

// ------------------------------------------------------------ land supply

/// A decision with the figures it used.
#[derive(Debug, Serialize, ToSchema)]
pub struct LandDecisionJson {
    pub district: String,
    pub year: i32,
    /// The month whose period decided (the latest on record in the year).
    pub month: Option<String>,
    pub period: Option<Period>,
    pub revitalised: Area,
    pub supplied: Area,
    pub last_year: Area,
    /// `None` when the period could not be computed (not enough data).
    pub decision: Option<LandDecision>,
    pub checks: Vec<Check>,
    pub rules: String,
}

pub async fn land_decision(
    st: &AppState,
    user: &CurrentUser,
    district: &str,
    year: i32,
    proposed: Option<Area>,
) -> ApiResult<LandDecisionJson> {
    may_read(user)?;
    if !known_district(district) {
        return Err(bad(
            "district",
            format!("县区代码“{district}”不是本市的县区 (not a district of this city)"),
        ));
    }
    if !(2000..=2100).contains(&year) {
        return Err(bad(
            "year",
            "年份应在2000至2100之间 (year must be 2000 to 2100)".into(),
        ));
    }
    let rules = rules(st)?;
    let m = st.store.market();
    let all = m.market_monthly().await?;
    let figs: Vec<MonthFigures> = all
        .iter()
        .filter(|r| r.district == district && r.housing_type == RESIDENTIAL)
        .filter_map(|r| {
            Some(MonthFigures {
                month: Month::parse(&r.month)?,
                sales: Area(r.sales_area),
                inventory: Area(r.inventory_area),
            })
        })
        .collect();
    let month = figs
        .iter()
        .map(|f| f.month)
        .filter(|m| m.year <= year)
        .max();
    let as_of = month.map_or_else(
        || NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MIN),
        |m| m.last_day(),
    );
    let window = rules
        .param("destocking_window_months", as_of)
        .map_err(rules_error)?
        .value
        .clamp(1, 120) as u32;
    let period = month.and_then(|mo| destock::period_at(&figs, mo, window));
    let ly = m.market_land_years().await?;
    let ly = ly
        .iter()
        .find(|l| l.district == district && l.year == year as i64);
    let parcels = m.market_parcels().await?;
    let supplied: i64 = parcels
        .iter()
        .filter(|p| p.district == district && p.use_code != "commercial" && p.use_code != "other")
        .filter(|p| p.supply_date.get(..4) == Some(year.to_string().as_str()))
        .map(|p| p.land_area)
        .sum();
    let input = LandInput {
        period: period.as_ref().and_then(|p| p.months),
        revitalised: Area(ly.map_or(0, |l| l.revitalised_area)),
        supplied: Area(supplied),
        last_year: Area(ly.map_or(0, |l| l.previous_supply_area)),
        proposed,
    };
    let d = land::decide(rules, as_of, &input).map_err(rules_error)?;
    let (decision, checks) = match d {
        Some(Explained {
            outcome, checks, ..
        }) => (Some(outcome), checks),
        None => (None, vec![]),
    };
    Ok(LandDecisionJson {
        district: district.into(),
        year,
        month: month.map(|m| m.to_string()),
        period,
        revitalised: input.revitalised,
        supplied: input.supplied,
        last_year: input.last_year,
        decision,
        checks,
        rules: rules.stamp(as_of),
    })
}

/// Every district's decision for a year.
pub async fn land_decisions(
    st: &AppState,
    user: &CurrentUser,
    year: i32,
) -> ApiResult<Vec<LandDecisionJson>> {
    let mut out = Vec::new();
    for d in anju_domain::YANGQUAN_DISTRICTS.iter() {
        out.push(land_decision(st, user, d.code.as_str(), year, None).await?);
    }
    Ok(out)
}

/// A district's land figures for a year.
#[derive(Debug, Deserialize, ToSchema)]
pub struct LandYear {
    pub district: String,
    pub year: i32,
    /// Residential land revitalised in the year (completions and reclaimed), m².
    #[schema(example = "12000.5")]
    pub revitalised_m2: String,
    /// Last year's new residential land supply, m².
    #[schema(example = "30000")]
    pub previous_supply_m2: String,
}

pub async fn put_land_year(st: &AppState, user: &CurrentUser, l: LandYear) -> ApiResult<()> {
    may_write(user)?;
    if !known_district(&l.district) {
        return Err(bad(
            "district",
            format!(
                "县区代码“{}”不是本市的县区 (not a district of this city)",
                l.district
            ),
        ));
    }
    let area = |f: &str, label: &str, s: &str| {
        Area::parse_m2(s).ok_or_else(|| {
            bad(
                f,
                format!("{label}应为非负数，最多两位小数 ({f}: square metres)"),
            )
        })
    };
    let rec = LandYearRecord {
        district: l.district.clone(),
        year: i64::from(l.year),
        revitalised_area: area("revitalised_m2", "本年度盘活面积", &l.revitalised_m2)?.0,
        previous_supply_area: area(
            "previous_supply_m2",
            "上年度供应面积",
            &l.previous_supply_m2,
        )?
        .0,
        updated_at: st.clock.now().to_string(),
    };
    st.store
        .market()
        .market_put_land_year(&rec, draft(user, st, "market.land_year", format!("district:{}:{}", l.district, l.year), json!({"revitalised_area": rec.revitalised_area, "previous_supply_area": rec.previous_supply_area})))
        .await?;
    Ok(())
}

// ------------------------------------------------------------ parcels

/// A new parcel.
#[derive(Debug, Deserialize, ToSchema)]
pub struct NewParcel {
    #[schema(example = "YQ-2024-G01")]
    pub id: String,
    pub name: String,
    #[schema(example = "140302")]
    pub district: String,
    /// residential | commercial | mixed | other
    #[schema(example = "residential")]
    pub use_code: String,
    #[schema(example = "20000")]
    pub land_m2: String,
    #[schema(example = "60000")]
    pub above_ground_m2: String,
    #[serde(default)]
    pub residential_m2: Option<String>,
    #[serde(default)]
    pub converted_from_commercial: bool,
    /// Land price, yuan.
    #[schema(example = "120000000")]
    pub price_yuan: String,
    #[serde(default)]
    pub investment_yuan: Option<String>,
    #[schema(example = "2024-01-15")]
    pub supply_date: String,
    /// The start date the land contract fixes.
    #[schema(example = "2024-04-01")]
    pub contract_start: String,
    #[serde(default)]
    pub started_on: Option<String>,
    #[serde(default)]
    pub setaside_m2: Option<String>,
    #[serde(default)]
    pub setaside_units: Option<u32>,
}

/// A parcel with its findings on the as-of date.
#[derive(Debug, Serialize, ToSchema)]
pub struct ParcelView {
    pub district: String,
    pub id: String,
    pub name: String,
    pub use_code: String,
    pub land_area: Area,
    pub above_ground_area: Area,
    pub price: Fen,
    pub supply_date: String,
    pub contract_start: String,
    pub started_on: Option<String>,
    pub progress: String,
    pub idle: Idle,
    pub idle_checks: Vec<Check>,
    pub set_aside: SetAside,
    pub set_aside_checks: Vec<Check>,
    pub as_of: NaiveDate,
}

fn yuan(field: &str, label: &str, s: &str) -> ApiResult<Fen> {
    anju_market::units::parse_hundredths(s)
        .map(Fen)
        .ok_or_else(|| {
            bad(
                field,
                format!(
                    "{label}应为非负金额（元），最多两位小数 ({field}: yuan, at most 2 decimals)"
                ),
            )
        })
}

fn m2(field: &str, label: &str, s: &str) -> ApiResult<Area> {
    Area::parse_m2(s).ok_or_else(|| {
        bad(
            field,
            format!("{label}应为非负面积（平方米），最多两位小数 ({field}: square metres)"),
        )
    })
}

pub async fn add_parcel(st: &AppState, user: &CurrentUser, p: NewParcel) -> ApiResult<ParcelView> {
    may_write(user)?;
    let id = p.id.trim();
    if id.is_empty() || id.chars().count() > 64 {
        return Err(bad(
            "id",
            "地块编号不能为空，且不超过64个字符 (parcel id: 1 to 64 characters)".into(),
        ));
    }
    if p.name.trim().is_empty() {
        return Err(bad("name", "地块名称不能为空 (name is required)".into()));
    }
    if !known_district(&p.district) {
        return Err(bad(
            "district",
            format!(
                "县区代码“{}”不是本市的县区 (not a district of this city)",
                p.district
            ),
        ));
    }
    if !["residential", "commercial", "mixed", "other"].contains(&p.use_code.as_str()) {
        return Err(bad("use_code", "用途应为 residential、commercial、mixed 或 other (use must be residential, commercial, mixed or other)".into()));
    }
    let above = m2("above_ground_m2", "地上建筑面积", &p.above_ground_m2)?;
    let supply = parse_date("supply_date", "供地日期", &p.supply_date)?;
    let start = parse_date("contract_start", "约定动工日期", &p.contract_start)?;
    let started = p
        .started_on
        .as_deref()
        .filter(|s| !s.trim().is_empty())
        .map(|s| parse_date("started_on", "实际动工日期", s))
        .transpose()?;
    let rec = ParcelRecord {
        district: p.district.clone(),
        id: id.to_string(),
        name: p.name.trim().to_string(),
        use_code: p.use_code.clone(),
        land_area: m2("land_m2", "用地面积", &p.land_m2)?.0,
        above_ground_area: above.0,
        residential_area: p
            .residential_m2
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| m2("residential_m2", "成品住宅建筑面积", s))
            .transpose()?
            .unwrap_or(above)
            .0,
        converted_from_commercial: p.converted_from_commercial,
        price_fen: yuan("price_yuan", "出让价款", &p.price_yuan)?.0,
        investment_fen: p
            .investment_yuan
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| yuan("investment_yuan", "总投资", s))
            .transpose()?
            .unwrap_or(Fen::ZERO)
            .0,
        supply_date: supply.to_string(),
        contract_start: start.to_string(),
        started_on: started.map(|d| d.to_string()),
        progress: if started.is_some() {
            "已动工".into()
        } else {
            "未动工".into()
        },
        setaside_area: p
            .setaside_m2
            .as_deref()
            .filter(|s| !s.trim().is_empty())
            .map(|s| m2("setaside_m2", "配建面积", s))
            .transpose()?
            .map(|a| a.0),
        setaside_units: p.setaside_units.map(i64::from),
        created_at: st.clock.now().to_string(),
    };
    st.store
        .market()
        .market_add_parcel(&rec, draft(user, st, "market.parcel_create", format!("parcel:{}/{}", rec.district, rec.id), json!({"use": rec.use_code, "land_area": rec.land_area, "price_fen": rec.price_fen})))
        .await?;
    parcel_view(rules(st)?, &rec, st.clock.today())
}

/// Records that construction started on a parcel.
pub async fn parcel_started(
    st: &AppState,
    user: &CurrentUser,
    district: &str,
    id: &str,
    started_on: &str,
) -> ApiResult<()> {
    may_write(user)?;
    let d = parse_date("started_on", "实际动工日期", started_on)?;
    st.store
        .market()
        .market_parcel_started(
            district,
            id,
            &d.to_string(),
            "已动工",
            draft(
                user,
                st,
                "market.parcel_started",
                format!("parcel:{district}/{id}"),
                json!({"started_on": d.to_string()}),
            ),
        )
        .await?;
    Ok(())
}

pub fn parcel_view(
    rules: &anju_market::MarketRules,
    r: &ParcelRecord,
    as_of: NaiveDate,
) -> ApiResult<ParcelView> {
    let date = |s: &str| {
        NaiveDate::parse_from_str(s, "%Y-%m-%d")
            .map_err(|e| ApiError::internal(format!("stored date {s:?}: {e}")))
    };
    let started = r.started_on.as_deref().map(date).transpose()?;
    let idle = parcel::idle(
        rules,
        as_of,
        date(&r.contract_start)?,
        started,
        Fen(r.price_fen),
    )
    .map_err(rules_error)?;
    let sa = parcel::set_aside(
        rules,
        as_of,
        &SetAsideInput {
            district: &r.district,
            above_ground: Area(r.above_ground_area),
            converted_from_commercial: r.converted_from_commercial,
            residential: Area(r.residential_area),
            planned_area: r.setaside_area.map(Area),
            planned_units: r.setaside_units.map(|u| u.clamp(0, u32::MAX as i64) as u32),
        },
    )
    .map_err(rules_error)?;
    Ok(ParcelView {
        district: r.district.clone(),
        id: r.id.clone(),
        name: r.name.clone(),
        use_code: r.use_code.clone(),
        land_area: Area(r.land_area),
        above_ground_area: Area(r.above_ground_area),
        price: Fen(r.price_fen),
        supply_date: r.supply_date.clone(),
        contract_start: r.contract_start.clone(),
        started_on: r.started_on.clone(),
        progress: r.progress.clone(),
        idle: idle.outcome,
        idle_checks: idle.checks,
        set_aside: sa.outcome,
        set_aside_checks: sa.checks,
        as_of,
    })
}

pub async fn parcels(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<ParcelView>> {
    may_read(user)?;
    let today = st.clock.today();
    let rules = rules(st)?;
    st.store
        .market()
        .market_parcels()
        .await?
        .iter()
        .map(|r| parcel_view(rules, r, today))
        .collect()
}

// ------------------------------------------------------------ plot ratio

/// The counted result with its checks.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlotResult {
    pub counted: Counted,
    pub checks: Vec<Check>,
    /// Commercial share check, when a commercial area was given.
    pub commercial: Option<Vec<Check>>,
    /// The rules file and date the count used (`market-ordos@2026-11-29`).
    pub rules: String,
    /// The city whose rules were used (`鄂尔多斯市`).
    pub city: String,
    /// The document whose counting rules were used (`鄂府发〔2025〕34号`).
    pub document: String,
    /// True when the deployment's city has no counting rules of its own and
    /// the count is a reference calculation under another city's document:
    /// not a finding under this city's rules.
    pub reference: bool,
}

/// A schedule and, optionally, the commercial area to check against 10%.
#[derive(Debug, Deserialize, ToSchema)]
pub struct PlotRequest {
    pub schedule: Schedule,
    #[serde(default)]
    pub commercial: Option<Area>,
    /// A compatible ratio the land contract states (percent), which governs.
    #[serde(default)]
    pub contract_percent: Option<u32>,
}

/// Whose counting rules the calculator uses, for the page's heading and
/// the API's answer.
#[derive(Debug, Clone)]
pub struct PlotBasis {
    /// `鄂尔多斯市`.
    pub city: String,
    /// `鄂府发〔2025〕34号`.
    pub document: String,
    /// A reference calculation under another city's document.
    pub reference: bool,
}

pub fn plot_basis(st: &AppState) -> ApiResult<PlotBasis> {
    let (rules, reference) = plot_rules(st)?;
    // The counting rules' own citation names the document they come from.
    let document = rules
        .param("balcony_half_depth_cm", st.clock.today())
        .map_err(rules_error)?
        .citation
        .document;
    Ok(PlotBasis {
        city: rules.city.clone(),
        document,
        reference,
    })
}

pub fn plot_ratio(st: &AppState, user: &CurrentUser, req: &PlotRequest) -> ApiResult<PlotResult> {
    may_read(user)?;
    let (rules, reference) = plot_rules(st)?;
    let today = st.clock.today();
    let c = plot::count(rules, today, &req.schedule).map_err(rules_error)?;
    let basis = plot_basis(st)?;
    let commercial = req
        .commercial
        .map(|a| {
            parcel::commercial_share(rules, today, a, c.outcome.counted, req.contract_percent)
                .map(|e| e.checks)
        })
        .transpose()
        .map_err(rules_error)?;
    Ok(PlotResult {
        rules: c.rules,
        city: basis.city,
        document: basis.document,
        reference,
        counted: c.outcome,
        checks: c.checks,
        commercial,
    })
}

/// A schedule read from a sheet, counted, with the rows it could not read.
#[derive(Debug, Serialize, ToSchema)]
pub struct PlotSheetResult {
    pub result: PlotResult,
    pub errors: Vec<RowError>,
}

pub fn plot_ratio_sheet(
    st: &AppState,
    user: &CurrentUser,
    rows: &[Vec<String>],
) -> ApiResult<PlotSheetResult> {
    may_read(user)?;
    let (schedule, errors) = anju_market::plot_sheet::parse(rows)
        .map_err(|e| ApiError::bad_request("invalid_schedule_file", e.to_string()).field("file"))?;
    let result = plot_ratio(
        st,
        user,
        &PlotRequest {
            schedule,
            commercial: None,
            contract_percent: None,
        },
    )?;
    Ok(PlotSheetResult { result, errors })
}

/// The year of a date (for pages' defaults).
pub fn year_of(d: NaiveDate) -> i32 {
    d.year()
}
