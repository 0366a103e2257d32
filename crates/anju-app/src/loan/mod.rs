//! Housing loans (贷款): the application with its assessment (eligibility,
//! the limit and the cap that bound, the rate, the schedule), review and
//! approval by different people (two levels above the policy amount), the
//! contract, disbursement to the seller, and the views members and staff
//! read. The repayment run is `run.rs`; prepayment, settlement and
//! repricing are `service.rs`; the bank deduction adapter is `debit.rs`.

mod consent;
mod debit;
mod export;
mod facts;
mod project;
mod remote;
mod run;
mod service;
#[cfg(test)]
mod tests;

/// The records of loans and their schedules, as the use cases hand them out.
pub use anju_store::{InstallmentRecord, LoanRecord};
pub use debit::{BankDebitSimulator, DebitAdapter, DebitReceipt, DebitRequest};
pub use project::ProjectLoanApplication;
pub use remote::RemoteSignup;
pub use run::RunSummary;
pub use service::{Certificate, PrepaymentRequest, RepricingSummary, read_certificate};

use crate::Loans;
use crate::access::{Actor, Principal};
use crate::withdrawal::PayoutRequest;
use crate::{App, AppResult};
use anju_domain::access::{Channel, Role, duties};
use anju_domain::collection::{BillKind, MemberStatus};
use anju_domain::ids::{BankCardNo, IdCardNo};
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::loan::Grade;
use anju_domain::loan::InstallmentStatus;
use anju_domain::loan::LoanEventKind;
use anju_domain::loan::LoanProduct;
use anju_domain::loan::LoanStatus;
use anju_domain::loan::PropertyKind;
use anju_domain::loan::{
    self, BorrowerFacts, CreditGrade, Eligibility, Installment, LimitDecision, LimitRequest, Method,
};
use anju_domain::service_times::WorkKind;
use anju_domain::{Date, DomainError, Fen, Period, RatePpm};
use anju_store::LoanEventRecord;
use std::collections::HashMap;

/// Movements read to count consecutive contribution months.
const CONTRIBUTION_LOOKBACK: usize = 240;

/// A remote borrower's contribution certificate (异地缴存使用证明), as the
/// applicant names it: its figures come from the issuing centre, not from
/// the form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteCertificate {
    pub centre: String,
    pub certificate_no: String,
}

/// The bank part of a combination loan (组合贷款).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommercialPart {
    pub bank: String,
    pub amount: Fen,
    pub rate: RatePpm,
}

/// What a member (or a clerk for them) applies with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanApplication {
    pub request_key: String,
    pub co_borrower_id_cards: Vec<String>,
    pub property_kind: PropertyKind,
    pub property_address: String,
    pub price: Fen,
    pub appraisal: Option<Fen>,
    pub area_centi_m2: i64,
    pub monthly_income: Fen,
    pub amount: Fen,
    pub months: u32,
    pub method: Method,
    pub seller_name: String,
    pub seller_account: String,
    pub repay_card: String,
    /// Repay from the borrower's HPF balance first (委托提取还贷).
    pub entrusted: bool,
    pub remote: Option<RemoteCertificate>,
    pub commercial: Option<CommercialPart>,
}

/// Everything the decision rests on, shown to the member before applying
/// and to the reviewer after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanAssessment {
    pub eligibility: Eligibility,
    pub limit: LimitDecision,
    pub rate: RatePpm,
    pub max_months: u32,
    pub schedule: Vec<Installment>,
    pub parties: Vec<(i64, String)>,
    pub balances: Fen,
    /// The credit grade the bureau gave (the rate adjustment reads it).
    pub grade: CreditGrade,
    /// A spouse borrows too: the family ceiling applies.
    pub family: bool,
    /// Where each fact came from, with the registries' reference numbers.
    pub sources: Vec<String>,
    /// A remote borrower's certificate as the issuing centre confirmed it.
    pub remote: Option<crate::registries::RemoteContribution>,
}

impl LoanAssessment {
    pub fn allowed(&self) -> bool {
        self.eligibility.refusals.is_empty()
    }
}

impl App {
    async fn try_apply_loan(
        &self,
        actor: &Actor,
        member_id: i64,
        application: LoanApplication,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let principal = acting_for(actor, member_id)?;
        if application.request_key.trim().is_empty() {
            return Err(DomainError::new("REQUEST_KEY_REQUIRED", "缺少申请编号").into());
        }
        if let Some(found) = self
            .loan_port()
            .loan_by_key(member_id, &application.request_key)
            .await?
        {
            return Ok(found);
        }
        if !application.amount.is_positive() {
            return Err(DomainError::new("AMOUNT_REQUIRED", "请填写贷款金额").into());
        }
        let repay_card = BankCardNo::parse(application.repay_card.trim())?;
        check_seller(&application)?;
        let assessment = self
            .loans()
            .assess_loan(member_id, &application, today)
            .await?;
        if !assessment.allowed() {
            return Err(DomainError::new(
                "LOAN_NOT_ELIGIBLE",
                format!(
                    "不符合贷款条件：{}",
                    assessment.eligibility.refusals.join("；")
                ),
            )
            .into());
        }
        let record = new_record(
            self.posting_port().reserve_ids(1),
            member_id,
            (&principal.login, actor.channel),
            &application,
            &assessment,
            repay_card.as_str(),
            self.policy()
                .at(today)?
                .loan_rule
                .value
                .second_approval_above,
            today,
        );
        self.loan_port()
            .save_loan(&record, &assessment.parties)
            .await?;
        self.ask_co_borrowers(&record).await;
        Ok(record)
    }

