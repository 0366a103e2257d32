//! Work items' SQL, written once for both engines over
//! [`crate::sql::Dialect`].

use crate::StoreResult;
use crate::rows::{coded, stored_date};
use crate::sql::{Conn, Dialect, backend};
use anju_domain::Date;
use anju_domain::service_times::{WorkItem, WorkKind};

const COLUMNS: &str = "kind, subject_id, CAST(accepted_on AS TEXT) AS accepted_on, \
     CAST(due_on AS TEXT) AS due_on, CAST(completed_on AS TEXT) AS completed_on";

#[derive(sqlx::FromRow)]
pub struct WorkRow {
    kind: String,
    subject_id: i64,
    accepted_on: String,
    due_on: String,
    completed_on: Option<String>,
}

fn item_from(r: WorkRow) -> StoreResult<WorkItem> {
    Ok(WorkItem {
        kind: coded("work_item", "kind", &r.kind, WorkKind::parse)?,
        subject_id: r.subject_id,
        accepted_on: stored_date(&r.accepted_on)?,
        due_on: stored_date(&r.due_on)?,
        completed_on: r.completed_on.as_deref().map(stored_date).transpose()?,
    })
}

#[async_trait::async_trait]
impl<S: Dialect> crate::WorkStore for S
where
    for<'c> &'c mut Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    for<'a> &'a str: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    i64: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    Option<String>: crate::sql::Col<S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db>,
{
    async fn accept_work(&self, item: &WorkItem) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO work_item (kind, subject_id, accepted_on, due_on) \
             VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(item.kind.code())
        .bind(item.subject_id)
        .bind(S::day(item.accepted_on))
        .bind(S::day(item.due_on))
        .execute(self.writer())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn complete_work(&self, item: &WorkItem, completed_on: Date) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO work_item (kind, subject_id, accepted_on, due_on, completed_on) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (kind, subject_id) DO UPDATE \
             SET completed_on = excluded.completed_on WHERE work_item.completed_on IS NULL",
        )
        .bind(item.kind.code())
        .bind(item.subject_id)
        .bind(S::day(item.accepted_on))
        .bind(S::day(item.due_on))
        .bind(S::day(completed_on))
        .execute(self.writer())
        .await
        .map_err(backend)?;
        Ok(())
    }

    async fn work_item(&self, kind: WorkKind, subject_id: i64) -> StoreResult<Option<WorkItem>> {
        let row: Option<WorkRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM work_item WHERE kind = $1 AND subject_id = $2"
        )))
        .bind(kind.code())
        .bind(subject_id)
        .fetch_optional(self.writer())
        .await
        .map_err(backend)?;
        row.map(item_from).transpose()
    }

    async fn work_items(&self, from: Date, to: Date) -> StoreResult<Vec<WorkItem>> {
        let rows: Vec<WorkRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM work_item \
             WHERE (accepted_on >= $1 AND accepted_on <= $2) OR completed_on IS NULL \
             ORDER BY due_on, accepted_on, kind, subject_id"
        )))
        .bind(S::day(from))
        .bind(S::day(to))
        .fetch_all(self.reader())
        .await
        .map_err(backend)?;
        crate::sql::mapped(rows, item_from)
    }
}
