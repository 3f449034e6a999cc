//! Personal data at rest.
//!
//! One 32-byte master key (kept outside the database: an environment
//! variable or a file) gives three values by HMAC-SHA256 with fixed labels:
//!
//! * an AES-256-GCM key for the household facts (names, resident IDs,
//!   incomes): each write uses a fresh random 96-bit nonce, stored beside the
//!   ciphertext, and associated data naming the row, so a ciphertext cannot be
//!   moved to another application;
//! * an HMAC-SHA256 key for the index of resident IDs, so duplicate checks
//!   can find an ID without the database ever holding it. Without the key, the
//!   hashes cannot be tested against the (small) space of possible IDs;
//! * a key id (48 bits, public), stored with each encrypted row as its
//!   `key_version`, so that during a key rotation a row names the key that
//!   reads it.
//!
//! A [`Crypto`] holds the current key and, during a rotation, older keys
//! ([`Crypto::with_previous`]): rows are read with whichever key wrote them,
//! always written with the current one, and duplicate checks look for a
//! resident ID's hash under every key held (see `docs/operations.md`).

use std::fmt;
use std::sync::Arc;

use aes_gcm::aead::rand_core::RngCore;
use aes_gcm::aead::{Aead, AeadCore, KeyInit, OsRng, Payload};
use aes_gcm::{Aes256Gcm, Nonce};
use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::{Result, StoreError};

type HmacSha256 = Hmac<Sha256>;

const ENCRYPTION_LABEL: &[u8] = b"anju/v1/household-facts/aes-256-gcm";
const INDEX_LABEL: &[u8] = b"anju/v1/resident-id-index/hmac-sha256";
const KEY_ID_LABEL: &[u8] = b"anju/v1/key-id";

/// The `key_version` of rows written before key ids existed: every one of
/// them was written with the installation's only key, so any key held may
/// read them (AES-GCM's tag tells a wrong key from the right one).
pub const LEGACY_KEY_VERSION: i64 = 1;

/// Length of an AES-GCM nonce in bytes (96 bits).
pub const NONCE_LEN: usize = 12;

/// The keys that protect personal data: the current master key's, and
/// during a key rotation older ones' (to read rows not yet re-encrypted).
///
/// Cheap to clone (shared). `Debug` never shows key material.
#[derive(Clone)]
pub struct Crypto {
    /// The current key first, then older ones.
    keys: Arc<Vec<Keys>>,
}

struct Keys {
    id: i64,
    aead: Aes256Gcm,
    index: HmacSha256,
}

impl Keys {
    fn new(master_key: &[u8; 32]) -> Keys {
        let encryption = derive(master_key, ENCRYPTION_LABEL);
        let index = derive(master_key, INDEX_LABEL);
        let id_bytes = derive(master_key, KEY_ID_LABEL);
        // 48 bits: exact in a BIGINT and in JavaScript numbers; offset so
        // that it can never be LEGACY_KEY_VERSION (or 0).
        let mut id = 0i64;
        for b in &id_bytes[..6] {
            id = (id << 8) | i64::from(*b);
        }
        Keys {
            id: id + 2,
            aead: Aes256Gcm::new(&encryption.into()),
            index: <HmacSha256 as Mac>::new_from_slice(&index)
                .unwrap_or_else(|_| unreachable_hmac()),
        }
    }
}

impl Crypto {
    /// From a 32-byte master key.
    pub fn new(master_key: [u8; 32]) -> Crypto {
        Crypto {
            keys: Arc::new(vec![Keys::new(&master_key)]),
        }
    }

    /// This key as the current one, with `older`'s keys kept to read (and
    /// to find resident IDs hashed with) while a rotation runs.
    pub fn with_previous(self, older: &Crypto) -> Crypto {
        let mut ids: Vec<i64> = Vec::new();
        let mut keys = Vec::new();
        for k in self.keys.iter().chain(older.keys.iter()) {
            if !ids.contains(&k.id) {
                ids.push(k.id);
                keys.push(Keys {
                    id: k.id,
                    aead: k.aead.clone(),
                    index: k.index.clone(),
                });
            }
        }
        Crypto {
            keys: Arc::new(keys),
        }
    }

    /// The current key's id: the `key_version` of rows it writes. Public
    /// (it names a key, it does not reveal it).
    pub fn key_id(&self) -> i64 {
        self.current().id
    }

    /// Whether older keys are held (a rotation is under way).
    pub fn has_previous(&self) -> bool {
        self.keys.len() > 1
    }

    fn current(&self) -> &Keys {
        // `new` and `with_previous` always hold at least one key.
        &self.keys[0]
    }

    /// From the master key as 64 hexadecimal digits (surrounding whitespace
    /// is ignored, so a key file may end with a newline).
    pub fn from_hex(hex_key: &str) -> Result<Crypto> {
        let bytes = hex::decode(hex_key.trim()).map_err(|_| bad_key())?;
        let key: [u8; 32] = bytes.try_into().map_err(|_| bad_key())?;
        Ok(Crypto::new(key))
    }

