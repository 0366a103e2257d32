//! 合作方令牌: staff (a manager) issue a partner system a token with the
//! scopes it needs and an expiry, rotate it (the successor issued, the old
//! one stopping after a grace of days) and revoke it. Only the SHA-256 of a
//! secret is stored; the secret is shown once. Every step is audited, and a
//! request with the token is answered only within its scopes (`anju-web`).

use super::{Actor, Principal, random_token, sha256_hex};
use crate::{Access, AppResult};
use anju_domain::access::{
    Role, TokenScope, check_token_terms, rotation_stop, token_active, token_scopes_text,
};
use anju_domain::{Date, DomainError};
use anju_store::{ApiTokenRecord, TokenRevocation, UserRecord};

/// A token with the partner it belongs to, as the staff list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartnerToken {
    pub token: ApiTokenRecord,
    pub partner_login: String,
    pub partner_name: String,
    /// Works today.
    pub active: bool,
}

/// A token about to be stored: its id, what it may call, its term, who issued it.
struct NewToken<'a> {
    token_id: i64,
    scopes: &'a [TokenScope],
    expires_on: Date,
    issued_by: &'a str,
}

/// The tokens the staff page lists.
const TOKENS_LISTED: u32 = 500;

fn managers_only(actor: &Actor) -> AppResult<()> {
    let role = actor.principal.as_ref().map(|p| p.role);
    if role == Some(Role::Manager) {
        return Ok(());
    }
    Err(DomainError::new("ROLE_FORBIDDEN", "只有管理员可以签发、轮换或吊销合作方令牌").into())
}

fn token_not_found(token_id: i64) -> DomainError {
    DomainError::new("TOKEN_NOT_FOUND", format!("令牌 {token_id} 不存在"))
}

