//! The published entrant list and its commitment.
//!
//! Format (see docs/lottery.md §2): ASCII text, LF line endings, no BOM,
//! header `seq,entrant_id`, then one row `seq,entrant_id` per entrant, rows
//! sorted by entrant_id bytewise, seq counting from 1, final LF. There is one
//! file per separately drawn group (priority group or round).

use std::cmp::Ordering;

use sha2::{Digest, Sha256};
use thiserror::Error;

use crate::ids::{IdTable, Ids};
use crate::text::{excerpt, lines, parse_canonical_u64, to_hex, LayoutError};

/// The header line of an entrant file, without its LF.
pub const ENTRANT_FILE_HEADER: &str = "seq,entrant_id";

/// Longest allowed entrant id, in bytes.
pub const MAX_ENTRANT_ID_LEN: usize = 64;

/// Why a string is not a valid entrant id.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EntrantIdError {
    #[error("entrant id is empty")]
    Empty,
    #[error("entrant id is {len} bytes long; the maximum is {MAX_ENTRANT_ID_LEN}")]
    TooLong { len: usize },
    #[error(
        "entrant id contains {} at byte offset {offset}; only printable ASCII \
         (0x21-0x7E) other than ',' and '\"' is allowed",
        describe_byte(*byte)
    )]
    ForbiddenByte { byte: u8, offset: usize },
}

fn describe_byte(byte: u8) -> String {
    match byte {
        b' ' => "a space (0x20)".to_owned(),
        0x21..=0x7e => format!("'{}' (0x{byte:02X})", char::from(byte)),
        0x80..=0xff => format!("non-ASCII byte 0x{byte:02X}"),
        _ => format!("control byte 0x{byte:02X}"),
    }
}

/// Checks that `id` may appear in a published file: 1 to 64 bytes, each in
/// 0x21..=0x7E except `,` and `"`.
///
/// The alphabet is narrow on purpose: CSV needs no quoting, and there is no
/// Unicode normalisation or full-width/half-width ambiguity that could make
/// two people type "the same" id as different bytes.
pub fn check_entrant_id(id: &[u8]) -> Result<(), EntrantIdError> {
    validated_id(id).map(|_| ())
}

/// [`check_entrant_id`], returning the id as text for storage.
pub(crate) fn validated_id(id: &[u8]) -> Result<&str, EntrantIdError> {
    if id.is_empty() {
        return Err(EntrantIdError::Empty);
    }
    if id.len() > MAX_ENTRANT_ID_LEN {
        return Err(EntrantIdError::TooLong { len: id.len() });
    }
    if let Some(offset) = id.iter().position(|&b| !is_entrant_id_byte(b)) {
        return Err(EntrantIdError::ForbiddenByte {
            byte: id[offset],
            offset,
        });
    }
    // All bytes are ASCII, so this conversion cannot fail; mapping the error
    // anyway keeps the function total without an unwrap.
    std::str::from_utf8(id).map_err(|e| EntrantIdError::ForbiddenByte {
        byte: id[e.valid_up_to()],
        offset: e.valid_up_to(),
    })
}

fn is_entrant_id_byte(b: u8) -> bool {
    (0x21..=0x7e).contains(&b) && b != b',' && b != b'"'
}

/// Why a published entrant file was rejected. Line numbers are 1-based and
/// count the header as line 1, so the entrant with seq `k` is on line `k + 1`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EntrantFileError {
    #[error("entrant file: {0}")]
    Layout(#[from] LayoutError),
    #[error("entrant file line 1: header must be `{ENTRANT_FILE_HEADER}`, found `{found}`")]
    BadHeader { found: String },
    #[error("entrant file has a header but no entrants")]
    NoEntrants,
    #[error("entrant file line {line}: expected 2 comma-separated fields (seq,entrant_id), found {found}")]
    WrongFieldCount { line: usize, found: usize },
    #[error("entrant file line {line}: seq must be {expected} (rows are numbered from 1 without gaps or leading zeros), found `{found}`")]
    BadSeq {
        line: usize,
        expected: u64,
        found: String,
    },
    #[error("entrant file line {line}: {source}")]
    BadEntrantId {
        line: usize,
        #[source]
        source: EntrantIdError,
    },
    #[error(
        "entrant file line {line}: entrant id `{entrant_id}` is a duplicate of line {first_line}"
    )]
    Duplicate {
        line: usize,
        entrant_id: String,
        first_line: usize,
    },
    #[error("entrant file line {line}: entrant id `{entrant_id}` sorts before `{previous}` on line {previous_line}; rows must be in ascending bytewise order of entrant id")]
    NotSorted {
        line: usize,
        entrant_id: String,
        previous: String,
        previous_line: usize,
    },
    #[error("entrant file lists more than {max} entrants")]
    TooManyEntrants { max: u32 },
}

/// Why a set of ids could not be turned into an entrant list.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum EntrantListError {
    #[error("entrant list is empty; there is nothing to draw")]
    Empty,
    #[error("invalid entrant id `{id}`: {source}")]
    InvalidId {
        id: String,
        #[source]
        source: EntrantIdError,
    },
    #[error("entrant id `{entrant_id}` appears more than once")]
    Duplicate { entrant_id: String },
    #[error("entrant list has more than {max} entrants")]
    TooManyEntrants { max: u32 },
}

