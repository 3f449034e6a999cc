//! Projects' homes and the homes file the implementing company imports
//! (one row per home; CSV or the first sheet of an XLSX, read into rows of
//! text by the caller). Every bad row is reported with its row number,
//! column and reason; good rows are kept. Nothing is dropped silently.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;

use crate::money::{Area, Fen};

/// Where a home comes from (001 art. 6–8; 004 §2, §7).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HomeSource {
    /// 新建.
    NewBuild,
    /// 收购存量商品房 (acquired existing home): priced at cost + ≤ 5%.
    Acquired,
    /// 政府持有.
    GovernmentHeld,
    /// 回购房源: bought back from a family (阳泉 第十九条; 娄底 八、(一)4:
    /// 回购后的房源继续用作保障性住房) and allotted again.
    BoughtBack,
}

impl HomeSource {
    pub fn zh(self) -> &'static str {
        match self {
            HomeSource::NewBuild => "新建",
            HomeSource::Acquired => "收购存量房",
            HomeSource::GovernmentHeld => "政府持有",
            HomeSource::BoughtBack => "回购房源",
        }
    }

    pub fn en(self) -> &'static str {
        match self {
            HomeSource::NewBuild => "new build",
            HomeSource::Acquired => "acquired existing home",
            HomeSource::GovernmentHeld => "government-held",
            HomeSource::BoughtBack => "bought back",
        }
    }

    fn parse(s: &str) -> Option<HomeSource> {
        match s.trim() {
            "新建" | "new_build" | "new build" => Some(HomeSource::NewBuild),
            "收购" | "收购存量房" | "acquired" => Some(HomeSource::Acquired),
            "政府持有" | "government_held" | "government-held" => {
                Some(HomeSource::GovernmentHeld)
            }
            "回购" | "回购房源" | "bought_back" | "bought back" => {
                Some(HomeSource::BoughtBack)
            }
            _ => None,
        }
    }
}

/// A home's key within its project: `building-unit-number`, e.g. `3-2-1201`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct HomeId(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("房源编号“{0}”无效：应为“楼栋-单元-房号”，每段1–16个字符，不含空格、“-”“/”“,” (home id must be building-unit-number)")]
pub struct HomeIdError(String);

fn part_ok(p: &str) -> bool {
    !p.is_empty()
        && p.chars().count() <= 16
        && p.chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"-/,\"'<>&".contains(c))
}

impl HomeId {
    pub fn from_parts(building: &str, unit: &str, number: &str) -> Result<HomeId, HomeIdError> {
        let (b, u, n) = (building.trim(), unit.trim(), number.trim());
        if part_ok(b) && part_ok(u) && part_ok(n) {
            Ok(HomeId(format!("{b}-{u}-{n}")))
        } else {
            Err(HomeIdError(format!("{b}-{u}-{n}")))
        }
    }

