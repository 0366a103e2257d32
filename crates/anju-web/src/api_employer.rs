//! The employer agent's hall over the JSON API, for payroll and HR systems:
//! the unit and its terms, the roster (增员 one by one or by file, 减员),
//! the month's bill, its lines and its payment, 补缴, the yearly base filing
//! (by list or by file) and 缓缴/降比例. Each calls the use case its page
//! calls, within the agent's own unit; amounts are yuan text ("8000.00").
//! Files (CSV or .xlsx) are the request body itself, with the same row and
//! column errors the page shows.

use crate::api::{JsonBody, answered, body_of};
use crate::auth::{Access, Session};
use crate::context::RequestContext;
use crate::pages::employer_cases::{BackPayForm, ReliefForm, TermsForm, base_of};
use crate::pages::fields::FieldErrors;
use crate::routes::{RouteSpec, spec};
use crate::state::WebState;
use anju_app::AppResult;
use anju_app::collection::{BillLineRecord, BillRecord, MemberRecord};
use anju_domain::DomainError;
use anju_domain::Period;
use anju_domain::access::duties::AGENTS;
use anju_domain::collection::{BackPayRequest, MemberEnrolment, RowError};
use anju_domain::ledger::MemberId;
use axum::body::Bytes;
use axum::extract::{DefaultBodyLimit, Path, Query, State};
use axum::http::{Method, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, get, post};
use axum::{Extension, Json};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The largest roster or base file accepted (as on the page).
pub(crate) const IMPORT_BYTES: usize = 2 * 1024 * 1024;

/// Rows a list returns when the client does not say.
const DEFAULT_LIMIT: usize = 100;
/// Rows a list returns at the most.
const MAX_LIMIT: usize = 1_000;

pub fn routes() -> Vec<(RouteSpec, MethodRouter<WebState>)> {
    let agents = Access::Roles(AGENTS);
    let g = |path, summary| spec(Method::GET, path, agents, summary);
    let p = |path, summary| spec(Method::POST, path, agents, summary);
    let file = || DefaultBodyLimit::max(IMPORT_BYTES);
    vec![
        (
            g("/api/v1/employer", "本单位信息、缴存比例与发薪日"),
            get(employer),
        ),
        (
            g("/api/v1/employer/members", "在职职工名册（分页）"),
            get(members),
        ),
        (p("/api/v1/employer/members", "增员（幂等）"), post(enrol)),
        (
            p(
                "/api/v1/employer/members/import",
                "批量增员：请求体为 CSV 或 .xlsx 文件（幂等）",
            ),
            post(import_members).layer(file()),
        ),
        (
            p(
                "/api/v1/employer/members/{id}/seal",
                "减员：封存个人账户（幂等）",
            ),
            post(seal),
        ),
        (
            g("/api/v1/employer/bills", "汇缴与补缴清册（分页）"),
            get(bills),
        ),
        (
            p("/api/v1/employer/bills", "生成某月汇缴清册（幂等）"),
            post(generate_bill),
        ),
        (g("/api/v1/employer/bills/{id}", "清册及其明细"), get(bill)),
        (
            p("/api/v1/employer/bills/{id}/payment", "缴款（幂等）"),
            post(pay_bill),
        ),
        (
            p("/api/v1/employer/terms", "确认缴存比例与发薪日（幂等）"),
            post(terms),
        ),
        (
            p("/api/v1/employer/back-payments", "补缴（幂等）"),
            post(back_payment),
        ),
        (
            p(
                "/api/v1/employer/back-payments/import",
                "补缴：请求体为某月的 CSV 或 .xlsx 文件（幂等）",
            ),
            post(import_back_payments).layer(file()),
        ),
        (
            p("/api/v1/employer/bases", "年度缴存基数申报（幂等）"),
            post(file_bases),
        ),
        (
            p(
                "/api/v1/employer/bases/import",
                "年度缴存基数申报：请求体为 CSV 或 .xlsx 文件（幂等）",
            ),
            post(import_bases).layer(file()),
        ),
        (
            p("/api/v1/employer/reliefs", "申请缓缴或降低缴存比例（幂等）"),
            post(relief),
        ),
    ]
}

