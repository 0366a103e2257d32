//! 提取 for members: the application form with the eligibility engine's
//! answer as they type (htmx asks `/member/withdrawals/check`; without
//! script the same answer comes back on submitting), their applications and
//! where each stands; and the public page of the rules in force.

use super::fields::{FieldErrors, Said};
use super::{Layout, error_page, failure, no_member_account, render};
use crate::auth::{MultipartCsrf, Session};
use crate::context::RequestContext;
use crate::error::status_of;
use crate::state::WebState;
use anju_app::AppError;
use anju_app::withdrawal::{
    Assessment, RepaymentTerms, UploadedDocument, WithdrawalApplication, WithdrawalRecord,
};
use anju_domain::ids::BankCardNo;
use anju_domain::policy::WithdrawalReason;
use anju_domain::withdrawal::WithdrawalStatus;
use anju_domain::withdrawal::{AgreementKind, WithdrawalRequest};
use anju_domain::{Date, DomainError, DomainResult, ErrorKind, Fen};
use askama::Template;
use axum::Extension;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

/// The form's fields, from a query (the live check) or the upload.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct WithdrawalForm {
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub amount: String,
    #[serde(default)]
    pub months: String,
    #[serde(default)]
    pub children: String,
    #[serde(default)]
    pub evidence_no: String,
    #[serde(default)]
    pub evidence_date: String,
    #[serde(default)]
    pub evidence_amount: String,
    #[serde(default)]
    pub bank_card: String,
    #[serde(default)]
    pub request_key: String,
}

impl WithdrawalForm {
    /// The request the engine decides, or what is wrong with the form (all
    /// of it, in one line, for the check fragment and the counter).
    pub fn request(&self) -> Result<WithdrawalRequest, String> {
        self.request_fields().map_err(|errors| {
            errors
                .joined()
                .map(|e| e.message().to_string())
                .unwrap_or_default()
        })
    }

    /// The request, or every refused field with its message.
    pub fn request_fields(&self) -> Result<WithdrawalRequest, FieldErrors> {
        let mut errors = FieldErrors::default();
        let amount = errors.take(
            "amount",
            optional(&self.amount, labelled("提取金额", Fen::parse)),
        );
        let months = errors.take(
            "months",
            optional(&self.months, |t| whole(t, "月数须为 1 至 12 的整数")),
        );
        let children = errors.take(
            "children",
            optional(&self.children, |t| whole(t, "子女人数须为整数")),
        );
        let evidence_date =
            errors.take("evidence_date", optional(&self.evidence_date, Date::parse));
        let evidence_amount = errors.take(
            "evidence_amount",
            optional(&self.evidence_amount, labelled("所证明的费用", Fen::parse)),
        );
        let (
            Some(amount),
            Some(months),
            Some(children),
            Some(evidence_date),
            Some(evidence_amount),
        ) = (amount, months, children, evidence_date, evidence_amount)
        else {
            return Err(errors);
        };
        Ok(WithdrawalRequest {
            reason: self.reason.trim().to_string(),
            amount: amount.unwrap_or(Fen::ZERO),
            months: months.unwrap_or(1),
            children: children.unwrap_or(0),
            evidence_no: Some(self.evidence_no.trim().to_string()).filter(|n| !n.is_empty()),
            evidence_date,
            evidence_amount,
        })
    }
}

/// An optional field: empty is `None`, anything else must parse.
fn optional<T>(text: &str, parse: impl Fn(&str) -> DomainResult<T>) -> DomainResult<Option<T>> {
    match text.trim() {
        "" => Ok(None),
        text => parse(text).map(Some),
    }
}

/// A parser whose refusal names its field (“提取金额：…”), so a joined
/// line still says which field is wrong.
fn labelled<T>(
    label: &'static str,
    parse: impl Fn(&str) -> DomainResult<T>,
) -> impl Fn(&str) -> DomainResult<T> {
    move |text| {
        parse(text).map_err(|e| DomainError::new(e.code(), format!("{label}：{}", e.message())))
    }
}

fn whole<T: std::str::FromStr>(text: &str, message: &str) -> DomainResult<T> {
    text.parse()
        .map_err(|_| DomainError::new("FORM_INVALID", message))
}

/// A reason as the form and the rules page show it.
pub struct ReasonRow {
    pub code: String,
    pub name: String,
    pub cap: &'static str,
    pub evidence: &'static str,
    pub documents: String,
    pub conditions: String,
    pub closes: bool,
}

