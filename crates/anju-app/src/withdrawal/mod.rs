//! 提取: applications online or at the counter, eligibility from the dated
//! rules (`anju_domain::withdrawal`), review, approval (a hold), the bank
//! payout and its posting.
//!
//! The flow: an online application is `submitted`; a clerk's review (初审)
//! makes it `prepared` — at the counter it starts there. An amount within the
//! policy's `second_approval_above` is approved by that review; above it a
//! second person approves (复核; never the preparer). Approval is a hold
//! (checked against the balance less other holds under the member's row
//! lock). Payment then posts Dr 201 / Cr 101 under the key `withdrawal-<id>`
//! (so it lands once) and asks the bank to pay; a refused payout reverses the
//! posting and releases the hold, leaving the balance as it was. A closing
//! withdrawal first credits the closing interest and then pays everything,
//! and the account is closed (销户).

mod facts;
mod payout;
mod repayment;

/// The records of applications, their documents, the blacklist and
/// repayment agreements, as the use cases hand them out.
pub use anju_store::{BlacklistRecord, DocumentRecord, RepaymentAgreementRecord, WithdrawalRecord};
pub use payout::{BankPayoutSimulator, PayoutAdapter, PayoutReceipt, PayoutRequest};
pub use repayment::{RepaymentDay, RepaymentTerms};

use crate::Withdrawals;
use crate::access::{Actor, Principal};
use crate::{App, AppResult};
use anju_domain::access::{Role, duties};
use anju_domain::collection::MemberStatus;
use anju_domain::fund::indicators::{LOAN_REPAYMENT_REASON, repays_loan_from_balance};
use anju_domain::ids::{BankCardNo, IdCardNo};
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::policy::{EvidenceKind, WithdrawalReason};
use anju_domain::service_times::WorkKind;
use anju_domain::withdrawal::WithdrawalStatus;
use anju_domain::withdrawal::{Decision, MemberFacts, RulesInForce, WithdrawalRequest, decide};
use anju_domain::{Date, DomainError, Fen, Period};
use anju_store::{GlDayRow, MemberChange, MemberRecord};
use sha2::{Digest, Sha256};
use std::collections::HashMap;

/// What one retry of the payouts the bank was not heard on came to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PayoutRetry {
    pub asked: u32,
    pub paid: u32,
    pub failed: u32,
    pub still_pending: u32,
    /// Approved withdrawals a stopped process left unpaid, carried on.
    pub resumed: u32,
    /// Approved ones left unpaid that the job leaves to staff: closing the
    /// account, or the account frozen since.
    pub left_to_staff: u32,
}

impl PayoutRetry {
    /// Counts how one payout ended.
    fn count(&mut self, status: WithdrawalStatus) {
        match status {
            WithdrawalStatus::Paid => self.paid += 1,
            WithdrawalStatus::Failed => self.failed += 1,
            _ => self.still_pending += 1,
        }
    }
}

/// An approved withdrawal untouched this long was left by a process that
/// stopped between approval and payment (a live one pays within seconds).
pub const STRANDED_AFTER_US: i64 = 5 * 60 * 1_000_000;

/// Applications one list shows.
pub const LIST_LIMIT: u32 = 200;

/// An application in the review queue with what the reviewer reads beside
/// it: who applied and the documents attached (without their content).
#[derive(Debug, Clone)]
pub struct QueueItem {
    pub application: WithdrawalRecord,
    /// `None` when no member record is found for the application.
    pub applicant: Option<MemberRecord>,
    pub documents: Vec<DocumentRecord>,
}

/// A document uploaded with an application.
#[derive(Debug, Clone)]
pub struct UploadedDocument {
    pub doc_type: String,
    pub file_name: String,
    pub content: Vec<u8>,
}

/// A decision with the sources of the facts it read.
#[derive(Debug, Clone)]
pub struct Assessment {
    pub decision: Decision,
    pub sources: Vec<String>,
}

/// An application as the member (or the clerk) fills it in.
#[derive(Debug, Clone)]
pub struct WithdrawalApplication {
    pub request: WithdrawalRequest,
    pub bank_card: String,
    pub documents: Vec<UploadedDocument>,
    /// Minted by the form (or the API's Idempotency-Key): a resubmission
    /// finds the first application instead of making a second.
    pub request_key: String,
}

/// What a document's first bytes say it is.
fn content_type_of(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"%PDF-") {
        Some("application/pdf")
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some("image/jpeg")
    } else if bytes.starts_with(&[0x89, b'P', b'N', b'G']) {
        Some("image/png")
    } else {
        None
    }
}

fn refused(decision: &Decision) -> crate::AppError {
    DomainError::new(decision.code, decision.rule.clone()).into()
}

fn not_found(id: i64) -> crate::AppError {
    DomainError::new("WITHDRAWAL_NOT_FOUND", format!("提取申请 {id} 不存在")).into()
}

/// The first day of the month `months - 1` months before `today`'s: the
/// start of the rent months a request covers.
fn rent_window_start(today: Date, months: i64) -> AppResult<Date> {
    let mut period = Period::of_date(today);
    for _ in 1..months.clamp(1, 12) {
        period = period.previous()?;
    }
    Ok(period.first_day()?)
}

