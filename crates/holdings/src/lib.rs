//! anju-holdings: a sold affordable home's life after its title
//! (阳政办发〔2026〕2号 articles 18–22; 娄底方案 八、(一)4 and 八、(三)3).
//!
//! * [`cite`]: the articles, quoted, and which city uses which.
//! * [`buyback`]: the five buyback cases, the 30-day exit, the appraisal
//!   and the buyback price with every term shown, Loudi's five-year rule,
//!   and the steps of a buyback.
//! * [`review`]: the yearly re-verification of every held home: what the
//!   departments and reports found, turned into flags in the order the
//!   issue's policy reading gives them.
//! * [`case`]: the enforcement ladder a flag opens (notice to correct →
//!   deadline → recovery by buyback, or closed).
//!
//! Pure: no I/O, no clock. The store keeps the invariants that span
//! processes (one open buyback per home, a home returns to the pool once).

pub mod buyback;
pub mod case;
pub mod cite;
pub mod review;

pub use buyback::{
    buyback_price, exit_deadline, five_full_years_on, may_apply, next_status, ApplyRefusal,
    Appraisal, AppraisalError, BuybackCase, BuybackFacts, BuybackPrice, BuybackStatus, BuybackStep,
    BuybackStepError, Fee, PriceTerm,
};
pub use case::{is_overdue, next_case_status, CaseStatus, CaseStep, CaseStepError};
pub use cite::Regime;
pub use review::{flags_for, review_state, Finding, Flag, ReviewState, CAMPAIGN_DEPARTMENTS};
