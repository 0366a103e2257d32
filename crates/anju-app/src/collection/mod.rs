//! Collection (归集) use cases: register employers, enrol members (their ledger
//! accounts open in the same transaction), compute the month's remittance bill
//! from the roster, post its payment as one balanced entry, find overdue bills.

use crate::Collection;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::collection::BillKind;
use anju_domain::collection::BillStatus;
use anju_domain::collection::{
    BillableMember, ContributionRates, EmployerRegistration, EmployerStatus, MemberEnrolment,
    MemberStatus, RemittanceBill, check_rates,
};
use anju_domain::ledger::{IdempotencyKey, MemberId};
use anju_domain::{Date, DomainError, Period};
use anju_store::MemberChange;
use std::collections::BTreeSet;

pub mod batch;
mod casework;
mod export;
mod flexible;
mod payment;
mod reads;

/// The register's records, as the use cases hand them out.
pub use anju_store::{
    BaseFilingRecord, BillLineRecord, BillRecord, CaseRecord, CaseStepRecord, EmployerRecord,
    MemberRecord, NewBase, ReliefRecord,
};
pub use casework::{
    CaseDocument, CaseStepInput, CollectionDay, CompanyRegistered, REMINDER_DAYS, ReliefFor,
};
pub use export::{APPROVAL_VALID_DAYS, IdentifiedExportRequest, IdentifiedRoster};
pub use flexible::{AGREEMENT_VERSION, FlexibleSignup};

pub(crate) use payment::default_adapters as default_payment_adapters;
pub use payment::{
    BankTransferSimulator, EcnySimulator, PaymentAdapter, PaymentReceipt, PaymentRequest,
};

/// Most members one enrolment call takes (a file import is split into calls).
pub const MAX_ENROLMENT_BATCH: usize = 5_000;
/// Overdue bills one query returns.
const OVERDUE_PAGE: u32 = 500;

fn rates_of(record: &EmployerRecord) -> AppResult<ContributionRates> {
    Ok(ContributionRates {
        employer: record.employer_rate_ppm,
        member: record.member_rate_ppm,
    })
}

/// A known person joining `employer_id`: a sealed account is unsealed into it
/// (启封, the second half of an in-city transfer), and a loan-only account
/// (异地贷款) becomes an ordinary one, its loans kept; anything else is
/// refused.
fn rehire(
    existing: MemberRecord,
    e: &MemberEnrolment,
    employer_id: i64,
) -> AppResult<(MemberChange, MemberRecord)> {
    let status = existing.status;
    match status {
        MemberStatus::Sealed | MemberStatus::RemoteBorrower => {
            let change = MemberChange {
                member_id: existing.member_id,
                expected_status: status,
                status: MemberStatus::Active,
                employer_id: Some(employer_id),
                wage_fen: Some(e.wage),
                on: None,
            };
            let after = MemberRecord {
                status: change.status,
                employer_id: change.employer_id,
                wage_fen: e.wage,
                ..existing
            };
            Ok((change, after))
        }
        MemberStatus::Active if existing.employer_id == Some(employer_id) => Err(DomainError::new(
            "MEMBER_EXISTS",
            format!("身份证号 {} 已在本单位缴存", e.id_card),
        )
        .into()),
        MemberStatus::Active => Err(DomainError::new(
            "MEMBER_ACTIVE_ELSEWHERE",
            format!(
                "身份证号 {} 仍在原单位正常缴存，请原单位先办理减员（封存）后再转入",
                e.id_card
            ),
        )
        .into()),
        other => Err(DomainError::new(
            "MEMBER_NOT_TRANSFERABLE",
            format!(
                "身份证号 {} 的账户状态为“{}”，不能转入",
                e.id_card,
                other.name_zh()
            ),
        )
        .into()),
    }
}

/// An employer agent acts for their own employer only; staff for any.
pub(crate) fn check_scope(actor: &Actor, employer_id: i64) -> AppResult<()> {
    match &actor.principal {
        Some(p)
            if p.role == anju_domain::access::Role::EmployerAgent
                && p.employer_id != Some(employer_id) =>
        {
            Err(DomainError::new("EMPLOYER_SCOPE", "只能办理本单位的业务").into())
        }
        _ => Ok(()),
    }
}

impl App {
    async fn try_register_employer(
        &self,
        r: &EmployerRegistration,
        today: Date,
    ) -> AppResult<EmployerRecord> {
        check_rates(r.rates, &self.policy().contribution.at(today)?.value)?;
        let record = self.new_employer(r, EmployerStatus::Active, "counter");
        self.collection_port().register_employer(&record).await?;
        Ok(record)
    }

