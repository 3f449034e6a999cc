//! What the acquisition API and pages both call: authorise first (the
//! company works; the city bureau registers companies and approves plans;
//! auditors read), then parse, then the rules of `anju_acquisition`, then
//! the store.

mod common;
mod ledger;
mod plan;
mod purchase;
mod survey;

pub use common::*;
pub use ledger::*;
pub use plan::*;
pub use purchase::*;
pub use survey::*;
