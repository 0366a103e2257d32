//! Contract cases: each takes a fresh, migrated store.

use super::BoxFuture;
use crate::{Fault, PostOptions, Store, StoreError};
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::{Date, Fen};
use std::sync::Arc;

pub fn d(text: &str) -> Date {
    Date::parse(text).expect(text)
}

pub fn key(text: &str) -> IdempotencyKey {
    IdempotencyKey::parse(text).expect(text)
}

/// Dr 101 / Cr 201 for each (member, fen).
pub fn remittance(k: &str, value_date: Date, credits: &[(i64, i64)]) -> NewEntry {
    let total: i64 = credits.iter().map(|(_, f)| f).sum();
    let mut lines = vec![Line::debit("101", Fen::new(total))];
    lines.extend(
        credits
            .iter()
            .map(|(m, f)| Line::credit("201", Fen::new(*f)).for_member(MemberId(*m))),
    );
    NewEntry::new("C01", value_date, key(k), "汇缴", lines).expect("valid remittance")
}

/// Dr 201 / Cr 101: a member withdraws.
pub fn withdrawal(k: &str, value_date: Date, member: i64, fen: i64) -> NewEntry {
    let lines = vec![
        Line::debit("201", Fen::new(fen)).for_member(MemberId(member)),
        Line::credit("101", Fen::new(fen)),
    ];
    NewEntry::new("C11", value_date, key(k), "部分提取", lines).expect("valid withdrawal")
}

pub async fn open(store: &dyn Store, members: &[i64], on: &str) {
    let accounts: Vec<(MemberId, Date)> = members.iter().map(|m| (MemberId(*m), d(on))).collect();
    store
        .open_member_accounts(&accounts)
        .await
        .expect("open accounts");
}

pub async fn balance(store: &dyn Store, member: i64) -> Fen {
    store
        .member_balance(MemberId(member))
        .await
        .expect("read")
        .expect("account exists")
        .balance
}

fn strict() -> PostOptions {
    PostOptions::default()
}

fn code(result: Result<impl std::fmt::Debug, StoreError>) -> Option<&'static str> {
    result.expect_err("must be refused").code()
}

pub async fn assert_checks(store: &dyn Store) -> crate::LedgerCheck {
    let check = store.check_ledger().await.expect("check runs");
    assert!(check.is_ok(), "{}", check.render());
    check
}

pub fn migrate_is_idempotent(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        store.migrate().await.expect("second migrate");
        store.ping().await.expect("ping");
        let check = assert_checks(&*store).await;
        assert_eq!((check.entries, check.lines), (0, 0));
    })
}

pub fn posts_and_moves_balances(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1, 2], "2026-07-01").await;
        let entry = remittance("r1", d("2026-11-10"), &[(1, 100_00), (2, 250_00)]);
        let posted = store
            .post_entries(std::slice::from_ref(&entry), &strict())
            .await
            .expect("post");
        assert_eq!(posted.len(), 1);
        assert!(!posted[0].replayed);
        assert_eq!(balance(&*store, 1).await, Fen::new(100_00));
        let state = store
            .member_balance(MemberId(2))
            .await
            .expect("read")
            .expect("exists");
        // 2026-11-10 … 2027-06-30 inclusive is 233 days.
        assert_eq!(state.product_fen_days, 250_00 * 233);
        let gl = store.gl_balances().await.expect("gl");
        let net = |code: &str| gl.iter().find(|g| g.gl_code == code).map(|g| g.net());
        assert_eq!(net("101"), Some(Fen::new(350_00)));
        assert_eq!(net("201"), Some(Fen::new(-350_00)));
        let stored = store
            .entry(posted[0].entry_id)
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(stored.entry, entry);
        assert_eq!(stored.booked_at_us, posted[0].booked_at_us);
        let check = assert_checks(&*store).await;
        assert_eq!(
            (check.entries, check.lines, check.gl_201),
            (1, 3, Fen::new(350_00))
        );
    })
}

pub fn refuses_a_tampered_unbalanced_entry(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-07-01").await;
        let mut entry = remittance("r1", d("2026-11-10"), &[(1, 100_00)]);
        entry.lines[0].amount = Fen::new(99_99);
        let result = store.post_entries(&[entry], &strict()).await;
        assert_eq!(code(result), Some("ENTRY_UNBALANCED"));
        assert_eq!(balance(&*store, 1).await, Fen::ZERO);
        assert!(store.gl_balances().await.expect("gl").is_empty());
        assert_eq!(assert_checks(&*store).await.entries, 0);
    })
}

