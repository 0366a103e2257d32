//! The transparency log's use cases: the sequencer that signs checkpoints,
//! proofs for a record or between two checkpoints, and the full check that
//! re-derives every leaf from its record (`anju log verify`).

use super::blacklist::blacklist_leaf_hash;
use super::grants::{grant_leaf_hash, grant_revocation_leaf_hash, provision_leaf_hash};
use crate::{AppResult, Trust};
use anju_domain::trust::certificate::{CertificateKind, certificate_leaf};
use anju_domain::trust::keys::{KeySet, hex};
use anju_domain::trust::log::{Checkpoint, Frontier, LeafKind, entry_leaf};
use anju_domain::trust::merkle::{self, Hash};
use anju_store::{AuditRecord, CertificateRecord, CheckpointRecord, LeafRecord, RevocationRecord};
use std::collections::HashMap;

/// Leaves one checkpoint takes at most (the rest go in the next).
const SEQUENCE_BATCH: u32 = 5_000;
/// Leaves read a page when checking the log.
const CHECK_PAGE: u32 = 5_000;

/// The leaf hash of an audit row: every column, in the table's order.
pub fn audit_leaf_hash(r: &AuditRecord) -> Hash {
    let id = r.audit_id.to_string();
    let at = r.at_us.to_string();
    let user = r.actor_user_id.map(|u| u.to_string()).unwrap_or_default();
    entry_leaf(
        LeafKind::Audit,
        &[
            ("audit_id", &id),
            ("at_us", &at),
            ("actor_user_id", &user),
            ("actor_login", &r.actor_login),
            ("role", &r.role),
            ("channel", &r.channel),
            ("action", &r.action),
            ("target", &r.target),
            ("payload_digest", &r.payload_digest),
            ("result", &r.result),
            ("request_id", &r.request_id),
            ("client_addr", &r.client_addr),
        ],
    )
}

/// The leaf hash of an issued certificate (what a verifier rebuilds from
/// the file).
pub fn certificate_leaf_hash(c: &CertificateRecord) -> Hash {
    certificate_leaf(&c.serial, &c.body, &c.signature_hex, &c.key_id)
}

/// Whether a certificate's columns say what its signed text says: its
/// kind, serial, member, day of issue and validity are all on the text, so
/// a column changed behind the text (who may read it, until when it is
/// valid) shows as a changed record.
pub fn certificate_columns_agree(c: &CertificateRecord) -> bool {
    let has = |line: String| c.body.lines().any(|l| l == line);
    let validity = match c.valid_until {
        Some(until) => has(format!("有效期至：{until}")),
        None => !c.body.lines().any(|l| l.starts_with("有效期至：")),
    };
    // What it is about: a loan or a withdrawal by its number, or nothing.
    let subject = match (c.kind, c.subject_ref.split_once(':')) {
        (CertificateKind::LoanRelease, Some(("loan", id))) => has(format!("贷款编号：{id}")),
        (CertificateKind::Withdrawal, Some(("withdrawal", id))) => has(format!("提取申请号：{id}")),
        (CertificateKind::Contribution | CertificateKind::RemoteLoanUse, None) => {
            c.subject_ref.is_empty()
        }
        _ => false,
    };
    subject
        && c.body.lines().next() == Some(c.kind.name_zh())
        && has(format!("证明编号：{}", c.serial))
        && has(format!("出具日期：{}", c.issued_on))
        && c.member_id.is_some_and(|m| has(format!("个人账号：{m}")))
        && validity
}

/// The leaf hash of a revocation.
pub fn revocation_leaf_hash(r: &RevocationRecord) -> Hash {
    let id = r.revocation_id.to_string();
    let on = r.revoked_on.to_string();
    entry_leaf(
        LeafKind::Revocation,
        &[
            ("revocation_id", &id),
            ("serial", &r.serial),
            ("revoked_on", &on),
            ("reason", &r.reason),
            ("revoked_by", &r.revoked_by),
        ],
    )
}

/// A new, unsequenced leaf for a record.
pub(crate) fn new_leaf(leaf_id: i64, kind: LeafKind, record_id: i64, hash: Hash) -> LeafRecord {
    LeafRecord {
        leaf_id,
        kind,
        record_id,
        leaf_hash: hash,
        logged_at_us: crate::clock::now_micros(),
        leaf_index: None,
    }
}

/// A record's place in the log and the audit path to a signed checkpoint.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InclusionProof {
    pub leaf: LeafRecord,
    pub leaf_index: u64,
    pub checkpoint: CheckpointRecord,
    pub path: Vec<Hash>,
}

