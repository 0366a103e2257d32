//! Interest bookkeeping beside the ledger: the yearly settlement runs (started,
//! finished) and the accounts to recheck — those whose kept balance-days do
//! not tell their interest (see migration 0009). Generic over the
//! [`Dialect`](crate::sql::Dialect) like `batch_sql`.
//! Recheck rows are added inside `post_entries` (`PostOptions::rechecks`), so
//! a posting and its recheck land together.

use crate::StoreResult;
use anju_domain::Date;
use async_trait::async_trait;

/// One yearly settlement (its interest year named by the year it ends).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InterestRunRecord {
    pub end_year: i32,
    pub started_on: Date,
    pub finished_on: Option<Date>,
}

/// An account to recheck from this value date on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecheckRecord {
    pub member_id: i64,
    pub from_day: Date,
}

#[async_trait]
pub trait InterestStore: Send + Sync {
    /// Records that the settlement of the year ending `end_year` started on
    /// `on`; a second start keeps the first record.
    async fn start_interest_run(&self, end_year: i32, on: Date) -> StoreResult<()>;

    /// Marks the run finished (keeps the first finishing day); true when
    /// this call finished it.
    async fn finish_interest_run(&self, end_year: i32, on: Date) -> StoreResult<bool>;

    /// (user, member) of the online accounts members hold, by user id above
    /// `after`: who gets the yearly interest notice.
    async fn member_users_after(&self, after: i64, limit: u32) -> StoreResult<Vec<(i64, i64)>>;

    /// Member accounts in all: the size of a settlement run.
    async fn count_member_accounts(&self) -> StoreResult<i64>;

    /// Every run, newest year first.
    async fn interest_runs(&self) -> StoreResult<Vec<InterestRunRecord>>;

    /// Rechecks from a day on or before `through`, by member id above `after`.
    async fn rechecks_through(
        &self,
        through: Date,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<RecheckRecord>>;

    /// Rechecks of the members with ids in `first..=last`.
    async fn rechecks_between(&self, first: i64, last: i64) -> StoreResult<Vec<RecheckRecord>>;

    /// Removes a recheck if it still starts on `from_day` (a later, earlier
    /// posting keeps it). Returns whether it was removed.
    async fn clear_recheck(&self, member_id: i64, from_day: Date) -> StoreResult<bool>;

    /// Members with ids in `first..=last` who had signed a flexible-worker
    /// agreement on or before `signed_by` (they earn the interest subsidy).
    async fn flexible_members_between(
        &self,
        first: i64,
        last: i64,
        signed_by: Date,
    ) -> StoreResult<Vec<i64>>;
}

#[derive(sqlx::FromRow)]
pub struct RunRow {
    pub end_year: i32,
    pub started_on: String,
    pub finished_on: Option<String>,
}

pub fn run_from(r: RunRow) -> StoreResult<InterestRunRecord> {
    Ok(InterestRunRecord {
        end_year: r.end_year,
        started_on: crate::rows::stored_date(&r.started_on)?,
        finished_on: r
            .finished_on
            .as_deref()
            .map(crate::rows::stored_date)
            .transpose()?,
    })
}

pub fn recheck_from((member_id, from_day): (i64, String)) -> StoreResult<RecheckRecord> {
    Ok(RecheckRecord {
        member_id,
        from_day: crate::rows::stored_date(&from_day)?,
    })
}

#[async_trait::async_trait]
impl<S: crate::sql::Dialect> crate::InterestStore for S
where
    for<'c> &'c mut crate::sql::Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    usize: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    for<'a> &'a str: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    i64: crate::sql::Col<S::Db>,
    i32: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    bool: crate::sql::Col<S::Db>,
    Vec<u8>: crate::sql::Col<S::Db>,
    Option<i64>: crate::sql::Col<S::Db>,
    Option<i32>: crate::sql::Col<S::Db>,
    Option<String>: crate::sql::Col<S::Db>,
    Option<S::Date>: for<'q> crate::sql::Arg<'q, S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db> + sqlx::Decode<'a, S::Db>,
    for<'a> &'a [u8]: crate::sql::Arg<'a, S::Db>,
    for<'a> Option<&'a str>: crate::sql::Arg<'a, S::Db>,
{
    async fn start_interest_run(
        &self,
        end_year: i32,
        on: anju_domain::Date,
    ) -> crate::StoreResult<()> {
        sqlx::query("INSERT INTO interest_run (end_year, started_on) VALUES ($1, $2) ON CONFLICT (end_year) DO NOTHING")
        .bind(end_year)
        .bind(S::day(on))
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn finish_interest_run(
        &self,
        end_year: i32,
        on: anju_domain::Date,
    ) -> crate::StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE interest_run SET finished_on = $1 WHERE end_year = $2 AND finished_on IS NULL",
        )
        .bind(S::day(on))
        .bind(end_year)
        .execute(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) > 0)
    }

    async fn count_member_accounts(&self) -> crate::StoreResult<i64> {
        sqlx::query_scalar("SELECT COUNT(*) FROM member_account")
            .fetch_one(self.reader())
            .await
            .map_err(crate::sql::backend)
    }

    async fn member_users_after(
        &self,
        after: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<(i64, i64)>> {
        sqlx::query_as(
            "SELECT user_id, member_id FROM app_user WHERE member_id IS NOT NULL AND user_id > $1 \
             ORDER BY user_id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)
    }

    async fn interest_runs(&self) -> crate::StoreResult<Vec<crate::InterestRunRecord>> {
        let rows: Vec<crate::interest_sql::RunRow> = sqlx::query_as(
            "SELECT end_year, CAST(started_on AS TEXT) AS started_on, CAST(finished_on AS TEXT) AS finished_on \
             FROM interest_run ORDER BY end_year DESC",
        )
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::interest_sql::run_from)
            .collect()
    }

    async fn rechecks_through(
        &self,
        through: anju_domain::Date,
        after: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::RecheckRecord>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT member_id, CAST(from_day AS TEXT) AS from_day FROM interest_recheck \
             WHERE from_day <= $1 AND member_id > $2 ORDER BY member_id LIMIT $3",
        )
        .bind(S::day(through))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::interest_sql::recheck_from)
            .collect()
    }

    async fn rechecks_between(
        &self,
        first: i64,
        last: i64,
    ) -> crate::StoreResult<Vec<crate::RecheckRecord>> {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT member_id, CAST(from_day AS TEXT) AS from_day FROM interest_recheck \
             WHERE member_id BETWEEN $1 AND $2 ORDER BY member_id",
        )
        .bind(first)
        .bind(last)
        .fetch_all(self.writer())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::interest_sql::recheck_from)
            .collect()
    }

    async fn clear_recheck(
        &self,
        member_id: i64,
        from_day: anju_domain::Date,
    ) -> crate::StoreResult<bool> {
        let done =
            sqlx::query("DELETE FROM interest_recheck WHERE member_id = $1 AND from_day = $2")
                .bind(member_id)
                .bind(S::day(from_day))
                .execute(self.writer())
                .await
                .map_err(crate::sql::backend)?;
        Ok(S::affected(&done) > 0)
    }

    async fn flexible_members_between(
        &self,
        first: i64,
        last: i64,
        signed_by: anju_domain::Date,
    ) -> crate::StoreResult<Vec<i64>> {
        sqlx::query_scalar(
            "SELECT member_id FROM flexible_agreement WHERE member_id BETWEEN $1 AND $2 \
             AND signed_on <= $3 ORDER BY member_id",
        )
        .bind(first)
        .bind(last)
        .bind(S::day(signed_by))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)
    }
}
