//! A bought-back home from the pool into the rental programme (Loudi
//! 八、(一)4: bought-back homes stay in the affordable-housing supply).
//! Holdings asks rentals through `Links::rent_pool_home`; rentals takes the
//! home from the pool through `holdings::interface` and gives it back if it
//! cannot register it, so the pool is never left marking a home taken by a
//! rental home that does not exist.

use anju_domain::Role;
use serde::{Deserialize, Serialize};

use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::state::PoolRental;
use crate::web::AppState;

use super::common::*;

/// Registering a pool home for rent: the rental home's number and the
/// market-rent evidence its rent is set from (the area, district and
/// layout come from the home as allotment records it).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
#[schema(as = HoldingsRentRequest)]
pub struct RentRequest {
    /// The company's number for the rental home, e.g. ZF-1302-0101.
    pub rent_home_id: String,
    /// The address; empty: the project and home number.
    #[serde(default)]
    pub address: Option<String>,
    /// When the market rent was surveyed or appraised (YYYY-MM-DD).
    pub surveyed_on: String,
    /// `survey` or `appraisal`.
    pub method: String,
    /// Who surveyed or appraised.
    pub survey_source: String,
    /// The comparable homes, one per line.
    pub comparables: String,
    /// Market rent per m² per month, yuan ("18.50").
    pub rent_per_m2_yuan: String,
}

/// What the move did, with the article that allows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = HoldingsRented)]
pub struct Rented {
    pub rent_home_id: String,
    pub citation: String,
}

/// Why a city's bought-back homes cannot be let: its own article.
pub fn rental_refusal(st: &AppState) -> Option<ApiError> {
    regime(st).rental().err().map(|c| {
        ApiError::unprocessable(
            "no_rental_programme",
            format!(
                "本市文件只规定配售型保障性住房，没有配租规定（{}“{}”）：回购房源应纳入新的配售项目 (this city's document governs homes for sale only and has no rental rules: a bought-back home goes into a new allotment project)",
                c.short(),
                c.quote
            ),
        )
        .field("rent_home_id")
    })
}

/// Moves an available pool home into the rental programme (company).
pub async fn rent_from_pool(
    st: &AppState,
    user: &CurrentUser,
    buyback_id: &str,
    req: RentRequest,
) -> ApiResult<Rented> {
    require(user, &[Role::Company], "把回购房源转为配租")?;
    if let Some(e) = rental_refusal(st) {
        return Err(e);
    }
    let cite = regime(st)
        .rental()
        .map_err(|_| ApiError::internal("rental cite"))?;
    let home = st
        .store
        .holdings()
        .hold_pool_home(buyback_id)
        .await?
        .ok_or_else(|| ApiError::not_found("房源池中的房源 (pool home)"))?;
    if let Some(t) = &home.taken_by {
        return Err(
            ApiError::conflict(format!("该房源已被 {t} 纳入 (already taken by {t})"))
                .field("rent_home_id"),
        );
    }
    let (Some(h), Some(district)) = (home.home.as_ref(), home.district.as_ref()) else {
        return Err(ApiError::conflict(
            "配售项目中找不到该房源的面积和县区 (the home's record in allotment is missing)",
        ));
    };
    let rent_home_id = text_field(Some(&req.rent_home_id), "rent_home_id", true, 60)?;
    let address = match text_field(req.address.as_deref(), "address", false, 200)? {
        a if a.is_empty() => format!(
            "{} {}栋{}单元{}室",
            home.project_id, h.building, h.unit, h.number
        ),
        a => a,
    };
    let id = (st.links.rent_pool_home)(
        st,
        user,
        PoolRental {
            buyback_id: buyback_id.to_string(),
            rent_home_id,
            district: district.clone(),
            address,
            area_m2: h.floor_area.to_string(),
            rooms: h.layout.clone(),
            surveyed_on: req.surveyed_on,
            method: req.method,
            survey_source: req.survey_source,
            comparables: req.comparables,
            rent_per_m2_yuan: req.rent_per_m2_yuan,
        },
    )
    .await
    .map_err(|e| match e.field.as_deref() {
        // Rentals names its own fields; the page's are these.
        Some("id") => e.field("rent_home_id"),
        Some("survey.surveyed_on") => e.field("surveyed_on"),
        Some("survey.method") => e.field("method"),
        Some("survey.source") => e.field("survey_source"),
        Some("survey.comparables") => e.field("comparables"),
        Some("survey.rent_per_m2_yuan") => e.field("rent_per_m2_yuan"),
        _ => e,
    })?;
    Ok(Rented {
        rent_home_id: id,
        citation: cite.short(),
    })
}
