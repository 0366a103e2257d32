//! 办件时效 use cases: the working-day calendar built into the binary
//! (`services/working-days.toml`); the work clock the use cases call when
//! they accept and when they decide timed work; and each service's times
//! against its promised limit with the overdue work, for the console.

use crate::access::Actor;
use crate::{App, AppResult, Quality};
use anju_domain::access::duties;
use anju_domain::service_times::{ServiceTimes, WorkItem, WorkKind, measure, overdue_work};
use anju_domain::working_days::{WorkCalendar, parse_work_calendar};
use anju_domain::{Date, DomainError};
use std::sync::OnceLock;

pub const CALENDAR_NAME: &str = "services/working-days.toml (built in)";
pub const CALENDAR: &str = include_str!("../../../services/working-days.toml");

/// Days back the figures look (work accepted since; open work always).
pub const WINDOW_DAYS: i32 = 90;

/// The built-in working-day calendar, read on first use.
pub fn work_calendar() -> AppResult<&'static WorkCalendar> {
    static READ: OnceLock<anju_domain::DomainResult<WorkCalendar>> = OnceLock::new();
    let read = READ.get_or_init(|| parse_work_calendar(CALENDAR_NAME, CALENDAR));
    read.as_ref().map_err(|e| e.clone().into())
}

/// The figures and the overdue work on a day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceTimesReport {
    pub today: Date,
    /// Work accepted from this day on is counted (open work always).
    pub from: Date,
    pub services: Vec<ServiceTimes>,
    pub overdue: Vec<WorkItem>,
    /// Years from the window's start to the latest due day whose holiday
    /// arrangement is not loaded (counted by weekends alone).
    pub uncovered_years: Vec<i32>,
    /// The notices the working days of the covered years follow.
    pub calendar_sources: Vec<String>,
}

impl App {
    /// The work clock: `kind` work on `subject_id`, accepted on
    /// `accepted_on`, is recorded as open, or as completed `today` when
    /// `decided`. Called after the use case's own write has committed; a
    /// failure here is logged and does not undo the work (the next step of
    /// the same work records it again: each call carries the acceptance).
    pub(crate) async fn clock_work(
        &self,
        kind: WorkKind,
        subject_id: i64,
        accepted_on: Date,
        decided: bool,
        today: Date,
    ) {
        if let Err(e) = self
            .try_clock_work(kind, subject_id, accepted_on, decided, today)
            .await
        {
            tracing::warn!(kind = kind.code(), subject_id, error = %e, "work clock not written");
        }
    }

    /// Work completed `today` by a use case that does not know the day it
    /// was accepted (a relief's task, a conversation's reply): accepted on
    /// the day the clock recorded, or else on `recorded_on`, the day its
    /// record was written (never after today).
    pub(crate) async fn clock_done(
        &self,
        kind: WorkKind,
        subject_id: i64,
        recorded_on: Date,
        today: Date,
    ) {
        let fallback = recorded_on.min(today);
        let accepted_on = match self.work_port().work_item(kind, subject_id).await {
            Ok(item) => item.map_or(fallback, |item| item.accepted_on),
            Err(e) => {
                tracing::warn!(kind = kind.code(), subject_id, error = %e, "work clock not read");
                fallback
            }
        };
        self.clock_work(kind, subject_id, accepted_on, true, today)
            .await;
    }

    /// After a use case failed: completes `kind` work on `subject_id`
    /// only if the clock holds it open (a decision written before a later
    /// step failed); work it never recorded is left alone.
    pub(crate) async fn complete_recorded(&self, kind: WorkKind, subject_id: i64, today: Date) {
        match self.work_port().work_item(kind, subject_id).await {
            Ok(Some(item)) if item.completed_on.is_none() => {
                self.clock_work(kind, subject_id, item.accepted_on, true, today)
                    .await;
            }
            Ok(_) => {}
            Err(e) => {
                tracing::warn!(kind = kind.code(), subject_id, error = %e, "work clock not read");
            }
        }
    }

    async fn try_clock_work(
        &self,
        kind: WorkKind,
        subject_id: i64,
        accepted_on: Date,
        decided: bool,
        today: Date,
    ) -> AppResult<()> {
        let limit_days = limit_of(kind, accepted_on, today)?;
        let item = WorkItem {
            kind,
            subject_id,
            accepted_on,
            due_on: work_calendar()?.due_on(accepted_on, limit_days)?,
            completed_on: None,
        };
        if decided {
            // A day before acceptance cannot complete it (a back-dated
            // step): it completes on the day it was accepted.
            let completed_on = today.max(accepted_on);
            self.work_port().complete_work(&item, completed_on).await?;
        } else {
            self.work_port().accept_work(&item).await?;
        }
        Ok(())
    }
}

