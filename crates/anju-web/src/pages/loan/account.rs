//! Each loan's account — summary, caps, schedule, events, prepayment, the
//! repayment card and the signed release certificate — shared with staff.

use super::{Refusal, area_text, optional_yuan, rate_text};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::status_of;
use crate::pages::staff_collection::last_four;
use crate::pages::{Layout, failure, render};
use crate::state::WebState;
use anju_app::loan::{InstallmentRecord, LoanAccount, LoanRecord, PrepaymentRequest};
use anju_app::{AppError, AppResult};
use anju_domain::loan::InstallmentStatus;
use anju_domain::loan::LoanStatus;
use anju_domain::loan::{AfterPrepayment, CapKind};
use anju_domain::{ErrorKind, Fen, RatePpm};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

/// One cap on the limit, the binding one marked.
pub struct CapRow {
    pub name: &'static str,
    pub amount: Fen,
    pub basis: String,
    pub binding: bool,
}

/// The caps as a loan keeps them: `kind:fen;kind:fen`, `binding_cap` the kind.
pub fn caps_of(loan: &LoanRecord) -> Vec<CapRow> {
    parse_caps(&loan.caps, &loan.binding_cap)
}

fn parse_caps(caps: &str, binding: &str) -> Vec<CapRow> {
    caps.split(';')
        .filter_map(|part| {
            let (kind, fen) = part.split_once(':')?;
            Some(CapRow {
                name: CapKind::from_code(kind).map_or("其他", CapKind::name),
                amount: Fen::new(fen.parse().ok()?),
                basis: String::new(),
                binding: kind == binding,
            })
        })
        .collect()
}

pub fn binding_name(loan: &LoanRecord) -> &'static str {
    CapKind::from_code(&loan.binding_cap).map_or("-", CapKind::name)
}

pub struct InstallmentRow {
    pub period: i32,
    pub due: String,
    pub principal: Fen,
    pub interest: Fen,
    pub payment: Fen,
    pub paid: Fen,
    pub status: &'static str,
    pub class: &'static str,
}

fn installment_row(i: &InstallmentRecord) -> InstallmentRow {
    let (status, class) = match i.status {
        InstallmentStatus::Paid => ("已还", "paid"),
        InstallmentStatus::Overdue => ("逾期", "overdue"),
        InstallmentStatus::Due => ("待还", "due"),
    };
    InstallmentRow {
        period: i.period,
        due: i.due_date.to_string(),
        principal: i.principal_fen,
        interest: i.interest_fen,
        payment: Fen::new(i.principal_fen.get() + i.interest_fen.get()),
        paid: Fen::new(
            i.paid_principal_fen.get() + i.paid_interest_fen.get() + i.paid_penalty_fen.get(),
        ),
        status,
        class,
    }
}

pub struct EventRow {
    pub on: String,
    pub kind: &'static str,
    pub amount: Fen,
    pub principal: Fen,
    pub interest: Fen,
    pub penalty: Fen,
    pub note: String,
}

/// A loan's account as its borrower and staff read it.
pub struct AccountView {
    pub id: i64,
    pub status: &'static str,
    pub active: bool,
    pub settled: bool,
    /// Still running or to come: the repayment card may change.
    pub open: bool,
    pub contract_no: String,
    pub mortgage_no: String,
    pub applied_on: String,
    pub disbursed_on: String,
    pub settled_on: String,
    pub amount: Fen,
    pub months: i32,
    pub method: &'static str,
    pub rate: String,
    pub rates: Vec<(String, String, String)>,
    pub outstanding: Fen,
    pub overdue: Fen,
    pub overdue_principal: Fen,
    pub overdue_since: String,
    pub penalty: Fen,
    pub grade: &'static str,
    pub consecutive: i32,
    pub cumulative: i32,
    pub next_due: String,
    pub repay_card: String,
    pub entrusted: bool,
    pub property: String,
    pub price: Fen,
    pub appraisal: Option<Fen>,
    pub income: Fen,
    pub first_home: bool,
    pub limit: Fen,
    pub binding: &'static str,
    pub caps: Vec<CapRow>,
    pub remote: Option<String>,
    pub commercial: Option<String>,
    pub seller: String,
    pub note: String,
    pub schedule: Vec<InstallmentRow>,
    /// A combination loan, both parts month by month (the first year).
    pub combined: Vec<CombinedRow>,
    pub events: Vec<EventRow>,
}

