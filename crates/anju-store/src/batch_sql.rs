//! Bulk reads and writes for batch jobs (the synthetic seed and the month's
//! remittance run): many employers or bills per statement, and rosters read a
//! page of employers at a time, so a job at Suzhou scale (197k employers,
//! 4.71M members) makes thousands of round trips, not millions. Generic over
//! the [`Dialect`](crate::sql::Dialect) like `collection_sql`.

use crate::StoreResult;
use crate::collection::{BillLineRecord, BillPayment, BillRecord, EmployerRecord};
use crate::rows::Stored;
use anju_domain::{Fen, RatePpm};
use async_trait::async_trait;

/// A member as the bill needs them: no name or ID number, so a page of a
/// large employer's roster stays small in memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BillableRow {
    pub employer_id: i64,
    pub member_id: i64,
    pub wage_fen: Fen,
    pub employer_rate_ppm: Option<RatePpm>,
    pub member_rate_ppm: Option<RatePpm>,
}

/// A bill with its lines, as a batch saves them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewBill {
    pub bill: BillRecord,
    pub lines: Vec<BillLineRecord>,
}

#[async_trait]
pub trait BatchStore: Send + Sync {
    /// Registers employers in one transaction: all or nothing
    /// (`EMPLOYER_EXISTS` when a credit code is already registered).
    async fn register_employers(&self, employers: &[EmployerRecord]) -> StoreResult<()>;

    /// Active employers with an id above `after`, ascending, at most `limit`.
    async fn active_employers_after(
        &self,
        after: i64,
        limit: u32,
    ) -> StoreResult<Vec<EmployerRecord>>;

    /// Active members of the employers with ids in `first..=last`, by
    /// (employer, member).
    async fn billable_members_between(
        &self,
        first_employer: i64,
        last_employer: i64,
    ) -> StoreResult<Vec<BillableRow>>;

    /// Bills for `period` (yyyymm) of the employers with ids in `first..=last`.
    async fn bills_between(
        &self,
        first_employer: i64,
        last_employer: i64,
        period: i32,
    ) -> StoreResult<Vec<BillRecord>>;

    /// Saves bills and their lines in one transaction: all or nothing
    /// (`BILL_EXISTS` when an employer already has the month's bill).
    async fn save_bills(&self, bills: &[NewBill]) -> StoreResult<()>;

    /// Marks the open ones of these bills paid, in one transaction; returns
    /// how many were open.
    async fn mark_bills_paid(&self, payments: &[(i64, BillPayment)]) -> StoreResult<u64>;

    /// Benchmark baseline: inserts the rows `save_bills` would write into twin
    /// tables with the same keys and indexes (created on first use), in one
    /// transaction, with no checks. Returns the rows inserted.
    async fn raw_insert_bills_baseline(&self, bills: &[NewBill]) -> StoreResult<u64>;

    /// Drops the bill baseline's twin tables.
    async fn drop_bills_baseline(&self) -> StoreResult<()>;

    /// Member accounts with an id above `after`, ascending, at most `limit`,
    /// with their kept state (balance, year, brought forward, balance-days).
    async fn member_states_after(
        &self,
        after: i64,
        limit: u32,
    ) -> StoreResult<
        Vec<(
            anju_domain::ledger::MemberId,
            anju_domain::ledger::MemberBalance,
        )>,
    >;

    /// Those of `keys` already used by a posted entry.
    async fn posted_keys(&self, keys: &[String]) -> StoreResult<Vec<String>>;
}

pub type BillableTuple = (i64, i64, i64, Option<i64>, Option<i64>);

pub fn billable_from(r: BillableTuple) -> StoreResult<BillableRow> {
    Ok(BillableRow {
        employer_id: r.0,
        member_id: r.1,
        wage_fen: Fen::new(r.2),
        employer_rate_ppm: crate::rows::cooked("member", "employer_rate_ppm", r.3)?,
        member_rate_ppm: crate::rows::cooked("member", "member_rate_ppm", r.4)?,
    })
}

/// Twin tables for the bill baseline; `WHERE 1 = 0` copies the columns on
/// both engines.
pub const BILL_BASELINE_DDL: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS bench_remittance_bill AS SELECT * FROM remittance_bill WHERE 1 = 0",
    "CREATE UNIQUE INDEX IF NOT EXISTS bench_remittance_bill_pk ON bench_remittance_bill (bill_id)",
    "CREATE UNIQUE INDEX IF NOT EXISTS bench_remittance_bill_employer_period \
     ON bench_remittance_bill (employer_id, period)",
    "CREATE INDEX IF NOT EXISTS bench_remittance_bill_open ON bench_remittance_bill (status, due_date)",
    "CREATE TABLE IF NOT EXISTS bench_remittance_bill_line AS SELECT * FROM remittance_bill_line WHERE 1 = 0",
    "CREATE UNIQUE INDEX IF NOT EXISTS bench_remittance_bill_line_pk \
     ON bench_remittance_bill_line (bill_id, line_no)",
];

