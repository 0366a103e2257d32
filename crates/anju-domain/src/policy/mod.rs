//! Dated policy. Every rule parameter (rates, base limits, caps, rounding,
//! interest method, withdrawal reasons) lives in `policy/<centre>.toml` as
//! versions with an `effective_from`; [`PolicySet::at`] returns the versions in
//! force on a date, and rules take the version in force on the value date.

mod load;
mod reader;

pub use load::parse_policy;

use crate::access::SecurityRules;
use crate::calendar::Date;
use crate::error::{DomainError, DomainResult};
use crate::money::{Fen, Rounding};
use crate::quality::ServiceRules;
use crate::rate::RatePpm;
use std::fmt;

/// A policy file that failed to load: which file, which key, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    pub file: String,
    pub key: String,
    pub problem: String,
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}: {}", self.file, self.key, self.problem)
    }
}

impl std::error::Error for PolicyError {}

/// One version of a policy group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dated<T> {
    pub effective_from: Date,
    /// Keys of this version whose values are not yet confirmed (shown as 待核实).
    pub unverified: Vec<String>,
    pub source: Option<String>,
    pub value: T,
}

impl<T> Dated<T> {
    pub fn is_verified(&self, key: &str) -> bool {
        !self.unverified.iter().any(|k| k == key)
    }
}

/// The versions of one group, strictly ascending by `effective_from`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series<T> {
    name: &'static str,
    versions: Vec<Dated<T>>,
}

impl<T> Series<T> {
    pub fn name(&self) -> &'static str {
        self.name
    }

    pub fn versions(&self) -> &[Dated<T>] {
        &self.versions
    }

    /// The version in force on `date`: the last one starting on or before it.
    pub fn at(&self, date: Date) -> DomainResult<&Dated<T>> {
        let after = self.versions.partition_point(|v| v.effective_from <= date);
        after
            .checked_sub(1)
            .and_then(|i| self.versions.get(i))
            .ok_or_else(|| {
                DomainError::new(
                    "POLICY_NOT_IN_FORCE",
                    format!("{date} 没有生效的“{}”政策版本", self.name),
                )
            })
    }
}

/// 计息方法: see business-rules §2.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InterestMethod {
    /// Σ end-of-day balance × rate / 360 over every day of the year.
    A,
    /// Brought-forward balance × rate + Σ movement × days held × rate / 360.
    B,
    /// As B, with 30/360 day counting.
    C,
}

