//! Plot-ratio counting (容积率计算) under the nine rules of 002 二（二）1:
//! a building's area schedule in, the counted floor area out, item by item
//! with the figures and the article.
//!
//! Work is in square centimetres (balcony widths and depths are given in
//! centimetres), rounded half up to 0.01 m² once per item.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::cite::{plot_item, Citation};
use crate::decision::{check, Explained};
use crate::rules::{MarketRules, RulesError};
use crate::units::Area;

/// An enclosed balcony: its width along the facade and its depth.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Balcony {
    pub width_cm: u32,
    pub depth_cm: u32,
}

/// A double-height space in a home's living room.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Void {
    /// Horizontal projection.
    pub projection: Area,
    /// Storeys it spans (the rule allows at most two).
    pub storeys: u32,
}

/// A home type of the building and how many homes have it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", schema(as = PlotHomeType))]
pub struct HomeType {
    pub label: String,
    pub count: u32,
    /// 套内建筑面积, without balconies (the base of the 15%).
    pub internal: Area,
    /// 套型建筑面积 (the base of the 180 m² and of the 20%).
    pub home_area: Area,
    #[serde(default)]
    pub balconies: Vec<Balcony>,
    #[serde(default)]
    pub void: Option<Void>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkyGarden {
    pub area: Area,
    /// Its projecting height is at least two storeys.
    pub two_storeys: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Walkway {
    pub area: Area,
    /// Has walls or other enclosure (then it counts).
    pub enclosed: bool,
}

/// A stilt floor (架空层) under one building.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stilt {
    /// The building's footprint (基底面积).
    pub footprint: Area,
    pub area: Area,
    pub height_cm: u32,
}

/// A project's area schedule.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    pub site_area: Area,
    /// Permitted plot ratio in hundredths (2.50 → 250).
    pub permitted_ratio: u32,
    /// Every other floor area, counted in full (homes without balconies and
    /// voids, commercial space, and so on).
    pub ordinary: Area,
    #[serde(default)]
    pub public_facilities: Area,
    #[serde(default)]
    pub basement_facilities: Area,
    #[serde(default)]
    pub homes: Vec<HomeType>,
    #[serde(default)]
    pub insulation: Area,
    #[serde(default)]
    pub cladding: Area,
    #[serde(default)]
    pub sky_gardens: Vec<SkyGarden>,
    #[serde(default)]
    pub walkways: Vec<Walkway>,
    #[serde(default)]
    pub stilts: Vec<Stilt>,
}

/// One counted item.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Item {
    /// The rule's number in 二（二）1, 0 for ordinary area.
    pub rule: u8,
    pub label: String,
    pub label_en: String,
    pub gross: Area,
    pub counted: Area,
    pub message: String,
    pub message_en: String,
    pub citation: Option<Citation>,
}

/// The counted result.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counted {
    pub items: Vec<Item>,
    pub gross: Area,
    pub counted: Area,
    /// Plot ratio in ten-thousandths (2.5 → 25000), rounded half up; `None`
    /// when the site area is zero.
    pub ratio_10k: Option<i64>,
    pub permitted_ratio: u32,
    pub within_permitted: bool,
}

fn cm2_to_area(cm2: i64) -> Area {
    // 1 × 0.01 m² = 100 cm².
    Area((cm2 + 50).div_euclid(100))
}

fn half_cm2_to_area(half_cm2: i64) -> Area {
    Area((half_cm2 + 100).div_euclid(200))
}

struct Params {
    half_depth: i64,
    balcony_cap: i64,
    void_min_home: Area,
    void_share: u32,
    void_max: Area,
    void_factor: i64,
    stilt_pct: u32,
    stilt_height: u32,
    balcony_cite: Citation,
    void_cite: Citation,
    stilt_cite: Citation,
}

