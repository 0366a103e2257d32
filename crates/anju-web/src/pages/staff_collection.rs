//! The staff console for collection (归集管理): the indicators K05–K08, search
//! of employers and members with personal data masked, an employer's file with
//! its life-cycle actions and bill corrections, a member's file with freezing,
//! and the enforcement cases with their steps.

use super::{KpiRow, Layout, error_page, failure, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::status_of;
use crate::state::WebState;
use anju_app::access::Actor;
use anju_app::collection::{
    BillRecord, CaseRecord, CaseStepInput, EmployerRecord, IdentifiedExportRequest,
    IdentifiedRoster, MemberRecord,
};
use anju_app::export::Format;
use anju_app::{App, AppError, AppResult};
use anju_domain::access::{Role, TaskKind, duties};
use anju_domain::collection::BillKind;
use anju_domain::collection::BillStatus;
use anju_domain::collection::CaseStatus;
use anju_domain::collection::{
    CaseStep, MemberStatus, ReviewOutcome, StepFact, mask_name, next_steps, proposed_penalty,
};
use anju_domain::ledger::MemberId;
use anju_domain::{Date, DomainError, Fen};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;

const LIST_SHOWN: usize = 50;

/// `n / d` as a percentage with two decimals, in integer arithmetic.
pub fn percent_text(n: i64, d: i64) -> String {
    match percent_of(n, d) {
        Some(percent) => format!("{percent}（{n} / {d}）"),
        None => "暂无数据".to_string(),
    }
}

/// `n / d` as a percentage with two decimals, rounded half-up in integers;
/// `None` without a denominator.
pub fn percent_of(n: i64, d: i64) -> Option<String> {
    if d <= 0 {
        return None;
    }
    let basis = (i128::from(n) * 10_000 + i128::from(d) / 2) / i128::from(d);
    Some(format!("{}.{:02}%", basis / 100, basis % 100))
}

/// `****1234`: enough to tell accounts apart.
pub fn last_four(account: &str) -> String {
    let tail: String = account
        .chars()
        .rev()
        .take(4)
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    format!("****{tail}")
}

fn is_maker(session: &Session) -> bool {
    TaskKind::BillCorrection
        .makers()
        .contains(&session.principal.role)
}

pub struct EmployerRow {
    pub employer_id: i64,
    pub name: String,
    pub uscc: String,
    pub status: &'static str,
}

pub struct MemberRow {
    pub member_id: i64,
    pub name: String,
    pub id_card: String,
    pub status: &'static str,
}

pub struct CaseRow {
    pub case_id: i64,
    pub employer_id: i64,
    pub employer: String,
    pub opened_on: String,
    pub arrears: Fen,
    pub periods: String,
    pub status: &'static str,
}

fn employer_row(e: &EmployerRecord) -> EmployerRow {
    EmployerRow {
        employer_id: e.employer_id,
        name: e.name.clone(),
        uscc: e.uscc.clone(),
        status: e.status.name_zh(),
    }
}

fn member_row(m: &MemberRecord) -> MemberRow {
    MemberRow {
        member_id: m.member_id,
        name: mask_name(&m.name),
        id_card: super::masked_id_card(&m.id_card),
        status: m.status.name_zh(),
    }
}

fn case_row(c: &CaseRecord, employer: String) -> CaseRow {
    CaseRow {
        case_id: c.case_id,
        employer_id: c.employer_id,
        employer,
        opened_on: c.opened_on.to_string(),
        arrears: c.arrears_fen,
        periods: c.periods.clone(),
        status: if c.status == CaseStatus::Open {
            "办理中"
        } else {
            "已结案"
        },
    }
}

#[derive(Template)]
#[template(path = "staff_collection.html")]
struct CollectionPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    kpis: Vec<KpiRow>,
    query: String,
    searched: bool,
    employers: Vec<EmployerRow>,
    members: Vec<MemberRow>,
    overdue: Vec<(EmployerRow, Option<i64>)>,
    not_filed: Vec<EmployerRow>,
    cases: Vec<CaseRow>,
    can_enforce: bool,
    can_run_day: bool,
    default_deadline: String,
    year: i32,
}