    async fn try_review_loan(&self, actor: &Actor, id: i64, note: &str) -> AppResult<LoanRecord> {
        let staff = staff_of(actor, duties::CASE_DESK)?;
        let mut loan = self.loans().loan(id).await?;
        let from = loan.status;
        if from != LoanStatus::Submitted {
            return Err(state_changed(id));
        }
        let missing = self.consent_pending(id).await?.len();
        if missing > 0 {
            return Err(DomainError::new(
                "CO_BORROWER_CONSENT",
                format!("贷款 {id} 尚有 {missing} 名共同借款人未本人确认，不能初审"),
            )
            .into());
        }
        loan.status = LoanStatus::Reviewed;
        loan.reviewed_by = Some(staff.login.clone());
        loan.note = note.trim().to_string();
        self.save_move(&loan, from).await
    }

    async fn try_approve_loan(&self, actor: &Actor, id: i64, note: &str) -> AppResult<LoanRecord> {
        let staff = staff_of(actor, duties::REVIEWERS)?;
        let mut loan = self.loans().loan(id).await?;
        let from = loan.status;
        let login = Some(staff.login.clone());
        if loan.reviewed_by == login
            || (from == LoanStatus::FirstApproved && loan.approved_by == login)
        {
            return Err(
                DomainError::new("SELF_APPROVAL", "审批人不能与初审人或一级审批人相同").into(),
            );
        }
        match from {
            LoanStatus::Reviewed => {
                loan.approved_by = login;
                loan.status = if loan.needs_second {
                    LoanStatus::FirstApproved
                } else {
                    LoanStatus::Approved
                };
            }
            LoanStatus::FirstApproved if staff.role == Role::Manager => {
                loan.second_approved_by = login;
                loan.status = LoanStatus::Approved;
            }
            LoanStatus::FirstApproved => {
                return Err(
                    DomainError::new("NOT_A_MANAGER", "超过限额的贷款须由管理员二级审批").into(),
                );
            }
            _ => return Err(state_changed(id)),
        }
        loan.note = note.trim().to_string();
        self.save_move(&loan, from).await
    }

    async fn try_reject_loan(&self, actor: &Actor, id: i64, note: &str) -> AppResult<LoanRecord> {
        staff_of(actor, duties::CASE_DESK)?;
        if note.trim().is_empty() {
            return Err(DomainError::new("REASON_REQUIRED", "请填写不予贷款的理由").into());
        }
        let mut loan = self.loans().loan(id).await?;
        let from = loan.status;
        if !matches!(
            from,
            LoanStatus::Submitted
                | LoanStatus::Reviewed
                | LoanStatus::FirstApproved
                | LoanStatus::Approved
        ) {
            return Err(state_changed(id));
        }
        loan.status = LoanStatus::Rejected;
        loan.note = note.trim().to_string();
        self.save_move(&loan, from).await?;
        self.tell_borrower(&loan, "贷款申请未获批准", note).await;
        Ok(loan)
    }

    async fn try_sign_contract(
        &self,
        actor: &Actor,
        id: i64,
        mortgage_no: &str,
        today: Date,
    ) -> AppResult<LoanRecord> {
        staff_of(actor, duties::CASE_DESK)?;
        let mortgage_no = mortgage_no.trim();
        if mortgage_no.is_empty() || mortgage_no.chars().count() > 40 {
            return Err(DomainError::new(
                "MORTGAGE_NO_REQUIRED",
                "请填写不动产抵押登记证明号（40 字以内）",
            )
            .into());
        }
        let mut loan = self.loans().loan(id).await?;
        if loan.status != LoanStatus::Approved {
            return Err(state_changed(id));
        }
        let (y, m, d) = today.ymd();
        loan.contract_no = Some(format!(
            "GJJDK{}{y:04}{m:02}{d:02}{:06}",
            self.policy().centre_code,
            id % 1_000_000
        ));
        loan.mortgage_no = Some(mortgage_no.to_string());
        loan.status = LoanStatus::Contracted;
        self.save_move(&loan, LoanStatus::Approved).await
    }

    async fn try_disburse(&self, actor: &Actor, id: i64, today: Date) -> AppResult<LoanRecord> {
        staff_of(actor, duties::FINANCE)?;
        let mut loan = self.loans().loan(id).await?;
        if loan.status != LoanStatus::Contracted {
            return Err(state_changed(id));
        }
        let amount = loan.amount_fen;
        let key = IdempotencyKey::parse(&format!("loan-{id}-disbursed"))?;
        let lines = vec![
            Line::debit("121", amount).for_loan(id),
            Line::credit("101", amount),
        ];
        let memo = format!(
            "公积金贷款发放（合同 {}）",
            loan.contract_no.clone().unwrap_or_default()
        );
        let posted = self
            .ledger()
            .post_entry(NewEntry::new("L01", today, key, &memo, lines)?)
            .await?;
        let receipt = self
            .payouts()
            .pay(&PayoutRequest {
                withdrawal_id: id,
                bank_card: loan.seller_account.clone(),
                payee: loan.seller_name.clone(),
                amount,
                requested_on: today,
            })
            .await?;
        if !receipt.accepted {
            let key = IdempotencyKey::parse(&format!("loan-{id}-disbursed-returned"))?;
            self.ledger().reverse_entry(posted.entry_id, key).await?;
            loan.note = format!("放款被银行退回：{}", receipt.message);
            self.save_move(&loan, LoanStatus::Contracted).await?;
            return Err(DomainError::new(
                "PAYOUT_REFUSED",
                format!("放款被银行退回：{}", receipt.message),
            )
            .into());
        }
        self.start_schedule(&mut loan, today, posted.entry_id.0, &receipt.reference)
            .await?;
        self.tell_borrower(
            &loan,
            "贷款已发放",
            &format!("贷款 {amount} 已发放至售房人账户，请按期还款。"),
        )
        .await;
        Ok(loan)
    }

