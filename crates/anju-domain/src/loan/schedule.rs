//! Repayment schedules (还款计划) for both methods, exactly as business rules §4:
//! monthly rate i = annual / 12; each period's interest = round(outstanding × i)
//! half-up to the fen; 等额本息 pays A = P·i·(1+i)^n / ((1+i)^n − 1) rounded
//! half-up, 等额本金 pays round(P / n) of principal; the last period pays all
//! that is left. The annuity is computed over big integers so it is the exact
//! rational value rounded once, never a float.

use crate::calendar::{Date, days_in_month};
use crate::error::{DomainError, DomainResult};
use crate::money::{Fen, Rounding};
use crate::rate::RatePpm;
use num_bigint::BigInt;
use num_traits::ToPrimitive;

/// ppm per unit times 12 months: the monthly rate is `ppm / MONTHLY_DIVISOR`.
pub const MONTHLY_DIVISOR: i128 = 12 * 1_000_000;
/// The longest term the arithmetic accepts (policy caps terms lower).
pub const MAX_MONTHS: u32 = 600;

/// 还款方式.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Method {
    /// 等额本息: equal installments.
    Annuity,
    /// 等额本金: equal principal.
    EqualPrincipal,
}

impl Method {
    pub fn parse(text: &str) -> DomainResult<Self> {
        match text {
            "annuity" => Ok(Method::Annuity),
            "equal-principal" | "equal_principal" => Ok(Method::EqualPrincipal),
            _ => Err(DomainError::new(
                "LOAN_METHOD_UNKNOWN",
                format!("还款方式“{text}”无效（可选 annuity 等额本息、equal-principal 等额本金）"),
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Method::Annuity => "annuity",
            Method::EqualPrincipal => "equal-principal",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Method::Annuity => "等额本息",
            Method::EqualPrincipal => "等额本金",
        }
    }
}

/// One period of a schedule. `outstanding` is what is left after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Installment {
    pub period: u32,
    pub due_date: Option<Date>,
    pub payment: Fen,
    pub principal: Fen,
    pub interest: Fen,
    pub outstanding: Fen,
}

/// What a schedule adds up to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ScheduleTotals {
    pub payment: Fen,
    pub principal: Fen,
    pub interest: Fen,
}

/// One month's interest on an outstanding principal, half-up to the fen.
pub fn monthly_interest(outstanding: Fen, rate: RatePpm) -> DomainResult<Fen> {
    Rounding::HalfUpFen.apply(
        i128::from(outstanding.get()) * i128::from(rate.ppm()),
        MONTHLY_DIVISOR,
    )
}

fn check_terms(principal: Fen, months: u32) -> DomainResult<()> {
    if !principal.is_positive() {
        return Err(DomainError::new(
            "LOAN_PRINCIPAL_INVALID",
            "贷款金额必须大于零",
        ));
    }
    if months == 0 || months > MAX_MONTHS {
        return Err(DomainError::new(
            "LOAN_TERM_INVALID",
            format!("贷款期限必须在 1 至 {MAX_MONTHS} 个月之间"),
        ));
    }
    Ok(())
}

/// 等额本息 installment A, the exact rational rounded half-up to the fen.
/// With D = 12,000,000 and r the rate in ppm, i = r / D and
/// A = P·r·(D + r)^n / (D·((D + r)^n − D^n)).
pub fn annuity_payment(principal: Fen, months: u32, rate: RatePpm) -> DomainResult<Fen> {
    check_terms(principal, months)?;
    if rate.ppm() == 0 {
        return Rounding::HalfUpFen.apply(i128::from(principal.get()), i128::from(months));
    }
    let d = BigInt::from(MONTHLY_DIVISOR);
    let r = BigInt::from(rate.ppm());
    let grown = num_traits::pow(&d + &r, months as usize);
    let base = num_traits::pow(d.clone(), months as usize);
    let numerator = BigInt::from(principal.get()) * &r * &grown;
    let denominator = d * (grown - base);
    big_half_up(numerator, denominator)
}

/// Half-up division of two positive big integers into fen.
fn big_half_up(numerator: BigInt, denominator: BigInt) -> DomainResult<Fen> {
    let quotient = &numerator / &denominator;
    let remainder = numerator % &denominator;
    let rounded = if remainder * 2 >= denominator {
        quotient + 1
    } else {
        quotient
    };
    rounded
        .to_i64()
        .map(Fen::new)
        .ok_or_else(|| DomainError::new("AMOUNT_OVERFLOW", "金额超出系统允许的范围"))
}

/// The largest principal whose 等额本息 installment stays within `payment`:
/// floor(payment·D·((D + r)^n − D^n) / (r·(D + r)^n)).
pub fn annuity_principal_for(payment: Fen, months: u32, rate: RatePpm) -> DomainResult<Fen> {
    if payment.is_negative() || months == 0 || months > MAX_MONTHS {
        return Err(DomainError::new("LOAN_TERM_INVALID", "月还款额或期限无效"));
    }
    let floor_of = |n: BigInt, d: BigInt| {
        (n / d)
            .to_i64()
            .map(Fen::new)
            .ok_or_else(|| DomainError::new("AMOUNT_OVERFLOW", "金额超出系统允许的范围"))
    };
    if rate.ppm() == 0 {
        return floor_of(
            BigInt::from(payment.get()) * BigInt::from(months),
            BigInt::from(1),
        );
    }
    let d = BigInt::from(MONTHLY_DIVISOR);
    let r = BigInt::from(rate.ppm());
    let grown = num_traits::pow(&d + &r, months as usize);
    let base = num_traits::pow(d.clone(), months as usize);
    floor_of(
        BigInt::from(payment.get()) * &d * (&grown - base),
        r * grown,
    )
}

