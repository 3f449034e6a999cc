//! Rent monitoring (002 四（三）): samples from filed leases and surveys in,
//! published rent levels out (public: the article asks for publication).

use anju_market::destock::Month;
use anju_market::import::RowError;
use anju_market::rent::{self, RentLevel, RentSample};
use anju_market::{Area, Fen};
use anju_store::RentSampleRecord;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::common::*;
use crate::web::auth::CurrentUser;
use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct RentImport {
    pub read: usize,
    pub saved: usize,
    pub errors: Vec<RowError>,
}

pub async fn import_rents(
    st: &AppState,
    user: &CurrentUser,
    rows: &[Vec<String>],
) -> ApiResult<RentImport> {
    may_write(user)?;
    let (samples, errors, read) = rent::parse(rows, known_district)
        .map_err(|e| ApiError::bad_request("invalid_rent_file", e.to_string()).field("file"))?;
    let now = st.clock.now();
    let stamp = now.to_string();
    let recs: Vec<RentSampleRecord> = samples
        .iter()
        .enumerate()
        .map(|(i, s)| RentSampleRecord {
            district: s.district.clone(),
            sample_id: format!("{stamp}#{}", i + 1),
            home_type: s.home_type.clone(),
            source: s.source.clone(),
            month: s.month.to_string(),
            area: s.area.0,
            rent_fen: s.rent.0,
            imported_at: stamp.clone(),
            imported_by: user.user.username.clone(),
        })
        .collect();
    if !recs.is_empty() {
        st.store
            .market()
            .market_add_rent_samples(
                &recs,
                draft(
                    user,
                    st,
                    "market.rent_import",
                    "market:rents".into(),
                    json!({"read": read, "saved": recs.len(), "rows_with_errors": errors.len()}),
                ),
            )
            .await?;
    }
    Ok(RentImport {
        read,
        saved: recs.len(),
        errors,
    })
}

/// Published rent levels by district, home type and month.
pub async fn rent_levels(st: &AppState) -> ApiResult<Vec<RentLevel>> {
    let samples: Vec<RentSample> = st
        .store
        .market()
        .market_rent_samples()
        .await?
        .into_iter()
        .filter_map(|r| {
            Some(RentSample {
                month: Month::parse(&r.month)?,
                district: r.district,
                home_type: r.home_type,
                source: r.source,
                area: Area(r.area),
                rent: Fen(r.rent_fen),
            })
        })
        .collect();
    Ok(rent::levels(&samples))
}
