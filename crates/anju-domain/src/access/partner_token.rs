//! 合作方令牌: a partner system's API token says what it may call (its
//! scopes), works until its expiry day and stops on its revocation day. A
//! rotation issues the successor and dates the old token's revocation a few
//! days ahead, so the partner can switch over without a gap.

use crate::calendar::Date;
use crate::error::{DomainError, DomainResult};

crate::coded_enum! {
    /// What a partner token may call.
    pub enum TokenScope ("令牌权限", "TOKEN_SCOPE_UNKNOWN") {
        /// The 一件事 platform: 企业开办 opens, 企业注销 closes an employer account.
        Yjs = "yjs" "“一件事”企业开办与注销",
        /// Reads what a member granted (`/api/v1/partner/grants/{code}`).
        Grants = "grants" "读取职工授权的数据",
    }
}

/// The longest a token may run: two years.
pub const MAX_TOKEN_DAYS: i32 = 730;

/// The longest an old token may keep working after its rotation.
pub const MAX_GRACE_DAYS: i32 = 30;

/// The scopes as stored: their codes in the enum's order, comma-separated.
pub fn token_scopes_text(scopes: &[TokenScope]) -> String {
    crate::codes::codes_text(scopes)
}

/// The scopes a stored or typed text names.
pub fn parse_token_scopes(text: &str) -> DomainResult<Vec<TokenScope>> {
    crate::codes::parse_codes(text, TokenScope::parse)
}

/// A new token's terms: at least one scope, an expiry after today and at
/// most two years away.
pub fn check_token_terms(scopes: &[TokenScope], expires_on: Date, today: Date) -> DomainResult<()> {
    if scopes.is_empty() {
        return Err(DomainError::new(
            "TOKEN_SCOPE_REQUIRED",
            "请至少选择一项令牌权限",
        ));
    }
    let latest = today.add_days(MAX_TOKEN_DAYS)?;
    if expires_on <= today || expires_on > latest {
        return Err(DomainError::new(
            "TOKEN_EXPIRY_INVALID",
            format!("令牌有效期须在今天之后、{latest} 之前（最长两年）"),
        ));
    }
    Ok(())
}

/// The day an old token stops after a rotation with `grace_days` of overlap.
pub fn rotation_stop(grace_days: i32, today: Date) -> DomainResult<Date> {
    if !(0..=MAX_GRACE_DAYS).contains(&grace_days) {
        return Err(DomainError::new(
            "TOKEN_GRACE_INVALID",
            format!("旧令牌的过渡期为 0 至 {MAX_GRACE_DAYS} 天"),
        ));
    }
    today.add_days(grace_days)
}

/// Whether a token works on `today`: not past its expiry, not yet at its
/// revocation day.
pub fn token_active(expires_on: Date, revoked_on: Option<Date>, today: Date) -> bool {
    today <= expires_on && revoked_on.is_none_or(|stop| today < stop)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        Date::parse(text).expect("date")
    }

    #[test]
    fn scopes_round_trip_in_a_fixed_order() {
        let text = token_scopes_text(&[TokenScope::Grants, TokenScope::Yjs]);
        assert_eq!(text, "yjs,grants");
        assert_eq!(
            parse_token_scopes(&text).expect("parsed"),
            [TokenScope::Yjs, TokenScope::Grants]
        );
        assert_eq!(
            parse_token_scopes("yjs,everything").map_err(|e| e.code()),
            Err("TOKEN_SCOPE_UNKNOWN")
        );
    }

    #[test]
    fn terms_need_a_scope_and_an_expiry_within_two_years() {
        let today = day("2026-12-07");
        let scopes = [TokenScope::Yjs];
        assert!(check_token_terms(&scopes, day("2027-12-07"), today).is_ok());
        assert!(check_token_terms(&scopes, day("2028-12-06"), today).is_ok());
        for (scopes, expires, code) in [
            (&[][..], "2027-01-01", "TOKEN_SCOPE_REQUIRED"),
            (&scopes[..], "2026-12-07", "TOKEN_EXPIRY_INVALID"),
            (&scopes[..], "2028-12-07", "TOKEN_EXPIRY_INVALID"),
        ] {
            let refused = check_token_terms(scopes, day(expires), today).map_err(|e| e.code());
            assert_eq!(refused, Err(code), "{expires}");
        }
    }

    #[test]
    fn a_token_works_to_its_expiry_and_stops_on_its_revocation_day() {
        let expires = day("2027-06-30");
        assert!(token_active(expires, None, day("2027-06-30")));
        assert!(!token_active(expires, None, day("2027-07-01")));
        let stop = rotation_stop(7, day("2026-12-07")).expect("stop");
        assert_eq!(stop, day("2026-12-14"));
        assert!(token_active(expires, Some(stop), day("2026-12-13")));
        assert!(!token_active(expires, Some(stop), day("2026-12-14")));
        assert_eq!(
            rotation_stop(31, day("2026-12-07")).map_err(|e| e.code()),
            Err("TOKEN_GRACE_INVALID")
        );
    }
}
