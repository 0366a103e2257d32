//! Messages: every capability writes to a user's inbox (站内信) through
//! [`App::notify`], and each configured channel records a delivery. The SMS
//! and WeChat adapters here are simulators: they record exactly what they
//! would send, with status `simulated`; real gateways replace them.

use crate::Access;
use crate::AppResult;
use anju_domain::access::DeliveryStatus;
use anju_domain::ids::MobileNo;
use anju_store::{Delivery, InboxMessage, UserRecord};

pub trait ChannelAdapter: Send + Sync {
    fn channel(&self) -> &'static str;
    /// Where this user is reached on this channel (masked for the record).
    fn address(&self, user: &UserRecord) -> Option<String>;
    fn render(&self, title: &str, body: &str) -> String;
    /// What a simulator calls itself on the demo banner; `None` for a
    /// real gateway.
    fn simulator(&self) -> Option<&'static str> {
        None
    }
}

/// 短信: to the user's mobile, with the centre's signature.
pub struct SimulatedSms;

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

    fn render(&self, title: &str, _body: &str) -> String {
        format!("【住房公积金】{title}，详情请登录网上服务大厅查看。")
    }
}

/// 微信公众号 template message.
pub struct SimulatedWeChat;

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

    fn render(&self, title: &str, body: &str) -> String {
        format!("{title}\n{body}")
    }
}

/// 电子邮件: to the user's address, when one is on file.
pub struct SimulatedEmail;

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
    /// Puts a message in the user's inbox and records a delivery per channel.
    pub async fn notify(
        self,
        user_id: i64,
        category: &str,
        title: &str,
        body: &str,
    ) -> AppResult<()> {
        let Some(user) = self.store().user(user_id).await? else {
            return Ok(());
        };
        let now = crate::clock::now_micros();
        let message = InboxMessage {
            message_id: self.store().reserve_ids(1),
            user_id,
            category: category.to_string(),
            title: title.to_string(),
            body: body.to_string(),
            created_at_us: now,
            read_at_us: None,
        };
        let deliveries: Vec<Delivery> = self
            .channels()
            .iter()
            .filter_map(|adapter| {
                adapter.address(&user).map(|address| Delivery {
                    delivery_id: self.store().reserve_ids(1),
                    message_id: message.message_id,
                    user_id,
                    channel: adapter.channel().to_string(),
                    address,
                    content: adapter.render(title, body),
                    status: DeliveryStatus::Simulated,
                    sent_at_us: now,
                })
            })
            .collect();
        Ok(self.store().deliver_message(&message, &deliveries).await?)
    }

    pub async fn inbox(self, user_id: i64, limit: u32) -> AppResult<Vec<InboxMessage>> {
        Ok(self.store().inbox(user_id, limit).await?)
    }

    pub async fn mark_read(self, user_id: i64, message_id: i64) -> AppResult<()> {
        Ok(self
            .store()
            .mark_read(user_id, message_id, crate::clock::now_micros())
            .await?)
    }
}
