//! Writes: opening accounts and posting batches of entries.

use crate::{SqliteStore, backend};
use anju_domain::Date;
use anju_domain::ledger::{EntryId, MemberBalance, MemberId, NewEntry};
use anju_store::plan::{
    BatchPlan, ExistingKey, check_reversal_targets, earliest_per_member, plan_batch,
    require_members,
};
use anju_store::rows::{member_balance_from, subledger_columns};
use anju_store::{
    Fault, PostOptions, Posted, ROWS_PER_STATEMENT, StoreError, StoreResult, now_micros,
};
use sqlx::{QueryBuilder, Row, Sqlite, SqliteConnection};
use std::collections::HashMap;

/// The posting port: ids, member accounts, entries and the benchmark baseline.
#[async_trait::async_trait]
impl anju_store::PostingStore for SqliteStore {
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

/// Ids per `IN (…)` list when reading back keys and member states.
const IDS_PER_LOOKUP: usize = 900;

async fn open_member_accounts(
    store: &SqliteStore,
    accounts: &[(MemberId, Date)],
) -> StoreResult<()> {
    let mut tx = store.writer.begin().await.map_err(backend)?;
    for chunk in accounts.chunks(ROWS_PER_STATEMENT) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO member_account (member_id, centre_code, opened_on, balance_fen, \
             product_year, year_opening_fen, product_fen_days) ",
        );
        q.push_values(chunk, |mut row, (member, opened_on)| {
            let state = MemberBalance::opened(*opened_on);
            row.push_bind(member.0)
                .push_bind(store.centre_code.as_str())
                .push_bind(opened_on.to_string())
                .push_bind(0i64)
                .push_bind(state.year.end_year())
                .push_bind(0i64)
                .push_bind(0i64);
        });
        q.build()
            .execute(&mut *tx)
            .await
            .map_err(|e| unique_violation(e, "member_account.member_id"))?;
    }
    tx.commit().await.map_err(backend)
}

async fn post_entries(
    store: &SqliteStore,
    entries: &[NewEntry],
    options: &PostOptions,
) -> StoreResult<Vec<Posted>> {
    let mut tx = store.writer.begin().await.map_err(backend)?;
    let existing = existing_keys(&mut tx, entries).await?;
    let plan = plan_batch(entries, &existing)?;
    let booked_at_us = now_micros();
    if plan.fresh.is_empty() {
        return Ok(plan.results(0, booked_at_us));
    }
    let targets = plan.reversal_targets();
    check_reversal_targets(&targets, &reversal_state(&mut tx, &targets).await?)?;
    let touched = plan.touched_members();
    let mut states = load_members(&mut tx, &touched).await?;
    require_members(&touched, &states)?;
    plan.apply_members(&mut states, options.allow_negative_member_balance)?;
    let first_id = store
        .ids
        .reserve(i64::try_from(plan.fresh.len()).map_err(backend)?);
    insert_entries(
        &mut tx,
        &store.centre_code,
        &plan,
        first_id,
        booked_at_us,
        "journal_entry",
    )
    .await?;
    insert_lines(&mut tx, &plan, first_id, "posting_line", options.fault).await?;
    update_members(&mut tx, &states).await?;
    update_gl(&mut tx, &plan).await?;
    add_rechecks(&mut tx, &options.rechecks).await?;
    tx.commit().await.map_err(backend)?;
    Ok(plan.results(first_id, booked_at_us))
}

async fn existing_keys(
    conn: &mut SqliteConnection,
    entries: &[NewEntry],
) -> StoreResult<HashMap<String, ExistingKey>> {
    let mut found = HashMap::new();
    for chunk in entries.chunks(IDS_PER_LOOKUP) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT idempotency_key, entry_id, booked_at_us, digest FROM journal_entry \
             WHERE idempotency_key IN (",
        );
        let mut list = q.separated(", ");
        for e in chunk {
            list.push_bind(e.idempotency_key.as_str());
        }
        q.push(")");
        for row in q.build().fetch_all(&mut *conn).await.map_err(backend)? {
            found.insert(
                row.get::<String, _>(0),
                ExistingKey {
                    entry_id: EntryId(row.get(1)),
                    booked_at_us: row.get(2),
                    digest: row.get(3),
                },
            );
        }
    }
    Ok(found)
}

