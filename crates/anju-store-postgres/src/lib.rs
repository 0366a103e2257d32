//! Anju on PostgreSQL (and Postgres-compatible engines). Bulk writes use `COPY`
//! inside the transaction; member balances are locked (`FOR UPDATE`, in id
//! order) for the length of a posting, and serialization failures and
//! deadlocks are retried a bounded number of times.

mod check;
mod copy;
mod post;
mod read;
mod schema;

use anju_store::{IdGen, StoreError, StoreResult};
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
anju_store::impl_collection_store!(PgStore, pool, pool, crate::backend, "::DATE");
anju_store::impl_case_store!(PgStore, pool, pool, crate::backend, "::DATE");
anju_store::impl_withdrawal_store!(
    PgStore,
    sqlx::Postgres,
    pool,
    pool,
    crate::backend,
    "::DATE",
    " FOR UPDATE"
);
anju_store::impl_loan_store!(
    PgStore,
    sqlx::Postgres,
    pool,
    pool,
    crate::backend,
    "::DATE"
);
anju_store::impl_interest_store!(PgStore, pool, pool, crate::backend, "::DATE");
anju_store::impl_fund_store!(
    PgStore,
    sqlx::Postgres,
    pool,
    pool,
    crate::backend,
    "::DATE"
);
anju_store::impl_batch_store!(
    PgStore,
    sqlx::Postgres,
    pool,
    pool,
    crate::backend,
    "::DATE"
);

anju_store::impl_store!(PgStore, Postgres, pool, pool);
