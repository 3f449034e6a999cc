//! anju-rentals: rental affordable homes (配租) under the Loudi plan
//! (娄底方案 四, 五、3(2), 七、(一)3, 八、(二), 八、(三)3).
//!
//! * [`rules`]: the city's rental rules file (`policies/rentals/<city>.toml`),
//!   every parameter with its document, article and words. A city whose
//!   documents say nothing about renting (Yangquan) has no file, and anju
//!   says so rather than borrow another city's rules.
//! * [`rent`]: the regulated rent from the market-rent evidence (80 %,
//!   rounded as the file says), every term shown.
//! * [`lease`]: lease terms, payment cycles and the periods they charge,
//!   renewal only after a fresh eligibility check, statuses.
//! * [`ledger`]: the append-only rent ledger: balance and "paid up to"
//!   derived from the entries, arrears ageing, the idempotent charge plan.
//! * [`exit`]: the three exit grounds of 八、(二)3, the 30-day deadline,
//!   overstay charged day by day at market rent, serious cases and the
//!   3-year dishonesty list.
//!
//! Pure: no I/O, no clock.

pub mod cite;
pub mod exit;
pub mod lease;
pub mod ledger;
pub mod rent;
pub mod rules;

pub use exit::{exit_deadline, overstay_charges, ExitGround, OverstayDay, OverstayMonth};
pub use lease::{
    charges_in_month, lease_end, may_renew, Cycle, LeaseStatus, LeaseTerms, PeriodCharge,
    RenewRefusal,
};
pub use ledger::{ageing, balance, paid_up_to, EntryKind, Ledger, LedgerEntry, LedgerError};
pub use rent::{market_monthly, regulated_rent, RentCalc, RentError};
pub use rules::{for_policy, RentalRules, RulesError, SeriousCase};