/// For each target entry that exists: whether a reversal of it exists.
async fn reversal_state(
    conn: &mut SqliteConnection,
    targets: &[EntryId],
) -> StoreResult<HashMap<EntryId, bool>> {
    let mut found = HashMap::new();
    for chunk in targets.chunks(IDS_PER_LOOKUP) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT e.entry_id, r.entry_id IS NOT NULL FROM journal_entry e \
             LEFT JOIN journal_entry r ON r.reverses_entry_id = e.entry_id WHERE e.entry_id IN (",
        );
        let mut list = q.separated(", ");
        for t in chunk {
            list.push_bind(t.0);
        }
        q.push(")");
        for row in q.build().fetch_all(&mut *conn).await.map_err(backend)? {
            found.insert(EntryId(row.get(0)), row.get::<bool, _>(1));
        }
    }
    Ok(found)
}

async fn load_members(
    conn: &mut SqliteConnection,
    members: &[MemberId],
) -> StoreResult<HashMap<MemberId, MemberBalance>> {
    let mut states = HashMap::with_capacity(members.len());
    for chunk in members.chunks(IDS_PER_LOOKUP) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "SELECT member_id, balance_fen, product_year, year_opening_fen, product_fen_days \
             FROM member_account WHERE member_id IN (",
        );
        let mut list = q.separated(", ");
        for m in chunk {
            list.push_bind(m.0);
        }
        q.push(")");
        for row in q.build().fetch_all(&mut *conn).await.map_err(backend)? {
            let state = member_balance_from((row.get(1), row.get(2), row.get(3), row.get(4)));
            states.insert(MemberId(row.get(0)), state);
        }
    }
    Ok(states)
}

async fn insert_entries(
    conn: &mut SqliteConnection,
    centre_code: &str,
    plan: &BatchPlan<'_>,
    first_id: i64,
    booked_at_us: i64,
    table: &str,
) -> StoreResult<()> {
    let numbered: Vec<(i64, &NewEntry, &str)> = plan
        .fresh
        .iter()
        .zip(&plan.digests)
        .enumerate()
        .map(|(i, (e, digest))| (first_id + i as i64, *e, digest.as_str()))
        .collect();
    for chunk in numbered.chunks(ROWS_PER_STATEMENT) {
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "INSERT INTO {table} (entry_id, centre_code, business_type, value_date, booked_at_us, \
             idempotency_key, digest, memo, reverses_entry_id, line_count, total_fen) "
        ));
        q.push_values(chunk, |mut row, (id, e, digest)| {
            row.push_bind(*id)
                .push_bind(centre_code)
                .push_bind(e.business_type)
                .push_bind(e.value_date.to_string())
                .push_bind(booked_at_us)
                .push_bind(e.idempotency_key.as_str())
                .push_bind(*digest)
                .push_bind(e.memo.as_str())
                .push_bind(e.reverses.map(|r| r.0))
                .push_bind(e.lines.len() as i64)
                .push_bind(e.total_debit().get());
        });
        q.build()
            .execute(&mut *conn)
            .await
            .map_err(|e| unique_violation(e, "reverses_entry_id"))?;
    }
    Ok(())
}

/// One line row: (entry id, line no, entry).
type LineRow<'a> = (i64, i64, &'a anju_domain::ledger::Line, &'a NewEntry);

