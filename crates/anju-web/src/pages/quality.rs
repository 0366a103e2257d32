//! 服务质量 pages: the member's 评价与投诉 (rate a completed service, see
//! the rectification and the visit, file and appeal complaints) and the
//! staff console (complaints with their deadlines, rectifications, ratings
//! by service, channel and staff, the 12329 hotline and K17/K20/K21).

use super::staff_collection::{answer, percent_text};
use super::{Layout, error_page, failure, no_member_account, render};
use crate::auth::{MultipartCsrf, Session};
use crate::context::RequestContext;
use crate::state::WebState;
use anju_app::quality::{
    ComplaintInput, ComplaintRecord, RateInput, Rateable, Resolution, ReviewGroup, ReviewRecord,
};
use anju_app::{AppError, AppResult};
use anju_domain::quality::{
    ComplaintCategory, ComplaintOutcome, ComplaintSource, ComplaintStatus, RatedService,
    RectificationStatus, Satisfaction, TicketKind, is_overdue,
};
use anju_domain::{Coded, Date};
use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;

/// A coded enum's (code, name) pairs, for a form's options.
fn coded_list<T: Coded + Copy>(all: &[T]) -> Vec<(&'static str, &'static str)> {
    all.iter().map(|v| (v.code(), v.name_zh())).collect()
}

fn stars_text(stars: u8) -> String {
    format!(
        "{}{}",
        "★".repeat(usize::from(stars)),
        "☆".repeat(5 - usize::from(stars))
    )
}

fn date_text(date: Option<Date>) -> String {
    date.map(|d| d.to_string()).unwrap_or_default()
}

// ----- the member's page -----

pub struct RateableRow {
    pub service: &'static str,
    pub service_code: &'static str,
    pub service_ref: i64,
    pub outcome: &'static str,
    pub applied_on: String,
    pub channel: &'static str,
}

impl RateableRow {
    fn of(r: &Rateable) -> Self {
        RateableRow {
            service: r.service.name_zh(),
            service_code: r.service.code(),
            service_ref: r.service_ref,
            outcome: r.outcome,
            applied_on: r.applied_on.to_string(),
            channel: r.channel.name_zh(),
        }
    }
}

pub struct ReviewRow {
    pub review_id: i64,
    pub service: &'static str,
    pub service_ref: i64,
    pub stars: String,
    pub star_count: u8,
    pub reasons: String,
    pub reviewed_on: String,
    /// 待整改 … 已回访, or empty for a good review.
    pub rectification: &'static str,
    pub due: String,
    pub rectification_note: String,
    pub follow_up_note: String,
    pub staff: String,
    pub channel: &'static str,
    pub open: bool,
}

impl ReviewRow {
    fn of(r: &ReviewRecord, staff: String) -> Self {
        let open = matches!(
            r.rectification,
            Some(
                RectificationStatus::Open
                    | RectificationStatus::Taken
                    | RectificationStatus::Rectified
            )
        );
        ReviewRow {
            review_id: r.review_id,
            service: r.service.name_zh(),
            service_ref: r.service_ref,
            stars: stars_text(r.stars),
            star_count: r.stars,
            reasons: r.reasons.clone(),
            reviewed_on: r.reviewed_on.to_string(),
            rectification: r.rectification.map_or("", |s| s.name_zh()),
            due: date_text(r.rectification_due),
            rectification_note: r.rectification_note.clone(),
            follow_up_note: r.follow_up_note.clone(),
            staff,
            channel: r.channel.name_zh(),
            open,
        }
    }
}

pub struct ComplaintRow {
    pub complaint_id: i64,
    pub received_on: String,
    pub source: &'static str,
    pub category: &'static str,
    pub complainant: String,
    pub subject: String,
    pub status: &'static str,
    pub due_on: String,
    pub overdue: bool,
    pub outcome: &'static str,
    pub reply: String,
    pub appealable: bool,
}

impl ComplaintRow {
    fn of(c: &ComplaintRecord, today: Date) -> Self {
        ComplaintRow {
            complaint_id: c.complaint_id,
            received_on: c.received_on.to_string(),
            source: c.source.name_zh(),
            category: c.category.name_zh(),
            complainant: c.complainant.clone(),
            subject: c.subject.clone(),
            status: c.status.name_zh(),
            due_on: c.due_on.to_string(),
            overdue: is_overdue(c.status, c.due_on, today),
            outcome: c.outcome.map_or("", |o| o.name_zh()),
            reply: c.reply.clone(),
            appealable: c.status == ComplaintStatus::Resolved && c.appealed_on.is_none(),
        }
    }
}

