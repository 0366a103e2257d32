//! The `anju` binary end to end: exit codes and output people rely on.

mod common;

use common::run;

use std::process::Command;

/// The personal-data key of a data directory (the one the commands use).
fn data_key(data_dir: &std::path::Path) -> anju_store::PersonalSeal {
    anju_store::PersonalSeal::load_or_create(&data_dir.join("keys").join("personal.key"))
        .expect("key")
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

/// Runs `anju bench …` in `dir`, which must succeed; its JSON line.
fn bench_line(dir: &std::path::Path, args: &[&str]) -> serde_json::Value {
    let (code, text) = run(anju(dir).arg("bench").args(args));
    assert_eq!(code, 0, "{text}");
    let line = text
        .lines()
        .find(|l| l.starts_with("{\"scenario\""))
        .expect("the JSON line");
    serde_json::from_str(line).expect("one JSON line")
}

#[test]
fn validate_exits_zero_or_one_with_the_reason() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, text) = run(anju(dir.path()).args(["validate", "id-card", "11010519491231002X"]));
    assert_eq!(code, 0, "{text}");
    let (code, text) = run(anju(dir.path()).args(["validate", "id-card", "110105194912310021"]));
    assert_eq!(code, 1);
    assert!(
        text.contains("ID_CHECKSUM") && text.contains("校验位"),
        "{text}"
    );
    let (code, text) = run(anju(dir.path()).args(["validate", "uscc", "91350100M000100Y44"]));
    assert_eq!(code, 1);
    assert!(text.contains("USCC_CHECKSUM"), "{text}");
}

#[test]
fn policy_show_on_both_sides_of_a_boundary() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, before) = run(anju(dir.path()).args(["policy", "show", "--date", "2025-05-07"]));
    assert_eq!(code, 0, "{before}");
    assert!(before.contains("first_home_over_5y = 2.85%"), "{before}");
    let (_, after) = run(anju(dir.path()).args(["policy", "show", "--date", "2025-05-08"]));
    assert!(after.contains("first_home_over_5y = 2.60%"), "{after}");
    assert!(
        after.contains("*base_floor"),
        "unverified values are marked: {after}"
    );
    let (code, text) = run(anju(dir.path()).args(["policy", "show", "--date", "2025-02-30"]));
    assert_ne!(code, 0);
    assert!(text.contains("DATE_FORMAT"), "{text}");
}

#[test]
fn check_passes_on_a_fresh_ledger_and_migrate_is_repeatable() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, text) = run(anju(dir.path()).arg("migrate"));
    assert_eq!(code, 0, "{text}");
    let (code, text) = run(anju(dir.path()).arg("migrate"));
    assert_eq!(code, 0, "{text}");
    let (code, text) = run(anju(dir.path()).arg("check"));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("ledger OK"), "{text}");
    assert!(
        dir.path().join("anju.db").exists(),
        "default database in the data directory"
    );
}

#[test]
fn a_named_config_file_that_is_missing_is_an_error() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, text) = run(anju(dir.path()).args(["--config", "nope.toml", "check"]));
    assert_eq!(code, 2, "{text}");
    assert!(text.contains("nope.toml"), "{text}");
}

#[test]
fn check_exits_one_with_a_report_when_the_ledger_is_broken() {
    use anju_store::PostingStore;
    use anju_store::contract::{d, open, remittance};
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("anju.db").display());
    anju_store::contract::runtime().block_on(async {
        let store =
            anju_store_sqlite::SqliteStore::open(&url, "320500000000000", data_key(dir.path()))
                .await
                .expect("open");
        open(&store, &[1], "2026-07-01").await;
        store
            .post_entries(
                &[remittance("r1", d("2026-11-10"), &[(1, 100_00)])],
                &Default::default(),
            )
            .await
            .expect("post");
        sqlx::query("UPDATE gl_balance SET credit_fen = credit_fen - 1 WHERE gl_code = '201'")
            .execute(store.pool_for_tests())
            .await
            .expect("tamper");
    });
    let (code, text) = run(anju(dir.path()).arg("check"));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("FAIL") && text.contains("GL 201"), "{text}");
}

