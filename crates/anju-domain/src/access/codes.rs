//! The closed sets of access: roles, channels, maker-checker tasks and
//! message deliveries, each with its stored code.

crate::coded_enum! {
    /// The roles of the security model (architecture: "Security model").
    #[derive(PartialOrd, Ord)]
    pub enum Role ("角色", "ROLE_UNKNOWN") {
        /// 缴存职工
        Member = "member" "缴存职工",
        /// 单位经办人
        EmployerAgent = "employer_agent" "单位经办人",
        /// 柜员
        Clerk = "clerk" "柜员",
        /// 审核员
        Reviewer = "reviewer" "审核员",
        /// 财务
        Finance = "finance" "财务人员",
        /// 风险
        RiskManager = "risk_manager" "风险管理员",
        /// 管理员
        Manager = "manager" "管理员",
        /// 审计 (read-only)
        Auditor = "auditor" "审计员",
        /// 一线执法人员: handles enforcement cases (催缴、约谈、责令、申请法院).
        EnforcementOfficer = "enforcement_officer" "执法人员",
        /// 法制审核人员: reviews penalty decisions; never handles the case.
        LegalReviewer = "legal_reviewer" "法制审核员",
        /// 合作中心 (machine client with an API token)
        PartnerCentre = "partner_centre" "合作中心",
    }
}

crate::coded_enum! {
    /// Where an action came from, and the channel a service was applied
    /// through: K18 (不见面办理率) counts services completed that were applied
    /// for online or through the API against all completed (batch left out).
    pub enum Channel ("渠道", "CHANNEL_UNKNOWN") {
        /// 网上服务大厅
        Online = "online" "网上服务大厅",
        /// 柜台
        Counter = "counter" "柜台",
        /// 接口
        Api = "api" "接口",
        /// 批处理
        Batch = "batch" "批处理",
    }
}

crate::coded_enum! {
    /// Kinds of approvable work. Each names the roles that may decide it.
    pub enum TaskKind ("待办类型", "TASK_KIND_UNKNOWN") {
        /// 冲正: reverse a posted journal entry.
        EntryReversal = "entry_reversal" "凭证冲正",
        /// 错缴更正: reverse a paid remittance bill so the month can be billed again.
        BillCorrection = "bill_correction" "错缴更正",
        /// 缓缴 / 降比例: an employer's hardship application.
        EmployerRelief = "employer_relief" "缓缴/降比例申请",
        /// 实名数据导出: a list of people with their full names and ID
        /// numbers, above the size staff may take without approval.
        IdentifiedExport = "identified_export" "实名数据导出",
    }
}

crate::coded_enum! {
    pub enum TaskStatus ("待办状态", "TASK_STATUS_UNKNOWN") {
        Pending = "pending" "待审批",
        Approved = "approved" "已批准",
        Rejected = "rejected" "已驳回",
    }
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