#[derive(Template)]
#[template(path = "member_service.html")]
struct MemberServicePage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    rateable: Vec<RateableRow>,
    reviews: Vec<ReviewRow>,
    complaints: Vec<ComplaintRow>,
    categories: Vec<(&'static str, &'static str)>,
}

async fn member_page(
    state: &WebState,
    session: &Session,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(app, Some(session));
    };
    let q = app.quality();
    let loaded = async {
        Ok::<_, AppError>((
            q.rateable(member_id).await?,
            q.member_reviews(member_id).await?,
            q.member_complaints(member_id).await?,
        ))
    }
    .await;
    let (rateable, reviews, complaints) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let today = state.today();
    let page = MemberServicePage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        rateable: rateable.iter().map(RateableRow::of).collect(),
        reviews: reviews
            .iter()
            .map(|r| ReviewRow::of(r, String::new()))
            .collect(),
        complaints: complaints
            .iter()
            .map(|c| ComplaintRow::of(c, today))
            .collect(),
        categories: coded_list(ComplaintCategory::ALL),
    };
    render(app, Some(session), page.render())
}

pub async fn member_service(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    member_page(&state, &session, None, None).await
}

#[derive(Deserialize)]
pub struct RateForm {
    service: String,
    service_ref: i64,
    #[serde(default)]
    stars: String,
    #[serde(default)]
    reasons: String,
}

/// A member rates a completed service.
pub async fn member_rate(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<RateForm>,
) -> Response {
    let result: AppResult<String> = async {
        let input = RateInput {
            service: RatedService::parse(&form.service)?,
            service_ref: form.service_ref,
            stars: form.stars.trim().parse().unwrap_or(0),
            reasons: form.reasons.clone(),
        };
        let review = state
            .app
            .quality()
            .rate_service(&session.actor(&context), &input, state.today())
            .await?;
        Ok(match review.rectification_due {
            Some(due) => format!("感谢您的评价。我们将于 {due} 前完成整改并回访您。"),
            None => "感谢您的评价。".to_string(),
        })
    }
    .await;
    answer(&state, &session, result, |n, e| {
        member_page(&state, &session, n, e)
    })
    .await
}

#[derive(Deserialize)]
pub struct ComplaintForm {
    #[serde(default)]
    source: String,
    category: String,
    #[serde(default)]
    complainant: String,
    #[serde(default)]
    contact: String,
    #[serde(default)]
    subject: String,
    #[serde(default)]
    detail: String,
}

impl ComplaintForm {
    fn input(&self) -> AppResult<ComplaintInput> {
        Ok(ComplaintInput {
            source: match self.source.trim() {
                "" => ComplaintSource::Hall,
                code => ComplaintSource::parse(code)?,
            },
            category: ComplaintCategory::parse(&self.category)?,
            complainant: self.complainant.clone(),
            contact: self.contact.clone(),
            subject: self.subject.clone(),
            detail: self.detail.clone(),
        })
    }
}

async fn file(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    form: &ComplaintForm,
) -> AppResult<String> {
    let complaint = state
        .app
        .quality()
        .file_complaint(&session.actor(context), &form.input()?, state.today())
        .await?;
    Ok(format!(
        "投诉已受理（编号 {}），将于 {} 前答复。",
        complaint.complaint_id, complaint.due_on
    ))
}

pub async fn member_complain(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<ComplaintForm>,
) -> Response {
    let result = file(&state, &session, &context, &form).await;
    answer(&state, &session, result, |n, e| {
        member_page(&state, &session, n, e)
    })
    .await
}

#[derive(Deserialize)]
pub struct AppealForm {
    #[serde(default)]
    reason: String,
}

pub async fn member_appeal(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(complaint_id): Path<i64>,
    Form(form): Form<AppealForm>,
) -> Response {
    let result = state
        .app
        .quality()
        .appeal_complaint(
            &session.actor(&context),
            complaint_id,
            &form.reason,
            state.today(),
        )
        .await
        .map(|c| format!("已申请复核，将由其他工作人员于 {} 前答复。", c.due_on));
    answer(&state, &session, result, |n, e| {
        member_page(&state, &session, n, e)
    })
    .await
}