impl InterestMethod {
    pub fn parse(text: &str) -> DomainResult<Self> {
        match text {
            "A" => Ok(InterestMethod::A),
            "B" => Ok(InterestMethod::B),
            "C" => Ok(InterestMethod::C),
            _ => Err(DomainError::new(
                "INTEREST_METHOD_UNKNOWN",
                format!("未知的计息方法“{text}”（可选 A、B、C）"),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DepositInterest {
    pub rate_current_year: RatePpm,
    pub rate_brought_forward: RatePpm,
    pub method: InterestMethod,
    pub day_basis: i64,
    pub rounding: Rounding,
    /// Interest subsidy for flexible workers, as a percent of the rate.
    pub flexible_subsidy_percent: i64,
    /// The expense account the subsidy is charged to (a leaf of the chart).
    pub flexible_subsidy_account: String,
    /// When a posting valued in a settled year gets its interest adjustment.
    pub backdated_adjustment: BackdatedAdjustment,
}

/// 利息调整时点: when a posting valued in an already-settled year is given
/// the interest it would have earned (or cost) had it been posted in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackdatedAdjustment {
    /// As soon as the posting lands.
    Immediate,
    /// With the next yearly settlement.
    NextSettlement,
}

impl BackdatedAdjustment {
    pub fn parse(text: &str) -> DomainResult<Self> {
        match text {
            "immediate" => Ok(BackdatedAdjustment::Immediate),
            "next_settlement" => Ok(BackdatedAdjustment::NextSettlement),
            _ => Err(DomainError::new(
                "BACKDATED_ADJUSTMENT_UNKNOWN",
                format!("未知的利息调整时点“{text}”（可选 immediate、next_settlement）"),
            )),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContributionRules {
    pub base_floor: Fen,
    pub base_cap: Fen,
    pub rate_min: RatePpm,
    pub rate_max: RatePpm,
    pub rate_step: RatePpm,
    pub rounding: Rounding,
    pub due_days_after_pay_day: i64,
    pub flexible_min_monthly_percent_of_floor: RatePpm,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanRates {
    pub first_home_up_to_5y: RatePpm,
    pub first_home_over_5y: RatePpm,
    pub second_home_up_to_5y: RatePpm,
    pub second_home_over_5y: RatePpm,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanLimits {
    pub single_cap: Fen,
    pub family_cap: Fen,
    pub completed_home_bonus_percent: i64,
    pub balance_multiple: i64,
    pub income_ratio_percent: i64,
    pub first_home_down_payment_percent: i64,
    pub second_home_down_payment_percent: i64,
    pub max_term_months: i64,
}

/// How loans are decided and serviced (eligibility, approval, overdue).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanRules {
    /// Consecutive months of full contributions before applying.
    pub min_contribution_months: i64,
    /// The most HPF loans one family may ever have (the next is refused).
    pub max_loans: i64,
    /// `no_balance` (no HPF loan outstanding anywhere ⇒ first home) or
    /// `no_previous_loan` (never had an HPF loan).
    pub first_home_test: FirstHomeTest,
    /// The loan must end within this many years after retirement age.
    pub years_after_retirement: i64,
    /// Loans above this need a second approver (two levels).
    pub second_approval_above: Fen,
    /// 罚息 markup over the contract rate, percent (30–50).
    pub penalty_markup_percent: i64,
    /// Days overdue from which a loan is 关注 / 次级 / 可疑 / 损失.
    pub grade_from_days: [i64; 4],
    /// Credit-linked rate adjustment by grade A–D, signed ppm (default zero).
    pub credit_adjust_ppm: [i64; 4],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FirstHomeTest {
    NoBalance,
    NoPreviousLoan,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RentRules {
    pub cap_per_person_month: Fen,
    pub cap_couple_month: Fen,
    pub multi_child_uplift_percent: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LedgerRules {
    pub allow_negative_member_balance: bool,
}

/// A row of the withdrawal reason code table (提取原因): one version of a
/// reason's rules, in force from `effective_from` until the code's next row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalReason {
    pub code: String,
    pub name: String,
    pub effective_from: Date,
    pub closes_account: bool,
    pub housing: bool,
    /// What bounds the amount.
    pub cap: WithdrawalCap,
    /// The proof whose number may serve only once in the centre.
    pub evidence: EvidenceKind,
    /// Document types the application must carry (empty: none).
    pub documents: Vec<String>,
    /// Withdrawals for this reason per calendar year (0: no limit).
    pub per_year: i64,
    /// Months the account must have been sealed (0: no wait).
    pub sealed_months: i64,
    /// Months after the evidence's date within which to apply (0: no window).
    pub window_months: i64,
    /// Neither the member nor their spouse may own a home in the city.
    pub requires_no_home: bool,
    /// Family members may each withdraw on the same evidence, sharing its amount.
    pub family_shared: bool,
    /// Only at or after the statutory retirement age.
    pub at_retirement: bool,
    /// Only for flexible workers (signed agreement).
    pub flexible_only: bool,
    /// Not while an HPF loan is outstanding.
    pub no_hpf_loan: bool,
    pub unverified: Vec<String>,
}

/// What bounds a withdrawal's amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WithdrawalCap {
    /// The available balance (less the minimum residual).
    Balance,
    /// The expense on the evidence, less what was drawn on it already.
    Evidence,
    /// The rent cap for the months applied for.
    Rent,
}

impl WithdrawalCap {
    pub fn parse(text: &str) -> DomainResult<Self> {
        match text {
            "balance" => Ok(WithdrawalCap::Balance),
            "evidence" => Ok(WithdrawalCap::Evidence),
            "rent" => Ok(WithdrawalCap::Rent),
            _ => Err(DomainError::new(
                "WITHDRAWAL_CAP_UNKNOWN",
                format!("未知的提取限额方式“{text}”（可选 balance、evidence、rent）"),
            )),
        }
    }
}

/// The proof a withdrawal rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EvidenceKind {
    None,
    /// 合同 (purchase contract, lease, loan contract).
    Contract,
    /// 发票 (invoice).
    Invoice,
}

impl EvidenceKind {
    pub fn parse(text: &str) -> DomainResult<Self> {
        match [
            EvidenceKind::None,
            EvidenceKind::Contract,
            EvidenceKind::Invoice,
        ]
        .into_iter()
        .find(|k| k.code() == text)
        {
            Some(kind) => Ok(kind),
            None => Err(DomainError::new(
                "EVIDENCE_KIND_UNKNOWN",
                format!("未知的凭证类型“{text}”（可选 none、contract、invoice）"),
            )),
        }
    }

    /// The code the policy file and the store use.
    pub fn code(self) -> &'static str {
        match self {
            EvidenceKind::None => "none",
            EvidenceKind::Contract => "contract",
            EvidenceKind::Invoice => "invoice",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            EvidenceKind::None => "无",
            EvidenceKind::Contract => "合同",
            EvidenceKind::Invoice => "发票",
        }
    }
}

/// Rules for every withdrawal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalRules {
    /// Amounts above this need a second approver (复核).
    pub second_approval_above: Fen,
    /// What must stay in the account after a withdrawal that does not close it.
    pub min_residual_balance: Fen,
    pub retirement_age_male: i64,
    pub retirement_age_female: i64,
    /// Largest document upload.
    pub max_document_kib: i64,
}

/// Fund management (plan §3): warning thresholds, the distribution of
/// value-added income and the term-deposit ladder's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FundRules {
    /// 资金运用率 band, ppm (plan: 85%–95%).
    pub utilisation_min_ppm: i64,
    pub utilisation_max_ppm: i64,
    /// 个贷率 warning and tight lines, ppm (85% / 90%).
    pub loan_ratio_warn_ppm: i64,
    pub loan_ratio_tight_ppm: i64,
    /// 风险准备金充足率 minimum, ppm (plan: 4%); also the distribution's target.
    pub reserve_adequacy_min_ppm: i64,
    /// 个人贷款逾期率 maximum, ppm (plan: 0.015‰ = 15 ppm).
    pub overdue_rate_max_ppm: i64,
    /// Bank deposits (GL 101) below this are a critical alert.
    pub min_bank_deposits: Fen,
    /// At least this share of value-added income goes to the reserve, ppm.
    pub reserve_min_share_ppm: i64,
    /// The approved management-cost budget.
    pub management_cost: Fen,
    /// The safety minimum the ladder keeps available.
    pub buffer: Fen,
    /// Deposit terms offered: (months, annual rate).
    pub deposit_terms: Vec<(u32, RatePpm)>,
}

impl FundRules {
    /// The liquidity warning thresholds.
    pub fn thresholds(&self) -> crate::fund::Thresholds {
        crate::fund::Thresholds {
            utilisation_min_ppm: self.utilisation_min_ppm,
            utilisation_max_ppm: self.utilisation_max_ppm,
            loan_ratio_warn_ppm: self.loan_ratio_warn_ppm,
            loan_ratio_tight_ppm: self.loan_ratio_tight_ppm,
            reserve_adequacy_min_ppm: self.reserve_adequacy_min_ppm,
            overdue_rate_max_ppm: self.overdue_rate_max_ppm,
            min_bank_deposits_fen: self.min_bank_deposits.get(),
        }
    }

    /// The distribution rule: the adequacy minimum is the reserve's target.
    pub fn distribution_rule(&self) -> crate::fund::DistributionRule {
        crate::fund::DistributionRule {
            reserve_target_ppm: self.reserve_adequacy_min_ppm,
            reserve_min_share_ppm: self.reserve_min_share_ppm,
            management_cost_fen: self.management_cost,
        }
    }

    /// The deposit terms for the ladder.
    pub fn terms(&self) -> Vec<crate::fund::Term> {
        self.deposit_terms
            .iter()
            .map(|(months, rate)| crate::fund::Term {
                months: *months,
                rate_ppm: rate.ppm(),
            })
            .collect()
    }
}

/// Everything one centre's policy file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicySet {
    pub file: String,
    pub centre_code: String,
    pub centre_name: String,
    pub deposit_interest: Series<DepositInterest>,
    pub contribution: Series<ContributionRules>,
    pub loan_rate: Series<LoanRates>,
    pub loan_limit: Series<LoanLimits>,
    pub loan_rule: Series<LoanRules>,
    pub rent: Series<RentRules>,
    pub ledger: Series<LedgerRules>,
    pub security: Series<SecurityRules>,
    pub withdrawal: Series<WithdrawalRules>,
    pub fund_rule: Series<FundRules>,
    pub service: Series<ServiceRules>,
    pub withdrawal_reasons: Vec<WithdrawalReason>,
}

/// The versions in force on one date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Policy {
    pub date: Date,
    pub centre_code: String,
    pub deposit_interest: Dated<DepositInterest>,
    pub contribution: Dated<ContributionRules>,
    pub loan_rate: Dated<LoanRates>,
    pub loan_limit: Dated<LoanLimits>,
    pub loan_rule: Dated<LoanRules>,
    pub rent: Dated<RentRules>,
    pub ledger: Dated<LedgerRules>,
    pub security: Dated<SecurityRules>,
    pub withdrawal: Dated<WithdrawalRules>,
    pub fund_rule: Dated<FundRules>,
    pub service: Dated<ServiceRules>,
    pub withdrawal_reasons: Vec<WithdrawalReason>,
}

impl PolicySet {
    /// The policy in force on `date`; refused when any group has no version yet.
    pub fn at(&self, date: Date) -> DomainResult<Policy> {
        Ok(Policy {
            date,
            centre_code: self.centre_code.clone(),
            deposit_interest: self.deposit_interest.at(date)?.clone(),
            contribution: self.contribution.at(date)?.clone(),
            loan_rate: self.loan_rate.at(date)?.clone(),
            loan_limit: self.loan_limit.at(date)?.clone(),
            loan_rule: self.loan_rule.at(date)?.clone(),
            rent: self.rent.at(date)?.clone(),
            ledger: self.ledger.at(date)?.clone(),
            security: self.security.at(date)?.clone(),
            withdrawal: self.withdrawal.at(date)?.clone(),
            fund_rule: self.fund_rule.at(date)?.clone(),
            service: self.service.at(date)?.clone(),
            withdrawal_reasons: self.reasons_at(date),
        })
    }

    /// Each reason's version in force on `date`, by code.
    pub fn reasons_at(&self, date: Date) -> Vec<WithdrawalReason> {
        let mut in_force: Vec<WithdrawalReason> = Vec::new();
        for r in self
            .withdrawal_reasons
            .iter()
            .filter(|r| r.effective_from <= date)
        {
            match in_force.iter_mut().find(|x| x.code == r.code) {
                Some(x) if x.effective_from < r.effective_from => *x = r.clone(),
                Some(_) => {}
                None => in_force.push(r.clone()),
            }
        }
        in_force.sort_by(|a, b| a.code.cmp(&b.code));
        in_force
    }

    /// The earliest date on which every group has a version.
    pub fn in_force_from(&self) -> Option<Date> {
        [
            self.deposit_interest
                .versions
                .first()
                .map(|v| v.effective_from),
            self.contribution.versions.first().map(|v| v.effective_from),
            self.loan_rate.versions.first().map(|v| v.effective_from),
            self.loan_limit.versions.first().map(|v| v.effective_from),
            self.loan_rule.versions.first().map(|v| v.effective_from),
            self.rent.versions.first().map(|v| v.effective_from),
            self.ledger.versions.first().map(|v| v.effective_from),
            self.security.versions.first().map(|v| v.effective_from),
            self.withdrawal.versions.first().map(|v| v.effective_from),
            self.fund_rule.versions.first().map(|v| v.effective_from),
            self.service.versions.first().map(|v| v.effective_from),
        ]
        .into_iter()
        .try_fold(None::<Date>, |acc, d| {
            d.map(|d| Some(acc.map_or(d, |a| a.max(d))))
        })
        .flatten()
    }
}

impl Policy {
    /// The rent reason (租房) in force, if the centre has one: the one
    /// capped by the rent limits.
    pub fn rent_reason(&self) -> Option<&WithdrawalReason> {
        self.withdrawal_reasons
            .iter()
            .find(|r| r.cap == WithdrawalCap::Rent)
    }

    pub fn withdrawal_reason(&self, code: &str) -> DomainResult<&WithdrawalReason> {
        self.withdrawal_reasons
            .iter()
            .find(|r| r.code == code)
            .ok_or_else(|| {
                DomainError::new(
                    "WITHDRAWAL_REASON_UNKNOWN",
                    format!("提取原因代码“{code}”在 {} 不可用", self.date),
                )
            })
    }
}

#[cfg(test)]
mod tests;
