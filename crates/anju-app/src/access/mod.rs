//! People: sign-in, sessions, the audit trail, maker-checker tasks and
//! messages. Every state-changing command by a person goes through
//! [`App::audit`](crate::App::audit), whatever door it came through.

mod audit;
mod idempotency;
mod messages;
mod names;
mod partner_tokens;
mod secrets;
mod sessions;
mod signin;
pub(crate) mod tasks;
mod users;

/// The records of the audit trail, tasks and API replies, as the use cases
/// hand them out.
pub use anju_store::{AuditQuery, AuditRecord, IdempotencyRecord, TaskRecord, UserRecord};
pub use audit::{Actor, CommandOutcome};
pub(crate) use messages::default_channels as messages_default_channels;
pub use messages::{ChannelAdapter, SimulatedEmail, SimulatedSms, SimulatedWeChat};
pub use names::PeopleNames;
pub use partner_tokens::PartnerToken;
pub use secrets::{random_token, sha256_hex};
pub use sessions::SignedIn;
pub use signin::{Authenticator, Credentials, LocalAuthenticator};
pub use tasks::ReversalRequest;
pub(crate) use tasks::{TaskDraft, acting, checked_reason};
pub use users::NewAccount;

use anju_domain::access::Role;

/// The person (or partner system) behind a request, as resolved from a session
/// or an API token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user_id: i64,
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub member_id: Option<i64>,
    pub employer_id: Option<i64>,
}

impl Principal {
    pub fn from_record(user: &UserRecord) -> Option<Principal> {
        Some(Principal {
            user_id: user.user_id,
            login: user.login.clone(),
            display_name: user.display_name.clone(),
            role: user.role,
            member_id: user.member_id,
            employer_id: user.employer_id,
        })
    }

    /// The login as shown on screens and in lists: ID numbers masked.
    pub fn masked_login(&self) -> String {
        anju_domain::ids::IdCardNo::parse(&self.login)
            .map_or_else(|_| self.login.clone(), |id| id.masked())
    }
}

#[cfg(test)]
mod tests;
