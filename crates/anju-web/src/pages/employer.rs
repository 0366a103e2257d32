//! The employer agent's pages: the roster with adding staff, the month's
//! remittance bill and its payment, recent remittances.

use super::employer_cases::BackPayForm;
use super::fields::{FieldErrors, Said};
use super::{Layout, error_page, failure, render};
use crate::auth::{MultipartCsrf, Session};
use crate::context::RequestContext;
use crate::error::status_of;
use crate::state::WebState;
use anju_app::{AppError, AppResult};
use anju_domain::collection::BillKind;
use anju_domain::collection::BillStatus;
use anju_domain::collection::EmployerStatus;
use anju_domain::collection::{MemberEnrolment, RowError};
use anju_domain::{DomainError, Fen, Period, RatePpm};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;

const BILLS_SHOWN: u32 = 24;

pub struct RosterRow {
    pub member_id: i64,
    pub name: String,
    pub id_card: String,
    pub wage: Fen,
}

pub struct BillRow {
    pub bill_id: i64,
    pub kind: &'static str,
    pub period: i32,
    pub people: i32,
    pub total: Fen,
    pub due: String,
    pub status: &'static str,
    pub payable: bool,
}

#[derive(Template)]
#[template(path = "employer.html")]
struct EmployerPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    errors: FieldErrors,
    /// The 增员 form as typed, when it was refused.
    add_member: AddMemberForm,
    back_payment: BackPayForm,
    employer_name: String,
    uscc: String,
    status: &'static str,
    /// Opened from a “一件事” message and not yet confirmed by the agent.
    unconfirmed: bool,
    pay_day_value: String,
    employer_rate_value: String,
    member_rate_value: String,
    pay_day: String,
    rates: String,
    agent: String,
    this_month: String,
    bills: Vec<BillRow>,
    roster: Vec<RosterRow>,
    import_errors: Vec<RowError>,
    backpay_errors: Vec<RowError>,
    channels: Vec<(&'static str, &'static str)>,
    cases: super::employer_cases::CasePanel,
}

pub(super) async fn employer_page(
    state: &WebState,
    session: &Session,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let said = Said {
        notice,
        error,
        ..Said::default()
    };
    let shown = Shown {
        said,
        ..Shown::default()
    };
    employer_page_with(state, session, shown).await
}

/// What the page shows besides the employer's data: the last action's outcome.
#[derive(Default)]
pub(super) struct Shown {
    pub(super) said: Said<String>,
    /// Rows of a roster file that were not imported.
    pub(super) import_errors: Vec<RowError>,
    /// The 增员 form as typed, when it was refused.
    pub(super) add_member: AddMemberForm,
    /// The 补缴 form as typed, when it was refused.
    pub(super) back_payment: BackPayForm,
    /// Rows of a 补缴 file that were not billed.
    pub(super) backpay_errors: Vec<RowError>,
}

impl Shown {
    /// A file refused row by row: the message and the rows.
    pub(super) fn refused_rows(message: String, import_errors: Vec<RowError>) -> Shown {
        Shown {
            said: Said::error(message),
            import_errors,
            ..Shown::default()
        }
    }
}

