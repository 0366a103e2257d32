//! Storage of reminders (服务找人): each one sent, keyed per recipient (a
//! member, or an employer) so it is sent once, with the inbox message it
//! became (to count it opened); and the kinds each member opted out of.

use crate::StoreResult;
use anju_domain::Date;
use anju_domain::reminders::ReminderKind;
use async_trait::async_trait;

/// Whom a reminder is for: a member, or an employer (through each of its
/// agents' inboxes). Each is kept in its own table, keyed per recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    Member(i64),
    Employer(i64),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReminderRecord {
    pub reminder_id: i64,
    pub recipient: Recipient,
    pub kind: ReminderKind,
    pub key: String,
    pub title: String,
    pub body: String,
    pub sent_on: Date,
    /// The inbox message it was sent as (the first sign-in's).
    pub message_id: Option<i64>,
}

/// Reminders of one kind sent in a span: how many, and how many of their
/// messages were opened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReminderCounts {
    pub kind: ReminderKind,
    pub sent: i64,
    pub opened: i64,
}

#[async_trait]
pub trait ReminderStore: Send + Sync {
    /// Keeps a reminder about to be sent; false (nothing written) when the
    /// recipient had this key already — it is sent once.
    async fn claim_reminder(&self, reminder: &ReminderRecord) -> StoreResult<bool>;
    /// Notes the inbox message a claimed reminder was sent as.
    async fn reminder_sent_as(&self, reminder: &ReminderRecord, message_id: i64)
    -> StoreResult<()>;
    /// The member's reminders, latest first.
    async fn member_reminders(&self, member_id: i64) -> StoreResult<Vec<ReminderRecord>>;
    /// Reminders sent in `[from, to]`, members' then employers', oldest
    /// first.
    async fn reminders_between(&self, from: Date, to: Date) -> StoreResult<Vec<ReminderRecord>>;
    /// Sent and opened, by kind, in `[from, to]` (members' and employers').
    async fn reminder_counts(&self, from: Date, to: Date) -> StoreResult<Vec<ReminderCounts>>;
    /// The kinds the member opted out of.
    async fn opted_out(&self, member_id: i64) -> StoreResult<Vec<ReminderKind>>;
    /// Sets the member's choice for a kind.
    async fn set_opt_out(&self, member_id: i64, kind: ReminderKind, out: bool) -> StoreResult<()>;
}
