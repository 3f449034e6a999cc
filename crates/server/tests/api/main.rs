//! The JSON API, end to end: the real router in-process over a fresh
//! database per test, on SQLite always and on PostgreSQL when
//! `ANJU_TEST_DATABASE_URL` is set (e.g. postgres://postgres@127.0.0.1:5432/test).
//! The harness is `../common/mod.rs` (`TestApp`, `Session`).

#[path = "../common/mod.rs"]
mod common;

mod acquisition;
mod acquisition_forms;
mod acquisition_loudi;
mod allotment;
mod application_preferences;
mod audit;
mod audit_page;
mod dashboard;
mod dashboard_own;
mod declaration;
mod drafts;
mod errors;
mod exports;
mod faults;
mod forms;
mod holdings;
mod holdings_pool;
mod holdings_tips;
mod lifecycle;
mod lists;
mod loudi;
mod market;
mod materials;
mod matrix;
mod notices;
mod objections;
mod openapi;
mod pages;
mod read_side;
mod rentals;
mod screening;
mod security;
mod sheet_headers;
mod sign_in;
mod subsidies;
mod subsidies_apartments;
mod subsidies_property;
mod subsidies_universities;
mod synthetic;
mod verification_file;
mod withdrawal;
