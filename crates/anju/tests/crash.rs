//! Real crashes. A batch job is started as an `anju` process and killed with
//! SIGKILL at spread-out points, then started again until it finishes: the
//! ledger must then pass `anju check` and equal, account for account, the
//! ledger of the same job run once without interruption on a copy of the
//! same database. And `anju serve` is killed and restarted under a stream of
//! API payments, each request sent again with its idempotency key until
//! answered: every payment must land exactly once.

mod common;

use common::run;

use anju_app::App;
use anju_app::access::Actor;
use anju_app::collection::batch::SeedSpec;
use anju_app::policy::load_policy;
use anju_domain::access::Channel;
use anju_domain::ledger::{IdempotencyKey, Line, NewEntry};
use anju_domain::loan::{self, Method};
use anju_domain::withdrawal::{AgreementKind, AgreementStatus, WithdrawalStatus};
use anju_domain::{Date, Fen, Period, RatePpm};
use anju_store::{BatchStore, LedgerStore, LoanStore, RepaymentAgreementRecord, WithdrawalStore};
use anju_store_sqlite::SqliteStore;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The bank simulator pays from this card and refuses the other.
const CARD: &str = "62220201000041234";
const REFUSED_CARD: &str = "62220201000080000";

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
    // The key the commands use: the data directory's, made by whoever
    // comes first.
    let data = database
        .parent()
        .expect("the database is in the data directory");
    let seal = anju_store::PersonalSeal::load_or_create(&data.join("keys").join("personal.key"))
        .expect("key");
    SqliteStore::open(
        &format!("sqlite://{}", database.display()),
        &policy.centre_code,
        seal,
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

/// A job's report: the JSON object on its last line of output.
fn json(text: &str) -> serde_json::Value {
    let last = text.lines().last().unwrap_or_default();
    serde_json::from_str(last).unwrap_or_else(|e| panic!("{e}: {text}"))
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

/// How far a job has got: the amounts posted to one GL account (debits and
/// credits together).
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
            .map_or(0, |g| g.debit.get() + g.credit.get())
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
/// until it completes; then after a random part of `span` — how long a run
/// takes that finds the job done (startup, reading, checking what is
/// posted, finishing) — until `KILLS` kills in all have landed while it ran.
async fn crash_until_done(
    data: &Path,
    database: &Path,
    job: &[&str],
    span: Duration,
    posted: &Posted<'_>,
) -> Crashes {
    let mut crashes = Crashes::default();
    let from = posted.so_far().await;
    let mut seen = from;
    while seen < posted.full && crashes.tried < KILLS * 10 {
        let mut child = start(data, database, job);
        crashes.tried += 1;
        while child.try_wait().expect("try_wait").is_none() && posted.so_far().await == seen {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        crashes.landed += usize::from(kill(&mut child));
        seen = posted.so_far().await;
        crashes.between_posts += usize::from(seen > from && seen < posted.full);
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

/// Runs `job` once on `straight` (and again, to time a run that finds the
/// work done), then crashes it on `crashed`, a copy made before, until done
/// (`crash_until_done`, progress read from `gl_code`): at least `KILLS`
/// kills landed, three of them between commits, `anju check` passes and the
/// two ledgers are equal. The uninterrupted run's output.
async fn crash_against_straight(
    data: &Path,
    straight: &Path,
    crashed: &Path,
    job: &[&str],
    gl_code: &'static str,
) -> String {
    let (code, out) = run(anju(data, straight).args(job));
    assert_eq!(code, 0, "{out}");
    let again = Instant::now();
    let (code, rerun) = run(anju(data, straight).args(job));
    assert_eq!(code, 0, "{rerun}");
    let span = again.elapsed();
    let reference = open(straight).await;
    let full = Posted {
        store: &reference,
        gl_code,
        full: 0,
    }
    .so_far()
    .await;
    reference.close().await;

    let store = open(crashed).await;
    let posted = Posted {
        store: &store,
        gl_code,
        full,
    };
    let crashes = crash_until_done(data, crashed, job, span, &posted).await;
    store.close().await;
    eprintln!("{job:?}: {out}a rerun takes {span:?}: {crashes:?}");
    assert!(crashes.landed >= KILLS, "{crashes:?}");
    // Four commits: killed after each of the first three.
    assert!(crashes.between_posts >= 3, "{crashes:?}");
    let (code, check) = run(anju(data, crashed).arg("check"));
    assert_eq!(code, 0, "{check}");
    assert_eq!(ledger_of(crashed).await, ledger_of(straight).await);
    out
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

    let out = crash_against_straight(data, &straight, &crashed, &job, "41101").await;
    let settled = json(&out);
    assert!(settled["credited"].as_u64() > Some(0), "{out}");
}

/// `anju remittance` over 80,000 members (five or so posts of 20,000
/// lines), killed at twenty or more points, ends with the ledger of one
/// uninterrupted run, and a run after it finds nothing left to bill or post.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_remittance_run_killed_at_twenty_points_ends_as_one_uninterrupted_run() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let straight = data.join("straight.db");
    let crashed = data.join("crashed.db");
    prepare(&straight, 80_000, 0).await;
    std::fs::copy(&straight, &crashed).expect("copy");
    let job = ["remittance", "--period", "202706"];

    let out = crash_against_straight(data, &straight, &crashed, &job, "201").await;
    let straight_run = json(&out);
    assert!(straight_run["bills_paid"].as_u64() > Some(0), "{out}");
    let (code, again) = run(anju(data, &crashed).args(job));
    assert_eq!(code, 0, "{again}");
    let again = json(&again);
    assert_eq!(again["bills_created"], 0, "{again}");
    assert_eq!(again["entries_posted"], 0, "{again}");
    assert_eq!(
        again["bills_already_paid"], straight_run["bills_paid"],
        "{again}"
    );
}

/// A book of `loans` loans of ¥300,000.00 over 30 years, disbursed on
/// 15 October 2026 with their first two installments loaded; one card in a
/// hundred is refused by the bank simulator, so the run also makes overdue
/// loans.
async fn prepare_loans(database: &Path, loans: i64) {
    let store = Arc::new(open(database).await);
    let app = App::new(store.clone(), load_policy(None).expect("policy"));
    let disbursed_on = Date::parse("2026-10-15").expect("date");
    let rate = RatePpm::new(26_000).expect("rate");
    let amount = Fen::new(300_000_00);
    let schedule =
        loan::schedule(amount, 360, rate, Method::Annuity, Some(disbursed_on)).expect("schedule");
    for first in (0..loans).step_by(5_000) {
        let ids: Vec<i64> = (first + 1..=(first + 5_000).min(loans)).collect();
        let card = |id: i64| if id % 100 == 0 { REFUSED_CARD } else { CARD };
        let book: Vec<_> = ids
            .iter()
            .map(|&id| {
                let method = Method::Annuity;
                anju_app::loan::imported_loan(
                    id,
                    id,
                    amount,
                    360,
                    rate,
                    method,
                    card(id),
                    disbursed_on,
                )
            })
            .collect();
        let rows: Vec<_> = ids
            .iter()
            .flat_map(|&id| {
                schedule.iter().take(2).map(move |r| {
                    anju_app::loan::installment_record(id, r, disbursed_on).expect("installment")
                })
            })
            .collect();
        store.import_loans(&book, &rows).await.expect("import");
        let mut lines: Vec<Line> = ids
            .iter()
            .map(|&id| Line::debit("121", amount).for_loan(id))
            .collect();
        lines.push(Line::credit(
            "101",
            Fen::new(amount.get() * ids.len() as i64),
        ));
        let key = IdempotencyKey::parse(&format!("disburse-{first}")).expect("key");
        let entry = NewEntry::new("L01", disbursed_on, key, "贷款发放", lines).expect("entry");
        app.ledger().post_entry(entry).await.expect("disburse");
    }
    store.refresh_loan_statistics().await.expect("statistics");
    store.close().await;
}

/// `anju loan run` over 20,000 loans (four pages of 5,000, each written in
/// its own transaction), killed at twenty or more points, ends with the
/// ledger and loan book of one uninterrupted run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_loan_run_killed_at_twenty_points_ends_as_one_uninterrupted_run() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let straight = data.join("straight.db");
    let crashed = data.join("crashed.db");
    prepare_loans(&straight, 20_000).await;
    std::fs::copy(&straight, &crashed).expect("copy");
    let job = ["loan", "run", "--date", "2026-11-15"];

    crash_against_straight(data, &straight, &crashed, &job, "121").await;
    let book = |database: PathBuf| async move {
        let store = open(&database).await;
        let book = format!("{:?}", store.loan_book().await.expect("book"));
        store.close().await;
        book
    };
    assert_eq!(book(crashed).await, book(straight).await, "the loan book");
}

/// 委托提取还贷 agreements of ¥1,500.00 a month, paying on the 15th, for
/// the first `agreements` members: agreement n to `card(n)`.
async fn prepare_agreements(database: &Path, agreements: u32, card: fn(i64) -> &'static str) {
    let store = open(database).await;
    let members = store
        .member_states_after(0, agreements)
        .await
        .expect("members");
    assert_eq!(members.len(), agreements as usize);
    let day = |text| Date::parse(text).expect("date");
    for (n, (member, _)) in (1..).zip(&members) {
        let agreement = RepaymentAgreementRecord {
            agreement_id: n,
            member_id: member.0,
            kind: AgreementKind::Commercial,
            lender: "中国建设银行苏州分行".into(),
            loan_contract_no: format!("JH{n:08}"),
            monthly_fen: Fen::new(1_500_00),
            pay_day: 15,
            bank_card: card(n).into(),
            starts_on: day("2027-01-01"),
            ends_on: day("2047-01-01"),
            status: AgreementStatus::Active,
            signed_by: "crash".into(),
            created_at_us: 0,
        };
        store
            .save_repayment_agreement(&agreement)
            .await
            .expect("agreement");
    }
    store.close().await;
}

/// Withdrawals a run left part way: prepared, approved or waiting on the
/// bank, never settled.
async fn unsettled_withdrawals(database: &Path) -> usize {
    let store = open(database).await;
    let mut left = 0;
    let unsettled = [
        WithdrawalStatus::Prepared,
        WithdrawalStatus::Approved,
        WithdrawalStatus::PayoutPending,
    ];
    for status in unsettled {
        let mut after = 0;
        loop {
            let page = store
                .withdrawals_in(status, after, 500)
                .await
                .expect("queue");
            let Some(last) = page.last() else { break };
            after = last.withdrawal_id;
            left += page.len();
        }
    }
    store.close().await;
    left
}

/// `anju repayment-day` over 2,000 agreements (each installment its own
/// withdrawal: prepared, approved, posted, paid by the bank, settled),
/// killed at twenty or more points, ends with the ledger of one
/// uninterrupted run: an installment the kill caught half way is carried
/// on by the next run, never paid twice nor left holding the balance.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repayment_day_killed_at_twenty_points_ends_as_one_uninterrupted_run() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let straight = data.join("straight.db");
    let crashed = data.join("crashed.db");
    prepare(&straight, 2_000, 6).await;
    prepare_agreements(&straight, 2_000, |_| CARD).await;
    std::fs::copy(&straight, &crashed).expect("copy");
    let job = ["repayment-day", "--date", "2027-12-15"];

    let out = crash_against_straight(data, &straight, &crashed, &job, "201").await;
    let straight_run = json(&out);
    assert_eq!(straight_run["due"], 2_000, "{out}");
    assert!(straight_run["paid"].as_u64() > Some(0), "{out}");
    assert_eq!(unsettled_withdrawals(&crashed).await, 0);
    let (code, again) = run(anju(data, &crashed).args(job));
    assert_eq!(code, 0, "{again}");
    let again = json(&again);
    assert_eq!(again["already_done"], 2_000, "{again}");
    assert_eq!(again["paid"], 0, "{again}");
}

/// `anju payout-retry` over 2,000 installments posted while the bank could
/// not be reached (each waiting, `payout_pending`), one in four to a card
/// the bank refuses (its posting reversed on the retry), killed at twenty
/// or more points, ends with the ledger of one uninterrupted retry and no
/// payout left waiting: more than one page of them, each asked once a run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_payout_retry_killed_at_twenty_points_ends_as_one_uninterrupted_run() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let straight = data.join("straight.db");
    let crashed = data.join("crashed.db");
    prepare(&straight, 2_000, 6).await;
    let card = |n: i64| if n % 4 == 0 { REFUSED_CARD } else { CARD };
    prepare_agreements(&straight, 2_000, card).await;
    // Nothing listens on the discard port: every payout goes unheard.
    let outage = ["repayment-day", "--date", "2027-12-15"];
    let (code, out) = run(anju(data, &straight)
        .env("ANJU_BANK_ENDPOINT", "http://127.0.0.1:9")
        .args(outage));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\"pending\":2000"), "{out}");
    assert_eq!(unsettled_withdrawals(&straight).await, 2_000, "{out}");
    std::fs::copy(&straight, &crashed).expect("copy");
    let job = ["payout-retry", "--date", "2027-12-16"];

    let out = crash_against_straight(data, &straight, &crashed, &job, "201").await;
    let retry = json(&out);
    assert_eq!(retry["asked"], 2_000, "{out}");
    assert_eq!(retry["paid"], 1_500, "{out}");
    assert_eq!(retry["failed"], 500, "{out}");
    assert_eq!(unsettled_withdrawals(&crashed).await, 0);
}