#[test]
fn recon_exits_zero_when_the_day_matches_and_one_when_it_does_not() {
    use anju_app::App;
    use anju_domain::collection::{ContributionRates, EmployerRegistration, MemberEnrolment};
    use anju_domain::{Date, Period, RatePpm};
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("anju.db").display());
    let day = Date::parse("2026-11-18").expect("date");
    let reference = anju_store::contract::runtime().block_on(async {
        let store =
            anju_store_sqlite::SqliteStore::open(&url, "320500000000000", data_key(dir.path()))
                .await
                .expect("open");
        let app = App::new(
            std::sync::Arc::new(store),
            anju_app::policy::load_policy(None).expect("policy"),
        );
        let actor =
            anju_app::access::Actor::anonymous(anju_domain::access::Channel::Batch, "t", "-");
        let rate = RatePpm::parse_percent("10").expect("rate");
        let reg = EmployerRegistration::new(
            "91350100M000100Y43",
            "示范",
            Some(15),
            ContributionRates {
                employer: rate,
                member: rate,
            },
        )
        .expect("reg");
        let employer = app
            .collection()
            .register_employer(&actor, &reg, day)
            .await
            .expect("employer");
        let people = [MemberEnrolment::new("320502199003071230", "张伟", "8000").expect("m")];
        app.collection()
            .enrol_members(&actor, employer.employer_id, &people, day)
            .await
            .expect("enrol");
        let bill = app
            .collection()
            .generate_bill(
                &actor,
                employer.employer_id,
                Period::parse("202611").expect("p"),
            )
            .await
            .expect("bill");
        let paid = app
            .collection()
            .pay_bill(&actor, bill.bill_id, "ecny", day)
            .await
            .expect("pay");
        paid.payment_reference.expect("reference")
    });
    let file = dir.path().join("ecny.csv");
    std::fs::write(
        &file,
        format!("reference,channel,amount,paid_on\n{reference},ecny,1600.00,2026-11-18\n"),
    )
    .expect("write");
    let args = [
        "recon",
        "--channel",
        "ecny",
        "--date",
        "2026-11-18",
        "--file",
    ];
    let (code, text) = run(anju(dir.path()).args(args).arg(&file));
    assert_eq!(code, 0, "{text}");
    assert!(
        text.contains("1 matched") && text.contains("reconciled"),
        "{text}"
    );
    std::fs::write(
        &file,
        format!("reference,channel,amount,paid_on\n{reference},ecny,1600.01,2026-11-18\n"),
    )
    .expect("write");
    let (code, text) = run(anju(dir.path()).args(args).arg(&file));
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("MISMATCH"), "{text}");
}

#[test]
fn collection_day_prints_one_json_line_and_refuses_a_bad_date() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, text) = run(anju(dir.path()).args(["collection-day", "--date", "2026-11-30"]));
    assert_eq!(code, 0, "{text}");
    let line: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON line");
    assert_eq!(line["job"], "collection-day");
    assert_eq!(line["date"], "2026-11-30");
    assert_eq!(line["overdue_employers"], 0, "an empty centre owes nothing");
    let (code, text) = run(anju(dir.path()).args(["collection-day", "--date", "2026-13-01"]));
    assert_ne!(code, 0);
    assert!(text.contains("DATE"), "{text}");
}

