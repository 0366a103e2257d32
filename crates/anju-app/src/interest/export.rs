//! 导出账户明细: a member's range statement (`member_statement`) as `.xlsx`
//! or CSV — the opening balance, then each movement with its balance after,
//! days and product — audited like every export (`crate::export`).

use super::StatementRange;
use crate::access::Actor;
use crate::export::{Cell, Export, Format, Sheet, render};
use crate::{AppResult, Interest};
use anju_domain::access::Role;
use anju_domain::ledger::MemberId;
use anju_domain::{Date, DomainError};

const STATEMENT_HEADS: &[&str] = &[
    "起息日",
    "业务类型",
    "摘要",
    "发生额（元）",
    "余额（元）",
    "计息天数",
    "积数（元·天）",
];

/// The statement as a table: the opening balance on the first row, then
/// one row per movement.
fn statement_sheet(range: &StatementRange) -> Sheet {
    let opening = vec![
        Cell::text(range.from.to_string()),
        Cell::text("期初余额"),
        Cell::Empty,
        Cell::Empty,
        Cell::Money(range.opening),
        Cell::Empty,
        Cell::Empty,
    ];
    let lines = range.lines.iter().map(|l| {
        vec![
            Cell::text(l.value_date.to_string()),
            Cell::text(l.business_name),
            Cell::text(&l.memo),
            Cell::Money(l.amount),
            Cell::Money(l.balance),
            l.days.map_or(Cell::Empty, Cell::Whole),
            l.product_fen_days.map_or(Cell::Empty, Cell::YuanDays),
        ]
    });
    Sheet {
        title: "账户明细",
        file_stem: format!("statement-{}-{}", range.from, range.to),
        heads: STATEMENT_HEADS,
        rows: std::iter::once(opening).chain(lines).collect(),
    }
}

/// A member exports their own account only; staff any (at the counter).
fn check_own_account(actor: &Actor, member: MemberId) -> AppResult<()> {
    match &actor.principal {
        Some(p) if p.role == Role::Member && p.member_id == Some(member.0) => Ok(()),
        Some(p) if p.role.is_staff() => Ok(()),
        _ => Err(DomainError::new("MEMBER_SCOPE", "只能导出本人账户的明细").into()),
    }
}

impl Interest<'_> {
    /// 账户明细 of `member` for `[from, to]`.
    pub async fn export_statement(
        self,
        actor: &Actor,
        member: MemberId,
        from: Date,
        to: Date,
        format: Format,
    ) -> AppResult<Export> {
        let result = match check_own_account(actor, member) {
            Ok(()) => self.statement_export(member, from, to, format).await,
            Err(e) => Err(e),
        };
        let subject = format!("member:{}/{from}..{to}", member.0);
        self.audited_export(actor, "export.statement", &subject, format, result)
            .await
    }

    async fn statement_export(
        self,
        member: MemberId,
        from: Date,
        to: Date,
        format: Format,
    ) -> AppResult<Export> {
        let range = self.member_statement(member, from, to).await?;
        render(&statement_sheet(&range), format)
    }
}