/// The largest principal whose first 等额本金 installment (the largest) stays
/// within `payment`: P/n + P·i ≤ payment ⇒ P ≤ payment·n·D / (D + n·r).
pub fn equal_principal_for(payment: Fen, months: u32, rate: RatePpm) -> DomainResult<Fen> {
    if payment.is_negative() || months == 0 || months > MAX_MONTHS {
        return Err(DomainError::new("LOAN_TERM_INVALID", "月还款额或期限无效"));
    }
    let n = i128::from(months);
    let top = i128::from(payment.get()) * n * MONTHLY_DIVISOR;
    let bottom = MONTHLY_DIVISOR + n * i128::from(rate.ppm());
    i64::try_from(top / bottom)
        .map(Fen::new)
        .map_err(|_| DomainError::new("AMOUNT_OVERFLOW", "金额超出系统允许的范围"))
}

/// A full schedule from period `first_period`, due monthly after `start`
/// (the disbursement or the last due date) when given.
pub fn schedule(
    principal: Fen,
    months: u32,
    rate: RatePpm,
    method: Method,
    start: Option<Date>,
) -> DomainResult<Vec<Installment>> {
    schedule_from(principal, months, rate, method, start, 1)
}

/// As [`schedule`], numbering periods from `first_period` (a re-amortised
/// remainder keeps the loan's period numbers).
pub fn schedule_from(
    principal: Fen,
    months: u32,
    rate: RatePpm,
    method: Method,
    start: Option<Date>,
    first_period: u32,
) -> DomainResult<Vec<Installment>> {
    check_terms(principal, months)?;
    let level = match method {
        Method::Annuity => annuity_payment(principal, months, rate)?,
        Method::EqualPrincipal => {
            Rounding::HalfUpFen.apply(i128::from(principal.get()), i128::from(months))?
        }
    };
    let mut outstanding = principal;
    let mut rows = Vec::with_capacity(months as usize);
    for k in 1..=months {
        let interest = monthly_interest(outstanding, rate)?;
        let wanted = match method {
            Method::Annuity => level.checked_sub(interest)?,
            Method::EqualPrincipal => level,
        };
        let principal_part = if k == months {
            outstanding
        } else {
            wanted.max(Fen::ZERO).min(outstanding)
        };
        outstanding = outstanding.checked_sub(principal_part)?;
        rows.push(Installment {
            period: first_period + k - 1,
            due_date: start.map(|s| add_months(s, k)).transpose()?,
            payment: principal_part.checked_add(interest)?,
            principal: principal_part,
            interest,
            outstanding,
        });
    }
    Ok(rows)
}

pub fn totals(rows: &[Installment]) -> DomainResult<ScheduleTotals> {
    let mut t = ScheduleTotals {
        payment: Fen::ZERO,
        principal: Fen::ZERO,
        interest: Fen::ZERO,
    };
    for r in rows {
        t.payment = t.payment.checked_add(r.payment)?;
        t.principal = t.principal.checked_add(r.principal)?;
        t.interest = t.interest.checked_add(r.interest)?;
    }
    Ok(t)
}

/// The same day `months` later, or the month's last day when it is shorter
/// (a loan disbursed on 31 January is due on 28 or 29 February).
pub fn add_months(date: Date, months: u32) -> DomainResult<Date> {
    let (y, m, d) = date.ymd();
    let index = i64::from(y) * 12 + i64::from(m - 1) + i64::from(months);
    let year = i32::try_from(index.div_euclid(12))
        .map_err(|_| DomainError::new("DATE_INVALID", "日期超出范围"))?;
    let month = u32::try_from(index.rem_euclid(12) + 1)
        .map_err(|_| DomainError::new("DATE_INVALID", "日期超出范围"))?;
    Date::from_ymd(year, month, d.min(days_in_month(year, month)))
}

/// After a partial prepayment (提前部分还款) the borrower keeps the term and
/// pays less each month, or keeps the installment and finishes sooner.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AfterPrepayment {
    LowerInstallment,
    ShorterTerm,
}

impl AfterPrepayment {
    pub fn parse(text: &str) -> DomainResult<Self> {
        match text {
            "lower-installment" => Ok(AfterPrepayment::LowerInstallment),
            "shorter-term" => Ok(AfterPrepayment::ShorterTerm),
            _ => Err(DomainError::new(
                "PREPAY_CHOICE_UNKNOWN",
                "请选择“月供减少”或“期限缩短”",
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            AfterPrepayment::LowerInstallment => "lower-installment",
            AfterPrepayment::ShorterTerm => "shorter-term",
        }
    }
}

/// The months left after a partial prepayment. Shorter term keeps the
/// installment (等额本息: the fewest months whose installment is no more
/// than the current one; 等额本金: the monthly principal kept, rounded up).
pub fn months_after_prepayment(
    outstanding: Fen,
    remaining_months: u32,
    rate: RatePpm,
    method: Method,
    level: Fen,
    choice: AfterPrepayment,
) -> DomainResult<u32> {
    check_terms(outstanding, remaining_months)?;
    if choice == AfterPrepayment::LowerInstallment || !level.is_positive() {
        return Ok(remaining_months);
    }
    match method {
        Method::EqualPrincipal => {
            let months = (outstanding.get() + level.get() - 1) / level.get();
            Ok(u32::try_from(months)
                .unwrap_or(remaining_months)
                .clamp(1, remaining_months))
        }
        Method::Annuity => {
            // The installment falls as the term grows: binary search.
            let (mut low, mut high) = (1u32, remaining_months);
            while low < high {
                let mid = low + (high - low) / 2;
                if annuity_payment(outstanding, mid, rate)? <= level {
                    high = mid;
                } else {
                    low = mid + 1;
                }
            }
            Ok(low)
        }
    }
}
