//! The chart of accounts as data. Regulations add accounts, so this is a table,
//! not an enum; codes follow the HPF accounting rules (住房公积金会计核算办法).

use crate::error::{DomainError, DomainResult};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountClass {
    Asset,
    Liability,
    /// Value-added income, its distribution and the risk reserve.
    Equity,
    Income,
    Expense,
}

impl AccountClass {
    /// Assets and expenses grow on the debit side; the rest on the credit side.
    pub fn debit_normal(self) -> bool {
        matches!(self, AccountClass::Asset | AccountClass::Expense)
    }
}

/// Which sub-ledger a line on this account must name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subledger {
    None,
    Member,
    Loan,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GlAccount {
    pub code: &'static str,
    pub name: &'static str,
    pub class: AccountClass,
    pub subledger: Subledger,
}

const fn account(code: &'static str, name: &'static str, class: AccountClass) -> GlAccount {
    GlAccount {
        code,
        name,
        class,
        subledger: Subledger::None,
    }
}

const fn with_subledger(
    code: &'static str,
    name: &'static str,
    class: AccountClass,
    subledger: Subledger,
) -> GlAccount {
    GlAccount {
        code,
        name,
        class,
        subledger,
    }
}

use AccountClass::{Asset, Equity, Expense, Income, Liability};

pub const CHART: &[GlAccount] = &[
    account("101", "住房公积金存款", Asset),
    account("102", "增值收益存款", Asset),
    account("111", "应收利息", Asset),
    account("119", "其他应收款", Asset),
    with_subledger("121", "委托贷款", Asset, Subledger::Loan),
    with_subledger("122", "逾期贷款", Asset, Subledger::Loan),
    account("124", "国家债券", Asset),
    with_subledger("201", "住房公积金", Liability, Subledger::Member),
    account("211", "应付利息", Liability),
    account("214", "专项应付款", Liability),
    account("21402", "城市廉租住房建设补充资金", Liability),
    account("219", "其他应付款", Liability),
    account("301", "贷款风险准备", Equity),
    account("311", "增值收益", Equity),
    account("321", "增值收益分配", Equity),
    account("32101", "提取贷款风险准备", Equity),
    account("32102", "提取管理费用", Equity),
    account("32103", "提取城市廉租住房建设补充资金", Equity),
    account("32104", "待分配增值收益", Equity),
    account("401", "业务收入", Income),
    account("40101", "住房公积金利息收入", Income),
    account("40102", "增值收益利息收入", Income),
    account("40103", "委托贷款利息收入", Income),
    account("40104", "国家债券利息收入", Income),
    account("40105", "其他收入", Income),
    account("411", "业务支出", Expense),
    account("41101", "住房公积金利息支出", Expense),
    account("41102", "归集手续费支出", Expense),
    account("41103", "委托贷款手续费支出", Expense),
    // Local sub-account: the flexible-worker interest subsidy (Suzhou pilot 3.0).
    account("41104", "灵活就业人员利息补贴支出", Expense),
];

/// A postable account: it exists and has no sub-accounts (a parent such as 401
/// only sums its children).
pub fn gl_account(code: &str) -> DomainResult<&'static GlAccount> {
    let found = CHART
        .iter()
        .find(|a| a.code == code)
        .ok_or_else(|| DomainError::new("GL_ACCOUNT_UNKNOWN", format!("会计科目“{code}”不存在")))?;
    if CHART
        .iter()
        .any(|a| a.code.len() > code.len() && a.code.starts_with(code))
    {
        return Err(DomainError::new(
            "GL_ACCOUNT_NOT_POSTABLE",
            format!("会计科目“{code} {}”有明细科目，请记入明细科目", found.name),
        ));
    }
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_children_share_the_class() {
        for (i, a) in CHART.iter().enumerate() {
            assert!(
                CHART[i + 1..].iter().all(|b| b.code != a.code),
                "{} twice",
                a.code
            );
            for child in CHART
                .iter()
                .filter(|c| c.code.len() > a.code.len() && c.code.starts_with(a.code))
            {
                assert_eq!(child.class, a.class, "{} under {}", child.code, a.code);
            }
        }
    }

    #[test]
    fn parents_are_not_postable() {
        assert_eq!(
            gl_account("401").map_err(|e| e.code()),
            Err("GL_ACCOUNT_NOT_POSTABLE")
        );
        assert_eq!(
            gl_account("41101").map(|a| a.name),
            Ok("住房公积金利息支出")
        );
        assert_eq!(
            gl_account("201").map(|a| a.subledger),
            Ok(Subledger::Member)
        );
        assert_eq!(
            gl_account("999").map_err(|e| e.code()),
            Err("GL_ACCOUNT_UNKNOWN")
        );
    }
}
