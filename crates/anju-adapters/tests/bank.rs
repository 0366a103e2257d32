//! The banks' client against the simulator server over loopback HTTP:
//! collection, payout and deductions answer as the simulated banks do; a
//! refusal is the bank's (PAYMENT_DECLINED), everything else that goes
//! wrong is BANK_UNAVAILABLE, and an answer that does not match the order
//! is never booked.

mod common;

use anju_adapters::{HttpBank, Simulators, start_simulator};
use anju_app::collection::{BankTransferSimulator, PaymentAdapter, PaymentRequest};
use anju_app::loan::{DebitAdapter, DebitRequest};
use anju_app::registries::{RegistryData, SimulatedRegistries};
use anju_app::withdrawal::{PayoutAdapter, PayoutRequest};
use anju_domain::{Date, Fen};
use common::{answering, nobody_listening};
use std::sync::Arc;
use std::time::Duration;

fn day() -> Date {
    Date::parse("2026-11-29").expect("date")
}

fn bank(base: &str, channel: &'static str) -> HttpBank {
    HttpBank::new(base, channel, "银行转账", Duration::from_secs(2))
        .expect("client")
        .simulated_as("银行代收")
}

fn order(amount: i64) -> PaymentRequest {
    PaymentRequest {
        order_id: 42,
        payer: "91320500MA1DEM9001".into(),
        amount: Fen::new(amount),
        requested_on: day(),
    }
}

#[tokio::test]
async fn collection_payout_and_deductions_answer_as_the_simulated_banks_do() {
    let sims = Simulators {
        transfer: BankTransferSimulator {
            decline_above: Some(Fen::new(1_000_000_00)),
        },
        ..Simulators::new(Arc::new(SimulatedRegistries::new(RegistryData::default())))
    };
    let server = start_simulator(sims, "127.0.0.1:0").await.expect("serve");
    let transfer = bank(&server.base_url(), "bank");
    let receipt = transfer.collect(&order(320_000)).await.expect("collect");
    assert_eq!(receipt.reference, "BK202611290000000000000000042");
    assert_eq!(
        (receipt.amount, receipt.paid_on, receipt.channel),
        (Fen::new(320_000), day(), "bank")
    );
    let declined = transfer
        .collect(&order(1_000_000_01))
        .await
        .expect_err("declined");
    assert_eq!(declined.code(), Some("PAYMENT_DECLINED"));
    assert!(declined.to_string().contains("余额不足"), "{declined}");
    let ecny = bank(&server.base_url(), "ecny")
        .collect(&order(100))
        .await
        .expect("ecny");
    assert!(
        ecny.reference.starts_with("EC20261129"),
        "{}",
        ecny.reference
    );

    let payout = |card: &str| PayoutRequest {
        withdrawal_id: 7,
        bank_card: card.into(),
        payee: "王芳".into(),
        amount: Fen::new(150_000),
        requested_on: day(),
    };
    let paid = transfer
        .pay(&payout("62220201000041234"))
        .await
        .expect("pay");
    assert!(paid.accepted && paid.reference.starts_with("PO20261129"));
    let returned = transfer
        .pay(&payout("62220201000080000"))
        .await
        .expect("pay");
    assert!(
        !returned.accepted && returned.message.contains("退回"),
        "{returned:?}"
    );

    let line = |reference: &str, card: &str| DebitRequest {
        reference: reference.into(),
        bank_card: card.into(),
        amount: Fen::new(3_001),
        value_date: day(),
    };
    let receipts = transfer
        .debit(&[
            line("r1", "62220201000041234"),
            line("r2", "6222020100000070001"),
            line("r3", "62220201000080000"),
        ])
        .await
        .expect("debit");
    let debited: Vec<i64> = receipts.iter().map(|r| r.debited.get()).collect();
    assert_eq!(debited, vec![3_001, 1_500, 0]);
    assert_eq!(PaymentAdapter::simulator(&transfer), Some("银行代收"));
    assert_eq!(PayoutAdapter::simulator(&transfer), Some("银行代发"));
}