/// `anju report annual` killed at twenty or more points of its run: the
/// report file is at every moment absent or whole (written under another
/// name, synced and renamed), the database is untouched (`anju check`), and
/// the run after the kills writes the bytes of an uninterrupted one.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_yearly_report_killed_at_twenty_points_leaves_no_half_file() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let database = data.join("centre.db");
    prepare(&database, 2_000, 12).await;
    let job = |out: &Path| {
        let out = out.display().to_string();
        let args = ["report", "annual", "--year", "2027", "--format", "html"];
        let mut args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
        args.extend(["--out".into(), out, "--date".into(), "2028-01-15".into()]);
        args
    };
    let whole = data.join("whole.html");
    let started = Instant::now();
    let (code, out) = run(anju(data, &database).args(job(&whole)));
    assert_eq!(code, 0, "{out}");
    let span = started.elapsed();
    let want = std::fs::read(&whole).expect("report");
    assert!(want.len() > 1_000, "{out}");

    let crashed = data.join("crashed.html");
    let args = job(&crashed);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut points = Points(0x5eed);
    let mut crashes = Crashes::default();
    while crashes.landed < KILLS && crashes.tried < KILLS * 10 {
        let mut child = start(data, &database, &args);
        tokio::time::sleep(span.mul_f64(points.fraction())).await;
        crashes.tried += 1;
        crashes.landed += usize::from(kill(&mut child));
        if let Ok(got) = std::fs::read(&crashed) {
            assert!(got == want, "a report file is whole or absent");
        }
    }
    eprintln!("report: a run takes {span:?}: {crashes:?}");
    assert!(crashes.landed >= KILLS, "{crashes:?}");
    let (code, out) = run(anju(data, &database).args(&args));
    assert_eq!(code, 0, "{out}");
    assert!(
        std::fs::read(&crashed).expect("report") == want,
        "the same report"
    );
    let (code, check) = run(anju(data, &database).arg("check"));
    assert_eq!(code, 0, "{check}");
}

