//! Pages for members and employer agents, and everyone's inbox.

use super::{Layout, MovementRow, internal, render};
use crate::auth::Session;
use crate::state::WebState;
use anju_domain::Fen;
use anju_domain::ledger::MemberId;
use askama::Template;
use axum::Extension;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};

/// Movements shown on a home page.
const RECENT_MOVEMENTS: usize = 20;

pub struct AccountSummary {
    pub balance: Fen,
    pub year_end: String,
    pub product_yuan_days: String,
    pub year_opening: Fen,
}

#[derive(Template)]
#[template(path = "member.html")]
struct MemberPage {
    layout: Layout,
    account: Option<AccountSummary>,
    movements: Vec<MovementRow>,
}

pub async fn member_home(
    State(state): State<WebState>,
    Extension(session): Extension<Session>,
) -> Response {
    let app = &state.app;
    let mut page = MemberPage {
        layout: Layout::new(app, Some(&session)),
        account: None,
        movements: Vec::new(),
    };
    if let Some(member) = session.principal.member_id.map(MemberId) {
        let Ok(balance) = app.member_balance(member).await else {
            return internal(app, Some(&session));
        };
        let Ok(movements) = app.member_movements_newest(member, RECENT_MOVEMENTS).await else {
            return internal(app, Some(&session));
        };
        page.account = Some(AccountSummary {
            balance: balance.balance,
            year_end: balance
                .year
                .last_day()
                .map(|d| d.to_string())
                .unwrap_or_default(),
            product_yuan_days: Fen::new(balance.product_fen_days).to_yuan_string(),
            year_opening: balance.year_opening,
        });
        page.movements = movements
            .iter()
            .map(|m| MovementRow::from(m, true))
            .collect();
    }
    render(app, Some(&session), page.render())
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
    let Ok(messages) = app.inbox(session.principal.user_id, 100).await else {
        return internal(app, Some(&session));
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
        .mark_read(session.principal.user_id, message_id)
        .await
    {
        Ok(()) => axum::response::IntoResponse::into_response(Redirect::to("/inbox")),
        Err(_) => internal(&state.app, Some(&session)),
    }
}
