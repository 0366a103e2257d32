//! Real crashes: a batch job is started as an `anju` process and killed with
//! SIGKILL at spread-out points, then started again until it finishes. The
//! ledger must then pass `anju check` and equal, account for account, the
//! ledger of the same job run once without interruption on a copy of the
//! same database.

mod common;

use common::run;

use anju_app::App;
use anju_app::access::Actor;
use anju_app::collection::batch::SeedSpec;
use anju_app::policy::load_policy;
use anju_domain::access::Channel;
use anju_domain::{Date, Period};
use anju_store::{BatchStore, LedgerStore};
use anju_store_sqlite::SqliteStore;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Kills that must land while the job is running.
const KILLS: usize = 20;

fn anju(data_dir: &Path, database: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_anju"));
    cmd.env_remove("ANJU_DATABASE_URL")
        .env_remove("ANJU_POLICY")
        .env_remove("ANJU_CONFIG")
        .env("ANJU_DATA_DIR", data_dir)
        // Jobs reach the outside parties: the built-in simulators here.
        .env("ANJU_REGISTRIES_ENDPOINT", "simulator")
        .env("ANJU_BANK_ENDPOINT", "simulator")
        .env("ANJU_MESSAGES_ENDPOINT", "simulator")
        .current_dir(data_dir)
        .arg("--database")
        .arg(format!("sqlite://{}", database.display()));
    cmd
}

async fn open(database: &Path) -> SqliteStore {
    let policy = load_policy(None).expect("policy");
    SqliteStore::open(
        &format!("sqlite://{}", database.display()),
        &policy.centre_code,
    )
    .await
    .expect("store")
}

/// A synthetic centre with `months` monthly remittances paid from June 2027:
/// what the 30 June 2028 settlement credits interest on.
async fn prepare(database: &Path, members: u64, months: u32) {
    let store = Arc::new(open(database).await);
    let app = App::new(store.clone(), load_policy(None).expect("policy"));
    let actor = Actor::anonymous(Channel::Batch, "crash", "local");
    let spec = SeedSpec {
        members,
        seed: 7,
        opened: Date::parse("2026-07-01").expect("date"),
    };
    app.collection()
        .seed_synthetic(&actor, spec, &|_| {})
        .await
        .expect("seed");
    let mut period = Period::parse("202706").expect("period");
    for _ in 0..months {
        app.collection()
            .run_remittances(&actor, period, "bank", &|_| {})
            .await
            .expect("remittances");
        period = period.next().expect("next");
    }
    store.close().await;
}

/// Every account's balance and every GL account's totals, to compare two
/// ledgers line by line.
async fn ledger_of(database: &Path) -> (Vec<String>, Vec<String>) {
    let store = open(database).await;
    assert!(store.check_ledger().await.expect("check").is_ok());
    let gl = store
        .gl_balances()
        .await
        .expect("gl")
        .iter()
        .map(|g| format!("{} {} {}", g.gl_code, g.debit.get(), g.credit.get()))
        .collect();
    let mut accounts = Vec::new();
    let mut after = 0;
    loop {
        let page = store
            .member_states_after(after, 1_000)
            .await
            .expect("states");
        let Some((last, _)) = page.last() else { break };
        after = last.0;
        accounts.extend(page.iter().map(|(m, s)| format!("{} {:?}", m.0, s)));
    }
    store.close().await;
    (gl, accounts)
}

/// A tiny deterministic generator: the same kill points every run.
struct Points(u64);

impl Points {
    fn fraction(&mut self) -> f64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// What the crashes did to a job.
#[derive(Debug, Default)]
struct Crashes {
    /// Processes started and killed (or found finished) at a point.
    tried: usize,
    /// Kills that landed while the process ran.
    landed: usize,
    /// Of those, kills after part of the job was posted and before all of it.
    between_posts: usize,
}

/// How far a job has got: the debits posted to one GL account.
struct Posted<'a> {
    store: &'a SqliteStore,
    gl_code: &'static str,
    full: i64,
}