#[tokio::test]
async fn an_unreachable_or_inconsistent_bank_is_unavailable_and_nothing_is_booked() {
    let gone = nobody_listening().await;
    let e = bank(&gone, "bank")
        .collect(&order(100))
        .await
        .expect_err("gone");
    assert_eq!(e.code(), Some("BANK_UNAVAILABLE"));
    // Confirms a different amount than ordered.
    let wrong = answering(r#"{"reference":"BK1","amount_fen":99,"paid_on":"2026-11-29"}"#).await;
    let e = bank(&wrong, "bank")
        .collect(&order(100))
        .await
        .expect_err("mismatch");
    assert_eq!(e.code(), Some("BANK_UNAVAILABLE"));
    // Says it took more than asked.
    let greedy =
        answering(r#"{"results":[{"reference":"r1","debited_fen":5000,"message":"ok"}]}"#).await;
    let e = bank(&greedy, "bank")
        .debit(&[DebitRequest {
            reference: "r1".into(),
            bank_card: "62220201000041234".into(),
            amount: Fen::new(3_000),
            value_date: day(),
        }])
        .await
        .expect_err("more than asked");
    assert_eq!(e.code(), Some("BANK_UNAVAILABLE"));
}

/// The bank is not heard after the payout was posted: the withdrawal waits
/// (`payout_pending`) with the money posted once and no longer held; the
/// retry asks again under the same withdrawal id and settles it — posting
/// nothing twice. A receipt for another order is not an answer.
#[tokio::test]
async fn a_payout_the_bank_was_not_heard_on_waits_and_the_retry_settles_it() {
    use anju_app::App;
    use anju_app::access::{Actor, Principal};
    use anju_app::collection::MemberRecord;
    use anju_app::policy::load_policy;
    use anju_app::withdrawal::WithdrawalApplication;
    use anju_domain::access::{Channel, Role};

    use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
    use anju_domain::withdrawal::{WithdrawalRequest, WithdrawalStatus};

    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("p.db").display());
    let app = App::open_sqlite(&url, "320500000000000", load_policy(None).expect("policy"))
        .await
        .expect("app");
    let gone = nobody_listening().await;
    let app = app.with_payout_adapter(Arc::new(bank(&gone, "bank")));
    let batch = Actor::anonymous(Channel::Batch, "test", "local");
    let wage = anju_domain::Fen::new(10_000_00);
    let record = MemberRecord::active(1, "320502199003071230", "王芳", 9, wage, 1);
    app.collection()
        .take_over_members(&batch, &[record], day().add_days(-400).expect("d"))
        .await
        .expect("take over");
    let seed = NewEntry::new(
        "C01",
        Date::parse("2026-10-10").expect("d"),
        IdempotencyKey::parse("seed-1").expect("key"),
        "汇缴",
        vec![
            Line::debit("101", Fen::new(50_000_00)),
            Line::credit("201", Fen::new(50_000_00)).for_member(MemberId(1)),
        ],
    )
    .expect("entry");
    app.ledger().post_entry(seed).await.expect("seed");
    let clerk = Actor::of(
        Principal {
            user_id: 1,
            login: "clerk-1".into(),
            display_name: "柜员甲".into(),
            role: Role::Clerk,
            member_id: None,
            employer_id: None,
        },
        "test",
        "local",
    );
    let application = WithdrawalApplication {
        request: WithdrawalRequest {
            reason: "07".into(),
            amount: Fen::new(1_000_00),
            months: 1,
            ..WithdrawalRequest::default()
        },
        bank_card: "62220201000041234".into(),
        documents: Vec::new(),
        request_key: "k1".into(),
    };
    let waiting = app
        .withdrawals()
        .apply_withdrawal(&clerk, 1, application, day())
        .await
        .expect("applied at the counter");
    assert_eq!(
        waiting.status,
        WithdrawalStatus::PayoutPending,
        "{}",
        waiting.note
    );
    assert!(waiting.note.contains("付款结果待确认"), "{}", waiting.note);
    let balance = |app: App| async move {
        app.ledger()
            .member_balance(MemberId(1))
            .await
            .expect("balance")
            .balance
    };
    assert_eq!(
        balance(app.clone()).await,
        Fen::new(49_000_00),
        "posted once"
    );
    // Still not heard: it waits.
    let again = app
        .withdrawals()
        .retry_pending_payouts(&batch, day())
        .await
        .expect("retry");
    assert_eq!((again.asked, again.still_pending), (1, 1));
    // The bank is back.
    let sims = Simulators::new(Arc::new(SimulatedRegistries::new(RegistryData::default())));
    let server = start_simulator(sims, "127.0.0.1:0").await.expect("serve");
    let app = app.with_payout_adapter(Arc::new(bank(&server.base_url(), "bank")));
    let retried = app
        .withdrawals()
        .retry_pending_payouts(&batch, day())
        .await
        .expect("retry");
    assert_eq!((retried.asked, retried.paid), (1, 1));
    let paid = app
        .withdrawals()
        .withdrawal(waiting.withdrawal_id)
        .await
        .expect("read");
    assert_eq!(paid.status, WithdrawalStatus::Paid);
    assert_eq!(
        balance(app.clone()).await,
        Fen::new(49_000_00),
        "nothing posted twice"
    );
    let check = app.ledger().check_ledger().await.expect("check");
    assert!(check.is_ok(), "{}", check.render());
    let retried = app
        .withdrawals()
        .retry_pending_payouts(&batch, day())
        .await
        .expect("retry");
    assert_eq!(retried.asked, 0, "nothing left waiting");
}

#[tokio::test]
async fn a_payout_receipt_for_another_order_is_not_an_answer() {
    let other = answering(
        r#"{"withdrawal_id":8,"amount_fen":150000,"accepted":true,"reference":"PO1","message":"ok"}"#,
    )
    .await;
    let e = bank(&other, "bank")
        .pay(&PayoutRequest {
            withdrawal_id: 7,
            bank_card: "62220201000041234".into(),
            payee: "王芳".into(),
            amount: Fen::new(150_000),
            requested_on: day(),
        })
        .await
        .expect_err("another order");
    assert_eq!(e.code(), Some("BANK_UNAVAILABLE"));
}
