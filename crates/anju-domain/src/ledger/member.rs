//! The member sub-ledger state that moves with every posting: the balance and
//! the balance-days product (积数) of the current interest year.
//!
//! The product is kept *to the year end*: a movement of `a` fen with value date
//! `d` adds `a × (days from d to 30 June inclusive)`, and the balance brought
//! forward counts every day of the year. At any time the product therefore
//! equals Σ over the year's days of the end-of-day balance, assuming nothing
//! else moves — method A's product — and method B's movement product is
//! `product − opening × days in year`. Order of arrival does not matter, so a
//! posting that arrives late (a back payment) lands exactly.

use super::entry::{NewEntry, Side};
use crate::calendar::{Date, InterestYear};
use crate::error::{DomainError, DomainResult};
use crate::money::Fen;
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct MemberId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MemberBalance {
    pub balance: Fen,
    /// The interest year the product belongs to.
    pub year: InterestYear,
    /// Balance brought forward into `year` (value dates before 1 July).
    pub year_opening: Fen,
    /// Σ end-of-day balance over `year`, in fen-days, projected to 30 June.
    pub product_fen_days: i64,
}

impl MemberBalance {
    /// A new, empty account opened on `date`.
    pub fn opened(date: Date) -> Self {
        MemberBalance {
            balance: Fen::ZERO,
            year: date.interest_year(),
            year_opening: Fen::ZERO,
            product_fen_days: 0,
        }
    }

    /// The state seen from a later interest year with no movement since: the
    /// whole balance is brought forward and held every day.
    pub fn rolled_to(self, year: InterestYear) -> DomainResult<Self> {
        if year <= self.year {
            return Ok(self);
        }
        Ok(MemberBalance {
            balance: self.balance,
            year,
            year_opening: self.balance,
            product_fen_days: times_days(self.balance, year.length_days()?)?,
        })
    }

    /// Applies one signed movement (credit to the member positive) with its
    /// value date. A value date before the current year counts the whole year
    /// (the money was there on 1 July); the earlier year's interest effect is
    /// the interest module's business, from the posting history.
    pub fn apply(self, amount: Fen, value_date: Date, allow_negative: bool) -> DomainResult<Self> {
        let mut next = self.rolled_to(value_date.interest_year())?;
        let first_day = next.year.first_day()?;
        let days_held = if value_date < first_day {
            next.year_opening = next.year_opening.checked_add(amount)?;
            next.year.length_days()?
        } else {
            value_date.days_until(next.year.last_day()?) + 1
        };
        next.balance = next.balance.checked_add(amount)?;
        next.product_fen_days = next
            .product_fen_days
            .checked_add(times_days(amount, days_held)?)
            .ok_or_else(product_overflow)?;
        if next.balance.is_negative() && !allow_negative {
            return Err(DomainError::new(
                "BALANCE_INSUFFICIENT",
                format!("个人账户余额不足：入账后余额将为 {}", next.balance),
            ));
        }
        Ok(next)
    }

    /// Method B's product of this year's movements (excluding the balance
    /// brought forward).
    pub fn movement_product_fen_days(self) -> DomainResult<i64> {
        let opening = times_days(self.year_opening, self.year.length_days()?)?;
        Ok(self.product_fen_days - opening)
    }
}

fn times_days(amount: Fen, days: i64) -> DomainResult<i64> {
    amount.get().checked_mul(days).ok_or_else(product_overflow)
}

fn product_overflow() -> DomainError {
    DomainError::new("PRODUCT_OVERFLOW", "积数超出系统允许的范围")
}

/// What a line does to its member: credit on 201 adds, debit subtracts.
pub fn member_delta(entry: &NewEntry) -> impl Iterator<Item = (MemberId, Fen)> + '_ {
    entry.lines.iter().filter_map(|line| {
        line.member().map(|m| {
            let signed = match line.side {
                Side::Credit => line.amount,
                Side::Debit => Fen::new(-line.amount.get()),
            };
            (m, signed)
        })
    })
}

/// Applies entries in order to the member states they touch, exactly as posting
/// them one by one would. `states` must hold every touched member; the first
/// refusal names the entry's position and leaves the caller to discard `states`.
pub fn apply_to_members<'a>(
    states: &mut HashMap<MemberId, MemberBalance>,
    entries: impl IntoIterator<Item = &'a NewEntry>,
    allow_negative: bool,
) -> Result<(), (usize, DomainError)> {
    for (index, entry) in entries.into_iter().enumerate() {
        for (member, amount) in member_delta(entry) {
            let state = states.get(&member).copied().ok_or_else(|| {
                (
                    index,
                    DomainError::new("MEMBER_NOT_FOUND", format!("个人账户 {} 不存在", member.0)),
                )
            })?;
            let next = state
                .apply(amount, entry.value_date, allow_negative)
                .map_err(|e| (index, e))?;
            states.insert(member, next);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(t: &str) -> Date {
        Date::parse(t).expect(t)
    }

    /// business-rules §2: ¥50,000 on 2024-07-01, ¥2,400 on the 10th of every
    /// month 2024-07-10 … 2025-06-10, ¥20,000 out on 2025-03-15. Product
    /// 21,504,400.00 yuan-days (method A); movements 3,254,400 (method B).
    #[test]
    fn worked_example_products() {
        let mut state = MemberBalance::opened(d("2024-06-01"))
            .apply(Fen::new(5_000_000), d("2024-06-01"), false)
            .expect("opening");
        let months = [
            "2024-07-10",
            "2024-08-10",
            "2024-09-10",
            "2024-10-10",
            "2024-11-10",
            "2024-12-10",
            "2025-01-10",
            "2025-02-10",
            "2025-03-10",
            "2025-04-10",
            "2025-05-10",
            "2025-06-10",
        ];
        for m in months {
            state = state.apply(Fen::new(240_000), d(m), false).expect("credit");
        }
        state = state
            .apply(Fen::new(-2_000_000), d("2025-03-15"), false)
            .expect("debit");
        assert_eq!(state.year, InterestYear::ending(2025));
        assert_eq!(state.year_opening, Fen::new(5_000_000));
        assert_eq!(state.product_fen_days, 2_150_440_000);
        assert_eq!(state.movement_product_fen_days(), Ok(325_440_000));
        assert_eq!(state.balance, Fen::new(5_880_000));
    }

    #[test]
    fn overdraft_refused_unless_allowed() {
        let state = MemberBalance::opened(d("2026-01-01"));
        assert_eq!(
            state
                .apply(Fen::new(-1), d("2026-01-02"), false)
                .map_err(|e| e.code()),
            Err("BALANCE_INSUFFICIENT")
        );
        assert_eq!(
            state
                .apply(Fen::new(-1), d("2026-01-02"), true)
                .map(|s| s.balance),
            Ok(Fen::new(-1))
        );
    }

    #[test]
    fn backdated_movement_counts_the_whole_current_year() {
        let state = MemberBalance::opened(d("2026-08-01"))
            .apply(Fen::new(100), d("2026-08-01"), false)
            .and_then(|s| s.apply(Fen::new(10), d("2026-03-01"), false))
            .expect("moves");
        // 2026-07-01 … 2027-06-30 is 365 days; 2026-08-01 … 2027-06-30 is 334.
        assert_eq!(state.year_opening, Fen::new(10));
        assert_eq!(state.product_fen_days, 100 * 334 + 10 * 365);
    }
}
