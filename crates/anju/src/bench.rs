//! `anju bench post` (bulk posting) and `anju bench remittance` (a month of
//! remittances, P1), each measured against a raw insert of the same rows in a
//! fresh database, printing one JSON line. Run from a release build.

use crate::config::Config;
use crate::run::open_store;
use anju_app::App;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::policy::PolicySet;
use anju_domain::{Date, Fen};
use anju_store::Store;
use anyhow::{Context, Result, bail};
use indicatif::{ProgressBar, ProgressStyle};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Rows one entry writes: the entry and its two lines.
const ROWS_PER_ENTRY: u64 = 3;
const ACCOUNTS_PER_CALL: u64 = 10_000;

/// The one JSON line `bench post` prints (field order is the output order).
#[derive(serde::Serialize)]
struct PostReport {
    scenario: &'static str,
    backend: &'static str,
    entries: u64,
    members: u64,
    batch: u64,
    rows: u64,
    seconds: f64,
    rows_per_s: f64,
    baseline_rows: u64,
    baseline_seconds: f64,
    baseline_rows_per_s: f64,
    ratio: f64,
    ledger_ok: bool,
    peak_rss_mib: u64,
}

pub(crate) struct Fresh {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) backend: &'static str,
    cleanup: Cleanup,
}

enum Cleanup {
    SqliteFile(std::path::PathBuf),
    PgSchema(Arc<anju_store_postgres::PgStore>, String),
}

pub async fn post(
    config: &Config,
    policy: &PolicySet,
    entries: u64,
    members: u64,
    batch: u64,
) -> Result<()> {
    if entries == 0
        || members == 0
        || batch == 0
        || batch > anju_app::ledger::MAX_ENTRIES_PER_BATCH as u64
    {
        bail!(
            "entries and members must be positive; batch 1..={}",
            anju_app::ledger::MAX_ENTRIES_PER_BATCH
        );
    }
    let fresh = fresh_store(config, &policy.centre_code, "post").await?;
    let app = App::new(fresh.store.clone(), policy.clone());
    open_accounts(&app, members).await?;
    let value_date = Date::parse("2026-11-10").map_err(|e| anyhow::anyhow!("{e}"))?;

    let bar = progress(entries * 2);
    let mut posting = Duration::ZERO;
    let mut expected_total = 0i64;
    for start in (0..entries).step_by(batch as usize) {
        let chunk = make_batch(start, batch.min(entries - start), members, value_date)?;
        expected_total += chunk.iter().map(|e| e.total_debit().get()).sum::<i64>();
        let t = Instant::now();
        app.ledger().post_entries(&chunk).await?;
        posting += t.elapsed();
        bar.inc(chunk.len() as u64);
    }
    let mut baseline = Duration::ZERO;
    let mut baseline_rows = 0u64;
    for start in (0..entries).step_by(batch as usize) {
        let chunk = make_batch(start, batch.min(entries - start), members, value_date)?;
        let t = Instant::now();
        baseline_rows += fresh.store.raw_insert_baseline(&chunk).await?;
        baseline += t.elapsed();
        bar.inc(chunk.len() as u64);
    }
    bar.finish_and_clear();
    fresh.store.drop_baseline().await?;

    let check = fresh.store.check_ledger().await?;
    let ledger_ok = check.is_ok()
        && check.gl_201 == Fen::new(expected_total)
        && check.entries as u64 == entries;
    let rows = entries * ROWS_PER_ENTRY;
    let seconds = posting.as_secs_f64();
    let baseline_seconds = baseline.as_secs_f64();
    let report = PostReport {
        scenario: "post",
        backend: fresh.backend,
        entries,
        members,
        batch,
        rows,
        seconds: round3(seconds),
        rows_per_s: (rows as f64 / seconds).round(),
        baseline_rows,
        baseline_seconds: round3(baseline_seconds),
        baseline_rows_per_s: (baseline_rows as f64 / baseline_seconds).round(),
        ratio: round3(seconds / baseline_seconds),
        ledger_ok,
        peak_rss_mib: peak_rss_mib(),
    };
    cleanup(fresh).await?;
    println!("{}", serde_json::to_string(&report)?);
    if !ledger_ok {
        bail!(
            "ledger check failed after the benchmark:\n{}",
            check.render()
        );
    }
    Ok(())
}

