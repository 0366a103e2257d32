//! The audit trail: who did what, through which channel, with what result.

use super::Principal;
use super::secrets::sha256_hex;
use super::{AuditQuery, AuditRecord};
use crate::Access;
use crate::{App, AppResult};
use anju_domain::access::{Channel, Role};

/// Who is acting and from where; built by the web layer or the CLI.
#[derive(Debug, Clone)]
pub struct Actor {
    pub principal: Option<Principal>,
    pub channel: Channel,
    pub request_id: String,
    pub client_addr: String,
}

impl Actor {
    /// Who acted, as a record keeps it: the login (a member's ID number
    /// masked), or `system` for a job.
    pub fn recorded_login(&self) -> String {
        self.principal
            .as_ref()
            .map_or_else(|| "system".to_string(), Principal::masked_login)
    }

    /// The member acting for themselves: a member's sign-in tied to an
    /// account (staff acting for one are not).
    pub fn acting_member(&self) -> Option<i64> {
        self.principal
            .as_ref()
            .filter(|p| p.role == anju_domain::access::Role::Member)
            .and_then(|p| p.member_id)
    }

    /// A scheduled job: the batch channel with no person signed in.
    pub fn is_batch_job(&self) -> bool {
        self.principal.is_none() && self.channel == Channel::Batch
    }

    pub fn anonymous(channel: Channel, request_id: &str, client_addr: &str) -> Actor {
        Actor {
            principal: None,
            channel,
            request_id: request_id.to_string(),
            client_addr: client_addr.to_string(),
        }
    }

    /// Someone known only by role and login (no sign-in behind it): the
    /// demo's seeding acts as the demo's staff and members this way.
    pub fn seeded(role: Role, login: &str, member_id: Option<i64>, request_id: &str) -> Actor {
        Actor::of(
            Principal {
                user_id: 0,
                login: login.to_string(),
                display_name: login.to_string(),
                role,
                member_id,
                employer_id: None,
            },
            request_id,
            "local",
        )
    }

    pub fn of(principal: Principal, request_id: &str, client_addr: &str) -> Actor {
        Actor {
            channel: Channel::of_role(principal.role),
            principal: Some(principal),
            request_id: request_id.to_string(),
            client_addr: client_addr.to_string(),
        }
    }
}

/// How a command ended, for its audit row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CommandOutcome<'a> {
    Done,
    Refused(&'a str),
}

impl App {
    /// Records `result` of a command in the audit trail (done, or refused with
    /// its code) and hands it back.
    pub(crate) async fn audited<T>(
        &self,
        actor: &Actor,
        action: &str,
        target: &str,
        payload: &[u8],
        result: AppResult<T>,
    ) -> AppResult<T> {
        let outcome = match &result {
            Ok(_) => CommandOutcome::Done,
            Err(e) => CommandOutcome::Refused(e.code().unwrap_or("ERROR")),
        };
        self.access()
            .audit(actor, action, target, payload, outcome)
            .await?;
        result
    }
}

impl Access<'_> {
    /// Appends one row to the audit trail. `payload` is digested, not stored.
    pub async fn audit(
        self,
        actor: &Actor,
        action: &str,
        target: &str,
        payload: &[u8],
        outcome: CommandOutcome<'_>,
    ) -> AppResult<()> {
        let record = AuditRecord {
            audit_id: self.posting_port().reserve_ids(1),
            at_us: crate::clock::now_micros(),
            actor_user_id: actor.principal.as_ref().map(|p| p.user_id),
            actor_login: actor
                .principal
                .as_ref()
                .map_or_else(|| "-".to_string(), Principal::masked_login),
            role: actor
                .principal
                .as_ref()
                .map_or("anonymous", |p| p.role.code())
                .to_string(),
            channel: actor.channel.code().to_string(),
            action: action.to_string(),
            target: target.to_string(),
            payload_digest: sha256_hex(payload),
            result: match outcome {
                CommandOutcome::Done => "ok".to_string(),
                CommandOutcome::Refused(code) => code.to_string(),
            },
            request_id: actor.request_id.clone(),
            client_addr: actor.client_addr.clone(),
        };
        let leaf = crate::trust::log::new_leaf(
            self.posting_port().reserve_ids(1),
            anju_domain::trust::log::LeafKind::Audit,
            record.audit_id,
            crate::trust::log::audit_leaf_hash(&record),
        );
        Ok(self.access_port().append_audit(&record, &leaf).await?)
    }

    /// Audit rows matching `query`, newest first.
    pub async fn search_audit(self, query: &AuditQuery) -> AppResult<Vec<AuditRecord>> {
        Ok(self.access_port().search_audit(query).await?)
    }
}
