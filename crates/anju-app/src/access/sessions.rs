//! Sessions: a random token in an HttpOnly cookie, its SHA-256 in the store,
//! an idle timeout from the policy, and a CSRF token per session.

use super::secrets::{random_token, sha256_hex};
use super::{Actor, Authenticator, CommandOutcome, Credentials, Principal};
use crate::Access;
use crate::AppResult;
use crate::clock::date_of_micros;
use anju_domain::DomainError;
use anju_store::SessionRecord;

/// How stale `last_seen` may get before a request refreshes it (saves a write
/// per request).
const TOUCH_AFTER_US: i64 = 60_000_000;

/// A fresh sign-in: the cookie token (never stored), the session and who it is.
#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub session: SessionRecord,
    pub principal: Principal,
}

impl Access<'_> {
    /// Checks credentials and opens a session; audits success and failure.
    pub async fn sign_in(
        self,
        authenticator: &dyn Authenticator,
        credentials: &Credentials,
        actor: &Actor,
        now_us: i64,
    ) -> AppResult<SignedIn> {
        let checked = match credentials.check_format() {
            Ok(()) => authenticator.authenticate(&self, credentials, now_us).await,
            Err(e) => Err(e.into()),
        };
        let user = match checked {
            Ok(user) => user,
            Err(e) => {
                let code = e.code().unwrap_or("ERROR");
                self.audit(actor, "signin", "-", b"", CommandOutcome::Refused(code))
                    .await?;
                return Err(e);
            }
        };
        let principal = Principal::from_record(&user)
            .ok_or_else(|| DomainError::new("ROLE_UNKNOWN", "账户角色无效，请联系管理员"))?;
        let token = random_token();
        let session = SessionRecord {
            token_hash: sha256_hex(token.as_bytes()),
            user_id: user.user_id,
            csrf_token: random_token(),
            created_at_us: now_us,
            last_seen_us: now_us,
            client_addr: actor.client_addr.clone(),
        };
        self.access_port().create_session(&session).await?;
        let signed_in_actor = Actor {
            principal: Some(principal.clone()),
            ..actor.clone()
        };
        self.audit(
            &signed_in_actor,
            "signin",
            &format!("user:{}", user.user_id),
            b"",
            CommandOutcome::Done,
        )
        .await?;
        Ok(SignedIn {
            token,
            session,
            principal,
        })
    }

    /// The live session behind a cookie token, or `None` (unknown, or idle past
    /// the policy's timeout — then it is deleted).
    pub async fn resolve_session(
        self,
        token: &str,
        now_us: i64,
    ) -> AppResult<Option<(Principal, SessionRecord)>> {
        let hash = sha256_hex(token.as_bytes());
        let Some(session) = self.access_port().session(&hash).await? else {
            return Ok(None);
        };
        let idle_minutes = self
            .policy()
            .security
            .at(date_of_micros(now_us))?
            .value
            .idle_timeout_minutes;
        if now_us - session.last_seen_us > idle_minutes * 60_000_000 {
            self.access_port().delete_session(&hash).await?;
            return Ok(None);
        }
        let Some(principal) = self
            .access_port()
            .user(session.user_id)
            .await?
            .as_ref()
            .and_then(Principal::from_record)
        else {
            return Ok(None);
        };
        if now_us - session.last_seen_us > TOUCH_AFTER_US {
            self.access_port().touch_session(&hash, now_us).await?;
        }
        Ok(Some((principal, session)))
    }

    /// Ends the session: the row is deleted, so the cookie is worthless after.
    pub async fn sign_out(self, token: &str, actor: &Actor) -> AppResult<()> {
        self.access_port()
            .delete_session(&sha256_hex(token.as_bytes()))
            .await?;
        self.audit(actor, "signout", "-", b"", CommandOutcome::Done)
            .await
    }
}
