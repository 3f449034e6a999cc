//! The regulated rent (七、(一)3): a share of the market rent of
//! comparable homes in the same area, rounded as the city's file says,
//! with every term shown. Money in fen, areas in hundredths of a m².

use serde::Serialize;

use crate::rules::{RentalRules, Rounding};

/// Why a rent cannot be computed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RentError {
    #[error("市场租金应大于 0 (the market rent must be above 0)")]
    NoMarketRent,
    #[error("建筑面积应大于 0 (the floor area must be above 0)")]
    NoArea,
    #[error("数值过大 (too large)")]
    TooLarge,
}

/// The rent of a home, every term shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RentCalc {
    /// Market rent per m² per month, fen (the evidence).
    pub market_per_m2_fen: i64,
    /// Floor area, hundredths of a m².
    pub area_centi_m2: i64,
    /// Market rent of the whole home per month, fen (half a fen up).
    pub market_monthly_fen: i64,
    /// The share the rules apply (80).
    pub ratio_percent: u32,
    /// The exact rent before rounding, in ten-thousandths of a fen.
    pub exact_e4_fen: i128,
    /// The regulated monthly rent, fen.
    pub rent_fen: i64,
}

fn round_div(n: i128, d: i128) -> i128 {
    // Half up for non-negative n.
    (n * 2 + d) / (d * 2)
}

/// Market rent of the whole home per month: per-m² rent × area, to the
/// fen, half up.
pub fn market_monthly(market_per_m2_fen: i64, area_centi_m2: i64) -> Result<i64, RentError> {
    if market_per_m2_fen <= 0 {
        return Err(RentError::NoMarketRent);
    }
    if area_centi_m2 <= 0 {
        return Err(RentError::NoArea);
    }
    let n = i128::from(market_per_m2_fen) * i128::from(area_centi_m2);
    i64::try_from(round_div(n, 100)).map_err(|_| RentError::TooLarge)
}

/// The regulated rent: market rent per m² × area × ratio, rounded as the
/// rules say (Loudi: to the yuan, half up). The product is exact (an
/// integer fraction) until the one rounding.
pub fn regulated_rent(
    rules: &RentalRules,
    market_per_m2_fen: i64,
    area_centi_m2: i64,
) -> Result<RentCalc, RentError> {
    let market_monthly_fen = market_monthly(market_per_m2_fen, area_centi_m2)?;
    let ratio = rules.rent.ratio_percent;
    // fen × centi-m² × percent: divide by 100 (centi) × 100 (percent).
    let n = i128::from(market_per_m2_fen) * i128::from(area_centi_m2) * i128::from(ratio);
    let rent = match rules.rent.rounding {
        Rounding::YuanHalfUp => round_div(n, 10_000 * 100) * 100,
        Rounding::FenHalfUp => round_div(n, 10_000),
    };
    Ok(RentCalc {
        market_per_m2_fen,
        area_centi_m2,
        market_monthly_fen,
        ratio_percent: ratio,
        exact_e4_fen: n,
        rent_fen: i64::try_from(rent).map_err(|_| RentError::TooLarge)?,
    })
}

/// A fen amount as yuan text ("1,234.50" without separators: "1234.50").
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let a = fen.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::builtin;

    fn loudi() -> RentalRules {
        builtin("rentals-loudi").unwrap()
    }

    #[test]
    fn eighty_percent_of_market_to_the_yuan() {
        // 20.00 yuan/m² × 90 m² = 1800 yuan; 80 % = 1440 yuan.
        let r = regulated_rent(&loudi(), 2000, 9000).unwrap();
        assert_eq!(r.market_monthly_fen, 180_000);
        assert_eq!(r.rent_fen, 144_000);
    }

    #[test]
    fn rounding_boundaries() {
        let rules = loudi();
        // 80 % of x = 1000.50 yuan exactly → 1001 (half up).
        // per-m² 1250.625 fen is not integral; use area instead:
        // 25.00 yuan/m² × 50.025 m² = 1250.625 yuan; × 0.8 = 1000.50 yuan.
        let r = regulated_rent(&rules, 2500, 5003).unwrap();
        // 2500 × 5003 × 80 / 10000 = 100060 fen = 1000.60 → 1001.
        assert_eq!(r.rent_fen, 100_100);
        // Exactly half a yuan: 25.00 × 50.025 is not representable; take
        // 10.00 yuan/m² × 62.5625 → use 1 fen/m² steps: 125 fen × 50.50 m²
        // = 6312.5 fen; × 0.8 = 5050 fen = 50.50 yuan → 51 yuan.
        let r = regulated_rent(&rules, 125, 5050).unwrap();
        assert_eq!(r.exact_e4_fen, 125 * 5050 * 80);
        assert_eq!(r.rent_fen, 5_100);
        // Just under half: 50.49 yuan → 50 yuan. 80 % of 6311.25 fen:
        // 125 × 5049 = 631125 centi-fen → ×0.8 = 5049 fen = 50.49 → 50.
        let r = regulated_rent(&rules, 125, 5049).unwrap();
        assert_eq!(r.rent_fen, 5_000);
        // Just over: 125 × 5051 × 0.8 = 5050.8 fen → 50.51 → 51.
        let r = regulated_rent(&rules, 125, 5051).unwrap();
        assert_eq!(r.rent_fen, 5_100);
    }

    #[test]
    fn fen_rounding_when_the_file_says_so() {
        let mut rules = loudi();
        rules.rent.rounding = Rounding::FenHalfUp;
        // 125 × 5049 × 80 / 10000 = 5049 fen exactly... 504.9? compute:
        // 125 × 5049 = 631125; × 80 = 50490000; / 10000 = 5049.0 fen.
        assert_eq!(regulated_rent(&rules, 125, 5049).unwrap().rent_fen, 5049);
        // 333 × 1001 × 80 / 10000 = 2666.664 → 2667 fen.
        assert_eq!(regulated_rent(&rules, 333, 1001).unwrap().rent_fen, 2667);
    }

    #[test]
    fn refuses_empty_evidence() {
        assert_eq!(
            regulated_rent(&loudi(), 0, 9000),
            Err(RentError::NoMarketRent)
        );
        assert_eq!(regulated_rent(&loudi(), 2000, 0), Err(RentError::NoArea));
    }

    #[test]
    fn yuan_text() {
        assert_eq!(yuan(144_000), "1440.00");
        assert_eq!(yuan(-5), "-0.05");
    }
}
