//! Rent monitoring (002 四（三）"建立住房租金监测机制，定期公布租金水平信息"):
//! rent per m² per month by district, home type and month, from filed
//! leases and surveys — the figure the rentals room can use as market-rent
//! evidence.
//!
//! Formula (docs/market.md): each sample's rent per m² per month is
//! `monthly rent ÷ floor area`, in fen, rounded half up; a group's level
//! is the **median** of its samples (the mean of the middle two, rounded
//! half up, for an even count) — a median, because one luxury lease must
//! not move a district's published level. The mean is shown beside it.

use serde::Serialize;

use crate::destock::Month;
use crate::import::RowError;
use crate::units::{Area, Fen};

/// One lease or survey answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentSample {
    pub district: String,
    pub home_type: String,
    /// `lease` (filed lease) or `survey`.
    pub source: String,
    pub month: Month,
    pub area: Area,
    /// Rent for a month.
    pub rent: Fen,
}

/// Rent per m² per month of one sample, in fen, rounded half up; `None`
/// for a zero area.
pub fn per_m2(area: Area, rent: Fen) -> Option<i64> {
    // rent fen ÷ (area / 100 m²) = rent × 100 ÷ area.
    (area.0 > 0).then(|| ((rent.0 as i128 * 200 + area.0 as i128) / (2 * area.0 as i128)) as i64)
}

/// A published level.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RentLevel {
    pub district: String,
    pub home_type: String,
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026-10"))]
    pub month: Month,
    pub samples: usize,
    /// Median rent per m² per month, fen.
    pub median_fen_per_m2: i64,
    /// Mean rent per m² per month, fen (rounded half up).
    pub mean_fen_per_m2: i64,
}

/// Levels by district, home type and month (sorted), from the samples.
pub fn levels(samples: &[RentSample]) -> Vec<RentLevel> {
    let mut groups: std::collections::BTreeMap<(String, String, Month), Vec<i64>> =
        Default::default();
    for s in samples {
        if let Some(v) = per_m2(s.area, s.rent) {
            groups
                .entry((s.district.clone(), s.home_type.clone(), s.month))
                .or_default()
                .push(v);
        }
    }
    groups
        .into_iter()
        .map(|((district, home_type, month), mut v)| {
            v.sort_unstable();
            let n = v.len();
            let median = if n % 2 == 1 {
                v[n / 2]
            } else {
                (v[n / 2 - 1] + v[n / 2] + 1) / 2
            };
            let sum: i64 = v.iter().sum();
            RentLevel {
                district,
                home_type,
                month,
                samples: n,
                median_fen_per_m2: median,
                mean_fen_per_m2: (2 * sum + n as i64) / (2 * n as i64),
            }
        })
        .collect()
}

/// The rent file's columns.
pub const COLUMNS: [&str; 6] = [
    "县区代码",
    "户型",
    "来源（备案/调查）",
    "月份",
    "建筑面积（㎡）",
    "月租金（元）",
];

/// Reads a rent file; bad cells reported by row and column.
pub fn parse(
    rows: &[Vec<String>],
    known_district: impl Fn(&str) -> bool,
) -> Result<(Vec<RentSample>, Vec<RowError>, usize), crate::import::FileError> {
    let header = rows.first().ok_or(crate::import::FileError::Empty)?;
    let mut idx = [0usize; 6];
    for (i, c) in COLUMNS.iter().enumerate() {
        idx[i] = header
            .iter()
            .position(|h| h.trim() == *c)
            .ok_or(crate::import::FileError::MissingColumn(c))?;
    }
    let (mut out, mut errors, mut read) = (Vec::new(), Vec::new(), 0);
    for (n, r) in rows.iter().enumerate().skip(1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        read += 1;
        let cell = |i: usize| r.get(idx[i]).map(|s| s.trim()).unwrap_or("");
        let mut errs = Vec::new();
        let mut err = |i: usize, m: String| {
            errs.push(RowError {
                row: n + 1,
                column: COLUMNS[i].into(),
                message: m,
            })
        };
        let district = cell(0).to_ascii_uppercase();
        if !known_district(&district) {
            err(
                0,
                format!("县区代码“{district}”不是本市的县区 (not a district of this city)"),
            );
        }
        let home_type = cell(1).to_string();
        if home_type.is_empty() || home_type.chars().count() > 16 {
            err(
                1,
                "户型不能为空，且不超过16个字 (home type: 1 to 16 characters)".into(),
            );
        }
        let source = match cell(2) {
            "备案" | "lease" => "lease",
            "调查" | "survey" => "survey",
            other => {
                err(
                    2,
                    format!("来源“{other}”应为 备案 或 调查 (source must be 备案 or 调查)"),
                );
                ""
            }
        };
        let month = Month::parse(cell(3));
        if month.is_none() {
            err(
                3,
                format!(
                    "月份“{}”应写作2026-03 (month must look like 2026-03)",
                    cell(3)
                ),
            );
        }
        let area = Area::parse_m2(cell(4)).filter(|a| a.0 > 0);
        if area.is_none() {
            err(
                4,
                format!(
                    "建筑面积“{}”应为大于0的数，最多两位小数 (area above zero, at most 2 decimals)",
                    cell(4)
                ),
            );
        }
        let rent = crate::units::parse_hundredths(cell(5)).map(Fen);
        if rent.is_none() {
            err(
                5,
                format!(
                    "月租金“{}”应为非负金额（元），最多两位小数 (yuan, at most 2 decimals)",
                    cell(5)
                ),
            );
        }
        match (errs.is_empty(), month, area, rent) {
            (true, Some(month), Some(area), Some(rent)) => out.push(RentSample {
                district,
                home_type,
                source: source.into(),
                month,
                area,
                rent,
            }),
            _ => errors.extend(errs),
        }
    }
    Ok((out, errors, read))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(area: i64, rent: i64) -> RentSample {
        RentSample {
            district: "140302".into(),
            home_type: "两居室".into(),
            source: "lease".into(),
            month: Month::new(2026, 10).unwrap(),
            area: Area::m2(area),
            rent: Fen::yuan(rent),
        }
    }

    #[test]
    fn median_resists_one_luxury_lease() {
        let l = levels(&[s(80, 1200), s(90, 1350), s(100, 1500), s(120, 9000)]);
        assert_eq!(l.len(), 1);
        // 15.00 yuan/m² for the first three; 75.00 for the outlier.
        assert_eq!(l[0].median_fen_per_m2, 1500);
        assert_eq!(l[0].mean_fen_per_m2, 3000);
        assert_eq!(per_m2(Area::m2(3), Fen(100)), Some(33)); // 33.3 → 33
        assert_eq!(per_m2(Area::ZERO, Fen(100)), None);
    }

    #[test]
    fn bad_cells_named() {
        let rows: Vec<Vec<String>> = [COLUMNS.join(","), "140302,两居室,中介,2026-10,0,abc".into()]
            .iter()
            .map(|l| l.split(',').map(String::from).collect())
            .collect();
        let (ok, errs, read) = parse(&rows, |_| true).unwrap();
        assert_eq!((ok.len(), read), (0, 1));
        let cols: Vec<_> = errs.iter().map(|e| e.column.as_str()).collect();
        assert_eq!(
            cols,
            ["来源（备案/调查）", "建筑面积（㎡）", "月租金（元）"]
        );
    }
}