/// business-rules §2's worked example through the calculator: ¥50,000.00
/// brought forward, ¥2,400 on the 10th of every month, ¥20,000 out on
/// 2025-03-15 → A ¥896.02, B ¥885.60, C ¥884.87.
#[test]
fn interest_calc_reproduces_the_worked_examples() {
    let dir = tempfile::tempdir().expect("dir");
    let mut csv = String::from("value_date,amount_fen\n");
    for (y, m) in (7..=12)
        .map(|m| (2024, m))
        .chain((1..=6).map(|m| (2025, m)))
    {
        csv.push_str(&format!("{y}-{m:02}-10,240000\n"));
    }
    csv.push_str("2025-03-15,-2000000\n");
    let file = dir.path().join("movements.csv");
    std::fs::write(&file, csv).expect("write");
    let file = file.to_string_lossy().to_string();
    for (method, interest) in [("A", 89_602), ("B", 88_560), ("C", 88_487)] {
        let (code, text) = run(anju(dir.path()).args([
            "interest",
            "calc",
            "--method",
            method,
            "--opening-fen",
            "5000000",
            "--movements",
            &file,
            "--year-end",
            "2025-06-30",
            "--json",
        ]));
        assert_eq!(code, 0, "{text}");
        let out: serde_json::Value = serde_json::from_str(text.trim()).expect("json");
        assert_eq!(out["interest_fen"], interest, "method {method}: {text}");
    }
    let (code, text) = run(anju(dir.path()).args([
        "interest",
        "calc",
        "--method",
        "B",
        "--opening-fen",
        "5000000",
        "--movements",
        &file,
        "--year-end",
        "2025-06-30",
    ]));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("rounded once: ¥885.60"), "{text}");
    assert!(
        text.contains("2024-07-10        ¥2,400.00 2024-07-10 2025-06-30   356"),
        "each line shows its days: {text}"
    );
    let (code, text) = run(anju(dir.path()).args([
        "interest",
        "calc",
        "--method",
        "B",
        "--opening-fen",
        "0",
        "--movements",
        &file,
        "--year-end",
        "2025-06-29",
    ]));
    assert_ne!(code, 0);
    assert!(text.contains("30 June"), "{text}");
}

#[test]
fn interest_settle_prints_one_json_line_and_refuses_a_silly_year() {
    let dir = tempfile::tempdir().expect("dir");
    let settle = |date: &str| {
        run(anju(dir.path()).args(["interest", "settle", "--year", "2026", "--date", date]))
    };
    let (code, text) = settle("2026-06-30");
    assert_ne!(code, 0);
    assert!(
        text.contains("INTEREST_YEAR_OPEN") || text.contains("次日起方可结息"),
        "{text}"
    );
    let (code, text) = settle("2026-07-01");
    assert_eq!(code, 0, "{text}");
    let line: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON line");
    assert_eq!(line["year_end"], "2026-06-30");
    assert_eq!(line["accounts"], 0, "an empty centre settles nothing");
    assert_eq!(line["finished"], true);
    let (code, text) = run(anju(dir.path()).args(["interest", "settle", "--year", "99999"]));
    assert_ne!(code, 0);
    assert!(text.contains("outside"), "{text}");
}

#[test]
fn bench_interest_settles_every_account_of_a_small_centre() {
    let dir = tempfile::tempdir().expect("dir");
    let report = bench_line(
        dir.path(),
        &["interest", "--members", "300", "--months", "2"],
    );
    assert_eq!(report["scenario"], "interest");
    assert_eq!(report["accounts"], 300);
    assert_eq!(
        report["credited"], 300,
        "everyone who paid in earns interest"
    );
    assert_eq!(report["ledger_ok"], true);
    let (code, text) =
        run(anju(dir.path()).args(["bench", "interest", "--members", "10", "--months", "13"]));
    assert_ne!(code, 0);
    assert!(text.contains("--months"), "{text}");
}

