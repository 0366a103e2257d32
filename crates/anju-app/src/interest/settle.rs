//! 年度结息: the yearly settlement on 30 June. Every member account is read a
//! page at a time (by member id); each page's interest is one C09 entry
//! (Dr 41101 / Cr 201 each member) and its flexible-worker subsidy one C16
//! entry, valued on 30 June and keyed by the year and the page's first
//! account; ten pages go to the ledger per transaction. A run that stops part way is resumed by running it
//! again: pages whose keys are already posted are skipped, so nothing is
//! credited twice.
//!
//! Fast path: an account whose kept state is for the settled year is worked
//! out from its balance brought forward and balance-days (method A or B, one
//! rate over the year). Any other account — one that has moved in a later
//! year, a year with a rate change, method C, an account with a recheck
//! (a backdated posting or a closing credit), an account emptied during the
//! year — is worked out from its history, less what was credited already.
//!
//! Around the pages: before them, accounts with postings backdated into
//! earlier settled years are adjusted (policy `next_settlement`); after them
//! the run is marked finished and every recheck up to this 30 June is
//! adjusted and cleared — which also catches postings made during the run —
//! and members with online accounts get the year's notice.

use super::{Due, YearRules, interest_entries};
use crate::Interest;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::ledger::{MemberBalance, MemberId, NewEntry};
use anju_domain::{Date, DomainError, Fen, InterestYear};
use std::collections::HashSet;

/// Accounts per page (and so member lines per entry at most).
pub const ACCOUNTS_PER_PAGE: u32 = 1_000;

/// Pages posted per transaction.
pub const PAGES_PER_POST: u64 = 10;

/// How a run goes: page size, pages per transaction, and (the fault hook for
/// tests of resuming) a stop after some pages read, dropping those not yet
/// posted, as if the process died there.
#[derive(Debug, Clone, Copy)]
pub struct SettleOptions {
    pub accounts_per_page: u32,
    pub pages_per_post: u64,
    pub stop_after_pages: Option<u64>,
}

impl Default for SettleOptions {
    fn default() -> Self {
        SettleOptions {
            accounts_per_page: ACCOUNTS_PER_PAGE,
            pages_per_post: PAGES_PER_POST,
            stop_after_pages: None,
        }
    }
}

/// What a settlement run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SettlementRun {
    pub accounts: u64,
    pub credited: u64,
    pub pages_posted: u64,
    pub pages_already_settled: u64,
    /// Accounts worked out from their history rather than their kept state.
    pub from_history: u64,
    pub interest: Fen,
    pub subsidy: Fen,
    /// Accounts whose settled years were adjusted for backdated postings.
    pub adjusted: u64,
    /// Whether the run went through every page (and so is finished).
    pub finished: bool,
    /// Members sent the yearly interest notice (by the run that finished).
    pub notified: u64,
}

/// One page's accounts with what the page needs to know about them.
struct Page {
    states: Vec<(MemberId, MemberBalance)>,
    rechecks: HashSet<i64>,
    flexible: HashSet<i64>,
    key: String,
}

/// A year is settled only once it has ended: `today` must be after its 30 June.
pub fn check_year_ended(year: InterestYear, today: Date) -> AppResult<()> {
    let last = year.last_day()?;
    if today <= last {
        return Err(DomainError::new(
            "INTEREST_YEAR_OPEN",
            format!("结息年度尚未结束（至 {last}），次日起方可结息"),
        )
        .into());
    }
    Ok(())
}

