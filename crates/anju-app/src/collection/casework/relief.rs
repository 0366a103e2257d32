//! Hardship reliefs (缓缴/降比例) through maker-checker tasks, and what
//! they change in a month's bill.

use super::{period_of, period_value, rates_pair};
use crate::Collection;
use crate::access::{Actor, TaskDraft, acting};
use crate::collection::check_scope;
use crate::{App, AppResult};
use anju_domain::access::TaskKind;
use anju_domain::collection::ReliefStatus;
use anju_domain::collection::{
    ContributionRates, EmployerStatus, ReliefApplication, ReliefKind, deferred_due_date,
};
use anju_domain::service_times::WorkKind;
use anju_domain::{Date, DomainError, Period};
use anju_store::ReliefRecord;
use std::collections::HashMap;

/// Reliefs looked at when billing a month (an employer has few).
const RELIEF_PAGE: u32 = 100;

/// What an approved relief changes in a month's bill.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReliefFor {
    /// Reduced rates (降比例).
    pub rates: Option<ContributionRates>,
    /// The later due date of a deferred month (缓缴).
    pub due_date: Option<Date>,
}

impl ReliefFor {
    /// Adds what an approved relief covering the month changes.
    fn add(&mut self, r: &ReliefRecord) -> AppResult<()> {
        match r.kind {
            ReliefKind::Deferral => {
                self.due_date = Some(deferred_due_date(period_of(r.to_period)?)?);
            }
            ReliefKind::RateReduction => {
                self.rates = rates_pair(r.employer_rate_ppm, r.member_rate_ppm)?;
            }
        }
        Ok(())
    }
}

impl App {
    async fn try_apply_for_relief(
        &self,
        actor: &Actor,
        employer_id: i64,
        a: &ReliefApplication,
        today: Date,
    ) -> AppResult<ReliefRecord> {
        let maker = acting(actor)?;
        let employer = self.active_employer(employer_id).await?;
        let rules = &self.policy().contribution.at(today)?.value;
        let current = ContributionRates {
            employer: employer.employer_rate_ppm,
            member: employer.member_rate_ppm,
        };
        a.check(Period::of_date(today), current, rules)?;
        let (from, to) = (period_value(a.from), period_value(a.to));
        let overlapping = self
            .case_port()
            .reliefs_of(employer_id, RELIEF_PAGE)
            .await?
            .into_iter()
            .any(|r| {
                r.kind == a.kind
                    && r.status != ReliefStatus::Rejected
                    && r.from_period <= to
                    && from <= r.to_period
            });
        if overlapping {
            return Err(DomainError::new(
                "RELIEF_OVERLAP",
                format!(
                    "{}—{} 已有待审批或已批准的{}申请",
                    a.from,
                    a.to,
                    a.kind.name_zh()
                ),
            )
            .into());
        }
        let ids = self.posting_port().reserve_ids(2);
        let record = ReliefRecord {
            relief_id: ids,
            employer_id,
            kind: a.kind,
            from_period: period_value(a.from),
            to_period: period_value(a.to),
            employer_rate_ppm: (a.rates.map(|r| r.employer.ppm()))
                .map(anju_domain::RatePpm::new)
                .transpose()?,
            member_rate_ppm: (a.rates.map(|r| r.member.ppm()))
                .map(anju_domain::RatePpm::new)
                .transpose()?,
            reason: a.reason.trim().to_string(),
            consent: a.consent.trim().to_string(),
            status: ReliefStatus::Pending,
            task_id: ids + 1,
            filed_at_us: crate::clock::now_micros(),
        };
        let rates = a
            .rates
            .map(|r| format!("，比例降至 {}+{}", r.employer, r.member))
            .unwrap_or_default();
        let draft = TaskDraft {
            kind: TaskKind::EmployerRelief,
            target: format!("relief:{}", record.relief_id),
            payload: serde_json::json!({ "relief_id": record.relief_id }).to_string(),
            summary: format!(
                "{}（{}）申请{} {}—{}{rates}；决议：{}",
                employer.name,
                employer.uscc,
                a.kind.name_zh(),
                a.from,
                a.to,
                record.consent
            ),
            reason: record.reason.clone(),
        };
        self.case_port().save_relief(&record).await?;
        self.create_task(maker, draft, record.task_id).await?;
        Ok(record)
    }

