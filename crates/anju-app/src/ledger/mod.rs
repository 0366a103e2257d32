//! Ledger use cases: post, reverse, read balances, check the invariants.

use crate::Ledger;
use crate::{App, AppResult};
use anju_domain::ledger::{EntryId, IdempotencyKey, MemberBalance, MemberId, NewEntry};
use anju_domain::{Date, DomainError, Fen};
/// A member's movement and a GL account's balance, as the use cases hand
/// them out.
pub use anju_store::{GlBalance, Movement};
use anju_store::{LedgerCheck, MovementCursor, MovementPage, PostOptions, Posted};

/// Movements read per store call when walking a member's history.
const MOVEMENT_PAGE: u32 = 500;

/// Most entries one bulk call accepts; batch jobs page their work to this.
pub const MAX_ENTRIES_PER_BATCH: usize = 50_000;

impl App {
    /// Posts with the given interest rechecks and nothing after: the path of
    /// interest credits themselves.
    pub(crate) async fn post_to_store(
        &self,
        entries: &[NewEntry],
        rechecks: Vec<(MemberId, Date)>,
    ) -> AppResult<Vec<Posted>> {
        if entries.len() > MAX_ENTRIES_PER_BATCH {
            return Err(DomainError::new("BATCH_TOO_LARGE", "一次提交的凭证过多，请分批").into());
        }
        let mut allow_negative = true;
        for entry in entries {
            let ledger = &self.policy().ledger.at(entry.value_date)?.value;
            allow_negative &= ledger.allow_negative_member_balance;
        }
        let options = PostOptions {
            allow_negative_member_balance: allow_negative,
            rechecks,
            ..PostOptions::default()
        };
        Ok(self.posting_port().post_entries(entries, &options).await?)
    }

    async fn day_book_mismatches(
        &self,
        balances: &[GlBalance],
    ) -> AppResult<Vec<(String, Fen, Fen)>> {
        // The last day a date can be: every value date is before it.
        let far = anju_domain::Date::from_ymd(2199, 12, 31)?;
        let days: std::collections::BTreeMap<String, Fen> = self
            .fund_port()
            .gl_totals_before(far)
            .await?
            .into_iter()
            .map(|(code, debit, credit)| (code, Fen::new(debit - credit)))
            .collect();
        let mut codes: std::collections::BTreeSet<&str> = days.keys().map(String::as_str).collect();
        codes.extend(balances.iter().map(|b| b.gl_code.as_str()));
        let mut mismatches = Vec::new();
        for code in codes {
            let stored = balances
                .iter()
                .find(|b| b.gl_code == code)
                .map_or(Fen::ZERO, GlBalance::net);
            let day_book = days.get(code).copied().unwrap_or(Fen::ZERO);
            if stored != day_book {
                mismatches.push((code.to_string(), stored, day_book));
            }
        }
        Ok(mismatches)
    }
}

impl Ledger<'_> {
    /// Posts entries atomically (all or nothing). Negative member balances are
    /// allowed only where the policy in force on every entry's value date allows them.
    ///
    /// A posting valued in a settled interest year leaves a recheck on its
    /// accounts, written with it, and is adjusted at once where the policy
    /// says so (see `interest::adjust`).
    pub async fn post_entries(self, entries: &[NewEntry]) -> AppResult<Vec<Posted>> {
        let backdated = self.backdated_rechecks(entries).await?;
        let posted = self.post_to_store(entries, backdated.clone()).await?;
        if !backdated.is_empty() {
            self.adjust_at_once(&backdated).await;
        }
        Ok(posted)
    }

    pub async fn post_entry(self, entry: NewEntry) -> AppResult<Posted> {
        let posted = self.post_entries(std::slice::from_ref(&entry)).await?;
        posted
            .into_iter()
            .next()
            .ok_or_else(|| DomainError::new("ENTRY_NOT_POSTED", "凭证未入账").into())
    }

    /// Reverses (冲正) a posted entry: every line on the other side, same value date.
    pub async fn reverse_entry(self, id: EntryId, key: IdempotencyKey) -> AppResult<Posted> {
        let stored =
            self.ledger_port().entry(id).await?.ok_or_else(|| {
                DomainError::new("ENTRY_NOT_FOUND", format!("凭证 {} 不存在", id.0))
            })?;
        let reversal = NewEntry::reversal_of(stored.id, &stored.entry, key)?;
        self.post_entry(reversal).await
    }

    pub async fn open_member_accounts(self, accounts: &[(MemberId, Date)]) -> AppResult<()> {
        Ok(self.posting_port().open_member_accounts(accounts).await?)
    }

    /// The member's account state, or none when no account is open.
    pub async fn member_account(self, member: MemberId) -> AppResult<Option<MemberBalance>> {
        Ok(self.ledger_port().member_balance(member).await?)
    }

    pub async fn member_balance(self, member: MemberId) -> AppResult<MemberBalance> {
        self.member_account(member).await?.ok_or_else(|| {
            DomainError::new("MEMBER_NOT_FOUND", format!("个人账户 {} 不存在", member.0)).into()
        })
    }

    pub async fn member_balance_as_of(self, member: MemberId, date: Date) -> AppResult<Fen> {
        Ok(self
            .ledger_port()
            .member_balance_as_of(member, date)
            .await?)
    }

    pub async fn member_movements(
        self,
        member: MemberId,
        after: Option<MovementCursor>,
        limit: u32,
    ) -> AppResult<MovementPage> {
        Ok(self
            .ledger_port()
            .member_movements(member, after, limit)
            .await?)
    }

    /// The newest `count` movements, newest first. Walks the member's pages in
    /// order (a member has a dozen movements a year, so this stays small).
    pub async fn member_movements_newest(
        self,
        member: MemberId,
        count: usize,
    ) -> AppResult<Vec<Movement>> {
        let mut newest: std::collections::VecDeque<Movement> =
            std::collections::VecDeque::with_capacity(count + 1);
        let mut cursor = None;
        loop {
            let page = self
                .ledger_port()
                .member_movements(member, cursor, MOVEMENT_PAGE)
                .await?;
            for movement in page.items {
                newest.push_back(movement);
                if newest.len() > count {
                    newest.pop_front();
                }
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break,
            }
        }
        Ok(newest.into_iter().rev().collect())
    }

    /// Every GL account's debit and credit totals (the trial balance's rows).
    pub async fn gl_balances(self) -> AppResult<Vec<GlBalance>> {
        Ok(self.ledger_port().gl_balances().await?)
    }

    /// The store's invariants, the loan book against GL 121 + 122 and the
    /// day book (what statements read) against the GL balance rows.
    pub async fn check_ledger(self) -> AppResult<LedgerCheck> {
        let mut check = self.ledger_port().check_ledger().await?;
        let book = self.loan_port().loan_book().await?;
        let balances = self.ledger_port().gl_balances().await?;
        check.day_book_mismatches = self.day_book_mismatches(&balances).await?;
        let gl: i64 = balances
            .iter()
            .filter(|b| b.gl_code == "121" || b.gl_code == "122")
            .map(|b| b.net().get())
            .sum();
        let loans = book.outstanding_fen.get() + book.project_outstanding_fen.get();
        check.loan_book = Some((Fen::new(loans), Fen::new(gl)));
        Ok(check)
    }
}

#[cfg(test)]
mod tests;
