//! What every capability shares and none owns: the application state,
//! sessions and roles (`auth`), the error envelope, the clock, the page
//! layout and language switch, form and spreadsheet helpers, and the links
//! through which one capability asks another for something.
//!
//! `web` uses no capability module: capabilities use it.

pub mod apidoc;
pub mod audit;
pub mod auth;
pub mod bilingual;
pub mod clock;
pub mod columns;
pub mod cookies;
pub mod error;
pub mod extract;
pub mod field_errors;
pub mod forms;
pub mod forwarded;
pub mod headers;
pub mod html;
pub mod json;
pub mod not_found;
pub mod paging;
pub mod session;
pub mod sheets;
pub mod state;
pub mod r#static;
pub mod stream;

pub use audit::audit;
pub use clock::Clock;
pub use state::{AppState, CheckpointSigning, Db, Fut, Links};
