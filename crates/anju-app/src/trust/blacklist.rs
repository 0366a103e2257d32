//! The shared blacklist (失信名单): the centre signs each entry it lists
//! (with the decision it rests on), logs it as a leaf, exports its entries
//! in force for partner centres, and imports a partner's signed list after
//! checking every entry against that partner's pinned keys. Withdrawals and
//! loans consult the one list, own and imported entries alike.

use super::log::new_leaf;
use crate::access::Actor;
use crate::{AppResult, Trust};
use anju_domain::Date;
use anju_domain::access::duties;
use anju_domain::trust::blacklist::{FORMAT, SharedEntry, SharedList, check_list, signed_text};
use anju_domain::trust::keys::KeySet;
use anju_domain::trust::log::{LeafKind, entry_leaf};
use anju_domain::trust::merkle::Hash;
use anju_store::BlacklistRecord;

/// Entries a list exports at most.
const EXPORT_LIMIT: u32 = 100_000;

pub fn blacklist_leaf_hash(b: &BlacklistRecord) -> Hash {
    let id = b.entry_id.map(|i| i.to_string()).unwrap_or_default();
    entry_leaf(
        LeafKind::Blacklist,
        &[
            ("entry_id", &id),
            ("issuing_centre", &b.issuing_centre),
            ("id_card", &b.id_card),
            ("listed_on", &b.listed_on.to_string()),
            ("expires_on", &b.expires_on.to_string()),
            ("reason", &b.reason),
            ("legal_basis", &b.source),
            ("key_id", &b.key_id),
            ("signature", &b.signature),
        ],
    )
}

/// What an import did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImportSummary {
    pub entries: usize,
    pub added: u64,
}

impl Trust<'_> {
    /// Signs an entry this centre lists and stores it with its leaf.
    pub(crate) async fn list_own_entry(&self, mut entry: BlacklistRecord) -> AppResult<()> {
        entry.issuing_centre = self.policy().centre_name.clone();
        let text = signed_text(
            &entry.issuing_centre,
            &entry.id_card,
            &entry.listed_on.to_string(),
            &entry.expires_on.to_string(),
            &entry.reason,
            &entry.source,
        );
        let (signature, key_id) = self.keys()?.sign(&text);
        let ids = self.posting_port().reserve_ids(2);
        entry.entry_id = Some(ids);
        entry.signature = signature;
        entry.key_id = key_id;
        let leaf = new_leaf(
            ids + 1,
            LeafKind::Blacklist,
            ids,
            blacklist_leaf_hash(&entry),
        );
        let added = self
            .withdrawal_port()
            .add_blacklist(&[(entry, leaf)])
            .await?;
        if added == 0 {
            return Err(super::refused(
                "BLACKLIST_EXISTS",
                "此人当日已在失信名单中（本中心或合作中心列入）",
            ));
        }
        Ok(())
    }

    /// This centre's signed entries in force on `today`, for its partners.
    pub async fn export_blacklist(self, today: Date) -> AppResult<SharedList> {
        let centre = self.policy().centre_name.clone();
        let entries = self
            .withdrawal_port()
            .blacklist_in_force(today, EXPORT_LIMIT)
            .await?
            .into_iter()
            // Its own, signed (entries listed before signing are not shared).
            .filter(|b| b.issuing_centre == centre && !b.signature.is_empty())
            .map(|b| SharedEntry {
                issuing_centre: b.issuing_centre,
                id_card: b.id_card,
                listed_on: b.listed_on.to_string(),
                expires_on: b.expires_on.to_string(),
                reason: b.reason,
                legal_basis: b.source,
                key_id: b.key_id,
                signature: b.signature,
            })
            .collect();
        Ok(SharedList {
            format: FORMAT.to_string(),
            centre,
            exported_on: today.to_string(),
            entries,
        })
    }

    /// Imports a partner's list: every entry checked against the partner's
    /// pinned keys first (one bad entry refuses the file and writes
    /// nothing); entries already here are skipped.
    pub async fn import_blacklist(
        self,
        actor: &Actor,
        list: &SharedList,
        partner_keys: &KeySet,
    ) -> AppResult<ImportSummary> {
        let result = async {
            if !actor.is_batch_job()
                && !actor
                    .principal
                    .as_ref()
                    .is_some_and(|p| duties::REVIEWERS.contains(&p.role))
            {
                return Err(super::refused(
                    "NOT_A_REVIEWER",
                    "导入失信名单须由审核员或管理员办理",
                ));
            }
            let checked = check_list(list, partner_keys)?;
            let first = self
                .posting_port()
                .reserve_ids(2 * i64::try_from(checked.len()).unwrap_or(0));
            let rows: Vec<_> = checked
                .into_iter()
                .enumerate()
                .map(|(i, c)| {
                    let id = first + 2 * i64::try_from(i).unwrap_or(0);
                    let record = BlacklistRecord {
                        id_card: c.entry.id_card,
                        listed_on: c.listed_on,
                        expires_on: c.expires_on,
                        reason: c.entry.reason,
                        source: c.entry.legal_basis,
                        entry_id: Some(id),
                        issuing_centre: c.entry.issuing_centre,
                        key_id: c.entry.key_id,
                        signature: c.entry.signature,
                    };
                    let leaf = new_leaf(
                        id + 1,
                        LeafKind::Blacklist,
                        id,
                        blacklist_leaf_hash(&record),
                    );
                    (record, leaf)
                })
                .collect();
            let added = self.withdrawal_port().add_blacklist(&rows).await?;
            Ok(ImportSummary {
                entries: rows.len(),
                added,
            })
        }
        .await;
        let target = format!("blacklist:{}", list.centre);
        self.audited(
            actor,
            "blacklist.import",
            &target,
            list.exported_on.as_bytes(),
            result,
        )
        .await
    }
}
