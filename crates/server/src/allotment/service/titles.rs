//! Titles (第十八条 annotation, the lock) and dealings.

use anju_allotment::{self as allot, check_dealing, Dealing, Title};
use anju_domain::Role;
use serde::Deserialize;
use serde_json::json;

use crate::web::audit;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

use super::common::*;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TitleRequest {
    pub certificate_no: String,
    #[serde(default)]
    pub registered_on: Option<String>,
}

/// Title registration: the annotation is always article 18's text.
pub async fn register_title(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    home_id: &str,
    req: TitleRequest,
) -> ApiResult<Title> {
    crate::web::auth::require_role(
        user,
        &[Role::Company],
        "登记不动产权证书（实施主体协助办理）",
    )?;
    let _ = load_project(st, Some(user), id).await?;
    let on = match req
        .registered_on
        .as_deref()
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        Some(s) => anju_policy::household::parse_iso_date(s).ok_or_else(|| {
            ApiError::bad_request(
                "invalid_date",
                "登记日期应为 YYYY-MM-DD (date must be YYYY-MM-DD)",
            )
            .field("registered_on")
        })?,
        None => st.clock.today(),
    };
    let title = Title::new(&req.certificate_no, on).map_err(|e| {
        ApiError::bad_request("invalid_certificate", e.to_string()).field("certificate_no")
    })?;
    let now = st.clock.now();
    st.store
        .allotment()
        .allot_register_title(
            id,
            home_id,
            &title,
            audit(user, now, "allotment.title".into(), format!("project:{id}/home:{home_id}"), json!({"certificate_no": title.certificate_no, "annotation": title.annotation, "citation": allot::cite::ART18_TITLE.short()})),
        )
        .await?;
    Ok(title)
}

/// A dealing on a titled home: the purchase-loan mortgage is recorded,
/// anything else refused with its articles (and the refusal audited).
pub async fn dealing(
    st: &AppState,
    user: &CurrentUser,
    id: &str,
    home_id: &str,
    code: &str,
) -> ApiResult<()> {
    crate::web::auth::require_role(
        user,
        &[Role::Company, Role::CityBureau],
        "登记房屋交易、出租、赠与或抵押",
    )?;
    let _ = load_project(st, Some(user), id).await?;
    let d = Dealing::parse(code.trim()).ok_or_else(|| {
        ApiError::bad_request(
            "invalid_dealing",
            "应为 sale、lease、gift、purchase_loan_mortgage 或 other_mortgage",
        )
        .field("dealing")
    })?;
    if st
        .store
        .allotment()
        .allot_title(id, home_id)
        .await?
        .is_none()
    {
        return Err(ApiError::conflict(
            "该房源尚未登记不动产权证书 (the home has no registered title)",
        ));
    }
    let now = st.clock.now();
    let subject = format!("project:{id}/home:{home_id}");
    match check_dealing(d, super::common::city(st)) {
        Ok(()) => {
            st.store
                .allotment()
                .allot_record_dealing(
                    id,
                    home_id,
                    d.code(),
                    st.clock.today(),
                    now,
                    audit(
                        user,
                        now,
                        "allotment.dealing_recorded".into(),
                        subject,
                        json!({"dealing": d.code()}),
                    ),
                )
                .await?;
            Ok(())
        }
        Err(refusal) => {
            let cites: Vec<String> = refusal.citations.iter().map(|c| c.short()).collect();
            st.store
                .audit()
                .append_audit(audit(
                    user,
                    now,
                    "allotment.dealing_refused".into(),
                    subject,
                    json!({"dealing": d.code(), "citations": cites}),
                ))
                .await?;
            Err(ApiError::unprocessable(
                "dealing_refused",
                format!("{}（{}）", refusal.message, cites.join("；")),
            )
            .field("dealing"))
        }
    }
}