impl App {
    async fn withdrawal_facts(
        &self,
        member: &MemberRecord,
        reason: &WithdrawalReason,
        request: &WithdrawalRequest,
        today: Date,
    ) -> AppResult<(MemberFacts, Vec<String>)> {
        let id_card = IdCardNo::parse(&member.id_card)?;
        let balance = self
            .ledger()
            .member_balance(MemberId(member.member_id))
            .await?
            .balance;
        let year_from = Date::from_ymd(today.year(), 1, 1)?;
        let window_from = rent_window_start(today, request.months)?;
        let stats = self
            .withdrawal_port()
            .withdrawal_stats(member.member_id, &reason.code, year_from, window_from)
            .await?;
        let household = self
            .household_facts(
                &id_card,
                reason,
                facts::RentWindow {
                    year_from,
                    from: window_from,
                },
            )
            .await?;
        let (evidence_used, evidence_drawn) = match (&request.evidence_no, reason.evidence) {
            (Some(no), kind) if kind != EvidenceKind::None => {
                self.withdrawal_port()
                    .evidence_usage(kind, no.trim())
                    .await?
            }
            _ => (false, 0),
        };
        let mut sources = household.sources;
        let sharing = match (&request.evidence_no, reason.family_shared && evidence_used) {
            (Some(no), true) => {
                let found = self
                    .sharing_facts(&id_card, reason.evidence, no.trim())
                    .await?;
                sources.extend(found.sources);
                (found.outside_family, found.unverified)
            }
            _ => (false, None),
        };
        let evidence_not_theirs = match (&request.evidence_no, reason.evidence) {
            (Some(no), EvidenceKind::Contract) if !no.trim().is_empty() => {
                self.licence_facts(&id_card, no.trim(), &mut sources)
                    .await?
            }
            _ => None,
        };
        let blacklisted = self
            .withdrawal_port()
            .blacklist_entry(&member.id_card, today)
            .await?
            .map(|b| {
                format!(
                    "{}（{} 至 {}，{}）",
                    b.reason, b.listed_on, b.expires_on, b.source
                )
            });
        let facts = MemberFacts {
            status: member.status,
            status_since: self
                .withdrawal_port()
                .member_status_on(member.member_id)
                .await?,
            balance,
            held: stats.held_fen,
            born: id_card.birth_date()?,
            male: id_card.is_male(),
            flexible: self
                .case_port()
                .agreement(member.member_id)
                .await?
                .is_some(),
            blacklisted,
            home: household.home,
            has_hpf_loan: self.loans().has_hpf_loan(member.member_id).await?,
            this_year_for_reason: stats.this_year_for_reason,
            rent_drawn_recent: stats.rent_recent_fen,
            spouse_rent_drawn_recent: household.spouse_rent_drawn,
            evidence_drawn: Fen::new(evidence_drawn),
            evidence_used,
            evidence_used_outside_family: sharing.0,
            evidence_family_unverified: sharing.1,
            evidence_not_theirs,
        };
        Ok((facts, sources))
    }

