//! Projects and their plans: creation, the plan (第十五条), homes by file, the price check, submission, approval, publication.

use anju_allotment::{
    self as allot, check_prices, next_status, parse_homes, HomesFile, PlanStatus, PlanStep,
    PlanTerms, PriceCheck, ProjectArea,
};
use anju_domain::Role;
use anju_store::{HomeRecord, ProjectRecord};
use serde::Deserialize;
use serde_json::json;

use crate::web::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

use super::common::*;

// ------------------------------------------------------------------ projects and plans

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProject {
    /// Short code, e.g. `YQ-2026-01`.
    pub id: String,
    pub name: String,
    /// Where the project is.
    pub district: String,
    /// Districts whose families it serves (default: its own).
    #[serde(default)]
    pub districts: Vec<String>,
    /// The county whose seat it lies in (001 art. 11), if any.
    #[serde(default)]
    pub county_seat_of: Option<String>,
}

pub async fn create_project(
    st: &AppState,
    user: &CurrentUser,
    req: NewProject,
) -> ApiResult<ProjectRecord> {
    crate::web::auth::require_role(user, &[Role::Company], "新建项目（实施主体的职责）")?;
    let id = req.id.trim().to_string();
    if !project_id_ok(&id) {
        return Err(ApiError::bad_request(
            "invalid_project_id",
            "项目编号须为1–40个字母、数字、“-”或“_” (project id: 1-40 letters, digits, - or _)",
        )
        .field("id"));
    }
    let name = req.name.trim().to_string();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(ApiError::bad_request(
            "invalid_name",
            "项目名称须为1–100个字 (name: 1-100 characters)",
        )
        .field("name"));
    }
    let home = district(&req.district, "district")?;
    let mut districts = vec![home.as_str().to_string()];
    for (i, d) in req.districts.iter().enumerate() {
        let d = district(d, &format!("districts[{i}]"))?;
        if !districts.contains(&d.as_str().to_string()) {
            districts.push(d.as_str().to_string());
        }
    }
    let county_seat_of = match req
        .county_seat_of
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(c) => Some(district(c, "county_seat_of")?.as_str().to_string()),
        None => None,
    };
    let now = st.clock.now().to_rfc3339();
    let rec = ProjectRecord {
        id: id.clone(),
        name,
        district: home.as_str().to_string(),
        area: ProjectArea {
            districts,
            county_seat_of,
        },
        plan_status: PlanStatus::Draft,
        plan: None,
        returned_reason: None,
        approved_by: None,
        approved_at: None,
        published_at: None,
        version: 1,
        created_at: now.clone(),
        updated_at: now,
    };
    st.store
        .allotment()
        .allot_create_project(
            &rec,
            audit(
                user,
                st.clock.now(),
                "allotment.project_create".into(),
                format!("project:{id}"),
                json!({"district": rec.district}),
            ),
        )
        .await?;
    Ok(rec)
}

/// The plan as the company writes it (JSON body and form alike).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlanRequest {
    pub terms: PlanTerms,
    /// The version the editor saw (optimistic concurrency).
    pub version: i64,
}

pub async fn save_plan(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    req: PlanRequest,
) -> ApiResult<ProjectRecord> {
    crate::web::auth::require_role(user, &[Role::Company], "编制配售方案（实施主体的职责）")?;
    let mut p = load_project(st, Some(user), id).await?;
    if !p.plan_status.editable() {
        return Err(ApiError::conflict(format!(
            "配售方案状态为“{}”，不能修改 (the plan is {} and cannot be edited)",
            p.plan_status.zh(),
            p.plan_status.en()
        )));
    }
    req.terms.validate(super::common::city(st)).map_err(|e| {
        ApiError::bad_request("invalid_plan", e.message.clone()).field(format!("terms.{}", e.field))
    })?;
    p.version = req.version;
    p.plan = Some(req.terms);
    p.updated_at = st.clock.now().to_rfc3339();
    st.store
        .allotment()
        .allot_update_project(
            &p,
            audit(
                user,
                st.clock.now(),
                "allotment.plan_save".into(),
                format!("project:{id}"),
                json!({"plan_status": p.plan_status.code()}),
            ),
        )
        .await?;
    p.version += 1;
    Ok(p)
}

/// Homes file rows (CSV or the first XLSX sheet as text) into the project.
/// Good rows are saved; every bad row comes back with its reason.
/// Only the company imports homes: checked before an upload is read.
pub fn may_import_homes(user: &CurrentUser) -> ApiResult<()> {
    crate::web::auth::require_role(user, &[Role::Company], "导入房源（实施主体的职责）")
}

/// Adds one home that came back to the company (a buyback) to a project
/// whose plan is still editable, as a bought-back home with its original
/// area, layout and price; refused if the project already has a home with
/// that id. Holdings calls this through `allotment::interface`.
pub async fn add_returned_home(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    mut home: allot::Home,
) -> ApiResult<()> {
    home.source = allot::HomeSource::BoughtBack;
    home.acquisition_cost = None;
    add_home_from_company(st, user, id, home).await
}