/// The agent's unit, or a refusal for a sign-in without one.
fn employer_of(session: &Session) -> Result<i64, DomainError> {
    session
        .principal
        .employer_id
        .ok_or_else(|| DomainError::new("EMPLOYER_SCOPE", "登录账号未关联缴存单位"))
}

#[derive(Deserialize)]
pub struct PageQuery {
    #[serde(default)]
    offset: usize,
    limit: Option<usize>,
}

impl PageQuery {
    /// The page of `rows` asked for, with the offset of the next page if any.
    fn page<'a, T>(&self, rows: &'a [T]) -> (Vec<&'a T>, Option<usize>) {
        let limit = self.limit.unwrap_or(DEFAULT_LIMIT).clamp(1, MAX_LIMIT);
        let shown: Vec<&T> = rows.iter().skip(self.offset).take(limit).collect();
        let end = self.offset.saturating_add(shown.len());
        (shown, (end < rows.len()).then_some(end))
    }
}

/// A member on the unit's roster (身份证号 masked).
#[derive(Serialize, JsonSchema)]
pub struct MemberView {
    member_id: i64,
    name: String,
    id_card: String,
    status: &'static str,
    status_name: &'static str,
    wage_fen: i64,
    employer_rate: Option<String>,
    member_rate: Option<String>,
}

fn member_json(m: &MemberRecord) -> MemberView {
    MemberView {
        member_id: m.member_id,
        name: m.name.clone(),
        id_card: crate::pages::masked_id_card(&m.id_card),
        status: m.status.code(),
        status_name: m.status.name_zh(),
        wage_fen: m.wage_fen.get(),
        employer_rate: m.employer_rate_ppm.map(|r| r.to_string()),
        member_rate: m.member_rate_ppm.map(|r| r.to_string()),
    }
}

/// A remittance (`01`) or back-payment (`02`) bill.
#[derive(Serialize, JsonSchema)]
pub struct BillView {
    bill_id: i64,
    kind: &'static str,
    kind_name: &'static str,
    period: String,
    due_date: String,
    status: &'static str,
    status_name: &'static str,
    total_fen: i64,
    line_count: i32,
    paid_on: Option<String>,
    payment_channel: Option<String>,
    payment_reference: Option<String>,
    reason: Option<String>,
    reversed: bool,
    /// Every line, on `GET /api/v1/employer/bills/{id}` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    lines: Option<Vec<LineView>>,
}

fn bill_json(b: &BillRecord) -> BillView {
    BillView {
        bill_id: b.bill_id,
        kind: b.kind.code(),
        kind_name: b.kind.name_zh(),
        period: period_text(b.period),
        due_date: b.due_date.to_string(),
        status: b.status.code(),
        status_name: b.status.name_zh(),
        total_fen: b.total_fen.get(),
        line_count: b.line_count,
        paid_on: b.paid_on.map(|d| d.to_string()),
        payment_channel: b.payment_channel.clone(),
        payment_reference: b.payment_reference.clone(),
        reason: b.reason.clone(),
        reversed: b.reversal_entry_id.is_some(),
        lines: None,
    }
}

/// `202611` as `202611` (the stored number as is if it is not a month).
fn period_text(yyyymm: i32) -> String {
    u32::try_from(yyyymm)
        .ok()
        .and_then(|n| Period::from_yyyymm(n).ok())
        .map_or_else(|| yyyymm.to_string(), |p| p.to_string())
}

/// One member's line of a bill.
#[derive(Serialize, JsonSchema)]
pub struct LineView {
    line_no: i32,
    member_id: i64,
    base_fen: i64,
    employer_fen: i64,
    member_fen: i64,
    total_fen: i64,
}

