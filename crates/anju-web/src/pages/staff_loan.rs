//! 贷款审批 for staff: the queues by status — 初审, 审批 (a second person;
//! a manager above the policy amount), 签约 with the mortgage registration,
//! 放款 — each application with the limit and the cap that bound it; the
//! daily repayment run (还款批量) and 1 January repricing; each loan's
//! account (the member's view); and the overdue list with K12 / K13 and
//! the book by five-grade class.

use super::loan::{
    AccountPage, Refusal, account_view, binding_name, business_date, caps_of, commercial_text,
    rate_text, remote_text,
};
use super::{KpiRow, Layout, failure, masked_id_card, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::status_of;
use crate::state::WebState;
use anju_app::access::PeopleNames;
use anju_app::loan::{LoanRecord, RepricingSummary, RunSummary};
use anju_app::{AppError, AppResult};
use anju_domain::access::{Role, duties};
use anju_domain::collection::mask_name;
use anju_domain::loan::LoanProduct;
use anju_domain::loan::{LoanStatus, Method};
use anju_domain::{Date, Fen};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::response::Response;
use serde::Deserialize;
use std::collections::HashMap;

/// The statuses staff act on, in the order of the life cycle.
/// The queues, in the order a loan passes through them.
const QUEUES: [LoanStatus; 5] = [
    LoanStatus::Submitted,
    LoanStatus::Reviewed,
    LoanStatus::FirstApproved,
    LoanStatus::Approved,
    LoanStatus::Contracted,
];

pub struct QueueRow {
    pub id: i64,
    pub borrower: String,
    pub applied_on: String,
    pub amount: Fen,
    pub months: i32,
    pub method: &'static str,
    pub rate: String,
    pub limit: Fen,
    pub binding: &'static str,
    pub caps: Vec<super::loan::CapRow>,
    pub first_home: bool,
    pub family: bool,
    /// Where the grade, the loan data and the relations came from.
    pub sources: Vec<String>,
    /// Co-borrowers who have not yet consented themselves.
    pub consents_missing: usize,
    pub property: String,
    pub price: String,
    pub income: Fen,
    pub entrusted: bool,
    pub remote: Option<String>,
    pub commercial: Option<String>,
    pub seller: String,
    pub second: bool,
    pub people: String,
    pub note: String,
    pub contract_no: String,
    pub can_review: bool,
    pub can_approve: bool,
    pub own: Option<&'static str>,
    pub can_reject: bool,
    pub can_contract: bool,
    pub can_disburse: bool,
}

pub struct QueueSection {
    pub id: &'static str,
    pub heading: &'static str,
    pub rows: Vec<QueueRow>,
}

pub struct ActiveRow {
    pub id: i64,
    pub borrower: String,
    pub contract_no: String,
    pub amount: Fen,
    pub outstanding: Fen,
    pub grade: &'static str,
    pub overdue: bool,
}

/// What a run or a repricing just did.
pub enum Outcome {
    None,
    Run(Date, RunSummary),
    Repriced(Date, RepricingSummary),
}

#[derive(Template)]
#[template(path = "staff_loans.html")]
struct QueuePage {
    layout: Layout,
    notice: Option<String>,
    error: Option<Refusal>,
    sections: Vec<QueueSection>,
    active: Vec<ActiveRow>,
    today: String,
    can_run: bool,
    can_reprice: bool,
    can_enter_project: bool,
    request_key: String,
    run: Option<RunView>,
    repriced: Option<(String, u64, u64)>,
}

pub struct RunView {
    pub date: String,
    pub loans: u64,
    pub paid_in_full: u64,
    pub partly_paid: u64,
    pub unpaid: u64,
    pub collected: Fen,
    pub principal: Fen,
    pub interest: Fen,
    pub penalty: Fen,
    pub newly_overdue: Fen,
    pub entries: u64,
    pub replayed: u64,
}

fn run_view(date: Date, s: &RunSummary) -> RunView {
    RunView {
        date: date.to_string(),
        loans: s.loans,
        paid_in_full: s.paid_in_full,
        partly_paid: s.partly_paid,
        unpaid: s.unpaid,
        collected: Fen::new(s.collected_fen),
        principal: Fen::new(s.principal_fen),
        interest: Fen::new(s.interest_fen),
        penalty: Fen::new(s.penalty_fen),
        newly_overdue: Fen::new(s.newly_overdue_fen),
        entries: s.entries,
        replayed: s.replayed,
    }
}

/// The borrowers of a page of loans, read at once: `王*（3205**********1230）`
/// by member id.
async fn borrowers(state: &WebState, loans: &[&LoanRecord]) -> AppResult<HashMap<i64, String>> {
    let ids: Vec<i64> = loans
        .iter()
        .filter(|l| l.product != LoanProduct::Project)
        .map(|l| l.member_id)
        .collect();
    Ok(state
        .app
        .collection()
        .members_by_ids(&ids)
        .await?
        .into_iter()
        .map(|m| {
            let who = format!("{}（{}）", mask_name(&m.name), masked_id_card(&m.id_card));
            (m.member_id, who)
        })
        .collect())
}

/// A loan's borrower from `borrowers`: the builder of a project loan, or
/// `-` when the member is not found.
fn borrower_of(names: &HashMap<i64, String>, l: &LoanRecord) -> String {
    if l.product == LoanProduct::Project {
        return format!("{}（公租房项目贷款）", l.seller_name);
    }
    names
        .get(&l.member_id)
        .cloned()
        .unwrap_or_else(|| "-".to_string())
}

/// One loan's borrower (a page about a single loan).
async fn borrower(state: &WebState, l: &LoanRecord) -> AppResult<String> {
    Ok(borrower_of(&borrowers(state, &[l]).await?, l))
}

/// Who handled the loan so far, by name and role.
fn people(l: &LoanRecord, names: &PeopleNames) -> String {
    let mut parts = vec![format!("申请：{}", names.of(&l.applicant))];
    let steps = [
        ("初审", &l.reviewed_by),
        ("审批", &l.approved_by),
        ("二级审批", &l.second_approved_by),
    ];
    for (step, who) in steps {
        if let Some(who) = who {
            parts.push(format!("{step}：{}", names.of(who)));
        }
    }
    parts.join("；")
}

/// The logins a queue's loans name (applicant and deciders).
fn handlers(loans: &[LoanRecord]) -> impl Iterator<Item = &str> {
    loans.iter().flat_map(|l| {
        [&l.reviewed_by, &l.approved_by, &l.second_approved_by]
            .into_iter()
            .flatten()
            .map(String::as_str)
            .chain([l.applicant.as_str()])
    })
}

/// What a queue's rows read for the whole page at once.
struct QueueFacts {
    /// Borrower by member id.
    names: HashMap<i64, String>,
    /// Co-borrowers still to consent, by loan.
    consents_missing: HashMap<i64, usize>,
    /// Staff by name and role.
    people: PeopleNames,
}

fn queue_row(session: &Session, facts: &QueueFacts, l: &LoanRecord) -> QueueRow {
    let me = &session.principal;
    let makers = duties::CASE_DESK.contains(&me.role);
    let checkers = duties::REVIEWERS.contains(&me.role);
    let login = Some(me.login.clone());
    let own = if l.reviewed_by == login {
        Some("您是本笔贷款的初审人，不能审批")
    } else if l.status == LoanStatus::FirstApproved && l.approved_by == login {
        Some("您已作一级审批，二级审批须由另一位管理员办理")
    } else {
        None
    };
    QueueRow {
        id: l.loan_id,
        borrower: borrower_of(&facts.names, l),
        applied_on: l.applied_on.to_string(),
        amount: l.amount_fen,
        months: l.months,
        method: l.method.name(),
        rate: rate_text(l.rate_ppm.ppm()),
        limit: l.limit_fen,
        binding: binding_name(l),
        caps: caps_of(l),
        first_home: l.first_home,
        family: l.family,
        sources: super::source_lines(&l.facts_source),
        consents_missing: facts.consents_missing.get(&l.loan_id).copied().unwrap_or(0),
        property: format!(
            "{}，{}，{}",
            l.property_kind.name_zh(),
            l.property_address,
            super::loan::area_text(l.area_centi_m2)
        ),
        price: match l.appraisal_fen {
            Some(a) => format!("{}（评估价 {}）", l.price_fen, a),
            None => l.price_fen.to_string(),
        },
        income: l.monthly_income_fen,
        entrusted: l.entrusted,
        remote: remote_text(l),
        commercial: commercial_text(l),
        seller: format!(
            "{}（{}）",
            l.seller_name,
            super::staff_collection::last_four(&l.seller_account)
        ),
        second: l.needs_second,
        people: people(l, &facts.people),
        note: l.note.clone(),
        contract_no: l.contract_no.clone().unwrap_or_default(),
        can_review: makers && l.status == LoanStatus::Submitted,
        can_approve: checkers
            && matches!(l.status, LoanStatus::Reviewed | LoanStatus::FirstApproved),
        own,
        can_reject: makers
            && matches!(
                l.status,
                LoanStatus::Submitted
                    | LoanStatus::Reviewed
                    | LoanStatus::FirstApproved
                    | LoanStatus::Approved
            ),
        can_contract: makers && l.status == LoanStatus::Approved,
        can_disburse: duties::FINANCE.contains(&me.role) && l.status == LoanStatus::Contracted,
    }
}

async fn queue_page(
    state: &WebState,
    session: &Session,
    notice: Option<String>,
    error: Option<Refusal>,
    outcome: Outcome,
) -> Response {
    let app = &state.app;
    let built: AppResult<(Vec<QueueSection>, Vec<ActiveRow>)> = async {
        let mut sections = Vec::new();
        for status in QUEUES {
            let loans = app.loans().loan_queue(status).await?;
            let facts = QueueFacts {
                names: borrowers(state, &loans.iter().collect::<Vec<_>>()).await?,
                consents_missing: if status == LoanStatus::Submitted {
                    let ids: Vec<i64> = loans.iter().map(|l| l.loan_id).collect();
                    app.loans().consents_missing_of(&ids).await?
                } else {
                    HashMap::new()
                },
                people: app.access().names_of(handlers(&loans)).await?,
            };
            let rows = loans
                .iter()
                .map(|l| queue_row(session, &facts, l))
                .collect();
            sections.push(QueueSection {
                id: status.code(),
                heading: status.name_zh(),
                rows,
            });
        }
        let loans = app.loans().loan_queue(LoanStatus::Active).await?;
        let names = borrowers(state, &loans.iter().collect::<Vec<_>>()).await?;
        let mut active = Vec::new();
        for l in &loans {
            active.push(ActiveRow {
                id: l.loan_id,
                borrower: borrower_of(&names, l),
                contract_no: l.contract_no.clone().unwrap_or_default(),
                amount: l.amount_fen,
                outstanding: l.outstanding_fen,
                grade: l.grade.name(),
                overdue: l.overdue_since.is_some(),
            });
        }
        Ok((sections, active))
    }
    .await;
    let (sections, active) = match built {
        Ok(built) => built,
        Err(e) => return failure(app, Some(session), e),
    };
    let role = session.principal.role;
    let (run, repriced) = match outcome {
        Outcome::None => (None, None),
        Outcome::Run(date, s) => (Some(run_view(date, &s)), None),
        Outcome::Repriced(date, s) => (None, Some((date.to_string(), s.loans_seen, s.repriced))),
    };
    let page = QueuePage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        sections,
        active,
        today: state.today().to_string(),
        can_run: duties::FINANCE.contains(&role),
        can_reprice: role == Role::Manager,
        can_enter_project: duties::REVIEWERS.contains(&role),
        request_key: anju_app::access::random_token(),
        run,
        repriced,
    };
    render(app, Some(session), page.render())
}

