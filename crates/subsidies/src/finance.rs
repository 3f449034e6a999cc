//! Finance calculators: each takes facts, returns a figure and the steps
//! that produced it, every step with its article. Rates are basis points,
//! money is fen; minimums round up to the fen, caps round down.

use serde::{Deserialize, Serialize};

use crate::cite::{self, Cite};
use crate::{Area, Fen, Rate, Step};

/// The cities whose documents anju holds.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum City {
    Yangquan,
    Ordos,
    Loudi,
}

impl City {
    pub fn label_zh(self) -> &'static str {
        match self {
            City::Yangquan => "阳泉市",
            City::Ordos => "鄂尔多斯市",
            City::Loudi => "娄底市",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            City::Yangquan => "Yangquan",
            City::Ordos => "Ordos",
            City::Loudi => "Loudi",
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[cfg_attr(feature = "openapi", schema(as = FinanceHomeType))]
pub enum HomeType {
    /// 商品住房 (普通商品住房).
    Commercial,
    /// 配售型保障性住房.
    Affordable,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LoanKind {
    /// 商业性个人住房贷款.
    Commercial,
    /// 住房公积金贷款.
    ProvidentFund,
}

/// What the family tells the bank.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Purchase {
    pub city: City,
    pub home_type: HomeType,
    pub loan: LoanKind,
    pub price: Fen,
    /// Homes the family owns now (in the district where the home is, for
    /// Ordos provident-fund loans).
    pub homes_owned: u32,
    /// Whether every loan on the homes owned is paid off.
    pub loans_paid_off: bool,
    /// The day: the figures in force then apply.
    pub on: chrono::NaiveDate,
}

/// Which home the bank treats this purchase as.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum HomeOrder {
    First,
    Second,
    ThirdOrLater,
}

impl HomeOrder {
    pub fn label_zh(self) -> &'static str {
        match self {
            HomeOrder::First => "首套",
            HomeOrder::Second => "二套",
            HomeOrder::ThirdOrLater => "三套及以上",
        }
    }
    pub fn label_en(self) -> &'static str {
        match self {
            HomeOrder::First => "first home",
            HomeOrder::Second => "second home",
            HomeOrder::ThirdOrLater => "third or later home",
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DownPayment {
    pub order: HomeOrder,
    /// None when the city's document states no minimum for this case.
    pub min_rate: Option<Rate>,
    pub min_amount: Option<Fen>,
    pub steps: Vec<Step>,
}

/// The minimum down payment the city's own document sets for `p`.
///
/// - Yangquan 000 二(1): first home ≥ 20% (commercial loans); a family with
///   one home whose loan is paid off, buying again to improve, is treated as
///   buying a first home. Nothing is stated for second homes or affordable
///   homes.
/// - Ordos 002 三(二): commercial loans ≥ 15% for first and second homes;
///   provident-fund loans count homes owned in the district, not loans.
/// - Loudi 004 8(1)3: affordable homes may go down to 15%.
pub fn down_payment(p: &Purchase) -> DownPayment {
    let mut steps = Vec::new();
    let order = home_order(p, &mut steps);
    // The minimum comes from the city's parameter file; which case it
    // covers is the article's rule, here.
    let found = match (p.city, p.home_type, p.loan, order) {
        (City::Yangquan, HomeType::Commercial, LoanKind::Commercial, HomeOrder::First) => {
            rate_of("yangquan-finance", "down_payment_first_home", p.on).map(|(r, c)| {
                (
                    r,
                    c,
                    format!("阳泉市首套住房商业贷款最低首付比例 {r}"),
                    format!("Yangquan: a first home on a commercial loan needs at least {r} down"),
                )
            })
        }
        (City::Ordos, HomeType::Commercial, LoanKind::Commercial, HomeOrder::First)
        | (City::Ordos, HomeType::Commercial, LoanKind::Commercial, HomeOrder::Second) => {
            rate_of("ordos-finance", "down_payment_first_second", p.on).map(|(r, c)| {
                (
                    r,
                    c,
                    format!("鄂尔多斯市首套、二套商品住房商业贷款最低首付比例 {r}"),
                    format!(
                        "Ordos: first and second homes on a commercial loan need at least {r} down"
                    ),
                )
            })
        }
        (City::Loudi, HomeType::Affordable, _, _) => {
            rate_of("loudi-finance", "down_payment_affordable", p.on).map(|(r, c)| {
                (
                    r,
                    c,
                    format!("娄底市购买配售型保障性住房，首付比例最低可降至 {r}"),
                    format!("Loudi: an affordable home may be bought with as little as {r} down"),
                )
            })
        }
        _ => None,
    };
    let rate = found.map(|(r, c, zh, en)| {
        steps.push(Step::new(zh, en, c));
        r
    });
    if rate.is_none() {
        let c = match p.city {
            City::Yangquan => cite::YQ_DOWN_PAYMENT_FIRST,
            City::Ordos => cite::ORDOS_DOWN_PAYMENT,
            City::Loudi => cite::LOUDI_DOWN_PAYMENT,
        };
        steps.push(Step::new(
            format!(
                "{}的文件未规定此情形（{}、{}）的最低首付比例，以贷款银行的规定为准",
                p.city.label_zh(),
                order.label_zh(),
                loan_zh(p.loan)
            ),
            format!(
                "{}'s document sets no minimum for this case ({}, {}); the lending bank's rules apply",
                p.city.label_en(),
                order.label_en(),
                loan_en(p.loan)
            ),
            c,
        ));
    }
    let min_amount = rate.map(|r| p.price.mul_ratio_ceil(u64::from(r.bp()), 10_000));
    if let (Some(r), Some(m)) = (rate, min_amount) {
        let c = steps
            .last()
            .map(|s| s.citation)
            .unwrap_or(cite::YQ_DOWN_PAYMENT_FIRST);
        steps.push(Step::new(
            format!(
                "最低首付 = 房价 {} 元 × {r} = {m} 元（向上取整到分）",
                p.price
            ),
            format!(
                "minimum down payment = price {} yuan × {r} = {m} yuan (rounded up to the fen)",
                p.price
            ),
            c,
        ));
    }
    DownPayment {
        order,
        min_rate: rate,
        min_amount,
        steps,
    }
}

fn loan_zh(l: LoanKind) -> &'static str {
    match l {
        LoanKind::Commercial => "商业贷款",
        LoanKind::ProvidentFund => "公积金贷款",
    }
}
fn loan_en(l: LoanKind) -> &'static str {
    match l {
        LoanKind::Commercial => "commercial loan",
        LoanKind::ProvidentFund => "provident-fund loan",
    }
}

