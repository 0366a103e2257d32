//! 利息调整 and 销户结息.
//!
//! A posting valued on or before the 30 June of the latest settlement run
//! (a correction, a reversal, a late back payment valued in the past) leaves
//! a recheck on the account, in the same transaction. Adjusting the account
//! walks its settled years from the posting's year on, oldest first: each
//! year is worked out from the history and what was credited for it is
//! subtracted; the difference is posted valued on that 30 June, so the next
//! year's balance brought forward includes it — the result equals having
//! posted in order. When it happens is policy (`backdated_adjustment`, as in
//! force on the posting's value date): at once, or with the next settlement.
//!
//! Closing an account pays the open year's interest up to the closing day.

use super::{Due, INTEREST_TYPE, SUBSIDY_TYPE, YearRules, interest_entries};
use crate::Interest;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::ledger::{MemberId, NewEntry};
use anju_domain::policy::BackdatedAdjustment;
use anju_domain::{Date, DomainError, InterestYear};
use anju_store::plan::earliest_per_member;

/// Rechecks read per page when a run adjusts them.
const RECHECKS_PER_PAGE: u32 = 1_000;

impl App {
    /// The rechecks `entries` leave: each member line of an entry other than
    /// an interest credit, valued on or before the latest run's 30 June.
    pub(crate) async fn backdated_rechecks(
        &self,
        entries: &[NewEntry],
    ) -> AppResult<Vec<(MemberId, Date)>> {
        let runs = self.interest_port().interest_runs().await?;
        let Some(latest) = runs.first() else {
            return Ok(Vec::new());
        };
        let through = InterestYear::ending(latest.end_year).last_day()?;
        Ok(entries
            .iter()
            .filter(|e| e.business_type != INTEREST_TYPE && e.business_type != SUBSIDY_TYPE)
            .filter(|e| e.value_date <= through)
            .flat_map(|e| {
                e.lines
                    .iter()
                    .filter_map(|l| l.member())
                    .map(|m| (m, e.value_date))
            })
            .collect())
    }

    /// After a posting: adjusts at once the accounts whose policy says so. A
    /// failure here leaves the recheck in place, and the next settlement
    /// adjusts the account; the posting itself has landed either way.
    pub(crate) async fn adjust_at_once(&self, rechecks: &[(MemberId, Date)]) {
        for (member, day) in earliest_per_member(rechecks) {
            let immediate = self
                .policy()
                .deposit_interest
                .at(day)
                .is_ok_and(|p| p.value.backdated_adjustment == BackdatedAdjustment::Immediate);
            if immediate {
                let _ = self.interest().adjust_account(member, day).await;
            }
        }
    }

    async fn adjust_year(&self, member: MemberId, year: InterestYear) -> AppResult<Due> {
        let rules = YearRules::of(self, year)?;
        let last = year.last_day()?;
        let flexible =
            rules.rules.flexible_subsidy_percent > 0 && self.is_flexible(member, last).await?;
        let account = self
            .account_year(member, &rules, last, None, flexible)
            .await?;
        let owed = account.owed()?;
        if owed.is_zero() {
            return Ok(owed);
        }
        // Keyed by what was credited before: two adjusters that saw the same
        // state post the same entry once; a later change gets a new key.
        let key = format!(
            "interest-adj-{}-m{}-c{}-{}",
            year.end_year(),
            member.0,
            account.credited.interest.get(),
            account.credited.subsidy.get()
        );
        let memo = format!("{} 年度利息调整", year.end_year());
        let entries = interest_entries(&rules, last, &key, &memo, &[(member, owed)])?;
        self.post_to_store(&entries, Vec::new()).await?;
        Ok(owed)
    }

    /// Adjusts every account with a recheck from a day on or before
    /// `through`; with `clear`, removes the rechecks done. Returns the
    /// accounts adjusted.
    pub(crate) async fn adjust_rechecks(&self, through: Date, clear: bool) -> AppResult<u64> {
        let mut after = 0;
        let mut adjusted = 0;
        loop {
            let page = self
                .interest_port()
                .rechecks_through(through, after, RECHECKS_PER_PAGE)
                .await?;
            let Some(last) = page.last() else {
                return Ok(adjusted);
            };
            after = last.member_id;
            for r in &page {
                let owed = self
                    .interest()
                    .adjust_account(MemberId(r.member_id), r.from_day)
                    .await?;
                if !owed.is_zero() {
                    adjusted += 1;
                }
                if clear {
                    self.interest_port()
                        .clear_recheck(r.member_id, r.from_day)
                        .await?;
                }
            }
        }
    }

    async fn try_close_interest(&self, member: MemberId, closing_day: Date) -> AppResult<Due> {
        self.ledger().member_balance(member).await?;
        let year = closing_day.interest_year();
        let runs = self.interest_port().interest_runs().await?;
        if runs.iter().any(|r| r.end_year >= year.end_year()) {
            return Err(DomainError::new(
                "INTEREST_YEAR_SETTLED",
                format!("销户日 {closing_day} 所在结息年度已结息，不能按该日销户结息"),
            )
            .into());
        }
        for r in self
            .interest_port()
            .rechecks_between(member.0, member.0)
            .await?
        {
            self.interest().adjust_account(member, r.from_day).await?;
        }
        let rules = YearRules::of(self, year)?;
        let flexible = rules.rules.flexible_subsidy_percent > 0
            && self.is_flexible(member, closing_day).await?;
        let balance = self
            .ledger()
            .member_balance_as_of(member, closing_day)
            .await?;
        let account = self
            .account_year(member, &rules, closing_day, Some(balance), flexible)
            .await?;
        let owed = account.owed()?;
        if owed.is_zero() {
            return Ok(owed);
        }
        let key = format!(
            "interest-close-m{}-{closing_day}-c{}-{}",
            member.0,
            account.credited.interest.get(),
            account.credited.subsidy.get()
        );
        let entries = interest_entries(&rules, closing_day, &key, "销户结息", &[(member, owed)])?;
        self.post_to_store(&entries, vec![(member, closing_day)])
            .await?;
        Ok(owed)
    }
}

impl Interest<'_> {
    /// Brings the account's finished settlement years, from `from_day`'s year
    /// on, up to what its history says; returns the total adjusted.
    pub async fn adjust_account(self, member: MemberId, from_day: Date) -> AppResult<Due> {
        let mut finished: Vec<i32> = self
            .interest_port()
            .interest_runs()
            .await?
            .into_iter()
            .filter(|r| r.finished_on.is_some())
            .map(|r| r.end_year)
            .filter(|y| *y >= from_day.interest_year().end_year())
            .collect();
        finished.sort_unstable();
        let mut total = Due::default();
        for end_year in finished {
            let owed = self
                .adjust_year(member, InterestYear::ending(end_year))
                .await?;
            total = total.checked_add(owed)?;
        }
        Ok(total)
    }

    /// 销户结息: credits the open year's interest up to `closing_day` — the
    /// closing withdrawal on that day takes the whole balance, so interest
    /// runs to the day before — less what was credited for the year already.
    /// The account is rechecked at the year's settlement, which then pays
    /// nothing more. Returns what was credited now.
    pub async fn close_account_interest(
        self,
        actor: &Actor,
        member: MemberId,
        closing_day: Date,
    ) -> AppResult<Due> {
        let result = self.try_close_interest(member, closing_day).await;
        let target = format!("member:{}", member.0);
        self.audited(
            actor,
            "interest.close",
            &target,
            closing_day.to_string().as_bytes(),
            result,
        )
        .await
    }
}
