//! 委托提取还贷: a member's standing order to withdraw each month's loan
//! installment — an HPF loan or a commercial mortgage — and pay it to the
//! lender's repayment account. Signing checks the member may withdraw for
//! loan repayment (reason 06) at all; each month the repayment day job
//! (`anju repayment-day`) withdraws the installment, or what the account
//! holds above the minimum residual if less, through the ordinary hold,
//! posting and payout. The month's withdrawal is keyed by the agreement and
//! the month, so running the day twice pays once.

use super::RepaymentAgreementRecord;
use super::WithdrawalRecord;
use crate::Withdrawals;
use crate::access::Actor;
use crate::{App, AppError, AppResult};
use anju_domain::collection::MemberStatus;
use anju_domain::ids::BankCardNo;
use anju_domain::ledger::MemberId;
use anju_domain::policy::EvidenceKind;
use anju_domain::withdrawal::AgreementStatus;
use anju_domain::withdrawal::{AgreementKind, WithdrawalStatus};
use anju_domain::{Date, DomainError, Fen, Period};

/// Agreements read per page by the day job.
const AGREEMENTS_PER_PAGE: u32 = 500;

/// How the run's withdrawals' request keys begin (`repay-<agreement>-<yyyymm>`);
/// reserved: an application naming such a key is refused, so nobody can
/// take an installment's place.
pub const REPAYMENT_KEY_PREFIX: &str = "repay-";

/// What the member signs.
#[derive(Debug, Clone)]
pub struct RepaymentTerms {
    pub kind: AgreementKind,
    pub lender: String,
    pub loan_contract_no: String,
    pub monthly: Fen,
    pub pay_day: i32,
    pub bank_card: String,
    pub ends_on: Date,
}

/// What one repayment day did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RepaymentDay {
    pub due: u64,
    pub paid: u64,
    /// Paid less than the installment: the account held less.
    pub partial: u64,
    pub already_done: u64,
    pub nothing_to_pay: u64,
    /// Posted, the bank not heard: `payout-retry` asks again.
    pub pending: u64,
    pub failed: u64,
    pub total: Fen,
}

impl App {
    async fn try_sign_repayment(
        &self,
        actor: &Actor,
        member_id: i64,
        terms: &RepaymentTerms,
        today: Date,
    ) -> AppResult<RepaymentAgreementRecord> {
        let principal = super::acting_for(actor, member_id)?;
        let invalid = |message: &str| -> crate::AppError {
            DomainError::new("REPAYMENT_TERMS", message.to_string()).into()
        };
        if terms.lender.trim().is_empty() || terms.loan_contract_no.trim().is_empty() {
            return Err(invalid("请填写贷款银行和借款合同编号"));
        }
        if !terms.monthly.is_positive() {
            return Err(invalid("请填写每月还款额"));
        }
        if !(1..=28).contains(&terms.pay_day) {
            return Err(invalid("每月扣款日须为 1 至 28 日"));
        }
        if terms.ends_on <= today {
            return Err(invalid("协议终止日须晚于今天"));
        }
        let card = BankCardNo::parse(terms.bank_card.trim())?;
        // The repayment run already takes an entrusted HPF loan's month
        // from the balance; a second order would pay it twice.
        if terms.kind == AgreementKind::Hpf && self.loans().has_entrusted_loan(member_id).await? {
            return Err(invalid(
                "您的住房公积金贷款已约定由公积金账户按月扣还，无须另签委托提取还贷协议",
            ));
        }
        // The member must be able to withdraw for loan repayment at all.
        let request = anju_domain::withdrawal::WithdrawalRequest {
            reason: "06".to_string(),
            evidence_amount: Some(terms.monthly),
            ..Default::default()
        };
        let decision = self
            .withdrawals()
            .withdrawal_eligibility(member_id, &request, today)
            .await?;
        if !decision.allowed && decision.code != "NOTHING_TO_WITHDRAW" {
            return Err(super::refused(&decision));
        }
        let record = RepaymentAgreementRecord {
            agreement_id: self.posting_port().reserve_ids(1),
            member_id,
            kind: terms.kind,
            lender: terms.lender.trim().to_string(),
            loan_contract_no: terms.loan_contract_no.trim().to_string(),
            monthly_fen: terms.monthly,
            pay_day: terms.pay_day,
            bank_card: card.as_str().to_string(),
            starts_on: today,
            ends_on: terms.ends_on,
            status: AgreementStatus::Active,
            signed_by: principal.login,
            created_at_us: anju_store::now_micros(),
        };
        self.withdrawal_port()
            .save_repayment_agreement(&record)
            .await?;
        Ok(record)
    }

