//! How application events are stored: their JSON deflated (issue 11
//! item 7), read back from either form.

use super::*;

/// An event body as stored (issue 11 item 7): the JSON deflated. A decision
/// event is 4–5 KB of JSON, most of it the explanation's condition
/// sentences and the same citation repeated per condition, which deflate
/// takes to about a fifth; nothing is dropped. `body_json` is left empty
/// for such rows (rows written before migration 0052 keep their JSON there).
pub(crate) fn deflate(body: &str) -> Result<Vec<u8>> {
    use std::io::Write as _;
    let mut z = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::default());
    z.write_all(body.as_bytes())
        .and_then(|()| z.finish())
        .map_err(|e| StoreError::Corrupt(format!("event body does not deflate: {e}")))
}

/// The event of an `application_events` row (`body_json`, `body_z`).
pub(crate) fn event_of_row(r: &Row) -> Result<Event> {
    match r.opt_bytes("body_z")? {
        Some(z) => {
            use std::io::Read as _;
            let mut text = String::new();
            flate2::read::DeflateDecoder::new(z.as_slice())
                .read_to_string(&mut text)
                .map_err(|e| StoreError::Corrupt(format!("event body does not inflate: {e}")))?;
            parse_event(&text)
        }
        None => parse_event(&r.text("body_json")?),
    }
}
