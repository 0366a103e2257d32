//! After disbursement: prepayment (提前还款) with the choice of a shorter
//! term or a lower installment, settlement (结清) with a signed
//! mortgage-release certificate (抵押注销证明), repricing (重定价) on
//! 1 January, and the indicators K12 and K13.

use super::debit::DebitRequest;
use super::{installment_record, state_changed};
use crate::Loans;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::access::duties;
use anju_domain::collection::MemberStatus;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::loan::InstallmentStatus;
use anju_domain::loan::LoanEventKind;
use anju_domain::loan::LoanStatus;
use anju_domain::loan::{self, AfterPrepayment, Method};
use anju_domain::trust::keys::{KeySet, Verdict, hex};
use anju_domain::{Date, DomainError, Fen, RatePpm};
use anju_store::{InstallmentRecord, LoanEventRecord, LoanRecord};
use sha2::{Digest, Sha256};

/// Interest on a prepaid principal runs by the day since the last due day,
/// over a 360-day year (the centre's convention, like penalty interest).
const DAYS_PER_YEAR: i128 = 360;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrepaymentRequest {
    pub request_key: String,
    /// Zero pays everything off.
    pub amount: Fen,
    pub choice: AfterPrepayment,
    /// From the borrower's HPF balance (a withdrawal to repay) instead of
    /// the repayment card.
    pub from_hpf: bool,
}

/// A mortgage-release certificate: its text, digest, signature, the id of
/// the key that signed it, and what checking it against the centre's
/// published key set found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Certificate {
    pub text: String,
    pub sha256: String,
    pub signature_hex: String,
    pub key_id: String,
    pub verdict: Verdict,
    /// The e-certificate's serial (its page, file and verification), when
    /// it was issued as one.
    pub serial: Option<String>,
}

impl Certificate {
    pub fn valid(&self) -> bool {
        self.verdict.is_valid()
    }

    /// The certificate as a file: its text, `--`, the signature and the
    /// key id — what `anju verify` checks offline.
    pub fn file(&self) -> String {
        format!("{}--\n{}\n{}\n", self.text, self.signature_hex, self.key_id)
    }
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RepricingSummary {
    pub loans_seen: u64,
    pub repriced: u64,
}

impl App {
    async fn try_prepay(
        &self,
        actor: &Actor,
        id: i64,
        request: &PrepaymentRequest,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let mut loan = self.loans().loan_for(actor, id).await?;
        if let Some(p) = &actor.principal
            && p.role.is_staff()
            && !duties::LOAN_COUNTER.contains(&p.role)
        {
            return Err(DomainError::new("NOT_PERMITTED", "提前还款须由本人或柜员办理").into());
        }
        let event_key = format!("prepay-{}", request.request_key.trim());
        if request.request_key.trim().is_empty() || event_key.len() > 80 {
            return Err(DomainError::new("REQUEST_KEY_REQUIRED", "缺少申请编号").into());
        }
        if self
            .loan_port()
            .loan_events(id)
            .await?
            .iter()
            .any(|e| e.event_key == event_key)
        {
            return Ok(loan);
        }
        if loan.status != LoanStatus::Active {
            return Err(state_changed(id));
        }
        if loan.overdue_since.is_some() {
            return Err(
                DomainError::new("LOAN_OVERDUE_FIRST", "请先归还逾期款项，再办理提前还款").into(),
            );
        }
        let rows = self.loan_port().installments(id).await?;
        if rows
            .iter()
            .any(|r| r.status != InstallmentStatus::Paid && r.due_date <= today)
        {
            // The run owns what is due; prepaying around it would race it.
            return Err(DomainError::new(
                "LOAN_DUE_FIRST",
                "本期应还款项尚未扣收，请待扣款后再办理提前还款",
            )
            .into());
        }
        let open: Vec<&InstallmentRecord> = rows
            .iter()
            .filter(|r| r.status == InstallmentStatus::Due)
            .collect();
        let anchor = rows
            .iter()
            .filter(|r| r.status == InstallmentStatus::Paid)
            .map(|r| r.due_date)
            .max()
            .or(loan.disbursed_on)
            .unwrap_or(today);
        let outstanding = loan.outstanding_fen;
        let full = !request.amount.is_positive() || request.amount >= outstanding;
        let principal = if full { outstanding } else { request.amount };
        let rate = loan.rate_ppm;
        let days = i128::from((today.epoch_days() - anchor.epoch_days()).max(0));
        let interest = anju_domain::Rounding::HalfUpFen.apply(
            i128::from(outstanding.get()) * i128::from(rate.ppm()) * days,
            1_000_000 * DAYS_PER_YEAR,
        )?;
        let total = principal.checked_add(interest)?;
        let left = outstanding.checked_sub(principal)?;
        let (from, schedule) = rescheduled(&loan, &open, anchor, request.choice, left)?
            .unwrap_or((i32::MAX, Vec::new()));
        self.take_prepayment(&loan, request, total, today).await?;
        let entry = prepay_entry(
            &loan,
            principal,
            interest,
            request.from_hpf,
            full,
            &event_key,
            today,
        )?;
        let posted = self.ledger().post_entry(entry).await?;
        let event = LoanEventRecord {
            loan_id: id,
            event_key,
            happened_on: today,
            kind: LoanEventKind::Prepaid,
            amount_fen: total,
            principal_fen: principal,
            interest_fen: interest,
            penalty_fen: anju_domain::Fen::ZERO,
            entry_id: Some(posted.entry_id.0),
            note: if full {
                "全部提前还款".to_string()
            } else {
                format!("部分提前还款，{}", choice_name(request.choice))
            },
        };
        self.loan_port()
            .apply_prepayment(&event, from, &schedule)
            .await?;
        loan = self.loans().loan(id).await?;
        if loan.outstanding_fen == anju_domain::Fen::ZERO {
            return self.settle_if_repaid(id, today).await;
        }
        Ok(loan)
    }