    async fn try_repayment_day(&self, today: Date) -> AppResult<RepaymentDay> {
        let mut day = RepaymentDay::default();
        let pay_day = i32::try_from(today.day()).unwrap_or(0);
        let mut after = 0;
        loop {
            let due = self
                .withdrawal_port()
                .repayment_agreements_due(pay_day, today, after, AGREEMENTS_PER_PAGE)
                .await?;
            let Some(last) = due.last() else {
                return Ok(day);
            };
            after = last.agreement_id;
            for agreement in &due {
                day.due += 1;
                self.repay_one(agreement, today, &mut day).await?;
            }
        }
    }

    async fn repay_one(
        &self,
        agreement: &RepaymentAgreementRecord,
        today: Date,
        day: &mut RepaymentDay,
    ) -> AppResult<()> {
        let key = format!(
            "{REPAYMENT_KEY_PREFIX}{}-{}",
            agreement.agreement_id,
            Period::of_date(today).yyyymm()
        );
        let earlier = self
            .withdrawal_port()
            .withdrawal_by_key(agreement.member_id, &key)
            .await?;
        if let Some(earlier) = earlier {
            return self.resume_repayment(&earlier, agreement, today, day).await;
        }
        // An HPF loan that became entrusted after the agreement was signed
        // is repaid by the run: paying it here too would pay it twice.
        if agreement.kind == AgreementKind::Hpf
            && self.loans().has_entrusted_loan(agreement.member_id).await?
        {
            day.nothing_to_pay += 1;
            return Ok(());
        }
        let member = self.member_record(agreement.member_id).await?;
        let status = member.status;
        let balance = self
            .ledger()
            .member_balance(MemberId(agreement.member_id))
            .await?
            .balance;
        let stats = self
            .withdrawal_port()
            .withdrawal_stats(agreement.member_id, "06", today, today)
            .await?;
        let residual = self
            .policy()
            .at(today)?
            .withdrawal
            .value
            .min_residual_balance;
        let available = balance.checked_sub(stats.held_fen)?.checked_sub(residual)?;
        let amount = agreement.monthly_fen.min(available);
        if !amount.is_positive() || matches!(status, MemberStatus::Frozen | MemberStatus::Closed) {
            day.nothing_to_pay += 1;
            return Ok(());
        }
        let id = self.posting_port().reserve_ids(1);
        let record = installment_withdrawal(agreement, id, amount, today, key);
        self.withdrawal_port()
            .submit_withdrawal(&record, &[], false)
            .await?;
        let done = self
            .approve_and_pay("system", &record, "委托提取还贷", today)
            .await?;
        count_repayment(&done, agreement, day)
    }

    /// This month's withdrawal for the agreement exists: a run stopped
    /// (killed, or the machine went down) part way through it carries it
    /// on from where it stood — approving and paying one still prepared,
    /// paying one approved (the posting and the bank's request are keyed by
    /// the withdrawal, so what was done is not done twice) — and counts one
    /// already settled as done. Only a withdrawal the run itself wrote is
    /// carried on; a refusal (the account frozen since) fails that
    /// installment alone and leaves it for the next run.
    async fn resume_repayment(
        &self,
        earlier: &WithdrawalRecord,
        agreement: &RepaymentAgreementRecord,
        today: Date,
        day: &mut RepaymentDay,
    ) -> AppResult<()> {
        let written_by_the_run = earlier.channel == "entrusted"
            && earlier.applicant == "system"
            && earlier.prepared_by.as_deref() == Some("system");
        let resumed = match earlier.status {
            // Not the run's own (written before keys were reserved): staff
            // see it in their queue; the run counts the month failed.
            _ if !written_by_the_run => {
                day.failed += 1;
                return Ok(());
            }
            WithdrawalStatus::Prepared => {
                self.approve_and_pay("system", earlier, "委托提取还贷", today)
                    .await
            }
            WithdrawalStatus::Approved => self.resume_payment(earlier, today).await,
            WithdrawalStatus::PayoutPending => {
                day.pending += 1;
                return Ok(());
            }
            _ => {
                day.already_done += 1;
                return Ok(());
            }
        };
        match resumed {
            Ok(done) => count_repayment(&done, agreement, day),
            Err(AppError::Rejected(_)) => {
                day.failed += 1;
                Ok(())
            }
            Err(e) => Err(e),
        }
    }
}