pub(super) async fn employer_page_with(
    state: &WebState,
    session: &Session,
    shown: Shown,
) -> Response {
    let app = &state.app;
    let Some(employer_id) = session.principal.employer_id else {
        return error_page(
            app,
            Some(session),
            StatusCode::FORBIDDEN,
            "您的账号尚未关联缴存单位。",
        );
    };
    let today = state.today();
    let loaded: AppResult<_> = async {
        let employer = app
            .collection()
            .employer(employer_id)
            .await?
            .ok_or_else(|| {
                DomainError::new("EMPLOYER_NOT_FOUND", "您的账号关联的缴存单位不存在。")
            })?;
        let roster = app.collection().active_members(employer_id).await?;
        let bills = app.collection().bills_of(employer_id, BILLS_SHOWN).await?;
        let cases = super::employer_cases::case_panel(app, &employer, &roster, today).await?;
        Ok((employer, roster, bills, cases))
    }
    .await;
    let (employer, roster, bills, cases) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let rate = |ppm| RatePpm::new(ppm).map_or_else(|_| "-".to_string(), |r| r.to_string());
    let page = EmployerPage {
        layout: Layout::new(app, Some(session)),
        notice: shown.said.notice,
        error: shown.said.error,
        errors: shown.said.errors,
        add_member: shown.add_member,
        back_payment: shown.back_payment,
        employer_name: employer.name.clone(),
        uscc: employer.uscc.clone(),
        status: employer.status.name_zh(),
        unconfirmed: employer.status == EmployerStatus::Opened,
        pay_day_value: employer.pay_day.map(|d| d.to_string()).unwrap_or_default(),
        employer_rate_value: percent_value(employer.employer_rate_ppm.ppm()),
        member_rate_value: percent_value(employer.member_rate_ppm.ppm()),
        pay_day: employer.pay_day.map_or_else(
            || "未登记（月末前缴存）".to_string(),
            |d| format!("每月{d}日"),
        ),
        rates: format!(
            "{} / {}",
            rate(employer.employer_rate_ppm.ppm()),
            rate(employer.member_rate_ppm.ppm())
        ),
        agent: session.principal.display_name.clone(),
        this_month: Period::of_date(today).to_string(),
        bills: bills
            .iter()
            .map(|b| BillRow {
                bill_id: b.bill_id,
                kind: if b.kind == BillKind::BackPayment {
                    "补缴"
                } else {
                    "汇缴"
                },
                period: b.period,
                people: b.line_count,
                total: b.total_fen,
                due: b.due_date.to_string(),
                status: match (b.status, b.due_date < today) {
                    _ if b.reversal_entry_id.is_some() => "已更正（冲正）",
                    (BillStatus::Paid, _) => "已缴",
                    (_, true) => "逾期未缴",
                    _ => "待缴",
                },
                payable: b.status == BillStatus::Open,
            })
            .collect(),
        roster: roster
            .iter()
            .map(|m| RosterRow {
                member_id: m.member_id,
                name: m.name.clone(),
                id_card: super::masked_id_card(&m.id_card),
                wage: m.wage_fen,
            })
            .collect(),
        import_errors: shown.import_errors,
        backpay_errors: shown.backpay_errors,
        channels: app
            .payment_adapters()
            .iter()
            .map(|a| (a.channel(), a.name_zh()))
            .collect(),
        cases,
    };
    render(app, Some(session), page.render())
}

/// A rate as the whole percent typed in the form (`120000` ppm → `12`).
fn percent_value(ppm: i64) -> String {
    if ppm % 10_000 == 0 {
        (ppm / 10_000).to_string()
    } else {
        String::new()
    }
}

pub async fn employer_home(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    employer_page(&state, &session, None, None).await
}

/// A refusal re-renders the page with the reason (422); internal failures get the 500 page.
pub(super) async fn outcome(
    state: &WebState,
    session: &Session,
    result: Result<String, AppError>,
) -> Response {
    match result {
        Ok(notice) => employer_page(state, session, Some(notice), None).await,
        Err(AppError::Rejected(d)) => crate::pages::with_status(
            employer_page(state, session, None, Some(d.message().to_string())).await,
            status_of(d.kind()),
        ),
        Err(other) => failure(&state.app, Some(session), other),
    }
}

#[derive(Deserialize, Default)]
pub struct AddMemberForm {
    id_card: String,
    name: String,
    wage: String,
}

pub async fn add_member(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<AddMemberForm>,
) -> Response {
    let employer_id = session.principal.employer_id.unwrap_or(0);
    let enrolment = match MemberEnrolment::checked(&form.id_card, &form.name, &form.wage) {
        Ok(enrolment) => enrolment,
        Err(refused) => {
            let shown = Shown {
                said: Said::fields(FieldErrors::of_refusals(refused)),
                add_member: form,
                ..Shown::default()
            };
            let page = employer_page_with(&state, &session, shown).await;
            return crate::pages::with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
        }
    };
    let result: Result<String, AppError> = async {
        let actor = session.actor(&context);
        let added = state
            .app
            .collection()
            .enrol_members(&actor, employer_id, &[enrolment], state.today())
            .await?;
        Ok(format!(
            "已为 {} 开立住房公积金账户。",
            added.first().map_or("", |m| m.name.as_str())
        ))
    }
    .await;
    match result {
        // Refused (a duplicate, a closed account …): the form keeps what was typed.
        Err(AppError::Rejected(d)) => {
            let shown = Shown {
                said: Said::error(d.message().to_string()),
                add_member: form,
                ..Shown::default()
            };
            let page = employer_page_with(&state, &session, shown).await;
            crate::pages::with_status(page, status_of(d.kind()))
        }
        other => outcome(&state, &session, other).await,
    }
}

#[derive(Deserialize)]
pub struct BillForm {
    period: String,
}

pub async fn generate_bill(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<BillForm>,
) -> Response {
    let employer_id = session.principal.employer_id.unwrap_or(0);
    let result: Result<String, AppError> = async {
        let period = Period::parse(form.period.trim())?;
        let bill = state
            .app
            .collection()
            .generate_bill(&session.actor(&context), employer_id, period)
            .await?;
        Ok(format!(
            "已生成 {} 汇缴清册：{} 人，应缴 {}。",
            bill.period, bill.line_count, bill.total_fen
        ))
    }
    .await;
    outcome(&state, &session, result).await
}

