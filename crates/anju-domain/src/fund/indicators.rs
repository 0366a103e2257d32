//! The fund's indicators (business-rules §5, indicators-standards §1.3) as
//! exact ratios of one year's figures. A ratio over a zero denominator is
//! `None`: "no data", never 0%.

use super::ratio::{Ratio, div_half_away};
use num_bigint::BigInt;

/// One year's figures, from the ledger and the registers (or a published report).
/// Money in fen, counts as whole numbers; balances are year-end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearFigures {
    pub year: i32,
    /// 缴存额 in the year.
    pub collection_fen: i64,
    /// 缴存总额 since inception.
    pub cumulative_collection_fen: i64,
    /// 提取额 in the year: withdrawals paid (C11/C12) and loan repayments
    /// from the HPF balance (reason 06, see [`repays_loan_from_balance`]).
    pub withdrawals_fen: i64,
    /// Housing-consumption withdrawals (reasons marked `housing`, 06 included).
    pub housing_withdrawals_fen: i64,
    /// 提取总额 since inception, counted as `withdrawals_fen` is.
    pub cumulative_withdrawals_fen: i64,
    /// 提取人数.
    pub withdrawers: i64,
    /// 缴存余额 = GL 201 at year end.
    pub deposit_balance_fen: i64,
    pub avg_monthly_deposit_balance_fen: i64,
    /// 住房公积金存款 (GL 101): money at banks, not the deposit balance.
    pub fund_bank_deposits_fen: i64,
    pub loans_issued_count: i64,
    pub loans_issued_fen: i64,
    pub remote_loans_count: i64,
    pub remote_loans_fen: i64,
    pub project_loans_issued_fen: i64,
    pub loans_repaid_fen: i64,
    /// Personal loan balance at year end: the personal loans' 121 + 122.
    pub loan_balance_fen: i64,
    /// Project loans' (公租房建设贷款) 121 + 122 at year end.
    pub project_loan_balance_fen: i64,
    pub bond_balance_fen: i64,
    /// Personal loans' overdue principal (their 122) at year end.
    pub overdue_principal_fen: i64,
    /// 贷款风险准备 (GL 301).
    pub risk_reserve_fen: i64,
    /// 业务收入 (401) in the year.
    pub business_income_fen: i64,
    /// 业务支出 (411) in the year.
    pub business_expense_fen: i64,
    pub contributing_employers: i64,
    pub contributing_members: i64,
    pub new_employers: i64,
    pub new_members: i64,
    /// Employers that filed the yearly base adjustment.
    pub base_adjusted_employers: i64,
    /// Employers with an overdue remittance.
    pub overdue_employers: i64,
    pub flexible_contributors: i64,
    pub online_transactions: i64,
    pub all_transactions: i64,
    /// 法制审核人员 and 一线执法人员: staff accounts with the role (K16).
    pub legal_reviewers: i64,
    pub enforcement_staff: i64,
    /// Complaints received in the year, those mediated (调处: resolved or
    /// settled) and those whose service-quality fault was verified (K17, K21).
    pub complaints_received: i64,
    pub complaints_mediated: i64,
    pub complaints_verified: i64,
    /// 12329 calls rated in the survey, and those rated satisfied (K20).
    pub hotline_ratings: i64,
    pub hotline_satisfied: i64,
}

/// The withdrawal reason a repayment from the HPF balance counts as:
/// 06 偿还购房贷款本息.
pub const LOAN_REPAYMENT_REASON: &str = "06";

/// Business types of the withdrawal register's postings: 部分提取 (C11)
/// and 销户提取 (C12). Their reason is the register's.
pub const WITHDRAWAL_TYPES: [&str; 2] = ["C11", "C12"];