    async fn start_schedule(
        &self,
        loan: &mut LoanRecord,
        today: Date,
        entry_id: i64,
        reference: &str,
    ) -> AppResult<()> {
        let method = loan.method;
        let rate = loan.rate_ppm;
        let months = u32::try_from(loan.months).unwrap_or(1);
        let rows = loan::schedule(loan.amount_fen, months, rate, method, Some(today))?;
        let installments: Vec<InstallmentRecord> = rows
            .iter()
            .map(|r| installment_record(loan.loan_id, r, today))
            .collect::<AppResult<_>>()?;
        self.loan_port()
            .replace_schedule(loan.loan_id, 1, &installments)
            .await?;
        self.loan_port()
            .add_loan_rate(loan.loan_id, today, loan.rate_ppm.ppm(), "合同利率")
            .await?;
        loan.status = LoanStatus::Active;
        loan.disbursed_on = Some(today);
        loan.disbursement_entry_id = Some(entry_id);
        loan.payout_reference = Some(reference.to_string());
        // The move to active sets the outstanding principal to the amount.
        loan.outstanding_fen = loan.amount_fen;
        self.save_move(loan, LoanStatus::Contracted).await?;
        self.loan_port()
            .add_loan_events(&[LoanEventRecord {
                loan_id: loan.loan_id,
                event_key: "disbursed".into(),
                happened_on: today,
                kind: LoanEventKind::Disbursed,
                amount_fen: loan.amount_fen,
                principal_fen: loan.amount_fen,
                interest_fen: anju_domain::Fen::ZERO,
                penalty_fen: anju_domain::Fen::ZERO,
                entry_id: Some(entry_id),
                note: format!("放款至 {}", loan.seller_name),
            }])
            .await?;
        Ok(())
    }

    async fn save_move(&self, loan: &LoanRecord, from: LoanStatus) -> AppResult<LoanRecord> {
        let mut loan = loan.clone();
        loan.updated_at_us = anju_store::now_micros();
        if !self.loan_port().update_loan(&loan, from).await? {
            return Err(state_changed(loan.loan_id));
        }
        Ok(loan)
    }

    /// The borrower and each co-borrower found by ID number.
    async fn loan_parties(
        &self,
        borrower: &anju_store::MemberRecord,
        application: &LoanApplication,
    ) -> AppResult<Vec<(i64, String)>> {
        let mut parties = vec![(borrower.member_id, "borrower".to_string())];
        for card in application.co_borrower_id_cards.iter().map(|c| c.trim()) {
            if card.is_empty() {
                continue;
            }
            let id = IdCardNo::parse(card)?;
            let member = self
                .collection_port()
                .member_by_id_card(id.as_str())
                .await?
                .ok_or_else(|| {
                    DomainError::new(
                        "CO_BORROWER_UNKNOWN",
                        format!("共同借款人 {} 在本中心没有账户", id.masked()),
                    )
                })?;
            if parties.iter().any(|p| p.0 == member.member_id) {
                return Err(
                    DomainError::new("LOAN_PARTY_TWICE", "同一人不能在一笔贷款中出现两次").into(),
                );
            }
            parties.push((member.member_id, "co".to_string()));
        }
        Ok(parties)
    }

    /// Σ balances of the parties, plus a remote borrower's certified balance.
    async fn party_balances(
        &self,
        ids: &[i64],
        remote: Option<&crate::registries::RemoteContribution>,
    ) -> AppResult<Fen> {
        let mut total = remote.map_or(Fen::ZERO, |r| r.balance);
        for id in ids {
            total =
                total.checked_add(self.ledger().member_balance(MemberId(*id)).await?.balance)?;
        }
        Ok(total)
    }

    /// Consecutive months of full, on-time contributions by 所属年月: each
    /// 汇缴 / 补缴 credit is traced to the bill it paid (its month, due date
    /// and kind); a credit with no bill here — history carried over from the
    /// previous system — counts for the month it was posted in.
    pub(crate) async fn contribution_months(&self, member_id: i64, today: Date) -> AppResult<i64> {
        let movements = self
            .ledger()
            .member_movements_newest(MemberId(member_id), CONTRIBUTION_LOOKBACK)
            .await?;
        let credits: Vec<&anju_store::Movement> = movements
            .iter()
            .filter(|m| matches!(m.business_type.as_str(), "C01" | "C02"))
            .filter(|m| m.side == anju_domain::ledger::Side::Credit)
            .collect();
        let entry_ids: Vec<i64> = credits.iter().map(|m| m.entry_id.0).collect();
        let bills = self.loan_port().bills_paid_by(&entry_ids).await?;
        let mut months = Vec::with_capacity(credits.len());
        for credit in credits {
            let bill = bills
                .iter()
                .find(|b| b.paid_entry_id == Some(credit.entry_id.0));
            // A reversed payment (错缴更正) paid nothing for its month.
            if bill.is_some_and(|b| b.reversal_entry_id.is_some()) {
                continue;
            }
            months.push(match bill {
                Some(b) => loan::ContributionMonth {
                    period: Period::from_yyyymm(u32::try_from(b.period).unwrap_or(0))?,
                    on_time: b.kind == BillKind::Remittance
                        && b.paid_on.is_some_and(|paid| paid <= b.due_date),
                },
                None => loan::ContributionMonth {
                    period: Period::of_date(credit.value_date),
                    on_time: true,
                },
            });
        }
        Ok(loan::consecutive_months(Period::of_date(today), &months))
    }

