//! What subsidies answers for other capabilities (wired in by `lib.rs`):
//! the benefits the register says people hold.

use anju_subsidies::register::{BenefitKind, Grant};
use chrono::NaiveDate;

use crate::web::error::ApiResult;
use crate::web::AppState;
use crate::web::Fut;

/// The household contract's `current_benefits` held on `on` by any of
/// `resident_ids`, from the benefits register.
pub fn held_benefits<'a>(
    st: &'a AppState,
    resident_ids: &'a [String],
    on: NaiveDate,
) -> Fut<'a, ApiResult<Vec<String>>> {
    Box::pin(async move {
        let mut out: Vec<String> = Vec::new();
        let ids: Vec<&str> = resident_ids.iter().map(String::as_str).collect();
        for row in st.store.subsidies().sub_grants_of_any(&ids).await? {
            let Some(kind) = BenefitKind::parse(&row.kind) else {
                continue;
            };
            let g = Grant {
                kind,
                from: row.from,
                until: row.until,
            };
            if let (true, Some(b)) = (g.active_on(on), kind.contract_benefit()) {
                out.push(b.to_owned());
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    })
}
