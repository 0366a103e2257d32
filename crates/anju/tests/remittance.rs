//! The synthetic seed and the month's remittance run on both backends (on
//! PostgreSQL whenever `ANJU_TEST_PG_URL` is set; with `CI=true` a missing URL
//! fails instead of skipping), and the two commands end to end.

use anju_app::App;
use anju_app::access::Actor;
use anju_app::collection::batch::{RemittanceRun, SeedSpec, SeedSummary};
use anju_app::policy::load_policy;
use anju_domain::access::Channel;
use anju_domain::collection::BillStatus;
use anju_domain::ledger::{EntryId, Side};
use anju_domain::{Date, Period};
use anju_store::{NewBill, Store};
use std::process::Command;
use std::sync::Arc;

mod common;

use common::{fresh_stores, pg_url};

fn actor() -> Actor {
    Actor::anonymous(Channel::Batch, "test", "local")
}

fn period() -> Period {
    Period::parse("202611").expect("period")
}

fn spec() -> SeedSpec {
    SeedSpec {
        members: 300,
        seed: 42,
        opened: Date::parse("2026-07-01").expect("date"),
    }
}

async fn seed_and_run(store: Arc<dyn Store>) -> (App, SeedSummary, RemittanceRun) {
    let app = App::new(store, load_policy(None).expect("policy"));
    let seeded = app
        .collection()
        .seed_synthetic(&actor(), spec(), &|_| {})
        .await
        .expect("seed");
    let run = app
        .collection()
        .run_remittances(&actor(), period(), "bank", &|_| {})
        .await
        .expect("run");
    (app, seeded, run)
}

/// Every bill is paid by one entry: Dr 101 for the employer = Σ Cr 201 for
/// its members = the bill's total. Returns Σ over bills.
async fn sum_of_bills(store: &dyn Store) -> i64 {
    let mut total = 0;
    for employer in store.employers(1_000).await.expect("employers") {
        for bill in store
            .bills_of(employer.employer_id, 5)
            .await
            .expect("bills")
        {
            let id = EntryId(bill.paid_entry_id.expect("paid"));
            let entry = store.entry(id).await.expect("read").expect("entry").entry;
            let debit: i64 = entry
                .lines
                .iter()
                .filter(|l| l.side == Side::Debit)
                .map(|l| l.amount.get())
                .sum();
            let credits: i64 = entry
                .lines
                .iter()
                .filter(|l| l.side == Side::Credit && l.member().is_some())
                .map(|l| l.amount.get())
                .sum();
            assert_eq!(
                (debit, credits),
                (bill.total_fen.get(), bill.total_fen.get())
            );
            total += credits;
        }
    }
    total
}

