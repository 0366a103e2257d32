use crate::App;
use anju_domain::Fen;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};

async fn app(dir: &tempfile::TempDir) -> App {
    crate::test_support::sqlite_app(dir, "a.db").await
}

use crate::test_support::d;

fn key(k: &str) -> IdempotencyKey {
    IdempotencyKey::parse(k).expect(k)
}

#[tokio::test]
async fn reversal_through_the_use_case() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    app.ledger()
        .open_member_accounts(&[(MemberId(1), d("2026-07-01"))])
        .await
        .expect("open");
    let entry = NewEntry::new(
        "C01",
        d("2026-11-10"),
        key("r1"),
        "汇缴",
        vec![
            Line::debit("101", Fen::new(500_00)),
            Line::credit("201", Fen::new(500_00)).for_member(MemberId(1)),
        ],
    )
    .expect("entry");
    let posted = app.ledger().post_entry(entry).await.expect("post");
    assert_eq!(
        app.ledger()
            .member_balance(MemberId(1))
            .await
            .expect("balance")
            .balance,
        Fen::new(500_00)
    );
    app.ledger()
        .reverse_entry(posted.entry_id, key("rev"))
        .await
        .expect("reverse");
    assert_eq!(
        app.ledger()
            .member_balance(MemberId(1))
            .await
            .expect("balance")
            .balance,
        Fen::ZERO
    );
    let again = app
        .ledger()
        .reverse_entry(posted.entry_id, key("rev-2"))
        .await
        .expect_err("twice");
    assert_eq!(again.code(), Some("ENTRY_ALREADY_REVERSED"));
    let missing = app
        .ledger()
        .reverse_entry(anju_domain::ledger::EntryId(42), key("rev-3"))
        .await
        .expect_err("missing");
    assert_eq!(missing.code(), Some("ENTRY_NOT_FOUND"));
    assert!(app.ledger().check_ledger().await.expect("check").is_ok());
}

#[tokio::test]
async fn a_value_date_without_policy_is_refused() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    app.ledger()
        .open_member_accounts(&[(MemberId(1), d("1990-01-01"))])
        .await
        .expect("open");
    let entry = NewEntry::new(
        "C01",
        d("1990-01-10"),
        key("old"),
        "",
        vec![
            Line::debit("101", Fen::new(1)),
            Line::credit("201", Fen::new(1)).for_member(MemberId(1)),
        ],
    )
    .expect("entry");
    assert_eq!(
        app.ledger()
            .post_entry(entry)
            .await
            .expect_err("no policy")
            .code(),
        Some("POLICY_NOT_IN_FORCE")
    );
    assert!(app.readiness(d("2026-11-29")).await.is_ok());
    assert_eq!(
        app.readiness(d("1990-01-01"))
            .await
            .expect_err("no policy")
            .code(),
        Some("POLICY_NOT_IN_FORCE")
    );
}
