//! The published result file.
//!
//! Format (see docs/lottery.md §5): ASCII, LF line endings, no BOM:
//!
//! ```text
//! algorithm: anju-lottery-v1
//! commitment: <64 lowercase hex>
//! reveal: <reveal, verbatim>
//! seed: <64 lowercase hex>
//! entrant_count: <n>
//!
//! position,entrant_id
//! 1,<id>
//! …
//! n,<id>
//! ```

use thiserror::Error;

use crate::entrants::{push_decimal, validated_id, EntrantIdError};
use crate::ids::{IdTable, Ids};
use crate::reveal::{Reveal, RevealError, ALGORITHM};
use crate::text::{excerpt, lines, parse_canonical_u64, parse_hex32, to_hex, LayoutError};

/// Header line of the result table, without its LF.
pub const RESULT_TABLE_HEADER: &str = "position,entrant_id";

/// Number of lines before the first result row: five `key: value` lines, a
/// blank line and the table header.
const PREAMBLE_LINES: usize = 7;

/// Why a result file was rejected. Line numbers are 1-based; the row for
/// position `p` is on line `p + 7`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ResultFileError {
    #[error("result file: {0}")]
    Layout(#[from] LayoutError),
    #[error("result file is truncated: it has {found} lines, but the header alone needs {PREAMBLE_LINES}")]
    Truncated { found: usize },
    #[error("result file line {line}: expected `{expected}`, found `{found}`")]
    UnexpectedLine {
        line: usize,
        expected: String,
        found: String,
    },
    #[error("result file line {line}: algorithm `{found}` is not supported; this software implements `{ALGORITHM}`")]
    UnsupportedAlgorithm { line: usize, found: String },
    #[error("result file line {line}: {field} must be 64 lowercase hex digits, found `{found}`")]
    BadHash {
        line: usize,
        field: &'static str,
        found: String,
    },
    #[error("result file line {line}: reveal is not valid UTF-8")]
    RevealNotUtf8 { line: usize },
    #[error("result file line {line}: {source}")]
    BadReveal {
        line: usize,
        #[source]
        source: RevealError,
    },
    #[error("result file line {line}: entrant_count must be a decimal number from 1 to {} without leading zeros, found `{found}`", u32::MAX)]
    BadCount { line: usize, found: String },
    #[error("result file line {line}: expected 2 comma-separated fields (position,entrant_id), found {found}")]
    WrongFieldCount { line: usize, found: usize },
    #[error("result file line {line}: position must be {expected}, found `{found}`")]
    BadPosition {
        line: usize,
        expected: u64,
        found: String,
    },
    #[error("result file line {line}: {source}")]
    BadEntrantId {
        line: usize,
        #[source]
        source: EntrantIdError,
    },
    #[error("result file declares entrant_count {declared} but lists {found} positions")]
    CountMismatch { declared: u64, found: usize },
}

/// The outcome of a draw: what was committed, what was revealed, the derived
/// seed and the order in which entrants were drawn.
///
/// A value produced by [`crate::draw`] is correct by construction. A value
/// from [`DrawResult::parse`] is only well-formed: its fields are claims that
/// [`crate::verify`] checks by recomputing the draw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DrawResult {
    commitment: [u8; 32],
    reveal: Reveal,
    seed: [u8; 32],
    order: IdTable,
}

impl DrawResult {
    pub(crate) fn new(
        commitment: [u8; 32],
        reveal: Reveal,
        seed: [u8; 32],
        order: IdTable,
    ) -> Self {
        Self {
            commitment,
            reveal,
            seed,
            order,
        }
    }

    /// SHA-256 of the entrant file that was drawn.
    pub fn commitment(&self) -> &[u8; 32] {
        &self.commitment
    }

    /// The notary's reveal value.
    pub fn reveal(&self) -> &Reveal {
        &self.reveal
    }

    /// The seed derived from commitment and reveal.
    pub fn seed(&self) -> &[u8; 32] {
        &self.seed
    }

