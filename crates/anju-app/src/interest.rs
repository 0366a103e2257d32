//! 年度结息: the yearly settlement on 30 June. Every member account is read a
//! page at a time (by member id); each page's interest is posted as one
//! balanced entry — Dr 41101 (利息支出) / Cr 201 for each member — valued on
//! 30 June, keyed by the year and the page's first account. A run that stops
//! part way is resumed by running it again: pages whose key is already posted
//! are skipped, so nothing is credited twice.
//!
//! Fast path: an account whose kept state is for the settled year is worked
//! out from its balance brought forward and balance-days (method A or B, one
//! rate over the year). Any other account — one that has moved in a later
//! year, a year with a rate change, method C — is worked out from its history
//! with `anju_domain::interest::year_interest`, line by line.

use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::interest::{Movement, RateSpan, YearInterest, rate_spans, year_interest};
use anju_domain::ledger::{IdempotencyKey, Line, MemberBalance, MemberId, NewEntry, Side};
use anju_domain::policy::{DepositInterest, InterestMethod};
use anju_domain::{Date, DomainError, Fen, InterestYear};

/// Accounts per page (and so member lines per entry at most).
pub const ACCOUNTS_PER_PAGE: u32 = 1_000;

/// How a run goes: page size, and (for tests of resuming) a stop after some pages.
#[derive(Debug, Clone, Copy)]
pub struct SettleOptions {
    pub accounts_per_page: u32,
    pub stop_after_pages: Option<u64>,
}

impl Default for SettleOptions {
    fn default() -> Self {
        SettleOptions {
            accounts_per_page: ACCOUNTS_PER_PAGE,
            stop_after_pages: None,
        }
    }
}

/// What a settlement run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SettlementRun {
    pub accounts: u64,
    pub credited: u64,
    pub pages_posted: u64,
    pub pages_already_settled: u64,
    /// Accounts worked out from their history rather than their kept state.
    pub from_history: u64,
    pub interest: Fen,
}

/// The rules of the year, fixed for a run.
struct YearRules {
    year: InterestYear,
    rules: DepositInterest,
    spans: Vec<RateSpan>,
}

impl YearRules {
    /// Whether the kept state can give this account's interest directly.
    fn fast(&self, state: &MemberBalance) -> bool {
        state.year == self.year
            && self.spans.len() == 1
            && matches!(self.rules.method, InterestMethod::A | InterestMethod::B)
    }

    /// Interest from the kept state: A on the balance-days, B on the balance
    /// brought forward (the annual rate) plus the movements' product.
    fn interest_of_state(&self, state: &MemberBalance) -> AppResult<Fen> {
        let span = self.spans[0];
        let per_day = 1_000_000 * i128::from(self.rules.day_basis);
        let year_days = i128::from(self.year.length_days()?);
        let opening = i128::from(state.year_opening.get());
        let moved = i128::from(state.movement_product_fen_days()?);
        let bf = i128::from(span.brought_forward.ppm());
        let cy = i128::from(span.current_year.ppm());
        let numerator = match self.rules.method {
            InterestMethod::A => opening * year_days * bf + moved * cy,
            _ => opening * bf * i128::from(self.rules.day_basis) + moved * cy,
        };
        Ok(self.rules.rounding.apply(numerator, per_day)?)
    }
}

