//! `anju bench withdrawal` (P5): one withdrawal at a time, many at once — the
//! counter flow a clerk runs for an amount within the second-approval limit
//! (eligibility from the store, the application, the hold, the posting, the
//! bank payout, the audit row), in a fresh database, printing one JSON line.

use crate::bench::{cleanup, fresh_store, peak_rss_mib, round3};
use crate::config::Config;
use anju_app::App;
use anju_app::access::{Actor, Principal};
use anju_app::withdrawal::WithdrawalApplication;
use anju_domain::access::Role;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::policy::PolicySet;
use anju_domain::withdrawal::WithdrawalRequest;
use anju_domain::withdrawal::WithdrawalStatus;
use anju_domain::{Date, Fen};
use anju_store::{MemberRecord, Store};
use anyhow::{Result, bail};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

const CARD: &str = "62220201000041234";
/// Each member starts with this much, and each withdrawal takes ¥100.
const OPENING_FEN: i64 = 50_000_00;
const AMOUNT_FEN: i64 = 100_00;
/// Rent allows ¥1,500 a month: 15 withdrawals of ¥100 per member.
const MAX_PER_MEMBER: u64 = 15;

#[derive(serde::Serialize)]
struct WithdrawalReport {
    scenario: &'static str,
    backend: &'static str,
    members: u64,
    withdrawals: u64,
    concurrency: u64,
    seconds: f64,
    withdrawals_per_s: f64,
    p50_ms: f64,
    p99_ms: f64,
    refused: u64,
    ledger_ok: bool,
    /// Leaves in the log at the end (every audit row), and whether the log
    /// re-derives from the records.
    log_leaves: u64,
    log_ok: bool,
    peak_rss_mib: u64,
}

fn clerk() -> Actor {
    Actor::of(
        Principal {
            user_id: 0,
            login: "bench-clerk".to_string(),
            display_name: "柜员".to_string(),
            role: Role::Clerk,
            member_id: None,
            employer_id: None,
        },
        "bench",
        "local",
    )
}

async fn seed_members(app: &App, store: &dyn Store, members: u64, today: Date) -> Result<()> {
    let opened = today.add_days(-400).map_err(|e| anyhow::anyhow!("{e}"))?;
    for first in (0..members).step_by(1_000) {
        let last = (first + 1_000).min(members);
        let mut records = Vec::new();
        let mut lines = Vec::new();
        for k in first..last {
            let id_card = anju_app::collection::batch::member_id_card(k, 7)
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            let member_id = i64::try_from(k + 1)?;
            let wage = anju_domain::Fen::new(10_000_00);
            records.push(MemberRecord::active(
                member_id,
                id_card.as_str(),
                "职工",
                1,
                wage,
                1,
            ));
            lines.push(Line::credit("201", Fen::new(OPENING_FEN)).for_member(MemberId(member_id)));
        }
        store.enrol_members(&records, opened).await?;
        let total = Fen::new(OPENING_FEN * i64::try_from(records.len())?);
        lines.insert(0, Line::debit("101", total));
        let entry = NewEntry::new(
            "C01",
            today.add_days(-30).map_err(|e| anyhow::anyhow!("{e}"))?,
            IdempotencyKey::parse(&format!("bench-open-{first}"))
                .map_err(|e| anyhow::anyhow!("{e}"))?,
            "开户余额",
            lines,
        )
        .map_err(|e| anyhow::anyhow!("{e}"))?;
        app.ledger().post_entry(entry).await?;
    }
    Ok(())
}

