//! Storage of trust (可信): the transparency log's leaves and signed
//! checkpoints, and the e-certificates with their revocations. Every table
//! is append-only (the tables refuse changes by trigger); the one change is
//! the sequencer giving an unsequenced leaf its index. The log's rules are
//! the domain's (`anju_domain::trust`) and the use cases' (`anju_app::trust`).

use crate::{AuditRecord, StoreResult};
use anju_domain::Date;
use anju_domain::trust::certificate::CertificateKind;
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
    /// Gives `leaf_ids` the indexes `previous_size, previous_size + 1, …` and
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
    /// How many records of `kind` exist and how many leaves log them.
    async fn logged_counts(&self, kind: LeafKind) -> StoreResult<(i64, i64)>;
}
