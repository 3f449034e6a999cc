//! Unbiased Fisher–Yates shuffle driven by the ChaCha20 keystream.

use crate::keystream::Keystream;

/// Draws a value uniformly from `0..bound` (requires `bound >= 1`).
///
/// Rule: let `r = 2^64 mod bound`. Read values `x` from the source until
/// `x < 2^64 - r`, then return `x mod bound`. The accepted range
/// `0..2^64 - r` is a whole multiple of `bound`, so every result is equally
/// likely; a plain `x mod bound` would favour small results slightly.
///
/// `bound.wrapping_neg() % bound` is `(2^64 - bound) mod bound`, which equals
/// `2^64 mod bound` without needing 128-bit arithmetic.
pub(crate) fn uniform_below(bound: u64, mut next: impl FnMut() -> u64) -> u64 {
    debug_assert!(bound >= 1, "uniform_below needs a non-empty range");
    let rejected = bound.wrapping_neg() % bound;
    let last_accepted = u64::MAX - rejected;
    loop {
        let x = next();
        if x <= last_accepted {
            return x % bound;
        }
    }
}

/// The draw order as indices into the canonical entrant list: element `p` is
/// the index of the entrant drawn at position `p + 1`.
///
/// Durstenfeld's Fisher–Yates: start from `[0, 1, …, n-1]`; for `i` from
/// `n-1` down to 1, pick `j` uniform in `0..=i` and swap elements `i` and
/// `j`. To pick `j` with `bound = i + 1`: let `r = 2^64 mod bound`, read
/// u64 values from [`Keystream`] (keyed by `seed`) until one, `x`, is below
/// `2^64 - r`, and take `j = x mod bound`. For `n` of 0 or 1 no keystream is
/// read. Full specification: docs/lottery.md §6.
pub fn shuffle_indices(seed: &[u8; 32], n: u32) -> Vec<u32> {
    let mut order: Vec<u32> = (0..n).collect();
    let mut keystream = Keystream::new(seed);
    for i in (1..order.len()).rev() {
        let bound = i as u64 + 1;
        // j <= i < n <= u32::MAX, so it fits in usize on every platform we
        // build for (usize is at least 32 bits).
        let j = uniform_below(bound, || keystream.next_u64()) as usize;
        order.swap(i, j);
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds fixed values and counts how many were read.
    fn scripted(
        values: &[u64],
    ) -> (
        impl FnMut() -> u64 + '_,
        std::rc::Rc<std::cell::Cell<usize>>,
    ) {
        let reads = std::rc::Rc::new(std::cell::Cell::new(0));
        let counter = reads.clone();
        let next = move || {
            let value = values[counter.get()];
            counter.set(counter.get() + 1);
            value
        };
        (next, reads)
    }

    #[test]
    fn rejects_only_the_biased_tail() {
        // bound 3: 2^64 mod 3 = 1, so only u64::MAX is rejected.
        let (next, reads) = scripted(&[u64::MAX, u64::MAX - 1]);
        assert_eq!(uniform_below(3, next), (u64::MAX - 1) % 3);
        assert_eq!(reads.get(), 2);

        // bound 6: 2^64 mod 6 = 4, so the top four values are rejected.
        let (next, reads) = scripted(&[u64::MAX, u64::MAX - 3, u64::MAX - 4]);
        assert_eq!(uniform_below(6, next), (u64::MAX - 4) % 6);
        assert_eq!(reads.get(), 3);

        // A power of two divides 2^64: nothing is ever rejected.
        let (next, reads) = scripted(&[u64::MAX]);
        assert_eq!(uniform_below(8, next), 7);
        assert_eq!(reads.get(), 1);
    }

    #[test]
    fn rejection_threshold_matches_exact_arithmetic() {
        for bound in [1u64, 2, 3, 5, 7, 10, 1000, 1 << 31, (1 << 32) - 1, 1 << 32] {
            let exact = (1u128 << 64) % u128::from(bound);
            assert_eq!(
                u128::from(bound.wrapping_neg() % bound),
                exact,
                "bound {bound}"
            );
        }
    }

    #[test]
    fn small_cases() {
        assert!(shuffle_indices(&[0; 32], 0).is_empty());
        assert_eq!(shuffle_indices(&[0; 32], 1), vec![0]);
    }
}
