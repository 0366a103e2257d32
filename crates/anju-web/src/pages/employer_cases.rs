//! The employer agent's casework beside the monthly bill: back payments (补缴),
//! the yearly base filing (年度基数调整), deferral and rate-reduction
//! applications (缓缴/降比例), and arrears with the centre's enforcement steps.

use super::employer::{Shown, employer_page, employer_page_with, outcome};
use super::error_page;
use super::fields::{FieldErrors, Said};
use crate::auth::MultipartCsrf;
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::status_of;
use crate::state::WebState;
use anju_app::collection::{
    BillLineRecord, BillRecord, EmployerRecord, MemberRecord, NewBase, ReliefRecord,
};
use anju_app::{App, AppError, AppResult};
use anju_domain::access::checked_reason;
use anju_domain::collection::BillKind;
use anju_domain::collection::BillStatus;
use anju_domain::collection::ReliefStatus;
use anju_domain::collection::{
    BackPayRequest, ContributionRates, ReliefApplication, ReliefKind, parse_wage,
};
use anju_domain::ledger::MemberId;
use anju_domain::{Date, DomainError, Fen, Period, RatePpm};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;
use std::collections::HashMap;

/// Largest roster the base-filing form lists (bigger employers file a file).
pub const BASE_FORM_MAX: usize = 300;

pub struct ReliefRow {
    pub kind: &'static str,
    pub months: String,
    pub rates: String,
    pub status: &'static str,
    /// For an approved deferral: when the deferred months must be paid.
    pub catch_up: String,
}

pub struct StepRow {
    pub step: &'static str,
    pub on: String,
    pub deadline: String,
    pub document: String,
}

pub struct BaseRow {
    pub member_id: i64,
    pub name: String,
    pub wage: String,
}

/// What the employer page shows of casework.
pub struct CasePanel {
    pub year: i32,
    pub filing: Option<String>,
    pub base_rows: Vec<BaseRow>,
    pub reliefs: Vec<ReliefRow>,
    pub case_steps: Vec<StepRow>,
    pub case_note: Option<String>,
    pub members: Vec<(i64, String)>,
    pub last_month: String,
}

fn rates_text(e: Option<RatePpm>, m: Option<RatePpm>) -> String {
    match (e, m) {
        (Some(e), Some(m)) => format!("{e} / {m}"),
        _ => "-".to_string(),
    }
}

fn catch_up(r: &ReliefRecord) -> String {
    if r.kind != ReliefKind::Deferral || r.status != ReliefStatus::Approved {
        return String::new();
    }
    u32::try_from(r.to_period)
        .ok()
        .and_then(|p| Period::from_yyyymm(p).ok())
        .and_then(|p| anju_domain::collection::deferred_due_date(p).ok())
        .map(|due| format!("缓缴月份的清册须于 {due} 前缴清"))
        .unwrap_or_default()
}

/// How many of the filed wages are above the cap in force on `today` (they
/// are billed at the cap): said back to the agent after filing.
fn over_cap(app: &App, wages: &[i64], today: Date) -> String {
    let Ok(rules) = app.policy().contribution.at(today) else {
        return String::new();
    };
    let cap = rules.value.base_cap;
    let over = wages.iter().filter(|w| Fen::new(**w) > cap).count();
    if over == 0 {
        String::new()
    } else {
        format!("其中 {over} 人高于缴存基数上限 {cap}，按上限计。")
    }
}

