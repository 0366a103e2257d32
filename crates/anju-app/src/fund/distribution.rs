//! 增值收益分配: after 31 December, finance prepares the year's split of
//! value-added income by the policy in force at year end; a different
//! person (a manager) approves it, which posts the year-end transfer of
//! income and expense into 311 (F03) and the distribution (F01), both dated
//! 31 December and keyed by the year, so an approval retried after a
//! failure posts nothing twice.

use super::DistributionRecord;
use super::{YEAR_END_TRANSFER, finance_staff, movement_of, staff_login};
use crate::Fund;
use crate::access::Actor;
use crate::{App, AppResult};
use anju_domain::access::duties;
use anju_domain::fund::DistributionStatus;
use anju_domain::fund::{self, DistributionInput, DistributionPlan};
use anju_domain::ledger::{IdempotencyKey, NewEntry};
use anju_domain::{Date, DomainError, Fen};

impl App {
    async fn prepare_distribution_inner(
        &self,
        actor: &Actor,
        year: i32,
        today: Date,
    ) -> AppResult<DistributionRecord> {
        let login = finance_staff(actor)?;
        if today <= Date::from_ymd(year, 12, 31)? {
            return Err(DomainError::new(
                "DISTRIBUTION_YEAR_OPEN",
                format!("{year} 年尚未结束，年度终了后才能编制增值收益分配方案"),
            )
            .into());
        }
        let plan = self.fund().distribution_plan(year).await?;
        let record = DistributionRecord {
            year,
            status: DistributionStatus::Prepared,
            value_added_fen: plan.value_added_fen,
            reserve_fen: plan.reserve_fen,
            management_fen: plan.management_fen,
            public_rental_fen: plan.public_rental_fen,
            reserve_reason: plan.reserve_reason.clone(),
            prepared_by: login,
            prepared_at_us: crate::clock::now_micros(),
            approved_by: None,
            approved_at_us: None,
            closing_entry_id: None,
            entry_id: None,
        };
        if self.fund_port().save_distribution(&record).await?
            || self
                .fund_port()
                .replace_prepared_distribution(&record)
                .await?
        {
            return Ok(record);
        }
        Err(DomainError::new(
            "DISTRIBUTION_APPROVED",
            format!("{year} 年的增值收益分配已审批入账，不能重新编制"),
        )
        .into())
    }

    async fn approve_distribution_inner(
        &self,
        actor: &Actor,
        year: i32,
    ) -> AppResult<DistributionRecord> {
        let login = staff_login(actor, duties::MANAGERS)?;
        let record = self.fund_port().distribution(year).await?.ok_or_else(|| {
            DomainError::new(
                "DISTRIBUTION_NOT_PREPARED",
                format!("{year} 年尚未编制分配方案"),
            )
        })?;
        if record.status != DistributionStatus::Prepared {
            return Err(DomainError::new(
                "DISTRIBUTION_APPROVED",
                format!("{year} 年的增值收益分配已审批入账"),
            )
            .into());
        }
        if record.prepared_by == login {
            return Err(DomainError::new(
                "DISTRIBUTION_SAME_PERSON",
                "编制人不能审批自己编制的分配方案",
            )
            .into());
        }
        let plan = self.fund().distribution_plan(year).await?;
        let shares = |p: &DistributionPlan| {
            [
                p.value_added_fen,
                p.reserve_fen,
                p.management_fen,
                p.public_rental_fen,
            ]
        };
        let recorded = [
            record.value_added_fen,
            record.reserve_fen,
            record.management_fen,
            record.public_rental_fen,
        ];
        if shares(&plan) != recorded {
            return Err(DomainError::new(
                "DISTRIBUTION_STALE",
                "编制后账务已有变动，请重新编制分配方案后再审批",
            )
            .into());
        }
        let entries = self.distribution_entries(year, &plan).await?;
        let posted = self.ledger().post_entries(&entries).await?;
        let closing_id = (entries.len() == 2).then(|| posted[0].entry_id.0);
        let entry_id = posted.last().map_or(0, |p| p.entry_id.0);
        let at_us = crate::clock::now_micros();
        if !self
            .fund_port()
            .approve_distribution(year, &login, at_us, closing_id, entry_id)
            .await?
        {
            return Err(
                DomainError::new("DISTRIBUTION_STATE", "分配方案状态已变化，请刷新").into(),
            );
        }
        Ok(DistributionRecord {
            status: DistributionStatus::Approved,
            approved_by: Some(login),
            approved_at_us: Some(at_us),
            closing_entry_id: closing_id,
            entry_id: Some(entry_id),
            ..record
        })
    }

