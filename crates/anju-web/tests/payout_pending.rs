//! A payout the bank did not answer: the withdrawal is posted and waits as
//! 付款结果待确认, and the staff queue lists it so nobody pays it twice by hand.

mod common;

use anju_app::AppResult;
use anju_app::withdrawal::{PayoutAdapter, PayoutReceipt, PayoutRequest};
use anju_domain::DomainError;
use anju_domain::access::Role;
use anju_domain::withdrawal::WithdrawalStatus;
use async_trait::async_trait;
use common::{open_app, rent_applied, today};
use std::sync::Arc;

/// A bank that never answers.
struct SilentBank;

#[async_trait]
impl PayoutAdapter for SilentBank {
    async fn pay(&self, _request: &PayoutRequest) -> AppResult<PayoutReceipt> {
        Err(DomainError::new("BANK_UNAVAILABLE", "银行代发暂不可用：应答超时").into())
    }
}

#[tokio::test]
async fn the_staff_queue_lists_payouts_the_bank_has_not_answered() {
    let dir = tempfile::tempdir().expect("dir");
    let app = open_app(&dir, today())
        .await
        .with_payout_adapter(Arc::new(SilentBank));
    let (h, _member, id) = rent_applied(app, dir, "pending-1").await;
    let clerk = h.person("clerk-1", Role::Clerk, None).await;
    let before = h.get("/staff/withdrawals", &clerk).await;
    assert!(
        before.body.contains("付款结果待确认（0）"),
        "{}",
        before.body
    );
    // Within the counter limit the clerk's check approves and pays; the
    // bank does not answer.
    h.post_form(
        &format!("/staff/withdrawals/{id}/prepare"),
        &clerk,
        "note=材料齐全",
    )
    .await;
    let record = h.app.withdrawals().withdrawal(id).await.expect("read");
    assert_eq!(record.status, WithdrawalStatus::PayoutPending);
    let after = h.get("/staff/withdrawals", &clerk).await;
    assert!(after.body.contains("付款结果待确认（1）"), "{}", after.body);
    let row_start = after
        .body
        .find(&format!("id=\"pending-{id}\""))
        .expect("the pending payout is listed");
    let row = &after.body[row_start..];
    let row = &row[..row.find("</tr>").unwrap_or(row.len())];
    // Names are masked on staff lists.
    for expected in ["王*", "租房", "¥1,500.00"] {
        assert!(row.contains(expected), "{expected}: {row}");
    }
}
