//! The restore drill on the embedded database: `anju backup` while
//! contributions are being posted, `anju restore` into an empty place, the
//! restored ledger checked and equal to the manifest; a damaged copy and an
//! occupied target are refused and write nothing.

use anju_app::App;
use anju_app::policy::load_policy;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::{Date, Fen};
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

const CONTRIBUTION_FEN: i64 = 1_234_56;
const POSTINGS: i64 = 300;

fn anju(data_dir: &Path) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_anju"));
    cmd.env_remove("ANJU_DATABASE_URL")
        .env_remove("ANJU_POLICY")
        .env_remove("ANJU_CONFIG")
        .env("ANJU_DATA_DIR", data_dir)
        .current_dir(data_dir);
    cmd
}

fn run(cmd: &mut Command) -> (i32, String) {
    let out = cmd.output().expect("run anju");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}

fn contribution(n: i64, member: i64) -> NewEntry {
    let day = Date::parse("2026-11-20").expect("date");
    let key = IdempotencyKey::parse(&format!("drill-{n}")).expect("key");
    let lines = vec![
        Line::debit("101", Fen::new(CONTRIBUTION_FEN)),
        Line::credit("201", Fen::new(CONTRIBUTION_FEN)).for_member(MemberId(member)),
    ];
    NewEntry::new("C01", day, key, "汇缴", lines).expect("entry")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_postings_run_restores_to_its_manifest() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let url = format!("sqlite://{}", data.join("anju.db").display());
    let policy = load_policy(None).expect("policy");
    let store = anju_store_sqlite::SqliteStore::open(&url, &policy.centre_code)
        .await
        .expect("store");
    let app = App::new(Arc::new(store), policy);
    let opened = Date::parse("2026-07-01").expect("date");
    let members: Vec<(MemberId, Date)> = (1..=10).map(|m| (MemberId(m), opened)).collect();
    app.ledger()
        .open_member_accounts(&members)
        .await
        .expect("accounts");

    // Contributions land one by one while the backup runs beside them (the
    // two overlap on most runs; a copy taken wholly before or after them
    // must pass the same checks).
    let poster = {
        let app = app.clone();
        tokio::spawn(async move {
            for n in 0..POSTINGS {
                app.ledger()
                    .post_entry(contribution(n, 1 + n % 10))
                    .await
                    .expect("post");
            }
        })
    };
    let backups = data.join("backups");
    let backup = {
        let (data, backups) = (data.to_path_buf(), backups.clone());
        tokio::task::spawn_blocking(move || run(anju(&data).args(["backup", "--to"]).arg(&backups)))
    };
    let (code, out) = backup.await.expect("backup");
    poster.await.expect("poster");
    assert_eq!(code, 0, "{out}");
    let manifest_path = out
        .lines()
        .last()
        .expect("the manifest's path")
        .trim()
        .to_string();
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&manifest_path).expect("manifest"))
            .expect("json");

    // The copy is one instant: whole postings only, debits equal credits.
    let total = |code: &str, side: &str| {
        manifest["gl"]
            .as_array()
            .expect("gl")
            .iter()
            .find(|g| g["gl_code"] == code)
            .map_or(0, |g| g[side].as_i64().unwrap_or(0))
    };
    let credited = total("201", "credit_fen");
    assert_eq!(credited, total("101", "debit_fen"), "{manifest}");
    assert_eq!(
        credited % CONTRIBUTION_FEN,
        0,
        "whole postings only: {credited}"
    );
    assert!(credited <= POSTINGS * CONTRIBUTION_FEN);
    eprintln!(
        "the copy holds {} of {POSTINGS} postings",
        credited / CONTRIBUTION_FEN
    );

    // Restored into an empty place: checked, and equal to the manifest.
    let restored = format!("sqlite://{}", data.join("restored.db").display());
    let (code, out) = run(anju(data)
        .args(["--database", &restored, "restore"])
        .arg(&manifest_path));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("restore OK"), "{out}");
    let (code, out) = run(anju(data).args(["--database", &restored, "check"]));
    assert_eq!(code, 0, "{out}");
    assert!(
        !data.join("restored.db.restoring").exists(),
        "no partial copy left"
    );

    // Not over a database that exists.
    let (code, out) = run(anju(data)
        .args(["--database", &restored, "restore"])
        .arg(&manifest_path));
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("empty place"), "{out}");

    // No database, nothing to back up (and none is created).
    let empty = tempfile::tempdir().expect("dir");
    let (code, out) = run(anju(empty.path()).args(["backup", "--to", "b"]));
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("nothing to back up"), "{out}");
    assert!(!empty.path().join("anju.db").exists());

    // A damaged copy is refused before anything is written.
    let copy = backups.join(manifest["file"].as_str().expect("file"));
    let mut bytes = std::fs::read(&copy).expect("copy");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&copy, bytes).expect("damage");
    let elsewhere = data.join("elsewhere.db");
    let target = format!("sqlite://{}", elsewhere.display());
    let (code, out) = run(anju(data)
        .args(["--database", &target, "restore"])
        .arg(&manifest_path));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL") && out.contains("SHA-256"), "{out}");
    assert!(!elsewhere.exists(), "nothing written");
}
