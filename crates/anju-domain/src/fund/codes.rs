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

crate::coded_enum! {
    /// The services K18 (不见面办理率) counts once each is completed, by the
    /// channel it was applied through: what the records say a person asked
    /// for and got.
    pub enum ServiceKind ("业务类型", "SERVICE_KIND_UNKNOWN") {
        /// A withdrawal paid (提取).
        Withdrawal = "withdrawal" "提取",
        /// A personal housing loan disbursed (个人住房贷款).
        Loan = "loan" "个人住房贷款",
        /// A remittance or back-payment bill paid (汇缴、补缴).
        Remittance = "remittance" "汇缴、补缴",
        /// A flexible worker's deposit paid (灵活就业缴存).
        FlexibleDeposit = "flexible_deposit" "灵活就业缴存",
        /// An employer's yearly base filing (年度基数调整).
        BaseFiling = "base_filing" "年度基数调整",
    }
}
