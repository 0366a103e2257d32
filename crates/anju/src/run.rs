//! One function per command.

use crate::cli::{
    BenchScenario, BlacklistCommand, Cli, Command, FundCommand, IdKind, InterestCommand,
    LoanCommand, LogCommand, PolicyCommand, ReportCommand,
};
use crate::config::{Config, DEMO_DATABASE, LogFormat, sqlite_url};
use anju_app::App;
use anju_app::clock::today_in_china;
use anju_app::policy::load_policy;
use anju_domain::Date;
use anju_domain::ids::{BankCardNo, IdCardNo, MobileNo, Uscc};
use anju_domain::policy::{Dated, PolicySet};
use anju_store::Store;
use anyhow::{Context, Result, bail};
use std::fmt::Write as _;
use std::io::Write as _;
use std::process::ExitCode;
use std::sync::Arc;

pub async fn run(cli: Cli) -> Result<ExitCode> {
    let explicit_config = std::env::var_os("ANJU_CONFIG").is_some()
        || std::env::args().any(|a| a == "--config" || a.starts_with("--config="));
    let config = Config::load(&cli.global, explicit_config)?;
    match cli.command {
        Command::Serve { listen, demo } => {
            serve(config, listen, demo, cli.global.database.is_some()).await
        }
        Command::Simulate { listen, data } => simulate(&listen, data.as_deref()).await,
        Command::Migrate => {
            let (_, store) = open(&config).await?;
            store.migrate().await?;
            println!("migrated {}", config.redacted_database_url());
            Ok(ExitCode::SUCCESS)
        }
        Command::Check => check(&config).await,
        Command::Backup { to } => crate::backup::backup(&config, &to).await,
        Command::Restore { manifest } => crate::backup::restore(&config, &manifest).await,
        Command::Recon {
            channel,
            date,
            file,
        } => recon(&config, &channel, &date, &file).await,
        Command::Remittance { period, channel } => remittance(&config, &period, &channel).await,
        Command::CollectionDay { date } => collection_day(&config, date.as_deref()).await,
        Command::RepaymentDay { date } => repayment_day(&config, date.as_deref()).await,
        Command::PayoutRetry { date } => payout_retry(&config, date.as_deref()).await,
        Command::Reminders { date } => reminders(&config, date.as_deref()).await,
        Command::Interest {
            command:
                InterestCommand::Calc {
                    method,
                    opening_fen,
                    movements,
                    year_end,
                    json,
                },
        } => crate::interest::calc(&config, &method, opening_fen, &movements, &year_end, json),
        Command::Interest {
            command: InterestCommand::Settle { year, date },
        } => {
            let today = business_date(date.as_deref())?;
            let (app, _outside) = job_app(&config).await?;
            crate::interest::settle(app, year, today).await
        }
        Command::Loan {
            command:
                LoanCommand::Schedule {
                    principal_fen,
                    months,
                    annual_rate_ppm,
                    method,
                    start,
                    json,
                },
        } => crate::loan::schedule(
            principal_fen,
            months,
            annual_rate_ppm,
            &method,
            start.as_deref(),
            json,
        ),
        Command::Loan {
            command: LoanCommand::Run { date },
        } => {
            let today = business_date(date.as_deref())?;
            let (app, _outside) = job_app(&config).await?;
            crate::loan::run(app, today).await
        }
        Command::Loan {
            command: LoanCommand::Reprice { date },
        } => {
            let today = business_date(date.as_deref())?;
            let (app, _outside) = job_app(&config).await?;
            crate::loan::reprice(app, today).await
        }
        Command::Report {
            command:
                ReportCommand::Annual {
                    year,
                    format,
                    out,
                    date,
                },
        } => {
            let today = business_date(date.as_deref())?;
            let (policy, store) = open_for(&config, Reading::Only).await?;
            // A report signs nothing: it neither needs nor makes the key file.
            let app = App::new(store, policy);
            crate::fund::annual_report(app, year, today, &format, out.as_deref()).await
        }
        Command::Fund {
            command: FundCommand::CheckLiquidity { date },
        } => {
            let today = business_date(date.as_deref())?;
            let (app, _outside) = job_app(&config).await?;
            crate::fund::check_liquidity(app, today).await
        }
        Command::Fund {
            command: FundCommand::LoadTotals { file, login, date },
        } => {
            let today = business_date(date.as_deref())?;
            let (policy, store) = open(&config).await?;
            crate::fund::load_totals(App::new(store, policy), &file, &login, today).await
        }
        Command::Bench {
            scenario:
                BenchScenario::Report {
                    members,
                    loans,
                    months,
                    seed,
                },
        } => {
            let policy = load_policy(config.policy.as_deref())?;
            crate::bench_report::report(&config, &policy, members, loans, months, seed).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy {
            command: PolicyCommand::Show { date },
        } => policy_show(&config, date.as_deref()),
        Command::Validate { kind, value } => Ok(validate(kind, &value)),
        Command::Verify { file, trust } => verify(&file, &trust),
        Command::Blacklist {
            command: BlacklistCommand::Export { date },
        } => blacklist_export(&config, date.as_deref()).await,
        Command::Blacklist {
            command: BlacklistCommand::Import { file, trust },
        } => blacklist_import(&config, &file, &trust).await,
        Command::Log {
            command: LogCommand::Verify { trust },
        } => log_verify(&config, trust.as_deref()).await,
        Command::Log {
            command: LogCommand::Sequence,
        } => log_sequence(&config).await,
        Command::Totp { secret } => {
            let Some(bytes) = anju_domain::access::base32_decode(&secret) else {
                bail!("the secret is not base32");
            };
            let now = anju_app::clock::now_micros() / 1_000_000;
            println!("{}", anju_domain::access::totp_code(&bytes, now));
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            scenario:
                BenchScenario::Post {
                    entries,
                    members,
                    batch,
                },
        } => {
            let policy = load_policy(config.policy.as_deref())?;
            crate::bench::post(&config, &policy, entries, members, batch).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            scenario: BenchScenario::Remittance { members, seed },
        } => {
            let policy = load_policy(config.policy.as_deref())?;
            crate::bench::remittance(&config, &policy, members, seed).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            scenario:
                BenchScenario::Interest {
                    members,
                    seed,
                    months,
                },
        } => {
            let policy = load_policy(config.policy.as_deref())?;
            crate::bench::interest(&config, &policy, members, seed, months).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            scenario: BenchScenario::Assistant { rounds },
        } => {
            let policy = load_policy(config.policy.as_deref())?;
            crate::bench_assistant::assistant(&config, &policy, rounds).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            scenario: BenchScenario::Repayment { loans, periods },
        } => {
            let policy = load_policy(config.policy.as_deref())?;
            crate::bench_repayment::repayment(&config, &policy, loans, periods).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            scenario:
                BenchScenario::Withdrawal {
                    members,
                    withdrawals,
                    concurrency,
                },
        } => {
            let policy = load_policy(config.policy.as_deref())?;
            crate::bench_withdrawal::withdrawal(
                &config,
                &policy,
                members,
                withdrawals,
                concurrency,
            )
            .await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench {
            scenario:
                BenchScenario::Http {
                    members,
                    connections,
                    seconds,
                },
        } => {
            let policy = load_policy(config.policy.as_deref())?;
            crate::bench_http::http(&config, &policy, members, connections, seconds).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Seed { size, seed, opened } => {
            let members = size
                .scale
                .map_or(size.members.unwrap_or(0), |s| s.members());
            let spec = crate::seed::spec(members, seed, &opened)?;
            let (policy, store) = open(&config).await?;
            let app = App::new(store, policy);
            crate::seed::run(&app, spec, &config.redacted_database_url()).await?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Opens the store the URL names (migrating it) with the policy's centre.
pub async fn open_store(url: &str, centre_code: &str, config: &Config) -> Result<Arc<dyn Store>> {
    open_store_for(url, centre_code, config, Reading::AndWriting).await
}

/// What a command does with the database: only reading lets it run on a
/// PostgreSQL hot standby.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reading {
    Only,
    AndWriting,
}

async fn open_store_for(
    url: &str,
    centre_code: &str,
    config: &Config,
    reading: Reading,
) -> Result<Arc<dyn Store>> {
    let seal = personal_seal(config)?;
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let store = match reading {
            Reading::Only => {
                anju_store_postgres::PgStore::open_read_only(url, centre_code, seal).await?
            }
            Reading::AndWriting => {
                anju_store_postgres::PgStore::open(url, centre_code, seal).await?
            }
        };
        Ok(Arc::new(store))
    } else if url.starts_with("sqlite:") {
        let data_dir = &config.data_dir;
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating {}", data_dir.display()))?;
        let store = anju_store_sqlite::SqliteStore::open(url, centre_code, seal).await?;
        Ok(Arc::new(store))
    } else {
        bail!("unsupported database URL (use sqlite://… or postgres://…)")
    }
}

/// The keys personal data is sealed under (`personal_key_file`), made on
/// first use.
pub fn personal_seal(config: &Config) -> Result<anju_store::PersonalSeal> {
    anju_store::PersonalSeal::load_or_create(&config.personal_key_file).with_context(|| {
        format!(
            "personal-data key file {}",
            config.personal_key_file.display()
        )
    })
}

async fn open(config: &Config) -> Result<(PolicySet, Arc<dyn Store>)> {
    open_for(config, Reading::AndWriting).await
}

async fn open_for(config: &Config, reading: Reading) -> Result<(PolicySet, Arc<dyn Store>)> {
    let policy = load_policy(config.policy.as_deref())?;
    let store = open_store_for(&config.database_url, &policy.centre_code, config, reading)
        .await
        .with_context(|| format!("opening {}", config.redacted_database_url()))?;
    Ok((policy, store))
}

/// The report pages read from `report_database` (a hot standby) when it is
/// configured.
async fn with_report_store(app: App, config: &Config, centre_code: &str) -> Result<App> {
    let (Some(url), Some(shown)) = (
        config.report_database_url.as_deref(),
        config.redacted_report_database_url(),
    ) else {
        return Ok(app);
    };
    // Reports are not worth refusing to serve for: without their database
    // they read the primary, and the operator is told.
    match open_store_for(url, centre_code, config, Reading::Only).await {
        Ok(store) => {
            println!("reports read from {shown}");
            Ok(app.with_report_store(store))
        }
        Err(e) => {
            println!("report database {shown} not available ({e:#}): reports read the primary");
            tracing::warn!(error = %e, database = %shown, "report database not available");
            Ok(app)
        }
    }
}

fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ANJU_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    let _ = match format {
        LogFormat::Json => builder.json().try_init(),
        LogFormat::Text => builder.try_init(),
    };
}

async fn serve(
    mut config: Config,
    listen: Option<String>,
    demo: bool,
    explicit_db: bool,
) -> Result<ExitCode> {
    init_logging(config.log_format);
    if demo && !explicit_db {
        config.database_url = sqlite_url(&config.data_dir, DEMO_DATABASE);
    }
    let (policy, store) = open(&config).await?;
    if demo {
        // The demo's made-up loans must never be signed with the centre's key.
        config.key_file = config.data_dir.join("keys").join("demo.key");
    }
    let centre_code = policy.centre_code.clone();
    let (app, _simulator) =
        crate::adapters::wire(&config, demo, centre_app(&config, store, policy)?).await?;
    let app = with_report_store(app, &config, &centre_code).await?;
    let mut options = anju_web::WebOptions {
        secure_cookies: config.secure_cookies,
        signin_per_minute: config.signin_per_minute,
    };
    if demo {
        let summary = anju_app::demo::seed(&app, today_in_china()).await?;
        println!(
            "演示数据已就绪 demo ready: {} employers, {} members, {} monthly bills paid now, {} already there ({})",
            summary.employers,
            summary.members,
            summary.bills_paid_now,
            summary.bills_already_there,
            config.redacted_database_url()
        );
        let people = anju_app::demo_people::seed_people(&app, today_in_china()).await?;
        anju_app::demo::settle_demo_interest(&app, today_in_china()).await?;
        anju_app::demo::seed_demo_withdrawals(&app, today_in_china()).await?;
        anju_app::demo_loans::seed_demo_loans(&app, today_in_china()).await?;
        anju_app::demo_fund::seed_demo_fund(&app, today_in_china()).await?;
        anju_app::demo_quality::seed_demo_quality(&app, today_in_china()).await?;
        let batch = anju_app::access::Actor::anonymous(
            anju_domain::access::Channel::Batch,
            "demo-reminders",
            "local",
        );
        app.reminders()
            .send_reminders(&batch, today_in_china())
            .await?;
        print_demo_signins(&people);
        // The demo serves plain HTTP on this machine; Secure cookies would not be sent back.
        options.secure_cookies = false;
    }
    let address = listen.unwrap_or_else(|| config.listen.clone());
    let listener = tokio::net::TcpListener::bind(&address)
        .await
        .with_context(|| format!("listening on {address}"))?;
    spawn_sequencer(
        app.clone(),
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(true)),
    );
    if let Some(schedule) = config.backup.clone() {
        println!(
            "backups every {} s into {}, newest {} kept",
            schedule.every.as_secs(),
            schedule.dir.display(),
            schedule.keep
        );
        crate::backup::spawn_scheduled(config.clone(), schedule);
    }
    println!("Anju 安居 serving on http://{address}/  (Ctrl-C stops)");
    tracing::info!(database = %config.redacted_database_url(), %address, "serving");
    anju_web::serve(app, options, listener, async {
        let _ = tokio::signal::ctrl_c().await;
    })
    .await?;
    Ok(ExitCode::SUCCESS)
}

/// The log's sequencer: every two seconds the waiting leaves get their
/// places and a checkpoint is signed (a failure is logged and retried),
/// while `running` holds. It stops between passes, never inside one: a pass
/// cut off in its transaction would leave a connection holding it.
pub(crate) fn spawn_sequencer(
    app: App,
    running: std::sync::Arc<std::sync::atomic::AtomicBool>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
        while running.load(std::sync::atomic::Ordering::Relaxed) {
            tick.tick().await;
            if let Err(e) = app.trust().sequence().await {
                tracing::warn!(error = %e, "log sequencing failed; retrying");
            }
        }
    })
}

