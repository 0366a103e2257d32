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
