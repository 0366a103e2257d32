//! Server-rendered pages in Simplified Chinese. Templates (askama) and static
//! files are compiled into the binary. Every page works without JavaScript;
//! htmx only shortens round trips where it is present.

mod assistant;
mod catalogue;
pub mod certificates;
mod employer;
pub(crate) mod employer_cases;
pub(crate) mod fields;
mod flexible;
pub mod grants;
pub(crate) mod loan;
mod loan_calculator;
mod outlets;
pub mod partners;
mod people;
mod public;
mod quality;
mod reminders;
mod service_times;
mod staff;
mod staff_collection;
mod staff_fund;
mod staff_interest;
mod staff_loan;
mod staff_withdrawal;
mod statement;
mod withdrawal;

pub use assistant::{
    assistant_ask, assistant_end, assistant_hand_over, assistant_page, staff_assistant,
    staff_conversation, staff_reply,
};
pub use catalogue::catalogue_page;
pub use employer::{
    add_member, employer_home, generate_bill, import_members, pay_bill, seal_member,
};
pub use employer_cases::{
    apply_relief, back_payment, bill_detail as employer_bill_detail, confirm_terms, file_bases,
    import_back_payments, import_bases,
};
pub use flexible::{
    deposit as flexible_deposit, signup_form as flexible_signup_form,
    signup_submit as flexible_signup_submit,
};
pub use loan::{
    member_loan_account, member_loan_apply, member_loan_card, member_loan_certificate,
    member_loan_check, member_loan_consent, member_loan_prepay, member_loans, remote_account_form,
    remote_account_submit,
};
pub use loan_calculator::loan_calculator;
pub use outlets::{
    member_appointments, member_book, member_cancel_appointment, member_take_ticket, outlet_page,
    outlets_page, staff_call_next, staff_check_in, staff_outlets,
};
pub use people::{inbox, mark_read, member_home};
pub use public::{home, register_form, register_submit, signin_form, signin_submit, signout};
pub use quality::{
    member_appeal, member_complain, member_rate, member_service, staff_call_complaint,
    staff_complaint, staff_enter_call, staff_file_complaint, staff_import_cdr, staff_quality,
    staff_rectify, staff_resolve_complaint, staff_review, staff_take_complaint,
};
pub use reminders::{member_choose_reminders, member_reminders, staff_reminders};
pub use service_times::staff_service_times;
pub use staff::{
    audit_search, decide_task, request_reversal, staff_home, take_export as staff_take_export,
};
pub use staff_collection::{
    bill_correction as staff_bill_correction, case_detail as staff_case_detail,
    case_document as staff_case_document, case_step as staff_case_step, collection_home,
    employer_detail as staff_employer_detail, employer_status as staff_employer_status,
    identified_roster as staff_identified_roster, member_detail as staff_member_detail,
    member_freeze as staff_member_freeze, member_reveal as staff_member_reveal,
    open_case as staff_open_case, run_collection_day,
};
pub use staff_fund::{
    annual_report, annual_report_pdf, fund_alert_acknowledge, fund_deposit_mature,
    fund_deposit_place, fund_deposits, fund_distribution, fund_distribution_approve,
    fund_distribution_prepare, fund_liquidity, fund_liquidity_check, fund_statements, kpi_cockpit,
    kpi_input,
};
pub use staff_interest::{interest_home, interest_progress, interest_settle};
pub use staff_loan::{
    loan_approve, loan_contract, loan_disburse, loan_overdue, loan_project, loan_queue,
    loan_reject, loan_reprice, loan_review, loan_run, staff_loan_account,
};
pub use staff_withdrawal::{
    withdrawal_approve, withdrawal_blacklist, withdrawal_counter, withdrawal_document,
    withdrawal_prepare, withdrawal_queue, withdrawal_reject, withdrawal_verify,
};
pub use statement::{member_interest, member_statement_csv, member_statement_pdf};
pub use withdrawal::{
    member_repayment_end, member_repayment_sign, member_withdrawal_apply, member_withdrawal_check,
    member_withdrawals, withdrawal_rules,
};

use crate::auth::Session;
use crate::error::WebError;
use crate::state::WebState;
use anju_app::App;
use anju_domain::DomainError;
use anju_domain::access::{Role, duties};
use anju_domain::ledger::business_type_name;
use askama::Template;
use axum::Extension;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
}

pub struct UserBadge {
    pub name: String,
    pub role: &'static str,
}

/// What the shared layout needs on every page.
/// A decision's stored sources (事实来源), one line per registry answer.
pub fn source_lines(text: &str) -> Vec<String> {
    text.split('；')
        .filter(|line| !line.is_empty())
        .map(str::to_string)
        .collect()
}

pub struct Layout {
    pub centre_name: String,
    pub user: Option<UserBadge>,
    pub nav: Vec<NavItem>,
    pub csrf: String,
    /// The outside parties answered by a simulator: a banner on every page
    /// says so while any is.
    pub simulators: String,
}

