//! The holder register, a home's file, the family's homes and the pool.

use anju_domain::Role;
use anju_store::holdings::{
    BuybackRecord, CaseRecord, FindingRecord, HolderRecord, RegisterFilter, StepRecord,
};
use chrono::NaiveDate;

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

use super::common::*;

/// The register filter as typed on the page or the API.
#[derive(Debug, Default, Clone, serde::Deserialize, utoipa::IntoParams)]
pub struct RegisterQuery {
    /// District code, e.g. 140302.
    pub district: Option<String>,
    /// Project id.
    pub project: Option<String>,
    /// Home id, e.g. 1-1-301.
    pub home: Option<String>,
    /// Keyset cursor: `project/home` of the last row of the previous page.
    pub after: Option<String>,
    /// `en` for English pages.
    pub lang: Option<String>,
}

fn opt(s: &Option<String>) -> Option<String> {
    s.as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| s.chars().take(64).collect())
}

fn register_filter(user: &CurrentUser, q: &RegisterQuery) -> ApiResult<RegisterFilter> {
    Ok(RegisterFilter {
        district: opt(&q.district),
        districts: register_scope(user)?,
        project_id: opt(&q.project),
        home_id: opt(&q.home),
        application_id: None,
        after: opt(&q.after).and_then(|a| {
            a.split_once('/')
                .map(|(p, h)| (p.to_string(), h.to_string()))
        }),
    })
}

/// One page of the register, after the query's cursor (the export reads
/// page after page with this, without counting each time).
pub async fn register_rows(
    st: &AppState,
    user: &CurrentUser,
    q: &RegisterQuery,
    limit: u32,
) -> ApiResult<Vec<HolderRecord>> {
    let f = register_filter(user, q)?;
    Ok(st.store.holdings().hold_register(&f, limit).await?)
}

/// One page of the register and the total.
pub async fn register(
    st: &AppState,
    user: &CurrentUser,
    q: &RegisterQuery,
    limit: u32,
) -> ApiResult<(Vec<HolderRecord>, u64)> {
    let f = register_filter(user, q)?;
    let h = st.store.holdings();
    Ok((
        h.hold_register(&f, limit).await?,
        h.hold_register_count(&f).await?,
    ))
}

/// Everything known of one held home.
pub struct HomeFile {
    pub holder: HolderRecord,
    pub findings: Vec<FindingRecord>,
    pub cases: Vec<CaseRecord>,
    pub buybacks: Vec<BuybackRecord>,
    /// The lock on dealings recorded by allotment: (dealing, date).
    pub dealings: Vec<(String, NaiveDate)>,
    /// Whether the viewer is the family (sees no findings or cases).
    pub family: bool,
}

/// The held home, for staff who may read the register or for the family
/// that holds it (anyone else: not found).
pub async fn home_file(
    st: &AppState,
    user: &CurrentUser,
    project_id: &str,
    home_id: &str,
) -> ApiResult<HomeFile> {
    let holder = st
        .store
        .holdings()
        .hold_holding(project_id, home_id)
        .await?
        .ok_or_else(|| ApiError::not_found("持有房屋 (held home)"))?;
    let family = user.user.role == Role::Applicant;
    if family {
        crate::applications::interface::visible_application(st, user, &holder.application_id)
            .await?;
    } else {
        let scope = register_scope(user)?;
        if scope.is_some_and(|ds| !ds.contains(&holder.district)) {
            return Err(ApiError::not_found("持有房屋 (held home)"));
        }
    }
    let h = st.store.holdings();
    let dealings = crate::allotment::interface::dealings_of(st, project_id, home_id).await?;
    Ok(HomeFile {
        findings: if family {
            Vec::new()
        } else {
            h.hold_findings(project_id, home_id).await?
        },
        cases: if family {
            Vec::new()
        } else {
            h.hold_cases(false, Some((project_id, home_id)), 100)
                .await?
        },
        buybacks: h
            .hold_buybacks(Some((project_id, home_id)), None, 100)
            .await?,
        holder,
        dealings,
        family,
    })
}

/// The homes a family holds (through its applications).
pub async fn my_homes(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<HolderRecord>> {
    if user.user.role != Role::Applicant {
        return Err(forbidden(user, "查看本家庭的房屋"));
    }
    let apps = crate::applications::interface::visible_applications(st, user, 50).await?;
    let mut out = Vec::new();
    for a in apps {
        let f = RegisterFilter {
            application_id: Some(a.id.as_str().to_string()),
            ..Default::default()
        };
        out.extend(st.store.holdings().hold_register(&f, 10).await?);
    }
    Ok(out)
}

/// The steps of a case or buyback.
pub async fn steps(st: &AppState, subject: &str) -> ApiResult<Vec<StepRecord>> {
    Ok(st.store.holdings().hold_steps(subject).await?)
}

/// The homes back in the company's hands (the register's readers).
pub async fn pool(
    st: &AppState,
    user: &CurrentUser,
) -> ApiResult<Vec<anju_store::holdings::PoolHomeRecord>> {
    register_scope(user)?;
    Ok(st.store.holdings().hold_pool().await?)
}

/// Buybacks, newest first (the register's readers).
pub async fn buybacks(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<BuybackRecord>> {
    register_scope(user)?;
    Ok(st.store.holdings().hold_buybacks(None, None, 500).await?)
}

/// Taking a pool home into an allotment project.
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TakeRequest {
    /// A project whose plan is still a draft or returned, e.g. YQ-2027-01.
    pub project_id: String,
}

/// Puts a home that came back (a completed buyback) into a new allotment
/// project (company): the pool marks it taken, then allotment adds it as
/// a bought-back home; if allotment refuses, the pool gives it back, and
/// both steps are in the audit log.
pub async fn take_into_project(
    st: &AppState,
    user: &CurrentUser,
    buyback_id: &str,
    req: TakeRequest,
) -> ApiResult<()> {
    require(user, &[Role::Company], "把回购房源纳入配售项目")?;
    let to = text_field(Some(&req.project_id), "project_id", true, 40)?;
    let home = st
        .store
        .holdings()
        .hold_pool_home(buyback_id)
        .await?
        .ok_or_else(|| ApiError::not_found("房源池中的房源 (pool home)"))?;
    let now = st.clock.now();
    let subject = format!("pool:{buyback_id}");
    st.store
        .holdings()
        .hold_pool_take(
            buyback_id,
            Some(&to),
            crate::web::audit(
                user,
                now,
                "holdings.pool_take".into(),
                subject.clone(),
                serde_json::json!({"project": to, "home": home.home_id}),
            ),
        )
        .await?;
    if let Err(e) = crate::allotment::interface::add_returned_home(
        st,
        user,
        &home.project_id,
        &home.home_id,
        &to,
    )
    .await
    {
        st.store
            .holdings()
            .hold_pool_take(
                buyback_id,
                None,
                crate::web::audit(
                    user,
                    st.clock.now(),
                    "holdings.pool_release".into(),
                    subject,
                    serde_json::json!({"project": to, "why": e.message}),
                ),
            )
            .await?;
        return Err(e.field("project_id"));
    }
    Ok(())
}
