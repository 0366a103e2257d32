//! 岗位制衡: an action that needs approval becomes a task prepared by one
//! person and decided by another who holds a role allowed to decide it.

use super::{Role, duties};
use crate::error::{DomainError, DomainResult};

/// Kinds of approvable work. Each names the roles that may decide it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskKind {
    /// 冲正: reverse a posted journal entry.
    EntryReversal,
    /// 错缴更正: reverse a paid remittance bill so the month can be billed again.
    BillCorrection,
    /// 缓缴 / 降比例: an employer's hardship application.
    EmployerRelief,
}

impl TaskKind {
    pub fn code(self) -> &'static str {
        match self {
            TaskKind::EntryReversal => "entry_reversal",
            TaskKind::BillCorrection => "bill_correction",
            TaskKind::EmployerRelief => "employer_relief",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            TaskKind::EntryReversal => "凭证冲正",
            TaskKind::BillCorrection => "错缴更正",
            TaskKind::EmployerRelief => "缓缴/降比例申请",
        }
    }

    pub fn parse(code: &str) -> DomainResult<TaskKind> {
        match code {
            "entry_reversal" => Ok(TaskKind::EntryReversal),
            "bill_correction" => Ok(TaskKind::BillCorrection),
            "employer_relief" => Ok(TaskKind::EmployerRelief),
            _ => Err(DomainError::new(
                "TASK_KIND_UNKNOWN",
                format!("未知的待办类型“{code}”"),
            )),
        }
    }

    /// Roles that may prepare this work.
    pub fn makers(self) -> &'static [Role] {
        match self {
            TaskKind::EntryReversal | TaskKind::BillCorrection => duties::MAKERS,
            TaskKind::EmployerRelief => duties::RELIEF_MAKERS,
        }
    }

    /// Roles that may approve or reject it.
    pub fn checkers(self) -> &'static [Role] {
        match self {
            TaskKind::EntryReversal | TaskKind::BillCorrection | TaskKind::EmployerRelief => {
                duties::CHECKERS
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TaskStatus {
    Pending,
    Approved,
    Rejected,
}

impl TaskStatus {
    pub fn code(self) -> &'static str {
        match self {
            TaskStatus::Pending => "pending",
            TaskStatus::Approved => "approved",
            TaskStatus::Rejected => "rejected",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            TaskStatus::Pending => "待审批",
            TaskStatus::Approved => "已批准",
            TaskStatus::Rejected => "已驳回",
        }
    }

    pub fn parse(code: &str) -> DomainResult<TaskStatus> {
        match code {
            "pending" => Ok(TaskStatus::Pending),
            "approved" => Ok(TaskStatus::Approved),
            "rejected" => Ok(TaskStatus::Rejected),
            _ => Err(DomainError::new(
                "TASK_STATUS_UNKNOWN",
                format!("未知的待办状态“{code}”"),
            )),
        }
    }
}

/// May `decider` (with `role`) decide a task of `kind` prepared by `maker`?
pub fn check_decider(
    kind: TaskKind,
    maker_user_id: i64,
    decider_user_id: i64,
    role: Role,
) -> DomainResult<()> {
    if maker_user_id == decider_user_id {
        return Err(DomainError::new(
            "MAKER_CHECKER_SELF",
            "不能审批本人经办的业务（岗位制衡）",
        ));
    }
    if !kind.checkers().contains(&role) {
        return Err(DomainError::new(
            "MAKER_CHECKER_ROLE",
            format!("{}无权审批“{}”", role.name_zh(), kind.name_zh()),
        ));
    }
    Ok(())
}

crate::coded_enum! {
    /// What became of a message sent through a channel adapter.
    pub enum DeliveryStatus ("发送状态", "DELIVERY_STATUS_UNKNOWN") {
        /// Written by a simulator: nothing left the building.
        Simulated = "simulated" "模拟发送",
        Sent = "sent" "已发送",
        Failed = "failed" "发送失败",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nobody_approves_their_own_and_only_checkers_decide() {
        let kind = TaskKind::EntryReversal;
        assert_eq!(
            check_decider(kind, 1, 1, Role::Reviewer).map_err(|e| e.code()),
            Err("MAKER_CHECKER_SELF")
        );
        assert_eq!(
            check_decider(kind, 1, 2, Role::Clerk).map_err(|e| e.code()),
            Err("MAKER_CHECKER_ROLE")
        );
        assert!(check_decider(kind, 1, 2, Role::Reviewer).is_ok());
        assert_eq!(TaskKind::parse("entry_reversal"), Ok(kind));
        assert_eq!(TaskStatus::parse("approved"), Ok(TaskStatus::Approved));
    }
}