/// Why a request got no answer.
#[derive(Debug, PartialEq)]
enum NoAnswer {
    /// Nothing listening (the server is down or starting).
    Refused,
    /// Connected, then cut off before a whole answer (killed mid-request).
    Cut,
}

/// One HTTP/1.1 exchange on a fresh connection: the status, the head and the
/// body, or why there was none.
fn http(
    port: u16,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &str,
) -> Result<Reply, NoAnswer> {
    use std::io::{Read as _, Write as _};
    let address = std::net::SocketAddr::from(([127, 0, 0, 1], port));
    let mut stream = std::net::TcpStream::connect_timeout(&address, Duration::from_secs(2))
        .map_err(|_| NoAnswer::Refused)?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .map_err(|_| NoAnswer::Cut)?;
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    request.push_str(body);
    let mut raw = Vec::new();
    stream
        .write_all(request.as_bytes())
        .and_then(|()| stream.read_to_end(&mut raw))
        .map_err(|_| NoAnswer::Cut)?;
    let text = String::from_utf8_lossy(&raw);
    let (head, body) = text.split_once("\r\n\r\n").ok_or(NoAnswer::Cut)?;
    // A server killed while writing closes the connection like one that
    // finished: only a body as long as announced is an answer.
    let announced = head
        .lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(name, _)| name.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, value)| value.trim().parse::<usize>().ok());
    if announced.is_some_and(|length| length != body.len()) {
        return Err(NoAnswer::Cut);
    }
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or(NoAnswer::Cut)?;
    Ok(Reply {
        status,
        head: head.to_string(),
        body: body.to_string(),
    })
}

