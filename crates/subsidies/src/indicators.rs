//! The Shanxi 14th Five-Year housing plan's indicator table (二（三）3) as
//! dated targets, with the definitions of 十二 where the plan gives one, and
//! progress of actual figures against them.
//!
//! Values are kept in thousandths of their unit (0.5 万套 = 500), so every
//! figure in the table is an integer; progress is in basis points.

use serde::Serialize;

pub const SOURCE: &str = "山西省“十四五”城镇住房发展规划 二（三）3 指标体系";
/// The plan's period: 2021–2025 (“十四五”).
pub const FIRST_YEAR: i32 = 2021;
pub const LAST_YEAR: i32 = 2025;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Nature {
    /// 预期性.
    Expected,
    /// 约束性.
    Binding,
}

/// How actual figures count towards the target.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// A quantity supplied over the period: the years' figures add up.
    Cumulative,
    /// A share or rate reached: the latest year's figure counts.
    Level,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Indicator {
    pub id: &'static str,
    pub group: &'static str,
    pub name: &'static str,
    /// As printed in the table ("不低于 20%", "7.2 万套（间）").
    pub printed: &'static str,
    /// Thousandths of `unit`.
    pub target_milli: i64,
    pub unit: &'static str,
    /// None where the table leaves the nature blank.
    pub nature: Option<Nature>,
    pub measure: Measure,
    /// From 十二, where the plan defines the indicator.
    pub definition: Option<&'static str>,
}

const D_SUPPLY_AREA: &str = "城镇商品住房供应面积：是指达到销售条件的商品住房建筑面积。（十二、2）";
const D_SUPPLY_HOMES: &str = "城镇商品住房供应套数：是指达到销售条件的商品住房套数。（十二、3）";

macro_rules! ind {
    ($id:literal, $group:literal, $name:literal, $printed:literal, $milli:expr, $unit:literal, $nature:expr, $measure:ident, $def:expr) => {
        Indicator {
            id: $id,
            group: $group,
            name: $name,
            printed: $printed,
            target_milli: $milli,
            unit: $unit,
            nature: $nature,
            measure: Measure::$measure,
            definition: $def,
        }
    };
}

const E: Option<Nature> = Some(Nature::Expected);
const B: Option<Nature> = Some(Nature::Binding);

/// The table, row by row as printed.
pub const TABLE: [Indicator; 21] = [
    ind!("new_supply_area", "城镇住房建设总量指标", "城镇新增住房供应总面积", "13900 万平方米", 13_900_000, "万平方米", E, Cumulative, None),
    ind!("new_supply_homes", "城镇住房建设总量指标", "城镇新增住房供应总套数", "148 万套", 148_000, "万套", E, Cumulative, None),
    ind!("commercial_supply_homes", "住房市场指标", "新建商品住房供应套数", "115 万套", 115_000, "万套", E, Cumulative, Some(D_SUPPLY_HOMES)),
    ind!("commercial_supply_area", "住房市场指标", "新建商品住房供应面积", "11120 万平方米", 11_120_000, "万平方米", None, Cumulative, Some(D_SUPPLY_AREA)),
    ind!("rental_market_homes", "住房市场指标", "住房租赁市场筹集供应套数", "25 万套（间）", 25_000, "万套（间）", E, Cumulative, None),
    ind!("rental_market_area", "住房市场指标", "住房租赁市场筹集供应面积", "2000 万平方米", 2_000_000, "万平方米", None, Cumulative, None),
    ind!("public_rental_homes", "保障性住房指标", "公共租赁住房筹集供应套数", "0.5 万套", 500, "万套", E, Cumulative, None),
    ind!("affordable_rental_homes", "保障性住房指标", "保障性租赁住房筹集供应套数", "5.5 万套（间）", 5_500, "万套（间）", E, Cumulative, None),
    ind!("shantytown_starts", "保障性住房指标", "城镇棚户区住房改造开工套数", "5 万套", 5_000, "万套", E, Cumulative, None),
    ind!("talent_homes", "人才住房指标", "人才住房供应套数", "7.2 万套（间）", 7_200, "万套（间）", E, Cumulative, None),
    ind!("talent_area", "人才住房指标", "人才住房供应面积", "680 万平方米", 680_000, "万平方米", E, Cumulative, None),
    ind!("green_building_share", "住房品质指标", "新建住宅中绿色建筑占比", "100%", 100_000, "%", B, Level, Some("绿色建筑占比：是指城镇当年新建建筑中达到绿色建筑标准的建筑面积占新建建筑面积的比例。（十二、5）")),
    ind!("prefab_share", "住房品质指标", "新开工商品住宅中装配式建筑占比", "不低于 20%", 20_000, "%", E, Level, Some("新开工商品住宅中装配式建筑占比：是指新开工商品住宅装配式建筑面积占新建建筑面积的比例。（十二、6）")),
    ind!("green_space_ratio", "住房品质指标", "新开工商品住宅小区绿地率", "不低于 30%", 30_000, "%", B, Level, None),
    ind!("property_management", "住房品质指标", "住宅小区物业管理覆盖率", "95%以上", 95_000, "%", E, Level, Some("物业管理覆盖率：是指实施物业管理的住宅小区建筑面积占城镇住房建筑面积的比例。（十二、7）")),
    ind!("old_estates", "住房品质指标", "2000 年底前建成需改造的城镇老旧小区改造任务", "7701 个", 7_701_000, "个", E, Cumulative, Some("城镇老旧小区改造任务：是指城镇老旧小区改造涉及的数量。（十二、4）")),
    ind!("residential_land", "关联资源配置指标", "城镇新增住宅用地需求", "5400 公顷", 5_400_000, "公顷", E, Cumulative, None),
    ind!("elderly_canteens", "关联资源配置指标", "城镇新增老年人日间照料中心、社区食堂", "230 个", 230_000, "个", E, Cumulative, None),
    ind!("clinics_nurseries", "关联资源配置指标", "城镇新增社区卫生服务站、幼儿园、托儿所", "560 个", 560_000, "个", E, Cumulative, None),
    ind!("service_stations", "关联资源配置指标", "城镇新增社区综合服务站、文化活动站、老年服务站", "930 个", 930_000, "个", E, Cumulative, None),
    ind!("facility_share", "关联资源配置指标", "城镇保障性住房小区建设公共服务设施比例", "10%", 10_000, "%", E, Level, None),
];