/// `anju simulate`: the registries' simulator on its own, until Ctrl-C.
async fn simulate(listen: &str, data: Option<&std::path::Path>) -> Result<ExitCode> {
    let data = crate::adapters::simulator_data(data, data.is_none())?;
    let sim = std::sync::Arc::new(anju_app::registries::SimulatedRegistries::new(data));
    let handle = anju_adapters::start_simulator(anju_adapters::Simulators::new(sim), listen)
        .await
        .with_context(|| format!("listening on {listen}"))?;
    println!(
        "模拟外部系统 registries' and banks' simulator on {}/ (docs/registries.md, docs/payments.md; Ctrl-C stops)",
        handle.base_url()
    );
    let _ = tokio::signal::ctrl_c().await;
    Ok(ExitCode::SUCCESS)
}

fn print_demo_signins(people: &[anju_app::demo_people::DemoSignin]) {
    use anju_app::demo_people::{DEMO_PASSWORD, demo_totp_base32};
    println!("演示账号 demo sign-ins (password for all: {DEMO_PASSWORD}):");
    for p in people {
        let door = match p.role {
            anju_domain::access::Role::Member => "个人 member",
            anju_domain::access::Role::EmployerAgent => "单位 employer",
            anju_domain::access::Role::PartnerCentre => "API bearer",
            _ => "工作人员 staff",
        };
        match (&p.token, p.role) {
            (Some(token), _) => println!(
                "  {:<14} {:<20} token: Authorization: Bearer {}.{token}",
                door, p.login, p.login
            ),
            (None, anju_domain::access::Role::PartnerCentre) => {
                println!(
                    "  {:<14} {:<20} (token printed when first seeded)",
                    door, p.login
                )
            }
            _ => println!(
                "  {:<14} {:<20} {}（{}）",
                door,
                p.login,
                p.name,
                p.role.name_zh()
            ),
        }
    }
    let secret = demo_totp_base32();
    println!(
        "  staff 动态口令 TOTP secret {secret}: current code via `anju totp --secret {secret}`"
    );
}