async fn insert_lines(
    conn: &mut SqliteConnection,
    plan: &BatchPlan<'_>,
    first_id: i64,
    table: &str,
    fault: Option<Fault>,
) -> StoreResult<()> {
    let rows: Vec<LineRow<'_>> = plan
        .fresh
        .iter()
        .enumerate()
        .flat_map(|(i, e)| {
            e.lines
                .iter()
                .enumerate()
                .map(move |(n, l)| (first_id + i as i64, n as i64 + 1, l, *e))
        })
        .collect();
    for (chunk_no, chunk) in rows.chunks(ROWS_PER_STATEMENT).enumerate() {
        if fault == Some(Fault::AfterLineChunks(chunk_no)) {
            return Err(StoreError::Fault(format!("after {chunk_no} line chunks")));
        }
        let mut q = QueryBuilder::<Sqlite>::new(format!(
            "INSERT INTO {table} (entry_id, line_no, gl_code, member_id, employer_id, loan_id, \
             side, amount_fen, value_date) "
        ));
        q.push_values(chunk, |mut row, (id, n, line, entry)| {
            let (member, employer, loan) = subledger_columns(line.subledger);
            row.push_bind(*id)
                .push_bind(*n)
                .push_bind(line.gl_code.as_str())
                .push_bind(member)
                .push_bind(employer)
                .push_bind(loan)
                .push_bind(line.side.as_str())
                .push_bind(line.amount.get())
                .push_bind(entry.value_date.to_string());
        });
        q.build().execute(&mut *conn).await.map_err(backend)?;
    }
    Ok(())
}

async fn update_members(
    conn: &mut SqliteConnection,
    states: &HashMap<MemberId, MemberBalance>,
) -> StoreResult<()> {
    let rows: Vec<(&MemberId, &MemberBalance)> = states.iter().collect();
    for chunk in rows.chunks(ROWS_PER_STATEMENT) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "WITH v (member_id, balance_fen, product_year, year_opening_fen, product_fen_days) AS (",
        );
        q.push_values(chunk, |mut row, (m, s)| {
            row.push_bind(m.0)
                .push_bind(s.balance.get())
                .push_bind(s.year.end_year())
                .push_bind(s.year_opening.get())
                .push_bind(s.product_fen_days);
        });
        q.push(
            ") UPDATE member_account SET balance_fen = v.balance_fen, product_year = v.product_year, \
             year_opening_fen = v.year_opening_fen, product_fen_days = v.product_fen_days \
             FROM v WHERE member_account.member_id = v.member_id",
        );
        q.build().execute(&mut *conn).await.map_err(backend)?;
    }
    Ok(())
}

/// Interest rechecks for the posted accounts; an existing one keeps the
/// earlier day (ISO dates compare as text).
async fn add_rechecks(
    conn: &mut SqliteConnection,
    rechecks: &[(MemberId, Date)],
) -> StoreResult<()> {
    let rechecks = earliest_per_member(rechecks);
    for chunk in rechecks.chunks(ROWS_PER_STATEMENT) {
        let mut q =
            QueryBuilder::<Sqlite>::new("INSERT INTO interest_recheck (member_id, from_day) ");
        q.push_values(chunk, |mut row, (member, day)| {
            row.push_bind(member.0).push_bind(day.to_string());
        });
        q.push(
            " ON CONFLICT (member_id) DO UPDATE SET \
             from_day = MIN(interest_recheck.from_day, excluded.from_day)",
        );
        q.build().execute(&mut *conn).await.map_err(backend)?;
    }
    Ok(())
}

async fn update_gl(conn: &mut SqliteConnection, plan: &BatchPlan<'_>) -> StoreResult<()> {
    let totals = plan.gl_totals()?;
    let mut q =
        QueryBuilder::<Sqlite>::new("INSERT INTO gl_balance (gl_code, debit_fen, credit_fen) ");
    q.push_values(totals.iter(), |mut row, (code, (debit, credit))| {
        row.push_bind(code.as_str())
            .push_bind(debit.get())
            .push_bind(credit.get());
    });
    q.push(
        " ON CONFLICT (gl_code) DO UPDATE SET debit_fen = gl_balance.debit_fen + excluded.debit_fen, \
         credit_fen = gl_balance.credit_fen + excluded.credit_fen",
    );
    q.build().execute(&mut *conn).await.map_err(backend)?;
    update_gl_day(conn, plan).await
}

