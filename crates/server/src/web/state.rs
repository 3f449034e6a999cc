//! The application state every handler receives, and the links in it:
//! the small, named interfaces through which one capability asks another
//! for something, without either importing the other's modules. `web`
//! declares each link's shape; the crate root (`crate::links`) fills them
//! in with the capability that answers. A capability that depends on
//! another in the ordinary direction (allotment reads qualified families
//! from applications) calls that capability's `interface` module instead.

use anju_policy::Policy;
use std::sync::Arc;

use super::clock::Clock;
use super::session as auth;
use std::future::Future;
use std::pin::Pin;

use chrono::NaiveDate;

use super::error::ApiResult;
use super::html::{Lang, Markup};
use super::session::CurrentUser;

/// The storage the server runs on: SQLite or PostgreSQL, chosen at start.
/// The server is written against this concrete type (not generically over
/// `Store`) so the compiler can see that every storage future is `Send`.
pub type Db = anju_store::AnyStore;

/// Everything a request handler needs. Cheap to clone.
pub struct AppState {
    /// What capabilities ask of each other (filled in by `crate::router`'s caller).
    pub links: Links,
    pub store: Db,
    pub policy: Arc<Policy>,
    /// Parameter values given at start (statistics the documents refer to).
    pub overrides: Arc<Vec<(String, String)>>,
    pub clock: Clock,
    /// Mark cookies Secure (behind HTTPS).
    pub secure_cookies: bool,
    pub limiter: Arc<auth::RateLimiter>,
    /// Tips from the public per address (docs/security.md, the tip line).
    pub tip_limiter: Arc<auth::RateLimiter>,
    pub sessions: Arc<auth::SessionCache>,
    /// How the server signs audit checkpoints; `None`: it does not (they
    /// are then written with `anju audit checkpoint`).
    pub checkpoints: Option<Arc<CheckpointSigning>>,
    /// A family account holds at most one active application (article 10;
    /// `applications::limits`). Always on in a deployment; a test that
    /// probes something else with many applications of one account turns
    /// it off.
    pub one_application_per_account: bool,
    /// Reverse proxies whose `X-Forwarded-For` names the client
    /// (`web::forwarded`); empty: the connection's address is the client.
    pub trusted_proxies: Arc<Vec<std::net::IpAddr>>,
}

/// The audit signing key (read from a file, never stored in the database)
/// and the folder the signed checkpoints are written to, to publish.
pub struct CheckpointSigning {
    /// Ed25519 secret key.
    pub key: [u8; 32],
    /// Where `checkpoint-<size>.json` and `latest.json` go.
    pub dir: std::path::PathBuf,
}

impl Clone for AppState {
    fn clone(&self) -> Self {
        AppState {
            store: self.store.clone(),
            policy: self.policy.clone(),
            overrides: self.overrides.clone(),
            clock: self.clock.clone(),
            secure_cookies: self.secure_cookies,
            limiter: self.limiter.clone(),
            tip_limiter: self.tip_limiter.clone(),
            sessions: self.sessions.clone(),
            links: self.links,
            checkpoints: self.checkpoints.clone(),
            one_application_per_account: self.one_application_per_account,
            trusted_proxies: self.trusted_proxies.clone(),
        }
    }
}

/// A boxed future, so that links can be plain function pointers.
pub type Fut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// Abandonment dates on record for some resident IDs.
pub type AbandonmentsLink =
    for<'a> fn(&'a AppState, &'a [String]) -> Fut<'a, ApiResult<Vec<NaiveDate>>>;

/// Benefits held on a day by any of some resident IDs, in the household
/// contract's `current_benefits` spelling.
pub type BenefitsLink =
    for<'a> fn(&'a AppState, &'a [String], NaiveDate) -> Fut<'a, ApiResult<Vec<String>>>;

/// Sections for an application's page: (state, viewer, application id, language).
pub type SectionsLink =
    for<'a> fn(&'a AppState, &'a CurrentUser, &'a str, Lang) -> Fut<'a, ApiResult<Vec<Markup>>>;

/// A home back in the holdings pool to be registered for rent: what
/// holdings knows of the home and the company's market-rent evidence
/// (the rental home needs its first evidence to exist, Loudi 五、3(3)).
#[derive(Debug, Clone, Default)]
pub struct PoolRental {
    /// The buyback the home came back through (the pool's key).
    pub buyback_id: String,
    /// The company's number for the rental home.
    pub rent_home_id: String,
    pub district: String,
    pub address: String,
    /// Floor area, m² ("86.40").
    pub area_m2: String,
    pub rooms: String,
    pub surveyed_on: String,
    /// `survey` or `appraisal`.
    pub method: String,
    pub survey_source: String,
    pub comparables: String,
    pub rent_per_m2_yuan: String,
}

/// Registers a pool home for rent; answers the rental home's id.
pub type PoolRentalLink =
    for<'a> fn(&'a AppState, &'a CurrentUser, PoolRental) -> Fut<'a, ApiResult<String>>;

/// What capabilities ask of each other, answered by later capabilities.
#[derive(Clone, Copy)]
pub struct Links {
    /// Abandonment dates on record for these resident IDs (001 article 14),
    /// merged into a household's history before the eligibility engine
    /// decides. Answered by allotment.
    pub recorded_abandonments: AbandonmentsLink,
    /// Sections that other capabilities add to an application's page (the
    /// family's allotment rounds), given the viewer who may see the
    /// application. Answered by allotment.
    pub application_sections: SectionsLink,
    /// Benefits the register says the members hold (talent apartment,
    /// talent rent subsidy), merged into `current_benefits` before the
    /// engine decides, so article 10's 90-day obligation follows the record
    /// rather than the declaration. Answered by subsidies.
    pub held_benefits: BenefitsLink,
    /// Dates on which these resident IDs were put on the dishonesty list
    /// (Loudi 8.2.3), merged into `history.blacklisted_on` before the
    /// engine decides, so the 3-year ban is enforced by the eligibility
    /// rules themselves. Answered by rentals.
    pub recorded_blacklistings: AbandonmentsLink,
    /// Registers a bought-back home of the holdings pool as a rental home
    /// (the rentals room takes it from the pool through
    /// `holdings::interface` and gives it back if it cannot register it).
    /// Holdings asks; rentals answers.
    pub rent_pool_home: PoolRentalLink,
}
