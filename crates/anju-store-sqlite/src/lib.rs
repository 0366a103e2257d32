//! Anju on embedded SQLite: one file, WAL, one writer connection (SQLite has
//! one writer; funnelling writes through one connection avoids busy upgrades)
//! and a small pool of readers. Bulk writes use multi-row `VALUES` statements
//! inside one transaction.

mod check;
mod post;
mod read;
mod schema;

use anju_domain::ledger::{EntryId, MemberBalance, MemberId, NewEntry};
use anju_domain::{Date, Fen};
use anju_store::{
    Backend, GlBalance, IdGen, LedgerCheck, LogicalSchema, MovementCursor, MovementPage,
    PostOptions, Posted, Store, StoreError, StoreResult, StoredEntry,
};
use async_trait::async_trait;
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
}

impl SqliteStore {
    /// Opens (creating if missing) the database at `url` (`sqlite://path/anju.db`),
    /// migrates it and returns a ready store.
    pub async fn open(url: &str, centre_code: &str) -> StoreResult<Self> {
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
        let reader = SqlitePoolOptions::new()
            .max_connections(READER_CONNECTIONS)
            .connect_with(options.read_only(true))
            .await
            .map_err(backend)?;
        let highest: Option<i64> = sqlx::query_scalar("SELECT MAX(entry_id) FROM journal_entry")
            .fetch_one(&writer)
            .await
            .map_err(backend)?;
        Ok(SqliteStore {
            writer,
            reader,
            centre_code: centre_code.to_string(),
            ids: IdGen::starting_after(highest.unwrap_or(0)),
        })
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

anju_store::impl_access_store!(SqliteStore, writer, reader, crate::backend);

#[async_trait]
impl Store for SqliteStore {
    fn reserve_ids(&self, count: i64) -> i64 {
        self.ids.reserve(count)
    }

    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    async fn migrate(&self) -> StoreResult<()> {
        sqlx::migrate!("./migrations")
            .run(&self.writer)
            .await
            .map_err(backend)
    }

    async fn ping(&self) -> StoreResult<()> {
        sqlx::query("SELECT 1")
            .execute(&self.reader)
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn open_member_accounts(&self, accounts: &[(MemberId, Date)]) -> StoreResult<()> {
        post::open_member_accounts(self, accounts).await
    }

    async fn member_balance(&self, member: MemberId) -> StoreResult<Option<MemberBalance>> {
        read::member_balance(&self.reader, member).await
    }

    async fn member_balance_as_of(&self, member: MemberId, date: Date) -> StoreResult<Fen> {
        read::member_balance_as_of(&self.reader, member, date).await
    }

    async fn post_entries(
        &self,
        entries: &[NewEntry],
        options: &PostOptions,
    ) -> StoreResult<Vec<Posted>> {
        post::post_entries(self, entries, options).await
    }

    async fn entry(&self, id: EntryId) -> StoreResult<Option<StoredEntry>> {
        read::entry(&self.reader, id).await
    }

    async fn gl_balances(&self) -> StoreResult<Vec<GlBalance>> {
        read::gl_balances(&self.reader).await
    }

    async fn gl_net_as_of(&self, gl_code: &str, date: Date) -> StoreResult<Fen> {
        read::gl_net_as_of(&self.reader, gl_code, date).await
    }

    async fn member_movements(
        &self,
        member: MemberId,
        after: Option<MovementCursor>,
        limit: u32,
    ) -> StoreResult<MovementPage> {
        read::member_movements(&self.reader, member, after, limit).await
    }

    async fn employer_movements(
        &self,
        employer_id: i64,
        limit: u32,
    ) -> StoreResult<Vec<anju_store::Movement>> {
        read::employer_movements(&self.reader, employer_id, limit).await
    }

    async fn check_ledger(&self) -> StoreResult<LedgerCheck> {
        check::check_ledger(&self.reader).await
    }

    async fn raw_insert_baseline(&self, batch: &[NewEntry]) -> StoreResult<u64> {
        post::raw_insert_baseline(self, batch).await
    }

    async fn drop_baseline(&self) -> StoreResult<()> {
        post::drop_baseline(self).await
    }

    async fn logical_schema(&self) -> StoreResult<LogicalSchema> {
        schema::logical_schema(&self.reader).await
    }
}
