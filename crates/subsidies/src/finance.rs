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
    let rate = match (p.city, p.home_type, p.loan, order) {
        (City::Yangquan, HomeType::Commercial, LoanKind::Commercial, HomeOrder::First) => {
            steps.push(Step::new(
                "阳泉市首套住房商业贷款最低首付比例 20%",
                "Yangquan: a first home on a commercial loan needs at least 20% down",
                cite::YQ_DOWN_PAYMENT_FIRST,
            ));
            Some(Rate(2000))
        }
        (City::Ordos, HomeType::Commercial, LoanKind::Commercial, HomeOrder::First)
        | (City::Ordos, HomeType::Commercial, LoanKind::Commercial, HomeOrder::Second) => {
            steps.push(Step::new(
                "鄂尔多斯市首套、二套商品住房商业贷款最低首付比例 15%",
                "Ordos: first and second homes on a commercial loan need at least 15% down",
                cite::ORDOS_DOWN_PAYMENT,
            ));
            Some(Rate(1500))
        }
        (City::Loudi, HomeType::Affordable, _, _) => {
            steps.push(Step::new(
                "娄底市购买配售型保障性住房，首付比例最低可降至 15%",
                "Loudi: an affordable home may be bought with as little as 15% down",
                cite::LOUDI_DOWN_PAYMENT,
            ));
            Some(Rate(1500))
        }
        _ => None,
    };
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

/// Loudi's deed-tax figures on a day, from the parameter file
/// `policies/subsidies/loudi-deed-tax.toml` (rates and the area threshold,
/// each with its citation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeedTaxFigures {
    pub rate_lower: Rate,
    pub rate_higher: Rate,
    /// Hundredths of a m²; the lower rate applies up to it, inclusive.
    pub area_threshold: u64,
    pub rate_cite: Cite,
    pub area_cite: Cite,
}

/// The deed-tax parameter file shipped with anju.
pub const LOUDI_DEED_TAX_FILE: &str =
    include_str!("../../../policies/subsidies/loudi-deed-tax.toml");

impl DeedTaxFigures {
    /// The figures in force on `on`, from the shipped file (loaded once;
    /// None when the file has no value on that day).
    pub fn loudi(on: chrono::NaiveDate) -> Option<DeedTaxFigures> {
        use std::sync::OnceLock;
        static POLICY: OnceLock<Option<anju_policy::Policy>> = OnceLock::new();
        let p = POLICY
            .get_or_init(|| {
                anju_policy::load(
                    "policies/subsidies/loudi-deed-tax.toml",
                    LOUDI_DEED_TAX_FILE,
                )
                .ok()
            })
            .as_ref()?;
        Self::from_policy(p, on)
    }

    /// The figures of a loaded parameter file on `on`.
    pub fn from_policy(p: &anju_policy::Policy, on: chrono::NaiveDate) -> Option<DeedTaxFigures> {
        let value = |name: &str| {
            let param = &p.params[p.param_by_name(name)?];
            param.value_on(on)
        };
        let lower = value("rate_lower")?;
        let higher = value("rate_higher")?;
        let area = value("area_threshold")?;
        // Fixed4 is ten-thousandths of the unit: a ratio's raw value is in
        // basis points, an area's is ten-thousandths of a m².
        let bp = |v: &anju_policy::model::ParamValue| u32::try_from(v.value.raw()).ok();
        Some(DeedTaxFigures {
            rate_lower: Rate(bp(lower)?),
            rate_higher: Rate(bp(higher)?),
            area_threshold: u64::try_from(area.value.raw() / 100).ok()?,
            rate_cite: leak_cite(&lower.citation),
            area_cite: leak_cite(&area.citation),
        })
    }
}

/// A loaded citation as a [`Cite`]. Explanations carry `&'static str`
/// citations; the shipped file is loaded once per process, so its few
/// citation strings are kept for the process's life.
fn leak_cite(c: &anju_policy::Citation) -> Cite {
    let keep = |s: &str| -> &'static str { Box::leak(s.to_owned().into_boxed_str()) };
    Cite {
        document: keep(&c.document),
        article: keep(&c.article),
        ref_: keep(&c.ref_),
        quote: keep(c.text.as_deref().unwrap_or("")),
    }
}