pub(crate) async fn fresh_store(
    config: &Config,
    centre_code: &str,
    scenario: &str,
) -> Result<Fresh> {
    let tag = format!("{}_{}", std::process::id(), anju_store::now_micros());
    let url = &config.database_url;
    if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        let schema = format!("bench_{tag}");
        let store = Arc::new(
            anju_store_postgres::PgStore::open_in_schema(
                url,
                centre_code,
                Some(&schema),
                crate::run::personal_seal(config)?,
            )
            .await?,
        );
        return Ok(Fresh {
            store: store.clone(),
            backend: "postgres",
            cleanup: Cleanup::PgSchema(store, schema),
        });
    }
    let path = config.data_dir.join(format!("bench-{scenario}-{tag}.db"));
    let url = format!("sqlite://{}", path.display());
    let store = open_store(&url, centre_code, config).await?;
    Ok(Fresh {
        store,
        backend: "sqlite",
        cleanup: Cleanup::SqliteFile(path),
    })
}

pub(crate) async fn cleanup(fresh: Fresh) -> Result<()> {
    match fresh.cleanup {
        Cleanup::PgSchema(store, schema) => store.drop_schema(&schema).await?,
        Cleanup::SqliteFile(path) => {
            drop(fresh.store);
            for suffix in ["", "-wal", "-shm"] {
                let file = std::path::PathBuf::from(format!("{}{suffix}", path.display()));
                let _ = std::fs::remove_file(file);
            }
        }
    }
    Ok(())
}

async fn open_accounts(app: &App, members: u64) -> Result<()> {
    let opened = Date::parse("2026-07-01").map_err(|e| anyhow::anyhow!("{e}"))?;
    for start in (1..=members).step_by(ACCOUNTS_PER_CALL as usize) {
        let end = (start + ACCOUNTS_PER_CALL - 1).min(members);
        let accounts: Vec<(MemberId, Date)> = (start..=end)
            .map(|m| (MemberId(m as i64), opened))
            .collect();
        app.ledger()
            .open_member_accounts(&accounts)
            .await
            .context("opening accounts")?;
    }
    Ok(())
}

/// Entries `start..start+count`: a credit to a member spread over the accounts.
fn make_batch(start: u64, count: u64, members: u64, value_date: Date) -> Result<Vec<NewEntry>> {
    (start..start + count)
        .map(|i| {
            let member = MemberId(((i * 7_919) % members + 1) as i64);
            let amount = Fen::new(100_00 + ((i * 31) % 500_00) as i64);
            let key =
                IdempotencyKey::parse(&format!("bench-{i}")).map_err(|e| anyhow::anyhow!("{e}"))?;
            let lines = vec![
                Line::debit("101", amount),
                Line::credit("201", amount).for_member(member),
            ];
            NewEntry::new("C01", value_date, key, "bench", lines)
                .map_err(|e| anyhow::anyhow!("{e}"))
        })
        .collect()
}

fn progress(total: u64) -> ProgressBar {
    let bar = ProgressBar::new(total);
    if let Ok(style) = ProgressStyle::with_template(
        "{spinner} {msg} [{bar:40}] {pos}/{len} entries ({per_sec}, eta {eta})",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message("posting, then raw baseline");
    bar
}

pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// Peak resident set (VmHWM) from /proc, in MiB; 0 where /proc is missing.
pub(crate) fn peak_rss_mib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| {
                l.split_whitespace()
                    .nth(1)
                    .and_then(|kb| kb.parse::<u64>().ok())
            })
        })
        .map_or(0, |kb| kb / 1024)
}

/// The one JSON line `bench remittance` prints (field order is the output order).
#[derive(serde::Serialize)]
struct RemittanceReport {
    scenario: &'static str,
    backend: &'static str,
    employers: u64,
    members: u64,
    rows: u64,
    seconds: f64,
    rows_per_s: f64,
    baseline_seconds: f64,
    ratio: f64,
    ledger_ok: bool,
    peak_rss_mib: u64,
}

/// The month the benchmark collects, and the day its accounts open.
const BENCH_PERIOD: u32 = 202_611;
const BENCH_OPENED: &str = "2026-07-01";