    /// Takes the money: a bank deduction (refused in full if short) or a
    /// check that the HPF balance covers it.
    async fn take_prepayment(
        &self,
        loan: &LoanRecord,
        request: &PrepaymentRequest,
        total: Fen,
        today: Date,
    ) -> AppResult<()> {
        if request.from_hpf {
            // A court-frozen account pays nothing out, prepayment included.
            if self.member_record(loan.member_id).await?.status == MemberStatus::Frozen {
                return Err(DomainError::new(
                    "ACCOUNT_FROZEN",
                    "公积金账户已冻结，不能用公积金提前还款",
                )
                .into());
            }
            let balance = self
                .withdrawal_port()
                .available_balances(&[loan.member_id])
                .await?
                .first()
                .map_or(Fen::ZERO, |(_, fen)| Fen::new(*fen));
            if balance < total {
                return Err(DomainError::new(
                    "INSUFFICIENT_AVAILABLE",
                    format!("公积金余额 {balance} 不足以提前还款 {total}"),
                )
                .into());
            }
            return Ok(());
        }
        let receipt = self
            .debits()
            .debit(&[DebitRequest {
                reference: format!(
                    "loan-{}-prepay-{}",
                    loan.loan_id,
                    request.request_key.trim()
                ),
                bank_card: loan.repay_card.clone(),
                amount: total,
                value_date: today,
            }])
            .await?;
        match receipt.first() {
            Some(r) if r.debited == total => Ok(()),
            Some(r) => Err(DomainError::new(
                "DEBIT_REFUSED",
                format!("还款账户扣款未成功：{}", r.message),
            )
            .into()),
            None => Err(DomainError::new("DEBIT_FILE_MISMATCH", "银行未返回扣款结果").into()),
        }
    }

    /// Re-amortises the performing principal over what the borrower chose.
    async fn reschedule(
        &self,
        loan: &LoanRecord,
        open: &[&InstallmentRecord],
        anchor: Date,
        choice: AfterPrepayment,
    ) -> AppResult<()> {
        let performing = Fen::new(loan.outstanding_fen.get() - loan.overdue_principal_fen.get());
        if let Some((from, rows)) = rescheduled(loan, open, anchor, choice, performing)? {
            self.loan_port()
                .replace_schedule(loan.loan_id, from, &rows)
                .await?;
        }
        Ok(())
    }

