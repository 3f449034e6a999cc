//! Known-answer tests for the ChaCha20 variant and the bytes→u64 convention.

use anju_lottery::Keystream;

fn hex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).expect("test vector is hex"))
        .collect()
}

/// Reads `blocks` 64-byte blocks through the public u64 interface and turns
/// them back into bytes, so the test checks the little-endian convention too.
fn keystream_bytes(key: &[u8; 32], blocks: usize) -> Vec<u8> {
    let mut stream = Keystream::new(key);
    (0..blocks * 8)
        .flat_map(|_| stream.next_u64().to_le_bytes())
        .collect()
}

/// RFC 8439 appendix A.1, test vectors #1 and #2: all-zero key and nonce,
/// blocks 0 and 1. With a zero nonce and counter below 2^32 the RFC variant
/// and the original 64-bit-counter variant produce the same bytes, so these
/// two blocks are exactly the first 128 bytes of our keystream.
#[test]
fn rfc8439_a1_vectors_1_and_2() {
    let expected = hex(concat!(
        "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7",
        "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586",
        "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed",
        "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f",
    ));
    assert_eq!(keystream_bytes(&[0; 32], 2), expected);
}

/// Original-ChaCha20 test vector (draft-agl-tls-chacha20poly1305, TV 2):
/// key 00…01, 64-bit nonce zero, block 0. Checks that the key bytes are
/// loaded as little-endian words in order.
#[test]
fn original_chacha20_key_one_vector() {
    let mut key = [0u8; 32];
    key[31] = 1;
    let expected = hex(concat!(
        "4540f05a9f1fb296d7736e7b208e3c96eb4fe1834688d2604f450952ed432d41",
        "bbe2a0b6ea7566d2a5d1e7e20d42af2c53d792b1c43fea817e9ad275ae546963",
    ));
    assert_eq!(keystream_bytes(&key, 1), expected);
}

/// The first values as numbers, as listed in docs/lottery.md.
#[test]
fn first_u64_values() {
    let mut stream = Keystream::new(&[0; 32]);
    assert_eq!(stream.next_u64(), 0x903d_f1a0_ade0_b876);
    assert_eq!(stream.next_u64(), 0x28bd_8653_e56a_5d40);

    let key: [u8; 32] = core::array::from_fn(|i| i as u8);
    let mut stream = Keystream::new(&key);
    assert_eq!(stream.next_u64(), 0x6a19_c5d9_7d2b_fd39);
    assert_eq!(stream.next_u64(), 0x494a_dcb8_7703_bd8d);
    assert_eq!(stream.next_u64(), 0xcc6a_debc_6fd8_358a);
}

/// Reading far past the internal buffer must continue the same stream.
#[test]
fn stream_continues_across_refills() {
    let key = [7u8; 32];
    let mut long = Keystream::new(&key);
    let values: Vec<u64> = (0..1000).map(|_| long.next_u64()).collect();
    let mut again = Keystream::new(&key);
    for (index, value) in values.iter().enumerate() {
        assert_eq!(again.next_u64(), *value, "value {index}");
    }
}
