//! Reminders' SQL, written once for both engines over
//! [`crate::sql::Dialect`].

use crate::StoreResult;
use crate::reminder::{Recipient, ReminderCounts, ReminderRecord};
use crate::rows::{coded, stored_date};
use crate::sql::{Conn, Dialect, backend};
use anju_domain::Date;
use anju_domain::reminders::ReminderKind;

/// Where a recipient's reminders are kept: the table and its owner column.
fn table_of(recipient: Recipient) -> (&'static str, &'static str, i64) {
    match recipient {
        Recipient::Member(id) => ("reminder", "member_id", id),
        Recipient::Employer(id) => ("employer_reminder", "employer_id", id),
    }
}

/// The columns of either table, the owner as `owner_id`.
fn columns(owner: &str) -> String {
    format!(
        "reminder_id, {owner} AS owner_id, kind, reminder_key, title, body, \
         CAST(sent_on AS TEXT) AS sent_on, message_id"
    )
}

#[derive(sqlx::FromRow)]
pub struct ReminderRow {
    reminder_id: i64,
    owner_id: i64,
    kind: String,
    reminder_key: String,
    title: String,
    body: String,
    sent_on: String,
    message_id: Option<i64>,
}

fn reminder_from(r: ReminderRow, recipient: fn(i64) -> Recipient) -> StoreResult<ReminderRecord> {
    Ok(ReminderRecord {
        reminder_id: r.reminder_id,
        recipient: recipient(r.owner_id),
        kind: coded("reminder", "kind", &r.kind, ReminderKind::parse)?,
        key: r.reminder_key,
        title: r.title,
        body: r.body,
        sent_on: stored_date(&r.sent_on)?,
        message_id: r.message_id,
    })
}

#[async_trait::async_trait]
impl<S: Dialect> crate::ReminderStore for S
where
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    usize: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    for<'a> &'a str: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    i64: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    Option<i64>: crate::sql::Col<S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db>,
{
    async fn claim_reminder(&self, r: &ReminderRecord) -> StoreResult<bool> {
        let (table, owner, owner_id) = table_of(r.recipient);
        let done = sqlx::query(sqlx::AssertSqlSafe(format!(
            "INSERT INTO {table} (reminder_id, {owner}, kind, reminder_key, title, body, \
             sent_on, message_id) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
             ON CONFLICT DO NOTHING"
        )))
        .bind(r.reminder_id)
        .bind(owner_id)
        .bind(r.kind.code())
        .bind(r.key.as_str())
        .bind(r.title.as_str())
        .bind(r.body.as_str())
        .bind(S::day(r.sent_on))
        .bind(r.message_id)
        .execute(self.writer())
        .await
        .map_err(backend)?;
        Ok(S::affected(&done) == 1)
    }

    async fn reminder_sent_as(&self, r: &ReminderRecord, message_id: i64) -> StoreResult<()> {
        let (table, _, _) = table_of(r.recipient);
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "UPDATE {table} SET message_id = $1 WHERE reminder_id = $2"
        )))
        .bind(message_id)
        .bind(r.reminder_id)
        .execute(self.writer())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn member_reminders(&self, member_id: i64) -> StoreResult<Vec<ReminderRecord>> {
        let rows: Vec<ReminderRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {} FROM reminder WHERE member_id = $1 \
             ORDER BY sent_on DESC, reminder_id DESC",
            columns("member_id")
        )))
        .bind(member_id)
        .fetch_all(self.writer())
        .await
        .map_err(backend)?;
        crate::sql::mapped(rows, |r| reminder_from(r, Recipient::Member))
    }

    async fn reminders_between(&self, from: Date, to: Date) -> StoreResult<Vec<ReminderRecord>> {
        let mut all = Vec::new();
        let tables: [(_, fn(i64) -> Recipient); 2] = [
            (table_of(Recipient::Member(0)), Recipient::Member),
            (table_of(Recipient::Employer(0)), Recipient::Employer),
        ];
        for ((table, owner, _), recipient) in tables {
            let rows: Vec<ReminderRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
                "SELECT {} FROM {table} WHERE sent_on >= $1 AND sent_on <= $2 \
                 ORDER BY sent_on, reminder_id",
                columns(owner)
            )))
            .bind(S::day(from))
            .bind(S::day(to))
            .fetch_all(self.reader())
            .await
            .map_err(backend)?;
            all.extend(crate::sql::mapped(rows, |r| reminder_from(r, recipient))?);
        }
        Ok(all)
    }

    async fn reminder_counts(&self, from: Date, to: Date) -> StoreResult<Vec<ReminderCounts>> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT r.kind, COUNT(*), \
             SUM(CASE WHEN m.read_at_us IS NOT NULL THEN 1 ELSE 0 END) \
             FROM (SELECT kind, message_id, sent_on FROM reminder UNION ALL \
             SELECT kind, message_id, sent_on FROM employer_reminder) r \
             LEFT JOIN inbox_message m ON m.message_id = r.message_id \
             WHERE r.sent_on >= $1 AND r.sent_on <= $2 GROUP BY r.kind ORDER BY r.kind",
        )
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_all(self.reader())
        .await
        .map_err(backend)?;
        crate::sql::mapped(rows, |(kind, sent, opened)| {
            Ok(ReminderCounts {
                kind: coded("reminder", "kind", &kind, ReminderKind::parse)?,
                sent,
                opened,
            })
        })
    }

    async fn opted_out(&self, member_id: i64) -> StoreResult<Vec<ReminderKind>> {
        let rows: Vec<String> = sqlx::query_scalar(
            "SELECT kind FROM reminder_opt_out WHERE member_id = $1 ORDER BY kind",
        )
        .bind(member_id)
        .fetch_all(self.writer())
        .await
        .map_err(backend)?;
        crate::sql::mapped(rows, |k| {
            coded("reminder_opt_out", "kind", &k, ReminderKind::parse)
        })
    }

    async fn set_opt_out(&self, member_id: i64, kind: ReminderKind, out: bool) -> StoreResult<()> {
        let statement = if out {
            "INSERT INTO reminder_opt_out (member_id, kind) VALUES ($1, $2) ON CONFLICT DO NOTHING"
        } else {
            "DELETE FROM reminder_opt_out WHERE member_id = $1 AND kind = $2"
        };
        sqlx::query(statement)
            .bind(member_id)
            .bind(kind.code())
            .execute(self.writer())
            .await
            .map_err(backend)?;
        Ok(())
    }
}
