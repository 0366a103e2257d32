//! 共同借款人确认: a co-borrower agrees to a loan through their own
//! sign-in — nobody else can do it for them, not the borrower and not the
//! counter. Until every co-borrower has, the loan waits before review (初审).

use super::state_changed;
use crate::access::Actor;
use crate::{App, AppResult, Loans};
use anju_domain::access::Role;
use anju_domain::loan::LoanStatus;
use anju_domain::{Date, DomainError};
use anju_store::LoanRecord;

impl App {
    /// Co-borrowers who have not yet consented, by member id.
    pub(super) async fn consent_pending(&self, loan_id: i64) -> AppResult<Vec<i64>> {
        Ok(self
            .loan_port()
            .loan_consents(loan_id)
            .await?
            .into_iter()
            .filter(|(_, on)| on.is_none())
            .map(|(member, _)| member)
            .collect())
    }

    /// Tells each co-borrower a loan names them and waits for their word.
    pub(super) async fn ask_co_borrowers(&self, loan: &LoanRecord) {
        let Ok(pending) = self.consent_pending(loan.loan_id).await else {
            return;
        };
        let body = format!(
            "贷款申请 {}（{}，{} 个月）将您列为共同借款人。请登录网上服务大厅“贷款”页面确认；未经您本人确认，该申请不会进入审核。",
            loan.loan_id, loan.amount_fen, loan.months
        );
        for member in pending {
            if let Ok(users) = self.withdrawal_port().users_of_member(member).await {
                for user in users {
                    // A message that cannot be sent must not undo the application.
                    let _ = self
                        .access()
                        .notify(user, "loan", "请确认共同借款", &body)
                        .await;
                }
            }
        }
    }

    async fn try_consent_to_loan(
        &self,
        actor: &Actor,
        loan_id: i64,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let member = match &actor.principal {
            Some(p) if p.role == Role::Member => p.member_id,
            _ => None,
        }
        .ok_or_else(|| {
            DomainError::new("CO_BORROWER_CONSENT", "共同借款须由共同借款人本人登录确认")
        })?;
        let loan = self.loans().loan(loan_id).await?;
        if !self.consent_pending(loan_id).await?.contains(&member) {
            return Err(DomainError::new(
                "CO_BORROWER_CONSENT",
                format!("您不是贷款 {loan_id} 待确认的共同借款人"),
            )
            .into());
        }
        if loan.status != LoanStatus::Submitted
            || !self
                .loan_port()
                .consent_to_loan(loan_id, member, today)
                .await?
        {
            return Err(state_changed(loan_id));
        }
        Ok(loan)
    }
}

impl Loans<'_> {
    /// A co-borrower's own consent, given signed in as themselves.
    pub async fn consent_to_loan(
        self,
        actor: &Actor,
        loan_id: i64,
        today: Date,
    ) -> AppResult<LoanRecord> {
        let result = self.try_consent_to_loan(actor, loan_id, today).await;
        self.audited(
            actor,
            "loan.consent",
            &format!("loan:{loan_id}"),
            b"",
            result,
        )
        .await
    }

    /// Loans naming `member_id` as a co-borrower that wait for their consent.
    pub async fn consents_awaited(self, member_id: i64) -> AppResult<Vec<LoanRecord>> {
        let mut awaited = Vec::new();
        for loan in self.loan_port().loans_of(member_id).await? {
            if loan.status == LoanStatus::Submitted
                && self
                    .consent_pending(loan.loan_id)
                    .await?
                    .contains(&member_id)
            {
                awaited.push(loan);
            }
        }
        Ok(awaited)
    }

    /// Of these loans, how many co-borrowers each still waits for (a loan
    /// waiting for none is absent): a queue's worth in one read.
    pub async fn consents_missing_of(
        self,
        loan_ids: &[i64],
    ) -> AppResult<std::collections::HashMap<i64, usize>> {
        let mut missing = std::collections::HashMap::new();
        for (loan_id, _member) in self.loan_port().consents_awaited_of(loan_ids).await? {
            *missing.entry(loan_id).or_insert(0) += 1;
        }
        Ok(missing)
    }
}
