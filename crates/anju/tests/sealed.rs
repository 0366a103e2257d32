//! Personal data sealed at rest (issue 22): the demo centre is seeded by the
//! real binary, then the raw database — SQLite's file and its WAL, byte for
//! byte; every PostgreSQL table dumped as text — is searched for each demo
//! member's ID number and name and each name the demo prints for its staff
//! and sign-ins. None may be there in
//! clear, while the store (holding the key) still finds members by ID number
//! through the blind index. Then the key is rotated and the database
//! re-sealed under the new key; a key file without the database's key is
//! refused.

mod common;

use anju_store::{AccessStore, CollectionStore, PersonalSeal};
use std::io::BufRead as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// Every demo member's 身份证号 (the demo enrols members 1…300).
fn demo_id_cards() -> Vec<String> {
    (1..=300)
        .map(|m| {
            anju_app::demo::demo_member_id_card(m)
                .expect("demo id")
                .as_str()
                .to_string()
        })
        .collect()
}

/// Starts `anju serve --demo` and waits until it serves: the demo is seeded.
/// Returns the process and the names of the people it printed sign-ins for.
fn serve_demo(data: &Path, database: Option<&str>) -> (Child, Vec<String>) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("port")
        .local_addr()
        .expect("addr")
        .port();
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_anju"));
    cmd.env_remove("ANJU_DATABASE_URL")
        .env_remove("ANJU_CONFIG")
        .env_remove("ANJU_POLICY")
        .env_remove("ANJU_PERSONAL_KEY_FILE")
        .env("ANJU_DATA_DIR", data)
        .current_dir(data);
    if let Some(url) = database {
        cmd.arg("--database").arg(url);
    }
    let mut child = cmd
        .args(["serve", "--demo", "--listen"])
        .arg(format!("127.0.0.1:{port}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("anju serve");
    let out = child.stdout.take().expect("stdout");
    let mut names: Vec<String> = (1..=300).map(anju_app::demo::demo_member_name).collect();
    names.sort();
    names.dedup();
    for line in std::io::BufReader::new(out).lines() {
        let line = line.expect("line");
        // "  个人 member      320502199001020018   王伟（缴存职工）"
        if let Some((head, _)) = line.split_once('（')
            && let Some(name) = head.split_whitespace().last()
            && name.chars().all(|c| !c.is_ascii())
        {
            names.push(name.to_string());
        }
        if line.contains("serving on") {
            names.sort();
            names.dedup();
            return (child, names);
        }
    }
    stop(child);
    panic!("anju serve --demo stopped before serving");
}

fn stop(mut child: Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// The values of `wanted` that occur in `haystack`.
fn found_in<'a>(haystack: &[u8], wanted: &'a [String]) -> Vec<&'a str> {
    wanted
        .iter()
        .filter(|w| {
            haystack
                .windows(w.len())
                .any(|window| window == w.as_bytes())
        })
        .map(String::as_str)
        .collect()
}

fn assert_nothing_in_clear(raw: &[u8], names: &[String]) {
    let ids = demo_id_cards();
    // The members' 100 names and the staff the demo prints.
    assert!(names.len() > 100, "the demo names its people: {names:?}");
    // The search itself works: the same text with the values in it is hit.
    let last = names.last().expect("a name");
    let probe = format!("x{}y{last}z", ids[7]);
    assert_eq!(found_in(probe.as_bytes(), &ids), vec![ids[7].as_str()]);
    assert_eq!(found_in(probe.as_bytes(), names), vec![last.as_str()]);
    assert_eq!(
        found_in(raw, &ids),
        Vec::<&str>::new(),
        "ID numbers in clear"
    );
    assert_eq!(found_in(raw, names), Vec::<&str>::new(), "names in clear");
    let callers = demo_callers();
    assert!(callers.len() >= 10, "{callers:?}");
    assert_eq!(
        found_in(raw, &callers),
        Vec::<&str>::new(),
        "12329 callers' numbers in clear"
    );
}

/// The numbers that called 12329 in the demo's month (its CDR file).
fn demo_callers() -> Vec<String> {
    let cdr = include_str!("../../../fixtures/hotline-cdr-2026-11.csv");
    let mut callers: Vec<String> = cdr
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').nth(2))
        .map(str::to_string)
        .collect();
    callers.sort();
    callers.dedup();
    callers
}

/// The store, holding the key, opens what it sealed and finds members by
/// ID number through the blind index.
async fn finds_members_by_id_number(store: &dyn CollectionStore) {
    let id = &demo_id_cards()[41];
    let member = store.member_by_id_card(id).await.expect("lookup");
    let member = member.expect("found by blind index");
    assert_eq!(member.id_card, *id);
    assert_eq!(member.name, anju_app::demo::demo_member_name(42));
}

