//! 电子证明 pages: the member's certificates (issue a 缴存证明, an 异地贷款
//! 缴存使用证明 or a 提取证明, open one with its QR code, download its file
//! or PDF), the public verification page anyone reaches by scanning the
//! code, the staff console (issue at the counter, look up, revoke) and the
//! transparency log's page for auditors.

use super::staff_collection::answer;
use super::{Layout, failure, no_member_account, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::pdf_doc::{Block, ReportDoc, Section};
use crate::qr::Modules;
use crate::state::WebState;
use anju_app::AppResult;
use anju_app::trust::CertificateRecord;
use anju_app::trust::{CertificateStatus, CertificateView, LogCheck};
use anju_domain::trust::certificate::{CertificateFile, CertificateKind};
use anju_domain::trust::keys::hex;
use anju_domain::withdrawal::WithdrawalStatus;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::{Extension, Form};
use serde::Deserialize;

/// Where the verification page of `serial` is, as a scanner must reach it:
/// this server's own address as the request named it.
fn verify_link(state: &WebState, headers: &HeaderMap, serial: &str) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.options.secure_cookies {
        "https"
    } else {
        "http"
    };
    format!("{scheme}://{host}/verify/{serial}")
}

/// A certificate in a list.
pub struct CertificateRow {
    pub serial: String,
    pub kind: &'static str,
    pub issued_on: String,
    pub valid_until: String,
    pub issued_by: String,
}

impl CertificateRow {
    fn of(c: &CertificateRecord) -> Self {
        CertificateRow {
            serial: c.serial.clone(),
            kind: c.kind.name_zh(),
            issued_on: c.issued_on.to_string(),
            valid_until: c
                .valid_until
                .map_or_else(|| "长期".to_string(), |d| d.to_string()),
            issued_by: c.issued_by.clone(),
        }
    }
}

// ----- the member's list -----

#[derive(Template)]
#[template(path = "member_certificates.html")]
struct MemberCertificatesPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    certificates: Vec<CertificateRow>,
    /// Paid withdrawals a 提取证明 can be issued for: (id, label).
    paid: Vec<(i64, String)>,
}

async fn member_list(
    state: &WebState,
    session: &Session,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(app, Some(session));
    };
    let loaded = async {
        AppResult::Ok((
            app.trust().member_certificates(member_id).await?,
            app.withdrawals().withdrawals_of(member_id).await?,
        ))
    }
    .await;
    let (certificates, withdrawals) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let page = MemberCertificatesPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        certificates: certificates.iter().map(CertificateRow::of).collect(),
        paid: withdrawals
            .iter()
            .filter(|w| w.status == WithdrawalStatus::Paid)
            .map(|w| {
                (
                    w.withdrawal_id,
                    format!("{} · {} · {}", w.withdrawal_id, w.applied_on, w.amount_fen),
                )
            })
            .collect(),
    };
    render(app, Some(session), page.render())
}

pub async fn member_certificates(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    member_list(&state, &session, None, None).await
}

#[derive(Deserialize)]
pub struct IssueForm {
    kind: String,
    #[serde(default)]
    lending_centre: String,
    #[serde(default)]
    withdrawal_id: String,
    /// Staff at the counter: whose certificate.
    #[serde(default)]
    member_id: String,
}

/// Issues the certificate the form asks for, for `member_id`.
async fn issue(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    form: &IssueForm,
    member_id: i64,
) -> AppResult<CertificateRecord> {
    let trust = state.app.trust();
    let actor = session.actor(context);
    let today = state.today();
    match CertificateKind::parse(form.kind.trim()) {
        Some(CertificateKind::Contribution) => {
            trust
                .issue_contribution_certificate(&actor, member_id, today)
                .await
        }
        Some(CertificateKind::RemoteLoanUse) => {
            trust
                .issue_remote_loan_certificate(&actor, member_id, &form.lending_centre, today)
                .await
        }
        Some(CertificateKind::Withdrawal) => {
            let id = form.withdrawal_id.trim().parse().map_err(|_| {
                anju_domain::DomainError::new("CERTIFICATE_WITHDRAWAL", "请选择已到账的提取")
            })?;
            trust.issue_withdrawal_certificate(&actor, id, today).await
        }
        // The release certificate comes with the loan's settlement.
        Some(CertificateKind::LoanRelease) | None => Err(anju_domain::DomainError::new(
            "CERTIFICATE_KIND_UNKNOWN",
            "请选择要开具的证明",
        )
        .into()),
    }
}

