//! Talent apartments in the benefits register. The city's talent
//! apartments are let outside anju; the register must know of each letting,
//! since the apartment and the talent rent subsidy are alternatives under
//! 阳政办发〔2022〕39号 二（三） ("可申请入住人才公寓或享受租房补贴"), and a family
//! that qualifies for affordable housing must leave one within 90 days
//! (阳政办发〔2026〕2号 第十条（二）4). The talent office records a letting
//! (under the register's no-double-benefit check) and may end one early,
//! with its reason and last day, which ends the register row with it.

use anju_domain::mask::mask_name;
use anju_idcodes::ResidentId;
use anju_store::{GrantRow, LegacyLettingRecord, NewTalentApartment, TalentApartmentRecord};
use anju_subsidies::register::{self, BenefitKind, Grant};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::cases::{grant_of, reader, staff};
use crate::web::audit::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// Longest apartment label and reason.
pub const APARTMENT_MAX: usize = 60;
pub const REASON_MAX: usize = 200;

/// A talent apartment let to someone.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TalentApartmentRequest {
    /// GB 11643 resident ID number of the tenant.
    pub resident_id: String,
    /// First day in the apartment.
    pub from: NaiveDate,
    /// Last day, if known.
    #[serde(default)]
    pub until: Option<NaiveDate>,
    /// The tenant's name (shown masked in the register).
    #[serde(default)]
    #[schema(example = "秦志远")]
    pub name: String,
    /// The apartment (the city's home).
    #[serde(default)]
    #[schema(example = "人才公寓A栋502")]
    pub apartment: String,
}

/// Ending a letting early.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TalentApartmentEnd {
    /// The last day in the apartment.
    pub on: NaiveDate,
    /// Why (leaving the city's employ, a home bought, qualified for
    /// affordable housing, …).
    #[schema(example = "已取得配售型保障性住房资格，90日内退出")]
    pub reason: String,
    /// The tenant's resident ID: required to end a letting recorded before
    /// the letting page (`legacy`), whose register row holds no name; it
    /// must be that row's person.
    #[serde(default)]
    pub resident_id: Option<String>,
}

/// A letting as the register shows it (tenant masked).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TalentApartment {
    pub id: String,
    pub masked_name: String,
    pub masked_id: String,
    pub apartment: String,
    pub from: NaiveDate,
    pub until: Option<NaiveDate>,
    /// `active` or `ended`.
    pub status: String,
    pub ended_on: Option<NaiveDate>,
    pub end_reason: Option<String>,
    /// Recorded before the letting page (migration 0081): only the
    /// register row is known — no name, resident ID or apartment
    /// (`masked_name`, `masked_id` and `apartment` are empty).
    pub legacy: bool,
}

fn legacy_view(r: LegacyLettingRecord) -> TalentApartment {
    TalentApartment {
        id: r.id,
        masked_name: String::new(),
        masked_id: String::new(),
        apartment: String::new(),
        from: r.from,
        until: r.until,
        status: r.status,
        ended_on: r.ended_on,
        end_reason: r.end_reason,
        legacy: true,
    }
}

fn view(r: TalentApartmentRecord) -> TalentApartment {
    TalentApartment {
        masked_name: if r.name.is_empty() {
            "—".into()
        } else {
            mask_name(&r.name)
        },
        masked_id: ResidentId::parse(&r.resident_id)
            .map(|i| i.masked())
            .unwrap_or_default(),
        id: r.id,
        apartment: r.apartment,
        from: r.from,
        until: r.until,
        status: r.status,
        ended_on: r.ended_on,
        end_reason: r.end_reason,
        legacy: false,
    }
}

fn too_long(field: &'static str, label: &str, max: usize) -> ApiError {
    ApiError::bad_request(
        "too_long",
        format!("{label}不能超过 {max} 个字 (at most {max} characters)"),
    )
    .field(field)
}

/// Records a talent apartment in the register (talent office); its id.
pub async fn record(
    st: &AppState,
    user: &CurrentUser,
    r: TalentApartmentRequest,
) -> ApiResult<String> {
    staff(user)?;
    let id = ResidentId::parse(r.resident_id.trim()).map_err(|e| {
        ApiError::bad_request("invalid_resident_id", format!("身份证号码：{e}"))
            .field("resident_id")
    })?;
    let name = r.name.trim();
    if name.chars().count() > 40 {
        return Err(too_long("name", "姓名", 40));
    }
    let apartment = r.apartment.trim();
    if apartment.chars().count() > APARTMENT_MAX {
        return Err(too_long("apartment", "公寓", APARTMENT_MAX));
    }
    if r.until.is_some_and(|u| u < r.from) {
        return Err(ApiError::unprocessable(
            "until_before_from",
            "退出日期不能早于入住日期 (the last day is before the first)",
        )
        .field("until"));
    }
    let grant = Grant {
        kind: BenefitKind::TalentApartment,
        from: r.from,
        until: r.until,
    };
    let check = move |rows: &[GrantRow]| -> Result<(), String> {
        let held: Vec<Grant> = rows.iter().filter_map(grant_of).collect();
        register::check(&held, &grant).map_err(|e| e.to_string())
    };
    let now = st.clock.now();
    let a = audit(
        user,
        now,
        "benefit.talent_apartment".into(),
        "benefits".into(),
        json!({ "from": r.from, "until": r.until }),
    );
    let n = NewTalentApartment {
        name: name.into(),
        resident_id: id.as_str().into(),
        apartment: apartment.into(),
        from: r.from,
        until: r.until,
        at: now.to_string(),
    };
    Ok(st.store.subsidies().ta_record(&n, &check, a).await?)
}

