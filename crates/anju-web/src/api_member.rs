//! The member's hall over the JSON API: the twins of `/member/interest`,
//! the statement, the loan pages (试算, application, account, prepayment,
//! repayment card, co-borrower consent, release certificate), the
//! repayment agreement, a flexible worker's deposit and the inbox. Each calls
//! the use case its page calls; bodies carry the page form's fields, amounts
//! as yuan text ("3000.00") so no client sends a float.

use crate::api::{JsonBody, answered, body_of, member_of};
use crate::api_loan::periods_json;
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
use serde::Deserialize;
use serde_json::{Value, json};

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
        let lines: Vec<Value> = worked
            .lines
            .iter()
            .map(|l| {
                json!({
                    "value_date": l.value_date.map(|d| d.to_string()),
                    "amount_fen": l.amount.get(),
                    "from": l.from.to_string(),
                    "to": l.to.to_string(),
                    "days": l.days,
                    "rate": l.rate.to_string(),
                    "per_days": l.per_days,
                    "product_fen_days": l.product_fen_days.to_string(),
                })
            })
            .collect();
        Ok(json!({
            "year": year_end,
            "method": format!("{:?}", worked.method),
            "opening_fen": worked.opening.get(),
            "lines": lines,
            "product_fen_days": worked.product_fen_days.to_string(),
            "interest_fen": worked.interest.get(),
            "subsidy_fen": account.due.subsidy.get(),
            "credited_interest_fen": account.credited.interest.get(),
            "credited_subsidy_fen": account.credited.subsidy.get(),
            "owed_interest_fen": owed.interest.get(),
            "owed_subsidy_fen": owed.subsidy.get(),
        }))
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
        let lines: Vec<Value> = range
            .lines
            .iter()
            .map(|l| {
                json!({
                    "value_date": l.value_date.to_string(),
                    "business_type": l.business_type,
                    "business_name": l.business_name,
                    "memo": l.memo,
                    "amount_fen": l.amount.get(),
                    "balance_fen": l.balance.get(),
                    "days": l.days,
                    "product_fen_days": l.product_fen_days.map(|p| p.to_string()),
                })
            })
            .collect();
        Ok(json!({
            "from": range.from.to_string(),
            "to": range.to.to_string(),
            "opening_fen": range.opening.get(),
            "lines": lines,
            "closing_fen": range.closing.get(),
        }))
    }
    .await;
    answered(StatusCode::OK, result)
}

fn loan_json(l: &LoanRecord) -> Value {
    json!({
        "loan_id": l.loan_id,
        "status": l.status.code(),
        "status_name": l.status.name_zh(),
        "applied_on": l.applied_on.to_string(),
        "product": l.product.code(),
        "property_kind": l.property_kind.code(),
        "property_address": l.property_address,
        "price_fen": l.price_fen.get(),
        "amount_fen": l.amount_fen.get(),
        "months": l.months,
        "method": l.method.code(),
        "rate": l.rate_ppm.to_string(),
        "limit_fen": l.limit_fen.get(),
        "binding_cap": l.binding_cap,
        "remote_centre": l.remote_centre,
        "remote_certificate_no": l.remote_certificate_no,
        "commercial_bank": l.commercial_bank,
        "commercial_amount_fen": l.commercial_amount_fen.map(Fen::get),
        "contract_no": l.contract_no,
        "disbursed_on": l.disbursed_on.map(|d| d.to_string()),
        "outstanding_fen": l.outstanding_fen.get(),
        "overdue_principal_fen": l.overdue_principal_fen.get(),
        "overdue_since": l.overdue_since.map(|d| d.to_string()),
        "note": l.note,
    })
}

/// `GET /api/v1/member/loans`: the member's loans and those awaiting their
/// consent as a co-borrower.
async fn loans(State(state): State<WebState>, Extension(session): Extension<Session>) -> Response {
    let result = async {
        let member_id = member_of(&session)?;
        let loans = state.app.loans().loans_of(member_id).await?;
        let awaited = state.app.loans().consents_awaited(member_id).await?;
        Ok(json!({
            "loans": loans.iter().map(loan_json).collect::<Vec<_>>(),
            "consents_awaited": awaited.iter().map(loan_json).collect::<Vec<_>>(),
        }))
    }
    .await;
    answered(StatusCode::OK, result)
}