/// Bills per multi-row statement: 10 columns keeps SQLite under its bound
/// parameters.
pub const BILLS_PER_STATEMENT: usize = 1_000;

/// Steps several methods share, generic over the dialect like the impls.
struct BatchSteps<S>(std::marker::PhantomData<S>);

impl<S: crate::sql::Dialect> BatchSteps<S>
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
    async fn insert_bills(
        tx: &mut sqlx::Transaction<'_, S::Db>,
        bills: &[crate::NewBill],
        bill_table: &str,
        line_table: &str,
    ) -> crate::StoreResult<u64> {
        let mut rows = 0u64;
        for chunk in bills.chunks(crate::batch_sql::BILLS_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::new(format!(
                "INSERT INTO {bill_table} (bill_id, employer_id, period, due_date, status, total_fen, \
                 line_count, created_at_us, paid_entry_id, paid_on) "
            ));
            q.push_values(chunk, |mut row, nb| {
                let b = &nb.bill;
                row.push_bind(b.bill_id)
                    .push_bind(b.employer_id)
                    .push_bind(b.period)
                    .push_bind(S::day(b.due_date))
                    .push_bind(b.status.code())
                    .push_bind(b.total_fen.raw())
                    .push_bind(b.line_count)
                    .push_bind(b.created_at_us)
                    .push_bind(None::<i64>)
                    .push_bind(None::<S::Date>);
            });
            q.build()
                .execute(&mut **tx)
                .await
                .map_err(crate::sql::unique_or_backend(
                    "BILL_EXISTS",
                    "本月汇缴清册已生成",
                ))?;
            rows += chunk.len() as u64;
        }
        let lines: Vec<(i64, &crate::BillLineRecord)> = bills
            .iter()
            .flat_map(|nb| nb.lines.iter().map(move |l| (nb.bill.bill_id, l)))
            .collect();
        for chunk in lines.chunks(crate::ROWS_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::new(format!(
                "INSERT INTO {line_table} (bill_id, line_no, member_id, base_fen, employer_fen, member_fen) "
            ));
            q.push_values(chunk, |mut row, (bill_id, l)| {
                row.push_bind(*bill_id)
                    .push_bind(l.line_no)
                    .push_bind(l.member_id)
                    .push_bind(l.base_fen.raw())
                    .push_bind(l.employer_fen.raw())
                    .push_bind(l.member_fen.raw());
            });
            q.build()
                .execute(&mut **tx)
                .await
                .map_err(crate::sql::backend)?;
            rows += chunk.len() as u64;
        }
        Ok(rows)
    }
}

