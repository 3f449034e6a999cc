//! What other rooms may ask of the market room.

use crate::web::error::ApiResult;
use crate::web::AppState;

/// The published median rent per m² per month (fen) for a district and home
/// type in a month (`YYYY-MM`), or the latest month before it on record —
/// the market-rent evidence a rentals room needs (004 §7(1): rent at 80% of
/// market). `None` when no samples are on record.
pub async fn market_rent(
    st: &AppState,
    district: &str,
    home_type: &str,
    month: &str,
) -> ApiResult<Option<i64>> {
    let levels = super::service::rent_levels(st).await?;
    Ok(levels
        .iter()
        .filter(|l| {
            l.district == district
                && l.home_type == home_type
                && l.month.to_string().as_str() <= month
        })
        .max_by_key(|l| l.month)
        .map(|l| l.median_fen_per_m2))
}
