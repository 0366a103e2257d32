//! 办件时效: each timed service's work against its promised limit, and the
//! work past its due day, for those who do and oversee the work.

use super::{Layout, failure, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::state::WebState;
use anju_app::service_times::ServiceTimesReport;
use anju_domain::service_times::{ServiceTimes, WorkItem, WorkKind};
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::response::Response;

pub struct TimesRow {
    pub code: String,
    pub name: String,
    pub limit: String,
    pub completed: i64,
    pub on_time: i64,
    pub late: i64,
    pub on_time_rate: String,
    pub open: i64,
    pub overdue: i64,
    pub median: String,
    pub longest: String,
}

pub struct OverdueRow {
    pub kind: &'static str,
    pub code: &'static str,
    pub subject: String,
    pub href: String,
    pub accepted_on: String,
    pub due_on: String,
    /// Days past the due day.
    pub late_days: i64,
}

#[derive(Template)]
#[template(path = "staff_service_times.html")]
struct ServiceTimesPage {
    layout: Layout,
    today: String,
    from: String,
    services: Vec<TimesRow>,
    overdue: Vec<OverdueRow>,
    calendar_note: String,
    uncovered: String,
}

fn days(value: Option<i64>) -> String {
    value.map_or_else(|| "—".to_string(), |d| format!("{d} 个工作日"))
}

fn times_row(s: &ServiceTimes) -> TimesRow {
    TimesRow {
        code: s.code.clone(),
        name: s.name.clone(),
        limit: format!("{} 个工作日", s.limit_days),
        completed: s.completed,
        on_time: s.on_time,
        late: s.late,
        on_time_rate: s
            .on_time_permille()
            .map_or_else(|| "—".to_string(), |p| format!("{}.{}%", p / 10, p % 10)),
        open: s.open,
        overdue: s.overdue,
        median: days(s.median_days),
        longest: days(s.longest_days),
    }
}

/// Where the staff member opens the work.
fn href_of(item: &WorkItem) -> String {
    let id = item.subject_id;
    match item.kind {
        WorkKind::Withdrawal => format!("/staff/withdrawals#withdrawal-{id}"),
        WorkKind::Loan => format!("/staff/loans/{id}"),
        // A relief is decided as a task on the console.
        WorkKind::Relief => "/staff#queue-h".to_string(),
        WorkKind::Complaint => format!("/staff/quality/complaints/{id}"),
        WorkKind::HandOver => format!("/staff/assistant/{id}"),
    }
}

fn overdue_row(item: &WorkItem, report: &ServiceTimesReport) -> OverdueRow {
    let late_days = item.days_overdue(report.today);
    OverdueRow {
        kind: item.kind.name_zh(),
        code: item.kind.service_code(),
        subject: item.subject_id.to_string(),
        href: href_of(item),
        accepted_on: item.accepted_on.to_string(),
        due_on: item.due_on.to_string(),
        late_days,
    }
}

pub async fn staff_service_times(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let app = &state.app;
    let report = app
        .quality()
        .service_times(&session.actor(&context), state.today())
        .await;
    let report = match report {
        Ok(report) => report,
        Err(e) => return failure(app, Some(&session), e),
    };
    let page = ServiceTimesPage {
        layout: Layout::new(app, Some(&session)),
        today: report.today.to_string(),
        from: report.from.to_string(),
        services: report.services.iter().map(times_row).collect(),
        overdue: report
            .overdue
            .iter()
            .map(|i| overdue_row(i, &report))
            .collect(),
        calendar_note: report.calendar_sources.join("；"),
        uncovered: report
            .uncovered_years
            .iter()
            .map(i32::to_string)
            .collect::<Vec<_>>()
            .join("、"),
    };
    render(app, Some(&session), page.render())
}