    async fn try_apply_withdrawal(
        &self,
        actor: &Actor,
        member_id: i64,
        application: WithdrawalApplication,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let principal = acting_for(actor, member_id)?;
        if application
            .request_key
            .starts_with(repayment::REPAYMENT_KEY_PREFIX)
        {
            return Err(DomainError::new(
                "REQUEST_KEY_RESERVED",
                "请求编号无效，请刷新页面后重新提交",
            )
            .into());
        }
        if let Some(found) = self
            .withdrawal_port()
            .withdrawal_by_key(member_id, &application.request_key)
            .await?
        {
            return Ok(found);
        }
        let request = &application.request;
        if !request.amount.is_positive() {
            return Err(DomainError::new("AMOUNT_REQUIRED", "请填写提取金额").into());
        }
        let bank_card = BankCardNo::parse(application.bank_card.trim())?;
        let policy = self.policy().at(today)?;
        let reason = policy.withdrawal_reason(&request.reason)?.clone();
        let counter = principal.role != Role::Member;
        let id = self.posting_port().reserve_ids(1);
        let documents = checked_documents(
            id,
            &reason,
            &application.documents,
            policy.withdrawal.value.max_document_kib,
            counter,
        )?;
        let Assessment { decision, sources } = self
            .withdrawals()
            .withdrawal_assessment(member_id, request, today)
            .await?;
        if !decision.allowed {
            return Err(refused(&decision));
        }
        let record = WithdrawalRecord {
            withdrawal_id: id,
            member_id,
            reason: reason.code.clone(),
            amount_fen: request.amount,
            months: i32::try_from(request.months).unwrap_or(1),
            evidence_kind: reason.evidence,
            evidence_no: request
                .evidence_no
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty() && reason.evidence != EvidenceKind::None)
                .map(str::to_string),
            evidence_date: request.evidence_date,
            evidence_amount_fen: request.evidence_amount,
            status: if counter {
                WithdrawalStatus::Prepared
            } else {
                WithdrawalStatus::Submitted
            },
            channel: if counter { "counter" } else { "online" }.to_string(),
            applied_on: today,
            applicant: principal.login.clone(),
            rule: decision.rule.clone(),
            // A fact no registry confirmed takes a second person as well as
            // the verification.
            needs_second: decision.needs_second_approval || decision.needs_verification.is_some(),
            closes_account: decision.closes_account,
            bank_card: bank_card.as_str().to_string(),
            prepared_by: counter.then(|| principal.login.clone()),
            approved_by: None,
            note: String::new(),
            payout_reference: None,
            entry_id: None,
            request_key: application.request_key.clone(),
            updated_at_us: anju_store::now_micros(),
            facts_source: sources.join("；"),
            verification: decision.needs_verification.clone(),
            verified_by: None,
        };
        let claim = record.evidence_no.is_some() && !reason.family_shared;
        self.withdrawal_port()
            .submit_withdrawal(&record, &documents, claim)
            .await?;
        if counter && !record.needs_second {
            return self
                .approve_and_pay(&principal.login, &record, "柜面办理", today)
                .await;
        }
        Ok(record)
    }

    async fn try_verify_withdrawal_facts(
        &self,
        actor: &Actor,
        id: i64,
        how: &str,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let staff = staff_of(actor)?;
        let how = how.trim();
        if how.is_empty() {
            return Err(DomainError::new("REASON_REQUIRED", "请写明核验所见的证明材料").into());
        }
        let record = self
            .withdrawal_port()
            .withdrawal(id)
            .await?
            .ok_or_else(|| not_found(id))?;
        if record.verification.is_none() || record.verified_by.is_some() {
            return Err(DomainError::new(
                "VERIFICATION_NOT_NEEDED",
                format!("提取申请 {id} 无待人工核验的事项"),
            )
            .into());
        }
        let line = format!(
            "人工核验：{}（{}）{today}：{how}",
            staff.display_name, staff.login
        );
        if !self
            .withdrawal_port()
            .verify_withdrawal(id, &staff.login, &line)
            .await?
        {
            return Err(state_changed(id));
        }
        self.withdrawals().withdrawal(id).await
    }

    async fn try_prepare_withdrawal(
        &self,
        actor: &Actor,
        id: i64,
        note: &str,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let staff = staff_of(actor)?;
        if !self
            .withdrawal_port()
            .move_withdrawal(
                id,
                WithdrawalStatus::Submitted,
                WithdrawalStatus::Prepared,
                &staff.login,
                note,
            )
            .await?
        {
            return Err(state_changed(id));
        }
        let record = self
            .withdrawal_port()
            .withdrawal(id)
            .await?
            .ok_or_else(|| not_found(id))?;
        if record.needs_second {
            return Ok(record);
        }
        self.approve_and_pay(&staff.login, &record, note, today)
            .await
    }

    async fn try_approve_withdrawal(
        &self,
        actor: &Actor,
        id: i64,
        note: &str,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let staff = staff_of(actor)?;
        if !duties::REVIEWERS.contains(&staff.role) {
            return Err(DomainError::new("NOT_A_REVIEWER", "复核须由审核员办理").into());
        }
        let record = self
            .withdrawal_port()
            .withdrawal(id)
            .await?
            .ok_or_else(|| not_found(id))?;
        if record.status != WithdrawalStatus::Prepared {
            return Err(state_changed(id));
        }
        if record.prepared_by.as_deref() == Some(staff.login.as_str()) {
            return Err(DomainError::new("SELF_APPROVAL", "复核人不能与初审人相同").into());
        }
        self.approve_and_pay(&staff.login, &record, note, today)
            .await
    }

    async fn try_reject_withdrawal(
        &self,
        actor: &Actor,
        id: i64,
        note: &str,
    ) -> AppResult<WithdrawalRecord> {
        let staff = staff_of(actor)?;
        if note.trim().is_empty() {
            return Err(DomainError::new("REASON_REQUIRED", "请填写不予提取的理由").into());
        }
        let record = self
            .withdrawal_port()
            .withdrawal(id)
            .await?
            .ok_or_else(|| not_found(id))?;
        // Only before approval: an approved withdrawal is a hold being paid.
        if !matches!(
            record.status,
            WithdrawalStatus::Submitted | WithdrawalStatus::Prepared
        ) || !self
            .withdrawal_port()
            .move_withdrawal(
                id,
                record.status,
                WithdrawalStatus::Rejected,
                &staff.login,
                note.trim(),
            )
            .await?
        {
            return Err(state_changed(id));
        }
        let rejected = self.withdrawals().withdrawal(id).await?;
        self.tell_member(&rejected).await;
        Ok(rejected)
    }

    /// Holds the money, posts the withdrawal, asks the bank to pay.
    async fn approve_and_pay(
        &self,
        login: &str,
        record: &WithdrawalRecord,
        note: &str,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let id = record.withdrawal_id;
        // A court may have frozen the account since the application.
        if self.member_record(record.member_id).await?.status == MemberStatus::Frozen {
            return Err(DomainError::new("ACCOUNT_FROZEN", "账户已冻结，暂不能提取").into());
        }
        if let (Some(what), None) = (&record.verification, &record.verified_by) {
            return Err(DomainError::new(
                "FACTS_UNVERIFIED",
                format!("提取申请 {id} 须先人工核验：{what}"),
            )
            .into());
        }
        if !self
            .withdrawal_port()
            .approve_withdrawal(id, WithdrawalStatus::Prepared, login, note)
            .await?
        {
            return Err(state_changed(id));
        }
        self.pay_withdrawal(record, today).await
    }

    async fn pay_withdrawal(
        &self,
        record: &WithdrawalRecord,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let id = record.withdrawal_id;
        let member = MemberId(record.member_id);
        let amount = if record.closes_account {
            let batch =
                Actor::anonymous(anju_domain::access::Channel::Batch, "withdrawal", "local");
            self.interest()
                .close_account_interest(&batch, member, today)
                .await?;
            self.ledger().member_balance(member).await?.balance
        } else {
            record.amount_fen
        };
        let entry = withdrawal_entry(record, amount, today)?;
        let posted = match self.ledger().post_entry(entry).await {
            Ok(posted) => posted,
            Err(e) => {
                // Nothing was paid: release the hold rather than keep it
                // for money that never left.
                let why = format!("入账未成功：{e}");
                self.withdrawal_port()
                    .settle_withdrawal(id, false, &why, None)
                    .await?;
                return Err(e);
            }
        };
        self.ask_bank_to_pay(record, posted.entry_id, amount, today)
            .await
    }

    /// Pays an approved withdrawal a stopped process left unpaid: asks the
    /// bank about the posting already made under its key, whatever day it
    /// was made on (posting again on another day would be refused as a
    /// different entry under the same key), or posts it now. Not for one
    /// that closes the account (its amount is the balance at payment).
    async fn resume_payment(
        &self,
        record: &WithdrawalRecord,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let key = posting_key(record.withdrawal_id);
        match self.ledger_port().entry_by_key(&key).await? {
            Some(entry_id) => {
                self.ask_bank_to_pay(record, entry_id, record.amount_fen, today)
                    .await
            }
            None => self.pay_withdrawal(record, today).await,
        }
    }

    /// Asks the bank to pay what was posted, and settles by its answer: paid;
    /// refused (the posting reversed, the hold released); or not heard — the
    /// bank may or may not have paid, so the posting stays and the
    /// withdrawal waits (`payout_pending`) for a retry under the same
    /// withdrawal id, which the bank deduplicates by.
    async fn ask_bank_to_pay(
        &self,
        record: &WithdrawalRecord,
        entry_id: anju_domain::ledger::EntryId,
        amount: Fen,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let id = record.withdrawal_id;
        let member_record = self.member_record(record.member_id).await?;
        let asked = self
            .payouts()
            .pay(&PayoutRequest {
                withdrawal_id: id,
                bank_card: record.bank_card.clone(),
                payee: member_record.name.clone(),
                amount,
                requested_on: today,
            })
            .await;
        let receipt = match asked {
            Ok(receipt) => receipt,
            Err(e) if e.code() == Some("PAYMENT_DECLINED") => PayoutReceipt {
                accepted: false,
                reference: String::new(),
                message: e.to_string(),
            },
            Err(e) => {
                let note = format!("付款结果待确认：{e}");
                self.withdrawal_port()
                    .mark_payout_pending(id, entry_id.0, amount.get(), &note)
                    .await?;
                return self.withdrawals().withdrawal(id).await;
            }
        };
        if !receipt.accepted {
            let key = IdempotencyKey::parse(&format!("withdrawal-{id}-returned"))?;
            self.ledger().reverse_entry(entry_id, key).await?;
            self.withdrawal_port()
                .settle_withdrawal(
                    id,
                    false,
                    format!("{} {}", receipt.reference, receipt.message).trim(),
                    None,
                )
                .await?;
            let failed = self.withdrawals().withdrawal(id).await?;
            self.tell_member(&failed).await;
            return Ok(failed);
        }
        self.withdrawal_port()
            .settle_withdrawal(id, true, &receipt.reference, Some(entry_id.0))
            .await?;
        if record.closes_account {
            let change = MemberChange {
                member_id: record.member_id,
                expected_status: member_record.status,
                status: MemberStatus::Closed,
                employer_id: None,
                wage_fen: None,
                on: Some(today),
            };
            self.collection_port().update_member(&change).await?;
        }
        let paid = self.withdrawals().withdrawal(id).await?;
        self.tell_member(&paid).await;
        Ok(paid)
    }

    /// Tells the member (in their inbox, with the channel deliveries) how
    /// their application ended. A failed message does not undo the outcome.
    async fn tell_member(&self, record: &WithdrawalRecord) {
        let amount = record.amount_fen;
        let reference = record.payout_reference.clone().unwrap_or_default();
        let id = record.withdrawal_id;
        let (title, body) = match record.status {
            WithdrawalStatus::Paid => (
                "提取款已付至您的银行卡",
                format!(
                    "提取申请 {id}（{amount}）已付款，银行流水 {reference}，请留意银行卡入账。"
                ),
            ),
            WithdrawalStatus::Rejected => (
                "提取申请未通过",
                format!("提取申请 {id}（{amount}）不予提取：{}", record.note),
            ),
            WithdrawalStatus::Failed => (
                "提取款付款失败",
                format!(
                    "提取申请 {id}（{amount}）银行付款未成功（{reference}），款项已退回您的公积金账户，请核对银行卡后重新申请。"
                ),
            ),
            _ => return,
        };
        self.access()
            .notify_member(record.member_id, "withdrawal", title, &body)
            .await;
    }

    async fn try_add_to_blacklist(
        &self,
        actor: &Actor,
        entry: &anju_store::BlacklistRecord,
    ) -> AppResult<()> {
        let staff = staff_of(actor)?;
        if !duties::REVIEWERS.contains(&staff.role) {
            let message = "列入失信名单须由审核员或管理员办理";
            return Err(DomainError::new("NOT_A_REVIEWER", message).into());
        }
        IdCardNo::parse(&entry.id_card)?;
        if entry.reason.trim().is_empty() || entry.source.trim().is_empty() {
            let message = "请填写列入原因和依据（决定书或判决书编号）";
            return Err(DomainError::new("BLACKLIST_BASIS", message).into());
        }
        if entry.expires_on <= entry.listed_on {
            return Err(DomainError::new("BLACKLIST_PERIOD", "失效日期须晚于列入日期").into());
        }
        // Signed as this centre's and logged, so partners can take it over.
        self.trust().list_own_entry(entry.clone()).await
    }
}