async fn check(config: &Config) -> Result<ExitCode> {
    let (policy, store) = open_for(config, Reading::Only).await?;
    // Through the app: the store's invariants and the loan book against GL.
    let report = App::new(store, policy)
        .ledger()
        .check_ledger()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    print!("{}", report.render());
    if report.is_ok() {
        println!("ledger OK");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("ledger INVALID: see FAIL lines above");
        Ok(ExitCode::from(1))
    }
}

/// `anju log verify`: the whole log re-derived from the records.
async fn log_verify(config: &Config, trust: Option<&std::path::Path>) -> Result<ExitCode> {
    let (policy, store) = open(config).await?;
    let app = centre_app(config, store, policy)?;
    let keys = match trust {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("reading {}", path.display()))?;
            serde_json::from_str(&text)
                .with_context(|| format!("{} is not a key set", path.display()))?
        }
        None => app
            .keys()
            .map_err(|e| anyhow::anyhow!("{e}"))?
            .published()
            .clone(),
    };
    let check = app
        .trust()
        .check_log(&keys)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    for problem in &check.problems {
        println!("FAIL {problem}");
    }
    println!(
        "{} leaves and {} checkpoints checked",
        check.leaves, check.checkpoints
    );
    if check.ok() {
        println!("log OK");
        Ok(ExitCode::SUCCESS)
    } else {
        println!("log INVALID: the first FAIL line names the first bad leaf");
        Ok(ExitCode::from(1))
    }
}

