//! The small, named interfaces through which one capability asks another
//! for something, without either importing the other's modules. `web`
//! declares each link's shape; the crate root (`crate::links`) fills them
//! in with the capability that answers. A capability that depends on
//! another in the ordinary direction (allotment reads qualified families
//! from applications) calls that capability's `interface` module instead.

use std::future::Future;
use std::pin::Pin;

use chrono::NaiveDate;

use super::auth::CurrentUser;
use super::error::ApiResult;
use super::html::{Lang, Markup};
use super::AppState;

/// A boxed future, so that links can be plain function pointers.
pub type Fut<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// What capabilities ask of each other, answered by later capabilities.
#[derive(Clone, Copy)]
pub struct Links {
    /// Abandonment dates on record for these resident IDs (001 article 14),
    /// merged into a household's history before the eligibility engine
    /// decides. Answered by allotment.
    pub recorded_abandonments:
        for<'a> fn(&'a AppState, &'a [String]) -> Fut<'a, ApiResult<Vec<NaiveDate>>>,
    /// Sections that other capabilities add to an application's page (the
    /// family's allotment rounds), given the viewer who may see the
    /// application. Answered by allotment.
    pub application_sections:
        for<'a> fn(&'a AppState, &'a CurrentUser, &'a str, Lang) -> Fut<'a, ApiResult<Vec<Markup>>>,
}
