//! The random source of the draw: the ChaCha20 keystream read as u64 values.
//!
//! Variant: original ("djb") ChaCha20 with 20 rounds, 256-bit key = the seed,
//! 64-bit nonce = all zero, 64-bit block counter starting at 0. State words
//! 12 and 13 hold the counter (low, high), words 14 and 15 the zero nonce.
//! While the counter stays below 2^32 (the first 256 GiB of keystream, far
//! beyond any draw), this is byte-identical to RFC 8439 ChaCha20 with an
//! all-zero 96-bit nonce and initial counter 0.
//!
//! The keystream bytes are cut into consecutive 8-byte chunks and each chunk
//! is read as a little-endian u64. A 64-byte block holds exactly 8 values, so
//! no value straddles two blocks.

use std::fmt;

use chacha20::cipher::StreamCipher;
use chacha20::{ChaCha20Legacy, KeyIvInit};

/// Keystream bytes generated per refill: 16 blocks, enough for the SIMD
/// backends to work on several blocks at once.
const BUFFER_LEN: usize = 16 * 64;

/// Sequential u64 values from the ChaCha20 keystream keyed by a seed.
pub struct Keystream {
    cipher: ChaCha20Legacy,
    buffer: [u8; BUFFER_LEN],
    /// Offset of the next unread byte in `buffer`; `BUFFER_LEN` means empty.
    position: usize,
}

impl Keystream {
    /// Starts the keystream for `key` at block 0 with the all-zero nonce.
    pub fn new(key: &[u8; 32]) -> Self {
        let nonce = [0u8; 8];
        Self {
            cipher: ChaCha20Legacy::new(key.into(), (&nonce).into()),
            buffer: [0u8; BUFFER_LEN],
            position: BUFFER_LEN,
        }
    }

    /// The next 8 keystream bytes as a little-endian u64.
    pub fn next_u64(&mut self) -> u64 {
        if self.position == BUFFER_LEN {
            // `write_keystream` only panics after 2^64 blocks (2^70 bytes),
            // which no draw can reach: a draw of n entrants reads about n
            // values, and n is at most 2^32.
            self.cipher.write_keystream(&mut self.buffer);
            self.position = 0;
        }
        let mut chunk = [0u8; 8];
        chunk.copy_from_slice(&self.buffer[self.position..self.position + 8]);
        self.position += 8;
        u64::from_le_bytes(chunk)
    }
}

impl fmt::Debug for Keystream {
    // Deliberately omits key material and buffered keystream.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Keystream").finish_non_exhaustive()
    }
}
