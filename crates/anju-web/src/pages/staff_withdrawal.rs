//! 提取审核 for staff: the queue of applications to review (初审) and to
//! approve (复核), each with the rule that allowed it and its documents;
//! rejection with a reason; a counter application for a member who comes
//! in; and the year's K10 / K11.

use super::withdrawal::WithdrawalForm;
use super::{KpiRow, Layout, error_page, failure, masked_id_card, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::status_of;
use crate::state::WebState;
use anju_app::withdrawal::{
    BlacklistRecord, QueueItem, WithdrawalApplication, WithdrawalIndicators, WithdrawalRecord,
};
use anju_app::{AppError, AppResult};
use anju_domain::Fen;
use anju_domain::access::duties;
use anju_domain::collection::mask_name;
use anju_domain::withdrawal::WithdrawalStatus;
use askama::Template;
use axum::Extension;
use axum::extract::{Form, Path, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

pub struct QueueRow {
    pub id: i64,
    pub name: String,
    pub id_card: String,
    pub reason: String,
    pub amount: Fen,
    pub channel: &'static str,
    pub applied_on: String,
    pub rule: String,
    /// Where the decision's facts came from, one line per answer.
    pub sources: Vec<String>,
    /// What a person must still verify (a registry did not answer).
    pub to_verify: Option<String>,
    pub status: &'static str,
    pub prepared_by: String,
    pub second: bool,
    pub documents: Vec<(i32, String)>,
    pub can_prepare: bool,
    pub can_approve: bool,
}

pub struct ReasonShare {
    pub name: String,
    /// "—" for loans repaid straight from the balance (no register count).
    pub count: String,
    pub amount: Fen,
}

#[derive(Template)]
#[template(path = "staff_withdrawals.html")]
struct QueuePage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    to_prepare: Vec<QueueRow>,
    to_approve: Vec<QueueRow>,
    /// Posted and no longer held, the bank not yet heard on the payout.
    payout_pending: Vec<QueueRow>,
    /// Approved, then left unpaid by a process that stopped.
    stranded: Vec<QueueRow>,
    reasons: Vec<(String, String)>,
    request_key: String,
    year: i32,
    k10: KpiRow,
    k11: KpiRow,
    shares: Vec<ReasonShare>,
    blacklist: Vec<BlacklistRow>,
    can_blacklist: bool,
}

pub struct BlacklistRow {
    pub id_card: String,
    pub reason: String,
    pub source: String,
    pub period: String,
    /// Who listed it, and whether its signature was kept (entries listed
    /// before the shared list were not signed).
    pub issuer: String,
}

/// `a / b` as a percentage with two decimals, in integers.
fn percent(a: Fen, b: Fen) -> String {
    super::staff_collection::percent_of(a.get(), b.get()).unwrap_or_else(|| "暂无数据".to_string())
}

fn queue_row(state: &WebState, session: &Session, item: &QueueItem) -> QueueRow {
    let app = &state.app;
    let (w, member) = (&item.application, &item.applicant);
    let today = state.today();
    let reason = app
        .policy()
        .reasons_at(today)
        .into_iter()
        .find(|r| r.code == w.reason)
        .map_or_else(|| w.reason.clone(), |r| r.name);
    let me = &session.principal;
    QueueRow {
        id: w.withdrawal_id,
        name: member
            .as_ref()
            .map_or_else(|| "-".into(), |m| mask_name(&m.name)),
        id_card: member
            .as_ref()
            .map_or_else(|| "-".into(), |m| masked_id_card(&m.id_card)),
        reason,
        amount: w.amount_fen,
        channel: if w.channel == "counter" {
            "柜面"
        } else {
            "网上"
        },
        applied_on: w.applied_on.to_string(),
        rule: w.rule.clone(),
        sources: super::source_lines(&w.facts_source),
        to_verify: w.verification.clone().filter(|_| w.verified_by.is_none()),
        status: w.status.name_zh(),
        prepared_by: w.prepared_by.clone().unwrap_or_default(),
        second: w.needs_second,
        documents: item
            .documents
            .iter()
            .map(|d| (d.doc_no, format!("{}（{}）", d.doc_type, d.file_name)))
            .collect(),
        can_prepare: w.status == WithdrawalStatus::Submitted,
        can_approve: w.status == WithdrawalStatus::Prepared
            && duties::REVIEWERS.contains(&me.role)
            && w.prepared_by.as_deref() != Some(me.login.as_str()),
    }
}

async fn queue_page(
    state: &WebState,
    session: &Session,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let today = state.today();
    let year_start = anju_domain::Date::from_ymd(today.year(), 1, 1).unwrap_or(today);
    let loaded: AppResult<_> = async {
        Ok((
            app.withdrawals()
                .review_queue(WithdrawalStatus::Submitted)
                .await?,
            app.withdrawals()
                .review_queue(WithdrawalStatus::Prepared)
                .await?,
            app.withdrawals()
                .review_queue(WithdrawalStatus::PayoutPending)
                .await?,
            app.withdrawals().stranded_queue().await?,
            app.withdrawals()
                .withdrawal_indicators(year_start, today)
                .await?,
            app.withdrawals().blacklist_in_force(today, 100).await?,
        ))
    }
    .await;
    let (submitted, prepared, pending, stranded, k, listed) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(session), e),
    };
    let (k10, k11) = match (
        KpiRow::new(app, "K10", percent(k.withdrawn, k.collected)),
        KpiRow::new(app, "K11", percent(k.housing, k.withdrawn)),
    ) {
        (Ok(k10), Ok(k11)) => (k10, k11),
        (Err(e), _) | (_, Err(e)) => return failure(app, Some(session), e),
    };
    let page = QueuePage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        to_prepare: submitted
            .iter()
            .map(|item| queue_row(state, session, item))
            .collect(),
        to_approve: prepared
            .iter()
            .map(|item| queue_row(state, session, item))
            .collect(),
        payout_pending: pending
            .iter()
            .map(|item| queue_row(state, session, item))
            .collect(),
        stranded: stranded
            .iter()
            .map(|item| queue_row(state, session, item))
            .collect(),
        reasons: app
            .policy()
            .reasons_at(today)
            .into_iter()
            .map(|r| (r.code, r.name))
            .collect(),
        request_key: anju_app::access::random_token(),
        year: today.year(),
        k10,
        k11,
        shares: reason_shares(&k),
        blacklist: listed
            .iter()
            .map(|b| BlacklistRow {
                id_card: masked_id_card(&b.id_card),
                reason: b.reason.clone(),
                source: b.source.clone(),
                period: format!("{} 至 {}", b.listed_on, b.expires_on),
                issuer: match (b.issuing_centre.as_str(), b.signature.is_empty()) {
                    ("", _) => "本中心（未签名）".to_string(),
                    (centre, false) => format!("{centre}（已签名）"),
                    (centre, true) => centre.to_string(),
                },
            })
            .collect(),
        can_blacklist: duties::REVIEWERS.contains(&session.principal.role),
    };
    render(app, Some(session), page.render())
}

