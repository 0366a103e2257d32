//! The centre's statements (试算平衡表, 资产负债表, 增值收益表) from GL figures.
//! Inputs are keyed by postable GL code: balances as debit − credit, period
//! movements as (debit, credit). Parents of the chart (401, 411, 214, 321) are
//! never keys; their lines sum their children.

use crate::error::DomainResult;
use crate::ledger::{CHART, gl_account};
use crate::money::Fen;
use std::collections::BTreeMap;

/// One account of the trial balance, amounts in the account's normal direction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialBalanceRow {
    pub gl_code: &'static str,
    pub name: &'static str,
    /// A parent (401, 411, 214, 321): the sum of its children, not postable.
    pub parent: bool,
    pub debit_normal: bool,
    pub opening_fen: Fen,
    pub debit_fen: Fen,
    pub credit_fen: Fen,
    pub closing_fen: Fen,
}

/// 试算平衡表: every chart account in chart order, parents included.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialBalance {
    pub rows: Vec<TrialBalanceRow>,
    /// Σ period debits over postable accounts (parents would count twice).
    pub total_debit_fen: Fen,
    pub total_credit_fen: Fen,
    /// Period debits equal credits and the opening balances net to zero.
    pub balanced: bool,
}

/// One line of a statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementLine {
    /// The GL code; empty for the computed line "本年未结转收支".
    pub gl_code: &'static str,
    pub name: &'static str,
    pub amount_fen: Fen,
}

/// 资产负债表 at a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BalanceSheet {
    pub assets: Vec<StatementLine>,
    pub liabilities: Vec<StatementLine>,
    pub funds: Vec<StatementLine>,
    pub total_assets_fen: Fen,
    pub total_liabilities_and_funds_fen: Fen,
    pub balanced: bool,
}

/// 增值收益表 for a period.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncomeStatement {
    pub income: Vec<StatementLine>,
    pub expense: Vec<StatementLine>,
    pub income_total_fen: Fen,
    pub expense_total_fen: Fen,
    /// Income − expense; negative in a loss year.
    pub value_added_fen: Fen,
}

const ASSETS: &[&str] = &["101", "102", "111", "119", "121", "122", "124"];
const LIABILITIES: &[&str] = &["201", "211", "214", "219"];
const FUNDS: &[&str] = &["301", "311", "321"];
/// The computed funds line for income and expense not yet closed to 311.
pub const UNCLOSED_NAME: &str = "本年未结转收支";

/// The trial balance of a period from its opening balances and movements.
pub fn trial_balance(
    opening: &BTreeMap<String, Fen>,
    movement: &BTreeMap<String, (Fen, Fen)>,
) -> DomainResult<TrialBalance> {
    check_codes(opening.keys().chain(movement.keys()))?;
    let mut rows = Vec::with_capacity(CHART.len());
    let (mut total_debit, mut total_credit, mut opening_net) = (Fen::ZERO, Fen::ZERO, Fen::ZERO);
    for account in CHART {
        let parent = is_parent(account.code);
        let net = sum_balance(opening, account.code)?;
        let (debit, credit) = sum_movement(movement, account.code)?;
        let normal = account.class.debit_normal();
        let opening_fen = if normal { net } else { net.checked_neg()? };
        let change = if normal {
            debit.checked_sub(credit)?
        } else {
            credit.checked_sub(debit)?
        };
        if !parent {
            total_debit = total_debit.checked_add(debit)?;
            total_credit = total_credit.checked_add(credit)?;
            opening_net = opening_net.checked_add(net)?;
        }
        rows.push(TrialBalanceRow {
            gl_code: account.code,
            name: account.name,
            parent,
            debit_normal: normal,
            opening_fen,
            debit_fen: debit,
            credit_fen: credit,
            closing_fen: opening_fen.checked_add(change)?,
        });
    }
    Ok(TrialBalance {
        rows,
        total_debit_fen: total_debit,
        total_credit_fen: total_credit,
        balanced: total_debit == total_credit && opening_net == Fen::ZERO,
    })
}

