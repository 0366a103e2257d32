//! Where the fund's registers stand, as closed sets.

crate::coded_enum! {
    /// 活期 or 定期 (a time deposit has a maturity).
    pub enum DepositKind ("存款类型", "DEPOSIT_KIND_UNKNOWN") {
        Current = "current" "活期",
        Time = "time" "定期",
    }
}

crate::coded_enum! {
    /// A time deposit is `matured` once its interest is booked.
    pub enum DepositStatus ("存款状态", "DEPOSIT_STATUS_UNKNOWN") {
        Held = "held" "存续",
        Matured = "matured" "已到期",
    }
}

crate::coded_enum! {
    /// The year's value-added distribution: `prepared` by one person,
    /// `approved` (and posted) by another.
    pub enum DistributionStatus ("分配方案状态", "DISTRIBUTION_STATUS_UNKNOWN") {
        Prepared = "prepared" "待审批",
        Approved = "approved" "已批准入账",
    }
}