    /// 结清: a loan with nothing left to pay is settled and its
    /// mortgage-release certificate signed.
    pub(crate) async fn settle_if_repaid(
        &self,
        loan_id: i64,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let mut loan = self.loans().loan(loan_id).await?;
        let open = self
            .loan_port()
            .installments(loan_id)
            .await?
            .iter()
            .any(|r| r.status != InstallmentStatus::Paid && r.principal_fen > r.paid_principal_fen);
        if loan.status != LoanStatus::Active
            || loan.outstanding_fen != anju_domain::Fen::ZERO
            || open
        {
            return Ok(loan);
        }
        // Rows a prepayment made unnecessary (nothing owed on them) go.
        loan.status = LoanStatus::Settled;
        loan.settled_on = Some(today);
        // The loan is settled first, naming the e-certificate's serial; the
        // certificate is issued once the settlement, its event and the
        // borrower's message are done (two runs settling at once: the loser
        // issues nothing).
        let serial = crate::trust::certificates::new_serial(
            anju_domain::trust::certificate::CertificateKind::LoanRelease,
            today,
        )?;
        loan.release_certificate = Some(serial.clone());
        let loan = self.save_move(&loan, LoanStatus::Active).await?;
        self.loan_port()
            .add_loan_events(&[LoanEventRecord {
                loan_id,
                event_key: "settled".into(),
                happened_on: today,
                kind: LoanEventKind::Settled,
                amount_fen: anju_domain::Fen::ZERO,
                principal_fen: anju_domain::Fen::ZERO,
                interest_fen: anju_domain::Fen::ZERO,
                penalty_fen: anju_domain::Fen::ZERO,
                entry_id: None,
                note: "贷款结清，出具抵押注销证明".into(),
            }])
            .await?;
        self.tell_borrower(
            &loan,
            "贷款已结清",
            "您的住房公积金贷款已结清，可下载抵押注销证明办理注销登记。",
        )
        .await;
        // A failure here must not undo a settlement or stop the run: opening
        // the certificate issues it when it is missing.
        let _ = self
            .trust()
            .issue_release_certificate(&loan, &serial, today)
            .await;
        Ok(loan)
    }

    async fn reprice(&self, mut loan: LoanRecord, rate: RatePpm, today: Date) -> AppResult<()> {
        let rows = self.loan_port().installments(loan.loan_id).await?;
        let open: Vec<&InstallmentRecord> = rows
            .iter()
            .filter(|r| r.status == InstallmentStatus::Due)
            .collect();
        let anchor = open
            .first()
            .and_then(|f| rows.iter().find(|r| r.period == f.period - 1))
            .map(|r| r.due_date)
            .or(loan.disbursed_on)
            .unwrap_or(today);
        let old = loan.rate_ppm;
        loan.rate_ppm = rate;
        self.reschedule(&loan, &open, anchor, AfterPrepayment::LowerInstallment)
            .await?;
        self.save_move(&loan, LoanStatus::Active).await?;
        self.loan_port()
            .add_loan_rate(loan.loan_id, today, rate.ppm(), "1月1日按新利率重定价")
            .await?;
        self.loan_port()
            .add_loan_events(&[LoanEventRecord {
                loan_id: loan.loan_id,
                event_key: format!("repriced-{today}"),
                happened_on: today,
                kind: LoanEventKind::Repriced,
                amount_fen: anju_domain::Fen::ZERO,
                principal_fen: anju_domain::Fen::ZERO,
                interest_fen: anju_domain::Fen::ZERO,
                penalty_fen: anju_domain::Fen::ZERO,
                entry_id: None,
                note: format!(
                    "利率由 {} 调整为 {}",
                    RatePpm::new(old.ppm())
                        .map(|r| r.to_string())
                        .unwrap_or_default(),
                    rate
                ),
            }])
            .await?;
        Ok(())
    }
}

impl Loans<'_> {
    /// 提前还款: no overdue may remain; pays the day's interest since the
    /// last due day and the principal, then re-amortises what is left.
    pub async fn prepay_loan(
        self,
        actor: &Actor,
        loan_id: i64,
        request: PrepaymentRequest,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let result = self.try_prepay(actor, loan_id, &request, today).await;
        self.audited(
            actor,
            "loan.prepay",
            &format!("loan:{loan_id}"),
            request.request_key.as_bytes(),
            result,
        )
        .await
    }

