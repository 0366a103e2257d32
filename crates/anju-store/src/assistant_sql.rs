//! The assistant's SQL, written once for both engines over
//! [`crate::sql::Dialect`]. A message's text is sealed at rest under
//! `assistant_message.text` of its id.

use crate::StoreResult;
use crate::assistant::{ConversationMove, ConversationRecord, MessageRecord, UnansweredRecord};
use crate::rows::{coded, stored_date};
use crate::seal::field;
use crate::sql::{Conn, Dialect, backend};
use anju_domain::Date;
use anju_domain::assistant::{ConversationStatus, MessageAuthor};

const CONVERSATION_COLUMNS: &str = "conversation_id, member_id, status, started_at_us, \
     handed_over_at_us, agent_login, updated_at_us";

#[derive(sqlx::FromRow)]
pub struct ConversationRow {
    conversation_id: i64,
    member_id: i64,
    status: String,
    started_at_us: i64,
    handed_over_at_us: Option<i64>,
    agent_login: Option<String>,
    updated_at_us: i64,
}

fn conversation_from(r: ConversationRow) -> StoreResult<ConversationRecord> {
    Ok(ConversationRecord {
        conversation_id: r.conversation_id,
        member_id: r.member_id,
        status: coded(
            "assistant_conversation",
            "status",
            &r.status,
            ConversationStatus::parse,
        )?,
        started_at_us: r.started_at_us,
        handed_over_at_us: r.handed_over_at_us,
        agent_login: r.agent_login,
        updated_at_us: r.updated_at_us,
    })
}

#[derive(sqlx::FromRow)]
pub struct MessageRow {
    message_id: i64,
    conversation_id: i64,
    author: String,
    agent_login: Option<String>,
    text: String,
    sources: String,
    at_us: i64,
}

fn message_from(seal: &crate::PersonalSeal, r: MessageRow) -> StoreResult<MessageRecord> {
    Ok(MessageRecord {
        author: coded(
            "assistant_message",
            "author",
            &r.author,
            MessageAuthor::parse,
        )?,
        text: seal.open(text_field(r.message_id), &r.text)?,
        message_id: r.message_id,
        conversation_id: r.conversation_id,
        agent_login: r.agent_login,
        sources: r.sources,
        at_us: r.at_us,
    })
}

/// Where a message's text is sealed.
pub fn text_field(message_id: i64) -> crate::seal::Field {
    field("assistant_message", "text", message_id)
}

#[derive(sqlx::FromRow)]
pub struct UnansweredRow {
    question: String,
    asked: i64,
    first_on: String,
    last_on: String,
}