/// The register's talent apartments (talent office, city bureau, auditors):
/// the lettings recorded on the page, newest first, then those recorded
/// before it (register rows only, marked `legacy`), newest first.
pub async fn list(st: &AppState, user: &CurrentUser) -> ApiResult<Vec<TalentApartment>> {
    reader(user)?;
    let store = st.store.subsidies();
    let mut out: Vec<TalentApartment> = store.ta_list().await?.into_iter().map(view).collect();
    out.extend(store.ta_legacy_list().await?.into_iter().map(legacy_view));
    Ok(out)
}

async fn get(st: &AppState, id: &str) -> ApiResult<TalentApartment> {
    let store = st.store.subsidies();
    let found = if id.starts_with("TL-") {
        store.ta_legacy_get(id).await?.map(legacy_view)
    } else {
        store.ta_get(id).await?.map(view)
    };
    found.ok_or_else(|| ApiError::not_found(&format!("人才公寓 {id}")))
}

/// Every problem of an early end, each naming its field.
pub fn end_problems(r: &TalentApartmentEnd, rec: &TalentApartment) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let reason = r.reason.trim();
    if reason.is_empty() {
        out.push((
            "reason",
            "请填写提前退出的原因 (give the reason for ending early)".to_owned(),
        ));
    } else if reason.chars().count() > REASON_MAX {
        out.push((
            "reason",
            format!("原因不能超过 {REASON_MAX} 个字 (at most {REASON_MAX} characters)"),
        ));
    }
    if r.on < rec.from {
        out.push((
            "on",
            format!(
                "退出日期不能早于入住日期 {} (the last day is before the first, {})",
                rec.from, rec.from
            ),
        ));
    } else if let Some(u) = rec.until.filter(|u| r.on >= *u) {
        out.push((
            "on",
            format!("原定 {u} 期满，此日期不是提前退出 (not before the planned end, {u})"),
        ));
    }
    out
}

/// Ends a letting early (talent office): its register row ends that day.
pub async fn end(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    r: &TalentApartmentEnd,
) -> ApiResult<TalentApartment> {
    staff(user)?;
    let rec = get(st, id).await?;
    if rec.status != "active" {
        return Err(ApiError::conflict(format!(
            "人才公寓 {id} 已退出 (already ended)"
        )));
    }
    if let Some((field, message)) = end_problems(r, &rec).into_iter().next() {
        return Err(ApiError::unprocessable("invalid_end", message).field(field));
    }
    if rec.legacy {
        legacy_person(st, id, r.resident_id.as_deref()).await?;
    }
    let now = st.clock.now();
    let a = audit(
        user,
        now,
        "benefit.talent_apartment_end".into(),
        format!("talent_apartment:{id}"),
        json!({ "on": r.on, "reason": r.reason.trim(), "legacy": rec.legacy }),
    );
    let store = st.store.subsidies();
    if rec.legacy {
        store
            .ta_legacy_end(
                id,
                r.on,
                r.reason.trim(),
                &now.to_string(),
                user.user.id.as_str(),
                a,
            )
            .await?;
    } else {
        store
            .ta_end(id, r.on, r.reason.trim(), &now.to_string(), a)
            .await?;
    }
    get(st, id).await
}

/// A letting recorded before the page holds no name: the office names the
/// tenant by resident ID, which must be the register row's person (so the
/// right row is ended).
async fn legacy_person(st: &AppState, id: &str, resident_id: Option<&str>) -> ApiResult<()> {
    let typed = resident_id.map(str::trim).unwrap_or("");
    if typed.is_empty() {
        return Err(ApiError::unprocessable(
            "resident_id_required",
            "该记录登记于人才公寓登记页启用之前，未存姓名：请填写承租人身份证号码以核对 (recorded before the letting page, without a name: enter the tenant's resident ID to check it is theirs)",
        )
        .field("resident_id"));
    }
    let rid = ResidentId::parse(typed).map_err(|e| {
        ApiError::unprocessable("invalid_resident_id", format!("身份证号码：{e}"))
            .field("resident_id")
    })?;
    if !st
        .store
        .subsidies()
        .ta_legacy_is_of(id, rid.as_str())
        .await?
    {
        return Err(ApiError::unprocessable(
            "not_this_tenant",
            format!(
                "身份证号码与登记 {id} 的承租人不符 (the resident ID is not this letting's tenant)"
            ),
        )
        .field("resident_id"));
    }
    Ok(())
}