/// A canonical, non-empty list of distinct entrant ids in ascending bytewise
/// order, together with its commitment (SHA-256 of its canonical file).
///
/// Every value of this type corresponds to exactly one file, so the
/// commitment of a parsed file and of the same list built with
/// [`EntrantList::from_ids`] are equal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntrantList {
    ids: IdTable,
    commitment: [u8; 32],
}

impl EntrantList {
    /// Parses a published entrant file, accepting only its canonical form.
    pub fn parse(bytes: &[u8]) -> Result<Self, EntrantFileError> {
        let mut lines = lines(bytes)?;
        let header = lines.next().unwrap_or_default();
        if header != ENTRANT_FILE_HEADER.as_bytes() {
            return Err(EntrantFileError::BadHeader {
                found: excerpt(header),
            });
        }

        // Sized from the file without a counting pass: the ids cannot exceed
        // the file, and real rows ("123,AH2026-000123") are well over 16
        // bytes, so the offset table rarely has to grow.
        let mut ids = IdTable::with_capacity(bytes.len() / 16, bytes.len());
        for (index, row) in lines.enumerate() {
            let line = index + 2;
            if index == u32::MAX as usize {
                return Err(EntrantFileError::TooManyEntrants { max: u32::MAX });
            }
            let id = parse_row(line, row)?;
            if let Some(previous) = ids.last() {
                match previous.cmp(id) {
                    Ordering::Less => {}
                    Ordering::Equal => {
                        return Err(EntrantFileError::Duplicate {
                            line,
                            entrant_id: id.to_owned(),
                            first_line: line - 1,
                        })
                    }
                    Ordering::Greater => {
                        return Err(EntrantFileError::NotSorted {
                            line,
                            entrant_id: id.to_owned(),
                            previous: previous.to_owned(),
                            previous_line: line - 1,
                        })
                    }
                }
            }
            ids.push(id);
        }
        if ids.len() == 0 {
            return Err(EntrantFileError::NoEntrants);
        }

        // The file is canonical, so its own bytes are the canonical bytes.
        Ok(Self {
            ids,
            commitment: Sha256::digest(bytes).into(),
        })
    }

    /// Builds the canonical list from ids in any order. Duplicates are an
    /// error rather than silently merged: a family listed twice is a data
    /// problem someone must look at, not something to paper over.
    pub fn from_ids<I, S>(ids: I) -> Result<Self, EntrantListError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let ids = ids.into_iter();
        let mut unsorted = IdTable::with_capacity(ids.size_hint().0, ids.size_hint().0 * 16);
        for id in ids {
            let id = id.as_ref();
            check_entrant_id(id.as_bytes()).map_err(|source| EntrantListError::InvalidId {
                id: excerpt(id.as_bytes()),
                source,
            })?;
            if unsorted.len() == u32::MAX as usize {
                return Err(EntrantListError::TooManyEntrants { max: u32::MAX });
            }
            unsorted.push(id);
        }
        if unsorted.len() == 0 {
            return Err(EntrantListError::Empty);
        }

        let sorted = sorted_table(&unsorted)?;
        let commitment = Sha256::digest(render(&sorted)).into();
        Ok(Self {
            ids: sorted,
            commitment,
        })
    }

    /// The canonical file bytes; these are what gets published and hashed.
    pub fn to_csv(&self) -> Vec<u8> {
        render(&self.ids)
    }

    /// SHA-256 of [`EntrantList::to_csv`], published before the draw.
    pub fn commitment(&self) -> [u8; 32] {
        self.commitment
    }

    /// The commitment as 64 lowercase hex digits, as published.
    pub fn commitment_hex(&self) -> String {
        to_hex(&self.commitment)
    }

    /// Entrant ids in canonical order; the `k`-th (from 0) has seq `k + 1`.
    pub fn ids(&self) -> Ids<'_> {
        self.ids.iter()
    }

    /// The id at 0-based `index` (seq `index + 1`).
    pub fn get(&self, index: usize) -> Option<&str> {
        self.ids.get(index)
    }

    /// Number of entrants (at least 1, at most `u32::MAX`).
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Always false: an entrant list cannot be empty. Present for API
    /// symmetry with `len`.
    pub fn is_empty(&self) -> bool {
        self.ids.len() == 0
    }

    pub(crate) fn table(&self) -> &IdTable {
        &self.ids
    }
}

/// Sort record for one id: its first 16 bytes (zero-padded) as a big-endian
/// integer, its length and its index in the unsorted table.
///
/// Comparing the integers orders ids bytewise on their first 16 bytes; zero
/// padding preserves the order because ids never contain 0x00, so an id that
/// is a prefix of another still sorts first. Only ids that share all 16 bytes
/// need their full text compared. Ids of at most 16 bytes (typical
/// application numbers) are rebuilt from the record itself, so producing the
/// sorted table reads the records in order instead of jumping around the
/// unsorted text, which on the target machine is several times faster for a
/// million ids.
#[derive(Clone, Copy)]
struct SortKey {
    prefix: u128,
    index: u32,
    len: u8,
}