/// `anju blacklist export`: this centre's signed entries in force.
async fn blacklist_export(config: &Config, date: Option<&str>) -> Result<ExitCode> {
    let today = business_date(date)?;
    let (policy, store) = open(config).await?;
    let app = centre_app(config, store, policy)?;
    let list = app
        .trust()
        .export_blacklist(today)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{}", serde_json::to_string_pretty(&list)?);
    Ok(ExitCode::SUCCESS)
}

/// `anju blacklist import`: a partner's signed list, checked entry by entry.
async fn blacklist_import(
    config: &Config,
    file: &std::path::Path,
    trust: &std::path::Path,
) -> Result<ExitCode> {
    let read = |path: &std::path::Path| {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
    };
    let list: anju_domain::trust::blacklist::SharedList = serde_json::from_str(&read(file)?)
        .with_context(|| format!("{} is not a blacklist file", file.display()))?;
    let keys: anju_domain::trust::keys::KeySet = serde_json::from_str(&read(trust)?)
        .with_context(|| format!("{} is not a key set", trust.display()))?;
    let (policy, store) = open(config).await?;
    let app = centre_app(config, store, policy)?;
    let job = anju_app::access::Actor::anonymous(
        anju_domain::access::Channel::Batch,
        "blacklist-import",
        "local",
    );
    match app.trust().import_blacklist(&job, &list, &keys).await {
        Ok(done) => {
            println!(
                "{}",
                serde_json::json!({ "centre": list.centre, "entries": done.entries, "added": done.added })
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => {
            println!("refused: {} {e}", e.code().unwrap_or("ERROR"));
            Ok(ExitCode::from(1))
        }
    }
}

/// `anju log sequence`: one sequencing pass.
async fn log_sequence(config: &Config) -> Result<ExitCode> {
    let (policy, store) = open(config).await?;
    let app = centre_app(config, store, policy)?;
    let signed = app
        .trust()
        .sequence()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let json = match signed {
        Some(c) => serde_json::json!({
            "tree_size": c.tree_size,
            "root": anju_domain::trust::keys::hex(&c.root_hash),
            "key_id": c.key_id,
        }),
        None => serde_json::json!({ "tree_size": null }),
    };
    println!("{json}");
    Ok(ExitCode::SUCCESS)
}

/// `--date` when given, else today in China.
fn business_date(date: Option<&str>) -> Result<Date> {
    match date {
        Some(text) => Date::parse(text).map_err(|e| anyhow::anyhow!("--date: {e}")),
        None => Ok(anju_app::clock::today_in_china()),
    }
}

/// 汇缴: the month's remittance run (resumable: what is billed and paid
/// already is left as it is). One JSON line.
async fn remittance(config: &Config, period: &str, channel: &str) -> Result<ExitCode> {
    let period = anju_domain::Period::parse(period).map_err(|e| anyhow::anyhow!("{e}"))?;
    let (app, _outside) = job_app(config).await?;
    let actor = anju_app::access::Actor::anonymous(
        anju_domain::access::Channel::Batch,
        "remittance",
        "local",
    );
    let run = app
        .collection()
        .run_remittances(&actor, period, channel, &|_| {})
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let report = serde_json::json!({
        "job": "remittance",
        "period": period.to_string(),
        "employers": run.employers,
        "members": run.members,
        "bills_created": run.bills_created,
        "bills_paid": run.bills_paid,
        "bills_already_paid": run.bills_already_paid,
        "payments_declined": run.payments_declined,
        "entries_posted": run.entries_posted,
        "entries_replayed": run.entries_replayed,
        "member_credits_fen": run.member_credits.get(),
    });
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

async fn collection_day(config: &Config, date: Option<&str>) -> Result<ExitCode> {
    let today = business_date(date)?;
    let (app, _outside) = job_app(config).await?;
    let actor = anju_app::access::Actor::anonymous(
        anju_domain::access::Channel::Batch,
        "collection-day",
        "local",
    );
    let day = app
        .collection()
        .collection_day(&actor, today)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let report = serde_json::json!({
        "job": "collection-day",
        "date": today.to_string(),
        "overdue_employers": day.overdue_employers,
        "cases_opened": day.cases_opened,
        "deferrals_ended": day.deferrals_ended,
    });
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// The app for a job that may reach a bank, a registry or a message
/// gateway: wired from configuration as `serve` is (the simulator only when
/// configured so), and the simulator kept alive for the job if it is one.
async fn job_app(config: &Config) -> Result<(App, Option<anju_adapters::SimulatorHandle>)> {
    let (policy, store) = open(config).await?;
    crate::adapters::wire(config, false, centre_app(config, store, policy)?).await
}

/// 服务找人: the day's reminders, each once. One JSON line.
async fn reminders(config: &Config, date: Option<&str>) -> Result<ExitCode> {
    let today = business_date(date)?;
    let (app, _outside) = job_app(config).await?;
    let actor = anju_app::access::Actor::anonymous(
        anju_domain::access::Channel::Batch,
        "reminders",
        "local",
    );
    let run = app
        .reminders()
        .send_reminders(&actor, today)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let report = serde_json::json!({
        "job": "reminders",
        "date": today.to_string(),
        "members": run.members,
        "employers": run.employers,
        "sent": run.sent,
        "already_sent": run.already_sent,
        "opted_out": run.opted_out,
        "failed": run.failed,
    });
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

/// 付款重试: asks the bank again about each payout it was not heard on.
/// One JSON line.
async fn payout_retry(config: &Config, date: Option<&str>) -> Result<ExitCode> {
    let today = business_date(date)?;
    let (app, _outside) = job_app(config).await?;
    let actor = anju_app::access::Actor::anonymous(
        anju_domain::access::Channel::Batch,
        "payout-retry",
        "local",
    );
    let retry = app
        .withdrawals()
        .retry_pending_payouts(&actor, today)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let report = serde_json::json!({
        "job": "payout-retry",
        "date": today.to_string(),
        "asked": retry.asked,
        "paid": retry.paid,
        "failed": retry.failed,
        "still_pending": retry.still_pending,
        "resumed": retry.resumed,
        "left_to_staff": retry.left_to_staff,
    });
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

async fn repayment_day(config: &Config, date: Option<&str>) -> Result<ExitCode> {
    let today = business_date(date)?;
    let (app, _outside) = job_app(config).await?;
    let actor = anju_app::access::Actor::anonymous(
        anju_domain::access::Channel::Batch,
        "repayment-day",
        "local",
    );
    let day = app
        .withdrawals()
        .run_entrusted_repayments(&actor, today)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let report = serde_json::json!({
        "job": "repayment-day",
        "date": today.to_string(),
        "due": day.due,
        "paid": day.paid,
        "partial": day.partial,
        "already_done": day.already_done,
        "nothing_to_pay": day.nothing_to_pay,
        "pending": day.pending,
        "failed": day.failed,
        "total_fen": day.total.get(),
    });
    println!("{report}");
    Ok(ExitCode::SUCCESS)
}

async fn recon(
    config: &Config,
    channel: &str,
    date: &str,
    file: &std::path::Path,
) -> Result<ExitCode> {
    let date = Date::parse(date).map_err(|e| anyhow::anyhow!("{e}"))?;
    let bytes = std::fs::read(file).with_context(|| format!("reading {}", file.display()))?;
    let (policy, store) = open(config).await?;
    let app = App::new(store, policy);
    let (result, errors) = app
        .collection()
        .reconcile_day(channel, date, &bytes)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!("{channel} {date}: {} matched", result.matched);
    for e in &errors {
        println!("  line {}: {} {}", e.row, e.code, e.message);
    }
    for c in &result.unbooked {
        println!(
            "  UNBOOKED    {} {} (in the channel's file, not in the ledger)",
            c.reference, c.amount
        );
    }
    for c in &result.unconfirmed {
        println!(
            "  UNCONFIRMED {} {} (in the ledger, not in the channel's file)",
            c.reference, c.amount
        );
    }
    for (theirs, ours) in &result.mismatched {
        println!(
            "  MISMATCH    {}: channel {} on {}, ledger {} on {}",
            theirs.reference, theirs.amount, theirs.paid_on, ours.amount, ours.paid_on
        );
    }
    if result.balances() && errors.is_empty() {
        println!("reconciled");
        Ok(ExitCode::SUCCESS)
    } else {
        Ok(ExitCode::from(1))
    }
}

/// `anju verify`: the certificate's verdict under the pinned key set and,
/// for a file with a log proof, whether the proof holds; no database, no
/// network (revocation is what the verification page adds).
fn verify(file: &std::path::Path, trust: &std::path::Path) -> Result<ExitCode> {
    use anju_domain::trust::certificate::CertificateFile;
    let stored =
        std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
    let keys =
        std::fs::read_to_string(trust).with_context(|| format!("reading {}", trust.display()))?;
    let keys: anju_domain::trust::keys::KeySet = serde_json::from_str(&keys)
        .with_context(|| format!("{} is not a key set", trust.display()))?;
    let certificate = CertificateFile::parse(&stored);
    let check = certificate.check(&keys);
    // The key id comes from the file: shown only when it is one.
    let id = &certificate.key_id;
    let shown_id = if id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        id.as_str()
    } else {
        "?"
    };
    let logged = match (check.logged, &certificate.proof) {
        (None, _) | (_, None) => "no log proof (issued before the log)".to_string(),
        (Some(true), Some(p)) => format!(
            "in the log: leaf {} of {} (checkpoint signed by {})",
            p.leaf_index, p.checkpoint.tree_size, p.checkpoint_key_id
        ),
        (Some(false), Some(_)) => "log proof does NOT hold".to_string(),
    };
    println!(
        "{}: {} (key {shown_id}, SHA-256 {}); {logged}",
        if check.valid() { "valid" } else { "invalid" },
        check.verdict.name_zh(),
        check.sha256
    );
    if check.valid() {
        // What the signature covers, for the reader to compare.
        println!("{}", certificate.body);
    }
    Ok(if check.valid() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn validate(kind: IdKind, value: &str) -> ExitCode {
    let result = match kind {
        IdKind::IdCard => IdCardNo::parse(value).map(|id| {
            format!(
                "{} (born {})",
                id.masked(),
                id.birth_date().map(|d| d.to_string()).unwrap_or_default()
            )
        }),
        IdKind::Uscc => Uscc::parse(value).map(|u| format!("{u} (region {})", u.region_code())),
        IdKind::Mobile => MobileNo::parse(value).map(|m| m.masked()),
        IdKind::BankCard => BankCardNo::parse(value).map(|c| c.masked()),
    };
    match result {
        Ok(shown) => {
            println!("valid: {shown}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("invalid: {} {}", e.code(), e.message());
            ExitCode::from(1)
        }
    }
}

fn policy_show(config: &Config, date: Option<&str>) -> Result<ExitCode> {
    let set = load_policy(config.policy.as_deref())?;
    let date = business_date(date)?;
    let p = set.at(date).map_err(|e| anyhow::anyhow!("{e}"))?;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} ({}) — policy in force on {date}, from {}",
        set.centre_name, set.centre_code, set.file
    );
    let _ = writeln!(out, "  * = unverified (待核实)");
    let i = &p.deposit_interest;
    section(&mut out, "deposit interest 结息", i);
    item(&mut out, i, "rate_current_year", i.value.rate_current_year);
    item(
        &mut out,
        i,
        "rate_brought_forward",
        i.value.rate_brought_forward,
    );
    item(&mut out, i, "method", format!("{:?}", i.value.method));
    item(&mut out, i, "day_basis", i.value.day_basis);
    item(&mut out, i, "rounding", i.value.rounding.as_str());
    item(
        &mut out,
        i,
        "flexible_subsidy_percent",
        i.value.flexible_subsidy_percent,
    );
    let c = &p.contribution;
    section(&mut out, "contribution 缴存", c);
    item(&mut out, c, "base_floor", c.value.base_floor);
    item(&mut out, c, "base_cap", c.value.base_cap);
    item(&mut out, c, "rate_min_percent", c.value.rate_min);
    item(&mut out, c, "rate_max_percent", c.value.rate_max);
    item(&mut out, c, "rate_step_percent", c.value.rate_step);
    item(&mut out, c, "rounding", c.value.rounding.as_str());
    item(
        &mut out,
        c,
        "due_days_after_pay_day",
        c.value.due_days_after_pay_day,
    );
    item(
        &mut out,
        c,
        "flexible_min_monthly_percent_of_floor",
        c.value.flexible_min_monthly_percent_of_floor,
    );
    let r = &p.loan_rate;
    section(&mut out, "loan rates 贷款利率", r);
    item(
        &mut out,
        r,
        "first_home_up_to_5y",
        r.value.first_home_up_to_5y,
    );
    item(
        &mut out,
        r,
        "first_home_over_5y",
        r.value.first_home_over_5y,
    );
    item(
        &mut out,
        r,
        "second_home_up_to_5y",
        r.value.second_home_up_to_5y,
    );
    item(
        &mut out,
        r,
        "second_home_over_5y",
        r.value.second_home_over_5y,
    );
    let l = &p.loan_limit;
    section(&mut out, "loan limits 可贷额度", l);
    item(&mut out, l, "single_cap", l.value.single_cap);
    item(&mut out, l, "family_cap", l.value.family_cap);
    item(
        &mut out,
        l,
        "completed_home_bonus_percent",
        l.value.completed_home_bonus_percent,
    );
    item(&mut out, l, "balance_multiple", l.value.balance_multiple);
    item(
        &mut out,
        l,
        "income_ratio_percent",
        l.value.income_ratio_percent,
    );
    item(
        &mut out,
        l,
        "first_home_down_payment_percent",
        l.value.first_home_down_payment_percent,
    );
    item(
        &mut out,
        l,
        "second_home_down_payment_percent",
        l.value.second_home_down_payment_percent,
    );
    item(&mut out, l, "max_term_months", l.value.max_term_months);
    let rent = &p.rent;
    section(&mut out, "rent 租房提取", rent);
    item(
        &mut out,
        rent,
        "cap_per_person_month",
        rent.value.cap_per_person_month,
    );
    item(
        &mut out,
        rent,
        "cap_couple_month",
        rent.value.cap_couple_month,
    );
    item(
        &mut out,
        rent,
        "multi_child_uplift_percent",
        rent.value.multi_child_uplift_percent,
    );
    let ledger = &p.ledger;
    section(&mut out, "ledger 账务", ledger);
    item(
        &mut out,
        ledger,
        "allow_negative_member_balance",
        ledger.value.allow_negative_member_balance,
    );
    let sec = &p.security;
    section(&mut out, "security 安全", sec);
    item(
        &mut out,
        sec,
        "lockout_failures",
        sec.value.lockout_failures,
    );
    item(&mut out, sec, "lockout_minutes", sec.value.lockout_minutes);
    item(
        &mut out,
        sec,
        "idle_timeout_minutes",
        sec.value.idle_timeout_minutes,
    );
    item(
        &mut out,
        sec,
        "min_password_chars",
        sec.value.min_password_chars,
    );
    let _ = writeln!(out, "withdrawal reasons 提取原因:");
    for reason in &p.withdrawal_reasons {
        let mark = if reason.unverified.is_empty() {
            " "
        } else {
            "*"
        };
        let _ = writeln!(
            out,
            "  {mark}{} {}  closes_account={} housing={} (from {})",
            reason.code, reason.name, reason.closes_account, reason.housing, reason.effective_from
        );
    }
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::stdout().write_all(out.as_bytes());
    Ok(ExitCode::SUCCESS)
}

fn section<T>(out: &mut String, title: &str, dated: &Dated<T>) {
    let source = dated.source.as_deref().unwrap_or("-");
    let mark = if dated.is_verified("effective_from") {
        ""
    } else {
        "*"
    };
    let _ = writeln!(
        out,
        "{title}: version from {}{mark} [{source}]",
        dated.effective_from
    );
}

fn item<T>(out: &mut String, dated: &Dated<T>, key: &str, value: impl std::fmt::Display) {
    let mark = if dated.is_verified(key) { " " } else { "*" };
    let _ = writeln!(out, "  {mark}{key} = {value}");
}

/// The app over `store`, signing with the centre's keys from the key file
/// (`docs/trust.md`; made there on first use).
fn centre_app(
    config: &Config,
    store: std::sync::Arc<dyn anju_store::Store>,
    policy: anju_domain::policy::PolicySet,
) -> Result<App> {
    let keys = anju_app::trust::KeyRing::load_or_create(&config.key_file, &policy.centre_name)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let app = App::new(store, policy).with_keys(keys);
    Ok(app.with_identified_export_limit(config.identified_export_limit))
}
