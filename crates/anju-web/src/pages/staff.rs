//! The staff console: the queue (待办), ledger corrections, the audit trail.

use super::{KpiRow, Layout, failure, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::status_of;
use crate::state::WebState;
use anju_app::AppResult;
use anju_app::access::{AuditQuery, PeopleNames, ReversalRequest, TaskRecord};
use anju_domain::Fen;
use anju_domain::access::{TaskKind, TaskStatus, check_decider, duties};
use anju_domain::fund::Ratio;
use anju_domain::ledger::gl_account;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;

const QUEUE_SIZE: u32 = 100;
const RECENT_TASKS: u32 = 20;
const AUDIT_PAGE: u32 = 50;

pub struct QueueItem {
    pub task_id: i64,
    pub kind: &'static str,
    pub summary: String,
    pub maker: String,
    pub created: String,
    pub can_decide: bool,
    pub why_not: String,
}

pub struct TaskRow {
    pub summary: String,
    pub status: &'static str,
    pub maker: String,
    pub decider: String,
    pub reason: String,
}

/// An approved identified export (实名导出) the signed-in member of staff
/// may still take.
pub struct ReadyExport {
    pub task_id: i64,
    pub summary: String,
    pub decided: String,
}

pub struct OverdueRow {
    pub employer: String,
    pub period: i32,
    pub total: Fen,
    pub due: String,
}

pub struct GlRow {
    pub code: String,
    pub name: &'static str,
    pub debit: Fen,
    pub credit: Fen,
    pub balance: Fen,
}

#[derive(Template)]
#[template(path = "staff.html")]
struct StaffPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    queue: Vec<QueueItem>,
    can_request_reversal: bool,
    recent: Vec<TaskRow>,
    ready_exports: Vec<ReadyExport>,
    valid_days: i64,
    gl_rows: Vec<GlRow>,
    overdue: Vec<OverdueRow>,
    k06: KpiRow,
    /// Work past its promised day, by service (办件时效), for those who
    /// read it (`Ok(None)` for the others; `Err` when it could not be read).
    overdue_work: Result<Option<Vec<(String, i64)>>, String>,
}

/// The timed services with work past its due day (the console's
/// reminder of 办件时效), for the roles that read it.
async fn overdue_work(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
) -> AppResult<Option<Vec<(String, i64)>>> {
    if !duties::TIMELINESS.contains(&session.principal.role) {
        return Ok(None);
    }
    let report = state
        .app
        .quality()
        .service_times(&session.actor(context), state.today())
        .await?;
    Ok(Some(
        report
            .services
            .iter()
            .filter(|s| s.overdue > 0)
            .map(|s| (format!("{} {}", s.code, s.name), s.overdue))
            .collect(),
    ))
}

fn queue_item(task: &TaskRecord, session: &Session, people: &PeopleNames) -> QueueItem {
    let verdict = check_decider(
        task.kind,
        task.maker_user_id,
        session.principal.user_id,
        session.principal.role,
    );
    QueueItem {
        task_id: task.task_id,
        kind: task.kind.name_zh(),
        summary: task.summary.clone(),
        maker: people.of(&task.maker_login),
        created: anju_app::clock::date_of_micros(task.created_at_us).to_string(),
        can_decide: verdict.is_ok(),
        why_not: verdict
            .err()
            .map(|e| e.message().to_string())
            .unwrap_or_default(),
    }
}

fn task_row(task: &TaskRecord, people: &PeopleNames) -> TaskRow {
    let decider = task.decider_login.as_deref().unwrap_or_default();
    TaskRow {
        summary: task.summary.clone(),
        status: task.status.name_zh(),
        maker: people.of(&task.maker_login),
        decider: people.of(decider),
        reason: task.reason.clone().unwrap_or_default(),
    }
}

fn ready_export(task: &TaskRecord) -> ReadyExport {
    let decided = task.decided_at_us.unwrap_or(task.created_at_us);
    ReadyExport {
        task_id: task.task_id,
        summary: task.summary.clone(),
        decided: anju_app::clock::date_of_micros(decided).to_string(),
    }
}