const PREFIX_LEN: usize = 16;

/// The canonical (sorted, duplicate-free) table for `unsorted`, whose ids
/// have already been validated.
fn sorted_table(unsorted: &IdTable) -> Result<IdTable, EntrantListError> {
    let mut keys: Vec<SortKey> = unsorted
        .iter()
        .enumerate()
        .map(|(index, id)| {
            let mut prefix = [0u8; PREFIX_LEN];
            let take = id.len().min(PREFIX_LEN);
            prefix[..take].copy_from_slice(&id.as_bytes()[..take]);
            SortKey {
                prefix: u128::from_be_bytes(prefix),
                // The caller has checked count <= u32::MAX and validated
                // ids, so length <= MAX_ENTRANT_ID_LEN fits in u8.
                index: index as u32,
                len: id.len() as u8,
            }
        })
        .collect();
    let full_text = |key: &SortKey| unsorted.get(key.index as usize).unwrap_or_default();
    keys.sort_unstable_by(|a, b| {
        a.prefix
            .cmp(&b.prefix)
            .then_with(|| full_text(a).cmp(full_text(b)))
    });

    let mut sorted = IdTable::with_capacity(unsorted.len(), unsorted.text_len());
    for key in &keys {
        let prefix = key.prefix.to_be_bytes();
        let short = prefix
            .get(..usize::from(key.len))
            .and_then(|bytes| std::str::from_utf8(bytes).ok());
        let id = match short {
            Some(id) => id,
            None => full_text(key),
        };
        if sorted.last() == Some(id) {
            return Err(EntrantListError::Duplicate {
                entrant_id: id.to_owned(),
            });
        }
        sorted.push(id);
    }
    Ok(sorted)
}

/// Splits a data row into its entrant id, checking seq and id syntax.
fn parse_row(line: usize, row: &[u8]) -> Result<&str, EntrantFileError> {
    let fields = row.iter().filter(|&&b| b == b',').count() + 1;
    let (seq, id) = match row.iter().position(|&b| b == b',') {
        Some(comma) if fields == 2 => (&row[..comma], &row[comma + 1..]),
        _ => {
            return Err(EntrantFileError::WrongFieldCount {
                line,
                found: fields,
            })
        }
    };
    let expected = (line - 1) as u64;
    if parse_canonical_u64(seq) != Some(expected) {
        return Err(EntrantFileError::BadSeq {
            line,
            expected,
            found: excerpt(seq),
        });
    }
    validated_id(id).map_err(|source| EntrantFileError::BadEntrantId { line, source })
}

fn render(ids: &IdTable) -> Vec<u8> {
    // Upper bound: each row adds at most 20 digits, a comma and a LF.
    let capacity = ENTRANT_FILE_HEADER.len() + 1 + ids.text_len() + ids.len() * 22;
    let mut out = Vec::with_capacity(capacity);
    out.extend_from_slice(ENTRANT_FILE_HEADER.as_bytes());
    out.push(b'\n');
    for (index, id) in ids.iter().enumerate() {
        push_decimal(&mut out, index as u64 + 1);
        out.push(b',');
        out.extend_from_slice(id.as_bytes());
        out.push(b'\n');
    }
    out
}

/// Appends a decimal number without going through `format!`, which matters
/// when writing a million rows.
pub(crate) fn push_decimal(out: &mut Vec<u8>, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend_from_slice(&digits[start..]);
}

/// The commitment of an entrant file as published: the SHA-256 of its bytes.
pub fn commitment_of(file: &[u8]) -> [u8; 32] {
    Sha256::digest(file).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entrant_id_alphabet() {
        assert_eq!(check_entrant_id(b"A-2026/001_x.y"), Ok(()));
        assert_eq!(check_entrant_id(b"!~"), Ok(()));
        assert_eq!(check_entrant_id(b""), Err(EntrantIdError::Empty));
        assert_eq!(
            check_entrant_id(&[b'a'; 65]),
            Err(EntrantIdError::TooLong { len: 65 })
        );
        assert_eq!(check_entrant_id(&[b'a'; 64]), Ok(()));
        for (id, byte, offset) in [
            (&b"a b"[..], b' ', 1),
            (b"a,b", b',', 1),
            (b"\"a", b'"', 0),
            (b"ab\t", b'\t', 2),
            ("张三".as_bytes(), 0xE5, 0),
            (b"a\x7f", 0x7f, 1),
        ] {
            assert_eq!(
                check_entrant_id(id),
                Err(EntrantIdError::ForbiddenByte { byte, offset }),
                "{id:?}"
            );
        }
    }

    #[test]
    fn push_decimal_matches_display() {
        for value in [0u64, 1, 9, 10, 99, 100, 1_000_000, u64::MAX] {
            let mut out = Vec::new();
            push_decimal(&mut out, value);
            assert_eq!(out, value.to_string().into_bytes());
        }
    }
}