async fn kpis(app: &App, today: Date) -> AppResult<Vec<KpiRow>> {
    let year = today.contribution_year();
    let (filed, contributing) = app.collection().base_filing_counts(year).await?;
    let (overdue, contributing_now) = app.collection().employer_overdue_counts(today).await?;
    let (flexible, employed) = app.collection().flexible_counts(today).await?;
    Ok(vec![
        KpiRow::new(app, "K05", percent_text(filed, contributing))?,
        KpiRow::new(app, "K06", percent_text(overdue, contributing_now))?,
        KpiRow::new(app, "K07", flexible.to_string())?,
        KpiRow::new(app, "K08", percent_text(flexible, employed))?,
    ])
}

async fn overdue_employers(app: &App, today: Date) -> AppResult<Vec<(EmployerRow, Option<i64>)>> {
    let found = app
        .collection()
        .overdue_employers(today, LIST_SHOWN as u32)
        .await?;
    Ok(found
        .iter()
        .map(|(e, case)| (employer_row(e), case.as_ref().map(|c| c.case_id)))
        .collect())
}

async fn collection_page(
    state: &WebState,
    session: &Session,
    query: &str,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let year = today.contribution_year();
    let loaded: AppResult<_> = async {
        Ok((
            kpis(app, today).await?,
            overdue_employers(app, today).await?,
            app.collection().employers_not_filed(year).await?,
            app.collection().enforcement_cases(None).await?,
        ))
    }
    .await;
    let (kpis, overdue, not_filed, cases) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let mut error = error;
    let (employers, members) = if query.trim().is_empty() {
        (Vec::new(), Vec::new())
    } else {
        match app.collection().search_registry(query).await {
            Ok(found) => found,
            Err(AppError::Rejected(d)) => {
                error = Some(d.message().to_string());
                (Vec::new(), Vec::new())
            }
            Err(e) => return failure(app, Some(session), e),
        }
    };
    let page = CollectionPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        kpis,
        query: query.to_string(),
        searched: !query.trim().is_empty(),
        employers: employers.iter().map(employer_row).collect(),
        members: members.iter().map(member_row).collect(),
        overdue,
        not_filed: not_filed
            .iter()
            .take(LIST_SHOWN)
            .map(employer_row)
            .collect(),
        cases: named_cases(app, &cases).await,
        can_enforce: duties::ENFORCERS.contains(&session.principal.role),
        can_run_day: session.principal.role == Role::Manager,
        default_deadline: today
            .add_days(anju_app::collection::REMINDER_DAYS)
            .map(|d| d.to_string())
            .unwrap_or_default(),
        year,
    };
    render(app, Some(session), page.render())
}

/// The first cases with their employers' names (one read for all of them;
/// a name that cannot be read shows as the employer's number).
async fn named_cases(app: &App, cases: &[CaseRecord]) -> Vec<CaseRow> {
    let shown = &cases[..cases.len().min(LIST_SHOWN)];
    let ids: Vec<i64> = shown.iter().map(|c| c.employer_id).collect();
    let names = app
        .collection()
        .employer_names(&ids)
        .await
        .unwrap_or_default();
    shown
        .iter()
        .map(|c| {
            let name = names.get(&c.employer_id).cloned();
            case_row(c, name.unwrap_or_else(|| c.employer_id.to_string()))
        })
        .collect()
}

#[derive(Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

pub async fn collection_home(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<SearchQuery>,
) -> Response {
    collection_page(&state, &session, &query.q, None, None).await
}

