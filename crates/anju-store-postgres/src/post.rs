//! Writes: opening accounts and posting batches of entries.

use crate::copy::{EntryRow, copy_entries, copy_lines};
use crate::{PgStore, backend};
use anju_domain::Date;
use anju_domain::ledger::{EntryId, MemberBalance, MemberId, NewEntry};
use anju_store::plan::{
    BatchPlan, ExistingKey, check_reversal_targets, earliest_per_member, plan_batch,
    require_members,
};
use anju_store::rows::member_balance_from;
use anju_store::{PostOptions, Posted, StoreError, StoreResult, now_micros};
use sqlx::{PgConnection, Row};
use std::collections::HashMap;
use std::time::Duration;

/// From this many rows a batch goes through `COPY`; below it, one
/// `INSERT … SELECT FROM UNNEST` per table. COPY wins on volume, but each COPY
/// costs extra round trips (and, over TCP, can stall on delayed ACKs), which
/// dominate a one-entry posting.
const COPY_FROM_ROWS: usize = 1_000;

/// The posting port: ids, member accounts, entries and the benchmark baseline.
#[async_trait::async_trait]
impl anju_store::PostingStore for PgStore {
    fn reserve_ids(&self, count: i64) -> i64 {
        self.ids.reserve(count)
    }

    async fn open_member_accounts(&self, accounts: &[(MemberId, Date)]) -> StoreResult<()> {
        open_member_accounts(self, accounts).await
    }

    async fn post_entries(
        &self,
        entries: &[NewEntry],
        options: &PostOptions,
    ) -> StoreResult<Vec<Posted>> {
        post_entries(self, entries, options).await
    }

    async fn raw_insert_baseline(&self, batch: &[NewEntry]) -> StoreResult<u64> {
        raw_insert_baseline(self, batch).await
    }

    async fn drop_baseline(&self) -> StoreResult<()> {
        drop_baseline(self).await
    }
}

/// Attempts of one posting before a serialization failure is reported.
const MAX_ATTEMPTS: u32 = 8;
const BACKOFF_BASE: Duration = Duration::from_millis(2);

/// Classifies a write failure: retry, a business refusal, or a real failure.
pub(crate) fn write_error(e: sqlx::Error) -> StoreError {
    let Some(db) = e.as_database_error() else {
        return backend(e);
    };
    match (db.code().as_deref(), db.constraint()) {
        (Some("40001" | "40P01"), _) => StoreError::Retryable(db.message().to_string()),
        // Two postings raced on one key: the retry finds it and replays.
        (_, Some("journal_entry_idempotency_key")) => {
            StoreError::Retryable(db.message().to_string())
        }
        (_, Some("journal_entry_reverses")) => {
            StoreError::rejected("ENTRY_ALREADY_REVERSED", "该凭证已被冲正，不能重复冲正")
        }
        (_, Some("member_account_pkey")) => StoreError::rejected("MEMBER_EXISTS", "个人账户已存在"),
        _ => backend(e),
    }
}

async fn open_member_accounts(store: &PgStore, accounts: &[(MemberId, Date)]) -> StoreResult<()> {
    let ids: Vec<i64> = accounts.iter().map(|(m, _)| m.0).collect();
    let dates: Vec<String> = accounts.iter().map(|(_, d)| d.to_string()).collect();
    let years: Vec<i32> = accounts
        .iter()
        .map(|(_, d)| MemberBalance::opened(*d).year.end_year())
        .collect();
    sqlx::query(
        "INSERT INTO member_account (member_id, centre_code, opened_on, balance_fen, product_year, \
         year_opening_fen, product_fen_days) \
         SELECT id, $4, opened::date, 0, year, 0, 0 FROM UNNEST($1::bigint[], $2::text[], $3::int[]) \
         AS t (id, opened, year)",
    )
    .bind(&ids)
    .bind(&dates)
    .bind(&years)
    .bind(&store.centre_code)
    .execute(&store.pool)
    .await
    .map_err(write_error)?;
    Ok(())
}

async fn post_entries(
    store: &PgStore,
    entries: &[NewEntry],
    options: &PostOptions,
) -> StoreResult<Vec<Posted>> {
    let mut attempt = 0;
    loop {
        match try_post(store, entries, options).await {
            Err(StoreError::Retryable(_)) if attempt + 1 < MAX_ATTEMPTS => {
                attempt += 1;
                tokio::time::sleep(BACKOFF_BASE * 2u32.pow(attempt.min(6))).await;
            }
            other => return other,
        }
    }
}

