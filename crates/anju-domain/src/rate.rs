//! Exact annual rates in parts per million (1.50% = 15_000 ppm; 2.525% = 25_250).
//! Every rate the rules use has at most four decimals of a percent, so ppm holds
//! them exactly and integer arithmetic stays exact.

use crate::error::{DomainError, DomainResult};
use std::fmt;

/// Percent decimals a rate may carry: 4 decimals of a percent = 1 ppm.
const MAX_PERCENT_DECIMALS: usize = 4;
/// Rates above 100% a year are never valid in this domain.
const MAX_RATE_PPM: i64 = 1_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RatePpm(i64);

impl RatePpm {
    pub const ZERO: RatePpm = RatePpm(0);

    pub fn new(ppm: i64) -> DomainResult<Self> {
        if (0..=MAX_RATE_PPM).contains(&ppm) {
            Ok(RatePpm(ppm))
        } else {
            Err(bad_rate(&ppm.to_string()))
        }
    }

    pub const fn ppm(self) -> i64 {
        self.0
    }

    /// Parses a percentage written as people do: `1.5`, `1.50`, `2.525`, `12`
    /// (meaning 12%), with an optional trailing `%`. At most four decimals.
    pub fn parse_percent(text: &str) -> DomainResult<Self> {
        let body = text.strip_suffix('%').unwrap_or(text);
        let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
        let int_ok = !int_part.is_empty() && int_part.len() <= 3;
        let frac_ok = frac_part.len() <= MAX_PERCENT_DECIMALS && !(body.ends_with('.'));
        let digits_ok = int_part
            .bytes()
            .chain(frac_part.bytes())
            .all(|b| b.is_ascii_digit());
        if !(int_ok && frac_ok && digits_ok) {
            return Err(bad_rate(text));
        }
        let mut ppm: i64 = 0;
        for b in int_part.bytes() {
            ppm = ppm * 10 + i64::from(b - b'0');
        }
        for i in 0..MAX_PERCENT_DECIMALS {
            let digit = frac_part
                .as_bytes()
                .get(i)
                .map_or(0, |b| i64::from(b - b'0'));
            ppm = ppm * 10 + digit;
        }
        RatePpm::new(ppm).map_err(|_| bad_rate(text))
    }

    /// The same rate scaled by `percent_of / 100` (e.g. a 30% subsidy of the
    /// deposit rate, or a 50% penalty markup added on top), exact or refused.
    pub fn scaled_percent(self, percent_of: i64) -> DomainResult<Self> {
        let scaled = self
            .0
            .checked_mul(percent_of)
            .ok_or_else(|| bad_rate("overflow"))?;
        if scaled % 100 != 0 {
            return Err(DomainError::new(
                "RATE_INEXACT",
                "利率换算结果不是整数百万分率",
            ));
        }
        RatePpm::new(scaled / 100)
    }
}

/// `1.50%`, `2.525%`: at least two decimals, more only where the rate has them.
impl fmt::Display for RatePpm {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let whole = self.0 / 10_000;
        let mut frac = format!("{:04}", self.0 % 10_000);
        while frac.len() > 2 && frac.ends_with('0') {
            frac.pop();
        }
        write!(f, "{whole}.{frac}%")
    }
}

fn bad_rate(text: &str) -> DomainError {
    DomainError::new(
        "RATE_FORMAT",
        format!("利率“{text}”格式不正确：请填写百分数，最多四位小数，如 1.50"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_percent_exactly() {
        assert_eq!(RatePpm::parse_percent("1.50").map(RatePpm::ppm), Ok(15_000));
        assert_eq!(RatePpm::parse_percent("1.5%").map(RatePpm::ppm), Ok(15_000));
        assert_eq!(
            RatePpm::parse_percent("2.525").map(RatePpm::ppm),
            Ok(25_250)
        );
        assert_eq!(
            RatePpm::parse_percent("3.075").map(RatePpm::ppm),
            Ok(30_750)
        );
        assert_eq!(RatePpm::parse_percent("12").map(RatePpm::ppm), Ok(120_000));
        assert_eq!(RatePpm::parse_percent("0.0001").map(RatePpm::ppm), Ok(1));
        assert_eq!(
            RatePpm::parse_percent("100").map(RatePpm::ppm),
            Ok(1_000_000)
        );
    }

    #[test]
    fn refuses_bad_rates() {
        for bad in [
            "", "%", "1.23456", "-1", "1e2", "101", "abc", "1.", ".5", "1,5", "1000",
        ] {
            assert_eq!(
                RatePpm::parse_percent(bad).map_err(|e| e.code()),
                Err("RATE_FORMAT"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn displays_minimal_decimals() {
        assert_eq!(RatePpm(15_000).to_string(), "1.50%");
        assert_eq!(RatePpm(25_250).to_string(), "2.525%");
        assert_eq!(RatePpm(1).to_string(), "0.0001%");
        assert_eq!(RatePpm(120_000).to_string(), "12.00%");
    }

    #[test]
    fn scales_exactly_or_refuses() {
        // Flexible-worker subsidy: 30% of 1.50% = 0.45%.
        assert_eq!(
            RatePpm(15_000).scaled_percent(30).map(RatePpm::ppm),
            Ok(4_500)
        );
        // Penalty: contract rate × 150%.
        assert_eq!(
            RatePpm(26_000).scaled_percent(150).map(RatePpm::ppm),
            Ok(39_000)
        );
        assert!(RatePpm(1).scaled_percent(33).is_err());
    }
}