// ----- the staff console -----

pub struct GroupRow {
    pub service: &'static str,
    pub channel: &'static str,
    pub staff: String,
    pub reviews: i64,
    pub average: String,
    pub bad: i64,
    pub rectified: String,
}

fn group_row(g: &ReviewGroup, people: &anju_app::access::PeopleNames) -> GroupRow {
    // Average stars to two decimals, in integers: Σ×100 ÷ n, half up.
    let hundredths = (g.stars_total * 100 * 2 + g.reviews) / (2 * g.reviews.max(1));
    GroupRow {
        service: g.service.name_zh(),
        channel: g.channel.name_zh(),
        staff: g
            .staff_login
            .as_deref()
            .map_or_else(|| "（网上自助）".to_string(), |l| people.of(l)),
        reviews: g.reviews,
        average: format!("{}.{:02}", hundredths / 100, hundredths % 100),
        bad: g.bad,
        rectified: percent_text(g.rectified, g.bad),
    }
}

pub struct CallRow {
    pub call_id: String,
    pub started: String,
    pub caller: String,
    pub agent: String,
    pub ticket: &'static str,
    pub satisfaction: &'static str,
    pub summary: String,
    pub complaint_id: Option<i64>,
}

#[derive(Template)]
#[template(path = "staff_quality.html")]
struct ConsolePage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    year: i32,
    k16: String,
    k17: String,
    k20: String,
    k21: String,
    complaints: Vec<ComplaintRow>,
    overdue: usize,
    rectifications: Vec<ReviewRow>,
    groups: Vec<GroupRow>,
    calls: Vec<CallRow>,
    refused_rows: Vec<String>,
    categories: Vec<(&'static str, &'static str)>,
    sources: Vec<(&'static str, &'static str)>,
    tickets: Vec<(&'static str, &'static str)>,
    satisfactions: Vec<(&'static str, &'static str)>,
}

struct Loaded {
    figures: anju_domain::fund::YearFigures,
    complaints: Vec<ComplaintRecord>,
    reviews: Vec<ReviewRecord>,
    groups: Vec<ReviewGroup>,
    calls: Vec<anju_app::quality::HotlineCallRecord>,
}

async fn load(state: &WebState, session: &Session, context: &RequestContext) -> AppResult<Loaded> {
    let app = &state.app;
    let today = state.today();
    let year_start = Date::from_ymd(today.year(), 1, 1)?;
    let actor = session.actor(context);
    let q = app.quality();
    Ok(Loaded {
        figures: app
            .reports()
            .fund()
            .year_figures(today.year(), today)
            .await?,
        complaints: q.complaints().await?,
        reviews: q.reviews_for(&actor).await?,
        groups: q.review_groups_for(&actor, year_start, today).await?,
        calls: q.hotline_calls().await?,
    })
}

async fn console(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    notice: Option<String>,
    error: Option<String>,
    refused_rows: Vec<String>,
) -> Response {
    let app = &state.app;
    let loaded = match load(state, session, context).await {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let logins = loaded
        .reviews
        .iter()
        .filter_map(|r| r.staff_login.as_deref())
        .chain(
            loaded
                .groups
                .iter()
                .filter_map(|g| g.staff_login.as_deref()),
        );
    let people = match app.access().names_of(logins).await {
        Ok(people) => people,
        Err(e) => return failure(app, Some(session), e),
    };
    let today = state.today();
    let f = &loaded.figures;
    let complaints: Vec<ComplaintRow> = loaded
        .complaints
        .iter()
        .map(|c| ComplaintRow::of(c, today))
        .collect();
    let page = ConsolePage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        year: today.year(),
        k16: percent_text(f.legal_reviewers, f.enforcement_staff),
        k17: percent_text(f.complaints_mediated, f.complaints_received),
        k20: percent_text(f.hotline_satisfied, f.hotline_ratings),
        k21: percent_text(f.complaints_verified, f.complaints_received),
        overdue: complaints.iter().filter(|c| c.overdue).count(),
        complaints,
        rectifications: loaded
            .reviews
            .iter()
            .filter(|r| r.rectification.is_some())
            .map(|r| {
                ReviewRow::of(
                    r,
                    r.staff_login
                        .as_deref()
                        .map(|l| people.of(l))
                        .unwrap_or_default(),
                )
            })
            .collect(),
        groups: loaded
            .groups
            .iter()
            .map(|g| group_row(g, &people))
            .collect(),
        calls: loaded.calls.iter().map(call_row).collect(),
        refused_rows,
        categories: coded_list(ComplaintCategory::ALL),
        sources: ComplaintSource::ALL
            .iter()
            .filter(|s| **s != ComplaintSource::Hall)
            .map(|s| (s.code(), s.name_zh()))
            .collect(),
        tickets: coded_list(TicketKind::ALL),
        satisfactions: coded_list(Satisfaction::ALL),
    };
    render(app, Some(session), page.render())
}

