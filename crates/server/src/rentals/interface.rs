//! What rentals answers for other capabilities (wired in by
//! `crate::links`): the dishonesty-list entries on record, which
//! applications merges into `history.blacklisted_on` before the
//! eligibility engine decides (Loudi 八、(二)3: "情节严重的纳入失信名单,
//! 3年内不得申请保障性住房").

use crate::web::error::ApiResult;
use crate::web::AppState;
use crate::web::Fut;

/// Dates on which any of these people were put on the dishonesty list.
pub fn recorded_blacklistings<'a>(
    st: &'a AppState,
    member_ids: &'a [String],
) -> Fut<'a, ApiResult<Vec<chrono::NaiveDate>>> {
    Box::pin(async move { Ok(st.store.rentals().rent_blacklisted_on(member_ids).await?) })
}

/// Registers a bought-back home of the holdings pool for rent (asked by
/// holdings through `Links::rent_pool_home`): the ordinary registration
/// with source `bought_back`, which takes the home from the pool first and
/// gives it back if the registration fails (both steps audited by
/// holdings). A city without rental rules is refused here too.
pub fn rent_pool_home<'a>(
    st: &'a AppState,
    user: &'a crate::web::auth::CurrentUser,
    req: crate::web::state::PoolRental,
) -> Fut<'a, ApiResult<String>> {
    Box::pin(async move {
        let home = super::service::add_home(
            st,
            user,
            super::service::NewHomeRequest {
                id: req.rent_home_id,
                district: req.district,
                address: req.address,
                area_m2: req.area_m2,
                rooms: req.rooms,
                source: "bought_back".into(),
                approval_ref: None,
                pool_ref: Some(req.buyback_id),
                purchase_yuan: None,
                appraisal_yuan: None,
                survey: super::service::SurveyRequest {
                    effective_from: None,
                    surveyed_on: req.surveyed_on,
                    method: req.method,
                    source: req.survey_source,
                    comparables: req.comparables,
                    rent_per_m2_yuan: req.rent_per_m2_yuan,
                },
            },
        )
        .await?;
        Ok(home.id)
    })
}
