//! 贷款 for members: their loans and where each stands, the application
//! form with the assessment (试算: eligibility, the caps and the one that
//! bound, the rate, the schedule) on request, and each loan's account —
//! summary, schedule, events, prepayment, the repayment card and, once
//! settled, the signed mortgage-release certificate. The account view is
//! shared with staff (`staff_loan.rs`).

use super::staff_collection::last_four;
use super::{Layout, failure, internal, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::status_of;
use crate::state::WebState;
use anju_app::loan::{
    CommercialPart, InstallmentRecord, LoanAccount, LoanApplication, LoanAssessment, LoanRecord,
    PrepaymentRequest, RemoteCertificate,
};
use anju_app::{AppError, AppResult};
use anju_domain::Coded;
use anju_domain::loan::InstallmentStatus;
use anju_domain::loan::LoanStatus;
use anju_domain::loan::{self, AfterPrepayment, CapKind, CreditGrade, Method, PropertyKind};
use anju_domain::{Date, DomainError, ErrorKind, Fen, RatePpm};
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// A refusal as pages show it: the Chinese message, the code in small text.
pub struct Refusal {
    pub message: String,
    pub code: String,
}

impl Refusal {
    pub fn of(e: &DomainError) -> Refusal {
        Refusal {
            message: e.message().to_string(),
            code: e.code().to_string(),
        }
    }
}

/// The application form's fields, from the 试算 query or the submission.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct LoanForm {
    #[serde(default)]
    pub co_borrower_id_card: String,
    #[serde(default)]
    pub property_kind: String,
    #[serde(default)]
    pub property_address: String,
    #[serde(default)]
    pub area: String,
    #[serde(default)]
    pub price: String,
    #[serde(default)]
    pub appraisal: String,
    #[serde(default)]
    pub monthly_income: String,
    #[serde(default)]
    pub credit_grade: String,
    /// A checkbox: present when ticked.
    #[serde(default)]
    pub first_home: Option<String>,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub months: String,
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub seller_name: String,
    #[serde(default)]
    pub seller_account: String,
    #[serde(default)]
    pub repay_card: String,
    #[serde(default)]
    pub entrusted: Option<String>,
    #[serde(default)]
    pub remote_centre: String,
    #[serde(default)]
    pub remote_certificate_no: String,
    #[serde(default)]
    pub remote_balance: String,
    #[serde(default)]
    pub remote_months: String,
    #[serde(default)]
    pub commercial_bank: String,
    #[serde(default)]
    pub commercial_amount: String,
    #[serde(default)]
    pub commercial_rate: String,
    #[serde(default)]
    pub request_key: String,
}

fn form_error(message: String) -> DomainError {
    DomainError::new("FORM_INVALID", message)
}

/// A yuan amount; blank is `None`. The error names the field.
fn optional_yuan(text: &str, label: &str) -> Result<Option<Fen>, DomainError> {
    match text.trim() {
        "" => Ok(None),
        text => Fen::parse(text)
            .map(Some)
            .map_err(|e| DomainError::new(e.code(), format!("{label}：{}", e.message()))),
    }
}

fn required_yuan(text: &str, label: &str) -> Result<Fen, DomainError> {
    optional_yuan(text, label)?.ok_or_else(|| form_error(format!("请填写{label}")))
}

/// A card number the bank will be asked to use, checked with its field's name.
fn card(text: &str, label: &str) -> Result<String, DomainError> {
    anju_domain::ids::BankCardNo::parse(text.trim())
        .map(|c| c.as_str().to_string())
        .map_err(|e| DomainError::new(e.code(), format!("{label}：{}", e.message())))
}

impl LoanForm {
    /// The form a member starts from: first home, grade A, 等额本息.
    pub fn fresh() -> LoanForm {
        LoanForm {
            property_kind: "new".into(),
            credit_grade: "A".into(),
            first_home: Some("on".into()),
            method: Method::Annuity.code().into(),
            ..LoanForm::default()
        }
    }

