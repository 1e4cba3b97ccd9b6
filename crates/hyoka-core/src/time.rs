//! Instants as UTC seconds, printed as ISO 8601 text: the form timestamps
//! are stored in on both backends (sqlx's Any driver carries no date type).
//! Calendar arithmetic is jiff's; Japan's time is the fixed offset UTC+9
//! (no daylight saving), so no time-zone database is needed.
//!
//! "Now" comes from a [`Clock`] that the application injects, so tests can
//! fix it. [`SystemClock`] is the one place the operating system's clock
//! is read; the command line and the server construct it and hand it down.
//! The calendar day in Japan at an instant is
//! `hyoka_core::deadline::today_in_japan`.

use std::fmt;

use jiff::tz::Offset;

/// Japan Standard Time.
pub const JST: Offset = Offset::constant(9);

/// Seconds since 1970-01-01T00:00:00Z.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

/// Where the current time comes from.
pub trait Clock: Send + Sync {
    fn now(&self) -> Timestamp;
}

impl Timestamp {
    pub fn plus_seconds(self, s: i64) -> Timestamp {
        Timestamp(self.0 + s)
    }

    fn jiff(self) -> jiff::Timestamp {
        // Out of jiff's range (±9999 years) only for corrupt input.
        jiff::Timestamp::from_second(self.0).unwrap_or(jiff::Timestamp::UNIX_EPOCH)
    }

    /// `2026-11-21T04:28:00Z`; sorts in time order as text.
    pub fn iso(self) -> String {
        self.jiff().strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
    }

    /// Reads [`Self::iso`]'s form back (any RFC 3339 instant).
    pub fn parse_iso(s: &str) -> Option<Timestamp> {
        s.parse::<jiff::Timestamp>().ok().map(|t| Timestamp(t.as_second()))
    }

    /// The civil date and time in Japan at this instant.
    pub fn in_japan(self) -> jiff::civil::DateTime {
        JST.to_datetime(self.jiff())
    }

    /// `2019年4月1日 09:30`, in Japan's time.
    pub fn japanese(self) -> String {
        self.in_japan().strftime("%Y年%-m月%-d日 %H:%M").to_string()
    }

    /// `2019-04-01 09:30`, in Japan's time (compact, for tables).
    pub fn japan_compact(self) -> String {
        self.in_japan().strftime("%Y-%m-%d %H:%M").to_string()
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.iso())
    }
}

/// The operating system's clock: the only reader of the current time.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp(jiff::Timestamp::now().as_second())
    }
}

/// A clock that always reads the same instant, for tests and replays.
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub Timestamp);

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_round_trips() {
        for t in [0, 1_584_000_000, 1_795_000_000, 951_782_400] {
            let ts = Timestamp(t);
            assert_eq!(Timestamp::parse_iso(&ts.iso()), Some(ts));
        }
        assert_eq!(Timestamp(0).iso(), "1970-01-01T00:00:00Z");
        assert_eq!(Timestamp(951_782_400).iso(), "2000-02-29T00:00:00Z");
        assert_eq!(Timestamp::parse_iso("2020-13-01T00:00:00Z"), None);
        assert_eq!(Timestamp::parse_iso("not a time"), None);
    }

    #[test]
    fn japan_is_nine_hours_ahead() {
        let t = Timestamp::parse_iso("2019-03-31T15:30:00Z").unwrap();
        assert_eq!(t.japanese(), "2019年4月1日 00:30");
        assert_eq!(t.japan_compact(), "2019-04-01 00:30");
        assert_eq!(crate::deadline::today_in_japan(t).iso(), "2019-04-01");
        assert_eq!(crate::deadline::today_in_japan(t.plus_seconds(-1801)).iso(), "2019-03-31");
    }

    #[test]
    fn the_system_clock_reads_the_present() {
        assert!(SystemClock.now() > Timestamp::parse_iso("2024-01-01T00:00:00Z").unwrap());
    }
}