    pub fn parse(s: &str) -> Result<HomeId, HomeIdError> {
        let parts: Vec<&str> = s.split('-').collect();
        match parts.as_slice() {
            [b, u, n] => HomeId::from_parts(b, u, n),
            _ => Err(HomeIdError(s.to_string())),
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for HomeId {
    type Error = HomeIdError;
    fn try_from(s: String) -> Result<HomeId, HomeIdError> {
        HomeId::parse(&s)
    }
}

impl From<HomeId> for String {
    fn from(h: HomeId) -> String {
        h.0
    }
}

impl fmt::Display for HomeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One home of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Home {
    pub id: HomeId,
    pub building: String,
    pub unit: String,
    pub floor: i32,
    pub number: String,
    pub floor_area: Area,
    /// 户型, e.g. 三室两厅一卫.
    pub layout: String,
    /// 朝向, e.g. 南北.
    pub orientation: String,
    pub source: HomeSource,
    /// What the company paid; required for acquired homes (004 §7(1)2).
    pub acquisition_cost: Option<Fen>,
    /// The sale price of the whole home.
    pub price: Fen,
}

/// The homes file's columns, in template order: (key, Chinese header,
/// English header). Either header is accepted on import.
pub const HOME_COLUMNS: [(&str, &str, &str); 10] = [
    ("building", "楼栋", "building"),
    ("unit", "单元", "unit"),
    ("floor", "楼层", "floor"),
    ("number", "房号", "number"),
    ("floor_area", "建筑面积（㎡）", "floor_area_m2"),
    ("layout", "户型", "layout"),
    ("orientation", "朝向", "orientation"),
    ("source", "房源类型（新建/收购/政府持有）", "source"),
    (
        "acquisition_cost",
        "收购成本（元）",
        "acquisition_cost_yuan",
    ),
    ("price", "配售价格（元）", "price_yuan"),
];

/// One problem in a homes file.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = HomeRowError))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// Column header (Chinese), or empty when the whole row is at fault.
    pub column: String,
    pub message: String,
}

/// What a homes file gave: the good homes and every bad row's reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct HomesFile {
    pub homes: Vec<Home>,
    pub errors: Vec<RowError>,
    /// Data rows read (excluding the header and blank rows).
    pub rows: usize,
}

/// Why a homes file could not be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HomesFileError {
    #[error("文件为空 (the file is empty)")]
    Empty,
    #[error("表头缺少“{0}”列 (header is missing column {0})")]
    MissingColumn(&'static str),
}

fn normalise_header(s: &str) -> String {
    s.trim()
        .trim_start_matches('\u{feff}')
        .replace('(', "（")
        .replace(')', "）")
        .replace("m2", "㎡")
        .to_lowercase()
}

/// Reads a homes file: `rows[0]` is the header. Blank rows are skipped; a
/// home that appears twice is an error on its second row.
pub fn parse_homes(rows: &[Vec<String>]) -> Result<HomesFile, HomesFileError> {
    let header = rows.first().ok_or(HomesFileError::Empty)?;
    let headers: Vec<String> = header.iter().map(|h| normalise_header(h)).collect();
    let mut idx = [0usize; 10];
    for (k, (_, zh, en)) in HOME_COLUMNS.iter().enumerate() {
        let (zh_n, en_n) = (normalise_header(zh), normalise_header(en));
        idx[k] = headers
            .iter()
            .position(|h| *h == zh_n || *h == en_n || zh_n.starts_with(h.as_str()) && !h.is_empty())
            .ok_or(HomesFileError::MissingColumn(zh))?;
    }
    let mut out = HomesFile::default();
    let mut seen = HashSet::new();
    for (i, row) in rows.iter().enumerate().skip(1) {
        let row_no = i + 1;
        if row.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        out.rows += 1;
        let cell = |k: usize| row.get(idx[k]).map(|s| s.trim()).unwrap_or("");
        let mut errs: Vec<RowError> = Vec::new();
        let mut err = |k: usize, message: String| {
            errs.push(RowError {
                row: row_no,
                column: HOME_COLUMNS[k].1.to_string(),
                message,
            })
        };
        let id = match HomeId::from_parts(cell(0), cell(1), cell(3)) {
            Ok(id) => Some(id),
            Err(e) => {
                err(0, e.to_string());
                None
            }
        };
        let floor = match cell(2).parse::<i32>() {
            Ok(f) if (-5..=200).contains(&f) && f != 0 => Some(f),
            _ => {
                err(
                    2,
                    format!(
                        "楼层“{}”应为-5至200之间的非零整数 (floor must be a non-zero integer)",
                        cell(2)
                    ),
                );
                None
            }
        };
        let floor_area = match Area::parse_m2(cell(4)) {
            Ok(a) => Some(a),
            Err(e) => {
                err(4, e.to_string());
                None
            }
        };
        for k in [5, 6] {
            if cell(k).is_empty() || cell(k).chars().count() > 32 {
                err(
                    k,
                    "不能为空，且不超过32个字 (required, at most 32 characters)".into(),
                );
            }
        }
        let source = HomeSource::parse(cell(7));
        if source.is_none() {
            err(
                7,
                format!(
                    "“{}”应为 新建、收购 或 政府持有 (must be 新建, 收购 or 政府持有)",
                    cell(7)
                ),
            );
        }
        let cost = if cell(8).is_empty() {
            None
        } else {
            match Fen::parse_yuan(cell(8)) {
                Ok(c) => Some(c),
                Err(e) => {
                    err(8, e.to_string());
                    None
                }
            }
        };
        if source == Some(HomeSource::Acquired) && cell(8).is_empty() {
            err(8, "收购房源须填写收购成本，配售价格按“收购成本+不超过5%利润”核定 (acquired homes need their acquisition cost: the price is checked against cost + 5%)".into());
        }
        let price = match Fen::parse_yuan(cell(9)) {
            Ok(p) if p.fen() > 0 => Some(p),
            Ok(_) => {
                err(9, "配售价格须大于0 (price must be positive)".into());
                None
            }
            Err(e) => {
                err(9, e.to_string());
                None
            }
        };
        if let Some(id) = &id {
            if !seen.insert(id.clone()) {
                err(
                    0,
                    format!("房源{id}在文件中重复 (home {id} appears more than once)"),
                );
            }
        }
        if !errs.is_empty() {
            out.errors.extend(errs);
            continue;
        }
        // All parts were checked above; the `if let` keeps this free of unwraps.
        if let (Some(id), Some(floor), Some(floor_area), Some(source), Some(price)) =
            (id, floor, floor_area, source, price)
        {
            out.homes.push(Home {
                id,
                building: cell(0).to_string(),
                unit: cell(1).to_string(),
                floor,
                number: cell(3).to_string(),
                floor_area,
                layout: cell(5).to_string(),
                orientation: cell(6).to_string(),
                source,
                acquisition_cost: cost,
                price,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|s| s.to_string()).collect()
    }

    fn header() -> Vec<String> {
        HOME_COLUMNS.iter().map(|c| c.1.to_string()).collect()
    }

    #[test]
    fn good_and_bad_rows_are_both_accounted_for() {
        let rows = vec![
            header(),
            row(&[
                "3",
                "2",
                "12",
                "1201",
                "89.56",
                "三室两厅",
                "南北",
                "新建",
                "",
                "358000",
            ]),
            row(&["", "", "", "", "", "", "", "", "", ""]),
            row(&[
                "3",
                "2",
                "12",
                "1202",
                "89.5.6",
                "三室两厅",
                "南北",
                "收购",
                "",
                "0",
            ]),
            row(&[
                "3",
                "2",
                "12",
                "1201",
                "89",
                "两室",
                "南",
                "政府持有",
                "",
                "300000",
            ]),
        ];
        let f = parse_homes(&rows).unwrap();
        assert_eq!(f.rows, 3);
        assert_eq!(f.homes.len(), 1);
        assert_eq!(f.homes[0].id.as_str(), "3-2-1201");
        let cols: Vec<(usize, &str)> = f
            .errors
            .iter()
            .map(|e| (e.row, e.column.as_str()))
            .collect();
        assert_eq!(
            cols,
            vec![
                (4, "建筑面积（㎡）"),
                (4, "收购成本（元）"),
                (4, "配售价格（元）"),
                (5, "楼栋")
            ]
        );
    }

    #[test]
    fn english_headers_are_accepted_and_missing_columns_named() {
        let en: Vec<String> = HOME_COLUMNS.iter().map(|c| c.2.to_string()).collect();
        assert!(parse_homes(&[en]).is_ok());
        let mut short = header();
        short.pop();
        assert_eq!(
            parse_homes(&[short]),
            Err(HomesFileError::MissingColumn("配售价格（元）"))
        );
    }
}
