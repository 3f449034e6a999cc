//! What allotment answers for other capabilities (wired in by
//! `crate::links`): the abandonments it has on record, and the family's
//! allotment section on an application's page.

use crate::web::auth::CurrentUser;
use crate::web::error::ApiResult;
use crate::web::html::{Lang, Markup};
use crate::web::AppState;
use crate::web::Fut;

/// Abandonment dates on record for these people (001 article 14), to be
/// merged into the household's `history.abandonments` before the engine
/// decides, so the ban is enforced by the eligibility rules themselves.
pub fn recorded_abandonments<'a>(
    st: &'a AppState,
    member_ids: &'a [String],
) -> Fut<'a, ApiResult<Vec<chrono::NaiveDate>>> {
    Box::pin(async move { Ok(st.store.allotment().abandonment_dates(member_ids).await?) })
}

/// 配售进展: the family's rounds on its application's page; the family
/// itself also gets the link to choose. `viewer` may already see the
/// application (the caller checked).
pub fn application_sections<'a>(
    st: &'a AppState,
    viewer: &'a CurrentUser,
    application_id: &'a str,
    lang: Lang,
) -> Fut<'a, ApiResult<Vec<Markup>>> {
    Box::pin(async move {
        let entries = st
            .store
            .allotment()
            .allot_family_entries(application_id)
            .await?;
        let own = viewer.user.role == anju_domain::Role::Applicant;
        let section = super::pages::choose::family_section(lang, &entries, own);
        Ok(if section.is_empty() {
            Vec::new()
        } else {
            vec![section]
        })
    })
}

/// The dealings recorded on one titled home, oldest first: (dealing code,
/// date). Holdings shows them in a home's file.
pub async fn dealings_of(
    st: &AppState,
    project_id: &str,
    home_id: &str,
) -> ApiResult<Vec<(String, chrono::NaiveDate)>> {
    Ok(st
        .store
        .allotment()
        .allot_dealings(project_id)
        .await?
        .into_iter()
        .filter(|(h, _, _)| h == home_id)
        .map(|(_, d, on)| (d, on))
        .collect())
}

/// A home back in the company's hands (holdings' pool), added to a project
/// whose plan is still editable: the home as allotment knows it, its
/// source now "bought back". Only the company may.
pub async fn add_returned_home(
    st: &AppState,
    user: &CurrentUser,
    from_project: &str,
    home_id: &str,
    to_project: &str,
) -> ApiResult<()> {
    let home = st
        .store
        .allotment()
        .allot_home(from_project, home_id)
        .await?
        .ok_or_else(|| crate::web::error::ApiError::not_found("房源 (home)"))?
        .home;
    super::service::add_returned_home(st, user, to_project, home).await
}

/// A home acquisition registered (its title transferred to the company),
/// added to a project whose plan is still editable: source "acquired",
/// with its contract price as the cost that the cost + 5 % price check
/// reads. Only the company may.
pub async fn add_acquired_home(
    st: &AppState,
    user: &CurrentUser,
    to_project: &str,
    mut home: anju_allotment::Home,
) -> ApiResult<()> {
    home.source = anju_allotment::HomeSource::Acquired;
    if home.acquisition_cost.is_none() {
        return Err(crate::web::error::ApiError::bad_request(
            "missing_cost",
            "收购房源须有收购成本 (an acquired home needs its cost)",
        ));
    }
    super::service::add_home_from_company(st, user, to_project, home).await
}