/// What checking the whole log found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LogCheck {
    pub leaves: u64,
    pub checkpoints: u64,
    /// In log order; the first names the first bad leaf or checkpoint.
    pub problems: Vec<String>,
}

impl LogCheck {
    pub fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

/// The checkpoint's signed text.
pub fn checkpoint_of(c: &CheckpointRecord) -> Checkpoint {
    Checkpoint {
        origin: c.origin.clone(),
        tree_size: c.tree_size,
        root: c.root_hash,
        issued_at_us: c.issued_at_us,
    }
}

/// The checkpoint as published (a signed note: its text, a blank line,
/// then `— <key id> <signature>`).
pub fn checkpoint_note(c: &CheckpointRecord) -> String {
    format!(
        "{}\n— {} {}\n",
        checkpoint_of(c).body(),
        c.key_id,
        c.signature_hex
    )
}

impl Trust<'_> {
    /// The log's name in its checkpoints: the centre's code.
    fn origin(&self) -> String {
        format!("anju-log/{}", self.policy().centre_code)
    }

    /// Sequences the waiting leaves and signs a checkpoint for each batch;
    /// the latest checkpoint, or None when nothing waited. A sequencer that
    /// loses a race to another reads the log again and carries on.
    pub async fn sequence(self) -> AppResult<Option<CheckpointRecord>> {
        let mut signed = None;
        let mut lost = 0;
        loop {
            let latest = self.trust_port().latest_checkpoint().await?;
            let waiting = self.trust_port().unsequenced_leaves(SEQUENCE_BATCH).await?;
            if waiting.is_empty() {
                return Ok(signed);
            }
            let mut frontier = match &latest {
                Some(c) => Frontier::decode(&c.frontier)?,
                None => Frontier::default(),
            };
            let previous = frontier.size();
            for leaf in &waiting {
                frontier.push(leaf.leaf_hash);
            }
            let checkpoint = self.sign_checkpoint(&frontier)?;
            let ids: Vec<i64> = waiting.iter().map(|l| l.leaf_id).collect();
            if self
                .trust_port()
                .append_checkpoint(previous, &ids, &checkpoint)
                .await?
            {
                signed = Some(checkpoint);
            } else {
                lost += 1;
                if lost > 5 {
                    return Err(super::refused(
                        "LOG_SEQUENCER_BUSY",
                        "日志正由其他进程排序，请稍后再试",
                    ));
                }
            }
        }
    }

    fn sign_checkpoint(&self, frontier: &Frontier) -> AppResult<CheckpointRecord> {
        let checkpoint = Checkpoint {
            origin: self.origin(),
            tree_size: frontier.size(),
            root: frontier.root(),
            issued_at_us: crate::clock::now_micros(),
        };
        let (signature_hex, key_id) = self.keys()?.sign(checkpoint.body().as_bytes());
        Ok(CheckpointRecord {
            tree_size: checkpoint.tree_size,
            origin: checkpoint.origin,
            root_hash: checkpoint.root,
            issued_at_us: checkpoint.issued_at_us,
            key_id,
            signature_hex,
            frontier: frontier.encode(),
        })
    }

    pub async fn latest_checkpoint(self) -> AppResult<Option<CheckpointRecord>> {
        Ok(self.trust_port().latest_checkpoint().await?)
    }

    /// The latest checkpoints, newest first (the history a monitor reads).
    pub async fn checkpoints(self, limit: u32) -> AppResult<Vec<CheckpointRecord>> {
        Ok(self.trust_port().latest_checkpoints(limit).await?)
    }

    async fn checkpoint_at(self, tree_size: u64) -> AppResult<CheckpointRecord> {
        // Beyond what the store can hold: no such checkpoint (not a failure).
        if i64::try_from(tree_size).is_err() {
            return Err(super::refused(
                "LOG_CHECKPOINT_NOT_FOUND",
                format!("没有树大小为 {tree_size} 的检查点"),
            ));
        }
        self.trust_port()
            .checkpoint(tree_size)
            .await?
            .ok_or_else(|| {
                super::refused(
                    "LOG_CHECKPOINT_NOT_FOUND",
                    format!("没有树大小为 {tree_size} 的检查点"),
                )
            })
    }

