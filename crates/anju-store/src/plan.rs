//! Backend-independent steps of posting a batch, so both backends decide the
//! same way: which entries are replays, what the member states become, and
//! what each GL account moves by. The backends only read and write rows.

use crate::{Posted, StoreError, StoreResult};
use anju_domain::ledger::{EntryId, MemberBalance, MemberId, NewEntry, Side, apply_to_members};
use anju_domain::{Date, DomainError, Fen};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// An idempotency key already in the ledger.
#[derive(Debug, Clone)]
pub struct ExistingKey {
    pub entry_id: EntryId,
    pub booked_at_us: i64,
    pub digest: String,
}

enum Slot {
    Replay(Posted),
    Fresh(usize),
    /// A repeat, inside the batch, of the new entry at this index.
    RepeatOf(usize),
}

/// (Σ debit, Σ credit) by (value date, GL code, business type).
pub type DayTotals = BTreeMap<(Date, String, &'static str), (Fen, Fen)>;

/// Which of a batch's entries are new, in order.
pub struct BatchPlan<'a> {
    pub fresh: Vec<&'a NewEntry>,
    /// `NewEntry::digest` of each fresh entry, computed once.
    pub digests: Vec<String>,
    slots: Vec<Slot>,
}

/// Sorts a batch into replays and new entries. The same key with other content,
/// in the ledger or earlier in the batch, refuses the whole batch.
pub fn plan_batch<'a>(
    entries: &'a [NewEntry],
    existing: &HashMap<String, ExistingKey>,
) -> StoreResult<BatchPlan<'a>> {
    let mut fresh: Vec<&NewEntry> = Vec::new();
    let mut digests: Vec<String> = Vec::new();
    let mut slots = Vec::with_capacity(entries.len());
    let mut in_batch: HashMap<&str, (usize, String)> = HashMap::new();
    for entry in entries {
        entry.validate()?;
        let key = entry.idempotency_key.as_str();
        let digest = entry.digest();
        if let Some(found) = existing.get(key) {
            same_content(key, &found.digest, &digest)?;
            slots.push(Slot::Replay(Posted {
                entry_id: found.entry_id,
                booked_at_us: found.booked_at_us,
                replayed: true,
            }));
        } else if let Some((index, first_digest)) = in_batch.get(key) {
            same_content(key, first_digest, &digest)?;
            slots.push(Slot::RepeatOf(*index));
        } else {
            in_batch.insert(key, (fresh.len(), digest.clone()));
            slots.push(Slot::Fresh(fresh.len()));
            fresh.push(entry);
            digests.push(digest);
        }
    }
    Ok(BatchPlan {
        fresh,
        digests,
        slots,
    })
}

fn same_content(key: &str, stored: &str, offered: &str) -> StoreResult<()> {
    if stored == offered {
        Ok(())
    } else {
        Err(StoreError::rejected(
            "IDEMPOTENCY_CONFLICT",
            format!("幂等键“{key}”已用于内容不同的业务，请勿重复使用"),
        ))
    }
}

