//! Storage of the assistant (智能客服): a signed-in member's conversations
//! with their messages (sealed at rest: a question can name the asker's
//! affairs), the state of one handed to a person (转人工), and the
//! questions it could not answer, counted for the catalogue's owner. What
//! the assistant knows is not stored here: it is built from the catalogue,
//! the policy and the FAQ (`anju_app::assistant`).

use crate::StoreResult;
use anju_domain::Date;
use anju_domain::assistant::{ConversationStatus, MessageAuthor};
use async_trait::async_trait;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationRecord {
    pub conversation_id: i64,
    pub member_id: i64,
    pub status: ConversationStatus,
    pub started_at_us: i64,
    /// When the member asked for a person (the queue's order).
    pub handed_over_at_us: Option<i64>,
    /// The agent who last answered.
    pub agent_login: Option<String>,
    pub updated_at_us: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageRecord {
    pub message_id: i64,
    pub conversation_id: i64,
    pub author: MessageAuthor,
    /// The agent who wrote it (agent messages only).
    pub agent_login: Option<String>,
    pub text: String,
    /// Where an assistant's answer came from, one source a line.
    pub sources: String,
    pub at_us: i64,
}

/// A conversation's move from one state to the next, written with the
/// messages that cause it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConversationMove {
    pub conversation_id: i64,
    pub from: ConversationStatus,
    pub to: ConversationStatus,
    pub agent_login: Option<String>,
    /// Set when the move is a hand-over (the queue's order).
    pub handed_over_at_us: Option<i64>,
    pub at_us: i64,
}

/// A question the assistant had no answer for, with how often it was asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnansweredRecord {
    pub question: String,
    pub asked: i64,
    pub first_on: Date,
    pub last_on: Date,
}

#[async_trait]
pub trait AssistantStore: Send + Sync {
    /// Starts a conversation with its first messages, in one transaction;
    /// `CONVERSATION_STATE` when the member has one open already (two
    /// first questions at once).
    async fn insert_conversation(
        &self,
        conversation: &ConversationRecord,
        messages: &[MessageRecord],
    ) -> StoreResult<()>;
    async fn conversation(&self, conversation_id: i64) -> StoreResult<Option<ConversationRecord>>;
    /// The member's conversation not closed, if any (one at most).
    async fn open_conversation(&self, member_id: i64) -> StoreResult<Option<ConversationRecord>>;
    /// The member's latest conversation, closed or not.
    async fn latest_conversation(&self, member_id: i64) -> StoreResult<Option<ConversationRecord>>;
    /// Appends messages to a conversation and, with `change`, moves it on —
    /// only if it is still in `change.from`; false (nothing written) when
    /// someone moved it first.
    async fn append_messages(
        &self,
        conversation_id: i64,
        messages: &[MessageRecord],
        change: Option<&ConversationMove>,
    ) -> StoreResult<bool>;
    /// A conversation's messages, oldest first.
    async fn messages(&self, conversation_id: i64) -> StoreResult<Vec<MessageRecord>>;
    /// Conversations in `status`: waiting ones by when they were handed
    /// over (oldest first), others latest first; at most `limit`.
    async fn conversations_in(
        &self,
        status: ConversationStatus,
        limit: u32,
    ) -> StoreResult<Vec<ConversationRecord>>;
    /// Counts a question not answered (one row per question text). A
    /// question not kept yet is added only while fewer than `new_per_day`
    /// were added on `day` (visitors cannot fill the table); false when it
    /// was left out.
    async fn record_unanswered(
        &self,
        question: &str,
        day: Date,
        new_per_day: i64,
    ) -> StoreResult<bool>;
    /// The unanswered questions, most asked first; at most `limit`.
    async fn unanswered(&self, limit: u32) -> StoreResult<Vec<UnansweredRecord>>;
}
