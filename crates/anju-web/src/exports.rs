//! 导出: tables as `.xlsx` or CSV downloads — an employer's roster and
//! bills, a member's statement, the overdue loans, the KPIs. Each export
//! has a page route (a link on its page) and an API twin under `/api/v1`;
//! both call the same audited use case (`anju_app::export`) and differ only
//! in how a refusal is shown: the error page, or the problem body.
//! `?format=xlsx|csv` picks the format (xlsx when absent); any other value
//! is refused (`EXPORT_FORMAT_INVALID`, 422) before anything is read or
//! audited.

use crate::auth::{Access, Session};
use crate::context::RequestContext;
use crate::error::WebError;
use crate::pages::failure;
use crate::routes::{RouteSpec, spec};
use crate::state::WebState;
use anju_app::AppResult;
use anju_app::export::{Export, Format};
use anju_domain::access::Role;
use anju_domain::access::duties::{AGENTS, FUND_VIEWERS, LOAN_RISK, MEMBERS};
use anju_domain::ledger::MemberId;
use anju_domain::{Date, DomainError};
use axum::Extension;
use axum::extract::{Query, State};
use axum::http::{Method, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use std::future::Future;

pub fn routes() -> Vec<(RouteSpec, MethodRouter<WebState>)> {
    let mut routes = Vec::new();
    routes.extend(twin(
        (
            "/employer/members/export",
            "/api/v1/employer/members/export",
        ),
        AGENTS,
        "导出在职缴存职工（xlsx 或 csv）",
        roster,
    ));
    routes.extend(twin(
        ("/employer/bills/export", "/api/v1/employer/bills/export"),
        AGENTS,
        "导出汇缴清册（xlsx 或 csv）",
        bills,
    ));
    routes.extend(twin(
        (
            "/member/statement/export",
            "/api/v1/member/statement/export",
        ),
        MEMBERS,
        "导出账户明细（xlsx 或 csv）",
        statement_of,
    ));
    routes.extend(twin(
        (
            "/staff/loans/overdue/export",
            "/api/v1/staff/loans/overdue/export",
        ),
        LOAN_RISK,
        "导出逾期贷款清单（xlsx 或 csv）",
        overdue,
    ));
    routes.extend(twin(
        ("/staff/kpi/export", "/api/v1/staff/kpi/export"),
        FUND_VIEWERS,
        "导出规划指标（xlsx 或 csv）",
        kpis,
    ));
    routes
}

/// What an export is asked with: the state, the request, who asks, the query.
pub struct Asked<Q> {
    state: WebState,
    context: RequestContext,
    session: Session,
    query: Q,
}

impl<Q> Asked<Q> {
    fn actor(&self) -> anju_app::access::Actor {
        self.session.actor(&self.context)
    }
}

/// One export's page route and its API twin:
/// the same producer, its file as a download, a refusal as the error page
/// or as the problem body.
fn twin<Q, F, Fut>(
    (path, api_path): (&'static str, &'static str),
    roles: &'static [Role],
    summary: &'static str,
    produce: F,
) -> [(RouteSpec, MethodRouter<WebState>); 2]
where
    Q: DeserializeOwned + Send + 'static,
    F: Fn(Asked<Q>) -> Fut + Copy + Send + Sync + 'static,
    Fut: Future<Output = AppResult<Export>> + Send + 'static,
{
    let page = move |State(state): State<WebState>,
                     Extension(context): Extension<RequestContext>,
                     Extension(session): Extension<Session>,
                     Query(query): Query<Q>| async move {
        let asked = Asked {
            state: state.clone(),
            context,
            session: session.clone(),
            query,
        };
        page_answer(&state, &session, produce(asked).await)
    };
    let api = move |State(state): State<WebState>,
                    Extension(context): Extension<RequestContext>,
                    Extension(session): Extension<Session>,
                    Query(query): Query<Q>| async move {
        let asked = Asked {
            state,
            context,
            session,
            query,
        };
        api_answer(produce(asked).await)
    };
    let access = Access::Roles(roles);
    [
        (spec(Method::GET, path, access, summary), get(page)),
        (spec(Method::GET, api_path, access, summary), get(api)),
    ]
}

/// The file as a download; never cached (it may hold personal data).
pub(crate) fn download(export: Export) -> Response {
    (
        [
            (header::CONTENT_TYPE, export.content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{}\"", export.file_name),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        export.bytes,
    )
        .into_response()
}

/// A page route's answer: the file, or the error page.
pub(crate) fn page_answer(
    state: &WebState,
    session: &Session,
    result: AppResult<Export>,
) -> Response {
    match result {
        Ok(export) => download(export),
        Err(e) => failure(&state.app, Some(session), e),
    }
}

/// An API route's answer: the file, or the problem body.
fn api_answer(result: AppResult<Export>) -> Response {
    match result {
        Ok(export) => download(export),
        Err(e) => WebError::from(e).into_response(),
    }
}

/// `?format=`: xlsx when absent.
fn format_of(text: Option<&str>) -> Result<Format, DomainError> {
    text.map_or(Ok(Format::Xlsx), Format::parse)
}

#[derive(Deserialize)]
pub struct EmployerQuery {
    #[serde(default)]
    format: Option<String>,
    /// The agent's own employer when absent; another is refused by the use case.
    #[serde(default)]
    employer_id: Option<i64>,
}

impl EmployerQuery {
    /// Whose data: the one named, else the agent's own (0, which the use
    /// case refuses, for a sign-in tied to no employer).
    fn employer_id(&self, session: &Session) -> i64 {
        self.employer_id
            .or(session.principal.employer_id)
            .unwrap_or(0)
    }
}

async fn roster(asked: Asked<EmployerQuery>) -> AppResult<Export> {
    let (state, session, query) = (&asked.state, &asked.session, &asked.query);
    let format = format_of(query.format.as_deref())?;
    let actor = asked.actor();
    let employer_id = query.employer_id(session);
    state
        .app
        .collection()
        .export_roster(&actor, employer_id, format)
        .await
}

async fn bills(asked: Asked<EmployerQuery>) -> AppResult<Export> {
    let (state, session, query) = (&asked.state, &asked.session, &asked.query);
    let format = format_of(query.format.as_deref())?;
    let actor = asked.actor();
    let employer_id = query.employer_id(session);
    state
        .app
        .collection()
        .export_bills(&actor, employer_id, state.today(), format)
        .await
}

#[derive(Deserialize)]
pub struct StatementQuery {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The range asked, or the refusal the statement page gives.
fn range_of(from: &str, to: &str) -> Result<(Date, Date), DomainError> {
    match (Date::parse(from.trim()), Date::parse(to.trim())) {
        (Ok(from), Ok(to)) => Ok((from, to)),
        _ => Err(DomainError::new(
            "DATE_FORMAT",
            "请填写明细的起始日和截止日（格式如 2025-07-01）。",
        )),
    }
}

/// The signed-in member's statement in `format` (the CSV download of the
/// statement page comes here too, so it is audited like any export).
pub(crate) async fn statement(
    state: &WebState,
    context: &RequestContext,
    session: &Session,
    (from, to): (&str, &str),
    format: Format,
) -> AppResult<Export> {
    let member = crate::api::member_of(session)?;
    let (from, to) = range_of(from, to)?;
    let actor = session.actor(context);
    state
        .app
        .interest()
        .export_statement(&actor, MemberId(member), from, to, format)
        .await
}

async fn statement_of(asked: Asked<StatementQuery>) -> AppResult<Export> {
    let query = &asked.query;
    let format = format_of(query.format.as_deref())?;
    let range = (query.from.as_str(), query.to.as_str());
    statement(&asked.state, &asked.context, &asked.session, range, format).await
}

#[derive(Deserialize)]
pub struct FormatQuery {
    #[serde(default)]
    format: Option<String>,
}

async fn overdue(asked: Asked<FormatQuery>) -> AppResult<Export> {
    let (state, query) = (&asked.state, &asked.query);
    let format = format_of(query.format.as_deref())?;
    let actor = asked.actor();
    state
        .app
        .loans()
        .export_overdue_loans(&actor, state.today(), format)
        .await
}

#[derive(Deserialize)]
pub struct KpiQuery {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    year: String,
}

/// `?year=`: the plan's latest year when blank.
fn year_of(text: &str) -> Result<Option<i32>, DomainError> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse::<i32>()
            .map(Some)
            .map_err(|_| DomainError::new("YEAR_INVALID", "年份无效：请填写四位数年份，如 2025")),
    }
}

async fn kpis(asked: Asked<KpiQuery>) -> AppResult<Export> {
    let (state, query) = (&asked.state, &asked.query);
    let format = format_of(query.format.as_deref())?;
    let year = year_of(&query.year)?;
    let actor = asked.actor();
    state
        .app
        .fund()
        .export_kpis(&actor, year, state.today(), format)
        .await
}
