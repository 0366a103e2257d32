//! What the end-to-end tests of the binary crate share: a fresh store on
//! each backend that is available (SQLite always; PostgreSQL whenever
//! `ANJU_TEST_PG_URL` is set, and with `CI=true` a missing URL fails instead
//! of skipping), and what cleans it up.
//!
//! Every test file compiles this module on its own and uses only part of it.
#![allow(dead_code)]

use anju_store::Store;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

pub const CENTRE: &str = "320500000000000";

pub fn pg_url() -> Option<String> {
    match std::env::var("ANJU_TEST_PG_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ if std::env::var("CI").is_ok_and(|v| v == "true") => {
            panic!("CI=true but ANJU_TEST_PG_URL is not set")
        }
        _ => {
            use std::io::Write as _;
            let _ = writeln!(
                std::io::stderr(),
                "skipped: ANJU_TEST_PG_URL is not set, PostgreSQL cases not run"
            );
            None
        }
    }
}

/// A fresh store on one backend, and what cleans it up.
pub enum Fresh {
    Sqlite {
        store: Arc<anju_store_sqlite::SqliteStore>,
        /// Holds the database file until the test ends.
        _dir: tempfile::TempDir,
    },
    Pg(Arc<anju_store_postgres::PgStore>, String),
}

impl Fresh {
    pub fn store(&self) -> Arc<dyn Store> {
        match self {
            Fresh::Sqlite { store, .. } => store.clone(),
            Fresh::Pg(store, _) => store.clone(),
        }
    }

    pub fn backend(&self) -> &'static str {
        match self {
            Fresh::Sqlite { .. } => "sqlite",
            Fresh::Pg(..) => "postgres",
        }
    }

    pub async fn drop_it(self) {
        if let Fresh::Pg(store, schema) = self {
            store.drop_schema(&schema).await.expect("drop schema");
        }
    }
}

pub async fn fresh_stores() -> Vec<Fresh> {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("anju.db").display());
    let seal = || anju_store::PersonalSeal::generated().expect("key");
    let sqlite = anju_store_sqlite::SqliteStore::open(&url, CENTRE, seal())
        .await
        .expect("sqlite");
    let mut stores = vec![Fresh::Sqlite {
        store: Arc::new(sqlite),
        _dir: dir,
    }];
    if let Some(url) = pg_url() {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let schema = format!(
            "e2e_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let pg = anju_store_postgres::PgStore::open_in_schema(&url, CENTRE, Some(&schema), seal())
            .await
            .expect("postgres");
        stores.push(Fresh::Pg(Arc::new(pg), schema));
    }
    stores
}

impl Fresh {
    /// Runs SQL behind the store's back (a test that tampers with records).
    pub async fn execute_raw(&self, sql: &str) {
        match self {
            Fresh::Sqlite { store, .. } => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(store.pool_for_tests())
                    .await
                    .expect(sql);
            }
            Fresh::Pg(store, _) => {
                sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_string()))
                    .execute(store.pool_for_tests())
                    .await
                    .expect(sql);
            }
        }
    }
}

/// Runs an `anju` command to its end: the exit code and everything it
/// printed (standard output, then standard error).
pub fn run(cmd: &mut std::process::Command) -> (i32, String) {
    let out = cmd.output().expect("run anju");
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    (out.status.code().unwrap_or(-1), text)
}
