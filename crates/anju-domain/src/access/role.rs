use crate::error::{DomainError, DomainResult};

/// The roles of the security model (architecture: "Security model").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Role {
    /// 缴存职工
    Member,
    /// 单位经办人
    EmployerAgent,
    /// 柜员
    Clerk,
    /// 审核员
    Reviewer,
    /// 财务
    Finance,
    /// 风险
    RiskManager,
    /// 管理员
    Manager,
    /// 审计 (read-only)
    Auditor,
    /// 合作中心 (machine client with an API token)
    PartnerCentre,
}

impl Role {
    pub const ALL: [Role; 9] = [
        Role::Member,
        Role::EmployerAgent,
        Role::Clerk,
        Role::Reviewer,
        Role::Finance,
        Role::RiskManager,
        Role::Manager,
        Role::Auditor,
        Role::PartnerCentre,
    ];

    /// Staff sign in with username, password and a second factor.
    pub const STAFF: [Role; 6] = [
        Role::Clerk,
        Role::Reviewer,
        Role::Finance,
        Role::RiskManager,
        Role::Manager,
        Role::Auditor,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Role::Member => "member",
            Role::EmployerAgent => "employer_agent",
            Role::Clerk => "clerk",
            Role::Reviewer => "reviewer",
            Role::Finance => "finance",
            Role::RiskManager => "risk_manager",
            Role::Manager => "manager",
            Role::Auditor => "auditor",
            Role::PartnerCentre => "partner_centre",
        }
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Role::Member => "缴存职工",
            Role::EmployerAgent => "单位经办人",
            Role::Clerk => "柜员",
            Role::Reviewer => "审核员",
            Role::Finance => "财务人员",
            Role::RiskManager => "风险管理员",
            Role::Manager => "管理员",
            Role::Auditor => "审计员",
            Role::PartnerCentre => "合作中心",
        }
    }

    pub fn parse(code: &str) -> DomainResult<Role> {
        Role::ALL
            .into_iter()
            .find(|r| r.code() == code)
            .ok_or_else(|| DomainError::new("ROLE_UNKNOWN", format!("未知角色“{code}”")))
    }

    pub fn is_staff(self) -> bool {
        Role::STAFF.contains(&self)
    }
}

/// Where an action came from. K18 (不见面办理率) counts online and API actions
/// against all actions by people and partners.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Channel {
    /// 网上服务大厅
    Online,
    /// 柜台
    Counter,
    /// 接口
    Api,
    /// 批处理
    Batch,
}

impl Channel {
    pub fn code(self) -> &'static str {
        match self {
            Channel::Online => "online",
            Channel::Counter => "counter",
            Channel::Api => "api",
            Channel::Batch => "batch",
        }
    }

    pub fn parse(code: &str) -> DomainResult<Channel> {
        [
            Channel::Online,
            Channel::Counter,
            Channel::Api,
            Channel::Batch,
        ]
        .into_iter()
        .find(|c| c.code() == code)
        .ok_or_else(|| DomainError::new("CHANNEL_UNKNOWN", format!("未知渠道“{code}”")))
    }

    /// Done without a visit to a counter.
    pub fn is_contactless(self) -> bool {
        matches!(self, Channel::Online | Channel::Api)
    }

    /// The channel of a person acting in a role: staff work at the counter.
    pub fn of_role(role: Role) -> Channel {
        match role {
            Role::PartnerCentre => Channel::Api,
            r if r.is_staff() => Channel::Counter,
            _ => Channel::Online,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.code()), Ok(role));
        }
        assert!(Role::parse("root").is_err());
        assert!(
            Role::Clerk.is_staff() && !Role::Member.is_staff() && !Role::PartnerCentre.is_staff()
        );
        assert_eq!(Channel::of_role(Role::Clerk), Channel::Counter);
        assert_eq!(Channel::of_role(Role::Member), Channel::Online);
        assert!(Channel::Api.is_contactless() && !Channel::Counter.is_contactless());
    }
}
