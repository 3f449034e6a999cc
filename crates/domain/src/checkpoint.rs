//! Signed checkpoints of the audit chain: what makes the log provable to
//! someone outside the database.
//!
//! The hash chain alone proves that entries were not changed *relative to
//! each other*; someone who can write the database can still delete the
//! last entries (and move `audit_head` back) or change an entry and
//! recompute every later hash. A checkpoint fixes the chain at one moment:
//! the number of entries, the last entry's hash, the time, signed with an
//! Ed25519 key that is not in the database. Published (on the notice page,
//! in the auditor's files), it lets anyone prove later that the log still
//! holds exactly those entries:
//!
//! * fewer entries than the checkpoint covers — the log was **truncated**;
//! * the entry the checkpoint names has another hash — the log up to it was
//!   **rewritten** (and its chain recomputed);
//! * an entry out of place — **reordered**; changed in place — **altered**
//!   (the chain check itself, [`crate::audit::verify_chain_head`]).
//!
//! Why not a Merkle tree (as Certificate Transparency and Rekor use)? It
//! would let an auditor check one entry against a checkpoint with a
//! logarithmic proof instead of the whole prefix. anju's logs are read in
//! full by the auditor who holds them (a city's log of 10⁶ entries verifies
//! in seconds), so a signed chain head gives the same guarantees with less
//! machinery; the checkpoint format carries a version so that a tree head
//! can be added later.

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};

use crate::audit::{AuditEntry, ChainError, Hash32};
use crate::time::Timestamp;

/// The format of [`Checkpoint::signed_text`]; part of what is signed.
pub const FORMAT: &str = "anju-audit-checkpoint-v1";

/// The chain at one moment: its length and its last entry's hash.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkpoint {
    /// Number of entries covered (the last entry's seq; 0 for an empty log).
    pub size: u64,
    /// The last covered entry's hash (64 hex digits; zeros when empty).
    pub head: String,
    /// When it was taken.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = DateTime))]
    pub at: Timestamp,
}

impl Checkpoint {
    /// The exact bytes that are signed: one field per line.
    pub fn signed_text(&self) -> String {
        format!(
            "{FORMAT}\nsize {}\nhead {}\nat {}\n",
            self.size,
            self.head,
            self.at.to_rfc3339()
        )
    }

    /// Signs with `key` (its 32 secret bytes).
    pub fn sign(self, key: &[u8; 32]) -> SignedCheckpoint {
        let signing = SigningKey::from_bytes(key);
        let signature = signing.sign(self.signed_text().as_bytes());
        SignedCheckpoint {
            format: FORMAT.to_string(),
            public_key: hex(signing.verifying_key().as_bytes()),
            signature: hex(&signature.to_bytes()),
            checkpoint: self,
        }
    }
}

/// A checkpoint with its signature and the public key that checks it, as
/// written to a file and published.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedCheckpoint {
    /// [`FORMAT`].
    pub format: String,
    /// What is signed.
    #[serde(flatten)]
    pub checkpoint: Checkpoint,
    /// Ed25519 public key, 64 hex digits: compare with the one the city
    /// published.
    pub public_key: String,
    /// Ed25519 signature of [`Checkpoint::signed_text`], 128 hex digits.
    pub signature: String,
}

/// The public key of a signing key, as hex (to publish).
pub fn public_key_hex(key: &[u8; 32]) -> String {
    hex(SigningKey::from_bytes(key).verifying_key().as_bytes())
}

/// Why a checkpoint does not hold for a log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The signature does not verify (the file was changed, or the key is not the one named).
    #[error("检查点签名无效或格式不对：检查点文件被改动，或不是用所述公钥签的 (the checkpoint's signature does not verify: {0})")]
    BadSignature(String),
    #[error("检查点不是用公布的公钥签的：文件中为 {found}，公布的为 {expected} (the checkpoint was signed with key {found}, not the published {expected})")]
    /// Signed, but not with the key the city published.
    OtherKey {
        /// The published key.
        expected: String,
        /// The key in the file.
        found: String,
    },
    #[error("审计日志被截断：日志只到第{log_ends}条，而检查点已覆盖{covers}条 (the log was truncated: it ends at entry {log_ends}, the checkpoint covers {covers})")]
    /// The log is shorter than the checkpoint.
    Truncated {
        /// The log's last entry.
        log_ends: u64,
        /// The checkpoint's size.
        covers: u64,
    },
    #[error("审计日志被改写：第{seq}条记录的哈希与检查点不符，此前的记录被修改并重新计算了哈希链 (the log was rewritten: entry {seq}'s hash differs from the checkpoint; entries up to it were changed and the chain recomputed)")]
    /// The checkpoint's last entry has another hash now.
    Rewritten {
        /// The checkpoint's last entry.
        seq: u64,
    },
    /// The chain itself is broken (altered, removed, reordered).
    #[error("{0}")]
    Chain(#[from] ChainError),
}

