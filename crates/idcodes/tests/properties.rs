//! Property tests for both code kinds.

use anju_idcodes::{CreditCode, ResidentId, Sex};
use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;

const CREDIT_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Birth dates across the whole range GB 11643-1999 allows (1900 onwards);
/// the upper bound is arbitrary but far beyond any living applicant.
fn birth_date() -> impl Strategy<Value = NaiveDate> {
    let first = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap();
    let last = NaiveDate::from_ymd_opt(2099, 12, 31).unwrap();
    let span = (last - first).num_days();
    (0..=span).prop_map(move |offset| first + chrono::Duration::days(offset))
}

/// A valid identity number with the parts it was built from.
fn resident_id() -> impl Strategy<Value = (String, NaiveDate, u16)> {
    (
        proptest::collection::vec(b'0'..=b'9', 6),
        birth_date(),
        1u16..=999,
    )
        .prop_map(|(address, date, sequence)| {
            let mut first17 = [0u8; 17];
            first17[..6].copy_from_slice(&address);
            let middle = format!(
                "{:04}{:02}{:02}{:03}",
                date.year(),
                date.month(),
                date.day(),
                sequence
            );
            first17[6..].copy_from_slice(middle.as_bytes());
            let check = ResidentId::check_char(&first17);
            let mut s = String::from_utf8(first17.to_vec()).unwrap();
            s.push(char::from(check));
            (s, date, sequence)
        })
}

/// A valid credit code: listed authority/category pair, digit division
/// code, any alphabet characters for the entity identifier.
fn credit_code() -> impl Strategy<Value = String> {
    let pairs: Vec<(u8, u8)> = [
        (b'1', &b"1239"[..]),
        (b'2', b"19"),
        (b'3', b"123459"),
        (b'4', b"19"),
        (b'5', b"1239"),
        (b'6', b"129"),
        (b'7', b"129"),
        (b'8', b"19"),
        (b'9', b"123"),
        (b'A', b"19"),
        (b'N', b"1239"),
        (b'Y', b"1"),
    ]
    .iter()
    .flat_map(|&(a, cats)| cats.iter().map(move |&c| (a, c)))
    .collect();
    (
        proptest::sample::select(pairs),
        proptest::collection::vec(b'0'..=b'9', 6),
        proptest::collection::vec(proptest::sample::select(CREDIT_ALPHABET.to_vec()), 9),
    )
        .prop_map(|((authority, category), division, entity)| {
            let mut first17 = [0u8; 17];
            first17[0] = authority;
            first17[1] = category;
            first17[2..8].copy_from_slice(&division);
            first17[8..].copy_from_slice(&entity);
            let check = CreditCode::check_char(&first17).unwrap();
            let mut s = String::from_utf8(first17.to_vec()).unwrap();
            s.push(char::from(check));
            s
        })
}

/// Replaces the character at `index` (all inputs here are ASCII).
fn replace_at(s: &str, index: usize, c: char) -> String {
    let mut out = String::with_capacity(s.len() + 4);
    out.push_str(&s[..index]);
    out.push(c);
    out.push_str(&s[index + 1..]);
    out
}

/// Any printable replacement character, including look-alikes and
/// full-width forms that users paste from office documents.
fn replacement() -> impl Strategy<Value = char> {
    prop_oneof![
        4 => proptest::char::range('0', '9'),
        4 => proptest::char::range('A', 'Z'),
        1 => proptest::char::range('a', 'z'),
        1 => proptest::sample::select(vec![' ', '-', '*', '０', 'Ｘ', '二']),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn valid_resident_ids_parse_and_round_trip((s, date, sequence) in resident_id()) {
        let id = ResidentId::parse(&s).unwrap();
        prop_assert_eq!(id.as_str(), s.as_str());
        prop_assert_eq!(id.birth_date(), date);
        let expected_sex = if sequence % 2 == 1 { Sex::Male } else { Sex::Female };
        prop_assert_eq!(id.sex(), expected_sex);
        prop_assert_eq!(id.address_code(), &s[..6]);
        prop_assert_eq!(id.to_string(), s.clone());
        // Lower-case x is the same number.
        if s.ends_with('X') {
            let lower = s.to_ascii_lowercase();
            prop_assert_eq!(ResidentId::parse(&lower).unwrap(), id);
        }
    }

    #[test]
    fn any_single_change_invalidates_a_resident_id(
        (s, _, _) in resident_id(),
        index in 0usize..18,
        c in replacement(),
    ) {
        let original = s.as_bytes()[index] as char;
        // 'x' for 'X' at the check position is the same number, not a change
        // (`original` is canonical: a digit or upper-case X).
        prop_assume!(c.to_ascii_uppercase() != original);
        let changed = replace_at(&s, index, c);
        prop_assert!(ResidentId::parse(&changed).is_err(), "{} was accepted", changed);
    }

    #[test]
    fn masked_keeps_only_first_6_and_last_4((s, _, _) in resident_id()) {
        let id = ResidentId::parse(&s).unwrap();
        let masked = id.masked();
        prop_assert_eq!(masked.len(), 18);
        prop_assert_eq!(&masked[..6], &s[..6]);
        prop_assert_eq!(&masked[6..14], "********");
        prop_assert_eq!(&masked[14..], &s[14..]);
        // Nothing of the birth date survives.
        prop_assert!(!masked.contains(&s[6..14]));
    }

    #[test]
    fn valid_credit_codes_parse(s in credit_code()) {
        let code = CreditCode::parse(&s).unwrap();
        prop_assert_eq!(code.as_str(), s.as_str());
        prop_assert_eq!(CreditCode::parse(&s.to_ascii_lowercase()).unwrap(), code);
    }

    #[test]
    fn any_single_change_invalidates_a_credit_code(
        s in credit_code(),
        index in 0usize..18,
        c in replacement(),
    ) {
        let original = s.as_bytes()[index] as char;
        // Case changes are normalisation, not a different code.
        prop_assume!(c.to_ascii_uppercase() != original);
        let changed = replace_at(&s, index, c);
        prop_assert!(CreditCode::parse(&changed).is_err(), "{} was accepted", changed);
    }

    #[test]
    fn arbitrary_strings_never_panic(s in "\\PC{0,24}") {
        let _ = ResidentId::parse(&s);
        let _ = CreditCode::parse(&s);
    }
}
