//! The closed sets of collection: account statuses (JGJ/T 320, §7), bills,
//! reliefs and enforcement steps, each with its stored code.

crate::coded_enum! {
    /// 单位账户状态.
    pub enum EmployerStatus ("单位状态", "EMPLOYER_STATUS_UNKNOWN") {
        /// 01 正常
        Active = "01" "正常",
        /// 02 开户: opened from a registration message, no staff enrolled yet
        Opened = "02" "开户",
        /// 03 缓缴
        Deferred = "03" "缓缴",
        /// 05 封存
        Sealed = "05" "封存",
        /// 04 销户
        Closed = "04" "销户",
    }
}

crate::coded_enum! {
    /// 个人账户状态.
    pub enum MemberStatus ("个人账户状态", "MEMBER_STATUS_UNKNOWN") {
        /// 01 正常
        Active = "01" "正常",
        /// 02 封存
        Sealed = "02" "封存",
        /// 06 冻结
        Frozen = "06" "冻结",
        /// 05 提取销户 (and the other closing codes, kept as 05 here)
        Closed = "05" "销户",
        /// 07 异地贷款: opened here only to borrow on the certificate of the
        /// centre the person contributes to; it takes no contributions and
        /// pays no withdrawals until an employer here enrols the person.
        RemoteBorrower = "07" "异地贷款",
    }
}

crate::coded_enum! {
    /// Whether a bill has been paid.
    pub enum BillStatus ("清册状态", "BILL_STATUS_UNKNOWN") {
        Open = "open" "未缴",
        Paid = "paid" "已缴",
    }
}

crate::coded_enum! {
    /// 汇缴 (the month's bill) or 补缴 (a back payment).
    pub enum BillKind ("清册类型", "BILL_KIND_UNKNOWN") {
        Remittance = "01" "汇缴",
        BackPayment = "02" "补缴",
    }
}

crate::coded_enum! {
    /// 缓缴 or 降比例.
    pub enum ReliefKind ("申请类型", "RELIEF_KIND_UNKNOWN") {
        Deferral = "deferral" "缓缴",
        RateReduction = "rate_reduction" "降低缴存比例",
    }
}

crate::coded_enum! {
    /// Where a relief application stands (its maker-checker task decides it).
    pub enum ReliefStatus ("申请状态", "RELIEF_STATUS_UNKNOWN") {
        Pending = "pending" "待审批",
        Approved = "approved" "已批准",
        Rejected = "rejected" "已驳回",
    }
}

crate::coded_enum! {
    /// Steps of an enforcement case, in the order the regulation sets them.
    #[derive(PartialOrd, Ord)]
    pub enum CaseStep ("办理环节", "CASE_STEP_UNKNOWN") {
        /// 催缴通知
        Reminder = "reminder" "催缴通知",
        /// 提示、约谈: guidance before any penalty (说理式执法).
        Guidance = "guidance" "提示约谈",
        /// 法制审核 of the decision proposed next (责令 or 申请法院).
        LegalReview = "legal_review" "法制审核",
        /// 责令限期缴存决定
        Order = "order" "责令限期缴存",
        /// 申请人民法院强制执行
        Court = "court" "申请法院强制执行",
        /// 结案
        Closed = "closed" "结案",
    }
}

crate::coded_enum! {
    /// A legal reviewer's conclusion on the decision proposed.
    pub enum ReviewOutcome ("审核结论", "REVIEW_OUTCOME_UNKNOWN") {
        Approved = "approved" "同意",
        Refused = "refused" "不同意",
    }
}

crate::coded_enum! {
    /// An enforcement case is open until its closing step.
    pub enum CaseStatus ("案件状态", "CASE_STATUS_UNKNOWN") {
        Open = "open" "办理中",
        Closed = "closed" "已结案",
    }
}
