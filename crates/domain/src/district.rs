//! Districts (县区): where an application is made and which staff may act on it.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Longest local code accepted (`^[0-9A-Za-z-]{6,12}$`, as in
/// `household.schema.json`'s `region`).
const MAX_LEN: usize = 12;
const MIN_LEN: usize = 6;

/// A county-level division code: a GB/T 2260 six-digit code such as
/// `140302`, or a local code matching `^[0-9A-Za-z-]{6,12}$` for zones that
/// have none (e.g. Yangquan's high-tech zone, `140300-GX`).
///
/// Letters are stored upper-case, so `140300-gx` and `140300-GX` are the
/// same district. The type is `Copy` and holds its bytes inline.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DistrictCode {
    // Zero-padded, so the derived ordering is the string ordering (0 sorts
    // before every allowed character).
    bytes: [u8; MAX_LEN],
    len: u8,
}

/// Why a string is not a district code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DistrictCodeError {
    /// Fewer than 6 or more than 12 characters.
    #[error("县区代码应为6至12个字符，实际为{found}个 (district code must be 6 to 12 characters, found {found})")]
    Length {
        /// Characters in the input.
        found: usize,
    },
    /// A character outside `0-9A-Za-z-`.
    #[error("县区代码只能包含数字、字母和连字符，第{position}个字符为 {found:?} (district code may contain only digits, letters and '-': character {position} is {found:?})")]
    BadChar {
        /// 1-based position.
        position: usize,
        /// The offending character.
        found: char,
    },
}

impl DistrictCode {
    /// Parses a district code.
    pub fn parse(s: &str) -> Result<DistrictCode, DistrictCodeError> {
        if let Some((i, c)) = s
            .chars()
            .enumerate()
            .find(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '-'))
        {
            return Err(DistrictCodeError::BadChar {
                position: i + 1,
                found: c,
            });
        }
        match Self::from_ascii(s.as_bytes()) {
            Some(code) => Ok(code),
            None => Err(DistrictCodeError::Length { found: s.len() }),
        }
    }

    /// Builds a code at compile time (the district tables below). Invalid
    /// input fails the build, never a running server.
    const fn from_static(s: &'static str) -> DistrictCode {
        match Self::from_ascii(s.as_bytes()) {
            Some(code) => code,
            None => panic!("invalid district code in a built-in table"),
        }
    }

    const fn from_ascii(b: &[u8]) -> Option<DistrictCode> {
        if b.len() < MIN_LEN || b.len() > MAX_LEN {
            return None;
        }
        let mut bytes = [0u8; MAX_LEN];
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            if !(c.is_ascii_alphanumeric() || c == b'-') {
                return None;
            }
            bytes[i] = c.to_ascii_uppercase();
            i += 1;
        }
        Some(DistrictCode {
            bytes,
            len: b.len() as u8,
        })
    }

    /// The canonical code.
    pub fn as_str(&self) -> &str {
        // Only ASCII is ever stored, so this cannot fail; the fallback exists
        // so that no panic path is compiled in.
        std::str::from_utf8(&self.bytes[..self.len as usize]).unwrap_or_default()
    }

    /// Whether this is a six-digit GB/T 2260 code rather than a local one.
    pub fn is_gb2260(&self) -> bool {
        self.len == 6 && self.bytes[..6].iter().all(u8::is_ascii_digit)
    }

    /// The built-in district with this code, if anju knows its name.
    pub fn known(&self) -> Option<&'static District> {
        District::find(self)
    }

    /// `140302 城区` when the name is known, else the code.
    pub fn describe_zh(&self) -> String {
        match self.known() {
            Some(d) => format!("{} {}", self.as_str(), d.name_zh),
            None => self.as_str().to_owned(),
        }
    }

    /// `140302 Chengqu District` when the name is known, else the code.
    pub fn describe_en(&self) -> String {
        match self.known() {
            Some(d) => format!("{} {}", self.as_str(), d.name_en),
            None => self.as_str().to_owned(),
        }
    }
}

impl fmt::Display for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for DistrictCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DistrictCode({})", self.as_str())
    }
}