impl Posted<'_> {
    async fn so_far(&self) -> i64 {
        self.store
            .gl_balances()
            .await
            .expect("gl")
            .into_iter()
            .find(|g| g.gl_code == self.gl_code)
            .map_or(0, |g| g.debit.get())
    }
}

fn start(data: &Path, database: &Path, job: &[&str]) -> std::process::Child {
    anju(data, database)
        .args(job)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn")
}

/// Kills `job` twice over, then lets it finish: first the moment each
/// commit of its postings is seen (so it dies with part of the job posted),
/// until it completes; then after a random part of `span` (startup, reading,
/// working out, posting, finishing), until `KILLS` kills in all have landed
/// while it ran.
async fn crash_until_done(
    data: &Path,
    database: &Path,
    job: &[&str],
    span: Duration,
    posted: &Posted<'_>,
) -> Crashes {
    let mut crashes = Crashes::default();
    let mut seen = posted.so_far().await;
    while seen < posted.full && crashes.tried < KILLS * 10 {
        let mut child = start(data, database, job);
        crashes.tried += 1;
        while child.try_wait().expect("try_wait").is_none() && posted.so_far().await == seen {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        crashes.landed += usize::from(kill(&mut child));
        seen = posted.so_far().await;
        crashes.between_posts += usize::from(seen > 0 && seen < posted.full);
    }
    let mut points = Points(0x5eed);
    while crashes.landed < KILLS && crashes.tried < KILLS * 10 {
        let mut child = start(data, database, job);
        tokio::time::sleep(span.mul_f64(points.fraction())).await;
        crashes.tried += 1;
        crashes.landed += usize::from(kill(&mut child));
    }
    let (code, out) = run(anju(data, database).args(job));
    assert_eq!(code, 0, "the run after the crashes finishes: {out}");
    crashes
}

/// SIGKILL unless it has already ended; whether the kill landed.
fn kill(child: &mut std::process::Child) -> bool {
    let running = child.try_wait().expect("try_wait").is_none();
    if running {
        child.kill().expect("SIGKILL");
    }
    child.wait().expect("wait");
    running
}

/// `anju interest settle`, killed at twenty or more points, ends with the
/// ledger of one uninterrupted settlement.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_settlement_killed_at_twenty_points_ends_as_one_uninterrupted_run() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let straight = data.join("straight.db");
    let crashed = data.join("crashed.db");
    // 40,000 accounts are four posts of 10,000: kills land before, between
    // and after them.
    prepare(&straight, 40_000, 2).await;
    std::fs::copy(&straight, &crashed).expect("copy");
    let job = [
        "interest",
        "settle",
        "--year",
        "2028",
        "--date",
        "2028-07-01",
    ];

    let started = Instant::now();
    let (code, out) = run(anju(data, &straight).args(job));
    let span = started.elapsed();
    assert_eq!(code, 0, "{out}");
    let settled: serde_json::Value = serde_json::from_str(out.lines().last().expect("line"))
        .unwrap_or_else(|e| panic!("{e}: {out}"));
    let full = settled["interest_fen"].as_i64().expect("interest");
    assert!(full > 0, "{out}");

    let store = open(&crashed).await;
    let posted = Posted {
        store: &store,
        gl_code: "41101",
        full,
    };
    let crashes = crash_until_done(data, &crashed, &job, span, &posted).await;
    store.close().await;
    eprintln!("settlement of {out}in {span:?}: {crashes:?}");
    assert!(crashes.landed >= KILLS, "{crashes:?}");
    // Four posts of 10,000 accounts: killed after each of the first three.
    assert!(crashes.between_posts >= 3, "{crashes:?}");

    let (code, out) = run(anju(data, &crashed).arg("check"));
    assert_eq!(code, 0, "{out}");
    assert_eq!(ledger_of(&crashed).await, ledger_of(&straight).await);
}