/// The year's withdrawals by reason, then the loans repaid straight from
/// the HPF balance (reason 06 too, counted in K10/K11).
fn reason_shares(k: &WithdrawalIndicators) -> Vec<ReasonShare> {
    let mut shares: Vec<ReasonShare> = k
        .by_reason
        .iter()
        .map(|(_, name, count, amount)| ReasonShare {
            name: name.clone(),
            count: count.to_string(),
            amount: *amount,
        })
        .collect();
    if k.repaid_from_balance != Fen::ZERO {
        shares.push(ReasonShare {
            name: "偿还购房贷款本息（贷款直接扣划公积金）".to_string(),
            count: "—".to_string(),
            amount: k.repaid_from_balance,
        });
    }
    shares
}

pub async fn withdrawal_queue(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    queue_page(&state, &session, None, None).await
}

async fn answer(state: &WebState, session: &Session, result: AppResult<String>) -> Response {
    match result {
        Ok(notice) => queue_page(state, session, Some(notice), None).await,
        Err(AppError::Rejected(e)) => crate::pages::with_status(
            queue_page(state, session, None, Some(e.message().to_string())).await,
            status_of(e.kind()),
        ),
        Err(e) => failure(&state.app, Some(session), e),
    }
}

fn outcome_text(w: &WithdrawalRecord) -> String {
    match (&w.verified_by, w.status) {
        (Some(_), WithdrawalStatus::Submitted | WithdrawalStatus::Prepared) => format!(
            "申请 {}：已记录人工核验，{}。",
            w.withdrawal_id,
            w.status.name_zh()
        ),
        _ => format!("申请 {}：{}。", w.withdrawal_id, w.status.name_zh()),
    }
}

#[derive(Deserialize)]
pub struct NoteForm {
    #[serde(default)]
    note: String,
}

/// What a reviewer does with an application.
#[derive(Clone, Copy)]
enum Step {
    Prepare,
    Approve,
    Reject,
    /// 人工核验 of what no registry confirmed.
    Verify,
}