    /// The loan's release certificate with its signature checked: an
    /// e-certificate's serial (issued since the log), or the signed text a
    /// loan settled before kept.
    pub async fn release_certificate(self, actor: &Actor, loan_id: i64) -> AppResult<Certificate> {
        let loan = self.loan_for(actor, loan_id).await?;
        let stored = loan.release_certificate.clone().ok_or_else(|| {
            DomainError::new("CERTIFICATE_NOT_ISSUED", "贷款尚未结清，没有抵押注销证明")
        })?;
        if anju_domain::trust::certificate::is_serial(&stored) {
            let today = self.today();
            let missing = matches!(
                self.trust().certificate_status(&stored, today).await,
                Err(ref e) if e.code() == Some("CERTIFICATE_NOT_FOUND")
            );
            if missing {
                // Settled, but the certificate was not issued (a failure
                // after the settlement was saved): issue it now, dated the
                // day it is issued. Another view issuing it at once is fine.
                let issued = self
                    .trust()
                    .issue_release_certificate(&loan, &stored, today)
                    .await;
                match issued {
                    Ok(_) => {}
                    Err(e) if e.code() == Some("CERTIFICATE_EXISTS") => {}
                    Err(e) => return Err(e),
                }
            }
            let view = self.trust().certificate_status(&stored, today).await?;
            let r = view.record;
            let mut certificate = read_certificate(
                &format!("{}--\n{}\n{}\n", r.body, r.signature_hex, r.key_id),
                self.keys()?.published(),
            );
            certificate.serial = Some(r.serial);
            return Ok(certificate);
        }
        Ok(read_certificate(&stored, self.keys()?.published()))
    }

    /// 1 January: loans whose contract rate differs from the rate now in
    /// force for their home and term are repriced and re-amortised from
    /// the next installment. Idempotent (the rate history says what was done).
    pub async fn reprice_loans(self, today: Date) -> AppResult<RepricingSummary> {
        if (today.month(), today.day()) != (1, 1) {
            return Err(
                DomainError::new("REPRICE_DATE", "存量贷款利率于每年 1 月 1 日调整").into(),
            );
        }
        let policy = self.policy().at(today)?;
        let mut summary = RepricingSummary::default();
        let mut after = 0;
        loop {
            let page = self.loan_port().active_loans_after(after, 1_000).await?;
            let Some(last) = page.last() else { break };
            after = last.loan_id;
            for loan in page {
                summary.loans_seen += 1;
                let grade = loan.credit_grade;
                let months = u32::try_from(loan.months).unwrap_or(1);
                let rate = loan::contract_rate(
                    &policy.loan_rate.value,
                    &policy.loan_rule.value,
                    loan.first_home,
                    months,
                    grade,
                )?;
                if rate != loan.rate_ppm && loan.disbursed_on.is_some_and(|d| d < today) {
                    self.reprice(loan, rate, today).await?;
                    summary.repriced += 1;
                }
            }
        }
        Ok(summary)
    }