/// A caller's number with its middle hidden: at most the first three and
/// the last four digits of a mobile, fewer of a shorter number, and at
/// least half of the digits hidden always.
fn mask_number(number: &str) -> String {
    let n = number.len();
    let shown = n / 4;
    let head = shown.min(3);
    let tail = shown.min(4);
    // The CDR check admits digits only, so byte offsets are characters.
    match number.get(..head).zip(number.get(n - tail..)) {
        Some((start, end)) => format!("{start}{}{end}", "*".repeat(n - head - tail)),
        None => "*".repeat(n),
    }
}

#[cfg(test)]
mod tests {
    use super::mask_number;

    #[test]
    fn at_least_half_of_a_number_is_hidden() {
        assert_eq!(mask_number("13812345678"), "13*******78");
        assert_eq!(mask_number("051265001234"), "051******234");
        assert_eq!(mask_number("6500123"), "6*****3");
        assert_eq!(mask_number("110"), "***");
    }
}

fn call_row(record: &anju_app::quality::HotlineCallRecord) -> CallRow {
    let c = &record.call;
    let caller = mask_number(&c.caller);
    CallRow {
        call_id: c.call_id.clone(),
        started: format!("{} {}", c.started_on, c.started_time),
        caller,
        agent: c.agent.clone(),
        ticket: c.ticket.name_zh(),
        satisfaction: c.satisfaction.map_or("未评价", |s| s.name_zh()),
        summary: c.summary.clone(),
        complaint_id: record.complaint_id,
    }
}

pub async fn staff_quality(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    console(&state, &session, &context, None, None, Vec::new()).await
}

async fn console_answer(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    result: AppResult<String>,
) -> Response {
    answer(state, session, result, |n, e| {
        console(state, session, context, n, e, Vec::new())
    })
    .await
}

pub async fn staff_file_complaint(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<ComplaintForm>,
) -> Response {
    let result = file(&state, &session, &context, &form).await;
    console_answer(&state, &session, &context, result).await
}

/// Imports the telephony system's CDR file.
pub async fn staff_import_cdr(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    expected: Option<Extension<MultipartCsrf>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let file = match uploaded(&state, &session, expected, multipart).await {
        Ok(file) => file,
        Err(page) => return page,
    };
    match state
        .app
        .quality()
        .import_cdr(&session.actor(&context), &file)
        .await
    {
        Ok(report) => {
            let notice = format!(
                "话单导入完成：新增 {} 条，已有 {} 条，有误 {} 行（未导入）。",
                report.added,
                report.already_there,
                report.refused.len()
            );
            let rows = report
                .refused
                .iter()
                .map(|e| format!("第 {} 行 {}：{}", e.line, e.column, e.message))
                .collect();
            console(&state, &session, &context, Some(notice), None, rows).await
        }
        Err(e) => console_answer(&state, &session, &context, Err(e)).await,
    }
}

#[derive(Deserialize)]
pub struct CallForm {
    call_id: String,
    /// `YYYY-MM-DDTHH:MM` from the browser's date-time field.
    started_at: String,
    caller: String,
    agent: String,
    duration_s: String,
    ticket: String,
    #[serde(default)]
    satisfaction: String,
    #[serde(default)]
    summary: String,
}