pub fn by_id(id: &str) -> Option<&'static Indicator> {
    TABLE.iter().find(|i| i.id == id)
}

/// One actual figure: a city's value of an indicator in a year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Actual {
    pub city: String,
    pub year: i32,
    pub indicator: String,
    /// Thousandths of the indicator's unit.
    pub value_milli: i64,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    pub indicator: Indicator,
    /// Summed over the years (cumulative) or the latest year's (level),
    /// across the cities given.
    pub actual_milli: i64,
    /// actual / target in basis points (10 000 = 100%).
    pub progress_bp: i64,
    /// Per year, in order (cumulative: that year's sum over cities; level:
    /// the year's mean over cities that reported).
    pub by_year: Vec<YearValue>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct YearValue {
    pub year: i32,
    pub value_milli: i64,
}

/// Progress of every indicator from `actuals` (province: all cities; a
/// city: only its rows). Level indicators average the cities that
/// reported in the latest year (a province share is not a sum).
pub fn progress(actuals: &[Actual]) -> Vec<Progress> {
    TABLE
        .iter()
        .map(|ind| {
            let rows: Vec<&Actual> = actuals.iter().filter(|a| a.indicator == ind.id).collect();
            let by_year: Vec<YearValue> = (FIRST_YEAR..=LAST_YEAR)
                .filter_map(|y| {
                    let v: Vec<i64> = rows
                        .iter()
                        .filter(|a| a.year == y)
                        .map(|a| a.value_milli)
                        .collect();
                    if v.is_empty() {
                        return None;
                    }
                    let sum: i64 = v.iter().sum();
                    Some(YearValue {
                        year: y,
                        value_milli: match ind.measure {
                            Measure::Cumulative => sum,
                            Measure::Level => sum / v.len() as i64,
                        },
                    })
                })
                .collect();
            let actual_milli = match ind.measure {
                Measure::Cumulative => by_year.iter().map(|y| y.value_milli).sum(),
                Measure::Level => by_year.last().map_or(0, |y| y.value_milli),
            };
            let progress_bp = if ind.target_milli == 0 {
                0
            } else {
                (i128::from(actual_milli) * 10_000 / i128::from(ind.target_milli)) as i64
            };
            Progress {
                indicator: *ind,
                actual_milli,
                progress_bp,
                by_year,
            }
        })
        .collect()
}

/// Why a row of an import was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowError {
    #[error("城市不能为空 (city is empty)")]
    NoCity,
    #[error(
        "年份“{0}”应为 {FIRST_YEAR}–{LAST_YEAR} 之间的整数 (year must be {FIRST_YEAR}–{LAST_YEAR})"
    )]
    Year(String),
    #[error("指标编号“{0}”不在指标体系表中 (unknown indicator)")]
    Indicator(String),
    #[error("实际值“{0}”应为非负数，最多三位小数 (a non-negative number, at most three decimals)")]
    Value(String),
}

impl RowError {
    /// The column at fault (1-based, as in the sheet).
    pub fn column(&self) -> usize {
        match self {
            RowError::NoCity => 1,
            RowError::Year(_) => 2,
            RowError::Indicator(_) => 3,
            RowError::Value(_) => 4,
        }
    }
}

