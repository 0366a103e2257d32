//! The member's hall over the JSON API: the twins of `/member/interest`,
//! the statement, the loan pages (试算, application, account, prepayment,
//! repayment card, co-borrower consent, release certificate), the
//! repayment agreement, a flexible worker's deposit and the inbox. Each calls
//! the use case its page calls; bodies carry the page form's fields, amounts
//! as yuan text ("3000.00") so no client sends a float.

use crate::api::{JsonBody, answered, body_of, member_of};
use crate::api_loan::{PeriodView, periods_view};
use crate::auth::{Access, Session};
use crate::context::RequestContext;
use crate::pages::loan::LoanForm;
use crate::routes::{RouteSpec, spec};
use crate::state::WebState;
use anju_app::AppResult;
use anju_app::loan::{LoanAccount, LoanAssessment, LoanRecord, PrepaymentRequest};
use anju_app::withdrawal::RepaymentTerms;
use anju_domain::access::duties::MEMBERS;
use anju_domain::ledger::MemberId;
use anju_domain::loan::AfterPrepayment;
use anju_domain::withdrawal::AgreementKind;
use anju_domain::{Date, DomainError, Fen, InterestYear, Period};
use axum::Extension;
use axum::extract::{Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::Response;
use axum::routing::{MethodRouter, get, post};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

pub fn routes() -> Vec<(RouteSpec, MethodRouter<WebState>)> {
    let members = Access::Roles(MEMBERS);
    let g = |path, summary| spec(Method::GET, path, members, summary);
    let p = |path, summary| spec(Method::POST, path, members, summary);
    vec![
        (
            g("/api/v1/member/interest", "结息明细（逐笔积数与利息）"),
            get(interest),
        ),
        (
            g("/api/v1/member/statement", "账户明细（起止日期）"),
            get(statement),
        ),
        (
            g("/api/v1/member/loans", "我的贷款与待确认的共同借款"),
            get(loans),
        ),
        (
            g(
                "/api/v1/member/loans/check",
                "贷款试算（资格、额度、利率、月供）",
            ),
            get(check),
        ),
        (
            p("/api/v1/member/loans", "提交贷款申请（幂等）"),
            post(apply),
        ),
        (
            g(
                "/api/v1/member/loans/{id}",
                "贷款账户：概要、还款计划、事件",
            ),
            get(account),
        ),
        (
            p(
                "/api/v1/member/loans/{id}/consent",
                "共同借款人确认（幂等）",
            ),
            post(consent),
        ),
        (
            p("/api/v1/member/loans/{id}/prepay", "提前还款（幂等）"),
            post(prepay),
        ),
        (
            p("/api/v1/member/loans/{id}/card", "变更还款账户（幂等）"),
            post(change_card),
        ),
        (
            g(
                "/api/v1/member/loans/{id}/certificate",
                "抵押注销证明及其签名核验",
            ),
            get(certificate),
        ),
        (
            p(
                "/api/v1/member/repayment-agreement",
                "签订委托提取还贷协议（幂等）",
            ),
            post(sign_agreement),
        ),
        (
            p(
                "/api/v1/member/repayment-agreement/end",
                "终止委托提取还贷协议（幂等）",
            ),
            post(end_agreement),
        ),
        (
            p("/api/v1/member/deposits", "灵活就业人员缴存（幂等）"),
            post(deposit),
        ),
        (
            spec(Method::GET, "/api/v1/inbox", Access::SignedIn, "站内消息"),
            get(inbox),
        ),
        (
            spec(
                Method::POST,
                "/api/v1/inbox/{id}/read",
                Access::SignedIn,
                "标记消息已读（幂等）",
            ),
            post(mark_read),
        ),
    ]
}

#[derive(Deserialize)]
pub struct YearQuery {
    /// The interest year by the calendar year of its 30 June; the last
    /// settled one when absent.
    year: Option<i32>,
}

/// `GET /api/v1/member/interest?year=2026`: the year's worked interest.
async fn interest(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<YearQuery>,
) -> Response {
    let result = async {
        let member_id = member_of(&session)?;
        let current = state.today().interest_year().end_year();
        let year_end = match query.year {
            None => current - 1,
            Some(y) if (current - 10..=current).contains(&y) => y,
            Some(_) => {
                let message = format!("可查询 {} 至 {current} 年度", current - 10);
                return Err(DomainError::new("YEAR_INVALID", message).into());
            }
        };
        let year = InterestYear::ending(year_end);
        let account = state
            .app
            .interest()
            .interest_statement(MemberId(member_id), year)
            .await?;
        let owed = account.owed()?;
        let worked = &account.worked;
        let lines = worked.lines.iter().map(|l| InterestLineView {
            value_date: l.value_date.map(|d| d.to_string()),
            amount_fen: l.amount.get(),
            from: l.from.to_string(),
            to: l.to.to_string(),
            days: l.days,
            rate: l.rate.to_string(),
            per_days: l.per_days,
            product_fen_days: l.product_fen_days.to_string(),
        });
        Ok(InterestView {
            year: year_end,
            method: format!("{:?}", worked.method),
            opening_fen: worked.opening.get(),
            lines: lines.collect(),
            product_fen_days: worked.product_fen_days.to_string(),
            interest_fen: worked.interest.get(),
            subsidy_fen: account.due.subsidy.get(),
            credited_interest_fen: account.credited.interest.get(),
            credited_subsidy_fen: account.credited.subsidy.get(),
            owed_interest_fen: owed.interest.get(),
            owed_subsidy_fen: owed.subsidy.get(),
        })
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Deserialize)]
pub struct RangeQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// `GET /api/v1/member/statement?from=2025-07-01&to=2026-06-30`.
async fn statement(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<RangeQuery>,
) -> Response {
    let result = async {
        let member_id = member_of(&session)?;
        let from = Date::parse(query.from.trim())?;
        let to = Date::parse(query.to.trim())?;
        let range = state
            .app
            .interest()
            .member_statement(MemberId(member_id), from, to)
            .await?;
        let lines = range.lines.iter().map(|l| StatementLineView {
            value_date: l.value_date.to_string(),
            business_type: l.business_type.clone(),
            business_name: l.business_name,
            memo: l.memo.clone(),
            amount_fen: l.amount.get(),
            balance_fen: l.balance.get(),
            days: l.days,
            product_fen_days: l.product_fen_days.map(|p| p.to_string()),
        });
        Ok(StatementView {
            from: range.from.to_string(),
            to: range.to.to_string(),
            opening_fen: range.opening.get(),
            lines: lines.collect(),
            closing_fen: range.closing.get(),
        })
    }
    .await;
    answered(StatusCode::OK, result)
}

fn loan_json(l: &LoanRecord) -> LoanView {
    LoanView {
        loan_id: l.loan_id,
        status: l.status.code(),
        status_name: l.status.name_zh(),
        applied_on: l.applied_on.to_string(),
        product: l.product.code(),
        property_kind: l.property_kind.code(),
        property_address: l.property_address.clone(),
        price_fen: l.price_fen.get(),
        amount_fen: l.amount_fen.get(),
        months: l.months,
        method: l.method.code(),
        rate: l.rate_ppm.to_string(),
        limit_fen: l.limit_fen.get(),
        binding_cap: l.binding_cap.clone(),
        remote_centre: l.remote_centre.clone(),
        remote_certificate_no: l.remote_certificate_no.clone(),
        commercial_bank: l.commercial_bank.clone(),
        commercial_amount_fen: l.commercial_amount_fen.map(Fen::get),
        contract_no: l.contract_no.clone(),
        disbursed_on: l.disbursed_on.map(|d| d.to_string()),
        outstanding_fen: l.outstanding_fen.get(),
        overdue_principal_fen: l.overdue_principal_fen.get(),
        overdue_since: l.overdue_since.map(|d| d.to_string()),
        note: l.note.clone(),
    }
}

/// `GET /api/v1/member/loans`: the member's loans and those awaiting their
/// consent as a co-borrower.
async fn loans(State(state): State<WebState>, Extension(session): Extension<Session>) -> Response {
    let result = async {
        let member_id = member_of(&session)?;
        let loans = state.app.loans().loans_of(member_id).await?;
        let awaited = state.app.loans().consents_awaited(member_id).await?;
        Ok(LoansView {
            loans: loans.iter().map(loan_json).collect(),
            consents_awaited: awaited.iter().map(loan_json).collect(),
        })
    }
    .await;
    answered(StatusCode::OK, result)
}

fn assessment_json(a: &LoanAssessment) -> AssessmentView {
    let caps = a.limit.caps.iter().map(|c| CapView {
        kind: c.kind.code(),
        amount_fen: c.amount.get(),
        basis: c.basis,
    });
    AssessmentView {
        allowed: a.allowed(),
        refusals: a.eligibility.refusals.clone(),
        first_home: a.eligibility.first_home,
        credit_grade: a.grade.code(),
        family: a.family,
        balances_fen: a.balances.get(),
        limit_fen: a.limit.limit.get(),
        binding_cap: a.limit.binding.code(),
        caps: caps.collect(),
        rate: a.rate.to_string(),
        max_months: a.max_months,
        schedule: periods_view(&a.schedule),
        sources: a.sources.clone(),
    }
}

/// `GET /api/v1/member/loans/check?price=…&amount=…&months=…`: the
/// application form's fields as a query; saves nothing.
async fn check(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(form): Query<LoanForm>,
) -> Response {
    let result = async {
        let member_id = member_of(&session)?;
        let application = form.application(true)?;
        let assessment = state
            .app
            .loans()
            .assess_loan(member_id, &application, state.today())
            .await?;
        Ok(assessment_json(&assessment))
    }
    .await;
    answered(StatusCode::OK, result)
}

const LOAN_BODY: &str = "{\"property_kind\": \"new\", \"property_address\": \"…\", \"area\": \"89.50\", \
\"price\": \"2000000\", \"monthly_income\": \"20000\", \"amount\": \"300000\", \"months\": \"240\", \
\"method\": \"annuity\", \"seller_name\": \"…\", \"seller_account\": \"…\", \"repay_card\": \"…\"}";

/// `POST /api/v1/member/loans`: the application form as JSON; the
/// application's request key comes from the caller's `Idempotency-Key` unless the body gives one.
async fn apply(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    headers: axum::http::HeaderMap,
    body: JsonBody<LoanForm>,
) -> Response {
    let mut form = match body_of(body, LOAN_BODY) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    if form.request_key.trim().is_empty() {
        form.request_key = crate::api::request_key(&session, &headers);
    }
    let result = async {
        let member_id = member_of(&session)?;
        let application = form.application(false)?;
        let actor = session.actor(&context);
        let loan = state
            .app
            .loans()
            .apply_loan(&actor, member_id, application, state.today())
            .await?;
        Ok(loan_json(&loan))
    }
    .await;
    answered(StatusCode::CREATED, result)
}

fn account_json(a: &LoanAccount) -> AccountView {
    let installments = a.installments.iter().map(|i| InstallmentView {
        period: i.period,
        due_date: i.due_date.to_string(),
        principal_fen: i.principal_fen.get(),
        interest_fen: i.interest_fen.get(),
        paid_principal_fen: i.paid_principal_fen.get(),
        paid_interest_fen: i.paid_interest_fen.get(),
        paid_penalty_fen: i.paid_penalty_fen.get(),
        penalty_owed_fen: i.penalty_owed_fen.get(),
        status: i.status.code(),
        paid_on: i.paid_on.map(|d| d.to_string()),
    });
    let events = a.events.iter().map(|e| EventView {
        kind: e.kind.code(),
        happened_on: e.happened_on.to_string(),
        amount_fen: e.amount_fen.get(),
        principal_fen: e.principal_fen.get(),
        interest_fen: e.interest_fen.get(),
        penalty_fen: e.penalty_fen.get(),
        note: e.note.clone(),
    });
    AccountView {
        loan: loan_json(&a.loan),
        installments: installments.collect(),
        events: events.collect(),
        overdue_fen: a.overdue_fen.get(),
        penalty_to_date_fen: a.penalty_to_date.get(),
        next_due: a.next_due.as_ref().map(|i| DueView {
            due_date: i.due_date.to_string(),
            amount_fen: i.principal_fen.get() + i.interest_fen.get(),
        }),
        commercial_schedule: periods_view(&a.commercial_schedule),
    }
}

/// `GET /api/v1/member/loans/{id}`: the account as the borrower sees it.
async fn account(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(loan_id): Path<i64>,
) -> Response {
    let result = state
        .app
        .loans()
        .loan_account(&session.actor(&context), loan_id, state.today())
        .await
        .map(|a| account_json(&a));
    answered(StatusCode::OK, result)
}

/// `POST /api/v1/member/loans/{id}/consent`: the co-borrower agrees.
async fn consent(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(loan_id): Path<i64>,
) -> Response {
    let result = state
        .app
        .loans()
        .consent_to_loan(&session.actor(&context), loan_id, state.today())
        .await
        .map(|l| loan_json(&l));
    answered(StatusCode::OK, result)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct PrepayBody {
    /// Yuan; absent or empty: repay everything.
    #[serde(default)]
    amount: String,
    /// `shorter_term` (default) or `lower_payment`.
    #[serde(default)]
    choice: String,
    /// Pay from the HPF account rather than the repayment card.
    #[serde(default)]
    from_hpf: bool,
}

/// `POST /api/v1/member/loans/{id}/prepay`: part or all; the
/// prepayment's own request key comes from the `Idempotency-Key`, so a retry
/// never repays twice.
async fn prepay(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(loan_id): Path<i64>,
    headers: axum::http::HeaderMap,
    body: JsonBody<PrepayBody>,
) -> Response {
    let expected = "{\"amount\": \"50000.00\", \"choice\": \"shorter_term\", \"from_hpf\": false}";
    let body = match body_of(body, expected) {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let result = async {
        let amount = match body.amount.trim() {
            "" => Fen::ZERO,
            text => Fen::parse(text)?,
        };
        let choice = match body.choice.trim() {
            "" => AfterPrepayment::ShorterTerm,
            text => AfterPrepayment::parse(text)?,
        };
        let request = PrepaymentRequest {
            request_key: crate::api::request_key(&session, &headers),
            amount,
            choice,
            from_hpf: body.from_hpf,
        };
        let actor = session.actor(&context);
        let today = state.today();
        let loan = state
            .app
            .loans()
            .prepay_loan(&actor, loan_id, request, today)
            .await?;
        Ok(loan_json(&loan))
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct CardBody {
    card: String,
}

/// `POST /api/v1/member/loans/{id}/card`: the repayment card from now on.
async fn change_card(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(loan_id): Path<i64>,
    body: JsonBody<CardBody>,
) -> Response {
    let body = match body_of(body, "{\"card\": \"62220201000041234\"}") {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let result = state
        .app
        .loans()
        .change_repay_card(&session.actor(&context), loan_id, &body.card)
        .await
        .map(|l| loan_json(&l));
    answered(StatusCode::OK, result)
}

/// `GET /api/v1/member/loans/{id}/certificate`: the release certificate's
/// text and whether its signature holds; an e-certificate's serial points to
/// `/api/v1/certificates/{serial}`.
async fn certificate(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(loan_id): Path<i64>,
) -> Response {
    let result = state
        .app
        .loans()
        .release_certificate(&session.actor(&context), loan_id)
        .await
        .map(|c| ReleaseCertificateView {
            loan_id,
            valid: c.valid(),
            verdict: c.verdict.name_zh(),
            serial: c.serial,
            text: c.text,
            sha256: c.sha256,
            signature: c.signature_hex,
            key_id: c.key_id,
        });
    answered(StatusCode::OK, result)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct AgreementBody {
    /// `hpf` or `commercial`.
    kind: String,
    lender: String,
    loan_contract_no: String,
    /// Yuan a month.
    monthly: String,
    pay_day: i32,
    bank_card: String,
    ends_on: String,
}

impl AgreementBody {
    fn terms(&self) -> Result<RepaymentTerms, DomainError> {
        Ok(RepaymentTerms {
            kind: AgreementKind::parse(self.kind.trim())?,
            lender: self.lender.clone(),
            loan_contract_no: self.loan_contract_no.clone(),
            monthly: Fen::parse(self.monthly.trim())?,
            pay_day: self.pay_day,
            bank_card: self.bank_card.clone(),
            ends_on: Date::parse(self.ends_on.trim())?,
        })
    }
}

/// `POST /api/v1/member/repayment-agreement`: 委托提取还贷.
async fn sign_agreement(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: JsonBody<AgreementBody>,
) -> Response {
    let expected = "{\"kind\": \"commercial\", \"lender\": \"…\", \"loan_contract_no\": \"…\", \
\"monthly\": \"3000.00\", \"pay_day\": 15, \"bank_card\": \"…\", \"ends_on\": \"2046-06-30\"}";
    let body = match body_of(body, expected) {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let result = async {
        let member_id = member_of(&session)?;
        let terms = body.terms()?;
        let actor = session.actor(&context);
        let a = state
            .app
            .withdrawals()
            .sign_repayment_agreement(&actor, member_id, &terms, state.today())
            .await?;
        Ok(AgreementView {
            agreement_id: a.agreement_id,
            pay_day: a.pay_day,
            monthly_fen: a.monthly_fen.get(),
        })
    }
    .await;
    answered(StatusCode::CREATED, result)
}

/// `POST /api/v1/member/repayment-agreement/end`.
async fn end_agreement(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let result = async {
        let member_id = member_of(&session)?;
        let actor = session.actor(&context);
        state
            .app
            .withdrawals()
            .end_repayment_agreement(&actor, member_id)
            .await?;
        Ok(Ended { ended: true })
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct DepositBody {
    period: String,
    /// Yuan.
    amount: String,
    channel: String,
}

/// `POST /api/v1/member/deposits`: a flexible worker's month; the
/// deposit's request key comes from the `Idempotency-Key`, so a retry pays once.
async fn deposit(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    headers: axum::http::HeaderMap,
    body: JsonBody<DepositBody>,
) -> Response {
    let expected = "{\"period\": \"202611\", \"amount\": \"1200.00\", \"channel\": \"bank\"}";
    let body = match body_of(body, expected) {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let result: AppResult<DepositView> = async {
        let member_id = member_of(&session)?;
        let period = Period::parse(body.period.trim())?;
        let amount = anju_domain::collection::parse_wage(&body.amount)?;
        let key = crate::api::request_key(&session, &headers);
        let d = state
            .app
            .collection()
            .deposit_flexible(
                &session.actor(&context),
                member_id,
                period,
                amount,
                &body.channel,
                &key,
                state.today(),
            )
            .await?;
        Ok(DepositView {
            period: d.period.to_string(),
            amount_fen: d.amount_fen.get(),
            reference: d.reference,
        })
    }
    .await;
    answered(StatusCode::CREATED, result)
}

/// `GET /api/v1/inbox`: the newest 100 messages.
async fn inbox(State(state): State<WebState>, Extension(session): Extension<Session>) -> Response {
    let result = state
        .app
        .access()
        .inbox(session.principal.user_id, 100)
        .await
        .map(|messages| InboxView {
            messages: messages
                .iter()
                .map(|m| MessageView {
                    message_id: m.message_id,
                    title: m.title.clone(),
                    body: m.body.clone(),
                    created_on: anju_app::clock::date_of_micros(m.created_at_us).to_string(),
                    read: m.read_at_us.is_some(),
                })
                .collect(),
        });
    answered(StatusCode::OK, result)
}

/// `POST /api/v1/inbox/{id}/read`.
async fn mark_read(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Path(message_id): Path<i64>,
) -> Response {
    let result = state
        .app
        .access()
        .mark_read(session.principal.user_id, message_id)
        .await
        .map(|()| MessageRead {
            message_id,
            read: true,
        });
    answered(StatusCode::OK, result)
}

/// A year's worked interest (逐笔积数): each line with its days and rate.
#[derive(Serialize, JsonSchema)]
pub struct InterestView {
    year: i32,
    method: String,
    opening_fen: i64,
    lines: Vec<InterestLineView>,
    /// Fen-days, as decimal text (it may exceed what a JSON number keeps exact).
    product_fen_days: String,
    interest_fen: i64,
    subsidy_fen: i64,
    credited_interest_fen: i64,
    credited_subsidy_fen: i64,
    owed_interest_fen: i64,
    owed_subsidy_fen: i64,
}

#[derive(Serialize, JsonSchema)]
pub struct InterestLineView {
    /// None for the balance brought forward.
    value_date: Option<String>,
    amount_fen: i64,
    from: String,
    to: String,
    days: i64,
    rate: String,
    per_days: i64,
    product_fen_days: String,
}

/// The account's movements between two days.
#[derive(Serialize, JsonSchema)]
pub struct StatementView {
    from: String,
    to: String,
    opening_fen: i64,
    lines: Vec<StatementLineView>,
    closing_fen: i64,
}

#[derive(Serialize, JsonSchema)]
pub struct StatementLineView {
    value_date: String,
    business_type: String,
    business_name: &'static str,
    memo: String,
    amount_fen: i64,
    balance_fen: i64,
    days: Option<i64>,
    product_fen_days: Option<String>,
}

/// A loan as its borrower sees it.
#[derive(Serialize, JsonSchema)]
pub struct LoanView {
    loan_id: i64,
    status: &'static str,
    status_name: &'static str,
    applied_on: String,
    product: &'static str,
    property_kind: &'static str,
    property_address: String,
    price_fen: i64,
    amount_fen: i64,
    months: i32,
    method: &'static str,
    rate: String,
    limit_fen: i64,
    binding_cap: String,
    remote_centre: Option<String>,
    remote_certificate_no: Option<String>,
    commercial_bank: Option<String>,
    commercial_amount_fen: Option<i64>,
    contract_no: Option<String>,
    disbursed_on: Option<String>,
    outstanding_fen: i64,
    overdue_principal_fen: i64,
    overdue_since: Option<String>,
    note: String,
}

#[derive(Serialize, JsonSchema)]
pub struct LoansView {
    loans: Vec<LoanView>,
    consents_awaited: Vec<LoanView>,
}

/// 试算: eligibility, every cap with its basis, the binding one, the rate,
/// the schedule and where each fact came from.
#[derive(Serialize, JsonSchema)]
pub struct AssessmentView {
    allowed: bool,
    refusals: Vec<String>,
    first_home: bool,
    credit_grade: &'static str,
    family: bool,
    balances_fen: i64,
    limit_fen: i64,
    binding_cap: &'static str,
    caps: Vec<CapView>,
    rate: String,
    max_months: u32,
    schedule: Vec<PeriodView>,
    sources: Vec<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct CapView {
    kind: &'static str,
    amount_fen: i64,
    basis: &'static str,
}

/// A loan's account: installments, events, what is overdue, what is next.
#[derive(Serialize, JsonSchema)]
pub struct AccountView {
    loan: LoanView,
    installments: Vec<InstallmentView>,
    events: Vec<EventView>,
    overdue_fen: i64,
    penalty_to_date_fen: i64,
    next_due: Option<DueView>,
    commercial_schedule: Vec<PeriodView>,
}

#[derive(Serialize, JsonSchema)]
pub struct InstallmentView {
    period: i32,
    due_date: String,
    principal_fen: i64,
    interest_fen: i64,
    paid_principal_fen: i64,
    paid_interest_fen: i64,
    paid_penalty_fen: i64,
    penalty_owed_fen: i64,
    status: &'static str,
    paid_on: Option<String>,
}

#[derive(Serialize, JsonSchema)]
pub struct EventView {
    kind: &'static str,
    happened_on: String,
    amount_fen: i64,
    principal_fen: i64,
    interest_fen: i64,
    penalty_fen: i64,
    note: String,
}

#[derive(Serialize, JsonSchema)]
pub struct DueView {
    due_date: String,
    amount_fen: i64,
}

/// The mortgage-release certificate and whether its signature holds.
#[derive(Serialize, JsonSchema)]
pub struct ReleaseCertificateView {
    loan_id: i64,
    /// The e-certificate's serial (`/api/v1/certificates/{serial}`), if issued as one.
    serial: Option<String>,
    valid: bool,
    verdict: &'static str,
    text: String,
    sha256: String,
    signature: String,
    key_id: String,
}

#[derive(Serialize, JsonSchema)]
pub struct AgreementView {
    agreement_id: i64,
    pay_day: i32,
    monthly_fen: i64,
}

#[derive(Serialize, JsonSchema)]
pub struct Ended {
    ended: bool,
}

#[derive(Serialize, JsonSchema)]
pub struct DepositView {
    period: String,
    amount_fen: i64,
    reference: String,
}

#[derive(Serialize, JsonSchema)]
pub struct InboxView {
    messages: Vec<MessageView>,
}

#[derive(Serialize, JsonSchema)]
pub struct MessageView {
    message_id: i64,
    title: String,
    body: String,
    created_on: String,
    read: bool,
}

#[derive(Serialize, JsonSchema)]
pub struct MessageRead {
    message_id: i64,
    read: bool,
}
