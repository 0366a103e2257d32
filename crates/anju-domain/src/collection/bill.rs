//! The monthly remittance bill (汇缴清册): one line per active member of an
//! employer for a contribution month, its due date, and the balanced journal
//! entry that posts it (Dr 101 for the employer / Cr 201 for each member).

use super::{ContributionRates, monthly_contribution};
use crate::calendar::{Date, Period};
use crate::error::{DomainError, DomainResult};
use crate::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use crate::money::Fen;
use crate::policy::ContributionRules;

/// One member on a bill: the base and each side's amount.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub member: MemberId,
    pub base: Fen,
    pub employer: Fen,
    pub member_part: Fen,
}

impl BillLine {
    pub fn total(&self) -> DomainResult<Fen> {
        self.employer.checked_add(self.member_part)
    }
}

/// A member as the bill needs them: the wage the base comes from and any
/// personal rates (where policy allows an override).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillableMember {
    pub member: MemberId,
    pub wage: Fen,
    pub rates: Option<ContributionRates>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemittanceBill {
    pub employer_id: i64,
    pub period: Period,
    pub due_date: Date,
    pub lines: Vec<BillLine>,
}

/// Due within `due_days` after the pay day of the month, or on the last day of
/// the month when no pay day is on file (business-rules §1).
pub fn due_date(period: Period, pay_day: Option<u32>, due_days: i64) -> DomainResult<Date> {
    match pay_day {
        Some(day) => {
            let pay = Date::from_ymd(period.year(), period.month(), day)?;
            pay.add_days(
                i32::try_from(due_days)
                    .map_err(|_| DomainError::new("DUE_DAYS_INVALID", "缴存期限无效"))?,
            )
        }
        None => period.last_day(),
    }
}

impl RemittanceBill {
    /// Computes every line with the rules in force for the month.
    pub fn compute(
        employer_id: i64,
        period: Period,
        pay_day: Option<u32>,
        employer_rates: ContributionRates,
        members: &[BillableMember],
        rules: &ContributionRules,
    ) -> DomainResult<RemittanceBill> {
        if members.is_empty() {
            return Err(DomainError::new(
                "BILL_EMPTY",
                "该单位本月没有正常缴存的职工",
            ));
        }
        let lines = members
            .iter()
            .map(|m| {
                let c = monthly_contribution(m.wage, m.rates.unwrap_or(employer_rates), rules)?;
                Ok(BillLine {
                    member: m.member,
                    base: c.base,
                    employer: c.employer,
                    member_part: c.member,
                })
            })
            .collect::<DomainResult<Vec<_>>>()?;
        Ok(RemittanceBill {
            employer_id,
            period,
            due_date: due_date(period, pay_day, rules.due_days_after_pay_day)?,
            lines,
        })
    }

    pub fn total(&self) -> DomainResult<Fen> {
        self.lines
            .iter()
            .try_fold(Fen::ZERO, |acc, line| acc.checked_add(line.total()?))
    }

    /// The posting: Dr 101 (the employer's payment) / Cr 201 per member, valued
    /// on the day the money arrived.
    pub fn entry(&self, paid_on: Date, key: IdempotencyKey) -> DomainResult<NewEntry> {
        self.entry_as(false, paid_on, key)
    }

    /// The posting of a monthly bill (汇缴, C01) or of a back payment (补缴, C02).
    pub fn entry_as(
        &self,
        back_payment: bool,
        paid_on: Date,
        key: IdempotencyKey,
    ) -> DomainResult<NewEntry> {
        let (code, label) = if back_payment {
            ("C02", "补缴")
        } else {
            ("C01", "汇缴")
        };
        let mut lines = vec![Line::debit("101", self.total()?).for_employer(self.employer_id)];
        for line in &self.lines {
            lines.push(Line::credit("201", line.total()?).for_member(line.member));
        }
        NewEntry::new(
            code,
            paid_on,
            key,
            &format!("{} {label}", self.period),
            lines,
        )
    }

