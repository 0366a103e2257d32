//! Maker-checker tasks. The first kind is the ledger correction: a clerk
//! requests the reversal (冲正) of an entry, a reviewer approves it, and only
//! then is the reversing entry posted.

use super::TaskRecord;
use super::{Actor, Principal};
use crate::Access;
use crate::{App, AppResult};
use anju_domain::access::{TaskKind, TaskStatus, check_decider};
use anju_domain::ledger::{EntryId, IdempotencyKey};
use anju_domain::{Date, DomainError};
use anju_store::TaskDecision;

/// Pending tasks looked through for a duplicate request.
const PENDING_SCAN: u32 = 5_000;

/// A task before it is saved: what to do, to what, and why.
pub(crate) struct TaskDraft {
    pub kind: TaskKind,
    pub target: String,
    pub payload: String,
    pub summary: String,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct ReversalRequest {
    pub entry_id: i64,
    pub reason: String,
}

pub(crate) fn acting(actor: &Actor) -> AppResult<&Principal> {
    actor
        .principal
        .as_ref()
        .ok_or_else(|| DomainError::new("SIGNIN_REQUIRED", "请先登录").into())
}

pub(crate) fn checked_reason(reason: &str) -> AppResult<String> {
    Ok(anju_domain::access::checked_reason(reason)?)
}

impl App {
    async fn try_request_reversal(
        &self,
        actor: &Actor,
        request: &ReversalRequest,
    ) -> AppResult<TaskRecord> {
        let maker = acting(actor)?;
        let kind = TaskKind::EntryReversal;
        let reason = checked_reason(&request.reason)?;
        let stored = self
            .ledger_port()
            .entry(EntryId(request.entry_id))
            .await?
            .ok_or_else(|| {
                DomainError::new(
                    "ENTRY_NOT_FOUND",
                    format!("凭证 {} 不存在", request.entry_id),
                )
            })?;
        if stored.entry.reverses.is_some() {
            return Err(DomainError::new("REVERSAL_OF_REVERSAL", "冲正凭证不能再次冲正").into());
        }
        let mut targets = vec![format!("entry:{}", request.entry_id)];
        if let Some(bill) = self.case_port().bill_paid_by(request.entry_id).await? {
            targets.push(format!("bill:{}", bill.bill_id));
        }
        self.refuse_if_pending(&targets).await?;
        let draft = TaskDraft {
            kind,
            target: format!("entry:{}", request.entry_id),
            payload: serde_json::json!({ "entry_id": request.entry_id }).to_string(),
            summary: format!(
                "冲正凭证 {}（{}，{}）：{reason}",
                request.entry_id,
                stored.entry.memo,
                stored.entry.total_debit()
            ),
            reason,
        };
        self.create_task(maker, draft, self.posting_port().reserve_ids(1))
            .await
    }

    /// Refuses a second request while one for the same thing waits in the
    /// queue (two approvals would try to reverse the same entry twice).
    pub(crate) async fn refuse_if_pending(&self, targets: &[String]) -> AppResult<()> {
        let pending = self
            .access_port()
            .tasks(Some(TaskStatus::Pending), PENDING_SCAN)
            .await?;
        if pending.iter().any(|t| targets.contains(&t.target)) {
            return Err(DomainError::new("TASK_PENDING", "已有同一事项的待审批申请").into());
        }
        Ok(())
    }

    /// Saves a pending task prepared by `maker` (whose role must be a maker of
    /// its kind) under `task_id`.
    pub(crate) async fn create_task(
        &self,
        maker: &Principal,
        draft: TaskDraft,
        task_id: i64,
    ) -> AppResult<TaskRecord> {
        if !draft.kind.makers().contains(&maker.role) {
            return Err(DomainError::new(
                "ROLE_FORBIDDEN",
                format!("{}不能发起“{}”", maker.role.name_zh(), draft.kind.name_zh()),
            )
            .into());
        }
        let task = TaskRecord {
            task_id,
            kind: draft.kind,
            target: draft.target,
            payload: draft.payload,
            summary: draft.summary,
            maker_user_id: maker.user_id,
            maker_login: maker.masked_login(),
            created_at_us: crate::clock::now_micros(),
            status: TaskStatus::Pending,
            decider_user_id: None,
            decider_login: None,
            decided_at_us: None,
            reason: Some(draft.reason),
        };
        self.access_port().create_task(&task).await?;
        Ok(task)
    }