    /// Entrant ids in draw order, starting with position 1.
    pub fn order(&self) -> Ids<'_> {
        self.order.iter()
    }

    /// The entrant drawn at 1-based `position`.
    pub fn at_position(&self, position: usize) -> Option<&str> {
        position
            .checked_sub(1)
            .and_then(|index| self.order.get(index))
    }

    /// Number of positions drawn.
    pub fn entrant_count(&self) -> usize {
        self.order.len()
    }

    /// The canonical result file bytes.
    pub fn to_file(&self) -> Vec<u8> {
        // Upper bound: preamble under 512 bytes; each row adds at most 20
        // digits, a comma and a LF to its id.
        let mut out = Vec::with_capacity(512 + self.order.text_len() + self.order.len() * 22);
        for (key, value) in [
            ("algorithm", ALGORITHM.to_owned()),
            ("commitment", to_hex(&self.commitment)),
            ("reveal", self.reveal.as_str().to_owned()),
            ("seed", to_hex(&self.seed)),
            ("entrant_count", self.order.len().to_string()),
        ] {
            out.extend_from_slice(key.as_bytes());
            out.extend_from_slice(b": ");
            out.extend_from_slice(value.as_bytes());
            out.push(b'\n');
        }
        out.push(b'\n');
        out.extend_from_slice(RESULT_TABLE_HEADER.as_bytes());
        out.push(b'\n');
        for (index, id) in self.order.iter().enumerate() {
            push_decimal(&mut out, index as u64 + 1);
            out.push(b',');
            out.extend_from_slice(id.as_bytes());
            out.push(b'\n');
        }
        out
    }

    /// Parses a result file, accepting only the canonical form written by
    /// [`DrawResult::to_file`]. This checks syntax only; use
    /// [`crate::verify`] to check that the draw is the right one.
    pub fn parse(bytes: &[u8]) -> Result<Self, ResultFileError> {
        let mut lines = lines(bytes)?;
        let mut preamble: [&[u8]; PREAMBLE_LINES] = [&[]; PREAMBLE_LINES];
        for (index, slot) in preamble.iter_mut().enumerate() {
            *slot = lines
                .next()
                .ok_or(ResultFileError::Truncated { found: index })?;
        }

        let algorithm = field_value(&preamble, 1, "algorithm")?;
        if algorithm != ALGORITHM.as_bytes() {
            return Err(ResultFileError::UnsupportedAlgorithm {
                line: 1,
                found: excerpt(algorithm),
            });
        }
        let commitment = hash_value(&preamble, 2, "commitment")?;
        let reveal_bytes = field_value(&preamble, 3, "reveal")?;
        let reveal = std::str::from_utf8(reveal_bytes)
            .map_err(|_| ResultFileError::RevealNotUtf8 { line: 3 })
            .and_then(|text| {
                Reveal::new(text).map_err(|source| ResultFileError::BadReveal { line: 3, source })
            })?;
        let seed = hash_value(&preamble, 4, "seed")?;
        let count_bytes = field_value(&preamble, 5, "entrant_count")?;
        let declared = parse_canonical_u64(count_bytes)
            .filter(|&count| (1..=u64::from(u32::MAX)).contains(&count))
            .ok_or_else(|| ResultFileError::BadCount {
                line: 5,
                found: excerpt(count_bytes),
            })?;
        expect_line(&preamble, 6, "")?;
        expect_line(&preamble, 7, RESULT_TABLE_HEADER)?;

        // Sized from the file length, not from `declared`, which is just a
        // claim in the file (see `EntrantList::parse` for the estimate).
        let mut order = IdTable::with_capacity(bytes.len() / 16, bytes.len());
        for (index, row) in lines.enumerate() {
            order.push(parse_row(
                index + PREAMBLE_LINES + 1,
                index as u64 + 1,
                row,
            )?);
        }
        if order.len() as u64 != declared {
            return Err(ResultFileError::CountMismatch {
                declared,
                found: order.len(),
            });
        }
        Ok(Self {
            commitment,
            reveal,
            seed,
            order,
        })
    }
}

/// The value of a `key: value` line (1-based `line`).
fn field_value<'a>(
    lines: &[&'a [u8]],
    line: usize,
    key: &str,
) -> Result<&'a [u8], ResultFileError> {
    let text = lines[line - 1];
    let prefix_len = key.len() + 2;
    let has_prefix = text.len() >= prefix_len
        && text.starts_with(key.as_bytes())
        && &text[key.len()..prefix_len] == b": ";
    if !has_prefix {
        return Err(ResultFileError::UnexpectedLine {
            line,
            expected: format!("{key}: …"),
            found: excerpt(text),
        });
    }
    Ok(&text[prefix_len..])
}

fn hash_value(
    lines: &[&[u8]],
    line: usize,
    field: &'static str,
) -> Result<[u8; 32], ResultFileError> {
    let value = field_value(lines, line, field)?;
    parse_hex32(value).ok_or_else(|| ResultFileError::BadHash {
        line,
        field,
        found: excerpt(value),
    })
}

fn expect_line(lines: &[&[u8]], line: usize, expected: &str) -> Result<(), ResultFileError> {
    let text = lines[line - 1];
    if text == expected.as_bytes() {
        Ok(())
    } else {
        Err(ResultFileError::UnexpectedLine {
            line,
            expected: if expected.is_empty() {
                "an empty line".to_owned()
            } else {
                expected.to_owned()
            },
            found: excerpt(text),
        })
    }
}

fn parse_row(line: usize, position: u64, row: &[u8]) -> Result<&str, ResultFileError> {
    let fields = row.iter().filter(|&&b| b == b',').count() + 1;
    let (found_position, id) = match row.iter().position(|&b| b == b',') {
        Some(comma) if fields == 2 => (&row[..comma], &row[comma + 1..]),
        _ => {
            return Err(ResultFileError::WrongFieldCount {
                line,
                found: fields,
            })
        }
    };
    if parse_canonical_u64(found_position) != Some(position) {
        return Err(ResultFileError::BadPosition {
            line,
            expected: position,
            found: excerpt(found_position),
        });
    }
    validated_id(id).map_err(|source| ResultFileError::BadEntrantId { line, source })
}