struct Reply {
    status: u16,
    head: String,
    body: String,
}

impl Reply {
    fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }
}

/// Requests the kills left unanswered, each sent again until answered.
#[derive(Debug, Default)]
struct Lost {
    /// Nothing listening: the server was down or starting.
    refused: usize,
    /// Cut off mid-request by a kill.
    cut: usize,
    /// Of those, requests the server had carried out before it died: sent
    /// again, they were answered from the idempotency record (or as done).
    done_before_the_cut: usize,
}

/// An employer agent's API session on the demo centre.
struct Agent {
    port: Arc<std::sync::atomic::AtomicU16>,
    /// What the kills did to the requests.
    lost: Arc<Mutex<Lost>>,
    cookie: String,
    csrf: String,
}

impl Agent {
    fn sign_in(port: u16) -> Agent {
        let form = "door=employer&login=agent01&password=anju2026demo&totp=&next=";
        let reply = http(
            port,
            "POST",
            "/signin",
            &[("Content-Type", "application/x-www-form-urlencoded")],
            form,
        )
        .expect("sign in");
        let cookie = reply
            .head
            .lines()
            .filter_map(|l| l.split_once(": "))
            .find(|(name, value)| {
                name.eq_ignore_ascii_case("set-cookie") && value.starts_with("anju_session=")
            })
            .and_then(|(_, value)| value.split(';').next())
            .unwrap_or_else(|| panic!("no session cookie: {}", reply.head))
            .to_string();
        let mut agent = Agent {
            port: Arc::new(std::sync::atomic::AtomicU16::new(port)),
            lost: Arc::default(),
            cookie,
            csrf: String::new(),
        };
        agent.csrf = agent.call("GET", "/api/v1/me", "", "")["csrf_token"]
            .as_str()
            .expect("csrf")
            .to_string();
        agent
    }