    /// The application the app assesses, or what is wrong with the form.
    /// For 试算 (`checking`) a blank amount asks only for the limit.
    pub fn application(&self, checking: bool) -> Result<LoanApplication, DomainError> {
        let area = match self.area.trim() {
            "" => 0,
            text => Fen::parse(text)
                .map_err(|_| form_error("建筑面积须为数字，最多两位小数（如 89.50）".into()))?
                .get(),
        };
        let amount = if checking {
            optional_yuan(&self.amount, "贷款金额")?.unwrap_or(Fen::ZERO)
        } else {
            optional_yuan(&self.amount, "贷款金额")?
                .ok_or_else(|| DomainError::new("AMOUNT_REQUIRED", "请填写贷款金额"))?
        };
        let months = match self.months.trim() {
            "" => return Err(form_error("请填写贷款期限（月）".into())),
            text => text
                .parse::<u32>()
                .map_err(|_| form_error("贷款期限须为整数月数（1–360）".into()))?,
        };
        let remote = [
            &self.remote_centre,
            &self.remote_certificate_no,
            &self.remote_balance,
            &self.remote_months,
        ]
        .iter()
        .any(|f| !f.trim().is_empty());
        let remote = if remote {
            Some(RemoteCertificate {
                centre: self.remote_centre.trim().to_string(),
                certificate_no: self.remote_certificate_no.trim().to_string(),
                balance: optional_yuan(&self.remote_balance, "证明余额")?.unwrap_or(Fen::ZERO),
                months: match self.remote_months.trim() {
                    "" => 0,
                    text => text
                        .parse()
                        .map_err(|_| form_error("连续缴存月数须为整数".into()))?,
                },
            })
        } else {
            None
        };
        let commercial = [
            &self.commercial_bank,
            &self.commercial_amount,
            &self.commercial_rate,
        ]
        .iter()
        .any(|f| !f.trim().is_empty());
        let commercial = if commercial {
            let rate = match self.commercial_rate.trim() {
                "" => return Err(form_error("请填写商业贷款利率（%）".into())),
                text => RatePpm::parse_percent(text).map_err(|e| {
                    DomainError::new(e.code(), format!("商业贷款利率：{}", e.message()))
                })?,
            };
            Some(CommercialPart {
                bank: self.commercial_bank.trim().to_string(),
                amount: required_yuan(&self.commercial_amount, "商业贷款金额")?,
                rate,
            })
        } else {
            None
        };
        let (seller_account, repay_card) = if checking {
            (String::new(), String::new())
        } else {
            (
                card(&self.seller_account, "售房人收款账号")?,
                card(&self.repay_card, "还款银行卡号")?,
            )
        };
        Ok(LoanApplication {
            request_key: self.request_key.trim().to_string(),
            co_borrower_id_cards: self
                .co_borrower_id_card
                .split([',', '，', ' '])
                .map(|c| c.trim().to_string())
                .filter(|c| !c.is_empty())
                .collect(),
            property_kind: PropertyKind::parse(self.property_kind.trim()).map_err(|_| {
                DomainError::new(
                    "PROPERTY_KIND_UNKNOWN",
                    "请选择房屋类型（期房、二手房、现房）",
                )
            })?,
            property_address: self.property_address.trim().to_string(),
            price: required_yuan(&self.price, "房价")?,
            appraisal: optional_yuan(&self.appraisal, "评估价")?,
            area_centi_m2: area,
            monthly_income: required_yuan(&self.monthly_income, "家庭月收入")?,
            credit_grade: match self.credit_grade.trim() {
                "" => CreditGrade::A,
                grade => CreditGrade::parse(grade)?,
            },
            declared_first_home: self.first_home.is_some(),
            amount,
            months,
            method: match self.method.trim() {
                "" => Method::Annuity,
                method => Method::parse(method)?,
            },
            seller_name: self.seller_name.trim().to_string(),
            seller_account,
            repay_card,
            entrusted: self.entrusted.is_some(),
            remote,
            commercial,
        })
    }
}

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

