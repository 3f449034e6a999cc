//! anju-subsidies: subsidy programmes and finance calculators.
//!
//! - [`programme`]: the talent purchase subsidy, the talent rent subsidy and
//!   the provident-fund rent withdrawal are policy files
//!   (`policies/subsidies/*.toml`) decided by `anju-policy` like
//!   eligibility; this module turns a decision into an [`programme::Award`].
//! - [`ledger`]: the payment schedule an award gives (one-off, yearly or
//!   monthly for 60 months) and what a stop event cancels.
//! - [`register`]: one benefits register per person; no double benefit.
//! - [`universities`]: the dated university lists (双一流, world top 200)
//!   the talent purchase subsidy's verification reads, and
//!   [`university_additions`]: the entries the talent office adds to them
//!   from the official notices (checked, never overwriting).
//! - [`finance`]: minimum down payment, combined loan split, deed tax,
//!   rental-company property tax, talent-home prices.
//!
//! Pure: no I/O, no clock. Money is integer fen ([`Fen`]); rates are basis
//! points (1/10 000); nothing is floating point.

pub mod cite;
pub mod finance;
pub mod indicators;
pub mod ledger;
pub mod programme;
pub mod register;
pub mod universities;
pub mod university_additions;

pub use anju_allotment::{AmountError, Area, Fen};
pub use cite::Cite;

/// One line of an explanation: what was done, in Chinese and English, and the
/// article that says so. Every calculator result carries a list of these.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Step {
    pub zh: String,
    pub en: String,
    pub citation: Cite,
}

impl Step {
    pub fn new(zh: impl Into<String>, en: impl Into<String>, citation: Cite) -> Step {
        Step {
            zh: zh.into(),
            en: en.into(),
            citation,
        }
    }
}

/// A rate in basis points (1/10 000): 2000 = 20%, 150 = 1.5%.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(transparent)]
pub struct Rate(pub u32);

impl Rate {
    pub fn bp(self) -> u32 {
        self.0
    }
}

/// "20%", "1.5%", "4%".
impl std::fmt::Display for Rate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let whole = self.0 / 100;
        let frac = self.0 % 100;
        if frac == 0 {
            write!(f, "{whole}%")
        } else if frac.is_multiple_of(10) {
            write!(f, "{whole}.{}%", frac / 10)
        } else {
            write!(f, "{whole}.{frac:02}%")
        }
    }
}