impl Withdrawals<'_> {
    /// The engine's answer for `member_id` on `today`, from everything the
    /// centre knows — what the application page shows as the member types.
    pub async fn withdrawal_eligibility(
        self,
        member_id: i64,
        request: &WithdrawalRequest,
        today: Date,
    ) -> AppResult<Decision> {
        Ok(self
            .withdrawal_assessment(member_id, request, today)
            .await?
            .decision)
    }

    /// A year of rent (租房, 12 months) as the engine would decide it for
    /// the member today — the most it allows and its rule — or none when
    /// the policy has no rent reason. What the assistant and the
    /// reminders tell a member, from the same engine as an application.
    pub async fn rent_for_a_year(
        self,
        member_id: i64,
        today: Date,
    ) -> AppResult<Option<(anju_domain::policy::WithdrawalReason, Decision)>> {
        let policy = self.policy().at(today)?;
        let Some(rent) = policy.rent_reason().cloned() else {
            return Ok(None);
        };
        let request = WithdrawalRequest {
            reason: rent.code.clone(),
            amount: anju_domain::Fen::new(1),
            months: 12,
            ..WithdrawalRequest::default()
        };
        let decision = self
            .withdrawal_eligibility(member_id, &request, today)
            .await?;
        Ok(Some((rent, decision)))
    }

    /// The engine's answer with where its facts came from (each registry's
    /// answer and reference number), as the application records it.
    pub async fn withdrawal_assessment(
        self,
        member_id: i64,
        request: &WithdrawalRequest,
        today: Date,
    ) -> AppResult<Assessment> {
        let member = self.member_record(member_id).await?;
        let policy = self.policy().at(today)?;
        let reason = policy.withdrawal_reason(&request.reason)?;
        let (facts, sources) = self
            .withdrawal_facts(&member, reason, request, today)
            .await?;
        let rules = RulesInForce {
            reason,
            withdrawal: &policy.withdrawal.value,
            rent: &policy.rent.value,
        };
        Ok(Assessment {
            decision: decide(today, &rules, &facts, request)?,
            sources,
        })
    }

    /// 提取申请: checks the documents and the rules, then records the
    /// application (online: to be reviewed; counter: reviewed by the clerk,
    /// and approved and paid at once when within the second-approval limit).
    pub async fn apply_withdrawal(
        self,
        actor: &Actor,
        member_id: i64,
        application: WithdrawalApplication,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let result = self
            .try_apply_withdrawal(actor, member_id, application, today)
            .await;
        let target = format!("member:{member_id}");
        let result = self
            .audited(actor, "withdrawal.apply", &target, b"", result)
            .await;
        self.clocked(None, result, today).await
    }

    /// Notes an application's time limit (TQ01) on the work clock. A step
    /// that failed after the decision was written (an approval whose payout
    /// then failed) is read back, so the decision is still clocked.
    async fn clocked(
        self,
        withdrawal_id: Option<i64>,
        result: AppResult<WithdrawalRecord>,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        match (&result, withdrawal_id) {
            (Ok(w), _) => {
                let decided = w.status.is_decided();
                let (id, applied_on) = (w.withdrawal_id, w.applied_on);
                self.clock_work(WorkKind::Withdrawal, id, applied_on, decided, today)
                    .await;
            }
            (Err(_), Some(id)) => {
                let decided = match self.withdrawal_port().withdrawal(id).await {
                    Ok(stored) => stored.is_some_and(|w| w.status.is_decided()),
                    Err(e) => {
                        tracing::warn!(id, error = %e, "work clock: withdrawal not read");
                        false
                    }
                };
                if decided {
                    self.complete_recorded(WorkKind::Withdrawal, id, today)
                        .await;
                }
            }
            (Err(_), None) => {}
        }
        result
    }

    /// 付款重试: asks the bank again about each payout it was not heard on
    /// (`payout_pending`), under the same withdrawal id; each ends paid,
    /// failed (reversed) or still pending. Then carries on each withdrawal
    /// approved but left unpaid for [`STRANDED_AFTER_US`] by a process that
    /// stopped. Only a scheduled job runs it.
    pub async fn retry_pending_payouts(self, actor: &Actor, today: Date) -> AppResult<PayoutRetry> {
        if !actor.is_batch_job() {
            return Err(DomainError::new("NOT_PERMITTED", "付款重试只能由批处理执行").into());
        }
        let mut summary = self.retry_waiting(today).await?;
        let stranded_before = crate::clock::now_micros() - STRANDED_AFTER_US;
        self.resume_stranded(today, stranded_before, &mut summary)
            .await?;
        Ok(summary)
    }

    async fn retry_waiting(self, today: Date) -> AppResult<PayoutRetry> {
        let mut summary = PayoutRetry::default();
        // Page by id through every payout waiting (after an outage there
        // may be thousands), each asked once a run even if it stays pending.
        let mut after = 0;
        loop {
            let page = self
                .withdrawal_port()
                .withdrawals_in(WithdrawalStatus::PayoutPending, after, LIST_LIMIT)
                .await?;
            let Some(last) = page.last() else {
                return Ok(summary);
            };
            after = last.withdrawal_id;
            for record in &page {
                self.retry_payout(record, today, &mut summary).await?;
            }
        }
    }

    /// Pays each approved withdrawal last touched before `before_us`
    /// (`resume_payment`: the posting made once, the bank's order keyed by
    /// the withdrawal). Left to staff, and counted: one that closes the
    /// account (its amount is the balance at payment, which a posting
    /// already made has emptied) and one whose account a court has frozen
    /// since the approval.
    async fn resume_stranded(
        self,
        today: Date,
        before_us: i64,
        summary: &mut PayoutRetry,
    ) -> AppResult<()> {
        let mut after = 0;
        loop {
            let page = self
                .withdrawal_port()
                .withdrawals_in(WithdrawalStatus::Approved, after, LIST_LIMIT)
                .await?;
            let Some(last) = page.last() else {
                return Ok(());
            };
            after = last.withdrawal_id;
            let stranded = page.iter().filter(|w| w.updated_at_us < before_us);
            for record in stranded {
                let status = self.member_record(record.member_id).await?.status;
                if record.closes_account || status == MemberStatus::Frozen {
                    summary.left_to_staff += 1;
                    continue;
                }
                summary.resumed += 1;
                // A refusal (the posting refused and the hold released)
                // fails that withdrawal alone.
                let status = match self.resume_payment(record, today).await {
                    Ok(done) => done.status,
                    Err(crate::AppError::Rejected(_)) => WithdrawalStatus::Failed,
                    Err(e) => return Err(e),
                };
                summary.count(status);
            }
        }
    }

    async fn retry_payout(
        &self,
        record: &WithdrawalRecord,
        today: Date,
        summary: &mut PayoutRetry,
    ) -> AppResult<()> {
        let Some(entry_id) = record.entry_id else {
            return Ok(());
        };
        summary.asked += 1;
        let entry_id = anju_domain::ledger::EntryId(entry_id);
        let after = self
            .ask_bank_to_pay(record, entry_id, record.amount_fen, today)
            .await?;
        summary.count(after.status);
        Ok(())
    }

    /// 人工核验: a named staff member records how they verified what no
    /// registry confirmed (which document they saw); the application may
    /// then be approved — by someone else, as it needs a second person.
    pub async fn verify_withdrawal_facts(
        self,
        actor: &Actor,
        withdrawal_id: i64,
        how: &str,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let result = self
            .try_verify_withdrawal_facts(actor, withdrawal_id, how, today)
            .await;
        let target = format!("withdrawal:{withdrawal_id}");
        self.audited(actor, "withdrawal.verify", &target, how.as_bytes(), result)
            .await
    }

    /// 初审: a clerk checks the application; within the second-approval limit
    /// that check approves it and the money is paid.
    pub async fn prepare_withdrawal(
        self,
        actor: &Actor,
        withdrawal_id: i64,
        note: &str,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let result = self
            .try_prepare_withdrawal(actor, withdrawal_id, note, today)
            .await;
        let target = format!("withdrawal:{withdrawal_id}");
        let result = self
            .audited(
                actor,
                "withdrawal.prepare",
                &target,
                note.as_bytes(),
                result,
            )
            .await;
        self.clocked(Some(withdrawal_id), result, today).await
    }

    /// 复核: a second person approves a prepared application above the limit.
    pub async fn approve_withdrawal(
        self,
        actor: &Actor,
        withdrawal_id: i64,
        note: &str,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let result = self
            .try_approve_withdrawal(actor, withdrawal_id, note, today)
            .await;
        let target = format!("withdrawal:{withdrawal_id}");
        let result = self
            .audited(
                actor,
                "withdrawal.approve",
                &target,
                note.as_bytes(),
                result,
            )
            .await;
        self.clocked(Some(withdrawal_id), result, today).await
    }

    /// 不予提取: a reviewer (or the clerk, before approval) refuses with a reason.
    pub async fn reject_withdrawal(
        self,
        actor: &Actor,
        withdrawal_id: i64,
        note: &str,
        today: Date,
    ) -> AppResult<WithdrawalRecord> {
        let result = self.try_reject_withdrawal(actor, withdrawal_id, note).await;
        let target = format!("withdrawal:{withdrawal_id}");
        let result = self
            .audited(actor, "withdrawal.reject", &target, note.as_bytes(), result)
            .await;
        self.clocked(Some(withdrawal_id), result, today).await
    }

    /// 列入提取失信名单: a reviewer or manager lists a person found to have
    /// withdrawn by fraud, with the decision it rests on and until when.
    pub async fn add_to_blacklist(
        self,
        actor: &Actor,
        entry: &anju_store::BlacklistRecord,
    ) -> AppResult<()> {
        let result = self.try_add_to_blacklist(actor, entry).await;
        let target = IdCardNo::parse(&entry.id_card)
            .map_or_else(|_| "-".to_string(), |i| format!("person:{}", i.masked()));
        self.audited(
            actor,
            "withdrawal.blacklist",
            &target,
            entry.source.as_bytes(),
            result,
        )
        .await
    }

    pub async fn withdrawal(self, withdrawal_id: i64) -> AppResult<WithdrawalRecord> {
        self.withdrawal_port()
            .withdrawal(withdrawal_id)
            .await?
            .ok_or_else(|| not_found(withdrawal_id))
    }

    pub async fn withdrawals_of(self, member_id: i64) -> AppResult<Vec<WithdrawalRecord>> {
        Ok(self
            .withdrawal_port()
            .withdrawals_of(member_id, LIST_LIMIT)
            .await?)
    }

    /// The review queue: `submitted` (初审) or `prepared` (复核).
    pub async fn withdrawal_queue(
        self,
        status: WithdrawalStatus,
    ) -> AppResult<Vec<WithdrawalRecord>> {
        Ok(self
            .withdrawal_port()
            .withdrawals_in(status, 0, LIST_LIMIT)
            .await?)
    }

    /// Withdrawals approved but left unpaid for [`STRANDED_AFTER_US`] by a
    /// process that stopped: `payout-retry` pays them, but for those it
    /// leaves to staff (closing the account, or frozen since).
    pub async fn stranded_queue(self) -> AppResult<Vec<QueueItem>> {
        let before_us = crate::clock::now_micros() - STRANDED_AFTER_US;
        self.approved_before(before_us).await
    }

    async fn approved_before(self, before_us: i64) -> AppResult<Vec<QueueItem>> {
        let approved = self.review_queue(WithdrawalStatus::Approved).await?;
        Ok(approved
            .into_iter()
            .filter(|item| item.application.updated_at_us < before_us)
            .collect())
    }

    /// The review queue in `status` with each application's applicant and
    /// documents: three reads for the whole queue, not two per application.
    pub async fn review_queue(self, status: WithdrawalStatus) -> AppResult<Vec<QueueItem>> {
        let applications = self
            .withdrawal_port()
            .withdrawals_in(status, 0, LIST_LIMIT)
            .await?;
        let withdrawal_ids: Vec<i64> = applications.iter().map(|w| w.withdrawal_id).collect();
        let member_ids: Vec<i64> = applications.iter().map(|w| w.member_id).collect();
        let mut documents: HashMap<i64, Vec<DocumentRecord>> = HashMap::new();
        for d in self
            .withdrawal_port()
            .documents_of_withdrawals(&withdrawal_ids)
            .await?
        {
            documents.entry(d.withdrawal_id).or_default().push(d);
        }
        let applicants: HashMap<i64, MemberRecord> = self
            .collection_port()
            .members_by_ids(&member_ids)
            .await?
            .into_iter()
            .map(|m| (m.member_id, m))
            .collect();
        Ok(applications
            .into_iter()
            .map(|application| QueueItem {
                applicant: applicants.get(&application.member_id).cloned(),
                documents: documents
                    .remove(&application.withdrawal_id)
                    .unwrap_or_default(),
                application,
            })
            .collect())
    }

    /// The documents of an application, without their content.
    pub async fn documents_of(self, withdrawal_id: i64) -> AppResult<Vec<DocumentRecord>> {
        Ok(self.withdrawal_port().documents_of(withdrawal_id).await?)
    }

    /// One document of an application with its content, for the reviewer.
    pub async fn document(
        self,
        withdrawal_id: i64,
        doc_no: i32,
    ) -> AppResult<Option<DocumentRecord>> {
        Ok(self
            .withdrawal_port()
            .document(withdrawal_id, doc_no)
            .await?)
    }

    /// Blacklist entries in force on `today`, newest first, at most `limit`.
    pub async fn blacklist_in_force(
        self,
        today: Date,
        limit: u32,
    ) -> AppResult<Vec<BlacklistRecord>> {
        Ok(self
            .withdrawal_port()
            .blacklist_in_force(today, limit)
            .await?)
    }
}