#[async_trait::async_trait]
impl<S: crate::sql::Dialect> crate::BatchStore for S
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
    async fn register_employers(
        &self,
        employers: &[crate::EmployerRecord],
    ) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        for chunk in employers.chunks(crate::batch_sql::BILLS_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::new(
                "INSERT INTO employer (employer_id, centre_code, uscc, name, pay_day, employer_rate_ppm, \
                 member_rate_ppm, status, opened_at_us) ",
            );
            q.push_values(chunk, |mut row, e| {
                row.push_bind(e.employer_id)
                    .push_bind(self.centre_code())
                    .push_bind(&e.uscc)
                    .push_bind(&e.name)
                    .push_bind(e.pay_day)
                    .push_bind(e.employer_rate_ppm.raw())
                    .push_bind(e.member_rate_ppm.raw())
                    .push_bind(e.status.code())
                    .push_bind(e.opened_at_us);
            });
            q.build()
                .execute(&mut *tx)
                .await
                .map_err(crate::sql::unique_or_backend(
                    "EMPLOYER_EXISTS",
                    "统一社会信用代码已登记",
                ))?;
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn active_employers_after(
        &self,
        after: i64,
        limit: u32,
    ) -> crate::StoreResult<Vec<crate::EmployerRecord>> {
        // Every contributing employer: 正常, 开户 and 缓缴 (a deferred
        // month is billed with its later due date).
        let rows: Vec<crate::collection_sql::EmployerRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::employer_columns!(),
            " FROM employer WHERE employer_id > $1 AND status IN ",
            crate::contributing_statuses!(),
            " ORDER BY employer_id LIMIT $2"
        ))
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::collection_sql::employer_from)
            .collect()
    }

    async fn billable_members_between(
        &self,
        first_employer: i64,
        last_employer: i64,
    ) -> crate::StoreResult<Vec<crate::BillableRow>> {
        let rows: Vec<crate::batch_sql::BillableTuple> = sqlx::query_as(
            "SELECT employer_id, member_id, wage_fen, employer_rate_ppm, member_rate_ppm FROM member \
             WHERE employer_id >= $1 AND employer_id <= $2 AND status = '01' \
             ORDER BY employer_id, member_id",
        )
        .bind(first_employer)
        .bind(last_employer)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::batch_sql::billable_from)
            .collect()
    }

    async fn bills_between(
        &self,
        first_employer: i64,
        last_employer: i64,
        period: i32,
    ) -> crate::StoreResult<Vec<crate::BillRecord>> {
        // Readers see every committed run, and stay off the writer
        // while a run plans its next page.
        // The month's live monthly bills only: a back payment (kind 02)
        // or a reversed bill does not stand for the month.
        let rows: Vec<crate::collection_sql::BillRow> = sqlx::query_as(concat!(
            "SELECT ",
            crate::bill_columns!(),
            " FROM remittance_bill WHERE employer_id >= $1 AND employer_id <= $2 AND period = $3 \
             AND kind = '01' AND reversal_entry_id IS NULL ORDER BY employer_id"
        ))
        .bind(first_employer)
        .bind(last_employer)
        .bind(period)
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        rows.into_iter()
            .map(crate::collection_sql::bill_from)
            .collect()
    }

    async fn save_bills(&self, bills: &[crate::NewBill]) -> crate::StoreResult<()> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        BatchSteps::<S>::insert_bills(&mut tx, bills, "remittance_bill", "remittance_bill_line")
            .await?;
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(())
    }

    async fn mark_bills_paid(
        &self,
        payments: &[(i64, crate::BillPayment)],
    ) -> crate::StoreResult<u64> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        let mut done = 0u64;
        for chunk in payments.chunks(crate::batch_sql::BILLS_PER_STATEMENT) {
            let mut q = sqlx::QueryBuilder::new(
                "WITH v (bill_id, entry_id, paid_on, channel, reference, paid_via) AS (",
            );
            q.push_values(chunk, |mut row, (bill_id, p)| {
                row.push_bind(*bill_id)
                    .push_bind(p.entry_id)
                    .push_bind(S::day(p.paid_on))
                    .push_bind(&p.channel)
                    .push_bind(&p.reference)
                    .push_bind(p.paid_via.code());
            });
            q.push(
                ") UPDATE remittance_bill SET status = 'paid', paid_entry_id = v.entry_id, \
                 paid_on = v.paid_on, payment_channel = v.channel, payment_reference = v.reference, \
                 paid_via = v.paid_via \
                 FROM v WHERE remittance_bill.bill_id = v.bill_id AND remittance_bill.status = 'open'",
            );
            let paid = q
                .build()
                .execute(&mut *tx)
                .await
                .map_err(crate::sql::backend)?;
            done += S::affected(&paid);
            let mut q = sqlx::QueryBuilder::new("WITH v (bill_id, paid_on, year) AS (");
            q.push_values(chunk, |mut row, (bill_id, p)| {
                row.push_bind(*bill_id)
                    .push_bind(S::day(p.paid_on))
                    .push_bind(p.paid_on.year());
            });
            q.push(concat!(") ", crate::record_contributors!()));
            q.build()
                .execute(&mut *tx)
                .await
                .map_err(crate::sql::backend)?;
        }
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(done)
    }

    async fn member_states_after(
        &self,
        after: i64,
        limit: u32,
    ) -> crate::StoreResult<
        Vec<(
            anju_domain::ledger::MemberId,
            anju_domain::ledger::MemberBalance,
        )>,
    > {
        let rows: Vec<(i64, i64, i32, i64, i64)> = sqlx::query_as(
            "SELECT member_id, balance_fen, product_year, year_opening_fen, product_fen_days \
             FROM member_account WHERE member_id > $1 ORDER BY member_id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(self.reader())
        .await
        .map_err(crate::sql::backend)?;
        Ok(rows
            .into_iter()
            .map(|(id, balance, year, opening, product)| {
                (
                    anju_domain::ledger::MemberId(id),
                    crate::rows::member_balance_from((balance, year, opening, product)),
                )
            })
            .collect())
    }

    async fn posted_keys(&self, keys: &[String]) -> crate::StoreResult<Vec<String>> {
        let rows: Vec<(String,)> = crate::sql::rows_in::<S, _, _>(
            self.writer(),
            "SELECT idempotency_key FROM journal_entry WHERE idempotency_key IN (",
            keys,
            ")",
        )
        .await?;
        Ok(rows.into_iter().map(|(k,)| k).collect())
    }

    async fn raw_insert_bills_baseline(&self, bills: &[crate::NewBill]) -> crate::StoreResult<u64> {
        let mut tx = self.writer().begin().await.map_err(crate::sql::backend)?;
        for ddl in crate::batch_sql::BILL_BASELINE_DDL {
            sqlx::query(*ddl)
                .execute(&mut *tx)
                .await
                .map_err(crate::sql::backend)?;
        }
        let rows = BatchSteps::<S>::insert_bills(
            &mut tx,
            bills,
            "bench_remittance_bill",
            "bench_remittance_bill_line",
        )
        .await?;
        tx.commit().await.map_err(crate::sql::backend)?;
        Ok(rows)
    }

    async fn drop_bills_baseline(&self) -> crate::StoreResult<()> {
        for ddl in [
            "DROP TABLE IF EXISTS bench_remittance_bill",
            "DROP TABLE IF EXISTS bench_remittance_bill_line",
        ] {
            sqlx::query(ddl)
                .execute(self.writer())
                .await
                .map_err(crate::sql::backend)?;
        }
        Ok(())
    }
}