impl Layout {
    pub fn new(app: &App, session: Option<&Session>) -> Layout {
        Layout {
            centre_name: app.policy().centre_name.clone(),
            user: session.map(|s| UserBadge {
                name: s.principal.display_name.clone(),
                role: s.principal.role.name_zh(),
            }),
            nav: session
                .map(|s| nav_for(s.principal.role))
                .unwrap_or_default(),
            csrf: session.map(|s| s.csrf_token.clone()).unwrap_or_default(),
            simulators: app.simulators().join("、"),
        }
    }
}

/// A KPI as a page shows it: the code, name and target are the plan's
/// (`plans/*.toml`), only the value is the page's, so a change of plan
/// changes every page that shows the indicator.
pub struct KpiRow {
    pub code: String,
    pub name: String,
    pub value: String,
    pub target: String,
}

impl KpiRow {
    /// The row for `code` in the plan in force; a code the plan lacks is an
    /// error (`KPI_NOT_IN_PLAN`), never a blank label.
    pub fn new(app: &App, code: &str, value: String) -> anju_app::AppResult<KpiRow> {
        let catalogue = app.fund().plan_catalogue();
        let def = catalogue.get(code)?;
        Ok(KpiRow {
            code: def.id.clone(),
            name: def.name.clone(),
            value,
            target: def.target_text(),
        })
    }
}

/// An ID number as screens show it (`3205**********1230`); `-` if unreadable.
pub fn masked_id_card(text: &str) -> String {
    anju_domain::ids::IdCardNo::parse(text).map_or_else(|_| "-".to_string(), |i| i.masked())
}

/// The menu: each page with the duty whose members see it. The page's
/// route admits at least that duty (a test walks the route table).
const MENU: &[(&str, &str, &[Role])] = &[
    ("/member/withdrawals", "提取", duties::MEMBERS),
    ("/member/loans", "贷款", duties::MEMBERS),
    ("/member/service", "评价与投诉", duties::MEMBERS),
    ("/member/certificates", "电子证明", duties::MEMBERS),
    ("/member/grants", "数据授权", duties::MEMBERS),
    ("/member/appointments", "预约", duties::MEMBERS),
    ("/member/reminders", "提醒", duties::MEMBERS),
    ("/assistant", "智能客服", duties::MEMBERS),
    ("/staff/collection", "归集管理", duties::COLLECTION_VIEWERS),
    ("/staff/withdrawals", "提取审核", duties::CASE_DESK),
    ("/staff/outlets", "网点预约", duties::CASE_DESK),
    ("/staff/loans", "贷款审批", duties::LOAN_DESK),
    ("/staff/loans/overdue", "逾期贷款", duties::RISK_WATCH),
    ("/staff/interest", "结息管理", duties::FINANCE),
    ("/staff/fund", "资金管理", duties::FUND_VIEWERS),
    ("/staff/quality", "服务质量", duties::QUALITY_DESK),
    ("/staff/assistant", "在线客服", duties::QUALITY_DESK),
    ("/staff/reminders", "服务提醒", duties::QUALITY_DESK),
    ("/staff/service-times", "办件时效", duties::TIMELINESS),
    (
        "/staff/certificates",
        "电子证明",
        duties::CERTIFICATE_VIEWERS,
    ),
    ("/audit", "审计日志", duties::MANAGERS),
    ("/staff/log", "可信日志", duties::AUDIT),
    ("/staff/partners", "合作方令牌", duties::AUDIT),
];

/// Navigation by role: each person sees only where they may go.
fn nav_for(role: Role) -> Vec<NavItem> {
    let item = |href, label| NavItem { href, label };
    let mut nav = vec![item(home_of(role), "首页")];
    nav.extend(
        MENU.iter()
            .filter(|(_, _, duty)| duty.contains(&role))
            .map(|(href, label, _)| item(href, label)),
    );
    nav.push(item("/inbox", "消息"));
    nav
}

/// Where a role lands after signing in.
pub fn home_of(role: Role) -> &'static str {
    match role {
        Role::Member => "/member",
        Role::EmployerAgent => "/employer",
        Role::PartnerCentre => "/api/docs",
        Role::Auditor => "/audit",
        Role::EnforcementOfficer | Role::LegalReviewer => "/staff/collection",
        _ => "/staff",
    }
}

/// A movement row as pages show it.
pub struct MovementRow {
    pub entry_id: i64,
    pub value_date: String,
    pub business: &'static str,
    pub memo: String,
    pub amount: String,
}