pub fn reason_row(r: &WithdrawalReason) -> ReasonRow {
    let conditions = r.conditions_zh();
    ReasonRow {
        code: r.code.clone(),
        name: r.name.clone(),
        cap: r.cap_zh(),
        evidence: r.evidence_zh(),
        documents: if r.documents.is_empty() {
            "无需材料".to_string()
        } else {
            r.documents.join("、")
        },
        conditions: if conditions.is_empty() {
            "—".to_string()
        } else {
            conditions.join("；")
        },
        closes: r.closes_account,
    }
}

pub struct ApplicationRow {
    pub id: i64,
    pub applied_on: String,
    pub reason: String,
    pub amount: Fen,
    pub status: &'static str,
    pub detail: String,
}

pub fn application_row(w: &WithdrawalRecord, reasons: &[WithdrawalReason]) -> ApplicationRow {
    let detail = match w.status {
        WithdrawalStatus::Rejected => w.note.clone(),
        WithdrawalStatus::Failed => w.payout_reference.clone().unwrap_or_default(),
        WithdrawalStatus::Paid => format!(
            "银行流水 {}",
            w.payout_reference.clone().unwrap_or_default()
        ),
        _ => w.rule.clone(),
    };
    ApplicationRow {
        id: w.withdrawal_id,
        applied_on: w.applied_on.to_string(),
        reason: reasons
            .iter()
            .find(|r| r.code == w.reason)
            .map_or_else(|| w.reason.clone(), |r| r.name.clone()),
        amount: w.amount_fen,
        status: w.status.name_zh(),
        detail,
    }
}

#[derive(Template)]
#[template(path = "member_withdrawals.html")]
struct WithdrawalPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    errors: FieldErrors,
    reasons: Vec<ReasonRow>,
    document_types: Vec<String>,
    form: WithdrawalForm,
    request_key: String,
    applications: Vec<ApplicationRow>,
    agreement: Option<AgreementView>,
}

/// 委托提取还贷协议 as the member sees it.
pub struct AgreementView {
    pub id: i64,
    pub kind: &'static str,
    pub lender: String,
    pub contract: String,
    pub monthly: Fen,
    pub pay_day: i32,
    pub card: String,
    pub period: String,
}

#[derive(Template)]
#[template(path = "withdrawal_check.html")]
struct CheckFragment {
    allowed: bool,
    rule: String,
    max_amount: Option<Fen>,
    second: bool,
    /// What a staff member will verify by hand (a registry was silent).
    verification: Option<String>,
    /// Where the facts came from, each registry answer with its reference.
    sources: Vec<String>,
}

#[derive(Template)]
#[template(path = "withdrawal_rules.html")]
struct RulesPage {
    layout: Layout,
    today: String,
    reasons: Vec<ReasonRow>,
    second_approval_above: Fen,
}

async fn withdrawal_page(
    state: &WebState,
    session: &Session,
    form: WithdrawalForm,
    said: Said<String>,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(app, Some(session));
    };
    let (applications, agreement) = match (
        app.withdrawals().withdrawals_of(member_id).await,
        app.withdrawals().repayment_agreement_of(member_id).await,
    ) {
        (Ok(applications), Ok(agreement)) => (applications, agreement),
        (Err(e), _) | (_, Err(e)) => return failure(app, Some(session), e),
    };
    let agreement = agreement.map(|a| AgreementView {
        id: a.agreement_id,
        kind: if a.kind == AgreementKind::Hpf {
            "住房公积金贷款"
        } else {
            "商业贷款"
        },
        lender: a.lender,
        contract: a.loan_contract_no,
        monthly: a.monthly_fen,
        pay_day: a.pay_day,
        card: super::staff_collection::last_four(&a.bank_card),
        period: format!("{} 至 {}", a.starts_on, a.ends_on),
    });
    let reasons = app.policy().reasons_at(today);
    let mut document_types: Vec<String> =
        reasons.iter().flat_map(|r| r.documents.clone()).collect();
    document_types.sort();
    document_types.dedup();
    let page = WithdrawalPage {
        layout: Layout::new(app, Some(session)),
        notice: said.notice,
        error: said.error,
        errors: said.errors,
        applications: applications
            .iter()
            .map(|w| application_row(w, &reasons))
            .collect(),
        reasons: reasons.iter().map(reason_row).collect(),
        document_types,
        form,
        request_key: anju_app::access::random_token(),
        agreement,
    };
    render(app, Some(session), page.render())
}

pub async fn member_withdrawals(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let form = WithdrawalForm {
        reason: "07".into(),
        months: "1".into(),
        ..WithdrawalForm::default()
    };
    withdrawal_page(&state, &session, form, Said::default()).await
}

