//! The storage contract on SQLite (always runs), plus SQLite-only checks.

use anju_store::contract::{BoxFuture, Harness};
use anju_store::{LedgerStore, PostingStore};
use anju_store_sqlite::SqliteStore;
use std::sync::Arc;

/// One fixed key, so a case may reopen its file.
fn seal() -> anju_store::PersonalSeal {
    anju_store::PersonalSeal::parse(
        "636f6e7472616374207465737420706572736f6e616c2d64617461206b657921",
    )
    .expect("key")
}

fn sqlite() -> BoxFuture<Option<Harness>> {
    Box::pin(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("anju.db").display());
        let store = SqliteStore::open(&url, "320500000000000", seal())
            .await
            .expect("open sqlite");
        Some(Harness {
            cleanup: None,
            store: Arc::new(store),
            guard: Box::new(dir),
        })
    })
}

anju_store::contract_tests!(sqlite);

#[test]
fn check_reports_tampering_that_bypassed_the_store() {
    use anju_store::contract::{d, open, remittance};
    anju_store::contract::runtime().block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("anju.db").display());
        let store = SqliteStore::open(&url, "320500000000000", seal())
            .await
            .expect("open");
        open(&store, &[1, 2], "2026-07-01").await;
        let entry = remittance("r1", d("2026-11-10"), &[(1, 100_00), (2, 50_00)]);
        store
            .post_entries(&[entry], &Default::default())
            .await
            .expect("post");
        assert!(store.check_ledger().await.expect("check").is_ok());
        sqlx::query("UPDATE member_account SET balance_fen = balance_fen + 1 WHERE member_id = 2")
            .execute(store.pool_for_tests())
            .await
            .expect("tamper");
        sqlx::query("UPDATE posting_line SET amount_fen = amount_fen + 7 WHERE line_no = 1")
            .execute(store.pool_for_tests())
            .await
            .expect("tamper");
        let check = store.check_ledger().await.expect("check");
        assert!(!check.is_ok());
        assert_eq!(check.member_mismatches.len(), 1);
        assert_eq!(check.unbalanced_entries.len(), 1);
        assert_eq!(
            check.gl_mismatches.len(),
            1,
            "GL 101 row no longer matches its lines"
        );
        let report = check.render();
        assert!(
            report.contains("FAIL") && report.contains("member 2"),
            "{report}"
        );
    });
}

#[test]
fn the_audit_log_refuses_updates_and_deletes() {
    anju_store::contract::runtime().block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("anju.db").display());
        let store = SqliteStore::open(&url, "320500000000000", seal()).await.expect("open");
        sqlx::query(
            "INSERT INTO audit_log VALUES (1, 1, 1, 'x', 'clerk', 'counter', 'signin', '', '', 'ok', 'r', '', NULL, NULL)",
        )
        .execute(store.pool_for_tests())
        .await
        .expect("append");
        for sql in ["UPDATE audit_log SET result = 'forged'", "DELETE FROM audit_log"] {
            let err = sqlx::query(sql).execute(store.pool_for_tests()).await.expect_err(sql);
            assert!(err.to_string().contains("append-only"), "{err}");
        }
    });
}

#[test]
fn an_unknown_status_is_an_error_naming_table_and_value() {
    anju_store::contract::runtime().block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("anju.db").display());
        let store = Arc::new(
            SqliteStore::open(&url, "320500000000000", seal())
                .await
                .expect("open"),
        );
        anju_store::contract::unknown_codes_are_reported(store.as_ref(), raw(&store)).await;
    });
}

/// The fixed key with a new one put first (a rotation).
fn rotated() -> anju_store::PersonalSeal {
    anju_store::PersonalSeal::parse(
        "726f746174656420706572736f6e616c2d64617461206b6579206f6620616e6a\n\
         636f6e7472616374207465737420706572736f6e616c2d64617461206b657921",
    )
    .expect("key")
}

#[test]
fn rows_in_clear_are_sealed_on_open() {
    anju_store::contract::runtime().block_on(async {
        let dir = tempfile::tempdir().expect("temp dir");
        let url = format!("sqlite://{}", dir.path().join("anju.db").display());
        let store = Arc::new(
            SqliteStore::open(&url, "320500000000000", seal())
                .await
                .expect("open"),
        );
        let (again, rotation) = (url.clone(), url.clone());
        anju_store::contract::rows_in_clear_are_sealed_on_open(
            store.as_ref(),
            raw(&store),
            "UPDATE withdrawal_document SET file_name = '职工1身份证.jpg', \
             content = X'FFD8FFE0' WHERE withdrawal_id = 10",
            move || {
                let again = again.clone();
                Box::pin(async move {
                    let store = SqliteStore::open(&again, "320500000000000", seal()).await;
                    Arc::new(store.expect("reopen")) as Arc<dyn anju_store::Store>
                })
            },
            move || {
                Box::pin(async move {
                    let store = SqliteStore::open(&rotation, "320500000000000", rotated()).await;
                    Arc::new(store.expect("rotated")) as Arc<dyn anju_store::Store>
                })
            },
        )
        .await;
    });
}

/// SQL run behind the store's back (a test that tampers with rows).
fn raw(store: &Arc<SqliteStore>) -> impl Fn(&'static str) -> BoxFuture<()> + use<> {
    let store = Arc::clone(store);
    move |sql| {
        let store = Arc::clone(&store);
        Box::pin(async move {
            sqlx::query(sql)
                .execute(store.pool_for_tests())
                .await
                .expect(sql);
        })
    }
}
