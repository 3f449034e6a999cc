//! Timestamps of events, in Asia/Shanghai.
//!
//! Decision: a [`Timestamp`] is an instant (stored as UTC) that is always
//! shown, dated and hashed in Asia/Shanghai. Asia/Shanghai has been a fixed
//! UTC+08:00 with no daylight saving since 1991, so a fixed offset is exact
//! for every date anju handles and needs no time-zone database. Storing the
//! instant rather than a naive local time means that two servers, or a
//! server and PostgreSQL's `timestamptz`, can never disagree about it.
//!
//! Timestamps are truncated to whole microseconds on construction: that is
//! PostgreSQL's precision, so a timestamp survives a round trip through the
//! store unchanged and the audit hash over it stays valid.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, SubsecRound, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// UTC+08:00, Asia/Shanghai's only offset since 1991.
pub const SHANGHAI: FixedOffset = match FixedOffset::east_opt(8 * 3600) {
    Some(offset) => offset,
    // Unreachable: 8 hours is within ±24 hours. Evaluated at compile time.
    None => panic!("UTC+8 is a valid offset"),
};

/// A moment an event happened, dated in Asia/Shanghai.
///
/// Serialised as RFC 3339 with six fractional digits and the `+08:00`
/// offset, e.g. `2026-03-01T09:30:00.000000+08:00`; any RFC 3339 offset is
/// accepted when parsing.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Timestamp(DateTime<Utc>);

/// A string that is not an RFC 3339 timestamp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("时间格式无效，应为 RFC 3339 格式，如 2026-03-01T09:30:00+08:00 (invalid timestamp {input:?}: expected RFC 3339, e.g. 2026-03-01T09:30:00+08:00)")]
pub struct TimestampError {
    /// The input, cut to 64 characters.
    pub input: String,
}

impl Timestamp {
    /// From an instant in any time zone.
    pub fn from_datetime<Tz: TimeZone>(at: &DateTime<Tz>) -> Timestamp {
        Timestamp(at.with_timezone(&Utc).trunc_subsecs(6))
    }

    /// From a wall-clock time in Asia/Shanghai. `None` only at the very
    /// edge of chrono's range (year ±262143), where the instant would not be
    /// representable.
    pub fn from_shanghai(local: NaiveDateTime) -> Option<Timestamp> {
        // A fixed offset maps every local time to exactly one instant.
        local
            .and_local_timezone(SHANGHAI)
            .single()
            .map(|at| Timestamp::from_datetime(&at))
    }

    /// Parses RFC 3339 (`2026-03-01T09:30:00+08:00`, `2026-03-01T01:30:00Z`).
    pub fn parse(s: &str) -> Result<Timestamp, TimestampError> {
        DateTime::parse_from_rfc3339(s)
            .map(|at| Timestamp::from_datetime(&at))
            .map_err(|_| TimestampError {
                input: s.chars().take(64).collect(),
            })
    }

    /// The instant in UTC.
    pub fn to_utc(&self) -> DateTime<Utc> {
        self.0
    }

    /// The instant with the Asia/Shanghai offset.
    pub fn to_shanghai(&self) -> DateTime<FixedOffset> {
        self.0.with_timezone(&SHANGHAI)
    }

    /// The civil date in Asia/Shanghai — what "today" means for a notice
    /// period or a qualification date.
    pub fn date(&self) -> NaiveDate {
        self.to_shanghai().date_naive()
    }

