//! Who may do what: roles, channels, sign-in rules (password strength,
//! lockout, second factor) and maker-checker (岗位制衡). Pure rules; the app
//! layer stores users and sessions and calls these.

mod codes;
pub mod duties;
mod maker_checker;
mod partner_token;
mod role;
mod signin;
mod totp;

pub use codes::*;
pub use maker_checker::check_decider;
pub use partner_token::{
    MAX_GRACE_DAYS, MAX_TOKEN_DAYS, TokenScope, check_token_terms, parse_token_scopes,
    rotation_stop, token_active, token_scopes_text,
};
pub use signin::{
    LoginState, SecurityRules, SignupFields, check_password_strength, check_signup_fields,
};
pub use totp::{base32_decode, base32_encode, totp_code, totp_matches};

/// The longest reason a person may give (冲正、补缴、冻结 …).
pub const MAX_REASON_CHARS: usize = 200;

/// A reason given for a command: present and at most 200 characters, trimmed.
pub fn checked_reason(reason: &str) -> crate::DomainResult<String> {
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > MAX_REASON_CHARS {
        return Err(crate::DomainError::new(
            "REASON_REQUIRED",
            "请填写理由（200字以内）",
        ));
    }
    Ok(reason.to_string())
}
