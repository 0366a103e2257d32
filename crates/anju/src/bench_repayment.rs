//! `anju bench repayment` (P3): the monthly repayment run over a book of
//! loans (420 thousand by default, Suzhou's scale), in a fresh database,
//! printing one JSON line.
//!
//! The book is loaded through `import_loans` with its disbursements posted
//! (Dr 121 / Cr 101), each loan with its first `periods` installments (the
//! run reads only rows due by its day; a full 360-row schedule would add
//! rows it never touches). One loan in a hundred repays from a card the
//! bank refuses and one in a hundred from a card it half pays, so the runs
//! have shortfalls, overdue transfers and penalty interest. Three runs are
//! timed: the first due day, the second due day five days late (overdue
//! months collected with penalty), and a rerun of that day (nothing new).

use crate::bench::{cleanup, fresh_store, peak_rss_mib, round3};
use crate::config::Config;
use anju_app::App;
use anju_app::loan::RunSummary;
use anju_domain::ledger::{IdempotencyKey, Line, NewEntry};
use anju_domain::loan::{self, Installment, Method};
use anju_domain::policy::PolicySet;
use anju_domain::{Date, Fen, RatePpm};
use anju_store::{LoanRecord, Store};
use anyhow::{Result, anyhow, bail};
use std::time::Instant;

const CARD: &str = "62220201000041234";
const REFUSED_CARD: &str = "62220201000080000";
const HALF_CARD: &str = "6222020100000070001";
/// Distinct loan amounts (¥200,000 to ¥690,000): schedules are computed
/// once per amount.
const AMOUNT_BUCKETS: i64 = 50;
const LOANS_PER_IMPORT: usize = 10_000;
const MONTHS: u32 = 360;
const RATE_PPM: i64 = 26_000;

#[derive(serde::Serialize)]
struct RunFigures {
    seconds: f64,
    loans: u64,
    loans_per_s: f64,
    paid_in_full: u64,
    partly_paid: u64,
    unpaid: u64,
    collected_fen: i64,
    penalty_fen: i64,
    newly_overdue_fen: i64,
    entries: u64,
}

#[derive(serde::Serialize)]
struct RepaymentReport {
    scenario: &'static str,
    backend: &'static str,
    loans: u64,
    installments_seeded: u64,
    seed_seconds: f64,
    first_run: RunFigures,
    second_run: RunFigures,
    rerun: RunFigures,
    overdue_loans: i64,
    ledger_ok: bool,
    peak_rss_mib: u64,
}

fn figures(seconds: f64, s: &RunSummary) -> RunFigures {
    RunFigures {
        seconds: round3(seconds),
        loans: s.loans,
        loans_per_s: if seconds > 0.0 {
            (s.loans as f64 / seconds).round()
        } else {
            0.0
        },
        paid_in_full: s.paid_in_full,
        partly_paid: s.partly_paid,
        unpaid: s.unpaid,
        collected_fen: s.collected_fen,
        penalty_fen: s.penalty_fen,
        newly_overdue_fen: s.newly_overdue_fen,
        entries: s.entries,
    }
}

fn card_of(k: u64) -> &'static str {
    match k % 100 {
        0 => REFUSED_CARD,
        1 => HALF_CARD,
        _ => CARD,
    }
}

fn bench_loan(loan_id: i64, k: u64, amount_fen: i64, disbursed_on: Date) -> Result<LoanRecord> {
    Ok(anju_app::loan::imported_loan(
        loan_id,
        i64::try_from(k + 1)?,
        Fen::new(amount_fen),
        MONTHS,
        RatePpm::new(RATE_PPM).map_err(|e| anyhow!("{e}"))?,
        Method::Annuity,
        card_of(k),
        disbursed_on,
    ))
}

/// The first `periods` installments of each amount bucket's schedule.
fn bucket_schedules(periods: u32, disbursed_on: Date) -> Result<Vec<Vec<Installment>>> {
    (0..AMOUNT_BUCKETS)
        .map(|b| {
            let amount = Fen::new((200_000 + b * 10_000) * 100);
            let rate = RatePpm::new(RATE_PPM).map_err(|e| anyhow!("{e}"))?;
            let rows = loan::schedule(amount, MONTHS, rate, Method::Annuity, Some(disbursed_on))
                .map_err(|e| anyhow!("{e}"))?;
            Ok(rows.into_iter().take(periods as usize).collect())
        })
        .collect()
}