fn home_order(p: &Purchase, steps: &mut Vec<Step>) -> HomeOrder {
    let by_count = match p.homes_owned {
        0 => HomeOrder::First,
        1 => HomeOrder::Second,
        _ => HomeOrder::ThirdOrLater,
    };
    match p.city {
        City::Yangquan
            if p.homes_owned == 1 && p.loans_paid_off && p.home_type == HomeType::Commercial =>
        {
            steps.push(Step::new(
                "家庭拥有一套住房且购房贷款已结清，再次贷款购买普通商品住房，执行首套房贷款政策",
                "The family owns one home with its loan paid off: this purchase counts as a first home",
                cite::YQ_PAID_OFF_COUNTS_AS_FIRST,
            ));
            HomeOrder::First
        }
        City::Ordos if p.loan == LoanKind::ProvidentFund => {
            steps.push(Step::new(
                format!(
                    "公积金贷款“认房不认贷”：以所在旗区实有住房 {} 套认定为{}",
                    p.homes_owned,
                    by_count.label_zh()
                ),
                format!(
                    "Provident-fund loans count homes, not loans: {} home(s) owned in the district make this a {}",
                    p.homes_owned,
                    by_count.label_en()
                ),
                cite::ORDOS_COUNT_HOMES_NOT_LOANS,
            ));
            by_count
        }
        _ => by_count,
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LoanSplit {
    pub down_payment: Fen,
    pub provident_fund_loan: Fen,
    pub commercial_loan: Fen,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoanError {
    #[error("首付款 {down} 元超过房价 {price} 元 (down payment exceeds the price)")]
    DownExceedsPrice { down: Fen, price: Fen },
    #[error("首付款 {down} 元低于最低首付 {min} 元 (down payment below the minimum)")]
    BelowMinimum { down: Fen, min: Fen },
}

/// A combined loan (公积金 + 商业按揭, Loudi 8(1)3): the provident-fund loan
/// takes as much of the balance as its cap allows (it is the cheaper loan),
/// the commercial loan the rest. The cap is the fund centre's own ceiling,
/// which 8(1)3 refers to but does not state, so it is an input.
pub fn loan_split(
    price: Fen,
    down: Fen,
    minimum: Option<Fen>,
    provident_fund_cap: Fen,
) -> Result<LoanSplit, LoanError> {
    let balance = price
        .checked_sub(down)
        .ok_or(LoanError::DownExceedsPrice { down, price })?;
    if let Some(min) = minimum {
        if down < min {
            return Err(LoanError::BelowMinimum { down, min });
        }
    }
    let pf = balance.min(provident_fund_cap);
    let commercial = balance.checked_sub(pf).unwrap_or(Fen::ZERO);
    let steps = vec![
        Step::new(
            format!("贷款总额 = 房价 {price} 元 − 首付 {down} 元 = {balance} 元"),
            format!("loan = price {price} − down payment {down} = {balance} yuan"),
            cite::LOUDI_DOWN_PAYMENT,
        ),
        Step::new(
            format!("公积金贷款取额度上限 {provident_fund_cap} 元以内：{pf} 元；其余 {commercial} 元为商业贷款"),
            format!("provident-fund loan up to its cap {provident_fund_cap}: {pf} yuan; the remaining {commercial} yuan is commercial"),
            cite::LOUDI_DOWN_PAYMENT,
        ),
    ];
    Ok(LoanSplit {
        down_payment: down,
        provident_fund_loan: pf,
        commercial_loan: commercial,
        steps,
    })
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeedTax {
    pub rate: Option<Rate>,
    pub tax: Option<Fen>,
    pub steps: Vec<Step>,
}

/// Deed tax for a buyer of an affordable home on `on`. Loudi 10(1)2 sets
/// 1% or 1.5% "by area", the figures from `loudi-finance.toml`; Yangquan
/// art. 17 refers to the 2023 No. 70 notice, whose rate anju does not hold,
/// so no figure is given for Yangquan.
pub fn deed_tax(city: City, price: Fen, area: Area, on: chrono::NaiveDate) -> DeedTax {
    let mut steps = Vec::new();
    let loudi = (|| {
        let (lower, rate_cite) = rate_of("loudi-finance", "deed_tax_rate_lower", on)?;
        let (higher, _) = rate_of("loudi-finance", "deed_tax_rate_higher", on)?;
        let (threshold, area_cite) = area_of("loudi-finance", "deed_tax_area_threshold", on)?;
        Some((lower, higher, threshold, rate_cite, area_cite))
    })();
    let rate = match (city, loudi) {
        (City::Loudi, Some((rate_lower, rate_higher, threshold, rate_cite, area_cite))) => {
            let small = area.centi_m2() <= threshold;
            let r = if small { rate_lower } else { rate_higher };
            let limit = Area::from_centi_m2(threshold)
                .map(|a| a.to_string())
                .unwrap_or_default();
            steps.push(Step::new(
                format!(
                    "娄底市保障对象购买保障性住房，减按 {} 或 {} 税率缴纳契税（根据面积适用）",
                    rate_lower, rate_higher
                ),
                format!(
                    "Loudi: buyers of affordable homes pay deed tax at {} or {} by floor area",
                    rate_lower, rate_higher
                ),
                rate_cite,
            ));
            steps.push(Step::new(
                format!(
                    "面积 {area} 平方米{} {limit} 平方米，适用 {r}",
                    if small { "不超过" } else { "超过" }
                ),
                format!(
                    "{area} m² is {} {limit} m², so {r} applies",
                    if small { "at most" } else { "over" }
                ),
                area_cite,
            ));
            Some((r, rate_cite))
        }
        (City::Loudi, None) => {
            steps.push(Step::new(
                "娄底市契税参数文件在该日期没有生效的取值",
                "Loudi's deed-tax parameter file has no value in force on that day",
                cite::LOUDI_DEED_TAX,
            ));
            None
        }
        (City::Yangquan, _) => {
            steps.push(Step::new(
                "阳泉市配售型保障性住房的税费按 2023 年第 70 号公告执行；anju 未收录该公告的税率，请以税务机关核定为准",
                "Yangquan applies the 2023 No. 70 notice, whose rate anju does not hold; the tax office decides",
                cite::YQ_AFFORDABLE_TAXES,
            ));
            None
        }
        (City::Ordos, _) => {
            steps.push(Step::new(
                "鄂尔多斯市的文件未规定保障性住房契税税率",
                "Ordos's document sets no deed-tax rate for affordable homes",
                cite::ORDOS_DOWN_PAYMENT,
            ));
            None
        }
    };
    let tax = rate.map(|(r, _)| price.mul_ratio_floor(u64::from(r.bp()), 10_000));
    if let (Some((r, c)), Some(t)) = (rate, tax) {
        steps.push(Step::new(
            format!("契税 = 房价 {price} 元 × {r} = {t} 元"),
            format!("deed tax = price {price} × {r} = {t} yuan"),
            c,
        ));
    }
    DeedTax {
        rate: rate.map(|(r, _)| r),
        tax,
        steps,
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RentalTax {
    /// 4% when the company qualifies; None otherwise (the general rate is
    /// not set by the city's document).
    pub reduced_rate: Option<Rate>,
    pub steps: Vec<Step>,
}

/// Yangquan 000 二(4): a rental company holding or running ≥ 500 homes
/// (rooms) or ≥ 15,000 m² pays property tax at 4% — the figures from
/// `yangquan-finance.toml` in force on `on` (none in force: no rate).
pub fn rental_property_tax(homes: u32, area_centi_m2: u64, on: chrono::NaiveDate) -> RentalTax {
    let figures = (|| {
        let (min_homes, c) = count_of("yangquan-finance", "rental_homes_min", on)?;
        let (min_area, _) = area_of("yangquan-finance", "rental_area_min", on)?;
        let (rate, _) = rate_of("yangquan-finance", "rental_tax_rate", on)?;
        Some((min_homes, min_area, rate, c))
    })();
    let Some((min_homes, min_area, rate, c)) = figures else {
        return RentalTax {
            reduced_rate: None,
            steps: vec![Step::new(
                "该日期没有生效的租赁企业房产税规定",
                "No rental-company property-tax rule is in force on that day",
                cite::YQ_RENTAL_PROPERTY_TAX,
            )],
        };
    };
    let by_homes = homes >= min_homes;
    let by_area = area_centi_m2 >= min_area;
    let show = |centi: u64| {
        Area::from_centi_m2(centi)
            .map(|a| a.to_string())
            .unwrap_or_else(|| "0".into())
    };
    let (area, limit) = (show(area_centi_m2), show(min_area));
    let cmp = |b: bool| if b { "≥" } else { "<" };
    let step = Step::new(
        format!(
            "持有或经营租赁住房 {homes} 套（间）{}{min_homes} 套，建筑面积 {area} 平方米{}{limit} 平方米",
            cmp(by_homes),
            cmp(by_area),
        ),
        format!("{homes} homes {} {min_homes}, {area} m² {} {limit} m²", cmp(by_homes), cmp(by_area)),
        c,
    );
    let verdict = if by_homes || by_area {
        Step::new(
            format!("符合条件，减按 {rate} 收取房产税"),
            format!("Qualifies: property tax at the reduced {rate}"),
            c,
        )
    } else {
        Step::new(
            format!("未达到规模条件，不适用 {rate} 的减按税率"),
            format!("Below both thresholds: the reduced {rate} rate does not apply"),
            c,
        )
    };
    RentalTax {
        reduced_rate: (by_homes || by_area).then_some(rate),
        steps: vec![step, verdict],
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TalentHomeKind {
    /// 完全产权型: cost + 3%.
    FullOwnership,
    /// 共有产权型: 90–120 m², at cost.
    SharedOwnership,
    /// 租赁型: ≤ 90 m², rent at the government guided price.
    Rental,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TalentPrice {
    /// The sale price; None for rental homes (only rented, never sold).
    pub price: Option<Fen>,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TalentPriceError {
    #[error("共有产权型人才住房建筑面积应在 {min}–{max} 平方米之间，实际 {area} 平方米 (area must be {min}–{max} m²)")]
    SharedArea {
        area: Area,
        min: Area,
        max: Area,
        cite: Cite,
    },
    #[error("租赁型人才住房建筑面积不超过 {max} 平方米，实际 {area} 平方米 (area must be at most {max} m²)")]
    RentalArea { area: Area, max: Area, cite: Cite },
    #[error("该日期没有生效的人才住房价格规定 (no talent-home figures in force on that day)")]
    NotInForce,
}

impl TalentPriceError {
    pub fn citation(&self) -> Cite {
        match self {
            TalentPriceError::SharedArea { cite, .. }
            | TalentPriceError::RentalArea { cite, .. } => *cite,
            TalentPriceError::NotInForce => cite::SHANXI_TALENT_FULL,
        }
    }
}

/// Talent-home price (Shanxi 四(四) 专栏1) on `on`, the figures from
/// `shanxi-talent-homes.toml`. `cost` is the home's cost price. Cost + 3% is
/// a price cap ("微利"), so it rounds down to the fen; the area limits are
/// inclusive.
pub fn talent_price(
    kind: TalentHomeKind,
    cost: Fen,
    area: Area,
    on: chrono::NaiveDate,
) -> Result<TalentPrice, TalentPriceError> {
    const F: &str = "shanxi-talent-homes";
    let shown = |centi: u64| Area::from_centi_m2(centi).ok_or(TalentPriceError::NotInForce);
    match kind {
        TalentHomeKind::FullOwnership => {
            let (margin, c) =
                rate_of(F, "full_ownership_margin", on).ok_or(TalentPriceError::NotInForce)?;
            let price = cost.mul_ratio_floor(10_000 + u64::from(margin.bp()), 10_000);
            Ok(TalentPrice {
                price: Some(price),
                steps: vec![Step::new(
                    format!("完全产权型：成本价 {cost} 元 ×（1 + {margin}）= {price} 元"),
                    format!("full ownership: cost {cost} × (1 + {margin}) = {price} yuan"),
                    c,
                )],
            })
        }
        TalentHomeKind::SharedOwnership => {
            let (min, c) = area_of(F, "shared_area_min", on).ok_or(TalentPriceError::NotInForce)?;
            let (max, _) = area_of(F, "shared_area_max", on).ok_or(TalentPriceError::NotInForce)?;
            let (lo, hi) = (shown(min)?, shown(max)?);
            if !(min..=max).contains(&area.centi_m2()) {
                return Err(TalentPriceError::SharedArea {
                    area,
                    min: lo,
                    max: hi,
                    cite: c,
                });
            }
            Ok(TalentPrice {
                price: Some(cost),
                steps: vec![Step::new(
                    format!("共有产权型：面积 {area} 平方米在 {lo}–{hi} 平方米之间，按成本价 {cost} 元"),
                    format!("shared ownership: {area} m² is within {lo}–{hi} m²; priced at cost {cost} yuan"),
                    c,
                )],
            })
        }
        TalentHomeKind::Rental => {
            let (max, c) = area_of(F, "rental_area_max", on).ok_or(TalentPriceError::NotInForce)?;
            let hi = shown(max)?;
            if area.centi_m2() > max {
                return Err(TalentPriceError::RentalArea {
                    area,
                    max: hi,
                    cite: c,
                });
            }
            Ok(TalentPrice {
                price: None,
                steps: vec![Step::new(
                    format!("租赁型：面积 {area} 平方米不超过 {hi} 平方米；只租不售，租金采用政府指导价"),
                    format!("rental: {area} m² is at most {hi} m²; rented only, at the government guided rent"),
                    c,
                )],
            })
        }
    }
}

// ------------------------------------------------------------ parameter files

/// The calculators' parameter files (`policies/subsidies/*.toml`, no rules:
/// dated, cited values), shipped with anju.
pub const FILES: &[(&str, &str)] = &[
    (
        "yangquan-finance",
        include_str!("../../../policies/subsidies/yangquan-finance.toml"),
    ),
    (
        "ordos-finance",
        include_str!("../../../policies/subsidies/ordos-finance.toml"),
    ),
    (
        "loudi-finance",
        include_str!("../../../policies/subsidies/loudi-finance.toml"),
    ),
    (
        "shanxi-talent-homes",
        include_str!("../../../policies/subsidies/shanxi-talent-homes.toml"),
    ),
];

struct Loaded {
    id: &'static str,
    policy: anju_policy::Policy,
    /// `cites[param][value]`: each value's citation, made once at load
    /// (explanations carry `&'static str` citations, so the few strings of
    /// the shipped files are kept for the process's life).
    cites: Vec<Vec<Cite>>,
}

fn loaded() -> &'static [Loaded] {
    use std::sync::OnceLock;
    static FILES_LOADED: OnceLock<Vec<Loaded>> = OnceLock::new();
    FILES_LOADED.get_or_init(|| {
        let keep = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
        FILES
            .iter()
            .filter_map(|(id, text)| {
                // A shipped file that does not load is caught by the tests
                // (`every_parameter_file_loads`); here it gives no figures.
                let policy =
                    anju_policy::load(&format!("policies/subsidies/{id}.toml"), text).ok()?;
                let cites = policy
                    .params
                    .iter()
                    .map(|p| {
                        p.values
                            .iter()
                            .map(|v| Cite {
                                document: keep(&v.citation.document),
                                article: keep(&v.citation.article),
                                ref_: keep(&v.citation.ref_),
                                quote: keep(v.citation.text.as_deref().unwrap_or("")),
                            })
                            .collect()
                    })
                    .collect();
                Some(Loaded { id, policy, cites })
            })
            .collect()
    })
}

/// Whether every shipped parameter file loaded.
pub fn every_parameter_file_loads() -> bool {
    loaded().len() == FILES.len()
}

/// A parameter's raw value (ten-thousandths of its unit) in force on `on`,
/// with its citation.
fn figure(file: &str, name: &str, on: chrono::NaiveDate) -> Option<(i64, Cite)> {
    let f = loaded().iter().find(|l| l.id == file)?;
    let pid = f.policy.param_by_name(name)?;
    let param = &f.policy.params[pid];
    let (vi, v) = param
        .values
        .iter()
        .enumerate()
        .rev()
        .find(|(_, v)| v.from <= on && v.until.is_none_or(|u| on <= u))?;
    Some((v.value.raw(), f.cites[pid][vi]))
}

/// A ratio as basis points (a ratio's raw value is already in 1/10 000).
fn rate_of(file: &str, name: &str, on: chrono::NaiveDate) -> Option<(Rate, Cite)> {
    let (raw, c) = figure(file, name, on)?;
    Some((Rate(u32::try_from(raw).ok()?), c))
}

/// An area in hundredths of a m².
fn area_of(file: &str, name: &str, on: chrono::NaiveDate) -> Option<(u64, Cite)> {
    let (raw, c) = figure(file, name, on)?;
    Some((u64::try_from(raw / 100).ok()?, c))
}

/// A whole count.
fn count_of(file: &str, name: &str, on: chrono::NaiveDate) -> Option<(u32, Cite)> {
    let (raw, c) = figure(file, name, on)?;
    Some((u32::try_from(raw / 10_000).ok()?, c))
}