    /// The record of a validated registration, with a fresh id.
    pub(crate) fn new_employer(
        &self,
        r: &EmployerRegistration,
        status: EmployerStatus,
        source: &str,
    ) -> EmployerRecord {
        EmployerRecord {
            employer_id: self.posting_port().reserve_ids(1),
            uscc: r.uscc.as_str().to_string(),
            name: r.name.clone(),
            pay_day: r.pay_day.and_then(|d| i32::try_from(d).ok()),
            employer_rate_ppm: r.rates.employer,
            member_rate_ppm: r.rates.member,
            status,
            opened_at_us: crate::clock::now_micros(),
            economic_type: r.profile.economic_type.clone(),
            industry: r.profile.industry.clone(),
            bank_account: r.profile.bank_account.clone(),
            source: source.to_string(),
        }
    }

    async fn try_enrol_members(
        &self,
        employer_id: i64,
        enrolments: &[MemberEnrolment],
        today: Date,
    ) -> AppResult<Vec<MemberRecord>> {
        if enrolments.is_empty() || enrolments.len() > MAX_ENROLMENT_BATCH {
            return Err(
                DomainError::new("ENROLMENT_BATCH_SIZE", "一次开户人数应为1至5000人").into(),
            );
        }
        let employer = self.active_employer(employer_id).await?;
        let mut seen = BTreeSet::new();
        if let Some(dup) = enrolments.iter().find(|e| !seen.insert(e.id_card.as_str())) {
            return Err(DomainError::new(
                "MEMBER_DUPLICATE",
                format!("身份证号 {} 重复", dup.id_card),
            )
            .into());
        }
        // One person, one account: a known ID number is a rehire, not a new account.
        let ids: Vec<&str> = enrolments.iter().map(|e| e.id_card.as_str()).collect();
        let mut known: std::collections::HashMap<String, MemberRecord> = self
            .collection_port()
            .members_by_id_cards(&ids)
            .await?
            .into_iter()
            .map(|m| (m.id_card.clone(), m))
            .collect();
        let mut fresh = Vec::new();
        let mut rehires = Vec::new();
        for e in enrolments {
            match known.remove(e.id_card.as_str()) {
                None => fresh.push(e),
                Some(existing) => rehires.push(rehire(existing, e, employer.employer_id)?),
            }
        }
        let first_id = self
            .posting_port()
            .reserve_ids(i64::try_from(fresh.len().max(1)).unwrap_or(i64::MAX));
        let now = crate::clock::now_micros();
        let records: Vec<MemberRecord> = fresh
            .iter()
            .zip(first_id..)
            .map(|(e, member_id)| MemberRecord {
                employer_rate_ppm: e.rates.map(|r| r.employer),
                member_rate_ppm: e.rates.map(|r| r.member),
                ..MemberRecord::active(
                    member_id,
                    e.id_card.as_str(),
                    &e.name,
                    employer.employer_id,
                    e.wage,
                    now,
                )
            })
            .collect();
        for (change, _) in &rehires {
            if !self.collection_port().update_member(change).await? {
                return Err(
                    DomainError::new("MEMBER_CHANGED", "职工账户状态已变化，请刷新后重试").into(),
                );
            }
        }
        if !records.is_empty() {
            self.collection_port()
                .enrol_members(&records, today)
                .await?;
        }
        if employer.status == EmployerStatus::Opened {
            // The first staff enrolled turn an account opened from a
            // registration message into a contributing one.
            self.case_port()
                .set_employer_status(
                    employer_id,
                    &[EmployerStatus::Opened],
                    EmployerStatus::Active,
                )
                .await?;
        }
        let mut all = records;
        all.extend(rehires.into_iter().map(|(_, after)| after));
        Ok(all)
    }

    async fn active_employer(&self, employer_id: i64) -> AppResult<EmployerRecord> {
        let employer = self.employer_record(employer_id).await?;
        let open_for_business = [
            EmployerStatus::Active,
            EmployerStatus::Opened,
            EmployerStatus::Deferred,
        ];
        if !open_for_business.contains(&employer.status) {
            let status = employer.status.name_zh();
            return Err(DomainError::new(
                "EMPLOYER_NOT_ACTIVE",
                format!("单位状态为“{status}”，不能办理此业务"),
            )
            .into());
        }
        Ok(employer)
    }

