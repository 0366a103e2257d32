//! The one place that reads the wall clock. Use cases take the business date
//! as a parameter; the web layer asks the application's [`Clock`] for today
//! and the CLI's defaults read [`today_in_china`].

use anju_domain::Date;
use std::time::{SystemTime, UNIX_EPOCH};

/// Today's civil date in China (UTC+8).
pub fn today_in_china() -> Date {
    let seconds = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0);
    Date::today_from_unix_seconds(seconds)
}

/// Where "today" comes from. The web layer and demos ask the application's
/// clock rather than the wall clock, so tests and demos can pin the date.
pub trait Clock: Send + Sync {
    fn today(&self) -> Date;
}

/// The wall clock, read as today's date in China.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn today(&self) -> Date {
        today_in_china()
    }
}

/// A clock that always reads the same business date (tests, demos).
#[derive(Debug, Clone, Copy)]
pub struct FixedClock(pub Date);

impl Clock for FixedClock {
    fn today(&self) -> Date {
        self.0
    }
}

/// Microseconds since the Unix epoch (booking times, sessions, audit rows).
pub fn now_micros() -> i64 {
    anju_store::now_micros()
}

/// The civil date in China of an instant in microseconds.
pub fn date_of_micros(us: i64) -> Date {
    Date::today_from_unix_seconds(us.div_euclid(1_000_000))
}