/// Whether a posting of this business type that debits a member's account
/// (201) is a loan repayment from the HPF balance: the repayment run (L04,
/// L05) and a prepayment or settlement (L05, L06) post Dr 201 / Cr 121
/// straight from the loan, with no withdrawal record. Every loan type is
/// taken, so a new one (L07 展期 …) that draws on 201 is not missed. Such a
/// debit is a withdrawal for reason 06, counted from the ledger only: the
/// register holds the C11/C12 postings, never these, so no yuan is counted
/// twice.
pub fn repays_loan_from_balance(business_type: &str) -> bool {
    business_type.starts_with('L')
}

/// Whether the 201 debits of this business type are withdrawals (提取):
/// the register's C11/C12, or a loan repaid from the HPF balance.
pub fn is_withdrawal_type(business_type: &str) -> bool {
    WITHDRAWAL_TYPES.contains(&business_type) || repays_loan_from_balance(business_type)
}

pub(crate) fn ratio(num: i64, den: i64) -> Option<Ratio> {
    Ratio::new(i128::from(num), i128::from(den))
}

/// 提取率: withdrawals ÷ collection.
pub fn withdrawal_rate(f: &YearFigures) -> Option<Ratio> {
    ratio(f.withdrawals_fen, f.collection_fen)
}

/// 住房消费类提取率: housing withdrawals ÷ all withdrawals.
pub fn housing_withdrawal_share(f: &YearFigures) -> Option<Ratio> {
    ratio(f.housing_withdrawals_fen, f.withdrawals_fen)
}

/// 个贷率: personal loan balance ÷ deposit balance.
pub fn loan_ratio(f: &YearFigures) -> Option<Ratio> {
    ratio(f.loan_balance_fen, f.deposit_balance_fen)
}

/// 资金运用率: (personal loans + project loans + bonds) ÷ deposit balance.
pub fn utilisation(f: &YearFigures) -> Option<Ratio> {
    let used = i128::from(f.loan_balance_fen)
        + i128::from(f.project_loan_balance_fen)
        + i128::from(f.bond_balance_fen);
    Ratio::new(used, i128::from(f.deposit_balance_fen))
}

/// 个人贷款逾期率 (K13): personal loans' overdue principal ÷ personal loan
/// balance, both at year end (project loans in neither).
pub fn overdue_rate(f: &YearFigures) -> Option<Ratio> {
    ratio(f.overdue_principal_fen, f.loan_balance_fen)
}

/// 风险准备金充足率: risk reserve ÷ personal loan balance.
pub fn reserve_adequacy(f: &YearFigures) -> Option<Ratio> {
    ratio(f.risk_reserve_fen, f.loan_balance_fen)
}

/// 增值收益: business income − business expense.
pub fn value_added_fen(f: &YearFigures) -> i64 {
    f.business_income_fen.saturating_sub(f.business_expense_fen)
}

/// 增值收益率: value added ÷ average monthly deposit balance.
pub fn value_added_rate(f: &YearFigures) -> Option<Ratio> {
    ratio(value_added_fen(f), f.avg_monthly_deposit_balance_fen)
}

/// 住房贡献率: (loans issued + project loans issued + housing withdrawals) ÷ collection.
pub fn housing_contribution_rate(f: &YearFigures) -> Option<Ratio> {
    let housing = i128::from(f.loans_issued_fen)
        + i128::from(f.project_loans_issued_fen)
        + i128::from(f.housing_withdrawals_fen);
    Ratio::new(housing, i128::from(f.collection_fen))
}

/// 异地贷款发放率 (K12), by count: remote loans ÷ loans issued.
pub fn remote_loan_rate(f: &YearFigures) -> Option<Ratio> {
    ratio(f.remote_loans_count, f.loans_issued_count)
}

/// 年基数调整率 (K05): employers that filed ÷ contributing employers.
pub fn base_adjustment_rate(f: &YearFigures) -> Option<Ratio> {
    ratio(f.base_adjusted_employers, f.contributing_employers)
}

