//! The stable codes of service quality (服务质量): where a complaint came
//! from, what it is about and how it ended; a bad review's rectification;
//! a hotline call's ticket and survey answer.

crate::coded_enum! {
    /// How a complaint reached the centre.
    pub enum ComplaintSource ("投诉来源", "COMPLAINT_SOURCE_UNKNOWN") {
        Hall = "hall" "网上服务大厅",
        Hotline = "hotline" "12329热线",
        Letter = "letter" "来信",
        /// 政务服务平台 (the 12345 / 好差评 platform's hand-over).
        Platform = "platform" "政务服务平台",
        Counter = "counter" "服务窗口",
    }
}

crate::coded_enum! {
    /// What a complaint is about. Only service quality can be "verified"
    /// against the centre (K21).
    pub enum ComplaintCategory ("投诉类别", "COMPLAINT_CATEGORY_UNKNOWN") {
        ServiceQuality = "service_quality" "服务质量",
        Policy = "policy" "政策执行",
        /// A member's dispute with the employer (未缴、少缴).
        EmployerDispute = "employer_dispute" "单位缴存纠纷",
        Other = "other" "其他",
    }
}

crate::coded_enum! {
    /// Where a complaint stands.
    pub enum ComplaintStatus ("投诉状态", "COMPLAINT_STATUS_UNKNOWN") {
        /// 已受理: waiting for a handler.
        Received = "received" "已受理",
        /// 办理中: a handler investigates.
        Handling = "handling" "办理中",
        /// 已办结: answered; the complainant may appeal within the policy's days.
        Resolved = "resolved" "已办结",
        /// 复核中: appealed, with a second handler.
        Appealed = "appealed" "复核中",
    }
}

crate::coded_enum! {
    /// How a complaint ended: mediated and explained count as 调处 (K17).
    pub enum ComplaintOutcome ("处理结果", "COMPLAINT_OUTCOME_UNKNOWN") {
        Mediated = "mediated" "调处成功",
        Explained = "explained" "解释答复",
        NotMediated = "not_mediated" "调处未成",
    }
}

crate::coded_enum! {
    /// The services a member can rate (好差评).
    pub enum RatedService ("评价事项", "RATED_SERVICE_UNKNOWN") {
        Withdrawal = "withdrawal" "住房公积金提取",
        Loan = "loan" "住房公积金贷款",
    }
}

crate::coded_enum! {
    /// A bad review's rectification (差评整改).
    pub enum RectificationStatus ("整改状态", "RECTIFICATION_STATUS_UNKNOWN") {
        /// 待整改: nobody has taken it yet.
        Open = "open" "待整改",
        /// 整改中: an owner has taken it.
        Taken = "taken" "整改中",
        /// 已整改: the owner recorded what was done; a visit is due.
        Rectified = "rectified" "已整改",
        /// 已回访: the member was visited and their answer recorded.
        FollowedUp = "followed_up" "已回访",
    }
}

crate::coded_enum! {
    /// A hotline call's ticket (工单).
    pub enum TicketKind ("工单类型", "TICKET_KIND_UNKNOWN") {
        Consultation = "consultation" "咨询",
        Complaint = "complaint" "投诉",
        /// 转办: handed to a department.
        Handover = "handover" "转办",
    }
}

crate::coded_enum! {
    /// The caller's answer to the satisfaction survey after a call.
    pub enum Satisfaction ("满意度", "SATISFACTION_UNKNOWN") {
        Satisfied = "satisfied" "满意",
        Basic = "basic" "基本满意",
        Dissatisfied = "dissatisfied" "不满意",
    }
}

impl Satisfaction {
    /// 满意率 counts 满意 and 基本满意, as the 12345/12329 surveys do.
    pub fn is_satisfied(self) -> bool {
        matches!(self, Satisfaction::Satisfied | Satisfaction::Basic)
    }
}

impl ComplaintOutcome {
    /// Counted as 调处 (K17): settled or answered with an explanation.
    pub fn is_mediated(self) -> bool {
        matches!(
            self,
            ComplaintOutcome::Mediated | ComplaintOutcome::Explained
        )
    }
}
