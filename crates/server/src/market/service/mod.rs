//! What the market API and pages both call: authorise first (market
//! regulators record; they, the city bureau and auditors read), then parse,
//! then the rules of `anju_market`, then the store.

mod common;
mod funds;
mod land;
mod rent;

pub use common::*;
pub use funds::*;
pub use land::*;
pub use rent::*;