    /// A new random master key. Data written with it can only be read with
    /// it: for tests and throw-away demos. To keep a key, use
    /// [`Crypto::generate_hex`] and [`Crypto::from_hex`].
    pub fn generate() -> Crypto {
        Crypto::new(random_key())
    }

    /// A new random master key as 64 hexadecimal digits, to store in a key
    /// file or environment variable.
    pub fn generate_hex() -> String {
        hex::encode(random_key())
    }

    /// Encrypts `plaintext`, binding it to `associated_data`. Returns the
    /// random nonce and the ciphertext (with its 16-byte tag).
    pub fn encrypt(&self, plaintext: &[u8], associated_data: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
        let nonce = Aes256Gcm::generate_nonce(&mut OsRng);
        let ciphertext = self
            .current()
            .aead
            .encrypt(
                &nonce,
                Payload {
                    msg: plaintext,
                    aad: associated_data,
                },
            )
            .map_err(|_| StoreError::Crypto("加密失败 (encryption failed)".to_owned()))?;
        Ok((nonce.to_vec(), ciphertext))
    }

    /// Decrypts what [`encrypt`](Self::encrypt) returned with the current
    /// key. Fails when the key, the nonce, the ciphertext or the associated
    /// data differ.
    pub fn decrypt(
        &self,
        nonce: &[u8],
        ciphertext: &[u8],
        associated_data: &[u8],
    ) -> Result<Vec<u8>> {
        decrypt_with(self.current(), nonce, ciphertext, associated_data)
    }

    /// Decrypts a row written with key `key_version`: that key if held;
    /// for [`LEGACY_KEY_VERSION`] rows, each key held in turn.
    pub fn decrypt_version(
        &self,
        key_version: i64,
        nonce: &[u8],
        ciphertext: &[u8],
        associated_data: &[u8],
    ) -> Result<Vec<u8>> {
        if key_version == LEGACY_KEY_VERSION {
            let mut last = None;
            for k in self.keys.iter() {
                match decrypt_with(k, nonce, ciphertext, associated_data) {
                    Ok(p) => return Ok(p),
                    Err(e) => last = Some(e),
                }
            }
            return Err(last.unwrap_or_else(bad_key));
        }
        match self.keys.iter().find(|k| k.id == key_version) {
            Some(k) => decrypt_with(k, nonce, ciphertext, associated_data),
            None => Err(StoreError::Crypto(format!(
                "该记录由密钥 {key_version} 加密，当前未持有该密钥：密钥轮换期间请同时提供旧密钥 (the row was written with key {key_version}, which is not held: during a key rotation give the previous key too)"
            ))),
        }
    }

    /// The keyed hash (HMAC-SHA256, lower-case hex) of a resident ID, as kept
    /// in the duplicate index. The ID is normalised first: surrounding
    /// whitespace dropped, the check character `x` upper-cased.
    pub fn resident_id_hash(&self, resident_id: &str) -> String {
        index_hash(self.current(), resident_id)
    }

    /// The resident ID's hash under every key held, the current key's
    /// first: during a rotation a person may be indexed under either.
    pub fn resident_id_hashes(&self, resident_id: &str) -> Vec<String> {
        self.keys
            .iter()
            .map(|k| index_hash(k, resident_id))
            .collect()
    }
}

