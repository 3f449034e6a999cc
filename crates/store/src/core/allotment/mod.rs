//! Allotment storage: projects and plans, homes, rounds with their frozen
//! entrant files, every draw, calls, holds, contracts, titles, dealings and
//! abandonments. Each write carries its audit entry in the same
//! transaction.
//!
//! A home is sold once, across processes: choosing runs, in one write
//! transaction, a conditional `UPDATE allot_entrants … WHERE state =
//! 'called'`, a conditional `UPDATE allot_homes … WHERE state =
//! 'available'` (on PostgreSQL the second of two concurrent updates waits
//! for the first's row lock, re-reads, and matches nothing) and inserts into
//! `allot_home_holds` and `allot_family_holds`, whose primary keys are the
//! last defence. Locks are always taken entrant row → home row → audit head,
//! so they cannot form a cycle.

mod records;
mod rounds;
mod selection;

pub use records::*;