fn line_json(l: &BillLineRecord) -> LineView {
    LineView {
        line_no: l.line_no,
        member_id: l.member_id,
        base_fen: l.base_fen.get(),
        employer_fen: l.employer_fen.get(),
        member_fen: l.member_fen.get(),
        total_fen: l.employer_fen.get() + l.member_fen.get(),
    }
}

/// A problem in an uploaded file: its spreadsheet row (the header is 1)
/// and column.
#[derive(Serialize, JsonSchema)]
pub struct RowErrorView {
    row: usize,
    column: String,
    code: &'static str,
    message: String,
}

fn row_error_json(e: &RowError) -> RowErrorView {
    RowErrorView {
        row: e.row,
        column: e.column.clone(),
        code: e.code,
        message: e.message.clone(),
    }
}

/// The unit, its status, pay day and rates.
#[derive(Serialize, JsonSchema)]
pub struct EmployerView {
    employer_id: i64,
    uscc: String,
    name: String,
    status: &'static str,
    pay_day: Option<i32>,
    employer_rate: String,
    member_rate: String,
}

fn employer_view(e: &anju_app::collection::EmployerRecord) -> EmployerView {
    EmployerView {
        employer_id: e.employer_id,
        uscc: e.uscc.clone(),
        name: e.name.clone(),
        status: e.status.code(),
        pay_day: e.pay_day,
        employer_rate: e.employer_rate_ppm.to_string(),
        member_rate: e.member_rate_ppm.to_string(),
    }
}

/// A page of the roster.
#[derive(Serialize, JsonSchema)]
pub struct MembersPage {
    total: usize,
    members: Vec<MemberView>,
    next_offset: Option<usize>,
}

/// A page of bills, newest first.
#[derive(Serialize, JsonSchema)]
pub struct BillsPage {
    bills: Vec<BillView>,
    next_offset: Option<usize>,
}

/// Someone a roster file enrolled.
#[derive(Serialize, JsonSchema)]
pub struct Enrolled {
    member_id: i64,
    name: String,
}

/// What a roster file did: who was enrolled, which rows were not.
#[derive(Serialize, JsonSchema)]
pub struct RosterImportView {
    enrolled: Vec<Enrolled>,
    errors: Vec<RowErrorView>,
}

/// What a 补缴 file did: the bill made, if any, and the rows not billed.
#[derive(Serialize, JsonSchema)]
pub struct BackPayImportView {
    bill: Option<BillView>,
    errors: Vec<RowErrorView>,
}

/// A base filing: the contribution year and how many were filed; a file's
/// refused rows when nothing was filed.
#[derive(Serialize, JsonSchema)]
pub struct FilingView {
    year: Option<i32>,
    member_count: i32,
    errors: Vec<RowErrorView>,
}

/// A 缓缴 / 降比例 application, pending a reviewer's task.
#[derive(Serialize, JsonSchema)]
pub struct ReliefView {
    relief_id: i64,
    kind: &'static str,
    from: i32,
    to: i32,
    status: &'static str,
    task_id: i64,
}

/// `GET /api/v1/employer`.
async fn employer(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let result = async {
        let employer_id = employer_of(&session)?;
        let e = state
            .app
            .collection()
            .employer(employer_id)
            .await?
            .ok_or_else(|| {
                DomainError::new("EMPLOYER_NOT_FOUND", "您的账号关联的缴存单位不存在。")
            })?;
        Ok(employer_view(&e))
    }
    .await;
    answered(StatusCode::OK, result)
}

