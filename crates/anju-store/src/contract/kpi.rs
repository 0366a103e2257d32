//! What the plan's KPIs read from the store: withdrawals by reason counted
//! once (K10/K11) and the project loans' principal as at a day (K13–K15).

use super::BoxFuture;
use super::cases::{d, key, open, remittance, withdrawal};
use super::loan::loan_record;
use super::withdrawal::application;
use crate::{LoanRecord, Store};
use anju_domain::Fen;
use anju_domain::ledger::{Line, MemberId, NewEntry};
use anju_domain::loan::{LoanProduct, LoanStatus};
use anju_domain::withdrawal::WithdrawalStatus;
use std::sync::Arc;

async fn post(store: &dyn Store, entry: NewEntry) -> i64 {
    store
        .post_entries(&[entry], &Default::default())
        .await
        .expect("post")[0]
        .entry_id
        .0
}

fn entry(kind: &str, on: &str, k: &str, lines: Vec<Line>) -> NewEntry {
    NewEntry::new(kind, d(on), key(k), "测试", lines).expect("balanced")
}

/// Submits, approves and settles a withdrawal as paid by `entry_id`.
async fn paid(store: &dyn Store, record: crate::WithdrawalRecord, entry_id: i64) {
    let id = record.withdrawal_id;
    store
        .submit_withdrawal(&record, &[], false)
        .await
        .expect("submit");
    assert!(
        store
            .approve_withdrawal(id, WithdrawalStatus::Submitted, "reviewer", "")
            .await
            .expect("approve")
    );
    assert!(
        store
            .settle_withdrawal(id, true, "PAY", Some(entry_id))
            .await
            .expect("settle")
    );
}

fn with_reason(mut w: crate::WithdrawalRecord, reason: &str) -> crate::WithdrawalRecord {
    w.reason = reason.to_string();
    w
}

/// Paid withdrawals by reason count their withdrawal postings (C11, C12)
/// at the amount posted; a record whose posting is a loan's (a repayment
/// from the HPF balance, counted from the ledger) is not counted again.
pub fn withdrawals_by_reason_count_each_posting_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1, 2], "2026-01-01").await;
        let seed = remittance("seed", d("2026-01-10"), &[(1, 10_000_00), (2, 10_000_00)]);
        post(&*store, seed).await;
        // Rent, ¥500.00, paid 1 March.
        let rent = post(&*store, withdrawal("w-20", d("2026-03-01"), 1, 500_00)).await;
        paid(&*store, application(20, 1, 500_00, None), rent).await;
        // Retirement, applied for ¥1,000.00 but paying the whole balance
        // with its closing interest: ¥1,234.56 posted (C12).
        let closing = entry(
            "C12",
            "2026-04-01",
            "w-21",
            vec![
                Line::debit("201", Fen::new(1_234_56)).for_member(MemberId(2)),
                Line::credit("101", Fen::new(1_234_56)),
            ],
        );
        let closing = post(&*store, closing).await;
        paid(
            &*store,
            with_reason(application(21, 2, 1_000_00, None), "03"),
            closing,
        )
        .await;
        // A reason-06 record whose posting is the loan's own (Dr 201 / Cr
        // 121, L05): the ledger counts that posting, the register must not.
        let from_balance = entry(
            "L05",
            "2026-05-01",
            "l-05",
            vec![
                Line::debit("201", Fen::new(300_00)).for_member(MemberId(1)),
                Line::credit("121", Fen::new(300_00)).for_loan(9),
            ],
        );
        let from_balance = post(&*store, from_balance).await;
        paid(
            &*store,
            with_reason(application(22, 1, 300_00, None), "06"),
            from_balance,
        )
        .await;
        // Paid before the period asked for.
        let earlier = post(&*store, withdrawal("w-23", d("2026-01-10"), 2, 100_00)).await;
        paid(&*store, application(23, 2, 100_00, None), earlier).await;
        let by_reason = store
            .paid_by_reason(d("2026-02-01"), d("2026-12-31"))
            .await
            .expect("by reason");
        assert_eq!(
            by_reason,
            vec![
                ("03".to_string(), 1, 1_234_56),
                ("07".to_string(), 1, 500_00)
            ]
        );
    })
}

fn disbursed(id: i64, member: i64, product: LoanProduct, on: &str) -> LoanRecord {
    let mut loan = loan_record(id, member, &format!("loan-{id}"));
    loan.product = product;
    loan.status = LoanStatus::Active;
    loan.disbursed_on = Some(d(on));
    loan
}

fn lend(on: &str, k: &str, loan: i64, fen: i64) -> NewEntry {
    entry(
        "L01",
        on,
        k,
        vec![
            Line::debit("121", Fen::new(fen)).for_loan(loan),
            Line::credit("101", Fen::new(fen)),
        ],
    )
}

fn fall_overdue(on: &str, k: &str, loan: i64, fen: i64) -> NewEntry {
    entry(
        "L04",
        on,
        k,
        vec![
            Line::debit("122", Fen::new(fen)).for_loan(loan),
            Line::credit("121", Fen::new(fen)).for_loan(loan),
        ],
    )
}

/// The project loans' 121 and 122 as they stood at the end of a day,
/// whatever happened after; personal loans' lines are not theirs.
pub fn project_principal_is_read_as_at_a_day(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-01-01").await;
        post(
            &*store,
            remittance("seed", d("2026-01-10"), &[(1, 2_000_000_00)]),
        )
        .await;
        let loans = [
            disbursed(40, 1, LoanProduct::Personal, "2026-06-01"),
            disbursed(41, 1, LoanProduct::Project, "2026-06-01"),
            disbursed(42, 1, LoanProduct::Project, "2027-03-01"),
        ];
        store.import_loans(&loans, &[]).await.expect("import");
        post(&*store, lend("2026-06-01", "l-40", 40, 100_000_00)).await;
        post(&*store, lend("2026-06-01", "l-41", 41, 500_000_00)).await;
        post(&*store, fall_overdue("2026-12-05", "o-40", 40, 1_000_00)).await;
        post(&*store, fall_overdue("2026-12-05", "o-41", 41, 10_000_00)).await;
        // In 2027 the overdue project installment is paid and another
        // project loan lent.
        let repaid = entry(
            "L04",
            "2027-02-01",
            "r-41",
            vec![
                Line::debit("101", Fen::new(10_000_00)),
                Line::credit("122", Fen::new(10_000_00)).for_loan(41),
            ],
        );
        post(&*store, repaid).await;
        post(&*store, lend("2027-03-01", "l-42", 42, 300_000_00)).await;
        let at = |day: &'static str| {
            let store = store.clone();
            async move { store.project_principal_at(d(day)).await.expect("at") }
        };
        assert_eq!(at("2026-05-31").await, (0, 0));
        assert_eq!(at("2026-06-01").await, (500_000_00, 0));
        assert_eq!(at("2026-12-31").await, (490_000_00, 10_000_00));
        assert_eq!(at("2027-03-01").await, (790_000_00, 0));
    })
}
