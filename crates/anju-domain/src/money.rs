//! Money. Every amount is a whole number of 分 (`Fen`, an `i64`); arithmetic is
//! checked so an overflow is an error, never a wrap. Products that can exceed
//! `i64` (amount × days, amount × rate) are formed in `i128` by the caller and
//! brought back through [`Rounding`].

use crate::error::{DomainError, DomainResult};
use std::fmt;

/// Longest accepted integer part of a yuan amount. 13 digits is ¥9.99 trillion,
/// well past any fund, and keeps every accepted value far inside `i64` fen.
const MAX_YUAN_DIGITS: usize = 13;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Fen(i64);

impl Fen {
    pub const ZERO: Fen = Fen(0);

    pub const fn new(fen: i64) -> Self {
        Fen(fen)
    }

    pub const fn get(self) -> i64 {
        self.0
    }

    pub fn from_yuan(yuan: i64) -> DomainResult<Self> {
        yuan.checked_mul(100).map(Fen).ok_or_else(overflow)
    }

    pub fn checked_add(self, other: Fen) -> DomainResult<Fen> {
        self.0.checked_add(other.0).map(Fen).ok_or_else(overflow)
    }

    pub fn checked_sub(self, other: Fen) -> DomainResult<Fen> {
        self.0.checked_sub(other.0).map(Fen).ok_or_else(overflow)
    }

    pub fn checked_neg(self) -> DomainResult<Fen> {
        self.0.checked_neg().map(Fen).ok_or_else(overflow)
    }

    pub fn is_positive(self) -> bool {
        self.0 > 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    /// Parses a yuan amount as people write it: `1234`, `1234.5`, `1234.56`,
    /// optionally with a leading `-`. Refuses anything else (thousands separators,
    /// exponents, more than two decimals, blanks, `+`) rather than guess.
    pub fn parse(text: &str) -> DomainResult<Self> {
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int_part, frac_part) = match body.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (body, None),
        };
        if int_part.is_empty() || !int_part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad_amount(text));
        }
        let int_digits = int_part.trim_start_matches('0');
        if int_digits.len() > MAX_YUAN_DIGITS {
            return Err(overflow());
        }
        let frac_fen = match frac_part {
            None => 0,
            Some(f) if (1..=2).contains(&f.len()) && f.bytes().all(|b| b.is_ascii_digit()) => {
                let digits: i64 = parse_digits(f);
                if f.len() == 1 { digits * 10 } else { digits }
            }
            Some(_) => return Err(bad_amount(text)),
        };
        let yuan = parse_digits(int_digits);
        let fen = yuan * 100 + frac_fen;
        Ok(Fen(if negative { -fen } else { fen }))
    }

    /// Plain yuan text without grouping: `1234.56`, `-0.05`. The inverse of `parse`.
    pub fn to_yuan_string(self) -> String {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        format!("{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// Digits already checked to be ASCII and at most 13 long, so this cannot overflow.
fn parse_digits(digits: &str) -> i64 {
    digits
        .bytes()
        .fold(0i64, |acc, b| acc * 10 + i64::from(b - b'0'))
}

/// `¥1,234.56`, `-¥0.05`: the form shown to people.
impl fmt::Display for Fen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let grouped = thousands(&(abs / 100).to_string());
        write!(f, "{sign}¥{grouped}.{:02}", abs % 100)
    }
}

/// Whole digits grouped by thousands for display: `1234567` → `1,234,567`
/// (the caller adds the sign and the decimals).
pub fn thousands(digits: &str) -> String {
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    grouped
}

fn bad_amount(text: &str) -> DomainError {
    DomainError::new(
        "AMOUNT_FORMAT",
        format!("金额“{text}”格式不正确：请填写元为单位、最多两位小数的数字，如 1234.56"),
    )
}

fn overflow() -> DomainError {
    DomainError::new("AMOUNT_OVERFLOW", "金额超出系统允许的范围")
}

/// How a fractional amount of fen becomes a whole amount. Which mode applies is
/// policy (contributions: half-up to fen or yuan, or ceiling to yuan; interest:
/// half-up to fen), so callers name it explicitly at every rounding point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rounding {
    /// 四舍五入到分: half away from zero, to the fen.
    HalfUpFen,
    /// 四舍五入到元: half away from zero, to the yuan.
    HalfUpYuan,
    /// 遇零进整: any fraction of a yuan rounds up (away from zero).
    CeilYuan,
}