/// The month's installment as the run writes it: prepared by the system
/// for the entrusted channel, keyed by the agreement and the month.
pub(super) fn installment_withdrawal(
    agreement: &RepaymentAgreementRecord,
    withdrawal_id: i64,
    amount: Fen,
    today: Date,
    key: String,
) -> WithdrawalRecord {
    WithdrawalRecord {
        withdrawal_id,
        member_id: agreement.member_id,
        reason: "06".to_string(),
        amount_fen: amount,
        months: 1,
        evidence_kind: EvidenceKind::None,
        evidence_no: None,
        evidence_date: None,
        evidence_amount_fen: Some(agreement.monthly_fen),
        status: WithdrawalStatus::Prepared,
        channel: "entrusted".to_string(),
        applied_on: today,
        applicant: "system".to_string(),
        rule: format!(
            "按月委托提取还贷：协议 {}，{} 借款合同 {}，月还款额 {}",
            agreement.agreement_id,
            agreement.lender,
            agreement.loan_contract_no,
            agreement.monthly_fen
        ),
        needs_second: false,
        closes_account: false,
        bank_card: agreement.bank_card.clone(),
        prepared_by: Some("system".to_string()),
        approved_by: None,
        note: String::new(),
        payout_reference: None,
        entry_id: None,
        request_key: key,
        updated_at_us: anju_store::now_micros(),
        facts_source: String::new(),
        verification: None,
        verified_by: None,
    }
}

fn count_repayment(
    done: &WithdrawalRecord,
    agreement: &RepaymentAgreementRecord,
    day: &mut RepaymentDay,
) -> AppResult<()> {
    let amount = done.amount_fen;
    match done.status {
        WithdrawalStatus::Paid => {
            day.paid += 1;
            day.total = day.total.checked_add(amount)?;
            if amount.get() < agreement.monthly_fen.get() {
                day.partial += 1;
            }
        }
        WithdrawalStatus::PayoutPending => day.pending += 1,
        _ => day.failed += 1,
    }
    Ok(())
}

impl Withdrawals<'_> {
    /// Signs the member's repayment agreement (the member online, or a clerk).
    pub async fn sign_repayment_agreement(
        self,
        actor: &Actor,
        member_id: i64,
        terms: &RepaymentTerms,
        today: Date,
    ) -> AppResult<RepaymentAgreementRecord> {
        let result = self
            .try_sign_repayment(actor, member_id, terms, today)
            .await;
        let target = format!("member:{member_id}");
        self.audited(actor, "withdrawal.repayment.sign", &target, b"", result)
            .await
    }

    /// The member's agreement in force, if any.
    pub async fn repayment_agreement_of(
        self,
        member_id: i64,
    ) -> AppResult<Option<RepaymentAgreementRecord>> {
        Ok(self
            .withdrawal_port()
            .repayment_agreement_of(member_id)
            .await?)
    }

    /// Ends the member's agreement (the member, or a clerk).
    pub async fn end_repayment_agreement(self, actor: &Actor, member_id: i64) -> AppResult<()> {
        let result = async {
            super::acting_for(actor, member_id)?;
            if !self
                .withdrawal_port()
                .end_repayment_agreement(member_id)
                .await?
            {
                return Err(DomainError::new(
                    "REPAYMENT_AGREEMENT_NONE",
                    "没有生效的委托提取还贷协议",
                )
                .into());
            }
            Ok(())
        }
        .await;
        let target = format!("member:{member_id}");
        self.audited(actor, "withdrawal.repayment.end", &target, b"", result)
            .await
    }

    /// The repayment day: every agreement paying on `today`'s day of month.
    pub async fn run_entrusted_repayments(
        self,
        actor: &Actor,
        today: Date,
    ) -> AppResult<RepaymentDay> {
        let result = self.try_repayment_day(today).await;
        self.audited(
            actor,
            "withdrawal.repayment.day",
            &today.to_string(),
            b"",
            result,
        )
        .await
    }
}