    async fn try_generate_bill(&self, employer_id: i64, period: Period) -> AppResult<BillRecord> {
        let employer = self.active_employer(employer_id).await?;
        let rules = &self.policy().contribution.at(period.first_day()?)?.value;
        let roster: Vec<BillableMember> = self
            .collection_port()
            .active_members(employer_id)
            .await?
            .iter()
            .map(|m| {
                let personal = m.employer_rate_ppm.zip(m.member_rate_ppm).map(|(e, p)| {
                    Ok::<_, DomainError>(ContributionRates {
                        employer: e,
                        member: p,
                    })
                });
                Ok(BillableMember {
                    member: MemberId(m.member_id),
                    wage: m.wage_fen,
                    rates: personal.transpose()?,
                })
            })
            .collect::<AppResult<Vec<_>>>()?;
        let pay_day = employer.pay_day.and_then(|d| u32::try_from(d).ok());
        let relief = self.collection().relief_for(employer_id, period).await?;
        let mut bill = RemittanceBill::compute(
            employer_id,
            period,
            pay_day,
            relief.rates.unwrap_or(rates_of(&employer)?),
            &roster,
            rules,
        )?;
        if let Some(due) = relief.due_date {
            bill.due_date = due;
        }
        let bill_id = self.posting_port().reserve_ids(1);
        let new_bill = batch::bill_rows(&bill, bill_id, crate::clock::now_micros())?;
        self.collection_port()
            .save_bill(&new_bill.bill, &new_bill.lines)
            .await?;
        Ok(new_bill.bill)
    }

    async fn try_pay_bill(
        &self,
        actor: &Actor,
        bill_id: i64,
        channel: &str,
        today: Date,
    ) -> AppResult<BillRecord> {
        let (record, lines) = self.collection_port().bill(bill_id).await?.ok_or_else(|| {
            DomainError::new("BILL_NOT_FOUND", format!("汇缴清册 {bill_id} 不存在"))
        })?;
        check_scope(actor, record.employer_id)?;
        if record.status == BillStatus::Paid {
            return Ok(record);
        }
        let adapter = self
            .payment_adapters()
            .iter()
            .find(|a| a.channel() == channel)
            .ok_or_else(|| payment::unknown_channel(channel))?;
        let employer = self.collection_port().employer(record.employer_id).await?;
        let request = PaymentRequest {
            order_id: bill_id,
            payer: employer.map(|e| e.uscc).unwrap_or_default(),
            amount: record.total_fen,
            requested_on: today,
        };
        let receipt = adapter.collect(&request).await?;
        let bill = batch::stored_bill(&record, &lines)?;
        let entry = bill.entry_as(
            record.kind == BillKind::BackPayment,
            receipt.paid_on,
            IdempotencyKey::parse(&format!("bill-{bill_id}"))?,
        )?;
        let posted = self.ledger().post_entry(entry).await?;
        let payment = anju_store::BillPayment {
            entry_id: posted.entry_id.0,
            paid_on: receipt.paid_on,
            channel: receipt.channel.to_string(),
            reference: receipt.reference,
            paid_via: actor.channel,
        };
        self.collection_port()
            .mark_bill_paid(bill_id, &payment)
            .await?;
        self.collection_port()
            .bill(bill_id)
            .await?
            .map(|(b, _)| b)
            .ok_or_else(|| {
                DomainError::new("BILL_NOT_FOUND", format!("汇缴清册 {bill_id} 不存在")).into()
            })
    }
}

