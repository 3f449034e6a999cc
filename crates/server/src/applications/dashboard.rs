//! The staff dashboard's figures (issue 12 feature 20): applications per
//! state and district in the reader's scope, what waits for the reader's
//! role, and what is overdue. Read from the `applications` table's own
//! columns (one grouped query), never by replaying events.

use std::collections::BTreeMap;

use anju_domain::{DistrictCode, Role, StatusKind};

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// What the dashboard shows.
pub struct Dashboard {
    /// Counts per district, then per state (districts in code order).
    pub counts: BTreeMap<DistrictCode, BTreeMap<StatusKind, u64>>,
    /// The states whose next step is the reader's role's, with their totals.
    pub waiting: Vec<(StatusKind, u64)>,
    /// Notices past their end still waiting for the bureau, per district.
    pub notices_past_end: Vec<(DistrictCode, u64)>,
}

impl Dashboard {
    /// All districts' count of one state.
    pub fn total(&self, s: StatusKind) -> u64 {
        self.counts.values().filter_map(|m| m.get(&s)).sum()
    }
}

/// The states in which a role takes the next step (001 art. 4, 14; the
/// permissions of `anju_domain::permissions`).
pub fn waiting_on(role: Role) -> &'static [StatusKind] {
    use StatusKind as S;
    match role {
        Role::Community => &[S::ReturnedForCorrection],
        Role::Street => &[S::Submitted],
        Role::Verifier(_) => &[S::UnderVerification],
        Role::DistrictBureau => &[S::Verified, S::Decided, S::OnNotice, S::ReviewRequested],
        _ => &[],
    }
}

/// Staff only: a family has its own application page.
pub async fn dashboard(st: &AppState, user: &CurrentUser) -> ApiResult<Dashboard> {
    if matches!(
        user.user.role,
        Role::Applicant | Role::MarketRegulator | Role::TalentOffice
    ) {
        return Err(ApiError::forbidden(
            "工作概览供办理申请的工作人员使用 (the dashboard is for staff who handle applications)",
        ));
    }
    let district = user.user.district.as_ref();
    let store = st.store.applications();
    let mut counts: BTreeMap<DistrictCode, BTreeMap<StatusKind, u64>> = BTreeMap::new();
    for (d, s, n) in store.status_counts(district).await? {
        counts.entry(d).or_default().insert(s, n);
    }
    let notices_past_end = store.notices_past_end(st.clock.today(), district).await?;
    let mut out = Dashboard {
        counts,
        waiting: vec![],
        notices_past_end,
    };
    out.waiting = waiting_on(user.user.role)
        .iter()
        .map(|s| (*s, out.total(*s)))
        .collect();
    Ok(out)
}