pub fn rate_text(ppm: i64) -> String {
    RatePpm::new(ppm).map_or_else(|_| "-".to_string(), |r| r.to_string())
}

/// `89.50㎡` from hundredths of a square metre.
pub fn area_text(centi_m2: i64) -> String {
    format!("{}.{:02}㎡", centi_m2 / 100, centi_m2 % 100)
}

pub struct LoanRow {
    pub id: i64,
    pub applied_on: String,
    pub amount: Fen,
    pub months: i32,
    pub method: &'static str,
    pub rate: String,
    pub status: &'static str,
    pub outstanding: Fen,
    pub grade: &'static str,
    pub next_due: String,
    pub note: String,
}

#[derive(Template)]
#[template(path = "member_loans.html")]
struct LoansPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<Refusal>,
    loans: Vec<LoanRow>,
    form: LoanForm,
    request_key: String,
    kinds: Vec<(&'static str, &'static str)>,
    methods: Vec<(&'static str, &'static str)>,
    grades: [&'static str; 4],
}

pub struct ScheduleLine {
    pub period: u32,
    pub payment: Fen,
    pub principal: Fen,
    pub interest: Fen,
}

fn line(i: &loan::Installment) -> ScheduleLine {
    ScheduleLine {
        period: i.period,
        payment: i.payment,
        principal: i.principal,
        interest: i.interest,
    }
}

/// 试算: what the assessment says about the form as it stands.
pub struct CheckView {
    pub allowed: bool,
    pub refusals: Vec<String>,
    pub first_home: bool,
    pub caps: Vec<CapRow>,
    pub limit: Fen,
    pub binding: &'static str,
    pub rate: String,
    pub max_months: u32,
    pub balances: Fen,
    pub parties: usize,
    pub months: usize,
    pub first: Option<ScheduleLine>,
    pub last: Option<ScheduleLine>,
    pub total_interest: Fen,
}

pub fn check_view(a: &LoanAssessment) -> AppResult<CheckView> {
    let totals = if a.schedule.is_empty() {
        None
    } else {
        Some(loan::totals(&a.schedule)?)
    };
    Ok(CheckView {
        allowed: a.allowed(),
        refusals: a.eligibility.refusals.clone(),
        first_home: a.eligibility.first_home,
        caps: a
            .limit
            .caps
            .iter()
            .map(|c| CapRow {
                name: c.kind.name(),
                amount: c.amount,
                basis: c.basis.to_string(),
                binding: c.kind == a.limit.binding,
            })
            .collect(),
        limit: a.limit.limit,
        binding: a.limit.binding.name(),
        rate: a.rate.to_string(),
        max_months: a.max_months,
        balances: a.balances,
        parties: a.parties.len(),
        months: a.schedule.len(),
        first: a.schedule.first().map(line),
        last: a.schedule.last().map(line),
        total_interest: totals.map_or(Fen::ZERO, |t| t.interest),
    })
}

#[derive(Template)]
#[template(path = "loan_check.html")]
struct CheckFragment {
    error: Option<Refusal>,
    view: Option<CheckView>,
}

async fn loan_rows(state: &WebState, member_id: i64) -> AppResult<Vec<LoanRow>> {
    let app = &state.app;
    let mut rows = Vec::new();
    for l in app.loans_of(member_id).await? {
        let next = app
            .installments(l.loan_id)
            .await?
            .into_iter()
            .find(|i| i.status != InstallmentStatus::Paid);
        rows.push(LoanRow {
            id: l.loan_id,
            applied_on: l.applied_on.to_string(),
            amount: Fen::new(l.amount_fen),
            months: l.months,
            method: l.method.name(),
            rate: rate_text(l.rate_ppm),
            status: l.status.name_zh(),
            outstanding: Fen::new(l.outstanding_fen),
            grade: if l.status == LoanStatus::Active {
                l.grade.name()
            } else {
                "-"
            },
            next_due: next.map_or_else(
                || "-".to_string(),
                |i| {
                    format!(
                        "{} {}",
                        i.due_date,
                        Fen::new(i.principal_fen + i.interest_fen)
                    )
                },
            ),
            note: if l.status == LoanStatus::Rejected {
                l.note.clone()
            } else {
                String::new()
            },
        });
    }
    Ok(rows)
}