impl Collection<'_> {
    /// 单位开户: validated registration, rates checked against today's policy.
    pub async fn register_employer(
        self,
        actor: &Actor,
        registration: &EmployerRegistration,
        today: Date,
    ) -> AppResult<EmployerRecord> {
        let result = self.try_register_employer(registration, today).await;
        let target = format!("uscc:{}", registration.uscc);
        self.audited(
            actor,
            "employer.register",
            &target,
            registration.name.as_bytes(),
            result,
        )
        .await
    }

    /// 个人开户: enrols members with an active employer, all or nothing; one
    /// person, one account (an enrolled ID number is refused).
    pub async fn enrol_members(
        self,
        actor: &Actor,
        employer_id: i64,
        enrolments: &[MemberEnrolment],
        today: Date,
    ) -> AppResult<Vec<MemberRecord>> {
        let result = match check_scope(actor, employer_id) {
            Ok(()) => self.try_enrol_members(employer_id, enrolments, today).await,
            Err(e) => Err(e),
        };
        let payload: Vec<&str> = enrolments.iter().map(|e| e.id_card.as_str()).collect();
        let target = format!("employer:{employer_id}");
        self.audited(
            actor,
            "member.enrol",
            &target,
            payload.join(",").as_bytes(),
            result,
        )
        .await
    }

    /// 数据接管: members carried over from the system a centre replaces,
    /// with their accounts opened on `opened_on` (the old system's date),
    /// all or nothing. Only the batch channel may do this: nobody enrols
    /// members with a back-dated opening at a counter.
    pub async fn take_over_members(
        self,
        actor: &Actor,
        members: &[MemberRecord],
        opened_on: Date,
    ) -> AppResult<()> {
        if !actor.is_batch_job() {
            return Err(DomainError::new("NOT_PERMITTED", "数据接管只能由批处理执行").into());
        }
        Ok(self
            .collection_port()
            .enrol_members(members, opened_on)
            .await?)
    }

    /// 汇缴清册: the month's bill from the active roster and the rules in force
    /// on the month's first day. One bill per employer and month.
    pub async fn generate_bill(
        self,
        actor: &Actor,
        employer_id: i64,
        period: Period,
    ) -> AppResult<BillRecord> {
        let result = match check_scope(actor, employer_id) {
            Ok(()) => self.try_generate_bill(employer_id, period).await,
            Err(e) => Err(e),
        };
        let target = format!("employer:{employer_id}/{period}");
        self.audited(actor, "remittance.bill", &target, b"", result)
            .await
    }

    /// Collects a bill through a payment channel (`bank`, `ecny`) on `today`,
    /// posts it as one balanced entry valued on the day the money arrived, and
    /// marks it paid with the channel's reference. Paying a paid bill returns it
    /// and posts nothing; a declined payment leaves the bill open. The entry's
    /// key is the bill's, so a crash between posting and marking heals on retry
    /// (and a collection the ledger missed shows up in reconciliation).
    pub async fn pay_bill(
        self,
        actor: &Actor,
        bill_id: i64,
        channel: &str,
        today: Date,
    ) -> AppResult<BillRecord> {
        let result = self.try_pay_bill(actor, bill_id, channel, today).await;
        let payload = format!("{channel}|{today}");
        self.audited(
            actor,
            "remittance.pay",
            &format!("bill:{bill_id}"),
            payload.as_bytes(),
            result,
        )
        .await
    }

    /// 对账: the channel's file for `date` against the payments booked that day.
    pub async fn reconcile_day(
        self,
        channel: &str,
        date: Date,
        file: &[u8],
    ) -> AppResult<(
        anju_domain::collection::Reconciliation,
        Vec<anju_domain::collection::RowError>,
    )> {
        let (theirs, errors) = anju_domain::collection::parse_reconciliation_file(file)?;
        let theirs: Vec<_> = theirs
            .into_iter()
            .filter(|c| c.channel == channel)
            .collect();
        let booked: Vec<anju_domain::collection::Collected> = self
            .collection_port()
            .bills_paid_on(date)
            .await?
            .into_iter()
            .filter(|b| b.payment_channel.as_deref() == Some(channel))
            .map(|b| anju_domain::collection::Collected {
                reference: b.payment_reference.unwrap_or_default(),
                channel: channel.to_string(),
                amount: b.total_fen,
                paid_on: date,
            })
            .collect();
        Ok((anju_domain::collection::reconcile(&theirs, &booked), errors))
    }

    /// K06 单位缴存逾期率 as of `today`: (employers with an overdue bill,
    /// contributing employers).
    pub async fn employer_overdue_counts(self, today: Date) -> AppResult<(i64, i64)> {
        let overdue = self.case_port().count_overdue_employers(today).await?;
        // Contributing: 正常, 开户 and 缓缴 (a deferred employer still owes).
        let active = self.case_port().count_contributing_employers().await?;
        Ok((overdue, active))
    }

    /// The first bills not paid by their due date, as of `today` (a list for
    /// people; jobs page through `overdue_employer_ids`).
    pub async fn overdue_bills(self, today: Date) -> AppResult<Vec<BillRecord>> {
        Ok(self
            .collection_port()
            .overdue_bills(today, OVERDUE_PAGE)
            .await?)
    }
}

#[cfg(test)]
mod casework_tests;
#[cfg(test)]
mod tests;

/// What an import did: who was enrolled, and every problem in the file.
#[derive(Debug, Clone, Default)]
pub struct ImportReport {
    pub enrolled: Vec<MemberRecord>,
    pub errors: Vec<anju_domain::collection::RowError>,
}

