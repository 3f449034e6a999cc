//! GB 11643-1999 citizen identity number (公民身份号码).

use std::fmt;
use std::str::FromStr;

use chrono::NaiveDate;

use crate::ascii_str;

/// ISO 7064 MOD 11-2 weights for positions 1..=17 (2^(18-i) mod 11).
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check character indexed by the weighted sum modulo 11.
const CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// GB 11643-1999 covers people born from 1900 onwards; earlier dates are
/// almost certainly typing errors (e.g. `1899` for `1989`).
const EARLIEST_BIRTH: (i32, u32, u32) = (1900, 1, 1);

/// Sex as encoded by the parity of the 17th digit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Sex {
    /// Odd 17th digit.
    Male,
    /// Even 17th digit.
    Female,
}

impl Sex {
    /// Stable machine-readable name: `"male"` or `"female"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    /// Chinese label as printed on forms: `"男"` or `"女"`.
    pub fn label_zh(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a string is not a valid citizen identity number.
///
/// Every variant carries enough context to tell the applicant exactly which
/// character to fix. Positions are 1-based, as a person counts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ResidentIdError {
    /// Not exactly 18 characters.
    #[error("居民身份证号码应为18位，实际为{found}位 (expected 18 characters, found {found})")]
    Length {
        /// Number of characters (not bytes) in the input.
        found: usize,
    },
    /// One of the first 17 characters is not an ASCII digit.
    #[error("居民身份证号码第{position}位应为数字 (character {position} must be a digit, found {found:?})")]
    NonDigit {
        /// 1-based position (1..=17).
        position: usize,
        /// The offending character.
        found: char,
    },
    /// The 18th character is neither a digit nor `X`.
    #[error(
        "居民身份证号码第18位应为数字或X (character 18 must be a digit or 'X', found {found:?})"
    )]
    InvalidCheckSymbol {
        /// The offending character.
        found: char,
    },
    /// Positions 7–14 do not form a real calendar date.
    #[error("居民身份证号码中的出生日期无效 (invalid birth date \"{year:04}{month:02}{day:02}\")")]
    InvalidBirthDate {
        /// Year digits as written.
        year: u16,
        /// Month digits as written.
        month: u8,
        /// Day digits as written.
        day: u8,
    },
    /// The birth date is real but predates the standard's scope.
    #[error("居民身份证号码中的出生日期早于1900年1月1日 (birth date {date} is before 1900-01-01, outside the scope of GB 11643-1999)")]
    BirthDateTooEarly {
        /// The decoded birth date.
        date: NaiveDate,
    },
    /// Positions 15–17 are `000`, which is never assigned.
    #[error("居民身份证号码顺序码不能为000 (sequence code 000 is never assigned)")]
    ZeroSequence,
    /// The ISO 7064 MOD 11-2 check character does not match.
    #[error("居民身份证号码校验位错误 (check character should be {expected:?}, found {found:?})")]
    CheckCharMismatch {
        /// The check character computed from the first 17 digits.
        expected: char,
        /// The check character in the input (upper-cased).
        found: char,
    },
}

/// A validated 18-character citizen identity number (GB 11643-1999).
///
/// Stored in canonical form: ASCII digits with an upper-case `X` check
/// character where applicable. `Debug` prints the masked form so that
/// identity numbers do not leak into logs by accident; use `Display` or
/// [`as_str`](Self::as_str) when the full number is really needed.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ResidentId([u8; 18]);

impl ResidentId {
    /// Parses and validates a citizen identity number.
    ///
    /// Accepts a lower-case `x` as check character and normalises it. Does
    /// not trim whitespace: callers decide whether stray spaces are an input
    /// error. Allocation-free.
    pub fn parse(s: &str) -> Result<ResidentId, ResidentIdError> {
        let bytes = s.as_bytes();
        let Ok(raw) = <&[u8; 18]>::try_from(bytes) else {
            return Err(wrong_width_error(s));
        };
        let mut code = *raw;

        let mut first17 = [0u8; 17];
        for (i, (&b, slot)) in code.iter().zip(first17.iter_mut()).enumerate() {
            if !b.is_ascii() {
                // Part of a multi-byte character: count characters instead.
                return Err(wrong_width_error(s));
            }
            if !b.is_ascii_digit() {
                return Err(ResidentIdError::NonDigit {
                    position: i + 1,
                    found: char::from(b),
                });
            }
            *slot = b;
        }
        match code[17] {
            b'0'..=b'9' | b'X' => {}
            b'x' => code[17] = b'X',
            b if !b.is_ascii() => return Err(wrong_width_error(s)),
            other => {
                return Err(ResidentIdError::InvalidCheckSymbol {
                    found: char::from(other),
                })
            }
        }

        validate_birth_date(&code)?;
        if &code[14..17] == b"000" {
            return Err(ResidentIdError::ZeroSequence);
        }

        let expected = check_char(&first17);
        if expected != code[17] {
            return Err(ResidentIdError::CheckCharMismatch {
                expected: char::from(expected),
                found: char::from(code[17]),
            });
        }
        Ok(ResidentId(code))
    }