async fn try_post(
    store: &PgStore,
    entries: &[NewEntry],
    options: &PostOptions,
) -> StoreResult<Vec<Posted>> {
    let mut tx = store.pool.begin().await.map_err(write_error)?;
    let existing = existing_keys(&mut tx, entries).await?;
    let plan = plan_batch(entries, &existing)?;
    let booked_at_us = now_micros();
    if plan.fresh.is_empty() {
        return Ok(plan.results(0, booked_at_us));
    }
    let targets = plan.reversal_targets();
    check_reversal_targets(&targets, &reversal_state(&mut tx, &targets).await?)?;
    let touched = plan.touched_members();
    let mut states = lock_members(&mut tx, &touched).await?;
    require_members(&touched, &states)?;
    plan.apply_members(&mut states, options.allow_negative_member_balance)?;
    let first_id = store
        .ids
        .reserve(i64::try_from(plan.fresh.len()).map_err(backend)?);
    let rows = entry_rows(&plan, first_id);
    if plan.line_count() >= COPY_FROM_ROWS {
        copy_entries(
            &mut tx,
            "journal_entry",
            &store.centre_code,
            booked_at_us,
            &rows,
        )
        .await?;
        copy_lines(&mut tx, "posting_line", &rows, options.fault).await?;
    } else {
        insert_entries(&mut tx, &store.centre_code, booked_at_us, &rows).await?;
        if options.fault.is_some() {
            return Err(StoreError::Fault("before the lines".into()));
        }
        insert_lines(&mut tx, &rows).await?;
    }
    if states.len() >= COPY_FROM_ROWS {
        stage_members(&mut tx, &states).await?;
    } else {
        update_members(&mut tx, &states).await?;
    }
    update_gl(&mut tx, &plan).await?;
    add_rechecks(&mut tx, &options.rechecks).await?;
    tx.commit().await.map_err(write_error)?;
    Ok(plan.results(first_id, booked_at_us))
}

fn entry_rows<'a>(plan: &'a BatchPlan<'a>, first_id: i64) -> Vec<EntryRow<'a>> {
    plan.fresh
        .iter()
        .zip(&plan.digests)
        .enumerate()
        .map(|(i, (entry, digest))| EntryRow {
            id: first_id + i as i64,
            entry,
            digest,
        })
        .collect()
}

async fn existing_keys(
    conn: &mut PgConnection,
    entries: &[NewEntry],
) -> StoreResult<HashMap<String, ExistingKey>> {
    let keys: Vec<&str> = entries.iter().map(|e| e.idempotency_key.as_str()).collect();
    let rows = sqlx::query(
        "SELECT idempotency_key, entry_id, booked_at_us, digest FROM journal_entry \
         WHERE idempotency_key = ANY($1)",
    )
    .bind(&keys)
    .fetch_all(&mut *conn)
    .await
    .map_err(write_error)?;
    Ok(rows
        .iter()
        .map(|r| {
            (
                r.get::<String, _>(0),
                ExistingKey {
                    entry_id: EntryId(r.get(1)),
                    booked_at_us: r.get(2),
                    digest: r.get(3),
                },
            )
        })
        .collect())
}

