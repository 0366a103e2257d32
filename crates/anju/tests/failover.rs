//! The PostgreSQL failover drill, run by `.ci/failover` (which sets up a
//! primary committing synchronously to a hot standby on loopback and passes
//! their URLs and the commands that kill the primary and promote the
//! standby). Contributions are posted from four tasks; once 300 have been
//! acknowledged the primary is killed mid-stream, the standby promoted, and
//! every acknowledged posting must be on it exactly once, with the ledger
//! balanced. Ignored in the ordinary test run: it needs the two servers.

mod common;

use anju_app::App;
use anju_app::policy::load_policy;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::{Date, Fen};
use anju_store::{BatchStore, LedgerStore};
use anju_store_postgres::PgStore;
use common::run;
use std::sync::{Arc, Mutex};

const POSTERS: i64 = 4;
const ACKED_BEFORE_KILL: usize = 300;
const CONTRIBUTION_FEN: i64 = 2_345_67;

fn setting(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is set by .ci/failover"))
}

fn contribution(key: &str, member: i64) -> NewEntry {
    let day = Date::parse("2026-12-07").expect("date");
    let lines = vec![
        Line::debit("101", Fen::new(CONTRIBUTION_FEN)),
        Line::credit("201", Fen::new(CONTRIBUTION_FEN)).for_member(MemberId(member)),
    ];
    let key = IdempotencyKey::parse(key).expect("key");
    NewEntry::new("C01", day, key, "汇缴", lines).expect("entry")
}

fn shell(command: &str) {
    let status = std::process::Command::new("sh")
        .args(["-c", command])
        .status()
        .expect("sh");
    assert!(status.success(), "{command}: {status}");
}

/// Posts until the primary stops answering; each acknowledged key is kept.
async fn post_until_refused(app: App, poster: i64, acked: Arc<Mutex<Vec<String>>>) {
    for n in 0.. {
        let key = format!("failover-{poster}-{n}");
        match app
            .ledger()
            .post_entry(contribution(&key, 1 + poster))
            .await
        {
            Ok(_) => acked.lock().expect("acked").push(key),
            Err(_) => return,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs the primary and standby of .ci/failover"]
async fn every_acknowledged_posting_survives_the_primary() {
    let policy = load_policy(None).expect("policy");
    // The personal-data key the test and the commands it runs share.
    let keys = tempfile::tempdir().expect("dir");
    let key_file = keys.path().join("personal.key");
    let seal = || anju_store::PersonalSeal::load_or_create(&key_file).expect("key");
    let primary = PgStore::open(
        &setting("ANJU_FAILOVER_PRIMARY"),
        &policy.centre_code,
        seal(),
    )
    .await
    .expect("primary");
    let app = App::new(Arc::new(primary), policy.clone());
    let opened = Date::parse("2026-07-01").expect("date");
    let members: Vec<(MemberId, Date)> = (1..=POSTERS).map(|m| (MemberId(m), opened)).collect();
    app.ledger()
        .open_member_accounts(&members)
        .await
        .expect("accounts");

    let acked = Arc::new(Mutex::new(Vec::new()));
    let posters: Vec<_> = (0..POSTERS)
        .map(|p| tokio::spawn(post_until_refused(app.clone(), p, acked.clone())))
        .collect();
    while acked.lock().expect("acked").len() < ACKED_BEFORE_KILL {
        assert!(
            !posters.iter().any(|p| p.is_finished()),
            "a poster was refused before the primary was killed"
        );
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    shell(&setting("ANJU_FAILOVER_KILL"));
    for poster in posters {
        poster.await.expect("poster");
    }
    let acked = acked.lock().expect("acked").clone();
    eprintln!(
        "{} postings acknowledged before the primary died",
        acked.len()
    );
    assert!(acked.len() >= ACKED_BEFORE_KILL);

    // Before it is promoted the standby already holds them all, and serves
    // the read-only commands (reports, checks) as it stands.
    let standby_url = setting("ANJU_FAILOVER_STANDBY");
    let refused = PgStore::open(&standby_url, &policy.centre_code, seal()).await;
    assert!(
        refused.is_err_and(|e| e.to_string().contains("hot standby")),
        "a standby is not opened for writing"
    );
    let standby = PgStore::open_read_only(&standby_url, &policy.centre_code, seal())
        .await
        .expect("the hot standby opens read-only");
    let found = standby.posted_keys(&acked).await.expect("keys");
    assert_eq!(found.len(), acked.len(), "on the standby before promotion");
    standby.close().await;
    read_only_commands_run_on(&standby_url, &key_file);

    shell(&setting("ANJU_FAILOVER_PROMOTE"));
    let promoted = PgStore::open(&standby_url, &policy.centre_code, seal())
        .await
        .expect("promoted standby");
    let found = promoted.posted_keys(&acked).await.expect("keys");
    assert_eq!(found.len(), acked.len(), "every acknowledged posting, once");
    assert!(promoted.check_ledger().await.expect("check").is_ok());
    // Postings the primary committed but never acknowledged may be there too.
    let credited: i64 = promoted
        .gl_balances()
        .await
        .expect("gl")
        .iter()
        .filter(|g| g.gl_code == "201")
        .map(|g| g.credit.get())
        .sum();
    assert!(credited >= CONTRIBUTION_FEN * acked.len() as i64);
    // The promoted node takes new postings.
    let app = App::new(Arc::new(promoted), policy);
    app.ledger()
        .post_entry(contribution("failover-after", 1))
        .await
        .expect("the promoted node posts");
}

/// `anju check` and `anju report annual` against a hot standby: they read,
/// so they need no primary.
fn read_only_commands_run_on(url: &str, key_file: &std::path::Path) {
    let dir = tempfile::tempdir().expect("dir");
    let anju = |args: &[&str]| {
        let (code, text) = run(std::process::Command::new(env!("CARGO_BIN_EXE_anju"))
            .env_remove("ANJU_CONFIG")
            .env_remove("ANJU_POLICY")
            .env("ANJU_DATA_DIR", dir.path())
            .env("ANJU_DATABASE_URL", url)
            .env("ANJU_PERSONAL_KEY_FILE", key_file)
            .current_dir(dir.path())
            .args(args));
        assert_eq!(code, 0, "anju {args:?} on the standby: {text}");
    };
    anju(&["check"]);
    anju(&[
        "report",
        "annual",
        "--year",
        "2026",
        "--date",
        "2026-12-31",
        "--out",
        "report.html",
    ]);
    assert!(dir.path().join("report.html").exists());
}
