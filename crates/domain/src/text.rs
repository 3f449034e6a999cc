//! Validated text and identifiers.
//!
//! Free text a person types (a return reason, an objection, a review note)
//! is [`NonEmptyText`]; identifiers chosen by other systems (user accounts,
//! application numbers, household ids) are opaque tokens. Both can only be
//! obtained through validation, so an event can never hold an empty reason.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Why a piece of text or an identifier was refused.
///
/// `what_zh` / `what_en` name the field so that the API can say which input
/// to fix.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TextError {
    /// Nothing but whitespace.
    #[error("{what_zh}不能为空 ({what_en} must not be empty)")]
    Empty {
        /// Field name in Chinese.
        what_zh: &'static str,
        /// Field name in English.
        what_en: &'static str,
    },
    /// Longer than the field allows (counted in characters, not bytes).
    #[error("{what_zh}最多{max}个字符，实际为{found}个 ({what_en} is limited to {max} characters, found {found})")]
    TooLong {
        /// Field name in Chinese.
        what_zh: &'static str,
        /// Field name in English.
        what_en: &'static str,
        /// Limit in characters.
        max: usize,
        /// Characters in the input.
        found: usize,
    },
    /// A character the field does not accept.
    #[error("{what_zh}不能包含字符 {found:?} ({what_en} must not contain {found:?})")]
    BadChar {
        /// Field name in Chinese.
        what_zh: &'static str,
        /// Field name in English.
        what_en: &'static str,
        /// The offending character.
        found: char,
    },
}

/// Text typed by a person: trimmed, non-empty, at most
/// [`NonEmptyText::MAX_CHARS`] characters, no control characters other than
/// line breaks and tabs.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct NonEmptyText(String);

impl NonEmptyText {
    /// Upper bound, generous enough for an objection letter typed in, small
    /// enough that one event stays a small row.
    pub const MAX_CHARS: usize = 2000;

    /// Validates and trims `text`.
    pub fn new(text: impl Into<String>) -> Result<NonEmptyText, TextError> {
        Self::named(text, "文本", "text")
    }

    /// Like [`new`](Self::new), naming the field in the error.
    pub fn named(
        text: impl Into<String>,
        what_zh: &'static str,
        what_en: &'static str,
    ) -> Result<NonEmptyText, TextError> {
        let text: String = text.into();
        let trimmed = text.trim();
        if trimmed.is_empty() {
            return Err(TextError::Empty { what_zh, what_en });
        }
        let found = trimmed.chars().count();
        if found > Self::MAX_CHARS {
            return Err(TextError::TooLong {
                what_zh,
                what_en,
                max: Self::MAX_CHARS,
                found,
            });
        }
        if let Some(c) = trimmed
            .chars()
            .find(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        {
            return Err(TextError::BadChar {
                what_zh,
                what_en,
                found: c,
            });
        }
        Ok(NonEmptyText(if trimmed.len() == text.len() {
            text
        } else {
            trimmed.to_owned()
        }))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NonEmptyText {
    type Error = TextError;
    fn try_from(s: String) -> Result<Self, TextError> {
        NonEmptyText::new(s)
    }
}

impl TryFrom<&str> for NonEmptyText {
    type Error = TextError;
    fn try_from(s: &str) -> Result<Self, TextError> {
        NonEmptyText::new(s)
    }
}

impl From<NonEmptyText> for String {
    fn from(t: NonEmptyText) -> String {
        t.0
    }
}

impl fmt::Display for NonEmptyText {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for NonEmptyText {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// Checks an opaque identifier: 1..=64 characters, no whitespace or control
/// characters (they would make ids ambiguous in logs and URLs).
fn check_identifier(
    s: &str,
    what_zh: &'static str,
    what_en: &'static str,
) -> Result<(), TextError> {
    if s.is_empty() {
        return Err(TextError::Empty { what_zh, what_en });
    }
    let found = s.chars().count();
    if found > IDENTIFIER_MAX_CHARS {
        return Err(TextError::TooLong {
            what_zh,
            what_en,
            max: IDENTIFIER_MAX_CHARS,
            found,
        });
    }
    if let Some(c) = s.chars().find(|c| c.is_whitespace() || c.is_control()) {
        return Err(TextError::BadChar {
            what_zh,
            what_en,
            found: c,
        });
    }
    Ok(())
}

const IDENTIFIER_MAX_CHARS: usize = 64;

macro_rules! identifier {
    ($(#[$meta:meta])* $name:ident, $zh:literal, $en:literal) => {
        $(#[$meta])*
        ///
        /// Opaque to the domain: 1 to 64 characters, no whitespace or control
        /// characters.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Validates an identifier.
            pub fn new(s: impl Into<String>) -> Result<$name, TextError> {
                let s: String = s.into();
                check_identifier(&s, $zh, $en)?;
                Ok($name(s))
            }

            /// The identifier.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = TextError;
            fn try_from(s: String) -> Result<Self, TextError> {
                $name::new(s)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl FromStr for $name {
            type Err = TextError;
            fn from_str(s: &str) -> Result<Self, TextError> {
                $name::new(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

identifier!(
    /// A user account (staff member or applicant), as issued by the server.
    UserId,
    "用户标识",
    "user id"
);
identifier!(
    /// An application number, as issued by the store.
    ApplicationId,
    "申请编号",
    "application id"
);
identifier!(
    /// The `id` of a household in `household.schema.json`.
    HouseholdId,
    "家庭编号",
    "household id"
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_checked() {
        assert_eq!(
            NonEmptyText::new("  补充收入证明 ").map(|t| t.0),
            Ok("补充收入证明".to_owned())
        );
        assert!(matches!(
            NonEmptyText::new(" \n "),
            Err(TextError::Empty { .. })
        ));
        assert!(matches!(
            NonEmptyText::new("a\u{0}b"),
            Err(TextError::BadChar { found: '\u{0}', .. })
        ));
        let long = "字".repeat(NonEmptyText::MAX_CHARS + 1);
        assert!(matches!(
            NonEmptyText::new(long),
            Err(TextError::TooLong { found: 2001, .. })
        ));
        assert!(NonEmptyText::new("第一行\n第二行").is_ok());
    }

    #[test]
    fn identifiers_refuse_whitespace() {
        assert!(UserId::new("zhang.san").is_ok());
        assert!(UserId::new("张三").is_ok());
        assert!(matches!(UserId::new(""), Err(TextError::Empty { .. })));
        assert!(matches!(
            UserId::new("a b"),
            Err(TextError::BadChar { found: ' ', .. })
        ));
        assert!(serde_json::from_str::<ApplicationId>("\"\"").is_err());
        let err = UserId::new("").map(|_| ()).unwrap_err().to_string();
        assert_eq!(err, "用户标识不能为空 (user id must not be empty)");
    }
}
