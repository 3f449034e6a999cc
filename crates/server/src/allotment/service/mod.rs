//! Allotment (issue #4; 001 art. 11, 14–18; 004 §7(1), §8(1)): what the
//! implementing company, the city housing bureau and families do with a
//! project, shared by the JSON API and the web pages. Rules come from
//! `anju-allotment`, the draw from `anju-lottery`; every write carries its
//! audit entry; every refusal names the field or cites the article.

pub mod common;
mod projects;
mod rounds;
mod selection;
mod titles;
mod views;

pub use common::*;
pub use projects::*;
pub use rounds::*;
pub use selection::*;
pub use titles::*;
pub use views::*;