async fn loans_page(
    state: &WebState,
    session: &Session,
    form: LoanForm,
    notice: Option<String>,
    error: Option<Refusal>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return internal(app, Some(session));
    };
    let Ok(loans) = loan_rows(state, member_id).await else {
        return internal(app, Some(session));
    };
    let page = LoansPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        loans,
        form,
        request_key: anju_app::access::random_token(),
        kinds: PropertyKind::ALL
            .iter()
            .map(|k| (k.code(), k.name_zh()))
            .collect(),
        methods: [Method::Annuity, Method::EqualPrincipal]
            .into_iter()
            .map(|m| (m.code(), m.name()))
            .collect(),
        grades: ["A", "B", "C", "D"],
    };
    render(app, Some(session), page.render())
}

/// 我的贷款: the loans and the application form.
pub async fn member_loans(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    loans_page(&state, &session, LoanForm::fresh(), None, None).await
}

/// 试算 (a fragment): the assessment of the form as it stands; saves nothing.
pub async fn member_loan_check(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(form): Query<LoanForm>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return internal(app, Some(&session));
    };
    let assessed = match form.application(true) {
        Ok(application) => app
            .assess_loan(member_id, &application, state.today())
            .await
            .and_then(|a| check_view(&a)),
        Err(e) => Err(e.into()),
    };
    let fragment = match assessed {
        Ok(view) => CheckFragment {
            error: None,
            view: Some(view),
        },
        Err(AppError::Rejected(e)) => CheckFragment {
            error: Some(Refusal::of(&e)),
            view: None,
        },
        Err(e) => {
            tracing::error!(error = %e, "loan check");
            return internal(app, Some(&session));
        }
    };
    render(app, Some(&session), fragment.render())
}

/// 提交贷款申请: a refusal names why and writes nothing.
pub async fn member_loan_apply(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<LoanForm>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return internal(app, Some(&session));
    };
    let result = match form.application(false) {
        Ok(application) => {
            app.apply_loan(
                &session.actor(&context),
                member_id,
                application,
                state.today(),
            )
            .await
        }
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(l) => {
            let notice = format!(
                "贷款申请已提交（贷款编号 {}，{}，{} 个月），{}。",
                l.loan_id,
                Fen::new(l.amount_fen),
                l.months,
                l.status.name_zh()
            );
            loans_page(&state, &session, LoanForm::fresh(), Some(notice), None).await
        }
        Err(AppError::Rejected(e)) => {
            let mut page = loans_page(&state, &session, form, None, Some(Refusal::of(&e))).await;
            *page.status_mut() = status_of(e.kind());
            page
        }
        Err(e) => failure(app, Some(&session), e),
    }
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
        principal: Fen::new(i.principal_fen),
        interest: Fen::new(i.interest_fen),
        payment: Fen::new(i.principal_fen + i.interest_fen),
        paid: Fen::new(i.paid_principal_fen + i.paid_interest_fen + i.paid_penalty_fen),
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
                .map_or(0, |i| i.principal_fen + i.interest_fen);
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
        amount: Fen::new(l.amount_fen),
        months: l.months,
        method: l.method.name(),
        rate: rate_text(l.rate_ppm),
        rates: a
            .rates
            .iter()
            .map(|(from, rate, why)| (from.to_string(), rate.to_string(), why.clone()))
            .collect(),
        outstanding: Fen::new(l.outstanding_fen),
        overdue: a.overdue_fen,
        overdue_principal: Fen::new(l.overdue_principal_fen),
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
                    Fen::new(i.principal_fen + i.interest_fen)
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
        price: Fen::new(l.price_fen),
        appraisal: l.appraisal_fen.map(Fen::new),
        income: Fen::new(l.monthly_income_fen),
        first_home: l.first_home,
        limit: Fen::new(l.limit_fen),
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
                amount: Fen::new(e.amount_fen),
                principal: Fen::new(e.principal_fen),
                interest: Fen::new(e.interest_fen),
                penalty: Fen::new(e.penalty_fen),
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
            Fen::new(l.remote_balance_fen.unwrap_or(0)),
            l.remote_months.unwrap_or(0)
        )
    })
}

