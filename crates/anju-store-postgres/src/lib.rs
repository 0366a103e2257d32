//! Anju on PostgreSQL (and Postgres-compatible engines). Bulk writes use `COPY`
//! inside the transaction; member balances are locked (`FOR UPDATE`, in id
//! order) for the length of a posting, and serialization failures and
//! deadlocks are retried a bounded number of times.

pub mod backup;
mod copy;
mod date;
mod post;
mod schema;

/// The keys `open` seals personal data under.
pub use anju_store::PersonalSeal;
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
    /// A hot standby (read-only, in recovery) when opened.
    standby: bool,
    seal: anju_store::PersonalSeal,
}

impl PgStore {
    /// Connects to `url` (`postgres://…`), migrates and returns a ready store.
    /// Opens (and migrates) the primary. A hot standby is refused: writes
    /// would fail one by one, so a server or job aimed at a standby that was
    /// never promoted stops here instead.
    pub async fn open(
        url: &str,
        centre_code: &str,
        seal: anju_store::PersonalSeal,
    ) -> StoreResult<Self> {
        let store = Self::open_in_schema(url, centre_code, None, seal).await?;
        if store.standby {
            store.close().await;
            return Err(StoreError::Backend(
                "the database is a hot standby (in recovery): promote it, or point the URL at the primary"
                    .to_string(),
            ));
        }
        Ok(store)
    }

    /// Opens a database only to read it (checks, reports): a hot standby as
    /// it stands, its schema checked against this build's, not migrated.
    pub async fn open_read_only(
        url: &str,
        centre_code: &str,
        seal: anju_store::PersonalSeal,
    ) -> StoreResult<Self> {
        Self::open_in_schema(url, centre_code, None, seal).await
    }

    /// As `open`, inside `schema` (created if missing): the contract tests give
    /// every case a schema of its own on one database.
    pub async fn open_in_schema(
        url: &str,
        centre_code: &str,
        schema: Option<&str>,
        seal: anju_store::PersonalSeal,
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
        // A hot standby is read-only and takes its schema from the primary:
        // it is checked, not migrated, so reports and checks can run on it.
        let standby: bool = sqlx::query_scalar("SELECT pg_is_in_recovery()")
            .fetch_one(&pool)
            .await
            .map_err(backend)?;
        if standby {
            schema_is_current(&pool).await?;
        } else {
            sqlx::migrate!("./migrations")
                .run(&pool)
                .await
                .map_err(backend)?;
        }
        let highest: Option<i64> = sqlx::query_scalar("SELECT MAX(entry_id) FROM journal_entry")
            .fetch_one(&pool)
            .await
            .map_err(backend)?;
        let store = PgStore {
            pool,
            centre_code: centre_code.to_string(),
            ids: IdGen::starting_after(highest.unwrap_or(0)),
            standby,
            seal,
        };
        // A standby is sealed by its primary: it only checks it holds the key.
        if standby {
            anju_store::seal_sql::check_standby(&store).await?;
        } else {
            anju_store::seal_sql::seal_personal_data(&store).await?;
        }
        Ok(store)
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

/// A standby serves this build only when the primary has been migrated to
/// exactly this build's schema.
async fn schema_is_current(pool: &PgPool) -> StoreResult<()> {
    let applied: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
        .fetch_one(pool)
        .await
        .map_err(|e| {
            StoreError::Backend(format!(
                "a standby with no schema yet: migrate the primary first ({e})"
            ))
        })?;
    let latest = PgStore::latest_migration();
    match applied {
        Some(version) if version == latest => Ok(()),
        other => Err(StoreError::Backend(format!(
            "the standby's schema is at migration {}, this build's at {latest}: \
             migrate the primary with this build first",
            other.unwrap_or(0)
        ))),
    }
}

pub(crate) fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// PostgreSQL binds dates as `DATE` and locks a row it reads to change.
impl anju_store::sql::Dialect for PgStore {
    type Db = sqlx::Postgres;
    type Date = date::PgDate;
    const ROW_LOCK: &'static str = " FOR UPDATE";

    fn writer(&self) -> &PgPool {
        &self.pool
    }

    fn reader(&self) -> &PgPool {
        &self.pool
    }

    fn affected(done: &sqlx::postgres::PgQueryResult) -> u64 {
        done.rows_affected()
    }

    fn day(date: anju_domain::Date) -> Self::Date {
        date::PgDate::from(date)
    }

    fn centre_code(&self) -> &str {
        &self.centre_code
    }

    fn seal(&self) -> &anju_store::PersonalSeal {
        &self.seal
    }
}

/// What differs beyond the dialect and posting: migrations, the schema listing.
#[async_trait::async_trait]
impl anju_store::Store for PgStore {
    fn backend(&self) -> anju_store::Backend {
        anju_store::Backend::Postgres
    }

    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations")
            .run(&self.pool)
            .await
            .map_err(backend)
    }

    async fn logical_schema(&self) -> StoreResult<anju_store::LogicalSchema> {
        schema::logical_schema(&self.pool).await
    }
}
