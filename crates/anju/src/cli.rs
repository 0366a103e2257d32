//! Arguments. Every option also reads an `ANJU_*` environment variable, and
//! anju.toml supplies defaults under both.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "anju",
    version,
    about = "安居 Anju — 住房公积金 (Housing Provident Fund) platform"
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Args)]
pub struct Global {
    /// Configuration file (TOML); missing is fine when it is the default.
    #[arg(long, global = true, env = "ANJU_CONFIG", default_value = "anju.toml")]
    pub config: PathBuf,
    /// Database URL: sqlite://path/anju.db or postgres://…
    #[arg(long, global = true, env = "ANJU_DATABASE_URL")]
    pub database: Option<String>,
    /// Directory for the embedded database and other local files.
    #[arg(long, global = true, env = "ANJU_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Policy file; the built-in Suzhou policy when not given.
    #[arg(long, global = true, env = "ANJU_POLICY")]
    pub policy: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the web pages, API and operations endpoints.
    Serve {
        /// Address to listen on.
        #[arg(long, env = "ANJU_LISTEN")]
        listen: Option<String>,
        /// Seed a demo centre (idempotently) into data/demo.db and serve it.
        #[arg(long)]
        demo: bool,
    },
    /// Serve the registries' simulator (housing, civil affairs, credit,
    /// national HPF loan data, e-licences) over their HTTP/JSON protocol
    /// (docs/registries.md), from a data file or the demo's households.
    Simulate {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:7070")]
        listen: String,
        /// The data file (see docs/registries-example.toml); the demo's
        /// households when not given.
        #[arg(long)]
        data: Option<std::path::PathBuf>,
    },
    /// Apply database migrations.
    Migrate,
    /// Check the ledger invariants; exits 1 with a report on any violation.
    Check,
    /// Copy the database online (consistent while postings run: SQLite's
    /// VACUUM INTO, or pg_dump in an exported snapshot) into DIR, with a
    /// manifest: time, schema version, size, SHA-256, GL totals.
    Backup {
        #[arg(long)]
        to: std::path::PathBuf,
    },
    /// Restore a backup into the configured database, which must not exist
    /// yet; checks the file against its manifest and the ledger after.
    Restore {
        /// The backup's `.manifest.json`.
        manifest: std::path::PathBuf,
    },
    /// Policy in force.
    Policy {
        #[command(subcommand)]
        command: PolicyCommand,
    },
    /// Validate an identifier: exit 0 when valid, 1 with the reason when not.
    Validate { kind: IdKind, value: String },
    /// Check a signed certificate offline against a pinned key set
    /// (`/.well-known/anju-keys.json`): exit 0 when valid, 1 when not.
    Verify {
        /// The certificate file (text, `--`, signature, key id).
        file: PathBuf,
        /// The key set to trust, as the centre publishes it.
        #[arg(long)]
        trust: PathBuf,
    },
    /// The shared blacklist (失信名单) between centres (docs/trust.md).
    Blacklist {
        #[command(subcommand)]
        command: BlacklistCommand,
    },
    /// The transparency log (docs/trust.md).
    Log {
        #[command(subcommand)]
        command: LogCommand,
    },
    /// Deposit interest tools.
    Interest {
        #[command(subcommand)]
        command: InterestCommand,
    },
    /// Reports (年度报告).
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
    /// Fund management (资金管理): the liquidity check, yearly totals.
    Fund {
        #[command(subcommand)]
        command: FundCommand,
    },
    /// Housing loan tools (public figures: no database, no sign-in).
    Loan {
        #[command(subcommand)]
        command: LoanCommand,
    },
    /// Reconcile a payment channel's daily file (对账) against the booked
    /// payments; exits 1 when anything differs.
    Recon {
        /// `bank` or `ecny`.
        #[arg(long)]
        channel: String,
        /// The value date the file covers (YYYY-MM-DD).
        #[arg(long)]
        date: String,
        /// The channel's CSV file (see docs/payments.md).
        #[arg(long)]
        file: std::path::PathBuf,
    },
    /// 汇缴: the month's remittance run over every active employer — a bill
    /// for each without one for the month, every open bill collected through
    /// the channel and posted. Run again (after a crash, say) it bills and
    /// collects only what is left. One JSON line.
    Remittance {
        /// The contribution month (YYYYMM).
        #[arg(long)]
        period: String,
        /// The payment channel the bills are collected through.
        #[arg(long, default_value = "bank")]
        channel: String,
    },
    /// 归集日终: restore employers whose deferral ended and open a 催缴 case
    /// for each employer with an overdue bill. Prints one JSON line.
    CollectionDay {
        /// The business date (YYYY-MM-DD); today in China when not given.
        #[arg(long)]
        date: Option<String>,
    },
    /// 委托提取还贷: pay each agreement's installment due on the date (run
    /// daily; running a day twice pays once). One JSON line.
    RepaymentDay {
        /// The business date (YYYY-MM-DD); today in China when not given.
        #[arg(long)]
        date: Option<String>,
    },
    /// 付款重试: ask the bank again about each withdrawal payout it was not
    /// heard on (run often; each ends paid, failed or still pending). One
    /// JSON line.
    PayoutRetry {
        /// The business date (YYYY-MM-DD); today in China when not given.
        #[arg(long)]
        date: Option<String>,
    },
    /// 服务找人: send the day's reminders (installments due in three days,
    /// rent a member may withdraw, accounts sealed six months), each once,
    /// none of a kind the member opted out of. Run daily. One JSON line.
    Reminders {
        /// The business date (YYYY-MM-DD); today in China when not given.
        #[arg(long)]
        date: Option<String>,
    },
    /// Print the current TOTP code for a base32 secret (the demo's staff second factor).
    Totp {
        #[arg(long)]
        secret: String,
    },
    /// Fill the database with a synthetic, reproducible centre (employers,
    /// members and their accounts) for benchmarks and trials.
    Seed {
        #[command(flatten)]
        size: SeedSize,
        /// Seed of the generator: the same seed gives the same data.
        #[arg(long, default_value_t = anju_app::collection::batch::DEFAULT_SEED)]
        seed: u64,
        /// Day the accounts open (YYYY-MM-DD).
        #[arg(long, default_value = "2026-07-01")]
        opened: String,
    },
    /// Benchmarks (run them from a release build).
    Bench {
        #[command(subcommand)]
        scenario: BenchScenario,
    },
}