#[test]
fn bench_http_serves_every_request_to_signed_in_members() {
    let dir = tempfile::tempdir().expect("dir");
    let report = bench_line(
        dir.path(),
        &[
            "http",
            "--members",
            "300",
            "--connections",
            "4",
            "--seconds",
            "1",
        ],
    );
    let targets = report["targets"].as_array().expect("targets");
    let names: Vec<_> = targets.iter().map(|t| t["target"].clone()).collect();
    assert_eq!(names, ["balance_api", "home_page"]);
    for target in targets {
        assert!(target["requests"].as_u64() > Some(0), "{target}");
        assert_eq!(target["not_ok"], 0, "{target}");
    }
    let (code, text) =
        run(anju(dir.path()).args(["bench", "http", "--members", "3", "--connections", "4"]));
    assert_ne!(code, 0);
    assert!(text.contains("members ≥ connections"), "{text}");
}

#[test]
fn repayment_day_prints_one_json_line_and_refuses_a_bad_date() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, text) = run(anju(dir.path()).args(["repayment-day", "--date", "2026-12-20"]));
    assert_eq!(code, 0, "{text}");
    let line: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON line");
    assert_eq!(
        (line["date"].as_str(), line["due"].as_u64()),
        (Some("2026-12-20"), Some(0))
    );
    let (code, text) = run(anju(dir.path()).args(["repayment-day", "--date", "2026-02-30"]));
    assert_ne!(code, 0);
    assert!(
        text.contains("DATE_FORMAT") || text.contains("--date"),
        "{text}"
    );
}

#[test]
fn bench_withdrawal_pays_every_withdrawal_of_a_small_centre() {
    let dir = tempfile::tempdir().expect("dir");
    let report = bench_line(
        dir.path(),
        &[
            "withdrawal",
            "--members",
            "20",
            "--withdrawals",
            "60",
            "--concurrency",
            "4",
        ],
    );
    assert_eq!(
        (report["withdrawals"].as_u64(), report["refused"].as_u64()),
        (Some(60), Some(0))
    );
    assert_eq!(report["ledger_ok"], true);
    let (code, text) = run(anju(dir.path()).args([
        "bench",
        "withdrawal",
        "--members",
        "1",
        "--withdrawals",
        "16",
    ]));
    assert_ne!(code, 0, "more than the rent cap allows");
    assert!(text.contains("15 × members"), "{text}");
}

#[test]
fn a_job_refuses_to_run_on_made_up_answers_unless_told_to() {
    let dir = tempfile::tempdir().expect("dir");
    let (code, text) = run(anju(dir.path()).env_remove("ANJU_BANK_ENDPOINT").args([
        "repayment-day",
        "--date",
        "2026-11-30",
    ]));
    assert_ne!(code, 0, "{text}");
    assert!(
        text.contains("[adapters.bank] endpoint is not configured"),
        "{text}"
    );
    let (code, text) = run(anju(dir.path()).args(["payout-retry", "--date", "2026-11-30"]));
    assert_eq!(code, 0, "{text}");
    let line: serde_json::Value = serde_json::from_str(text.trim()).expect("one JSON line");
    assert_eq!(
        (line["job"].as_str(), line["asked"].as_i64()),
        (Some("payout-retry"), Some(0))
    );
}