pub async fn case_panel(
    app: &App,
    employer: &EmployerRecord,
    roster: &[MemberRecord],
    today: Date,
) -> AppResult<CasePanel> {
    let year = today.contribution_year();
    let filing = app
        .collection()
        .base_filing(employer.employer_id, year)
        .await?
        .map(|f| {
            format!(
                "已于 {} 申报 {} 人（经办：{}）",
                f.filed_on, f.member_count, f.filed_by
            )
        });
    let reliefs = app
        .collection()
        .reliefs_of(employer.employer_id)
        .await?
        .iter()
        .map(|r| ReliefRow {
            kind: r.kind.name_zh(),
            months: format!("{}—{}", r.from_period, r.to_period),
            rates: rates_text(r.employer_rate_ppm, r.member_rate_ppm),
            status: r.status.name_zh(),
            catch_up: catch_up(r),
        })
        .collect();
    let (case_steps, case_note) = match app.collection().open_case_of(employer.employer_id).await? {
        None => (Vec::new(), None),
        Some(case) => {
            let steps = app
                .collection()
                .enforcement_case(case.case_id)
                .await?
                .map(|(_, s)| s)
                .unwrap_or_default();
            // The legal review is the centre's own deliberation.
            let rows = steps
                .iter()
                .filter(|s| s.kind != anju_domain::collection::CaseStep::LegalReview)
                .map(|s| StepRow {
                    step: s.kind.name_zh(),
                    on: s.acted_on.to_string(),
                    deadline: s.deadline.map(|d| d.to_string()).unwrap_or_default(),
                    document: s.document.clone(),
                })
                .collect();
            let note = format!(
                "欠缴 {}（{}），请在期限内缴清，缴清后由中心结案。",
                case.arrears_fen, case.periods
            );
            (rows, Some(note))
        }
    };
    let last_month = Period::of_date(today)
        .previous()
        .map(|p| p.to_string())
        .unwrap_or_default();
    Ok(CasePanel {
        year,
        filing,
        base_rows: roster
            .iter()
            .take(BASE_FORM_MAX)
            .map(|m| BaseRow {
                member_id: m.member_id,
                name: m.name.clone(),
                wage: m.wage_fen.to_yuan_string(),
            })
            .collect(),
        reliefs,
        case_steps,
        case_note,
        members: roster
            .iter()
            .map(|m| (m.member_id, m.name.clone()))
            .collect(),
        last_month,
    })
}

fn employer_of(session: &Session) -> i64 {
    session.principal.employer_id.unwrap_or(0)
}

#[derive(Deserialize, Default, schemars::JsonSchema)]
pub struct BackPayForm {
    pub period: String,
    pub member_id: i64,
    pub wage: String,
    pub reason: String,
}

impl BackPayForm {
    /// The month, the wage and the reason, every field checked.
    pub(crate) fn checked(&self) -> Result<(Period, Fen, String), FieldErrors> {
        let mut errors = FieldErrors::default();
        let period = errors.take("bp-period", Period::parse(self.period.trim()));
        let wage = errors.take("bp-wage", parse_wage(&self.wage));
        let reason = errors.take("bp-reason", checked_reason(&self.reason));
        match (period, wage, reason) {
            (Some(period), Some(wage), Some(reason)) => Ok((period, wage, reason)),
            _ => Err(errors),
        }
    }
}

/// 补缴: one member's missed month or low base, with the reason.
pub async fn back_payment(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<BackPayForm>,
) -> Response {
    let (period, wage, reason) = match form.checked() {
        Ok(checked) => checked,
        Err(errors) => {
            let status = StatusCode::UNPROCESSABLE_ENTITY;
            let said = Said::fields(errors);
            return back_payment_refused(&state, &session, said, form, status).await;
        }
    };
    let result: Result<String, AppError> = async {
        let request = BackPayRequest {
            member: MemberId(form.member_id),
            wage,
            rates: None,
        };
        let bill = state
            .app
            .collection()
            .create_back_payment(
                &session.actor(&context),
                employer_of(&session),
                period,
                &reason,
                &[request],
                state.today(),
            )
            .await?;
        Ok(format!(
            "已生成 {} 补缴清册，应缴 {}，请在清册列表中缴款。",
            bill.period, bill.total_fen
        ))
    }
    .await;
    match result {
        Err(AppError::Rejected(d)) => {
            let said = Said::error(d.message().to_string());
            back_payment_refused(&state, &session, said, form, status_of(d.kind())).await
        }
        other => outcome(&state, &session, other).await,
    }
}

/// The page again at `status` with the 补缴 form as typed and what was refused.
async fn back_payment_refused(
    state: &WebState,
    session: &Session,
    said: Said<String>,
    form: BackPayForm,
    status: StatusCode,
) -> Response {
    let shown = Shown {
        said,
        back_payment: form,
        ..Shown::default()
    };
    let page = employer_page_with(state, session, shown).await;
    crate::pages::with_status(page, status)
}