/// 资产负债表 from closing balances (debit − credit) at a date.
pub fn balance_sheet(closing: &BTreeMap<String, Fen>) -> DomainResult<BalanceSheet> {
    check_codes(closing.keys())?;
    let assets = lines(closing, ASSETS, false)?;
    let liabilities = lines(closing, LIABILITIES, true)?;
    let mut funds = lines(closing, FUNDS, true)?;
    // Income and expense stay in 401/411 until the F03 transfer; until then
    // they are part of the funds, or the sheet could not balance mid-year.
    let unclosed = sum_balance(closing, "401")?
        .checked_add(sum_balance(closing, "411")?)?
        .checked_neg()?;
    funds.push(StatementLine {
        gl_code: "",
        name: UNCLOSED_NAME,
        amount_fen: unclosed,
    });
    let total_assets = total(&assets)?;
    let total_other = total(&liabilities)?.checked_add(total(&funds)?)?;
    Ok(BalanceSheet {
        assets,
        liabilities,
        funds,
        total_assets_fen: total_assets,
        total_liabilities_and_funds_fen: total_other,
        balanced: total_assets == total_other,
    })
}

/// 增值收益表 from one period's movements (the F03 transfer left out).
pub fn income_statement(movement: &BTreeMap<String, (Fen, Fen)>) -> DomainResult<IncomeStatement> {
    check_codes(movement.keys())?;
    let mut income = Vec::new();
    let mut expense = Vec::new();
    for account in CHART.iter().filter(|a| !is_parent(a.code)) {
        let (debit, credit) = sum_movement(movement, account.code)?;
        if account.code.starts_with("401") {
            income.push(line(account.code, account.name, credit.checked_sub(debit)?));
        } else if account.code.starts_with("411") {
            expense.push(line(account.code, account.name, debit.checked_sub(credit)?));
        }
    }
    let income_total = total(&income)?;
    let expense_total = total(&expense)?;
    Ok(IncomeStatement {
        income,
        expense,
        income_total_fen: income_total,
        expense_total_fen: expense_total,
        value_added_fen: income_total.checked_sub(expense_total)?,
    })
}

/// Refuses unknown codes and parents: a figure on 401 itself would be summed
/// twice (once as 401, once through its children) or lost.
pub(crate) fn check_codes<'a>(codes: impl Iterator<Item = &'a String>) -> DomainResult<()> {
    for code in codes {
        gl_account(code)?;
    }
    Ok(())
}

/// Whether the chart has sub-accounts under `code`.
pub(crate) fn is_parent(code: &str) -> bool {
    CHART
        .iter()
        .any(|a| a.code.len() > code.len() && a.code.starts_with(code))
}

/// The balance of `code` and its children.
pub(crate) fn sum_balance(map: &BTreeMap<String, Fen>, code: &str) -> DomainResult<Fen> {
    map.iter()
        .filter(|(k, _)| k.starts_with(code))
        .try_fold(Fen::ZERO, |acc, (_, v)| acc.checked_add(*v))
}

/// The (debit, credit) movement of `code` and its children.
pub(crate) fn sum_movement(
    map: &BTreeMap<String, (Fen, Fen)>,
    code: &str,
) -> DomainResult<(Fen, Fen)> {
    map.iter()
        .filter(|(k, _)| k.starts_with(code))
        .try_fold((Fen::ZERO, Fen::ZERO), |(d, c), (_, (md, mc))| {
            Ok((d.checked_add(*md)?, c.checked_add(*mc)?))
        })
}

fn lines(
    closing: &BTreeMap<String, Fen>,
    codes: &[&'static str],
    credit_normal: bool,
) -> DomainResult<Vec<StatementLine>> {
    codes
        .iter()
        .map(|code| {
            let account = CHART.iter().find(|a| a.code == *code);
            let net = sum_balance(closing, code)?;
            let amount = if credit_normal {
                net.checked_neg()?
            } else {
                net
            };
            Ok(line(code, account.map_or("", |a| a.name), amount))
        })
        .collect()
}

fn line(gl_code: &'static str, name: &'static str, amount_fen: Fen) -> StatementLine {
    StatementLine {
        gl_code,
        name,
        amount_fen,
    }
}

fn total(lines: &[StatementLine]) -> DomainResult<Fen> {
    lines
        .iter()
        .try_fold(Fen::ZERO, |acc, l| acc.checked_add(l.amount_fen))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_and_unknown_codes_are_refused() {
        let mut m = BTreeMap::new();
        m.insert("401".to_string(), Fen::new(1));
        assert_eq!(
            balance_sheet(&m).map_err(|e| e.code()).err(),
            Some("GL_ACCOUNT_NOT_POSTABLE")
        );
        let mut m = BTreeMap::new();
        m.insert("999".to_string(), (Fen::new(1), Fen::ZERO));
        assert_eq!(
            income_statement(&m).map_err(|e| e.code()).err(),
            Some("GL_ACCOUNT_UNKNOWN")
        );
    }
}
