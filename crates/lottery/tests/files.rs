//! Canonical-form rejection and verification mismatches.

use anju_lottery::{
    draw, verify, DrawResult, EntrantFileError, EntrantIdError, EntrantList, EntrantListError,
    LayoutError, ResultFileError, Reveal, RevealError, VerifyError,
};

const GOOD: &str = "seq,entrant_id\n1,A01\n2,A02\n3,B01\n";

fn parse(text: &str) -> Result<EntrantList, EntrantFileError> {
    EntrantList::parse(text.as_bytes())
}

fn reveal(text: &str) -> Reveal {
    Reveal::new(text).expect("test reveal is valid")
}

#[test]
fn canonical_file_round_trips() {
    let list = parse(GOOD).expect("canonical file");
    assert_eq!(list.ids().collect::<Vec<_>>(), ["A01", "A02", "B01"]);
    assert_eq!(list.get(2), Some("B01"));
    assert_eq!(list.get(3), None);
    assert_eq!(list.to_csv(), GOOD.as_bytes());
    let built = EntrantList::from_ids(["B01", "A02", "A01"].map(String::from)).expect("valid ids");
    assert_eq!(built, list);
    assert_eq!(built.commitment(), list.commitment());
    // The commitment is the plain SHA-256 of the file bytes.
    assert_eq!(
        list.commitment_hex(),
        anju_lottery::to_hex(&<sha2::Sha256 as sha2::Digest>::digest(GOOD.as_bytes()))
    );
}

#[test]
fn entrant_file_layout_errors() {
    use EntrantFileError::Layout;
    assert_eq!(parse(""), Err(Layout(LayoutError::EmptyFile)));
    assert_eq!(
        EntrantList::parse(&[b"\xEF\xBB\xBF", GOOD.as_bytes()].concat()),
        Err(Layout(LayoutError::ByteOrderMark))
    );
    assert_eq!(
        parse(&GOOD.replace('\n', "\r\n")),
        Err(Layout(LayoutError::CarriageReturn { line: 1 }))
    );
    assert_eq!(
        parse("seq,entrant_id\n1,A01\n2,A02\r\n"),
        Err(Layout(LayoutError::CarriageReturn { line: 3 }))
    );
    assert_eq!(
        parse(GOOD.trim_end()),
        Err(Layout(LayoutError::MissingFinalNewline { line: 4 }))
    );
}