impl BatchPlan<'_> {
    /// Members the new entries touch, ascending (the lock order on PostgreSQL).
    pub fn touched_members(&self) -> Vec<MemberId> {
        let set: BTreeSet<MemberId> = self
            .fresh
            .iter()
            .flat_map(|e| e.lines.iter().filter_map(|l| l.member()))
            .collect();
        set.into_iter().collect()
    }

    /// Applies the new entries to the loaded member states, in order.
    pub fn apply_members(
        &self,
        states: &mut HashMap<MemberId, MemberBalance>,
        allow_negative: bool,
    ) -> StoreResult<()> {
        apply_to_members(states, self.fresh.iter().copied(), allow_negative).map_err(
            |(index, e)| {
                StoreError::Rejected(DomainError::new(
                    e.code(),
                    format!("第{}笔凭证：{}", index + 1, e.message()),
                ))
            },
        )
    }

    /// Σ debit and Σ credit per GL code over the new entries.
    pub fn gl_totals(&self) -> StoreResult<BTreeMap<String, (Fen, Fen)>> {
        let mut totals: BTreeMap<String, (Fen, Fen)> = BTreeMap::new();
        for line in self.fresh.iter().flat_map(|e| e.lines.iter()) {
            let slot = totals
                .entry(line.gl_code.clone())
                .or_insert((Fen::ZERO, Fen::ZERO));
            match line.side {
                Side::Debit => slot.0 = slot.0.checked_add(line.amount)?,
                Side::Credit => slot.1 = slot.1.checked_add(line.amount)?,
            }
        }
        Ok(totals)
    }

    /// Σ debit and Σ credit per (value date, GL code, business type) over
    /// the new entries: the day book that period statements read.
    pub fn gl_day_totals(&self) -> StoreResult<DayTotals> {
        let mut totals = DayTotals::new();
        for entry in &self.fresh {
            for line in &entry.lines {
                let key = (entry.value_date, line.gl_code.clone(), entry.business_type);
                let slot = totals.entry(key).or_insert((Fen::ZERO, Fen::ZERO));
                match line.side {
                    Side::Debit => slot.0 = slot.0.checked_add(line.amount)?,
                    Side::Credit => slot.1 = slot.1.checked_add(line.amount)?,
                }
            }
        }
        Ok(totals)
    }

    /// Entries the new entries reverse.
    pub fn reversal_targets(&self) -> Vec<EntryId> {
        self.fresh.iter().filter_map(|e| e.reverses).collect()
    }

    pub fn line_count(&self) -> usize {
        self.fresh.iter().map(|e| e.lines.len()).sum()
    }

    /// The results in input order, given the id of the first new entry (new
    /// entries take consecutive ids).
    pub fn results(&self, first_id: i64, booked_at_us: i64) -> Vec<Posted> {
        self.slots
            .iter()
            .map(|slot| match slot {
                Slot::Replay(p) => *p,
                Slot::Fresh(i) | Slot::RepeatOf(i) => Posted {
                    entry_id: EntryId(first_id + i64::try_from(*i).unwrap_or(i64::MAX)),
                    booked_at_us,
                    replayed: matches!(slot, Slot::RepeatOf(_)),
                },
            })
            .collect()
    }
}

/// Member states that must exist: refuses with the first missing member.
pub fn require_members(
    touched: &[MemberId],
    states: &HashMap<MemberId, MemberBalance>,
) -> StoreResult<()> {
    match touched.iter().find(|m| !states.contains_key(m)) {
        Some(missing) => Err(StoreError::rejected(
            "MEMBER_NOT_FOUND",
            format!("个人账户 {} 不存在", missing.0),
        )),
        None => Ok(()),
    }
}

/// Refuses reversals of entries that do not exist or were already reversed.
/// `found` maps each target that exists to whether a reversal of it exists.
pub fn check_reversal_targets(
    targets: &[EntryId],
    found: &HashMap<EntryId, bool>,
) -> StoreResult<()> {
    for target in targets {
        match found.get(target) {
            None => {
                return Err(StoreError::rejected(
                    "ENTRY_NOT_FOUND",
                    format!("要冲正的凭证 {} 不存在", target.0),
                ));
            }
            Some(true) => {
                return Err(StoreError::rejected(
                    "ENTRY_ALREADY_REVERSED",
                    format!("凭证 {} 已被冲正，不能重复冲正", target.0),
                ));
            }
            Some(false) => {}
        }
    }
    Ok(())
}

/// One recheck per member, with its earliest day, by member id: a statement
/// may touch a row once.
pub fn earliest_per_member(rechecks: &[(MemberId, Date)]) -> Vec<(MemberId, Date)> {
    let mut earliest: BTreeMap<MemberId, Date> = BTreeMap::new();
    for (member, day) in rechecks {
        earliest
            .entry(*member)
            .and_modify(|d| *d = (*d).min(*day))
            .or_insert(*day);
    }
    earliest.into_iter().collect()
}
