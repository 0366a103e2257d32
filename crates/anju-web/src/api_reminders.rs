//! 服务提醒 over the JSON API, the twins of `/member/reminders`: the
//! member's reminders with the kinds they receive, and setting them.

use crate::api::{JsonBody, answered, body_of};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::state::WebState;
use anju_domain::reminders::ReminderKind;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

#[derive(Serialize, schemars::JsonSchema)]
pub struct ReminderView {
    /// `installment_due`, `rent_unused` or `sealed_long`.
    kind: &'static str,
    title: String,
    body: String,
    sent_on: String,
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct RemindersView {
    items: Vec<ReminderView>,
    /// The kinds the member receives.
    receiving: Vec<&'static str>,
}

async fn view(state: &WebState, session: &Session, context: &RequestContext) -> Response {
    let result = state
        .app
        .reminders()
        .my_reminders(&session.actor(context))
        .await
        .map(|(sent, out)| RemindersView {
            items: sent
                .iter()
                .map(|r| ReminderView {
                    kind: r.kind.code(),
                    title: r.title.clone(),
                    body: r.body.clone(),
                    sent_on: r.sent_on.to_string(),
                })
                .collect(),
            receiving: ReminderKind::FOR_MEMBERS
                .iter()
                .filter(|k| !out.contains(k))
                .map(|k| k.code())
                .collect(),
        });
    answered(StatusCode::OK, result)
}

pub async fn reminders(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    view(&state, &session, &context).await
}

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct ChoiceBody {
    /// The kinds to receive; the others are switched off.
    receive: Vec<String>,
}

pub async fn choose(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    body: JsonBody<ChoiceBody>,
) -> Response {
    let body = match body_of(body, r#"{"receive": ["installment_due"]}"#) {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    let unknown = body.receive.iter().find(|c| {
        !ReminderKind::FOR_MEMBERS
            .iter()
            .any(|k| k.code() == c.as_str())
    });
    if let Some(code) = unknown {
        let e = anju_domain::DomainError::new("REMINDER_KIND", format!("未知的提醒类型 {code}"));
        return answered::<RemindersView>(StatusCode::OK, Err(e.into()));
    }
    let unwanted: Vec<ReminderKind> = ReminderKind::FOR_MEMBERS
        .iter()
        .copied()
        .filter(|k| !body.receive.iter().any(|c| c == k.code()))
        .collect();
    let chosen = state
        .app
        .reminders()
        .choose_reminders(&session.actor(&context), &unwanted)
        .await;
    if let Err(e) = chosen {
        return answered::<RemindersView>(StatusCode::OK, Err(e));
    }
    view(&state, &session, &context).await
}