/// Seeds `members` into a fresh database, times the month's remittance run
/// (`App::run_remittances`), then times a raw insert of the same rows.
pub async fn remittance(
    config: &Config,
    policy: &PolicySet,
    members: u64,
    seed: u64,
) -> Result<()> {
    let spec = crate::seed::spec(members, seed, BENCH_OPENED)?;
    let period =
        anju_domain::Period::from_yyyymm(BENCH_PERIOD).map_err(|e| anyhow::anyhow!("{e}"))?;
    let fresh = fresh_store(config, &policy.centre_code, "remittance").await?;
    let app = App::new(fresh.store.clone(), policy.clone());
    let (seeded, seed_seconds) = crate::seed::seed_with_progress(&app, spec).await?;
    eprintln!(
        "seeded {} employers (largest {}, {} under 20 staff), {} members in {seed_seconds:.1} s, \
         average monthly contribution {}",
        seeded.employers,
        seeded.largest_employer,
        seeded.employers_under_20,
        seeded.members,
        Fen::new(seeded.monthly_contributions.get() / i64::try_from(members.max(1))?)
    );

    let bar = crate::seed::bar(members * 2, "remittances, then raw baseline");
    let actor =
        anju_app::access::Actor::anonymous(anju_domain::access::Channel::Batch, "bench", "local");
    let started = Instant::now();
    let progress = |done: u64| bar.set_position(done);
    let run = app
        .collection()
        .run_remittances(&actor, period, "bank", &progress)
        .await
        .map_err(|e| anyhow::anyhow!("remittance run: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    let t = run.timings;
    eprintln!(
        "run {seconds:.1} s: plan {:.1} s, save bills {:.1} s, collect {:.1} s, post {:.1} s, mark paid {:.1} s",
        t.plan.as_secs_f64(),
        t.save_bills.as_secs_f64(),
        t.collect.as_secs_f64(),
        t.post.as_secs_f64(),
        t.mark_paid.as_secs_f64()
    );
    let (baseline_rows, baseline) =
        remittance_baseline(&app, fresh.store.as_ref(), period, &bar).await?;
    bar.finish_and_clear();
    fresh.store.drop_baseline().await?;
    fresh.store.drop_bills_baseline().await?;

    eprintln!("peak RSS before the ledger check: {} MiB", peak_rss_mib());
    let check = fresh.store.check_ledger().await?;
    let ledger_ok = check.is_ok()
        && run.member_credits == run.employer_debits
        && check.gl_201 == run.member_credits
        && check.entries as u64 == run.entries_posted
        && run.bills_paid == seeded.employers
        && run.members == members;
    let rows = run.rows();
    if baseline_rows != rows {
        bail!("the baseline wrote {baseline_rows} rows, the run {rows}");
    }
    let baseline_seconds = baseline.as_secs_f64();
    let report = RemittanceReport {
        scenario: "remittance",
        backend: fresh.backend,
        employers: run.employers,
        members: run.members,
        rows,
        seconds: round3(seconds),
        rows_per_s: (rows as f64 / seconds).round(),
        baseline_seconds: round3(baseline_seconds),
        ratio: round3(seconds / baseline_seconds),
        ledger_ok,
        peak_rss_mib: peak_rss_mib(),
    };
    cleanup(fresh).await?;
    println!("{}", serde_json::to_string(&report)?);
    if !ledger_ok {
        bail!(
            "checks failed after the benchmark (credits {}, debits {}, GL 201 {}):\n{}",
            run.member_credits,
            run.employer_debits,
            check.gl_201,
            check.render()
        );
    }
    Ok(())
}

/// The same rows as the run — each employer's bill, its lines, the entry and
/// its lines — rebuilt page by page and inserted raw into twin tables. Only the
/// inserts are timed.
async fn remittance_baseline(
    app: &App,
    store: &dyn Store,
    period: anju_domain::Period,
    bar: &ProgressBar,
) -> Result<(u64, Duration)> {
    let (mut bills, mut ledger) = (Duration::ZERO, Duration::ZERO);
    let mut rows = 0u64;
    let mut after = 0;
    while let Some(page) = app
        .collection()
        .plan_remittance_page(after, period, false)
        .await
        .map_err(|e| anyhow::anyhow!("baseline: {e}"))?
    {
        after = page.last_employer;
        let entries = page
            .to_pay
            .iter()
            .map(|b| anju_app::collection::batch::bill_entry(b.bill_id, &b.bill, b.bill.due_date))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| anyhow::anyhow!("baseline: {e}"))?;
        let t = Instant::now();
        rows += store.raw_insert_bills_baseline(&page.new_bills).await?;
        bills += t.elapsed();
        let t = Instant::now();
        let per_call = anju_app::collection::batch::lines_per_post(store.backend());
        for chunk in entries_by_lines(&entries, per_call) {
            rows += store.raw_insert_baseline(chunk).await?;
        }
        ledger += t.elapsed();
        bar.inc(page.members);
    }
    eprintln!(
        "baseline {:.1} s: bills {:.1} s, entries and lines {:.1} s",
        (bills + ledger).as_secs_f64(),
        bills.as_secs_f64(),
        ledger.as_secs_f64()
    );
    Ok((rows, bills + ledger))
}

/// Splits entries into runs of about `per_call` lines, as the run posts them.
fn entries_by_lines(entries: &[NewEntry], per_call: usize) -> Vec<&[NewEntry]> {
    let mut chunks = Vec::new();
    let (mut start, mut lines) = (0, 0);
    for (i, e) in entries.iter().enumerate() {
        lines += e.lines.len();
        if lines >= per_call {
            chunks.push(&entries[start..=i]);
            (start, lines) = (i + 1, 0);
        }
    }
    if start < entries.len() {
        chunks.push(&entries[start..]);
    }
    chunks
}

/// The one JSON line `bench interest` prints (field order is the output order).
#[derive(serde::Serialize)]
struct InterestReport {
    scenario: &'static str,
    backend: &'static str,
    accounts: u64,
    months_posted: u32,
    credited: u64,
    interest_fen: i64,
    seconds: f64,
    accounts_per_s: f64,
    from_history: u64,
    ledger_ok: bool,
    peak_rss_mib: u64,
}

/// The interest year the benchmark settles: 2027-07-01 … 2028-06-30. Its
/// twelve months of remittances are June 2027 … May 2028: each is paid within
/// the year (June's by early July), as by the night of 30 June when the
/// settlement runs — nothing is yet valued in the next year.
const BENCH_INTEREST_YEAR_END: i32 = 2028;

/// `bench interest` (P2): seed, post `months` monthly remittances of the
/// interest year (from June), then time the 30 June settlement over every
/// account; check Σ interest = GL 41101 and the ledger.
pub async fn interest(
    config: &Config,
    policy: &PolicySet,
    members: u64,
    seed: u64,
    months: u32,
) -> Result<()> {
    if !(1..=12).contains(&months) {
        bail!("--months must be 1 to 12");
    }
    let spec = crate::seed::spec(members, seed, BENCH_OPENED)?;
    let fresh = fresh_store(config, &policy.centre_code, "interest").await?;
    let app = App::new(fresh.store.clone(), policy.clone());
    let (seeded, seed_seconds) = crate::seed::seed_with_progress(&app, spec).await?;
    eprintln!("seeded {} members in {seed_seconds:.1} s", seeded.members);
    let actor =
        anju_app::access::Actor::anonymous(anju_domain::access::Channel::Batch, "bench", "local");
    let bar = crate::seed::bar(members * u64::from(months), "a year of remittances");
    let mut period = anju_domain::Period::new(BENCH_INTEREST_YEAR_END - 1, 6)
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let posting = Instant::now();
    for month in 0..months {
        let done = members * u64::from(month);
        let progress = |n: u64| bar.set_position(done + n);
        app.collection()
            .run_remittances(&actor, period, "bank", &progress)
            .await
            .map_err(|e| anyhow::anyhow!("remittance run {period}: {e}"))?;
        period = period.next().map_err(|e| anyhow::anyhow!("{e}"))?;
    }
    bar.finish_and_clear();
    eprintln!(
        "posted {months} months in {:.1} s",
        posting.elapsed().as_secs_f64()
    );
    let bar = crate::seed::bar(members, "settlement");
    let started = Instant::now();
    let run = app
        .interest()
        .settle_interest(
            &actor,
            anju_domain::InterestYear::ending(BENCH_INTEREST_YEAR_END),
            anju_domain::Date::from_ymd(BENCH_INTEREST_YEAR_END, 7, 1)
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            anju_app::interest::SettleOptions::default(),
            &|n| bar.set_position(n),
        )
        .await
        .map_err(|e| anyhow::anyhow!("settlement: {e}"))?;
    let seconds = started.elapsed().as_secs_f64();
    bar.finish_and_clear();
    let peak = peak_rss_mib();
    let check = fresh.store.check_ledger().await?;
    let expense = fresh
        .store
        .gl_balances()
        .await?
        .into_iter()
        .find(|g| g.gl_code == "41101")
        .map_or(Fen::ZERO, |g| g.debit);
    let ledger_ok = check.is_ok() && expense == run.interest && run.accounts == members;
    let report = InterestReport {
        scenario: "interest",
        backend: fresh.backend,
        accounts: run.accounts,
        months_posted: months,
        credited: run.credited,
        interest_fen: run.interest.get(),
        seconds: round3(seconds),
        accounts_per_s: (run.accounts as f64 / seconds).round(),
        from_history: run.from_history,
        ledger_ok,
        peak_rss_mib: peak,
    };
    cleanup(fresh).await?;
    println!("{}", serde_json::to_string(&report)?);
    if !ledger_ok {
        bail!(
            "checks failed after the benchmark (Σ interest {}, GL 41101 {}):\n{}",
            run.interest,
            expense,
            check.render()
        );
    }
    Ok(())
}
