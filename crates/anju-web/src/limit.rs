//! A fixed-window counter per client address: enough to blunt password
//! spraying against the sign-in form (the account lockout covers guessing
//! one account).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Addresses tracked before the table is swept of expired windows.
const SWEEP_AT: usize = 10_000;

pub struct RateLimiter {
    limit: u32,
    window: Duration,
    seen: Mutex<HashMap<String, (Instant, u32)>>,
}

impl RateLimiter {
    pub fn per_minute(limit: u32) -> Self {
        RateLimiter {
            limit,
            window: Duration::from_secs(60),
            seen: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt; false when the address is over its limit.
    pub fn allow(&self, key: &str, now: Instant) -> bool {
        let Ok(mut seen) = self.seen.lock() else {
            return true;
        };
        if seen.len() >= SWEEP_AT {
            let window = self.window;
            seen.retain(|_, (start, _)| now.duration_since(*start) < window);
        }
        let slot = seen.entry(key.to_string()).or_insert((now, 0));
        if now.duration_since(slot.0) >= self.window {
            *slot = (now, 0);
        }
        slot.1 += 1;
        slot.1 <= self.limit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_address_and_window() {
        let limiter = RateLimiter::per_minute(3);
        let t = Instant::now();
        assert!((0..3).all(|_| limiter.allow("1.2.3.4", t)));
        assert!(!limiter.allow("1.2.3.4", t));
        assert!(
            limiter.allow("5.6.7.8", t),
            "other addresses are not affected"
        );
        assert!(
            limiter.allow("1.2.3.4", t + Duration::from_secs(61)),
            "a new window"
        );
    }
}
