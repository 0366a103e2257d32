//! 增值收益分配: the year's value-added income goes first to the loan risk
//! reserve, then to management costs, and the rest to the public-rental-housing
//! supplement (business-rules §5); with the entries that close the year (F03)
//! and book the distribution (F01).

use super::ratio::{Ratio, div_half_away};
use super::statements::{is_parent, sum_movement};
use crate::error::{DomainError, DomainResult};
use crate::ledger::{CHART, Line};
use crate::money::Fen;
use std::collections::BTreeMap;

const PPM: i128 = 1_000_000;

/// The distribution parameters in force (from the dated `[[fund_rule]]`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionRule {
    /// Adequacy target: reserve ÷ personal loan balance (40_000 = 4%).
    pub reserve_target_ppm: i64,
    /// At least this share of the income goes to the reserve (600_000 = 60%).
    pub reserve_min_share_ppm: i64,
    /// The approved management-cost budget for the year.
    pub management_cost_fen: Fen,
}

/// The year's figures the distribution depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionInput {
    pub value_added_fen: Fen,
    /// Year-end personal loan balance (121 + 122).
    pub loan_balance_fen: Fen,
    /// Risk reserve (301) before this distribution.
    pub reserve_balance_fen: Fen,
}

/// How the income is split, with the reason the reserve took what it took.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DistributionPlan {
    pub value_added_fen: Fen,
    pub reserve_fen: Fen,
    pub management_fen: Fen,
    pub public_rental_fen: Fen,
    pub reserve_after_fen: Fen,
    pub adequacy_after: Option<Ratio>,
    /// Chinese: which bound set the reserve (minimum share, target, or income).
    pub reserve_reason: String,
}

/// Reserve = max(min share × income, shortfall to target) capped at the income
/// (shortfall ≥ 0; half-up fen); then management costs up to the budget; the
/// rest to the public-rental-housing supplement. Refuses income ≤ 0.
pub fn plan_distribution(
    input: &DistributionInput,
    rule: &DistributionRule,
) -> DomainResult<DistributionPlan> {
    let income = input.value_added_fen.get();
    if income <= 0 {
        return Err(DomainError::new(
            "VALUE_ADDED_NOT_POSITIVE",
            format!(
                "本年增值收益为 {}，没有可分配的增值收益",
                input.value_added_fen
            ),
        ));
    }
    let min_share = to_i64(div_half_away(
        i128::from(income) * i128::from(rule.reserve_min_share_ppm),
        PPM,
    ))?;
    let shortfall = shortfall_fen(input, rule)?;
    let (reserve, reason) = reserve_and_reason(income, min_share, shortfall, rule);
    let management = rule.management_cost_fen.get().clamp(0, income - reserve);
    let public_rental = income - reserve - management;
    let reserve_after = input.reserve_balance_fen.checked_add(Fen::new(reserve))?;
    Ok(DistributionPlan {
        value_added_fen: input.value_added_fen,
        reserve_fen: Fen::new(reserve),
        management_fen: Fen::new(management),
        public_rental_fen: Fen::new(public_rental),
        reserve_after_fen: reserve_after,
        adequacy_after: Ratio::new(
            i128::from(reserve_after.get()),
            i128::from(input.loan_balance_fen.get()),
        ),
        reserve_reason: reason,
    })
}

/// What the reserve lacks to reach the target on this loan balance, ≥ 0.
fn shortfall_fen(input: &DistributionInput, rule: &DistributionRule) -> DomainResult<i64> {
    let target_x_ppm =
        i128::from(input.loan_balance_fen.get()) * i128::from(rule.reserve_target_ppm);
    let gap_x_ppm = target_x_ppm - i128::from(input.reserve_balance_fen.get()) * PPM;
    if gap_x_ppm <= 0 {
        return Ok(0);
    }
    to_i64(div_half_away(gap_x_ppm, PPM))
}

