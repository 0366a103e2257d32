//! 结息管理 for finance staff: the settlement runs so far, starting the year's
//! settlement, and its progress (htmx polls the progress fragment each
//! second while the run goes; without script a reload shows the same).

use super::{Layout, error_page, failure, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::jobs::SettlementJob;
use crate::state::WebState;
use anju_app::interest::{SettleOptions, check_year_ended};
use anju_domain::{Date, InterestYear};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

pub struct RunRow {
    pub year_end: i32,
    pub span: String,
    pub started_on: String,
    pub finished_on: String,
}

/// What the progress fragment shows.
pub struct Progress {
    pub year_end: i32,
    pub done: u64,
    pub total: u64,
    pub percent: u64,
    pub running: bool,
    pub started_by: String,
    pub summary: Option<String>,
    pub error: Option<String>,
}

#[derive(Template)]
#[template(path = "staff_interest.html")]
struct InterestPage {
    layout: Layout,
    runs: Vec<RunRow>,
    accounts: i64,
    suggested_year: i32,
    today: String,
    progress: Option<Progress>,
}

#[derive(Template)]
#[template(path = "staff_interest_progress.html")]
struct ProgressFragment {
    progress: Option<Progress>,
}

fn progress_of(job: &SettlementJob) -> Progress {
    let done = job.accounts_done();
    let (summary, error) = match &job.outcome {
        Some(Ok(run)) => (
            Some(format!(
                "结息完成：{} 户，入账 {} 户，利息 {}，灵活就业利息补贴 {}，利息调整 {} 户，通知 {} 人{}。",
                run.accounts,
                run.credited,
                run.interest,
                run.subsidy,
                run.adjusted,
                run.notified,
                if run.pages_already_settled > 0 {
                    format!("（续跑，已结 {} 页跳过）", run.pages_already_settled)
                } else {
                    String::new()
                }
            )),
            None,
        ),
        Some(Err(message)) => (None, Some(message.clone())),
        None => (None, None),
    };
    Progress {
        year_end: job.year_end,
        done,
        total: job.total,
        percent: (done * 100).checked_div(job.total).unwrap_or(0).min(100),
        running: job.running(),
        started_by: job.started_by.clone(),
        summary,
        error,
    }
}

pub async fn interest_home(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let app = &state.app;
    let (runs, accounts) = match (
        app.interest().interest_runs().await,
        app.interest().count_member_accounts().await,
    ) {
        (Ok(runs), Ok(accounts)) => (runs, accounts),
        (Err(e), _) | (_, Err(e)) => return failure(app, Some(&session), e),
    };
    let today = state.today();
    let page = InterestPage {
        layout: Layout::new(app, Some(&session)),
        runs: runs
            .iter()
            .map(|r| {
                let year = InterestYear::ending(r.end_year);
                RunRow {
                    year_end: r.end_year,
                    span: format!(
                        "{} 至 {}",
                        year.first_day().map(|d| d.to_string()).unwrap_or_default(),
                        year.last_day().map(|d| d.to_string()).unwrap_or_default()
                    ),
                    started_on: r.started_on.to_string(),
                    finished_on: r
                        .finished_on
                        .map_or_else(|| "未完成（可再次执行续跑）".to_string(), |d| d.to_string()),
                }
            })
            .collect(),
        accounts,
        suggested_year: today.interest_year().end_year() - 1,
        today: today.to_string(),
        progress: state.settlement.current().as_ref().map(progress_of),
    };
    render(app, Some(&session), page.render())
}

pub async fn interest_progress(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let fragment = ProgressFragment {
        progress: state.settlement.current().as_ref().map(progress_of),
    };
    render(&state.app, Some(&session), fragment.render())
}

#[derive(Deserialize)]
pub struct SettleForm {
    #[serde(default)]
    year: String,
    #[serde(default)]
    date: String,
}

/// Starts the settlement on its own task and goes back to the page, which
/// follows its progress.
pub async fn interest_settle(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<SettleForm>,
) -> Response {
    let app = &state.app;
    let refuse = |message: &str| {
        error_page(
            app,
            Some(&session),
            StatusCode::UNPROCESSABLE_ENTITY,
            message,
        )
    };
    let Some(year_end) = form
        .year
        .trim()
        .parse::<i32>()
        .ok()
        .filter(|y| (1992..=2200).contains(y))
    else {
        return refuse("请填写结息年度（如 2026，表示 2025-07-01 至 2026-06-30）。");
    };
    let Ok(today) = Date::parse(form.date.trim()) else {
        return refuse("请填写业务日期（格式如 2026-07-01）。");
    };
    // The same rule the run applies, answered before the run is started.
    if let Err(anju_app::AppError::Rejected(e)) =
        check_year_ended(InterestYear::ending(year_end), today)
    {
        return refuse(e.message());
    }
    let total = match app.interest().count_member_accounts().await {
        Ok(total) => total,
        Err(e) => return failure(app, Some(&session), e),
    };
    let Some(job) = state.settlement.start(
        year_end,
        u64::try_from(total).unwrap_or(0),
        &session.principal.display_name,
    ) else {
        return refuse("已有结息任务在运行，请等待其完成。");
    };
    let actor = session.actor(&context);
    let (app, slot) = (state.app.clone(), state.settlement.clone());
    tokio::spawn(async move {
        let done = job.done.clone();
        let progress = move |n: u64| done.store(n, std::sync::atomic::Ordering::Relaxed);
        let outcome = app
            .interest()
            .settle_interest(
                &actor,
                InterestYear::ending(year_end),
                today,
                SettleOptions::default(),
                &progress,
            )
            .await
            .map_err(|e| match e {
                anju_app::AppError::Rejected(d) => d.message().to_string(),
                other => {
                    tracing::error!(error = %other, "interest settlement");
                    "结息过程中系统出错，已结部分不会重复入账，请稍后再次执行续跑。".to_string()
                }
            });
        slot.finish(outcome);
    });
    Redirect::to("/staff/interest").into_response()
}