/// `anju verify`: a certificate signed by a key of the pinned set is valid
/// (exit 0); changed, or signed by a key the set does not hold, it is not
/// (exit 1) — a key carried inside the document proves nothing.
#[test]
fn verify_checks_a_certificate_against_the_pinned_key_set_only() {
    use anju_app::trust::KeyRing;
    let dir = tempfile::tempdir().expect("dir");
    let centre = KeyRing::load_or_create(&dir.path().join("centre.key"), "中心").expect("keys");
    let stranger = KeyRing::ephemeral("冒名").expect("keys");
    let text = "住房公积金贷款结清及抵押注销证明\n贷款编号：1\n";
    let file_of = |keys: &KeyRing, text: &str| {
        let (signature, id) = keys.sign(text.as_bytes());
        format!("{text}--\n{signature}\n{id}\n")
    };
    let trust = dir.path().join("anju-keys.json");
    std::fs::write(
        &trust,
        serde_json::to_string(centre.published()).expect("json"),
    )
    .expect("write");
    let cases = [
        ("good.txt", file_of(&centre, text), 0, "valid: 签名有效"),
        (
            "changed.txt",
            file_of(&centre, text).replace("贷款编号：1", "贷款编号：2"),
            1,
            "内容已被改动",
        ),
        (
            "forged.txt",
            file_of(&stranger, text),
            1,
            "签名密钥不在信任列表中",
        ),
    ];
    for (name, content, expected, said) in cases {
        let path = dir.path().join(name);
        std::fs::write(&path, content).expect("write");
        let args = [
            "verify",
            path.to_str().expect("path"),
            "--trust",
            trust.to_str().expect("path"),
        ];
        let (code, out) = run(anju(dir.path()).args(args));
        assert_eq!(code, expected, "{name}: {out}");
        assert!(out.contains(said), "{name}: {out}");
    }
    let (code, out) = run(anju(dir.path()).args(["verify", "missing.txt", "--trust", "none.json"]));
    assert_eq!(
        code, 2,
        "an unreadable file is an error, not a verdict: {out}"
    );
}

/// `anju log verify` on the data directory's database with its key file:
/// exit 0 while the records are as logged; after one audit row is changed
/// by hand, exit 1 with the first FAIL line naming that leaf. `anju log
/// sequence` signs a checkpoint and says its size.
#[test]
fn log_verify_names_the_first_changed_record() {
    use anju_app::App;
    use anju_app::access::{Actor, CommandOutcome};
    use anju_app::trust::KeyRing;
    use anju_domain::access::Channel;
    let dir = tempfile::tempdir().expect("dir");
    let (code, text) = run(anju(dir.path()).arg("migrate"));
    assert_eq!(code, 0, "{text}");
    let url = format!("sqlite://{}", dir.path().join("anju.db").display());
    let keys = dir.path().join("keys").join("centre.key");
    anju_store::contract::runtime().block_on(async {
        let store =
            anju_store_sqlite::SqliteStore::open(&url, "320500000000000", data_key(dir.path()))
                .await
                .expect("open");
        let policy = anju_app::policy::load_policy(None).expect("policy");
        let ring = KeyRing::load_or_create(&keys, &policy.centre_name).expect("keys");
        let app = App::new(std::sync::Arc::new(store), policy).with_keys(ring);
        let job = Actor::anonymous(Channel::Batch, "t", "local");
        for i in 0..5 {
            app.access()
                .audit(
                    &job,
                    "test.action",
                    &format!("t:{i}"),
                    b"",
                    CommandOutcome::Done,
                )
                .await
                .expect("audit");
        }
    });
    let (code, text) = run(anju(dir.path()).args(["log", "sequence"]));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("\"tree_size\":5"), "{text}");
    let (code, text) = run(anju(dir.path()).args(["log", "verify"]));
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("5 leaves and 1 checkpoints checked") && text.contains("log OK"));
    anju_store::contract::runtime().block_on(async {
        let store =
            anju_store_sqlite::SqliteStore::open(&url, "320500000000000", data_key(dir.path()))
                .await
                .expect("open");
        for sql in [
            "DROP TRIGGER audit_log_no_update",
            "UPDATE audit_log SET target = 't:forged' WHERE target = 't:3'",
        ] {
            sqlx::query(sql)
                .execute(store.pool_for_tests())
                .await
                .expect(sql);
        }
    });
    let (code, text) = run(anju(dir.path()).args(["log", "verify"]));
    assert_eq!(code, 1, "{text}");
    let first = text
        .lines()
        .find(|l| l.starts_with("FAIL"))
        .expect("a FAIL line");
    assert!(
        first.starts_with("FAIL leaf 3: audit ")
            && first.ends_with("was changed after it was logged"),
        "{text}"
    );
    assert!(text.contains("log INVALID"), "{text}");
}