/// One month of a combination loan: the HPF part, the bank part, together.
pub struct CombinedRow {
    pub period: u32,
    pub due: String,
    pub hpf: Fen,
    pub bank: Fen,
    pub total: Fen,
}

/// Months of a combination loan shown side by side (a year).
const COMBINED_MONTHS: usize = 12;

fn combined_rows(a: &LoanAccount) -> Vec<CombinedRow> {
    a.commercial_schedule
        .iter()
        .take(COMBINED_MONTHS)
        .map(|bank| {
            let hpf = a
                .installments
                .iter()
                .find(|i| i64::from(i.period) == i64::from(bank.period))
                .map_or(0, |i| i.principal_fen.get() + i.interest_fen.get());
            CombinedRow {
                period: bank.period,
                due: bank.due_date.map(|d| d.to_string()).unwrap_or_default(),
                hpf: Fen::new(hpf),
                bank: bank.payment,
                total: Fen::new(hpf + bank.payment.get()),
            }
        })
        .collect()
}

pub fn account_view(a: &LoanAccount) -> AccountView {
    let l = &a.loan;
    AccountView {
        id: l.loan_id,
        status: l.status.name_zh(),
        active: l.status == LoanStatus::Active,
        settled: l.status == LoanStatus::Settled,
        open: !matches!(l.status, LoanStatus::Settled | LoanStatus::Rejected),
        contract_no: l.contract_no.clone().unwrap_or_else(|| "-".into()),
        mortgage_no: l.mortgage_no.clone().unwrap_or_else(|| "-".into()),
        applied_on: l.applied_on.to_string(),
        disbursed_on: l.disbursed_on.map_or_else(|| "-".into(), |d| d.to_string()),
        settled_on: l.settled_on.map(|d| d.to_string()).unwrap_or_default(),
        amount: l.amount_fen,
        months: l.months,
        method: l.method.name(),
        rate: rate_text(l.rate_ppm.ppm()),
        rates: a
            .rates
            .iter()
            .map(|(from, rate, why)| (from.to_string(), rate.to_string(), why.clone()))
            .collect(),
        outstanding: l.outstanding_fen,
        overdue: a.overdue_fen,
        overdue_principal: l.overdue_principal_fen,
        overdue_since: l.overdue_since.map(|d| d.to_string()).unwrap_or_default(),
        penalty: a.penalty_to_date,
        grade: l.grade.name(),
        consecutive: l.consecutive_overdue,
        cumulative: l.cumulative_overdue,
        next_due: a.next_due.as_ref().map_or_else(
            || "-".into(),
            |i| {
                format!(
                    "第 {} 期，{}，{}",
                    i.period,
                    i.due_date,
                    Fen::new(i.principal_fen.get() + i.interest_fen.get())
                )
            },
        ),
        repay_card: last_four(&l.repay_card),
        entrusted: l.entrusted,
        property: format!(
            "{}，{}，{}",
            l.property_kind.name_zh(),
            l.property_address,
            area_text(l.area_centi_m2)
        ),
        price: l.price_fen,
        appraisal: l.appraisal_fen,
        income: l.monthly_income_fen,
        first_home: l.first_home,
        limit: l.limit_fen,
        binding: binding_name(l),
        caps: caps_of(l),
        remote: remote_text(l),
        commercial: commercial_text(l),
        seller: format!("{}（{}）", l.seller_name, last_four(&l.seller_account)),
        note: l.note.clone(),
        schedule: a.installments.iter().map(installment_row).collect(),
        combined: combined_rows(a),
        events: a
            .events
            .iter()
            .map(|e| EventRow {
                on: e.happened_on.to_string(),
                kind: e.kind.name_zh(),
                amount: e.amount_fen,
                principal: e.principal_fen,
                interest: e.interest_fen,
                penalty: e.penalty_fen,
                note: e.note.clone(),
            })
            .collect(),
    }
}

