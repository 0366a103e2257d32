//! Storage of trust (可信): the transparency log's leaves and signed
//! checkpoints, and the e-certificates with their revocations. Every table
//! is append-only (the tables refuse changes by trigger); the one change is
//! the sequencer giving an unsequenced leaf its index. The log's rules are
//! the domain's (`anju_domain::trust`) and the use cases' (`anju_app::trust`).

use crate::{AuditRecord, StoreResult};
use anju_domain::Date;
use anju_domain::trust::certificate::CertificateKind;
use anju_domain::trust::grant::GrantScope;
use anju_domain::trust::log::LeafKind;
use anju_domain::trust::merkle::Hash;
use async_trait::async_trait;

/// One leaf of the log: the record it logs and its hash; `leaf_index` is
/// its place in the tree once sequenced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafRecord {
    pub leaf_id: i64,
    pub kind: LeafKind,
    pub record_id: i64,
    pub leaf_hash: Hash,
    pub logged_at_us: i64,
    pub leaf_index: Option<u64>,
}

/// A signed tree head as kept: the tree's size, root and right edge, and
/// the signature over the checkpoint's text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckpointRecord {
    pub tree_size: u64,
    pub origin: String,
    pub root_hash: Hash,
    pub issued_at_us: i64,
    pub key_id: String,
    pub signature_hex: String,
    /// `Frontier::encode` of the tree at this size.
    pub frontier: String,
}

/// An issued e-certificate: the signed text and what it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRecord {
    pub certificate_id: i64,
    pub serial: String,
    pub kind: CertificateKind,
    pub member_id: Option<i64>,
    /// What it certifies beyond the member: `loan:42`, `withdrawal:17`, or
    /// empty for a statement of the account.
    pub subject_ref: String,
    pub issued_on: Date,
    pub valid_until: Option<Date>,
    pub issued_by: String,
    pub body: String,
    pub signature_hex: String,
    pub key_id: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevocationRecord {
    pub revocation_id: i64,
    pub serial: String,
    pub revoked_on: Date,
    pub reason: String,
    pub revoked_by: String,
}

/// A member's grant: who may read which parts of their record, why, and
/// until when. `grant_code` is what the member hands the partner.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRecord {
    pub grant_id: i64,
    pub grant_code: String,
    pub member_id: i64,
    pub grantee_login: String,
    pub grantee_name: String,
    pub scopes: Vec<GrantScope>,
    pub purpose: String,
    pub granted_on: Date,
    pub valid_until: Date,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantRevocationRecord {
    pub grant_id: i64,
    pub revoked_on: Date,
    pub revoked_by: String,
}

/// One read by a partner: under which grant, of whose data, which parts,
/// and whether it was allowed (`ok`) or refused (the code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProvisionRecord {
    pub provision_id: i64,
    pub grant_id: Option<i64>,
    pub member_id: Option<i64>,
    pub grantee_login: String,
    pub scopes: Vec<GrantScope>,
    pub at_us: i64,
    pub result: String,
    pub request_id: String,
}

#[async_trait]
pub trait TrustStore: Send + Sync {
    /// Stores a certificate and its leaf in one transaction.
    async fn insert_certificate(
        &self,
        certificate: &CertificateRecord,
        leaf: &LeafRecord,
    ) -> StoreResult<()>;
    async fn certificate(&self, serial: &str) -> StoreResult<Option<CertificateRecord>>;
    /// A member's certificates, newest first.
    async fn member_certificates(&self, member_id: i64) -> StoreResult<Vec<CertificateRecord>>;
    /// The certificates about one subject (`loan:42`), newest first.
    async fn subject_certificates(&self, subject_ref: &str) -> StoreResult<Vec<CertificateRecord>>;
    /// The latest certificates issued, at most `limit`.
    async fn latest_certificates(&self, limit: u32) -> StoreResult<Vec<CertificateRecord>>;
    async fn certificates_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<CertificateRecord>>;