fn index_hash(k: &Keys, resident_id: &str) -> String {
    let normalised = normalise_resident_id(resident_id);
    let mut mac = k.index.clone();
    mac.update(normalised.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

fn decrypt_with(
    k: &Keys,
    nonce: &[u8],
    ciphertext: &[u8],
    associated_data: &[u8],
) -> Result<Vec<u8>> {
    if nonce.len() != NONCE_LEN {
        return Err(StoreError::Crypto(format!(
            "随机数长度应为{NONCE_LEN}字节，实际为{} (nonce must be {NONCE_LEN} bytes, found {})",
            nonce.len(),
            nonce.len()
        )));
    }
    k.aead
        .decrypt(
            Nonce::from_slice(nonce),
            Payload {
                msg: ciphertext,
                aad: associated_data,
            },
        )
        .map_err(|_| {
            StoreError::Crypto(
                "解密失败：密钥不符或数据被篡改 (decryption failed: wrong key or tampered data)"
                    .to_owned(),
            )
        })
}

impl fmt::Debug for Crypto {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Crypto { .. }")
    }
}

/// Trims and upper-cases a resident ID (`…123x` and `…123X` are one person).
pub fn normalise_resident_id(resident_id: &str) -> String {
    resident_id.trim().to_ascii_uppercase()
}

fn derive(master: &[u8; 32], label: &[u8]) -> [u8; 32] {
    let mut mac =
        <HmacSha256 as Mac>::new_from_slice(master).unwrap_or_else(|_| unreachable_hmac());
    mac.update(label);
    mac.finalize().into_bytes().into()
}

/// HMAC accepts keys of any length, so `new_from_slice` cannot fail.
fn unreachable_hmac() -> HmacSha256 {
    unreachable!("HMAC-SHA256 accepts keys of any length")
}

fn random_key() -> [u8; 32] {
    let mut key = [0u8; 32];
    OsRng.fill_bytes(&mut key);
    key
}

fn bad_key() -> StoreError {
    StoreError::Crypto(
        "主密钥应为64位十六进制数（32字节） (the master key must be 64 hex digits, 32 bytes)"
            .to_owned(),
    )
}

/// `n` random bytes as lower-case hex (for identifiers the store issues).
pub(crate) fn random_hex(n: usize) -> String {
    let mut bytes = vec![0u8; n];
    OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_tamper_detection() {
        let c = Crypto::generate();
        let (nonce, ct) = c
            .encrypt(b"{\"name\":\"zhang\"}", b"application:A-1")
            .expect("encrypt");
        assert_eq!(nonce.len(), NONCE_LEN);
        assert_eq!(
            c.decrypt(&nonce, &ct, b"application:A-1").expect("decrypt"),
            b"{\"name\":\"zhang\"}"
        );
        // Another row's associated data, another key, a flipped bit: all refused.
        assert!(c.decrypt(&nonce, &ct, b"application:A-2").is_err());
        assert!(Crypto::generate()
            .decrypt(&nonce, &ct, b"application:A-1")
            .is_err());
        let mut bad = ct.clone();
        bad[0] ^= 1;
        assert!(c.decrypt(&nonce, &bad, b"application:A-1").is_err());
        // Fresh nonce every time.
        let (nonce2, ct2) = c
            .encrypt(b"{\"name\":\"zhang\"}", b"application:A-1")
            .expect("encrypt");
        assert_ne!(nonce, nonce2);
        assert_ne!(ct, ct2);
    }

    #[test]
    fn keys_from_hex_are_deterministic() {
        let hex_key = Crypto::generate_hex();
        assert_eq!(hex_key.len(), 64);
        let a = Crypto::from_hex(&hex_key).expect("valid");
        let b = Crypto::from_hex(&format!("{hex_key}\n")).expect("valid");
        let (nonce, ct) = a.encrypt(b"x", b"").expect("encrypt");
        assert_eq!(b.decrypt(&nonce, &ct, b"").expect("same key"), b"x");
        assert_eq!(
            a.resident_id_hash("14030219900101123X"),
            b.resident_id_hash("14030219900101123X")
        );
        assert!(Crypto::from_hex("abcd").is_err());
        assert!(Crypto::from_hex(&"zz".repeat(32)).is_err());
        assert_eq!(format!("{a:?}"), "Crypto { .. }");
    }

    #[test]
    fn resident_id_hashes_are_keyed_and_normalised() {
        let c = Crypto::from_hex(&"11".repeat(32)).expect("valid");
        let h = c.resident_id_hash("14030219900101123X");
        assert_eq!(h.len(), 64);
        assert_eq!(c.resident_id_hash(" 14030219900101123x "), h);
        assert_ne!(c.resident_id_hash("140302199001011230"), h);
        // Another key, another hash: the index is useless without the key.
        let other = Crypto::from_hex(&"22".repeat(32)).expect("valid");
        assert_ne!(other.resident_id_hash("14030219900101123X"), h);
        // The encryption and index keys are different derivations.
        assert_ne!(
            derive(&[0x11; 32], ENCRYPTION_LABEL),
            derive(&[0x11; 32], INDEX_LABEL)
        );
    }

    #[test]
    fn a_key_ring_reads_by_version_and_writes_with_the_newest() {
        let old = Crypto::from_hex(&"11".repeat(32)).expect("valid");
        let new = Crypto::from_hex(&"22".repeat(32)).expect("valid");
        assert_ne!(old.key_id(), new.key_id());
        assert!(old.key_id() > LEGACY_KEY_VERSION);
        let ring = new.clone().with_previous(&old);
        assert!(ring.has_previous() && !new.has_previous());
        assert_eq!(ring.key_id(), new.key_id());
        let (n_old, c_old) = old.encrypt(b"old", b"a").expect("encrypt");
        let (n_new, c_new) = ring.encrypt(b"new", b"a").expect("encrypt");
        // Old rows by their version (or as legacy rows), new rows by theirs.
        assert_eq!(
            ring.decrypt_version(old.key_id(), &n_old, &c_old, b"a")
                .expect("old"),
            b"old"
        );
        assert_eq!(
            ring.decrypt_version(LEGACY_KEY_VERSION, &n_old, &c_old, b"a")
                .expect("legacy"),
            b"old"
        );
        assert_eq!(
            new.decrypt_version(new.key_id(), &n_new, &c_new, b"a")
                .expect("new"),
            b"new"
        );
        // The old key alone cannot read what the ring wrote.
        assert!(old
            .decrypt_version(new.key_id(), &n_new, &c_new, b"a")
            .is_err());
        assert!(old
            .decrypt_version(LEGACY_KEY_VERSION, &n_new, &c_new, b"a")
            .is_err());
        // Hashes under both keys, the current one first.
        let hs = ring.resident_id_hashes("14030219900101123X");
        assert_eq!(
            hs,
            vec![
                new.resident_id_hash("14030219900101123X"),
                old.resident_id_hash("14030219900101123X")
            ]
        );
        // Giving the same key twice holds it once.
        assert!(!new.clone().with_previous(&new).has_previous());
    }
}
