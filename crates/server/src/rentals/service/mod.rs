//! What the rentals API and pages both call: authorise first, then parse,
//! then the pure rules (`anju-rentals`), then the store.

mod common;
mod homes;
mod leases;

pub use common::*;
pub use homes::*;
pub use leases::*;