    /// Asks until the server answers (it may be down or restarting), with
    /// the same idempotency key every time; the answer's JSON, with its status.
    fn call(&self, method: &str, path: &str, key: &str, body: &str) -> serde_json::Value {
        let deadline = Instant::now() + Duration::from_secs(600);
        let mut cut = false;
        loop {
            let port = self.port.load(std::sync::atomic::Ordering::SeqCst);
            let headers = [
                ("Cookie", self.cookie.as_str()),
                ("Accept", "application/json"),
                ("Content-Type", "application/json"),
                ("X-CSRF-Token", self.csrf.as_str()),
                ("Idempotency-Key", key),
            ];
            let headers = if key.is_empty() {
                &headers[..4]
            } else {
                &headers[..]
            };
            match http(port, method, path, headers, body) {
                Ok(reply) => {
                    let mut lost = self.lost.lock().expect("lost");
                    // Done before the cut, and said so now: the key at work.
                    let replayed = reply.head.contains("idempotent-replayed: true");
                    lost.done_before_the_cut +=
                        usize::from(cut && (replayed || reply.status == 409));
                    let mut json = reply.json();
                    json["http_status"] = reply.status.into();
                    return json;
                }
                Err(NoAnswer::Cut) => {
                    cut = true;
                    self.lost.lock().expect("lost").cut += 1;
                }
                Err(NoAnswer::Refused) => self.lost.lock().expect("lost").refused += 1,
            }
            assert!(Instant::now() < deadline, "{method} {path}: no answer");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The period's bill, made now or found (made before a crash that lost
    /// the answer), then paid; the bill as the API shows it after.
    fn bill_and_pay(&self, period: &str) -> serde_json::Value {
        let body = format!("{{\"period\":\"{period}\"}}");
        let made = self.call(
            "POST",
            "/api/v1/employer/bills",
            &format!("bill-{period}"),
            &body,
        );
        let bill_id = match made["http_status"].as_u64() {
            Some(201) => made["bill_id"].as_i64().expect("bill_id"),
            Some(409) if made["code"] == "BILL_EXISTS" => self.bill_of(period),
            _ => panic!("bill {period}: {made}"),
        };
        let path = format!("/api/v1/employer/bills/{bill_id}/payment");
        let paid = self.call(
            "POST",
            &path,
            &format!("pay-{period}"),
            "{\"channel\":\"bank\"}",
        );
        assert!(
            matches!(paid["http_status"].as_u64(), Some(200 | 409)),
            "pay {period}: {paid}"
        );
        let bill = self.call("GET", &format!("/api/v1/employer/bills/{bill_id}"), "", "");
        assert_eq!(bill["status"], "paid", "{period}: {bill}");
        bill
    }

    fn bill_of(&self, period: &str) -> i64 {
        let bills = self.call("GET", "/api/v1/employer/bills", "", "");
        let found = bills["bills"].as_array().and_then(|all| {
            all.iter()
                .find(|b| b["period"] == period && b["kind"] == "01")
                .and_then(|b| b["bill_id"].as_i64())
        });
        found.unwrap_or_else(|| panic!("no bill for {period}: {bills}"))
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port")
        .port()
}

/// Starts `anju serve` (the demo the first time) and waits until it is ready.
fn serve(data: &Path, database: &Path, port: u16, demo: bool) -> std::process::Child {
    let listen = format!("127.0.0.1:{port}");
    let mut cmd = anju(data, database);
    cmd.args(["serve", "--listen", &listen]);
    if demo {
        cmd.arg("--demo");
    }
    let mut child = cmd
        .env("ANJU_LOG", "warn")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    let deadline = Instant::now() + Duration::from_secs(300);
    while !http(port, "GET", "/readyz", &[], "").is_ok_and(|r| r.status == 200) {
        assert!(child.try_wait().expect("try_wait").is_none(), "serve ended");
        assert!(Instant::now() < deadline, "serve not ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

/// An employer agent bills and pays month after month through the API while
/// the server is SIGKILLed at random points and restarted, twenty times or
/// more; every request is retried with its idempotency key until answered.
/// Every month ends paid exactly once: the members' accounts gained exactly
/// the bills' totals, and `anju check` passes.
#[test]
fn api_payments_survive_twenty_kills_of_the_server_once_each() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let database = data.join("demo.db");
    let mut port = free_port();
    let mut server = serve(data, &database, port, true);
    let agent = Agent::sign_in(port);
    let before = runtime().block_on(member_credits(&database));

    // Far more months than twenty kills leave time for (a month takes a few
    // tens of milliseconds): the stream is still running at the last kill.
    let periods: Vec<String> = (0..240)
        .map(|n| format!("{}{:02}", 2027 + n / 12, 1 + n % 12))
        .collect();
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let port_of_agent = agent.port.clone();
    let lost = agent.lost.clone();
    let stream = {
        let done = done.clone();
        std::thread::spawn(move || {
            let bills: Vec<_> = periods.iter().map(|p| agent.bill_and_pay(p)).collect();
            done.store(true, std::sync::atomic::Ordering::SeqCst);
            bills
        })
    };
    let mut points = Points(0xdead);
    let mut landed = 0;
    while landed < KILLS && !done.load(std::sync::atomic::Ordering::SeqCst) {
        std::thread::sleep(Duration::from_millis(150).mul_f64(points.fraction()));
        landed += usize::from(kill(&mut server));
        // A new port each time: a request cannot reach the old process.
        port = free_port();
        server = serve(data, &database, port, false);
        port_of_agent.store(port, std::sync::atomic::Ordering::SeqCst);
    }
    let bills = stream.join().expect("the stream");
    kill(&mut server);
    let lost = lost.lock().expect("lost");
    eprintln!(
        "{} months billed and paid through {landed} kills: {lost:?}",
        bills.len()
    );
    assert!(landed >= KILLS, "only {landed} kills landed mid-stream");
    assert!(lost.cut > 0, "some kills cut a request off: {lost:?}");

    let (code, out) = run(anju(data, &database).arg("check"));
    assert_eq!(code, 0, "{out}");
    let billed: i64 = bills
        .iter()
        .map(|b| b["total_fen"].as_i64().expect("total"))
        .sum();
    let after = runtime().block_on(member_credits(&database));
    assert_eq!(after - before, billed, "each month credited once");
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Runtime::new().expect("runtime")
}

/// Σ credits to members' accounts (GL 201), in fen.
async fn member_credits(database: &Path) -> i64 {
    let store = open(database).await;
    let credit = store
        .gl_balances()
        .await
        .expect("gl")
        .into_iter()
        .filter(|g| g.gl_code == "201")
        .map(|g| g.credit.get())
        .sum();
    store.close().await;
    credit
}