    async fn tell_borrower(&self, loan: &LoanRecord, title: &str, body: &str) {
        let users = match self.withdrawal_port().users_of_member(loan.member_id).await {
            Ok(users) => users,
            Err(_) => return,
        };
        for user in users {
            // A message that cannot be sent must not undo the loan's step.
            let _ = self.access().notify(user, "loan", title, body).await;
        }
    }
}

impl Loans<'_> {
    /// 贷款试算与资格: eligibility, the limit, the rate and the schedule for
    /// an application, without saving anything.
    pub async fn assess_loan(
        self,
        member_id: i64,
        application: &LoanApplication,
        today: Date,
    ) -> AppResult<LoanAssessment> {
        let member = self.member_record(member_id).await?;
        let parties = self.loan_parties(&member, application).await?;
        let policy = self.policy().at(today)?;
        let rules = &policy.loan_rule.value;
        let method = application.method;
        check_property(application)?;
        let co_id_cards = application
            .co_borrower_id_cards
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .map(IdCardNo::parse)
            .collect::<Result<Vec<_>, _>>()?;
        let id_card = IdCardNo::parse(&member.id_card)?;
        let found = self
            .loan_facts(&id_card, &co_id_cards, application.remote.as_ref())
            .await?;
        let grade = found.grade;
        let ids: Vec<i64> = parties.iter().map(|p| p.0).collect();
        let (outstanding_loans, loans_ever) = self.loan_port().loan_counts(&ids).await?;
        let facts = BorrowerFacts {
            account_active: match member.status {
                MemberStatus::Active => true,
                // A loan-only account stands on the contributing centre's
                // confirmed certificate.
                MemberStatus::RemoteBorrower => found.remote.is_some(),
                _ => false,
            },
            // A remote borrower's months are those the contributing centre
            // certified (the months here, if more).
            contribution_months: self
                .contribution_months(member_id, today)
                .await?
                .max(found.remote.as_ref().map_or(0, |r| r.months)),
            outstanding_loans,
            loans_ever,
            blacklisted: self
                .withdrawal_port()
                .blacklist_entry(&member.id_card, today)
                .await?
                .map(|b| b.reason),
            born: id_card.birth_date()?,
            loans_elsewhere: found.loans_elsewhere.clone(),
        };
        let retirement = if id_card.is_male() {
            policy.withdrawal.value.retirement_age_male
        } else {
            policy.withdrawal.value.retirement_age_female
        };
        let mut eligibility = loan::check_eligibility(&facts, rules, retirement)?;
        eligibility.refusals.extend(found.refusals.iter().cloned());
        if member.status == MemberStatus::RemoteBorrower {
            eligibility.refusals.extend(loan_only_refusals(application));
        }
        let max_months = loan::max_term_months(
            policy.loan_limit.value.max_term_months,
            today,
            eligibility.latest_end,
        );
        if application.months > max_months {
            eligibility.refusals.push(format!(
                "贷款期限最长 {max_months} 个月（不超过法定退休年龄后 {} 年）",
                rules.years_after_retirement
            ));
        }
        let rate = loan::contract_rate(
            &policy.loan_rate.value,
            rules,
            eligibility.first_home,
            application.months,
            grade,
        )?;
        let balances = self.party_balances(&ids, found.remote.as_ref()).await?;
        let limit = loan::decide_limit(
            &policy.loan_limit.value,
            &LimitRequest {
                family: found.spouse_co_borrows(),
                completed_home: application.property_kind == PropertyKind::Completed,
                first_home: eligibility.first_home,
                balances,
                monthly_income: application.monthly_income,
                price: application.price,
                appraisal: application.appraisal,
                months: application.months,
                rate,
                method,
            },
        )?;
        if application.amount > limit.limit {
            eligibility.refusals.push(format!(
                "申请金额 {} 超过可贷额度 {}（{}）",
                application.amount,
                limit.limit,
                limit.binding.name()
            ));
        }
        let principal = application.amount.min(limit.limit);
        let schedule = if principal.is_positive() {
            loan::schedule(principal, application.months, rate, method, None)?
        } else {
            Vec::new()
        };
        Ok(LoanAssessment {
            eligibility,
            limit,
            rate,
            max_months,
            schedule,
            parties,
            balances,
            grade,
            family: found.spouse_co_borrows(),
            sources: found.sources,
            remote: found.remote,
        })
    }

    /// 贷款申请: assesses and records the application for review.
    pub async fn apply_loan(
        self,
        actor: &Actor,
        member_id: i64,
        application: LoanApplication,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let result = self
            .try_apply_loan(actor, member_id, application, today)
            .await;
        let target = format!("member:{member_id}");
        let result = self
            .audited(actor, "loan.apply", &target, b"", result)
            .await;
        self.clocked(result, today).await
    }

    /// Notes an application's time limit (DK01) on the work clock. A
    /// project loan is not a member's service and is not timed.
    async fn clocked(self, result: AppResult<LoanRecord>, today: Date) -> AppResult<LoanRecord> {
        if let Some(loan) = result
            .as_ref()
            .ok()
            .filter(|l| l.product == LoanProduct::Personal)
        {
            let decided = loan.status.is_decided();
            self.clock_work(
                WorkKind::Loan,
                loan.loan_id,
                loan.applied_on,
                decided,
                today,
            )
            .await;
        }
        result
    }

    /// 初审: a clerk checks the application and its documents.
    pub async fn review_loan(
        self,
        actor: &Actor,
        loan_id: i64,
        note: &str,
    ) -> AppResult<LoanRecord> {
        let result = self.try_review_loan(actor, loan_id, note).await;
        self.audited(
            actor,
            "loan.review",
            &format!("loan:{loan_id}"),
            note.as_bytes(),
            result,
        )
        .await
    }

    /// 审批: a reviewer other than the clerk approves; above the policy
    /// amount a manager approves second, a third person.
    pub async fn approve_loan(
        self,
        actor: &Actor,
        loan_id: i64,
        note: &str,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let result = self.try_approve_loan(actor, loan_id, note).await;
        let result = self
            .audited(
                actor,
                "loan.approve",
                &format!("loan:{loan_id}"),
                note.as_bytes(),
                result,
            )
            .await;
        self.clocked(result, today).await
    }

    /// 不予贷款: refused with a reason, any time before the contract.
    pub async fn reject_loan(
        self,
        actor: &Actor,
        loan_id: i64,
        note: &str,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let result = self.try_reject_loan(actor, loan_id, note).await;
        let result = self
            .audited(
                actor,
                "loan.reject",
                &format!("loan:{loan_id}"),
                note.as_bytes(),
                result,
            )
            .await;
        self.clocked(result, today).await
    }

    /// 签订合同: the contract is signed and the mortgage registered.
    pub async fn sign_loan_contract(
        self,
        actor: &Actor,
        loan_id: i64,
        mortgage_no: &str,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let result = self
            .try_sign_contract(actor, loan_id, mortgage_no, today)
            .await;
        self.audited(
            actor,
            "loan.contract",
            &format!("loan:{loan_id}"),
            mortgage_no.as_bytes(),
            result,
        )
        .await
    }

    /// 放款: Dr 121 / Cr 101 and the payout to the seller's account; the
    /// schedule starts from the disbursement day.
    pub async fn disburse_loan(
        self,
        actor: &Actor,
        loan_id: i64,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let result = self.try_disburse(actor, loan_id, today).await;
        self.audited(
            actor,
            "loan.disburse",
            &format!("loan:{loan_id}"),
            b"",
            result,
        )
        .await
    }

    pub async fn loan(self, loan_id: i64) -> AppResult<LoanRecord> {
        self.loan_port().loan(loan_id).await?.ok_or_else(|| {
            DomainError::new("LOAN_NOT_FOUND", format!("贷款 {loan_id} 不存在")).into()
        })
    }

    /// The loan if `actor` may see it: a party to it, or staff.
    pub async fn loan_for(self, actor: &Actor, loan_id: i64) -> AppResult<LoanRecord> {
        let loan = self.loan(loan_id).await?;
        match &actor.principal {
            Some(p) if p.role.is_staff() => Ok(loan),
            Some(p) if p.role == Role::Member => {
                let mine = match p.member_id {
                    Some(m) => self.loan_port().loans_of(m).await?,
                    None => Vec::new(),
                };
                if mine.iter().any(|l| l.loan_id == loan_id) {
                    Ok(loan)
                } else {
                    Err(DomainError::new("LOAN_SCOPE", "只能查看本人参与的贷款").into())
                }
            }
            _ => Err(DomainError::new("LOAN_SCOPE", "请先登录").into()),
        }
    }

    /// The loan's repayment schedule, installment by installment.
    pub async fn installments(self, loan_id: i64) -> AppResult<Vec<InstallmentRecord>> {
        Ok(self.loan_port().installments(loan_id).await?)
    }

    pub async fn loans_of(self, member_id: i64) -> AppResult<Vec<LoanRecord>> {
        Ok(self.loan_port().loans_of(member_id).await?)
    }

    /// The member's list of loans (those they are on, newest first), each
    /// with its next installment not paid in full: two reads for the list,
    /// not one per loan.
    pub async fn loan_list(self, member_id: i64) -> AppResult<Vec<LoanListItem>> {
        let loans = self.loan_port().loans_of(member_id).await?;
        let ids: Vec<i64> = loans.iter().map(|l| l.loan_id).collect();
        let mut next_unpaid: HashMap<i64, InstallmentRecord> = HashMap::new();
        // The rows come by loan then period, so a loan's first unpaid one
        // is its next.
        for i in self.loan_port().installments_of(&ids).await? {
            if i.status != InstallmentStatus::Paid {
                next_unpaid.entry(i.loan_id).or_insert(i);
            }
        }
        Ok(loans
            .into_iter()
            .map(|loan| LoanListItem {
                next_unpaid: next_unpaid.remove(&loan.loan_id),
                loan,
            })
            .collect())
    }

    pub async fn loan_queue(self, status: LoanStatus) -> AppResult<Vec<LoanRecord>> {
        Ok(self.loan_port().loans_in(status, 200).await?)
    }

    /// The member borrows here with the month taken from the HPF balance
    /// (委托扣划) on an active loan.
    pub async fn has_entrusted_loan(self, member_id: i64) -> AppResult<bool> {
        Ok(self
            .loan_port()
            .loans_of(member_id)
            .await?
            .iter()
            .any(|l| l.member_id == member_id && l.entrusted && l.status == LoanStatus::Active))
    }

    pub async fn has_hpf_loan(self, member_id: i64) -> AppResult<bool> {
        Ok(self.loan_port().loan_counts(&[member_id]).await?.0 > 0)
    }
}