    /// A relief's decision (JC08) on the work clock, if the task is a
    /// relief's and it is decided; after a failed step (`recorded_only`),
    /// only work the clock holds open is completed.
    pub(crate) async fn clock_relief_decided(
        &self,
        task_id: i64,
        recorded_only: bool,
        today: Date,
    ) {
        match self.case_port().relief_by_task(task_id).await {
            Ok(Some(relief)) if relief.status != ReliefStatus::Pending && recorded_only => {
                self.complete_recorded(WorkKind::Relief, relief.relief_id, today)
                    .await;
            }
            Ok(Some(relief)) if relief.status != ReliefStatus::Pending => {
                let filed_on = crate::clock::date_of_micros(relief.filed_at_us);
                self.clock_done(WorkKind::Relief, relief.relief_id, filed_on, today)
                    .await;
            }
            Ok(_) => {}
            Err(e) => tracing::warn!(task_id, error = %e, "work clock: relief not read"),
        }
    }

    /// The decided relief: approved deferrals mark the employer 缓缴.
    pub(crate) async fn settle_relief(
        &self,
        task: &anju_store::TaskRecord,
        approve: bool,
    ) -> AppResult<()> {
        let relief = self
            .case_port()
            .relief_by_task(task.task_id)
            .await?
            .ok_or_else(|| DomainError::new("TASK_CORRUPT", "待办内容无效"))?;
        let status = if approve {
            ReliefStatus::Approved
        } else {
            ReliefStatus::Rejected
        };
        self.case_port()
            .decide_relief(relief.relief_id, status)
            .await?;
        if approve && relief.kind == ReliefKind::Deferral {
            self.case_port()
                .set_employer_status(
                    relief.employer_id,
                    &[EmployerStatus::Active],
                    EmployerStatus::Deferred,
                )
                .await?;
        }
        Ok(())
    }
}

impl Collection<'_> {
    /// An employer applies for 缓缴 or 降比例; a reviewer decides.
    pub async fn apply_for_relief(
        self,
        actor: &Actor,
        employer_id: i64,
        application: &ReliefApplication,
        today: Date,
    ) -> AppResult<ReliefRecord> {
        let result = match check_scope(actor, employer_id) {
            Ok(()) => {
                self.try_apply_for_relief(actor, employer_id, application, today)
                    .await
            }
            Err(e) => Err(e),
        };
        let target = format!("employer:{employer_id}");
        let payload = format!(
            "{}|{}|{}",
            application.kind.code(),
            application.from,
            application.to
        );
        let result = self
            .audited(
                actor,
                "employer.relief.apply",
                &target,
                payload.as_bytes(),
                result,
            )
            .await;
        if let Ok(relief) = &result {
            self.clock_work(WorkKind::Relief, relief.relief_id, today, false, today)
                .await;
        }
        result
    }

    /// The approved reliefs that shape `period`'s bill.
    pub async fn relief_for(self, employer_id: i64, period: Period) -> AppResult<ReliefFor> {
        let month = period_value(period);
        let mut found = ReliefFor::default();
        for r in self
            .case_port()
            .reliefs_of(employer_id, RELIEF_PAGE)
            .await?
        {
            if r.status == ReliefStatus::Approved && (r.from_period..=r.to_period).contains(&month)
            {
                found.add(&r)?;
            }
        }
        Ok(found)
    }

    /// Every employer's approved reliefs for `period`, for a run over all
    /// employers (one query, not one per employer).
    pub async fn reliefs_in(self, period: Period) -> AppResult<HashMap<i64, ReliefFor>> {
        let mut all: HashMap<i64, ReliefFor> = HashMap::new();
        for r in self
            .case_port()
            .approved_reliefs_in(period_value(period))
            .await?
        {
            all.entry(r.employer_id).or_default().add(&r)?;
        }
        Ok(all)
    }

    pub async fn reliefs_of(self, employer_id: i64) -> AppResult<Vec<ReliefRecord>> {
        Ok(self
            .case_port()
            .reliefs_of(employer_id, RELIEF_PAGE)
            .await?)
    }
}
