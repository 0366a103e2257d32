//! The ledger's reads shared by both backends (balances, entries, movements,
//! the invariant check). Posting stays in each backend crate: SQLite and
//! PostgreSQL write a month-end batch in different ways (multi-row `VALUES`
//! against `COPY`).

use crate::rows::{
    CheckTotalsRow, EntryHeadRow, LineRow, MovementRow, ledger_check_from, member_balance_from,
    movement_page, stored_entry_from,
};
use crate::{
    CHECK_SAMPLE, GlBalance, LedgerCheck, Movement, MovementCursor, MovementPage, StoreResult,
    StoredEntry,
};
use anju_domain::ledger::{EntryId, MemberBalance, MemberId};
use anju_domain::{Date, Fen};
use async_trait::async_trait;

/// Largest page of movements one call returns.
pub const MAX_PAGE: u32 = 1_000;

#[async_trait]
pub trait LedgerStore: Send + Sync {
    /// A cheap round trip, for readiness probes.
    async fn ping(&self) -> StoreResult<()>;

    async fn member_balance(&self, member: MemberId) -> StoreResult<Option<MemberBalance>>;

    /// Σ of the member's movements with value date on or before `as_of`.
    async fn member_balance_as_of(&self, member: MemberId, as_of: Date) -> StoreResult<Fen>;

    async fn entry(&self, id: EntryId) -> StoreResult<Option<StoredEntry>>;

    /// The entry posted under `key`, if any (whatever its value date).
    async fn entry_by_key(&self, key: &str) -> StoreResult<Option<EntryId>>;

    /// Balances of every GL account that has moved, by code.
    async fn gl_balances(&self) -> StoreResult<Vec<GlBalance>>;

    /// Debit − credit of a GL account over lines with value date ≤ `as_of`.
    async fn gl_net_as_of(&self, gl_code: &str, as_of: Date) -> StoreResult<Fen>;

    /// A member's movements in posting order, `limit` at a time after `after`.
    async fn member_movements(
        &self,
        member: MemberId,
        after: Option<MovementCursor>,
        limit: u32,
    ) -> StoreResult<MovementPage>;

    /// The newest lines naming an employer (its remittances' bank lines).
    async fn employer_movements(&self, employer_id: i64, limit: u32) -> StoreResult<Vec<Movement>>;

    /// Re-derives the ledger's invariants from the posting lines.
    async fn check_ledger(&self) -> StoreResult<LedgerCheck>;
}

