//! Deposit interest (结息) for one account and one interest year (1 July –
//! 30 June), by the policy's method (business-rules §2), worked out line by
//! line so a member can redo the sum by hand:
//!
//! - **A**: Σ over every day of the end-of-day balance × rate / 360 — the
//!   brought-forward balance held every day of the year, each movement from its
//!   value date to 30 June inclusive.
//! - **B** (Suzhou): the brought-forward balance × the annual rate, plus each
//!   movement × days held × rate / 360.
//! - **C**: as B, counting days 30/360.
//!
//! A rate that changes inside the year splits every line at the change. Every
//! line's interest is kept exact (a fraction over one common denominator) and
//! only the year's total is rounded, half-up to the fen as the policy says.

use crate::calendar::{Date, InterestYear};
use crate::error::{DomainError, DomainResult};
use crate::money::{Fen, Rounding};
use crate::policy::{DepositInterest, InterestMethod, Series};
use crate::rate::RatePpm;

/// A movement of the account in the year: credit positive, with its value date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    pub value_date: Date,
    pub amount: Fen,
}

/// Rates in force from `from` until the next span starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateSpan {
    pub from: Date,
    /// On this year's movements.
    pub current_year: RatePpm,
    /// On the balance brought forward.
    pub brought_forward: RatePpm,
}

/// One line of the worked-out interest.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InterestLine {
    /// `None` for the balance brought forward; the movement's value date otherwise.
    pub value_date: Option<Date>,
    pub amount: Fen,
    /// The days this line counts, from `from` to `to` inclusive.
    pub from: Date,
    pub to: Date,
    pub days: i64,
    pub rate: RatePpm,
    /// `amount × days` in fen-days (积数).
    pub product_fen_days: i128,
    /// What the days are divided by: the day basis (360), or — for method B
    /// and C's brought-forward balance, which earns the annual rate — the
    /// days of the year.
    pub per_days: i64,
}

impl InterestLine {
    /// This line's interest in fen, unrounded: `product × rate / per_days`.
    pub fn interest_exact(&self) -> (i128, i128) {
        (
            self.product_fen_days * i128::from(self.rate.ppm()),
            1_000_000 * i128::from(self.per_days),
        )
    }
}

/// The year's interest with its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearInterest {
    pub method: InterestMethod,
    pub year: InterestYear,
    pub opening: Fen,
    pub lines: Vec<InterestLine>,
    /// Σ line products (for A, the year's balance-days).
    pub product_fen_days: i128,
    /// The year's interest, rounded once.
    pub interest: Fen,
}

impl YearInterest {
    /// The year's interest before rounding, as (numerator, denominator) in fen.
    pub fn exact(&self) -> DomainResult<(i128, i128)> {
        exact_sum(&self.lines)
    }
}

/// The rate spans of `series` over `year`: the version in force on 1 July and
/// every version that starts inside the year.
pub fn rate_spans(
    series: &Series<DepositInterest>,
    year: InterestYear,
) -> DomainResult<Vec<RateSpan>> {
    let (first, last) = (year.first_day()?, year.last_day()?);
    let opening = series.at(first)?;
    let mut spans = vec![RateSpan {
        from: first,
        current_year: opening.value.rate_current_year,
        brought_forward: opening.value.rate_brought_forward,
    }];
    for version in series.versions() {
        if version.effective_from > first && version.effective_from <= last {
            spans.push(RateSpan {
                from: version.effective_from,
                current_year: version.value.rate_current_year,
                brought_forward: version.value.rate_brought_forward,
            });
        }
    }
    Ok(spans)
}

/// Days from `from` to `to` inclusive, counted 30/360 (a 31st counts as the 30th).
pub fn days_30_360_inclusive(from: Date, to: Date) -> i64 {
    let (y1, m1, d1) = from.ymd();
    let (y2, m2, d2) = to.ymd();
    let (d1, d2) = (i64::from(d1.min(30)), i64::from(d2.min(30)));
    (i64::from(y2) - i64::from(y1)) * 360 + (i64::from(m2) - i64::from(m1)) * 30 + (d2 - d1) + 1
}

/// The parts of `[from, last]` under each rate span: (start, end, span).
fn segments(
    spans: &[RateSpan],
    from: Date,
    last: Date,
) -> DomainResult<Vec<(Date, Date, RateSpan)>> {
    let mut out = Vec::new();
    for (i, span) in spans.iter().enumerate() {
        let end = match spans.get(i + 1) {
            Some(next) => next.from.add_days(-1)?,
            None => last,
        };
        let start = span.from.max(from);
        if start <= end {
            out.push((start, end.min(last), *span));
        }
    }
    Ok(out)
}

fn bad_movement(date: Date, year: InterestYear) -> DomainError {
    DomainError::new(
        "MOVEMENT_OUTSIDE_YEAR",
        format!(
            "起息日 {date} 不在结息年度 {}—{} 内",
            year.first_day().map(|d| d.to_string()).unwrap_or_default(),
            year.last_day().map(|d| d.to_string()).unwrap_or_default()
        ),
    )
}