fn assessment_json(a: &LoanAssessment) -> Value {
    let caps: Vec<Value> = a
        .limit
        .caps
        .iter()
        .map(|c| json!({ "kind": c.kind.code(), "amount_fen": c.amount.get(), "basis": c.basis }))
        .collect();
    json!({
        "allowed": a.allowed(),
        "refusals": a.eligibility.refusals,
        "first_home": a.eligibility.first_home,
        "credit_grade": a.grade.code(),
        "family": a.family,
        "balances_fen": a.balances.get(),
        "limit_fen": a.limit.limit.get(),
        "binding_cap": a.limit.binding.code(),
        "caps": caps,
        "rate": a.rate.to_string(),
        "max_months": a.max_months,
        "schedule": periods_json(&a.schedule),
        "sources": a.sources,
    })
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

fn account_json(a: &LoanAccount) -> Value {
    let installments: Vec<Value> = a
        .installments
        .iter()
        .map(|i| {
            json!({
                "period": i.period,
                "due_date": i.due_date.to_string(),
                "principal_fen": i.principal_fen.get(),
                "interest_fen": i.interest_fen.get(),
                "paid_principal_fen": i.paid_principal_fen.get(),
                "paid_interest_fen": i.paid_interest_fen.get(),
                "paid_penalty_fen": i.paid_penalty_fen.get(),
                "penalty_owed_fen": i.penalty_owed_fen.get(),
                "status": i.status.code(),
                "paid_on": i.paid_on.map(|d| d.to_string()),
            })
        })
        .collect();
    let events: Vec<Value> = a
        .events
        .iter()
        .map(|e| {
            json!({
                "kind": e.kind.code(),
                "happened_on": e.happened_on.to_string(),
                "amount_fen": e.amount_fen.get(),
                "principal_fen": e.principal_fen.get(),
                "interest_fen": e.interest_fen.get(),
                "penalty_fen": e.penalty_fen.get(),
                "note": e.note,
            })
        })
        .collect();
    json!({
        "loan": loan_json(&a.loan),
        "installments": installments,
        "events": events,
        "overdue_fen": a.overdue_fen.get(),
        "penalty_to_date_fen": a.penalty_to_date.get(),
        "next_due": a.next_due.as_ref().map(|i| json!({
            "due_date": i.due_date.to_string(),
            "amount_fen": i.principal_fen.get() + i.interest_fen.get(),
        })),
        "commercial_schedule": periods_json(&a.commercial_schedule),
    })
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
        .map(|c| {
            json!({
                "loan_id": loan_id,
                "serial": c.serial,
                "valid": c.valid(),
                "verdict": c.verdict.name_zh(),
                "text": c.text,
                "sha256": c.sha256,
                "signature": c.signature_hex,
                "key_id": c.key_id,
            })
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
        Ok(json!({
            "agreement_id": a.agreement_id,
            "pay_day": a.pay_day,
            "monthly_fen": a.monthly_fen.get(),
        }))
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
        Ok(json!({ "ended": true }))
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
    let result: AppResult<Value> = async {
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
        Ok(json!({
            "period": d.period.to_string(),
            "amount_fen": d.amount_fen.get(),
            "reference": d.reference,
        }))
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
        .map(|messages| {
            let messages: Vec<Value> = messages
                .iter()
                .map(|m| {
                    json!({
                        "message_id": m.message_id,
                        "title": m.title,
                        "body": m.body,
                        "created_on": anju_app::clock::date_of_micros(m.created_at_us).to_string(),
                        "read": m.read_at_us.is_some(),
                    })
                })
                .collect();
            json!({ "messages": messages })
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
        .map(|()| json!({ "message_id": message_id, "read": true }));
    answered(StatusCode::OK, result)
}
