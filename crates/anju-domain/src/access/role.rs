use super::codes::*;
impl Role {
    /// Staff sign in with username, password and a second factor.
    pub const STAFF: [Role; 8] = [
        Role::Clerk,
        Role::Reviewer,
        Role::Finance,
        Role::RiskManager,
        Role::Manager,
        Role::Auditor,
        Role::EnforcementOfficer,
        Role::LegalReviewer,
    ];

    pub fn is_staff(self) -> bool {
        Role::STAFF.contains(&self)
    }
}

impl Channel {
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
    use crate::Coded;

    #[test]
    fn codes_round_trip() {
        for &role in Role::ALL {
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