/// Withdrawals in a period, by reason, with what was collected: K10
/// (提取率 = withdrawn ÷ collected) and K11 (住房消费类提取率 = housing
/// withdrawals ÷ all withdrawals).
///
/// Each yuan leaving a member's account (201) is counted once, by the
/// business type of its posting: a withdrawal paid (C11/C12) from the
/// register, with the register's reason; a loan repaid straight from the
/// HPF balance (the run's L04/L05, a prepayment's L05/L06 — no withdrawal
/// record is written for those) from the ledger, as reason 06. An
/// entrusted repayment withdrawal (委托提取还贷) is a C11 withdrawal paid to a
/// card, and the loan is then repaid from that card (L02, no 201 line), so
/// it is counted once, in the register.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawalIndicators {
    pub from: Date,
    pub to: Date,
    /// (code, name, count, Σ) per reason of the withdrawals paid.
    pub by_reason: Vec<(String, String, i64, Fen)>,
    /// Loans repaid from the HPF balance (reason 06 偿还购房贷款本息), net
    /// of reversals; not in `by_reason`, which counts the register.
    pub repaid_from_balance: Fen,
    /// Σ `by_reason` + `repaid_from_balance`.
    pub withdrawn: Fen,
    pub housing: Fen,
    pub collected: Fen,
}

