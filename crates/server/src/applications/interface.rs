//! What other capabilities may ask of applications — and nothing else.
//! Allotment asks for the qualified families of some districts and for the
//! applications a signed-in person may see; it never reaches into this
//! capability's handlers or service.

use anju_domain::{Scope, Status};
use anju_store::{ApplicationSummary, StoredApplication};
use serde_json::Value;

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

use super::service;

/// A family on a district waitlist, as another capability needs it: no
/// personal data beyond the masked name and ID of the public lists.
#[derive(Debug, Clone)]
pub struct QualifiedFamily {
    pub application_id: String,
    pub district: String,
    /// 001 article 16's tier (none under a plan without tiers).
    pub tier: Option<u8>,
    pub scope: Option<Scope>,
    /// `household.special` facts (priority groups).
    pub special: Vec<String>,
    pub masked_name: String,
    pub masked_id: String,
    /// Members in the application (acquisition's survey reads the size of
    /// home a family needs from it).
    pub household_size: usize,
}

/// Every qualified family of these districts (and of `county_seat_of`,
/// whose county-seat families a county-seat project admits), district by
/// district, in application-number order. Read from the waitlist read
/// model in one query (issue 11 item 3); a row written before the model
/// existed is read from its events and facts instead.
pub async fn qualified_families(
    st: &AppState,
    districts: &[String],
    county_seat_of: Option<&str>,
) -> ApiResult<Vec<QualifiedFamily>> {
    let mut all: Vec<&str> = districts.iter().map(String::as_str).collect();
    if let Some(c) = county_seat_of {
        if !all.contains(&c) {
            all.push(c);
        }
    }
    let codes = all
        .iter()
        .map(|d| {
            anju_domain::DistrictCode::parse(d).map_err(|e| {
                ApiError::bad_request("invalid_district", e.to_string()).field("districts")
            })
        })
        .collect::<ApiResult<Vec<_>>>()?;
    let mut rows = st.store.applications().waitlist_families(&codes).await?;
    rows.sort_by_key(|r| codes.iter().position(|c| c == &r.summary.district));
    let mut out = Vec::with_capacity(rows.len());
    for r in rows {
        match (r.scope, r.projected) {
            (Some(scope), Some((special, size))) => out.push(QualifiedFamily {
                application_id: r.summary.id.as_str().to_string(),
                district: r.summary.district.as_str().to_string(),
                tier: r.summary.tier,
                scope: Some(scope),
                special,
                masked_name: r.summary.masked_name,
                masked_id: r.summary.masked_id,
                household_size: size as usize,
            }),
            _ => {
                if let Some(f) = family(st, r.summary).await? {
                    out.push(f);
                }
            }
        }
    }
    Ok(out)
}

/// The housing preferences stated on the application forms of these
/// applications (issue 15), with the day each was stated; applications
/// without one are left out. Acquisition's demand survey counts them.
pub async fn stated_preferences(
    st: &AppState,
    application_ids: &[String],
) -> ApiResult<
    Vec<(
        String,
        anju_domain::preference::StatedPreference,
        chrono::NaiveDate,
    )>,
> {
    Ok(st
        .store
        .applications()
        .application_preferences(application_ids)
        .await?)
}

/// A family read from its events and facts (rows not yet in the read model).
async fn family(st: &AppState, s: ApplicationSummary) -> ApiResult<Option<QualifiedFamily>> {
    let Some(stored) = st.store.applications().load_application(&s.id).await? else {
        return Ok(None);
    };
    let (tier, scope) = match stored.app.status() {
        Status::Qualified { tier, scope, .. } => (tier.map(|t| t.get()), Some(*scope)),
        _ => (None, None),
    };
    let special = stored
        .household
        .get("special")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    Ok(Some(QualifiedFamily {
        application_id: s.id.as_str().to_string(),
        district: s.district.as_str().to_string(),
        tier,
        scope,
        special,
        masked_name: s.masked_name,
        masked_id: s.masked_id,
        household_size: stored
            .household
            .get("members")
            .and_then(Value::as_array)
            .map_or(1, |m| m.len()),
    }))
}

/// The application `id` if `user` may see it (otherwise "not found", as
/// for a missing one).
pub async fn visible_application(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
) -> ApiResult<StoredApplication> {
    service::load_visible(st, user, id).await
}

/// The applications `user` may see, newest first (a family: its own).
pub async fn visible_applications(
    st: &AppState,
    user: &CurrentUser,
    limit: u32,
) -> ApiResult<Vec<ApplicationSummary>> {
    service::list(
        st,
        user,
        &super::listing::ListRequest::default(),
        limit,
        None,
    )
    .await
}

/// The members (resident ID and name, decrypted) of each application, for
/// a later capability's department request file (holdings' yearly
/// campaign). The caller authorises and audits the export.
pub async fn members_of(
    st: &AppState,
    application_ids: &[String],
) -> ApiResult<Vec<(String, Vec<(String, String)>)>> {
    let mut out = Vec::with_capacity(application_ids.len());
    for id in application_ids {
        let Ok(aid) = anju_domain::ApplicationId::new(id) else {
            continue;
        };
        let Some(a) = st.store.applications().load_application(&aid).await? else {
            continue;
        };
        let members = a.household["members"]
            .as_array()
            .map(|ms| {
                ms.iter()
                    .map(|m| {
                        (
                            m["id_number"].as_str().unwrap_or("").to_string(),
                            m["name"].as_str().unwrap_or("").to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default();
        out.push((id.clone(), members));
    }
    Ok(out)
}

/// A fresh eligibility decision on an application's recorded household.
pub struct FreshCheck {
    pub eligible: bool,
    /// The first reason it fails, cited, when it does.
    pub reason: Option<String>,
}

/// Decides afresh, as of `today` and under the deployment's rules, whether
/// the family of application `id` qualifies (its recorded household, with
/// the abandonments and dishonesty-list entries on record merged in) —
/// for a renewal of a rental lease (Loudi 八、(二)1).
pub async fn eligible_today(
    st: &AppState,
    id: &str,
    today: chrono::NaiveDate,
) -> ApiResult<FreshCheck> {
    let aid = anju_domain::ApplicationId::new(id)
        .map_err(|_| ApiError::not_found("申请 (application)"))?;
    let Some(a) = st.store.applications().load_application(&aid).await? else {
        return Err(ApiError::not_found("申请 (application)"));
    };
    let mut household = a.household.clone();
    let ids: Vec<String> = household["members"]
        .as_array()
        .map(|ms| {
            ms.iter()
                .filter_map(|m| m["id_number"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    let listed = (st.links.recorded_blacklistings)(st, &ids).await?;
    service::merge_history_dates(&mut household, "blacklisted_on", &listed);
    let ev = service::evaluate(st, &household, today)?;
    let eligible = ev.json["eligible"].as_bool().unwrap_or(false);
    let reason = ev.json["reasons"].as_array().and_then(|rs| {
        rs.iter()
            .find(|r| r["passed"].as_bool() == Some(false))
            .and_then(|r| r["message"].as_str().map(String::from))
    });
    Ok(FreshCheck { eligible, reason })
}
