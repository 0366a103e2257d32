//! Anju's use cases. Pages, the JSON API and the CLI all call these, so a rule
//! is applied the same way whichever door a request came through. This crate
//! owns the policy in force and the store; it knows no HTTP and no SQL.

pub mod access;
pub mod assistant;
pub mod catalogue;
pub mod clock;
pub mod collection;
pub mod demo;
mod demo_cases;
pub mod demo_fund;
pub mod demo_loans;
pub mod demo_people;
pub mod demo_quality;
pub mod demo_registries;
mod error;
pub mod export;
pub mod fund;
pub mod interest;
pub mod ledger;
pub mod loan;
pub mod outlets;
pub mod policy;
pub mod quality;
pub mod registries;
pub mod reminders;
pub mod service_times;
mod services;
#[cfg(test)]
mod test_support;
pub mod trust;
pub mod withdrawal;

pub use error::{AppError, AppResult};
pub use services::{
    Access, Assistant, Collection, Fund, Interest, Ledger, Loans, Outlets, Quality, Reminders,
    Trust, Withdrawals,
};

use anju_domain::policy::PolicySet;
use anju_store::Store;
use std::sync::Arc;

/// Everything a use case needs, cheap to clone into handlers and jobs.
#[derive(Clone)]
pub struct App {
    store: Arc<dyn Store>,
    policy: Arc<PolicySet>,
    channels: Arc<Vec<Box<dyn access::ChannelAdapter>>>,
    payments: Arc<Vec<Box<dyn collection::PaymentAdapter>>>,
    payouts: Arc<dyn withdrawal::PayoutAdapter>,
    debits: Arc<dyn loan::DebitAdapter>,
    registries: registries::Registries,
    clock: Arc<dyn clock::Clock>,
    /// The centre's signing keys: the key file's (`with_keys`), or a key
    /// made for this process when none was given (tests, tools).
    keys: Arc<std::sync::OnceLock<trust::KeyRing>>,
    /// Where the reports read (a hot standby), when not the store itself.
    report_store: Option<Arc<dyn Store>>,
    /// The most people an identified export (实名导出) may list without a
    /// manager's approval.
    identified_export_limit: usize,
    /// What the assistant knows, indexed once a day.
    assistant: Arc<assistant::IndexCache>,
}

impl App {
    pub fn new(store: Arc<dyn Store>, policy: PolicySet) -> Self {
        App {
            store,
            policy: Arc::new(policy),
            channels: Arc::new(access::messages_default_channels()),
            payments: Arc::new(collection::default_payment_adapters()),
            payouts: Arc::new(withdrawal::BankPayoutSimulator),
            debits: Arc::new(loan::BankDebitSimulator),
            registries: registries::Registries::simulated(registries::RegistryData::default()),
            clock: Arc::new(clock::SystemClock),
            keys: Arc::new(std::sync::OnceLock::new()),
            report_store: None,
            identified_export_limit: export::DEFAULT_IDENTIFIED_EXPORT_LIMIT,
            assistant: Arc::default(),
        }
    }

    /// Identified exports of more than `people` need a manager's approval.
    pub fn with_identified_export_limit(mut self, people: usize) -> Self {
        self.identified_export_limit = people;
        self
    }

    pub fn identified_export_limit(&self) -> usize {
        self.identified_export_limit
    }

    /// Reports read from `store` — a hot standby of the centre's database —
    /// instead of the primary, which then carries only the day's work.
    pub fn with_report_store(mut self, store: Arc<dyn Store>) -> Self {
        self.report_store = Some(store);
        self
    }

    /// The app the reports read through: over the report store when one is
    /// configured, else this app itself. Only for use cases that write
    /// nothing (a standby refuses writes): the yearly report, statements,
    /// KPI figures.
    pub fn reports(&self) -> App {
        match &self.report_store {
            Some(store) => App {
                store: store.clone(),
                report_store: None,
                ..self.clone()
            },
            None => self.clone(),
        }
    }

    /// The bank that pays withdrawals out (a simulator unless configured).
    pub fn with_payout_adapter(mut self, adapter: Arc<dyn withdrawal::PayoutAdapter>) -> Self {
        self.payouts = adapter;
        self
    }