    /// The birth date encoded in positions 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        let (y, m, d) = birth_fields(&self.0);
        // `parse` validated this date; the fallback is unreachable and only
        // avoids a panic path.
        NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d)).unwrap_or(NaiveDate::MIN)
    }

    /// Sex encoded by the parity of the 17th digit (odd = male).
    pub fn sex(&self) -> Sex {
        if (self.0[16] - b'0') % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// The 6-digit administrative-division code of the first registration
    /// (positions 1–6). Not checked against GB/T 2260, whose list changes
    /// every year while old numbers stay valid.
    pub fn address_code(&self) -> &str {
        ascii_str(&self.0[..6])
    }

    /// The full canonical number.
    pub fn as_str(&self) -> &str {
        ascii_str(&self.0)
    }

    /// The number with the birth date and sequence hidden, e.g.
    /// `140302********1234`: first 6 characters, eight `*`, last 4.
    pub fn masked(&self) -> String {
        let mut out = String::with_capacity(18);
        out.push_str(ascii_str(&self.0[..6]));
        out.push_str("********");
        out.push_str(ascii_str(&self.0[14..]));
        out
    }
}

/// ISO 7064 MOD 11-2 over the first 17 digits; see [`ResidentId::check_char`].
fn check_char(first17: &[u8; 17]) -> u8 {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&b, w)| u32::from(b.wrapping_sub(b'0')) * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl ResidentId {
    /// Computes the ISO 7064 MOD 11-2 check character (`b'0'..=b'9'` or
    /// `b'X'`) for the first 17 digits of a citizen identity number.
    ///
    /// Meant for generators and tests; the input should be ASCII digits.
    /// Other bytes give a meaningless (but non-panicking) result.
    pub fn check_char(first17: &[u8; 17]) -> u8 {
        check_char(first17)
    }
}

/// Builds the error for input that is not 18 ASCII bytes.
///
/// Kept out of line so the success path stays small. Length is judged in
/// characters; when there are 18 characters but some are multi-byte (e.g.
/// full-width digits from an IME), naming the first bad character is more
/// useful than a confusing length message.
#[cold]
fn wrong_width_error(s: &str) -> ResidentIdError {
    let count = s.chars().count();
    if count == 18 {
        for (i, c) in s.chars().enumerate() {
            if i < 17 && !c.is_ascii_digit() {
                return ResidentIdError::NonDigit {
                    position: i + 1,
                    found: c,
                };
            }
            if i == 17 && !matches!(c, '0'..='9' | 'X' | 'x') {
                return ResidentIdError::InvalidCheckSymbol { found: c };
            }
        }
    }
    ResidentIdError::Length { found: count }
}

fn digits_value(digits: &[u8]) -> u16 {
    digits
        .iter()
        .fold(0u16, |acc, &b| acc * 10 + u16::from(b - b'0'))
}

/// Year, month and day digits of positions 7–14 (caller ensures digits).
fn birth_fields(code: &[u8; 18]) -> (u16, u8, u8) {
    (
        digits_value(&code[6..10]),
        digits_value(&code[10..12]) as u8,
        digits_value(&code[12..14]) as u8,
    )
}

fn validate_birth_date(code: &[u8; 18]) -> Result<(), ResidentIdError> {
    let (year, month, day) = birth_fields(code);
    let date = NaiveDate::from_ymd_opt(i32::from(year), u32::from(month), u32::from(day))
        .ok_or(ResidentIdError::InvalidBirthDate { year, month, day })?;
    let (ey, em, ed) = EARLIEST_BIRTH;
    if (i32::from(year), u32::from(month), u32::from(day)) < (ey, em, ed) {
        return Err(ResidentIdError::BirthDateTooEarly { date });
    }
    Ok(())
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Masked on purpose: Debug output ends up in logs and panic messages.
        f.debug_tuple("ResidentId").field(&self.masked()).finish()
    }
}

impl FromStr for ResidentId {
    type Err = ResidentIdError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ResidentId::parse(s)
    }
}

impl TryFrom<&str> for ResidentId {
    type Error = ResidentIdError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        ResidentId::parse(s)
    }
}

