//! 岗位制衡: an action that needs approval becomes a task prepared by one
//! person and decided by another who holds a role allowed to decide it.

use super::codes::*;
use super::{Role, duties};
use crate::error::{DomainError, DomainResult};

impl TaskKind {
    /// Roles that may prepare this work.
    pub fn makers(self) -> &'static [Role] {
        match self {
            TaskKind::EntryReversal | TaskKind::BillCorrection => duties::MAKERS,
            TaskKind::EmployerRelief => duties::RELIEF_MAKERS,
            TaskKind::IdentifiedExport => duties::IDENTITY_VIEWERS,
        }
    }

    /// Roles that may approve or reject it.
    pub fn checkers(self) -> &'static [Role] {
        match self {
            TaskKind::EntryReversal | TaskKind::BillCorrection | TaskKind::EmployerRelief => {
                duties::CHECKERS
            }
            TaskKind::IdentifiedExport => duties::MANAGERS,
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
        // Personal data in bulk leaves only on a manager's word.
        let export = TaskKind::IdentifiedExport;
        assert_eq!(
            check_decider(export, 1, 2, Role::Reviewer).map_err(|e| e.code()),
            Err("MAKER_CHECKER_ROLE")
        );
        assert!(check_decider(export, 1, 2, Role::Manager).is_ok());
        assert!(export.makers().contains(&Role::Clerk));
        assert_eq!(TaskKind::parse("entry_reversal"), Ok(kind));
        assert_eq!(TaskStatus::parse("approved"), Ok(TaskStatus::Approved));
    }
}