impl Access<'_> {
    /// The partner accounts a token can be issued to.
    pub async fn partners(self) -> AppResult<Vec<UserRecord>> {
        Ok(self
            .access_port()
            .users_with_role(Role::PartnerCentre)
            .await?)
    }

    /// Every token, newest first, with its partner and whether it works today.
    pub async fn partner_tokens(self, today: Date) -> AppResult<Vec<PartnerToken>> {
        let tokens = self.access_port().api_tokens(TOKENS_LISTED).await?;
        let partners = self.partners().await?;
        Ok(tokens
            .into_iter()
            .map(|token| {
                let partner = partners.iter().find(|p| p.user_id == token.user_id);
                PartnerToken {
                    active: token_active(token.expires_on, token.revoked_on, today),
                    partner_login: partner.map_or_else(String::new, |p| p.login.clone()),
                    partner_name: partner.map_or_else(String::new, |p| p.display_name.clone()),
                    token,
                }
            })
            .collect())
    }

    /// Issues `partner_login` a token for `scopes` until `expires_on`; the
    /// record and the secret (`login.secret` is what the partner sends).
    pub async fn issue_partner_token(
        self,
        actor: &Actor,
        partner_login: &str,
        scopes: &[TokenScope],
        expires_on: Date,
        today: Date,
    ) -> AppResult<(ApiTokenRecord, String)> {
        let result = self
            .try_issue(actor, partner_login, scopes, expires_on, today)
            .await;
        let target = format!("partner:{partner_login}");
        let payload = format!("{} {expires_on}", token_scopes_text(scopes));
        self.audited(
            actor,
            "partner_token.issue",
            &target,
            payload.as_bytes(),
            result,
        )
        .await
    }

    async fn try_issue(
        self,
        actor: &Actor,
        partner_login: &str,
        scopes: &[TokenScope],
        expires_on: Date,
        today: Date,
    ) -> AppResult<(ApiTokenRecord, String)> {
        managers_only(actor)?;
        check_token_terms(scopes, expires_on, today)?;
        let partner = self
            .access_port()
            .user_by_login(partner_login)
            .await?
            .filter(|u| u.role == Role::PartnerCentre)
            .ok_or_else(|| {
                DomainError::new(
                    "PARTNER_NOT_FOUND",
                    format!("合作方账号 {partner_login} 不存在"),
                )
            })?;
        let by = actor.recorded_login();
        let (token, secret) = self
            .store_token(&partner, scopes, expires_on, &by, today)
            .await?;
        Ok((token, format!("{}.{secret}", partner.login)))
    }

    /// A fresh secret for `partner` saved as a token; the record and the
    /// secret (without the login).
    pub(crate) async fn store_token(
        self,
        partner: &UserRecord,
        scopes: &[TokenScope],
        expires_on: Date,
        issued_by: &str,
        today: Date,
    ) -> AppResult<(ApiTokenRecord, String)> {
        let issued = NewToken {
            token_id: self.posting_port().reserve_ids(1),
            scopes,
            expires_on,
            issued_by,
        };
        self.store_token_as(partner, issued, today).await
    }

    async fn store_token_as(
        self,
        partner: &UserRecord,
        issued: NewToken<'_>,
        today: Date,
    ) -> AppResult<(ApiTokenRecord, String)> {
        let secret = random_token();
        let token = ApiTokenRecord {
            token_id: issued.token_id,
            user_id: partner.user_id,
            token_hash: sha256_hex(secret.as_bytes()),
            scopes: issued.scopes.to_vec(),
            issued_by: issued.issued_by.to_string(),
            issued_on: today,
            expires_on: issued.expires_on,
            revoked_on: None,
            revoked_by: None,
            revoke_reason: None,
        };
        self.access_port().insert_api_token(&token).await?;
        Ok((token, secret))
    }

    /// Rotates a working token: a successor with the same scopes until
    /// `expires_on`, and the old one stopping `grace_days` from today.
    pub async fn rotate_partner_token(
        self,
        actor: &Actor,
        token_id: i64,
        grace_days: i32,
        expires_on: Date,
        today: Date,
    ) -> AppResult<(ApiTokenRecord, String)> {
        let result = self
            .try_rotate(actor, token_id, grace_days, expires_on, today)
            .await;
        let target = format!("partner_token:{token_id}");
        let payload = format!("grace {grace_days} {expires_on}");
        self.audited(
            actor,
            "partner_token.rotate",
            &target,
            payload.as_bytes(),
            result,
        )
        .await
    }

    async fn try_rotate(
        self,
        actor: &Actor,
        token_id: i64,
        grace_days: i32,
        expires_on: Date,
        today: Date,
    ) -> AppResult<(ApiTokenRecord, String)> {
        managers_only(actor)?;
        let old = self.working_token(token_id, today).await?;
        if old.revoked_on.is_some() {
            let message = "令牌已轮换，过渡期内只能吊销";
            return Err(DomainError::new("TOKEN_ALREADY_REVOKED", message).into());
        }
        let stop = rotation_stop(grace_days, today)?;
        check_token_terms(&old.scopes, expires_on, today)?;
        let partner = self.access_port().user(old.user_id).await?;
        let partner = partner
            .ok_or_else(|| DomainError::new("PARTNER_NOT_FOUND", "令牌所属的合作方账号不存在"))?;
        // The old token's stop first: a rotation that loses a race to another
        // rotation or a revocation leaves no successor that nobody has seen.
        let successor_id = self.posting_port().reserve_ids(1);
        let revocation = TokenRevocation {
            token_id,
            revoked_on: stop,
            revoked_by: actor.recorded_login(),
            reason: format!("轮换，由令牌 {successor_id} 接替"),
        };
        self.access_port().revoke_api_token(&revocation).await?;
        let issued = NewToken {
            token_id: successor_id,
            scopes: &old.scopes,
            expires_on,
            issued_by: &revocation.revoked_by,
        };
        let (token, secret) = self.store_token_as(&partner, issued, today).await?;
        Ok((token, format!("{}.{secret}", partner.login)))
    }

    /// Stops a token today.
    pub async fn revoke_partner_token(
        self,
        actor: &Actor,
        token_id: i64,
        reason: &str,
        today: Date,
    ) -> AppResult<ApiTokenRecord> {
        let result = self.try_revoke(actor, token_id, reason, today).await;
        let target = format!("partner_token:{token_id}");
        self.audited(
            actor,
            "partner_token.revoke",
            &target,
            reason.as_bytes(),
            result,
        )
        .await
    }

    async fn try_revoke(
        self,
        actor: &Actor,
        token_id: i64,
        reason: &str,
        today: Date,
    ) -> AppResult<ApiTokenRecord> {
        managers_only(actor)?;
        let reason = super::checked_reason(reason)?;
        let token = self.working_token(token_id, today).await?;
        let revocation = TokenRevocation {
            token_id,
            revoked_on: today,
            revoked_by: actor.recorded_login(),
            reason,
        };
        self.access_port().revoke_api_token(&revocation).await?;
        Ok(ApiTokenRecord {
            revoked_on: Some(revocation.revoked_on),
            revoked_by: Some(revocation.revoked_by),
            revoke_reason: Some(revocation.reason),
            ..token
        })
    }

    /// A token that exists and works today (one in a rotation's grace
    /// works: it may still be revoked at once, though not rotated again).
    async fn working_token(self, token_id: i64, today: Date) -> AppResult<ApiTokenRecord> {
        let token = self
            .access_port()
            .api_token(token_id)
            .await?
            .ok_or_else(|| token_not_found(token_id))?;
        if token.revoked_on.is_some_and(|stop| stop <= today) {
            return Err(DomainError::new("TOKEN_ALREADY_REVOKED", "令牌已吊销").into());
        }
        if !token_active(token.expires_on, None, today) {
            return Err(
                DomainError::new("TOKEN_EXPIRY_INVALID", "令牌已过期，请签发新令牌").into(),
            );
        }
        Ok(token)
    }

    /// A partner's `login.secret`: the partner and the token's scopes, when
    /// the token is theirs and works today.
    pub async fn resolve_api_token(
        self,
        bearer: &str,
        today: Date,
    ) -> AppResult<Option<(Principal, Vec<TokenScope>)>> {
        let Some((login, secret)) = bearer.split_once('.') else {
            return Ok(None);
        };
        let hash = sha256_hex(secret.as_bytes());
        let Some(token) = self.access_port().api_token_by_hash(&hash).await? else {
            return Ok(None);
        };
        let Some(user) = self.access_port().user(token.user_id).await? else {
            return Ok(None);
        };
        let works = token_active(token.expires_on, token.revoked_on, today);
        if user.login != login || user.role != Role::PartnerCentre || !works {
            return Ok(None);
        }
        Ok(Principal::from_record(&user).map(|p| (p, token.scopes)))
    }
}
