//! What the holdings API and pages both call: authorise first, then parse,
//! then the pure rules (`anju-holdings`), then the store.

mod buyback;
mod campaign;
mod common;
mod pool;
mod register;
mod tips;

pub use buyback::*;
pub use campaign::*;
pub use common::*;
pub use pool::*;
pub use register::*;
pub use tips::*;