pub fn replay_returns_the_first_entry(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-07-01").await;
        let entry = remittance("same-key", d("2026-11-10"), &[(1, 100_00)]);
        let first = store
            .post_entries(std::slice::from_ref(&entry), &strict())
            .await
            .expect("first");
        let again = store
            .post_entries(std::slice::from_ref(&entry), &strict())
            .await
            .expect("replay");
        assert_eq!(again[0].entry_id, first[0].entry_id);
        assert_eq!(again[0].booked_at_us, first[0].booked_at_us);
        assert!(again[0].replayed);
        // The same key twice inside one batch: the second is a replay of the first.
        let twin = remittance("twin", d("2026-11-11"), &[(1, 5_00)]);
        let both = store
            .post_entries(&[twin.clone(), twin], &strict())
            .await
            .expect("batch");
        assert_eq!(both[0].entry_id, both[1].entry_id);
        assert!(!both[0].replayed && both[1].replayed);
        assert_eq!(balance(&*store, 1).await, Fen::new(105_00));
        assert_eq!(assert_checks(&*store).await.entries, 2);
    })
}

pub fn reused_key_with_other_content_is_refused(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-07-01").await;
        let first = remittance("k", d("2026-11-10"), &[(1, 100_00)]);
        store
            .post_entries(&[first], &strict())
            .await
            .expect("first");
        let other = remittance("k", d("2026-11-10"), &[(1, 100_01)]);
        let fresh = remittance("k2", d("2026-11-10"), &[(1, 1_00)]);
        // Refused as a whole: the fresh entry in the same batch is not written either.
        let result = store.post_entries(&[fresh, other], &strict()).await;
        assert_eq!(code(result), Some("IDEMPOTENCY_CONFLICT"));
        assert_eq!(balance(&*store, 1).await, Fen::new(100_00));
        let a = remittance("in-batch", d("2026-11-10"), &[(1, 1_00)]);
        let b = remittance("in-batch", d("2026-11-10"), &[(1, 2_00)]);
        assert_eq!(
            code(store.post_entries(&[a, b], &strict()).await),
            Some("IDEMPOTENCY_CONFLICT")
        );
        assert_eq!(assert_checks(&*store).await.entries, 1);
    })
}

pub fn reversal_restores_and_happens_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1, 2], "2026-07-01").await;
        let entry = remittance("r1", d("2026-11-10"), &[(1, 100_00), (2, 50_00)]);
        let posted = store.post_entries(&[entry], &strict()).await.expect("post");
        let stored = store
            .entry(posted[0].entry_id)
            .await
            .expect("read")
            .expect("stored");
        let reversal =
            NewEntry::reversal_of(stored.id, &stored.entry, key("rev-1")).expect("reversal");
        let rev = store
            .post_entries(&[reversal], &strict())
            .await
            .expect("reverse");
        assert_eq!(balance(&*store, 1).await, Fen::ZERO);
        assert_eq!(balance(&*store, 2).await, Fen::ZERO);
        let state = store
            .member_balance(MemberId(1))
            .await
            .expect("read")
            .expect("exists");
        assert_eq!(
            state.product_fen_days, 0,
            "a reversal on the same value date cancels the product"
        );
        let again =
            NewEntry::reversal_of(stored.id, &stored.entry, key("rev-2")).expect("reversal");
        assert_eq!(
            code(store.post_entries(&[again], &strict()).await),
            Some("ENTRY_ALREADY_REVERSED")
        );
        let stored_rev = store
            .entry(rev[0].entry_id)
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(stored_rev.entry.reverses, Some(stored.id));
        let check = assert_checks(&*store).await;
        assert_eq!((check.entries, check.gl_201), (2, Fen::ZERO));
    })
}

pub fn overdraft_is_refused_and_writes_nothing(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-07-01").await;
        store
            .post_entries(
                &[remittance("r1", d("2026-11-10"), &[(1, 100_00)])],
                &strict(),
            )
            .await
            .expect("credit");
        let too_much = withdrawal("w1", d("2026-11-20"), 1, 100_01);
        let result = store
            .post_entries(std::slice::from_ref(&too_much), &strict())
            .await;
        assert_eq!(code(result), Some("BALANCE_INSUFFICIENT"));
        assert_eq!(balance(&*store, 1).await, Fen::new(100_00));
        assert_eq!(assert_checks(&*store).await.entries, 1);
        let exact = withdrawal("w2", d("2026-11-20"), 1, 100_00);
        store
            .post_entries(&[exact], &strict())
            .await
            .expect("to zero is fine");
        let lenient = PostOptions {
            allow_negative_member_balance: true,
            ..PostOptions::default()
        };
        store
            .post_entries(&[too_much], &lenient)
            .await
            .expect("policy allows");
        assert_eq!(balance(&*store, 1).await, Fen::new(-100_01));
        assert_checks(&*store).await;
    })
}

