//! The storage boundary. [`Store`] is narrow and batch-shaped: use cases hand it
//! validated domain values and it writes them atomically. Two backends implement
//! it (`anju-store-sqlite`, `anju-store-postgres`); the contract suite in
//! [`contract`] (feature `contract`) is run by both, so they cannot drift.

pub mod access;
pub mod access_sql;
pub mod assistant;
pub mod assistant_sql;
pub mod batch_sql;
pub mod cases;
pub mod cases_sql;
pub mod collection;
pub mod collection_sql;
pub mod fund_sql;
mod ids;
pub mod interest_sql;
pub mod ledger_sql;
pub mod loan_sql;
pub mod outlet;
pub mod outlet_sql;
pub mod plan;
pub mod quality;
pub mod quality_sql;
pub mod reminder;
pub mod reminder_sql;
pub mod rows;
pub mod seal;
pub mod seal_sql;
pub mod sql;
pub mod trust;
pub mod trust_sql;
mod types;
pub mod withdrawal_sql;
pub mod work;
pub mod work_sql;

#[cfg(feature = "contract")]
pub mod contract;

pub use access::*;
pub use assistant::*;
pub use batch_sql::{BatchStore, BillableRow, NewBill};
pub use cases::*;
pub use collection::*;
pub use fund_sql::{
    BranchFigures, CollectionYear, DistributionRecord, FundAlertRecord, FundDepositRecord,
    FundInputRecord, FundStore, GlDayRow, ServiceCount,
};
pub use ids::{IdGen, now_micros};
pub use interest_sql::{InterestRunRecord, InterestStore, RecheckRecord};
pub use ledger_sql::{LedgerStore, MAX_PAGE};
pub use loan_sql::{
    InstallmentRecord, LoanBook, LoanEventRecord, LoanRecord, LoanRunUpdate, LoanStore,
    LoansIssued, RunLoan,
};
pub use outlet::*;
pub use quality::*;
pub use reminder::*;
pub use seal::PersonalSeal;
pub use trust::*;
pub use types::*;
pub use withdrawal_sql::{
    BlacklistRecord, DocumentRecord, RepaymentAgreementRecord, WithdrawalRecord, WithdrawalStats,
    WithdrawalStore,
};
pub use work::WorkStore;

use anju_domain::ledger::{MemberId, NewEntry};
use anju_domain::{Date, DomainError};
use async_trait::async_trait;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A business rule or a uniqueness rule refused the write; nothing was written.
    #[error("{0}")]
    Rejected(DomainError),
    /// The backend asked us to try again (serialization failure, deadlock) and
    /// the bounded retries ran out.
    #[error("retryable storage failure: {0}")]
    Retryable(String),
    /// A fault injected by a test hook; the transaction was rolled back.
    #[error("injected fault: {0}")]
    Fault(String),
    #[error("storage failure: {0}")]
    Backend(String),
    /// A stored value the code does not know (a status or kind written by
    /// another version or by hand): reported, never read as a default.
    #[error("stored value not understood: {table}.{column} = “{value}”")]
    Corrupt {
        table: &'static str,
        column: &'static str,
        value: String,
    },
}

impl StoreError {
    pub fn rejected(code: &'static str, message: impl Into<String>) -> Self {
        StoreError::Rejected(DomainError::new(code, message))
    }

    /// The stable code of a refusal, if this is one.
    pub fn code(&self) -> Option<&'static str> {
        match self {
            StoreError::Rejected(e) => Some(e.code()),
            _ => None,
        }
    }
}

impl From<DomainError> for StoreError {
    fn from(e: DomainError) -> Self {
        StoreError::Rejected(e)
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// The whole store: the ledger and the access records (users, sessions,
/// audit, tasks, idempotency, messages).
#[async_trait]
pub trait Store:
    LedgerStore
    + PostingStore
    + AccessStore
    + CollectionStore
    + CaseStore
    + BatchStore
    + InterestStore
    + WithdrawalStore
    + LoanStore
    + FundStore
    + QualityStore
    + TrustStore
    + AssistantStore
    + OutletStore
    + QueueStore
    + ReminderStore
    + WorkStore
    + Send
    + Sync
    + 'static
{
    fn backend(&self) -> Backend;

    /// Applies the backend's migrations (idempotent).
    async fn migrate(&self) -> StoreResult<()>;

    /// Tables, columns (with nullability) and index names, for the parity test.
    async fn logical_schema(&self) -> StoreResult<LogicalSchema>;
}

/// Writing the ledger: ids, accounts and balanced entries. Each backend
/// writes a batch its own way (multi-row `VALUES` on SQLite, `COPY` on
/// PostgreSQL), so this port is implemented per backend, not in `*_sql`.
#[async_trait]
pub trait PostingStore: Send + Sync {
    /// Reserves `count` consecutive application-generated ids; returns the first.
    fn reserve_ids(&self, count: i64) -> i64;

    /// Opens empty member accounts. Refuses (and writes nothing) if any exists.
    async fn open_member_accounts(&self, accounts: &[(MemberId, Date)]) -> StoreResult<()>;

    /// Posts entries in order in one transaction: all or nothing. An entry whose
    /// idempotency key was already posted with the same content is not posted
    /// again and comes back as `replayed`; with other content the whole call is
    /// refused (`IDEMPOTENCY_CONFLICT`).
    async fn post_entries(
        &self,
        entries: &[NewEntry],
        options: &PostOptions,
    ) -> StoreResult<Vec<Posted>>;

    /// Benchmark baseline: inserts the rows `post_entries` would write for
    /// `batch` into twin tables with the same keys and indexes (created on first
    /// use), in one transaction, with no checks and no balance updates. Returns
    /// the rows inserted.
    async fn raw_insert_baseline(&self, batch: &[NewEntry]) -> StoreResult<u64>;

    /// Drops the baseline's twin tables.
    async fn drop_baseline(&self) -> StoreResult<()>;
}