impl Collection<'_> {
    /// 批量增员 from a CSV or Excel (.xlsx) file. A file with any problem enrols nobody unless
    /// `take_valid_rows` says to take the rows that passed; either way the
    /// report lists every problem by row and column.
    pub async fn import_roster(
        self,
        actor: &Actor,
        employer_id: i64,
        bytes: &[u8],
        take_valid_rows: bool,
        today: Date,
    ) -> AppResult<ImportReport> {
        let rules = &self.policy().contribution.at(today)?.value;
        let file = anju_domain::collection::parse_roster_file(bytes, rules)?;
        if !file.errors.is_empty() && !take_valid_rows || file.valid.is_empty() {
            return Ok(ImportReport {
                enrolled: Vec::new(),
                errors: file.errors,
            });
        }
        let enrolments: Vec<MemberEnrolment> =
            file.valid.into_iter().map(|r| r.enrolment).collect();
        let enrolled = self
            .enrol_members(actor, employer_id, &enrolments, today)
            .await?;
        Ok(ImportReport {
            enrolled,
            errors: file.errors,
        })
    }
}

impl App {
    async fn change_member(
        &self,
        actor: &Actor,
        member_id: i64,
        action: MemberAction,
        reason: &str,
        sealed_on: Option<Date>,
    ) -> AppResult<MemberRecord> {
        let member = self.member_record(member_id).await?;
        // A sealed account has no employer: no agent may act on it.
        check_scope(actor, member.employer_id.unwrap_or(-1))?;
        if action != MemberAction::Seal && reason.trim().is_empty() {
            return Err(DomainError::new("REASON_REQUIRED", "请填写冻结或解冻的依据").into());
        }
        let status = member.status;
        let (next, employer_id) = match (action, status) {
            (MemberAction::Seal, MemberStatus::Active) => (MemberStatus::Sealed, None),
            (MemberAction::Freeze, MemberStatus::Active | MemberStatus::Sealed) => {
                (MemberStatus::Frozen, member.employer_id)
            }
            (MemberAction::Unfreeze, MemberStatus::Frozen) => {
                let back = if member.employer_id.is_some() {
                    MemberStatus::Active
                } else {
                    MemberStatus::Sealed
                };
                (back, member.employer_id)
            }
            (_, current) => {
                return Err(DomainError::new(
                    "MEMBER_STATUS_INVALID",
                    format!("账户状态为“{}”，不能办理此业务", current.name_zh()),
                )
                .into());
            }
        };
        let change = MemberChange {
            member_id,
            expected_status: status,
            status: next,
            employer_id,
            wage_fen: None,
            on: sealed_on,
        };
        if !self.collection_port().update_member(&change).await? {
            return Err(
                DomainError::new("MEMBER_CHANGED", "职工账户状态已变化，请刷新后重试").into(),
            );
        }
        self.member_record(member_id).await
    }
}

impl Collection<'_> {
    /// 减员 / 封存: the member leaves the employer; the account is kept, sealed.
    pub async fn seal_member(
        self,
        actor: &Actor,
        member_id: i64,
        today: Date,
    ) -> AppResult<MemberRecord> {
        let result = self
            .change_member(actor, member_id, MemberAction::Seal, "", Some(today))
            .await;
        self.audited(
            actor,
            "member.seal",
            &format!("member:{member_id}"),
            b"",
            result,
        )
        .await
    }

    /// 冻结 by court order or investigation, with the reason recorded.
    pub async fn freeze_member(
        self,
        actor: &Actor,
        member_id: i64,
        reason: &str,
    ) -> AppResult<MemberRecord> {
        let result = self
            .change_member(actor, member_id, MemberAction::Freeze, reason, None)
            .await;
        self.audited(
            actor,
            "member.freeze",
            &format!("member:{member_id}"),
            reason.as_bytes(),
            result,
        )
        .await
    }

    /// 解冻: back to active (with an employer) or sealed (without).
    pub async fn unfreeze_member(
        self,
        actor: &Actor,
        member_id: i64,
        reason: &str,
    ) -> AppResult<MemberRecord> {
        let result = self
            .change_member(actor, member_id, MemberAction::Unfreeze, reason, None)
            .await;
        self.audited(
            actor,
            "member.unfreeze",
            &format!("member:{member_id}"),
            reason.as_bytes(),
            result,
        )
        .await
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum MemberAction {
    Seal,
    Freeze,
    Unfreeze,
}