impl SignedCheckpoint {
    /// Checks the signature (and, when given, that the key is the published
    /// one).
    pub fn verify_signature(&self, published_key: Option<&str>) -> Result<(), CheckpointError> {
        if let Some(expected) = published_key {
            let expected = expected.trim().to_ascii_lowercase();
            if expected != self.public_key.to_ascii_lowercase() {
                return Err(CheckpointError::OtherKey {
                    expected,
                    found: self.public_key.clone(),
                });
            }
        }
        let bad = |e: String| CheckpointError::BadSignature(e);
        if self.format != FORMAT {
            return Err(bad(format!("unknown format {}", self.format)));
        }
        let key: [u8; 32] = unhex(&self.public_key).ok_or_else(|| bad("public key".into()))?;
        let sig: [u8; 64] = unhex(&self.signature).ok_or_else(|| bad("signature".into()))?;
        let key = VerifyingKey::from_bytes(&key).map_err(|e| bad(e.to_string()))?;
        key.verify(
            self.checkpoint.signed_text().as_bytes(),
            &Signature::from_bytes(&sig),
        )
        .map_err(|e| bad(e.to_string()))
    }

    /// Proves that `entries` (the whole log, in seq order) still hold
    /// exactly what the checkpoint committed to, and that the chain is
    /// intact: returns the log's length.
    pub fn check_log(&self, entries: &[AuditEntry]) -> Result<u64, CheckpointError> {
        self.verify_signature(None)?;
        // The chain first: an altered or reordered entry is named as such.
        let head = crate::audit::verify_chain_head(entries.iter().cloned())
            .map_err(|e| CheckpointError::Chain(diagnose(entries, e)))?;
        let at = entries
            .iter()
            .find(|e| e.seq == self.checkpoint.size)
            .map(|e| e.hash);
        self.check_covered(head.as_ref().map_or(0, |h| h.seq), at.as_ref())
    }

    /// The checks after the chain's own (see [`Self::check_log`]), for a
    /// log read in pages: `log_ends` is the last seq of an intact chain and
    /// `hash_at_size` the hash the log now holds for the checkpoint's last
    /// entry. Returns `log_ends`. Does not check the signature.
    pub fn check_covered(
        &self,
        log_ends: u64,
        hash_at_size: Option<&Hash32>,
    ) -> Result<u64, CheckpointError> {
        let covers = self.checkpoint.size;
        if log_ends < covers {
            return Err(CheckpointError::Truncated { log_ends, covers });
        }
        if covers > 0 {
            let same =
                hash_at_size.is_some_and(|h| hex(h) == self.checkpoint.head.to_ascii_lowercase());
            if !same {
                return Err(CheckpointError::Rewritten { seq: covers });
            }
        }
        Ok(log_ends)
    }

    /// The head the checkpoint commits to (`None` for an empty log), to
    /// verify only what was appended since: see `anju audit verify --since`.
    pub fn chain_head(&self) -> Option<crate::audit::ChainHead> {
        let hash = unhex::<32>(&self.checkpoint.head)?;
        (self.checkpoint.size > 0).then_some(crate::audit::ChainHead {
            seq: self.checkpoint.size,
            hash,
        })
    }
}

/// An entry whose content does not match its hash may have been moved
/// rather than changed: if its content checks at another position of the
/// log (its hash covers its seq), it was reordered. Only run on a failed
/// check, so trying every position (one hash each) is affordable.
pub fn diagnose(entries: &[AuditEntry], e: ChainError) -> ChainError {
    if let ChainError::Altered { seq } = e {
        if let Some(entry) = entries.iter().find(|x| x.seq == seq) {
            return diagnose_moved(entry, entries.iter().map(|x| x.seq)).unwrap_or(e);
        }
    }
    e
}

/// [`diagnose`] for one altered `entry` against the positions `seqs` of a
/// log that is not in memory: `Some(Reordered)` when its content checks at
/// one of them.
pub fn diagnose_moved(
    entry: &AuditEntry,
    seqs: impl IntoIterator<Item = u64>,
) -> Option<ChainError> {
    let mut moved = entry.clone();
    let home = seqs.into_iter().find(|&k| {
        k != entry.seq && {
            moved.seq = k;
            moved.computed_hash() == entry.hash
        }
    })?;
    Some(ChainError::Reordered {
        seq: home,
        after: entry.seq.saturating_sub(1),
    })
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex<const N: usize>(s: &str) -> Option<[u8; N]> {
    let s = s.trim();
    if s.len() != N * 2 {
        return None;
    }
    let mut out = [0u8; N];
    for (i, o) in out.iter_mut().enumerate() {
        *o = u8::from_str_radix(s.get(2 * i..2 * i + 2)?, 16).ok()?;
    }
    Some(out)
}

/// The checkpoint of a log whose last entry is `head` (none: empty).
pub fn checkpoint_of(head: Option<(u64, Hash32)>, at: Timestamp) -> Checkpoint {
    let (size, hash) = head.unwrap_or((0, [0u8; 32]));
    Checkpoint {
        size,
        head: hex(&hash),
        at,
    }
}
