//! A tamper-evident audit log: each entry carries the SHA-256 of its own
//! content and of the entry before it.
//!
//! Anyone holding the entries can re-check the chain with [`verify_chain`]:
//! an altered entry, a removed one, or a reordering is found and named.
//! The chain cannot by itself show that the *latest* entries were cut off;
//! compare [`verify_chain_head`]'s result with a head published or kept
//! elsewhere (e.g. printed daily) for that.
//!
//! # Hash encoding (version 1)
//!
//! `hash = SHA-256(bytes)` where `bytes` is the concatenation of
//!
//! 1. `field("anju-audit-v1")`
//! 2. `prev_hash`: 32 raw bytes (all zero for the first entry, `seq` 1)
//! 3. `seq`: 8 bytes, unsigned big-endian
//! 4. `field(at)`: the timestamp as `YYYY-MM-DDTHH:MM:SS.ffffff+08:00`
//!    (always six fractional digits, always `+08:00`; see [`Timestamp`])
//! 5. `field(actor_user_id)`
//! 6. `field(role)`: the role code (`street`, `verifier:public_security`, …)
//! 7. `field(action)`
//! 8. `field(subject)`
//! 9. `field(canonical_json(detail))`
//!
//! where `field(s)` is the length of `s` in bytes as 8 bytes unsigned
//! big-endian, followed by the UTF-8 bytes of `s`. Length prefixes make the
//! encoding unambiguous: no two different entries encode to the same bytes.
//!
//! `canonical_json` writes JSON with no whitespace; object keys sorted by
//! their UTF-8 bytes (i.e. by code point); strings with only `"`, `\` and
//! control characters escaped (`\b \t \n \f \r`, others `\u00xx` in
//! lower-case hex) and everything else, Chinese included, as raw UTF-8;
//! numbers as serde_json prints them (integers in decimal, floats in the
//! shortest form that reads back the same). Details should prefer integers
//! and strings to floats.

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::role::Role;
use crate::text::UserId;
use crate::time::Timestamp;

/// A 32-byte SHA-256 value.
pub type Hash32 = [u8; 32];

/// One audit log entry.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the log, from 1, without gaps.
    pub seq: u64,
    /// When.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
    /// Who.
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub actor_user_id: UserId,
    /// In which role.
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "auditor"))]
    pub role: Role,
    /// What, e.g. `application.street_pass`, `personal_data.read`.
    pub action: String,
    /// On what, e.g. `application:A-2026-0001`.
    pub subject: String,
    /// Details, hashed in canonical form.
    pub detail: Value,
    /// The previous entry's hash (zeros for the first).
    #[serde(with = "hex32")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-f]{64}$"))]
    pub prev_hash: Hash32,
    /// This entry's hash.
    #[serde(with = "hex32")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9a-f]{64}$"))]
    pub hash: Hash32,
}

/// The last verified entry of a chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChainHead {
    /// Its sequence number.
    pub seq: u64,
    /// Its hash.
    #[serde(with = "hex32")]
    pub hash: Hash32,
}

/// What is wrong with a chain: the first problem found, in log order.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// The entry's content does not match its hash.
    #[error("第{seq}条审计记录的内容与其哈希值不符：记录被修改 (entry {seq}: content does not match its hash; the entry was altered)")]
    Altered {
        /// The entry.
        seq: u64,
    },
    /// Entries are missing.
    #[error("序号{after}之后的审计记录缺失，下一条为第{next}条：记录被删除 (entries after {after} are missing, the next is {next}; entries were removed)")]
    Removed {
        /// The last entry present before the gap (0: the start).
        after: u64,
        /// The entry found after the gap.
        next: u64,
    },
    /// An entry appears after a later one (or twice).
    #[error("第{seq}条审计记录出现在第{after}条之后：记录顺序被调换 (entry {seq} appears after entry {after}; entries were reordered)")]
    Reordered {
        /// The misplaced entry.
        seq: u64,
        /// The entry it follows.
        after: u64,
    },
    /// The entry's `prev_hash` is not the previous entry's hash.
    #[error("第{seq}条审计记录的前序哈希与上一条记录不符：上一条记录被替换 (entry {seq}: prev_hash does not match the previous entry; that entry was replaced)")]
    BrokenLink {
        /// The entry.
        seq: u64,
    },
}

/// Canonical JSON bytes of `value` (see the module documentation).
pub fn canonical_json(value: &Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_canonical(&mut out, value);
    out
}

