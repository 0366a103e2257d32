//! The restore drill on the embedded database: `anju backup` while
//! contributions are being posted, `anju restore` into an empty place, the
//! restored ledger checked and equal to the manifest; a damaged copy and an
//! occupied target are refused and write nothing. The same drill runs on
//! PostgreSQL (`pg_dump` in an exported snapshot, `pg_restore` into a new
//! database) whenever `ANJU_TEST_PG_URL` is set.

mod common;

use common::run;

use anju_app::App;
use anju_app::policy::load_policy;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::{Date, Fen};
use anju_store_postgres::PgStore;
use anju_store_postgres::backup::{Databases, with_database};
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
    let seal = anju_store::PersonalSeal::load_or_create(&data.join("keys").join("personal.key"))
        .expect("key");
    let store = anju_store_sqlite::SqliteStore::open(&url, &policy.centre_code, seal)
        .await
        .expect("store");
    let app = App::new(Arc::new(store), policy);
    let (manifest_path, manifest) = back_up_while_posting(&app, data, &url).await;
    assert_eq!(manifest["backend"], "sqlite");

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

    // Not over a database that exists, nor into another kind of database.
    let (code, out) = run(anju(data)
        .args(["--database", &restored, "restore"])
        .arg(&manifest_path));
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("empty place"), "{out}");
    let (code, out) = run(anju(data)
        .args(["--database", "postgres://127.0.0.1:9/none", "restore"])
        .arg(&manifest_path));
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("its own kind"), "{out}");

    // No database, nothing to back up (and none is created).
    let empty = tempfile::tempdir().expect("dir");
    let (code, out) = run(anju(empty.path()).args(["backup", "--to", "b"]));
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("nothing to back up"), "{out}");
    assert!(!empty.path().join("anju.db").exists());

    // A damaged copy is refused before anything is written.
    damage(&manifest_path, &manifest);
    let elsewhere = data.join("elsewhere.db");
    let target = format!("sqlite://{}", elsewhere.display());
    let (code, out) = run(anju(data)
        .args(["--database", &target, "restore"])
        .arg(&manifest_path));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL") && out.contains("SHA-256"), "{out}");
    assert!(!elsewhere.exists(), "nothing written");
}

/// Ten members' accounts opened, then contributions posted one by one
/// while `anju backup` runs beside them (the two overlap on most runs; a
/// copy taken wholly before or after them must pass the same checks). The
/// manifest's path and content; it holds whole postings only.
async fn back_up_while_posting(app: &App, data: &Path, url: &str) -> (String, serde_json::Value) {
    let opened = Date::parse("2026-07-01").expect("date");
    let members: Vec<(MemberId, Date)> = (1..=10).map(|m| (MemberId(m), opened)).collect();
    app.ledger()
        .open_member_accounts(&members)
        .await
        .expect("accounts");
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
        let (data, backups, url) = (data.to_path_buf(), backups.clone(), url.to_string());
        tokio::task::spawn_blocking(move || {
            run(anju(&data)
                .args(["--database", &url, "backup", "--to"])
                .arg(&backups))
        })
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
    (manifest_path, manifest)
}