pub async fn withdrawal(
    config: &Config,
    policy: &PolicySet,
    members: u64,
    withdrawals: u64,
    concurrency: u64,
) -> Result<()> {
    if members == 0 || concurrency == 0 || withdrawals > members * MAX_PER_MEMBER {
        bail!("need members ≥ 1, concurrency ≥ 1 and withdrawals ≤ 15 × members");
    }
    let fresh = fresh_store(config, &policy.centre_code, "withdrawal").await?;
    let app = App::new(fresh.store.clone(), policy.clone());
    let today = anju_app::clock::today_in_china();
    seed_members(&app, fresh.store.as_ref(), members, today).await?;
    eprintln!("seeded {members} members; {withdrawals} withdrawals at concurrency {concurrency}");
    let next = Arc::new(AtomicU64::new(0));
    let refused = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    // The log's sequencer runs beside the workers as `serve` runs it, so the
    // figure includes logging every audit row.
    let running = Arc::new(std::sync::atomic::AtomicBool::new(true));
    let sequencer = crate::run::spawn_sequencer(app.clone(), running.clone());
    let mut workers = tokio::task::JoinSet::new();
    for _ in 0..concurrency {
        let (app, next, refused) = (app.clone(), next.clone(), refused.clone());
        workers.spawn(async move {
            let mut latencies = Vec::new();
            let actor = clerk();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= withdrawals {
                    return latencies;
                }
                let member_id = i64::try_from(i % members + 1).unwrap_or(1);
                let application = WithdrawalApplication {
                    request: WithdrawalRequest {
                        reason: "07".to_string(),
                        amount: Fen::new(AMOUNT_FEN),
                        months: 1,
                        ..WithdrawalRequest::default()
                    },
                    bank_card: CARD.to_string(),
                    documents: Vec::new(),
                    request_key: format!("bench-{i}"),
                };
                let t = Instant::now();
                match app
                    .withdrawals()
                    .apply_withdrawal(&actor, member_id, application, today)
                    .await
                {
                    Ok(w) if w.status == WithdrawalStatus::Paid => {}
                    _ => {
                        refused.fetch_add(1, Ordering::Relaxed);
                    }
                }
                latencies.push(t.elapsed().as_secs_f64() * 1000.0);
            }
        });
    }
    let mut latencies = Vec::new();
    while let Some(done) = workers.join_next().await {
        latencies.extend(done?);
    }
    let seconds = started.elapsed().as_secs_f64();
    running.store(false, Ordering::Relaxed);
    sequencer.await?;
    app.trust().sequence().await?;
    let logged = app
        .trust()
        .latest_checkpoint()
        .await?
        .map_or(0, |c| c.tree_size);
    let log_ok = app.trust().check_log(app.keys()?.published()).await?.ok();
    latencies.sort_by(|a, b| a.total_cmp(b));
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64) * q) as usize)
            .copied()
            .unwrap_or(0.0)
    };
    let refused = refused.load(Ordering::Relaxed);
    let check = fresh.store.check_ledger().await?;
    let paid = i64::try_from(withdrawals - refused)?;
    let expected_201 = Fen::new(OPENING_FEN * i64::try_from(members)? - AMOUNT_FEN * paid);
    let gl_201 = fresh
        .store
        .gl_balances()
        .await?
        .into_iter()
        .find(|g| g.gl_code == "201")
        .map_or(Fen::ZERO, |g| Fen::new(g.credit.get() - g.debit.get()));
    let report = WithdrawalReport {
        scenario: "withdrawal",
        backend: fresh.backend,
        members,
        withdrawals,
        concurrency,
        seconds: round3(seconds),
        withdrawals_per_s: (withdrawals as f64 / seconds).round(),
        p50_ms: round3(at(0.50)),
        p99_ms: round3(at(0.99)),
        refused,
        ledger_ok: check.is_ok() && gl_201 == expected_201,
        log_leaves: logged,
        log_ok,
        peak_rss_mib: peak_rss_mib(),
    };
    cleanup(fresh).await?;
    println!("{}", serde_json::to_string(&report)?);
    if !report.ledger_ok || !report.log_ok || refused > 0 {
        bail!(
            "checks failed after the benchmark ({refused} refused, GL 201 {gl_201}, expected {expected_201}, log ok {})",
            report.log_ok
        );
    }
    Ok(())
}
