//! Deposit interest (结息) for member accounts, from the ledger:
//!
//! - [`settle`]: the yearly settlement on 30 June, page by page, resumable;
//! - [`adjust`]: postings valued in a settled year (利息调整), and the
//!   interest paid when an account closes (销户结息);
//! - [`statement`]: the member's year worked out line by line, and its export.
//!
//! Every credit is a balanced entry: the interest Dr 41101 / Cr 201 (business
//! type C09), the flexible-worker subsidy Dr its policy account (41104) / Cr
//! 201 (C16). What an account is owed for a year is always "worked out from
//! the history, less what was credited for that year", so adjusting twice, or
//! settling after a closing credit, pays nothing more.

mod adjust;
mod export;
mod notice;
mod settle;
mod statement;

/// A settlement run as recorded, as the use cases hand it out.
pub use anju_store::InterestRunRecord;
pub use settle::{ACCOUNTS_PER_PAGE, SettleOptions, SettlementRun, check_year_ended};
pub use statement::{StatementLine, StatementRange};

use crate::{App, AppResult};
use anju_domain::interest::{
    Movement, RateSpan, YearInterest, rate_spans, subsidy_of, year_interest,
};
use anju_domain::ledger::{IdempotencyKey, Line, MemberBalance, MemberId, NewEntry, Side};
use anju_domain::policy::{DepositInterest, InterestMethod};
use anju_domain::{Date, DomainError, Fen, InterestYear};

/// Business type of interest credits (年终结息) and of the subsidy (local).
pub const INTEREST_TYPE: &str = "C09";
pub const SUBSIDY_TYPE: &str = "C16";

/// What a year pays an account: its interest and the flexible-worker subsidy.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Due {
    pub interest: Fen,
    pub subsidy: Fen,
}

impl Due {
    pub fn is_zero(&self) -> bool {
        self.interest == Fen::ZERO && self.subsidy == Fen::ZERO
    }

    pub fn checked_sub(self, other: Due) -> AppResult<Due> {
        Ok(Due {
            interest: self.interest.checked_sub(other.interest)?,
            subsidy: self.subsidy.checked_sub(other.subsidy)?,
        })
    }

    pub fn checked_add(self, other: Due) -> AppResult<Due> {
        Ok(Due {
            interest: self.interest.checked_add(other.interest)?,
            subsidy: self.subsidy.checked_add(other.subsidy)?,
        })
    }
}

/// The rules of one interest year, fixed for a run: those in force on its
/// 30 June, and the rate spans over it.
pub(crate) struct YearRules {
    pub year: InterestYear,
    pub rules: DepositInterest,
    pub spans: Vec<RateSpan>,
}

impl YearRules {
    pub fn of(app: &App, year: InterestYear) -> AppResult<Self> {
        let series = &app.policy().deposit_interest;
        Ok(YearRules {
            year,
            rules: series.at(year.last_day()?)?.value.clone(),
            spans: rate_spans(series, year)?,
        })
    }

    /// Whether the kept state can give this account's interest directly.
    pub fn fast(&self, state: &MemberBalance) -> bool {
        state.year == self.year
            && self.spans.len() == 1
            && matches!(self.rules.method, InterestMethod::A | InterestMethod::B)
    }

    /// The exact interest from the kept state: A on the balance-days, B on
    /// the balance brought forward (the annual rate) plus the movements' product.
    pub fn exact_of_state(&self, state: &MemberBalance) -> AppResult<(i128, i128)> {
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
        Ok((numerator, per_day))
    }

    /// Interest and (for a flexible worker) subsidy on an exact interest.
    pub fn due_of(&self, exact: (i128, i128), flexible: bool) -> AppResult<Due> {
        let percent = if flexible {
            self.rules.flexible_subsidy_percent
        } else {
            0
        };
        Ok(Due {
            interest: self.rules.rounding.apply(exact.0, exact.1)?,
            subsidy: subsidy_of(exact, percent, self.rules.rounding)?,
        })
    }
}

/// One account's year from its history: the lines, what they pay, and what
/// has been credited for the year already.
pub struct AccountYear {
    pub worked: YearInterest,
    pub due: Due,
    pub credited: Due,
}

impl AccountYear {
    /// What is still owed (negative when too much was credited).
    pub fn owed(&self) -> AppResult<Due> {
        self.due.checked_sub(self.credited)
    }
}

/// A movement read back from the history, with its kind.
pub(crate) struct HistoryMovement {
    pub movement: Movement,
    pub business_type: String,
    pub memo: String,
}

impl HistoryMovement {
    fn is_interest(&self) -> bool {
        self.business_type == INTEREST_TYPE || self.business_type == SUBSIDY_TYPE
    }
}