/// Re-renders a page with the outcome of a command: 422 with the reason for
/// a refusal, the 500 page for anything else.
/// A page's notice, or its refusal answered with the refusal's status.
pub(super) async fn answer<F, Fut>(
    state: &WebState,
    session: &Session,
    result: AppResult<String>,
    page: F,
) -> Response
where
    F: FnOnce(Option<String>, Option<String>) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    match result {
        Ok(notice) => page(Some(notice), None).await,
        Err(AppError::Rejected(d)) => crate::pages::with_status(
            page(None, Some(d.message().to_string())).await,
            status_of(d.kind()),
        ),
        Err(e) => failure(&state.app, Some(session), e),
    }
}

// ----- an employer's file -----

pub struct BillRow {
    pub bill_id: i64,
    pub period: i32,
    pub kind: &'static str,
    pub total: Fen,
    pub due: String,
    pub status: &'static str,
    pub correctable: bool,
}

fn bill_row(b: &BillRecord, today: Date) -> BillRow {
    BillRow {
        bill_id: b.bill_id,
        period: b.period,
        kind: if b.kind == BillKind::BackPayment {
            "补缴"
        } else {
            "汇缴"
        },
        total: b.total_fen,
        due: b.due_date.to_string(),
        status: match b.status {
            _ if b.reversal_entry_id.is_some() => "已更正",
            BillStatus::Paid => "已缴",
            _ if b.due_date < today => "逾期未缴",
            _ => "待缴",
        },
        correctable: b.status == BillStatus::Paid && b.reversal_entry_id.is_none(),
    }
}

#[derive(Template)]
#[template(path = "staff_employer.html")]
struct EmployerFile {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    employer: EmployerRow,
    source: &'static str,
    attributes: String,
    rates: String,
    members: Vec<MemberRow>,
    bills: Vec<BillRow>,
    case: Option<CaseRow>,
    can_act: bool,
    /// May ask for the roster with full identities (实名导出).
    can_export_identified: bool,
    identified_export_limit: usize,
}

async fn employer_file(
    state: &WebState,
    session: &Session,
    employer_id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let loaded: AppResult<_> = async {
        Ok((
            app.collection().employer(employer_id).await?,
            app.collection().members_of(employer_id, 200).await?,
            app.collection().bills_of(employer_id, 36).await?,
            app.collection().open_case_of(employer_id).await?,
        ))
    }
    .await;
    let (employer, members, bills, case) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let Some(employer) = employer else {
        return error_page(app, Some(session), StatusCode::NOT_FOUND, "没有这个单位。");
    };
    let today = state.today();
    let rate = |ppm| anju_domain::RatePpm::new(ppm).map_or_else(|_| "-".into(), |r| r.to_string());
    let page = EmployerFile {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        source: if employer.source == "yjs" {
            "“一件事”企业开办"
        } else {
            "柜面/网厅登记"
        },
        attributes: format!(
            "经济类型 {}；行业 {}；单位账号 {}",
            employer.economic_type.as_deref().unwrap_or("-"),
            employer.industry.as_deref().unwrap_or("-"),
            employer
                .bank_account
                .as_deref()
                .map_or_else(|| "-".to_string(), last_four)
        ),
        rates: format!(
            "{} / {}",
            rate(employer.employer_rate_ppm.ppm()),
            rate(employer.member_rate_ppm.ppm())
        ),
        employer: employer_row(&employer),
        members: members.iter().map(member_row).collect(),
        bills: bills.iter().map(|b| bill_row(b, today)).collect(),
        case: case.as_ref().map(|c| case_row(c, employer.name.clone())),
        can_act: is_maker(session),
        can_export_identified: duties::IDENTITY_VIEWERS.contains(&session.principal.role),
        identified_export_limit: app.identified_export_limit(),
    };
    render(app, Some(session), page.render())
}

pub async fn employer_detail(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(employer_id): Path<i64>,
) -> Response {
    let viewed = state
        .app
        .access()
        .audit(
            &session.actor(&context),
            "employer.view",
            &format!("employer:{employer_id}"),
            b"",
            anju_app::access::CommandOutcome::Done,
        )
        .await;
    if let Err(e) = viewed {
        return failure(&state.app, Some(&session), e);
    }
    employer_file(&state, &session, employer_id, None, None).await
}

