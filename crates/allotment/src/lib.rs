//! anju-allotment: allotting affordable homes to qualified families
//! (阳政办发〔2026〕2号 articles 11, 14–18; 娄底方案 7(1), 8(1)).
//!
//! * [`home`]: projects' homes and the homes file (row-level errors).
//! * [`plan`]: one plan per project, its required terms, the price check
//!   and its approval by the city housing bureau.
//! * [`round`]: tiered rounds, who may enter, priority groups first.
//! * [`selection`]: one family's call, signing deadline, abandonment.
//! * [`contract`]: purchase contract, down payment, title with the
//!   article-18 annotation, and the lock on dealings.
//!
//! The lottery itself is `anju-lottery`. Pure: no I/O; the store keeps the
//! cross-process invariants (a home is sold once).

pub mod cite;
pub mod contract;
pub mod home;
pub mod money;
pub mod plan;
pub mod round;
pub mod selection;

pub use cite::{Cite, ART18_ANNOTATION};
pub use contract::{
    check_contract, check_dealing, ContractError, ContractTerms, Dealing, Refusal, Title,
};
pub use home::{
    parse_homes, Home, HomeId, HomeSource, HomesFile, HomesFileError, RowError, HOME_COLUMNS,
};
pub use money::{AmountError, Area, Fen};
pub use plan::{
    check_prices, next_status, AbsentRule, PlanStatus, PlanStep, PlanStepError, PlanTerms,
    PriceCheck, RoundWindow,
};
pub use round::{
    admit, calling_order, has_priority, may_open, Candidate, Drawn, Exclusion, OpenRoundError,
    ProjectArea, RoundStatus, Scope,
};
pub use selection::{
    next_state, sign_by, AbandonmentKind, CallError, CallNow, CallState, CallStep,
};
