//! The housing preference a family may state on its application form
//! (issue 15: size band, layout, location; Loudi 三（三） "户型偏好、区位需求").
//! Optional; stored with the application in the submitting transaction
//! (plain columns: see `anju_domain::preference` for why it is not
//! personal data); shown on the application page; counted by
//! acquisition's next demand survey, where the company's later survey
//! statement wins.

use anju_domain::preference::{PreferredSize, StatedPreference};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::web::error::{ApiError, ApiResult};
use crate::web::AppState;

/// A stated preference as the API takes and returns it.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[schema(as = ApplicationPreference)]
#[serde(deny_unknown_fields)]
pub struct PreferenceJson {
    /// `small` (under 70 m²), `main` (70–120 m²) or `large` (over 120 m²);
    /// empty when not stated (the survey then reads the band from the
    /// household's size).
    #[serde(default)]
    #[schema(example = "main")]
    pub size_band: String,
    /// Layout wanted, at most 40 characters.
    #[serde(default)]
    #[schema(example = "两室一厅")]
    pub layout: String,
    /// Location wanted (an area, a school, a park), at most 60 characters;
    /// no names, ID numbers or house numbers.
    #[serde(default)]
    #[schema(example = "南山公园附近")]
    pub location: String,
    /// The day it was stated (in answers only).
    #[serde(default, skip_deserializing, skip_serializing_if = "Option::is_none")]
    pub recorded_on: Option<NaiveDate>,
}

impl PreferenceJson {
    /// The stored preference as the API shows it.
    pub fn of(p: &StatedPreference, on: NaiveDate) -> Self {
        PreferenceJson {
            size_band: p.size.map_or("", PreferredSize::code).to_owned(),
            layout: p.layout.clone(),
            location: p.location.clone(),
            recorded_on: Some(on),
        }
    }
}

/// The request's preference, checked: `None` when absent or empty. A
/// problem names its field under `preference.` (the first one; the form
/// shows them all, see [`parse_all`]).
pub fn parse(p: Option<&PreferenceJson>) -> ApiResult<Option<StatedPreference>> {
    let Some(p) = p else { return Ok(None) };
    parse_all(&p.size_band, &p.layout, &p.location).map_err(|errors| {
        let e = &errors[0];
        let field = match e.field {
            "size" => "size_band",
            f => f,
        };
        ApiError::bad_request("invalid_preference", e.to_string())
            .field(format!("preference.{field}"))
    })
}

/// Every problem of the three fields, each naming `size`, `layout` or
/// `location`.
pub fn parse_all(
    size: &str,
    layout: &str,
    location: &str,
) -> Result<Option<StatedPreference>, Vec<anju_domain::preference::PreferenceError>> {
    StatedPreference::parse(size, layout, location)
}

/// The preference stated on application `id`'s form, if any.
pub async fn of_application(st: &AppState, id: &str) -> ApiResult<Option<PreferenceJson>> {
    Ok(st
        .store
        .applications()
        .application_preference(id)
        .await?
        .map(|(p, on)| PreferenceJson::of(&p, on)))
}
