//! 错缴更正: reversing a paid bill through a maker-checker task.

use super::not_found;
use crate::Collection;
use crate::access::{Actor, TaskDraft, acting, checked_reason};
use crate::{App, AppResult};
use anju_domain::DomainError;
use anju_domain::access::TaskKind;
use anju_domain::collection::BillStatus;
use anju_domain::ledger::{EntryId, IdempotencyKey};

impl App {
    /// The approved correction: reverse the payment, free the month.
    pub(crate) async fn correct_bill(&self, task: &anju_store::TaskRecord) -> AppResult<()> {
        let bill_id = task
            .target
            .strip_prefix("bill:")
            .and_then(|id| id.parse::<i64>().ok())
            .ok_or_else(|| DomainError::new("TASK_CORRUPT", "待办内容无效"))?;
        let (bill, _) = self
            .collection_port()
            .bill(bill_id)
            .await?
            .ok_or_else(|| not_found("BILL_NOT_FOUND", format!("汇缴清册 {bill_id} 不存在")))?;
        let entry_id = bill
            .paid_entry_id
            .ok_or_else(|| DomainError::new("BILL_NOT_CORRECTABLE", "清册尚未缴纳"))?;
        let key = IdempotencyKey::parse(&format!("task-{}-reversal", task.task_id))?;
        let posted = self.ledger().reverse_entry(EntryId(entry_id), key).await?;
        self.case_port()
            .mark_bill_reversed(bill_id, posted.entry_id.0)
            .await?;
        Ok(())
    }
}

impl Collection<'_> {
    /// 错缴更正: a clerk asks to reverse a paid bill; on a reviewer's approval
    /// its entry is reversed and the month can be billed again correctly.
    pub async fn request_bill_correction(
        self,
        actor: &Actor,
        bill_id: i64,
        reason: &str,
    ) -> AppResult<anju_store::TaskRecord> {
        let result = async {
            let maker = acting(actor)?;
            let reason = checked_reason(reason)?;
            let (bill, _) =
                self.collection_port().bill(bill_id).await?.ok_or_else(|| {
                    not_found("BILL_NOT_FOUND", format!("汇缴清册 {bill_id} 不存在"))
                })?;
            if bill.status != BillStatus::Paid || bill.reversal_entry_id.is_some() {
                return Err(DomainError::new(
                    "BILL_NOT_CORRECTABLE",
                    "只有已缴纳且未更正的清册可以申请更正",
                )
                .into());
            }
            let mut targets = vec![format!("bill:{bill_id}")];
            if let Some(entry_id) = bill.paid_entry_id {
                targets.push(format!("entry:{entry_id}"));
            }
            self.refuse_if_pending(&targets).await?;
            let draft = TaskDraft {
                kind: TaskKind::BillCorrection,
                target: format!("bill:{bill_id}"),
                payload: serde_json::json!({ "bill_id": bill_id }).to_string(),
                summary: format!(
                    "更正单位 {} 的 {} 清册（{}）：{reason}",
                    bill.employer_id, bill.period, bill.total_fen
                ),
                reason,
            };
            self.create_task(maker, draft, self.posting_port().reserve_ids(1))
                .await
        }
        .await;
        let target = format!("bill:{bill_id}");
        self.audited(
            actor,
            "remittance.correct.request",
            &target,
            reason.as_bytes(),
            result,
        )
        .await
    }
}