impl MovementRow {
    pub fn from(m: &anju_app::ledger::Movement, signed: bool) -> MovementRow {
        MovementRow {
            entry_id: m.entry_id.0,
            value_date: m.value_date.to_string(),
            business: business_type_name(&m.business_type).unwrap_or("其他"),
            memo: m.memo.clone(),
            amount: if signed { m.signed_amount() } else { m.amount }.to_string(),
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    layout: Layout,
    title: &'a str,
    message: &'a str,
}

fn title_of(status: StatusCode) -> &'static str {
    match status {
        StatusCode::FORBIDDEN => "无权访问",
        StatusCode::NOT_FOUND => "页面不存在",
        StatusCode::UNAUTHORIZED => "请先登录",
        StatusCode::TOO_MANY_REQUESTS => "操作过于频繁",
        StatusCode::CONFLICT => "操作冲突",
        StatusCode::SERVICE_UNAVAILABLE => "服务暂不可用",
        s if s.is_client_error() => "请求有误",
        _ => "系统繁忙",
    }
}

pub fn error_page(
    app: &App,
    session: Option<&Session>,
    status: StatusCode,
    message: &str,
) -> Response {
    let page = ErrorPage {
        layout: Layout::new(app, session),
        title: title_of(status),
        message,
    };
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(_) => (status, message.to_string()).into_response(),
    }
}

/// The error page for a failed use case: the status from the one mapping of
/// kinds (`crate::error::status_of`), the refusal's message, or for a system
/// failure a plain sentence (the detail goes to the log).
pub fn failure(app: &App, session: Option<&Session>, error: impl Into<WebError>) -> Response {
    let error = error.into();
    error.log();
    error_page(app, session, error.status(), error.message())
}

/// The page for a member's sign-in tied to no member account: refused as
/// the API refuses it (`MEMBER_NOT_FOUND`, so 404), since nothing is broken
/// but there is no account to show.
pub fn no_member_account(app: &App, session: Option<&Session>) -> Response {
    failure(
        app,
        session,
        DomainError::new("MEMBER_NOT_FOUND", "您的登录账号尚未关联个人账户。"),
    )
}

/// Renders a page, or the 500 page if the template fails.
pub fn render(app: &App, session: Option<&Session>, page: askama::Result<String>) -> Response {
    match page {
        Ok(html) => Html(html).into_response(),
        Err(e) => {
            tracing::error!(error = %e, "template");
            internal(app, session)
        }
    }
}

/// A page re-rendered to show a refusal or a limit, answered with that
/// status; a page that itself failed to render keeps its own (500) status.
pub fn with_status(mut page: Response, status: StatusCode) -> Response {
    if page.status() == StatusCode::OK {
        *page.status_mut() = status;
    }
    page
}

/// The 500 page, for a failure that carries no error to take a status from
/// (a template that does not render). A failed use case goes to [`failure`],
/// which takes the status from the error's kind.
pub fn internal(app: &App, session: Option<&Session>) -> Response {
    error_page(
        app,
        session,
        StatusCode::INTERNAL_SERVER_ERROR,
        "系统暂时无法处理您的请求，请稍后再试。",
    )
}

pub async fn not_found(
    State(state): State<WebState>,
    session: Option<Extension<Session>>,
) -> Response {
    error_page(
        &state.app,
        session.as_deref(),
        StatusCode::NOT_FOUND,
        "您访问的页面不存在或已移动。",
    )
}

const STYLESHEET: &str = include_str!("../../static/anju.css");
const HTMX: &str = include_str!("../../static/vendor/htmx/htmx.min.js");

pub async fn stylesheet() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        STYLESHEET,
    )
        .into_response()
}

pub async fn htmx() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "max-age=3600"),
        ],
        HTMX,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::routes;
    use anju_domain::Coded;
    use axum::http::Method;

    /// A refusal shown on its page takes the refusal's status; a page that
    /// itself failed to render keeps its 500 instead of passing for a 422.
    #[test]
    fn a_refusal_status_never_hides_a_failed_page() {
        let shown = with_status(
            Html("页面").into_response(),
            StatusCode::UNPROCESSABLE_ENTITY,
        );
        assert_eq!(shown.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let failed = (StatusCode::INTERNAL_SERVER_ERROR, "系统暂时无法处理").into_response();
        let kept = with_status(failed, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(kept.status(), StatusCode::INTERNAL_SERVER_ERROR);
    }

    /// Every page a role's menu offers is a GET route that admits the role,
    /// so the menu and the routes cannot disagree.
    #[test]
    fn every_menu_item_is_a_route_that_admits_the_role() {
        let table = routes::table();
        for &role in Role::ALL {
            for item in nav_for(role) {
                let route = table
                    .iter()
                    .map(|(spec, _)| spec)
                    .find(|spec| spec.method == Method::GET && spec.path == item.href);
                let route = route.unwrap_or_else(|| panic!("{} has no route", item.href));
                assert!(
                    route.access.admits(Some(role)),
                    "{role:?} is offered {} but its route refuses them",
                    item.href
                );
            }
        }
    }
}
