//! Chinese identity codes used when checking housing applications.
//!
//! * [`ResidentId`]: the 18-character citizen identity number of
//!   GB 11643-1999 (公民身份号码).
//! * [`CreditCode`]: the 18-character unified social credit code of
//!   GB 32100-2015 (法人和其他组织统一社会信用代码).
//!
//! Both types can only be obtained through validation, so code that holds
//! one never needs to re-check it. Both store their canonical (upper-case)
//! ASCII form inline, are `Copy`, and parse without allocating.
//!
//! ```
//! use anju_idcodes::{CreditCode, ResidentId, ResidentIdError, Sex};
//!
//! let id: ResidentId = "11010519491231002x".parse()?;
//! assert_eq!(id.as_str(), "11010519491231002X");
//! assert_eq!(id.sex(), Sex::Female);
//! assert_eq!(id.masked(), "110105********002X");
//!
//! let err = ResidentId::parse("110105194912310023").unwrap_err();
//! assert_eq!(err, ResidentIdError::CheckCharMismatch { expected: 'X', found: '3' });
//!
//! let code = CreditCode::parse("91350100M000100Y43")?;
//! assert_eq!(code.division_code(), "350100");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod credit;
mod resident;

pub use credit::{CreditCode, CreditCodeError};
pub use resident::{ResidentId, ResidentIdError, Sex};

/// Views bytes that a validated code type guarantees to be ASCII as `&str`.
///
/// The fallback is unreachable because every constructor checks for ASCII;
/// it exists only so that no panic path is compiled in.
fn ascii_str(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).unwrap_or_default()
}
