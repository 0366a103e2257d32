//! Who may do what: roles, channels, sign-in rules (password strength,
//! lockout, second factor) and maker-checker (岗位制衡). Pure rules; the app
//! layer stores users and sessions and calls these.

mod codes;
pub mod duties;
mod maker_checker;
mod role;
mod signin;
mod totp;

pub use codes::*;
pub use maker_checker::check_decider;
pub use signin::{
    LoginState, SecurityRules, SignupFields, check_password_strength, check_signup_fields,
};
pub use totp::{base32_decode, base32_encode, totp_code, totp_matches};