fn check_fragment(assessed: Result<Assessment, String>) -> CheckFragment {
    match assessed {
        Ok(Assessment {
            decision: d,
            sources,
        }) => CheckFragment {
            allowed: d.allowed,
            rule: d.rule,
            max_amount: (d.max_amount.is_positive()).then_some(d.max_amount),
            second: d.needs_second_approval,
            verification: d.needs_verification,
            sources,
        },
        Err(message) => CheckFragment {
            allowed: false,
            rule: message,
            max_amount: None,
            second: false,
            verification: None,
            sources: Vec::new(),
        },
    }
}

/// The engine's answer for the form as it stands (a fragment).
pub async fn member_withdrawal_check(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Query(form): Query<WithdrawalForm>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(app, Some(&session));
    };
    let decision = match form.request() {
        Ok(request) => match app
            .withdrawals()
            .withdrawal_assessment(member_id, &request, state.today())
            .await
        {
            Ok(a) => Ok(a),
            Err(AppError::Rejected(e)) => Err(e.message().to_string()),
            Err(e) => return failure(app, Some(&session), e),
        },
        Err(message) => Err(message),
    };
    render(app, Some(&session), check_fragment(decision).render())
}

/// Reads the application upload: its fields, CSRF token and documents.
async fn read_application(
    mut multipart: Multipart,
) -> Result<(String, WithdrawalForm, Vec<UploadedDocument>), String> {
    let unreadable = |_| "上传内容无法读取（材料每份不超过 5 MB）".to_string();
    let mut csrf = String::new();
    let mut form = WithdrawalForm::default();
    let mut doc_types: [String; 2] = Default::default();
    let mut documents = Vec::new();
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(slot) = name.strip_prefix("file_") {
            let file_name = field.file_name().unwrap_or("upload").to_string();
            let bytes = field.bytes().await.map_err(unreadable)?;
            if !bytes.is_empty() {
                let index: usize = slot.parse().unwrap_or(1);
                documents.push((index, file_name, bytes.to_vec()));
            }
            continue;
        }
        let value = field.text().await.map_err(unreadable)?;
        match name.as_str() {
            "_csrf" => csrf = value,
            "reason" => form.reason = value,
            "amount" => form.amount = value,
            "months" => form.months = value,
            "children" => form.children = value,
            "evidence_no" => form.evidence_no = value,
            "evidence_date" => form.evidence_date = value,
            "evidence_amount" => form.evidence_amount = value,
            "bank_card" => form.bank_card = value,
            "request_key" => form.request_key = value,
            "doc_type_1" => doc_types[0] = value,
            "doc_type_2" => doc_types[1] = value,
            _ => {}
        }
    }
    let uploads = documents
        .into_iter()
        .map(|(index, file_name, content)| UploadedDocument {
            doc_type: doc_types
                .get(index.saturating_sub(1))
                .cloned()
                .unwrap_or_default(),
            file_name,
            content,
        })
        .collect();
    Ok((csrf, form, uploads))
}

/// 提交提取申请.
pub async fn member_withdrawal_apply(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    expected: Option<Extension<MultipartCsrf>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let app = &state.app;
    let (Some(Extension(expected)), Ok(multipart)) = (expected, multipart) else {
        let message = "请通过页面上的表单提交申请";
        return error_page(
            app,
            Some(&session),
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            message,
        );
    };
    let (csrf, form, documents) = match read_application(multipart).await {
        Ok(read) => read,
        Err(message) => {
            let said = Said::error(message);
            return refused(
                &state,
                &session,
                WithdrawalForm::default(),
                said,
                status_of(ErrorKind::Invalid),
            )
            .await;
        }
    };
    if !expected.matches(&csrf) {
        let message = "页面已过期或请求无效，请刷新页面后重试";
        return error_page(app, Some(&session), StatusCode::FORBIDDEN, message);
    }
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(app, Some(&session));
    };
    let request = match (
        form.request_fields(),
        BankCardNo::parse(form.bank_card.trim()),
    ) {
        (Ok(request), Ok(_)) => request,
        (request, card) => {
            let mut errors = request.err().unwrap_or_default();
            errors.take("bank_card", card);
            return refused(
                &state,
                &session,
                form,
                Said::fields(errors),
                status_of(ErrorKind::Invalid),
            )
            .await;
        }
    };
    let application = WithdrawalApplication {
        request,
        bank_card: form.bank_card.clone(),
        documents,
        request_key: form.request_key.clone(),
    };
    match app
        .withdrawals()
        .apply_withdrawal(
            &session.actor(&context),
            member_id,
            application,
            state.today(),
        )
        .await
    {
        Ok(w) => {
            let notice = format!(
                "申请已提交（申请号 {}，{}）。{}",
                w.withdrawal_id,
                w.amount_fen,
                if w.needs_second {
                    "金额较大，将经初审和复核后付款。"
                } else {
                    "初审通过后即付款到您的银行卡。"
                }
            );
            let form = WithdrawalForm::default();
            let page = withdrawal_page(&state, &session, form, Said::notice(notice));
            page.await
        }
        Err(AppError::Rejected(e)) => refused_by(&state, &session, form, &e).await,
        Err(e) => failure(app, Some(&session), e),
    }
}

