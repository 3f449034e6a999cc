//! What holdings answers for other capabilities: a home back in the pool
//! (a completed buyback) taken by rentals, or given back when rentals
//! could not register it. Both steps are audited.

use anju_domain::Role;
use serde_json::json;

use crate::web::auth::{require_role, CurrentUser};
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// Marks the pool home of buyback `buyback_id` taken by rental home
/// `rent_home_id` (company only); a home not available is a conflict.
pub async fn take_for_rentals(
    st: &AppState,
    user: &CurrentUser,
    buyback_id: &str,
    rent_home_id: &str,
) -> ApiResult<()> {
    require_role(user, &[Role::Company], "把回购房源转为配租")?;
    st.store
        .holdings()
        .hold_pool_home(buyback_id)
        .await?
        .ok_or_else(|| ApiError::not_found("房源池中的房源 (pool home)").field("pool_ref"))?;
    st.store
        .holdings()
        .hold_pool_take(
            buyback_id,
            Some(&format!("rentals:{rent_home_id}")),
            crate::web::audit(
                user,
                st.clock.now(),
                "holdings.pool_take".into(),
                format!("pool:{buyback_id}"),
                json!({"rentals": rent_home_id}),
            ),
        )
        .await
        .map_err(|e| ApiError::from(e).field("pool_ref"))
}

/// Gives the pool home back (rentals could not register it).
pub async fn release_from_rentals(
    st: &AppState,
    user: &CurrentUser,
    buyback_id: &str,
    rent_home_id: &str,
) -> ApiResult<()> {
    Ok(st
        .store
        .holdings()
        .hold_pool_take(
            buyback_id,
            None,
            crate::web::audit(
                user,
                st.clock.now(),
                "holdings.pool_release".into(),
                format!("pool:{buyback_id}"),
                json!({"rentals": rent_home_id}),
            ),
        )
        .await?)
}
