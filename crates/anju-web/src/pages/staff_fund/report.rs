//! 年度报告 as a page and as PDF; the drawing is in `report_render`.

use super::{Tab, YearQuery, failed, tabs, year_of};
use crate::auth::Session;
use crate::pages::{Layout, render};
use crate::report_render::{self, HtmlBlock, ReportView};
use crate::state::WebState;
use anju_app::AppResult;
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};

#[derive(Template)]
#[template(path = "staff_fund_report.html")]
struct ReportPage {
    layout: Layout,
    tabs: Vec<Tab>,
    year: i32,
    years: Vec<i32>,
    view: ReportView,
}

/// The year asked for (default: last year) and its report to today.
async fn annual(
    state: &WebState,
    query: &YearQuery,
) -> AppResult<(i32, anju_app::fund::AnnualReport)> {
    let today = state.today();
    let year = year_of(&query.year, today.year() - 1)?;
    Ok((
        year,
        state
            .app
            .reports()
            .fund()
            .annual_report(year, today)
            .await?,
    ))
}

/// 年度报告 as a page, with the PDF to download.
pub async fn annual_report(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<YearQuery>,
) -> Response {
    let (year, report) = match annual(&state, &query).await {
        Ok(r) => r,
        Err(e) => return failed(&state, &session, e),
    };
    let first = state.app.fund().plan_catalogue().first_year;
    let page = ReportPage {
        layout: Layout::new(&state.app, Some(&session)),
        tabs: tabs("/staff/report/annual"),
        year,
        years: (first..=state.today().year()).rev().collect(),
        view: report_render::report_view(&report),
    };
    render(&state.app, Some(&session), page.render())
}

/// 年度报告 as PDF (an attachment with an ASCII file name).
pub async fn annual_report_pdf(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<YearQuery>,
) -> Response {
    let (year, report) = match annual(&state, &query).await {
        Ok(r) => r,
        Err(e) => return failed(&state, &session, e),
    };
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"annual-report-{year}.pdf\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        report_render::report_pdf(&report),
    )
        .into_response()
}