/// 贷款审批: the queues, the run and the loans being repaid.
pub async fn loan_queue(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    queue_page(&state, &session, None, None, Outcome::None).await
}

async fn answer(
    state: &WebState,
    session: &Session,
    result: AppResult<(String, Outcome)>,
) -> Response {
    match result {
        Ok((notice, outcome)) => queue_page(state, session, Some(notice), None, outcome).await,
        Err(AppError::Rejected(e)) => {
            let mut page =
                queue_page(state, session, None, Some(Refusal::of(&e)), Outcome::None).await;
            page = crate::pages::with_status(page, status_of(e.kind()));
            page
        }
        Err(e) => failure(&state.app, Some(session), e),
    }
}

fn moved(l: &LoanRecord) -> AppResult<(String, Outcome)> {
    Ok((
        format!("贷款 {}：{}。", l.loan_id, l.status.name_zh()),
        Outcome::None,
    ))
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

/// 初审通过.
pub async fn loan_review(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Response {
    let result = state
        .app
        .loans()
        .review_loan(&session.actor(&context), id, &form.note)
        .await;
    answer(&state, &session, result.and_then(|l| moved(&l))).await
}

/// 审批通过 (by someone other than the clerk; second level by a manager).
pub async fn loan_approve(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Response {
    let result = state
        .app
        .loans()
        .approve_loan(&session.actor(&context), id, &form.note, state.today())
        .await;
    answer(&state, &session, result.and_then(|l| moved(&l))).await
}

/// 不予贷款, with the reason the member will read.
pub async fn loan_reject(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Response {
    let result = state
        .app
        .loans()
        .reject_loan(&session.actor(&context), id, &form.note, state.today())
        .await;
    answer(&state, &session, result.and_then(|l| moved(&l))).await
}

#[derive(Deserialize)]
pub struct ContractForm {
    #[serde(default)]
    mortgage_no: String,
}

/// 签订合同 with the mortgage registration number.
pub async fn loan_contract(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<ContractForm>,
) -> Response {
    let result = state
        .app
        .loans()
        .sign_loan_contract(
            &session.actor(&context),
            id,
            &form.mortgage_no,
            state.today(),
        )
        .await
        .map(|l| {
            (
                format!(
                    "贷款 {}：已签订借款合同 {}，{}。",
                    l.loan_id,
                    l.contract_no.clone().unwrap_or_default(),
                    l.status.name_zh()
                ),
                Outcome::None,
            )
        });
    answer(&state, &session, result).await
}

/// 放款 to the seller's account.
pub async fn loan_disburse(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Response {
    let result = state
        .app
        .loans()
        .disburse_loan(&session.actor(&context), id, state.today())
        .await
        .map(|l| {
            (
                format!(
                    "贷款 {}：已放款 {} 至售房人账户，{}。",
                    l.loan_id,
                    l.amount_fen,
                    l.status.name_zh()
                ),
                Outcome::None,
            )
        });
    answer(&state, &session, result).await
}

#[derive(Deserialize)]
pub struct ProjectForm {
    request_key: String,
    project_name: String,
    borrower_name: String,
    account: String,
    amount: String,
    months: String,
    rate: String,
    method: String,
}

/// 公租房项目贷款登记: entered by a reviewer, approved by another person.
pub async fn loan_project(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Extension(ctx): Extension<RequestContext>,
    Form(form): Form<ProjectForm>,
) -> Response {
    let result = async {
        let application = anju_app::loan::ProjectLoanApplication {
            request_key: form.request_key.clone(),
            project_name: form.project_name.clone(),
            borrower_name: form.borrower_name.clone(),
            account: form.account.clone(),
            amount: Fen::parse(form.amount.trim())?,
            months: form.months.trim().parse().map_err(|_| {
                anju_domain::DomainError::new("LOAN_TERM_INVALID", "贷款期限须为整数个月")
            })?,
            rate: anju_domain::RatePpm::parse_percent(form.rate.trim())?,
            method: Method::parse(form.method.trim())?,
        };
        let l = state
            .app
            .loans()
            .enter_project_loan(&session.actor(&ctx), application, state.today())
            .await?;
        Ok((
            format!("项目贷款 {} 已登记，待另一位审核人审批。", l.loan_id),
            Outcome::None,
        ))
    }
    .await;
    answer(&state, &session, result).await
}

#[derive(Deserialize)]
pub struct DateForm {
    #[serde(default)]
    date: String,
}

/// 还款批量 for a business date (safe to rerun: a loan is collected once a day).
pub async fn loan_run(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Form(form): Form<DateForm>,
) -> Response {
    let result = async {
        let date = business_date(&form.date, state.today())?;
        let summary = state.app.loans().run_repayments(date).await?;
        Ok((
            format!("{date} 还款批量已完成。"),
            Outcome::Run(date, summary),
        ))
    }
    .await;
    answer(&state, &session, result).await
}

/// 1月1日重定价.
pub async fn loan_reprice(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Form(form): Form<DateForm>,
) -> Response {
    let result = async {
        let date = business_date(&form.date, state.today())?;
        let summary = state.app.loans().reprice_loans(date).await?;
        Ok((
            format!("{date} 存量贷款重定价已完成。"),
            Outcome::Repriced(date, summary),
        ))
    }
    .await;
    answer(&state, &session, result).await
}

/// A loan's account, as its borrower sees it, for staff.
pub async fn staff_loan_account(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Response {
    let app = &state.app;
    let account = match app
        .loans()
        .loan_account(&session.actor(&context), id, state.today())
        .await
    {
        Ok(account) => account,
        Err(e) => return failure(app, Some(&session), e),
    };
    let who = match borrower(&state, &account.loan).await {
        Ok(who) => who,
        Err(e) => return failure(app, Some(&session), e),
    };
    let page = AccountPage {
        layout: Layout::new(app, Some(&session)),
        notice: None,
        error: None,
        view: account_view(&account),
        staff: true,
        back: back_of(session.principal.role),
        request_key: String::new(),
        borrower: who,
    };
    render(app, Some(&session), page.render())
}

fn back_of(role: Role) -> &'static str {
    match role {
        Role::Clerk | Role::Reviewer | Role::Finance | Role::Manager => "/staff/loans",
        _ => "/staff/loans/overdue",
    }
}

pub struct OverdueRow {
    pub id: i64,
    pub borrower: String,
    pub contract_no: String,
    pub since: String,
    pub days: i64,
    pub grade: &'static str,
    pub principal: Fen,
    pub overdue: Fen,
    pub penalty: Fen,
    pub consecutive: i32,
    pub cumulative: i32,
}

pub struct GradeRow {
    pub name: &'static str,
    pub loans: i64,
    pub outstanding: Fen,
}

#[derive(Template)]
#[template(path = "staff_loans_overdue.html")]
struct OverduePage {
    layout: Layout,
    today: String,
    year: i32,
    rows: Vec<OverdueRow>,
    k13: KpiRow,
    k12: KpiRow,
    issued: i64,
    remote: i64,
    active_loans: i64,
    outstanding: Fen,
    overdue_principal: Fen,
    grades: Vec<GradeRow>,
}

/// `1.234‰` from millionths.
fn per_mille(ppm: Option<i64>) -> String {
    ppm.map_or_else(
        || "暂无数据".to_string(),
        |p| format!("{}.{:03}‰", p / 1000, p % 1000),
    )
}

/// `12.50%` from basis points.
fn percent_bp(bp: Option<i64>) -> String {
    bp.map_or_else(
        || "暂无数据".to_string(),
        |b| format!("{}.{:02}%", b / 100, b % 100),
    )
}

/// 逾期贷款: each overdue loan with what it owes today; K12, K13, the book by class.
pub async fn loan_overdue(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let year_start = Date::from_ymd(today.year(), 1, 1).unwrap_or(today);
    let (list, indicators) = match (
        app.loans()
            .overdue_loan_list(&session.actor(&context), today)
            .await,
        app.loans().loan_indicators(year_start, today).await,
    ) {
        (Ok(list), Ok(k)) => (list, k),
        (Err(e), _) | (_, Err(e)) => return failure(app, Some(&session), e),
    };
    let names = match borrowers(&state, &list.iter().map(|a| &a.loan).collect::<Vec<_>>()).await {
        Ok(names) => names,
        Err(e) => return failure(app, Some(&session), e),
    };
    let mut rows = Vec::new();
    for a in &list {
        let l = &a.loan;
        rows.push(OverdueRow {
            id: l.loan_id,
            borrower: borrower_of(&names, l),
            contract_no: l.contract_no.clone().unwrap_or_default(),
            since: l.overdue_since.map(|d| d.to_string()).unwrap_or_default(),
            // A run on a later business date can leave `since` after today.
            days: l
                .overdue_since
                .map_or(0, |d| i64::from(today.epoch_days() - d.epoch_days()).max(0)),
            grade: l.grade.name(),
            principal: l.overdue_principal_fen,
            overdue: a.overdue_fen,
            penalty: a.penalty_to_date,
            consecutive: l.consecutive_overdue,
            cumulative: l.cumulative_overdue,
        });
    }
    let (k13, k12) = match (
        KpiRow::new(app, "K13", per_mille(indicators.k13_overdue_ppm())),
        KpiRow::new(app, "K12", percent_bp(indicators.k12_remote_bp())),
    ) {
        (Ok(k13), Ok(k12)) => (k13, k12),
        (Err(e), _) | (_, Err(e)) => return failure(app, Some(&session), e),
    };
    let book = &indicators.book;
    let page = OverduePage {
        layout: Layout::new(app, Some(&session)),
        today: today.to_string(),
        year: today.year(),
        rows,
        k13,
        k12,
        issued: indicators.issued.count,
        remote: indicators.issued.remote_count,
        active_loans: book.active_loans,
        outstanding: book.outstanding_fen,
        overdue_principal: book.overdue_principal_fen,
        grades: book
            .by_grade
            .iter()
            .map(|(code, loans, outstanding)| GradeRow {
                name: code.name(),
                loans: *loans,
                outstanding: Fen::new(*outstanding),
            })
            .collect(),
    };
    render(app, Some(&session), page.render())
}

#[cfg(test)]
mod tests {
    use super::{per_mille, percent_bp};

    #[test]
    fn indicators_read_in_per_mille_and_percent() {
        assert_eq!(per_mille(Some(1_234)), "1.234‰");
        assert_eq!(per_mille(Some(15)), "0.015‰");
        assert_eq!(per_mille(None), "暂无数据");
        assert_eq!(percent_bp(Some(1_250)), "12.50%");
        assert_eq!(percent_bp(Some(7)), "0.07%");
    }
}
