//! Application-generated ids (no database sequences, so a distributed engine can
//! shard without a rewrite): microseconds since the Unix epoch, bumped to stay
//! strictly increasing inside the process. A bulk post may run ahead of the
//! clock by its row count in microseconds, which is harmless; it starts above
//! the highest id already stored so a restart with a slower clock cannot reuse one.

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

#[derive(Debug)]
pub struct IdGen {
    last: AtomicI64,
}

impl IdGen {
    pub fn starting_after(highest_stored: i64) -> Self {
        IdGen {
            last: AtomicI64::new(highest_stored),
        }
    }

    /// Reserves `count` consecutive ids and returns the first.
    pub fn reserve(&self, count: i64) -> i64 {
        let now = now_micros();
        let mut current = self.last.load(Ordering::Relaxed);
        loop {
            let first = current.max(now - 1) + 1;
            let last = first + count - 1;
            match self.last.compare_exchange_weak(
                current,
                last,
                Ordering::AcqRel,
                Ordering::Relaxed,
            ) {
                Ok(_) => return first,
                Err(seen) => current = seen,
            }
        }
    }
}

pub fn now_micros() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reservations_never_overlap() {
        let ids = IdGen::starting_after(0);
        let a = ids.reserve(1000);
        let b = ids.reserve(1);
        let c = ids.reserve(5);
        assert!(b >= a + 1000);
        assert!(c > b);
        let ahead = IdGen::starting_after(i64::MAX / 2);
        assert_eq!(ahead.reserve(1), i64::MAX / 2 + 1);
    }
}