/// The page again, at `status`, with what was refused and the form as typed.
async fn refused(
    state: &WebState,
    session: &Session,
    form: WithdrawalForm,
    said: Said<String>,
    status: StatusCode,
) -> Response {
    let page = withdrawal_page(state, session, form, said);
    crate::pages::with_status(page.await, status)
}

/// The page again after a refusal of the use case, at the refusal's status.
async fn refused_by(
    state: &WebState,
    session: &Session,
    form: WithdrawalForm,
    error: &DomainError,
) -> Response {
    let said = Said::error(error.message().to_string());
    refused(state, session, form, said, status_of(error.kind())).await
}

/// 提取规则: the reasons in force today and their rules (public).
pub async fn withdrawal_rules(
    State(state): State<WebState>,
    session: Option<Extension<Session>>,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let policy = match app.policy().at(today) {
        Ok(policy) => policy,
        Err(e) => return failure(app, session.as_deref(), e),
    };
    let page = RulesPage {
        layout: Layout::new(app, session.as_deref()),
        today: today.to_string(),
        reasons: policy.withdrawal_reasons.iter().map(reason_row).collect(),
        second_approval_above: policy.withdrawal.value.second_approval_above,
    };
    render(app, session.as_deref(), page.render())
}

#[derive(Deserialize)]
pub struct AgreementForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    lender: String,
    #[serde(default)]
    loan_contract_no: String,
    #[serde(default)]
    monthly: String,
    #[serde(default)]
    pay_day: String,
    #[serde(default)]
    bank_card: String,
    #[serde(default)]
    ends_on: String,
}

/// 签订委托提取还贷协议.
pub async fn member_repayment_sign(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    axum::extract::Form(form): axum::extract::Form<AgreementForm>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(app, Some(&session));
    };
    let terms = (|| -> Result<RepaymentTerms, String> {
        Ok(RepaymentTerms {
            kind: AgreementKind::parse(form.kind.trim())
                .map_err(|_| "贷款类型须为住房公积金贷款或商业贷款".to_string())?,
            lender: form.lender.clone(),
            loan_contract_no: form.loan_contract_no.clone(),
            monthly: Fen::parse(form.monthly.trim()).map_err(|e| e.message().to_string())?,
            pay_day: form
                .pay_day
                .trim()
                .parse()
                .map_err(|_| "每月扣款日须为 1 至 28 日".to_string())?,
            bank_card: form.bank_card.clone(),
            ends_on: Date::parse(form.ends_on.trim()).map_err(|e| e.message().to_string())?,
        })
    })();
    let terms = match terms {
        Ok(terms) => terms,
        Err(message) => {
            let said = Said::error(message);
            let form = WithdrawalForm::default();
            return refused(&state, &session, form, said, status_of(ErrorKind::Invalid)).await;
        }
    };
    let result = app
        .withdrawals()
        .sign_repayment_agreement(&session.actor(&context), member_id, &terms, state.today())
        .await
        .map(|a| {
            format!(
                "已签订委托提取还贷协议（协议号 {}）：每月 {} 日提取 {} 还贷。",
                a.agreement_id, a.pay_day, a.monthly_fen
            )
        });
    agreement_outcome(&state, &session, result).await
}

/// 终止委托提取还贷协议.
pub async fn member_repayment_end(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let app = &state.app;
    let Some(member_id) = session.principal.member_id else {
        return no_member_account(app, Some(&session));
    };
    let result = app
        .withdrawals()
        .end_repayment_agreement(&session.actor(&context), member_id)
        .await
        .map(|()| "委托提取还贷协议已终止，此后不再按月提取。".to_string());
    agreement_outcome(&state, &session, result).await
}

/// The withdrawal page after an agreement command: its notice, or why not.
async fn agreement_outcome(
    state: &WebState,
    session: &Session,
    result: anju_app::AppResult<String>,
) -> Response {
    let form = WithdrawalForm::default();
    match result {
        Ok(notice) => {
            let page = withdrawal_page(state, session, form, Said::notice(notice));
            page.await
        }
        Err(AppError::Rejected(e)) => refused_by(state, session, form, &e).await,
        Err(e) => failure(&state.app, Some(session), e),
    }
}