fn commercial_schedule(loan: &LoanRecord) -> AppResult<Vec<Installment>> {
    let (Some(amount), Some(rate), Some(start)) = (
        loan.commercial_amount_fen,
        loan.commercial_rate_ppm,
        loan.disbursed_on,
    ) else {
        return Ok(Vec::new());
    };
    let months = u32::try_from(loan.months).unwrap_or(1);
    Ok(loan::schedule(
        amount,
        months,
        rate,
        Method::Annuity,
        Some(start),
    )?)
}

/// The same day a month later (the month's end when shorter).
pub fn next_month(day: Date) -> AppResult<Date> {
    Ok(loan::add_months(day, 1)?)
}

/// What a loan-only (异地贷款) account cannot do: borrow without the
/// contributing centre's certificate, or repay from an HPF balance it does
/// not hold here.
fn loan_only_refusals(a: &LoanApplication) -> Vec<String> {
    let mut refusals = Vec::new();
    if a.remote.is_none() {
        refusals.push("异地贷款账户须提供缴存地中心出具的缴存使用证明".to_string());
    }
    if a.entrusted {
        refusals.push(
            "异地贷款账户在本中心无公积金余额，不能委托提取还贷，请以银行卡按月还款".to_string(),
        );
    }
    refusals
}

fn check_property(a: &LoanApplication) -> AppResult<()> {
    if a.property_address.trim().is_empty() || a.property_address.chars().count() > 100 {
        return Err(
            DomainError::new("PROPERTY_ADDRESS_REQUIRED", "请填写房屋坐落（100 字以内）").into(),
        );
    }
    if a.area_centi_m2 <= 0 {
        return Err(DomainError::new("PROPERTY_AREA_REQUIRED", "请填写房屋建筑面积").into());
    }
    if let Some(c) = &a.commercial
        && (c.bank.trim().is_empty() || !c.amount.is_positive())
    {
        return Err(DomainError::new(
            "COMMERCIAL_PART_INVALID",
            "组合贷款须填写商业银行及商业贷款金额",
        )
        .into());
    }
    Ok(())
}