#[derive(Deserialize)]
pub struct StatusForm {
    action: String,
}

/// 单位封存 / 启封 / 销户 at the counter.
pub async fn employer_status(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(employer_id): Path<i64>,
    Form(form): Form<StatusForm>,
) -> Response {
    let actor = session.actor(&context);
    let app = &state.app;
    let result: AppResult<String> = async {
        let done = match form.action.as_str() {
            "seal" => app.collection().seal_employer(&actor, employer_id).await?,
            "unseal" => {
                app.collection()
                    .unseal_employer(&actor, employer_id)
                    .await?
            }
            "close" => app.collection().close_employer(&actor, employer_id).await?,
            _ => return Err(DomainError::new("FORM_INVALID", "未知的操作").into()),
        };
        Ok(format!("单位状态已变更为“{}”。", done.status.name_zh()))
    }
    .await;
    answer(&state, &session, result, |n, e| {
        employer_file(&state, &session, employer_id, n, e)
    })
    .await
}

#[derive(Deserialize)]
pub struct IdentifiedForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    format: String,
}

/// 实名导出 of the employer's roster: the file at once within the limit;
/// above it the employer's file again, telling that a manager decides.
pub async fn identified_roster(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(employer_id): Path<i64>,
    Form(form): Form<IdentifiedForm>,
) -> Response {
    let asked: AppResult<_> = async {
        let request = IdentifiedExportRequest {
            employer_id,
            format: Format::parse(&form.format)?,
            reason: form.reason,
        };
        let actor = session.actor(&context);
        state
            .app
            .collection()
            .export_roster_identified(&actor, &request)
            .await
    }
    .await;
    let result = match asked {
        Ok(IdentifiedRoster::Ready(export)) => return crate::exports::download(export),
        Ok(IdentifiedRoster::AwaitingApproval(task)) => Ok(format!(
            "名单超过 {} 人，已提交管理员审批（待办 {}）；批准后请在工作台“待下载的实名导出”中下载，限一次，{} 日内有效。",
            state.app.identified_export_limit(),
            task.task_id,
            anju_app::collection::APPROVAL_VALID_DAYS
        )),
        Err(e) => Err(e),
    };
    answer(&state, &session, result, |n, e| {
        employer_file(&state, &session, employer_id, n, e)
    })
    .await
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

/// 错缴更正: a maker asks; a reviewer approves in the queue.
pub async fn bill_correction(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(bill_id): Path<i64>,
    Form(form): Form<ReasonForm>,
) -> Response {
    let app = &state.app;
    let employer_id = match app.collection().bill(bill_id).await {
        Ok(Some((b, _))) => b.employer_id,
        Ok(None) => {
            return error_page(app, Some(&session), StatusCode::NOT_FOUND, "没有这份清册。");
        }
        Err(e) => return failure(app, Some(&session), e),
    };
    let result = app
        .collection()
        .request_bill_correction(&session.actor(&context), bill_id, &form.reason)
        .await
        .map(|t| format!("更正申请已提交审核（待办 {}）。", t.task_id));
    answer(&state, &session, result, |n, e| {
        employer_file(&state, &session, employer_id, n, e)
    })
    .await
}

// ----- a member's file -----

#[derive(Template)]
#[template(path = "staff_member.html")]
struct MemberFile {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    member: MemberRow,
    employer: String,
    balance: Fen,
    wage: Fen,
    frozen: bool,
    can_act: bool,
    /// May ask for the full name and ID number.
    can_reveal: bool,
    /// The full name and ID number, once asked for (and audited).
    revealed: Option<(String, String)>,
}

/// Whether the page shows the member's identity in full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Identity {
    Masked,
    Full,
}

async fn member_file(
    state: &WebState,
    session: &Session,
    member_id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    member_file_showing(state, session, member_id, notice, error, Identity::Masked).await
}