impl App {
    /// One account's year worked out from its history up to `through` (the
    /// year's 30 June, or a closing day), with what was credited for it.
    /// Interest credits valued on the year's 30 June are the year's result,
    /// not its movements; a closing credit inside the year is a movement
    /// (the closing withdrawal that follows takes it out again). `closing`
    /// is the balance a closing withdrawal on `through` would take out.
    pub(crate) async fn account_year(
        &self,
        member: MemberId,
        rules: &YearRules,
        through: Date,
        closing: Option<Fen>,
        flexible: bool,
    ) -> AppResult<AccountYear> {
        let first = rules.year.first_day()?;
        let last = rules.year.last_day()?;
        let opening = self
            .ledger_port()
            .member_balance_as_of(member, first.add_days(-1)?)
            .await?;
        let history = self.movements_in(member, first, through).await?;
        let credited = credited_by(&history)?;
        let mut movements: Vec<Movement> = history
            .iter()
            .filter(|m| !(m.is_interest() && m.movement.value_date == last))
            .map(|m| m.movement)
            .collect();
        if let Some(balance) = closing {
            movements.push(Movement {
                value_date: through,
                amount: Fen::new(-balance.get()),
            });
        }
        let worked = year_interest(
            rules.rules.method,
            rules.year,
            opening,
            &movements,
            &rules.spans,
            rules.rules.day_basis,
            rules.rules.rounding,
        )?;
        let due = rules.due_of(worked.exact()?, flexible)?;
        Ok(AccountYear {
            worked,
            due,
            credited,
        })
    }

    /// Whether the member had signed a flexible-worker agreement by `day`.
    pub(crate) async fn is_flexible(&self, member: MemberId, day: Date) -> AppResult<bool> {
        Ok(!self
            .interest_port()
            .flexible_members_between(member.0, member.0, day)
            .await?
            .is_empty())
    }

    /// The member's movements with value dates in `[first, last]`.
    pub(crate) async fn movements_in(
        &self,
        member: MemberId,
        first: Date,
        last: Date,
    ) -> AppResult<Vec<HistoryMovement>> {
        let mut found = Vec::new();
        let mut cursor = None;
        loop {
            let page = self
                .ledger_port()
                .member_movements(member, cursor, 1_000)
                .await?;
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
                        business_type: m.business_type.clone(),
                        memo: m.memo.clone(),
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

/// Σ of the interest (C09) and subsidy (C16) credits among `history`.
pub(crate) fn credited_by(history: &[HistoryMovement]) -> AppResult<Due> {
    let mut credited = Due::default();
    for m in history {
        if m.business_type == INTEREST_TYPE {
            credited.interest = credited.interest.checked_add(m.movement.amount)?;
        } else if m.business_type == SUBSIDY_TYPE {
            credited.subsidy = credited.subsidy.checked_add(m.movement.amount)?;
        }
    }
    Ok(credited)
}

/// The entries that credit (or, for a negative amount, take back) interest
/// and subsidy for some accounts: one C09 entry against 41101 and one C16
/// entry against the subsidy account, each only if it has lines. `key` is
/// completed with `-i` and `-s`.
pub(crate) fn interest_entries(
    rules: &YearRules,
    value_date: Date,
    key: &str,
    memo: &str,
    credits: &[(MemberId, Due)],
) -> AppResult<Vec<NewEntry>> {
    let interest: Vec<(MemberId, Fen)> = credits.iter().map(|(m, d)| (*m, d.interest)).collect();
    let subsidy: Vec<(MemberId, Fen)> = credits.iter().map(|(m, d)| (*m, d.subsidy)).collect();
    let mut entries = Vec::new();
    let parts = [
        (INTEREST_TYPE, "41101", "i", memo.to_string(), interest),
        (
            SUBSIDY_TYPE,
            rules.rules.flexible_subsidy_account.as_str(),
            "s",
            format!("{memo}（灵活就业利息补贴）"),
            subsidy,
        ),
    ];
    for (business_type, expense, suffix, memo, amounts) in parts {
        if let Some(lines) = credit_lines(expense, &amounts)? {
            let key = IdempotencyKey::parse(&format!("{key}-{suffix}"))?;
            entries.push(
                NewEntry::new(business_type, value_date, key, &memo, lines)
                    .map_err(|e: DomainError| -> crate::AppError { e.into() })?,
            );
        }
    }
    Ok(entries)
}

/// Cr 201 each member (Dr for a negative amount), balanced on `expense`;
/// `None` when every amount is zero.
fn credit_lines(expense: &str, amounts: &[(MemberId, Fen)]) -> AppResult<Option<Vec<Line>>> {
    let mut lines = Vec::new();
    let (mut paid, mut taken) = (Fen::ZERO, Fen::ZERO);
    for (member, fen) in amounts {
        if fen.is_positive() {
            paid = paid.checked_add(*fen)?;
            lines.push(Line::credit("201", *fen).for_member(*member));
        } else if fen.is_negative() {
            let back = Fen::new(-fen.get());
            taken = taken.checked_add(back)?;
            lines.push(Line::debit("201", back).for_member(*member));
        }
    }
    if lines.is_empty() {
        return Ok(None);
    }
    if paid.is_positive() {
        lines.insert(0, Line::debit(expense, paid));
    }
    if taken.is_positive() {
        lines.insert(0, Line::credit(expense, taken));
    }
    Ok(Some(lines))
}

#[cfg(test)]
mod tests;

#[cfg(test)]
mod adjust_tests;