impl Rounding {
    pub fn parse(text: &str) -> DomainResult<Self> {
        match text {
            "half_up_fen" => Ok(Rounding::HalfUpFen),
            "half_up_yuan" => Ok(Rounding::HalfUpYuan),
            "ceil_yuan" => Ok(Rounding::CeilYuan),
            _ => Err(DomainError::new(
                "ROUNDING_UNKNOWN",
                format!("未知的舍入方式“{text}”（可选 half_up_fen、half_up_yuan、ceil_yuan）"),
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Rounding::HalfUpFen => "half_up_fen",
            Rounding::HalfUpYuan => "half_up_yuan",
            Rounding::CeilYuan => "ceil_yuan",
        }
    }

    /// Rounds `numerator / denominator` fen (denominator > 0) to a whole `Fen`.
    pub fn apply(self, numerator: i128, denominator: i128) -> DomainResult<Fen> {
        if denominator <= 0 {
            return Err(DomainError::new("ROUNDING_DIVISOR", "舍入除数必须为正数"));
        }
        let unit: i128 = match self {
            Rounding::HalfUpFen => 1,
            Rounding::HalfUpYuan | Rounding::CeilYuan => 100,
        };
        let divisor = denominator.checked_mul(unit).ok_or_else(overflow)?;
        let units = match self {
            Rounding::HalfUpFen | Rounding::HalfUpYuan => div_half_away(numerator, divisor),
            Rounding::CeilYuan => div_away(numerator, divisor),
        };
        let fen = units.checked_mul(unit).ok_or_else(overflow)?;
        i64::try_from(fen).map(Fen).map_err(|_| overflow())
    }
}

/// Division rounding half away from zero (四舍五入), for a positive divisor.
fn div_half_away(numerator: i128, divisor: i128) -> i128 {
    let quotient = numerator / divisor;
    let remainder = (numerator % divisor).abs();
    if remainder * 2 >= divisor {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

/// Division rounding any remainder away from zero, for a positive divisor.
fn div_away(numerator: i128, divisor: i128) -> i128 {
    let quotient = numerator / divisor;
    if numerator % divisor != 0 {
        quotient + numerator.signum()
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_people_write() {
        assert_eq!(Fen::parse("1234.56"), Ok(Fen(123_456)));
        assert_eq!(Fen::parse("1234.5"), Ok(Fen(123_450)));
        assert_eq!(Fen::parse("1234"), Ok(Fen(123_400)));
        assert_eq!(Fen::parse("0.01"), Ok(Fen(1)));
        assert_eq!(Fen::parse("-0.05"), Ok(Fen(-5)));
        assert_eq!(Fen::parse("007.00"), Ok(Fen(700)));
        assert_eq!(Fen::parse("9999999999999.99"), Ok(Fen(999_999_999_999_999)));
    }

    #[test]
    fn refuses_everything_else_with_a_code() {
        for bad in [
            "", "1.234", "1e3", "1,234.56", " 1", "1 ", "+1", ".5", "5.", "-", "--1", "1.2.3",
            "¥1", "１２", "1.-5", "0x10", "NaN",
        ] {
            let err = Fen::parse(bad).expect_err(bad);
            assert_eq!(err.code(), "AMOUNT_FORMAT", "{bad:?}");
        }
        assert_eq!(
            Fen::parse("99999999999999").map_err(|e| e.code()),
            Err("AMOUNT_OVERFLOW")
        );
        assert_eq!(
            Fen::parse("92233720368547758.07").map_err(|e| e.code()),
            Err("AMOUNT_OVERFLOW")
        );
    }

    #[test]
    fn displays_with_yuan_sign_and_grouping() {
        assert_eq!(Fen(123_456).to_string(), "¥1,234.56");
        assert_eq!(Fen(0).to_string(), "¥0.00");
        assert_eq!(Fen(5).to_string(), "¥0.05");
        assert_eq!(Fen(-123_456_789).to_string(), "-¥1,234,567.89");
        assert_eq!(Fen(100_000_000).to_string(), "¥1,000,000.00");
        assert_eq!(Fen(99_999).to_string(), "¥999.99");
        assert_eq!(Fen(i64::MIN).to_string(), "-¥92,233,720,368,547,758.08");
    }

    #[test]
    fn yuan_string_round_trips() {
        for fen in [0, 1, -1, 10, 99, 100, 123_456, -987_654_321] {
            let text = Fen(fen).to_yuan_string();
            assert_eq!(Fen::parse(&text), Ok(Fen(fen)), "{text}");
        }
    }

    #[test]
    fn arithmetic_is_checked() {
        assert_eq!(Fen(1).checked_add(Fen(2)), Ok(Fen(3)));
        assert_eq!(
            Fen(i64::MAX).checked_add(Fen(1)).map_err(|e| e.code()),
            Err("AMOUNT_OVERFLOW")
        );
        assert_eq!(
            Fen(i64::MIN).checked_sub(Fen(1)).map_err(|e| e.code()),
            Err("AMOUNT_OVERFLOW")
        );
        assert!(Fen(i64::MIN).checked_neg().is_err());
    }

    #[test]
    fn rounding_modes_at_the_half() {
        // 274.55 yuan = 27455 fen exactly; 5491 × 5% in fen is 549100 × 5 / 100.
        assert_eq!(Rounding::HalfUpFen.apply(549_100 * 5, 100), Ok(Fen(27_455)));
        assert_eq!(
            Rounding::HalfUpYuan.apply(549_100 * 5, 100),
            Ok(Fen(27_500))
        );
        assert_eq!(Rounding::HalfUpFen.apply(5, 10), Ok(Fen(1)));
        assert_eq!(Rounding::HalfUpFen.apply(4, 10), Ok(Fen(0)));
        assert_eq!(Rounding::HalfUpFen.apply(-5, 10), Ok(Fen(-1)));
        assert_eq!(Rounding::HalfUpYuan.apply(14_950, 1), Ok(Fen(15_000)));
        assert_eq!(Rounding::HalfUpYuan.apply(14_949, 1), Ok(Fen(14_900)));
        assert_eq!(Rounding::CeilYuan.apply(10_001, 1), Ok(Fen(10_100)));
        assert_eq!(Rounding::CeilYuan.apply(10_000, 1), Ok(Fen(10_000)));
        assert!(Rounding::HalfUpFen.apply(1, 0).is_err());
    }
}
