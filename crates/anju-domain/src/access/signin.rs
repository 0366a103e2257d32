//! Sign-in rules: password strength and lockout after repeated failures.

use crate::error::{DomainError, DomainResult};

/// From the policy in force (`security` group).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SecurityRules {
    pub lockout_failures: i64,
    pub lockout_minutes: i64,
    pub idle_timeout_minutes: i64,
    pub min_password_chars: i64,
}

/// Consecutive failures and, once they reach the limit, the lock's end
/// (microseconds since the Unix epoch).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LoginState {
    pub failures: i64,
    pub locked_until_us: Option<i64>,
}

const MICROS_PER_MINUTE: i64 = 60_000_000;

impl LoginState {
    pub fn is_locked(self, now_us: i64) -> bool {
        self.locked_until_us.is_some_and(|until| now_us < until)
    }

    /// After a failed attempt: count it; at the limit, lock and start counting
    /// afresh once the lock ends.
    pub fn after_failure(self, now_us: i64, rules: SecurityRules) -> LoginState {
        let failures = if self.locked_until_us.is_some_and(|u| now_us >= u) {
            1
        } else {
            self.failures + 1
        };
        if failures >= rules.lockout_failures {
            LoginState {
                failures,
                locked_until_us: Some(now_us + rules.lockout_minutes * MICROS_PER_MINUTE),
            }
        } else {
            LoginState {
                failures,
                locked_until_us: None,
            }
        }
    }

    pub fn refusal(self, now_us: i64) -> DomainError {
        let minutes = self.locked_until_us.map_or(0, |u| {
            (u - now_us + MICROS_PER_MINUTE - 1) / MICROS_PER_MINUTE
        });
        DomainError::new(
            "SIGNIN_LOCKED",
            format!("登录失败次数过多，账户已锁定，请 {minutes} 分钟后再试或拨打 12329"),
        )
    }
}

/// 等保三级 asks for complex passwords: long enough, with letters and digits.
pub fn check_password_strength(password: &str, rules: SecurityRules) -> DomainResult<()> {
    let long_enough =
        i64::try_from(password.chars().count()).unwrap_or(0) >= rules.min_password_chars;
    let has_letter = password.chars().any(|c| c.is_ascii_alphabetic());
    let has_digit = password.chars().any(|c| c.is_ascii_digit());
    if long_enough && has_letter && has_digit {
        Ok(())
    } else {
        Err(DomainError::new(
            "PASSWORD_WEAK",
            format!(
                "密码至少 {} 位，且须同时包含字母和数字",
                rules.min_password_chars
            ),
        ))
    }
}

/// What a person types to sign up (个人注册, 灵活就业开户, 异地贷款开户).
#[derive(Debug, Clone, Copy)]
pub struct SignupFields<'a> {
    pub id_card: &'a str,
    pub name: &'a str,
    pub mobile: &'a str,
    pub password: &'a str,
}

/// Every sign-up field's format checked at once, each refusal with its
/// field's name, so a form can show them all beside their fields. The use
/// cases check again; this only spares a person one round per mistake.
pub fn check_signup_fields(
    fields: SignupFields<'_>,
    rules: SecurityRules,
) -> Vec<(&'static str, DomainError)> {
    let name = fields.name.trim();
    let name_check = if name.is_empty() || name.chars().count() > 100 {
        Err(DomainError::new(
            "NAME_INVALID",
            "请填写姓名（不超过100字）",
        ))
    } else {
        Ok(())
    };
    [
        (
            "id_card",
            crate::ids::IdCardNo::parse(fields.id_card.trim()).map(|_| ()),
        ),
        ("name", name_check),
        (
            "mobile",
            crate::ids::MobileNo::parse(fields.mobile.trim()).map(|_| ()),
        ),
        ("password", check_password_strength(fields.password, rules)),
    ]
    .into_iter()
    .filter_map(|(field, checked)| checked.err().map(|e| (field, e)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: SecurityRules = SecurityRules {
        lockout_failures: 5,
        lockout_minutes: 15,
        idle_timeout_minutes: 30,
        min_password_chars: 10,
    };

    #[test]
    fn every_sign_up_field_is_checked_at_once() {
        let refused = |id_card, name, mobile, password| {
            let fields = SignupFields {
                id_card,
                name,
                mobile,
                password,
            };
            check_signup_fields(fields, RULES)
                .into_iter()
                .map(|(field, e)| (field, e.code().to_string()))
                .collect::<Vec<_>>()
        };
        assert_eq!(
            refused("320502199003071231", " ", "1381234567", "short"),
            [
                ("id_card", "ID_CHECKSUM".to_string()),
                ("name", "NAME_INVALID".to_string()),
                ("mobile", "MOBILE_FORMAT".to_string()),
                ("password", "PASSWORD_WEAK".to_string()),
            ]
        );
        assert!(refused("320502199003071230", "王芳", "13812345678", "anju2026pass").is_empty());
    }

    #[test]
    fn five_failures_lock_for_fifteen_minutes() {
        let mut state = LoginState::default();
        for i in 0..4 {
            state = state.after_failure(i, RULES);
            assert!(!state.is_locked(i));
        }
        state = state.after_failure(10, RULES);
        assert!(state.is_locked(11));
        let end = 10 + 15 * MICROS_PER_MINUTE;
        assert!(state.is_locked(end - 1));
        assert!(!state.is_locked(end));
        assert!(state.refusal(11).message().contains("15 分钟"));
        // After the lock ends, counting starts again.
        assert_eq!(state.after_failure(end, RULES).failures, 1);
    }

    #[test]
    fn password_strength() {
        assert!(check_password_strength("anju2026demo", RULES).is_ok());
        for weak in ["short1", "onlyletterslong", "1234567890123", ""] {
            assert_eq!(
                check_password_strength(weak, RULES).map_err(|e| e.code()),
                Err("PASSWORD_WEAK")
            );
        }
    }
}
