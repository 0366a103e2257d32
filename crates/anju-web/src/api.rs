//! The JSON API under `/api/v1`: problem-style errors with stable codes, and
//! `Idempotency-Key` on every POST (a replay returns the first response; the
//! same key with another body is refused).

use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::{WebError, http_refusal, refusal};
use crate::state::WebState;
use anju_app::access::{AuditQuery, IdempotencyRecord, ReversalRequest, TaskRecord, sha256_hex};
use anju_app::{AppError, AppResult};
use anju_domain::DomainError;
use anju_domain::ledger::MemberId;
use axum::body::{Body, to_bytes};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use serde::{Deserialize, Serialize};

pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// The signed-in member's account, or a refusal for a sign-in without one.
pub(crate) fn member_of(session: &Session) -> Result<i64, DomainError> {
    session
        .principal
        .member_id
        .ok_or_else(|| DomainError::new("MEMBER_NOT_FOUND", "登录账号未关联个人账户"))
}
/// An answer, or the error's problem body.
pub(crate) fn answered<T: Serialize>(status: StatusCode, result: AppResult<T>) -> Response {
    match result {
        Ok(body) => (status, Json(body)).into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

/// An error's problem body.
pub(crate) fn problem(e: AppError) -> Response {
    WebError::from(e).into_response()
}

/// A JSON body as a handler receives it: the value, or why it could not be read.
pub(crate) type JsonBody<T> = Result<Json<T>, JsonRejection>;

/// The body's value, or a `BODY_INVALID` refusal showing the expected shape.
// The error is the response itself, handed straight back by the handler.
#[allow(clippy::result_large_err)]
pub(crate) fn body_of<T>(body: JsonBody<T>, expected: &str) -> Result<T, Response> {
    body.map(|Json(value)| value)
        .map_err(|_| refusal("BODY_INVALID", format!("请求体应为 {expected}")))
}

/// The request's `Idempotency-Key`, trimmed (the layer has already required it).
pub(crate) fn idempotency_key(headers: &axum::http::HeaderMap) -> Option<String> {
    headers
        .get(IDEMPOTENCY_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|k| !k.is_empty() && k.len() <= 128)
        .map(str::to_string)
}

/// The request key a use case keeps to make a command happen once, derived
/// from the caller and their `Idempotency-Key`: always 36 characters of
/// `[a-z0-9-]` whatever key the client chose, and never the same for two
/// callers who happen to pick the same key.
pub(crate) fn request_key(session: &Session, headers: &axum::http::HeaderMap) -> String {
    let key = idempotency_key(headers).unwrap_or_default();
    let digest = sha256_hex(format!("{} {key}", session.principal.user_id).as_bytes());
    format!("api-{}", &digest[..32])
}

/// Largest JSON body an API call accepts.
const MAX_BODY_BYTES: usize = 256 * 1024;
/// Longest response kept for replay.
const MAX_STORED_RESPONSE: usize = 256 * 1024;
/// Longest import answer kept for replay: 5,000 rows, each enrolled or
/// refused in a compact line, with room to spare.
const IMPORT_STORED_RESPONSE: usize = 4 * 1024 * 1024;

/// Wraps every API route: a request axum's extractors refused (a query,
/// path or body that does not parse) is answered as a problem with a stable
/// code, like every other API error, instead of axum's plain text.
pub async fn problem_rejections(request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    let status = response.status();
    let plain = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.starts_with("text/plain"));
    if !plain || !status.is_client_error() {
        return response;
    }
    let Ok(text) = to_bytes(response.into_body(), 4 * 1024).await else {
        return refusal("PARAM_INVALID", "请求参数无效");
    };
    let detail = String::from_utf8_lossy(&text);
    let code = match status {
        StatusCode::UNSUPPORTED_MEDIA_TYPE | StatusCode::PAYLOAD_TOO_LARGE => "BODY_INVALID",
        _ => "PARAM_INVALID",
    };
    refusal(code, format!("请求参数无效：{detail}"))
}

/// Wraps every API POST: requires `Idempotency-Key`, replays a stored response,
/// refuses a reused key with a different body, stores the first answer.
pub async fn idempotency(State(state): State<WebState>, request: Request, next: Next) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    let Some(session) = request.extensions().get::<Session>().cloned() else {
        return next.run(request).await;
    };
    let Some(key) = idempotency_key(request.headers()) else {
        return http_refusal(
            "IDEMPOTENCY_KEY_REQUIRED",
            "请求缺少 Idempotency-Key 头（1至128个字符）",
        );
    };
    let (parts, body) = request.into_parts();
    // A file import's body is the file, and its answer lists every row; every
    // other body and answer is a small JSON document.
    let (body_limit, stored_limit) = if parts.uri.path().ends_with("/import") {
        (crate::api_employer::IMPORT_BYTES, IMPORT_STORED_RESPONSE)
    } else {
        (MAX_BODY_BYTES, MAX_STORED_RESPONSE)
    };
    let Ok(bytes) = to_bytes(body, body_limit).await else {
        return http_refusal("BODY_TOO_LARGE", "请求体过大");
    };
    // The query is part of the request: an import's month, reason and
    // "take valid rows" change what it does.
    let target = parts.uri.path_and_query().map_or("", |p| p.as_str());
    let mut material = format!("{} {target}\n", parts.method).into_bytes();
    material.extend_from_slice(&bytes);
    let request_hash = sha256_hex(&material);
    let user_id = session.principal.user_id;
    match state.app.access().idempotency_record(user_id, &key).await {
        Ok(Some(stored)) if stored.request_hash == request_hash => return replay(&stored),
        Ok(Some(_)) => {
            return refusal(
                "IDEMPOTENCY_CONFLICT",
                "该 Idempotency-Key 已用于内容不同的请求",
            );
        }
        Ok(None) => {}
        Err(e) => return WebError::from(e).into_response(),
    }
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if response.status().is_server_error() {
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(body) = to_bytes(body, stored_limit).await else {
        let e = AppError::Io("API response over the replay limit".into());
        return WebError::from(e).into_response();
    };
    let record = IdempotencyRecord {
        actor_user_id: user_id,
        key,
        request_hash,
        status_code: i32::from(parts.status.as_u16()),
        response_body: String::from_utf8_lossy(&body).to_string(),
        created_at_us: anju_app::clock::now_micros(),
    };
    if let Err(e) = state.app.access().save_idempotency_record(&record).await {
        tracing::error!(error = %e, "idempotency save");
    }
    Response::from_parts(parts, Body::from(body))
}

fn replay(stored: &IdempotencyRecord) -> Response {
    let status = u16::try_from(stored.status_code)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    let mut response = (status, stored.response_body.clone()).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
    response
}

/// Who is signed in.
#[derive(Serialize, schemars::JsonSchema)]
pub struct Me {
    user_id: i64,
    name: String,
    role: &'static str,
    role_name: &'static str,
    member_id: Option<i64>,
    employer_id: Option<i64>,
    /// A cookie session's CSRF token, for a script that signed in through
    /// `/signin`: its POSTs send it as `X-CSRF-Token`. None for a bearer token.
    csrf_token: Option<String>,
}

pub async fn me(Extension(session): Extension<Session>) -> Response {
    let p = &session.principal;
    Json(Me {
        user_id: p.user_id,
        name: p.display_name.clone(),
        role: p.role.code(),
        role_name: p.role.name_zh(),
        member_id: p.member_id,
        employer_id: p.employer_id,
        csrf_token: session
            .cookie_token
            .is_some()
            .then(|| session.csrf_token.clone()),
    })
    .into_response()
}

pub async fn member_balance(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let Some(member) = session.principal.member_id else {
        return refusal("MEMBER_NOT_FOUND", "登录账号未关联个人账户");
    };
    match state.app.ledger().member_balance(MemberId(member)).await {
        Ok(b) => Json(BalanceView {
            member_id: member,
            balance_fen: b.balance.get(),
            interest_year_end: b.year.last_day().map(|d| d.to_string()).unwrap_or_default(),
            year_opening_fen: b.year_opening.get(),
            product_fen_days: b.product_fen_days,
        })
        .into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

/// The member's balance, balance brought forward and balance-days.
#[derive(Serialize, schemars::JsonSchema)]
pub struct BalanceView {
    member_id: i64,
    balance_fen: i64,
    interest_year_end: String,
    year_opening_fen: i64,
    product_fen_days: i64,
}

/// A maker-checker task.
#[derive(Serialize, schemars::JsonSchema)]
pub struct TaskView {
    task_id: i64,
    kind: &'static str,
    target: String,
    summary: String,
    status: &'static str,
    maker: String,
    created_at_us: i64,
    decider: Option<String>,
    reason: Option<String>,
}

fn task_json(t: &TaskRecord) -> TaskView {
    TaskView {
        task_id: t.task_id,
        kind: t.kind.code(),
        target: t.target.clone(),
        summary: t.summary.clone(),
        status: t.status.code(),
        maker: t.maker_login.clone(),
        created_at_us: t.created_at_us,
        decider: t.decider_login.clone(),
        reason: t.reason.clone(),
    }
}

/// A list of items (tasks, audit rows).
#[derive(Serialize, schemars::JsonSchema)]
pub struct Items<T> {
    items: Vec<T>,
}

/// An audit row.
#[derive(Serialize, schemars::JsonSchema)]
pub struct AuditView {
    audit_id: i64,
    at_us: i64,
    actor: String,
    role: String,
    channel: String,
    action: String,
    target: String,
    result: String,
    request_id: String,
    client_addr: String,
    payload_digest: String,
}

pub async fn pending_tasks(State(state): State<WebState>) -> Response {
    match state.app.access().pending_tasks(100).await {
        Ok(tasks) => Json(Items {
            items: tasks.iter().map(task_json).collect(),
        })
        .into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct DecisionBody {
    approve: bool,
    #[serde(default)]
    reason: String,
}

pub async fn decide_task(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(task_id): Path<i64>,
    body: Result<Json<DecisionBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return refusal(
            "BODY_INVALID",
            "请求体应为 {\"approve\": true|false, \"reason\": \"…\"}",
        );
    };
    match state
        .app
        .access()
        .decide_task(
            &session.actor(&context),
            task_id,
            body.approve,
            &body.reason,
            state.today(),
        )
        .await
    {
        Ok(task) => Json(task_json(&task)).into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct ReversalBody {
    entry_id: i64,
    reason: String,
}

pub async fn request_reversal(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: Result<Json<ReversalBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return refusal(
            "BODY_INVALID",
            "请求体应为 {\"entry_id\": 数字, \"reason\": \"…\"}",
        );
    };
    let request = ReversalRequest {
        entry_id: body.entry_id,
        reason: body.reason,
    };
    match state
        .app
        .access()
        .request_reversal(&session.actor(&context), &request)
        .await
    {
        Ok(task) => (StatusCode::CREATED, Json(task_json(&task))).into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct AuditParams {
    actor: Option<String>,
    action: Option<String>,
    before: Option<i64>,
    limit: Option<u32>,
}

pub async fn audit(State(state): State<WebState>, Query(params): Query<AuditParams>) -> Response {
    let query = AuditQuery {
        actor: params.actor.filter(|a| !a.is_empty()),
        action: params.action.filter(|a| !a.is_empty()),
        before_id: params.before,
        limit: params.limit.unwrap_or(50),
        ..AuditQuery::default()
    };
    match state.app.access().search_audit(&query).await {
        Ok(rows) => {
            let items = rows.into_iter().map(|r| AuditView {
                audit_id: r.audit_id,
                at_us: r.at_us,
                actor: r.actor_login,
                role: r.role,
                channel: r.channel,
                action: r.action,
                target: r.target,
                result: r.result,
                request_id: r.request_id,
                client_addr: r.client_addr,
                payload_digest: r.payload_digest,
            });
            Json(Items {
                items: items.collect(),
            })
            .into_response()
        }
        Err(e) => WebError::from(e).into_response(),
    }
}

pub async fn not_found_api() -> Response {
    refusal("NOT_FOUND", "接口不存在")
}

/// A 一件事 company-registration message as the registration platform sends it.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct CompanyRegisteredBody {
    message_id: String,
    uscc: String,
    name: String,
    #[serde(default)]
    economic_type: Option<String>,
    #[serde(default)]
    industry: Option<String>,
}

/// An employer account as the 一件事 platform sees it.
#[derive(Serialize, schemars::JsonSchema)]
pub struct UnitView {
    employer_id: i64,
    uscc: String,
    name: String,
    status: &'static str,
    source: String,
}

fn employer_json(e: &anju_app::collection::EmployerRecord) -> UnitView {
    UnitView {
        employer_id: e.employer_id,
        uscc: e.uscc.clone(),
        name: e.name.clone(),
        status: e.status.code(),
        source: e.source.clone(),
    }
}

/// “一件事” 企业开办: opens the employer account (status 02 开户). A message
/// delivered twice answers with the same account.
pub async fn company_registered(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: Result<Json<CompanyRegisteredBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return refusal(
            "BODY_INVALID",
            "请求体应为 {\"message_id\", \"uscc\", \"name\", \"economic_type\"?, \"industry\"?}",
        );
    };
    let message = anju_app::collection::CompanyRegistered {
        message_id: body.message_id,
        uscc: body.uscc,
        name: body.name,
        economic_type: body.economic_type,
        industry: body.industry,
    };
    match state
        .app
        .collection()
        .open_employer_from_message(&session.actor(&context), &message, state.today())
        .await
    {
        Ok(employer) => (StatusCode::CREATED, Json(employer_json(&employer))).into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct CompanyDeregisteredBody {
    message_id: String,
    uscc: String,
}

/// “一件事” 企业注销: closes the account once no member remains attached and
/// nothing is owed; otherwise 422 with the reason.
pub async fn company_deregistered(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: Result<Json<CompanyDeregisteredBody>, axum::extract::rejection::JsonRejection>,
) -> Response {
    let Ok(Json(body)) = body else {
        return refusal("BODY_INVALID", "请求体应为 {\"message_id\", \"uscc\"}");
    };
    match state
        .app
        .collection()
        .close_employer_from_message(&session.actor(&context), &body.uscc, &body.message_id)
        .await
    {
        Ok(employer) => Json(employer_json(&employer)).into_response(),
        Err(e) => WebError::from(e).into_response(),
    }
}