#[derive(Deserialize)]
pub struct PayForm {
    channel: String,
}

pub async fn pay_bill(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(bill_id): Path<i64>,
    Form(form): Form<PayForm>,
) -> Response {
    let result: Result<String, AppError> = async {
        let bill = state
            .app
            .collection()
            .pay_bill(
                &session.actor(&context),
                bill_id,
                &form.channel,
                state.today(),
            )
            .await?;
        Ok(format!(
            "{} 汇缴已入账，金额 {}。",
            bill.period, bill.total_fen
        ))
    }
    .await;
    outcome(&state, &session, result).await
}

/// An employer page's file upload: the "take valid rows" box, the file and
/// the form's other text fields (a 补缴 file's month and reason).
#[derive(Default)]
pub(super) struct Upload {
    pub(super) take_valid: bool,
    pub(super) file: Vec<u8>,
    pub(super) fields: std::collections::BTreeMap<String, String>,
}

/// Reads the upload's fields: the CSRF token and the upload.
pub(super) async fn read_upload(mut multipart: Multipart) -> Result<(String, Upload), String> {
    let unreadable = || "上传内容无法读取".to_string();
    let (mut csrf, mut upload) = (String::new(), Upload::default());
    while let Some(field) = multipart.next_field().await.map_err(|_| unreadable())? {
        match field.name().map(str::to_string).as_deref() {
            Some("_csrf") => csrf = field.text().await.map_err(|_| unreadable())?,
            Some("take_valid") => upload.take_valid = true,
            Some("file") => {
                upload.file = field
                    .bytes()
                    .await
                    .map_err(|_| "文件无法读取（不超过2MB）".to_string())?
                    .to_vec()
            }
            Some(name) => {
                let value = field.text().await.map_err(|_| unreadable())?;
                upload.fields.insert(name.to_string(), value);
            }
            None => {}
        }
    }
    Ok((csrf, upload))
}

/// An employer page's file upload, read and checked: its "take valid rows"
/// box and the file, or the page to answer with (not a form upload, an
/// unreadable body, a forged or stale CSRF token).
pub(super) async fn checked_upload(
    state: &WebState,
    session: &Session,
    expected: Option<Extension<MultipartCsrf>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Upload, Response> {
    let (Some(Extension(expected)), Ok(multipart)) = (expected, multipart) else {
        let mut page = employer_page(
            state,
            session,
            None,
            Some("请通过页面上的表单上传文件".into()),
        )
        .await;
        page = crate::pages::with_status(page, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        return Err(page);
    };
    let (csrf, upload) = match read_upload(multipart).await {
        Ok(read) => read,
        Err(message) => return Err(employer_page(state, session, None, Some(message)).await),
    };
    if !expected.matches(&csrf) {
        return Err(error_page(
            &state.app,
            Some(session),
            StatusCode::FORBIDDEN,
            "页面已过期或请求无效，请刷新页面后重试",
        ));
    }
    Ok(upload)
}

pub async fn import_members(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    expected: Option<Extension<MultipartCsrf>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let Upload {
        take_valid, file, ..
    } = match checked_upload(&state, &session, expected, multipart).await {
        Ok(upload) => upload,
        Err(page) => return page,
    };
    let employer_id = session.principal.employer_id.unwrap_or(0);
    let actor = session.actor(&context);
    match state
        .app
        .collection()
        .import_roster(&actor, employer_id, &file, take_valid, state.today())
        .await
    {
        Ok(report) if report.enrolled.is_empty() => {
            let message = format!(
                "文件有 {} 处问题，未增加任何职工。请修改后重新上传，或勾选“仅导入无误的行”。",
                report.errors.len()
            );
            let shown = Shown::refused_rows(message, report.errors);
            let mut page = employer_page_with(&state, &session, shown).await;
            page = crate::pages::with_status(page, StatusCode::UNPROCESSABLE_ENTITY);
            page
        }
        Ok(report) => {
            let notice = format!(
                "已增加 {} 名职工；{} 处问题未导入。",
                report.enrolled.len(),
                report.errors.len()
            );
            let shown = Shown {
                said: Said::notice(notice),
                import_errors: report.errors,
                ..Shown::default()
            };
            employer_page_with(&state, &session, shown).await
        }
        Err(e) => outcome(&state, &session, Err(e)).await,
    }
}

/// 减员: the member leaves; the account is sealed, not closed.
pub async fn seal_member(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(member_id): Path<i64>,
) -> Response {
    let result: Result<String, AppError> = async {
        let member = state
            .app
            .collection()
            .seal_member(&session.actor(&context), member_id, state.today())
            .await?;
        Ok(format!("已为 {} 办理减员，个人账户已封存。", member.name))
    }
    .await;
    outcome(&state, &session, result).await
}
