//! The rules around the monthly bill: back payments (补缴), deferral and rate
//! reduction (缓缴/降比例), enforcement steps (催缴 → 责令限期缴存 → 申请法院强制执行),
//! and the flexible workers' minimum deposit (business-rules §1).

use super::codes::*;
use super::{BillLine, ContributionRates, check_rates, monthly_contribution};
use crate::calendar::{Date, Period};
use crate::error::{DomainError, DomainResult};
use crate::ids::IdCardNo;
use crate::ledger::MemberId;
use crate::money::Fen;
use crate::policy::ContributionRules;
use crate::rate::RatePpm;

/// Longest relief one application may ask for, in months.
pub const MAX_RELIEF_MONTHS: u32 = 12;

/// A member to back-pay for a month, at the monthly wage the base comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BackPayRequest {
    pub member: MemberId,
    pub wage: Fen,
    /// The member's own rates where they differ from the employer's.
    pub rates: Option<ContributionRates>,
}

/// 补缴 lines for one month. `paid` is what the month's bills already charged
/// each member (the monthly bill and earlier back payments, one line per
/// member, summed). A member missing from it owes the whole month; one on it
/// (a base set too low) owes the difference per side, and only if the new base
/// is higher and something is owed.
pub fn back_payment_lines(
    requests: &[BackPayRequest],
    paid: &[BillLine],
    rates: ContributionRates,
    rules: &ContributionRules,
) -> DomainResult<Vec<BillLine>> {
    if requests.is_empty() {
        return Err(DomainError::new("BACKPAY_EMPTY", "请至少选择一名职工"));
    }
    requests
        .iter()
        .map(|r| {
            let due = monthly_contribution(r.wage, r.rates.unwrap_or(rates), rules)?;
            let Some(before) = paid.iter().find(|l| l.member == r.member) else {
                return Ok(BillLine {
                    member: r.member,
                    base: due.base,
                    employer: due.employer,
                    member_part: due.member,
                });
            };
            if due.base <= before.base {
                return Err(DomainError::new(
                    "BACKPAY_NOT_HIGHER",
                    format!(
                        "个人账户 {} 的新基数 {} 不高于已缴基数 {}，无需补缴",
                        r.member.0, due.base, before.base
                    ),
                ));
            }
            let line = BillLine {
                member: r.member,
                base: due.base,
                employer: due.employer.checked_sub(before.employer)?,
                member_part: due.member.checked_sub(before.member_part)?,
            };
            if line.employer.is_negative()
                || line.member_part.is_negative()
                || !line.total()?.is_positive()
            {
                return Err(DomainError::new(
                    "BACKPAY_NOTHING_DUE",
                    format!("个人账户 {} 按新基数计算无需补缴", r.member.0),
                ));
            }
            Ok(line)
        })
        .collect()
}

/// Sums bill lines per member (the month's bills so far), keeping the highest
/// base: what the member has been charged for the month.
pub fn charged_per_member(lines: &[BillLine]) -> DomainResult<Vec<BillLine>> {
    let mut by_member: std::collections::BTreeMap<MemberId, BillLine> =
        std::collections::BTreeMap::new();
    for l in lines {
        match by_member.get_mut(&l.member) {
            None => {
                by_member.insert(l.member, l.clone());
            }
            Some(sum) => {
                sum.base = sum.base.max(l.base);
                sum.employer = sum.employer.checked_add(l.employer)?;
                sum.member_part = sum.member_part.checked_add(l.member_part)?;
            }
        }
    }
    Ok(by_member.into_values().collect())
}

/// What an employer in hardship asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReliefApplication {
    pub kind: ReliefKind,
    pub from: Period,
    pub to: Period,
    /// The reduced rates (rate reduction only).
    pub rates: Option<ContributionRates>,
    pub reason: String,
    /// The staff representatives' resolution (职工代表大会或工会决议) reference.
    pub consent: String,
}

fn months_between(from: Period, to: Period) -> i64 {
    (i64::from(to.year()) - i64::from(from.year())) * 12 + i64::from(to.month())
        - i64::from(from.month())
        + 1
}

