//! Data grants (授权) and data provision (数据提供): a member lets a named
//! partner read named parts of their record for a period; the partner
//! reads through the API with the grant's code; every read, allowed or
//! refused, is recorded and logged as a leaf; the member sees who read
//! what and when, and can withdraw a grant.

use super::log::new_leaf;
use super::refused;
use crate::access::Actor;
use crate::{AppResult, Trust};
use anju_domain::access::Role;
use anju_domain::ledger::MemberId;
use anju_domain::loan::LoanStatus;
use anju_domain::trust::grant::{GrantScope, check_grant, refusal};
use anju_domain::trust::keys::hex;
use anju_domain::trust::log::{LeafKind, entry_leaf};
use anju_domain::{Date, Fen};
use anju_store::{GrantRecord, GrantRevocationRecord, ProvisionRecord};

/// What a member asks to grant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantInput {
    pub grantee_login: String,
    pub scopes: Vec<GrantScope>,
    pub purpose: String,
    pub days: i32,
}

/// A grant as its member sees it: where it stands and every read under it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantView {
    pub grant: GrantRecord,
    pub revocation: Option<GrantRevocationRecord>,
    pub reads: Vec<ProvisionRecord>,
}

impl GrantView {
    /// 有效 / 已撤回 / 已过期 on `today`.
    pub fn state_zh(&self, today: Date) -> &'static str {
        if self.revocation.is_some() {
            "已撤回"
        } else if today > self.grant.valid_until {
            "已过期"
        } else {
            "有效"
        }
    }
}

/// What a partner reads: the parts the grant opens, nothing else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvidedData {
    pub grant_code: String,
    pub member_name: String,
    pub valid_until: Date,
    pub balance_fen: Option<Fen>,
    /// 账户状态, 单位, 月缴存额, 连续足额缴存月数.
    pub contribution: Option<Vec<(&'static str, String)>>,
    /// (active loans, Σ outstanding).
    pub loans: Option<(usize, Fen)>,
}

pub fn grant_leaf_hash(g: &GrantRecord) -> anju_domain::trust::merkle::Hash {
    let scopes = anju_domain::trust::grant::scopes_text(&g.scopes);
    entry_leaf(
        LeafKind::Grant,
        &[
            ("grant_id", &g.grant_id.to_string()),
            ("grant_code", &g.grant_code),
            ("member_id", &g.member_id.to_string()),
            ("grantee_login", &g.grantee_login),
            ("grantee_name", &g.grantee_name),
            ("scopes", &scopes),
            ("purpose", &g.purpose),
            ("granted_on", &g.granted_on.to_string()),
            ("valid_until", &g.valid_until.to_string()),
        ],
    )
}

pub fn grant_revocation_leaf_hash(r: &GrantRevocationRecord) -> anju_domain::trust::merkle::Hash {
    entry_leaf(
        LeafKind::GrantRevocation,
        &[
            ("grant_id", &r.grant_id.to_string()),
            ("revoked_on", &r.revoked_on.to_string()),
            ("revoked_by", &r.revoked_by),
        ],
    )
}

pub fn provision_leaf_hash(p: &ProvisionRecord) -> anju_domain::trust::merkle::Hash {
    let scopes = anju_domain::trust::grant::scopes_text(&p.scopes);
    let grant = p.grant_id.map(|g| g.to_string()).unwrap_or_default();
    let member = p.member_id.map(|m| m.to_string()).unwrap_or_default();
    entry_leaf(
        LeafKind::Provision,
        &[
            ("provision_id", &p.provision_id.to_string()),
            ("grant_id", &grant),
            ("member_id", &member),
            ("grantee_login", &p.grantee_login),
            ("scopes", &scopes),
            ("at_us", &p.at_us.to_string()),
            ("result", &p.result),
            ("request_id", &p.request_id),
        ],
    )
}

/// The member acting for themselves.
fn member_of(actor: &Actor) -> AppResult<i64> {
    actor
        .acting_member()
        .ok_or_else(|| refused("ROLE_FORBIDDEN", "授权由职工本人办理"))
}