fn write_canonical(out: &mut Vec<u8>, value: &Value) {
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Value::String(s) => write_string(out, s),
        Value::Array(items) => {
            out.push(b'[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(out, item);
            }
            out.push(b']');
        }
        Value::Object(map) => {
            // Sort explicitly: serde_json's map order depends on a cargo
            // feature (preserve_order) that any crate in the build can turn on.
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push(b'{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_string(out, k);
                out.push(b':');
                write_canonical(out, v);
            }
            out.push(b'}');
        }
    }
}

fn write_string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            '\r' => out.extend_from_slice(b"\\r"),
            c if (c as u32) < 0x20 => {
                let b = c as u32 as usize;
                out.extend_from_slice(b"\\u00");
                out.push(HEX[b >> 4]);
                out.push(HEX[b & 0xf]);
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// The hash of an entry (see the module documentation for the encoding).
/// `detail_canonical` must be [`canonical_json`] of the detail.
#[allow(clippy::too_many_arguments)] // one argument per encoded field, in encoding order
pub fn entry_hash(
    prev_hash: &Hash32,
    seq: u64,
    at: Timestamp,
    actor_user_id: &UserId,
    role: Role,
    action: &str,
    subject: &str,
    detail_canonical: &[u8],
) -> Hash32 {
    entry_hash_of_text(
        prev_hash,
        seq,
        &EntryText {
            at: &at.to_rfc3339(),
            actor_user_id: actor_user_id.as_str(),
            role: &role.code(),
            action,
            subject,
            detail: detail_canonical,
        },
    )
}

/// An entry's hashed fields as stored text, for checking a stored entry
/// without parsing it: the stored timestamp, role code and canonical
/// detail are exactly the bytes that were hashed when it was written.
#[derive(Debug, Clone, Copy)]
pub struct EntryText<'a> {
    /// `YYYY-MM-DDTHH:MM:SS.ffffff+08:00`.
    pub at: &'a str,
    /// The actor's user id.
    pub actor_user_id: &'a str,
    /// The role code.
    pub role: &'a str,
    /// The action code.
    pub action: &'a str,
    /// The subject.
    pub subject: &'a str,
    /// The canonical JSON bytes of the detail.
    pub detail: &'a [u8],
}

/// [`entry_hash`] of fields given as text (the same encoding).
pub fn entry_hash_of_text(prev_hash: &Hash32, seq: u64, t: &EntryText<'_>) -> Hash32 {
    let mut h = Sha256::new();
    h.update(ENTRY_HASH_LEAD);
    h.update(prev_hash);
    h.update(seq.to_be_bytes());
    h.update(entry_hash_tail(t));
    h.finalize().into()
}

/// Item 1 of the encoding, `field("anju-audit-v1")`: the bytes hashed
/// before `prev_hash`. The tag separates domains, so an audit hash can
/// never be confused with any other SHA-256 anju computes.
pub const ENTRY_HASH_LEAD: &[u8] = b"\0\0\0\0\0\0\0\x0danju-audit-v1";

/// Items 4–9 of the encoding: the bytes hashed after `seq`.
///
/// Split from [`entry_hash_of_text`] so that a database can finish the
/// hash where the previous hash and the sequence number are known (the
/// PostgreSQL store appends an entry in one statement:
/// `sha256(lead || prev || seq || tail)`); the store checks the result
/// against [`entry_hash_of_text`].
pub fn entry_hash_tail(t: &EntryText<'_>) -> Vec<u8> {
    let parts: [&[u8]; 6] = [
        t.at.as_bytes(),
        t.actor_user_id.as_bytes(),
        t.role.as_bytes(),
        t.action.as_bytes(),
        t.subject.as_bytes(),
        t.detail,
    ];
    let mut out = Vec::with_capacity(parts.iter().map(|p| 8 + p.len()).sum());
    for p in parts {
        out.extend_from_slice(&(p.len() as u64).to_be_bytes());
        out.extend_from_slice(p);
    }
    out
}

