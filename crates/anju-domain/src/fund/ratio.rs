//! Exact ratios for indicators. An indicator is a quotient of two whole
//! numbers (fen or counts); keeping it as a fraction means comparisons with a
//! target are exact and rounding happens once, only when it is shown.

use crate::error::{DomainError, DomainResult};
use std::cmp::Ordering;

/// Decimals accepted in typed-in numbers (targets, manual inputs).
const MAX_DECIMALS: usize = 4;

/// A fraction `num / den` in lowest terms with `den > 0`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    pub num: i128,
    pub den: i128,
}

impl Ratio {
    /// None when den == 0 (an indicator over nothing is "no data", not 0).
    pub fn new(num: i128, den: i128) -> Option<Ratio> {
        if den == 0 {
            return None;
        }
        // Lowest terms and a positive denominator make `==` mean "same value".
        let g = gcd(num, den).max(1);
        let sign = den.signum();
        Some(Ratio {
            num: sign * num / g,
            den: sign * den / g,
        })
    }

    /// A whole number as a ratio.
    pub fn from_int(n: i128) -> Ratio {
        Ratio { num: n, den: 1 }
    }

    /// Parts per million as a ratio (thresholds in policy are ppm).
    pub fn from_ppm(ppm: i64) -> Ratio {
        Ratio::new(i128::from(ppm), 1_000_000).unwrap_or(Ratio::from_int(0))
    }

    /// Parses decimal text as typed: `5230000`, `5.0`, `-0.015`, at most four
    /// decimals, no exponent or grouping (no floats: the digits are scaled).
    pub fn parse_decimal(text: &str) -> DomainResult<Ratio> {
        let bad = || {
            DomainError::new(
                "DECIMAL_FORMAT",
                format!("数值“{text}”格式不正确：请填写最多四位小数的数字"),
            )
        };
        let (negative, body) = match text.trim().strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.trim()),
        };
        let (int_part, frac_part) = body.split_once('.').unwrap_or((body, ""));
        let ok = !int_part.is_empty()
            // 15 digits: a ÷ b of two such inputs stays well inside i128
            // through the comparisons.
            && int_part.len() <= 15
            && frac_part.len() <= MAX_DECIMALS
            && !body.ends_with('.')
            && int_part
                .bytes()
                .chain(frac_part.bytes())
                .all(|b| b.is_ascii_digit());
        if !ok {
            return Err(bad());
        }
        let digits = int_part.bytes().chain(frac_part.bytes());
        let value = digits.fold(0i128, |acc, b| acc * 10 + i128::from(b - b'0'));
        let scale = 10i128.pow(frac_part.len() as u32);
        Ratio::new(if negative { -value } else { value }, scale).ok_or_else(bad)
    }

    /// `self ÷ other`; None when `other` is zero.
    pub fn checked_div(self, other: Ratio) -> Option<Ratio> {
        Ratio::new(self.num * other.den, self.den * other.num)
    }

    /// Parts per million, half-up (away from zero for negatives).
    pub fn ppm(self) -> i64 {
        clamp_i64(div_half_away(self.num * 1_000_000, self.den))
    }

    /// "69.76%" with `dp` decimals, half-up.
    pub fn percent_text(self, dp: u32) -> String {
        format!("{}%", self.scaled_text(100, dp))
    }

    /// "0.012‰" with `dp` decimals, half-up.
    pub fn permille_text(self, dp: u32) -> String {
        format!("{}‰", self.scaled_text(1_000, dp))
    }

    /// self − 1 (growth from a quotient).
    pub fn minus_one(self) -> Ratio {
        Ratio::new(self.num - self.den, self.den).unwrap_or(self)
    }

    /// The value × `unit` (100 for percent) with `dp` decimals, rounded once.
    fn scaled_text(self, unit: i128, dp: u32) -> String {
        let pow = 10i128.pow(dp);
        let scaled = div_half_away(self.num * unit * pow, self.den);
        decimal_text(scaled, dp)
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Cross-multiplication is exact because both denominators are positive.
impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        (self.num * other.den).cmp(&(other.num * self.den))
    }
}

/// `scaled` hundredths (for dp = 2) as "12.34", "-0.05", grouping none.
pub(crate) fn decimal_text(scaled: i128, dp: u32) -> String {
    let sign = if scaled < 0 { "-" } else { "" };
    let abs = scaled.unsigned_abs();
    if dp == 0 {
        return format!("{sign}{abs}");
    }
    let pow = 10u128.pow(dp);
    format!(
        "{sign}{}.{:0width$}",
        abs / pow,
        abs % pow,
        width = dp as usize
    )
}

/// Division rounding half away from zero (四舍五入); `den` must be positive.
pub(crate) fn div_half_away(num: i128, den: i128) -> i128 {
    let quotient = num / den;
    let remainder = (num % den).abs();
    if remainder * 2 >= den {
        quotient + num.signum()
    } else {
        quotient
    }
}

/// Indicators of real funds are far inside `i64` ppm; saturate rather than wrap.
fn clamp_i64(value: i128) -> i64 {
    i64::try_from(value).unwrap_or(if value < 0 { i64::MIN } else { i64::MAX })
}

fn gcd(a: i128, b: i128) -> i128 {
    let (mut a, mut b) = (a.abs(), b.abs());
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(num: i128, den: i128) -> Ratio {
        Ratio::new(num, den).expect("den ≠ 0")
    }

    #[test]
    fn normalises_and_refuses_zero_denominator() {
        assert_eq!(Ratio::new(1, 0), None);
        assert_eq!(r(2, -4), Ratio { num: -1, den: 2 });
        assert_eq!(r(0, 5), Ratio { num: 0, den: 1 });
        assert!(r(1, 3) < r(34, 100));
        assert_eq!(r(3, 2).minus_one(), r(1, 2));
    }

    #[test]
    fn rounds_half_away_from_zero_once() {
        // 58369 / 83670 = 0.697609...: 69.76%, 697_610 ppm.
        assert_eq!(r(58_369, 83_670).percent_text(2), "69.76%");
        assert_eq!(r(58_369, 83_670).ppm(), 697_610);
        assert_eq!(r(1, 8).percent_text(1), "12.5%");
        assert_eq!(r(1, 16).percent_text(1), "6.3%");
        assert_eq!(r(-1, 16).percent_text(1), "-6.3%");
        assert_eq!(r(-1, 2_000_000).ppm(), -1);
        assert_eq!(r(12, 1_000_000).permille_text(3), "0.012‰");
        assert_eq!(r(1, 3).percent_text(0), "33%");
    }

    #[test]
    fn parses_decimals_without_floats() {
        assert_eq!(Ratio::parse_decimal("5.0"), Ok(r(5, 1)));
        assert_eq!(Ratio::parse_decimal("0.015"), Ok(r(15, 1000)));
        assert_eq!(Ratio::parse_decimal("-34.12"), Ok(r(-3412, 100)));
        for bad in ["", "1e3", "1,000", "1.", ".5", "1.23456", "+1", "一"] {
            assert_eq!(
                Ratio::parse_decimal(bad).map_err(|e| e.code()),
                Err("DECIMAL_FORMAT"),
                "{bad}"
            );
        }
    }
}
