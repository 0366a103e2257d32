//! Housing loans (个人住房公积金贷款), business rules §4: the schedule of
//! both methods, the limit as the minimum of the caps naming the one that
//! bound, the rate in force by home and term, eligibility with its reasons,
//! overdue penalty interest and the five-grade classification.

mod codes;
mod limit;
mod overdue;
mod schedule;
#[cfg(test)]
mod tests;

pub use codes::{InstallmentStatus, LoanEventKind, LoanProduct, LoanStatus, PropertyKind};
pub use limit::{Cap, CapKind, LimitDecision, LimitRequest, decide_limit};
pub use overdue::{Grade, classify, penalty_interest};
pub use schedule::{
    AfterPrepayment, Installment, MAX_MONTHS, MONTHLY_DIVISOR, Method, ScheduleTotals, add_months,
    annuity_payment, annuity_principal_for, equal_principal_for, monthly_interest,
    months_after_prepayment, schedule, schedule_from, totals,
};

use crate::calendar::Date;
use crate::error::{DomainError, DomainResult};
use crate::policy::{FirstHomeTest, LoanRates, LoanRules};
use crate::rate::RatePpm;

/// Terms up to this many months take the “up to 5 years” rate.
pub const SHORT_TERM_MONTHS: u32 = 60;

/// 信用等级: the credit grade the rate adjustment table is keyed by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditGrade {
    A,
    B,
    C,
    D,
}

impl CreditGrade {
    pub fn parse(text: &str) -> DomainResult<Self> {
        match text {
            "A" => Ok(CreditGrade::A),
            "B" => Ok(CreditGrade::B),
            "C" => Ok(CreditGrade::C),
            "D" => Ok(CreditGrade::D),
            _ => Err(DomainError::new(
                "CREDIT_GRADE_UNKNOWN",
                format!("信用等级“{text}”无效（A、B、C、D）"),
            )),
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            CreditGrade::A => "A",
            CreditGrade::B => "B",
            CreditGrade::C => "C",
            CreditGrade::D => "D",
        }
    }

    fn index(self) -> usize {
        match self {
            CreditGrade::A => 0,
            CreditGrade::B => 1,
            CreditGrade::C => 2,
            CreditGrade::D => 3,
        }
    }
}

/// The contract rate: the policy's rate for the home and term band, plus the
/// credit grade's adjustment.
pub fn contract_rate(
    rates: &LoanRates,
    rules: &LoanRules,
    first_home: bool,
    months: u32,
    grade: CreditGrade,
) -> DomainResult<RatePpm> {
    let base = match (first_home, months <= SHORT_TERM_MONTHS) {
        (true, true) => rates.first_home_up_to_5y,
        (true, false) => rates.first_home_over_5y,
        (false, true) => rates.second_home_up_to_5y,
        (false, false) => rates.second_home_over_5y,
    };
    RatePpm::new(base.ppm() + rules.credit_adjust_ppm[grade.index()])
}

/// What the centre knows when it decides whether a member may borrow.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BorrowerFacts {
    pub account_active: bool,
    /// Consecutive months of paid contributions up to the application.
    pub contribution_months: i64,
    /// HPF loans of the borrower and co-borrowers not yet settled.
    pub outstanding_loans: i64,
    /// HPF loans they have ever had (settled included).
    pub loans_ever: i64,
    pub blacklisted: Option<String>,
    pub born: Date,
    /// HPF loans with a balance at other centres, for the borrower and the
    /// co-borrowers (the national HPF loan data).
    pub loans_elsewhere: Vec<String>,
}

/// The eligibility decision: refusals in Chinese (empty when eligible) and
/// whether first-home terms apply.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Eligibility {
    pub refusals: Vec<String>,
    pub first_home: bool,
    /// The last day the loan may run to (retirement age + policy years).
    pub latest_end: Date,
}

pub fn check_eligibility(
    facts: &BorrowerFacts,
    rules: &LoanRules,
    retirement_age: i64,
) -> DomainResult<Eligibility> {
    let mut refusals = Vec::new();
    if !facts.account_active {
        refusals.push("住房公积金账户不是正常缴存状态".to_string());
    }
    if facts.contribution_months < rules.min_contribution_months {
        refusals.push(format!(
            "申请前须连续足额缴存 {} 个月（目前 {} 个月）",
            rules.min_contribution_months, facts.contribution_months
        ));
    }
    if facts.outstanding_loans > 0 {
        refusals.push("借款人或共同借款人尚有未结清的住房公积金贷款".to_string());
    }
    if facts.loans_ever >= rules.max_loans {
        refusals.push(format!(
            "家庭已使用 {} 次住房公积金贷款，不能再次申请",
            facts.loans_ever
        ));
    }
    if !facts.loans_elsewhere.is_empty() {
        refusals.push(format!(
            "全国住房公积金贷款数据显示尚有未结清的公积金贷款：{}",
            facts.loans_elsewhere.join("、")
        ));
    }
    if let Some(why) = &facts.blacklisted {
        refusals.push(format!("列入失信名单：{why}"));
    }
    // From the record, not from a box the applicant ticks: no HPF loan
    // balance anywhere in the country (Suzhou from 2026-05-10), or before
    // that no HPF loan ever here and none outstanding elsewhere.
    let first_home = facts.loans_elsewhere.is_empty()
        && match rules.first_home_test {
            FirstHomeTest::NoBalance => facts.outstanding_loans == 0,
            FirstHomeTest::NoPreviousLoan => facts.loans_ever == 0,
        };
    let (y, m, d) = facts.born.ymd();
    let end_year = i64::from(y) + retirement_age + rules.years_after_retirement;
    let end_year =
        i32::try_from(end_year).map_err(|_| DomainError::new("DATE_INVALID", "出生日期无效"))?;
    let latest_end = Date::from_ymd(end_year, m, d.min(28))?;
    Ok(Eligibility {
        refusals,
        first_home,
        latest_end,
    })
}

/// A month's contribution as the record shows it: the month it was for
/// (所属年月) and whether it was paid in full by its due date. A back
/// payment (补缴) or a bill paid after its due date is not on time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContributionMonth {
    pub period: crate::calendar::Period,
    pub on_time: bool,
}

/// Consecutive months of full, on-time contributions, counted back from
/// `now` — or from the month before, whose contribution may not be due yet.
/// A month counts when any contribution for it was on time; a month missing
/// or only paid late ends the run.
pub fn consecutive_months(now: crate::calendar::Period, months: &[ContributionMonth]) -> i64 {
    let index = |p: crate::calendar::Period| i64::from(p.year()) * 12 + i64::from(p.month());
    let counted: std::collections::BTreeSet<i64> = months
        .iter()
        .filter(|m| m.on_time)
        .map(|m| index(m.period))
        .collect();
    let mut at = index(now);
    if !counted.contains(&at) {
        at -= 1;
    }
    let mut run = 0;
    while counted.contains(&at) {
        run += 1;
        at -= 1;
    }
    run
}

/// The longest term a borrower may take: the policy's maximum, cut so the
/// loan ends by `latest_end`.
pub fn max_term_months(max_term: i64, start: Date, latest_end: Date) -> u32 {
    let (y0, m0, _) = start.ymd();
    let (y1, m1, _) = latest_end.ymd();
    let until_end = (i64::from(y1) - i64::from(y0)) * 12 + i64::from(m1) - i64::from(m0) - 1;
    u32::try_from(max_term.min(until_end).max(0)).unwrap_or(0)
}