pub fn unknown_member_is_refused(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-07-01").await;
        let entry = remittance("r1", d("2026-11-10"), &[(1, 1_00), (99, 1_00)]);
        assert_eq!(
            code(store.post_entries(&[entry], &strict()).await),
            Some("MEMBER_NOT_FOUND")
        );
        assert_eq!(balance(&*store, 1).await, Fen::ZERO);
        assert_eq!(assert_checks(&*store).await.entries, 0);
    })
}

pub fn opening_an_account_twice_is_refused(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-07-01").await;
        let again = store
            .open_member_accounts(&[
                (MemberId(2), d("2026-07-01")),
                (MemberId(1), d("2026-07-01")),
            ])
            .await;
        assert_eq!(code(again), Some("MEMBER_EXISTS"));
        assert!(
            store
                .member_balance(MemberId(2))
                .await
                .expect("read")
                .is_none(),
            "all or nothing"
        );
    })
}

pub fn balances_as_of_a_date_and_movement_paging(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1, 2], "2026-01-01").await;
        let entries = vec![
            remittance("a", d("2026-01-10"), &[(1, 100_00)]),
            remittance("b", d("2026-02-10"), &[(1, 100_00), (2, 7_00)]),
            withdrawal("c", d("2026-02-15"), 1, 30_00),
            remittance("e", d("2026-03-10"), &[(1, 100_00)]),
            // Posted last, valued earliest: a back payment.
            remittance("f", d("2026-01-05"), &[(1, 1_00)]),
        ];
        for e in &entries {
            store
                .post_entries(std::slice::from_ref(e), &strict())
                .await
                .expect("post");
        }
        let as_of = |date: &'static str| {
            let store = store.clone();
            async move {
                store
                    .member_balance_as_of(MemberId(1), d(date))
                    .await
                    .expect("as of")
            }
        };
        assert_eq!(as_of("2026-01-04").await, Fen::ZERO);
        assert_eq!(as_of("2026-01-05").await, Fen::new(1_00));
        assert_eq!(as_of("2026-02-14").await, Fen::new(201_00));
        assert_eq!(as_of("2026-02-15").await, Fen::new(171_00));
        assert_eq!(as_of("2026-12-31").await, Fen::new(271_00));
        assert_eq!(
            store
                .gl_net_as_of("101", d("2026-02-10"))
                .await
                .expect("gl"),
            Fen::new(208_00)
        );
        let mut seen = Vec::new();
        let mut cursor = None;
        loop {
            let page = store
                .member_movements(MemberId(1), cursor, 2)
                .await
                .expect("page");
            assert!(page.items.len() <= 2);
            seen.extend(page.items.iter().map(|m| (m.value_date, m.signed_amount())));
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        let expected: Vec<(Date, Fen)> = vec![
            (d("2026-01-10"), Fen::new(100_00)),
            (d("2026-02-10"), Fen::new(100_00)),
            (d("2026-02-15"), Fen::new(-30_00)),
            (d("2026-03-10"), Fen::new(100_00)),
            (d("2026-01-05"), Fen::new(1_00)),
        ];
        assert_eq!(seen, expected, "every movement once, in posting order");
    })
}

pub fn fault_in_the_middle_of_a_bulk_post_leaves_nothing(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let members: Vec<i64> = (1..=50).collect();
        open(&*store, &members, "2026-07-01").await;
        // 700 entries × 3 lines = 2,100 lines: three chunks of line rows.
        let entries: Vec<NewEntry> = (0..700)
            .map(|i| {
                let a = 1 + i % 50;
                let b = 1 + (i * 7 + 3) % 50;
                remittance(
                    &format!("bulk-{i}"),
                    d("2026-11-10"),
                    &[(a, 10_00), (b, 1_00 + i)],
                )
            })
            .collect();
        for chunks in [1, 2] {
            let options = PostOptions {
                fault: Some(Fault::AfterLineChunks(chunks)),
                ..PostOptions::default()
            };
            let result = store.post_entries(&entries, &options).await;
            assert!(matches!(result, Err(StoreError::Fault(_))), "{result:?}");
            let check = assert_checks(&*store).await;
            assert_eq!(
                (check.entries, check.lines),
                (0, 0),
                "no partial entry after {chunks} chunks"
            );
            assert!(store.gl_balances().await.expect("gl").is_empty());
        }
        let posted = store
            .post_entries(&entries, &strict())
            .await
            .expect("clean run");
        assert_eq!(posted.len(), 700);
        let check = assert_checks(&*store).await;
        assert_eq!((check.entries, check.lines), (700, 2_100));
    })
}

