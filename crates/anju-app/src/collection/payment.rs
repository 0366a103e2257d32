//! Payment channels for remittances. A bill is paid through an adapter that
//! collects the money (bank transfer or e-CNY 数字人民币) and returns the
//! channel's reference; the posting carries that reference, and the channel's
//! daily file is reconciled against the booked payments (see
//! `anju_domain::collection::reconcile`). The adapters here are **simulators**:
//! no bank or e-CNY operator is reachable from this system, so they accept (or,
//! when configured, decline) at once and make a reference in the documented
//! format (`docs/payments.md`).

use crate::{AppError, AppResult};
use anju_domain::{Date, DomainError, Fen};
use async_trait::async_trait;

/// What is asked of a channel.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    /// The bill or deposit being paid; the channel's reference carries it.
    pub order_id: i64,
    /// Who pays: an employer's credit code, or a flexible worker's ID number.
    pub payer: String,
    pub amount: Fen,
    pub requested_on: Date,
}

/// What a channel confirms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaymentReceipt {
    pub channel: &'static str,
    pub reference: String,
    pub amount: Fen,
    /// Value date: the day the money reached the fund's account.
    pub paid_on: Date,
}

#[async_trait]
pub trait PaymentAdapter: Send + Sync {
    /// `bank`, `ecny`.
    fn channel(&self) -> &'static str;
    fn name_zh(&self) -> &'static str;
    /// What a simulator calls itself on the demo banner; `None` for a real
    /// channel.
    fn simulator(&self) -> Option<&'static str> {
        None
    }
    async fn collect(&self, request: &PaymentRequest) -> AppResult<PaymentReceipt>;
}

fn reference(prefix: &str, request: &PaymentRequest) -> String {
    let (y, m, d) = request.requested_on.ymd();
    format!("{prefix}{y:04}{m:02}{d:02}{:019}", request.order_id)
}

/// 银行转账 (a direct debit of the employer's account), simulated.
#[derive(Debug, Clone, Default)]
pub struct BankTransferSimulator {
    /// Declines amounts above this, to rehearse a failed debit.
    pub decline_above: Option<Fen>,
}

#[async_trait]
impl PaymentAdapter for BankTransferSimulator {
    fn channel(&self) -> &'static str {
        "bank"
    }

    fn name_zh(&self) -> &'static str {
        "银行转账"
    }

    fn simulator(&self) -> Option<&'static str> {
        Some("银行代收")
    }

    async fn collect(&self, request: &PaymentRequest) -> AppResult<PaymentReceipt> {
        if self
            .decline_above
            .is_some_and(|limit| request.amount > limit)
        {
            return Err(
                DomainError::new("PAYMENT_DECLINED", "银行扣款失败：单位账户余额不足").into(),
            );
        }
        Ok(PaymentReceipt {
            channel: self.channel(),
            reference: reference("BK", request),
            amount: request.amount,
            paid_on: request.requested_on,
        })
    }
}

/// 数字人民币, simulated.
#[derive(Debug, Clone, Default)]
pub struct EcnySimulator;

#[async_trait]
impl PaymentAdapter for EcnySimulator {
    fn channel(&self) -> &'static str {
        "ecny"
    }

    fn name_zh(&self) -> &'static str {
        "数字人民币"
    }

    fn simulator(&self) -> Option<&'static str> {
        Some("数字人民币")
    }

    async fn collect(&self, request: &PaymentRequest) -> AppResult<PaymentReceipt> {
        Ok(PaymentReceipt {
            channel: self.channel(),
            reference: reference("EC", request),
            amount: request.amount,
            paid_on: request.requested_on,
        })
    }
}

pub(crate) fn default_adapters() -> Vec<Box<dyn PaymentAdapter>> {
    vec![
        Box::new(BankTransferSimulator::default()),
        Box::new(EcnySimulator),
    ]
}

pub(crate) fn unknown_channel(channel: &str) -> AppError {
    DomainError::new(
        "PAYMENT_CHANNEL_UNKNOWN",
        format!("未知的缴款方式“{channel}”"),
    )
    .into()
}