/// Works out one account's interest for `year`.
pub fn year_interest(
    method: InterestMethod,
    year: InterestYear,
    opening: Fen,
    movements: &[Movement],
    spans: &[RateSpan],
    day_basis: i64,
    rounding: Rounding,
) -> DomainResult<YearInterest> {
    let (first, last) = (year.first_day()?, year.last_day()?);
    if spans.first().is_none_or(|s| s.from > first) || day_basis <= 0 {
        return Err(DomainError::new("RATE_MISSING", "结息年度初没有适用的利率"));
    }
    let year_days = year.length_days()?;
    let mut lines = Vec::new();
    if opening.get() != 0 {
        for (from, to, span) in segments(spans, first, last)? {
            let days = from.days_until(to) + 1;
            let per_days = if method == InterestMethod::A {
                day_basis
            } else {
                year_days
            };
            lines.push(InterestLine {
                value_date: None,
                amount: opening,
                from,
                to,
                days,
                rate: span.brought_forward,
                product_fen_days: i128::from(opening.get()) * i128::from(days),
                per_days,
            });
        }
    }
    let mut sorted = movements.to_vec();
    sorted.sort_by_key(|m| m.value_date);
    for m in &sorted {
        if m.value_date < first || m.value_date > last {
            return Err(bad_movement(m.value_date, year));
        }
        for (from, to, span) in segments(spans, m.value_date, last)? {
            let days = match method {
                InterestMethod::C => days_30_360_inclusive(from, to),
                _ => from.days_until(to) + 1,
            };
            lines.push(InterestLine {
                value_date: Some(m.value_date),
                amount: m.amount,
                from,
                to,
                days,
                rate: span.current_year,
                product_fen_days: i128::from(m.amount.get()) * i128::from(days),
                per_days: day_basis,
            });
        }
    }
    let interest = total(&lines, rounding)?;
    Ok(YearInterest {
        method,
        year,
        opening,
        product_fen_days: lines.iter().map(|l| l.product_fen_days).sum(),
        lines,
        interest,
    })
}

/// Σ of the lines' exact interest over one common denominator, rounded once.
fn total(lines: &[InterestLine], rounding: Rounding) -> DomainResult<Fen> {
    let (numerator, denominator) = exact_sum(lines)?;
    rounding.apply(numerator, denominator)
}

/// Σ of the lines' exact interest as one fraction (numerator, denominator) in fen.
fn exact_sum(lines: &[InterestLine]) -> DomainResult<(i128, i128)> {
    let common: i128 = lines.iter().map(|l| i128::from(l.per_days)).fold(1, lcm);
    let mut numerator: i128 = 0;
    for line in lines {
        let (n, d) = line.interest_exact();
        let scale = (1_000_000 * common) / d;
        numerator = n
            .checked_mul(scale)
            .and_then(|v| numerator.checked_add(v))
            .ok_or_else(overflow)?;
    }
    Ok((numerator, 1_000_000 * common))
}

fn overflow() -> DomainError {
    DomainError::new("INTEREST_OVERFLOW", "利息计算超出系统允许的范围")
}

/// The flexible-worker subsidy on an exact interest `numerator / denominator`:
/// `percent`% of it, rounded once (so the subsidy is worked from the same
/// product as the interest, not from the rounded interest).
pub fn subsidy_of(
    (numerator, denominator): (i128, i128),
    percent: i64,
    rounding: Rounding,
) -> DomainResult<Fen> {
    if percent == 0 {
        return Ok(Fen::ZERO);
    }
    let scaled = numerator
        .checked_mul(i128::from(percent))
        .ok_or_else(overflow)?;
    rounding.apply(scaled, denominator.checked_mul(100).ok_or_else(overflow)?)
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 { a.abs() } else { gcd(b, a % b) }
}

fn lcm(a: i128, b: i128) -> i128 {
    if a == 0 || b == 0 {
        return a.max(b);
    }
    a / gcd(a, b) * b
}

/// A product in fen-days as yuan-days, exactly (`2150440000` → `21504400.00`),
/// for statements and the calculator.
pub fn yuan_days(product_fen_days: i128) -> String {
    let sign = if product_fen_days < 0 { "-" } else { "" };
    let abs = product_fen_days.unsigned_abs();
    format!("{sign}{}.{:02}", abs / 100, abs % 100)
}

/// 积数 for people to read, grouped like amounts: "24,838,438.04" (files
/// keep [`yuan_days`]).
pub fn yuan_days_text(product_fen_days: i128) -> String {
    let sign = if product_fen_days < 0 { "-" } else { "" };
    let abs = product_fen_days.unsigned_abs();
    let whole = crate::money::thousands(&(abs / 100).to_string());
    format!("{sign}{whole}.{:02}", abs % 100)
}

/// Reads movements from CSV with the header `value_date,amount_fen` (a
/// calculator input): `2024-07-10,240000`. Every bad row is refused by number.
pub fn parse_movements_csv(bytes: &[u8]) -> DomainResult<Vec<Movement>> {
    let text = std::str::from_utf8(bytes)
        .map_err(|_| DomainError::new("FILE_ENCODING", "文件不是 UTF-8 编码"))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(text.strip_prefix('\u{feff}').unwrap_or(text).as_bytes());
    let headers = reader
        .headers()
        .map_err(|_| DomainError::new("FILE_FORMAT", "无法读取表头"))?
        .clone();
    if headers.iter().collect::<Vec<_>>() != ["value_date", "amount_fen"] {
        return Err(DomainError::new(
            "FILE_COLUMN_MISSING",
            "表头须为：value_date,amount_fen",
        ));
    }
    let mut movements = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        let bad = |what: &str| DomainError::new("ROW_INVALID", format!("第 {row} 行{what}"));
        let record = record.map_err(|_| bad("格式无法识别"))?;
        let value_date = Date::parse(record.get(0).unwrap_or(""))
            .map_err(|e| bad(&format!("起息日无效：{}", e.message())))?;
        let amount = record
            .get(1)
            .unwrap_or("")
            .parse::<i64>()
            .map_err(|_| bad("金额应为整数分"))?;
        movements.push(Movement {
            value_date,
            amount: Fen::new(amount),
        });
    }
    Ok(movements)
}

#[cfg(test)]
mod tests;