async fn review(
    state: &WebState,
    context: &RequestContext,
    session: &Session,
    id: i64,
    note: &str,
    step: Step,
) -> Response {
    let (app, actor, note) = (&state.app, session.actor(context), note.trim());
    let today = state.today();
    let result = match step {
        Step::Prepare => {
            app.withdrawals()
                .prepare_withdrawal(&actor, id, note, today)
                .await
        }
        Step::Approve => {
            app.withdrawals()
                .approve_withdrawal(&actor, id, note, today)
                .await
        }
        Step::Reject => {
            app.withdrawals()
                .reject_withdrawal(&actor, id, note, today)
                .await
        }
        Step::Verify => {
            app.withdrawals()
                .verify_withdrawal_facts(&actor, id, note, today)
                .await
        }
    };
    answer(state, session, result.map(|w| outcome_text(&w))).await
}

/// 初审通过.
pub async fn withdrawal_prepare(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Response {
    review(&state, &context, &session, id, &form.note, Step::Prepare).await
}

/// 复核通过.
pub async fn withdrawal_approve(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Response {
    review(&state, &context, &session, id, &form.note, Step::Approve).await
}

/// 人工核验: the clerk records which document showed what the registry
/// could not answer.
pub async fn withdrawal_verify(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Response {
    review(&state, &context, &session, id, &form.note, Step::Verify).await
}

/// 不予提取, with the reason the member will read.
pub async fn withdrawal_reject(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<NoteForm>,
) -> Response {
    review(&state, &context, &session, id, &form.note, Step::Reject).await
}

#[derive(Deserialize)]
pub struct CounterForm {
    #[serde(default)]
    id_card: String,
    #[serde(flatten)]
    fields: WithdrawalForm,
}

/// 柜面提取: the clerk applies for a member who came in (documents seen on paper).
pub async fn withdrawal_counter(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<CounterForm>,
) -> Response {
    let app = &state.app;
    let result: AppResult<String> = async {
        let member = app
            .collection()
            .member_by_id_card(form.id_card.trim())
            .await?
            .ok_or_else(|| {
                anju_domain::DomainError::new("MEMBER_NOT_FOUND", "未找到该身份证号的缴存职工")
            })?;
        let request = form
            .fields
            .request()
            .map_err(|m| anju_domain::DomainError::new("FORM_INVALID", m))?;
        let application = WithdrawalApplication {
            request,
            bank_card: form.fields.bank_card.clone(),
            documents: Vec::new(),
            request_key: form.fields.request_key.clone(),
        };
        let w = app
            .withdrawals()
            .apply_withdrawal(
                &session.actor(&context),
                member.member_id,
                application,
                state.today(),
            )
            .await?;
        Ok(format!(
            "已为 {} 受理：{}",
            mask_name(&member.name),
            outcome_text(&w)
        ))
    }
    .await;
    answer(&state, &session, result).await
}

#[derive(Deserialize)]
pub struct BlacklistForm {
    #[serde(default)]
    id_card: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    source: String,
    #[serde(default)]
    expires_on: String,
}

/// 列入提取失信名单.
pub async fn withdrawal_blacklist(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(form): Form<BlacklistForm>,
) -> Response {
    let result: AppResult<String> = async {
        let entry = BlacklistRecord::to_list(
            form.id_card.trim(),
            state.today(),
            anju_domain::Date::parse(form.expires_on.trim())?,
            form.reason.trim(),
            form.source.trim(),
        );
        state
            .app
            .withdrawals()
            .add_to_blacklist(&session.actor(&context), &entry)
            .await?;
        Ok(format!(
            "已列入提取失信名单，至 {} 前的提取申请将被拒绝。",
            entry.expires_on
        ))
    }
    .await;
    answer(&state, &session, result).await
}

/// A document of an application, for the reviewer.
pub async fn withdrawal_document(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Path((id, doc_no)): Path<(i64, i32)>,
) -> Response {
    let app = &state.app;
    match app.withdrawals().document(id, doc_no).await {
        Ok(Some(doc)) => (
            [
                (header::CONTENT_TYPE, doc.content_type.clone()),
                (header::CACHE_CONTROL, "no-store".to_string()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("inline; filename=\"document-{id}-{doc_no}\""),
                ),
            ],
            doc.content,
        )
            .into_response(),
        Ok(None) => error_page(app, Some(&session), StatusCode::NOT_FOUND, "材料不存在。"),
        Err(e) => failure(app, Some(&session), e),
    }
}

#[cfg(test)]
mod tests {
    use super::percent;
    use anju_domain::Fen;

    #[test]
    fn percentages_are_exact_to_the_basis_point() {
        assert_eq!(percent(Fen::new(2), Fen::new(3)), "66.67%");
        assert_eq!(percent(Fen::new(1_500_00), Fen::new(1_500_00)), "100.00%");
        assert_eq!(percent(Fen::new(1), Fen::ZERO), "暂无数据");
    }
}
