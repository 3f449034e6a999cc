//! Exact money and area: integer fen and integer hundredths of a square
//! metre. Never floating point (PRODUCT.md, non-negotiables).

use serde::{Deserialize, Serialize};
use std::fmt;

/// An amount of money in fen (0.01 yuan). Never negative.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Fen(u64);

/// Why a decimal amount or area could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AmountError {
    #[error("“{0}”不是有效数值，应为不超过两位小数的非负数 (not a non-negative number with at most two decimals)")]
    Invalid(String),
    #[error("“{0}”超出允许范围 (out of range)")]
    TooLarge(String),
}

/// Parses "123", "123.4", "123.45" (optionally with thousands commas) into
/// hundredths. Three or more decimals are refused rather than rounded: a
/// price or area is what the document says, to the fen or 0.01 m².
fn parse_hundredths(s: &str) -> Result<u64, AmountError> {
    let t: String = s.trim().chars().filter(|c| *c != ',').collect();
    let bad = || AmountError::Invalid(s.trim().to_string());
    if t.is_empty() {
        return Err(bad());
    }
    let (int, frac) = match t.split_once('.') {
        Some((i, f)) => (i, f),
        None => (t.as_str(), ""),
    };
    if int.is_empty()
        || !int.bytes().all(|b| b.is_ascii_digit())
        || frac.len() > 2
        || !frac.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: u64 = int
        .parse()
        .map_err(|_| AmountError::TooLarge(s.trim().to_string()))?;
    let mut cents: u64 = 0;
    for (i, b) in frac.bytes().enumerate() {
        cents += u64::from(b - b'0') * if i == 0 { 10 } else { 1 };
    }
    whole
        .checked_mul(100)
        .and_then(|w| w.checked_add(cents))
        .filter(|v| *v <= 1_000_000_000_000 * 100) // a trillion, in hundredths
        .ok_or_else(|| AmountError::TooLarge(s.trim().to_string()))
}

fn fmt_hundredths(v: u64, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    let (w, c) = (v / 100, v % 100);
    if c == 0 {
        write!(f, "{w}")
    } else if c % 10 == 0 {
        write!(f, "{w}.{}", c / 10)
    } else {
        write!(f, "{w}.{c:02}")
    }
}

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub fn new(fen: u64) -> Fen {
        Fen(fen)
    }

    /// From a yuan amount as written ("350000", "4800.50").
    pub fn parse_yuan(s: &str) -> Result<Fen, AmountError> {
        parse_hundredths(s).map(Fen)
    }

    pub fn fen(self) -> u64 {
        self.0
    }

    pub fn checked_sub(self, other: Fen) -> Option<Fen> {
        self.0.checked_sub(other.0).map(Fen)
    }

    /// `self × numerator / denominator`, rounded up to the fen. Used for
    /// minimums (a down payment of at least 15% is never a fen short).
    pub fn mul_ratio_ceil(self, numerator: u64, denominator: u64) -> Fen {
        let p = u128::from(self.0) * u128::from(numerator);
        let d = u128::from(denominator.max(1));
        Fen(p.div_ceil(d).min(u128::from(u64::MAX)) as u64)
    }

    /// `self × numerator / denominator`, rounded down to the fen. Used for
    /// caps (a price may not exceed cost + 5% by any fraction of a fen).
    pub fn mul_ratio_floor(self, numerator: u64, denominator: u64) -> Fen {
        let p = u128::from(self.0) * u128::from(numerator);
        let d = u128::from(denominator.max(1));
        Fen((p / d).min(u128::from(u64::MAX)) as u64)
    }
}

/// Shown in yuan with up to two decimals: "350000", "4800.5".
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_hundredths(self.0, f)
    }
}

/// A floor area in hundredths of a square metre. Positive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Area(u64);

impl Area {
    /// From square metres as written ("89.56").
    pub fn parse_m2(s: &str) -> Result<Area, AmountError> {
        match parse_hundredths(s)? {
            0 => Err(AmountError::Invalid(s.trim().to_string())),
            v => Ok(Area(v)),
        }
    }

    pub fn from_centi_m2(v: u64) -> Option<Area> {
        (v > 0).then_some(Area(v))
    }

    pub fn centi_m2(self) -> u64 {
        self.0
    }

    /// Price per m² × this area, rounded down to the fen (a cap).
    pub fn times_price_floor(self, per_m2: Fen) -> Fen {
        per_m2.mul_ratio_floor(self.0, 100)
    }
}

/// Shown in m² with up to two decimals.
impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt_hundredths(self.0, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_shows_amounts() {
        assert_eq!(Fen::parse_yuan("350000").unwrap().fen(), 35_000_000);
        assert_eq!(Fen::parse_yuan("4,800.5").unwrap().fen(), 480_050);
        assert_eq!(Fen::parse_yuan("0.07").unwrap().to_string(), "0.07");
        assert_eq!(Fen::parse_yuan("12.30").unwrap().to_string(), "12.3");
        for bad in ["", "-1", "1.234", "abc", "1.2.3", ".5"] {
            assert!(Fen::parse_yuan(bad).is_err(), "{bad}");
        }
        assert!(Area::parse_m2("0").is_err());
        assert_eq!(Area::parse_m2("89.56").unwrap().to_string(), "89.56");
    }

    #[test]
    fn ratios_round_the_safe_way() {
        let p = Fen::new(33_333_333);
        assert_eq!(p.mul_ratio_ceil(15, 100).fen(), 5_000_000); // 4_999_999.95 up
        assert_eq!(p.mul_ratio_floor(105, 100).fen(), 34_999_999); // .65 down
        let a = Area::parse_m2("89.56").unwrap();
        assert_eq!(
            a.times_price_floor(Fen::parse_yuan("4000").unwrap())
                .to_string(),
            "358240"
        );
    }
}
