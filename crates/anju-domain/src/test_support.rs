//! What the domain's tests share: the shipped Suzhou policy and its rules
//! on a day.

use crate::Date;

use crate::policy::{ContributionRules, Policy, PolicySet, parse_policy};

/// The policy file the binary ships with, as text.
pub(crate) const SUZHOU: &str = include_str!("../../../policy/suzhou.toml");

/// The shipped Suzhou policy.
pub(crate) fn suzhou() -> PolicySet {
    parse_policy("suzhou.toml", SUZHOU).expect("the shipped policy loads")
}

/// Every rule group in force on `day`.
pub(crate) fn in_force(day: &str) -> Policy {
    let day = Date::parse(day).expect("date");
    suzhou().at(day).expect("in force")
}

/// The contribution rules in force on `day`.
pub(crate) fn contribution_rules(day: &str) -> ContributionRules {
    in_force(day).contribution.value
}