/// Parses "12.5" into thousandths (12 500). Refuses more than three
/// decimals rather than rounding.
pub fn parse_milli(s: &str) -> Option<i64> {
    let t = s.trim().replace(',', "");
    let (int, frac) = t.split_once('.').unwrap_or((t.as_str(), ""));
    if int.is_empty()
        || frac.len() > 3
        || !int.bytes().all(|b| b.is_ascii_digit())
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return None;
    }
    let i: i64 = int.parse().ok()?;
    let mut f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    for _ in frac.len()..3 {
        f *= 10;
    }
    i.checked_mul(1000)?.checked_add(f)
}

/// Shows thousandths as a decimal ("12.5", "7701").
pub fn fmt_milli(v: i64) -> String {
    let (w, f) = (v / 1000, (v % 1000).abs());
    if f == 0 {
        w.to_string()
    } else {
        format!("{w}.{}", format!("{f:03}").trim_end_matches('0'))
    }
}

/// One row of an import sheet: 城市, 年份, 指标编号, 实际值.
pub fn parse_row(cells: &[String]) -> Result<Actual, RowError> {
    let cell = |i: usize| cells.get(i).map(|s| s.trim()).unwrap_or("");
    let city = cell(0);
    if city.is_empty() {
        return Err(RowError::NoCity);
    }
    let year = cell(1)
        .trim_end_matches(".0")
        .parse::<i32>()
        .ok()
        .filter(|y| (FIRST_YEAR..=LAST_YEAR).contains(y))
        .ok_or_else(|| RowError::Year(cell(1).into()))?;
    let ind = by_id(cell(2)).ok_or_else(|| RowError::Indicator(cell(2).into()))?;
    let value_milli = parse_milli(cell(3)).ok_or_else(|| RowError::Value(cell(3).into()))?;
    Ok(Actual {
        city: city.into(),
        year,
        indicator: ind.id.into(),
        value_milli,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_as_printed() {
        assert_eq!(TABLE.len(), 21);
        assert_eq!(by_id("talent_homes").map(|i| i.target_milli), Some(7_200));
        assert_eq!(
            by_id("public_rental_homes").map(|i| fmt_milli(i.target_milli)),
            Some("0.5".into())
        );
        assert_eq!(
            by_id("green_building_share").and_then(|i| i.nature),
            Some(Nature::Binding)
        );
        assert!(TABLE.iter().filter(|i| i.definition.is_some()).count() >= 5);
    }

    #[test]
    fn progress_sums_quantities_and_takes_the_latest_share() {
        let a = |city: &str, year, ind: &str, v| Actual {
            city: city.into(),
            year,
            indicator: ind.into(),
            value_milli: v,
        };
        let p = progress(&[
            a("太原市", 2021, "talent_homes", 1_000),
            a("阳泉市", 2021, "talent_homes", 800),
            a("太原市", 2022, "talent_homes", 1_800),
            a("太原市", 2021, "green_building_share", 80_000),
            a("太原市", 2022, "green_building_share", 90_000),
            a("阳泉市", 2022, "green_building_share", 100_000),
        ]);
        let t = p
            .iter()
            .find(|x| x.indicator.id == "talent_homes")
            .expect("row");
        assert_eq!((t.actual_milli, t.progress_bp), (3_600, 5_000));
        let g = p
            .iter()
            .find(|x| x.indicator.id == "green_building_share")
            .expect("row");
        assert_eq!(g.actual_milli, 95_000);
        let years: Vec<(i32, i64)> = g.by_year.iter().map(|y| (y.year, y.value_milli)).collect();
        assert_eq!(years, vec![(2021, 80_000), (2022, 95_000)]);
    }

    #[test]
    fn rows_are_refused_with_the_column_at_fault() {
        let r = |c: &[&str]| parse_row(&c.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert!(r(&["阳泉市", "2023", "talent_homes", "0.12"]).is_ok());
        assert_eq!(
            r(&["", "2023", "talent_homes", "1"]).map_err(|e| e.column()),
            Err(1)
        );
        assert_eq!(
            r(&["阳泉市", "2026", "talent_homes", "1"]).map_err(|e| e.column()),
            Err(2)
        );
        assert_eq!(
            r(&["阳泉市", "2023", "nothing", "1"]).map_err(|e| e.column()),
            Err(3)
        );
        assert_eq!(
            r(&["阳泉市", "2023", "talent_homes", "-1"]).map_err(|e| e.column()),
            Err(4)
        );
        assert_eq!(
            r(&["阳泉市", "2023", "talent_homes", "1.2345"]).map_err(|e| e.column()),
            Err(4)
        );
        assert_eq!(parse_milli("12.5"), Some(12_500));
        assert_eq!(fmt_milli(12_500), "12.5");
    }
}
