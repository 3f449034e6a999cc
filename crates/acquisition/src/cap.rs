//! Price caps. For sale: (allocated-land cost + construction cost) per m²,
//! plus a profit of at most 5 %, shown term by term in fen. For rent
//! (Loudi only): the market appraisal per m².

use anju_allotment::{Area, Fen};
use serde::{Deserialize, Serialize};

use crate::policy::Policy;

/// A project's cap, as recorded with its evidence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum PriceCap {
    Sale {
        /// 划拨土地成本 per m² of floor area.
        land_per_m2: Fen,
        /// 建安成本 per m².
        construction_per_m2: Fen,
        /// Profit rate in basis points (500 = 5 %).
        profit_bp: u64,
    },
    Rent {
        /// 同地段、同品质普通商品住房市场评估价 per m².
        appraisal_per_m2: Fen,
    },
}

/// One line of a cap's computation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CapTerm {
    pub zh: &'static str,
    pub en: &'static str,
    pub fen_per_m2: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CapError {
    #[error("利润率 {bp} 个基点超过上限 {max} 个基点 (profit {bp} bp above {max} bp)")]
    ProfitTooHigh { bp: u64, max: u64 },
    #[error("本市不收购配租房源 (this city does not buy homes for rent)")]
    RentNotAllowed,
    #[error("成本不能为零 (costs must be positive)")]
    Zero,
}

impl PriceCap {
    /// A sale cap, refused when the profit rate is above the policy's.
    pub fn sale(
        policy: &Policy,
        land_per_m2: Fen,
        construction_per_m2: Fen,
        profit_bp: u64,
    ) -> Result<PriceCap, CapError> {
        let max = policy.rules.sale_cap.max_profit_bp.unwrap_or(500);
        if profit_bp > max {
            return Err(CapError::ProfitTooHigh { bp: profit_bp, max });
        }
        if land_per_m2.fen() + construction_per_m2.fen() == 0 {
            return Err(CapError::Zero);
        }
        Ok(PriceCap::Sale {
            land_per_m2,
            construction_per_m2,
            profit_bp,
        })
    }

    /// A rent cap: only where the policy buys for rent.
    pub fn rent(policy: &Policy, appraisal_per_m2: Fen) -> Result<PriceCap, CapError> {
        if !policy.rules.rent_cap.applies || !policy.purpose.rent {
            return Err(CapError::RentNotAllowed);
        }
        if appraisal_per_m2 == Fen::ZERO {
            return Err(CapError::Zero);
        }
        Ok(PriceCap::Rent { appraisal_per_m2 })
    }

    /// The terms, then the cap per m² (floor to the fen).
    pub fn terms(&self) -> Vec<CapTerm> {
        match *self {
            PriceCap::Sale {
                land_per_m2,
                construction_per_m2,
                profit_bp,
            } => {
                let cost = Fen::new(land_per_m2.fen() + construction_per_m2.fen());
                let profit = cost.mul_ratio_floor(profit_bp, 10_000);
                vec![
                    CapTerm {
                        zh: "划拨土地成本",
                        en: "allocated-land cost",
                        fen_per_m2: land_per_m2,
                    },
                    CapTerm {
                        zh: "建安成本",
                        en: "construction cost",
                        fen_per_m2: construction_per_m2,
                    },
                    CapTerm {
                        zh: "利润",
                        en: "profit",
                        fen_per_m2: profit,
                    },
                    CapTerm {
                        zh: "限价",
                        en: "cap",
                        fen_per_m2: Fen::new(cost.fen() + profit.fen()),
                    },
                ]
            }
            PriceCap::Rent { appraisal_per_m2 } => vec![
                CapTerm {
                    zh: "市场评估价",
                    en: "market appraisal",
                    fen_per_m2: appraisal_per_m2,
                },
                CapTerm {
                    zh: "限价",
                    en: "cap",
                    fen_per_m2: appraisal_per_m2,
                },
            ],
        }
    }

    /// The cap per m².
    pub fn per_m2(&self) -> Fen {
        self.terms()
            .last()
            .map(|t| t.fen_per_m2)
            .unwrap_or(Fen::ZERO)
    }

    /// A home's cap: per m² × its area, rounded down to the fen.
    pub fn home_cap(&self, area: Area) -> Fen {
        area.times_price_floor(self.per_m2())
    }
}

/// Whether an agreed price may be contracted: never above the cap.
pub fn may_contract(cap: &PriceCap, area: Area, price: Fen) -> Result<(), (Fen, Fen)> {
    let limit = cap.home_cap(area);
    if price > limit {
        Err((price, limit))
    } else {
        Ok(())
    }
}
