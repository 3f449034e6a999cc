//! Market regulation, as the city's documents write it: 鄂府发〔2025〕34号
//! (Ordos), the Shanxi 14th Five-Year housing plan and 阳政办发〔2022〕39号
//! (Yangquan). Every check returns its figures and the article it applies.
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
