//! 结息明细 and 账户明细: what a member needs to redo the interest by hand.
//!
//! - [`App::interest_statement`]: one year worked out line by line from the
//!   history with the policy's method and rates — what the statement page
//!   shows and `anju interest calc` reproduces — and what was credited.
//! - [`App::member_statement`]: every movement of any date range with its
//!   value date, amount, balance after, the days it counts to its year's
//!   30 June and its product (积数), for the page's CSV and PDF exports.

use super::{AccountYear, INTEREST_TYPE, SUBSIDY_TYPE, YearRules};
use crate::Interest;
use crate::{App, AppResult};
use anju_domain::interest::days_30_360_inclusive;
use anju_domain::ledger::{MemberId, business_type_name};
use anju_domain::policy::InterestMethod;
use anju_domain::{Date, DomainError, Fen, InterestYear};

/// Longest range one statement covers (ten years, as a bank would cap it).
const MAX_RANGE_DAYS: i64 = 3_660;

/// One movement of a range statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    pub value_date: Date,
    pub business_type: String,
    pub business_name: &'static str,
    pub memo: String,
    /// Credit to the member positive.
    pub amount: Fen,
    pub balance: Fen,
    /// Days the amount counts to its year's 30 June (by the year's method),
    /// and `amount × days`; none for a year's interest credited on 30 June,
    /// which is the year's result rather than one of its movements.
    pub days: Option<i64>,
    pub product_fen_days: Option<i128>,
}

/// A range statement: the balance before, the movements, the balance after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRange {
    pub member: MemberId,
    pub from: Date,
    pub to: Date,
    pub opening: Fen,
    pub lines: Vec<StatementLine>,
    pub closing: Fen,
}

impl App {
    fn days_counted(
        &self,
        business_type: &str,
        value_date: Date,
        amount: Fen,
    ) -> AppResult<(Option<i64>, Option<i128>)> {
        let last = value_date.interest_year().last_day()?;
        let result = business_type == INTEREST_TYPE || business_type == SUBSIDY_TYPE;
        if result && value_date == last {
            return Ok((None, None));
        }
        let method = self.policy().deposit_interest.at(last)?.value.method;
        let days = match method {
            InterestMethod::C => days_30_360_inclusive(value_date, last),
            _ => value_date.days_until(last) + 1,
        };
        Ok((
            Some(days),
            Some(i128::from(amount.get()) * i128::from(days)),
        ))
    }
}

impl Interest<'_> {
    /// The year worked out from the member's history, with what was
    /// credited for it (interest and subsidy).
    pub async fn interest_statement(
        self,
        member: MemberId,
        year: InterestYear,
    ) -> AppResult<AccountYear> {
        let rules = YearRules::of(&self, year)?;
        let last = year.last_day()?;
        let flexible =
            rules.rules.flexible_subsidy_percent > 0 && self.is_flexible(member, last).await?;
        self.account_year(member, &rules, last, None, flexible)
            .await
    }

    /// Every movement valued in `[from, to]`, by value date.
    pub async fn member_statement(
        self,
        member: MemberId,
        from: Date,
        to: Date,
    ) -> AppResult<StatementRange> {
        if from > to || from.days_until(to) > MAX_RANGE_DAYS {
            return Err(DomainError::new(
                "STATEMENT_RANGE",
                "明细起止日期有误：起始日不能晚于截止日，且一次最多十年",
            )
            .into());
        }
        self.ledger().member_balance(member).await?;
        let opening = self
            .ledger_port()
            .member_balance_as_of(member, from.add_days(-1)?)
            .await?;
        let mut moves = self.movements_in(member, from, to).await?;
        // Stable: same-day movements keep their posting order.
        moves.sort_by_key(|m| m.movement.value_date);
        let mut balance = opening;
        let mut lines = Vec::with_capacity(moves.len());
        for m in moves {
            balance = balance.checked_add(m.movement.amount)?;
            let (days, product) =
                self.days_counted(&m.business_type, m.movement.value_date, m.movement.amount)?;
            lines.push(StatementLine {
                value_date: m.movement.value_date,
                business_name: business_type_name(&m.business_type).unwrap_or("其他"),
                business_type: m.business_type,
                memo: m.memo,
                amount: m.movement.amount,
                balance,
                days,
                product_fen_days: product,
            });
        }
        Ok(StatementRange {
            member,
            from,
            to,
            opening,
            lines,
            closing: balance,
        })
    }
}