fn check_seller(a: &LoanApplication) -> AppResult<()> {
    if a.seller_name.trim().is_empty() {
        return Err(DomainError::new("SELLER_REQUIRED", "请填写售房人（收款人）名称").into());
    }
    BankCardNo::parse(a.seller_account.trim())?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
/// `applicant`: who applied and through which channel (K18 counts the
/// loan, once disbursed, by it).
fn new_record(
    id: i64,
    member_id: i64,
    applicant: (&str, Channel),
    a: &LoanApplication,
    assessment: &LoanAssessment,
    repay_card: &str,
    second_above: Fen,
    today: Date,
) -> LoanRecord {
    let caps = assessment
        .limit
        .caps
        .iter()
        .map(|c| format!("{}:{}", c.kind.code(), c.amount.get()))
        .collect::<Vec<_>>()
        .join(";");
    LoanRecord {
        loan_id: id,
        member_id,
        product: LoanProduct::Personal,
        status: LoanStatus::Submitted,
        applied_on: today,
        applicant: applicant.0.to_string(),
        request_key: a.request_key.clone(),
        co_borrowers: assessment
            .parties
            .iter()
            .skip(1)
            .map(|p| p.0.to_string())
            .collect::<Vec<_>>()
            .join(","),
        property_kind: a.property_kind,
        property_address: a.property_address.trim().to_string(),
        price_fen: a.price,
        appraisal_fen: a.appraisal,
        area_centi_m2: a.area_centi_m2,
        monthly_income_fen: a.monthly_income,
        credit_grade: assessment.grade,
        first_home: assessment.eligibility.first_home,
        family: assessment.family,
        amount_fen: a.amount,
        months: i32::try_from(a.months).unwrap_or(1),
        method: a.method,
        rate_ppm: assessment.rate,
        limit_fen: assessment.limit.limit,
        binding_cap: assessment.limit.binding.code().to_string(),
        caps,
        remote_centre: a.remote.as_ref().map(|r| r.centre.trim().to_string()),
        remote_certificate_no: a
            .remote
            .as_ref()
            .map(|r| r.certificate_no.trim().to_string()),
        remote_balance_fen: assessment.remote.as_ref().map(|r| r.balance),
        remote_months: assessment
            .remote
            .as_ref()
            .map(|r| i32::try_from(r.months).unwrap_or(0)),
        commercial_bank: a.commercial.as_ref().map(|c| c.bank.trim().to_string()),
        commercial_amount_fen: a.commercial.as_ref().map(|c| c.amount),
        commercial_rate_ppm: a.commercial.as_ref().map(|c| c.rate),
        seller_name: a.seller_name.trim().to_string(),
        seller_account: a.seller_account.trim().to_string(),
        repay_card: repay_card.to_string(),
        entrusted: a.entrusted,
        needs_second: a.amount > second_above,
        reviewed_by: None,
        approved_by: None,
        second_approved_by: None,
        note: String::new(),
        contract_no: None,
        mortgage_no: None,
        disbursed_on: None,
        disbursement_entry_id: None,
        payout_reference: None,
        outstanding_fen: anju_domain::Fen::ZERO,
        overdue_principal_fen: anju_domain::Fen::ZERO,
        overdue_since: None,
        grade: Grade::Normal,
        consecutive_overdue: 0,
        cumulative_overdue: 0,
        last_run_on: None,
        settled_on: None,
        release_certificate: None,
        facts_source: assessment.sources.join("；"),
        updated_at_us: anju_store::now_micros(),
        applied_via: applicant.1,
    }
}

pub fn installment_record(
    loan_id: i64,
    r: &Installment,
    start: Date,
) -> AppResult<InstallmentRecord> {
    let due_date = match r.due_date {
        Some(d) => d,
        None => loan::add_months(start, r.period)?,
    };
    Ok(InstallmentRecord {
        loan_id,
        period: i32::try_from(r.period).unwrap_or(i32::MAX),
        due_date,
        principal_fen: r.principal,
        interest_fen: r.interest,
        paid_principal_fen: anju_domain::Fen::ZERO,
        paid_interest_fen: anju_domain::Fen::ZERO,
        paid_penalty_fen: anju_domain::Fen::ZERO,
        penalty_owed_fen: anju_domain::Fen::ZERO,
        penalty_from: None,
        status: InstallmentStatus::Due,
        paid_on: None,
    })
}

/// A loan already disbursed, as a book imported from another system (or a
/// benchmark's) carries it: active, nothing overdue, the whole amount
/// outstanding.
#[allow(clippy::too_many_arguments)]
pub fn imported_loan(
    loan_id: i64,
    member_id: i64,
    amount: Fen,
    months: u32,
    rate: RatePpm,
    method: Method,
    repay_card: &str,
    disbursed_on: Date,
) -> LoanRecord {
    let application = LoanApplication {
        request_key: format!("import-{loan_id}"),
        co_borrower_id_cards: Vec::new(),
        property_kind: PropertyKind::SecondHand,
        property_address: "（迁移数据）".into(),
        price: amount,
        appraisal: None,
        area_centi_m2: 1,
        monthly_income: Fen::ZERO,
        amount,
        months,
        method,
        seller_name: "（迁移数据）".into(),
        seller_account: String::new(),
        repay_card: repay_card.into(),
        entrusted: false,
        remote: None,
        commercial: None,
    };
    let assessment = LoanAssessment {
        eligibility: Eligibility {
            refusals: Vec::new(),
            first_home: true,
            latest_end: disbursed_on,
        },
        limit: LimitDecision {
            caps: Vec::new(),
            binding: loan::CapKind::Ceiling,
            limit: amount,
        },
        rate,
        max_months: months,
        schedule: Vec::new(),
        parties: vec![(member_id, "borrower".into())],
        balances: Fen::ZERO,
        grade: CreditGrade::A,
        family: false,
        sources: vec!["迁移数据：原系统核定".to_string()],
        remote: None,
    };
    // Taken over from another system: how it was applied for is not known,
    // so it is the batch's and K18 leaves it out.
    let mut record = new_record(
        loan_id,
        member_id,
        ("import", Channel::Batch),
        &application,
        &assessment,
        repay_card,
        amount,
        disbursed_on,
    );
    record.status = LoanStatus::Active;
    record.disbursed_on = Some(disbursed_on);
    record.outstanding_fen = amount;
    record
}

/// The member applies for themselves; counter staff for anyone.
fn acting_for(actor: &Actor, member_id: i64) -> AppResult<Principal> {
    match &actor.principal {
        Some(p) if p.role == Role::Member && p.member_id == Some(member_id) => Ok(p.clone()),
        Some(p) if duties::CASE_DESK.contains(&p.role) => Ok(p.clone()),
        _ => Err(DomainError::new("LOAN_SCOPE", "只能为本人申请贷款，或由柜员代办").into()),
    }
}

fn staff_of(actor: &Actor, roles: &[Role]) -> AppResult<Principal> {
    match &actor.principal {
        Some(p) if roles.contains(&p.role) => Ok(p.clone()),
        _ => Err(DomainError::new("NOT_PERMITTED", "您的岗位不能办理此项贷款业务").into()),
    }
}

fn state_changed(id: i64) -> crate::AppError {
    DomainError::new(
        "LOAN_STATE",
        format!("贷款 {id} 的状态已变化，请刷新后重试"),
    )
    .into()
}

/// A loan in the member's list of loans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanListItem {
    pub loan: LoanRecord,
    /// The first installment not paid in full (due or overdue), if any.
    pub next_unpaid: Option<InstallmentRecord>,
}

