//! Yearly totals loaded from a file (e.g. `fixtures/suzhou-published.toml`, the
//! published annual reports) into [`YearFigures`]: for years before the system
//! kept the records, and to check the formulas against published figures.
//! Keys are the field names of `YearFigures`, with amounts (fields ending
//! `_fen`) written without the suffix as yuan text, e.g. `collection =
//! "88320000000.00"`, and counts as whole numbers.

use super::indicators::YearFigures;
use crate::error::{DomainError, DomainResult};
use crate::money::Fen;
use std::collections::BTreeMap;
use toml::{Table, Value};

/// Keys of a year table that describe it rather than set a figure.
const META: &[&str] = &["year", "source", "note"];

/// Parses `[[year]]` tables into (year, key → value text), checking every key
/// and value, so a bad file fails on load rather than on use.
pub fn parse_year_totals(text: &str) -> DomainResult<Vec<(i32, BTreeMap<String, String>)>> {
    let root: Table = text
        .parse()
        .map_err(|e: toml::de::Error| bad("FUND_TOTALS_FORMAT", e.message().to_string()))?;
    let Some(Value::Array(years)) = root.get("year") else {
        return Err(bad("FUND_TOTALS_FORMAT", "缺少 [[year]] 列表".to_string()));
    };
    let mut out: Vec<(i32, BTreeMap<String, String>)> = Vec::new();
    for item in years {
        let Some(table) = item.as_table() else {
            return Err(bad("FUND_TOTALS_FORMAT", "[[year]] 须为表".to_string()));
        };
        let year = year_of(table)?;
        if out.iter().any(|(y, _)| *y == year) {
            return Err(bad("FUND_TOTALS_FORMAT", format!("{year} 年出现两次")));
        }
        let totals = totals_of(year, table)?;
        apply_totals(&mut YearFigures::default(), &totals)?;
        out.push((year, totals));
    }
    Ok(out)
}

fn year_of(table: &Table) -> DomainResult<i32> {
    match table.get("year") {
        Some(Value::Integer(y)) => {
            i32::try_from(*y).map_err(|_| bad("FUND_TOTALS_FORMAT", format!("年份 {y} 无效")))
        }
        _ => Err(bad(
            "FUND_TOTALS_FORMAT",
            "每个 [[year]] 须有整数 year".to_string(),
        )),
    }
}

fn totals_of(year: i32, table: &Table) -> DomainResult<BTreeMap<String, String>> {
    let mut totals = BTreeMap::new();
    for (key, value) in table.iter().filter(|(k, _)| !META.contains(&k.as_str())) {
        let text = match value {
            Value::String(s) => s.clone(),
            Value::Integer(n) => n.to_string(),
            _ => {
                return Err(bad(
                    "FUND_TOTALS_FORMAT",
                    format!("{year} 年 {key} 须为金额文本或整数"),
                ));
            }
        };
        totals.insert(key.clone(), text);
    }
    Ok(totals)
}

/// Sets each loaded total on `figures`: amounts parsed as yuan, counts as
/// whole numbers. Unknown key → FUND_TOTAL_UNKNOWN_KEY.
pub fn apply_totals(
    figures: &mut YearFigures,
    totals: &BTreeMap<String, String>,
) -> DomainResult<()> {
    for (key, text) in totals {
        let (field, money) = field(figures, key).ok_or_else(|| {
            bad(
                "FUND_TOTAL_UNKNOWN_KEY",
                format!("“{key}”不是年度汇总数据的项目"),
            )
        })?;
        *field = if money {
            Fen::parse(text)?.get()
        } else {
            count(key, text)?
        };
    }
    Ok(())
}

fn count(key: &str, text: &str) -> DomainResult<i64> {
    let ok = !text.is_empty() && text.len() <= 15 && text.bytes().all(|b| b.is_ascii_digit());
    if !ok {
        return Err(bad(
            "FUND_TOTAL_COUNT",
            format!("{key} 应为非负整数，而不是“{text}”"),
        ));
    }
    text.parse()
        .map_err(|_| bad("FUND_TOTAL_COUNT", format!("{key} 数值无效")))
}

/// The field a key sets and whether it is money (yuan text).
fn field<'a>(f: &'a mut YearFigures, key: &str) -> Option<(&'a mut i64, bool)> {
    let money = |v: &'a mut i64| Some((v, true));
    let count = |v: &'a mut i64| Some((v, false));
    match key {
        "collection" => money(&mut f.collection_fen),
        "cumulative_collection" => money(&mut f.cumulative_collection_fen),
        "withdrawals" => money(&mut f.withdrawals_fen),
        "housing_withdrawals" => money(&mut f.housing_withdrawals_fen),
        "cumulative_withdrawals" => money(&mut f.cumulative_withdrawals_fen),
        "withdrawers" => count(&mut f.withdrawers),
        "deposit_balance" => money(&mut f.deposit_balance_fen),
        "avg_monthly_deposit_balance" => money(&mut f.avg_monthly_deposit_balance_fen),
        "fund_bank_deposits" => money(&mut f.fund_bank_deposits_fen),
        "loans_issued_count" => count(&mut f.loans_issued_count),
        "loans_issued" => money(&mut f.loans_issued_fen),
        "remote_loans_count" => count(&mut f.remote_loans_count),
        "remote_loans" => money(&mut f.remote_loans_fen),
        "project_loans_issued" => money(&mut f.project_loans_issued_fen),
        "loans_repaid" => money(&mut f.loans_repaid_fen),
        "loan_balance" => money(&mut f.loan_balance_fen),
        "project_loan_balance" => money(&mut f.project_loan_balance_fen),
        "bond_balance" => money(&mut f.bond_balance_fen),
        "overdue_principal" => money(&mut f.overdue_principal_fen),
        "risk_reserve" => money(&mut f.risk_reserve_fen),
        "business_income" => money(&mut f.business_income_fen),
        "business_expense" => money(&mut f.business_expense_fen),
        "contributing_employers" => count(&mut f.contributing_employers),
        "contributing_members" => count(&mut f.contributing_members),
        "new_employers" => count(&mut f.new_employers),
        "new_members" => count(&mut f.new_members),
        "base_adjusted_employers" => count(&mut f.base_adjusted_employers),
        "overdue_employers" => count(&mut f.overdue_employers),
        "flexible_contributors" => count(&mut f.flexible_contributors),
        "online_transactions" => count(&mut f.online_transactions),
        "all_transactions" => count(&mut f.all_transactions),
        _ => None,
    }
}

fn bad(code: &'static str, message: String) -> DomainError {
    DomainError::new(code, message)
}