async fn reversal_state(
    conn: &mut PgConnection,
    targets: &[EntryId],
) -> StoreResult<HashMap<EntryId, bool>> {
    if targets.is_empty() {
        return Ok(HashMap::new());
    }
    let ids: Vec<i64> = targets.iter().map(|t| t.0).collect();
    let rows = sqlx::query(
        "SELECT e.entry_id, r.entry_id IS NOT NULL FROM journal_entry e \
         LEFT JOIN journal_entry r ON r.reverses_entry_id = e.entry_id WHERE e.entry_id = ANY($1)",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(write_error)?;
    Ok(rows.iter().map(|r| (EntryId(r.get(0)), r.get(1))).collect())
}

/// Reads and locks the members a batch touches, in id order so that two
/// batches cannot deadlock on each other's rows.
async fn lock_members(
    conn: &mut PgConnection,
    members: &[MemberId],
) -> StoreResult<HashMap<MemberId, MemberBalance>> {
    let ids: Vec<i64> = members.iter().map(|m| m.0).collect();
    let rows = sqlx::query(
        "SELECT member_id, balance_fen, product_year, year_opening_fen, product_fen_days \
         FROM member_account WHERE member_id = ANY($1) ORDER BY member_id FOR UPDATE",
    )
    .bind(&ids)
    .fetch_all(&mut *conn)
    .await
    .map_err(write_error)?;
    Ok(rows
        .iter()
        .map(|r| {
            let state = member_balance_from((r.get(1), r.get(2), r.get(3), r.get(4)));
            (MemberId(r.get(0)), state)
        })
        .collect())
}

/// Small batches: one UPDATE joined to the new states as arrays.
async fn update_members(
    conn: &mut PgConnection,
    states: &HashMap<MemberId, MemberBalance>,
) -> StoreResult<()> {
    let ids: Vec<i64> = states.keys().map(|m| m.0).collect();
    let balances: Vec<i64> = states.values().map(|s| s.balance.get()).collect();
    let years: Vec<i32> = states.values().map(|s| s.year.end_year()).collect();
    let openings: Vec<i64> = states.values().map(|s| s.year_opening.get()).collect();
    let products: Vec<i64> = states.values().map(|s| s.product_fen_days).collect();
    sqlx::query(
        "UPDATE member_account m SET balance_fen = s.balance_fen, product_year = s.product_year, \
         year_opening_fen = s.year_opening_fen, product_fen_days = s.product_fen_days \
         FROM UNNEST($1::bigint[], $2::bigint[], $3::int[], $4::bigint[], $5::bigint[]) \
         AS s (member_id, balance_fen, product_year, year_opening_fen, product_fen_days) \
         WHERE m.member_id = s.member_id",
    )
    .bind(&ids)
    .bind(&balances)
    .bind(&years)
    .bind(&openings)
    .bind(&products)
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// Small batches: the entry rows as arrays.
async fn insert_entries(
    conn: &mut PgConnection,
    centre_code: &str,
    booked_at_us: i64,
    rows: &[EntryRow<'_>],
) -> StoreResult<()> {
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    let types: Vec<&str> = rows.iter().map(|r| r.entry.business_type).collect();
    let dates: Vec<String> = rows
        .iter()
        .map(|r| r.entry.value_date.to_string())
        .collect();
    let keys: Vec<&str> = rows
        .iter()
        .map(|r| r.entry.idempotency_key.as_str())
        .collect();
    let digests: Vec<&str> = rows.iter().map(|r| r.digest).collect();
    let memos: Vec<&str> = rows.iter().map(|r| r.entry.memo.as_str()).collect();
    let reverses: Vec<Option<i64>> = rows.iter().map(|r| r.entry.reverses.map(|e| e.0)).collect();
    let counts: Vec<i32> = rows
        .iter()
        .map(|r| i32::try_from(r.entry.lines.len()).unwrap_or(i32::MAX))
        .collect();
    let totals: Vec<i64> = rows.iter().map(|r| r.entry.total_debit().get()).collect();
    sqlx::query(
        "INSERT INTO journal_entry (entry_id, centre_code, business_type, value_date, booked_at_us, \
         idempotency_key, digest, memo, reverses_entry_id, line_count, total_fen) \
         SELECT id, $10, bt, vd::date, $11, k, dg, memo, rev, n, total FROM UNNEST($1::bigint[], \
         $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::bigint[], $8::int[], $9::bigint[]) \
         AS t (id, bt, vd, k, dg, memo, rev, n, total)",
    )
    .bind(&ids)
    .bind(&types)
    .bind(&dates)
    .bind(&keys)
    .bind(&digests)
    .bind(&memos)
    .bind(&reverses)
    .bind(&counts)
    .bind(&totals)
    .bind(centre_code)
    .bind(booked_at_us)
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// Small batches: the line rows as arrays.
async fn insert_lines(conn: &mut PgConnection, rows: &[EntryRow<'_>]) -> StoreResult<()> {
    let mut ids = Vec::new();
    let mut numbers = Vec::new();
    let mut codes = Vec::new();
    let mut members = Vec::new();
    let mut employers = Vec::new();
    let mut loans = Vec::new();
    let mut sides = Vec::new();
    let mut amounts = Vec::new();
    let mut dates = Vec::new();
    for r in rows {
        for (n, line) in r.entry.lines.iter().enumerate() {
            let (member, employer, loan) = anju_store::rows::subledger_columns(line.subledger);
            ids.push(r.id);
            numbers.push(i32::try_from(n + 1).unwrap_or(i32::MAX));
            codes.push(line.gl_code.as_str());
            members.push(member);
            employers.push(employer);
            loans.push(loan);
            sides.push(line.side.as_str());
            amounts.push(line.amount.get());
            dates.push(r.entry.value_date.to_string());
        }
    }
    sqlx::query(
        "INSERT INTO posting_line (entry_id, line_no, gl_code, member_id, employer_id, loan_id, side, \
         amount_fen, value_date) SELECT id, n, gl, m, e, l, s, a, vd::date FROM UNNEST($1::bigint[], \
         $2::int[], $3::text[], $4::bigint[], $5::bigint[], $6::bigint[], $7::text[], $8::bigint[], \
         $9::text[]) AS t (id, n, gl, m, e, l, s, a, vd)",
    )
    .bind(&ids)
    .bind(&numbers)
    .bind(&codes)
    .bind(&members)
    .bind(&employers)
    .bind(&loans)
    .bind(&sides)
    .bind(&amounts)
    .bind(&dates)
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// Large batches: COPY the new member states into a session-temporary staging
/// table, then one set-based UPDATE.
async fn stage_members(
    conn: &mut PgConnection,
    states: &HashMap<MemberId, MemberBalance>,
) -> StoreResult<()> {
    sqlx::query(
        "CREATE TEMP TABLE IF NOT EXISTS member_stage (member_id BIGINT, balance_fen BIGINT, \
         product_year INTEGER, year_opening_fen BIGINT, product_fen_days BIGINT) ON COMMIT DELETE ROWS",
    )
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    let mut buf = String::with_capacity(states.len() * 48);
    for (m, s) in states {
        use std::fmt::Write as _;
        let _ = writeln!(
            buf,
            "{}\t{}\t{}\t{}\t{}",
            m.0,
            s.balance.get(),
            s.year.end_year(),
            s.year_opening.get(),
            s.product_fen_days
        );
    }
    let mut copy = conn
        .copy_in_raw("COPY member_stage FROM STDIN")
        .await
        .map_err(write_error)?;
    copy.send(buf.into_bytes()).await.map_err(backend)?;
    copy.finish().await.map_err(write_error)?;
    // The staging table has no statistics, and the planner then merge-joins
    // it against member_account's whole primary key up to the highest id
    // staged, so each call grows slower as ids grow (measured on the monthly
    // remittance run at 4.71M members: 92 s with, 69 s without). Index
    // lookups per staged row are what this statement wants; the settings are
    // put back for the rest of the transaction.
    for setting in [
        "SET LOCAL enable_mergejoin = off",
        "SET LOCAL enable_hashjoin = off",
    ] {
        sqlx::query(setting)
            .execute(&mut *conn)
            .await
            .map_err(write_error)?;
    }
    sqlx::query(
        "UPDATE member_account m SET balance_fen = s.balance_fen, product_year = s.product_year, \
         year_opening_fen = s.year_opening_fen, product_fen_days = s.product_fen_days \
         FROM member_stage s WHERE m.member_id = s.member_id",
    )
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    for setting in [
        "SET LOCAL enable_mergejoin = on",
        "SET LOCAL enable_hashjoin = on",
    ] {
        sqlx::query(setting)
            .execute(&mut *conn)
            .await
            .map_err(write_error)?;
    }
    Ok(())
}

async fn update_gl(conn: &mut PgConnection, plan: &BatchPlan<'_>) -> StoreResult<()> {
    let totals = plan.gl_totals()?;
    let codes: Vec<&str> = totals.keys().map(String::as_str).collect();
    let debits: Vec<i64> = totals.values().map(|(d, _)| d.get()).collect();
    let credits: Vec<i64> = totals.values().map(|(_, c)| c.get()).collect();
    sqlx::query(
        "INSERT INTO gl_balance (gl_code, debit_fen, credit_fen) \
         SELECT * FROM UNNEST($1::text[], $2::bigint[], $3::bigint[]) \
         ON CONFLICT (gl_code) DO UPDATE SET debit_fen = gl_balance.debit_fen + excluded.debit_fen, \
         credit_fen = gl_balance.credit_fen + excluded.credit_fen",
    )
    .bind(&codes)
    .bind(&debits)
    .bind(&credits)
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    update_gl_day(conn, plan).await
}

/// The day book (`gl_day`) that period statements read.
async fn update_gl_day(conn: &mut PgConnection, plan: &BatchPlan<'_>) -> StoreResult<()> {
    let totals = plan.gl_day_totals()?;
    let days: Vec<String> = totals.keys().map(|(d, _, _)| d.to_string()).collect();
    let codes: Vec<&str> = totals.keys().map(|(_, c, _)| c.as_str()).collect();
    let kinds: Vec<&str> = totals.keys().map(|(_, _, k)| *k).collect();
    let debits: Vec<i64> = totals.values().map(|(d, _)| d.get()).collect();
    let credits: Vec<i64> = totals.values().map(|(_, c)| c.get()).collect();
    sqlx::query(
        "INSERT INTO gl_day (value_date, gl_code, business_type, debit_fen, credit_fen) \
         SELECT d::date, c, k, dr, cr FROM UNNEST($1::text[], $2::text[], $3::text[], $4::bigint[], $5::bigint[]) \
         AS t(d, c, k, dr, cr) \
         ON CONFLICT (value_date, gl_code, business_type) DO UPDATE SET \
         debit_fen = gl_day.debit_fen + excluded.debit_fen, \
         credit_fen = gl_day.credit_fen + excluded.credit_fen",
    )
    .bind(&days)
    .bind(&codes)
    .bind(&kinds)
    .bind(&debits)
    .bind(&credits)
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// Interest rechecks for the posted accounts; an existing one keeps the earlier day.
async fn add_rechecks(conn: &mut PgConnection, rechecks: &[(MemberId, Date)]) -> StoreResult<()> {
    if rechecks.is_empty() {
        return Ok(());
    }
    let (members, days): (Vec<i64>, Vec<String>) = earliest_per_member(rechecks)
        .into_iter()
        .map(|(m, d)| (m.0, d.to_string()))
        .unzip();
    sqlx::query(
        "INSERT INTO interest_recheck (member_id, from_day) \
         SELECT m, d::date FROM UNNEST($1::bigint[], $2::text[]) AS r (m, d) \
         ON CONFLICT (member_id) DO UPDATE SET \
         from_day = LEAST(interest_recheck.from_day, excluded.from_day)",
    )
    .bind(&members)
    .bind(&days)
    .execute(&mut *conn)
    .await
    .map_err(write_error)?;
    Ok(())
}

/// Twin tables with the ledger's columns, keys and indexes, for the baseline.
const BASELINE_DDL: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS bench_journal_entry (LIKE journal_entry INCLUDING ALL)",
    "CREATE TABLE IF NOT EXISTS bench_posting_line (LIKE posting_line INCLUDING ALL)",
];

async fn raw_insert_baseline(store: &PgStore, batch: &[NewEntry]) -> StoreResult<u64> {
    let plan = plan_batch(batch, &HashMap::new())?;
    let first_id = store
        .ids
        .reserve(i64::try_from(plan.fresh.len()).map_err(backend)?);
    let rows = entry_rows(&plan, first_id);
    let mut tx = store.pool.begin().await.map_err(backend)?;
    for ddl in BASELINE_DDL {
        sqlx::query(*ddl).execute(&mut *tx).await.map_err(backend)?;
    }
    copy_entries(
        &mut tx,
        "bench_journal_entry",
        &store.centre_code,
        now_micros(),
        &rows,
    )
    .await?;
    copy_lines(&mut tx, "bench_posting_line", &rows, None).await?;
    tx.commit().await.map_err(backend)?;
    Ok((plan.fresh.len() + plan.line_count()) as u64)
}

async fn drop_baseline(store: &PgStore) -> StoreResult<()> {
    for table in [
        "DROP TABLE IF EXISTS bench_journal_entry",
        "DROP TABLE IF EXISTS bench_posting_line",
    ] {
        sqlx::query(table)
            .execute(&store.pool)
            .await
            .map_err(backend)?;
    }
    Ok(())
}
