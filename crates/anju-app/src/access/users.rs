//! Creating accounts (demo seeding and, later, registration and staff admin).

use super::secrets::random_token;
use crate::Access;
use crate::{App, AppError, AppResult};
use anju_domain::access::{Role, base32_encode, check_password_strength};
use anju_domain::ids::{IdCardNo, MobileNo};
use anju_domain::{Date, DomainError};
use anju_store::UserRecord;
use argon2::Argon2;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};

/// What a new sign-in account needs.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub login: String,
    pub display_name: String,
    pub role: Role,
    pub password: String,
    pub member_id: Option<i64>,
    pub employer_id: Option<i64>,
    pub mobile: Option<String>,
    pub email: Option<String>,
    /// Staff: a TOTP secret (raw bytes); generated when `None`.
    pub totp_secret: Option<Vec<u8>>,
}

/// argon2id with the crate's defaults (19 MiB, 2 passes) and a random salt.
pub(crate) fn hash_password(password: &str) -> AppResult<String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| AppError::Io(format!("password hashing: {e}")))
}

/// True when `password` matches the stored argon2 hash.
pub(crate) fn verify_password(password: &str, hash: &str) -> bool {
    Argon2::default()
        .verify_password(password.as_bytes(), hash)
        .is_ok()
}

impl Access<'_> {
    /// Creates an account. Members sign in with their 身份证号; staff get a TOTP
    /// secret; partner centres get an API token instead of a password (returned).
    pub async fn create_account(
        self,
        account: NewAccount,
        today: Date,
    ) -> AppResult<(UserRecord, Option<String>)> {
        let rules = self.policy().security.at(today)?.value;
        if account.role == Role::Member {
            IdCardNo::parse(&account.login)?;
        }
        if let Some(mobile) = &account.mobile {
            MobileNo::parse(mobile)?;
        }
        if let Some(email) = &account.email {
            check_email(email)?;
        }
        // A partner system signs in with a token (`api_token`), never a password.
        let password_hash = if account.role == Role::PartnerCentre {
            "!token-only".to_string()
        } else {
            check_password_strength(&account.password, rules)?;
            hash_password(&account.password)?
        };
        let totp_secret = account.role.is_staff().then(|| {
            let secret = account
                .totp_secret
                .clone()
                .unwrap_or_else(|| random_token().into_bytes()[..20].to_vec());
            base32_encode(&secret)
        });
        if account.display_name.trim().is_empty() {
            return Err(DomainError::new("NAME_REQUIRED", "请填写姓名").into());
        }
        let user = UserRecord {
            user_id: self.posting_port().reserve_ids(1),
            login: account.login,
            display_name: account.display_name,
            role: account.role,
            password_hash,
            totp_secret,
            member_id: account.member_id,
            employer_id: account.employer_id,
            mobile: account.mobile,
            email: account.email,
            login_state: Default::default(),
            created_at_us: anju_store::now_micros(),
        };
        self.access_port().create_user(&user).await?;
        if user.role == Role::PartnerCentre {
            // The partner's first token: every scope, for the longest term.
            // Staff narrow, rotate or revoke it on the partner-token page.
            let expires_on = today.add_days(anju_domain::access::MAX_TOKEN_DAYS)?;
            let scopes = <anju_domain::access::TokenScope as anju_domain::Coded>::ALL;
            let (_, secret) = self
                .store_token(&user, scopes, expires_on, "account", today)
                .await?;
            return Ok((user, Some(secret)));
        }
        Ok((user, None))
    }
}

/// A plausible address: one `@`, a dotted domain, no spaces, at most 254 characters.
fn check_email(email: &str) -> AppResult<()> {
    let plausible = email.len() <= 254
        && !email.contains(char::is_whitespace)
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty() && domain.contains('.') && !domain.contains('@')
        });
    if plausible {
        Ok(())
    } else {
        Err(DomainError::new("EMAIL_FORMAT", "电子邮箱格式不正确").into())
    }
}

impl App {
    pub(crate) async fn try_register_member_signin(
        &self,
        id_card: &str,
        name: &str,
        mobile: &str,
        password: &str,
        today: Date,
    ) -> AppResult<UserRecord> {
        let id = IdCardNo::parse(id_card.trim())?;
        let member = self
            .collection_port()
            .member_by_id_card(id.as_str())
            .await?;
        let Some(member) = member.filter(|m| m.name == name.trim()) else {
            return Err(DomainError::new(
                "MEMBER_NOT_MATCHED",
                "未找到与身份证号和姓名一致的缴存记录，请联系单位经办人",
            )
            .into());
        };
        let account = NewAccount {
            login: id.as_str().to_string(),
            display_name: member.name.clone(),
            role: Role::Member,
            password: password.to_string(),
            member_id: Some(member.member_id),
            employer_id: None,
            mobile: Some(mobile.trim().to_string()),
            email: None,
            totp_secret: None,
        };
        let (user, _) =
            self.access()
                .create_account(account, today)
                .await
                .map_err(|e| match e {
                    AppError::Rejected(d) if d.code() == "USER_EXISTS" => AppError::Rejected(
                        DomainError::new("SIGNIN_EXISTS", "该身份证号已注册，请直接登录"),
                    ),
                    other => other,
                })?;
        Ok(user)
    }
}

impl Access<'_> {
    /// 个人注册: a member enrolled by their employer sets up an online sign-in.
    /// The ID number and name must match the enrolment; one sign-in per person.
    pub async fn register_member_signin(
        self,
        actor: &super::Actor,
        id_card: &str,
        name: &str,
        mobile: &str,
        password: &str,
        today: Date,
    ) -> AppResult<UserRecord> {
        let result = self
            .try_register_member_signin(id_card, name, mobile, password, today)
            .await;
        let target = IdCardNo::parse(id_card.trim())
            .map_or_else(|_| "-".to_string(), |i| format!("member:{}", i.masked()));
        self.audited(actor, "member.register", &target, b"", result)
            .await
    }
}
