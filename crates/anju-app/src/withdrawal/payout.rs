//! Bank payouts (代发) of approved withdrawals to the member's card. No bank
//! is reachable from this system, so the adapter here is a **simulator** with
//! the message fields of `docs/payments.md` (withdrawal id, card, amount,
//! value date → accepted with a reference, or refused with the bank's
//! reason). It refuses any card whose last four digits are `0000`, so a
//! failed payout can be rehearsed end to end.

use crate::AppResult;
use anju_domain::{Date, Fen};
use async_trait::async_trait;

#[derive(Debug, Clone)]
pub struct PayoutRequest {
    pub withdrawal_id: i64,
    pub bank_card: String,
    pub payee: String,
    pub amount: Fen,
    pub requested_on: Date,
}

/// The bank's answer: accepted with its reference, or refused with why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayoutReceipt {
    pub accepted: bool,
    pub reference: String,
    pub message: String,
}

#[async_trait]
pub trait PayoutAdapter: Send + Sync {
    /// What a simulator calls itself on the demo banner; `None` for a bank.
    fn simulator(&self) -> Option<&'static str> {
        None
    }
    async fn pay(&self, request: &PayoutRequest) -> AppResult<PayoutReceipt>;
}

#[derive(Debug, Clone, Default)]
pub struct BankPayoutSimulator;

#[async_trait]
impl PayoutAdapter for BankPayoutSimulator {
    fn simulator(&self) -> Option<&'static str> {
        Some("银行代发")
    }

    async fn pay(&self, request: &PayoutRequest) -> AppResult<PayoutReceipt> {
        let (y, m, d) = request.requested_on.ymd();
        let reference = format!("PO{y:04}{m:02}{d:02}{:019}", request.withdrawal_id);
        if request.bank_card.ends_with("0000") {
            return Ok(PayoutReceipt {
                accepted: false,
                reference,
                message: "收款账户状态异常，银行退回".to_string(),
            });
        }
        Ok(PayoutReceipt {
            accepted: true,
            reference,
            message: "已入账".to_string(),
        })
    }
}