#[tokio::test(flavor = "multi_thread")]
async fn a_seeded_month_balances_per_bill_and_posts_once_on_every_backend() {
    let mut digests = Vec::new();
    for fresh in fresh_stores().await {
        let store = fresh.store();
        let (app, seeded, run) = seed_and_run(store.clone()).await;
        digests.push(seeded.digest.clone());
        assert_eq!(run.members, 300);
        assert_eq!(run.entries_posted, seeded.employers);
        assert_eq!(run.member_credits, run.employer_debits);
        let check = app.ledger().check_ledger().await.expect("check");
        assert!(check.is_ok(), "{}", check.render());
        assert_eq!(check.gl_201, run.member_credits);
        assert_eq!(sum_of_bills(store.as_ref()).await, run.member_credits.get());

        let again = app
            .collection()
            .run_remittances(&actor(), period(), "bank", &|_| {})
            .await
            .expect("rerun");
        assert_eq!((again.entries_posted, again.bills_created), (0, 0));
        assert_eq!(again.bills_already_paid, seeded.employers);
        let after = app.ledger().check_ledger().await.expect("check");
        assert_eq!(after.entries, check.entries, "nothing posted twice");
        fresh.drop_it().await;
    }
    assert!(
        digests.windows(2).all(|w| w[0] == w[1]),
        "the same seed gives the same data on every backend: {digests:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn a_second_bill_for_the_month_is_refused_whole_on_every_backend() {
    for fresh in fresh_stores().await {
        let store = fresh.store();
        seed_and_run(store.clone()).await;
        let employer = store.employers(1).await.expect("employers")[0].clone();
        let (bill, lines) = store
            .bill(
                store
                    .bills_of(employer.employer_id, 1)
                    .await
                    .expect("bills")[0]
                    .bill_id,
            )
            .await
            .expect("read")
            .expect("bill");
        let mut copy = NewBill {
            bill: bill.clone(),
            lines,
        };
        copy.bill.bill_id = store.reserve_ids(1);
        copy.bill.status = BillStatus::Open;
        let unrelated = NewBill {
            bill: anju_store::BillRecord {
                bill_id: store.reserve_ids(1),
                period: 202_612,
                ..copy.bill.clone()
            },
            lines: Vec::new(),
        };
        let refused = store.save_bills(&[unrelated, copy]).await;
        assert_eq!(refused.expect_err("dup").code(), Some("BILL_EXISTS"));
        assert_eq!(
            store
                .bills_of(employer.employer_id, 5)
                .await
                .expect("bills")
                .len(),
            1,
            "all or nothing"
        );
        fresh.drop_it().await;
    }
}

fn anju(data_dir: &std::path::Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_anju"));
    cmd.env_remove("ANJU_DATABASE_URL")
        .env_remove("ANJU_POLICY")
        .env("ANJU_DATA_DIR", data_dir)
        .env_remove("ANJU_CONFIG")
        // Jobs reach the outside parties; in tests, the built-in simulator,
        // said out loud as a deployment would have to.
        .env("ANJU_REGISTRIES_ENDPOINT", "simulator")
        .env("ANJU_BANK_ENDPOINT", "simulator")
        .env("ANJU_MESSAGES_ENDPOINT", "simulator")
        .current_dir(data_dir);
    cmd
}

fn run(cmd: &mut Command) -> (i32, String, String) {
    let out = cmd.output().expect("run anju");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).to_string(),
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

fn digest_line(stdout: &str) -> String {
    stdout
        .lines()
        .find(|l| l.contains("digest"))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn seed_command_is_reproducible_and_refuses_bad_sizes() {
    let (a, b) = (
        tempfile::tempdir().expect("dir"),
        tempfile::tempdir().expect("dir"),
    );
    let (code, first, err) = run(anju(a.path()).args(["seed", "--members", "250"]));
    assert_eq!(code, 0, "{first}{err}");
    assert!(first.contains("250 members"), "{first}");
    let (_, second, _) = run(anju(b.path()).args(["seed", "--members", "250"]));
    assert_eq!(digest_line(&first), digest_line(&second));
    let (code, text, err) = run(anju(a.path()).arg("check"));
    assert_eq!(code, 0, "{text}{err}");
    let (code, _, err) = run(anju(a.path()).args(["seed", "--members", "250"]));
    assert_eq!(code, 2);
    assert!(err.contains("already holds"), "{err}");
    let (code, _, err) = run(anju(b.path()).args(["seed", "--members", "0"]));
    assert_eq!(code, 2);
    assert!(err.contains("--members"), "{err}");
    let (code, _, err) =
        run(anju(b.path()).args(["seed", "--members", "5", "--opened", "2026-02-30"]));
    assert_eq!(code, 2);
    assert!(err.contains("--opened"), "{err}");
}

#[test]
fn bench_remittance_prints_one_balanced_json_line() {
    let dir = tempfile::tempdir().expect("dir");
    let mut targets = vec![None];
    targets.extend(pg_url().map(Some));
    for database in targets {
        let mut cmd = anju(dir.path());
        if let Some(url) = &database {
            cmd.args(["--database", url]);
        }
        let (code, out, err) = run(cmd.args(["bench", "remittance", "--members", "400"]));
        assert_eq!(code, 0, "{out}{err}");
        let json: serde_json::Value = serde_json::from_str(out.trim()).expect("one JSON line");
        assert_eq!(json["scenario"], "remittance");
        assert_eq!(json["members"], 400);
        assert_eq!(json["ledger_ok"], true);
        assert!(json["ratio"].as_f64().is_some_and(|r| r > 0.0), "{json}");
        let employers = json["employers"].as_u64().expect("employers");
        // Entry, bill and bank line per employer; a posting and a bill line per member.
        assert_eq!(json["rows"].as_u64(), Some(3 * employers + 2 * 400));
    }
    let left: Vec<_> = std::fs::read_dir(dir.path())
        .expect("dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with("bench-"))
        .collect();
    assert!(left.is_empty(), "the benchmark cleans up its database");
}