/// A loan as its borrower and staff read it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoanAccount {
    pub loan: LoanRecord,
    pub installments: Vec<InstallmentRecord>,
    pub events: Vec<LoanEventRecord>,
    /// (from, rate, why), oldest first.
    pub rates: Vec<(Date, RatePpm, String)>,
    /// Principal and interest overdue, not yet paid.
    pub overdue_fen: Fen,
    /// Penalty interest accrued to the day asked (posted when paid).
    pub penalty_to_date: Fen,
    pub next_due: Option<InstallmentRecord>,
    /// A combination loan's bank part as the bank schedules it (等额本息 at
    /// its rate over the same term from the disbursement day), so the
    /// borrower sees both parts in one view. The bank keeps that loan.
    pub commercial_schedule: Vec<Installment>,
}

/// An overdue loan on the risk staff's list, with what it owes today.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OverdueLoan {
    pub loan: LoanRecord,
    /// Principal and interest overdue, not yet paid.
    pub overdue_fen: Fen,
    /// Penalty interest accrued to the day asked (posted when paid).
    pub penalty_to_date: Fen,
}

/// What a loan owes on `today` by its schedule: principal and interest
/// overdue, and the penalty accrued on them.
fn owed_on(
    loan: &LoanRecord,
    installments: &[InstallmentRecord],
    markup_percent: i64,
    today: Date,
) -> AppResult<(Fen, Fen)> {
    let penalty_to_date = run::penalty_to_date(installments, loan.rate_ppm, markup_percent, today)?;
    let overdue: i64 = installments
        .iter()
        .filter(|i| i.status == InstallmentStatus::Overdue)
        .map(|i| {
            i.principal_fen.get() - i.paid_principal_fen.get() + i.interest_fen.get()
                - i.paid_interest_fen.get()
        })
        .sum();
    Ok((Fen::new(overdue), penalty_to_date))
}