impl Withdrawals<'_> {
    pub async fn withdrawal_indicators(
        self,
        from: Date,
        to: Date,
    ) -> AppResult<WithdrawalIndicators> {
        let reasons = self.policy().reasons_at(to);
        let is_housing = |code: &str| reasons.iter().any(|r| r.code == code && r.housing);
        let days = self.fund_port().gl_days(from, to).await?;
        let repaid = repaid_from_balance(&days)?;
        let mut indicators = WithdrawalIndicators {
            from,
            to,
            by_reason: Vec::new(),
            repaid_from_balance: repaid,
            withdrawn: repaid,
            housing: if is_housing(LOAN_REPAYMENT_REASON) {
                repaid
            } else {
                Fen::ZERO
            },
            collected: Fen::new(self.withdrawal_port().collected_between(from, to).await?),
        };
        for (code, count, sum) in self.withdrawal_port().paid_by_reason(from, to).await? {
            let sum = Fen::new(sum);
            indicators.withdrawn = indicators.withdrawn.checked_add(sum)?;
            if is_housing(&code) {
                indicators.housing = indicators.housing.checked_add(sum)?;
            }
            let name = reasons
                .iter()
                .find(|r| r.code == code)
                .map_or_else(|| code.clone(), |r| r.name.clone());
            indicators.by_reason.push((code, name, count, sum));
        }
        Ok(indicators)
    }
}