impl AuditEntry {
    /// The entry after `prev` (or the first entry, `seq` 1, when `None`),
    /// with its hash computed.
    pub fn new_after(
        prev: Option<&AuditEntry>,
        at: Timestamp,
        actor_user_id: UserId,
        role: Role,
        action: impl Into<String>,
        subject: impl Into<String>,
        detail: Value,
    ) -> AuditEntry {
        let (seq, prev_hash) = match prev {
            // 2^64 entries cannot be written; saturating keeps this total.
            Some(p) => (p.seq.saturating_add(1), p.hash),
            None => (1, [0u8; 32]),
        };
        let action = action.into();
        let subject = subject.into();
        let hash = entry_hash(
            &prev_hash,
            seq,
            at,
            &actor_user_id,
            role,
            &action,
            &subject,
            &canonical_json(&detail),
        );
        AuditEntry {
            seq,
            at,
            actor_user_id,
            role,
            action,
            subject,
            detail,
            prev_hash,
            hash,
        }
    }

    /// Recomputes the hash from the content.
    pub fn computed_hash(&self) -> Hash32 {
        entry_hash(
            &self.prev_hash,
            self.seq,
            self.at,
            &self.actor_user_id,
            self.role,
            &self.action,
            &self.subject,
            &canonical_json(&self.detail),
        )
    }

    /// This entry as a chain head.
    pub fn head(&self) -> ChainHead {
        ChainHead {
            seq: self.seq,
            hash: self.hash,
        }
    }
}

/// Verifies a whole log from its first entry; returns how many entries were
/// verified (the last `seq`, 0 for an empty log).
pub fn verify_chain(entries: impl IntoIterator<Item = AuditEntry>) -> Result<u64, ChainError> {
    verify_chain_from(None, entries).map(|head| head.map_or(0, |h| h.seq))
}

/// Verifies a whole log and returns its last entry's seq and hash, to
/// compare with a head kept elsewhere (which also catches a cut-off tail).
pub fn verify_chain_head(
    entries: impl IntoIterator<Item = AuditEntry>,
) -> Result<Option<ChainHead>, ChainError> {
    verify_chain_from(None, entries)
}

/// Verifies entries that continue from `start` (a head verified earlier),
/// or from the beginning when `start` is `None`.
///
/// Checks, per entry: its own hash (else [`ChainError::Altered`]); that its
/// `seq` is the next one (a lower one is [`ChainError::Reordered`]; a higher
/// one is [`ChainError::Removed`], or `Reordered` if the missing entry turns
/// up later); and that `prev_hash` is the previous entry's hash (else
/// [`ChainError::BrokenLink`]). Memory use is constant.
pub fn verify_chain_from(
    start: Option<ChainHead>,
    entries: impl IntoIterator<Item = AuditEntry>,
) -> Result<Option<ChainHead>, ChainError> {
    let mut check = ChainCheck::from(start);
    let mut iter = entries.into_iter();
    while let Some(entry) = iter.next() {
        let content_ok = entry.computed_hash() == entry.hash;
        match check.push(entry.seq, &entry.prev_hash, &entry.hash, content_ok) {
            Ok(()) => {}
            // Removed, unless the missing entry is further on.
            Err(ChainError::Removed { next, .. })
                if iter.any(|later| later.seq == check.next_seq()) =>
            {
                return Err(ChainError::Reordered {
                    seq: check.next_seq(),
                    after: next,
                });
            }
            Err(e) => return Err(e),
        }
    }
    Ok(check.head())
}

/// The chain check one entry at a time, for logs read in pages that are
/// never all in memory (`anju audit verify` streams the database in seq
/// order). The caller hashes each entry's content (any way it likes, e.g.
/// in parallel: an entry's own hash does not depend on the others) and
/// passes the result; this keeps the order and link checks.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChainCheck {
    prev: Option<ChainHead>,
}

impl ChainCheck {
    /// Continuing from `start` (a head verified earlier, or `None`: the
    /// first entry is seq 1 with a zero `prev_hash`).
    pub fn from(start: Option<ChainHead>) -> Self {
        ChainCheck { prev: start }
    }

    /// The last entry accepted (or the start).
    pub fn head(&self) -> Option<ChainHead> {
        self.prev
    }

    /// The seq the next entry must have.
    pub fn next_seq(&self) -> u64 {
        // 2^64 entries cannot be written; saturating keeps this total.
        self.prev.map_or(0, |p| p.seq).saturating_add(1)
    }

