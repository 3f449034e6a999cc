//! GB 32100-2015 unified social credit code (统一社会信用代码).

use std::fmt;
use std::str::FromStr;

use crate::ascii_str;

/// The code alphabet: digits and upper-case letters except I, O, S, V, Z
/// (left out because they are easily confused with 1, 0, 5, U, 2).
const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights for positions 1..=17: 3^(i-1) mod 31.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// Marks bytes outside the alphabet in [`VALUE`].
const INVALID: u8 = u8::MAX;

/// Numeric value of each ASCII byte in the alphabet, [`INVALID`] otherwise.
/// Lower-case letters map like their upper-case forms so that codes typed in
/// lower case are accepted (and normalised).
const VALUE: [u8; 128] = {
    let mut table = [INVALID; 128];
    let mut i = 0;
    while i < ALPHABET.len() {
        let c = ALPHABET[i];
        table[c as usize] = i as u8;
        table[c.to_ascii_lowercase() as usize] = i as u8;
        i += 1;
    }
    table
};

/// Entity-category codes (position 2) allowed for each registration-authority
/// code (position 1), per GB 32100-2015 表1 "登记管理部门代码和机构类别代码"
/// as extended by the later allocations of authority codes (2 外交 … 8 工会,
/// A 中央军委改革和编制办公室, N 农业). The original 2015 table listed only
/// 1, 5, 9 and Y; the extended rows below are the ones in current use as far
/// as we know them.
const AUTHORITY_CATEGORIES: &[(u8, &[u8])] = &[
    // 机构编制: 1 机关, 2 事业单位, 3 中央编办直接管理机构编制的群众团体, 9 其他
    (b'1', b"1239"),
    // 外交: 1 外国常驻新闻机构, 9 其他
    (b'2', b"19"),
    // 司法行政: 1 律师执业机构, 2 公证处, 3 基层法律服务所, 4 司法鉴定机构,
    // 5 仲裁委员会, 9 其他
    (b'3', b"123459"),
    // 文化: 1 外国在华文化中心, 9 其他
    (b'4', b"19"),
    // 民政: 1 社会团体, 2 民办非企业单位, 3 基金会, 9 其他
    (b'5', b"1239"),
    // 旅游: 1 外国旅游部门常驻代表机构, 2 港澳台地区旅游部门常驻内地（大陆）代表机构, 9 其他
    (b'6', b"129"),
    // 宗教: 1 宗教活动场所, 2 宗教院校, 9 其他
    (b'7', b"129"),
    // 工会: 1 基层工会, 9 其他
    (b'8', b"19"),
    // 工商 (now 市场监管): 1 企业, 2 个体工商户, 3 农民专业合作社
    (b'9', b"123"),
    // 中央军委改革和编制办公室: 1 军队事业单位, 9 其他
    (b'A', b"19"),
    // 农业: 1 组级集体经济组织, 2 村级集体经济组织, 3 乡镇级集体经济组织, 9 其他
    (b'N', b"1239"),
    // 其他: no further categories, always 1
    (b'Y', b"1"),
];

