//! Where a loan, an installment and a loan event stand, as closed sets.

crate::coded_enum! {
    /// `submitted` → `reviewed` (初审) → `approved` (审批; above the policy
    /// amount `first_approved` first, then a second approver) → `contracted`
    /// (合同与抵押登记) → `active` (disbursed) → `settled`; `rejected`
    /// before disbursement.
    pub enum LoanStatus ("贷款状态", "LOAN_STATUS_UNKNOWN") {
        Submitted = "submitted" "待初审",
        Reviewed = "reviewed" "待审批",
        FirstApproved = "first_approved" "待二级审批",
        Approved = "approved" "待签约",
        Contracted = "contracted" "待放款",
        Active = "active" "还款中",
        Settled = "settled" "已结清",
        Rejected = "rejected" "不予贷款",
    }
}

impl LoanStatus {
    /// Approved or refused (审批办结): the application's time limit has run
    /// its course (the contract and the money follow).
    pub fn is_decided(self) -> bool {
        !matches!(
            self,
            LoanStatus::Submitted | LoanStatus::Reviewed | LoanStatus::FirstApproved
        )
    }

    /// Still waiting for a decision, a contract or the money.
    pub fn is_pending(self) -> bool {
        matches!(
            self,
            LoanStatus::Submitted
                | LoanStatus::Reviewed
                | LoanStatus::FirstApproved
                | LoanStatus::Approved
                | LoanStatus::Contracted
        )
    }
}

crate::coded_enum! {
    /// One period of a schedule: `overdue` once past due and not paid in full.
    pub enum InstallmentStatus ("还款期状态", "INSTALLMENT_STATUS_UNKNOWN") {
        Due = "due" "未到期",
        Paid = "paid" "已还清",
        Overdue = "overdue" "逾期",
    }
}

crate::coded_enum! {
    /// Something that happened to a loan.
    pub enum LoanEventKind ("贷款事件", "LOAN_EVENT_UNKNOWN") {
        Disbursed = "disbursed" "放款",
        Repaid = "repaid" "还款",
        Overdue = "overdue" "逾期",
        Prepaid = "prepaid" "提前还款",
        Repriced = "repriced" "重定价",
        Settled = "settled" "结清",
    }
}

crate::coded_enum! {
    /// A member's housing loan, or a project loan for public rental housing.
    pub enum LoanProduct ("贷款品种", "LOAN_PRODUCT_UNKNOWN") {
        Personal = "personal" "个人住房贷款",
        Project = "project" "公租房项目贷款",
    }
}

crate::coded_enum! {
    /// The home the loan buys.
    pub enum PropertyKind ("房屋类型", "PROPERTY_KIND_UNKNOWN") {
        New = "new" "新建商品房（期房）",
        SecondHand = "second_hand" "二手房",
        Completed = "completed" "现房",
    }
}
