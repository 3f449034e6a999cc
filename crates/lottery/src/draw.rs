//! Running a draw and checking a published one.

use thiserror::Error;

use crate::entrants::{EntrantFileError, EntrantList};
use crate::ids::IdTable;
use crate::result::{DrawResult, ResultFileError};
use crate::reveal::{seed, Reveal};
use crate::shuffle::shuffle_indices;
use crate::text::to_hex;

/// Runs the draw: seed from the list's commitment and the reveal, then the
/// shuffle. Deterministic: the same list and reveal always give the same
/// result, which is what lets anyone re-run it.
pub fn draw(entrants: &EntrantList, reveal: &Reveal) -> DrawResult {
    let commitment = entrants.commitment();
    let seed = seed(&commitment, reveal);
    // EntrantList guarantees len <= u32::MAX; saturating keeps this total
    // without an unwrap should that invariant ever be broken.
    let n = u32::try_from(entrants.len()).unwrap_or(u32::MAX);
    let ids = entrants.table();
    let mut order = IdTable::with_capacity(ids.len(), ids.text_len());
    for index in shuffle_indices(&seed, n) {
        order.push(ids.get(index as usize).unwrap_or_default());
    }
    DrawResult::new(commitment, reveal.clone(), seed, order)
}

/// Why a published draw did not check out. The first discrepancy found is
/// reported, in the order: files well-formed, commitment, reveal, seed,
/// count, positions.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum VerifyError {
    #[error("the entrant file cannot be used: {0}")]
    EntrantFile(#[from] EntrantFileError),
    #[error("the result file cannot be used: {0}")]
    ResultFile(#[from] ResultFileError),
    #[error("the entrant file is not the one published before the draw: it hashes to {file}, but the commitment published before the draw is {published}")]
    PublishedCommitmentMismatch { published: String, file: String },
    #[error("commitment differs: the entrant file hashes to {expected}, but the result file records {found}; the result is not for this entrant file")]
    CommitmentMismatch { expected: String, found: String },
    #[error("reveal differs: the announced reveal is `{expected}`, but the result file records `{found}`")]
    RevealMismatch { expected: String, found: String },
    #[error(
        "seed differs: commitment and reveal give {expected}, but the result file records {found}"
    )]
    SeedMismatch { expected: String, found: String },
    #[error("count differs: the entrant file has {expected} entrants, but the result file lists {found}")]
    CountMismatch { expected: usize, found: usize },
    #[error("position {position} differs: expected `{expected}`, found `{found}`")]
    PositionMismatch {
        position: usize,
        expected: String,
        found: String,
    },
}

/// Checks a published draw from the published files and the announced
/// reveal, by parsing both files strictly and re-running the draw.
pub fn verify(
    entrants_file: &[u8],
    reveal: &Reveal,
    result_file: &[u8],
) -> Result<(), VerifyError> {
    let (entrants, claimed) = parse_both(entrants_file, result_file);
    verify_draw(&entrants?, reveal, &claimed?)
}

/// Like [`verify`], and first checks that the entrant file is the one whose
/// commitment (`published`, 64 hex digits, either case) was published
/// before the draw. Without this, a result re-drawn over a swapped list
/// would check out against the swapped list.
pub fn verify_committed(
    entrants_file: &[u8],
    published: &str,
    reveal: &Reveal,
    result_file: &[u8],
) -> Result<(), VerifyError> {
    let file = to_hex(&crate::entrants::commitment_of(entrants_file));
    let published = published.trim().to_ascii_lowercase();
    if file != published {
        return Err(VerifyError::PublishedCommitmentMismatch { published, file });
    }
    verify(entrants_file, reveal, result_file)
}

/// Parses the two files, on two threads when possible: for a million
/// entrants each parse takes a noticeable fraction of a second, and the
/// target machine has two cores. Falls back to one thread if none can be
/// spawned; the outcome is the same either way.
fn parse_both(
    entrants_file: &[u8],
    result_file: &[u8],
) -> (
    Result<EntrantList, EntrantFileError>,
    Result<DrawResult, ResultFileError>,
) {
    std::thread::scope(|scope| {
        let spawned = std::thread::Builder::new()
            .name("anju-lottery-parse".to_owned())
            .spawn_scoped(scope, || DrawResult::parse(result_file));
        let entrants = EntrantList::parse(entrants_file);
        let claimed = match spawned {
            Ok(handle) => match handle.join() {
                Ok(claimed) => claimed,
                // Parsing does not panic on any input; if it somehow did,
                // surface that panic rather than invent an error.
                Err(panic) => std::panic::resume_unwind(panic),
            },
            Err(_) => DrawResult::parse(result_file),
        };
        (entrants, claimed)
    })
}

/// Like [`verify`], for callers that already hold parsed values (e.g. a
/// server that keeps the entrant list in memory).
pub fn verify_draw(
    entrants: &EntrantList,
    reveal: &Reveal,
    claimed: &DrawResult,
) -> Result<(), VerifyError> {
    let commitment = entrants.commitment();
    if *claimed.commitment() != commitment {
        return Err(VerifyError::CommitmentMismatch {
            expected: to_hex(&commitment),
            found: to_hex(claimed.commitment()),
        });
    }
    if claimed.reveal() != reveal {
        return Err(VerifyError::RevealMismatch {
            expected: reveal.as_str().to_owned(),
            found: claimed.reveal().as_str().to_owned(),
        });
    }
    let expected_seed = seed(&commitment, reveal);
    if *claimed.seed() != expected_seed {
        return Err(VerifyError::SeedMismatch {
            expected: to_hex(&expected_seed),
            found: to_hex(claimed.seed()),
        });
    }
    if claimed.entrant_count() != entrants.len() {
        return Err(VerifyError::CountMismatch {
            expected: entrants.len(),
            found: claimed.entrant_count(),
        });
    }
    let ids = entrants.table();
    let n = u32::try_from(entrants.len()).unwrap_or(u32::MAX);
    let mismatch = shuffle_indices(&expected_seed, n)
        .into_iter()
        .zip(claimed.order())
        .enumerate()
        .find_map(|(position, (index, found))| {
            let expected = ids.get(index as usize).unwrap_or_default();
            (expected != found).then_some((position, expected, found))
        });
    match mismatch {
        Some((position, expected, found)) => Err(VerifyError::PositionMismatch {
            position: position + 1,
            expected: expected.to_owned(),
            found: found.to_owned(),
        }),
        None => Ok(()),
    }
}