async fn insert_messages<S>(
    tx: &mut sqlx::Transaction<'_, S::Db>,
    seal: &crate::PersonalSeal,
    messages: &[MessageRecord],
) -> StoreResult<()>
where
    S: Dialect,
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    i64: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db>,
    for<'a> Option<&'a str>: crate::sql::Arg<'a, S::Db>,
{
    for m in messages {
        sqlx::query(
            "INSERT INTO assistant_message (message_id, conversation_id, author, agent_login, \
             text, sources, at_us) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(m.message_id)
        .bind(m.conversation_id)
        .bind(m.author.code())
        .bind(m.agent_login.as_deref())
        .bind(seal.seal(text_field(m.message_id), &m.text))
        .bind(m.sources.as_str())
        .bind(m.at_us)
        .execute(&mut **tx)
        .await
        .map_err(backend)?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl<S: Dialect> crate::AssistantStore for S
where
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    usize: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    for<'a> &'a str: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    i64: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    Option<i64>: crate::sql::Col<S::Db>,
    Option<String>: crate::sql::Col<S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db>,
    for<'a> Option<&'a str>: crate::sql::Arg<'a, S::Db>,
{
    async fn insert_conversation(
        &self,
        c: &ConversationRecord,
        messages: &[MessageRecord],
    ) -> StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(backend)?;
        sqlx::query(
            "INSERT INTO assistant_conversation (conversation_id, member_id, status, \
             started_at_us, handed_over_at_us, agent_login, updated_at_us) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(c.conversation_id)
        .bind(c.member_id)
        .bind(c.status.code())
        .bind(c.started_at_us)
        .bind(c.handed_over_at_us)
        .bind(c.agent_login.as_deref())
        .bind(c.updated_at_us)
        .execute(&mut *tx)
        .await
        .map_err(crate::sql::unique_or_backend(
            "CONVERSATION_STATE",
            "您的咨询正在处理，请刷新后再试",
        ))?;
        insert_messages::<S>(&mut tx, self.seal(), messages).await?;
        tx.commit().await.map_err(backend)
    }

    async fn conversation(&self, conversation_id: i64) -> StoreResult<Option<ConversationRecord>> {
        let row: Option<ConversationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CONVERSATION_COLUMNS} FROM assistant_conversation WHERE conversation_id = $1"
        )))
        .bind(conversation_id)
        .fetch_optional(self.writer())
        .await
        .map_err(backend)?;
        row.map(conversation_from).transpose()
    }

    async fn open_conversation(&self, member_id: i64) -> StoreResult<Option<ConversationRecord>> {
        let row: Option<ConversationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CONVERSATION_COLUMNS} FROM assistant_conversation \
             WHERE member_id = $1 AND status <> 'closed' \
             ORDER BY conversation_id DESC LIMIT 1"
        )))
        .bind(member_id)
        .fetch_optional(self.writer())
        .await
        .map_err(backend)?;
        row.map(conversation_from).transpose()
    }

    async fn latest_conversation(&self, member_id: i64) -> StoreResult<Option<ConversationRecord>> {
        let row: Option<ConversationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CONVERSATION_COLUMNS} FROM assistant_conversation \
             WHERE member_id = $1 ORDER BY conversation_id DESC LIMIT 1"
        )))
        .bind(member_id)
        .fetch_optional(self.writer())
        .await
        .map_err(backend)?;
        row.map(conversation_from).transpose()
    }

    async fn append_messages(
        &self,
        conversation_id: i64,
        messages: &[MessageRecord],
        change: Option<&ConversationMove>,
    ) -> StoreResult<bool> {
        let mut tx = self.writer().begin().await.map_err(backend)?;
        // The move goes first: when another request moved the conversation
        // since it was read, nothing of this one is written.
        if let Some(m) = change {
            let done = sqlx::query(
                "UPDATE assistant_conversation SET status = $1, \
                 agent_login = COALESCE($2, agent_login), \
                 handed_over_at_us = COALESCE($3, handed_over_at_us), updated_at_us = $4 \
                 WHERE conversation_id = $5 AND status = $6",
            )
            .bind(m.to.code())
            .bind(m.agent_login.as_deref())
            .bind(m.handed_over_at_us)
            .bind(m.at_us)
            .bind(conversation_id)
            .bind(m.from.code())
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
            if S::affected(&done) == 0 {
                return Ok(false);
            }
        }
        insert_messages::<S>(&mut tx, self.seal(), messages).await?;
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn messages(&self, conversation_id: i64) -> StoreResult<Vec<MessageRecord>> {
        let rows: Vec<MessageRow> = sqlx::query_as(
            "SELECT message_id, conversation_id, author, agent_login, text, sources, at_us \
             FROM assistant_message WHERE conversation_id = $1 ORDER BY message_id",
        )
        .bind(conversation_id)
        .fetch_all(self.writer())
        .await
        .map_err(backend)?;
        crate::sql::mapped(rows, |r| message_from(self.seal(), r))
    }

    async fn conversations_in(
        &self,
        status: ConversationStatus,
        limit: u32,
    ) -> StoreResult<Vec<ConversationRecord>> {
        let order = match status {
            ConversationStatus::Waiting => "handed_over_at_us, conversation_id",
            _ => "updated_at_us DESC, conversation_id DESC",
        };
        let rows: Vec<ConversationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {CONVERSATION_COLUMNS} FROM assistant_conversation WHERE status = $1 \
             ORDER BY {order} LIMIT $2"
        )))
        .bind(status.code())
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(backend)?;
        crate::sql::mapped(rows, conversation_from)
    }

    async fn record_unanswered(
        &self,
        question: &str,
        day: Date,
        new_per_day: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.writer().begin().await.map_err(backend)?;
        let counted = sqlx::query(
            "UPDATE assistant_unanswered SET asked = asked + 1, last_on = $1 WHERE question = $2",
        )
        .bind(S::day(day))
        .bind(question)
        .execute(&mut *tx)
        .await
        .map_err(backend)?;
        if S::affected(&counted) == 0 {
            let added_today: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM assistant_unanswered WHERE first_on = $1")
                    .bind(S::day(day))
                    .fetch_one(&mut *tx)
                    .await
                    .map_err(backend)?;
            if added_today >= new_per_day {
                return Ok(false);
            }
            // Another request may add the same question meanwhile: it
            // counts once more instead of failing.
            sqlx::query(
                "INSERT INTO assistant_unanswered (question, asked, first_on, last_on) \
                 VALUES ($1, 1, $2, $2) ON CONFLICT (question) DO UPDATE SET \
                 asked = assistant_unanswered.asked + 1, last_on = excluded.last_on",
            )
            .bind(question)
            .bind(S::day(day))
            .execute(&mut *tx)
            .await
            .map_err(backend)?;
        }
        tx.commit().await.map_err(backend)?;
        Ok(true)
    }

    async fn unanswered(&self, limit: u32) -> StoreResult<Vec<UnansweredRecord>> {
        let rows: Vec<UnansweredRow> = sqlx::query_as(
            "SELECT question, asked, CAST(first_on AS TEXT) AS first_on, \
             CAST(last_on AS TEXT) AS last_on FROM assistant_unanswered \
             ORDER BY asked DESC, last_on DESC, question LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(backend)?;
        crate::sql::mapped(rows, |r| {
            Ok(UnansweredRecord {
                question: r.question,
                asked: r.asked,
                first_on: stored_date(&r.first_on)?,
                last_on: stored_date(&r.last_on)?,
            })
        })
    }
}
