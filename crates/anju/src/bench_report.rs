//! `anju bench report` (P8): the yearly report over a seeded year, in a
//! fresh database, printing one JSON line.
//!
//! The year (2027) is made the way the centre makes it: members and
//! employers seeded (Suzhou's scale by default), the monthly remittance run
//! for every month (bills, lines and their entries; the day book kept by
//! posting), employers spread over the ten branches, a loan book imported
//! with its disbursement posted in March and its March repayment run, and
//! withdrawals — Dr 201 / Cr 101 entries posted in bulk with a paid
//! withdrawal record each — for one member in `WITHDRAWAL_EVERY`. Then the
//! report is built twice (a cold and a warm read) and rendered as HTML and
//! PDF; the timings are the report's, not the seeding's.

use crate::bench::{cleanup, fresh_store, peak_rss_mib, round3};
use crate::config::Config;
use anju_app::App;
use anju_app::access::Actor;
use anju_domain::access::Channel;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::policy::EvidenceKind;
use anju_domain::policy::PolicySet;
use anju_domain::withdrawal::WithdrawalStatus;
use anju_domain::{Date, Fen, Period};
use anju_store::{Store, WithdrawalRecord};
use anyhow::{Result, anyhow, bail};
use std::time::Instant;

const YEAR: i32 = 2027;
const OPENED: &str = "2026-12-01";
/// One member in this many withdraws once in the year (Suzhou: 2.15 million
/// withdrawers of 4.71 million members, so the default under-counts them;
/// the withdrawal queries scale linearly).
const WITHDRAWAL_EVERY: u64 = 20;
const WITHDRAWAL_FEN: i64 = 100_000;
const ENTRIES_PER_CALL: usize = 10_000;
const BRANCHES: i64 = 10;

#[derive(serde::Serialize)]
struct ReportBench {
    scenario: &'static str,
    backend: &'static str,
    members: u64,
    loans: u64,
    withdrawals: u64,
    months: u32,
    seed_seconds: f64,
    report_cold_s: f64,
    report_warm_s: f64,
    html_s: f64,
    pdf_s: f64,
    pdf_bytes: usize,
    branches: usize,
    contributing_members: i64,
    collection_fen: i64,
    withdrawal_rate: String,
    ledger_ok: bool,
    peak_rss_mib: u64,
}

pub async fn report(
    config: &Config,
    policy: &PolicySet,
    members: u64,
    loans: u64,
    months: u32,
    seed: u64,
) -> Result<()> {
    if !(1..=12).contains(&months) || loans > members {
        bail!("need 1 ≤ months ≤ 12 and loans ≤ members");
    }
    let fresh = fresh_store(config, &policy.centre_code, "report").await?;
    let app = App::new(fresh.store.clone(), policy.clone());
    let started = Instant::now();
    seed_year(&app, fresh.store.as_ref(), members, loans, months, seed).await?;
    let withdrawals = seed_withdrawals(&app, fresh.store.as_ref(), members).await?;
    let seed_seconds = started.elapsed().as_secs_f64();
    eprintln!("seeded the year in {seed_seconds:.1} s");
    let as_of = Date::from_ymd(YEAR + 1, 3, 31).map_err(|e| anyhow!("{e}"))?;
    let (report_cold_s, report) = timed_report(&app, as_of).await?;
    let (report_warm_s, _) = timed_report(&app, as_of).await?;
    let started = Instant::now();
    let html = anju_web::report_render::report_html(&report);
    let html_s = started.elapsed().as_secs_f64();
    let started = Instant::now();
    let pdf = anju_web::report_render::report_pdf(&report);
    let pdf_s = started.elapsed().as_secs_f64();
    let check = app.ledger().check_ledger().await?;
    let result = ReportBench {
        scenario: "report",
        backend: fresh.backend,
        members,
        loans,
        withdrawals,
        months,
        seed_seconds: round3(seed_seconds),
        report_cold_s: round3(report_cold_s),
        report_warm_s: round3(report_warm_s),
        html_s: round3(html_s),
        pdf_s: round3(pdf_s),
        pdf_bytes: pdf.len(),
        branches: report.branches.len(),
        contributing_members: report.figures.contributing_members,
        collection_fen: report.figures.collection_fen,
        withdrawal_rate: anju_domain::fund::indicators::withdrawal_rate(&report.figures)
            .map_or("—".to_string(), |r| r.percent_text(2)),
        ledger_ok: check.is_ok(),
        peak_rss_mib: peak_rss_mib(),
    };
    cleanup(fresh).await?;
    println!("{}", serde_json::to_string(&result)?);
    if !result.ledger_ok || html.is_empty() || !pdf.starts_with(b"%PDF") {
        bail!("checks failed after the benchmark:\n{}", check.render());
    }
    Ok(())
}

async fn timed_report(app: &App, as_of: Date) -> Result<(f64, anju_app::fund::AnnualReport)> {
    let started = Instant::now();
    let report = app
        .fund()
        .annual_report(YEAR, as_of)
        .await
        .map_err(|e| anyhow!("{e}"))?;
    Ok((started.elapsed().as_secs_f64(), report))
}

