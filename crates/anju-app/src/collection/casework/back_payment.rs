//! 补缴 for a past month, and what the month's bills have charged each
//! member.

use super::{not_found, period_of, period_value, rates_pair};
use crate::Collection;
use crate::access::{Actor, checked_reason};
use crate::collection::check_scope;
use crate::{App, AppResult};
use anju_domain::collection::BillKind;
use anju_domain::collection::BillStatus;
use anju_domain::collection::{
    BackPayRequest, BillLine, ContributionRates, back_payment_lines, charged_per_member,
};
use anju_domain::ledger::MemberId;
use anju_domain::{Date, DomainError, Fen, Period};
use anju_store::{BillLineRecord, BillRecord};

impl App {
    async fn try_back_payment(
        &self,
        employer_id: i64,
        period: Period,
        reason: &str,
        requests: &[BackPayRequest],
        today: Date,
    ) -> AppResult<BillRecord> {
        let reason = checked_reason(reason)?;
        let employer = self.employer_record(employer_id).await?;
        if period >= Period::of_date(today) {
            return Err(DomainError::new("BACKPAY_PERIOD", "补缴只适用于本月以前的月份").into());
        }
        let monthly = self
            .case_port()
            .monthly_bill(employer_id, period_value(period))
            .await?;
        let monthly = match monthly {
            Some(b) if b.status == BillStatus::Paid => b,
            Some(_) => {
                return Err(DomainError::new(
                    "BACKPAY_MONTHLY_OPEN",
                    format!("{period} 的汇缴清册尚未缴纳，请先缴纳该清册"),
                )
                .into());
            }
            None => {
                return Err(DomainError::new(
                    "BACKPAY_NO_MONTHLY_BILL",
                    format!("{period} 尚无汇缴清册，请先生成并缴纳该月汇缴"),
                )
                .into());
            }
        };
        let charged = self.charged_in_month(&monthly).await?;
        let mut requests = requests.to_vec();
        for r in &mut requests {
            let m = self.collection_port().member(r.member.0).await?;
            let Some(m) = m.filter(|m| m.employer_id == Some(employer_id)) else {
                return Err(DomainError::new(
                    "MEMBER_NOT_IN_EMPLOYER",
                    format!("个人账户 {} 不属于本单位", r.member.0),
                )
                .into());
            };
            // The member's own rates, as the monthly bill charged them.
            r.rates = rates_pair(m.employer_rate_ppm, m.member_rate_ppm)?;
        }
        let rules = &self.policy().contribution.at(period.first_day()?)?.value;
        let rates = self
            .collection()
            .relief_for(employer_id, period)
            .await?
            .rates
            .unwrap_or(ContributionRates {
                employer: employer.employer_rate_ppm,
                member: employer.member_rate_ppm,
            });
        let lines = back_payment_lines(&requests, &charged, rates, rules)?;
        let total = lines
            .iter()
            .try_fold(Fen::ZERO, |acc, l| acc.checked_add(l.total()?))?;
        let record = BillRecord {
            kind: BillKind::BackPayment,
            reason: Some(reason),
            ..BillRecord::open_remittance(
                self.posting_port().reserve_ids(1),
                employer_id,
                period_value(period),
                today,
                total,
                i32::try_from(lines.len()).unwrap_or(i32::MAX),
                crate::clock::now_micros(),
            )
        };
        let rows = crate::collection::batch::line_rows(&lines);
        self.collection_port().save_bill(&record, &rows).await?;
        Ok(record)
    }

    /// What the month's bills have charged each member so far: the paid
    /// monthly bill and every back payment for the month not reversed (open or
    /// paid), so the same back payment cannot be billed twice.
    async fn charged_in_month(&self, monthly: &BillRecord) -> AppResult<Vec<BillLine>> {
        let mut lines = self.bill_lines(monthly.bill_id).await?;
        let earlier: Vec<BillRecord> = self
            .collection_port()
            .bills_of(monthly.employer_id, 1_000)
            .await?
            .into_iter()
            .filter(|b| {
                b.period == monthly.period
                    && b.kind == BillKind::BackPayment
                    && b.reversal_entry_id.is_none()
            })
            .collect();
        for b in earlier {
            lines.extend(self.bill_lines(b.bill_id).await?);
        }
        Ok(charged_per_member(&lines)?)
    }

    async fn bill_lines(&self, bill_id: i64) -> AppResult<Vec<BillLine>> {
        let (_, lines) = self
            .collection_port()
            .bill(bill_id)
            .await?
            .ok_or_else(|| not_found("BILL_NOT_FOUND", format!("汇缴清册 {bill_id} 不存在")))?;
        Ok(lines
            .iter()
            .map(|l| BillLine {
                member: MemberId(l.member_id),
                base: l.base_fen,
                employer: l.employer_fen,
                member_part: l.member_fen,
            })
            .collect())
    }
}

impl Collection<'_> {
    /// 补缴 for a past month whose monthly bill is paid: members missed from it
    /// owe the month, members on it with a base set too low the difference.
    /// The bill is paid like any other and credited when the money arrives.
    pub async fn create_back_payment(
        self,
        actor: &Actor,
        employer_id: i64,
        period: Period,
        reason: &str,
        requests: &[BackPayRequest],
        today: Date,
    ) -> AppResult<BillRecord> {
        let result = match check_scope(actor, employer_id) {
            Ok(()) => {
                self.try_back_payment(employer_id, period, reason, requests, today)
                    .await
            }
            Err(e) => Err(e),
        };
        let target = format!("employer:{employer_id}/{period}");
        self.audited(
            actor,
            "remittance.backpay",
            &target,
            reason.as_bytes(),
            result,
        )
        .await
    }

    /// Who a monthly bill adds and drops against last month's live bill:
    /// (joined, left) member ids, or `None` when last month had no bill.
    pub async fn roster_changes(
        self,
        bill: &BillRecord,
        lines: &[BillLineRecord],
    ) -> AppResult<Option<(Vec<i64>, Vec<i64>)>> {
        let previous = period_of(bill.period)?.previous()?;
        let Some(last) = self
            .case_port()
            .monthly_bill(bill.employer_id, period_value(previous))
            .await?
        else {
            return Ok(None);
        };
        let before: std::collections::BTreeSet<i64> = self
            .bill_lines(last.bill_id)
            .await?
            .iter()
            .map(|l| l.member.0)
            .collect();
        let now: std::collections::BTreeSet<i64> = lines.iter().map(|l| l.member_id).collect();
        Ok(Some((
            now.difference(&before).copied().collect(),
            before.difference(&now).copied().collect(),
        )))
    }
}