async fn staff_page(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let loaded: AppResult<_> = async {
        let pending = app.access().pending_tasks(QUEUE_SIZE).await?;
        let recent = app.access().recent_tasks(RECENT_TASKS).await?;
        let balances = app.ledger().gl_balances().await?;
        let overdue_bills = app.collection().overdue_bills(today).await?;
        let counts = app.collection().employer_overdue_counts(today).await?;
        // One read of the overdue bills' employers' names, not one per bill.
        let ids: Vec<i64> = overdue_bills.iter().map(|b| b.employer_id).collect();
        let names = app.collection().employer_names(&ids).await?;
        let logins = pending.iter().chain(&recent).flat_map(|t| {
            let decider = t.decider_login.as_deref().unwrap_or_default();
            [t.maker_login.as_str(), decider]
        });
        let people = app.access().names_of(logins).await?;
        let ready = app
            .collection()
            .identified_exports_ready(&session.principal)
            .await?;
        Ok((
            ready,
            pending,
            recent,
            balances,
            overdue_bills,
            counts,
            names,
            people,
        ))
    }
    .await;
    let (
        ready,
        pending,
        recent,
        balances,
        overdue_bills,
        (overdue_employers, active),
        names,
        people,
    ) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let overdue: Vec<OverdueRow> = overdue_bills
        .iter()
        .map(|bill| OverdueRow {
            employer: names
                .get(&bill.employer_id)
                .cloned()
                .unwrap_or_else(|| bill.employer_id.to_string()),
            period: bill.period,
            total: bill.total_fen,
            due: bill.due_date.to_string(),
        })
        .collect();
    let k06 = match anju_domain::fund::Ratio::new(overdue_employers.into(), active.into()) {
        Some(share) => {
            format!(
                "{}（{overdue_employers} / {active}）",
                share.percent_text(2)
            )
        }
        _ => "暂无数据".to_string(),
    };
    let k06 = match KpiRow::new(app, "K06", k06) {
        Ok(k06) => k06,
        Err(e) => return failure(app, Some(session), e),
    };
    // The box is a pointer to the times page: if its figures cannot be
    // read the console still opens, and says so.
    let overdue_work = overdue_work(state, session, context).await.map_err(|e| {
        tracing::warn!(error = %e, "the console's overdue work not read");
        "请稍后刷新或打开办件时效页面".to_string()
    });
    let page = StaffPage {
        layout: Layout::new(app, Some(session)),
        overdue,
        k06,
        overdue_work,
        notice,
        error,
        queue: pending
            .iter()
            .map(|t| queue_item(t, session, &people))
            .collect(),
        can_request_reversal: TaskKind::EntryReversal
            .makers()
            .contains(&session.principal.role),
        ready_exports: ready.iter().map(ready_export).collect(),
        valid_days: anju_app::collection::APPROVAL_VALID_DAYS,
        recent: recent
            .iter()
            .filter(|t| t.status != TaskStatus::Pending)
            .map(|t| task_row(t, &people))
            .collect(),
        gl_rows: balances
            .iter()
            .map(|b| {
                let account = gl_account(&b.gl_code).ok();
                let net = b.net().get();
                let debit_normal = account.is_some_and(|a| a.class.debit_normal());
                GlRow {
                    code: b.gl_code.clone(),
                    name: account.map_or("", |a| a.name),
                    debit: b.debit,
                    credit: b.credit,
                    balance: Fen::new(if debit_normal { net } else { -net }),
                }
            })
            .collect(),
    };
    render(app, Some(session), page.render())
}

pub async fn staff_home(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    staff_page(&state, &session, &context, None, None).await
}

#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn decide_task(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(task_id): Path<i64>,
    Form(form): Form<DecisionForm>,
) -> Response {
    let approve = form.decision == "approve";
    let result = state
        .app
        .access()
        .decide_task(
            &session.actor(&context),
            task_id,
            approve,
            &form.reason,
            state.today(),
        )
        .await;
    match result {
        Ok(task) => {
            let done = task.status.name_zh();
            staff_page(
                &state,
                &session,
                &context,
                Some(format!("待办 {task_id} {done}。")),
                None,
            )
            .await
        }
        Err(e) => refused(&state, &session, &context, e).await,
    }
}

/// Takes an approved identified export (实名导出): the file, once, to the
/// one who asked; a refusal on the console.
pub async fn take_export(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(task_id): Path<i64>,
) -> Response {
    let actor = session.actor(&context);
    let taken = state
        .app
        .collection()
        .take_identified_export(&actor, task_id);
    match taken.await {
        Ok(export) => crate::exports::download(export),
        Err(e) => refused(&state, &session, &context, e).await,
    }
}