/// A member issues a certificate: on success its page opens.
pub async fn member_issue(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<IssueForm>,
) -> Response {
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(&state.app, Some(&session));
    };
    match issue(&state, &session, &context, &form, member_id).await {
        Ok(c) => Redirect::to(&format!("/certificates/{}", c.serial)).into_response(),
        Err(e) => {
            let message = crate::error::WebError::from(e).message().to_string();
            super::with_status(
                member_list(&state, &session, None, Some(message)).await,
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
    }
}

// ----- one certificate, for its holder -----

#[derive(Template)]
#[template(path = "certificate.html")]
struct CertificatePage {
    layout: Layout,
    serial: String,
    kind: &'static str,
    status: &'static str,
    status_code: &'static str,
    revoked: String,
    body: String,
    key_id: String,
    signature: String,
    leaf: String,
    link: String,
    qr_svg: String,
    staff: bool,
    can_revoke: bool,
}

#[derive(Deserialize)]
pub struct CertificateQuery {
    /// `file`: the signed file with its log proof; `pdf`: the printable PDF.
    #[serde(default)]
    format: String,
}

/// The revocation as its holder and staff read it: when, by whom, why.
fn status_line(view: &CertificateView) -> String {
    view.revocation.as_ref().map_or_else(String::new, |r| {
        format!("{} 由 {} 撤销：{}", r.revoked_on, r.revoked_by, r.reason)
    })
}

/// The revocation as the public page shows it: no staff login.
fn public_status_line(view: &CertificateView) -> String {
    view.revocation.as_ref().map_or_else(String::new, |r| {
        format!("{} 由本中心撤销：{}", r.revoked_on, r.reason)
    })
}

pub async fn certificate(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    headers: HeaderMap,
    Path(serial): Path<String>,
    Query(query): Query<CertificateQuery>,
) -> Response {
    let app = &state.app;
    let actor = session.actor(&context);
    let view = match app
        .trust()
        .certificate_for(&actor, &serial, state.today())
        .await
    {
        Ok(view) => view,
        Err(e) => return failure(app, Some(&session), e),
    };
    let link = verify_link(&state, &headers, &view.record.serial);
    match query.format.as_str() {
        "file" => {
            return match app
                .trust()
                .certificate_file(&actor, &serial, state.today())
                .await
            {
                Ok(text) => attachment(
                    "text/plain; charset=utf-8",
                    &format!("{}.txt", view.record.serial),
                    text.into_bytes(),
                ),
                Err(e) => failure(app, Some(&session), e),
            };
        }
        "pdf" => {
            return attachment(
                "application/pdf",
                &format!("{}.pdf", view.record.serial),
                certificate_pdf(&view, &link),
            );
        }
        _ => {}
    }
    let role = session.principal.role;
    let page = CertificatePage {
        layout: Layout::new(app, Some(&session)),
        serial: view.record.serial.clone(),
        kind: view.record.kind.name_zh(),
        status: view.status.name_zh(),
        status_code: view.status.code(),
        revoked: status_line(&view),
        body: view.record.body.clone(),
        key_id: view.record.key_id.clone(),
        signature: view.record.signature_hex.clone(),
        leaf: view
            .leaf_index
            .map_or_else(|| "排序中".to_string(), |i| format!("第 {i} 号叶子")),
        qr_svg: Modules::of(&link).map_or_else(String::new, |m| m.svg(168, "证明核验二维码")),
        link,
        staff: anju_domain::access::Role::STAFF.contains(&role),
        can_revoke: anju_domain::access::duties::CHECKERS.contains(&role)
            && view.status != CertificateStatus::Revoked,
    };
    render(app, Some(&session), page.render())
}

fn attachment(content_type: &'static str, name: &str, body: Vec<u8>) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
        ],
        body,
    )
        .into_response()
}

/// The printable certificate: its signed text line by line, the QR code in
/// the top right corner, the signature and key at the foot.
fn certificate_pdf(view: &CertificateView, link: &str) -> Vec<u8> {
    let r = &view.record;
    let mut lines: Vec<&str> = r.body.lines().collect();
    let title = lines.first().copied().unwrap_or_default().to_string();
    if !lines.is_empty() {
        lines.remove(0);
    }
    let marks = Modules::of(link).map_or_else(String::new, |m| {
        m.pdf_ops(
            crate::pdf::PAGE_WIDTH - 56.0 - 96.0,
            crate::pdf::PAGE_HEIGHT - 40.0 - 96.0,
            96.0,
        )
    });
    let doc = ReportDoc {
        title,
        subtitle: format!("证明编号 {}", r.serial),
        sections: vec![
            Section {
                heading: "证明内容".to_string(),
                blocks: vec![Block::Paragraph(lines.join("\n"))],
            },
            Section {
                heading: "电子签名".to_string(),
                blocks: vec![Block::Paragraph(format!(
                    "签名算法 Ed25519，密钥编号 {}。\n签名 {}\n核验网址 {link}",
                    r.key_id, r.signature_hex
                ))],
            },
        ],
        footer: format!("{} · {}", r.kind.name_zh(), r.serial),
        first_page_marks: marks,
    };
    crate::pdf_doc::render_report(&doc)
}

