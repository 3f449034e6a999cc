//! Personal data at rest.
//!
//! One 32-byte master key (kept outside the database: an environment
//! variable or a file) gives two keys by HMAC-SHA256 with fixed labels:
//!
//! * an AES-256-GCM key for the household facts (names, resident IDs,
//!   incomes): each write uses a fresh random 96-bit nonce, stored beside the
//!   ciphertext, and associated data naming the row, so a ciphertext cannot be
//!   moved to another application;
//! * an HMAC-SHA256 key for the index of resident IDs, so duplicate checks
//!   can find an ID without the database ever holding it. Without the key, the
//!   hashes cannot be tested against the (small) space of possible IDs.

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

/// Length of an AES-GCM nonce in bytes (96 bits).
pub const NONCE_LEN: usize = 12;

/// The keys that protect personal data, derived from one master key.
///
/// Cheap to clone (shared). `Debug` never shows key material.
#[derive(Clone)]
pub struct Crypto {
    keys: Arc<Keys>,
}

struct Keys {
    aead: Aes256Gcm,
    index: HmacSha256,
}

impl Crypto {
    /// From a 32-byte master key.
    pub fn new(master_key: [u8; 32]) -> Crypto {
        let encryption = derive(&master_key, ENCRYPTION_LABEL);
        let index = derive(&master_key, INDEX_LABEL);
        Crypto {
            keys: Arc::new(Keys {
                aead: Aes256Gcm::new(&encryption.into()),
                index: <HmacSha256 as Mac>::new_from_slice(&index)
                    .unwrap_or_else(|_| unreachable_hmac()),
            }),
        }
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
            .keys
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

    /// Decrypts what [`encrypt`](Self::encrypt) returned. Fails when the key,
    /// the nonce, the ciphertext or the associated data differ.
    pub fn decrypt(
        &self,
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
        self.keys
            .aead
            .decrypt(
                Nonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad: associated_data,
                },
            )
            .map_err(|_| {
                StoreError::Crypto(
                    "解密失败：密钥不符或数据被篡改 (decryption failed: wrong key or tampered data)".to_owned(),
                )
            })
    }

    /// The keyed hash (HMAC-SHA256, lower-case hex) of a resident ID, as kept
    /// in the duplicate index. The ID is normalised first: surrounding
    /// whitespace dropped, the check character `x` upper-cased.
    pub fn resident_id_hash(&self, resident_id: &str) -> String {
        let normalised = normalise_resident_id(resident_id);
        let mut mac = self.keys.index.clone();
        mac.update(normalised.as_bytes());
        hex::encode(mac.finalize().into_bytes())
    }
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
}
