//! The banks' HTTP/JSON client: collection, payout and deductions as the
//! ports `PaymentAdapter`, `PayoutAdapter` and `DebitAdapter`. A bank that
//! refuses says so (402: `PAYMENT_DECLINED` with the bank's words); a bank
//! that cannot be reached, times out or answers what cannot be read is
//! `BANK_UNAVAILABLE` — the use case keeps its state and may be retried
//! (collection and deductions carry references the bank deduplicates by).

use crate::wire::*;
use anju_app::AppResult;
use anju_app::collection::{PaymentAdapter, PaymentReceipt, PaymentRequest};
use anju_app::loan::{DebitAdapter, DebitReceipt, DebitRequest};
use anju_app::withdrawal::{PayoutAdapter, PayoutReceipt, PayoutRequest};
use anju_domain::{Date, DomainError, Fen};
use async_trait::async_trait;
use reqwest::StatusCode;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::time::Duration;

/// One bank front-end; `channel` is what it collects as (`bank`, `ecny`).
#[derive(Debug, Clone)]
pub struct HttpBank {
    base: String,
    channel: &'static str,
    name_zh: &'static str,
    /// Set when the far end is a simulator (the banner names it).
    simulated: Option<&'static str>,
    http: reqwest::Client,
}

fn unavailable(why: String) -> anju_app::AppError {
    DomainError::new("BANK_UNAVAILABLE", format!("银行系统暂不可用：{why}")).into()
}

impl HttpBank {
    pub fn new(
        base: &str,
        channel: &'static str,
        name_zh: &'static str,
        timeout: Duration,
    ) -> Result<Self, String> {
        let (base, http) = crate::endpoint("bank endpoint", base, timeout)?;
        Ok(HttpBank {
            base,
            channel,
            name_zh,
            simulated: None,
            http,
        })
    }

    /// Marks this client as talking to a simulator, under `name` on the banner.
    pub fn simulated_as(mut self, name: &'static str) -> Self {
        self.simulated = Some(name);
        self
    }

    async fn send<Q: Serialize + Sync, R: DeserializeOwned>(
        &self,
        path: &str,
        order: &Q,
    ) -> AppResult<R> {
        let reply = self
            .http
            .post(format!("{}{path}", self.base))
            .json(order)
            .send()
            .await
            .map_err(|e| {
                unavailable(if e.is_timeout() {
                    "请求超时".to_string()
                } else {
                    format!("无法连接（{e}）")
                })
            })?;
        let status = reply.status();
        if status == StatusCode::PAYMENT_REQUIRED {
            let why = reply
                .json::<ErrorReply>()
                .await
                .map(|e| e.error)
                .unwrap_or_default();
            return Err(DomainError::new("PAYMENT_DECLINED", why).into());
        }
        if !status.is_success() {
            return Err(unavailable(format!("HTTP {}", status.as_u16())));
        }
        reply
            .json::<R>()
            .await
            .map_err(|e| unavailable(format!("答复无法识别（{e}）")))
    }
}

fn day(text: &str) -> AppResult<Date> {
    Date::parse(text).map_err(|e| unavailable(format!("答复中的日期无法识别（{e}）")))
}

#[async_trait]
impl PaymentAdapter for HttpBank {
    fn channel(&self) -> &'static str {
        self.channel
    }

    fn name_zh(&self) -> &'static str {
        self.name_zh
    }

    fn simulator(&self) -> Option<&'static str> {
        self.simulated
    }

    async fn collect(&self, request: &PaymentRequest) -> AppResult<PaymentReceipt> {
        let order = CollectOrder {
            channel: self.channel.to_string(),
            order_id: request.order_id,
            payer: request.payer.clone(),
            amount_fen: request.amount.get(),
            requested_on: request.requested_on.to_string(),
        };
        let reply: CollectReply = self.send(COLLECT, &order).await?;
        if reply.amount_fen != request.amount.get() {
            return Err(unavailable(format!(
                "银行确认金额 {} 与请求 {} 不符",
                Fen::new(reply.amount_fen),
                request.amount
            )));
        }
        Ok(PaymentReceipt {
            channel: self.channel,
            reference: reply.reference,
            amount: Fen::new(reply.amount_fen),
            paid_on: day(&reply.paid_on)?,
        })
    }
}

#[async_trait]
impl PayoutAdapter for HttpBank {
    fn simulator(&self) -> Option<&'static str> {
        self.simulated.map(|_| "银行代发")
    }

    async fn pay(&self, request: &PayoutRequest) -> AppResult<PayoutReceipt> {
        let order = PayoutOrder {
            withdrawal_id: request.withdrawal_id,
            bank_card: request.bank_card.clone(),
            payee: request.payee.clone(),
            amount_fen: request.amount.get(),
            requested_on: request.requested_on.to_string(),
        };
        let reply: PayoutReply = self.send(PAYOUT, &order).await?;
        if reply.withdrawal_id != request.withdrawal_id || reply.amount_fen != request.amount.get()
        {
            return Err(unavailable(format!(
                "付款回执（提取 {}，{}）与请求不符",
                reply.withdrawal_id,
                Fen::new(reply.amount_fen)
            )));
        }
        Ok(PayoutReceipt {
            accepted: reply.accepted,
            reference: reply.reference,
            message: reply.message,
        })
    }
}

#[async_trait]
impl DebitAdapter for HttpBank {
    fn simulator(&self) -> Option<&'static str> {
        self.simulated.map(|_| "银行代扣")
    }

    async fn debit(&self, requests: &[DebitRequest]) -> AppResult<Vec<DebitReceipt>> {
        let order = DebitOrder {
            lines: requests
                .iter()
                .map(|r| DebitLine {
                    reference: r.reference.clone(),
                    bank_card: r.bank_card.clone(),
                    amount_fen: r.amount.get(),
                    value_date: r.value_date.to_string(),
                })
                .collect(),
        };
        let reply: DebitReply = self.send(DEBIT, &order).await?;
        if reply.results.len() != requests.len() {
            return Err(unavailable("扣款结果条数与请求不符".to_string()));
        }
        // A bank never takes more than asked; an answer that says so is not
        // one to book.
        let receipts: Vec<DebitReceipt> = reply
            .results
            .into_iter()
            .map(|r| DebitReceipt {
                reference: r.reference,
                debited: Fen::new(r.debited_fen),
                message: r.message,
            })
            .collect();
        for (asked, got) in requests.iter().zip(&receipts) {
            if got.reference != asked.reference
                || got.debited.is_negative()
                || got.debited > asked.amount
            {
                return Err(unavailable(format!("扣款结果 {} 无法对应", got.reference)));
            }
        }
        Ok(receipts)
    }
}
