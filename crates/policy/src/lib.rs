//! anju-policy: policy files -> dated parameters and cited rules ->
//! explained eligibility decisions.
//!
//! Pure: no I/O but reading the text it is given. The contract this crate
//! implements is `contracts/eligibility.md`; the policy file format is
//! documented in `docs/policy-files.md`.

mod compile;
pub mod engine;
mod file;
pub mod fixed;
pub mod household;
pub mod model;
pub mod render;
pub mod template;

pub use compile::{load, LoadError, LoadErrorKind};
pub use engine::{Decision, Evaluator, Outcome, ResolveError, ValueSource};
pub use household::{Household, InputError};
pub use model::{Citation, Policy, Scope};
pub use render::{MessageCache, Renderer};

/// The policies shipped with anju, embedded at build time so the binary
/// works from any directory. A policy directory on disk takes precedence
/// (see the CLI), which is how a city changes a threshold without a release.
pub const BUILTIN: &[(&str, &str)] = &[
    (
        "yangquan-2026",
        include_str!("../../../policies/yangquan-2026.toml"),
    ),
    (
        "loudi-2025",
        include_str!("../../../policies/loudi-2025.toml"),
    ),
];

/// Loads a built-in policy by id.
pub fn builtin(id: &str) -> Option<Result<Policy, LoadError>> {
    BUILTIN
        .iter()
        .find(|(i, _)| *i == id)
        .map(|(i, text)| load(&format!("policies/{i}.toml"), text))
}