impl AsRef<str> for ResidentId {
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
        s.push(char::from(check_char(&arr)));
        s
    }

    #[test]
    fn textbook_example_is_valid() {
        // The example printed in GB 11643-1999 itself.
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.address_code(), "110105");
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.masked(), "110105********002X");
        assert_eq!(id.to_string(), "11010519491231002X");
    }

    #[test]
    fn hand_computed_examples() {
        // 1*7+4*9+0*10+3*5+0*8+2*4+1*2+9*1+9*6+0*3+0*7+1*9+0*10+1*5+1*8+2*4+3*2
        // = 167, 167 mod 11 = 2 -> "10X98765432"[2] = 'X'.
        let id = ResidentId::parse("14030219900101123X").unwrap();
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.masked(), "140302********123X");
        // Weighted sum 150, 150 mod 11 = 7 -> "10X98765432"[7] = '5'.
        let id = ResidentId::parse("440524190001010025").unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1900, 1, 1).unwrap()
        );
        assert_eq!(id.sex(), Sex::Female);
    }

    #[test]
    fn lowercase_x_is_normalised() {
        let id = ResidentId::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id, ResidentId::parse("11010519491231002X").unwrap());
    }

    #[test]
    fn check_char_helper_builds_valid_ids() {
        let s = with_check("32010620000229051");
        let id: ResidentId = s.parse().unwrap();
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(2000, 2, 29).unwrap()
        );
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(ResidentId::check_char(b"11010519491231002"), b'X');
    }

    #[test]
    fn length_errors_count_characters() {
        assert_eq!(
            ResidentId::parse("").unwrap_err(),
            ResidentIdError::Length { found: 0 }
        );
        assert_eq!(
            ResidentId::parse("11010519491231002").unwrap_err(),
            ResidentIdError::Length { found: 17 }
        );
        assert_eq!(
            ResidentId::parse("11010519491231002X0").unwrap_err(),
            ResidentIdError::Length { found: 19 }
        );
        // Exactly 18 bytes but only 16 characters.
        assert_eq!(
            ResidentId::parse("110105194912310二").unwrap_err(),
            ResidentIdError::Length { found: 16 }
        );
        // 17 characters but more than 18 bytes.
        assert_eq!(
            ResidentId::parse("1101051949123100二").unwrap_err(),
            ResidentIdError::Length { found: 17 }
        );
    }

    #[test]
    fn non_ascii_with_18_characters_names_the_character() {
        assert_eq!(
            ResidentId::parse("11010519491231００2X").unwrap_err(),
            ResidentIdError::NonDigit {
                position: 15,
                found: '０'
            }
        );
        assert_eq!(
            ResidentId::parse("11010519491231002Ｘ").unwrap_err(),
            ResidentIdError::InvalidCheckSymbol { found: 'Ｘ' }
        );
    }

    #[test]
    fn non_digit_reports_position() {
        let err = ResidentId::parse("1101a519491231002X").unwrap_err();
        assert_eq!(
            err,
            ResidentIdError::NonDigit {
                position: 5,
                found: 'a'
            }
        );
        assert_eq!(
            err.to_string(),
            "居民身份证号码第5位应为数字 (character 5 must be a digit, found 'a')"
        );
        // An X anywhere but the last position is not a digit either.
        assert_eq!(
            ResidentId::parse("1101051949123100XX").unwrap_err(),
            ResidentIdError::NonDigit {
                position: 17,
                found: 'X'
            }
        );
    }

    #[test]
    fn invalid_check_symbol() {
        let err = ResidentId::parse("11010519491231002Y").unwrap_err();
        assert_eq!(err, ResidentIdError::InvalidCheckSymbol { found: 'Y' });
        assert!(err.to_string().contains("found 'Y'"));
    }

    #[test]
    fn invalid_birth_dates() {
        let err = ResidentId::parse(&with_check("11010519990231002")).unwrap_err();
        assert_eq!(
            err,
            ResidentIdError::InvalidBirthDate {
                year: 1999,
                month: 2,
                day: 31
            }
        );
        assert_eq!(
            err.to_string(),
            "居民身份证号码中的出生日期无效 (invalid birth date \"19990231\")"
        );
        for bad in [
            "11010519001301002",
            "11010519000100002",
            "11010519010229002",
        ] {
            assert!(
                matches!(
                    ResidentId::parse(&with_check(bad)),
                    Err(ResidentIdError::InvalidBirthDate { .. })
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn birth_date_before_1900() {
        let err = ResidentId::parse(&with_check("11010518991231002")).unwrap_err();
        assert_eq!(
            err,
            ResidentIdError::BirthDateTooEarly {
                date: NaiveDate::from_ymd_opt(1899, 12, 31).unwrap()
            }
        );
        assert!(err.to_string().contains("1899-12-31"));
    }

    #[test]
    fn zero_sequence() {
        let err = ResidentId::parse(&with_check("11010519491231000")).unwrap_err();
        assert_eq!(err, ResidentIdError::ZeroSequence);
        assert!(err.to_string().contains("000"));
    }

    #[test]
    fn check_char_mismatch_message() {
        let err = ResidentId::parse("110105194912310023").unwrap_err();
        assert_eq!(
            err,
            ResidentIdError::CheckCharMismatch {
                expected: 'X',
                found: '3'
            }
        );
        assert_eq!(
            err.to_string(),
            "居民身份证号码校验位错误 (check character should be 'X', found '3')"
        );
    }

    #[test]
    fn debug_is_masked() {
        let id = ResidentId::parse("11010519491231002X").unwrap();
        assert_eq!(format!("{id:?}"), "ResidentId(\"110105********002X\")");
    }

    #[test]
    fn sex_labels() {
        assert_eq!(Sex::Male.as_str(), "male");
        assert_eq!(Sex::Female.as_str(), "female");
        assert_eq!(Sex::Male.label_zh(), "男");
        assert_eq!(Sex::Female.label_zh(), "女");
    }
}