    pub fn payouts(&self) -> &dyn withdrawal::PayoutAdapter {
        self.payouts.as_ref()
    }

    /// The bank that deducts loan installments (a simulator unless configured).
    pub fn with_debit_adapter(mut self, adapter: Arc<dyn loan::DebitAdapter>) -> Self {
        self.debits = adapter;
        self
    }

    pub fn debits(&self) -> &dyn loan::DebitAdapter {
        self.debits.as_ref()
    }

    /// The registries eligibility reads its facts from (an empty
    /// in-process simulator unless configured).
    pub fn with_registries(mut self, registries: registries::Registries) -> Self {
        self.registries = registries;
        self
    }

    pub fn registries(&self) -> &registries::Registries {
        &self.registries
    }

    /// The outside parties answered by a simulator, by name: every page
    /// shows them on a banner and `/readyz` lists them.
    pub fn simulators(&self) -> Vec<&'static str> {
        let mut names = Vec::new();
        if self.registries.simulated {
            names.extend([
                "不动产登记",
                "民政登记",
                "征信",
                "全国公积金贷款数据",
                "电子证照",
                "异地中心缴存证明",
            ]);
        }
        names.extend(self.payments.iter().filter_map(|p| p.simulator()));
        names.extend(self.payouts.simulator());
        names.extend(self.debits.simulator());
        names.extend(self.channels.iter().filter_map(|c| c.simulator()));
        names
    }

    /// The app over the SQLite database at `url` (created and migrated if
    /// missing), for tests of the crates above that must not name the store.
    /// Personal data is sealed under the key file `keys/personal.key` beside
    /// the database, made on first use.
    #[cfg(feature = "sqlite")]
    pub async fn open_sqlite(url: &str, centre_code: &str, policy: PolicySet) -> AppResult<Self> {
        let file = std::path::Path::new(url.trim_start_matches("sqlite://"));
        let keys = file
            .parent()
            .unwrap_or(std::path::Path::new("."))
            .join("keys");
        let seal = anju_store::PersonalSeal::load_or_create(&keys.join("personal.key"))?;
        let store = anju_store_sqlite::SqliteStore::open(url, centre_code, seal).await?;
        Ok(App::new(Arc::new(store), policy))
    }

    /// The app in a fresh PostgreSQL schema of the database at `url` (created
    /// and migrated), for tests of the crates above that must not name the
    /// store, and the guard that drops the schema again.
    #[cfg(feature = "postgres")]
    pub async fn open_postgres_scratch(
        url: &str,
        centre_code: &str,
        schema: &str,
        policy: PolicySet,
    ) -> AppResult<(Self, PgScratch)> {
        let seal = anju_store::PersonalSeal::generated()?;
        let store =
            anju_store_postgres::PgStore::open_in_schema(url, centre_code, Some(schema), seal);
        let store = Arc::new(store.await?);
        let scratch = PgScratch {
            store: store.clone(),
            schema: schema.to_string(),
        };
        Ok((App::new(store, policy), scratch))
    }

    /// Signs with the key file's keys.
    pub fn with_keys(mut self, keys: trust::KeyRing) -> Self {
        let cell = std::sync::OnceLock::new();
        let _ = cell.set(keys);
        self.keys = Arc::new(cell);
        self
    }

    /// The centre's keys (one made for this process if none was given).
    pub fn keys(&self) -> AppResult<&trust::KeyRing> {
        if let Some(keys) = self.keys.get() {
            return Ok(keys);
        }
        let made = trust::KeyRing::ephemeral(&self.policy.centre_name)?;
        Ok(self.keys.get_or_init(|| made))
    }

    /// Where today comes from (the wall clock unless a test or demo pins it).
    pub fn with_clock(mut self, clock: Arc<dyn clock::Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// The business date today, by the application's clock.
    pub fn today(&self) -> anju_domain::Date {
        self.clock.today()
    }

    /// The store's engine (batch sizes depend on it).
    pub(crate) fn backend(&self) -> anju_store::Backend {
        self.store.backend()
    }

    // One port per context, each the narrow trait of that context's records
    // (trait upcasting from the whole store): a use case names the port it
    // reads or writes, and only the use cases reach any of them.

    pub(crate) fn access_port(&self) -> &dyn anju_store::AccessStore {
        &*self.store
    }

    pub(crate) fn collection_port(&self) -> &dyn anju_store::CollectionStore {
        &*self.store
    }

    /// Collection's casework: reliefs, enforcement, filings, flexible workers.
    pub(crate) fn case_port(&self) -> &dyn anju_store::CaseStore {
        &*self.store
    }

    /// Collection's month-end and seeding reads and writes, many rows a statement.
    pub(crate) fn batch_port(&self) -> &dyn anju_store::BatchStore {
        &*self.store
    }

    /// Service quality: complaints, reviews and their rectification, hotline calls.
    pub(crate) fn quality_port(&self) -> &dyn anju_store::QualityStore {
        &*self.store
    }

    /// Trust: the log's leaves and checkpoints, certificates, revocations.
    pub(crate) fn trust_port(&self) -> &dyn anju_store::TrustStore {
        &*self.store
    }

    /// The assistant: conversations, hand-overs, unanswered questions.
    pub(crate) fn assistant_port(&self) -> &dyn anju_store::AssistantStore {
        &*self.store
    }

    /// Appointments at the outlets.
    pub(crate) fn outlet_port(&self) -> &dyn anju_store::OutletStore {
        &*self.store
    }

    /// Reminders sent and the members' choices (服务找人).
    pub(crate) fn reminder_port(&self) -> &dyn anju_store::ReminderStore {
        &*self.store
    }

    /// Work items: timed work with its promise (办件时效).
    pub(crate) fn work_port(&self) -> &dyn anju_store::WorkStore {
        &*self.store
    }

    /// The outlets' queue numbers (取号).
    pub(crate) fn queue_port(&self) -> &dyn anju_store::QueueStore {
        &*self.store
    }

    pub(crate) fn assistant_cache(&self) -> &assistant::IndexCache {
        &self.assistant
    }

    pub(crate) fn interest_port(&self) -> &dyn anju_store::InterestStore {
        &*self.store
    }

    pub(crate) fn withdrawal_port(&self) -> &dyn anju_store::WithdrawalStore {
        &*self.store
    }

    pub(crate) fn loan_port(&self) -> &dyn anju_store::LoanStore {
        &*self.store
    }

    pub(crate) fn fund_port(&self) -> &dyn anju_store::FundStore {
        &*self.store
    }

    /// The ledger's reads: balances, entries, movements, the check.
    pub(crate) fn ledger_port(&self) -> &dyn anju_store::LedgerStore {
        &*self.store
    }

    /// The ledger's writes: ids, accounts, balanced entries.
    pub(crate) fn posting_port(&self) -> &dyn anju_store::PostingStore {
        &*self.store
    }

    pub fn policy(&self) -> &PolicySet {
        &self.policy
    }

    /// Replaces the payment channels (a deployment's real adapters, or a
    /// simulator configured to decline).
    pub fn with_payment_adapters(
        mut self,
        adapters: Vec<Box<dyn collection::PaymentAdapter>>,
    ) -> Self {
        self.payments = Arc::new(adapters);
        self
    }

    pub fn payment_adapters(&self) -> &[Box<dyn collection::PaymentAdapter>] {
        &self.payments
    }

    /// Replaces the message channels (a deployment's gateways).
    pub fn with_channels(mut self, channels: Vec<Box<dyn access::ChannelAdapter>>) -> Self {
        self.channels = Arc::new(channels);
        self
    }

    /// The message channels (simulators unless a deployment configures gateways).
    pub fn channels(&self) -> &[Box<dyn access::ChannelAdapter>] {
        &self.channels
    }

    /// Ready to serve: the database answers and a policy is in force today.
    pub async fn readiness(&self, today: anju_domain::Date) -> AppResult<()> {
        self.store.ping().await?;
        self.policy.at(today)?;
        Ok(())
    }
}

/// A scratch PostgreSQL schema opened by `App::open_postgres_scratch`.
#[cfg(feature = "postgres")]
pub struct PgScratch {
    store: Arc<anju_store_postgres::PgStore>,
    schema: String,
}

#[cfg(feature = "postgres")]
impl PgScratch {
    /// Drops the schema and everything in it.
    pub async fn drop_it(self) -> AppResult<()> {
        Ok(self.store.drop_schema(&self.schema).await?)
    }
}
