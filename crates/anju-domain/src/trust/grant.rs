//! Data grants (授权): what a member may let a partner read, and the rules
//! of a grant — named parts, a purpose, a period of at most a year — and of
//! a read under one.

use crate::{Date, DomainError, DomainResult};

crate::coded_enum! {
    /// A part of a member's record a grant can open.
    pub enum GrantScope ("授权范围", "GRANT_SCOPE_UNKNOWN") {
        Balance = "balance" "账户余额",
        Contribution = "contribution" "缴存情况（状态、单位、月缴存额、连续缴存月数）",
        Loans = "loans" "住房公积金贷款情况",
    }
}

/// Longest a grant may run.
pub const MAX_GRANT_DAYS: i32 = 365;

/// The scopes as stored: codes joined by commas, in declaration order.
pub fn scopes_text(scopes: &[GrantScope]) -> String {
    crate::codes::codes_text(scopes)
}

/// The scopes a stored text names.
pub fn parse_scopes(text: &str) -> DomainResult<Vec<GrantScope>> {
    crate::codes::parse_codes(text, GrantScope::parse)
}

/// Checks what a member asks to grant: at least one scope, a purpose of
/// at most 100 characters, a period from today of 1 to 365 days. The last
/// day the grant is valid.
pub fn check_grant(
    scopes: &[GrantScope],
    purpose: &str,
    days: i32,
    today: Date,
) -> DomainResult<Date> {
    if scopes.is_empty() {
        return Err(DomainError::new(
            "GRANT_SCOPE_EMPTY",
            "请至少选择一项授权范围",
        ));
    }
    let purpose = purpose.trim();
    if purpose.is_empty() || purpose.chars().count() > 100 {
        return Err(DomainError::new(
            "GRANT_PURPOSE",
            "请填写授权用途（100 字以内）",
        ));
    }
    if !(1..=MAX_GRANT_DAYS).contains(&days) {
        return Err(DomainError::new(
            "GRANT_PERIOD",
            format!("授权期限须为 1 至 {MAX_GRANT_DAYS} 天"),
        ));
    }
    today.add_days(days - 1)
}

/// Why a read under a grant is refused, or None when it may go ahead.
pub fn refusal(
    grantee_login: &str,
    reader_login: &str,
    valid_until: Date,
    revoked: bool,
    today: Date,
) -> Option<(&'static str, &'static str)> {
    if grantee_login != reader_login {
        Some(("GRANT_NOT_YOURS", "该授权不是授予贵机构的"))
    } else if revoked {
        Some(("GRANT_REVOKED", "职工已撤回该授权"))
    } else if today > valid_until {
        Some(("GRANT_EXPIRED", "授权已过期"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).expect("date")
    }

    #[test]
    fn a_grant_runs_for_its_days_including_today() {
        let scopes = [GrantScope::Balance];
        assert_eq!(
            check_grant(&scopes, "房贷审批", 30, d("2026-12-07")),
            Ok(d("2027-01-05"))
        );
        for (scopes, purpose, days, code) in [
            (&[][..], "房贷审批", 30, "GRANT_SCOPE_EMPTY"),
            (&scopes[..], " ", 30, "GRANT_PURPOSE"),
            (&scopes[..], "房贷审批", 0, "GRANT_PERIOD"),
            (&scopes[..], "房贷审批", 366, "GRANT_PERIOD"),
        ] {
            let refused = check_grant(scopes, purpose, days, d("2026-12-07")).expect_err("bad");
            assert_eq!(refused.code(), code);
        }
    }

    #[test]
    fn a_read_is_refused_to_others_after_revocation_and_after_expiry() {
        let until = d("2027-01-05");
        let today = d("2026-12-20");
        assert_eq!(refusal("bank01", "bank01", until, false, today), None);
        assert_eq!(
            refusal("bank01", "bank02", until, false, today).map(|r| r.0),
            Some("GRANT_NOT_YOURS")
        );
        assert_eq!(
            refusal("bank01", "bank01", until, true, today).map(|r| r.0),
            Some("GRANT_REVOKED")
        );
        assert_eq!(
            refusal("bank01", "bank01", until, false, d("2027-01-06")).map(|r| r.0),
            Some("GRANT_EXPIRED")
        );
        assert_eq!(
            refusal("bank01", "bank01", until, false, until),
            None,
            "the last day counts"
        );
    }

    #[test]
    fn scopes_read_back_in_a_fixed_order() {
        let text = scopes_text(&[GrantScope::Loans, GrantScope::Balance]);
        assert_eq!(text, "balance,loans");
        assert_eq!(
            parse_scopes(&text),
            Ok(vec![GrantScope::Balance, GrantScope::Loans])
        );
        assert!(parse_scopes("balance,nope").is_err());
    }
}
