//! anju-acquisition: buying existing homes for affordable housing
//! (阳政办发〔2026〕2号 articles 5, 7, 8 in Yangquan; the Loudi plan's
//! sections 二, 三(三), 五, 六, 七(一)1–2, 七(二) in Loudi — never mixed).
//!
//! * [`policy`]: the city's rules and parameters, read from its literate
//!   policy file with each rule's article (or the company's own practice).
//! * [`survey`]: the frozen half-yearly demand survey from the waitlists.
//! * [`screen`]: screening an offered home; every failed rule shown.
//! * [`cap`]: price caps term by term in fen.
//! * [`pool`]: screened homes grouped into lots (buildings/units).
//! * [`plan`]: the demand-driven purchase plan, an integer program solved
//!   by `good_lp` + `microlp`, explained lot by lot.
//! * [`steps`]: appraisal, notice (working days), contract, handover,
//!   registration deadline, the purchase's status.
//! * [`ledger`]: at most two companies, separate ledgers, own capital.
//!
//! Pure: no I/O, no clock (the solver's time limit aside).

pub mod cap;
pub mod ledger;
pub mod plan;
pub mod policy;
pub mod pool;
pub mod screen;
pub mod steps;
pub mod survey;
pub mod synthetic;

pub use cap::{may_contract, CapError, CapTerm, PriceCap};
pub use ledger::{check_own_capital, may_add_company, may_pay, Balances, CompanyError, EntryKind};
pub use plan::{
    evaluate, explain, optimise, Evaluation, Line, Lot, PlanError, PlanInput, Proposal, Reason,
    SolveStatus,
};
pub use policy::{Policy, PolicyError, Rule, Source};
pub use screen::{screen, Band, Finding, OfferedHome, Purpose, Screening, TitleStatus};
pub use steps::{
    check_appraisal, may_hand_over, may_sign, notice_end, registration_due, registration_overdue,
    Appraisal, InspectionItem, NegotiationMode, Status, StepError, CHECKLIST,
};
pub use survey::{Survey, SurveyError, TierCounts, Waiting};