/// The day book (`gl_day`) that period statements read.
async fn update_gl_day(conn: &mut SqliteConnection, plan: &BatchPlan<'_>) -> StoreResult<()> {
    let totals: Vec<_> = plan.gl_day_totals()?.into_iter().collect();
    for chunk in totals.chunks(ROWS_PER_STATEMENT) {
        let mut q = QueryBuilder::<Sqlite>::new(
            "INSERT INTO gl_day (value_date, gl_code, business_type, debit_fen, credit_fen) ",
        );
        q.push_values(chunk, |mut row, ((day, code, kind), (debit, credit))| {
            row.push_bind(day.to_string())
                .push_bind(code.as_str())
                .push_bind(*kind)
                .push_bind(debit.get())
                .push_bind(credit.get());
        });
        q.push(
            " ON CONFLICT (value_date, gl_code, business_type) DO UPDATE SET \
             debit_fen = gl_day.debit_fen + excluded.debit_fen, \
             credit_fen = gl_day.credit_fen + excluded.credit_fen",
        );
        q.build().execute(&mut *conn).await.map_err(backend)?;
    }
    Ok(())
}

/// Maps a unique violation on `column` to its business refusal; anything
/// else stays a storage failure. (SQLite names the column in the message.)
fn unique_violation(e: sqlx::Error, column: &str) -> StoreError {
    let hit = e
        .as_database_error()
        .is_some_and(|d| d.is_unique_violation() && d.message().contains(column));
    match column {
        _ if !hit => backend(e),
        "reverses_entry_id" => {
            StoreError::rejected("ENTRY_ALREADY_REVERSED", "该凭证已被冲正，不能重复冲正")
        }
        _ => StoreError::rejected("MEMBER_EXISTS", "个人账户已存在"),
    }
}

/// Twin tables with the same columns and indexes as the ledger's, for the baseline.
const BASELINE_DDL: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS bench_journal_entry AS SELECT * FROM journal_entry WHERE 0",
    "CREATE UNIQUE INDEX IF NOT EXISTS bench_journal_entry_pk ON bench_journal_entry (entry_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS bench_journal_entry_key ON bench_journal_entry (idempotency_key)",
    "CREATE UNIQUE INDEX IF NOT EXISTS bench_journal_entry_reverses ON bench_journal_entry (reverses_entry_id)",
    "CREATE TABLE IF NOT EXISTS bench_posting_line AS SELECT * FROM posting_line WHERE 0",
    "CREATE UNIQUE INDEX IF NOT EXISTS bench_posting_line_pk ON bench_posting_line (entry_id, line_no)",
    "CREATE INDEX IF NOT EXISTS bench_posting_line_member ON bench_posting_line (member_id, entry_id, line_no) \
     WHERE member_id IS NOT NULL",
];

async fn raw_insert_baseline(store: &SqliteStore, batch: &[NewEntry]) -> StoreResult<u64> {
    let plan = plan_batch(batch, &HashMap::new())?;
    let first_id = store
        .ids
        .reserve(i64::try_from(plan.fresh.len()).map_err(backend)?);
    let mut tx = store.writer.begin().await.map_err(backend)?;
    for ddl in BASELINE_DDL {
        sqlx::query(*ddl).execute(&mut *tx).await.map_err(backend)?;
    }
    insert_entries(
        &mut tx,
        &store.centre_code,
        &plan,
        first_id,
        now_micros(),
        "bench_journal_entry",
    )
    .await?;
    insert_lines(&mut tx, &plan, first_id, "bench_posting_line", None).await?;
    tx.commit().await.map_err(backend)?;
    Ok((plan.fresh.len() + plan.line_count()) as u64)
}

async fn drop_baseline(store: &SqliteStore) -> StoreResult<()> {
    for table in [
        "DROP TABLE IF EXISTS bench_journal_entry",
        "DROP TABLE IF EXISTS bench_posting_line",
    ] {
        sqlx::query(table)
            .execute(&store.writer)
            .await
            .map_err(backend)?;
    }
    Ok(())
}