    /// Accepts the next entry: `content_ok` says whether its content
    /// hashes to `hash`. On an error nothing is accepted. A seq above the
    /// next one is reported as [`ChainError::Removed`]; a reader that can
    /// see further entries may find the missing one later and call it
    /// reordered instead.
    pub fn push(
        &mut self,
        seq: u64,
        prev_hash: &Hash32,
        hash: &Hash32,
        content_ok: bool,
    ) -> Result<(), ChainError> {
        if !content_ok {
            return Err(ChainError::Altered { seq });
        }
        let last = self.prev.map_or(0, |p| p.seq);
        let expected = self.next_seq();
        if seq < expected {
            return Err(ChainError::Reordered { seq, after: last });
        }
        if seq > expected {
            return Err(ChainError::Removed {
                after: last,
                next: seq,
            });
        }
        if *prev_hash != self.prev.map_or([0u8; 32], |p| p.hash) {
            return Err(ChainError::BrokenLink { seq });
        }
        self.prev = Some(ChainHead { seq, hash: *hash });
        Ok(())
    }
}

/// Lower-case hex of a hash.
pub fn to_hex(bytes: &Hash32) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(64);
    for b in bytes {
        s.push(HEX[usize::from(b >> 4)] as char);
        s.push(HEX[usize::from(b & 0xf)] as char);
    }
    s
}

/// Parses 64 hex digits (either case).
pub fn from_hex(s: &str) -> Option<Hash32> {
    let b = s.as_bytes();
    if b.len() != 64 {
        return None;
    }
    let nibble = |c: u8| match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    };
    let mut out = [0u8; 32];
    for (i, o) in out.iter_mut().enumerate() {
        *o = (nibble(b[2 * i])? << 4) | nibble(b[2 * i + 1])?;
    }
    Some(out)
}

mod hex32 {
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &super::Hash32, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::to_hex(bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<super::Hash32, D::Error> {
        let s = String::deserialize(d)?;
        super::from_hex(&s).ok_or_else(|| {
            D::Error::custom("哈希值应为64位十六进制数 (hash must be 64 hex digits)")
        })
    }
}

impl fmt::Display for ChainHead {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.seq, to_hex(&self.hash))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_lead_is_the_tag_as_a_field() {
        let tag = b"anju-audit-v1";
        let mut lead = (tag.len() as u64).to_be_bytes().to_vec();
        lead.extend_from_slice(tag);
        assert_eq!(ENTRY_HASH_LEAD, lead.as_slice());
    }

    #[test]
    fn canonical_json_sorts_keys_and_keeps_chinese() {
        let v = json!({"b": 1, "a": [true, null, "张\"三\n"], "中": {"z": 1.5, "y": -2}});
        assert_eq!(
            String::from_utf8(canonical_json(&v)).expect("utf-8"),
            "{\"a\":[true,null,\"张\\\"三\\n\"],\"b\":1,\"中\":{\"y\":-2,\"z\":1.5}}"
        );
        assert_eq!(canonical_json(&json!("\u{1}")), b"\"\\u0001\"");
    }

    #[test]
    fn hex_round_trips() {
        let h: Hash32 = core::array::from_fn(|i| (i * 7) as u8);
        assert_eq!(from_hex(&to_hex(&h)), Some(h));
        assert_eq!(from_hex("zz"), None);
    }

    #[test]
    fn encoding_is_pinned() {
        // Pins version 1 of the encoding: if this changes, every stored
        // chain stops verifying.
        let at = Timestamp::parse("2026-03-01T09:30:00+08:00").expect("valid");
        let e = AuditEntry::new_after(
            None,
            at,
            UserId::new("street-1").expect("id"),
            Role::Street,
            "application.street_pass",
            "application:A-1",
            json!({"from": "submitted"}),
        );
        let mut bytes = Vec::new();
        let mut f = |b: &[u8]| {
            bytes.extend_from_slice(&(b.len() as u64).to_be_bytes());
            bytes.extend_from_slice(b);
        };
        f(b"anju-audit-v1");
        let mut tail = Vec::new();
        tail.extend_from_slice(&[0u8; 32]);
        tail.extend_from_slice(&1u64.to_be_bytes());
        bytes.extend_from_slice(&tail);
        let mut f = |b: &[u8]| {
            bytes.extend_from_slice(&(b.len() as u64).to_be_bytes());
            bytes.extend_from_slice(b);
        };
        f(b"2026-03-01T09:30:00.000000+08:00");
        f(b"street-1");
        f(b"street");
        f(b"application.street_pass");
        f(b"application:A-1");
        f(b"{\"from\":\"submitted\"}");
        let expected: Hash32 = Sha256::digest(&bytes).into();
        assert_eq!(e.hash, expected);
    }
}