    /// The record's leaf and its audit path to the latest checkpoint
    /// (sequencing first when the leaf is still waiting).
    pub async fn inclusion(self, kind: LeafKind, record_id: i64) -> AppResult<InclusionProof> {
        let not_logged = || {
            super::refused(
                "LOG_LEAF_NOT_FOUND",
                format!("记录 {} {record_id} 不在日志中", kind.name_zh()),
            )
        };
        let mut leaf = self
            .trust_port()
            .leaf_of(kind, record_id)
            .await?
            .ok_or_else(not_logged)?;
        if leaf.leaf_index.is_none() {
            self.sequence().await?;
            leaf = self
                .trust_port()
                .leaf_of(kind, record_id)
                .await?
                .ok_or_else(not_logged)?;
        }
        let leaf_index = leaf.leaf_index.ok_or_else(not_logged)?;
        let checkpoint = self
            .trust_port()
            .latest_checkpoint()
            .await?
            .ok_or_else(not_logged)?;
        let path = self.path_in(leaf_index, &checkpoint).await?;
        Ok(InclusionProof {
            leaf,
            leaf_index,
            checkpoint,
            path,
        })
    }

    /// The audit path of leaf `index` in the tree of checkpoint `size`.
    pub async fn inclusion_at(self, index: u64, size: u64) -> AppResult<InclusionProof> {
        let checkpoint = self.checkpoint_at(size).await?;
        let outside = || {
            super::refused(
                "LOG_LEAF_NOT_FOUND",
                format!("树大小 {size} 中没有第 {index} 个叶子"),
            )
        };
        // Checked first: `index < size`, a checkpoint's size, fits the store.
        if index >= size {
            return Err(outside());
        }
        let leaf = self
            .trust_port()
            .leaves_from(index, 1)
            .await?
            .into_iter()
            .next()
            .filter(|l| l.leaf_index == Some(index))
            .ok_or_else(outside)?;
        let path = self.path_in(index, &checkpoint).await?;
        Ok(InclusionProof {
            leaf,
            leaf_index: index,
            checkpoint,
            path,
        })
    }

    async fn path_in(self, index: u64, checkpoint: &CheckpointRecord) -> AppResult<Vec<Hash>> {
        let hashes = self
            .trust_port()
            .leaf_hashes(0, checkpoint.tree_size)
            .await?;
        let at = usize::try_from(index).unwrap_or(usize::MAX);
        merkle::inclusion_proof(at, &hashes).ok_or_else(|| {
            super::refused(
                "LOG_LEAF_NOT_FOUND",
                format!("第 {index} 个叶子不在检查点 {} 中", checkpoint.tree_size),
            )
        })
    }

    /// The consistency proof between two checkpoints: that the log at
    /// `old_size` is a prefix of the log at `new_size`.
    pub async fn consistency(
        self,
        old_size: u64,
        new_size: u64,
    ) -> AppResult<(CheckpointRecord, CheckpointRecord, Vec<Hash>)> {
        let old = self.checkpoint_at(old_size).await?;
        let new = self.checkpoint_at(new_size).await?;
        let hashes = self.trust_port().leaf_hashes(0, new_size).await?;
        let proof = merkle::consistency_proof(usize::try_from(old_size).unwrap_or(0), &hashes)
            .ok_or_else(|| {
                super::refused(
                    "LOG_RANGE_INVALID",
                    format!("无法证明树大小 {old_size} 到 {new_size} 的一致性"),
                )
            })?;
        Ok((old, new, proof))
    }