/// Loads `loans` loans and posts their disbursements, a page at a time.
pub(crate) async fn seed_book(
    app: &App,
    store: &dyn Store,
    loans: u64,
    periods: u32,
    disbursed_on: Date,
) -> Result<u64> {
    let schedules = bucket_schedules(periods, disbursed_on)?;
    let mut installments_seeded = 0u64;
    for first in (0..loans).step_by(LOANS_PER_IMPORT) {
        let last = (first + LOANS_PER_IMPORT as u64).min(loans);
        let mut book = Vec::new();
        let mut rows = Vec::new();
        let mut lines = Vec::new();
        for k in first..last {
            let bucket = usize::try_from(k % AMOUNT_BUCKETS as u64)?;
            let amount = (200_000 + i64::try_from(bucket)? * 10_000) * 100;
            let loan_id = i64::try_from(k + 1)?;
            book.push(bench_loan(loan_id, k, amount, disbursed_on)?);
            for r in &schedules[bucket] {
                rows.push(
                    anju_app::loan::installment_record(loan_id, r, disbursed_on)
                        .map_err(|e| anyhow!("{e}"))?,
                );
            }
            lines.push(Line::debit("121", Fen::new(amount)).for_loan(loan_id));
        }
        installments_seeded += rows.len() as u64;
        store.import_loans(&book, &rows).await?;
        let total: i64 = book.iter().map(|l| l.amount_fen.get()).sum();
        lines.push(Line::credit("101", Fen::new(total)));
        let key = IdempotencyKey::parse(&format!("bench-disburse-{first}"))
            .map_err(|e| anyhow!("{e}"))?;
        let entry = NewEntry::new("L01", disbursed_on, key, "贷款发放（基准）", lines)
            .map_err(|e| anyhow!("{e}"))?;
        app.ledger().post_entry(entry).await?;
    }
    Ok(installments_seeded)
}

async fn timed_run(app: &App, day: Date) -> Result<(f64, RunSummary)> {
    let started = Instant::now();
    let summary = app
        .loans()
        .run_repayments(day)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    Ok((started.elapsed().as_secs_f64(), summary))
}

pub async fn repayment(
    config: &Config,
    policy: &PolicySet,
    loans: u64,
    periods: u32,
) -> Result<()> {
    if loans == 0 || !(2..=MONTHS).contains(&periods) {
        bail!("need loans ≥ 1 and 2 ≤ periods ≤ 360");
    }
    let fresh = fresh_store(config, &policy.centre_code, "repayment").await?;
    let app = App::new(fresh.store.clone(), policy.clone());
    let day = |s: &str| Date::parse(s).map_err(|e| anyhow!("{e}"));
    let disbursed_on = day("2026-10-15")?;
    let started = Instant::now();
    let installments_seeded =
        seed_book(&app, fresh.store.as_ref(), loans, periods, disbursed_on).await?;
    fresh.store.refresh_loan_statistics().await?;
    let seed_seconds = started.elapsed().as_secs_f64();
    eprintln!("seeded {loans} loans, {installments_seeded} installments in {seed_seconds:.1} s");
    let (s1, first) = timed_run(&app, day("2026-11-15")?).await?;
    let (s2, second) = timed_run(&app, day("2026-12-15")?).await?;
    let (s3, rerun) = timed_run(&app, day("2026-12-15")?).await?;
    let check = app.ledger().check_ledger().await?;
    let book = fresh.store.loan_book().await?;
    let report = RepaymentReport {
        scenario: "repayment",
        backend: fresh.backend,
        loans,
        installments_seeded,
        seed_seconds: round3(seed_seconds),
        first_run: figures(s1, &first),
        second_run: figures(s2, &second),
        rerun: figures(s3, &rerun),
        overdue_loans: book.overdue_loans,
        ledger_ok: check.is_ok(),
        peak_rss_mib: peak_rss_mib(),
    };
    cleanup(fresh).await?;
    println!("{}", serde_json::to_string(&report)?);
    if !report.ledger_ok || rerun.entries > 0 || first.loans != loans {
        bail!("checks failed after the benchmark:\n{}", check.render());
    }
    Ok(())
}
