//! Property: random posting sequences give the same state posted one by one or
//! in bulk, Σ member balances = GL 201, and each member's balance-days product
//! equals a day-by-day reference computed here with plain loops.

use super::{Factory, cases};
use crate::{PostOptions, Store};
use anju_domain::ledger::{MemberId, NewEntry};
use anju_domain::{Date, Fen};
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::collections::BTreeMap;

const MEMBERS: i64 = 3;
const OPENED: &str = "2024-12-01";
/// Value dates fall in 2024-12-01 + 0..760 days: three interest years.
const DATE_SPAN_DAYS: i32 = 760;

#[derive(Debug, Clone)]
struct Op {
    member: i64,
    credit: bool,
    amount_fen: i64,
    offset_days: i32,
}

fn op() -> impl Strategy<Value = Op> {
    (
        1..=MEMBERS,
        prop::bool::weighted(0.6),
        1i64..=5_000_00,
        0..DATE_SPAN_DAYS,
    )
        .prop_map(|(member, credit, amount_fen, offset_days)| Op {
            member,
            credit,
            amount_fen,
            offset_days,
        })
}

/// Entries in posting order; withdrawals are clipped to the running balance so
/// that posting never overdraws, whichever way the entries are grouped.
fn entries_of(ops: &[Op]) -> Vec<(NewEntry, i64, Date)> {
    let opened = cases::d(OPENED);
    let mut running: BTreeMap<i64, i64> = BTreeMap::new();
    let mut out = Vec::new();
    for (i, op) in ops.iter().enumerate() {
        let date = opened.add_days(op.offset_days).expect("in range");
        let balance = running.entry(op.member).or_insert(0);
        let signed = if op.credit {
            op.amount_fen
        } else {
            -op.amount_fen.min(*balance)
        };
        if signed == 0 {
            continue;
        }
        *balance += signed;
        let key = format!("p-{i}");
        let entry = if signed > 0 {
            cases::remittance(&key, date, &[(op.member, signed)])
        } else {
            cases::withdrawal(&key, date, op.member, -signed)
        };
        out.push((entry, signed, date));
    }
    out
}

/// Σ over every day of the latest interest year of the end-of-day balance.
fn reference_product(movements: &[(i64, Date)], opened: Date) -> (i64, i64) {
    let year = movements
        .iter()
        .map(|(_, d)| d.interest_year())
        .chain([opened.interest_year()])
        .max()
        .expect("at least the opening year");
    let mut day = year.first_day().expect("first day");
    let last = year.last_day().expect("last day");
    let mut product = 0i64;
    while day <= last {
        let eod: i64 = movements
            .iter()
            .filter(|(_, d)| *d <= day)
            .map(|(a, _)| a)
            .sum();
        product += eod;
        day = day.add_days(1).expect("next");
    }
    (movements.iter().map(|(a, _)| a).sum(), product)
}

pub fn bulk_equals_one_by_one(factory: Factory) {
    let runtime = super::runtime();
    let mut runner = TestRunner::new(Config {
        cases: 16,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (prop::collection::vec(op(), 1..40), 1usize..12);
    let outcome = runner.run(&strategy, |(ops, chunk)| {
        runtime.block_on(async {
            let (Some(single), Some(bulk)) = (factory().await, factory().await) else {
                return;
            };
            let entries = entries_of(&ops);
            let members: Vec<i64> = (1..=MEMBERS).collect();
            cases::open(&*single.store, &members, OPENED).await;
            cases::open(&*bulk.store, &members, OPENED).await;
            let options = PostOptions::default();
            for (entry, _, _) in &entries {
                single
                    .store
                    .post_entries(std::slice::from_ref(entry), &options)
                    .await
                    .expect("single");
            }
            let all: Vec<NewEntry> = entries.iter().map(|(e, _, _)| e.clone()).collect();
            for batch in all.chunks(chunk) {
                bulk.store
                    .post_entries(batch, &options)
                    .await
                    .expect("bulk");
            }
            for member in 1..=MEMBERS {
                compare_member(&*single.store, &*bulk.store, member, &entries).await;
            }
            for store in [&single.store, &bulk.store] {
                let check = store.check_ledger().await.expect("check");
                assert!(check.is_ok(), "{}", check.render());
                assert_eq!(check.member_total, check.gl_201);
            }
            super::finish(single).await;
            super::finish(bulk).await;
        });
        Ok(())
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
}

async fn compare_member(
    single: &dyn Store,
    bulk: &dyn Store,
    member: i64,
    entries: &[(NewEntry, i64, Date)],
) {
    let a = single
        .member_balance(MemberId(member))
        .await
        .expect("read")
        .expect("exists");
    let b = bulk
        .member_balance(MemberId(member))
        .await
        .expect("read")
        .expect("exists");
    assert_eq!(a, b, "member {member}: one by one vs bulk");
    let movements: Vec<(i64, Date)> = entries
        .iter()
        .filter(|(e, _, _)| e.lines.iter().any(|l| l.member() == Some(MemberId(member))))
        .map(|(_, signed, date)| (*signed, *date))
        .collect();
    let (balance, product) = reference_product(&movements, cases::d(OPENED));
    assert_eq!(a.balance, Fen::new(balance), "member {member} balance");
    let seen_year = a.year;
    let expected_year = movements
        .iter()
        .map(|(_, d)| d.interest_year())
        .chain([cases::d(OPENED).interest_year()])
        .max();
    assert_eq!(Some(seen_year), expected_year);
    assert_eq!(
        a.product_fen_days, product,
        "member {member} balance-days vs day-by-day reference"
    );
}