impl CallForm {
    /// The call in the CDR's columns, so it meets the file's checks.
    fn fields(&self) -> [String; 8] {
        let started = self.started_at.trim().replacen('T', " ", 1);
        let started = if started.len() == 16 {
            format!("{started}:00")
        } else {
            started
        };
        [
            self.call_id.trim().to_string(),
            started,
            self.caller.trim().to_string(),
            self.agent.trim().to_string(),
            self.duration_s.trim().to_string(),
            self.ticket.trim().to_string(),
            self.satisfaction.trim().to_string(),
            self.summary.trim().to_string(),
        ]
    }
}

/// Enters one call the telephony system did not record.
pub async fn staff_enter_call(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<CallForm>,
) -> Response {
    let result = state
        .app
        .quality()
        .enter_call(&session.actor(&context), &form.fields())
        .await
        .map(|c| format!("来电 {} 已登记。", c.call.call_id));
    console_answer(&state, &session, &context, result).await
}

/// The uploaded file, once the form's CSRF token is checked; otherwise
/// the page to answer with.
async fn uploaded(
    state: &WebState,
    session: &Session,
    expected: Option<Extension<MultipartCsrf>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Vec<u8>, Response> {
    let refused = |status, message: &str| error_page(&state.app, Some(session), status, message);
    let (Some(Extension(expected)), Ok(multipart)) = (expected, multipart) else {
        return Err(refused(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "请通过页面上的表单上传文件",
        ));
    };
    let (csrf, upload) = super::employer::read_upload(multipart)
        .await
        .map_err(|message| refused(StatusCode::BAD_REQUEST, &message))?;
    if !expected.matches(&csrf) {
        return Err(refused(
            StatusCode::FORBIDDEN,
            "页面已过期或请求无效，请刷新页面后重试",
        ));
    }
    Ok(upload.file)
}

pub async fn staff_call_complaint(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(call_id): Path<String>,
    Form(form): Form<ComplaintForm>,
) -> Response {
    let result: AppResult<String> = async {
        let c = state
            .app
            .quality()
            .call_to_complaint(
                &session.actor(&context),
                &call_id,
                &form.input()?,
                state.today(),
            )
            .await?;
        Ok(format!(
            "来电 {call_id} 已转为投诉（编号 {}）。",
            c.complaint_id
        ))
    }
    .await;
    console_answer(&state, &session, &context, result).await
}

// ----- one complaint -----

#[derive(Template)]
#[template(path = "staff_complaint.html")]
struct ComplaintPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    c: ComplaintRecord,
    row: ComplaintRow,
    handler: String,
    appeal_handler: String,
    can_take: bool,
    can_resolve: bool,
    outcomes: Vec<(&'static str, &'static str)>,
    service_quality: bool,
}

async fn complaint_page(
    state: &WebState,
    session: &Session,
    complaint_id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let c = match app.quality().complaint(complaint_id).await {
        Ok(c) => c,
        Err(e) => return failure(app, Some(session), e),
    };
    let logins = c
        .handler_login
        .iter()
        .chain(c.appeal_handler_login.iter())
        .map(String::as_str);
    let people = match app.access().names_of(logins).await {
        Ok(people) => people,
        Err(e) => return failure(app, Some(session), e),
    };
    let me = session.principal.login.as_str();
    let holder = match c.status {
        ComplaintStatus::Appealed => c.appeal_handler_login.as_deref(),
        ComplaintStatus::Handling => c.handler_login.as_deref(),
        _ => None,
    };
    let page = ComplaintPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        row: ComplaintRow::of(&c, state.today()),
        handler: c
            .handler_login
            .as_deref()
            .map(|l| people.of(l))
            .unwrap_or_default(),
        appeal_handler: c
            .appeal_handler_login
            .as_deref()
            .map(|l| people.of(l))
            .unwrap_or_default(),
        can_take: c.status == ComplaintStatus::Received
            || (c.status == ComplaintStatus::Appealed && c.appeal_handler_login.is_none()),
        can_resolve: holder == Some(me),
        outcomes: coded_list(ComplaintOutcome::ALL),
        service_quality: c.category == ComplaintCategory::ServiceQuality,
        c,
    };
    render(app, Some(session), page.render())
}

pub async fn staff_complaint(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Path(complaint_id): Path<i64>,
) -> Response {
    complaint_page(&state, &session, complaint_id, None, None).await
}