/// Σ debit − credit of 201 on loan postings in the day book rows: loans
/// repaid from members' HPF balances, net of reversals.
pub(crate) fn repaid_from_balance(days: &[GlDayRow]) -> AppResult<Fen> {
    let mut repaid = Fen::ZERO;
    for row in days
        .iter()
        .filter(|r| r.gl_code == "201" && repays_loan_from_balance(&r.business_type))
    {
        repaid = repaid
            .checked_add(row.debit_fen)?
            .checked_sub(row.credit_fen)?;
    }
    Ok(repaid)
}

fn state_changed(id: i64) -> crate::AppError {
    DomainError::new(
        "WITHDRAWAL_STATE",
        format!("提取申请 {id} 的状态已变化，请刷新后重试"),
    )
    .into()
}

/// The member applies for themselves; staff for anyone.
fn acting_for(actor: &Actor, member_id: i64) -> AppResult<Principal> {
    match &actor.principal {
        Some(p) if p.role == Role::Member && p.member_id == Some(member_id) => Ok(p.clone()),
        Some(p) if duties::CASE_DESK.contains(&p.role) => Ok(p.clone()),
        _ => Err(DomainError::new("WITHDRAWAL_SCOPE", "只能为本人申请提取，或由柜员代办").into()),
    }
}