#[derive(Deserialize)]
pub struct ReversalForm {
    entry_id: String,
    reason: String,
}

pub async fn request_reversal(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<ReversalForm>,
) -> Response {
    let Ok(entry_id) = form.entry_id.trim().parse::<i64>() else {
        let mut page = staff_page(
            &state,
            &session,
            &context,
            None,
            Some("凭证号应为数字".into()),
        )
        .await;
        page = crate::pages::with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
        return page;
    };
    let request = ReversalRequest {
        entry_id,
        reason: form.reason,
    };
    match state
        .app
        .access()
        .request_reversal(&session.actor(&context), &request)
        .await
    {
        Ok(task) => {
            staff_page(
                &state,
                &session,
                &context,
                Some(format!(
                    "已提交冲正申请，待办号 {}，等待审核。",
                    task.task_id
                )),
                None,
            )
            .await
        }
        Err(e) => refused(&state, &session, &context, e).await,
    }
}

/// A refused command re-renders the console with the reason at its kind's
/// status, or the error page for a system failure.
async fn refused(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    error: anju_app::AppError,
) -> Response {
    match error {
        anju_app::AppError::Rejected(d) => crate::pages::with_status(
            staff_page(state, session, context, None, Some(d.message().to_string())).await,
            status_of(d.kind()),
        ),
        other => failure(&state.app, Some(session), other),
    }
}

pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub role: String,
    pub channel: String,
    pub action: String,
    pub target: String,
    pub result: String,
    pub request_id: String,
    pub client: String,
}

#[derive(Template)]
#[template(path = "audit.html")]
struct AuditPage {
    layout: Layout,
    actor: String,
    action: String,
    rows: Vec<AuditRow>,
    next_before: Option<i64>,
    contactless: KpiRow,
}

#[derive(Deserialize)]
pub struct AuditParams {
    #[serde(default)]
    actor: String,
    #[serde(default)]
    action: String,
    before: Option<i64>,
}

fn non_empty(text: &str) -> Option<String> {
    let t = text.trim();
    (!t.is_empty()).then(|| t.to_string())
}

pub async fn audit_search(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(params): Query<AuditParams>,
) -> Response {
    let app = &state.app;
    let query = AuditQuery {
        actor: non_empty(&params.actor),
        action: non_empty(&params.action),
        before_id: params.before,
        limit: AUDIT_PAGE,
        ..AuditQuery::default()
    };
    // K18 for the year so far, from the services completed (not from
    // these rows: sign-ins and refusals are not services).
    let today = state.today();
    let year_start = anju_domain::Date::from_ymd(today.year(), 1, 1).unwrap_or(today);
    let (records, services) = match (
        app.access().search_audit(&query).await,
        app.fund().service_channels(year_start, today).await,
    ) {
        (Ok(records), Ok(services)) => (records, services),
        (Err(e), _) | (_, Err(e)) => return failure(app, Some(&session), e),
    };
    let next_before = (records.len() == AUDIT_PAGE as usize)
        .then(|| records.last().map(|r| r.audit_id))
        .flatten();
    let rate = match Ratio::new(i128::from(services.online), i128::from(services.all)) {
        None => "暂无数据".to_string(),
        Some(r) => format!(
            "{}（{} 年线上办结 {} / 办结 {}）",
            r.percent_text(2),
            today.year(),
            services.online,
            services.all
        ),
    };
    let contactless = match KpiRow::new(app, "K18", rate) {
        Ok(k18) => k18,
        Err(e) => return failure(app, Some(&session), e),
    };
    let page = AuditPage {
        layout: Layout::new(app, Some(&session)),
        actor: params.actor,
        action: params.action,
        rows: records
            .into_iter()
            .map(|r| AuditRow {
                at: format_instant(r.at_us),
                actor: r.actor_login,
                role: r.role,
                channel: r.channel,
                action: r.action,
                target: r.target,
                result: r.result,
                request_id: r.request_id,
                client: r.client_addr,
            })
            .collect(),
        next_before,
        contactless,
    };
    render(app, Some(&session), page.render())
}

/// `2026-11-29 04:05:06` (UTC) from microseconds.
pub(super) fn format_instant(us: i64) -> String {
    let seconds = us.div_euclid(1_000_000);
    let date = anju_domain::Date::today_from_unix_seconds(seconds - 8 * 3600);
    let in_day = seconds.rem_euclid(86_400);
    format!(
        "{date} {:02}:{:02}:{:02}",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}