/// `GET /api/v1/employer/members?offset=0&limit=100`: active members by id.
async fn members(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<PageQuery>,
) -> Response {
    let result = async {
        let employer_id = employer_of(&session)?;
        let roster = state.app.collection().active_members(employer_id).await?;
        let (shown, next) = query.page(&roster);
        Ok(MembersPage {
            total: roster.len(),
            members: shown.into_iter().map(member_json).collect(),
            next_offset: next,
        })
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct EnrolBody {
    id_card: String,
    name: String,
    /// Monthly wage in yuan.
    wage: String,
}

/// `POST /api/v1/employer/members`: 增员 of one person.
async fn enrol(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: JsonBody<EnrolBody>,
) -> Response {
    let expected = "{\"id_card\": \"…\", \"name\": \"…\", \"wage\": \"8000.00\"}";
    let body = match body_of(body, expected) {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let result = async {
        let employer_id = employer_of(&session)?;
        let enrolment = MemberEnrolment::checked(&body.id_card, &body.name, &body.wage).map_err(
            |refusals| {
                FieldErrors::of_refusals(refusals)
                    .joined()
                    .unwrap_or_else(form_invalid)
            },
        )?;
        let actor = session.actor(&context);
        let added = state
            .app
            .collection()
            .enrol_members(&actor, employer_id, &[enrolment], state.today())
            .await?;
        let first = added
            .first()
            .ok_or_else(|| DomainError::new("MEMBER_NOT_FOUND", "未能开立个人账户"))?;
        Ok(member_json(first))
    }
    .await;
    answered(StatusCode::CREATED, result)
}

#[derive(Deserialize)]
pub struct ImportQuery {
    /// Take the rows that passed even if others did not.
    #[serde(default)]
    take_valid: bool,
}

/// `POST /api/v1/employer/members/import?take_valid=false`: the body is
/// the file. 201 with what was enrolled and what was not; 422 when nothing
/// was enrolled because of the file's errors.
async fn import_members(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Query(query): Query<ImportQuery>,
    file: Bytes,
) -> Response {
    let result = async {
        let employer_id = employer_of(&session)?;
        let actor = session.actor(&context);
        let report = state
            .app
            .collection()
            .import_roster(&actor, employer_id, &file, query.take_valid, state.today())
            .await?;
        Ok(report)
    }
    .await;
    match result {
        Ok(report) => {
            let status = if report.enrolled.is_empty() && !report.errors.is_empty() {
                StatusCode::UNPROCESSABLE_ENTITY
            } else {
                StatusCode::CREATED
            };
            // One short line per person: a 5,000-row file's answer stays
            // within what the idempotency layer keeps for a replay.
            let enrolled = report.enrolled.iter().map(|m| Enrolled {
                member_id: m.member_id,
                name: m.name.clone(),
            });
            let body = RosterImportView {
                enrolled: enrolled.collect(),
                errors: report.errors.iter().map(row_error_json).collect(),
            };
            (status, Json(body)).into_response()
        }
        Err(e) => crate::api::problem(e),
    }
}

/// `POST /api/v1/employer/members/{id}/seal`: 减员 (sealed, not closed).
async fn seal(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(member_id): Path<i64>,
) -> Response {
    let actor = session.actor(&context);
    let result = state
        .app
        .collection()
        .seal_member(&actor, member_id, state.today())
        .await
        .map(|m| member_json(&m));
    answered(StatusCode::OK, result)
}

/// `GET /api/v1/employer/bills?offset=0&limit=100`: newest first.
async fn bills(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(query): Query<PageQuery>,
) -> Response {
    let result = async {
        let employer_id = employer_of(&session)?;
        let wanted = query.offset.saturating_add(MAX_LIMIT).saturating_add(1);
        let wanted = u32::try_from(wanted).unwrap_or(u32::MAX);
        let bills = state.app.collection().bills_of(employer_id, wanted).await?;
        let (shown, next) = query.page(&bills);
        Ok(BillsPage {
            bills: shown.into_iter().map(bill_json).collect(),
            next_offset: next,
        })
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct BillBody {
    /// `202611`.
    period: String,
}

/// `POST /api/v1/employer/bills`: the month's remittance bill (once a month).
async fn generate_bill(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: JsonBody<BillBody>,
) -> Response {
    let body = match body_of(body, "{\"period\": \"202611\"}") {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let result = async {
        let employer_id = employer_of(&session)?;
        let period = Period::parse(body.period.trim())?;
        let actor = session.actor(&context);
        let bill = state
            .app
            .collection()
            .generate_bill(&actor, employer_id, period)
            .await?;
        Ok(bill_json(&bill))
    }
    .await;
    answered(StatusCode::CREATED, result)
}

/// `GET /api/v1/employer/bills/{id}`: the bill and every line; another
/// unit's bill is not found.
async fn bill(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Path(bill_id): Path<i64>,
) -> Response {
    let result = async {
        let employer_id = employer_of(&session)?;
        let (bill, lines) = state
            .app
            .collection()
            .bill(bill_id)
            .await?
            .filter(|(b, _)| b.employer_id == employer_id)
            .ok_or_else(|| {
                DomainError::new("BILL_NOT_FOUND", format!("汇缴清册 {bill_id} 不存在"))
            })?;
        let mut body = bill_json(&bill);
        body.lines = Some(lines.iter().map(line_json).collect());
        Ok(body)
    }
    .await;
    answered(StatusCode::OK, result)
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct PayBody {
    /// A payment channel the centre offers (`GET /api/v1/employer` lists none;
    /// the page shows them): `bank` or `ecny`.
    channel: String,
}

/// `POST /api/v1/employer/bills/{id}/payment`: pays through the channel; a
/// bill already paid answers as paid.
async fn pay_bill(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(bill_id): Path<i64>,
    body: JsonBody<PayBody>,
) -> Response {
    let body = match body_of(body, "{\"channel\": \"bank\"}") {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let actor = session.actor(&context);
    let result = state
        .app
        .collection()
        .pay_bill(&actor, bill_id, &body.channel, state.today())
        .await
        .map(|b| bill_json(&b));
    answered(StatusCode::OK, result)
}

/// `POST /api/v1/employer/terms`: `{"pay_day": "15", "employer_rate": "12", "member_rate": "12"}`.
async fn terms(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: JsonBody<TermsForm>,
) -> Response {
    let expected = "{\"pay_day\": \"15\", \"employer_rate\": \"12\", \"member_rate\": \"12\"}";
    let form = match body_of(body, expected) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let result = async {
        let employer_id = employer_of(&session)?;
        let (pay_day, rates) = form.terms()?;
        let actor = session.actor(&context);
        let e = state
            .app
            .collection()
            .confirm_employer_terms(&actor, employer_id, pay_day, rates, state.today())
            .await?;
        Ok(employer_view(&e))
    }
    .await;
    answered(StatusCode::OK, result)
}

/// `POST /api/v1/employer/back-payments`: one member's month, with the reason.
async fn back_payment(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: JsonBody<BackPayForm>,
) -> Response {
    let expected =
        "{\"period\": \"202605\", \"member_id\": 1, \"wage\": \"8000.00\", \"reason\": \"…\"}";
    let form = match body_of(body, expected) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let result: AppResult<BillView> = async {
        let employer_id = employer_of(&session)?;
        let (period, wage, reason) = form
            .checked()
            .map_err(|errors| errors.joined().unwrap_or_else(form_invalid))?;
        let request = BackPayRequest {
            member: MemberId(form.member_id),
            wage,
            rates: None,
        };
        let actor = session.actor(&context);
        let today = state.today();
        let bill = state
            .app
            .collection()
            .create_back_payment(&actor, employer_id, period, &reason, &[request], today)
            .await?;
        Ok(bill_json(&bill))
    }
    .await;
    answered(StatusCode::CREATED, result)
}

#[derive(Deserialize)]
pub struct BackPayQuery {
    /// The month owed, `202605`.
    #[serde(default)]
    period: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    take_valid: bool,
}

/// `POST /api/v1/employer/back-payments/import?period=202605&reason=…`:
/// the body is the month's 补缴 file (身份证号, 月工资). 201 with the bill and
/// the rows not billed; 422 with every row's error when no bill was made.
async fn import_back_payments(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Query(query): Query<BackPayQuery>,
    file: Bytes,
) -> Response {
    let result = async {
        let employer_id = employer_of(&session)?;
        let period = Period::parse(query.period.trim())?;
        let actor = session.actor(&context);
        let collection = state.app.collection();
        let (reason, take_valid, today) = (&query.reason, query.take_valid, state.today());
        let billed = collection
            .back_payment_from_file(
                &actor,
                employer_id,
                period,
                reason,
                &file,
                take_valid,
                today,
            )
            .await?;
        Ok(billed)
    }
    .await;
    let (bill, errors) = match result {
        Ok(billed) => billed,
        Err(e) => return crate::api::problem(e),
    };
    let status = if bill.is_some() {
        StatusCode::CREATED
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let body = BackPayImportView {
        bill: bill.as_ref().map(bill_json),
        errors: errors.iter().map(row_error_json).collect(),
    };
    (status, Json(body)).into_response()
}

fn form_invalid() -> DomainError {
    DomainError::new("FORM_INVALID", "表单内容无效")
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct BaseLine {
    member_id: i64,
    /// Last year's average monthly wage, yuan.
    wage: String,
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct BasesBody {
    bases: Vec<BaseLine>,
}

/// `POST /api/v1/employer/bases`: the contribution year's bases (from July).
async fn file_bases(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: JsonBody<BasesBody>,
) -> Response {
    let expected = "{\"bases\": [{\"member_id\": 1, \"wage\": \"9000.00\"}]}";
    let body = match body_of(body, expected) {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let result = async {
        let employer_id = employer_of(&session)?;
        let mut bases = body
            .bases
            .iter()
            .map(|line| base_of(line.member_id, &line.wage))
            .collect::<Result<Vec<_>, _>>()?;
        bases.sort_by_key(|b| b.member_id);
        let today = state.today();
        let actor = session.actor(&context);
        let year = today.contribution_year();
        let filing = state
            .app
            .collection()
            .file_bases(&actor, employer_id, year, &bases, today)
            .await?;
        Ok(FilingView {
            year: Some(filing.year),
            member_count: filing.member_count,
            errors: Vec::new(),
        })
    }
    .await;
    answered(StatusCode::CREATED, result)
}

/// `POST /api/v1/employer/bases/import`: the body is the base file; a file
/// with any error files nothing (422 with every row's error).
async fn import_bases(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    file: Bytes,
) -> Response {
    let result = async {
        let employer_id = employer_of(&session)?;
        let actor = session.actor(&context);
        let today = state.today();
        let filed = state
            .app
            .collection()
            .file_bases_from_file(&actor, employer_id, &file, today)
            .await?;
        Ok(filed)
    }
    .await;
    match result {
        Ok((Some(filing), _)) => {
            let body = FilingView {
                year: Some(filing.year),
                member_count: filing.member_count,
                errors: Vec::new(),
            };
            (StatusCode::CREATED, Json(body)).into_response()
        }
        Ok((None, errors)) => {
            let body = FilingView {
                year: None,
                member_count: 0,
                errors: errors.iter().map(row_error_json).collect(),
            };
            (StatusCode::UNPROCESSABLE_ENTITY, Json(body)).into_response()
        }
        Err(e) => crate::api::problem(e),
    }
}

/// `POST /api/v1/employer/reliefs`: 缓缴 (`deferral`) or 降比例
/// (`rate_reduction`, with the two rates); a reviewer decides.
async fn relief(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: JsonBody<ReliefForm>,
) -> Response {
    let expected = "{\"kind\": \"deferral\", \"from\": \"202612\", \"to\": \"202705\", \
\"reason\": \"…\", \"consent\": \"职工代表大会同意\"}";
    let form = match body_of(body, expected) {
        Ok(form) => form,
        Err(refused) => return refused,
    };
    let result = async {
        let employer_id = employer_of(&session)?;
        let application = form.application()?;
        let actor = session.actor(&context);
        let r = state
            .app
            .collection()
            .apply_for_relief(&actor, employer_id, &application, state.today())
            .await?;
        Ok(ReliefView {
            relief_id: r.relief_id,
            kind: r.kind.code(),
            from: r.from_period,
            to: r.to_period,
            status: r.status.code(),
            task_id: r.task_id,
        })
    }
    .await;
    answered(StatusCode::CREATED, result)
}
