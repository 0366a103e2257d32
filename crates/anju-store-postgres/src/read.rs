//! Reads: balances, entries, movements. Rows come back as tuples and are
//! mapped by `anju_store::rows`, shared with the other backend.

use crate::backend;
use anju_domain::ledger::{EntryId, MemberBalance, MemberId};
use anju_domain::{Date, Fen};
use anju_store::rows::{
    EntryHeadRow, LineRow, MovementRow, member_balance_from, movement_page, stored_entry_from,
};
use anju_store::{GlBalance, Movement, MovementCursor, MovementPage, StoreResult, StoredEntry};
use sqlx::PgPool;

/// Largest page of movements one call returns.
pub const MAX_PAGE: u32 = 1_000;

pub(crate) async fn member_balance(
    pool: &PgPool,
    member: MemberId,
) -> StoreResult<Option<MemberBalance>> {
    let row: Option<(i64, i32, i64, i64)> = sqlx::query_as(
        "SELECT balance_fen, product_year, year_opening_fen, product_fen_days \
         FROM member_account WHERE member_id = $1",
    )
    .bind(member.0)
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    Ok(row.map(member_balance_from))
}

pub(crate) async fn member_balance_as_of(
    pool: &PgPool,
    member: MemberId,
    as_of: Date,
) -> StoreResult<Fen> {
    let sum: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(CASE side WHEN 'C' THEN amount_fen ELSE -amount_fen END), 0)::BIGINT \
         FROM posting_line WHERE member_id = $1 AND value_date <= $2::DATE",
    )
    .bind(member.0)
    .bind(as_of.to_string())
    .fetch_one(pool)
    .await
    .map_err(backend)?;
    Ok(Fen::new(sum))
}

pub(crate) async fn entry(pool: &PgPool, id: EntryId) -> StoreResult<Option<StoredEntry>> {
    let head: Option<EntryHeadRow> = sqlx::query_as(
        "SELECT business_type, value_date::TEXT, booked_at_us, idempotency_key, memo, reverses_entry_id \
         FROM journal_entry WHERE entry_id = $1",
    )
    .bind(id.0)
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    let Some(head) = head else {
        return Ok(None);
    };
    let lines: Vec<LineRow> = sqlx::query_as(
        "SELECT gl_code, member_id, employer_id, loan_id, side::TEXT, amount_fen FROM posting_line \
         WHERE entry_id = $1 ORDER BY line_no",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    stored_entry_from(id, head, lines).map(Some)
}

pub(crate) async fn gl_balances(pool: &PgPool) -> StoreResult<Vec<GlBalance>> {
    let rows: Vec<(String, i64, i64)> =
        sqlx::query_as("SELECT gl_code, debit_fen, credit_fen FROM gl_balance ORDER BY gl_code")
            .fetch_all(pool)
            .await
            .map_err(backend)?;
    Ok(rows
        .into_iter()
        .map(|(gl_code, debit, credit)| GlBalance {
            gl_code,
            debit: Fen::new(debit),
            credit: Fen::new(credit),
        })
        .collect())
}

pub(crate) async fn gl_net_as_of(pool: &PgPool, gl_code: &str, as_of: Date) -> StoreResult<Fen> {
    let sum: i64 = sqlx::query_scalar(
        "SELECT COALESCE(SUM(CASE side WHEN 'D' THEN amount_fen ELSE -amount_fen END), 0)::BIGINT \
         FROM posting_line WHERE gl_code = $1 AND value_date <= $2::DATE",
    )
    .bind(gl_code)
    .bind(as_of.to_string())
    .fetch_one(pool)
    .await
    .map_err(backend)?;
    Ok(Fen::new(sum))
}

pub(crate) async fn member_movements(
    pool: &PgPool,
    member: MemberId,
    after: Option<MovementCursor>,
    limit: u32,
) -> StoreResult<MovementPage> {
    let limit = limit.clamp(1, MAX_PAGE);
    let (after_entry, after_line) = after.map_or((i64::MIN, 0), |c| (c.entry_id.0, c.line_no));
    let rows: Vec<MovementRow> = sqlx::query_as(
        "SELECT l.entry_id, l.line_no, e.business_type, l.value_date::TEXT, e.booked_at_us, l.side::TEXT, \
         l.amount_fen, e.memo FROM posting_line l JOIN journal_entry e ON e.entry_id = l.entry_id \
         WHERE l.member_id = $1 AND (l.entry_id > $2 OR (l.entry_id = $2 AND l.line_no > $3)) \
         ORDER BY l.entry_id, l.line_no LIMIT $4",
    )
    .bind(member.0)
    .bind(after_entry)
    .bind(after_line)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    movement_page(rows, limit)
}

pub(crate) async fn employer_movements(
    pool: &PgPool,
    employer_id: i64,
    limit: u32,
) -> StoreResult<Vec<Movement>> {
    let limit = limit.clamp(1, MAX_PAGE);
    let rows: Vec<MovementRow> = sqlx::query_as(
        "SELECT l.entry_id, l.line_no, e.business_type, l.value_date::TEXT, e.booked_at_us, l.side::TEXT, \
         l.amount_fen, e.memo FROM posting_line l JOIN journal_entry e ON e.entry_id = l.entry_id \
         WHERE l.employer_id = $1 ORDER BY l.entry_id DESC, l.line_no LIMIT $2",
    )
    .bind(employer_id)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    Ok(movement_page(rows, limit)?.items)
}
