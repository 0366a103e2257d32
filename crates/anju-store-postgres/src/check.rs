//! `anju check`: the invariants re-derived from the posting lines. The report
//! is assembled by `anju_store::rows::ledger_check_from`, shared with the other backend.

use crate::backend;
use anju_store::rows::{CheckTotalsRow, ledger_check_from};
use anju_store::{CHECK_SAMPLE, LedgerCheck, StoreResult};
use sqlx::PgPool;

pub(crate) async fn check_ledger(pool: &PgPool) -> StoreResult<LedgerCheck> {
    let totals: CheckTotalsRow = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM journal_entry), (SELECT COUNT(*) FROM posting_line), \
         (SELECT COALESCE(SUM(amount_fen), 0)::BIGINT FROM posting_line WHERE side = 'D'), \
         (SELECT COALESCE(SUM(amount_fen), 0)::BIGINT FROM posting_line WHERE side = 'C'), \
         (SELECT COALESCE(SUM(balance_fen), 0)::BIGINT FROM member_account), \
         (SELECT COALESCE(SUM(CASE side WHEN 'C' THEN amount_fen ELSE -amount_fen END), 0)::BIGINT \
            FROM posting_line WHERE gl_code = '201')",
    )
    .fetch_one(pool)
    .await
    .map_err(backend)?;
    let unbalanced: Vec<i64> = sqlx::query_scalar(
        "SELECT entry_id FROM posting_line GROUP BY entry_id \
         HAVING SUM(CASE side WHEN 'D' THEN amount_fen ELSE -amount_fen END) <> 0 \
         ORDER BY entry_id LIMIT $1",
    )
    .bind(CHECK_SAMPLE)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    let incomplete: Vec<i64> = sqlx::query_scalar(
        "SELECT e.entry_id FROM journal_entry e LEFT JOIN \
         (SELECT entry_id, COUNT(*) AS n FROM posting_line GROUP BY entry_id) l \
         ON l.entry_id = e.entry_id WHERE COALESCE(l.n, 0) <> e.line_count \
         ORDER BY e.entry_id LIMIT $1",
    )
    .bind(CHECK_SAMPLE)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    let gl_mismatches: Vec<(String, i64, i64)> = sqlx::query_as(
        "WITH l AS (SELECT gl_code, SUM(CASE side WHEN 'D' THEN amount_fen ELSE -amount_fen END)::BIGINT AS net \
         FROM posting_line GROUP BY gl_code), \
         g AS (SELECT gl_code, debit_fen - credit_fen AS net FROM gl_balance), \
         codes AS (SELECT gl_code FROM l UNION SELECT gl_code FROM g) \
         SELECT codes.gl_code, COALESCE(g.net, 0), COALESCE(l.net, 0) FROM codes \
         LEFT JOIN l ON l.gl_code = codes.gl_code LEFT JOIN g ON g.gl_code = codes.gl_code \
         WHERE COALESCE(g.net, 0) <> COALESCE(l.net, 0) ORDER BY codes.gl_code LIMIT $1",
    )
    .bind(CHECK_SAMPLE)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    let member_mismatches: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT m.member_id, m.balance_fen, COALESCE(l.net, 0) FROM member_account m LEFT JOIN \
         (SELECT member_id, SUM(CASE side WHEN 'C' THEN amount_fen ELSE -amount_fen END)::BIGINT AS net \
          FROM posting_line WHERE member_id IS NOT NULL GROUP BY member_id) l \
         ON l.member_id = m.member_id WHERE m.balance_fen <> COALESCE(l.net, 0) \
         ORDER BY m.member_id LIMIT $1",
    )
    .bind(CHECK_SAMPLE)
    .fetch_all(pool)
    .await
    .map_err(backend)?;
    Ok(ledger_check_from(
        totals,
        unbalanced,
        incomplete,
        gl_mismatches,
        member_mismatches,
    ))
}