#[derive(Debug, Subcommand)]
pub enum InterestCommand {
    /// Work out one account's interest for a year, line by line, with the
    /// rates of the policy in force (for answering a member and checking a
    /// statement by hand).
    Calc {
        /// A, B or C (business rules §2).
        #[arg(long)]
        method: String,
        /// Balance brought forward on 1 July, in fen.
        #[arg(long)]
        opening_fen: i64,
        /// CSV with the header `value_date,amount_fen`.
        #[arg(long)]
        movements: PathBuf,
        /// The year's last day, 30 June (YYYY-06-30).
        #[arg(long)]
        year_end: String,
        /// Print one JSON object instead of the worked table.
        #[arg(long)]
        json: bool,
    },
    /// 年度结息: credit every account's interest for the year ending 30 June
    /// of `--year`. Safe to run again; a stopped run resumes. One JSON line.
    Settle {
        /// The calendar year of the 30 June that ends the interest year.
        #[arg(long)]
        year: i32,
        /// The business date the run is recorded under (default: today in
        /// China); it must fall after that 30 June.
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LoanCommand {
    /// 还款计划: every installment of a loan and the totals (business rules
    /// §4), as an aligned table in yuan or as JSON in fen.
    Schedule {
        /// The loan amount, in fen.
        #[arg(long, allow_negative_numbers = true)]
        principal_fen: i64,
        /// The term in months.
        #[arg(long)]
        months: u32,
        /// The annual contract rate in parts per million (2.60% = 26000).
        #[arg(long, allow_negative_numbers = true)]
        annual_rate_ppm: i64,
        /// `annuity` (等额本息) or `equal-principal` (等额本金).
        #[arg(long)]
        method: String,
        /// The disbursement date (YYYY-MM-DD); gives each period its due date.
        #[arg(long)]
        start: Option<String>,
        /// Print one JSON object instead of the table.
        #[arg(long)]
        json: bool,
    },
    /// 还款批量: collect every loan due by the date (run daily; a rerun
    /// posts nothing new). One JSON line.
    Run {
        /// The business date (YYYY-MM-DD); today in China when not given.
        #[arg(long)]
        date: Option<String>,
    },
    /// 重定价: on 1 January, move loans to the rate now in force and
    /// re-amortise them. One JSON line.
    Reprice {
        /// The business date, a 1 January (YYYY-01-01); today in China when not given.
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// 住房公积金年度报告: the national template's sections and the
    /// per-branch table for a calendar year, as HTML or PDF.
    Annual {
        /// The calendar year reported.
        #[arg(long)]
        year: i32,
        /// `html` or `pdf`.
        #[arg(long, default_value = "html")]
        format: String,
        /// Where to write it (HTML goes to stdout when not given).
        #[arg(long)]
        out: Option<std::path::PathBuf>,
        /// The business date the report is made on (a year not yet ended
        /// is reported to this date); today in China when not given.
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum FundCommand {
    /// 流动性监测: raise alerts for indicators outside the policy's
    /// thresholds and clear the rest (run daily). One JSON line; exits 1
    /// while anything is firing.
    CheckLiquidity {
        /// The business date (YYYY-MM-DD); today in China when not given.
        #[arg(long)]
        date: Option<String>,
    },
    /// Load published yearly totals (see fixtures/suzhou-published.toml)
    /// as dated inputs, entered under a finance login.
    LoadTotals {
        file: std::path::PathBuf,
        /// The finance user recorded as having entered them.
        #[arg(long, default_value = "finance-cli")]
        login: String,
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// Print the policy versions in force on a date (default: today in China).
    Show {
        #[arg(long)]
        date: Option<String>,
    },
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum IdKind {
    /// 身份证号码 (GB 11643)
    IdCard,
    /// 统一社会信用代码 (GB 32100)
    Uscc,
    /// 手机号码
    Mobile,
    /// 银行卡号 (Luhn)
    BankCard,
}

/// How big a synthetic centre to make: a named scale or a member count.
#[derive(Debug, Args)]
#[group(required = true, multiple = false)]
pub struct SeedSize {
    /// A named scale (suzhou: 4.71 million members, 197 thousand employers).
    #[arg(long)]
    pub scale: Option<Scale>,
    /// Members to make (employers in Suzhou's proportion, ≈ 24 members each).
    #[arg(long)]
    pub members: Option<u64>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Scale {
    Suzhou,
}

impl Scale {
    pub fn members(self) -> u64 {
        match self {
            Scale::Suzhou => anju_app::collection::batch::SUZHOU_MEMBERS,
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum BenchScenario {
    /// Bulk posting against a raw insert of the same rows, in a fresh database.
    Post {
        /// Journal entries to post (each Dr 101 / Cr 201 for one member).
        #[arg(long, default_value_t = 1_000_000)]
        entries: u64,
        /// Member accounts the entries spread over.
        #[arg(long, default_value_t = 100_000)]
        members: u64,
        /// Entries per bulk call (one transaction each).
        #[arg(long, default_value_t = 10_000)]
        batch: u64,
    },
    /// One month of remittances (P1) in a fresh, seeded database, against a
    /// raw insert of the same rows.
    Remittance {
        /// Members to seed (default: Suzhou scale, 4.71 million).
        #[arg(long, default_value_t = anju_app::collection::batch::SUZHOU_MEMBERS)]
        members: u64,
        /// Seed of the synthetic data.
        #[arg(long, default_value_t = anju_app::collection::batch::DEFAULT_SEED)]
        seed: u64,
    },
    /// P5: counter withdrawals (apply, hold, post, pay) run concurrently on a
    /// fresh database.
    Withdrawal {
        /// Members to seed, each with ¥50,000.00.
        #[arg(long, default_value_t = 10_000)]
        members: u64,
        /// Withdrawals of ¥100.00 (at most 15 per member: the rent cap).
        #[arg(long, default_value_t = 20_000)]
        withdrawals: u64,
        /// Withdrawals in flight at once.
        #[arg(long, default_value_t = 32)]
        concurrency: u64,
    },
    /// P4: online reads over real HTTP — the balance API, then the member
    /// home page — from signed-in members at a fixed number of connections.
    Http {
        /// Members to seed, each with ¥50,000.00.
        #[arg(long, default_value_t = 100_000)]
        members: u64,
        /// Connections, each a signed-in member asking again when answered.
        #[arg(long, default_value_t = 64)]
        connections: u64,
        /// Seconds per target.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
    },
    /// P3: the monthly loan repayment run over a book of loans (due, paid,
    /// overdue, penalty) on a fresh database.
    Repayment {
        /// Loans in the book (default: Suzhou scale, 420 thousand).
        #[arg(long, default_value_t = 420_000)]
        loans: u64,
        /// Installments loaded per loan (the run reads the ones due).
        #[arg(long, default_value_t = 12)]
        periods: u32,
    },
    /// P8: the yearly report over a seeded year (remittances every month,
    /// a loan book, withdrawals) on a fresh database.
    Report {
        /// Members to seed (default: Suzhou scale, 4.71 million).
        #[arg(long, default_value_t = anju_app::collection::batch::SUZHOU_MEMBERS)]
        members: u64,
        /// Loans in the book (default: Suzhou scale, 420 thousand).
        #[arg(long, default_value_t = 420_000)]
        loans: u64,
        /// Months of remittances posted in the year.
        #[arg(long, default_value_t = 12)]
        months: u32,
        /// Seed of the synthetic data.
        #[arg(long, default_value_t = anju_app::collection::batch::DEFAULT_SEED)]
        seed: u64,
    },
    /// The assistant (智能客服) over its question set: hit rates, index
    /// build time, and the latency of a search and of a visitor's whole ask.
    Assistant {
        /// Times the question set is asked (for the latency figures).
        #[arg(long, default_value_t = 20)]
        rounds: u32,
    },
    /// P2: a year of remittances, then the 30 June settlement over every account.
    Interest {
        /// Members to seed (default: Suzhou scale, 4.71 million).
        #[arg(long, default_value_t = anju_app::collection::batch::SUZHOU_MEMBERS)]
        members: u64,
        /// Seed of the synthetic data.
        #[arg(long, default_value_t = anju_app::collection::batch::DEFAULT_SEED)]
        seed: u64,
        /// Months of remittances posted before the settlement (from June).
        #[arg(long, default_value_t = 12)]
        months: u32,
    },
}

#[derive(Subcommand, Debug)]
pub enum LogCommand {
    /// Re-derive every leaf from its record and check every checkpoint's
    /// root and signature: exit 0 when all hold, 1 naming the first bad
    /// leaf or checkpoint.
    Verify {
        /// The key set to check checkpoints against (as published at
        /// `/.well-known/anju-keys.json`); the key file's keys when not given.
        #[arg(long)]
        trust: Option<PathBuf>,
    },
    /// Sequence the waiting leaves and sign a checkpoint (`serve` does this
    /// every two seconds). Prints one JSON line.
    Sequence,
}

#[derive(Subcommand, Debug)]
pub enum BlacklistCommand {
    /// Print this centre's signed entries in force as JSON, the file partner
    /// centres import (handed over out of band for now; docs/trust.md).
    Export {
        /// The business date (YYYY-MM-DD); today in China when not given.
        #[arg(long)]
        date: Option<String>,
    },
    /// Import a partner centre's signed list: every entry is checked against
    /// the partner's key set first; one bad entry refuses the file (exit 1,
    /// nothing written). Prints one JSON line.
    Import {
        /// The partner's list (JSON, as exported).
        file: PathBuf,
        /// The partner's published key set, pinned by the operator.
        #[arg(long)]
        trust: PathBuf,
    },
}
