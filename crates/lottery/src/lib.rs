//! Verifiable lottery draws for affordable-housing allocation
//! (阳政办发〔2026〕2号, articles 15–16).
//!
//! Anyone holding the published entrant file, the notary's reveal value and
//! the published result file can re-run the draw and must get the same
//! order. The full specification, with a worked example, is in
//! `docs/lottery.md`; `tools/lottery_reference.py` is an independent
//! re-implementation.
//!
//! Steps:
//! 1. [`EntrantList`]: canonical entrant file; its SHA-256 (the commitment)
//!    is published before the draw.
//! 2. [`seed`]: `SHA-256("anju-lottery-v1" || 0x00 || commitment || reveal)`,
//!    where the [`Reveal`] is entered by the notary at the draw.
//! 3. [`shuffle_indices`]: Fisher–Yates over the ChaCha20 keystream
//!    ([`Keystream`]) keyed by the seed, with rejection sampling.
//! 4. [`draw`] produces a [`DrawResult`] (published as a file);
//!    [`verify`] re-checks one.

mod draw;
mod entrants;
mod ids;
mod keystream;
mod result;
mod reveal;
mod shuffle;
mod text;

pub use draw::{draw, verify, verify_committed, verify_draw, VerifyError};
pub use entrants::{
    check_entrant_id, commitment_of, EntrantFileError, EntrantIdError, EntrantList,
    EntrantListError, ENTRANT_FILE_HEADER, MAX_ENTRANT_ID_LEN,
};
pub use ids::Ids;
pub use keystream::Keystream;
pub use result::{DrawResult, ResultFileError, RESULT_TABLE_HEADER};
pub use reveal::{seed, Reveal, RevealError, ALGORITHM, MAX_REVEAL_LEN};
pub use shuffle::shuffle_indices;
pub use text::{to_hex, LayoutError};