    /// 逾期: not paid in full by the due date.
    pub fn is_overdue(&self, paid: bool, today: Date) -> bool {
        !paid && today > self.due_date
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::rate::RatePpm;
    use proptest::prelude::*;

    fn rules() -> ContributionRules {
        crate::test_support::contribution_rules("2026-11-01")
    }

    fn rates(p: &str) -> ContributionRates {
        let r = RatePpm::parse_percent(p).expect("rate");
        ContributionRates {
            employer: r,
            member: r,
        }
    }

    fn d(t: &str) -> Date {
        Date::parse(t).expect(t)
    }

    #[test]
    fn due_dates() {
        let p = Period::parse("202611").expect("period");
        assert_eq!(due_date(p, Some(15), 5), Ok(d("2026-11-20")));
        assert_eq!(due_date(p, Some(28), 5), Ok(d("2026-12-03")));
        assert_eq!(due_date(p, None, 5), Ok(d("2026-11-30")));
    }

    #[test]
    fn overdue_on_both_sides_of_the_due_date() {
        let members = [BillableMember {
            member: MemberId(1),
            wage: Fen::new(800_000),
            rates: None,
        }];
        let p = Period::parse("202611").expect("period");
        let bill =
            RemittanceBill::compute(7, p, Some(15), rates("10"), &members, &rules()).expect("bill");
        assert!(
            !bill.is_overdue(false, d("2026-11-20")),
            "on the due date it is not yet overdue"
        );
        assert!(bill.is_overdue(false, d("2026-11-21")));
        assert!(
            !bill.is_overdue(true, d("2027-01-01")),
            "paid bills are never overdue"
        );
    }

    #[test]
    fn personal_rates_and_an_empty_roster() {
        let p = Period::parse("202611").expect("period");
        let members = [
            BillableMember {
                member: MemberId(1),
                wage: Fen::new(1_000_000),
                rates: None,
            },
            BillableMember {
                member: MemberId(2),
                wage: Fen::new(1_000_000),
                rates: Some(rates("5")),
            },
        ];
        let bill =
            RemittanceBill::compute(7, p, None, rates("12"), &members, &rules()).expect("bill");
        assert_eq!(bill.lines[0].total(), Ok(Fen::new(240_000)));
        assert_eq!(bill.lines[1].total(), Ok(Fen::new(100_000)));
        assert_eq!(
            RemittanceBill::compute(7, p, None, rates("12"), &[], &rules()).map_err(|e| e.code()),
            Err("BILL_EMPTY")
        );
    }

    proptest! {
        /// Σ member credits = the employer's debit, for any roster and rates.
        #[test]
        fn credits_equal_the_debit(
            wages in prop::collection::vec(1i64..10_000_000, 1..60),
            employer_pct in 5i64..=12,
            member_pct in 5i64..=12,
        ) {
            let r = ContributionRates {
                employer: RatePpm::new(employer_pct * 10_000).expect("rate"),
                member: RatePpm::new(member_pct * 10_000).expect("rate"),
            };
            let members: Vec<BillableMember> = wages
                .iter()
                .enumerate()
                .map(|(i, w)| BillableMember { member: MemberId(i as i64 + 1), wage: Fen::new(*w), rates: None })
                .collect();
            let p = Period::parse("202611").expect("period");
            let bill = RemittanceBill::compute(3, p, Some(10), r, &members, &rules()).expect("bill");
            let entry = bill.entry(d("2026-11-12"), IdempotencyKey::parse("k").expect("key")).expect("entry");
            let credits: i64 = entry.lines.iter().skip(1).map(|l| l.amount.get()).sum();
            prop_assert_eq!(credits, entry.lines[0].amount.get());
            prop_assert_eq!(entry.lines.len(), members.len() + 1);
            let cap = rules().base_cap;
            prop_assert!(bill.lines.iter().all(|l| l.base <= cap && l.base >= rules().base_floor));
        }
    }
}