impl App {
    async fn try_settle(
        &self,
        year: InterestYear,
        today: Date,
        options: SettleOptions,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> AppResult<SettlementRun> {
        let last = year.last_day()?;
        check_year_ended(year, today)?;
        let rules = YearRules::of(self, year)?;
        self.interest_port()
            .start_interest_run(year.end_year(), today)
            .await?;
        let previous = InterestYear::ending(year.end_year() - 1).last_day()?;
        let mut run = SettlementRun {
            adjusted: self.adjust_rechecks(previous, false).await?,
            ..SettlementRun::default()
        };
        let mut after = 0;
        let mut pages = 0u64;
        let mut pending = Vec::new();
        loop {
            if options.stop_after_pages.is_some_and(|stop| pages >= stop) {
                // The fault hook: die here, with the pending pages unposted.
                return Ok(run);
            }
            let Some(page) = self
                .read_interest_page(&rules, after, options.accounts_per_page.max(1))
                .await?
            else {
                break;
            };
            after = page.states.last().map_or(after, |(m, _)| m.0);
            pages += 1;
            pending.extend(self.settle_interest_page(&rules, &page, &mut run).await?);
            // Several pages per transaction: each keeps its own keys, so a
            // crash loses (and a rerun redoes) at most the unposted pages.
            if pages.is_multiple_of(options.pages_per_post.max(1)) {
                self.post_to_store(&std::mem::take(&mut pending), Vec::new())
                    .await?;
                progress(run.accounts);
            }
        }
        self.post_to_store(&pending, Vec::new()).await?;
        progress(run.accounts);
        let finished_now = self
            .interest_port()
            .finish_interest_run(year.end_year(), today)
            .await?;
        run.adjusted += self.adjust_rechecks(last, true).await?;
        if finished_now {
            run.notified = self.send_interest_notices(&rules).await?;
        }
        run.finished = true;
        Ok(run)
    }

    async fn read_interest_page(
        &self,
        rules: &YearRules,
        after: i64,
        limit: u32,
    ) -> AppResult<Option<Page>> {
        let states = self.batch_port().member_states_after(after, limit).await?;
        let (Some((first, _)), Some((last, _))) = (states.first(), states.last()) else {
            return Ok(None);
        };
        let (first, last) = (first.0, last.0);
        let rechecks = self.interest_port().rechecks_between(first, last).await?;
        let flexible = if rules.rules.flexible_subsidy_percent > 0 {
            let day = rules.year.last_day()?;
            self.interest_port()
                .flexible_members_between(first, last, day)
                .await?
        } else {
            Vec::new()
        };
        Ok(Some(Page {
            key: format!("interest-{}-p{first}", rules.year.end_year()),
            states,
            rechecks: rechecks.into_iter().map(|r| r.member_id).collect(),
            flexible: flexible.into_iter().collect(),
        }))
    }

    /// The page's entries (none when it is already settled or owes nothing).
    async fn settle_interest_page(
        &self,
        rules: &YearRules,
        page: &Page,
        run: &mut SettlementRun,
    ) -> AppResult<Vec<NewEntry>> {
        run.accounts += page.states.len() as u64;
        let keys = [format!("{}-i", page.key), format!("{}-s", page.key)];
        if !self.batch_port().posted_keys(&keys).await?.is_empty() {
            run.pages_already_settled += 1;
            return Ok(Vec::new());
        }
        let last = rules.year.last_day()?;
        let mut credits = Vec::new();
        for (member, state) in &page.states {
            let flexible = page.flexible.contains(&member.0);
            // An account quiet since an earlier year brings its balance forward.
            let rolled = state.rolled_to(rules.year)?;
            let emptied = rolled.balance == Fen::ZERO && rolled.product_fen_days != 0;
            let due = if rules.fast(&rolled) && !emptied && !page.rechecks.contains(&member.0) {
                rules.due_of(rules.exact_of_state(&rolled)?, flexible)?
            } else {
                run.from_history += 1;
                self.account_year(*member, rules, last, None, flexible)
                    .await?
                    .owed()?
            };
            if !due.is_zero() {
                credits.push((*member, due));
            }
        }
        let memo = format!("{} 年度结息", rules.year.end_year());
        let entries = interest_entries(rules, last, &page.key, &memo, &credits)?;
        if entries.is_empty() {
            return Ok(entries);
        }
        run.pages_posted += 1;
        run.credited += credits.len() as u64;
        let total = credits
            .iter()
            .try_fold(Due::default(), |acc, (_, d)| acc.checked_add(*d))?;
        run.interest = run.interest.checked_add(total.interest)?;
        run.subsidy = run.subsidy.checked_add(total.subsidy)?;
        Ok(entries)
    }
}

impl Interest<'_> {
    /// Every settlement run, newest year first.
    pub async fn interest_runs(self) -> AppResult<Vec<super::InterestRunRecord>> {
        Ok(self.interest_port().interest_runs().await?)
    }

    /// Member accounts in all: the size of a settlement run.
    pub async fn count_member_accounts(self) -> AppResult<i64> {
        Ok(self.interest_port().count_member_accounts().await?)
    }

    /// Settles `year` (credited on its 30 June) over every account; `today`
    /// is the business date the run is recorded under.
    pub async fn settle_interest(
        self,
        actor: &Actor,
        year: InterestYear,
        today: Date,
        options: SettleOptions,
        progress: &(dyn Fn(u64) + Send + Sync),
    ) -> AppResult<SettlementRun> {
        let result = self.try_settle(year, today, options, progress).await;
        let target = format!("interest:{}", year.end_year());
        self.audited(actor, "interest.settle", &target, b"", result)
            .await
    }
}