async fn member_file_showing(
    state: &WebState,
    session: &Session,
    member_id: i64,
    notice: Option<String>,
    error: Option<String>,
    identity: Identity,
) -> Response {
    let app = &state.app;
    let (member, balance) = match (
        app.collection().member(member_id).await,
        app.ledger().member_account(MemberId(member_id)).await,
    ) {
        (Ok(member), Ok(balance)) => (member, balance),
        (Err(e), _) | (_, Err(e)) => return failure(app, Some(session), e),
    };
    let Some(member) = member else {
        return error_page(
            app,
            Some(session),
            StatusCode::NOT_FOUND,
            "没有这个个人账户。",
        );
    };
    let employer = match member.employer_id {
        Some(id) => match app.collection().employer(id).await {
            Ok(e) => e.map_or_else(|| id.to_string(), |e| e.name),
            Err(e) => return failure(app, Some(session), e),
        },
        None => "无".to_string(),
    };
    let page = MemberFile {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        frozen: member.status == MemberStatus::Frozen,
        wage: member.wage_fen,
        member: member_row(&member),
        employer,
        balance: balance.map_or(Fen::ZERO, |b| b.balance),
        can_act: is_maker(session),
        can_reveal: duties::IDENTITY_VIEWERS.contains(&session.principal.role),
        revealed: (identity == Identity::Full)
            .then(|| (member.name.clone(), member.id_card.clone())),
    };
    render(app, Some(session), page.render())
}

pub async fn member_detail(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(member_id): Path<i64>,
) -> Response {
    audited_file(&state, &context, &session, member_id, Identity::Masked).await
}

/// 查看完整身份信息: the member's full name and ID number, for the staff
/// who check identity at the counter (the route admits only them).
pub async fn member_reveal(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(member_id): Path<i64>,
) -> Response {
    audited_file(&state, &context, &session, member_id, Identity::Full).await
}

/// The member's file, the view audited first (`member.view`, or
/// `member.reveal` for the full identity): nothing is shown if the audit
/// row cannot be written.
async fn audited_file(
    state: &WebState,
    context: &RequestContext,
    session: &Session,
    member_id: i64,
    identity: Identity,
) -> Response {
    let action = match identity {
        Identity::Masked => "member.view",
        Identity::Full => "member.reveal",
    };
    let viewed = state
        .app
        .access()
        .audit(
            &session.actor(context),
            action,
            &format!("member:{member_id}"),
            b"",
            anju_app::access::CommandOutcome::Done,
        )
        .await;
    if let Err(e) = viewed {
        return failure(&state.app, Some(session), e);
    }
    member_file_showing(state, session, member_id, None, None, identity).await
}

#[derive(Deserialize)]
pub struct FreezeForm {
    action: String,
    #[serde(default)]
    reason: String,
}

/// 冻结 / 解冻 with the legal basis (court order number, investigation).
pub async fn member_freeze(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(member_id): Path<i64>,
    Form(form): Form<FreezeForm>,
) -> Response {
    let actor: Actor = session.actor(&context);
    let app = &state.app;
    let result: AppResult<String> = async {
        let done = match form.action.as_str() {
            "freeze" => {
                app.collection()
                    .freeze_member(&actor, member_id, &form.reason)
                    .await?
            }
            "unfreeze" => {
                app.collection()
                    .unfreeze_member(&actor, member_id, &form.reason)
                    .await?
            }
            _ => return Err(DomainError::new("FORM_INVALID", "未知的操作").into()),
        };
        Ok(format!("账户状态已变更为“{}”。", done.status.name_zh()))
    }
    .await;
    answer(&state, &session, result, |n, e| {
        member_file(&state, &session, member_id, n, e)
    })
    .await
}

// ----- enforcement cases -----

pub struct StepRow {
    pub step_no: i32,
    pub step: &'static str,
    pub on: String,
    pub deadline: String,
    pub document: String,
    pub staff: String,
    pub note: String,
    /// 同意 / 不同意 (legal reviews), empty otherwise.
    pub outcome: &'static str,
    pub evidence: String,
}

