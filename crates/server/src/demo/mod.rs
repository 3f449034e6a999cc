//! `anju serve --demo`: a living Yangquan city. One account per role (and
//! per district for district staff), printed at start, and a few hundred
//! households in every state of the lifecycle — each one walked there
//! through the real domain transitions, so its history, audit trail and
//! decisions are exactly what real use would produce.

pub mod accounts;
pub mod acquisition;
pub mod allotment;
pub mod applications;
pub mod holdings;
pub mod market;
pub mod rentals;
pub mod subsidies;
pub mod synthetic;

use crate::web::error::ApiResult;
use crate::web::AppState;

pub use accounts::{demo_accounts, DEMO_PASSWORD};

/// Creates the demo accounts (idempotent) and, when the database has no
/// applications yet, a few hundred households in every state and the two
/// allotment projects.
pub async fn seed(st: &AppState, households: usize) -> ApiResult<()> {
    accounts::create(st).await?;
    // The market has its own check (no monthly figures yet), so an older
    // demo database gains it too.
    market::seed(st).await?;
    // Subsidies seed on their own (idempotent), so a database seeded before
    // they existed gets them too.
    subsidies::seed(st).await?;
    subsidies::seed_indicators(st).await?;
    if st.store.applications().count_applications().await? > 0 {
        return Ok(());
    }
    applications::seed(st, households).await?;
    allotment::seed(st).await?;
    holdings::seed(st).await?;
    // Rentals only where the city's documents regulate renting (Loudi).
    rentals::seed(st).await?;
    acquisition::seed(st).await
}
