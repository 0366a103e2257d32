//! Pages for members and employer agents, and everyone's inbox.

use super::{Layout, MovementRow, failure, render};
use crate::auth::Session;
use crate::state::WebState;
use anju_app::AppResult;
use anju_domain::Fen;
use anju_domain::ledger::MemberId;
use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};

/// Movements shown on a home page.
const RECENT_MOVEMENTS: usize = 20;

pub struct AccountSummary {
    pub status: &'static str,
    pub employer: String,
    /// `¥1,920.00（单位 ¥960.00 + 个人 ¥960.00，基数 ¥8,000.00）`, or empty.
    pub monthly: String,
    pub balance: Fen,
    pub year_end: String,
    pub product_yuan_days: String,
    pub year_opening: Fen,
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    account: Option<AccountSummary>,
    movements: Vec<MovementRow>,
    flexible: Option<super::flexible::FlexiblePanel>,
}

pub async fn member_home(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    member_page(&state, &session, None, None).await
}

/// The member's page, with the outcome of what they just did.
pub async fn member_page(
    state: &WebState,
    session: &Session,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let app = &state.app;
    let mut page = MemberPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        account: None,
        movements: Vec::new(),
        flexible: None,
    };
    if let Some(member_id) = session.principal.member_id {
        let member = MemberId(member_id);
        let loaded: AppResult<_> = async {
            Ok((
                app.ledger().member_balance(member).await?,
                app.ledger()
                    .member_movements_newest(member, RECENT_MOVEMENTS)
                    .await?,
                app.collection().member(member_id).await?,
                super::flexible::flexible_panel(app, member_id).await?,
                app.collection()
                    .member_contribution(member_id, state.today())
                    .await?,
            ))
        }
        .await;
        let (balance, movements, record, flexible, monthly) = match loaded {
            Ok(loaded) => loaded,
            Err(e) => return failure(app, Some(session), e),
        };
        let employer = match record.as_ref().and_then(|r| r.employer_id) {
            // A failed read is a failure page, not an employer shown as "-".
            Some(id) => match app.collection().employer(id).await {
                Ok(found) => found.map_or_else(|| "-".to_string(), |e| e.name),
                Err(e) => return failure(app, Some(session), e),
            },
            None if flexible.is_some() => "灵活就业（个人缴存）".to_string(),
            None => "无（已封存）".to_string(),
        };
        page.account = Some(AccountSummary {
            status: record.as_ref().map_or("-", |r| r.status.name_zh()),
            employer,
            monthly: monthly
                .and_then(|c| {
                    c.total().ok().map(|total| {
                        format!(
                            "{total}（单位 {} + 个人 {}，缴存基数 {}）",
                            c.employer, c.member, c.base
                        )
                    })
                })
                .unwrap_or_default(),
            balance: balance.balance,
            year_end: balance
                .year
                .last_day()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            product_yuan_days: anju_domain::interest::yuan_days_text(
                balance.product_fen_days.into(),
            ),
            year_opening: balance.year_opening,
        });
        page.movements = movements
            .iter()
            .map(|m| MovementRow::from(m, true))
            .collect();
        page.flexible = flexible;
    }
    render(app, Some(session), page.render())
}

pub struct MessageRow {
    pub id: i64,
    pub title: String,
    pub body: String,
    pub at: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "inbox.html")]
struct InboxPage {
    layout: Layout,
    messages: Vec<MessageRow>,
}

pub async fn inbox(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let app = &state.app;
    let messages = match app.access().inbox(session.principal.user_id, 100).await {
        Ok(messages) => messages,
        Err(e) => return failure(app, Some(&session), e),
    };
    let page = InboxPage {
        layout: Layout::new(app, Some(&session)),
        messages: messages
            .into_iter()
            .map(|m| MessageRow {
                id: m.message_id,
                title: m.title,
                body: m.body,
                at: anju_app::clock::date_of_micros(m.created_at_us).to_string(),
                unread: m.read_at_us.is_none(),
            })
            .collect(),
    };
    render(app, Some(&session), page.render())
}

pub async fn mark_read(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
    Path(message_id): Path<i64>,
) -> Response {
    match state
        .app
        .access()
        .mark_read(session.principal.user_id, message_id)
        .await
    {
        Ok(()) => axum::response::IntoResponse::into_response(Redirect::to("/inbox")),
        Err(e) => failure(&state.app, Some(&session), e),
    }
}