pub fn concurrent_withdrawals_never_overdraw(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-07-01").await;
        store
            .post_entries(
                &[remittance("seed", d("2026-11-01"), &[(1, 1_000_00)])],
                &strict(),
            )
            .await
            .expect("seed");
        let tasks: Vec<_> = (0..100)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    let w = withdrawal(&format!("w-{i}"), d("2026-11-20"), 1, 15_00);
                    store.post_entries(&[w], &strict()).await
                })
            })
            .collect();
        let mut ok = 0;
        for task in tasks {
            match task.await.expect("task") {
                Ok(_) => ok += 1,
                Err(e) => assert_eq!(e.code(), Some("BALANCE_INSUFFICIENT"), "{e}"),
            }
        }
        assert_eq!(ok, 66, "¥1,000 covers 66 withdrawals of ¥15");
        assert_eq!(balance(&*store, 1).await, Fen::new(10_00));
        assert_eq!(assert_checks(&*store).await.entries, 67);
    })
}

/// A batch large enough for each backend's bulk path (COPY and staging on
/// PostgreSQL) ends in exactly the state of the same entries posted one by one.
pub fn large_bulk_equals_one_by_one(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        const N: i64 = 1_100;
        const TWIN: i64 = 100_000;
        let members: Vec<i64> = (1..=N).chain(TWIN + 1..=TWIN + N).collect();
        open(&*store, &members, "2026-07-01").await;
        let entry = |prefix: &str, offset: i64, i: i64| {
            let date = d("2026-07-01")
                .add_days(i32::try_from(i % 300).expect("small"))
                .expect("date");
            let other = 1 + (i * 7) % N;
            remittance(
                &format!("{prefix}-{i}"),
                date,
                &[(offset + i, 1_00 + i), (offset + other, 37)],
            )
        };
        let bulk: Vec<NewEntry> = (1..=N).map(|i| entry("bulk", 0, i)).collect();
        store.post_entries(&bulk, &strict()).await.expect("bulk");
        for i in 1..=N {
            store
                .post_entries(&[entry("one", TWIN, i)], &strict())
                .await
                .expect("one by one");
        }
        for m in 1..=N {
            let a = store.member_balance(MemberId(m)).await.expect("read");
            let b = store
                .member_balance(MemberId(TWIN + m))
                .await
                .expect("read");
            assert_eq!(a, b, "member {m} vs its twin");
        }
        let check = assert_checks(&*store).await;
        assert_eq!((check.entries, check.lines), (2 * N, 6 * N));
    })
}

pub fn baseline_writes_twin_tables_only(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let batch: Vec<NewEntry> = (0..1_200)
            .map(|i| remittance(&format!("b-{i}"), d("2026-11-10"), &[(1 + i % 9, 1_00)]))
            .collect();
        let before = store.logical_schema().await.expect("schema");
        assert_eq!(
            store.raw_insert_baseline(&batch[..5]).await.expect("small"),
            15
        );
        assert_eq!(
            store.raw_insert_baseline(&batch[5..]).await.expect("large"),
            3_585
        );
        let check = assert_checks(&*store).await;
        assert_eq!(
            (check.entries, check.lines),
            (0, 0),
            "the ledger is untouched"
        );
        store.drop_baseline().await.expect("drop");
        assert_eq!(store.logical_schema().await.expect("schema"), before);
    })
}

pub fn employer_lines_are_listed_newest_first(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-07-01").await;
        for (i, date) in ["2026-09-10", "2026-10-10"].iter().enumerate() {
            let mut entry = remittance(&format!("e-{i}"), d(date), &[(1, 100_00 + i as i64)]);
            entry.lines[0] = entry.lines[0].clone().for_employer(7);
            store.post_entries(&[entry], &strict()).await.expect("post");
        }
        let lines = store.employer_movements(7, 10).await.expect("lines");
        let seen: Vec<(Date, Fen)> = lines.iter().map(|m| (m.value_date, m.amount)).collect();
        assert_eq!(
            seen,
            vec![
                (d("2026-10-10"), Fen::new(100_01)),
                (d("2026-09-10"), Fen::new(100_00))
            ]
        );
        assert!(
            store
                .employer_movements(8, 10)
                .await
                .expect("lines")
                .is_empty()
        );
    })
}