/// Flips a byte in the middle of the backup the manifest names.
fn damage(manifest_path: &str, manifest: &serde_json::Value) {
    let dir = Path::new(manifest_path).parent().expect("dir");
    let copy = dir.join(manifest["file"].as_str().expect("file"));
    let mut bytes = std::fs::read(&copy).expect("copy");
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&copy, bytes).expect("damage");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_backup_taken_while_postings_run_restores_to_its_manifest() {
    let Some(base) = common::pg_url() else {
        return;
    };
    let tag = format!("anju_drill_{}", std::process::id());
    let names = [
        format!("{tag}_src"),
        format!("{tag}_dst"),
        format!("{tag}_dst_restoring"),
        format!("{tag}_other"),
        format!("{tag}_other_restoring"),
    ];
    let mut databases = Databases::connect(&base).await.expect("admin");
    for name in &names {
        databases.drop(name).await.expect("drop");
    }
    databases.create(&names[0]).await.expect("create");
    let url = |name: &str| with_database(&base, name).expect("url");
    let source = url(&names[0]);
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let policy = load_policy(None).expect("policy");
    let store = Arc::new(
        PgStore::open(
            &source,
            &policy.centre_code,
            anju_store::PersonalSeal::load_or_create(&data.join("keys").join("personal.key"))
                .expect("key"),
        )
        .await
        .expect("store"),
    );
    let app = App::new(store.clone(), policy);
    let (manifest_path, manifest) = back_up_while_posting(&app, data, &source).await;
    assert_eq!(manifest["backend"], "postgres");
    assert!(
        manifest["file"]
            .as_str()
            .is_some_and(|f| f.ends_with(".dump"))
    );

    // Restored into a database that does not exist yet: checked, equal to
    // the manifest, and renamed into place.
    let target = url(&names[1]);
    let (code, out) = run(anju(data)
        .args(["--database", &target, "restore"])
        .arg(&manifest_path));
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("restore OK"), "{out}");
    let (code, out) = run(anju(data).args(["--database", &target, "check"]));
    assert_eq!(code, 0, "{out}");
    assert!(databases.exists(&names[1]).await.expect("exists"));
    assert!(
        !databases.exists(&names[2]).await.expect("exists"),
        "no working copy left"
    );

    // Not over a database that exists; not from an embedded backup.
    let (code, out) = run(anju(data)
        .args(["--database", &target, "restore"])
        .arg(&manifest_path));
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("empty place"), "{out}");

    // A dump whose restored ledger differs from its manifest: restored,
    // checked, refused, and the working copy dropped — nothing left.
    let mut altered = manifest.clone();
    altered["gl"][0]["debit_fen"] =
        (altered["gl"][0]["debit_fen"].as_i64().expect("debit") + 1).into();
    let altered_path = format!("{manifest_path}.altered.json");
    std::fs::write(&altered_path, altered.to_string()).expect("altered manifest");
    let (code, out) = run(anju(data)
        .args(["--database", &url(&names[3]), "restore"])
        .arg(&altered_path));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL"), "{out}");
    for name in &names[3..] {
        assert!(
            !databases.exists(name).await.expect("exists"),
            "{name} left"
        );
    }

    // A damaged dump is refused before any database is made.
    damage(&manifest_path, &manifest);
    let (code, out) = run(anju(data)
        .args(["--database", &url(&names[3]), "restore"])
        .arg(&manifest_path));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL") && out.contains("SHA-256"), "{out}");
    assert!(!databases.exists(&names[3]).await.expect("exists"));

    store.close().await;
    for name in &names {
        databases.drop(name).await.expect("drop");
    }
}

/// `serve` with a `[backup]` section backs up on its schedule and keeps the
/// newest ones; the newest restores.
#[test]
fn serve_backs_up_on_its_schedule_and_keeps_the_newest() {
    use std::io::BufRead as _;
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    std::fs::write(
        data.join("anju.toml"),
        "[backup]\ndir = \"kept\"\nevery = \"2s\"\nkeep = 2\n",
    )
    .expect("config");
    let mut server = anju(data)
        .args(["serve", "--demo", "--listen", "127.0.0.1:0"])
        .env("ANJU_LOG", "info")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("serve");
    // The log goes to standard output, beside the demo's own lines.
    let log = std::io::BufReader::new(server.stdout.take().expect("stdout"));
    let (lines, arrived) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in log.lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    // The demo is seeded first (a debug build takes a while), then four
    // backups two seconds apart.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(300);
    let (mut made, mut seen) = (0, Vec::new());
    while made < 4 {
        let left = deadline.saturating_duration_since(std::time::Instant::now());
        let Ok(line) = arrived.recv_timeout(left) else {
            break;
        };
        made += usize::from(line.contains("scheduled backup made"));
        seen.push(line);
    }
    // The fifth is two seconds away: the directory is as the fourth left it.
    let _ = server.kill();
    let _ = server.wait();
    assert_eq!(made, 4, "{}", seen.join("\n"));
    let kept = data.join("kept");
    let mut manifests: Vec<_> = std::fs::read_dir(&kept)
        .expect("kept")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.to_string_lossy().ends_with(".manifest.json"))
        .collect();
    manifests.sort();
    assert_eq!(manifests.len(), 2, "{manifests:?}");
    let restored = format!("sqlite://{}", data.join("restored.db").display());
    let (code, out) = run(anju(data)
        .args(["--database", &restored, "restore"])
        .arg(manifests.last().expect("newest")));
    assert_eq!(code, 0, "{out}");
}