fn reserve_and_reason(
    income: i64,
    min_share: i64,
    shortfall: i64,
    rule: &DistributionRule,
) -> (i64, String) {
    let share = Ratio::from_ppm(rule.reserve_min_share_ppm).percent_text(2);
    let target = Ratio::from_ppm(rule.reserve_target_ppm).percent_text(2);
    let wanted = min_share.max(shortfall);
    if wanted >= income {
        let text = format!("补足充足率目标 {target} 所需超过本年增值收益，全部提取贷款风险准备");
        return (income, text);
    }
    if shortfall > min_share {
        let text = format!("按充足率目标 {target} 补足缺口 {}", Fen::new(shortfall));
        (shortfall, text)
    } else {
        (min_share, format!("按增值收益的最低比例 {share} 提取"))
    }
}

/// Year-end transfer (F03): Dr each 401xx by its period credit balance, Cr each
/// 411xx by its period debit balance, the difference to 311. Accounts with a
/// zero balance get no line; a balance on the unusual side is closed from that
/// side (so the lines still zero every account).
pub fn closing_lines(movement: &BTreeMap<String, (Fen, Fen)>) -> DomainResult<Vec<Line>> {
    super::statements::check_codes(movement.keys())?;
    let mut lines = Vec::new();
    let mut difference = 0i64;
    for account in CHART.iter().filter(|a| !is_parent(a.code)) {
        let (debit, credit) = sum_movement(movement, account.code)?;
        let income = account.code.starts_with("401");
        if !income && !account.code.starts_with("411") {
            continue;
        }
        // Income closes from the debit side, expense from the credit side.
        let balance = if income {
            credit.checked_sub(debit)?
        } else {
            debit.checked_sub(credit)?
        };
        difference = if income {
            difference.checked_add(balance.get())
        } else {
            difference.checked_sub(balance.get())
        }
        .ok_or_else(overflow)?;
        if let Some(l) = signed_line(account.code, balance.get(), income) {
            lines.push(l);
        }
    }
    if lines.is_empty() {
        return Err(DomainError::new(
            "YEAR_END_NOTHING_TO_CLOSE",
            "本年业务收入和业务支出科目均无余额，无需结转",
        ));
    }
    lines.extend(signed_line("311", difference, false));
    Ok(lines)
}

/// A line moving `amount`: debit when `debit_if_positive` and positive (or
/// credit and negative); nothing for zero.
fn signed_line(code: &str, amount: i64, debit_if_positive: bool) -> Option<Line> {
    let fen = Fen::new(amount.unsigned_abs().try_into().unwrap_or(i64::MAX));
    match (amount.signum(), debit_if_positive) {
        (0, _) => None,
        (1, true) | (-1, false) => Some(Line::debit(code, fen)),
        _ => Some(Line::credit(code, fen)),
    }
}

/// Distribution (F01): each share from its 321xx account to where it goes, then
/// 311 closes the appropriation accounts. Zero amounts get no lines.
pub fn distribution_lines(plan: &DistributionPlan) -> Vec<Line> {
    let shares = [
        ("32101", "301", plan.reserve_fen),
        ("32102", "219", plan.management_fen),
        ("32103", "21402", plan.public_rental_fen),
    ];
    let mut lines = Vec::new();
    for (appropriation, target, amount) in shares.iter().filter(|s| s.2.is_positive()) {
        lines.push(Line::debit(appropriation, *amount));
        lines.push(Line::credit(target, *amount));
    }
    let total: i64 = shares.iter().map(|s| s.2.get().max(0)).sum();
    if total > 0 {
        lines.push(Line::debit("311", Fen::new(total)));
        for (appropriation, _, amount) in shares.iter().filter(|s| s.2.is_positive()) {
            lines.push(Line::credit(appropriation, *amount));
        }
    }
    lines
}

fn to_i64(value: i128) -> DomainResult<i64> {
    i64::try_from(value).map_err(|_| overflow())
}

