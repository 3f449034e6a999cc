//! Pinned outputs. These were produced by the Rust implementation and
//! independently reproduced with tools/lottery_reference.py; a change here
//! means published draws would no longer verify.

use anju_lottery::{draw, seed, shuffle_indices, to_hex, DrawResult, EntrantList, Reveal};
use sha2::{Digest, Sha256};

const SEED_ZERO: [u8; 32] = [0; 32];
const SEED_FF: [u8; 32] = [0xff; 32];

fn seed_counting() -> [u8; 32] {
    core::array::from_fn(|i| i as u8)
}

/// SHA-256 of the permutation written as consecutive little-endian u32s.
fn digest(order: &[u32]) -> String {
    let bytes: Vec<u8> = order.iter().flat_map(|v| v.to_le_bytes()).collect();
    to_hex(&Sha256::digest(bytes))
}

#[test]
fn n1_reads_nothing_and_returns_identity() {
    for seed in [SEED_ZERO, seed_counting(), SEED_FF] {
        assert_eq!(shuffle_indices(&seed, 1), vec![0]);
    }
}

#[test]
fn n2() {
    // Zero key: first value 0x903df1a0ade0b876 is even, so j = 0 and the
    // two entrants swap.
    assert_eq!(shuffle_indices(&SEED_ZERO, 2), vec![1, 0]);
    assert_eq!(shuffle_indices(&seed_counting(), 2), vec![0, 1]);
    assert_eq!(shuffle_indices(&SEED_FF, 2), vec![1, 0]);
}

#[test]
fn n10() {
    let cases = [
        (SEED_ZERO, [9, 7, 3, 6, 1, 4, 8, 5, 2, 0]),
        (seed_counting(), [6, 0, 8, 4, 1, 5, 9, 2, 7, 3]),
        (SEED_FF, [9, 4, 3, 7, 1, 0, 5, 8, 2, 6]),
    ];
    for (seed, expected) in cases {
        assert_eq!(shuffle_indices(&seed, 10), expected);
    }
}

#[test]
fn n1000_first_last_and_digest() {
    let cases = [
        (
            SEED_ZERO,
            [850, 965, 574, 43, 433, 419, 816, 50, 359, 139],
            [245, 831, 458, 194, 431, 502, 126, 213, 740, 830],
            "ee0b7dffd76c739effa5fbd4a9da268361d8c1e9d2d0aa8e7d493cce3ae45bdb",
        ),
        (
            seed_counting(),
            [560, 312, 809, 871, 701, 179, 611, 536, 274, 916],
            [84, 120, 410, 727, 56, 23, 646, 196, 682, 593],
            "5e2cab777612c7379f5703f7406d68da008d42cebbd8e6e3d427af464a0e01fc",
        ),
        (
            SEED_FF,
            [412, 495, 306, 672, 731, 637, 146, 527, 258, 746],
            [502, 687, 221, 540, 576, 930, 147, 220, 110, 446],
            "3f253ab979a664f00dbfb554730b80480467b74729549cfdc12255b29546ab8a",
        ),
    ];
    for (seed, first, last, expected_digest) in cases {
        let order = shuffle_indices(&seed, 1000);
        assert_eq!(order[..10], first);
        assert_eq!(order[990..], last);
        assert_eq!(digest(&order), expected_digest);
    }
}

fn data(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("reading {path}: {e}"))
}

/// The worked example of docs/lottery.md §7, end to end.
#[test]
fn worked_example() {
    let entrants_file = data("worked_example_entrants.csv");
    let entrants = EntrantList::parse(&entrants_file).expect("example entrant file is canonical");
    assert_eq!(
        entrants.commitment_hex(),
        "01a64f62b873d19f4efdaae77cfa45fd8634d41ce1d817f959e904bba2e5dd57"
    );
    let reveal = Reveal::new("03 11 17 22 28 31 + 09").expect("valid reveal");
    assert_eq!(
        to_hex(&seed(&entrants.commitment(), &reveal)),
        "ce8d7f75bef261f2c08962f03ab69094ab80cfeeaf9f71579d099e30d211da4c"
    );
    let result = draw(&entrants, &reveal);
    assert_eq!(
        result.order().collect::<Vec<_>>(),
        [
            "AH2026-0027",
            "AH2026-0042",
            "AH2026-0095",
            "AH2026-0056",
            "AH2026-0011",
            "AH2026-0003",
            "AH2026-0038",
            "AH2026-0079",
            "AH2026-0081",
            "AH2026-0064",
        ]
    );
    let published = data("worked_example_result.txt");
    assert_eq!(
        String::from_utf8_lossy(&result.to_file()),
        String::from_utf8_lossy(&published)
    );
    assert_eq!(DrawResult::parse(&published), Ok(result));
    assert_eq!(
        anju_lottery::verify(&entrants_file, &reveal, &published),
        Ok(())
    );
}