pub async fn staff_take_complaint(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(complaint_id): Path<i64>,
) -> Response {
    let result = state
        .app
        .quality()
        .take_complaint(&session.actor(&context), complaint_id, state.today())
        .await
        .map(|_| "已认领，请调查后办结。".to_string());
    answer(&state, &session, result, |n, e| {
        complaint_page(&state, &session, complaint_id, n, e)
    })
    .await
}

#[derive(Deserialize)]
pub struct ResolveForm {
    outcome: String,
    #[serde(default)]
    verified: Option<String>,
    #[serde(default)]
    finding: String,
    #[serde(default)]
    reply: String,
}

pub async fn staff_resolve_complaint(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(complaint_id): Path<i64>,
    Form(form): Form<ResolveForm>,
) -> Response {
    let result: AppResult<String> = async {
        let resolution = Resolution {
            outcome: ComplaintOutcome::parse(&form.outcome)?,
            verified: form.verified.is_some(),
            finding: form.finding.clone(),
            reply: form.reply.clone(),
        };
        state
            .app
            .quality()
            .resolve_complaint(
                &session.actor(&context),
                complaint_id,
                &resolution,
                state.today(),
            )
            .await?;
        Ok("已办结，投诉人已收到答复。".to_string())
    }
    .await;
    answer(&state, &session, result, |n, e| {
        complaint_page(&state, &session, complaint_id, n, e)
    })
    .await
}

// ----- one review's rectification -----

#[derive(Template)]
#[template(path = "staff_review.html")]
struct ReviewPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    row: ReviewRow,
    owner: String,
    visitor: String,
    rectified_on: String,
    followed_up_on: String,
    follow_up_due: String,
    /// The step this person may record next: (code, label, note label).
    next: Option<(&'static str, &'static str, &'static str)>,
}

/// What the page offers next, by the rectification's state.
fn next_step(
    status: Option<RectificationStatus>,
) -> Option<(&'static str, &'static str, &'static str)> {
    match status? {
        RectificationStatus::Open => Some(("taken", "认领整改", "")),
        RectificationStatus::Taken => Some(("rectified", "填写整改情况", "整改情况")),
        RectificationStatus::Rectified => {
            Some(("followed_up", "记录回访", "回访情况（职工的意见）"))
        }
        RectificationStatus::FollowedUp => None,
    }
}

async fn review_page(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    review_id: i64,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let q = app.quality();
    let review = match q.review_for(&session.actor(context), review_id).await {
        Ok(r) => r,
        Err(e) => return failure(app, Some(session), e),
    };
    let logins = [
        &review.staff_login,
        &review.owner_login,
        &review.visitor_login,
    ];
    let people = match app
        .access()
        .names_of(logins.iter().filter_map(|l| l.as_deref()))
        .await
    {
        Ok(people) => people,
        Err(e) => return failure(app, Some(session), e),
    };
    let name = |l: &Option<String>| l.as_deref().map(|l| people.of(l)).unwrap_or_default();
    let follow_up_due = match q.follow_up_due(&review) {
        Ok(due) => date_text(due),
        Err(e) => return failure(app, Some(session), e),
    };
    let page = ReviewPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        row: ReviewRow::of(&review, name(&review.staff_login)),
        owner: name(&review.owner_login),
        visitor: name(&review.visitor_login),
        rectified_on: date_text(review.rectified_on),
        followed_up_on: date_text(review.followed_up_on),
        follow_up_due,
        next: next_step(review.rectification),
    };
    render(app, Some(session), page.render())
}

pub async fn staff_review(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(review_id): Path<i64>,
) -> Response {
    review_page(&state, &session, &context, review_id, None, None).await
}

#[derive(Deserialize)]
pub struct RectifyForm {
    next: String,
    #[serde(default)]
    note: String,
}

pub async fn staff_rectify(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(review_id): Path<i64>,
    Form(form): Form<RectifyForm>,
) -> Response {
    let result: AppResult<String> = async {
        let next = RectificationStatus::parse(&form.next)?;
        state
            .app
            .quality()
            .rectify(
                &session.actor(&context),
                review_id,
                next,
                &form.note,
                state.today(),
            )
            .await?;
        Ok(format!("已{}。", next.name_zh().trim_start_matches('已')))
    }
    .await;
    answer(&state, &session, result, |n, e| {
        review_page(&state, &session, &context, review_id, n, e)
    })
    .await
}