impl App {
    async fn loan_account_of(&self, loan: LoanRecord, today: Date) -> AppResult<LoanAccount> {
        let installments = self.loan_port().installments(loan.loan_id).await?;
        let markup = self
            .policy()
            .at(today)?
            .loan_rule
            .value
            .penalty_markup_percent;
        let (overdue_fen, penalty_to_date) = owed_on(&loan, &installments, markup, today)?;
        let next_due = installments
            .iter()
            .find(|i| i.status == InstallmentStatus::Due)
            .cloned();
        let commercial_schedule = commercial_schedule(&loan)?;
        let rates = self
            .loan_port()
            .loan_rates(loan.loan_id)
            .await?
            .into_iter()
            .map(|(d, ppm, why)| Ok((d, RatePpm::new(ppm)?, why)))
            .collect::<AppResult<_>>()?;
        Ok(LoanAccount {
            events: self.loan_port().loan_events(loan.loan_id).await?,
            loan,
            installments,
            rates,
            overdue_fen,
            penalty_to_date,
            next_due,
            commercial_schedule,
        })
    }

    async fn try_change_card(&self, actor: &Actor, id: i64, card: &str) -> AppResult<LoanRecord> {
        let mut loan = self.loans().loan_for(actor, id).await?;
        if let Some(p) = &actor.principal
            && p.role.is_staff()
            && !duties::LOAN_COUNTER.contains(&p.role)
        {
            return Err(DomainError::new("NOT_PERMITTED", "变更还款账户须由本人或柜员办理").into());
        }
        let card = BankCardNo::parse(card.trim())?;
        let from = loan.status;
        if matches!(from, LoanStatus::Settled | LoanStatus::Rejected) {
            return Err(state_changed(id));
        }
        loan.repay_card = card.as_str().to_string();
        self.save_move(&loan, from).await
    }
}

impl Loans<'_> {
    pub async fn loan_account(
        self,
        actor: &Actor,
        loan_id: i64,
        today: Date,
    ) -> AppResult<LoanAccount> {
        let loan = self.loan_for(actor, loan_id).await?;
        self.loan_account_of(loan, today).await
    }

    /// 逾期贷款清单 for risk staff: each overdue loan with what it owes today.
    pub async fn overdue_loan_list(
        self,
        actor: &Actor,
        today: Date,
    ) -> AppResult<Vec<OverdueLoan>> {
        staff_of(actor, duties::LOAN_RISK)?;
        let loans = self.loan_port().overdue_loans(500).await?;
        let ids: Vec<i64> = loans.iter().map(|l| l.loan_id).collect();
        // The schedules of the whole list in one read, not one per loan.
        let mut schedules: HashMap<i64, Vec<InstallmentRecord>> = HashMap::new();
        for i in self.loan_port().installments_of(&ids).await? {
            schedules.entry(i.loan_id).or_default().push(i);
        }
        let markup = self
            .policy()
            .at(today)?
            .loan_rule
            .value
            .penalty_markup_percent;
        loans
            .into_iter()
            .map(|loan| {
                let schedule = schedules.remove(&loan.loan_id).unwrap_or_default();
                let (overdue_fen, penalty_to_date) = owed_on(&loan, &schedule, markup, today)?;
                Ok(OverdueLoan {
                    loan,
                    overdue_fen,
                    penalty_to_date,
                })
            })
            .collect()
    }

    /// 变更还款账户: the borrower (or a clerk) changes the card deducted.
    pub async fn change_repay_card(
        self,
        actor: &Actor,
        loan_id: i64,
        card: &str,
    ) -> AppResult<LoanRecord> {
        let result = self.try_change_card(actor, loan_id, card).await;
        self.audited(actor, "loan.card", &format!("loan:{loan_id}"), b"", result)
            .await
    }
}
