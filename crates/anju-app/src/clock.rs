//! The one place that reads the wall clock. Use cases take the business date
//! as a parameter; only the edges (web handlers, CLI defaults) ask for today.

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

/// Microseconds since the Unix epoch (booking times, sessions, audit rows).
pub fn now_micros() -> i64 {
    anju_store::now_micros()
}

/// The civil date in China of an instant in microseconds.
pub fn date_of_micros(us: i64) -> Date {
    Date::today_from_unix_seconds(us.div_euclid(1_000_000))
}
