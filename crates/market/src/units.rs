//! Exact quantities: money in fen, areas in hundredths of a square metre,
//! a destocking period as an exact fraction of months. Percent arithmetic
//! states its rounding at each call, because a requirement ("at least 6%")
//! rounds up and an allowance ("at most 30%") rounds down.

use std::cmp::Ordering;
use std::fmt;

use serde::{Deserialize, Serialize};

/// Money in fen (分). 1 yuan = 100 fen. Signed (a ledger's movements),
/// unlike allotment's prices: its own schema name.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
#[cfg_attr(feature = "openapi", schema(as = MarketFen))]
pub struct Fen(pub i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    /// Whole yuan.
    pub const fn yuan(y: i64) -> Fen {
        Fen(y * 100)
    }

    /// Hundred-million yuan (亿元).
    pub const fn yi(y: i64) -> Fen {
        Fen(y * 100_000_000 * 100)
    }

    /// `self − o`, never below zero.
    pub fn saturating_sub(self, o: Fen) -> Fen {
        Fen(self.0.saturating_sub(o.0).max(0))
    }

    /// `pct`% of this amount, rounded half up to the fen (a fee).
    pub fn pct_round(self, pct: u32) -> Fen {
        Fen(pct_round(self.0, pct))
    }

    /// `pct`% of this amount, rounded down (an allowance never grows by rounding).
    pub fn pct_floor(self, pct: u32) -> Fen {
        Fen(pct_floor(self.0, pct))
    }

    /// `pct`% of this amount, rounded up (a requirement never shrinks by rounding).
    pub fn pct_ceil(self, pct: u32) -> Fen {
        Fen(pct_ceil(self.0, pct))
    }
}

impl fmt::Display for Fen {
    /// `1234567.89元`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}元", a / 100, a % 100)
    }
}

/// An area in hundredths of a square metre (0.01 m²), as surveyors report it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Area(pub i64);

impl Area {
    pub const ZERO: Area = Area(0);

    /// Whole square metres.
    pub const fn m2(m: i64) -> Area {
        Area(m * 100)
    }

    /// `self − o`, never below zero.
    pub fn saturating_sub(self, o: Area) -> Area {
        Area(self.0.saturating_sub(o.0).max(0))
    }

    pub fn pct_round(self, pct: u32) -> Area {
        Area(pct_round(self.0, pct))
    }

    pub fn pct_floor(self, pct: u32) -> Area {
        Area(pct_floor(self.0, pct))
    }

    pub fn pct_ceil(self, pct: u32) -> Area {
        Area(pct_ceil(self.0, pct))
    }

    /// Parses `1234.5` or `1234.56` square metres (at most two decimals).
    pub fn parse_m2(s: &str) -> Option<Area> {
        parse_hundredths(s).map(Area)
    }
}

impl fmt::Display for Area {
    /// `1234.56㎡`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let a = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}㎡", a / 100, a % 100)
    }
}

/// Parses a non-negative decimal with at most two decimals into hundredths
/// (`12`, `12.5`, `12.34`); used for square metres, yuan and metres.
pub fn parse_hundredths(s: &str) -> Option<i64> {
    let s = s.trim();
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s, ""),
    };
    if int.is_empty() || int.len() > 15 || !int.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if frac.len() > 2 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let whole: i64 = int.parse().ok()?;
    let mut f: i64 = if frac.is_empty() {
        0
    } else {
        frac.parse().ok()?
    };
    if frac.len() == 1 {
        f *= 10;
    }
    whole.checked_mul(100)?.checked_add(f)
}

fn pct_floor(x: i64, pct: u32) -> i64 {
    ((x as i128 * pct as i128).div_euclid(100)) as i64
}

fn pct_ceil(x: i64, pct: u32) -> i64 {
    let p = x as i128 * pct as i128;
    (p.div_euclid(100) + i128::from(p.rem_euclid(100) != 0)) as i64
}

fn pct_round(x: i64, pct: u32) -> i64 {
    let p = x as i128 * pct as i128;
    ((p + 50).div_euclid(100)) as i64
}

/// A destocking period: inventory ÷ average monthly sales, kept as the exact
/// fraction `inventory × window / sales over the window` so that the band
/// boundaries (36, 18, 12, 6 months) are compared without rounding. No
/// sales at all over the window makes the period unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Months {
    num: i128,
    den: i128,
}

impl Months {
    /// `inventory × window ÷ sales_total`; `sales_total` zero is unbounded.
    pub fn from_ratio(inventory: Area, window: u32, sales_total: Area) -> Months {
        Months {
            num: inventory.0.max(0) as i128 * window as i128,
            den: sales_total.0.max(0) as i128,
        }
    }

    /// Exactly `m` months (tests and boundaries).
    pub fn whole(m: u32) -> Months {
        Months {
            num: m as i128,
            den: 1,
        }
    }

    /// No sales in the window: the stock would never clear.
    pub fn is_unbounded(&self) -> bool {
        self.den == 0
    }

    /// Compares with a whole number of months.
    pub fn cmp_whole(&self, m: u32) -> Ordering {
        if self.den == 0 {
            return Ordering::Greater;
        }
        self.num.cmp(&(m as i128 * self.den))
    }

    /// Tenths of a month, rounded half up (display only; decisions use the
    /// exact fraction). `None` when unbounded.
    pub fn tenths(&self) -> Option<i64> {
        if self.den == 0 {
            return None;
        }
        Some(((self.num * 20 + self.den) / (2 * self.den)) as i64)
    }
}

impl PartialOrd for Months {
    fn partial_cmp(&self, o: &Months) -> Option<Ordering> {
        Some(self.cmp(o))
    }
}

impl Ord for Months {
    fn cmp(&self, o: &Months) -> Ordering {
        match (self.den == 0, o.den == 0) {
            (true, true) => Ordering::Equal,
            (true, false) => Ordering::Greater,
            (false, true) => Ordering::Less,
            (false, false) => (self.num * o.den).cmp(&(o.num * self.den)),
        }
    }
}

impl fmt::Display for Months {
    /// `23.4个月`, or `无销售（无限）` when there were no sales.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.tenths() {
            Some(t) => write!(f, "{}.{}个月", t / 10, t % 10),
            None => write!(f, "无销售（无限）"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percent_rounding_states_its_direction() {
        assert_eq!(Area(101).pct_ceil(6), Area(7)); // 6.06 → 7
        assert_eq!(Area(101).pct_floor(6), Area(6));
        assert_eq!(Fen(250).pct_round(20), Fen(50));
        assert_eq!(Fen(3).pct_round(20), Fen(1)); // 0.6 → 1
    }

    #[test]
    fn parses_hundredths() {
        assert_eq!(Area::parse_m2("12.5"), Some(Area(1250)));
        assert_eq!(Area::parse_m2("12"), Some(Area(1200)));
        assert_eq!(Area::parse_m2("12.345"), None);
        assert_eq!(Area::parse_m2("-1"), None);
        assert_eq!(Area::parse_m2(""), None);
    }

    #[test]
    fn months_compare_exactly() {
        // 36 000 m² of stock, 12 000 m² sold over 12 months: 36 months exactly.
        let m = Months::from_ratio(Area::m2(36_000), 12, Area::m2(12_000));
        assert_eq!(m.cmp_whole(36), Ordering::Equal);
        assert_eq!(m.to_string(), "36.0个月");
        let never = Months::from_ratio(Area::m2(1), 12, Area::ZERO);
        assert!(never.is_unbounded() && never > m);
        assert_eq!(Fen(123456).to_string(), "1234.56元");
    }
}