/// Why a string is not a valid unified social credit code.
///
/// Positions are 1-based, as a person counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    /// Not exactly 18 characters.
    #[error("统一社会信用代码应为18位，实际为{found}位 (expected 18 characters, found {found})")]
    Length {
        /// Number of characters (not bytes) in the input.
        found: usize,
    },
    /// A character outside `0-9 A-Y` minus I, O, S, V, Z.
    #[error("统一社会信用代码第{position}位含有非法字符 (character {position} is {found:?}, not one of 0-9 and A-Y without I, O, S, V, Z)")]
    InvalidChar {
        /// 1-based position.
        position: usize,
        /// The offending character.
        found: char,
    },
    /// Position 1 is not a registration-authority code of GB 32100-2015 表1.
    #[error("统一社会信用代码登记管理部门代码无效 (registration authority code {found:?} is not defined by GB 32100-2015)")]
    UnknownAuthority {
        /// The character at position 1 (upper-cased).
        found: char,
    },
    /// Position 2 is not a category defined for the authority at position 1.
    #[error("统一社会信用代码机构类别代码无效 (entity category {category:?} is not defined for registration authority {authority:?})")]
    InvalidCategory {
        /// The character at position 1 (upper-cased).
        authority: char,
        /// The character at position 2 (upper-cased).
        category: char,
    },
    /// Positions 3–8 (administrative-division code) must be digits.
    #[error("统一社会信用代码第{position}位应为数字（登记管理机关行政区划码） (character {position} must be a digit of the administrative-division code, found {found:?})")]
    NonDigitDivision {
        /// 1-based position (3..=8).
        position: usize,
        /// The offending character (upper-cased).
        found: char,
    },
    /// The MOD 31 check character does not match.
    #[error(
        "统一社会信用代码校验位错误 (check character should be {expected:?}, found {found:?})"
    )]
    CheckCharMismatch {
        /// The check character computed from the first 17 characters.
        expected: char,
        /// The check character in the input (upper-cased).
        found: char,
    },
}

/// A validated 18-character unified social credit code (GB 32100-2015).
///
/// Stored in canonical upper-case form.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode([u8; 18]);

impl CreditCode {
    /// Parses and validates a unified social credit code.
    ///
    /// Lower-case letters are accepted and normalised to upper case. Does not
    /// trim whitespace. Allocation-free.
    pub fn parse(s: &str) -> Result<CreditCode, CreditCodeError> {
        let Ok(raw) = <&[u8; 18]>::try_from(s.as_bytes()) else {
            return Err(wrong_width_error(s));
        };
        let mut code = *raw;
        let mut values = [0u8; 18];
        for (i, (b, v)) in code.iter_mut().zip(values.iter_mut()).enumerate() {
            if !b.is_ascii() {
                // Part of a multi-byte character: count characters instead.
                return Err(wrong_width_error(s));
            }
            *v = value_of(*b).ok_or(CreditCodeError::InvalidChar {
                position: i + 1,
                found: char::from(*b),
            })?;
            *b = ALPHABET[usize::from(*v)];
        }

        check_authority_category(code[0], code[1])?;
        for (i, &b) in code.iter().enumerate().take(8).skip(2) {
            if !b.is_ascii_digit() {
                return Err(CreditCodeError::NonDigitDivision {
                    position: i + 1,
                    found: char::from(b),
                });
            }
        }

        let expected = check_value(&values[..17]);
        if expected != values[17] {
            return Err(CreditCodeError::CheckCharMismatch {
                expected: char::from(ALPHABET[usize::from(expected)]),
                found: char::from(code[17]),
            });
        }
        Ok(CreditCode(code))
    }

    /// Computes the check character (an alphabet byte) for the first 17
    /// characters of a code.
    ///
    /// Only the alphabet is validated here, so generators can build codes
    /// piece by piece; lower case is accepted.
    pub fn check_char(first17: &[u8; 17]) -> Result<u8, CreditCodeError> {
        let mut values = [0u8; 17];
        for (i, (&b, v)) in first17.iter().zip(values.iter_mut()).enumerate() {
            *v = value_of(b).ok_or(CreditCodeError::InvalidChar {
                position: i + 1,
                found: char::from(b),
            })?;
        }
        Ok(ALPHABET[usize::from(check_value(&values))])
    }

    /// The full canonical code.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.0)
    }

    /// Position 1: registration-authority code (登记管理部门代码), e.g. `'9'`
    /// for market regulation.
    pub fn authority_code(&self) -> char {
        char::from(self.0[0])
    }

    /// Position 2: entity-category code (机构类别代码), e.g. `'1'` for an
    /// enterprise registered by authority `'9'`.
    pub fn category_code(&self) -> char {
        char::from(self.0[1])
    }

    /// Positions 3–8: administrative-division code of the registering
    /// authority (登记管理机关行政区划码).
    pub fn division_code(&self) -> &str {
        ascii_str(&self.0[2..8])
    }

    /// Positions 9–17: the entity identifier (主体标识码, usually the former
    /// organisation code).
    pub fn entity_id(&self) -> &str {
        ascii_str(&self.0[8..17])
    }
}