    /// Canonical text: `YYYY-MM-DDTHH:MM:SS.ffffff+08:00`. This exact form
    /// is what the audit hash covers.
    ///
    /// Written digit by digit: every stored row and every JSON answer
    /// carries timestamps, and chrono's format-string machinery was a
    /// visible share of a list request's CPU.
    pub fn to_rfc3339(&self) -> String {
        use chrono::{Datelike, Timelike};
        let local = self.to_shanghai();
        let (year, micros) = (local.year(), local.nanosecond() / 1000);
        // Years of four digits and no leap second: everything anju stores.
        // Anything else keeps chrono's own rendering.
        if !(0..=9999).contains(&year) || micros >= 1_000_000 {
            return local.format("%Y-%m-%dT%H:%M:%S%.6f+08:00").to_string();
        }
        let mut out = String::with_capacity(32);
        push_digits(&mut out, year as u32, 4, '-');
        push_digits(&mut out, local.month(), 2, '-');
        push_digits(&mut out, local.day(), 2, 'T');
        push_digits(&mut out, local.hour(), 2, ':');
        push_digits(&mut out, local.minute(), 2, ':');
        push_digits(&mut out, local.second(), 2, '.');
        push_digits(&mut out, micros, 6, '+');
        out.push_str("08:00");
        out
    }
}

/// `value` as exactly `width` decimal digits (zero-padded), then `after`.
fn push_digits(out: &mut String, value: u32, width: u32, after: char) {
    for place in (0..width).rev() {
        let digit = value / 10u32.pow(place) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
    out.push(after);
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_rfc3339())
    }
}

impl fmt::Debug for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Timestamp({})", self.to_rfc3339())
    }
}

impl FromStr for Timestamp {
    type Err = TimestampError;
    fn from_str(s: &str) -> Result<Self, TimestampError> {
        Timestamp::parse(s)
    }
}

impl TryFrom<String> for Timestamp {
    type Error = TimestampError;
    fn try_from(s: String) -> Result<Self, TimestampError> {
        Timestamp::parse(&s)
    }
}

impl From<Timestamp> for String {
    fn from(t: Timestamp) -> String {
        t.to_rfc3339()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_text_is_what_chrono_writes() {
        // Instants spread over 1970–2100, with and without microseconds.
        let mut seconds: i64 = 0;
        for i in 0..20_000i64 {
            seconds = (seconds + 7_919 * 3_607 + i * 13) % 4_102_444_800;
            let micros = (i * 7_777) % 1_000_000 * i64::from(i % 3 != 0);
            let at = DateTime::from_timestamp(seconds, (micros * 1000) as u32).expect("in range");
            let t = Timestamp::from_datetime(&at);
            let chrono_text = t
                .to_shanghai()
                .format("%Y-%m-%dT%H:%M:%S%.6f+08:00")
                .to_string();
            assert_eq!(t.to_rfc3339(), chrono_text);
            assert_eq!(Timestamp::parse(&chrono_text), Ok(t));
        }
    }

    #[test]
    fn dates_are_shanghai_dates() {
        // 17:00 UTC on 1 March is 01:00 on 2 March in Yangquan.
        let t = Timestamp::parse("2026-03-01T17:00:00Z").expect("valid");
        assert_eq!(t.date(), NaiveDate::from_ymd_opt(2026, 3, 2).expect("date"));
        assert_eq!(t.to_rfc3339(), "2026-03-02T01:00:00.000000+08:00");
    }

    #[test]
    fn truncates_to_microseconds_and_round_trips() {
        let t = Timestamp::parse("2026-03-01T09:30:00.123456789+08:00").expect("valid");
        assert_eq!(t.to_rfc3339(), "2026-03-01T09:30:00.123456+08:00");
        let json = serde_json::to_string(&t).expect("serialise");
        assert_eq!(json, "\"2026-03-01T09:30:00.123456+08:00\"");
        assert_eq!(serde_json::from_str::<Timestamp>(&json).expect("parse"), t);
        let local = NaiveDate::from_ymd_opt(2026, 3, 1)
            .and_then(|d| d.and_hms_opt(9, 30, 0))
            .expect("time");
        assert_eq!(
            Timestamp::from_shanghai(local),
            Timestamp::parse("2026-03-01T01:30:00Z").ok()
        );
    }

    #[test]
    fn refuses_non_rfc3339() {
        let err = Timestamp::parse("2026-03-01 09:30").expect_err("no offset");
        assert!(err.to_string().contains("RFC 3339"));
    }
}