#[derive(Template)]
#[template(path = "staff_case.html")]
struct CaseFile {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    case: CaseRow,
    employer: String,
    steps: Vec<StepRow>,
    open: bool,
    /// What the case waits for, in words (下一环节).
    awaiting: String,
    /// The steps this person may record now: (code, name).
    options: Vec<(&'static str, &'static str)>,
    /// The form asks for a legal review's conclusion.
    reviewing: bool,
}

async fn case_file(
    state: &WebState,
    session: &Session,
    case_id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let found = match app.collection().enforcement_case(case_id).await {
        Ok(found) => found,
        Err(e) => return failure(app, Some(session), e),
    };
    let Some((case, steps)) = found else {
        return error_page(app, Some(session), StatusCode::NOT_FOUND, "没有这个案件。");
    };
    let employer = match app.collection().employer(case.employer_id).await {
        Ok(e) => e.map_or_else(|| case.employer_id.to_string(), |e| e.name),
        Err(e) => return failure(app, Some(session), e),
    };
    let logins = steps.iter().map(|s| s.staff_login.as_str());
    let people = match app.access().names_of(logins).await {
        Ok(people) => people,
        Err(e) => return failure(app, Some(session), e),
    };
    let facts: Vec<StepFact<'_>> = steps.iter().map(|s| s.fact()).collect();
    let options = step_options(&facts, session.principal.role);
    let page = CaseFile {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        open: case.status == CaseStatus::Open,
        case: case_row(&case, employer.clone()),
        employer,
        steps: steps
            .iter()
            .map(|s| StepRow {
                step_no: s.step_no,
                step: s.kind.name_zh(),
                on: s.acted_on.to_string(),
                deadline: s.deadline.map(|d| d.to_string()).unwrap_or_default(),
                document: s.document.clone(),
                staff: people.of(&s.staff_login),
                note: s.note.clone(),
                outcome: s.outcome.map_or("", |o| o.name_zh()),
                evidence: s.evidence.clone(),
            })
            .collect(),
        awaiting: awaiting(&facts),
        options: options.iter().map(|s| (s.code(), s.name_zh())).collect(),
        reviewing: options.contains(&CaseStep::LegalReview),
    };
    render(app, Some(session), page.render())
}

