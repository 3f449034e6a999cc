//! A family's stated housing preference (issue 15: "户型偏好、区位需求",
//! Loudi plan 三（三）), given on the application form: the size band
//! wanted, a layout and a location, each optional. Acquisition's demand
//! survey counts it; the company's later survey statement replaces it.
//!
//! Not personal data: it describes the home wanted, not the family (the
//! form asks for no names, ID numbers or street addresses), and the survey
//! shows these words in its counts. It is kept in clear beside the
//! application, like the district, tier and household size of the list.

use serde::{Deserialize, Serialize};

/// The size bands of the survey (the 70–120 m² "mainly" band of the
/// acquisition files and the bands either side).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreferredSize {
    /// Under 70 m².
    Small,
    /// 70–120 m².
    Main,
    /// Over 120 m².
    Large,
}

impl PreferredSize {
    /// Every band, smallest first.
    pub const ALL: [PreferredSize; 3] = [Self::Small, Self::Main, Self::Large];

    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Small => "small",
            Self::Main => "main",
            Self::Large => "large",
        }
    }

    /// From the stored code.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|b| b.code() == s.trim())
    }

    /// Chinese words.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Small => "70㎡以下",
            Self::Main => "70–120㎡",
            Self::Large => "120㎡以上",
        }
    }

    /// English words.
    pub fn label_en(self) -> &'static str {
        match self {
            Self::Small => "under 70 m²",
            Self::Main => "70–120 m²",
            Self::Large => "over 120 m²",
        }
    }
}

/// Longest layout text (e.g. 两室一厅一卫).
pub const LAYOUT_MAX_CHARS: usize = 40;
/// Longest location text (e.g. 南山公园附近、靠近某小学).
pub const LOCATION_MAX_CHARS: usize = 60;

/// A stated preference; at least one of its parts is given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatedPreference {
    /// The band wanted, if stated (otherwise the survey's size rule).
    pub size: Option<PreferredSize>,
    /// Layout wanted, free text ("" if not stated).
    pub layout: String,
    /// Location wanted, free text ("" if not stated).
    pub location: String,
}

/// Why a preference was refused, naming its field (`size`, `layout` or
/// `location`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{zh} ({en})")]
pub struct PreferenceError {
    /// The field at fault.
    pub field: &'static str,
    /// Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

fn free_text(s: &str, field: &'static str, max: usize) -> Result<String, PreferenceError> {
    let t = s.trim();
    let (zh, en) = match field {
        "layout" => ("户型偏好", "the layout"),
        _ => ("区位偏好", "the location"),
    };
    if t.chars().count() > max {
        return Err(PreferenceError {
            field,
            zh: format!("{zh}不能超过 {max} 个字"),
            en: format!("{en} has at most {max} characters"),
        });
    }
    if t.chars().any(char::is_control) {
        return Err(PreferenceError {
            field,
            zh: format!("{zh}不能含控制字符"),
            en: format!("{en} has no control characters"),
        });
    }
    Ok(t.to_owned())
}

impl StatedPreference {
    /// Parses the form's three fields; `Ok(None)` when all are empty. Every
    /// problem is returned, one per field.
    pub fn parse(
        size: &str,
        layout: &str,
        location: &str,
    ) -> Result<Option<Self>, Vec<PreferenceError>> {
        let mut errors = Vec::new();
        let size = match size.trim() {
            "" => None,
            s => match PreferredSize::parse(s) {
                Some(b) => Some(b),
                None => {
                    errors.push(PreferenceError {
                        field: "size",
                        zh: "面积段应为 70㎡以下、70–120㎡ 或 120㎡以上".into(),
                        en: "the size band is under 70 m², 70–120 m² or over 120 m²".into(),
                    });
                    None
                }
            },
        };
        let layout = free_text(layout, "layout", LAYOUT_MAX_CHARS)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        let location = free_text(location, "location", LOCATION_MAX_CHARS)
            .map_err(|e| errors.push(e))
            .unwrap_or_default();
        if !errors.is_empty() {
            return Err(errors);
        }
        if size.is_none() && layout.is_empty() && location.is_empty() {
            return Ok(None);
        }
        Ok(Some(Self {
            size,
            layout,
            location,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_none_and_parts_are_kept() {
        assert_eq!(StatedPreference::parse("", " ", ""), Ok(None));
        let p = StatedPreference::parse("main", " 两室一厅 ", "")
            .unwrap()
            .unwrap();
        assert_eq!(p.size, Some(PreferredSize::Main));
        assert_eq!(p.layout, "两室一厅");
        assert_eq!(p.location, "");
        let p = StatedPreference::parse("", "", "南山公园附近")
            .unwrap()
            .unwrap();
        assert_eq!(p.size, None);
    }

    #[test]
    fn every_problem_names_its_field() {
        let long = "长".repeat(LOCATION_MAX_CHARS + 1);
        let e = StatedPreference::parse("huge", &"室".repeat(41), &long).unwrap_err();
        let fields: Vec<_> = e.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["size", "layout", "location"]);
        // The bounds themselves pass.
        let ok = StatedPreference::parse(
            "large",
            &"室".repeat(LAYOUT_MAX_CHARS),
            &"长".repeat(LOCATION_MAX_CHARS),
        );
        assert!(ok.is_ok());
    }
}