    /// Checks the whole log against the records and `trusted` keys: every
    /// leaf re-derived from its record, the indexes without gaps, every
    /// checkpoint's root rebuilt and its signature checked, every record
    /// logged. Problems are named in log order.
    pub async fn check_log(self, trusted: &KeySet) -> AppResult<LogCheck> {
        let mut check = LogCheck::default();
        let mut frontier = Frontier::default();
        let mut checkpoints = self.trust_port().checkpoints_after(0, CHECK_PAGE).await?;
        let mut next_checkpoint = 0;
        loop {
            let page = self
                .trust_port()
                .leaves_from(frontier.size(), CHECK_PAGE)
                .await?;
            if page.is_empty() {
                break;
            }
            let derived = self.derived_hashes(&page).await?;
            for leaf in &page {
                if leaf.leaf_index != Some(frontier.size()) {
                    check.problems.push(format!(
                        "leaf {}: index {:?} where {} was expected (a leaf is missing)",
                        frontier.size(),
                        leaf.leaf_index,
                        frontier.size()
                    ));
                    return Ok(check);
                }
                let hash = match derived.get(&(leaf.kind, leaf.record_id)) {
                    Some(h) => *h,
                    None => {
                        check.problems.push(format!(
                            "leaf {}: {} {} has no record (deleted?)",
                            frontier.size(),
                            leaf.kind.code(),
                            leaf.record_id
                        ));
                        leaf.leaf_hash
                    }
                };
                if hash != leaf.leaf_hash && derived.contains_key(&(leaf.kind, leaf.record_id)) {
                    check.problems.push(format!(
                        "leaf {}: {} {} was changed after it was logged",
                        frontier.size(),
                        leaf.kind.code(),
                        leaf.record_id
                    ));
                }
                frontier.push(hash);
                check.leaves += 1;
                while let Some(c) = checkpoints.get(next_checkpoint) {
                    if c.tree_size != frontier.size() {
                        break;
                    }
                    self.check_checkpoint(c, &frontier, trusted, &mut check);
                    next_checkpoint += 1;
                    if next_checkpoint == checkpoints.len() {
                        checkpoints = self
                            .trust_port()
                            .checkpoints_after(c.tree_size, CHECK_PAGE)
                            .await?;
                        next_checkpoint = 0;
                    }
                }
            }
        }
        if let Some(c) = checkpoints.get(next_checkpoint) {
            check.problems.push(format!(
                "checkpoint {}: the log has only {} leaves (leaves were removed)",
                c.tree_size,
                frontier.size()
            ));
        }
        for kind in LeafKind::ALL {
            let (records, leaves) = self.trust_port().logged_counts(kind).await?;
            if records != leaves {
                check.problems.push(format!(
                    "{}: {records} records but {leaves} leaves",
                    kind.code()
                ));
            }
        }
        Ok(check)
    }

    fn check_checkpoint(
        &self,
        c: &CheckpointRecord,
        frontier: &Frontier,
        trusted: &KeySet,
        check: &mut LogCheck,
    ) {
        check.checkpoints += 1;
        let body = checkpoint_of(c).body();
        if !trusted
            .verify(body.as_bytes(), &c.signature_hex, &c.key_id)
            .is_valid()
        {
            check.problems.push(format!(
                "checkpoint {}: the signature does not verify (key {})",
                c.tree_size, c.key_id
            ));
        }
        if frontier.root() != c.root_hash {
            check.problems.push(format!(
                "checkpoint {}: the records give root {}, the checkpoint says {}",
                c.tree_size,
                hex(&frontier.root()),
                hex(&c.root_hash)
            ));
        }
    }

    /// Each leaf's hash rebuilt from its record, by (kind, record id).
    async fn derived_hashes(
        &self,
        page: &[LeafRecord],
    ) -> AppResult<HashMap<(LeafKind, i64), Hash>> {
        let ids = |kind: LeafKind| -> Vec<i64> {
            page.iter()
                .filter(|l| l.kind == kind)
                .map(|l| l.record_id)
                .collect()
        };
        let mut derived = HashMap::with_capacity(page.len());
        for r in self
            .trust_port()
            .audits_by_ids(&ids(LeafKind::Audit))
            .await?
        {
            derived.insert((LeafKind::Audit, r.audit_id), audit_leaf_hash(&r));
        }
        for c in self
            .trust_port()
            .certificates_by_ids(&ids(LeafKind::Certificate))
            .await?
        {
            // Columns that disagree with the signed text: not the record
            // that was logged (no leaf hashes to all zeros).
            let hash = if certificate_columns_agree(&c) {
                certificate_leaf_hash(&c)
            } else {
                [0; 32]
            };
            derived.insert((LeafKind::Certificate, c.certificate_id), hash);
        }
        for r in self
            .trust_port()
            .revocations_by_ids(&ids(LeafKind::Revocation))
            .await?
        {
            derived.insert(
                (LeafKind::Revocation, r.revocation_id),
                revocation_leaf_hash(&r),
            );
        }
        let port = self.trust_port();
        for g in port.grants_by_ids(&ids(LeafKind::Grant)).await? {
            derived.insert((LeafKind::Grant, g.grant_id), grant_leaf_hash(&g));
        }
        for r in port
            .grant_revocations(&ids(LeafKind::GrantRevocation))
            .await?
        {
            derived.insert(
                (LeafKind::GrantRevocation, r.grant_id),
                grant_revocation_leaf_hash(&r),
            );
        }
        for p in port.provisions_by_ids(&ids(LeafKind::Provision)).await? {
            derived.insert(
                (LeafKind::Provision, p.provision_id),
                provision_leaf_hash(&p),
            );
        }
        for b in port.blacklist_by_ids(&ids(LeafKind::Blacklist)).await? {
            if let Some(id) = b.entry_id {
                derived.insert((LeafKind::Blacklist, id), blacklist_leaf_hash(&b));
            }
        }
        Ok(derived)
    }
}