impl ReliefApplication {
    /// Checks the application against today's month, the employer's current
    /// rates and the policy band: forward-looking, at most a year, a written
    /// reason and the staff representatives' consent, and for a reduction
    /// rates inside the band and below the current ones.
    pub fn check(
        &self,
        this_month: Period,
        current: ContributionRates,
        rules: &ContributionRules,
    ) -> DomainResult<()> {
        if self.from < this_month || self.to < self.from {
            return Err(DomainError::new(
                "RELIEF_PERIOD_INVALID",
                "起止月份无效：不能早于本月，结束月份不能早于开始月份",
            ));
        }
        if months_between(self.from, self.to) > i64::from(MAX_RELIEF_MONTHS) {
            return Err(DomainError::new(
                "RELIEF_TOO_LONG",
                format!("一次申请最长 {MAX_RELIEF_MONTHS} 个月"),
            ));
        }
        if self.reason.trim().is_empty() || self.consent.trim().is_empty() {
            return Err(DomainError::new(
                "RELIEF_CONSENT_REQUIRED",
                "请填写申请理由及职工代表大会（或工会）决议文号",
            ));
        }
        match (self.kind, self.rates) {
            (ReliefKind::Deferral, None) => Ok(()),
            (ReliefKind::Deferral, Some(_)) => Err(DomainError::new(
                "RELIEF_RATES_UNEXPECTED",
                "缓缴申请不填写缴存比例",
            )),
            (ReliefKind::RateReduction, None) => Err(DomainError::new(
                "RELIEF_RATES_REQUIRED",
                "请填写降低后的缴存比例",
            )),
            (ReliefKind::RateReduction, Some(r)) => check_reduction(r, current, rules),
        }
    }
}

fn check_reduction(
    reduced: ContributionRates,
    current: ContributionRates,
    rules: &ContributionRules,
) -> DomainResult<()> {
    check_rates(reduced, rules)?;
    let lower = reduced.employer <= current.employer && reduced.member <= current.member;
    if !lower || reduced == current {
        return Err(DomainError::new(
            "RELIEF_RATES_NOT_LOWER",
            format!(
                "降低后的比例须低于现行比例（单位 {}，个人 {}）",
                current.employer, current.member
            ),
        ));
    }
    Ok(())
}

/// A deferred month's bill falls due on the last day of the month after the
/// deferral ends: the employer must catch up then.
pub fn deferred_due_date(deferral_to: Period) -> DomainResult<Date> {
    deferral_to.next()?.last_day()
}

/// 灵活就业人员 monthly minimum: a percentage of the base floor (the minimum
/// wage), to the fen with the policy's rounding.
pub fn flexible_minimum(rules: &ContributionRules) -> DomainResult<Fen> {
    let percent: RatePpm = rules.flexible_min_monthly_percent_of_floor;
    rules.rounding.apply(
        i128::from(rules.base_floor.get()) * i128::from(percent.ppm()),
        1_000_000,
    )
}

/// Retirement age used for the flexible-worker pilot's age band (60 for men,
/// 55 for women; the gradual rise from 2025 is not yet modelled).
const RETIREMENT_AGE_MALE: i32 = 60;
const RETIREMENT_AGE_FEMALE: i32 = 55;
const FLEXIBLE_MIN_AGE: i32 = 16;

/// Age in whole years on `today`.
pub fn age_on(born: Date, today: Date) -> i32 {
    let had_birthday = (today.month(), today.day()) >= (born.month(), born.day());
    today.year() - born.year() - i32::from(!had_birthday)
}

/// Aged 16 up to retirement age (business-rules §1, Suzhou pilot 3.0).
pub fn check_flexible_age(id_card: &IdCardNo, today: Date) -> DomainResult<()> {
    let age = age_on(id_card.birth_date()?, today);
    let limit = if id_card.is_male() {
        RETIREMENT_AGE_MALE
    } else {
        RETIREMENT_AGE_FEMALE
    };
    if !(FLEXIBLE_MIN_AGE..limit).contains(&age) {
        return Err(DomainError::new(
            "FLEXIBLE_AGE",
            format!("灵活就业人员须年满{FLEXIBLE_MIN_AGE}周岁且未达到法定退休年龄（现年{age}岁）"),
        ));
    }
    Ok(())
}

/// `张三丰` → `张*丰`, `张三` → `张*`: enough for a clerk to confirm a caller,
/// not enough to read off a list.
pub fn mask_name(name: &str) -> String {
    let chars: Vec<char> = name.chars().collect();
    match chars.len() {
        0 | 1 => name.to_string(),
        2 => format!("{}*", chars[0]),
        n => format!("{}{}{}", chars[0], "*".repeat(n - 2), chars[n - 1]),
    }
}

#[cfg(test)]
mod tests;