// ----- the public verification page -----

#[derive(Template)]
#[template(path = "verify.html")]
struct VerifyPage {
    layout: Layout,
    serial: String,
    /// None: nothing asked yet.
    result: Option<VerifyResult>,
}

struct VerifyResult {
    status: &'static str,
    status_code: &'static str,
    kind: &'static str,
    body: String,
    issued_on: String,
    valid_until: String,
    revoked: String,
    leaf: String,
    /// For a pasted file: what checking it offline found.
    file_check: String,
}

fn result_of(view: &CertificateView) -> VerifyResult {
    let r = &view.record;
    VerifyResult {
        status: view.status.name_zh(),
        status_code: view.status.code(),
        kind: r.kind.name_zh(),
        body: r.body.clone(),
        issued_on: r.issued_on.to_string(),
        valid_until: r
            .valid_until
            .map_or_else(|| "长期".to_string(), |d| d.to_string()),
        revoked: public_status_line(view),
        leaf: view
            .leaf_index
            .map_or_else(|| "排序中".to_string(), |i| format!("第 {i} 号叶子")),
        file_check: String::new(),
    }
}

fn not_found_result(serial: &str) -> VerifyResult {
    VerifyResult {
        status: "未找到",
        status_code: "unknown",
        kind: "",
        body: String::new(),
        issued_on: String::new(),
        valid_until: String::new(),
        revoked: String::new(),
        leaf: String::new(),
        file_check: format!(
            "本中心没有编号为 {serial} 的电子证明：该证明不是本中心出具的，或编号有误。"
        ),
    }
}

/// The verification page for `serial`; with `file_check` (what checking a
/// pasted file found, and whether it passed) a failed file is the headline,
/// whatever the centre's own record says.
async fn verify_page(
    state: &WebState,
    session: Option<&Session>,
    serial: &str,
    file_check: Option<(String, bool)>,
) -> Response {
    let app = &state.app;
    let serial = serial.trim();
    let result = if serial.is_empty() {
        None
    } else {
        let mut result = match app.trust().certificate_status(serial, state.today()).await {
            Ok(view) => result_of(&view),
            Err(e) if e.code() == Some("CERTIFICATE_NOT_FOUND") => not_found_result(serial),
            Err(e) => return failure(app, session, e),
        };
        if let Some((check, passed)) = file_check {
            result.file_check = check;
            if !passed {
                result.status = "您提交的文件未通过核验，请勿采信";
                result.status_code = "file-invalid";
            }
        }
        Some(result)
    };
    let page = VerifyPage {
        layout: Layout::new(app, session),
        serial: serial.to_string(),
        result,
    };
    render(app, session, page.render())
}

#[derive(Deserialize)]
pub struct VerifyQuery {
    #[serde(default)]
    serial: String,
}

/// `/verify?serial=…`: the form, or the answer for a typed serial.
pub async fn verify_form(
    State(state): State<WebState>,
    session: Option<Extension<Session>>,
    Query(query): Query<VerifyQuery>,
) -> Response {
    verify_page(&state, session.as_deref(), &query.serial, None).await
}

/// `/verify/{serial}`: where the QR code leads.
pub async fn verify_serial(
    State(state): State<WebState>,
    session: Option<Extension<Session>>,
    Path(serial): Path<String>,
) -> Response {
    verify_page(&state, session.as_deref(), &serial, None).await
}

#[derive(Deserialize)]
pub struct VerifyFileForm {
    #[serde(default)]
    file: String,
}

