//! Byte-level helpers shared by the two published file formats.
//!
//! Both formats are deliberately strict: a file is either byte-for-byte
//! canonical or rejected, because the commitment is a hash of the exact bytes
//! and any tolerated variation would let two different-looking files claim
//! the same draw.

use thiserror::Error;

/// Problems with the overall layout of a published file, before its content
/// is looked at.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LayoutError {
    #[error("file is empty")]
    EmptyFile,
    #[error("file starts with a UTF-8 byte order mark (EF BB BF); save it without BOM")]
    ByteOrderMark,
    #[error(
        "line {line}: carriage return (CR, 0x0D) found; lines must end with LF only, not CRLF"
    )]
    CarriageReturn { line: usize },
    #[error("line {line}: last line is not terminated by a line feed (LF, 0x0A)")]
    MissingFinalNewline { line: usize },
}

/// Checks the layout rules common to both formats (non-empty, no BOM, LF
/// only, final LF after the last line) and returns an iterator over the
/// lines without their LF.
///
/// Lines are produced lazily rather than collected: a million-line file
/// would otherwise need a 16 MB vector of slices before any real work.
pub(crate) fn lines(bytes: &[u8]) -> Result<impl Iterator<Item = &[u8]>, LayoutError> {
    let Some((&last, body)) = bytes.split_last() else {
        return Err(LayoutError::EmptyFile);
    };
    if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Err(LayoutError::ByteOrderMark);
    }
    if last != b'\n' {
        return Err(LayoutError::MissingFinalNewline {
            line: line_of(bytes, bytes.len() - 1),
        });
    }
    // `contains` on bytes is a fast memchr; the exact position is only
    // needed for the error message.
    if bytes.contains(&b'\r') {
        let offset = bytes.iter().position(|&b| b == b'\r').unwrap_or(0);
        return Err(LayoutError::CarriageReturn {
            line: line_of(bytes, offset),
        });
    }
    Ok(body.split(|&b| b == b'\n'))
}

/// 1-based line number of the byte at `offset`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    bytes[..offset].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Parses a canonical decimal number: ASCII digits only, no sign, no leading
/// zero (except the number 0 itself), fitting in a u64.
pub(crate) fn parse_canonical_u64(field: &[u8]) -> Option<u64> {
    if field.is_empty() || (field.len() > 1 && field[0] == b'0') {
        return None;
    }
    field.iter().try_fold(0u64, |acc, &b| {
        if !b.is_ascii_digit() {
            return None;
        }
        acc.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}

/// Lowercase hexadecimal, as used for every hash in the published files.
pub fn to_hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        out.push(char::from(DIGITS[usize::from(b >> 4)]));
        out.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    out
}

/// Parses exactly 64 lowercase hex digits. Uppercase is rejected so that each
/// hash has a single spelling in the published files.
pub(crate) fn parse_hex32(field: &[u8]) -> Option<[u8; 32]> {
    fn nibble(c: u8) -> Option<u8> {
        match c {
            b'0'..=b'9' => Some(c - b'0'),
            b'a'..=b'f' => Some(c - b'a' + 10),
            _ => None,
        }
    }
    if field.len() != 64 {
        return None;
    }
    let mut out = [0u8; 32];
    for (byte, pair) in out.iter_mut().zip(field.chunks_exact(2)) {
        *byte = (nibble(pair[0])? << 4) | nibble(pair[1])?;
    }
    Some(out)
}

/// A short, printable rendering of untrusted bytes for error messages, so a
/// garbage multi-megabyte line cannot flood a log.
pub(crate) fn excerpt(bytes: &[u8]) -> String {
    const MAX_CHARS: usize = 80;
    let text = String::from_utf8_lossy(bytes);
    let mut out: String = text.chars().take(MAX_CHARS).collect();
    if text.chars().nth(MAX_CHARS).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_enforce_layout() {
        fn split(bytes: &[u8]) -> Result<Vec<&[u8]>, LayoutError> {
            lines(bytes).map(Iterator::collect)
        }
        assert_eq!(split(b"a\nb\n"), Ok(vec![&b"a"[..], &b"b"[..]]));
        assert_eq!(split(b"\n\n"), Ok(vec![&b""[..], &b""[..]]));
        assert_eq!(split(b""), Err(LayoutError::EmptyFile));
        assert_eq!(split(b"\xEF\xBB\xBFa\n"), Err(LayoutError::ByteOrderMark));
        assert_eq!(
            split(b"a\nb"),
            Err(LayoutError::MissingFinalNewline { line: 2 })
        );
        assert_eq!(
            split(b"a\nb\r\n"),
            Err(LayoutError::CarriageReturn { line: 2 })
        );
        assert_eq!(
            split(b"a\rb\n"),
            Err(LayoutError::CarriageReturn { line: 1 })
        );
    }

    #[test]
    fn canonical_decimal() {
        assert_eq!(parse_canonical_u64(b"0"), Some(0));
        assert_eq!(parse_canonical_u64(b"120"), Some(120));
        assert_eq!(parse_canonical_u64(b"18446744073709551615"), Some(u64::MAX));
        for bad in [
            &b""[..],
            b"01",
            b"+1",
            b"-1",
            b" 1",
            b"1 ",
            b"1a",
            b"18446744073709551616",
        ] {
            assert_eq!(parse_canonical_u64(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn hex_round_trip_and_case() {
        let bytes: [u8; 32] = core::array::from_fn(|i| (i * 8) as u8);
        let hex = to_hex(&bytes);
        assert_eq!(parse_hex32(hex.as_bytes()), Some(bytes));
        assert_eq!(parse_hex32(hex.to_uppercase().as_bytes()), None);
        assert_eq!(parse_hex32(&hex.as_bytes()[..62]), None);
    }

    #[test]
    fn excerpt_truncates() {
        assert_eq!(excerpt(b"abc"), "abc");
        assert_eq!(excerpt(&[b'x'; 100]).chars().count(), 81);
    }
}
