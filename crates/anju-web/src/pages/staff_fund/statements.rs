//! 财务报表 for a period: 试算平衡表, 资产负债表, 增值收益表 and the
//! year's distribution.

use super::distribution::{DistView, dist_view};
use super::{Refusal, Tab, date_or, failed, tabs};
use crate::auth::Session;
use crate::pages::with_status;
use crate::pages::{Layout, render};
use crate::state::WebState;
use anju_app::AppError;
use anju_app::fund::Statements;
use anju_domain::Date;
use askama::Template;
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

#[derive(Deserialize, Default)]
pub struct PeriodQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

#[derive(Template)]
#[template(path = "staff_fund.html")]
struct StatementsPage {
    layout: Layout,
    tabs: Vec<Tab>,
    from: String,
    to: String,
    error: Option<Refusal>,
    s: Option<Statements>,
    distribution: Option<DistView>,
}

/// 财务报表 for a period (default: this year to today).
pub async fn fund_statements(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<PeriodQuery>,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let year_start = Date::from_ymd(today.year(), 1, 1).unwrap_or(today);
    let period =
        date_or(&query.from, year_start).and_then(|from| Ok((from, date_or(&query.to, today)?)));
    let (from_text, to_text) = match &period {
        Ok((from, to)) => (from.to_string(), to.to_string()),
        Err(_) => (query.from.clone(), query.to.clone()),
    };
    let result = match period {
        Ok((from, to)) => app.reports().fund().statements(from, to).await,
        Err(e) => Err(e.into()),
    };
    let (s, error) = match result {
        Ok(s) => (Some(s), None),
        Err(AppError::Rejected(e)) => (None, Some(Refusal::of(&e))),
        Err(e) => return failed(&state, &session, e),
    };
    let status = error.as_ref().map_or(StatusCode::OK, |r| r.status);
    let page = StatementsPage {
        layout: Layout::new(app, Some(&session)),
        tabs: tabs("/staff/fund"),
        from: from_text,
        to: to_text,
        error,
        distribution: s
            .as_ref()
            .and_then(|s| s.distribution.as_ref())
            .map(dist_view),
        s,
    };
    with_status(render(app, Some(&session), page.render()), status)
}