impl FromStr for DistrictCode {
    type Err = DistrictCodeError;
    fn from_str(s: &str) -> Result<Self, DistrictCodeError> {
        DistrictCode::parse(s)
    }
}

impl TryFrom<String> for DistrictCode {
    type Error = DistrictCodeError;
    fn try_from(s: String) -> Result<Self, DistrictCodeError> {
        DistrictCode::parse(&s)
    }
}

impl From<DistrictCode> for String {
    fn from(c: DistrictCode) -> String {
        c.as_str().to_owned()
    }
}

/// A district anju knows by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct District {
    /// Its code.
    pub code: DistrictCode,
    /// Chinese name, as in the policy documents.
    pub name_zh: &'static str,
    /// English name.
    pub name_en: &'static str,
}

impl District {
    /// Looks a code up in every built-in table.
    pub fn find(code: &DistrictCode) -> Option<&'static District> {
        YANGQUAN_DISTRICTS.iter().find(|d| d.code == *code)
    }
}

/// The county-level divisions of Yangquan (阳泉市) that take applications:
/// 001 article 4 names "各县（区）、高新区".
pub const YANGQUAN_DISTRICTS: [District; 6] = [
    District {
        code: DistrictCode::from_static("140302"),
        name_zh: "城区",
        name_en: "Chengqu District",
    },
    District {
        code: DistrictCode::from_static("140303"),
        name_zh: "矿区",
        name_en: "Kuangqu District",
    },
    District {
        code: DistrictCode::from_static("140311"),
        name_zh: "郊区",
        name_en: "Jiaoqu District",
    },
    District {
        code: DistrictCode::from_static("140321"),
        name_zh: "平定县",
        name_en: "Pingding County",
    },
    District {
        code: DistrictCode::from_static("140322"),
        name_zh: "盂县",
        name_en: "Yu County",
    },
    // The high-tech zone is a development zone, not an administrative
    // division, so it has no GB/T 2260 code; 140300-GX is a local code
    // chosen by anju (city prefix 1403 + "GX" for 高新).
    District {
        code: DistrictCode::from_static("140300-GX"),
        name_zh: "高新区",
        name_en: "Yangquan High-tech Zone",
    },
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_gb2260_and_local_codes() {
        let c = DistrictCode::parse("140302").expect("valid");
        assert!(c.is_gb2260());
        assert_eq!(c.known().map(|d| d.name_zh), Some("城区"));
        let gx = DistrictCode::parse("140300-gx").expect("valid");
        assert_eq!(gx.as_str(), "140300-GX");
        assert!(!gx.is_gb2260());
        assert_eq!(gx.describe_zh(), "140300-GX 高新区");
        assert_eq!(
            DistrictCode::parse("140300"),
            Ok(DistrictCode::from_static("140300"))
        );
    }

    #[test]
    fn refuses_bad_codes() {
        assert_eq!(
            DistrictCode::parse("14030"),
            Err(DistrictCodeError::Length { found: 5 })
        );
        assert_eq!(
            DistrictCode::parse("1403020000000"),
            Err(DistrictCodeError::Length { found: 13 })
        );
        assert_eq!(
            DistrictCode::parse("1403 02"),
            Err(DistrictCodeError::BadChar {
                position: 5,
                found: ' '
            })
        );
        assert_eq!(
            DistrictCode::parse("城区城区城区"),
            Err(DistrictCodeError::BadChar {
                position: 1,
                found: '城'
            })
        );
    }

    #[test]
    fn ordering_is_string_ordering_and_serde_is_a_string() {
        let mut codes: Vec<DistrictCode> = YANGQUAN_DISTRICTS.iter().map(|d| d.code).collect();
        codes.sort();
        let strs: Vec<&str> = codes.iter().map(|c| c.as_str()).collect();
        let mut sorted = strs.clone();
        sorted.sort();
        assert_eq!(strs, sorted);
        let json = serde_json::to_string(&codes[0]).expect("serialise");
        assert_eq!(json, "\"140300-GX\"");
        assert!(serde_json::from_str::<DistrictCode>("\"1403\"").is_err());
    }
}