/// One member's filed base from the wage typed for them; a refusal names
/// the account (the form and the API list many at once).
pub(crate) fn base_of(member_id: i64, wage: &str) -> Result<NewBase, DomainError> {
    let wage_fen = parse_wage(wage).map_err(|e| {
        DomainError::new(e.code(), format!("个人账户 {member_id}：{}", e.message()))
    })?;
    Ok(NewBase {
        member_id,
        wage_fen,
    })
}

/// 年度基数调整: the form posts `wage_<member id>` for every listed member.
pub async fn file_bases(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let result: Result<String, AppError> = async {
        let mut bases = Vec::new();
        for (key, value) in &form {
            let Some(id) = key.strip_prefix("wage_") else {
                continue;
            };
            let member_id = id
                .parse::<i64>()
                .map_err(|_| DomainError::new("FORM_INVALID", "表单内容无效"))?;
            bases.push(base_of(member_id, value)?);
        }
        bases.sort_by_key(|b| b.member_id);
        let today = state.today();
        let filing = state
            .app
            .collection()
            .file_bases(
                &session.actor(&context),
                employer_of(&session),
                today.contribution_year(),
                &bases,
                today,
            )
            .await?;
        let wages: Vec<i64> = bases.iter().map(|b| b.wage_fen.get()).collect();
        Ok(format!(
            "{} 年度缴存基数已申报（{} 人），自 7 月起的清册按新基数计算。{}",
            filing.year,
            filing.member_count,
            over_cap(&state.app, &wages, today)
        ))
    }
    .await;
    outcome(&state, &session, result).await
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct ReliefForm {
    kind: String,
    from: String,
    to: String,
    #[serde(default)]
    employer_rate: String,
    #[serde(default)]
    member_rate: String,
    reason: String,
    consent: String,
}

fn form_rates(employer: &str, member: &str) -> AppResult<Option<ContributionRates>> {
    if employer.trim().is_empty() && member.trim().is_empty() {
        return Ok(None);
    }
    Ok(Some(ContributionRates {
        employer: RatePpm::parse_percent(employer.trim())?,
        member: RatePpm::parse_percent(member.trim())?,
    }))
}

impl ReliefForm {
    /// The application as typed: rates only for a 降比例.
    pub(crate) fn application(self) -> AppResult<ReliefApplication> {
        let kind = ReliefKind::parse(&self.kind)?;
        let rates = match kind {
            ReliefKind::Deferral => None,
            ReliefKind::RateReduction => form_rates(&self.employer_rate, &self.member_rate)?,
        };
        Ok(ReliefApplication {
            kind,
            from: Period::parse(self.from.trim())?,
            to: Period::parse(self.to.trim())?,
            rates,
            reason: self.reason,
            consent: self.consent,
        })
    }
}

/// 缓缴 / 降比例 application; a reviewer at the centre decides.
pub async fn apply_relief(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<ReliefForm>,
) -> Response {
    let result: Result<String, AppError> = async {
        let application = form.application()?;
        let kind = application.kind;
        state
            .app
            .collection()
            .apply_for_relief(
                &session.actor(&context),
                employer_of(&session),
                &application,
                state.today(),
            )
            .await?;
        Ok(format!(
            "{}申请已提交，中心审核后将通知您。",
            kind.name_zh()
        ))
    }
    .await;
    outcome(&state, &session, result).await
}

/// 补缴 by file: one month's people and wages (身份证号, 月工资), with the
/// month and the reason typed on the form.
pub async fn import_back_payments(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    expected: Option<Extension<MultipartCsrf>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let upload = match super::employer::checked_upload(&state, &session, expected, multipart).await
    {
        Ok(upload) => upload,
        Err(page) => return page,
    };
    let field = |name: &str| upload.fields.get(name).map_or("", String::as_str).trim();
    let result = async {
        let period = Period::parse(field("period"))?;
        let actor = session.actor(&context);
        let (employer_id, today) = (employer_of(&session), state.today());
        let (reason, take_valid) = (field("reason"), upload.take_valid);
        state
            .app
            .collection()
            .back_payment_from_file(
                &actor,
                employer_id,
                period,
                reason,
                &upload.file,
                take_valid,
                today,
            )
            .await
    }
    .await;
    match result {
        Ok((Some(bill), errors)) => {
            let notice = format!(
                "已生成 {} 补缴清册（{} 人），应缴 {}；{} 行未补缴。请在清册列表中缴款。",
                bill.period,
                bill.line_count,
                bill.total_fen,
                errors.len()
            );
            let shown = Shown {
                said: Said::notice(notice),
                backpay_errors: errors,
                ..Shown::default()
            };
            employer_page_with(&state, &session, shown).await
        }
        Ok((None, errors)) => {
            let message = format!(
                "文件有 {} 处问题，未生成补缴清册。请修改后重新上传，或勾选“仅补缴无误的行”。",
                errors.len()
            );
            let shown = Shown {
                said: Said::error(message),
                backpay_errors: errors,
                ..Shown::default()
            };
            let page = employer_page_with(&state, &session, shown).await;
            crate::pages::with_status(page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => outcome(&state, &session, Err(e)).await,
    }
}

/// 年度基数调整 by file (for employers with more staff than the form lists).
pub async fn import_bases(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    expected: Option<Extension<MultipartCsrf>>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Response {
    let file = match super::employer::checked_upload(&state, &session, expected, multipart).await {
        Ok(upload) => upload.file,
        Err(page) => return page,
    };
    let actor = session.actor(&context);
    match state
        .app
        .collection()
        .file_bases_from_file(&actor, employer_of(&session), &file, state.today())
        .await
    {
        Ok((Some(filing), _)) => {
            let notice = format!(
                "{} 年度缴存基数已申报（{} 人），自 7 月起的清册按新基数计算。",
                filing.year, filing.member_count
            );
            employer_page(&state, &session, Some(notice), None).await
        }
        Ok((None, errors)) => {
            let message = format!("文件有 {} 处问题，未申报任何基数。", errors.len());
            let shown = Shown::refused_rows(message, errors);
            let page = employer_page_with(&state, &session, shown).await;
            crate::pages::with_status(page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => outcome(&state, &session, Err(e)).await,
    }
}

pub struct LineRow {
    pub name: String,
    pub id_card: String,
    pub base: Fen,
    pub employer: Fen,
    pub member: Fen,
    pub total: Fen,
}

#[derive(askama::Template)]
#[template(path = "employer_bill.html")]
struct BillPage {
    layout: super::Layout,
    title: String,
    kind: &'static str,
    reason: String,
    due: String,
    status: String,
    total: Fen,
    lines: Vec<LineRow>,
    /// Who joined and who left since last month's bill.
    changes: String,
    payable: bool,
    bill_id: i64,
    channels: Vec<(&'static str, &'static str)>,
}

/// 清册明细: the agent reviews every line before confirming the payment.
pub async fn bill_detail(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    axum::extract::Path(bill_id): axum::extract::Path<i64>,
) -> Response {
    use askama::Template;
    let app = &state.app;
    let found = match app.collection().bill(bill_id).await {
        Ok(found) => found,
        Err(e) => return super::failure(app, Some(&session), e),
    };
    let Some((bill, lines)) = found.filter(|(b, _)| b.employer_id == employer_of(&session)) else {
        return error_page(app, Some(&session), StatusCode::NOT_FOUND, "没有这份清册。");
    };
    let staff = match app.collection().members_of(bill.employer_id, 100_000).await {
        Ok(staff) => staff,
        Err(e) => return super::failure(app, Some(&session), e),
    };
    let people: HashMap<i64, (String, String)> = staff
        .into_iter()
        .map(|m| {
            let id = super::masked_id_card(&m.id_card);
            (m.member_id, (m.name, id))
        })
        .collect();
    let changes = if bill.kind == BillKind::Remittance {
        match changes_since_last_month(app, &bill, &lines, &people).await {
            Ok(text) => text,
            Err(e) => return super::failure(app, Some(&session), e),
        }
    } else {
        String::new()
    };
    let page = BillPage {
        changes,
        layout: super::Layout::new(app, Some(&session)),
        title: format!(
            "{} {}清册",
            bill.period,
            if bill.kind == BillKind::BackPayment {
                "补缴"
            } else {
                "汇缴"
            }
        ),
        kind: if bill.kind == BillKind::BackPayment {
            "补缴"
        } else {
            "汇缴"
        },
        reason: bill.reason.clone().unwrap_or_default(),
        due: bill.due_date.to_string(),
        status: match (bill.status, bill.reversal_entry_id) {
            (_, Some(_)) => "已更正（冲正）".to_string(),
            (BillStatus::Paid, _) => format!(
                "已缴（{}，{}）",
                bill.paid_on.map(|d| d.to_string()).unwrap_or_default(),
                bill.payment_reference.clone().unwrap_or_default()
            ),
            _ => "待缴".to_string(),
        },
        total: bill.total_fen,
        lines: lines
            .iter()
            .map(|l| {
                let (name, id_card) = people
                    .get(&l.member_id)
                    .cloned()
                    .unwrap_or_else(|| (l.member_id.to_string(), "-".to_string()));
                LineRow {
                    name,
                    id_card,
                    base: l.base_fen,
                    employer: l.employer_fen,
                    member: l.member_fen,
                    total: Fen::new(l.employer_fen.get() + l.member_fen.get()),
                }
            })
            .collect(),
        payable: bill.status == BillStatus::Open,
        bill_id: bill.bill_id,
        channels: app
            .payment_adapters()
            .iter()
            .map(|a| (a.channel(), a.name_zh()))
            .collect(),
    };
    super::render(app, Some(&session), page.render())
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct TermsForm {
    #[serde(default)]
    pay_day: String,
    employer_rate: String,
    member_rate: String,
}

impl TermsForm {
    /// The pay day (none: before the month's end) and the two rates.
    pub(crate) fn terms(&self) -> AppResult<(Option<u32>, ContributionRates)> {
        let pay_day = match self.pay_day.trim() {
            "" => None,
            text => Some(
                text.parse::<u32>()
                    .map_err(|_| DomainError::new("PAY_DAY_INVALID", "发薪日应为每月1日至28日"))?,
            ),
        };
        let rates = form_rates(&self.employer_rate, &self.member_rate)?
            .ok_or_else(|| DomainError::new("RATE_MISSING", "请填写单位和个人缴存比例"))?;
        Ok((pay_day, rates))
    }
}

/// The agent confirms or changes the pay day and rates (“一件事” accounts
/// start with the policy minimum and no pay day).
pub async fn confirm_terms(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<TermsForm>,
) -> Response {
    let result: Result<String, AppError> = async {
        let (pay_day, rates) = form.terms()?;
        state
            .app
            .collection()
            .confirm_employer_terms(
                &session.actor(&context),
                employer_of(&session),
                pay_day,
                rates,
                state.today(),
            )
            .await?;
        Ok(format!(
            "缴存比例已设为 单位 {} / 个人 {}，发薪日已登记。",
            rates.employer, rates.member
        ))
    }
    .await;
    outcome(&state, &session, result).await
}

/// `与上月相比：增加 1 人（王五）；减少 0 人。` from the app's roster changes.
async fn changes_since_last_month(
    app: &App,
    bill: &BillRecord,
    lines: &[BillLineRecord],
    people: &HashMap<i64, (String, String)>,
) -> AppResult<String> {
    let Some((joined, left)) = app.collection().roster_changes(bill, lines).await? else {
        return Ok("上月无汇缴清册。".to_string());
    };
    if joined.is_empty() && left.is_empty() {
        return Ok("与上月相比人员无变化。".to_string());
    }
    let names = |ids: &[i64]| {
        if ids.is_empty() {
            return String::new();
        }
        let list: Vec<String> = ids
            .iter()
            .map(|id| {
                people
                    .get(id)
                    .map_or_else(|| id.to_string(), |p| p.0.clone())
            })
            .collect();
        format!("（{}）", list.join("、"))
    };
    Ok(format!(
        "与上月相比：增加 {} 人{}；减少 {} 人{}。",
        joined.len(),
        names(&joined),
        left.len(),
        names(&left)
    ))
}