fn staff_of(actor: &Actor) -> AppResult<Principal> {
    match &actor.principal {
        Some(p) if duties::CASE_DESK.contains(&p.role) => Ok(p.clone()),
        _ => Err(DomainError::new("NOT_STAFF", "须由中心工作人员办理").into()),
    }
}

/// Dr 201 the member / Cr 101, 部分提取 (C11) or 销户提取 (C12).
fn withdrawal_entry(record: &WithdrawalRecord, amount: Fen, today: Date) -> AppResult<NewEntry> {
    let (code, memo) = if record.closes_account {
        ("C12", format!("销户提取（原因 {}）", record.reason))
    } else {
        ("C11", format!("部分提取（原因 {}）", record.reason))
    };
    let lines = vec![
        Line::debit("201", amount).for_member(MemberId(record.member_id)),
        Line::credit("101", amount),
    ];
    let key = IdempotencyKey::parse(&posting_key(record.withdrawal_id))?;
    Ok(NewEntry::new(code, today, key, &memo, lines)?)
}

/// The idempotency key a withdrawal's posting is made under.
fn posting_key(withdrawal_id: i64) -> String {
    format!("withdrawal-{withdrawal_id}")
}

/// Each document: a type the reason asks for, a PDF, JPEG or PNG by its
/// bytes, within the size limit; online, every type the reason asks for.
fn checked_documents(
    withdrawal_id: i64,
    reason: &WithdrawalReason,
    uploads: &[UploadedDocument],
    max_kib: i64,
    counter: bool,
) -> AppResult<Vec<DocumentRecord>> {
    let mut documents = Vec::new();
    for (i, u) in uploads.iter().enumerate() {
        if !reason.documents.contains(&u.doc_type) {
            return Err(DomainError::new(
                "DOCUMENT_TYPE_UNKNOWN",
                format!("{}不需要“{}”", reason.name, u.doc_type),
            )
            .into());
        }
        let size = i64::try_from(u.content.len()).unwrap_or(i64::MAX);
        if size == 0 || size > max_kib * 1024 {
            return Err(DomainError::new(
                "DOCUMENT_SIZE",
                format!("“{}”须为 1 字节至 {max_kib} KB 的文件", u.file_name),
            )
            .into());
        }
        let Some(content_type) = content_type_of(&u.content) else {
            return Err(DomainError::new(
                "DOCUMENT_FORMAT",
                format!("“{}”须为 PDF、JPEG 或 PNG 文件", u.file_name),
            )
            .into());
        };
        documents.push(DocumentRecord {
            withdrawal_id,
            doc_no: i32::try_from(i + 1).unwrap_or(i32::MAX),
            doc_type: u.doc_type.clone(),
            file_name: u.file_name.chars().take(100).collect(),
            content_type: content_type.to_string(),
            size_bytes: size,
            sha256: hex(&Sha256::digest(&u.content)),
            content: u.content.clone(),
        });
    }
    if !counter {
        for needed in &reason.documents {
            if !uploads.iter().any(|u| &u.doc_type == needed) {
                return Err(DomainError::new(
                    "DOCUMENT_MISSING",
                    format!("{}须上传“{needed}”", reason.name),
                )
                .into());
            }
        }
    }
    Ok(documents)
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