/// 单位缴存逾期率 (K06): employers overdue ÷ contributing employers.
pub fn employer_overdue_rate(f: &YearFigures) -> Option<Ratio> {
    ratio(f.overdue_employers, f.contributing_employers)
}

/// K08: flexible contributors ÷ mandatory contributors (all others).
pub fn flexible_share(f: &YearFigures) -> Option<Ratio> {
    ratio(
        f.flexible_contributors,
        f.contributing_members - f.flexible_contributors,
    )
}

/// 不见面办理率 (K18): online transactions ÷ all transactions.
pub fn contactless_rate(f: &YearFigures) -> Option<Ratio> {
    ratio(f.online_transactions, f.all_transactions)
}

/// Growth: current ÷ previous − 1; None when there was nothing before.
pub fn growth(current: i64, previous: i64) -> Option<Ratio> {
    ratio(current, previous).map(Ratio::minus_one)
}

/// Basis points (0.01 percentage point) in one: the precision a growth
/// rate is shown with (two decimals of a percent).
const BASIS_POINTS: i128 = 10_000;

/// 年均增长率: the average yearly growth from `base` to `value` over
/// `years` years, (value ÷ base)^(1/years) − 1, rounded half away from zero
/// to the basis point (the two decimals of a percent the KPI page shows)
/// and returned as that rounded figure (k ÷ 10,000), so what is compared
/// with a target is what is shown. The root is irrational in general, so it
/// is never evaluated: k is found by comparing powers of whole numbers with
/// big integers (see [`basis_point_root`]). None when there is no base,
/// the value is negative or no year has passed.
pub fn average_growth(value: i64, base: i64, years: u32) -> Option<Ratio> {
    if base <= 0 || value < 0 || years == 0 {
        return None;
    }
    let root = basis_point_root(value, base, years);
    Ratio::new(root - BASIS_POINTS, BASIS_POINTS)
}

/// The n-th root of value ÷ base in basis points, rounded half away from
/// zero of the growth (up when value ≥ base, down otherwise) — exactly.
/// With x the root and y a candidate in basis points, y − ½ ≤ 10,000·x
/// reads ((2y − 1) ÷ 20,000)^n ≤ value ÷ base, i.e.
/// (2y − 1)^n · base ≤ value · 20,000^n: whole numbers only.
fn basis_point_root(value: i64, base: i64, years: u32) -> i128 {
    let scale = BigInt::from(2 * BASIS_POINTS).pow(years);
    let value_side = BigInt::from(value) * scale;
    let base = BigInt::from(base);
    // Whether 10,000·x is at least `half_steps` ÷ 2.
    let at_least = |half_steps: i128| BigInt::from(half_steps).pow(years) * &base <= value_side;
    if at_least(2 * BASIS_POINTS) {
        // Growth ≥ 0: the largest y with 10,000·x ≥ y − ½.
        let (mut low, mut high) = (BASIS_POINTS, 2 * BASIS_POINTS);
        while at_least(2 * high - 1) {
            (low, high) = (high, high * 2);
        }
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            if at_least(2 * mid - 1) {
                low = mid;
            } else {
                high = mid;
            }
        }
        low
    } else {
        // Growth < 0: the smallest y with 10,000·x ≤ y + ½.
        let at_most = |half_steps: i128| BigInt::from(half_steps).pow(years) * &base >= value_side;
        let (mut low, mut high) = (-1, BASIS_POINTS);
        while high - low > 1 {
            let mid = low + (high - low) / 2;
            if at_most(2 * mid + 1) {
                high = mid;
            } else {
                low = mid;
            }
        }
        high
    }
}

/// 人均缴存额: collection ÷ members, half-up to the fen.
pub fn per_capita_fen(collection: i64, members: i64) -> Option<i64> {
    if members <= 0 {
        return None;
    }
    let fen = div_half_away(i128::from(collection), i128::from(members));
    i64::try_from(fen).ok()
}

