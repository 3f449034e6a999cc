//! Market regulation, as each city's own documents write it: 鄂府发〔2025〕34号
//! for Ordos; the Shanxi 14th Five-Year housing plan and 阳政办发〔2022〕39号
//! for Yangquan. A city's rules file cites only its own documents; a rule
//! its documents do not set is reported as not regulated
//! ([`rules::RulesError::NotRegulated`]), never borrowed from another city.
//! Every check returns its figures and the article it applies.
//!
//! Pure: no I/O, no clock. Money is integer fen, areas are integer
//! hundredths of a square metre, ratios are integer percent or basis
//! points; no floating point in any rule. Which band rule a city uses and
//! every threshold come from its rules file (`policies/market-<city>.toml`,
//! read by [`rules::MarketRules::parse`]), not from code.

pub mod cite;
pub mod decision;
pub mod destock;
pub mod import;
pub mod land;
pub mod leader;
pub mod parcel;
pub mod plot;
pub mod plot_sheet;
pub mod presale;
pub mod rent;
pub mod rules;
pub mod units;

pub use decision::{Check, Explained};
pub use rules::{MarketRules, RulesError};
pub use units::{Area, Fen, Months};
