//! How application events are stored: their JSON deflated against a preset
//! dictionary (issue 11 item 7), read back from every form written so far.

use super::*;
use std::cell::RefCell;

/// The preset dictionary of version 1: one event body of each common kind
/// (a synthetic city's, so no person's data), newline-separated, the most
/// frequent kind last (nearest, cheapest to refer to). Deflate finds the key
/// names, fixed phrases, policy sentences and citations an event repeats in
/// it, so a body carries little more than what is its own: 338 bytes a body
/// deflated alone, about 73 against it. Never edit it: the rows written
/// with it need it to be read. A better dictionary is a new file and a new
/// version byte.
const DICTIONARY_V1: &[u8] = include_bytes!("event_dictionary_v1.json");

/// The first byte of a `body_zd` value: which dictionary it was deflated
/// against.
const V1: u8 = 1;

thread_local! {
    /// One compressor per thread, reset between bodies: a new one allocates
    /// zlib's state (a quarter of a megabyte) every time.
    static COMPRESSOR: RefCell<flate2::Compress> =
        RefCell::new(flate2::Compress::new(flate2::Compression::default(), false));
}

/// An event body as stored in `body_zd` (issue 11 item 7): the version
/// byte, then the JSON deflated (raw) against the dictionary. Nothing is
/// dropped.
pub(crate) fn deflate(body: &str) -> Result<Vec<u8>> {
    let fail = |e: &dyn std::fmt::Display| {
        StoreError::Corrupt(format!("event body does not deflate: {e}"))
    };
    COMPRESSOR.with(|z| {
        let mut z = z.borrow_mut();
        z.reset();
        z.set_dictionary(DICTIONARY_V1).map_err(|e| fail(&e))?;
        let input = body.as_bytes();
        let mut out = Vec::with_capacity(input.len() / 2 + 64);
        out.push(V1);
        loop {
            let read = usize::try_from(z.total_in()).unwrap_or(usize::MAX);
            let rest = input.get(read..).unwrap_or_default();
            match z
                .compress_vec(rest, &mut out, flate2::FlushCompress::Finish)
                .map_err(|e| fail(&e))?
            {
                flate2::Status::StreamEnd => return Ok(out),
                // The output was full: room for more.
                _ => out.reserve(out.capacity().max(64)),
            }
        }
    })
}

/// The JSON of a `body_zd` value.
fn inflate_versioned(z: &[u8]) -> Result<String> {
    let fail = |e: &dyn std::fmt::Display| {
        StoreError::Corrupt(format!("event body does not inflate: {e}"))
    };
    let (version, stream) = z.split_first().ok_or_else(|| fail(&"empty body_zd"))?;
    if *version != V1 {
        return Err(fail(&format!("unknown dictionary version {version}")));
    }
    let mut d = flate2::Decompress::new(false);
    d.set_dictionary(DICTIONARY_V1).map_err(|e| fail(&e))?;
    let mut out = Vec::with_capacity(stream.len() * 8 + 256);
    loop {
        let (was_in, was_out) = (d.total_in(), d.total_out());
        let read = usize::try_from(was_in).unwrap_or(usize::MAX);
        let rest = stream.get(read..).unwrap_or_default();
        match d
            .decompress_vec(rest, &mut out, flate2::FlushDecompress::Finish)
            .map_err(|e| fail(&e))?
        {
            flate2::Status::StreamEnd => break,
            _ if out.len() == out.capacity() => out.reserve(out.capacity()),
            // Room left and nothing moved: the stream ends early.
            _ if d.total_in() == was_in && d.total_out() == was_out => {
                return Err(fail(&"truncated"))
            }
            _ => {}
        }
    }
    String::from_utf8(out).map_err(|e| fail(&e))
}

/// The event of an `application_events` row (`body_json`, `body_z`,
/// `body_zd`): dictionary-deflated (migration 0059), deflated alone (0052)
/// or plain JSON (before).
pub(crate) fn event_of_row(r: &Row) -> Result<Event> {
    if let Some(z) = r.opt_bytes("body_zd")? {
        return parse_event(&inflate_versioned(&z)?);
    }
    match r.opt_bytes("body_z")? {
        Some(z) => parse_event(&inflate_alone(&z)?),
        None => parse_event(&r.text("body_json")?),
    }
}

/// The JSON of a `body_z` value (deflated alone, migration 0052).
fn inflate_alone(z: &[u8]) -> Result<String> {
    use std::io::Read as _;
    let mut text = String::new();
    flate2::read::DeflateDecoder::new(z)
        .read_to_string(&mut text)
        .map_err(|e| StoreError::Corrupt(format!("event body does not inflate: {e}")))?;
    Ok(text)
}

/// The columns [`event_of_row`] reads.
pub(crate) const EVENT_BODY_COLUMNS: &str = "body_json, body_z, body_zd";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_come_back_as_written_and_small() {
        let dict = std::str::from_utf8(DICTIONARY_V1).expect("utf-8");
        for body in dict.lines().chain(["", "{}", &"长".repeat(70_000)]) {
            let z = deflate(body).expect("deflate");
            assert_eq!(inflate_versioned(&z).expect("inflate"), body);
            if body.len() > 200 && body.starts_with('{') {
                // A body found whole in the dictionary is a few
                // references (a deflate match is at most 258 bytes).
                assert!(
                    z.len() < 16 + body.len() / 64,
                    "{} -> {}",
                    body.len(),
                    z.len()
                );
            }
        }
        // The same compressor, reused, gives the same bytes.
        assert_eq!(deflate("{\"a\":1}").ok(), deflate("{\"a\":1}").ok());
    }

    #[test]
    fn bodies_deflated_alone_before_0059_still_read() {
        use std::io::Write as _;
        let body = "{\"application_id\":\"140302-20261129-S0000000\",\"seq\":1}";
        let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
        z.write_all(body.as_bytes()).expect("write");
        let z = z.finish().expect("finish");
        assert_eq!(inflate_alone(&z).expect("inflate"), body);
    }

    #[test]
    fn a_damaged_body_is_an_error_not_a_panic() {
        let z = deflate("{\"application_id\":\"x\"}").expect("deflate");
        assert!(inflate_versioned(&z[..z.len() - 2]).is_err());
        assert!(inflate_versioned(&[]).is_err());
        assert!(inflate_versioned(&[9, 1, 2]).is_err());
    }

    /// The dictionary is part of the stored format: rows written with it
    /// cannot be read without these exact bytes.
    #[test]
    fn the_dictionary_never_changes() {
        use sha2::{Digest, Sha256};
        assert_eq!(
            hex::encode(&Sha256::digest(DICTIONARY_V1)[..8]),
            "37d5c28076663091"
        );
    }
}