    /// K12 异地贷款发放率 and K13 个人贷款逾期率 with their parts:
    /// (remote issued, issued, overdue principal, loan balance).
    pub async fn loan_indicators(self, from: Date, to: Date) -> AppResult<LoanIndicators> {
        let issued = self.loan_port().loans_issued(from, to).await?;
        let book = self.loan_port().loan_book().await?;
        Ok(LoanIndicators { issued, book })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoanIndicators {
    pub issued: anju_store::LoansIssued,
    pub book: anju_store::LoanBook,
}

impl LoanIndicators {
    /// K12 in basis points of loans issued (count), None when none were issued.
    pub fn k12_remote_bp(&self) -> Option<i64> {
        (self.issued.count > 0).then(|| self.issued.remote_count * 10_000 / self.issued.count)
    }

    /// K13 in millionths (‰ × 1000) of the loan balance, None on an empty book.
    pub fn k13_overdue_ppm(&self) -> Option<i64> {
        (self.book.outstanding_fen > anju_domain::Fen::ZERO).then(|| {
            i64::try_from(
                i128::from(self.book.overdue_principal_fen.get()) * 1_000_000
                    / i128::from(self.book.outstanding_fen.get()),
            )
            .unwrap_or(i64::MAX)
        })
    }
}

/// The installments that replace the `open` ones when `performing`
/// principal is left: (first period replaced, new rows); None when nothing
/// is open.
fn rescheduled(
    loan: &LoanRecord,
    open: &[&InstallmentRecord],
    anchor: Date,
    choice: AfterPrepayment,
    performing: Fen,
) -> AppResult<Option<(i32, Vec<InstallmentRecord>)>> {
    let Some(first) = open.first() else {
        return Ok(None);
    };
    if !performing.is_positive() {
        return Ok(Some((first.period, Vec::new())));
    }
    let method = loan.method;
    let rate = loan.rate_ppm;
    let level = Fen::new(match method {
        Method::Annuity => first.principal_fen.get() + first.interest_fen.get(),
        Method::EqualPrincipal => first.principal_fen.get(),
    });
    let remaining = u32::try_from(open.len()).unwrap_or(1);
    let months = loan::months_after_prepayment(performing, remaining, rate, method, level, choice)?;
    let period = u32::try_from(first.period).unwrap_or(1);
    let rows = loan::schedule_from(performing, months, rate, method, None, period)?;
    let records = rows
        .iter()
        .map(|r| {
            let mut rec = installment_record(loan.loan_id, r, anchor)?;
            rec.due_date = loan::add_months(anchor, r.period - period + 1)?;
            Ok(rec)
        })
        .collect::<AppResult<_>>()?;
    Ok(Some((first.period, records)))
}

fn choice_name(c: AfterPrepayment) -> &'static str {
    match c {
        AfterPrepayment::LowerInstallment => "期限不变、月供减少",
        AfterPrepayment::ShorterTerm => "月供不变、期限缩短",
    }
}

fn prepay_entry(
    loan: &LoanRecord,
    principal: Fen,
    interest: Fen,
    from_hpf: bool,
    full: bool,
    event_key: &str,
    today: Date,
) -> AppResult<NewEntry> {
    let total = principal.checked_add(interest)?;
    let mut lines = vec![if from_hpf {
        Line::debit("201", total).for_member(MemberId(loan.member_id))
    } else {
        Line::debit("101", total)
    }];
    lines.push(Line::credit("121", principal).for_loan(loan.loan_id));
    if interest.is_positive() {
        lines.push(Line::credit("40103", interest));
    }
    let key = IdempotencyKey::parse(&format!("loan-{}-{event_key}", loan.loan_id))?;
    let (code, memo) = match (full, from_hpf) {
        (true, _) => ("L06", "提前结清"),
        (false, true) => ("L05", "提取公积金提前还款"),
        (false, false) => ("L03", "部分提前还款"),
    };
    Ok(NewEntry::new(code, today, key, memo, lines)?)
}

/// Splits a stored certificate and checks its signature against the
/// trusted key set (never against a key the document carries).
pub fn read_certificate(stored: &str, trusted: &KeySet) -> Certificate {
    let (text, tail) = stored.rsplit_once("--\n").unwrap_or((stored, ""));
    let mut parts = tail.lines();
    let signature_hex = parts.next().unwrap_or_default().trim().to_string();
    let key_id = parts.next().unwrap_or_default().trim().to_string();
    let verdict = trusted.verify(text.as_bytes(), &signature_hex, &key_id);
    Certificate {
        text: text.to_string(),
        sha256: hex(&Sha256::digest(text.as_bytes())),
        signature_hex,
        key_id,
        verdict,
        serial: None,
    }
}