fn params(rules: &MarketRules, as_of: NaiveDate) -> Result<Params, RulesError> {
    // A city whose documents have no counting rules (Yangquan) gets an
    // explicit "not regulated", never another city's figures.
    rules.require(
        "balcony_half_depth_cm",
        "容积率计算规则",
        "plot-ratio counting rules",
    )?;
    let p = |n: &str| rules.param(n, as_of);
    let half = p("balcony_half_depth_cm")?;
    let vmin = p("void_home_min_area")?;
    let st = p("stilt_footprint_percent")?;
    Ok(Params {
        half_depth: half.value,
        balcony_cap: p("balcony_cap_percent")?.value,
        void_min_home: Area(vmin.value),
        void_share: p("void_share_percent")?.value.clamp(0, 100) as u32,
        void_max: Area(p("void_max_area")?.value),
        void_factor: p("void_excess_factor")?.value,
        stilt_pct: st.value.clamp(0, 100) as u32,
        stilt_height: p("stilt_max_height_cm")?.value.clamp(0, u32::MAX as i64) as u32,
        balcony_cite: half.citation,
        void_cite: vmin.citation,
        stilt_cite: st.citation,
    })
}

/// Rule (3) for one home: (gross, counted) in 0.01 m².
fn balconies(p: &Params, h: &HomeType) -> (Area, Area, String) {
    let (mut full, mut half) = (0i64, 0i64);
    for b in &h.balconies {
        let d = b.depth_cm as i64;
        let w = b.width_cm as i64;
        half += w * d.min(p.half_depth);
        full += w * (d - p.half_depth).max(0);
    }
    let total = full + half;
    // internal is in 0.01 m² = 100 cm²; cap% of it in cm² is internal × cap.
    let cap = h.internal.0 * p.balcony_cap;
    let excess = (total - cap).max(0);
    // The excess is taken from the part within the depth first: the part
    // beyond it counts in full already, so this is the only reading under
    // which "超出部分按全面积计入" changes anything.
    let excess_h = excess.min(half);
    let counted_half_cm2 = 2 * full + 2 * excess_h + (half - excess_h);
    let msg = format!(
        "阳台投影{}（进深{}厘米内{}按1/2，超出部分{}全计），上限为套内{}的{}%即{}{}",
        cm2_to_area(total),
        p.half_depth,
        cm2_to_area(half),
        cm2_to_area(full),
        h.internal,
        p.balcony_cap,
        cm2_to_area(cap),
        if excess > 0 {
            format!("，超出{}全计", cm2_to_area(excess))
        } else {
            String::new()
        }
    );
    (cm2_to_area(total), half_cm2_to_area(counted_half_cm2), msg)
}

/// Rule (7) for one home: (gross, counted).
fn void(p: &Params, h: &HomeType, v: &Void) -> (Area, Area, String) {
    let allowed = h.home_area > p.void_min_home && v.storeys <= 2;
    if !allowed {
        // Interpretation: a void the rule does not allow (home not over
        // 180 m², or over two storeys) gets no allowance: all of it is
        // counted as the excess is, at the factor.
        let c = Area(v.projection.0 * p.void_factor);
        return (
            v.projection,
            c,
            format!(
                "套型{}未超过{}或挑空超过两层，挑空{}全部按{}倍计",
                h.home_area, p.void_min_home, v.projection, p.void_factor
            ),
        );
    }
    let limit = h.home_area.pct_floor(p.void_share).min(p.void_max);
    let within = v.projection.min(limit);
    let over = v.projection.saturating_sub(limit);
    let c = Area(within.0 + over.0 * p.void_factor);
    (
        v.projection,
        c,
        format!(
            "套型{}，挑空{}，限额为套型面积{}%与{}中较小者即{}；限额内按投影计，超出{}按{}倍计",
            h.home_area, v.projection, p.void_share, p.void_max, limit, over, p.void_factor
        ),
    )
}