/// The steps `role` may record next: those the case allows that are its
/// duty, and closing for the enforcement staff.
fn step_options(facts: &[StepFact<'_>], role: Role) -> Vec<CaseStep> {
    let mut options: Vec<CaseStep> = next_steps(facts)
        .into_iter()
        .filter(|s| s.duty().contains(&role))
        .collect();
    if CaseStep::Closed.duty().contains(&role) {
        options.push(CaseStep::Closed);
    }
    options
}

/// 下一环节 in words: the step due and, for a legal review, the decision
/// it is asked to clear.
fn awaiting(facts: &[StepFact<'_>]) -> String {
    let names: Vec<String> = next_steps(facts)
        .into_iter()
        .map(|s| match s {
            CaseStep::LegalReview => format!("法制审核（拟{}）", proposed_penalty(facts).name_zh()),
            other => other.name_zh().to_string(),
        })
        .collect();
    names.join("或")
}

/// A step's document (执法文书) as PDF, worded from the case's record.
pub async fn case_document(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Path((case_id, step_no)): Path<(i64, i32)>,
) -> Response {
    let document = match state.app.collection().case_document(case_id, step_no).await {
        Ok(document) => document,
        Err(e) => return failure(&state.app, Some(&session), e),
    };
    let doc = crate::pdf_doc::ReportDoc {
        title: document.title.to_string(),
        subtitle: document.number.clone(),
        sections: vec![crate::pdf_doc::Section {
            heading: format!("{}：", document.addressee),
            blocks: document
                .paragraphs
                .iter()
                .cloned()
                .map(crate::pdf_doc::Block::Paragraph)
                .chain([crate::pdf_doc::Block::Paragraph(format!(
                    "{}\n{}",
                    document.issuer, document.issued_on
                ))])
                .collect(),
        }],
        footer: document.issuer.clone(),
        first_page_marks: String::new(),
    };
    (
        [
            (header::CONTENT_TYPE, "application/pdf".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"case-{case_id}-{step_no}.pdf\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_string()),
        ],
        crate::pdf_doc::render_report(&doc),
    )
        .into_response()
}

pub async fn case_detail(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Path(case_id): Path<i64>,
) -> Response {
    case_file(&state, &session, case_id, None, None).await
}

/// A legal review's conclusion as the form sends it; none when left out.
fn parse_outcome(text: &str) -> AppResult<Option<ReviewOutcome>> {
    match text.trim() {
        "" => Ok(None),
        code => Ok(Some(ReviewOutcome::parse(code)?)),
    }
}

fn parse_date(text: &str) -> AppResult<Option<Date>> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    Ok(Some(Date::parse(text)?))
}

#[derive(Deserialize)]
pub struct OpenCaseForm {
    employer_id: i64,
    document: String,
    deadline: String,
}

/// Opens a case with its 催缴 reminder.
pub async fn open_case(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<OpenCaseForm>,
) -> Response {
    let app = &state.app;
    let result: AppResult<String> = async {
        let deadline = parse_date(&form.deadline)?
            .ok_or_else(|| DomainError::new("CASE_DEADLINE_REQUIRED", "请填写缴存期限"))?;
        let case = app
            .collection()
            .open_enforcement_case(
                &session.actor(&context),
                form.employer_id,
                &form.document,
                deadline,
                state.today(),
            )
            .await?;
        Ok(format!(
            "已立案（案件 {}），催缴通知期限 {deadline}。",
            case.case_id
        ))
    }
    .await;
    answer(&state, &session, result, |n, e| {
        collection_page(&state, &session, "", n, e)
    })
    .await
}

#[derive(Deserialize)]
pub struct StepForm {
    step: String,
    #[serde(default)]
    deadline: String,
    #[serde(default)]
    document: String,
    #[serde(default)]
    note: String,
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    evidence: String,
}

/// The next step of a case: 责令限期缴存, 申请法院强制执行, or 结案.
pub async fn case_step(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(case_id): Path<i64>,
    Form(form): Form<StepForm>,
) -> Response {
    let app = &state.app;
    let result: AppResult<String> = async {
        let input = CaseStepInput {
            step: CaseStep::parse(&form.step)?,
            deadline: parse_date(&form.deadline)?,
            document: form.document.clone(),
            note: form.note.clone(),
            outcome: parse_outcome(&form.outcome)?,
            evidence: form.evidence.clone(),
        };
        app.collection()
            .add_case_step(&session.actor(&context), case_id, &input, state.today())
            .await?;
        Ok(format!("已办理“{}”。", input.step.name_zh()))
    }
    .await;
    answer(&state, &session, result, |n, e| {
        case_file(&state, &session, case_id, n, e)
    })
    .await
}

/// 归集日终 on demand (the same job `anju collection-day` runs).
pub async fn run_collection_day(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let result = state
        .app
        .collection()
        .collection_day(&session.actor(&context), state.today())
        .await
        .map(|day| {
            format!(
                "日终完成：逾期单位 {} 家，新立催缴案件 {} 件，缓缴期满恢复正常 {} 家。",
                day.overdue_employers,
                day.cases_opened.len(),
                day.deferrals_ended.len()
            )
        });
    answer(&state, &session, result, |n, e| {
        collection_page(&state, &session, "", n, e)
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::percent_text;

    #[test]
    fn percentages_round_half_up_in_integers() {
        assert_eq!(percent_text(1, 3), "33.33%（1 / 3）");
        assert_eq!(percent_text(2, 3), "66.67%（2 / 3）");
        assert_eq!(percent_text(72, 100), "72.00%（72 / 100）");
        assert_eq!(percent_text(0, 0), "暂无数据");
    }
}