    /// The year-end transfer (when income and expense are still open) and
    /// the distribution, dated 31 December.
    async fn distribution_entries(
        &self,
        year: i32,
        plan: &DistributionPlan,
    ) -> AppResult<Vec<NewEntry>> {
        let from = Date::from_ymd(year, 1, 1)?;
        let end = Date::from_ymd(year, 12, 31)?;
        let days = self.fund_port().gl_days(from, end).await?;
        let mut entries = Vec::new();
        let open = movement_of(&days, |_| true)?;
        match fund::closing_lines(&open) {
            Ok(lines) => entries.push(NewEntry::new(
                YEAR_END_TRANSFER,
                end,
                IdempotencyKey::parse(&format!("fund-year-end-{year}"))?,
                &format!("{year} 年业务收支结转增值收益"),
                lines,
            )?),
            // Already transferred (an earlier approval got this far).
            Err(e) if e.code() == "YEAR_END_NOTHING_TO_CLOSE" => {}
            Err(e) => return Err(e.into()),
        }
        entries.push(NewEntry::new(
            "F01",
            end,
            IdempotencyKey::parse(&format!("fund-distribution-{year}"))?,
            &format!("{year} 年增值收益分配"),
            fund::distribution_lines(plan),
        )?);
        Ok(entries)
    }
}

impl Fund<'_> {
    /// The split the policy gives for `year` on the ledger as it stands.
    pub async fn distribution_plan(self, year: i32) -> AppResult<DistributionPlan> {
        let from = Date::from_ymd(year, 1, 1)?;
        let end = Date::from_ymd(year, 12, 31)?;
        let days = self.fund_port().gl_days(from, end).await?;
        let movement = movement_of(&days, |r| r.business_type != YEAR_END_TRANSFER)?;
        let income = fund::income_statement(&movement)?;
        let closing = self.position_at(end).await?;
        let book = self.loan_port().loan_book().await?;
        let loans = ["121", "122"]
            .iter()
            .try_fold(Fen::ZERO, |sum, code| {
                sum.checked_add(closing.get(*code).copied().unwrap_or(Fen::ZERO))
            })?
            .checked_sub(book.project_outstanding_fen)?;
        // The reserve before this year's distribution: an approval that
        // posted and then failed to record itself must see the same plan.
        let distributed: i64 = days
            .iter()
            .filter(|r| r.gl_code == "301" && r.business_type == "F01")
            .map(|r| r.credit_fen.get() - r.debit_fen.get())
            .sum();
        let reserve =
            Fen::new(-closing.get("301").copied().unwrap_or(Fen::ZERO).get() - distributed);
        let rule = self.policy().at(end)?.fund_rule.value.distribution_rule();
        let input = DistributionInput {
            value_added_fen: income.value_added_fen,
            loan_balance_fen: loans,
            reserve_balance_fen: reserve,
        };
        Ok(fund::plan_distribution(&input, &rule)?)
    }

    /// The distribution of `year` as prepared or approved, if any.
    pub async fn distribution(self, year: i32) -> AppResult<Option<DistributionRecord>> {
        Ok(self.fund_port().distribution(year).await?)
    }

    /// Prepares (or prepares again, while not approved) the distribution of
    /// `year`; only after the year has ended.
    pub async fn prepare_distribution(
        self,
        actor: &Actor,
        year: i32,
        today: Date,
    ) -> AppResult<DistributionRecord> {
        let result = self.prepare_distribution_inner(actor, year, today).await;
        self.audited(
            actor,
            "fund.distribution.prepare",
            &year.to_string(),
            b"",
            result,
        )
        .await
    }

    /// Approves the prepared distribution of `year` (a manager other than
    /// the preparer) and posts it.
    pub async fn approve_distribution(
        self,
        actor: &Actor,
        year: i32,
    ) -> AppResult<DistributionRecord> {
        let result = self.approve_distribution_inner(actor, year).await;
        self.audited(
            actor,
            "fund.distribution.approve",
            &year.to_string(),
            b"",
            result,
        )
        .await
    }
}
