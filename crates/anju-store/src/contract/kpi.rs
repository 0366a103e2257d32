//! What the plan's KPIs read from the store: withdrawals by reason counted
//! once (K10/K11), the project loans' principal as at a day (K13–K15), and
//! the services completed by the channel they were applied through (K18).

use super::BoxFuture;
use super::cases::{d, key, open, remittance, withdrawal};
use super::collection::{bill, employer};
use super::loan::loan_record;
use super::withdrawal::application;
use crate::{BaseFilingRecord, BillPayment, DepositRecord, LoanRecord, ServiceCount, Store};
use anju_domain::Fen;
use anju_domain::access::Channel;
use anju_domain::fund::ServiceKind;
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

fn disbursed(id: i64, member: i64, product: LoanProduct, on: &str, via: Channel) -> LoanRecord {
    let mut loan = loan_record(id, member, &format!("loan-{id}"));
    loan.product = product;
    loan.status = LoanStatus::Active;
    loan.disbursed_on = Some(d(on));
    loan.applied_via = via;
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
            disbursed(40, 1, LoanProduct::Personal, "2026-06-01", Channel::Online),
            disbursed(41, 1, LoanProduct::Project, "2026-06-01", Channel::Counter),
            disbursed(42, 1, LoanProduct::Project, "2027-03-01", Channel::Counter),
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

fn count(service: ServiceKind, channel: Channel, n: i64) -> ServiceCount {
    ServiceCount {
        service,
        channel,
        count: n,
    }
}

/// Services completed in the period by the channel each was applied
/// through; what is not completed, reversed, a project loan or outside the
/// period is not counted, and an entrusted repayment withdrawal is the
/// batch's.
pub fn services_are_counted_by_the_channel_applied_through(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-01-01").await;
        post(
            &*store,
            remittance("seed", d("2026-01-10"), &[(1, 10_000_00)]),
        )
        .await;
        // Withdrawals: paid online, at the counter, by the repayment day
        // (entrusted); one approved but not paid; one paid before the period.
        for (id, channel, on) in [
            (30, "online", "2026-03-01"),
            (31, "counter", "2026-03-02"),
            (32, "entrusted", "2026-03-03"),
            (33, "online", "2026-01-31"),
        ] {
            let posted = post(&*store, withdrawal(&format!("w-{id}"), d(on), 1, 100_00)).await;
            let mut w = application(id, 1, 100_00, None);
            w.channel = channel.to_string();
            paid(&*store, w, posted).await;
        }
        let mut waiting = application(34, 1, 100_00, None);
        waiting.channel = "online".to_string();
        store
            .submit_withdrawal(&waiting, &[], false)
            .await
            .expect("submit");
        // Loans: two personal loans disbursed in the period (online, counter),
        // one not yet disbursed, one disbursed before, a project loan.
        let mut pending = disbursed(43, 1, LoanProduct::Personal, "2026-03-01", Channel::Online);
        pending.status = LoanStatus::Approved;
        pending.disbursed_on = None;
        let loans = [
            disbursed(40, 1, LoanProduct::Personal, "2026-03-01", Channel::Online),
            disbursed(41, 1, LoanProduct::Personal, "2026-04-01", Channel::Counter),
            disbursed(42, 1, LoanProduct::Project, "2026-04-01", Channel::Counter),
            pending,
            disbursed(44, 1, LoanProduct::Personal, "2025-12-01", Channel::Online),
        ];
        store.import_loans(&loans, &[]).await.expect("import");
        // Bills: paid by an employer agent online, by the monthly run, and
        // at the counter but reversed since; one still open.
        store
            .register_employer(&employer(10, "91320500MA1000010X"))
            .await
            .expect("employer");
        for (id, period, via) in [
            (100, 202602, Some(Channel::Online)),
            (101, 202603, Some(Channel::Batch)),
            (102, 202604, Some(Channel::Counter)),
            (103, 202605, None),
        ] {
            store
                .save_bill(&bill(id, 10, period, "2026-06-15"), &[])
                .await
                .expect("bill");
            if let Some(paid_via) = via {
                let payment = BillPayment {
                    entry_id: id,
                    paid_on: d("2026-05-10"),
                    channel: "bank".into(),
                    reference: format!("BK-{id}"),
                    paid_via,
                };
                assert!(store.mark_bill_paid(id, &payment).await.expect("pay"));
            }
        }
        assert!(store.mark_bill_reversed(102, 900).await.expect("reverse"));
        // Flexible deposits: one online, one at the counter.
        for (id, via) in [(60, Channel::Online), (61, Channel::Counter)] {
            let deposit = DepositRecord {
                deposit_id: id,
                member_id: 1,
                period: 202604,
                amount_fen: anju_domain::Fen::new(1_000_00),
                paid_on: d("2026-04-03"),
                channel: "ecny".to_string(),
                reference: format!("E{id}"),
                entry_id: id,
                request_key: format!("k{id}"),
                applied_via: via,
            };
            store.save_deposit(&deposit).await.expect("deposit");
        }
        // A base filing online.
        let filing = BaseFilingRecord {
            employer_id: 10,
            year: 2026,
            filed_on: d("2026-07-10"),
            member_count: 0,
            filed_by: "13****5678".to_string(),
            applied_via: Channel::Online,
        };
        store.file_bases(&filing, &[]).await.expect("file");
        let counted = store
            .services_by_channel(d("2026-02-01"), d("2026-12-31"))
            .await
            .expect("services");
        assert_eq!(
            counted,
            vec![
                count(ServiceKind::BaseFiling, Channel::Online, 1),
                count(ServiceKind::FlexibleDeposit, Channel::Counter, 1),
                count(ServiceKind::FlexibleDeposit, Channel::Online, 1),
                count(ServiceKind::Loan, Channel::Counter, 1),
                count(ServiceKind::Loan, Channel::Online, 1),
                count(ServiceKind::Remittance, Channel::Batch, 1),
                count(ServiceKind::Remittance, Channel::Online, 1),
                count(ServiceKind::Withdrawal, Channel::Batch, 1),
                count(ServiceKind::Withdrawal, Channel::Counter, 1),
                count(ServiceKind::Withdrawal, Channel::Online, 1),
            ]
        );
    })
}