fn overflow() -> DomainError {
    DomainError::new("AMOUNT_OVERFLOW", "金额超出系统允许的范围")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(budget: i64) -> DistributionRule {
        DistributionRule {
            reserve_target_ppm: 40_000,
            reserve_min_share_ppm: 600_000,
            management_cost_fen: Fen::new(budget),
        }
    }

    fn input(income: i64, loans: i64, reserve: i64) -> DistributionInput {
        DistributionInput {
            value_added_fen: Fen::new(income),
            loan_balance_fen: Fen::new(loans),
            reserve_balance_fen: Fen::new(reserve),
        }
    }

    fn split(p: &DistributionPlan) -> (i64, i64, i64) {
        (
            p.reserve_fen.get(),
            p.management_fen.get(),
            p.public_rental_fen.get(),
        )
    }

    #[test]
    fn the_minimum_share_binds_when_the_reserve_is_adequate() {
        // Income 1,000,000.01 yuan: 60% = 60,000,000.6 fen → 60,000,001 (half-up).
        // Target 4% of 1e9 fen = 40,000,000 fen, reserve already 50,000,000: no shortfall.
        let p = plan_distribution(
            &input(100_000_001, 1_000_000_000, 50_000_000),
            &rule(30_000_000),
        )
        .expect("plan");
        assert_eq!(split(&p), (60_000_001, 30_000_000, 10_000_000));
        assert_eq!(p.reserve_after_fen, Fen::new(110_000_001));
        assert!(
            p.reserve_reason.contains("最低比例 60.00%"),
            "{}",
            p.reserve_reason
        );
        assert_eq!(p.adequacy_after, Ratio::new(110_000_001, 1_000_000_000));
    }

    #[test]
    fn the_target_binds_when_the_shortfall_is_larger() {
        // Target 4% of 3,000,000,000 = 120,000,000; reserve 40,000,000 → shortfall
        // 80,000,000 > 60% of 100,000,000 = 60,000,000. Rest 20,000,000: budget
        // 30,000,000 takes it all, nothing for public rental housing.
        let p = plan_distribution(
            &input(100_000_000, 3_000_000_000, 40_000_000),
            &rule(30_000_000),
        )
        .expect("plan");
        assert_eq!(split(&p), (80_000_000, 20_000_000, 0));
        assert_eq!(p.adequacy_after, Ratio::new(4, 100));
        assert!(
            p.reserve_reason.contains("充足率目标 4.00%"),
            "{}",
            p.reserve_reason
        );
    }

    #[test]
    fn a_shortfall_beyond_the_income_takes_all_of_it() {
        let p = plan_distribution(&input(100, 3_000_000_000, 0), &rule(30)).expect("plan");
        assert_eq!(split(&p), (100, 0, 0));
        assert!(p.reserve_reason.contains("全部"), "{}", p.reserve_reason);
        assert!(
            distribution_lines(&p)
                .iter()
                .all(|l| !l.gl_code.starts_with("21"))
        );
    }

    #[test]
    fn non_positive_income_is_refused() {
        for income in [0, -5] {
            assert_eq!(
                plan_distribution(&input(income, 1, 0), &rule(1)).map_err(|e| e.code()),
                Err("VALUE_ADDED_NOT_POSITIVE")
            );
        }
    }

    #[test]
    fn closing_nothing_is_refused_and_a_loss_debits_311() {
        assert_eq!(
            closing_lines(&BTreeMap::new()).map_err(|e| e.code()),
            Err("YEAR_END_NOTHING_TO_CLOSE")
        );
        let mut m = BTreeMap::new();
        m.insert("40103".to_string(), (Fen::ZERO, Fen::new(100)));
        m.insert("41101".to_string(), (Fen::new(150), Fen::ZERO));
        let lines = closing_lines(&m).expect("lines");
        assert_eq!(
            lines,
            vec![
                Line::debit("40103", Fen::new(100)),
                Line::credit("41101", Fen::new(150)),
                Line::debit("311", Fen::new(50)),
            ]
        );
    }
}