pub fn commercial_text(l: &LoanRecord) -> Option<String> {
    l.commercial_bank.as_ref().map(|bank| {
        format!(
            "{bank}，商业贷款 {}，年利率 {}",
            Fen::new(l.commercial_amount_fen.unwrap_or(0)),
            rate_text(l.commercial_rate_ppm.unwrap_or(0))
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
                *page.status_mut() = status_of(e.kind());
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
            .prepay_loan(&session.actor(&context), id, request, state.today())
            .await?;
        Ok(if l.status == LoanStatus::Settled {
            "贷款已全部结清，可查看抵押注销证明。".to_string()
        } else {
            format!(
                "提前还款已完成，剩余本金 {}，还款计划已重新计算。",
                Fen::new(l.outstanding_fen)
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
    public_key: String,
    valid: bool,
}

/// 抵押注销证明: the signed text and whether its signature holds.
pub async fn member_loan_certificate(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Response {
    let app = &state.app;
    match app.release_certificate(&session.actor(&context), id).await {
        Ok(c) => {
            let page = CertificatePage {
                layout: Layout::new(app, Some(&session)),
                id,
                text: c.text,
                sha256: c.sha256,
                signature: c.signature_hex,
                public_key: c.public_key_hex,
                valid: c.valid,
            };
            render(app, Some(&session), page.render())
        }
        Err(e) => failure(app, Some(&session), e),
    }
}

/// A business date typed on a form; blank is `today`.
pub fn business_date(text: &str, today: Date) -> Result<Date, DomainError> {
    match text.trim() {
        "" => Ok(today),
        text => Date::parse(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filled() -> LoanForm {
        LoanForm {
            property_address: "苏州市姑苏区人民路 1 号".into(),
            area: "89.5".into(),
            price: "2000000".into(),
            monthly_income: "20000.00".into(),
            amount: "300000".into(),
            months: "240".into(),
            seller_name: "苏州房产有限公司".into(),
            seller_account: "62220201000041234".into(),
            repay_card: "62220201000041234".into(),
            request_key: "k".into(),
            ..LoanForm::fresh()
        }
    }

    #[test]
    fn the_form_reads_yuan_area_and_the_optional_parts() {
        let a = filled().application(false).expect("application");
        assert_eq!(a.area_centi_m2, 8950);
        assert_eq!(a.price, Fen::new(200_000_000));
        assert!(a.declared_first_home && a.remote.is_none() && a.commercial.is_none());
        let mut form = filled();
        form.commercial_bank = "工商银行".into();
        form.commercial_amount = "100000".into();
        form.commercial_rate = "3.05".into();
        form.remote_centre = "上海市住房公积金管理中心".into();
        form.remote_months = "12".into();
        let a = form.application(false).expect("application");
        assert_eq!(a.commercial.expect("commercial").rate.ppm(), 30_500);
        assert_eq!(a.remote.expect("remote").months, 12);
    }

    #[test]
    fn a_bad_card_is_named_and_a_check_needs_no_card() {
        let mut form = filled();
        form.repay_card = "62220201000041235".into();
        let e = form.application(false).expect_err("bad card");
        assert_eq!(e.code(), "BANK_CARD_CHECKSUM");
        assert!(e.message().starts_with("还款银行卡号："), "{}", e.message());
        form.amount = String::new();
        assert_eq!(form.application(true).expect("check").amount, Fen::ZERO);
    }

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