pub fn remote_text(l: &LoanRecord) -> Option<String> {
    l.remote_centre.as_ref().map(|centre| {
        format!(
            "{centre}，缴存使用证明 {}，证明余额 {}，连续缴存 {} 个月",
            l.remote_certificate_no.clone().unwrap_or_default(),
            l.remote_balance_fen.unwrap_or(Fen::ZERO),
            l.remote_months.unwrap_or(0)
        )
    })
}

pub fn commercial_text(l: &LoanRecord) -> Option<String> {
    l.commercial_bank.as_ref().map(|bank| {
        format!(
            "{bank}，商业贷款 {}，年利率 {}",
            l.commercial_amount_fen.unwrap_or(Fen::ZERO),
            rate_text(l.commercial_rate_ppm.map_or(0, RatePpm::ppm))
        )
    })
}

/// The account page; `staff` drops the borrower's own forms.
#[derive(Template)]
#[template(path = "loan_account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub notice: Option<String>,
    pub error: Option<Refusal>,
    pub view: AccountView,
    pub staff: bool,
    pub back: &'static str,
    pub request_key: String,
    pub borrower: String,
}

async fn account_page(
    state: &WebState,
    context: &RequestContext,
    session: &Session,
    id: i64,
    notice: Option<String>,
    error: Option<Refusal>,
) -> Response {
    let app = &state.app;
    match app
        .loans()
        .loan_account(&session.actor(context), id, state.today())
        .await
    {
        Ok(account) => {
            let page = AccountPage {
                layout: Layout::new(app, Some(session)),
                notice,
                error,
                view: account_view(&account),
                staff: false,
                back: "/member/loans",
                request_key: anju_app::access::random_token(),
                borrower: String::new(),
            };
            render(app, Some(session), page.render())
        }
        Err(e) => failure(app, Some(session), e),
    }
}

/// 贷款账户: summary, schedule, events and the borrower's forms.
pub async fn member_loan_account(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Response {
    account_page(&state, &context, &session, id, None, None).await
}

/// The account page after one of the borrower's commands.
async fn account_outcome(
    state: &WebState,
    context: &RequestContext,
    session: &Session,
    id: i64,
    result: AppResult<String>,
) -> Response {
    match result {
        Ok(notice) => account_page(state, context, session, id, Some(notice), None).await,
        // A loan the person may not see, or that is not there, has no page to
        // show the refusal on.
        Err(AppError::Rejected(e))
            if !matches!(e.kind(), ErrorKind::NotFound | ErrorKind::Forbidden) =>
        {
            let mut page =
                account_page(state, context, session, id, None, Some(Refusal::of(&e))).await;
            if page.status() == StatusCode::OK {
                page = crate::pages::with_status(page, status_of(e.kind()));
            }
            page
        }
        Err(e) => failure(&state.app, Some(session), e),
    }
}

#[derive(Deserialize)]
pub struct PrepayForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    choice: String,
    #[serde(default)]
    from_hpf: Option<String>,
    #[serde(default)]
    request_key: String,
}

