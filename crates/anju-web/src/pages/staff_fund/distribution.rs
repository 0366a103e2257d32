//! 增值收益分配: prepared by finance and approved by a manager who did not
//! prepare it.

use super::{
    Outcome, Refusal, Tab, YearQuery, failed, instant, is_finance, percent, tabs, year_of,
};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::pages::with_status;
use crate::pages::{Layout, render};
use crate::state::WebState;
use anju_app::AppError;
use anju_app::fund::DistributionRecord;
use anju_domain::Date;
use anju_domain::Fen;
use anju_domain::access::Role;
use anju_domain::fund::{DistributionPlan, DistributionStatus};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Query, State};
use axum::response::Response;
use serde::Deserialize;

/// A distribution record as the pages show it.
pub struct DistView {
    pub approved: bool,
    pub status: &'static str,
    pub value_added: Fen,
    pub reserve: Fen,
    pub management: Fen,
    pub public_rental: Fen,
    pub reason: String,
    pub prepared_by: String,
    pub prepared_at: String,
    pub approved_by: String,
    pub approved_at: String,
    pub entries: String,
}

pub(super) fn dist_view(d: &DistributionRecord) -> DistView {
    let approved = d.status == DistributionStatus::Approved;
    DistView {
        approved,
        status: if approved {
            "已审批入账"
        } else {
            "已编制，待审批"
        },
        value_added: d.value_added_fen,
        reserve: d.reserve_fen,
        management: d.management_fen,
        public_rental: d.public_rental_fen,
        reason: d.reserve_reason.clone(),
        prepared_by: d.prepared_by.clone(),
        prepared_at: instant(d.prepared_at_us),
        approved_by: d.approved_by.clone().unwrap_or_default(),
        approved_at: d.approved_at_us.map(instant).unwrap_or_default(),
        entries: [d.closing_entry_id, d.entry_id]
            .iter()
            .flatten()
            .map(|id| format!("凭证 {id}"))
            .collect::<Vec<_>>()
            .join("、"),
    }
}

pub struct PlanView {
    pub value_added: Fen,
    pub reserve: Fen,
    pub reason: String,
    pub management: Fen,
    pub public_rental: Fen,
    pub reserve_after: Fen,
    pub adequacy_after: String,
}

fn plan_view(p: &DistributionPlan) -> PlanView {
    PlanView {
        value_added: p.value_added_fen,
        reserve: p.reserve_fen,
        reason: p.reserve_reason.clone(),
        management: p.management_fen,
        public_rental: p.public_rental_fen,
        reserve_after: p.reserve_after_fen,
        adequacy_after: percent(p.adequacy_after),
    }
}

#[derive(Template)]
#[template(path = "staff_fund_distribution.html")]
struct DistributionPage {
    layout: Layout,
    tabs: Vec<Tab>,
    year: i32,
    notice: Option<String>,
    error: Option<Refusal>,
    plan: Option<PlanView>,
    plan_refusal: Option<Refusal>,
    record: Option<DistView>,
    year_ended: bool,
    can_prepare: bool,
    can_approve: bool,
    own: bool,
}

async fn distribution_page(
    state: &WebState,
    session: &Session,
    year: i32,
    outcome: Outcome,
) -> Response {
    let app = &state.app;
    let (plan, plan_refusal) = match app.fund().distribution_plan(year).await {
        Ok(p) => (Some(plan_view(&p)), None),
        Err(AppError::Rejected(e)) => (None, Some(Refusal::of(&e))),
        Err(e) => return failed(state, session, e),
    };
    let record = match app.fund().distribution(year).await {
        Ok(r) => r,
        Err(e) => return failed(state, session, e),
    };
    let me = &session.principal;
    let year_ended = Date::from_ymd(year, 12, 31).is_ok_and(|end| state.today() > end);
    let prepared = record
        .as_ref()
        .is_some_and(|r| r.status == DistributionStatus::Prepared);
    let can_prepare =
        is_finance(me.role) && year_ended && plan.is_some() && (record.is_none() || prepared);
    let (notice, error, status) = outcome.split();
    let page = DistributionPage {
        layout: Layout::new(app, Some(session)),
        tabs: tabs("/staff/fund/distribution"),
        year,
        notice,
        error,
        plan,
        plan_refusal,
        can_prepare,
        can_approve: me.role == Role::Manager && prepared,
        own: record.as_ref().is_some_and(|r| r.prepared_by == me.login),
        record: record.as_ref().map(dist_view),
        year_ended,
    };
    with_status(render(app, Some(session), page.render()), status)
}

/// 增值收益分配 of a year (default: last year).
pub async fn fund_distribution(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<YearQuery>,
) -> Response {
    match year_of(&query.year, state.today().year() - 1) {
        Ok(year) => distribution_page(&state, &session, year, Outcome::Quiet).await,
        Err(e) => failed(&state, &session, e.into()),
    }
}

#[derive(Deserialize)]
pub struct YearForm {
    #[serde(default)]
    year: String,
}

/// 编制分配方案 (finance or a manager; again while not approved).
pub async fn fund_distribution_prepare(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<YearForm>,
) -> Response {
    let today = state.today();
    let year = match year_of(&form.year, today.year() - 1) {
        Ok(y) => y,
        Err(e) => return failed(&state, &session, e.into()),
    };
    let result = state
        .app
        .fund()
        .prepare_distribution(&session.actor(&context), year, today)
        .await;
    match Outcome::of(result, |r| {
        format!("{} 年增值收益分配方案已编制，待另一位管理员审批。", r.year)
    }) {
        Ok(outcome) => distribution_page(&state, &session, year, outcome).await,
        Err(e) => failed(&state, &session, e),
    }
}

/// 审批分配方案 (a manager who did not prepare it): posts the entries.
pub async fn fund_distribution_approve(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<YearForm>,
) -> Response {
    let year = match year_of(&form.year, state.today().year() - 1) {
        Ok(y) => y,
        Err(e) => return failed(&state, &session, e.into()),
    };
    let result = state
        .app
        .fund()
        .approve_distribution(&session.actor(&context), year)
        .await;
    match Outcome::of(result, |r| {
        format!(
            "{} 年增值收益分配已审批，并已记账（凭证 {}）。",
            r.year,
            r.entry_id.unwrap_or_default()
        )
    }) {
        Ok(outcome) => distribution_page(&state, &session, year, outcome).await,
        Err(e) => failed(&state, &session, e),
    }
}
