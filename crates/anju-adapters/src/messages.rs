//! The message gateway's HTTP/JSON client: wraps one of the app's channel
//! adapters (whose addressing, masking and rendering stay as they are) and
//! hands each message to the gateway. Whatever goes wrong — no connection,
//! a timeout, another status, an answer not understood — is a `failed`
//! delivery on the record; the inbox message stands.

use crate::wire::*;
use anju_app::access::ChannelAdapter;
use anju_app::access::UserRecord;
use anju_domain::access::DeliveryStatus;
use async_trait::async_trait;
use std::time::Duration;

pub struct HttpChannel {
    inner: Box<dyn ChannelAdapter>,
    base: String,
    /// The banner's name when the gateway is a simulator.
    simulated: Option<&'static str>,
    http: reqwest::Client,
}

impl HttpChannel {
    pub fn new(
        inner: Box<dyn ChannelAdapter>,
        base: &str,
        timeout: Duration,
        simulated: bool,
    ) -> Result<Self, String> {
        let (base, http) = crate::endpoint("message gateway", base, timeout)?;
        let simulated = if simulated { inner.simulator() } else { None };
        Ok(HttpChannel {
            inner,
            base,
            simulated,
            http,
        })
    }
}

#[async_trait]
impl ChannelAdapter for HttpChannel {
    fn channel(&self) -> &'static str {
        self.inner.channel()
    }

    fn address(&self, user: &UserRecord) -> Option<String> {
        self.inner.address(user)
    }

    fn recipient(&self, user: &UserRecord) -> Option<String> {
        self.inner.recipient(user)
    }

    fn render(&self, title: &str, body: &str) -> String {
        self.inner.render(title, body)
    }

    fn simulator(&self) -> Option<&'static str> {
        self.simulated
    }

    async fn send(&self, recipient: &str, content: &str) -> DeliveryStatus {
        let order = SendOrder {
            channel: self.channel().to_string(),
            to: recipient.to_string(),
            content: content.to_string(),
        };
        let reply = self
            .http
            .post(format!("{}{SEND}", self.base))
            .json(&order)
            .send()
            .await;
        let reply = match reply {
            Ok(r) if r.status().is_success() => r.json::<SendReply>().await.ok(),
            Ok(r) => {
                tracing::warn!(
                    status = r.status().as_u16(),
                    channel = self.channel(),
                    "gateway refused"
                );
                None
            }
            Err(e) => {
                tracing::warn!(error = %e, channel = self.channel(), "gateway not reached");
                None
            }
        };
        match reply.map(|r| r.status) {
            Some(status) if status == DeliveryStatus::Sent.code() => DeliveryStatus::Sent,
            Some(status) if status == DeliveryStatus::Simulated.code() => DeliveryStatus::Simulated,
            _ => DeliveryStatus::Failed,
        }
    }
}