    /// Revokes a certificate with its leaf, in one transaction
    /// (`CERTIFICATE_REVOKED` when it already is).
    async fn revoke_certificate(
        &self,
        revocation: &RevocationRecord,
        leaf: &LeafRecord,
    ) -> StoreResult<()>;
    async fn revocation(&self, serial: &str) -> StoreResult<Option<RevocationRecord>>;
    async fn revocations_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<RevocationRecord>>;
    /// Audit rows by id, for re-deriving their leaves.
    async fn audits_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<AuditRecord>>;

    /// Leaves not yet in the tree, oldest first, at most `limit`.
    async fn unsequenced_leaves(&self, limit: u32) -> StoreResult<Vec<LeafRecord>>;
    /// Gives `leaf_ids` (ascending: the order they were hashed in) the
    /// indexes `previous_size, previous_size + 1, …` and
    /// stores `checkpoint`, in one transaction. False (and nothing written)
    /// when another sequencer got there first.
    async fn append_checkpoint(
        &self,
        previous_size: u64,
        leaf_ids: &[i64],
        checkpoint: &CheckpointRecord,
    ) -> StoreResult<bool>;
    async fn latest_checkpoint(&self) -> StoreResult<Option<CheckpointRecord>>;
    async fn checkpoint(&self, tree_size: u64) -> StoreResult<Option<CheckpointRecord>>;
    /// Checkpoints larger than `after_size`, smallest first, at most `limit`.
    async fn checkpoints_after(
        &self,
        after_size: u64,
        limit: u32,
    ) -> StoreResult<Vec<CheckpointRecord>>;
    /// The latest checkpoints, newest first.
    async fn latest_checkpoints(&self, limit: u32) -> StoreResult<Vec<CheckpointRecord>>;
    /// Sequenced leaves from index `from` on, in index order, at most `limit`.
    async fn leaves_from(&self, from: u64, limit: u32) -> StoreResult<Vec<LeafRecord>>;
    /// The hashes of leaves `[from, to)` in index order.
    async fn leaf_hashes(&self, from: u64, to: u64) -> StoreResult<Vec<Hash>>;
    async fn leaf_of(&self, kind: LeafKind, record_id: i64) -> StoreResult<Option<LeafRecord>>;
    /// Stores a grant with its leaf (`GRANT_EXISTS` on a repeated code).
    async fn insert_grant(&self, grant: &GrantRecord, leaf: &LeafRecord) -> StoreResult<()>;
    async fn grant_by_code(&self, grant_code: &str) -> StoreResult<Option<GrantRecord>>;
    /// A member's grants, newest first.
    async fn member_grants(&self, member_id: i64) -> StoreResult<Vec<GrantRecord>>;
    async fn grants_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<GrantRecord>>;
    /// Withdraws a grant with its leaf (`GRANT_ALREADY_REVOKED` the second time).
    async fn revoke_grant(
        &self,
        revocation: &GrantRevocationRecord,
        leaf: &LeafRecord,
    ) -> StoreResult<()>;
    async fn grant_revocations(&self, grant_ids: &[i64])
    -> StoreResult<Vec<GrantRevocationRecord>>;
    /// Records a read (allowed or refused) with its leaf.
    async fn insert_provision(
        &self,
        provision: &ProvisionRecord,
        leaf: &LeafRecord,
    ) -> StoreResult<()>;
    /// The reads under these grants, newest first.
    async fn provisions_of(&self, grant_ids: &[i64]) -> StoreResult<Vec<ProvisionRecord>>;
    async fn provisions_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<ProvisionRecord>>;
    /// Blacklist entries by entry id, for re-deriving their leaves.
    async fn blacklist_by_ids(&self, ids: &[i64]) -> StoreResult<Vec<crate::BlacklistRecord>>;

    /// How many records of `kind` exist and how many leaves log them.
    async fn logged_counts(&self, kind: LeafKind) -> StoreResult<(i64, i64)>;
}
