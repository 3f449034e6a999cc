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