impl App {
    /// Settles `year` (credited on its 30 June) over every account.
    pub async fn settle_interest(
        &self,
        actor: &Actor,
        year: InterestYear,
        options: SettleOptions,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> AppResult<SettlementRun> {
        let result = self.try_settle(year, options, progress).await;
        let target = format!("interest:{}", year.end_year());
        self.audited(actor, "interest.settle", &target, b"", result)
            .await
    }

    async fn try_settle(
        &self,
        year: InterestYear,
        options: SettleOptions,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> AppResult<SettlementRun> {
        let last = year.last_day()?;
        let series = &self.policy().deposit_interest;
        let rules = YearRules {
            year,
            rules: series.at(last)?.value.clone(),
            spans: rate_spans(series, year)?,
        };
        let mut run = SettlementRun::default();
        let mut after = 0;
        let mut pages = 0u64;
        loop {
            if options.stop_after_pages.is_some_and(|stop| pages >= stop) {
                break;
            }
            let states = self
                .store()
                .member_states_after(after, options.accounts_per_page.max(1))
                .await?;
            let Some((first, _)) = states.first().copied() else {
                break;
            };
            after = states.last().map_or(after, |(m, _)| m.0);
            pages += 1;
            run.accounts += states.len() as u64;
            let key = format!("interest-{}-p{}", year.end_year(), first.0);
            if !self
                .store()
                .posted_keys(std::slice::from_ref(&key))
                .await?
                .is_empty()
            {
                run.pages_already_settled += 1;
                progress(run.accounts);
                continue;
            }
            let mut credits = Vec::new();
            for (member, state) in &states {
                // An account quiet since an earlier year brings its balance forward.
                let rolled = state.rolled_to(year)?;
                let interest = if rules.fast(&rolled) {
                    rules.interest_of_state(&rolled)?
                } else {
                    run.from_history += 1;
                    self.interest_from_history(*member, &rules).await?
                };
                if interest.is_positive() {
                    credits.push((*member, interest));
                }
            }
            if !credits.is_empty() {
                let entry = settlement_entry(year, last, &key, &credits)?;
                self.post_entry(entry).await?;
                run.pages_posted += 1;
                run.credited += credits.len() as u64;
                for (_, fen) in &credits {
                    run.interest = run.interest.checked_add(*fen)?;
                }
            }
            progress(run.accounts);
        }
        Ok(run)
    }

    /// One account's year from its posting history (the slow, exact path).
    async fn interest_from_history(&self, member: MemberId, rules: &YearRules) -> AppResult<Fen> {
        Ok(self.worked_year(member, rules).await?.interest)
    }

    async fn worked_year(&self, member: MemberId, rules: &YearRules) -> AppResult<YearInterest> {
        let first = rules.year.first_day()?;
        let opening = self
            .store()
            .member_balance_as_of(member, first.add_days(-1)?)
            .await?;
        // The year's own settlement credit is its result, not a movement of it.
        let movements: Vec<Movement> = self
            .movements_in(member, first, rules.year.last_day()?)
            .await?
            .into_iter()
            .filter(|m| !m.settlement)
            .map(|m| m.movement)
            .collect();
        Ok(year_interest(
            rules.rules.method,
            rules.year,
            opening,
            &movements,
            &rules.spans,
            rules.rules.day_basis,
            rules.rules.rounding,
        )?)
    }

    /// 结息明细: a member's year worked out line by line from the history,
    /// with the policy's method and rates — what the statement page shows and
    /// `anju interest calc` reproduces — and the interest credited for the
    /// year if it has been settled.
    pub async fn interest_statement(
        &self,
        member: MemberId,
        year: InterestYear,
    ) -> AppResult<(YearInterest, Option<Fen>)> {
        let series = &self.policy().deposit_interest;
        let rules = YearRules {
            year,
            rules: series.at(year.last_day()?)?.value.clone(),
            spans: rate_spans(series, year)?,
        };
        let worked = self.worked_year(member, &rules).await?;
        let mut credited = None;
        let last = year.last_day()?;
        for m in self.movements_in(member, last, last).await? {
            if m.settlement {
                credited = Some(
                    credited
                        .unwrap_or(Fen::ZERO)
                        .checked_add(m.movement.amount)?,
                );
            }
        }
        Ok((worked, credited))
    }

    /// The member's movements with value dates in `[first, last]`, each
    /// marked when it is a yearly settlement credit (business type C09).
    async fn movements_in(
        &self,
        member: MemberId,
        first: Date,
        last: Date,
    ) -> AppResult<Vec<HistoryMovement>> {
        let mut found = Vec::new();
        let mut cursor = None;
        loop {
            let page = self.store().member_movements(member, cursor, 1_000).await?;
            for m in &page.items {
                if m.value_date >= first && m.value_date <= last {
                    let amount = match m.side {
                        Side::Credit => m.amount,
                        Side::Debit => Fen::new(-m.amount.get()),
                    };
                    found.push(HistoryMovement {
                        movement: Movement {
                            value_date: m.value_date,
                            amount,
                        },
                        settlement: m.business_type == "C09",
                    });
                }
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        Ok(found)
    }
}

/// A movement read back from the history.
struct HistoryMovement {
    movement: Movement,
    settlement: bool,
}

/// Dr 41101 the page's total / Cr 201 each member, valued on 30 June.
fn settlement_entry(
    year: InterestYear,
    last: Date,
    key: &str,
    credits: &[(MemberId, Fen)],
) -> AppResult<NewEntry> {
    let total = credits
        .iter()
        .try_fold(Fen::ZERO, |acc, (_, f)| acc.checked_add(*f))?;
    let mut lines = vec![Line::debit("41101", total)];
    lines.extend(
        credits
            .iter()
            .map(|(m, fen)| Line::credit("201", *fen).for_member(*m)),
    );
    let memo = format!("{} 年度结息", year.end_year());
    NewEntry::new("C09", last, IdempotencyKey::parse(key)?, &memo, lines)
        .map_err(|e: DomainError| e.into())
}

#[cfg(test)]
mod tests;
