//! Sign-in behind a trait, so a government single sign-on (统一身份认证) can
//! replace the local password check without touching pages or sessions.

use super::users::verify_password;
use crate::{App, AppResult};
use anju_domain::DomainError;
use anju_domain::access::{Role, base32_decode, totp_matches};
use anju_domain::ids::IdCardNo;
use anju_store::UserRecord;
use async_trait::async_trait;

/// What a person typed on the sign-in page.
#[derive(Debug, Clone)]
pub enum Credentials {
    /// 个人: 身份证号 and password.
    Member { id_card: String, password: String },
    /// 单位经办人: username and password.
    EmployerAgent { username: String, password: String },
    /// 工作人员: username, password and the authenticator code.
    Staff {
        username: String,
        password: String,
        totp: String,
    },
}

impl Credentials {
    fn login(&self) -> String {
        match self {
            Credentials::Member { id_card, .. } => id_card.trim().to_ascii_uppercase(),
            Credentials::EmployerAgent { username, .. } | Credentials::Staff { username, .. } => {
                username.trim().to_string()
            }
        }
    }

    /// A 身份证号 that cannot be one (wrong length, characters or check
    /// digit) is a typing error to point out, not a failed sign-in: it names
    /// nobody, so it neither reads the users nor counts towards a lockout.
    pub fn check_format(&self) -> Result<(), DomainError> {
        match self {
            Credentials::Member { id_card, .. } => {
                IdCardNo::parse(id_card.trim()).map(|_| ()).map_err(|e| {
                    DomainError::new(
                        "SIGNIN_ID_CARD_FORMAT",
                        format!("{}，请核对后重新输入", e.message()),
                    )
                })
            }
            _ => Ok(()),
        }
    }

    fn admits(&self, role: Role) -> bool {
        match self {
            Credentials::Member { .. } => role == Role::Member,
            Credentials::EmployerAgent { .. } => role == Role::EmployerAgent,
            Credentials::Staff { .. } => role.is_staff(),
        }
    }
}

#[async_trait]
pub trait Authenticator: Send + Sync {
    /// The user these credentials prove, or a refusal with a stable code.
    async fn authenticate(
        &self,
        app: &App,
        credentials: &Credentials,
        now_us: i64,
    ) -> AppResult<UserRecord>;
}

/// Passwords (argon2id) and, for staff, TOTP, with lockout from the policy.
pub struct LocalAuthenticator;

/// Compared against when the login is unknown, so that unknown and known
/// logins take the same time to refuse.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0eAw3Ryd6m5j6zl3Ia+ZlVPUIgJfnQFhm2Eg4zlsyLs";

fn bad_credentials() -> DomainError {
    DomainError::new("SIGNIN_FAILED", "账号或密码错误")
}

#[async_trait]
impl Authenticator for LocalAuthenticator {
    async fn authenticate(
        &self,
        app: &App,
        credentials: &Credentials,
        now_us: i64,
    ) -> AppResult<UserRecord> {
        let rules = app
            .policy()
            .security
            .at(crate::clock::date_of_micros(now_us))?
            .value;
        let user = app
            .access_port()
            .user_by_login(&credentials.login())
            .await?;
        let Some(user) = user.filter(|u| credentials.admits(u.role)) else {
            let _ = verify_password("not the password", DUMMY_HASH);
            return Err(bad_credentials().into());
        };
        if user.login_state.is_locked(now_us) {
            return Err(user.login_state.refusal(now_us).into());
        }
        let password_ok = match credentials {
            Credentials::Member { password, .. }
            | Credentials::EmployerAgent { password, .. }
            | Credentials::Staff { password, .. } => verify_password(password, &user.password_hash),
        };
        let factor_ok = match credentials {
            Credentials::Staff { totp, .. } => user
                .totp_secret
                .as_deref()
                .and_then(base32_decode)
                .is_some_and(|secret| totp_matches(&secret, now_us / 1_000_000, totp.trim())),
            _ => true,
        };
        if !(password_ok && factor_ok) {
            let state = user.login_state.after_failure(now_us, rules);
            app.access_port()
                .set_login_state(user.user_id, state)
                .await?;
            if state.is_locked(now_us) {
                return Err(state.refusal(now_us).into());
            }
            // One message whichever factor failed: no hint which one was right.
            let message = match credentials {
                Credentials::Staff { .. } => "账号、密码或动态口令错误",
                _ => "账号或密码错误",
            };
            return Err(DomainError::new("SIGNIN_FAILED", message).into());
        }
        if user.login_state != Default::default() {
            app.access_port()
                .set_login_state(user.user_id, Default::default())
                .await?;
        }
        Ok(user)
    }
}
