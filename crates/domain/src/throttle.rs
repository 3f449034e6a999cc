//! Sign-in throttling (OWASP ASVS 2.2.1): how long a failed sign-in makes
//! the next one wait. Pure rules; the counters live in the database so that
//! every anju process sees the same ones.
//!
//! Three counters are kept per failed attempt, each with its own rule:
//!
//! * **name and address**: the guesses one client makes at one account.
//!   Blocked soonest: this is the plain brute-force attack.
//! * **address**: one client guessing at many accounts. Generous, because
//!   a whole office may share one address.
//! * **name**: guesses at one account from many addresses. A real official
//!   signing in from a browser where they signed in before (it holds a
//!   device token) is not held back by this counter, so an attacker cannot
//!   lock an official out by failing on purpose; a new browser is.
//!
//! Unknown and existing names are counted alike, and the answer never says
//! which is which. Nothing ever locks for good: a block is a delay that
//! starts at [`FIRST_BLOCK_SECS`] and doubles with each failure after the
//! free ones, up to [`MAX_BLOCK_SECS`],
//! and a counter forgets its failures a day after the last one.

use std::time::Duration;

/// The first wait after the free failures; each further failure doubles it.
/// Long enough that an attacker gains little from waiting it out (about
/// 120 guesses a day per counter at the cap), short enough that an
/// official who mistyped waits half a minute.
pub const FIRST_BLOCK_SECS: u64 = 30;

/// The longest single wait.
pub const MAX_BLOCK_SECS: u64 = 15 * 60;

/// A counter forgets its failures this long after the last one.
pub const FORGET_AFTER_SECS: i64 = 24 * 3600;

/// Which counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Counter {
    /// One account name from one address.
    NameAndAddress,
    /// One address, any names.
    Address,
    /// One account name, any address.
    Name,
}

impl Counter {
    /// Failures allowed before the first wait.
    pub fn free_failures(self) -> u32 {
        match self {
            Counter::NameAndAddress => 5,
            Counter::Address => 50,
            Counter::Name => 10,
        }
    }

    /// How long to wait after the `failures`-th consecutive failure: none
    /// within the free ones, then 30 s, 60 s, 120 s, … up to
    /// [`MAX_BLOCK_SECS`].
    pub fn wait_after(self, failures: u32) -> Option<Duration> {
        let over = failures.checked_sub(self.free_failures())?;
        if over == 0 {
            return None;
        }
        let secs = 1u64
            .checked_shl(over - 1)
            .and_then(|f| f.checked_mul(FIRST_BLOCK_SECS))
            .unwrap_or(u64::MAX)
            .min(MAX_BLOCK_SECS);
        Some(Duration::from_secs(secs))
    }

    /// The key prefix the store keeps this counter under.
    pub fn prefix(self) -> &'static str {
        match self {
            Counter::NameAndAddress => "p",
            Counter::Address => "i",
            Counter::Name => "n",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn free_failures_then_doubling_waits_up_to_the_cap() {
        let c = Counter::NameAndAddress;
        for n in 0..=5 {
            assert_eq!(c.wait_after(n), None, "{n}");
        }
        let waits: Vec<u64> = (6..=12)
            .map(|n| c.wait_after(n).map_or(0, |d| d.as_secs()))
            .collect();
        assert_eq!(waits, [30, 60, 120, 240, 480, 900, 900]);
        assert_eq!(c.wait_after(70).map(|d| d.as_secs()), Some(MAX_BLOCK_SECS));
        assert_eq!(
            c.wait_after(u32::MAX).map(|d| d.as_secs()),
            Some(MAX_BLOCK_SECS)
        );
    }

    #[test]
    fn an_office_behind_one_address_gets_more_room_than_one_account() {
        assert!(Counter::Address.free_failures() > Counter::Name.free_failures());
        assert!(Counter::Name.free_failures() > Counter::NameAndAddress.free_failures());
    }
}