/// Members and employers, branches, the year's remittances and a loan book.
async fn seed_year(
    app: &App,
    store: &dyn Store,
    members: u64,
    loans: u64,
    months: u32,
    seed: u64,
) -> Result<()> {
    let spec = crate::seed::spec(members, seed, OPENED)?;
    let (seeded, seconds) = crate::seed::seed_with_progress(app, spec).await?;
    eprintln!("seeded {} members in {seconds:.1} s", seeded.members);
    spread_branches(store).await?;
    let actor = Actor::anonymous(Channel::Batch, "bench", "local");
    let bar = crate::seed::bar(members * u64::from(months), "a year of remittances");
    let mut period = Period::new(YEAR, 1).map_err(|e| anyhow!("{e}"))?;
    for month in 0..months {
        let done = members * u64::from(month);
        let progress = |n: u64| bar.set_position(done + n);
        app.collection()
            .run_remittances(&actor, period, "bank", &progress)
            .await
            .map_err(|e| anyhow!("remittance run {period}: {e}"))?;
        period = period.next().map_err(|e| anyhow!("{e}"))?;
    }
    bar.finish_and_clear();
    if loans > 0 {
        let disbursed = Date::from_ymd(YEAR, 3, 15).map_err(|e| anyhow!("{e}"))?;
        crate::bench_repayment::seed_book(app, store, loans, 12, disbursed).await?;
        store.refresh_loan_statistics().await?;
        let run_day = Date::from_ymd(YEAR, 4, 15).map_err(|e| anyhow!("{e}"))?;
        app.loans()
            .run_repayments(run_day)
            .await
            .map_err(|e| anyhow!("repayment run: {e}"))?;
    }
    Ok(())
}

/// Every employer, a page at a time, in one of the ten branches.
async fn spread_branches(store: &dyn Store) -> Result<()> {
    let mut after = 0;
    loop {
        let page = store.active_employers_after(after, 20_000).await?;
        let Some(last) = page.last() else { break };
        after = last.employer_id;
        let rows: Vec<(i64, String)> = page
            .iter()
            .map(|e| {
                (
                    e.employer_id,
                    format!("{:02}", e.employer_id % BRANCHES + 1),
                )
            })
            .collect();
        store.set_employer_branches(&rows).await?;
    }
    Ok(())
}

/// One withdrawal of ¥1,000.00 in June for every `WITHDRAWAL_EVERY`-th
/// member: the entries posted in bulk, then a paid record per entry.
async fn seed_withdrawals(app: &App, store: &dyn Store, members: u64) -> Result<u64> {
    let day = Date::from_ymd(YEAR, 6, 20).map_err(|e| anyhow!("{e}"))?;
    let ids = every_nth_member(store, members).await?;
    let bar = crate::seed::bar(ids.len() as u64, "withdrawals");
    for (n, chunk) in ids.chunks(ENTRIES_PER_CALL).enumerate() {
        let entries = chunk
            .iter()
            .map(|m| withdrawal_entry(*m, day))
            .collect::<Result<Vec<_>>>()?;
        let posted = app.ledger().post_entries(&entries).await?;
        for (member, entry) in chunk.iter().zip(&posted) {
            let record = withdrawal_record(store, *member, day, entry.entry_id.0);
            store.submit_withdrawal(&record, &[], false).await?;
            store
                .settle_withdrawal(record.withdrawal_id, true, "bench", Some(entry.entry_id.0))
                .await?;
        }
        bar.set_position(((n + 1) * ENTRIES_PER_CALL) as u64);
    }
    bar.finish_and_clear();
    Ok(ids.len() as u64)
}

/// The id of every `WITHDRAWAL_EVERY`-th member account, ascending.
async fn every_nth_member(store: &dyn Store, members: u64) -> Result<Vec<i64>> {
    let mut ids = Vec::with_capacity(usize::try_from(members / WITHDRAWAL_EVERY + 1)?);
    let (mut after, mut seen) = (0, 0u64);
    loop {
        let page = store.member_states_after(after, 50_000).await?;
        let Some((last, _)) = page.last() else { break };
        after = last.0;
        for (member, _) in &page {
            if seen % WITHDRAWAL_EVERY == 0 {
                ids.push(member.0);
            }
            seen += 1;
        }
    }
    Ok(ids)
}

fn withdrawal_entry(member: i64, day: Date) -> Result<NewEntry> {
    let amount = Fen::new(WITHDRAWAL_FEN);
    NewEntry::new(
        "C11",
        day,
        IdempotencyKey::parse(&format!("bench-withdrawal-{member}")).map_err(|e| anyhow!("{e}"))?,
        "部分提取（基准）",
        vec![
            Line::debit("201", amount).for_member(MemberId(member)),
            Line::credit("101", amount),
        ],
    )
    .map_err(|e| anyhow!("{e}"))
}

fn withdrawal_record(store: &dyn Store, member: i64, day: Date, entry_id: i64) -> WithdrawalRecord {
    WithdrawalRecord {
        withdrawal_id: store.reserve_ids(1),
        member_id: member,
        reason: if member % 3 == 0 { "03" } else { "07" }.to_string(),
        amount_fen: anju_domain::Fen::new(WITHDRAWAL_FEN),
        months: 1,
        evidence_kind: EvidenceKind::None,
        evidence_no: None,
        evidence_date: None,
        evidence_amount_fen: None,
        status: WithdrawalStatus::Approved,
        channel: "online".to_string(),
        applied_on: day,
        applicant: "bench".to_string(),
        rule: "基准".to_string(),
        needs_second: false,
        closes_account: false,
        bank_card: "62220201000041234".to_string(),
        prepared_by: None,
        approved_by: Some("bench".to_string()),
        note: String::new(),
        payout_reference: None,
        entry_id: Some(entry_id),
        request_key: format!("bench-withdrawal-{member}"),
        updated_at_us: 0,
        facts_source: String::new(),
        verification: None,
        verified_by: None,
    }
}