/// A home from the company's own hands (bought back, or acquired: its
/// source and cost as given) added to a project whose plan is editable.
pub async fn add_home_from_company(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    home: allot::Home,
) -> ApiResult<()> {
    may_import_homes(user)?;
    let p = load_project(st, Some(user), id).await?;
    if !p.plan_status.editable() {
        return Err(ApiError::conflict(format!(
            "配售方案状态为“{}”，房源表已随方案报批，不能再加入房源 (the plan is {}: homes are fixed)",
            p.plan_status.zh(),
            p.plan_status.en()
        ))
        .field("project_id"));
    }
    if st
        .store
        .allotment()
        .allot_home(id, home.id.as_str())
        .await?
        .is_some()
    {
        return Err(ApiError::conflict(format!(
            "项目 {id} 已有房源 {} (the project already has this home id)",
            home.id
        ))
        .field("project_id"));
    }
    let source = match home.source {
        allot::HomeSource::Acquired => "acquired",
        _ => "bought_back",
    };
    let now = st.clock.now();
    st.store
        .allotment()
        .allot_upsert_homes(
            id,
            p.version,
            std::slice::from_ref(&home),
            now,
            audit(
                user,
                now,
                "allotment.homes_import".into(),
                format!("project:{id}"),
                json!({"homes_saved": 1, "source": source, "home": home.id.as_str()}),
            ),
        )
        .await?;
    Ok(())
}

pub async fn import_homes(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    rows: &[Vec<String>],
) -> ApiResult<HomesFile> {
    may_import_homes(user)?;
    let p = load_project(st, Some(user), id).await?;
    if !p.plan_status.editable() {
        return Err(ApiError::conflict(format!(
            "配售方案状态为“{}”，房源表已随方案报批，不能修改 (the plan is {}: homes are fixed)",
            p.plan_status.zh(),
            p.plan_status.en()
        )));
    }
    let file = parse_homes(rows)
        .map_err(|e| ApiError::bad_request("invalid_homes_file", e.to_string()).field("file"))?;
    if !file.homes.is_empty() {
        st.store
            .allotment()
            .allot_upsert_homes(
                id,
                p.version,
                &file.homes,
                st.clock.now(),
                audit(
                    user,
                    st.clock.now(),
                    "allotment.homes_import".into(),
                    format!("project:{id}"),
                    json!({"rows": file.rows, "homes_saved": file.homes.len(), "rows_with_errors": file.errors.iter().map(|e| e.row).collect::<std::collections::BTreeSet<_>>().len()}),
                ),
            )
            .await?;
    }
    Ok(file)
}

pub async fn price_check(
    st: &AppState,
    p: &ProjectRecord,
) -> ApiResult<(Vec<HomeRecord>, Option<PriceCheck>)> {
    let homes = st.store.allotment().allot_homes(&p.id).await?;
    let check = p.plan.as_ref().map(|plan| {
        let hs: Vec<_> = homes.iter().map(|h| h.home.clone()).collect();
        check_prices(plan.guided_price_per_m2, &hs, super::common::city(st))
    });
    Ok((homes, check))
}

/// Submit (company), approve or return (city housing bureau), publish
/// (company). Submitting and approving re-run the price check.
pub async fn plan_step(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    step: PlanStep,
    version: i64,
) -> ApiResult<ProjectRecord> {
    match step {
        PlanStep::Submit | PlanStep::Publish => crate::web::auth::require_role(
            user,
            &[Role::Company],
            "报批或公布配售方案（实施主体的职责）",
        )?,
        PlanStep::Approve | PlanStep::Return { .. } => crate::web::auth::require_role(
            user,
            &[Role::CityBureau],
            "审批配售方案（第十五条：报市住房和城乡建设局批准）",
        )?,
    }
    let mut p = load_project(st, Some(user), id).await?;
    if p.plan.is_none() {
        return Err(
            ApiError::unprocessable("no_plan", "尚未编制配售方案 (no plan yet)").field("terms"),
        );
    }
    let (_, check) = price_check(st, &p).await?;
    let check = check.unwrap_or(PriceCheck {
        homes_checked: 0,
        violations: vec![],
    });
    let next = next_status(p.plan_status, &step, &check)
        .map_err(|e| ApiError::unprocessable("plan_step_refused", e.to_string()))?;
    let now = st.clock.now();
    match &step {
        PlanStep::Return { reason } => p.returned_reason = Some(reason.trim().to_string()),
        PlanStep::Approve => {
            p.approved_by = Some(user.user.id.as_str().to_string());
            p.approved_at = Some(now.to_rfc3339());
            p.returned_reason = None;
        }
        PlanStep::Publish => p.published_at = Some(now.to_rfc3339()),
        PlanStep::Submit => {}
    }
    p.plan_status = next;
    p.version = version;
    p.updated_at = now.to_rfc3339();
    let action = match step {
        PlanStep::Submit => "allotment.plan_submit",
        PlanStep::Approve => "allotment.plan_approve",
        PlanStep::Return { .. } => "allotment.plan_return",
        PlanStep::Publish => "allotment.plan_publish",
    };
    st.store
        .allotment()
        .allot_update_project(
            &p,
            audit(
                user,
                now,
                action.into(),
                format!("project:{id}"),
                json!({"plan_status": next.code(), "homes_checked": check.homes_checked, "reason": p.returned_reason, "citation": allot::cite::ART15_ONE_PLAN.short()}),
            ),
        )
        .await?;
    p.version += 1;
    Ok(p)
}
