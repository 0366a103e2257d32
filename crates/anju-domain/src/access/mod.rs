//! Who may do what: roles, channels, sign-in rules (password strength,
//! lockout, second factor) and maker-checker (岗位制衡). Pure rules; the app
//! layer stores users and sessions and calls these.

pub mod duties;
mod maker_checker;
mod role;
mod signin;
mod totp;

pub use maker_checker::{DeliveryStatus, TaskKind, TaskStatus, check_decider};
pub use role::{Channel, Role};
pub use signin::{LoginState, SecurityRules, check_password_strength};
pub use totp::{base32_decode, base32_encode, totp_code, totp_matches};