/// Alphabet value of an input byte, accepting lower case.
fn value_of(b: u8) -> Option<u8> {
    match VALUE.get(usize::from(b)) {
        Some(&v) if v != INVALID => Some(v),
        _ => None,
    }
}

/// `31 - (Σ value·weight mod 31)`, with 31 mapped to 0.
fn check_value(values: &[u8]) -> u8 {
    let sum: u32 = values
        .iter()
        .zip(WEIGHTS)
        .map(|(&v, w)| u32::from(v) * w)
        .sum();
    ((31 - sum % 31) % 31) as u8
}

fn check_authority_category(authority: u8, category: u8) -> Result<(), CreditCodeError> {
    let categories = AUTHORITY_CATEGORIES
        .iter()
        .find(|(a, _)| *a == authority)
        .map(|(_, cats)| *cats)
        .ok_or(CreditCodeError::UnknownAuthority {
            found: char::from(authority),
        })?;
    if categories.contains(&category) {
        Ok(())
    } else {
        Err(CreditCodeError::InvalidCategory {
            authority: char::from(authority),
            category: char::from(category),
        })
    }
}

/// Error for input that is not 18 ASCII bytes (see the resident-ID twin).
#[cold]
fn wrong_width_error(s: &str) -> CreditCodeError {
    let count = s.chars().count();
    if count == 18 {
        if let Some((i, c)) = s.chars().enumerate().find(|(_, c)| !c.is_ascii()) {
            return CreditCodeError::InvalidChar {
                position: i + 1,
                found: c,
            };
        }
    }
    CreditCodeError::Length { found: count }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Credit codes are public registry data, so no masking is needed.
        f.debug_tuple("CreditCode").field(&self.as_str()).finish()
    }
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CreditCode::parse(s)
    }
}

impl TryFrom<&str> for CreditCode {
    type Error = CreditCodeError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        CreditCode::parse(s)
    }
}

impl AsRef<str> for CreditCode {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_check(first17: &str) -> String {
        let mut arr = [0u8; 17];
        arr.copy_from_slice(first17.as_bytes());
        let mut s = first17.to_owned();
        s.push(char::from(CreditCode::check_char(&arr).unwrap()));
        s
    }

    #[test]
    fn commonly_cited_examples_are_valid() {
        let code = CreditCode::parse("91350100M000100Y43").unwrap();
        assert_eq!(code.as_str(), "91350100M000100Y43");
        assert_eq!(code.authority_code(), '9');
        assert_eq!(code.category_code(), '1');
        assert_eq!(code.division_code(), "350100");
        assert_eq!(code.entity_id(), "M000100Y4");
        assert_eq!(code.to_string(), "91350100M000100Y43");
        // Check value 11 -> 'B'.
        CreditCode::parse("91110000802100433B").unwrap();
    }

    #[test]
    fn check_char_values() {
        assert_eq!(CreditCode::check_char(b"91350100M000100Y4"), Ok(b'3'));
        assert_eq!(CreditCode::check_char(b"91110000802100433"), Ok(b'B'));
        assert_eq!(
            CreditCode::check_char(b"91350100O000100Y4"),
            Err(CreditCodeError::InvalidChar {
                position: 9,
                found: 'O'
            })
        );
    }

    #[test]
    fn check_value_31_maps_to_zero() {
        // Find a prefix whose weighted sum is a multiple of 31 by adjusting
        // position 17 (weight 28, invertible mod 31).
        let mut prefix = *b"91110000MA0000000";
        let values: Vec<u8> = prefix.iter().map(|&b| value_of(b).unwrap()).collect();
        let partial: u32 = values[..16]
            .iter()
            .zip(WEIGHTS)
            .map(|(&v, w)| u32::from(v) * w)
            .sum();
        let last = (0..31u32)
            .find(|v| (partial + v * 28).is_multiple_of(31))
            .unwrap();
        prefix[16] = ALPHABET[last as usize];
        assert_eq!(CreditCode::check_char(&prefix), Ok(b'0'));
        let mut s = String::from_utf8(prefix.to_vec()).unwrap();
        s.push('0');
        CreditCode::parse(&s).unwrap();
    }

