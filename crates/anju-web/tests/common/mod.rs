//! What the web tests share: an app on a fresh SQLite database (the business
//! date fixed, or the wall clock where a test must hold under whatever policy
//! is in force), the batch actor and the records that seed it, and (in
//! `client`) the in-process router with signed-in clients. Tests reach data
//! only through the app, like the pages do.
//!
//! Every test file compiles this module on its own and uses only part of it,
//! so the items not every file uses carry `#[allow(dead_code)]`.

pub mod client;

#[allow(unused_imports)]
pub use client::{Client, Reply, Web, account, enc, form_body, refused};

use anju_app::App;
use anju_app::access::Actor;
use anju_app::clock::FixedClock;
use anju_app::collection::MemberRecord;
use anju_app::policy::load_policy;
use anju_domain::access::Channel;
use anju_domain::collection::{ContributionRates, EmployerRegistration};
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::policy::PolicySet;
use anju_domain::{Date, Fen, RatePpm};
use std::sync::Arc;

/// The business date of the tests that pin the clock.
#[allow(dead_code)]
pub fn today() -> Date {
    Date::parse("2026-11-29").expect("date")
}

/// `policy` over an empty database in `dir`, on the wall clock.
pub async fn open_app_with(dir: &tempfile::TempDir, policy: PolicySet) -> App {
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    App::open_sqlite(&url, "320500000000000", policy)
        .await
        .expect("app")
}

/// The Suzhou policy over an empty database in `dir`, on `today`.
#[allow(dead_code)]
pub async fn open_app(dir: &tempfile::TempDir, today: Date) -> App {
    open_app_with(dir, load_policy(None).expect("policy"))
        .await
        .with_clock(Arc::new(FixedClock(today)))
}

/// The app on each backend available, on `today`: SQLite always,
/// PostgreSQL (a schema of its own) when `ANJU_TEST_PG_URL` is set — with
/// `CI=true` a missing URL fails rather than skips. Each comes with its
/// backend's name, the directory to keep and the schema to drop.
#[allow(dead_code)]
pub async fn on_each_backend(today: Date) -> Vec<Backend> {
    let dir = tempfile::tempdir().expect("dir");
    let sqlite = open_app(&dir, today).await;
    let mut backends = vec![Backend {
        name: "sqlite",
        app: sqlite,
        dir,
        scratch: None,
    }];
    let url = match std::env::var("ANJU_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => url,
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but ANJU_TEST_PG_URL is not set")
        }
        _ => return backends,
    };
    static COUNTER: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let schema = format!("web_{}_{n}", std::process::id());
    let policy = load_policy(None).expect("policy");
    let (app, scratch) = App::open_postgres_scratch(&url, "320500000000000", &schema, policy)
        .await
        .expect("postgres");
    backends.push(Backend {
        name: "postgres",
        app: app.with_clock(Arc::new(FixedClock(today))),
        dir: tempfile::tempdir().expect("dir"),
        scratch: Some(scratch),
    });
    backends
}

#[allow(dead_code)]
pub struct Backend {
    pub name: &'static str,
    pub app: App,
    pub dir: tempfile::TempDir,
    pub scratch: Option<anju_app::PgScratch>,
}

/// Drops a PostgreSQL backend's schema once its test is done.
#[allow(dead_code)]
pub async fn drop_scratch(scratch: Option<anju_app::PgScratch>) {
    if let Some(scratch) = scratch {
        scratch.drop_it().await.expect("drop schema");
    }
}

/// The batch channel, which seeds what no page writes (members carried
/// over from a previous system with their old opening date).
#[allow(dead_code)]
pub fn batch() -> Actor {
    Actor::anonymous(Channel::Batch, "test-seed", "local")
}

/// An active member of employer 9 on a ¥10,000.00 wage, as carried over.
#[allow(dead_code)]
pub fn member_record(member_id: i64, id_card: &str, name: &str) -> MemberRecord {
    MemberRecord::active(
        member_id,
        id_card,
        name,
        9,
        anju_domain::Fen::new(10_000_00),
        1,
    )
}

/// Carries `members` over by batch, their accounts opened `days_ago`.
#[allow(dead_code)]
pub async fn take_over(app: &App, members: &[MemberRecord], days_ago: i32) {
    let opened = app.today().add_days(-days_ago).expect("d");
    app.collection()
        .take_over_members(&batch(), members, opened)
        .await
        .expect("enrol");
}

#[allow(dead_code)]
pub fn entry(kind: &str, date: Date, key: &str, memo: &str, lines: Vec<Line>) -> NewEntry {
    NewEntry::new(
        kind,
        date,
        IdempotencyKey::parse(key).expect("key"),
        memo,
        lines,
    )
    .expect("entry")
}

/// A contribution (汇缴) of `fen` from the bank into `member`'s account.
#[allow(dead_code)]
pub fn contribution(date: Date, key: &str, member: i64, fen: i64) -> NewEntry {
    entry(
        "C01",
        date,
        key,
        "汇缴",
        vec![
            Line::debit("101", Fen::new(fen)),
            Line::credit("201", Fen::new(fen)).for_member(MemberId(member)),
        ],
    )
}

/// 王芳, member 1 (`320502199003071230`), carried over 400 days ago and
/// credited ¥50,000.00 today.
#[allow(dead_code)]
pub async fn wang_with_savings(app: &App) {
    const MEMBER: &str = "320502199003071230";
    take_over(app, &[member_record(1, MEMBER, "王芳")], 400).await;
    app.ledger()
        .post_entry(contribution(today(), "seed-1", 1, 50_000_00))
        .await
        .expect("seed");
}

/// An employer registered at the counter (not through the platform), at
/// 10% + 10%; its id.
#[allow(dead_code)]
pub async fn counter_employer(app: &App, uscc: &str, name: &str) -> i64 {
    let actor = Actor::anonymous(Channel::Counter, "t", "127.0.0.1");
    let rate = RatePpm::parse_percent("10").expect("rate");
    let rates = ContributionRates {
        employer: rate,
        member: rate,
    };
    let registration = EmployerRegistration::new(uscc, name, Some(15), rates).expect("reg");
    app.collection()
        .register_employer(&actor, &registration, app.today())
        .await
        .expect("register")
        .employer_id
}

/// 王芳, member 1, carried over 400 days ago with ¥50,000.00, signed in and
/// applying online for one month's rent (租房提取, ¥1,500.00) under `key`:
/// the harness, her client and the new withdrawal's id.
#[allow(dead_code)]
pub async fn rent_applied(app: App, dir: tempfile::TempDir, key: &str) -> (Web, Client, i64) {
    const MEMBER: &str = "320502199003071230";
    wang_with_savings(&app).await;
    let h = Web::new(app, dir);
    let member = h
        .person(MEMBER, anju_domain::access::Role::Member, Some(1))
        .await;
    let body = r#"{"reason":"07","amount_fen":150000,"months":1,"bank_card":"62220201000041234"}"#;
    let headers = [
        ("idempotency-key", key),
        ("x-csrf-token", member.csrf.as_str()),
    ];
    let path = "/api/v1/member/withdrawals";
    let applied = h
        .send(axum::http::Method::POST, path, &member, body, &headers)
        .await;
    assert_eq!(
        applied.status,
        axum::http::StatusCode::CREATED,
        "{}",
        applied.body
    );
    let id = h.app.withdrawals().withdrawals_of(1).await.expect("list")[0].withdrawal_id;
    (h, member, id)
}
