//! What acquisition answers for other capabilities: the homes whose title
//! was registered to the company (each then an available home of it), for
//! the province dashboard's own figures.

use chrono::NaiveDate;

use crate::web::error::ApiResult;
use crate::web::AppState;

/// Per registered purchase: the registration day and its number of homes.
pub async fn registered_homes(st: &AppState) -> ApiResult<Vec<(NaiveDate, u64)>> {
    Ok(super::service::purchases(st)
        .await?
        .into_iter()
        .filter_map(|(p, _)| p.registered_on.map(|d| (d, p.homes.len() as u64)))
        .collect())
}