/// Counts a schedule.
pub fn count(
    rules: &MarketRules,
    as_of: NaiveDate,
    s: &Schedule,
) -> Result<Explained<Counted>, RulesError> {
    let p = params(rules, as_of)?;
    let mut items = Vec::new();
    let mut push = |rule: u8,
                    label: &str,
                    en: &str,
                    gross: Area,
                    counted: Area,
                    msg: String,
                    cite: Option<Citation>| {
        items.push(Item {
            rule,
            label: label.into(),
            label_en: en.into(),
            gross,
            counted,
            message_en: format!("{en}: {gross} gross, {counted} counted"),
            message: msg,
            citation: cite,
        });
    };
    push(
        0,
        "其他计容面积",
        "other counted area",
        s.ordinary,
        s.ordinary,
        format!("{}全部计入", s.ordinary),
        None,
    );
    push(
        1,
        "无偿移交的公共服务配套设施",
        "public facilities handed over",
        s.public_facilities,
        Area::ZERO,
        format!("{}不计入", s.public_facilities),
        Some(plot_item(1)),
    );
    push(
        2,
        "企业自持的地下配套设施",
        "developer-held basement facilities",
        s.basement_facilities,
        Area::ZERO,
        format!("{}不计入", s.basement_facilities),
        Some(plot_item(2)),
    );
    let (mut bg, mut bc, mut vg, mut vc) = (0i64, 0i64, 0i64, 0i64);
    let (mut bmsg, mut vmsg) = (Vec::new(), Vec::new());
    for h in &s.homes {
        let n = h.count as i64;
        if !h.balconies.is_empty() {
            let (g, c, m) = balconies(&p, h);
            bg += g.0 * n;
            bc += c.0 * n;
            bmsg.push(format!("{}×{}户：{}，每户计{}", h.label, h.count, m, c));
        }
        if let Some(v) = &h.void {
            let (g, c, m) = void(&p, h, v);
            vg += g.0 * n;
            vc += c.0 * n;
            vmsg.push(format!("{}×{}户：{}，每户计{}", h.label, h.count, m, c));
        }
    }
    push(
        3,
        "封闭阳台",
        "enclosed balconies",
        Area(bg),
        Area(bc),
        join(bmsg),
        Some(p.balcony_cite.clone()),
    );
    push(
        4,
        "外墙保温",
        "external wall insulation",
        s.insulation,
        Area::ZERO,
        format!("{}不计入", s.insulation),
        Some(plot_item(4)),
    );
    push(
        5,
        "立面饰面层",
        "facade cladding layer",
        s.cladding,
        Area::ZERO,
        format!("{}不计入", s.cladding),
        Some(plot_item(5)),
    );
    let (sg, sc) = s.sky_gardens.iter().fold((0, 0), |(g, c), x| {
        (g + x.area.0, c + if x.two_storeys { 0 } else { x.area.0 })
    });
    push(
        6,
        "户属空中花园",
        "sky gardens",
        Area(sg),
        Area(sc),
        format!(
            "空中花园{}，外挑层高不足两个自然层的{}全计（解释：不满足条件即不享受不计容）",
            Area(sg),
            Area(sc)
        ),
        Some(plot_item(6)),
    );
    push(
        7,
        "起居室挑空",
        "double-height living spaces",
        Area(vg),
        Area(vc),
        join(vmsg),
        Some(p.void_cite.clone()),
    );
    let (wg, wc) = s.walkways.iter().fold((0, 0), |(g, c), x| {
        (g + x.area.0, c + if x.enclosed { x.area.0 } else { 0 })
    });
    push(
        8,
        "风雨连廊",
        "covered walkways",
        Area(wg),
        Area(wc),
        format!("连廊{}，有围护结构的{}计入", Area(wg), Area(wc)),
        Some(plot_item(8)),
    );
    let (mut tg, mut tc, mut tmsg) = (0i64, 0i64, Vec::new());
    for st in &s.stilts {
        let (low, high) = if st.height_cm > p.stilt_height {
            (Area::ZERO, st.area)
        } else {
            (st.area, Area::ZERO)
        };
        let free = st.footprint.pct_floor(p.stilt_pct);
        let over = low.saturating_sub(free);
        tg += st.area.0;
        tc += over.0 + high.0;
        tmsg.push(format!(
            "架空层{}，高{}.{:02}米（上限{}.{:02}米），基底{}的{}%即{}以内不计，计入{}",
            st.area,
            st.height_cm / 100,
            st.height_cm % 100,
            p.stilt_height / 100,
            p.stilt_height % 100,
            st.footprint,
            p.stilt_pct,
            free,
            Area(over.0 + high.0)
        ));
    }
    push(
        9,
        "底层架空层",
        "ground-floor stilt space",
        Area(tg),
        Area(tc),
        join(tmsg),
        Some(p.stilt_cite.clone()),
    );
    let gross = Area(items.iter().map(|i| i.gross.0).sum());
    let counted = Area(items.iter().map(|i| i.counted.0).sum());
    let ratio_10k = (s.site_area.0 > 0).then(|| {
        (counted.0 as i128 * 10_000 * 2 + s.site_area.0 as i128) as i64 / (2 * s.site_area.0)
    });
    // Exact comparison: counted ≤ permitted/100 × site.
    let within = counted.0 as i128 * 100 <= s.permitted_ratio as i128 * s.site_area.0 as i128;
    let checks = vec![check(
        "permitted_ratio",
        within,
        &permitted_cite(),
        format!(
            "计容建筑面积{counted}，用地面积{}，容积率{}，规划容积率上限{}.{:02}：{}",
            s.site_area,
            ratio_10k.map_or("—".into(), |r| format!(
                "{}.{:04}",
                r / 10_000,
                r % 10_000
            )),
            s.permitted_ratio / 100,
            s.permitted_ratio % 100,
            if within { "符合" } else { "超出" }
        ),
        format!(
            "counted {counted} on {}: {}",
            s.site_area,
            if within {
                "within the permitted ratio"
            } else {
                "over the permitted ratio"
            }
        ),
    )];
    Ok(Explained {
        outcome: Counted {
            items,
            gross,
            counted,
            ratio_10k,
            permitted_ratio: s.permitted_ratio,
            within_permitted: within,
        },
        checks,
        rules: rules.stamp(as_of),
        as_of,
    })
}