/// Deed tax for a buyer of an affordable home. Loudi 10(1)2 sets 1% or 1.5%
/// "by area", with the figures from its parameter file; Yangquan art. 17
/// refers to the 2023 No. 70 notice, whose rate anju does not hold, so no
/// figure is given for Yangquan.
pub fn deed_tax(city: City, price: Fen, area: Area, loudi: Option<&DeedTaxFigures>) -> DeedTax {
    let mut steps = Vec::new();
    let rate = match (city, loudi) {
        (City::Loudi, Some(f)) => {
            let small = area.centi_m2() <= f.area_threshold;
            let r = if small { f.rate_lower } else { f.rate_higher };
            let limit = Area::from_centi_m2(f.area_threshold)
                .map(|a| a.to_string())
                .unwrap_or_default();
            steps.push(Step::new(
                format!(
                    "娄底市保障对象购买保障性住房，减按 {} 或 {} 税率缴纳契税（根据面积适用）",
                    f.rate_lower, f.rate_higher
                ),
                format!(
                    "Loudi: buyers of affordable homes pay deed tax at {} or {} by floor area",
                    f.rate_lower, f.rate_higher
                ),
                f.rate_cite,
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
                f.area_cite,
            ));
            Some((r, f.rate_cite))
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

pub const RENTAL_HOMES_MIN: u32 = 500;
/// 1.5万平方米 in hundredths of a m².
pub const RENTAL_AREA_MIN: u64 = 1_500_000;

/// Yangquan 000 二(4): a rental company holding or running ≥ 500 homes
/// (rooms) or ≥ 15,000 m² pays property tax at 4%.
pub fn rental_property_tax(homes: u32, area_centi_m2: u64) -> RentalTax {
    let by_homes = homes >= RENTAL_HOMES_MIN;
    let by_area = area_centi_m2 >= RENTAL_AREA_MIN;
    let area = Area::from_centi_m2(area_centi_m2)
        .map(|a| a.to_string())
        .unwrap_or_else(|| "0".into());
    let step = Step::new(
        format!(
            "持有或经营租赁住房 {homes} 套（间）{}500 套，建筑面积 {area} 平方米{}15000 平方米",
            if by_homes { "≥" } else { "<" },
            if by_area { "≥" } else { "<" },
        ),
        format!(
            "{homes} homes {} 500, {area} m² {} 15,000 m²",
            if by_homes { "≥" } else { "<" },
            if by_area { "≥" } else { "<" },
        ),
        cite::YQ_RENTAL_PROPERTY_TAX,
    );
    let verdict = if by_homes || by_area {
        Step::new(
            "符合条件，减按 4% 收取房产税",
            "Qualifies: property tax at the reduced 4%",
            cite::YQ_RENTAL_PROPERTY_TAX,
        )
    } else {
        Step::new(
            "未达到规模条件，不适用 4% 的减按税率",
            "Below both thresholds: the reduced 4% rate does not apply",
            cite::YQ_RENTAL_PROPERTY_TAX,
        )
    };
    RentalTax {
        reduced_rate: (by_homes || by_area).then_some(Rate(400)),
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
    #[error("共有产权型人才住房建筑面积应在 90–120 平方米之间，实际 {0} 平方米 (area must be 90–120 m²)")]
    SharedArea(Area),
    #[error(
        "租赁型人才住房建筑面积不超过 90 平方米，实际 {0} 平方米 (area must be at most 90 m²)"
    )]
    RentalArea(Area),
}

impl TalentPriceError {
    pub fn citation(&self) -> Cite {
        match self {
            TalentPriceError::SharedArea(_) => cite::SHANXI_TALENT_SHARED,
            TalentPriceError::RentalArea(_) => cite::SHANXI_TALENT_RENTAL,
        }
    }
}

/// Talent-home price (Shanxi 四(四) 专栏1). `cost` is the home's cost price.
/// Cost + 3% is a price cap ("微利"), so it rounds down to the fen.
pub fn talent_price(
    kind: TalentHomeKind,
    cost: Fen,
    area: Area,
) -> Result<TalentPrice, TalentPriceError> {
    match kind {
        TalentHomeKind::FullOwnership => {
            let price = cost.mul_ratio_floor(10_300, 10_000);
            Ok(TalentPrice {
                price: Some(price),
                steps: vec![Step::new(
                    format!("完全产权型：成本价 {cost} 元 × 103% = {price} 元"),
                    format!("full ownership: cost {cost} × 103% = {price} yuan"),
                    cite::SHANXI_TALENT_FULL,
                )],
            })
        }
        TalentHomeKind::SharedOwnership => {
            let a = area.centi_m2();
            if !(9_000..=12_000).contains(&a) {
                return Err(TalentPriceError::SharedArea(area));
            }
            Ok(TalentPrice {
                price: Some(cost),
                steps: vec![Step::new(
                    format!("共有产权型：面积 {area} 平方米在 90–120 平方米之间，按成本价 {cost} 元"),
                    format!("shared ownership: {area} m² is within 90–120 m²; priced at cost {cost} yuan"),
                    cite::SHANXI_TALENT_SHARED,
                )],
            })
        }
        TalentHomeKind::Rental => {
            if area.centi_m2() > 9_000 {
                return Err(TalentPriceError::RentalArea(area));
            }
            Ok(TalentPrice {
                price: None,
                steps: vec![Step::new(
                    format!("租赁型：面积 {area} 平方米不超过 90 平方米；只租不售，租金采用政府指导价"),
                    format!("rental: {area} m² is at most 90 m²; rented only, at the government guided rent"),
                    cite::SHANXI_TALENT_RENTAL,
                )],
            })
        }
    }
}
