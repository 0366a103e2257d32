//! 导出逾期贷款清单: the overdue loans as the risk staff's list shows them
//! (`overdue_loan_list`), each with what it owes on the day, as `.xlsx` or
//! CSV, audited like every export (`crate::export`). Borrowers appear as the
//! list shows them: the name and ID number masked.

use super::{LoanRecord, OverdueLoan};
use crate::access::Actor;
use crate::export::{Cell, Export, Format, Sheet, masked_id_card, render};
use crate::{AppResult, Loans};
use anju_domain::Date;
use anju_domain::collection::mask_name;
use anju_domain::loan::LoanProduct;
use std::collections::HashMap;

const OVERDUE_HEADS: &[&str] = &[
    "贷款编号",
    "借款人",
    "合同号",
    "逾期起始日",
    "逾期天数",
    "五级分类",
    "逾期本金（元）",
    "逾期本息（元）",
    "罚息（计至今日）（元）",
    "连续逾期期数",
    "累计逾期期数",
];

/// A loan's borrower as the list shows it: the builder of a project loan,
/// the member masked, or `-` when the member is not found.
fn borrower_of(names: &HashMap<i64, String>, l: &LoanRecord) -> String {
    if l.product == LoanProduct::Project {
        return format!("{}（公租房项目贷款）", l.seller_name);
    }
    names
        .get(&l.member_id)
        .cloned()
        .unwrap_or_else(|| "-".to_string())
}

/// Days overdue on `today`; a run on a later business date can leave the
/// start after today, which counts as none.
fn days_overdue(l: &LoanRecord, today: Date) -> i64 {
    l.overdue_since
        .map_or(0, |since| since.days_until(today).max(0))
}

fn overdue_row(a: &OverdueLoan, names: &HashMap<i64, String>, today: Date) -> Vec<Cell> {
    let l = &a.loan;
    vec![
        // An identifier, as text: all sixteen digits, not `1.79662E+15`.
        Cell::text(l.loan_id.to_string()),
        Cell::text(borrower_of(names, l)),
        Cell::text(l.contract_no.clone().unwrap_or_default()),
        Cell::text(l.overdue_since.map(|d| d.to_string()).unwrap_or_default()),
        Cell::Whole(days_overdue(l, today)),
        Cell::text(l.grade.name()),
        Cell::Money(l.overdue_principal_fen),
        Cell::Money(a.overdue_fen),
        Cell::Money(a.penalty_to_date),
        Cell::Whole(i64::from(l.consecutive_overdue)),
        Cell::Whole(i64::from(l.cumulative_overdue)),
    ]
}

impl Loans<'_> {
    /// 逾期贷款清单 on `today` (the risk staff only, as the list).
    pub async fn export_overdue_loans(
        self,
        actor: &Actor,
        today: Date,
        format: Format,
    ) -> AppResult<Export> {
        let result = self.overdue_export(actor, today, format).await;
        let subject = format!("loans:overdue/{today}");
        self.audited_export(actor, "export.overdue_loans", &subject, format, result)
            .await
    }

    async fn overdue_export(self, actor: &Actor, today: Date, format: Format) -> AppResult<Export> {
        let list = self.overdue_loan_list(actor, today).await?;
        let names = self.borrower_names(&list).await?;
        let sheet = Sheet {
            title: "逾期贷款清单",
            file_stem: format!("overdue-loans-{today}"),
            heads: OVERDUE_HEADS,
            rows: list.iter().map(|a| overdue_row(a, &names, today)).collect(),
        };
        render(&sheet, format)
    }

    /// The borrowers of the list's member loans, masked, in one read.
    async fn borrower_names(self, list: &[OverdueLoan]) -> AppResult<HashMap<i64, String>> {
        let ids: Vec<i64> = list
            .iter()
            .filter(|a| a.loan.product != LoanProduct::Project)
            .map(|a| a.loan.member_id)
            .collect();
        let members = self.collection().members_by_ids(&ids).await?;
        Ok(members
            .into_iter()
            .map(|m| {
                let who = format!("{}（{}）", mask_name(&m.name), masked_id_card(&m.id_card));
                (m.member_id, who)
            })
            .collect())
    }
}
