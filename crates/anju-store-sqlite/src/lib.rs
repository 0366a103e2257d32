//! Anju on embedded SQLite: one file, WAL, one writer connection (SQLite has
//! one writer; funnelling writes through one connection avoids busy upgrades)
//! and a small pool of readers. Bulk writes use multi-row `VALUES` statements
//! inside one transaction.

mod post;
mod schema;

/// The keys `open` seals personal data under.
pub use anju_store::PersonalSeal;
use anju_store::{IdGen, StoreError, StoreResult};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use std::str::FromStr;
use std::time::Duration;

/// Readers for pages and API calls; writes never use them.
const READER_CONNECTIONS: u32 = 4;
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);
/// Page cache per connection: negative means KiB, so 64 MiB (five
/// connections stay well inside the 1 GiB a batch job may use).
const CACHE_SIZE_PRAGMA: &str = "-65536";

pub struct SqliteStore {
    writer: SqlitePool,
    reader: SqlitePool,
    centre_code: String,
    ids: IdGen,
    seal: anju_store::PersonalSeal,
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://path/anju.db`),
    /// migrates it, seals any personal data still in clear (or under an
    /// older key) with `seal`, and returns a ready store.
    pub async fn open(
        url: &str,
        centre_code: &str,
        seal: anju_store::PersonalSeal,
    ) -> StoreResult<Self> {
        let options = SqliteConnectOptions::from_str(url)
            .map_err(backend)?
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT)
            // Month-end batches touch millions of index pages: SQLite's default
            // 2 MiB page cache turns that into a storm of reads and writes.
            .pragma("cache_size", CACHE_SIZE_PRAGMA)
            .pragma("temp_store", "memory");
        let writer = SqlitePoolOptions::new()
            .max_connections(1)
            .connect_with(options.clone())
            .await
            .map_err(backend)?;
        sqlx::migrate!("./migrations")
            .run(&writer)
            .await
            .map_err(backend)?;
        // Readers run the big reports (`anju check` groups every posting
        // line): their sorts spill to temporary files instead of memory, so a
        // year of Suzhou postings (≈57M lines) does not need gigabytes of RAM.
        let reader = SqlitePoolOptions::new()
            .max_connections(READER_CONNECTIONS)
            .connect_with(options.read_only(true).pragma("temp_store", "file"))
            .await
            .map_err(backend)?;
        let highest: Option<i64> = sqlx::query_scalar("SELECT MAX(entry_id) FROM journal_entry")
            .fetch_one(&writer)
            .await
            .map_err(backend)?;
        let store = SqliteStore {
            writer,
            reader,
            centre_code: centre_code.to_string(),
            ids: IdGen::starting_after(highest.unwrap_or(0)),
            seal,
        };
        anju_store::seal_sql::seal_personal_data(&store).await?;
        Ok(store)
    }

    /// An online copy of the whole database into `path` (which must not
    /// exist yet). `VACUUM INTO` reads in one transaction, so the copy is
    /// the database at one instant even while postings go on; it runs on a
    /// reader, so writers are not held up.
    pub async fn backup_into(&self, path: &std::path::Path) -> StoreResult<()> {
        let target = path
            .to_str()
            .ok_or_else(|| StoreError::Backend("the backup path is not UTF-8".into()))?;
        sqlx::query("VACUUM INTO $1")
            .bind(target)
            .execute(&self.reader)
            .await
            .map_err(backend)?;
        Ok(())
    }

    /// The newest migration this build knows: a backup made by a newer
    /// build is not restored by this one.
    pub fn latest_migration() -> i64 {
        sqlx::migrate!("./migrations")
            .iter()
            .map(|m| m.version)
            .max()
            .unwrap_or(0)
    }

    /// The newest migration the database has: a backup's schema version.
    pub async fn schema_version(&self) -> StoreResult<i64> {
        let version: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations")
            .fetch_one(&self.reader)
            .await
            .map_err(backend)?;
        Ok(version.unwrap_or(0))
    }

    /// Closes both pools (a backup copy is checksummed once nothing holds it).
    pub async fn close(&self) {
        self.reader.close().await;
        self.writer.close().await;
    }

    /// The writer pool, for tests that need to reach under the store (to
    /// corrupt a row and see `check_ledger` notice, for instance).
    pub fn pool_for_tests(&self) -> &SqlitePool {
        &self.writer
    }
}

pub(crate) fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

/// SQLite binds dates as ISO text (the columns hold text) and needs no row
/// lock: its one writer connection serialises every transaction.
impl anju_store::sql::Dialect for SqliteStore {
    type Db = sqlx::Sqlite;
    type Date = String;
    const ROW_LOCK: &'static str = "";

    fn writer(&self) -> &SqlitePool {
        &self.writer
    }

    fn reader(&self) -> &SqlitePool {
        &self.reader
    }

    fn affected(done: &sqlx::sqlite::SqliteQueryResult) -> u64 {
        done.rows_affected()
    }

    fn day(date: anju_domain::Date) -> Self::Date {
        date.to_string()
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
impl anju_store::Store for SqliteStore {
    fn backend(&self) -> anju_store::Backend {
        anju_store::Backend::Sqlite
    }

    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations")
            .run(&self.writer)
            .await
            .map_err(backend)
    }

    async fn logical_schema(&self) -> StoreResult<anju_store::LogicalSchema> {
        schema::logical_schema(&self.reader).await
    }
}
