//! The notary's reveal value and the seed derived from it.

use std::fmt;

use sha2::{Digest, Sha256};
use thiserror::Error;

/// Algorithm identifier; also the domain-separation prefix of the seed hash,
/// so a seed for this scheme can never collide with a hash made for any other
/// purpose (or for a future `v2` with different rules).
pub const ALGORITHM: &str = "anju-lottery-v1";

/// Longest allowed reveal, in bytes.
pub const MAX_REVEAL_LEN: usize = 256;

/// Why a reveal string was refused.
///
/// The reveal is never trimmed or normalised: whatever bytes are hashed must
/// be exactly what is printed in the minutes and the result file. Instead,
/// strings whose bytes a person could not reliably re-type are refused.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RevealError {
    #[error("reveal is empty")]
    Empty,
    #[error("reveal is {len} bytes long; the maximum is {MAX_REVEAL_LEN}")]
    TooLong { len: usize },
    #[error(
        "reveal contains {} at byte offset {offset}; only printable ASCII \
         (0x20-0x7E) is allowed, so use half-width digits and letters",
        describe_char(*ch)
    )]
    ForbiddenChar { ch: char, offset: usize },
    #[error("reveal starts or ends with a space; remove it or put the space inside the value")]
    OuterSpace,
}

fn describe_char(ch: char) -> String {
    if ch.is_control() {
        format!("control character U+{:04X}", u32::from(ch))
    } else {
        format!("'{ch}' (U+{:04X})", u32::from(ch))
    }
}

/// A validated reveal: 1 to 256 bytes of printable ASCII (0x20-0x7E) that
/// does not start or end with a space.
///
/// ASCII-only is deliberate: Chinese input methods readily produce full-width
/// digits (`１２３`) that look like `123` but hash differently, and families
/// must be able to type the reveal themselves when verifying.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Reveal(String);

impl Reveal {
    /// Validates `value` without altering it.
    pub fn new(value: &str) -> Result<Self, RevealError> {
        if value.is_empty() {
            return Err(RevealError::Empty);
        }
        if value.len() > MAX_REVEAL_LEN {
            return Err(RevealError::TooLong { len: value.len() });
        }
        if let Some((offset, ch)) = value
            .char_indices()
            .find(|&(_, c)| !(' '..='~').contains(&c))
        {
            return Err(RevealError::ForbiddenChar { ch, offset });
        }
        if value.starts_with(' ') || value.ends_with(' ') {
            return Err(RevealError::OuterSpace);
        }
        Ok(Self(value.to_owned()))
    }

    /// The reveal exactly as hashed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Reveal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Reveal {
    type Err = RevealError;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Self::new(value)
    }
}

/// Derives the 32-byte shuffle seed:
///
/// `SHA-256("anju-lottery-v1" || 0x00 || commitment (32 bytes) || reveal bytes)`
///
/// The 0x00 ends the domain label; the commitment has fixed length, so the
/// reveal (the only variable-length part) being last keeps the encoding
/// unambiguous.
pub fn seed(commitment: &[u8; 32], reveal: &Reveal) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(ALGORITHM.as_bytes());
    hasher.update([0u8]);
    hasher.update(commitment);
    hasher.update(reveal.as_str().as_bytes());
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_printable_ascii_verbatim() {
        let reveal = Reveal::new("07 12 23 31  35+09").expect("valid reveal");
        assert_eq!(reveal.as_str(), "07 12 23 31  35+09");
        assert!(Reveal::new("~").is_ok());
        assert!(Reveal::new(&"9".repeat(MAX_REVEAL_LEN)).is_ok());
    }

    #[test]
    fn refuses_ambiguous_values() {
        assert_eq!(Reveal::new(""), Err(RevealError::Empty));
        assert_eq!(Reveal::new(" 1"), Err(RevealError::OuterSpace));
        assert_eq!(Reveal::new("1 "), Err(RevealError::OuterSpace));
        assert_eq!(Reveal::new(" "), Err(RevealError::OuterSpace));
        assert_eq!(
            Reveal::new("12\n"),
            Err(RevealError::ForbiddenChar {
                ch: '\n',
                offset: 2
            })
        );
        assert_eq!(
            Reveal::new("1２3"),
            Err(RevealError::ForbiddenChar {
                ch: '２',
                offset: 1
            })
        );
        assert_eq!(
            Reveal::new(&"9".repeat(MAX_REVEAL_LEN + 1)),
            Err(RevealError::TooLong {
                len: MAX_REVEAL_LEN + 1
            })
        );
    }

    #[test]
    fn seed_matches_hand_built_preimage() {
        let commitment = [0xab; 32];
        let reveal = Reveal::new("42").expect("valid reveal");
        let mut preimage = b"anju-lottery-v1\x00".to_vec();
        preimage.extend_from_slice(&commitment);
        preimage.extend_from_slice(b"42");
        let expected: [u8; 32] = Sha256::digest(&preimage).into();
        assert_eq!(seed(&commitment, &reveal), expected);
    }
}