/// A pasted certificate file: its signature and log proof checked against
/// the published keys, then its serial looked up for revocation.
pub async fn verify_file(
    State(state): State<WebState>,
    session: Option<Extension<Session>>,
    Form(form): Form<VerifyFileForm>,
) -> Response {
    let session = session.as_deref();
    let app = &state.app;
    let keys = match app.keys() {
        Ok(keys) => keys.published().clone(),
        Err(e) => return failure(app, session, e),
    };
    let file = CertificateFile::parse(&form.file);
    let check = file.check(&keys);
    // The serial the signed text names (a garbled proof names none).
    let serial = file.serial().unwrap_or_default().to_string();
    let logged = match check.logged {
        Some(true) => "，已记入本中心的可信日志（包含证明成立）",
        Some(false) => "，但日志包含证明不成立",
        None => "（文件未附日志证明）",
    };
    let text = format!(
        "文件核验：{}{logged}；内容摘要 SHA-256 {}。",
        check.verdict.name_zh(),
        check.sha256
    );
    if serial.is_empty() {
        let page = VerifyPage {
            layout: Layout::new(app, session),
            serial: String::new(),
            result: Some(VerifyResult {
                file_check: format!("{text}文件中没有证明编号。"),
                ..not_found_result("")
            }),
        };
        return render(app, session, page.render());
    }
    verify_page(&state, session, &serial, Some((text, check.valid()))).await
}

// ----- staff -----

#[derive(Template)]
#[template(path = "staff_certificates.html")]
struct StaffCertificatesPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    certificates: Vec<CertificateRow>,
    can_issue: bool,
}

async fn staff_list(
    state: &WebState,
    session: &Session,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let certificates = match app.trust().latest_certificates(100).await {
        Ok(found) => found,
        Err(e) => return failure(app, Some(session), e),
    };
    let page = StaffCertificatesPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        certificates: certificates.iter().map(CertificateRow::of).collect(),
        can_issue: anju_domain::access::duties::OPERATIONS.contains(&session.principal.role),
    };
    render(app, Some(session), page.render())
}

pub async fn staff_certificates(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    staff_list(&state, &session, None, None).await
}

/// A clerk issues a certificate for a member at the counter.
pub async fn staff_issue(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<IssueForm>,
) -> Response {
    let result = async {
        let member_id =
            form.member_id.trim().parse().map_err(|_| {
                anju_domain::DomainError::new("MEMBER_NOT_FOUND", "请填写职工个人账号")
            })?;
        issue(&state, &session, &context, &form, member_id).await
    }
    .await;
    match result {
        Ok(c) => Redirect::to(&format!("/certificates/{}", c.serial)).into_response(),
        Err(e) => {
            answer(&state, &session, Err(e), |n, e| {
                staff_list(&state, &session, n, e)
            })
            .await
        }
    }
}

#[derive(Deserialize)]
pub struct RevokeForm {
    #[serde(default)]
    reason: String,
}

pub async fn staff_revoke(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(serial): Path<String>,
    Form(form): Form<RevokeForm>,
) -> Response {
    let result = state
        .app
        .trust()
        .revoke_certificate(
            &session.actor(&context),
            &serial,
            &form.reason,
            state.today(),
        )
        .await
        .map(|r| format!("证明 {} 已撤销：{}", r.serial, r.reason));
    answer(&state, &session, result, |n, e| {
        staff_list(&state, &session, n, e)
    })
    .await
}

// ----- the log -----

pub struct CheckpointRow {
    pub tree_size: u64,
    pub root: String,
    pub issued_at: String,
    pub key_id: String,
}

#[derive(Template)]
#[template(path = "staff_log.html")]
struct StaffLogPage {
    layout: Layout,
    checkpoints: Vec<CheckpointRow>,
    check: Option<LogCheck>,
}

async fn log_page(state: &WebState, session: &Session, check: Option<LogCheck>) -> Response {
    let app = &state.app;
    let checkpoints = match app.trust().checkpoints(50).await {
        Ok(found) => found,
        Err(e) => return failure(app, Some(session), e),
    };
    let page = StaffLogPage {
        layout: Layout::new(app, Some(session)),
        checkpoints: checkpoints
            .iter()
            .map(|c| CheckpointRow {
                tree_size: c.tree_size,
                root: hex(&c.root_hash),
                issued_at: super::staff::format_instant(c.issued_at_us),
                key_id: c.key_id.clone(),
            })
            .collect(),
        check,
    };
    render(app, Some(session), page.render())
}

pub async fn staff_log(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    log_page(&state, &session, None).await
}

/// Re-derives the whole log from the records, as `anju log verify` does.
pub async fn staff_log_verify(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let app = &state.app;
    let keys = match app.keys() {
        Ok(keys) => keys.published().clone(),
        Err(e) => return failure(app, Some(&session), e),
    };
    match app.trust().check_log(&keys).await {
        Ok(check) => log_page(&state, &session, Some(check)).await,
        Err(e) => failure(app, Some(&session), e),
    }
}