fn key_file(data: &Path) -> std::path::PathBuf {
    data.join("keys").join("personal.key")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_id_number_or_name_is_in_the_sqlite_file_in_clear() {
    let dir = tempfile::tempdir().expect("dir");
    let data = dir.path();
    let (child, names) = serve_demo(data, None);
    stop(child);
    let mut raw = std::fs::read(data.join("demo.db")).expect("database file");
    if let Ok(wal) = std::fs::read(data.join("demo.db-wal")) {
        raw.extend(wal);
    }
    assert!(raw.len() > 1_000_000, "the demo wrote its data");
    assert_nothing_in_clear(&raw, &names);

    // The store, with the key, reads and finds them.
    let url = format!("sqlite://{}", data.join("demo.db").display());
    let policy = anju_app::policy::load_policy(None).expect("policy");
    let seal = PersonalSeal::load_or_create(&key_file(data)).expect("key");
    let store = anju_store_sqlite::SqliteStore::open(&url, &policy.centre_code, seal)
        .await
        .expect("store");
    finds_members_by_id_number(&store).await;
    store.close().await;
    rotate_and_reseal(data, &url, &policy.centre_code).await;
}

/// A new key goes first in the file: opening re-seals every value under it
/// (no value is left under the old key; lookups and sign-in work, as the
/// index key — the file's last line — stays). The old key alone is then
/// refused, and so is the new key alone (it would index differently).
async fn rotate_and_reseal(data: &Path, url: &str, centre: &str) {
    let old = std::fs::read_to_string(key_file(data)).expect("key file");
    let old_seal = PersonalSeal::parse(&old).expect("old key");
    let old_id = old_seal.current_id().to_string();
    let fresh = tempfile::tempdir().expect("dir");
    let new_only = PersonalSeal::load_or_create(&fresh.path().join("k")).expect("new key");
    let new_text = std::fs::read_to_string(fresh.path().join("k")).expect("new key text");
    let rotated = format!("{new_text}\n{old}");
    let open = |seal: PersonalSeal| anju_store_sqlite::SqliteStore::open(url, centre, seal);
    let store = open(PersonalSeal::parse(&rotated).expect("rotated"))
        .await
        .expect("rotated open re-seals");
    finds_members_by_id_number(&store).await;
    let clerk = store.user_by_login("clerk01").await.expect("user");
    assert!(clerk.is_some(), "staff sign in after the rotation");
    store.close().await;
    // No sealed column holds a value under the old key any more.
    let mut conn = <sqlx::SqliteConnection as sqlx::Connection>::connect(url)
        .await
        .expect("connect");
    let under_old = format!("s1:{old_id}:%");
    let mut columns = 0;
    for (table, column) in anju_store::seal_sql::sealed_columns() {
        let left: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT COUNT(*) FROM {table} WHERE {column} LIKE $1"
        )))
        .bind(&under_old)
        .fetch_one(&mut conn)
        .await
        .expect("count");
        assert_eq!(left, 0, "{table}.{column} still under the old key");
        columns += 1;
    }
    let members_under_new: (i64, i64) = sqlx::query_as(
        "SELECT SUM(CASE WHEN id_card LIKE $1 THEN 1 ELSE 0 END), COUNT(*) FROM member",
    )
    .bind(format!("s1:{}:%", new_only.current_id()))
    .fetch_one(&mut conn)
    .await
    .expect("count");
    assert!(members_under_new.1 >= 300, "{members_under_new:?}");
    assert_eq!(members_under_new.0, members_under_new.1);
    assert!(columns > 20, "{columns} sealed columns");
    let _ = sqlx::Connection::close(conn).await;
    // The old key alone cannot open what is now sealed…
    let err = open(old_seal).await.err().expect("refused").to_string();
    assert!(err.contains("个人信息密钥文件中没有该密钥"), "{err}");
    // …and the new one alone would index differently.
    let err = open(new_only).await.err().expect("refused").to_string();
    assert!(err.contains("最后一行"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_id_number_or_name_is_in_any_postgres_table_in_clear() {
    use anju_store_postgres::backup::{Databases, with_database};
    let Some(base) = common::pg_url() else {
        return;
    };
    let name = format!("anju_sealed_{}", std::process::id());
    let mut databases = Databases::connect(&base).await.expect("admin");
    if databases.exists(&name).await.expect("exists") {
        databases.drop(&name).await.expect("drop old");
    }
    databases.create(&name).await.expect("create");
    let url = with_database(&base, &name).expect("url");
    let dir = tempfile::tempdir().expect("dir");
    let (child, names) = serve_demo(dir.path(), Some(&url));
    stop(child);

    let mut conn = <sqlx::PgConnection as sqlx::Connection>::connect(&url)
        .await
        .expect("connect");
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' AND table_type = 'BASE TABLE' ORDER BY 1",
    )
    .fetch_all(&mut conn)
    .await
    .expect("tables");
    assert!(tables.iter().any(|t| t == "member"), "{tables:?}");
    let mut dump = Vec::new();
    for table in &tables {
        let rows: Vec<String> = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
            "SELECT CAST(t AS TEXT) FROM \"{table}\" t"
        )))
        .fetch_all(&mut conn)
        .await
        .expect("rows");
        for row in rows {
            dump.extend(row.into_bytes());
            dump.push(b'\n');
        }
    }
    let _ = sqlx::Connection::close(conn).await;
    assert!(dump.len() > 500_000, "the demo wrote its data");
    assert_nothing_in_clear(&dump, &names);

    let policy = anju_app::policy::load_policy(None).expect("policy");
    let seal = PersonalSeal::load_or_create(&key_file(dir.path())).expect("key");
    let store = anju_store_postgres::PgStore::open(&url, &policy.centre_code, seal)
        .await
        .expect("store");
    finds_members_by_id_number(&store).await;
    store.close().await;
    databases.drop(&name).await.expect("drop");
}
