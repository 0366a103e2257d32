//! 服务找人 pages: the member's reminders with the kinds they receive, and
//! the quality desk's figures (sent, opened, acted on).

use super::staff_collection::answer;
use super::{Layout, failure, render};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::state::WebState;
use anju_domain::reminders::ReminderKind;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::{Extension, Form};

/// The figures cover reminders sent in the last this many days.
const FIGURE_DAYS: i32 = 30;

pub struct ReminderRow {
    pub sent_on: String,
    pub kind: &'static str,
    pub title: String,
    pub body: String,
}

#[derive(Template)]
#[template(path = "member_reminders.html")]
struct MemberRemindersPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    reminders: Vec<ReminderRow>,
    /// (code, name, received).
    kinds: Vec<(&'static str, &'static str, bool)>,
}

async fn member_page(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    (notice, error): (Option<String>, Option<String>),
) -> Response {
    let app = &state.app;
    let read = app.reminders().my_reminders(&session.actor(context)).await;
    let (reminders, out) = match read {
        Ok(read) => read,
        Err(e) => return failure(app, Some(session), e),
    };
    let page = MemberRemindersPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        reminders: reminders
            .iter()
            .map(|r| ReminderRow {
                sent_on: r.sent_on.to_string(),
                kind: r.kind.name_zh(),
                title: r.title.clone(),
                body: r.body.clone(),
            })
            .collect(),
        kinds: ReminderKind::FOR_MEMBERS
            .iter()
            .map(|k| (k.code(), k.name_zh(), !out.contains(k)))
            .collect(),
    };
    render(app, Some(session), page.render())
}

pub async fn member_reminders(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    member_page(&state, &session, &context, (None, None)).await
}

/// 提醒设置: the form sends the kinds to receive; the others are off.
pub async fn member_choose_reminders(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Response {
    let wanted: Vec<&str> = fields
        .iter()
        .filter(|(name, _)| name == "receive")
        .map(|(_, value)| value.as_str())
        .collect();
    let unwanted: Vec<ReminderKind> = ReminderKind::FOR_MEMBERS
        .iter()
        .copied()
        .filter(|k| !wanted.contains(&k.code()))
        .collect();
    let result = state
        .app
        .reminders()
        .choose_reminders(&session.actor(&context), &unwanted)
        .await
        .map(|()| "提醒设置已保存。".to_string());
    answer(&state, &session, result, |n, e| {
        member_page(&state, &session, &context, (n, e))
    })
    .await
}

pub struct FigureRow {
    pub kind: &'static str,
    pub sent: i64,
    pub opened: i64,
    pub acted: i64,
}

#[derive(Template)]
#[template(path = "staff_reminders.html")]
struct StaffRemindersPage {
    layout: Layout,
    from: String,
    to: String,
    figures: Vec<FigureRow>,
}

/// 服务提醒 figures for the quality desk.
pub async fn staff_reminders(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let app = &state.app;
    let to = state.today();
    let from = to.add_days(-FIGURE_DAYS).unwrap_or(to);
    let figures = app
        .reminders()
        .reminder_figures(&session.actor(&context), from, to)
        .await;
    let figures = match figures {
        Ok(figures) => figures,
        Err(e) => return failure(app, Some(&session), e),
    };
    let page = StaffRemindersPage {
        layout: Layout::new(app, Some(&session)),
        from: from.to_string(),
        to: to.to_string(),
        figures: figures
            .iter()
            .map(|f| FigureRow {
                kind: f.kind.name_zh(),
                sent: f.sent,
                opened: f.opened,
                acted: f.acted,
            })
            .collect(),
    };
    render(app, Some(&session), page.render())
}