/// 提前还款: part (the rest re-amortised as chosen) or all (blank amount).
pub async fn member_loan_prepay(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<PrepayForm>,
) -> Response {
    let app = &state.app;
    let result: AppResult<String> = async {
        let amount = optional_yuan(&form.amount, "提前还款金额")?.unwrap_or(Fen::ZERO);
        let choice = match form.choice.trim() {
            "" => AfterPrepayment::ShorterTerm,
            text => AfterPrepayment::parse(text)?,
        };
        let request = PrepaymentRequest {
            request_key: form.request_key.trim().to_string(),
            amount,
            choice,
            from_hpf: form.from_hpf.is_some(),
        };
        let l = app
            .loans()
            .prepay_loan(&session.actor(&context), id, request, state.today())
            .await?;
        Ok(if l.status == LoanStatus::Settled {
            "贷款已全部结清，可查看抵押注销证明。".to_string()
        } else {
            format!(
                "提前还款已完成，剩余本金 {}，还款计划已重新计算。",
                l.outstanding_fen
            )
        })
    }
    .await;
    account_outcome(&state, &context, &session, id, result).await
}

#[derive(Deserialize)]
pub struct CardForm {
    #[serde(default)]
    card: String,
}

/// 变更还款账户.
pub async fn member_loan_card(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<CardForm>,
) -> Response {
    let result = state
        .app
        .loans()
        .change_repay_card(&session.actor(&context), id, &form.card)
        .await
        .map(|l| {
            format!(
                "还款账户已变更为 {}，此后按期从该账户扣款。",
                last_four(&l.repay_card)
            )
        });
    account_outcome(&state, &context, &session, id, result).await
}

#[derive(Template)]
#[template(path = "loan_certificate.html")]
struct CertificatePage {
    layout: Layout,
    id: i64,
    text: String,
    sha256: String,
    signature: String,
    key_id: String,
    valid: bool,
    verdict: &'static str,
}

/// 抵押注销证明: the signed text and whether its signature holds.
#[derive(Deserialize)]
pub struct CertificateQuery {
    /// Set: the certificate file itself, for `anju verify`.
    file: Option<String>,
}

pub async fn member_loan_certificate(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Query(query): Query<CertificateQuery>,
) -> Response {
    let app = &state.app;
    match app
        .loans()
        .release_certificate(&session.actor(&context), id)
        .await
    {
        Ok(c) => {
            // Issued as an e-certificate: its own page (QR, file, PDF).
            if let Some(serial) = &c.serial {
                let file = if query.file.is_some() {
                    "?format=file"
                } else {
                    ""
                };
                return axum::response::Redirect::to(&format!("/certificates/{serial}{file}"))
                    .into_response();
            }
            if query.file.is_some() {
                return (
                    [
                        (
                            header::CONTENT_TYPE,
                            "text/plain; charset=utf-8".to_string(),
                        ),
                        (
                            header::CONTENT_DISPOSITION,
                            format!("attachment; filename=\"release-certificate-{id}.txt\""),
                        ),
                    ],
                    c.file(),
                )
                    .into_response();
            }
            let page = CertificatePage {
                layout: Layout::new(app, Some(&session)),
                id,
                valid: c.valid(),
                verdict: c.verdict.name_zh(),
                text: c.text,
                sha256: c.sha256,
                signature: c.signature_hex,
                key_id: c.key_id,
            };
            render(app, Some(&session), page.render())
        }
        Err(e) => failure(app, Some(&session), e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn caps_are_read_back_with_the_binding_one() {
        let caps = "ceiling:150000000;balance:75000000;income:40000000;price:160000000";
        let rows = parse_caps(caps, "income");
        let shown: Vec<(&str, i64, bool)> = rows
            .iter()
            .map(|r| (r.name, r.amount.get(), r.binding))
            .collect();
        assert_eq!(
            shown,
            [
                ("最高贷款额度", 150_000_000, false),
                ("账户余额倍数", 75_000_000, false),
                ("还款能力（月收入）", 40_000_000, true),
                ("房价与首付比例", 160_000_000, false),
            ]
        );
        assert_eq!(area_text(8950), "89.50㎡");
    }
}
