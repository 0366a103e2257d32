//! Reads: balances, entries, movements.

use crate::post::member_state;
use crate::{backend, date};
use anju_domain::ledger::{EntryId, IdempotencyKey, MemberBalance, MemberId, NewEntry, Side};
use anju_domain::{Date, Fen};
use anju_store::rows::line_from;
use anju_store::{
    GlBalance, Movement, MovementCursor, MovementPage, StoreError, StoreResult, StoredEntry,
};
use sqlx::{PgPool, Row};

/// Largest page of movements one call returns.
pub const MAX_PAGE: u32 = 1_000;

pub(crate) async fn member_balance(
    pool: &PgPool,
    member: MemberId,
) -> StoreResult<Option<MemberBalance>> {
    let row = sqlx::query(
        "SELECT member_id, balance_fen, product_year, year_opening_fen, product_fen_days \
         FROM member_account WHERE member_id = $1",
    )
    .bind(member.0)
    .fetch_optional(pool)
    .await
    .map_err(backend)?;
    Ok(row.as_ref().map(member_state))
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
    let Some(head) = sqlx::query(
        "SELECT business_type, value_date::TEXT, booked_at_us, idempotency_key, memo, reverses_entry_id \
         FROM journal_entry WHERE entry_id = $1",
    )
    .bind(id.0)
    .fetch_optional(pool)
    .await
    .map_err(backend)?
    else {
        return Ok(None);
    };
    let rows = sqlx::query(
        "SELECT gl_code, member_id, employer_id, loan_id, side::TEXT, amount_fen FROM posting_line \
         WHERE entry_id = $1 ORDER BY line_no",
    )
    .bind(id.0)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    let mut lines = Vec::with_capacity(rows.len());
    for r in &rows {
        lines.push(line_from(
            r.get::<String, _>(0).as_str(),
            (r.get(1), r.get(2), r.get(3)),
            r.get::<String, _>(4).as_str(),
            r.get(5),
        )?);
    }
    let business_type: String = head.get(0);
    let key =
        IdempotencyKey::parse(head.get::<String, _>(3).as_str()).map_err(StoreError::Rejected)?;
    let mut entry = NewEntry::new(
        &business_type,
        date(head.get::<String, _>(1).as_str())?,
        key,
        head.get::<String, _>(4).as_str(),
        lines,
    )
    .map_err(|e| StoreError::Backend(format!("stored entry {} no longer valid: {e}", id.0)))?;
    entry.reverses = head.get::<Option<i64>, _>(5).map(EntryId);
    Ok(Some(StoredEntry {
        id,
        booked_at_us: head.get(2),
        entry,
    }))
}

pub(crate) async fn gl_balances(pool: &PgPool) -> StoreResult<Vec<GlBalance>> {
    let rows =
        sqlx::query("SELECT gl_code, debit_fen, credit_fen FROM gl_balance ORDER BY gl_code")
            .fetch_all(pool)
            .await
            .map_err(backend)?;
    Ok(rows
        .iter()
        .map(|r| GlBalance {
            gl_code: r.get(0),
            debit: Fen::new(r.get(1)),
            credit: Fen::new(r.get(2)),
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
    let rows = sqlx::query(
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
    let mut items = Vec::with_capacity(rows.len());
    for r in &rows {
        items.push(Movement {
            entry_id: EntryId(r.get(0)),
            line_no: r.get(1),
            business_type: r.get(2),
            value_date: date(r.get::<String, _>(3).as_str())?,
            booked_at_us: r.get(4),
            side: Side::parse(r.get::<String, _>(5).as_str()).map_err(StoreError::Rejected)?,
            amount: Fen::new(r.get(6)),
            memo: r.get(7),
        });
    }
    let next = if items.len() == limit as usize {
        items.last().map(Movement::cursor)
    } else {
        None
    };
    Ok(MovementPage { items, next })
}
