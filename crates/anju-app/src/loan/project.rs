//! Project loans for public rental housing (公租房建设贷款): a separate
//! product lent to a housing builder, not a member. Staff enter the loan
//! (entered = reviewed); another person approves it, then the contract,
//! disbursement to the project's account, the schedule and the repayment
//! run are the personal loan's own. Not part of the personal book the
//! indicators (K13) read; part of GL 121 / 122 and of `anju check`.

use super::staff_of;
use crate::Loans;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::access::{Channel, duties};
use anju_domain::ids::BankCardNo;
use anju_domain::loan::LoanProduct;
use anju_domain::loan::LoanStatus;
use anju_domain::loan::Method;
use anju_domain::loan::PropertyKind;
use anju_domain::{Date, DomainError, Fen, RatePpm};
use anju_store::LoanRecord;

/// Most characters in a project's or builder's name.
const MAX_NAME_CHARS: usize = 60;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectLoanApplication {
    pub request_key: String,
    pub project_name: String,
    pub borrower_name: String,
    /// The project's account: disbursement goes there, repayments come from it.
    pub account: String,
    pub amount: Fen,
    pub months: u32,
    pub rate: RatePpm,
    pub method: Method,
}

impl App {
    async fn try_enter_project(
        &self,
        actor: &Actor,
        a: &ProjectLoanApplication,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let staff = staff_of(actor, duties::REVIEWERS)?;
        if let Some(found) = self
            .loan_port()
            .loan_by_key(0, a.request_key.trim())
            .await?
        {
            return Ok(found);
        }
        check_project(a)?;
        let account = BankCardNo::parse(a.account.trim())?;
        let method = a.method;
        let second_above = self
            .policy()
            .at(today)?
            .loan_rule
            .value
            .second_approval_above;
        let id = self.posting_port().reserve_ids(1);
        let record = project_record(
            id,
            a,
            account.as_str(),
            method,
            &staff.login,
            second_above,
            today,
        );
        self.loan_port().save_loan(&record, &[]).await?;
        Ok(record)
    }
}

impl Loans<'_> {
    /// 项目贷款登记: a reviewer or manager enters an approved project's loan.
    pub async fn enter_project_loan(
        self,
        actor: &Actor,
        application: ProjectLoanApplication,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let result = self.try_enter_project(actor, &application, today).await;
        self.audited(
            actor,
            "loan.project",
            &format!("project:{}", application.request_key),
            application.project_name.as_bytes(),
            result,
        )
        .await
    }
}

fn check_project(a: &ProjectLoanApplication) -> AppResult<()> {
    let named = |s: &str| !s.trim().is_empty() && s.chars().count() <= MAX_NAME_CHARS;
    if a.request_key.trim().is_empty() {
        return Err(DomainError::new("REQUEST_KEY_REQUIRED", "缺少申请编号").into());
    }
    if !named(&a.project_name) || !named(&a.borrower_name) {
        return Err(DomainError::new(
            "PROJECT_NAME_REQUIRED",
            format!("请填写项目名称和借款单位（{MAX_NAME_CHARS} 字以内）"),
        )
        .into());
    }
    if !a.amount.is_positive() {
        return Err(DomainError::new("AMOUNT_REQUIRED", "请填写贷款金额").into());
    }
    if a.months == 0 || a.months > anju_domain::loan::MAX_MONTHS {
        return Err(DomainError::new("LOAN_TERM_INVALID", "贷款期限须在 1 至 600 个月之间").into());
    }
    Ok(())
}

fn project_record(
    id: i64,
    a: &ProjectLoanApplication,
    account: &str,
    method: Method,
    login: &str,
    second_above: Fen,
    today: Date,
) -> LoanRecord {
    let mut record =
        super::imported_loan(id, 0, a.amount, a.months, a.rate, method, account, today);
    record.product = LoanProduct::Project;
    // Entered by staff (and not a service K18 counts: a personal loan is).
    record.applied_via = Channel::Counter;
    record.status = LoanStatus::Reviewed;
    record.applicant = login.to_string();
    record.request_key = a.request_key.trim().to_string();
    record.property_kind = PropertyKind::New;
    record.property_address = a.project_name.trim().to_string();
    record.seller_name = a.borrower_name.trim().to_string();
    record.seller_account = account.to_string();
    record.first_home = false;
    record.needs_second = a.amount > second_above;
    record.reviewed_by = Some(login.to_string());
    record.disbursed_on = None;
    record.outstanding_fen = anju_domain::Fen::ZERO;
    record.caps = String::new();
    record
}
