//! A building's area schedule as a spreadsheet (CSV or XLSX rows), read
//! into a [`Schedule`] with row-level errors. One row per item:
//!
//! | 项目 | 数量 | 面积（㎡） | 套内面积（㎡） | 套型建筑面积（㎡） | 面宽（米） | 进深或高度（米） | 满足条件（是/否） |
//!
//! 项目 is one of: 用地 (site area in 面积; the permitted ratio in 数量 as
//! e.g. 2.50), 其他计容, 公共服务设施, 地下配套, 户型 (数量 homes of this type;
//! 套内/套型 areas; a balcony's 面宽 and 进深; a double-height space's
//! projection in 面积), 外墙保温, 饰面层, 空中花园 (满足条件: projects at least
//! two storeys), 风雨连廊 (满足条件: has no enclosure), 架空层 (面积; 进深或高度:
//! its height; 套型建筑面积 column: the building's footprint).

use crate::import::{FileError, RowError};
use crate::plot::{Balcony, HomeType, Schedule, SkyGarden, Stilt, Void, Walkway};
use crate::units::{parse_hundredths, Area};

pub const COLUMNS: [&str; 8] = [
    "项目",
    "数量",
    "面积（㎡）",
    "套内面积（㎡）",
    "套型建筑面积（㎡）",
    "面宽（米）",
    "进深或高度（米）",
    "满足条件（是/否）",
];

/// Reads a schedule; a bad row is reported and left out.
pub fn parse(rows: &[Vec<String>]) -> Result<(Schedule, Vec<RowError>), FileError> {
    let header = rows.first().ok_or(FileError::Empty)?;
    let mut idx = [0usize; 8];
    for (i, c) in COLUMNS.iter().enumerate() {
        idx[i] = header
            .iter()
            .position(|h| h.trim() == *c)
            .ok_or(FileError::MissingColumn(c))?;
    }
    let mut s = Schedule::default();
    let mut errors = Vec::new();
    for (n, r) in rows.iter().enumerate().skip(1) {
        if r.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let row = n + 1;
        let cell = |i: usize| r.get(idx[i]).map(|s| s.trim()).unwrap_or("");
        let mut errs: Vec<RowError> = Vec::new();
        let mut num = |i: usize| -> i64 {
            let c = cell(i);
            if c.is_empty() {
                return 0;
            }
            parse_hundredths(c).unwrap_or_else(|| {
                errs.push(RowError {
                    row,
                    column: COLUMNS[i].into(),
                    message: format!(
                        "“{c}”应为非负数，最多两位小数 (a number, at most 2 decimals)"
                    ),
                });
                0
            })
        };
        let (count, area, internal, home, width, depth) =
            (num(1), num(2), num(3), num(4), num(5), num(6));
        let yes = matches!(cell(7), "是" | "yes" | "Y" | "y" | "1");
        let whole = |v: i64| u32::try_from(v / 100).unwrap_or(u32::MAX);
        match cell(0) {
            "用地" => {
                s.site_area = Area(area);
                s.permitted_ratio = u32::try_from(count).unwrap_or(u32::MAX);
            }
            "其他计容" => s.ordinary = Area(s.ordinary.0 + area),
            "公共服务设施" => s.public_facilities = Area(s.public_facilities.0 + area),
            "地下配套" => s.basement_facilities = Area(s.basement_facilities.0 + area),
            "外墙保温" => s.insulation = Area(s.insulation.0 + area),
            "饰面层" => s.cladding = Area(s.cladding.0 + area),
            "户型" => s.homes.push(HomeType {
                label: format!("第{row}行"),
                count: whole(count),
                internal: Area(internal),
                home_area: Area(home),
                balconies: if width > 0 && depth > 0 {
                    vec![Balcony {
                        width_cm: u32::try_from(width).unwrap_or(u32::MAX),
                        depth_cm: u32::try_from(depth).unwrap_or(u32::MAX),
                    }]
                } else {
                    vec![]
                },
                void: (area > 0).then_some(Void {
                    projection: Area(area),
                    storeys: 2,
                }),
            }),
            "空中花园" => s.sky_gardens.push(SkyGarden {
                area: Area(area),
                two_storeys: yes,
            }),
            "风雨连廊" => s.walkways.push(Walkway {
                area: Area(area),
                enclosed: !yes,
            }),
            "架空层" => s.stilts.push(Stilt {
                footprint: Area(home),
                area: Area(area),
                height_cm: u32::try_from(depth).unwrap_or(u32::MAX),
            }),
            other => errs.push(RowError {
                row,
                column: COLUMNS[0].into(),
                message: format!("项目“{other}”不是可识别的类别 (unknown item)"),
            }),
        }
        errors.extend(errs);
    }
    Ok((s, errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_schedule() {
        let rows: Vec<Vec<String>> = [
            COLUMNS.join(","),
            "用地,2.50,10000,,,,,".into(),
            "其他计容,,20000,,,,,".into(),
            "户型,10,,100,120,4,2.2,".into(),
            "架空层,,600,,1000,,4.9,".into(),
            "风雨连廊,,200,,,,,是".into(),
            "阁楼,,1,,,,,".into(),
        ]
        .iter()
        .map(|l| l.split(',').map(String::from).collect())
        .collect();
        let (s, errs) = parse(&rows).unwrap();
        assert_eq!((s.site_area, s.permitted_ratio), (Area::m2(10_000), 250));
        assert_eq!(
            s.homes[0].balconies[0],
            Balcony {
                width_cm: 400,
                depth_cm: 220
            }
        );
        assert_eq!(s.stilts[0].height_cm, 490);
        assert!(!s.walkways[0].enclosed);
        assert_eq!(errs.len(), 1);
        assert_eq!(errs[0].row, 7);
    }
}