#[async_trait]
impl<S: crate::sql::Dialect> LedgerStore for S
where
    for<'c> &'c mut crate::sql::Conn<S>: sqlx::Executor<'c, Database = S::Db>,
    usize: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    for<'a> &'a str: sqlx::ColumnIndex<crate::sql::DbRow<S>>,
    i64: crate::sql::Col<S::Db>,
    i32: crate::sql::Col<S::Db>,
    String: crate::sql::Col<S::Db>,
    for<'a> &'a str: crate::sql::Arg<'a, S::Db>,
{
    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(self.reader())
            .await
            .map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn member_balance(&self, member: MemberId) -> StoreResult<Option<MemberBalance>> {
        let row: Option<(i64, i32, i64, i64)> = sqlx::query_as(
            "SELECT balance_fen, product_year, year_opening_fen, product_fen_days \
             FROM member_account WHERE member_id = $1",
        )
        .bind(member.0)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(row.map(member_balance_from))
    }

    async fn member_balance_as_of(&self, member: MemberId, as_of: Date) -> StoreResult<Fen> {
        let sum: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(CASE side WHEN 'C' THEN amount_fen ELSE -amount_fen END), 0) AS BIGINT) \
             FROM posting_line WHERE member_id = $1 AND value_date <= $2",
        )
        .bind(member.0)
        .bind(S::day(as_of))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(Fen::new(sum))
    }

    async fn entry_by_key(&self, key: &str) -> StoreResult<Option<EntryId>> {
        let id: Option<i64> =
            sqlx::query_scalar("SELECT entry_id FROM journal_entry WHERE idempotency_key = $1")
                .bind(key)
                .fetch_optional(self.writer())
                .await
                .map_err(crate::sql::backend)?;
        Ok(id.map(EntryId))
    }

    async fn entry(&self, id: EntryId) -> StoreResult<Option<StoredEntry>> {
        let head: Option<EntryHeadRow> = sqlx::query_as(
            "SELECT business_type, CAST(value_date AS TEXT) AS value_date, booked_at_us, idempotency_key, memo, reverses_entry_id \
             FROM journal_entry WHERE entry_id = $1",
        )
        .bind(id.0)
        .fetch_optional(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        let Some(head) = head else {
            return Ok(None);
        };
        let lines: Vec<LineRow> = sqlx::query_as(
            "SELECT gl_code, member_id, employer_id, loan_id, CAST(side AS TEXT) AS side, amount_fen FROM posting_line \
             WHERE entry_id = $1 ORDER BY line_no",
        )
        .bind(id.0)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        stored_entry_from(id, head, lines).map(Some)
    }

    async fn gl_balances(&self) -> StoreResult<Vec<GlBalance>> {
        let rows: Vec<(String, i64, i64)> = sqlx::query_as(
            "SELECT gl_code, debit_fen, credit_fen FROM gl_balance ORDER BY gl_code",
        )
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(rows
            .into_iter()
            .map(|(gl_code, debit, credit)| GlBalance {
                gl_code,
                debit: Fen::new(debit),
                credit: Fen::new(credit),
            })
            .collect())
    }

    async fn gl_net_as_of(&self, gl_code: &str, as_of: Date) -> StoreResult<Fen> {
        let sum: i64 = sqlx::query_scalar(
            "SELECT CAST(COALESCE(SUM(CASE side WHEN 'D' THEN amount_fen ELSE -amount_fen END), 0) AS BIGINT) \
             FROM posting_line WHERE gl_code = $1 AND value_date <= $2",
        )
        .bind(gl_code)
        .bind(S::day(as_of))
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(Fen::new(sum))
    }

    async fn member_movements(
        &self,
        member: MemberId,
        after: Option<MovementCursor>,
        limit: u32,
    ) -> StoreResult<MovementPage> {
        let limit = limit.clamp(1, MAX_PAGE);
        let (after_entry, after_line) = after.map_or((i64::MIN, 0), |c| (c.entry_id.0, c.line_no));
        let rows: Vec<MovementRow> = sqlx::query_as(
            "SELECT l.entry_id, l.line_no, e.business_type, CAST(l.value_date AS TEXT) AS value_date, e.booked_at_us, CAST(l.side AS TEXT) AS side, \
             l.amount_fen, e.memo FROM posting_line l JOIN journal_entry e ON e.entry_id = l.entry_id \
             WHERE l.member_id = $1 AND (l.entry_id > $2 OR (l.entry_id = $2 AND l.line_no > $3)) \
             ORDER BY l.entry_id, l.line_no LIMIT $4",
        )
        .bind(member.0)
        .bind(after_entry)
        .bind(after_line)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        movement_page(rows, limit)
    }

    async fn employer_movements(&self, employer_id: i64, limit: u32) -> StoreResult<Vec<Movement>> {
        let limit = limit.clamp(1, MAX_PAGE);
        let rows: Vec<MovementRow> = sqlx::query_as(
            "SELECT l.entry_id, l.line_no, e.business_type, CAST(l.value_date AS TEXT) AS value_date, e.booked_at_us, CAST(l.side AS TEXT) AS side, \
             l.amount_fen, e.memo FROM posting_line l JOIN journal_entry e ON e.entry_id = l.entry_id \
             WHERE l.employer_id = $1 ORDER BY l.entry_id DESC, l.line_no LIMIT $2",
        )
        .bind(employer_id)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(movement_page(rows, limit)?.items)
    }

    async fn check_ledger(&self) -> StoreResult<LedgerCheck> {
        let totals: CheckTotalsRow = sqlx::query_as(
            "SELECT (SELECT COUNT(*) FROM journal_entry), (SELECT COUNT(*) FROM posting_line), \
             (SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM posting_line WHERE side = 'D'), \
             (SELECT CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) FROM posting_line WHERE side = 'C'), \
             (SELECT CAST(COALESCE(SUM(balance_fen), 0) AS BIGINT) FROM member_account), \
             (SELECT CAST(COALESCE(SUM(CASE side WHEN 'C' THEN amount_fen ELSE -amount_fen END), 0) AS BIGINT) \
                FROM posting_line WHERE gl_code = '201')",
        )
        .fetch_one(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        let unbalanced: Vec<i64> = sqlx::query_scalar(
            "SELECT entry_id FROM posting_line GROUP BY entry_id \
             HAVING SUM(CASE side WHEN 'D' THEN amount_fen ELSE -amount_fen END) <> 0 \
             ORDER BY entry_id LIMIT $1",
        )
        .bind(CHECK_SAMPLE)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        let incomplete: Vec<i64> = sqlx::query_scalar(
            "SELECT e.entry_id FROM journal_entry e LEFT JOIN \
             (SELECT entry_id, COUNT(*) AS n FROM posting_line GROUP BY entry_id) l \
             ON l.entry_id = e.entry_id WHERE COALESCE(l.n, 0) <> e.line_count \
             ORDER BY e.entry_id LIMIT $1",
        )
        .bind(CHECK_SAMPLE)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        let gl_mismatches: Vec<(String, i64, i64)> = sqlx::query_as(
            "WITH l AS (SELECT gl_code, CAST(SUM(CASE side WHEN 'D' THEN amount_fen ELSE -amount_fen END) AS BIGINT) AS net \
             FROM posting_line GROUP BY gl_code), \
             g AS (SELECT gl_code, debit_fen - credit_fen AS net FROM gl_balance), \
             codes AS (SELECT gl_code FROM l UNION SELECT gl_code FROM g) \
             SELECT codes.gl_code, COALESCE(g.net, 0), COALESCE(l.net, 0) FROM codes \
             LEFT JOIN l ON l.gl_code = codes.gl_code LEFT JOIN g ON g.gl_code = codes.gl_code \
             WHERE COALESCE(g.net, 0) <> COALESCE(l.net, 0) ORDER BY codes.gl_code LIMIT $1",
        )
        .bind(CHECK_SAMPLE)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        let member_mismatches: Vec<(i64, i64, i64)> = sqlx::query_as(
            "SELECT m.member_id, m.balance_fen, COALESCE(l.net, 0) FROM member_account m LEFT JOIN \
             (SELECT member_id, CAST(SUM(CASE side WHEN 'C' THEN amount_fen ELSE -amount_fen END) AS BIGINT) AS net \
              FROM posting_line WHERE member_id IS NOT NULL GROUP BY member_id) l \
             ON l.member_id = m.member_id WHERE m.balance_fen <> COALESCE(l.net, 0) \
             ORDER BY m.member_id LIMIT $1",
        )
        .bind(CHECK_SAMPLE)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(ledger_check_from(
            totals,
            unbalanced,
            incomplete,
            gl_mismatches,
            member_mismatches,
        ))
    }
}