    async fn try_decide_task(
        &self,
        actor: &Actor,
        task_id: i64,
        approve: bool,
        reason: &str,
    ) -> AppResult<TaskRecord> {
        let checker = acting(actor)?;
        let task =
            self.access_port().task(task_id).await?.ok_or_else(|| {
                DomainError::new("TASK_NOT_FOUND", format!("待办 {task_id} 不存在"))
            })?;
        let kind = task.kind;
        check_decider(kind, task.maker_user_id, checker.user_id, checker.role)?;
        if task.status != TaskStatus::Pending {
            return Err(DomainError::new("TASK_DECIDED", "该待办已处理").into());
        }
        let reason = if approve {
            reason.trim().to_string()
        } else {
            checked_reason(reason)?
        };
        let status = if approve {
            TaskStatus::Approved
        } else {
            TaskStatus::Rejected
        };
        let decision = TaskDecision {
            task_id,
            status,
            decider_user_id: checker.user_id,
            decider_login: checker.masked_login(),
            decided_at_us: crate::clock::now_micros(),
            reason: reason.clone(),
        };
        // The conditional update makes one decision win if two arrive at once.
        if !self.access_port().decide_task(&decision).await? {
            return Err(DomainError::new("TASK_DECIDED", "该待办已处理").into());
        }
        if approve {
            self.carry_out(kind, &task).await?;
        } else {
            self.on_rejected(kind, &task).await?;
        }
        let title = format!("您提交的“{}”{}", kind.name_zh(), status.name_zh());
        let body = format!(
            "{}。审批人：{}。{}",
            task.summary, checker.display_name, reason
        );
        self.access()
            .notify(task.maker_user_id, "task", &title, &body)
            .await?;
        self.access_port().task(task_id).await?.ok_or_else(|| {
            DomainError::new("TASK_NOT_FOUND", format!("待办 {task_id} 不存在")).into()
        })
    }

    /// The approved work. Keys derive from the task, so doing it twice posts once.
    async fn carry_out(&self, kind: TaskKind, task: &TaskRecord) -> AppResult<()> {
        match kind {
            TaskKind::EntryReversal => {
                let entry_id = task
                    .target
                    .strip_prefix("entry:")
                    .and_then(|id| id.parse::<i64>().ok())
                    .ok_or_else(|| DomainError::new("TASK_CORRUPT", "待办内容无效"))?;
                let key = IdempotencyKey::parse(&format!("task-{}-reversal", task.task_id))?;
                let posted = self.ledger().reverse_entry(EntryId(entry_id), key).await?;
                // Reversing a bill's payment corrects the bill too, whichever
                // way staff asked for it.
                if let Some(bill) = self.case_port().bill_paid_by(entry_id).await? {
                    self.case_port()
                        .mark_bill_reversed(bill.bill_id, posted.entry_id.0)
                        .await?;
                }
            }
            TaskKind::BillCorrection => self.correct_bill(task).await?,
            TaskKind::EmployerRelief => self.settle_relief(task, true).await?,
            // The approval is the permission; the file is made when the
            // maker takes it (`Collection::take_identified_export`).
            TaskKind::IdentifiedExport => {}
        }
        Ok(())
    }

    /// What a rejection closes besides the task itself.
    async fn on_rejected(&self, kind: TaskKind, task: &TaskRecord) -> AppResult<()> {
        match kind {
            TaskKind::EntryReversal | TaskKind::BillCorrection | TaskKind::IdentifiedExport => {
                Ok(())
            }
            TaskKind::EmployerRelief => self.settle_relief(task, false).await,
        }
    }
}

impl Access<'_> {
    /// A maker asks for an entry to be reversed; nothing is posted yet.
    pub async fn request_reversal(
        self,
        actor: &Actor,
        request: &ReversalRequest,
    ) -> AppResult<TaskRecord> {
        let result = self.try_request_reversal(actor, request).await;
        let payload = format!("{}|{}", request.entry_id, request.reason);
        self.audited(
            actor,
            "ledger.reversal.request",
            &format!("entry:{}", request.entry_id),
            payload.as_bytes(),
            result,
        )
        .await
    }

    /// A checker approves or rejects. Approval carries out the work; the maker
    /// is told in their inbox either way.
    pub async fn decide_task(
        self,
        actor: &Actor,
        task_id: i64,
        approve: bool,
        reason: &str,
        today: Date,
    ) -> AppResult<TaskRecord> {
        let result = self.try_decide_task(actor, task_id, approve, reason).await;
        let action = if approve {
            "task.approve"
        } else {
            "task.reject"
        };
        let result = self
            .audited(
                actor,
                action,
                &format!("task:{task_id}"),
                reason.as_bytes(),
                result,
            )
            .await;
        // Read back after a failure too: a decision written before a later
        // step failed (the maker's notice) is still the relief's decision.
        let recorded_only = result.is_err();
        self.clock_relief_decided(task_id, recorded_only, today)
            .await;
        result
    }

    /// Pending tasks, newest first (the staff queue 待办).
    pub async fn pending_tasks(self, limit: u32) -> AppResult<Vec<TaskRecord>> {
        Ok(self
            .access_port()
            .tasks(Some(TaskStatus::Pending), limit)
            .await?)
    }

    pub async fn recent_tasks(self, limit: u32) -> AppResult<Vec<TaskRecord>> {
        Ok(self.access_port().tasks(None, limit).await?)
    }
}