#[test]
fn entrant_file_content_errors() {
    let cases: Vec<(&str, EntrantFileError)> = vec![
        (
            "seq,id\n1,A01\n",
            EntrantFileError::BadHeader {
                found: "seq,id".into(),
            },
        ),
        (
            "Seq,Entrant_Id\n1,A01\n",
            EntrantFileError::BadHeader {
                found: "Seq,Entrant_Id".into(),
            },
        ),
        ("seq,entrant_id\n", EntrantFileError::NoEntrants),
        (
            "seq,entrant_id\n1,A01\n\n",
            EntrantFileError::WrongFieldCount { line: 3, found: 1 },
        ),
        (
            "seq,entrant_id\n1,A01,extra\n",
            EntrantFileError::WrongFieldCount { line: 2, found: 3 },
        ),
        (
            "seq,entrant_id\n1,A01\n3,A02\n",
            EntrantFileError::BadSeq {
                line: 3,
                expected: 2,
                found: "3".into(),
            },
        ),
        (
            "seq,entrant_id\n01,A01\n",
            EntrantFileError::BadSeq {
                line: 2,
                expected: 1,
                found: "01".into(),
            },
        ),
        (
            "seq,entrant_id\n 1,A01\n",
            EntrantFileError::BadSeq {
                line: 2,
                expected: 1,
                found: " 1".into(),
            },
        ),
        (
            "seq,entrant_id\n1,A01\n2,\n",
            EntrantFileError::BadEntrantId {
                line: 3,
                source: EntrantIdError::Empty,
            },
        ),
        (
            "seq,entrant_id\n1,A01 \n",
            EntrantFileError::BadEntrantId {
                line: 2,
                source: EntrantIdError::ForbiddenByte {
                    byte: b' ',
                    offset: 3,
                },
            },
        ),
        (
            "seq,entrant_id\n1,\"A01\"\n",
            EntrantFileError::BadEntrantId {
                line: 2,
                source: EntrantIdError::ForbiddenByte {
                    byte: b'"',
                    offset: 0,
                },
            },
        ),
        (
            "seq,entrant_id\n1,张三\n",
            EntrantFileError::BadEntrantId {
                line: 2,
                source: EntrantIdError::ForbiddenByte {
                    byte: 0xE5,
                    offset: 0,
                },
            },
        ),
        (
            "seq,entrant_id\n1,A01\n2,A02\n3,A02\n",
            EntrantFileError::Duplicate {
                line: 4,
                entrant_id: "A02".into(),
                first_line: 3,
            },
        ),
        (
            "seq,entrant_id\n1,A02\n2,A01\n",
            EntrantFileError::NotSorted {
                line: 3,
                entrant_id: "A01".into(),
                previous: "A02".into(),
                previous_line: 2,
            },
        ),
        (
            // Bytewise order: uppercase sorts before lowercase, "A10" before "A9".
            "seq,entrant_id\n1,a1\n2,B1\n",
            EntrantFileError::NotSorted {
                line: 3,
                entrant_id: "B1".into(),
                previous: "a1".into(),
                previous_line: 2,
            },
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(parse(text), Err(expected), "input {text:?}");
    }
    assert!(parse("seq,entrant_id\n1,A10\n2,A9\n").is_ok());
}

#[test]
fn entrant_file_errors_read_well() {
    let message = parse("seq,entrant_id\n1,A01\n2,A02\n3,A02\n")
        .expect_err("duplicate")
        .to_string();
    assert_eq!(
        message,
        "entrant file line 4: entrant id `A02` is a duplicate of line 3"
    );
    let message = parse("seq,entrant_id\n1,A 1\n")
        .expect_err("space")
        .to_string();
    assert!(
        message.contains("line 2") && message.contains("a space"),
        "{message}"
    );
}

#[test]
fn from_ids_errors() {
    assert_eq!(
        EntrantList::from_ids(Vec::<String>::new()),
        Err(EntrantListError::Empty)
    );
    assert_eq!(
        EntrantList::from_ids(["B", "A", "B"].map(String::from)),
        Err(EntrantListError::Duplicate {
            entrant_id: "B".into()
        })
    );
    assert_eq!(
        EntrantList::from_ids(["A,B".to_owned()]),
        Err(EntrantListError::InvalidId {
            id: "A,B".into(),
            source: EntrantIdError::ForbiddenByte {
                byte: b',',
                offset: 1
            }
        })
    );
}

fn good_result() -> (Vec<u8>, Reveal, Vec<u8>) {
    let entrants = EntrantList::parse(GOOD.as_bytes()).expect("canonical file");
    let reveal = reveal("5 5 2");
    let result = draw(&entrants, &reveal).to_file();
    (GOOD.as_bytes().to_vec(), reveal, result)
}

#[test]
fn result_file_round_trips_and_verifies() {
    let (entrants, reveal, result) = good_result();
    let parsed = DrawResult::parse(&result).expect("canonical result");
    assert_eq!(parsed.to_file(), result);
    assert_eq!(parsed.entrant_count(), 3);
    assert_eq!(verify(&entrants, &reveal, &result), Ok(()));
}

fn replace_line(file: &[u8], line: usize, new: &str) -> Vec<u8> {
    let text = String::from_utf8(file.to_vec()).expect("ASCII file");
    let mut lines: Vec<&str> = text.split('\n').collect();
    lines[line - 1] = new;
    lines.join("\n").into_bytes()
}

#[test]
fn result_file_format_errors() {
    let (_, _, result) = good_result();
    let cases = [
        (
            replace_line(&result, 1, "algorithm: anju-lottery-v2"),
            ResultFileError::UnsupportedAlgorithm {
                line: 1,
                found: "anju-lottery-v2".into(),
            },
        ),
        (
            replace_line(&result, 2, "commitment: ABC"),
            ResultFileError::BadHash {
                line: 2,
                field: "commitment",
                found: "ABC".into(),
            },
        ),
        (
            replace_line(&result, 3, "reveal:  5 5 2"),
            ResultFileError::BadReveal {
                line: 3,
                source: RevealError::OuterSpace,
            },
        ),
        (
            replace_line(&result, 4, "Seed: 00"),
            ResultFileError::UnexpectedLine {
                line: 4,
                expected: "seed: …".into(),
                found: "Seed: 00".into(),
            },
        ),
        (
            replace_line(&result, 5, "entrant_count: 4"),
            ResultFileError::CountMismatch {
                declared: 4,
                found: 3,
            },
        ),
        (
            replace_line(&result, 5, "entrant_count: 0"),
            ResultFileError::BadCount {
                line: 5,
                found: "0".into(),
            },
        ),
        (
            replace_line(&result, 6, " "),
            ResultFileError::UnexpectedLine {
                line: 6,
                expected: "an empty line".into(),
                found: " ".into(),
            },
        ),
        (
            replace_line(&result, 9, "3,A01"),
            ResultFileError::BadPosition {
                line: 9,
                expected: 2,
                found: "3".into(),
            },
        ),
        (
            replace_line(&result, 10, "3;A01"),
            ResultFileError::WrongFieldCount { line: 10, found: 1 },
        ),
    ];
    for (file, expected) in cases {
        assert_eq!(DrawResult::parse(&file), Err(expected));
    }
    assert_eq!(
        DrawResult::parse(&result[..result.len() - 1]),
        Err(ResultFileError::Layout(LayoutError::MissingFinalNewline {
            line: 10
        }))
    );
    assert_eq!(
        DrawResult::parse(b"algorithm: anju-lottery-v1\n"),
        Err(ResultFileError::Truncated { found: 1 })
    );
}

#[test]
fn verify_reports_the_first_discrepancy() {
    let (entrants, reveal_value, result) = good_result();
    let parsed = DrawResult::parse(&result).expect("canonical result");
    let order: Vec<String> = parsed.order().map(str::to_owned).collect();

    // A result for a different entrant list.
    let other = "seq,entrant_id\n1,A01\n2,A02\n3,B02\n";
    match verify(other.as_bytes(), &reveal_value, &result) {
        Err(VerifyError::CommitmentMismatch { expected, found }) => {
            assert_ne!(expected, found);
            assert_eq!(found, anju_lottery::to_hex(parsed.commitment()));
        }
        other => panic!("expected commitment mismatch, got {other:?}"),
    }

    // The announced reveal is not the one in the file.
    assert_eq!(
        verify(&entrants, &reveal("5 5 3"), &result),
        Err(VerifyError::RevealMismatch {
            expected: "5 5 3".into(),
            found: "5 5 2".into(),
        })
    );

    // Seed tampered with.
    let bad_seed = replace_line(&result, 4, &format!("seed: {}", "0".repeat(64)));
    assert!(matches!(
        verify(&entrants, &reveal_value, &bad_seed),
        Err(VerifyError::SeedMismatch { .. })
    ));

    // Two positions swapped: reported at the first of them.
    let swapped = replace_line(
        &replace_line(&result, 8, &format!("1,{}", order[1])),
        9,
        &format!("2,{}", order[0]),
    );
    assert_eq!(
        verify(&entrants, &reveal_value, &swapped),
        Err(VerifyError::PositionMismatch {
            position: 1,
            expected: order[0].clone(),
            found: order[1].clone(),
        })
    );

    // An entrant dropped from the end, count adjusted to match.
    let text = String::from_utf8(result.clone()).expect("ASCII");
    let shortened = text
        .lines()
        .take(9)
        .map(|line| {
            if line.starts_with("entrant_count: ") {
                "entrant_count: 2".to_owned()
            } else {
                line.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    assert_eq!(
        verify(&entrants, &reveal_value, shortened.as_bytes()),
        Err(VerifyError::CountMismatch {
            expected: 3,
            found: 2
        })
    );

    // A broken entrant file is reported as such.
    assert!(matches!(
        verify(b"seq,entrant_id\n1,B\n2,A\n", &reveal_value, &result),
        Err(VerifyError::EntrantFile(EntrantFileError::NotSorted { .. }))
    ));
}
