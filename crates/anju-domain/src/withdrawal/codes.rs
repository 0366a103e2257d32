//! The closed sets of withdrawals: where an application stands and the
//! repayment agreements, each with its stored code.

crate::coded_enum! {
    /// `submitted` → `prepared` (初审) → `approved` (the amount is held) →
    /// `paid` or `failed` (the bank refused; the hold is released);
    /// `rejected` from the first two. `payout_pending`: posted, and the bank
    /// could not be heard — paid or failed once it answers a retry.
    pub enum WithdrawalStatus ("提取状态", "WITHDRAWAL_STATUS_UNKNOWN") {
        Submitted = "submitted" "待初审",
        Prepared = "prepared" "待复核",
        Approved = "approved" "已批准，付款中",
        Paid = "paid" "已到账",
        Failed = "failed" "付款失败（已退回）",
        Rejected = "rejected" "不予提取",
        PayoutPending = "payout_pending" "已入账，付款结果待确认",
    }
}

crate::coded_enum! {
    /// Whose loan a 委托提取还贷 agreement repays.
    pub enum AgreementKind ("还贷协议类型", "AGREEMENT_KIND_UNKNOWN") {
        Hpf = "hpf" "住房公积金贷款",
        Commercial = "commercial" "商业贷款",
    }
}

crate::coded_enum! {
    /// A repayment agreement runs until it is ended.
    pub enum AgreementStatus ("还贷协议状态", "AGREEMENT_STATUS_UNKNOWN") {
        Active = "active" "生效",
        Ended = "ended" "已终止",
    }
}
