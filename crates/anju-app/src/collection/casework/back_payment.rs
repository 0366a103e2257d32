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
    BackPayRequest, BillLine, ContributionRates, RowError, back_payment_lines, charged_per_member,
    parse_back_pay_file,
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
        let requests = self.with_member_rates(employer_id, requests).await?;
        let rules = &self.policy().contribution.at(period.first_day()?)?.value;
        let rates = self.month_rates(&employer, period).await?;
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

    /// The requests with each member's own rates, as the monthly bill
    /// charged them; a member not of the unit is refused.
    async fn with_member_rates(
        &self,
        employer_id: i64,
        requests: &[BackPayRequest],
    ) -> AppResult<Vec<BackPayRequest>> {
        // One read for all of them: a file may name thousands.
        let ids: Vec<i64> = requests.iter().map(|r| r.member.0).collect();
        let members: std::collections::HashMap<i64, _> = self
            .collection_port()
            .members_by_ids(&ids)
            .await?
            .into_iter()
            .map(|m| (m.member_id, m))
            .collect();
        let mut requests = requests.to_vec();
        for r in &mut requests {
            let m = members.get(&r.member.0);
            let Some(m) = m.filter(|m| m.employer_id == Some(employer_id)) else {
                return Err(DomainError::new(
                    "MEMBER_NOT_IN_EMPLOYER",
                    format!("个人账户 {} 不属于本单位", r.member.0),
                )
                .into());
            };
            r.rates = rates_pair(m.employer_rate_ppm, m.member_rate_ppm)?;
        }
        Ok(requests)
    }

    /// The unit's rates for the month: a granted 降比例's, else its own.
    async fn month_rates(
        &self,
        employer: &anju_store::EmployerRecord,
        period: Period,
    ) -> AppResult<ContributionRates> {
        let relief = self
            .collection()
            .relief_for(employer.employer_id, period)
            .await?;
        Ok(relief.rates.unwrap_or(ContributionRates {
            employer: employer.employer_rate_ppm,
            member: employer.member_rate_ppm,
        }))
    }

    /// Each request of a 补缴 file checked on its own against what the
    /// month has charged: the refusal of each that would fail, by index.
    async fn back_pay_refusals(
        &self,
        employer_id: i64,
        period: Period,
        requests: &[BackPayRequest],
    ) -> AppResult<Vec<(usize, DomainError)>> {
        let employer = self.employer_record(employer_id).await?;
        let monthly = self
            .case_port()
            .monthly_bill(employer_id, period_value(period))
            .await?;
        // No paid monthly bill: the whole file is refused by the bill's rules.
        let Some(monthly) = monthly.filter(|b| b.status == BillStatus::Paid) else {
            return Ok(Vec::new());
        };
        let charged = self.charged_in_month(&monthly).await?;
        let rules = &self.policy().contribution.at(period.first_day()?)?.value;
        let rates = self.month_rates(&employer, period).await?;
        // The people come from the unit's roster: the rates are read once,
        // then each line is worked out on its own.
        let requests = self.with_member_rates(employer_id, requests).await?;
        let mut refusals = Vec::new();
        for (index, request) in requests.iter().enumerate() {
            let line = std::slice::from_ref(request);
            if let Err(e) = back_payment_lines(line, &charged, rates, rules) {
                refusals.push((index, e));
            }
        }
        Ok(refusals)
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

    /// 补缴 of one month from a CSV or Excel file (身份证号, 月工资): every
    /// row checked and named by row and column; people not of this unit are
    /// refused. A file with any problem makes no bill unless `take_valid_rows`
    /// says to bill the rows that passed.
    #[allow(clippy::too_many_arguments)]
    pub async fn back_payment_from_file(
        self,
        actor: &Actor,
        employer_id: i64,
        period: Period,
        reason: &str,
        bytes: &[u8],
        take_valid_rows: bool,
        today: Date,
    ) -> AppResult<(Option<BillRecord>, Vec<RowError>)> {
        check_scope(actor, employer_id)?;
        let file = parse_back_pay_file(bytes)?;
        let mut errors = file.errors;
        // The unit's members now: one who has left is back-paid by the
        // centre, not the unit (sealing ends the tie to the unit).
        let staff = self.staff_by_id_card(employer_id).await?;
        let mut rows = Vec::new();
        for row in &file.valid {
            match staff.get(row.id_card.as_str()) {
                Some(member_id) => rows.push((
                    row.row,
                    BackPayRequest {
                        member: MemberId(*member_id),
                        wage: row.wage,
                        rates: None,
                    },
                )),
                None => errors.push(super::not_in_employer(row.row)),
            }
        }
        let requests: Vec<BackPayRequest> = rows.iter().map(|(_, r)| *r).collect();
        let refused = self
            .back_pay_refusals(employer_id, period, &requests)
            .await?;
        for (index, e) in &refused {
            errors.push(RowError {
                row: rows[*index].0,
                column: "月工资".to_string(),
                code: e.code(),
                message: e.message().to_string(),
            });
        }
        let billable: Vec<BackPayRequest> = requests
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !refused.iter().any(|(r, _)| r == i))
            .map(|(_, r)| r)
            .collect();
        errors.sort_by_key(|e| e.row);
        if billable.is_empty() || (!errors.is_empty() && !take_valid_rows) {
            return Ok((None, errors));
        }
        let bill = self
            .create_back_payment(actor, employer_id, period, reason, &billable, today)
            .await?;
        Ok((Some(bill), errors))
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