/// The promised limit of `kind`'s service as in force when the work was
/// accepted, or as in force today for work accepted before the service's
/// first entry.
fn limit_of(kind: WorkKind, accepted_on: Date, today: Date) -> AppResult<u16> {
    let catalogue = crate::catalogue::built_in()?;
    let code = kind.service_code();
    let entry = [accepted_on, today]
        .into_iter()
        .find_map(|day| catalogue.on(day).into_iter().find(|e| e.code == code));
    entry.map(|e| e.limit_days).ok_or_else(|| {
        DomainError::new("CATALOGUE_INVALID", format!("服务事项清单缺少 {code}")).into()
    })
}

impl Quality<'_> {
    /// 办件时效: each timed service's work accepted in the last
    /// [`WINDOW_DAYS`] (and all open work) against its promise, with the
    /// open work past its due day, longest overdue first.
    pub async fn service_times(self, actor: &Actor, today: Date) -> AppResult<ServiceTimesReport> {
        match &actor.principal {
            Some(p) if duties::TIMELINESS.contains(&p.role) => {}
            _ => {
                return Err(DomainError::new(
                    "ROLE_FORBIDDEN",
                    "办件时效由柜员、审核员或管理员查看",
                )
                .into());
            }
        }
        let from = today.add_days(-WINDOW_DAYS)?;
        let calendar = work_calendar()?;
        // Due days are worked out again with the calendar as it is now: a
        // year's arrangement added since acceptance corrects open work.
        let mut items = self.work_port().work_items(from, today).await?;
        for item in &mut items {
            let limit_days = limit_of(item.kind, item.accepted_on, today)?;
            item.due_on = calendar.due_on(item.accepted_on, limit_days)?;
        }
        let entries = self.service_catalogue(today)?;
        let last_due = items.iter().map(|i| i.due_on).max().unwrap_or(today);
        let years = from.year()..=today.max(last_due).year();
        let uncovered_years = years.clone().filter(|y| !calendar.covers(*y)).collect();
        let calendar_sources = years
            .filter_map(|y| calendar.source(y).map(str::to_string))
            .collect();
        Ok(ServiceTimesReport {
            today,
            from,
            services: measure(&entries, &items, calendar, today),
            overdue: overdue_work(&items, today),
            uncovered_years,
            calendar_sources,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::quality::ComplaintInput;
    use crate::test_support::{clerk, contribution, d, person, sqlite_app, yuan};
    use anju_domain::Fen;
    use anju_domain::access::Role;
    use anju_domain::quality::{ComplaintCategory, ComplaintSource};
    use anju_domain::withdrawal::WithdrawalStatus;
    use anju_store::MemberRecord;

    /// A rent withdrawal applied online on Friday 4 December (due
    /// Wednesday the 9th) and decided on the 10th; a complaint filed on
    /// Tuesday 1 December (due the 8th) and still open on the 11th.
    #[tokio::test]
    async fn late_and_overdue_work_is_counted_against_the_promise() {
        let dir = tempfile::tempdir().expect("dir");
        let app = sqlite_app(&dir, "t.db").await;
        let member = MemberRecord::active(1, "320502199003071230", "王芳", 9, yuan("10000.00"), 1);
        app.collection_port()
            .enrol_members(&[member], d("2024-07-01"))
            .await
            .expect("enrol");
        let seed = contribution(1, d("2026-05-10"), "seed-1", Fen::new(50_000_00));
        app.ledger().post_entry(seed).await.expect("post");
        let wang = person(Role::Member, "320502199003071230", Some(1));
        let application = crate::test_support::month_of_rent("rent-late");
        let applied = app
            .withdrawals()
            .apply_withdrawal(&wang, 1, application, d("2026-12-04"))
            .await
            .expect("apply");
        assert_eq!(applied.status, WithdrawalStatus::Submitted);
        let complaint = ComplaintInput {
            source: ComplaintSource::Hall,
            category: ComplaintCategory::ServiceQuality,
            complainant: String::new(),
            contact: String::new(),
            subject: "窗口办理慢".into(),
            detail: "排队两小时".into(),
        };
        let filed = app
            .quality()
            .file_complaint(&wang, &complaint, d("2026-12-01"))
            .await
            .expect("complaint");

        let on_the_9th = app.quality().service_times(&clerk(), d("2026-12-09")).await;
        let on_the_9th = on_the_9th.expect("report");
        let tq = |r: &ServiceTimesReport, code: &str| {
            r.services
                .iter()
                .find(|s| s.code == code)
                .map(|s| (s.completed, s.late, s.open, s.overdue))
        };
        assert_eq!(tq(&on_the_9th, "TQ01"), Some((0, 0, 1, 0)), "due that day");
        assert_eq!(tq(&on_the_9th, "ZH06"), Some((0, 0, 1, 1)));

        let prepared = app
            .withdrawals()
            .prepare_withdrawal(&clerk(), applied.withdrawal_id, "材料齐全", d("2026-12-10"))
            .await
            .expect("prepare");
        assert!(prepared.status.is_decided(), "{:?}", prepared.status);
        let report = app
            .quality()
            .service_times(&clerk(), d("2026-12-11"))
            .await
            .expect("report");
        assert_eq!(tq(&report, "TQ01"), Some((1, 1, 0, 0)), "done late");
        let withdrawal = report.services.iter().find(|s| s.code == "TQ01");
        assert_eq!(withdrawal.and_then(|s| s.median_days), Some(4));
        assert_eq!(
            report
                .overdue
                .iter()
                .map(|i| (i.kind, i.subject_id, i.due_on))
                .collect::<Vec<_>>(),
            [(WorkKind::Complaint, filed.complaint_id, d("2026-12-08"))]
        );
        assert!(report.uncovered_years.is_empty(), "2026 is loaded");
        // A handler takes the complaint (受理) on the 14th: ZH06 done, late.
        app.quality()
            .take_complaint(&clerk(), filed.complaint_id, d("2026-12-14"))
            .await
            .expect("take");
        let taken = app.quality().service_times(&clerk(), d("2026-12-14")).await;
        let taken = taken.expect("report");
        assert_eq!(tq(&taken, "ZH06"), Some((1, 1, 0, 0)));
        assert!(taken.overdue.is_empty());
        assert!(report.services.iter().all(|s| s.limit_days > 0));
        assert_eq!(
            app.quality()
                .service_times(&wang, d("2026-12-11"))
                .await
                .expect_err("staff only")
                .code(),
            Some("ROLE_FORBIDDEN")
        );
    }

    /// Work completed by a use case that does not know its acceptance day
    /// takes the clock's day, else its record's (never after today); a
    /// step dated before acceptance completes on the day of acceptance.
    #[tokio::test]
    async fn a_completion_reads_its_acceptance_from_the_clock_or_the_record() {
        let dir = tempfile::tempdir().expect("dir");
        let app = sqlite_app(&dir, "c.db").await;
        let kind = WorkKind::HandOver;
        app.clock_work(kind, 1, d("2026-12-04"), false, d("2026-12-04"))
            .await;
        app.clock_done(kind, 1, d("2026-12-07"), d("2026-12-08"))
            .await;
        app.clock_done(kind, 2, d("2026-12-03"), d("2026-12-08"))
            .await;
        app.clock_done(kind, 3, d("2026-12-09"), d("2026-12-08"))
            .await;
        app.clock_work(
            WorkKind::Withdrawal,
            4,
            d("2026-12-09"),
            true,
            d("2026-12-01"),
        )
        .await;
        let read = |kind, id| {
            let app = &app;
            async move {
                let item = app.work_port().work_item(kind, id).await.expect("read");
                item.map(|i| (i.accepted_on, i.due_on, i.completed_on))
            }
        };
        let done = Some(d("2026-12-08"));
        assert_eq!(
            read(kind, 1).await,
            Some((d("2026-12-04"), d("2026-12-07"), done))
        );
        assert_eq!(
            read(kind, 2).await,
            Some((d("2026-12-03"), d("2026-12-04"), done))
        );
        assert_eq!(
            read(kind, 3).await,
            Some((d("2026-12-08"), d("2026-12-09"), done)),
            "never accepted after today"
        );
        let early = read(WorkKind::Withdrawal, 4).await;
        assert_eq!(early.and_then(|i| i.2), Some(d("2026-12-09")));
    }

    /// Every service the catalogue promises a time for is timed.
    #[test]
    fn every_timed_service_has_its_work_clocked() {
        let day = Date::parse("2026-12-07").expect("date");
        let catalogue = crate::catalogue::built_in().expect("catalogue");
        let in_force = catalogue.on(day);
        for entry in &in_force {
            let timed = WorkKind::of_service(&entry.code).is_some();
            assert_eq!(timed, entry.limit_days > 0, "{}", entry.code);
        }
        use anju_domain::Coded;
        for kind in WorkKind::ALL {
            let entry = in_force.iter().find(|e| e.code == kind.service_code());
            assert!(entry.is_some_and(|e| e.limit_days > 0), "{kind:?}");
        }
        let calendar = work_calendar().expect("the built-in calendar reads");
        assert!(calendar.covers(2025) && calendar.covers(2026));
    }
}
