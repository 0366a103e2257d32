//! 提取 over the JSON API, for the centre's app and partners' front ends:
//! the eligibility answer, applying (idempotent: the `Idempotency-Key` is
//! also the application's request key), and the member's applications.
//! Reasons that need documents are applied for on the page, which takes
//! uploads; here they are refused with `DOCUMENT_MISSING`.

use crate::api::{IDEMPOTENCY_HEADER, member_of};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::{WebError, refusal};
use crate::state::WebState;
use anju_app::withdrawal::{WithdrawalApplication, WithdrawalRecord};
use anju_domain::withdrawal::WithdrawalRequest;
use anju_domain::{Date, DomainError, Fen};
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct RequestBody {
    reason: String,
    #[serde(default)]
    amount_fen: i64,
    #[serde(default)]
    months: Option<i64>,
    #[serde(default)]
    children: i64,
    #[serde(default)]
    evidence_no: Option<String>,
    #[serde(default)]
    evidence_date: Option<String>,
    #[serde(default)]
    evidence_amount_fen: Option<i64>,
    #[serde(default)]
    bank_card: String,
}

impl RequestBody {
    fn request(&self) -> Result<WithdrawalRequest, DomainError> {
        let evidence_date = match self.evidence_date.as_deref() {
            None | Some("") => None,
            Some(text) => Some(Date::parse(text)?),
        };
        Ok(WithdrawalRequest {
            reason: self.reason.clone(),
            amount: Fen::new(self.amount_fen),
            months: self.months.unwrap_or(1),
            children: self.children,
            evidence_no: self.evidence_no.clone().filter(|n| !n.trim().is_empty()),
            evidence_date,
            evidence_amount: self.evidence_amount_fen.map(Fen::new),
        })
    }
}

/// A withdrawal application and where it stands.
#[derive(Serialize, schemars::JsonSchema)]
pub struct WithdrawalView {
    withdrawal_id: i64,
    reason: String,
    amount_fen: i64,
    status: &'static str,
    channel: String,
    applied_on: String,
    rule: String,
    needs_second_approval: bool,
    closes_account: bool,
    payout_reference: Option<String>,
    note: String,
    facts_source: String,
    verification: Option<String>,
    verified_by: Option<String>,
}

fn withdrawal_json(w: &WithdrawalRecord) -> WithdrawalView {
    WithdrawalView {
        withdrawal_id: w.withdrawal_id,
        reason: w.reason.clone(),
        amount_fen: w.amount_fen.get(),
        status: w.status.code(),
        channel: w.channel.clone(),
        applied_on: w.applied_on.to_string(),
        rule: w.rule.clone(),
        needs_second_approval: w.needs_second,
        closes_account: w.closes_account,
        payout_reference: w.payout_reference.clone(),
        note: w.note.clone(),
        facts_source: w.facts_source.clone(),
        verification: w.verification.clone(),
        verified_by: w.verified_by.clone(),
    }
}

/// Whether the withdrawal is allowed now, by which rule, up to how much.
#[derive(Serialize, schemars::JsonSchema)]
pub struct EligibilityView {
    allowed: bool,
    code: &'static str,
    rule: String,
    max_amount_fen: i64,
    needs_second_approval: bool,
    closes_account: bool,
    needs_verification: Option<String>,
    sources: Vec<String>,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct WithdrawalsView {
    withdrawals: Vec<WithdrawalView>,
}

/// `GET /api/v1/member/withdrawals/eligibility?reason=07&amount_fen=150000&months=1`
pub async fn eligibility(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(body): Query<RequestBody>,
) -> Response {
    let (member_id, request) = match (member_of(&session), body.request()) {
        (Ok(m), Ok(r)) => (m, r),
        (Err(e), _) | (_, Err(e)) => return WebError::from(e).into_response(),
    };
    match state
        .app
        .withdrawals()
        .withdrawal_assessment(member_id, &request, state.today())
        .await
    {
        Ok(a) => Json(EligibilityView {
            allowed: a.decision.allowed,
            code: a.decision.code,
            rule: a.decision.rule,
            max_amount_fen: a.decision.max_amount.get(),
            needs_second_approval: a.decision.needs_second_approval,
            closes_account: a.decision.closes_account,
            needs_verification: a.decision.needs_verification,
            sources: a.sources,
        })
        .into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

/// `POST /api/v1/member/withdrawals` (JSON; `Idempotency-Key` required).
pub async fn apply(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    body: Result<Json<RequestBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return refusal(
            "BODY_INVALID",
            "请求体应为 {\"reason\": \"07\", \"amount_fen\": 150000, \"bank_card\": \"…\"}",
        );
    };
    let (member_id, request) = match (member_of(&session), body.request()) {
        (Ok(m), Ok(r)) => (m, r),
        (Err(e), _) | (_, Err(e)) => return WebError::from(e).into_response(),
    };
    let key = headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    let application = WithdrawalApplication {
        request,
        bank_card: body.bank_card.clone(),
        documents: Vec::new(),
        request_key: key,
    };
    match state
        .app
        .withdrawals()
        .apply_withdrawal(
            &session.actor(&context),
            member_id,
            application,
            state.today(),
        )
        .await
    {
        Ok(w) => (StatusCode::CREATED, Json(withdrawal_json(&w))).into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

/// `GET /api/v1/member/withdrawals`: the member's applications, newest first.
pub async fn list(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let member_id = match member_of(&session) {
        Ok(m) => m,
        Err(e) => return WebError::from(e).into_response(),
    };
    match state.app.withdrawals().withdrawals_of(member_id).await {
        Ok(list) => Json(WithdrawalsView {
            withdrawals: list.iter().map(withdrawal_json).collect(),
        })
        .into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}
