//! Exact decimal quantities.
//!
//! Money, floor areas and parameter values are compared exactly: a household
//! at 20.00 m² per person must not be pushed over a "不超过 20 平方米（含）"
//! line by binary rounding. Values are held as integers of 1/10 000 of their
//! unit, which is exact for fen (1/100 yuan) and for any area a registry
//! records.

use std::fmt;

/// A non-negative-or-negative decimal with four fractional digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fixed4(i64);

pub const SCALE: i64 = 10_000;

/// Largest magnitude accepted from input (10^14 units): far above any income
/// or area, and small enough that products of two values fit in i128 with room.
const MAX_ABS: f64 = 1e14;

impl Fixed4 {
    pub const ZERO: Fixed4 = Fixed4(0);

    pub const fn from_raw(raw: i64) -> Self {
        Fixed4(raw)
    }

    pub const fn from_int(v: i64) -> Self {
        Fixed4(v * SCALE)
    }

    pub const fn raw(self) -> i64 {
        self.0
    }

    /// Converts a JSON/TOML number. Values with more than four decimals are
    /// rounded half away from zero to the fourth; this is below any unit an
    /// official records. Non-finite or absurdly large values are refused.
    pub fn from_f64(v: f64) -> Option<Self> {
        if !v.is_finite() || v.abs() > MAX_ABS {
            return None;
        }
        Some(Fixed4((v * SCALE as f64).round() as i64))
    }

    /// Whole units when the value has no fractional part.
    pub fn as_whole(self) -> Option<i64> {
        (self.0 % SCALE == 0).then_some(self.0 / SCALE)
    }

    /// Formats with exactly `decimals` fractional digits (rounded half up).
    pub fn fmt_decimals(self, decimals: u32) -> String {
        fmt_ratio(self.0 as i128, SCALE as i128, decimals)
    }

    /// Formats with as few decimals as needed (20, 20.5, 0.1234).
    pub fn fmt_trim(self) -> String {
        let s = self.fmt_decimals(4);
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    }
}

impl fmt::Display for Fixed4 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.fmt_trim())
    }
}

/// Formats `num / den` (den > 0) with `decimals` digits, rounding half up.
pub fn fmt_ratio(num: i128, den: i128, decimals: u32) -> String {
    let neg = num < 0;
    let num = num.abs();
    let scale = 10i128.pow(decimals);
    let scaled = (num * scale * 2 + den) / (den * 2);
    let int = scaled / scale;
    let frac = scaled % scale;
    let sign = if neg && scaled != 0 { "-" } else { "" };
    if decimals == 0 {
        format!("{sign}{int}")
    } else {
        format!("{sign}{int}.{frac:0width$}", width = decimals as usize)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn converts_and_formats_exactly() {
        let v = Fixed4::from_f64(20.33).unwrap();
        assert_eq!(v.raw(), 203_300);
        assert_eq!(v.fmt_decimals(2), "20.33");
        assert_eq!(Fixed4::from_int(20).fmt_trim(), "20");
        assert_eq!(Fixed4::from_f64(0.1).unwrap().fmt_trim(), "0.1");
        assert_eq!(fmt_ratio(61, 3, 2), "20.33");
        assert_eq!(fmt_ratio(2, 3, 2), "0.67");
        assert_eq!(Fixed4::from_f64(f64::NAN), None);
        assert_eq!(Fixed4::from_f64(1e15), None);
    }
}