/// The ceiling itself comes from the parcel's planning conditions, not from
/// an article; the article decides only how area is counted against it.
fn permitted_cite() -> Citation {
    Citation {
        document: crate::cite::ORDOS.into(),
        article: "二（二）1".into(),
        quote: "优化住宅容积率计算规则".into(),
        note: Some("容积率上限来自规划条件，本条规定计容方式 (the ceiling is the planning conditions'; this article says how area counts)".into()),
    }
}

fn join(v: Vec<String>) -> String {
    if v.is_empty() {
        "无".into()
    } else {
        v.join("；")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::builtin;

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 29).unwrap()
    }

    fn item(s: &Schedule, rule: u8) -> Item {
        let r = builtin("market-ordos").unwrap();
        count(&r, day(), s)
            .unwrap()
            .outcome
            .items
            .into_iter()
            .find(|i| i.rule == rule)
            .unwrap()
    }

    fn home(
        internal: i64,
        home_area: i64,
        balconies: Vec<Balcony>,
        void: Option<Void>,
    ) -> HomeType {
        HomeType {
            label: "A".into(),
            count: 1,
            internal: Area::m2(internal),
            home_area: Area::m2(home_area),
            balconies,
            void,
        }
    }

    #[test]
    fn balcony_depth_2_1_m() {
        // 4 m wide, 2.1 m deep: 8.4 m² at half = 4.2 m².
        let s = Schedule {
            homes: vec![home(
                100,
                120,
                vec![Balcony {
                    width_cm: 400,
                    depth_cm: 210,
                }],
                None,
            )],
            ..Default::default()
        };
        assert_eq!(item(&s, 3).counted, Area(420));
        // 2.2 m deep: 8.4 half + 0.4 full = 4.6 m².
        let s = Schedule {
            homes: vec![home(
                100,
                120,
                vec![Balcony {
                    width_cm: 400,
                    depth_cm: 220,
                }],
                None,
            )],
            ..Default::default()
        };
        assert_eq!(item(&s, 3).counted, Area(460));
    }

    #[test]
    fn balcony_15_percent_cap() {
        // Internal 56 m²: cap 8.4 m²; a 4 m × 2.1 m balcony is exactly at it.
        let at = Schedule {
            homes: vec![home(
                56,
                70,
                vec![Balcony {
                    width_cm: 400,
                    depth_cm: 210,
                }],
                None,
            )],
            ..Default::default()
        };
        assert_eq!(item(&at, 3).counted, Area(420));
        // Internal 50 m²: cap 7.5 m², excess 0.9 m² full: 0.9 + 7.5/2 = 4.65 m².
        let over = Schedule {
            homes: vec![home(
                50,
                70,
                vec![Balcony {
                    width_cm: 400,
                    depth_cm: 210,
                }],
                None,
            )],
            ..Default::default()
        };
        assert_eq!(item(&over, 3).counted, Area(465));
    }

    #[test]
    fn void_180_m2_20_percent_50_m2() {
        let v = |p| {
            Some(Void {
                projection: Area::m2(p),
                storeys: 2,
            })
        };
        // 200 m² home: limit min(40, 50) = 40; 40 counts once.
        assert_eq!(
            item(
                &Schedule {
                    homes: vec![home(180, 200, vec![], v(40))],
                    ..Default::default()
                },
                7
            )
            .counted,
            Area::m2(40)
        );
        // 45 m²: 40 + 5 × 2 = 50.
        assert_eq!(
            item(
                &Schedule {
                    homes: vec![home(180, 200, vec![], v(45))],
                    ..Default::default()
                },
                7
            )
            .counted,
            Area::m2(50)
        );
        // 300 m² home: 20% is 60, capped at 50; 55 → 50 + 10 = 60.
        assert_eq!(
            item(
                &Schedule {
                    homes: vec![home(280, 300, vec![], v(55))],
                    ..Default::default()
                },
                7
            )
            .counted,
            Area::m2(60)
        );
        // Exactly 180 m²: not "over 180", no allowance: 30 × 2 = 60.
        assert_eq!(
            item(
                &Schedule {
                    homes: vec![home(160, 180, vec![], v(30))],
                    ..Default::default()
                },
                7
            )
            .counted,
            Area::m2(60)
        );
    }

    #[test]
    fn stilt_50_percent_and_4_9_m() {
        let st = |area, h| Schedule {
            stilts: vec![Stilt {
                footprint: Area::m2(1000),
                area: Area::m2(area),
                height_cm: h,
            }],
            ..Default::default()
        };
        assert_eq!(item(&st(500, 490), 9).counted, Area::ZERO);
        assert_eq!(item(&st(600, 490), 9).counted, Area::m2(100));
        assert_eq!(item(&st(400, 491), 9).counted, Area::m2(400));
    }

    #[test]
    fn excluded_items_and_permitted_ratio() {
        let s = Schedule {
            site_area: Area::m2(10_000),
            permitted_ratio: 250,
            ordinary: Area::m2(25_000),
            public_facilities: Area::m2(500),
            basement_facilities: Area::m2(800),
            insulation: Area::m2(300),
            cladding: Area::m2(100),
            sky_gardens: vec![
                SkyGarden {
                    area: Area::m2(50),
                    two_storeys: true,
                },
                SkyGarden {
                    area: Area::m2(10),
                    two_storeys: false,
                },
            ],
            walkways: vec![Walkway {
                area: Area::m2(200),
                enclosed: false,
            }],
            ..Default::default()
        };
        let r = builtin("market-ordos").unwrap();
        let c = count(&r, day(), &s).unwrap();
        assert_eq!(c.outcome.counted, Area::m2(25_010));
        assert!(!c.outcome.within_permitted);
        assert_eq!(c.outcome.ratio_10k, Some(25_010));
        assert_eq!(c.outcome.items.len(), 10);
    }
}
