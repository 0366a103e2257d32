//! Bank deductions (代扣) of loan installments from the borrower's card.
//! No bank is reachable from this system, so the adapter here is a
//! **simulator** with the fields of a deduction file (`docs/loans.md`:
//! reference, card, amount, value date → the amount debited and the bank's
//! word). A real bank deduplicates by reference, so a run repeated after a
//! crash does not debit twice. The simulator takes everything, except from
//! cards ending `0000` (nothing: 余额不足) and `0001` (half: a partial
//! payment), so shortfalls can be rehearsed end to end.

use crate::AppResult;
use anju_domain::{Date, Fen};
use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebitRequest {
    /// `loan-{id}-{date}`: the bank's deduplication key.
    pub reference: String,
    pub bank_card: String,
    pub amount: Fen,
    pub value_date: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DebitReceipt {
    pub reference: String,
    /// What the bank took, from zero to the amount asked.
    pub debited: Fen,
    pub message: String,
}

/// Deductions are asked for a page of loans at once, as a bank's batch file is.
#[async_trait]
pub trait DebitAdapter: Send + Sync {
    /// What a simulator calls itself on the demo banner; `None` for a bank.
    fn simulator(&self) -> Option<&'static str> {
        None
    }
    async fn debit(&self, requests: &[DebitRequest]) -> AppResult<Vec<DebitReceipt>>;
}

#[derive(Debug, Clone, Default)]
pub struct BankDebitSimulator;

#[async_trait]
impl DebitAdapter for BankDebitSimulator {
    fn simulator(&self) -> Option<&'static str> {
        Some("银行代扣")
    }

    async fn debit(&self, requests: &[DebitRequest]) -> AppResult<Vec<DebitReceipt>> {
        Ok(requests.iter().map(simulate).collect())
    }
}

fn simulate(r: &DebitRequest) -> DebitReceipt {
    let (debited, message) = if r.bank_card.ends_with("0000") {
        (Fen::ZERO, "账户余额不足，扣款失败")
    } else if r.bank_card.ends_with("0001") {
        (Fen::new(r.amount.get() / 2), "账户余额不足，部分扣款")
    } else {
        (r.amount, "扣款成功")
    };
    DebitReceipt {
        reference: r.reference.clone(),
        debited,
        message: message.to_string(),
    }
}
