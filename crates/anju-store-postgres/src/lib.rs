//! Anju on PostgreSQL (and Postgres-compatible engines). Bulk writes use `COPY`
//! inside the transaction; member balances are locked (`FOR UPDATE`, in id
//! order) for the length of a posting, and serialization failures and
//! deadlocks are retried a bounded number of times.

mod check;
mod copy;
mod post;
mod read;

use anju_domain::ledger::{EntryId, MemberBalance, MemberId, NewEntry};
use anju_domain::{Date, Fen};
use anju_store::{
    Backend, GlBalance, IdGen, LedgerCheck, LogicalSchema, MovementCursor, MovementPage,
    PostOptions, Posted, Store, StoreError, StoreResult, StoredEntry,
};
use async_trait::async_trait;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool};
use std::str::FromStr;
use std::time::Duration;

const POOL_CONNECTIONS: u32 = 16;
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

pub struct PgStore {
    pool: PgPool,
    centre_code: String,
    ids: IdGen,
}

impl PgStore {
    /// Connects to `url` (`postgres://…`), migrates and returns a ready store.
    pub async fn open(url: &str, centre_code: &str) -> StoreResult<Self> {
        Self::open_in_schema(url, centre_code, None).await
    }

    /// As `open`, inside `schema` (created if missing): the contract tests give
    /// every case a schema of its own on one database.
    pub async fn open_in_schema(
        url: &str,
        centre_code: &str,
        schema: Option<&str>,
    ) -> StoreResult<Self> {
        let mut options = PgConnectOptions::from_str(url).map_err(backend)?;
        if let Some(schema) = schema {
            if !schema
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
            {
                return Err(StoreError::Backend(format!("bad schema name {schema}")));
            }
            let mut conn = sqlx::PgConnection::connect_with(&options)
                .await
                .map_err(backend)?;
            let ddl = format!("CREATE SCHEMA IF NOT EXISTS {schema}");
            sqlx::query(sqlx::AssertSqlSafe(ddl))
                .execute(&mut conn)
                .await
                .map_err(backend)?;
            conn.close().await.map_err(backend)?;
            options = options.options([("search_path", schema)]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(POOL_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations")
            .run(&pool)
            .await
            .map_err(backend)?;
        let highest: Option<i64> = sqlx::query_scalar("SELECT MAX(entry_id) FROM journal_entry")
            .fetch_one(&pool)
            .await
            .map_err(backend)?;
        Ok(PgStore {
            pool,
            centre_code: centre_code.to_string(),
            ids: IdGen::starting_after(highest.unwrap_or(0)),
        })
    }

    /// Drops a schema made by `open_in_schema` (benchmarks clean up with this).
    pub async fn drop_schema(&self, schema: &str) -> StoreResult<()> {
        if !schema
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(StoreError::Backend(format!("bad schema name {schema}")));
        }
        let ddl = format!("DROP SCHEMA IF EXISTS {schema} CASCADE");
        sqlx::query(sqlx::AssertSqlSafe(ddl))
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    pub fn pool_for_tests(&self) -> &PgPool {
        &self.pool
    }
}

pub(crate) fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

anju_store::impl_access_store!(PgStore, pool, pool, crate::backend);

#[async_trait]
impl Store for PgStore {
    fn reserve_ids(&self, count: i64) -> i64 {
        self.ids.reserve(count)
    }

    fn backend(&self) -> Backend {
        Backend::Postgres
    }

    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations")
            .run(&self.pool)
            .await
            .map_err(backend)
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.pool)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn open_member_accounts(&self, accounts: &[(MemberId, Date)]) -> StoreResult<()> {
        post::open_member_accounts(self, accounts).await
    }

    async fn member_balance(&self, member: MemberId) -> StoreResult<Option<MemberBalance>> {
        read::member_balance(&self.pool, member).await
    }

    async fn member_balance_as_of(&self, member: MemberId, date: Date) -> StoreResult<Fen> {
        read::member_balance_as_of(&self.pool, member, date).await
    }

    async fn post_entries(
        &self,
        entries: &[NewEntry],
        options: &PostOptions,
    ) -> StoreResult<Vec<Posted>> {
        post::post_entries(self, entries, options).await
    }

    async fn entry(&self, id: EntryId) -> StoreResult<Option<StoredEntry>> {
        read::entry(&self.pool, id).await
    }

    async fn gl_balances(&self) -> StoreResult<Vec<GlBalance>> {
        read::gl_balances(&self.pool).await
    }

    async fn gl_net_as_of(&self, gl_code: &str, date: Date) -> StoreResult<Fen> {
        read::gl_net_as_of(&self.pool, gl_code, date).await
    }

    async fn member_movements(
        &self,
        member: MemberId,
        after: Option<MovementCursor>,
        limit: u32,
    ) -> StoreResult<MovementPage> {
        read::member_movements(&self.pool, member, after, limit).await
    }

    async fn employer_movements(
        &self,
        employer_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<anju_store::Movement>> {
        read::employer_movements(&self.pool, employer_id, limit).await
    }

    async fn check_ledger(&self) -> StoreResult<LedgerCheck> {
        check::check_ledger(&self.pool).await
    }

    async fn raw_insert_baseline(&self, batch: &[NewEntry]) -> StoreResult<u64> {
        post::raw_insert_baseline(self, batch).await
    }

    async fn drop_baseline(&self) -> StoreResult<()> {
        post::drop_baseline(self).await
    }

    async fn logical_schema(&self) -> StoreResult<LogicalSchema> {
        check::logical_schema(&self.pool).await
    }
}