    #[test]
    fn lowercase_is_normalised() {
        let code = CreditCode::parse("91350100m000100y43").unwrap();
        assert_eq!(code.as_str(), "91350100M000100Y43");
    }

    #[test]
    fn every_listed_pair_is_accepted() {
        for (authority, categories) in AUTHORITY_CATEGORIES {
            for category in *categories {
                let mut first17 = *b"00110000MA0000001";
                first17[0] = *authority;
                first17[1] = *category;
                let s = with_check(std::str::from_utf8(&first17).unwrap());
                assert!(CreditCode::parse(&s).is_ok(), "{s}");
            }
        }
    }

    #[test]
    fn length_errors() {
        assert_eq!(
            CreditCode::parse("91350100M000100Y4").unwrap_err(),
            CreditCodeError::Length { found: 17 }
        );
        assert_eq!(
            CreditCode::parse("91350100M000100Y433").unwrap_err(),
            CreditCodeError::Length { found: 19 }
        );
        // Exactly 18 bytes but only 16 characters.
        assert_eq!(
            CreditCode::parse("91350100M000100Ｙ").unwrap_err(),
            CreditCodeError::Length { found: 16 }
        );
        let err = CreditCode::parse("").unwrap_err();
        assert_eq!(
            err.to_string(),
            "统一社会信用代码应为18位，实际为0位 (expected 18 characters, found 0)"
        );
    }

    #[test]
    fn invalid_characters() {
        for (input, position, found) in [
            ("91350100I000100Y43", 9, 'I'),
            ("91350100M000100O43", 16, 'O'),
            ("91350100M0001S0Y43", 14, 'S'),
            ("9135010-M000100Y43", 8, '-'),
            ("91350100M000100Y4Z", 18, 'Z'),
            ("91350100M000100Ｙ43", 16, 'Ｙ'),
        ] {
            assert_eq!(
                CreditCode::parse(input).unwrap_err(),
                CreditCodeError::InvalidChar { position, found },
                "{input}"
            );
        }
    }

    #[test]
    fn unknown_authority() {
        let err = CreditCode::parse(&with_check("B1350100M000100Y4")).unwrap_err();
        assert_eq!(err, CreditCodeError::UnknownAuthority { found: 'B' });
        assert!(err.to_string().contains("'B'"));
        let err = CreditCode::parse(&with_check("01350100M000100Y4")).unwrap_err();
        assert_eq!(err, CreditCodeError::UnknownAuthority { found: '0' });
    }

    #[test]
    fn invalid_category() {
        for (prefix, authority, category) in [
            ("99350100M000100Y4", '9', '9'),
            ("Y2350100M000100Y4", 'Y', '2'),
            ("14350100M000100Y4", '1', '4'),
            ("5A350100M000100Y4", '5', 'A'),
        ] {
            assert_eq!(
                CreditCode::parse(&with_check(prefix)).unwrap_err(),
                CreditCodeError::InvalidCategory {
                    authority,
                    category
                },
                "{prefix}"
            );
        }
    }

    #[test]
    fn division_code_must_be_digits() {
        let err = CreditCode::parse(&with_check("9135A100M000100Y4")).unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::NonDigitDivision {
                position: 5,
                found: 'A'
            }
        );
        assert!(err.to_string().contains("character 5"));
    }

    #[test]
    fn check_char_mismatch() {
        let err = CreditCode::parse("91350100M000100Y4X").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::CheckCharMismatch {
                expected: '3',
                found: 'X'
            }
        );
        assert_eq!(
            err.to_string(),
            "统一社会信用代码校验位错误 (check character should be '3', found 'X')"
        );
    }
}
