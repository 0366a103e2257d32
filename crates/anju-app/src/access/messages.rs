//! Messages: every capability writes to a user's inbox (站内信) through
//! [`App::notify`], and each configured channel sends it on and records a
//! delivery with what the gateway said. The SMS, WeChat and e-mail adapters
//! here are simulators: they record exactly what they would send, with
//! status `simulated`. `anju-adapters` wraps them for a real gateway over
//! HTTP (its rendering and masking are these; only the sending differs).

use crate::Access;
use crate::AppResult;
use anju_domain::access::DeliveryStatus;
use anju_domain::ids::MobileNo;
use anju_store::{Delivery, InboxMessage, UserRecord};

#[async_trait::async_trait]
pub trait ChannelAdapter: Send + Sync {
    fn channel(&self) -> &'static str;
    /// Where this user is reached on this channel (masked for the record).
    fn address(&self, user: &UserRecord) -> Option<String>;
    /// The full address a gateway sends to (never stored).
    fn recipient(&self, user: &UserRecord) -> Option<String>;
    fn render(&self, title: &str, body: &str) -> String;
    /// What a simulator calls itself on the demo banner; `None` for a
    /// real gateway.
    fn simulator(&self) -> Option<&'static str> {
        None
    }
    /// Hands the message to the gateway; what it said. A simulator sends
    /// nothing.
    async fn send(&self, _recipient: &str, _content: &str) -> DeliveryStatus {
        DeliveryStatus::Simulated
    }
}

/// 短信: to the user's mobile, with the centre's signature.
pub struct SimulatedSms;

#[async_trait::async_trait]
impl ChannelAdapter for SimulatedSms {
    fn simulator(&self) -> Option<&'static str> {
        Some("短信")
    }

    fn channel(&self) -> &'static str {
        "sms"
    }

    fn address(&self, user: &UserRecord) -> Option<String> {
        user.mobile
            .as_deref()
            .and_then(|m| MobileNo::parse(m).ok())
            .map(|m| m.masked())
    }

    fn recipient(&self, user: &UserRecord) -> Option<String> {
        user.mobile
            .as_deref()
            .and_then(|m| MobileNo::parse(m).ok())
            .map(|m| m.as_str().to_string())
    }

    fn render(&self, title: &str, _body: &str) -> String {
        format!("【住房公积金】{title}，详情请登录网上服务大厅查看。")
    }
}

/// 微信公众号 template message.
pub struct SimulatedWeChat;

#[async_trait::async_trait]
impl ChannelAdapter for SimulatedWeChat {
    fn simulator(&self) -> Option<&'static str> {
        Some("微信")
    }

    fn channel(&self) -> &'static str {
        "wechat"
    }

    fn address(&self, user: &UserRecord) -> Option<String> {
        Some(format!("openid:user-{}", user.user_id))
    }

    fn recipient(&self, user: &UserRecord) -> Option<String> {
        self.address(user)
    }

    fn render(&self, title: &str, body: &str) -> String {
        format!("{title}\n{body}")
    }
}

/// 电子邮件: to the user's address, when one is on file.
pub struct SimulatedEmail;

#[async_trait::async_trait]
impl ChannelAdapter for SimulatedEmail {
    fn simulator(&self) -> Option<&'static str> {
        Some("电子邮件")
    }

    fn channel(&self) -> &'static str {
        "email"
    }

    fn address(&self, user: &UserRecord) -> Option<String> {
        user.email.as_deref().map(mask_email)
    }

    fn recipient(&self, user: &UserRecord) -> Option<String> {
        user.email.clone()
    }

    fn render(&self, title: &str, body: &str) -> String {
        format!("Subject: {title}\n\n{body}\n\n—— 住房公积金管理中心（服务热线 12329）")
    }
}

/// `z***@example.cn`: enough to recognise, not enough to harvest.
fn mask_email(email: &str) -> String {
    match email.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_string(),
    }
}

pub(crate) fn default_channels() -> Vec<Box<dyn ChannelAdapter>> {
    vec![
        Box::new(SimulatedSms),
        Box::new(SimulatedWeChat),
        Box::new(SimulatedEmail),
    ]
}

impl Access<'_> {
    /// Tells every sign-in of a member; a message that cannot be sent is
    /// left (the outcome it reports stands either way).
    pub async fn notify_member(self, member_id: i64, category: &str, title: &str, body: &str) {
        if let Ok(users) = self.withdrawal_port().users_of_member(member_id).await {
            for user in users {
                let _ = self.notify(user, category, title, body).await;
            }
        }
    }

    /// Puts a message in the user's inbox and records a delivery per channel.
    pub async fn notify(
        self,
        user_id: i64,
        category: &str,
        title: &str,
        body: &str,
    ) -> AppResult<()> {
        self.notify_as(user_id, category, title, body)
            .await
            .map(|_| ())
    }

    /// As [`notify`](Self::notify), giving back the inbox message's id
    /// (none when the user is gone), so whoever sent it can tell it read.
    pub async fn notify_as(
        self,
        user_id: i64,
        category: &str,
        title: &str,
        body: &str,
    ) -> AppResult<Option<i64>> {
        let Some(user) = self.access_port().user(user_id).await? else {
            return Ok(None);
        };
        let now = crate::clock::now_micros();
        let message = InboxMessage {
            message_id: self.posting_port().reserve_ids(1),
            user_id,
            category: category.to_string(),
            title: title.to_string(),
            body: body.to_string(),
            created_at_us: now,
            read_at_us: None,
        };
        let mut deliveries = Vec::new();
        for adapter in self.channels() {
            let (Some(address), Some(recipient)) =
                (adapter.address(&user), adapter.recipient(&user))
            else {
                continue;
            };
            let content = adapter.render(title, body);
            // A gateway that fails is recorded as such; the inbox message
            // stands either way.
            let status = adapter.send(&recipient, &content).await;
            deliveries.push(Delivery {
                delivery_id: self.posting_port().reserve_ids(1),
                message_id: message.message_id,
                user_id,
                channel: adapter.channel().to_string(),
                address,
                content,
                status,
                sent_at_us: now,
            });
        }
        self.access_port()
            .deliver_message(&message, &deliveries)
            .await?;
        Ok(Some(message.message_id))
    }

    /// What each channel did with a user's messages, newest first.
    pub async fn deliveries(self, user_id: i64, limit: u32) -> AppResult<Vec<Delivery>> {
        Ok(self.access_port().deliveries(user_id, limit).await?)
    }

    pub async fn inbox(self, user_id: i64, limit: u32) -> AppResult<Vec<InboxMessage>> {
        Ok(self.access_port().inbox(user_id, limit).await?)
    }

    pub async fn mark_read(self, user_id: i64, message_id: i64) -> AppResult<()> {
        Ok(self
            .access_port()
            .mark_read(user_id, message_id, crate::clock::now_micros())
            .await?)
    }
}
