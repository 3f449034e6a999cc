//! Reading a monthly market file (rows of cells, from CSV or XLSX): one
//! row per district, housing type and month, with row-level errors that
//! name the row and the column. A bad row never stops the file and no row
//! is dropped silently.

use serde::Serialize;

use crate::destock::Month;
use crate::units::Area;

/// The file's columns: key and Chinese header.
pub const COLUMNS: [(&str, &str); 6] = [
    ("district", "县区代码"),
    ("housing_type", "住房类型"),
    ("month", "月份"),
    ("sales_units", "网签套数"),
    ("sales_area", "网签面积（㎡）"),
    ("inventory_area", "月末可售面积（㎡）"),
];

/// One good row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MonthlyRow {
    pub district: String,
    pub housing_type: String,
    pub month: Month,
    pub sales_units: i64,
    pub sales_area: Area,
    pub inventory_area: Area,
}

/// One problem.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = MarketRowError))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowError {
    /// Row number as the spreadsheet shows it (the header is row 1).
    pub row: usize,
    /// Column header (Chinese), or empty when the whole row is at fault.
    pub column: String,
    pub message: String,
}

/// What a file gave.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MonthlyFile {
    pub rows: Vec<MonthlyRow>,
    pub errors: Vec<RowError>,
    /// Data rows read (without the header and blank rows).
    pub read: usize,
}

/// Why a file cannot be read at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FileError {
    #[error("文件为空 (the file is empty)")]
    Empty,
    #[error("缺少列“{0}”：第一行应为 县区代码、住房类型、月份、网签套数、网签面积（㎡）、月末可售面积（㎡） (missing column {0})")]
    MissingColumn(&'static str),
}

/// Reads the rows; `known_district` says whether a district code is one
/// this deployment serves.
pub fn parse(
    rows: &[Vec<String>],
    known_district: impl Fn(&str) -> bool,
) -> Result<MonthlyFile, FileError> {
    let header = rows.first().ok_or(FileError::Empty)?;
    let mut idx = [0usize; 6];
    for (i, (_, zh)) in COLUMNS.iter().enumerate() {
        idx[i] = header
            .iter()
            .position(|h| h.trim() == *zh || h.trim() == zh.replace("（㎡）", ""))
            .ok_or(FileError::MissingColumn(zh))?;
    }
    let mut out = MonthlyFile::default();
    let mut seen = std::collections::BTreeSet::new();
    for (n, r) in rows.iter().enumerate().skip(1) {
        let row_no = n + 1;
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        out.read += 1;
        let cell = |i: usize| r.get(idx[i]).map(|s| s.trim()).unwrap_or("");
        let mut errs = Vec::new();
        let mut err = |col: usize, msg: String| {
            errs.push(RowError {
                row: row_no,
                column: COLUMNS[col].1.into(),
                message: msg,
            })
        };
        let district = cell(0).to_ascii_uppercase();
        if !known_district(&district) {
            err(
                0,
                format!("县区代码“{district}”不是本市的县区 (not a district of this city)"),
            );
        }
        let housing_type = cell(1).to_string();
        if housing_type.is_empty() || housing_type.chars().count() > 16 {
            err(
                1,
                "住房类型不能为空，且不超过16个字 (housing type: 1 to 16 characters)".into(),
            );
        }
        let month = Month::parse(cell(2));
        if month.is_none() {
            err(
                2,
                format!(
                    "月份“{}”应写作2026-03 (month must look like 2026-03)",
                    cell(2)
                ),
            );
        }
        let units = cell(3)
            .parse::<i64>()
            .ok()
            .filter(|v| (0..=10_000_000).contains(v));
        if units.is_none() {
            err(
                3,
                format!(
                    "网签套数“{}”应为非负整数 (a whole number of homes)",
                    cell(3)
                ),
            );
        }
        let sales = Area::parse_m2(cell(4));
        if sales.is_none() {
            err(
                4,
                format!(
                    "网签面积“{}”应为非负数，最多两位小数 (square metres, at most 2 decimals)",
                    cell(4)
                ),
            );
        }
        let inv = Area::parse_m2(cell(5));
        if inv.is_none() {
            err(
                5,
                format!(
                    "月末可售面积“{}”应为非负数，最多两位小数 (square metres, at most 2 decimals)",
                    cell(5)
                ),
            );
        }
        if let (Some(m), true) = (month, errs.is_empty()) {
            if !seen.insert((district.clone(), housing_type.clone(), m)) {
                errs.push(RowError {
                    row: row_no,
                    column: String::new(),
                    message: format!(
                        "{district} {housing_type} {m} 在本文件中重复 (repeated in this file)"
                    ),
                });
            }
        }
        match (errs.is_empty(), month, units, sales, inv) {
            (true, Some(month), Some(sales_units), Some(sales_area), Some(inventory_area)) => {
                out.rows.push(MonthlyRow {
                    district,
                    housing_type,
                    month,
                    sales_units,
                    sales_area,
                    inventory_area,
                })
            }
            _ => out.errors.extend(errs),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(lines: &[&str]) -> Vec<Vec<String>> {
        lines
            .iter()
            .map(|l| l.split(',').map(String::from).collect())
            .collect()
    }

    #[test]
    fn good_and_bad_rows() {
        let f = parse(
            &rows(&[
                "县区代码,住房类型,月份,网签套数,网签面积（㎡）,月末可售面积（㎡）",
                "140302,住宅,2026-10,120,11000.5,300000",
                "",
                "999999,住宅,2026-13,x,-1,1.234",
                "140302,住宅,2026-10,1,1,1",
            ]),
            |d| d == "140302",
        )
        .unwrap();
        assert_eq!((f.read, f.rows.len()), (3, 1));
        assert_eq!(f.rows[0].sales_area, Area(1_100_050));
        let bad: Vec<_> = f
            .errors
            .iter()
            .filter(|e| e.row == 4)
            .map(|e| e.column.as_str())
            .collect();
        assert_eq!(
            bad,
            [
                "县区代码",
                "月份",
                "网签套数",
                "网签面积（㎡）",
                "月末可售面积（㎡）"
            ]
        );
        assert!(f
            .errors
            .iter()
            .any(|e| e.row == 5 && e.message.contains("重复")));
    }

    #[test]
    fn missing_column() {
        assert_eq!(
            parse(&rows(&["县区代码,月份"]), |_| true),
            Err(FileError::MissingColumn("住房类型"))
        );
    }
}