/// Per-capita growth as one exact quotient, (c₁/m₁) ÷ (c₀/m₀) − 1, so the
/// rounding of each year's per-capita fen cannot tip a comparison with GDP.
pub fn per_capita_growth(current: &YearFigures, previous: &YearFigures) -> Option<Ratio> {
    if current.contributing_members <= 0 || previous.contributing_members <= 0 {
        return None;
    }
    Ratio::new(
        i128::from(current.collection_fen) * i128::from(previous.contributing_members),
        i128::from(current.contributing_members) * i128::from(previous.collection_fen),
    )
    .map(Ratio::minus_one)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_denominators_are_no_data_and_growth_is_exact() {
        let f = YearFigures::default();
        assert_eq!(withdrawal_rate(&f), None);
        assert_eq!(utilisation(&f), None);
        assert_eq!(growth(107, 100), Ratio::new(7, 100));
        assert_eq!(growth(1, 0), None);
        assert_eq!(per_capita_fen(10, 4), Some(3));
        assert_eq!(per_capita_fen(10, 0), None);
    }

    fn bp(k: i128) -> Option<Ratio> {
        Ratio::new(k, 10_000)
    }

    #[test]
    fn average_growth_is_the_root_rounded_once_to_the_basis_point() {
        // ¥12,100.00 two years after ¥10,000.00: √1.21 = 1.1, 10.00% a year.
        assert_eq!(average_growth(12_100_00, 10_000_00, 2), bp(1_000));
        // ∛1.3 = 1.091392…: 1.09135³ = 1.299846… ≤ 1.3 < 1.09145³ =
        // 1.300203…, so 9.14% (914 basis points).
        assert_eq!(average_growth(13_000_00, 10_000_00, 3), bp(914));
        // Down: √0.81 = 0.9, −10.00%; nothing left is −100.00%.
        assert_eq!(average_growth(8_100_00, 10_000_00, 2), bp(-1_000));
        assert_eq!(average_growth(0, 10_000_00, 4), bp(-10_000));
        // Exactly half a basis point rounds away from zero, both ways.
        assert_eq!(average_growth(100_005, 100_000, 1), bp(1));
        assert_eq!(average_growth(99_995, 100_000, 1), bp(-1));
        assert_eq!(average_growth(100_000, 100_000, 5), bp(0));
        // One year is the plain growth, rounded: 107/100 − 1 = 7.00%.
        assert_eq!(average_growth(107, 100, 1), bp(700));
        assert_eq!(average_growth(1, 0, 2), None);
        assert_eq!(average_growth(-1, 10, 2), None);
        assert_eq!(average_growth(10, 10, 0), None);
    }

    proptest::proptest! {
        /// Checked against the definition in exact fractions: with k the
        /// basis points returned, (1 + (k − ½)/10⁴)ⁿ ≤ value/base ≤
        /// (1 + (k + ½)/10⁴)ⁿ, the half belonging to the side away from zero.
        #[test]
        fn average_growth_brackets_the_root(
            value in 0i64..10_000_000_000_000,
            base in 1i64..10_000_000_000_000,
            years in 1u32..=10,
        ) {
            use num_rational::BigRational;
            let k = average_growth(value, base, years).expect("growth");
            let k = BigRational::new(k.num.into(), 1.into()) * BigRational::new(10_000.into(), k.den.into());
            let q = BigRational::new(value.into(), base.into());
            let half = BigRational::new(1.into(), 2.into());
            let at = |bp: BigRational| {
                let x = BigRational::from_integer(1.into()) + bp / BigRational::from_integer(10_000.into());
                num_traits::pow::Pow::pow(x, years)
            };
            let zero = BigRational::from_integer(0.into());
            let low = at(k.clone() - half.clone());
            let high = at(k.clone() + half);
            if k >= zero {
                proptest::prop_assert!(low <= q && q < high);
            } else {
                proptest::prop_assert!(low < q && q <= high);
            }
        }
    }
}