fn new_code() -> AppResult<String> {
    let mut random = [0u8; 8];
    getrandom::fill(&mut random)
        .map_err(|e| refused("CERTIFICATE_SERIAL", format!("无法生成授权码：{e}")))?;
    Ok(format!("SQ-{}", hex(&random)))
}

impl Trust<'_> {
    /// The partners a member may grant access to: (login, name).
    pub async fn grantees(self) -> AppResult<Vec<(String, String)>> {
        Ok(self
            .access_port()
            .users_with_role(Role::PartnerCentre)
            .await?
            .into_iter()
            .map(|u| (u.login, u.display_name))
            .collect())
    }

    /// A member grants a partner access to named parts of their record.
    pub async fn grant_access(
        self,
        actor: &Actor,
        input: &GrantInput,
        today: Date,
    ) -> AppResult<GrantRecord> {
        let result = async {
            let member_id = member_of(actor)?;
            let valid_until = check_grant(&input.scopes, &input.purpose, input.days, today)?;
            let grantee = self
                .access_port()
                .user_by_login(input.grantee_login.trim())
                .await?
                .filter(|u| u.role == Role::PartnerCentre)
                .ok_or_else(|| refused("GRANT_GRANTEE_UNKNOWN", "请选择被授权的机构"))?;
            let ids = self.posting_port().reserve_ids(2);
            let grant = GrantRecord {
                grant_id: ids,
                grant_code: new_code()?,
                member_id,
                grantee_login: grantee.login,
                grantee_name: grantee.display_name,
                scopes: input.scopes.clone(),
                purpose: input.purpose.trim().to_string(),
                granted_on: today,
                valid_until,
            };
            let leaf = new_leaf(ids + 1, LeafKind::Grant, ids, grant_leaf_hash(&grant));
            self.trust_port().insert_grant(&grant, &leaf).await?;
            Ok(grant)
        }
        .await;
        let target = format!("grantee:{}", input.grantee_login.trim());
        self.audited(
            actor,
            "grant.create",
            &target,
            input.purpose.as_bytes(),
            result,
        )
        .await
    }

    /// The member withdraws one of their grants; reads under it are refused
    /// from then on.
    pub async fn revoke_grant(
        self,
        actor: &Actor,
        grant_code: &str,
        today: Date,
    ) -> AppResult<GrantRevocationRecord> {
        let result = async {
            let member_id = member_of(actor)?;
            let grant = self
                .trust_port()
                .grant_by_code(grant_code.trim())
                .await?
                .filter(|g| g.member_id == member_id)
                .ok_or_else(|| refused("GRANT_NOT_FOUND", "没有这项授权"))?;
            let revocation = GrantRevocationRecord {
                grant_id: grant.grant_id,
                revoked_on: today,
                revoked_by: actor.recorded_login(),
            };
            let leaf = new_leaf(
                self.posting_port().reserve_ids(1),
                LeafKind::GrantRevocation,
                grant.grant_id,
                grant_revocation_leaf_hash(&revocation),
            );
            self.trust_port().revoke_grant(&revocation, &leaf).await?;
            Ok(revocation)
        }
        .await;
        let target = format!("grant:{}", grant_code.trim());
        self.audited(actor, "grant.revoke", &target, b"", result)
            .await
    }

    /// A member's grants with their revocations and every read, newest first.
    pub async fn member_grants(self, member_id: i64) -> AppResult<Vec<GrantView>> {
        let grants = self.trust_port().member_grants(member_id).await?;
        let ids: Vec<i64> = grants.iter().map(|g| g.grant_id).collect();
        let revocations = self.trust_port().grant_revocations(&ids).await?;
        let reads = self.trust_port().provisions_of(&ids).await?;
        Ok(grants
            .into_iter()
            .map(|grant| GrantView {
                revocation: revocations
                    .iter()
                    .find(|r| r.grant_id == grant.grant_id)
                    .cloned(),
                reads: reads
                    .iter()
                    .filter(|p| p.grant_id == Some(grant.grant_id))
                    .cloned()
                    .collect(),
                grant,
            })
            .collect())
    }

    /// A partner reads under a grant. The read is checked (the grant is
    /// theirs, not withdrawn, not expired) and recorded either way, with
    /// its leaf, before anything is answered.
    pub async fn provide(
        self,
        actor: &Actor,
        grant_code: &str,
        today: Date,
    ) -> AppResult<ProvidedData> {
        let reader = actor
            .principal
            .as_ref()
            .filter(|p| p.role == Role::PartnerCentre)
            .ok_or_else(|| refused("ROLE_FORBIDDEN", "仅合作机构可按授权查询"))?;
        let grant = self.trust_port().grant_by_code(grant_code.trim()).await?;
        let revoked = match &grant {
            Some(g) => !self
                .trust_port()
                .grant_revocations(&[g.grant_id])
                .await?
                .is_empty(),
            None => false,
        };
        let refusal = match &grant {
            None => Some(("GRANT_NOT_FOUND", "没有这项授权")),
            Some(g) => refusal(
                &g.grantee_login,
                &reader.login,
                g.valid_until,
                revoked,
                today,
            ),
        };
        let provision = ProvisionRecord {
            provision_id: self.posting_port().reserve_ids(1),
            grant_id: grant.as_ref().map(|g| g.grant_id),
            member_id: grant.as_ref().map(|g| g.member_id),
            grantee_login: reader.login.clone(),
            scopes: grant.as_ref().map(|g| g.scopes.clone()).unwrap_or_default(),
            at_us: crate::clock::now_micros(),
            result: refusal.map_or("ok", |r| r.0).to_string(),
            request_id: actor.request_id.clone(),
        };
        let leaf = new_leaf(
            self.posting_port().reserve_ids(1),
            LeafKind::Provision,
            provision.provision_id,
            provision_leaf_hash(&provision),
        );
        self.trust_port()
            .insert_provision(&provision, &leaf)
            .await?;
        match (refusal, grant) {
            (Some((code, message)), _) => Err(refused(code, message)),
            (None, Some(grant)) => self.data_of(&grant, today).await,
            (None, None) => Err(refused("GRANT_NOT_FOUND", "没有这项授权")),
        }
    }

    async fn data_of(self, grant: &GrantRecord, today: Date) -> AppResult<ProvidedData> {
        let member = self
            .collection()
            .member(grant.member_id)
            .await?
            .ok_or_else(|| refused("MEMBER_NOT_FOUND", "职工账户不存在"))?;
        let opens = |scope| grant.scopes.contains(&scope);
        let balance_fen = if opens(GrantScope::Balance) {
            Some(
                self.ledger()
                    .member_balance(MemberId(grant.member_id))
                    .await?
                    .balance,
            )
        } else {
            None
        };
        let contribution = if opens(GrantScope::Contribution) {
            let lines = self.account_lines(grant.member_id, today).await?;
            // The account's own facts, not the person's (name and ID are
            // given once, above, by name only).
            Some(
                lines
                    .into_iter()
                    .filter(|(label, _)| {
                        matches!(
                            *label,
                            "账户状态" | "缴存单位" | "月缴存额" | "连续足额缴存"
                        )
                    })
                    .collect(),
            )
        } else {
            None
        };
        let loans = if opens(GrantScope::Loans) {
            let active: Vec<_> = self
                .loans()
                .loans_of(grant.member_id)
                .await?
                .into_iter()
                .filter(|l| l.status == LoanStatus::Active)
                .collect();
            let outstanding = active
                .iter()
                .try_fold(Fen::ZERO, |sum, l| sum.checked_add(l.outstanding_fen))?;
            Some((active.len(), outstanding))
        } else {
            None
        };
        Ok(ProvidedData {
            grant_code: grant.grant_code.clone(),
            member_name: member.name,
            valid_until: grant.valid_until,
            balance_fen,
            contribution,
            loans,
        })
    }
}
