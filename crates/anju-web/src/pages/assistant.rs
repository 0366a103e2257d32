//! 智能客服 pages: the hall's assistant (anyone asks; a signed-in member's
//! questions make a conversation they can hand to a person) and the quality
//! desk's online queue (answer a conversation handed over, see what the
//! assistant could not answer).

use super::staff::format_instant;
use super::staff_collection::answer;
use super::{Layout, failure, render, with_status};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::state::WebState;
use anju_app::AppResult;
use anju_app::access::Actor;
use anju_app::assistant::{Answer, Conversation, ConversationRecord, UnansweredRecord};
use anju_domain::access::Channel;
use anju_domain::assistant::{ConversationStatus, MessageAuthor};
use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::{Extension, Form};
use serde::Deserialize;
use std::time::Instant;

/// Unanswered questions the console lists.
const UNANSWERED_SHOWN: u32 = 50;

pub struct ArticleView {
    pub title: String,
    pub body: String,
    pub source: String,
    pub link: Option<String>,
}

pub struct AnswerView {
    pub question: String,
    pub best: Option<ArticleView>,
    pub related: Vec<ArticleView>,
}

fn answer_view(a: &Answer) -> AnswerView {
    let article = |h: &anju_app::assistant::Hit| ArticleView {
        title: h.article.title.clone(),
        body: h.article.body.clone(),
        source: format!("{}：{}", h.article.kind.name_zh(), h.article.source),
        link: h.article.link.clone(),
    };
    AnswerView {
        question: a.question.clone(),
        best: a.hits.first().map(article),
        related: a.hits.iter().skip(1).map(article).collect(),
    }
}

pub struct MessageView {
    pub id: i64,
    pub author: &'static str,
    /// `member`, `assistant` or `agent`, for the bubble's style.
    pub kind: &'static str,
    pub text: String,
    pub sources: String,
    pub at: String,
}

/// The messages as the member (`我`) or an agent (`职工`) reads them.
fn messages(c: &Conversation, for_staff: bool) -> Vec<MessageView> {
    c.messages
        .iter()
        .map(|m| MessageView {
            id: m.message_id,
            author: match m.author {
                MessageAuthor::Member if for_staff => "职工",
                author => author.name_zh(),
            },
            kind: m.author.code(),
            text: m.text.clone(),
            sources: m.sources.clone(),
            at: format_instant(m.at_us),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "assistant.html")]
struct AssistantPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    signed_in_member: bool,
    answer: Option<AnswerView>,
    status: Option<&'static str>,
    can_hand_over: bool,
    can_end: bool,
    messages: Vec<MessageView>,
}

async fn hall_page(
    state: &WebState,
    session: Option<&Session>,
    actor: &Actor,
    answered: Option<&Answer>,
    (notice, error): (Option<String>, Option<String>),
) -> Response {
    let app = &state.app;
    let signed_in_member = session.is_some_and(|s| s.principal.member_id.is_some());
    let conversation = if signed_in_member {
        match app.assistant().my_conversation(actor).await {
            Ok(c) => c,
            Err(e) => return failure(app, session, e),
        }
    } else {
        None
    };
    let page = AssistantPage {
        layout: Layout::new(app, session),
        notice,
        error,
        signed_in_member,
        // A member reads the answer in the conversation (the page adds the
        // related articles); a visitor reads it here.
        answer: answered.map(answer_view),
        status: conversation.as_ref().map(|c| c.record.status.name_zh()),
        can_hand_over: conversation
            .as_ref()
            .is_some_and(|c| c.record.status == ConversationStatus::Assistant),
        can_end: conversation
            .as_ref()
            .is_some_and(|c| c.record.status != ConversationStatus::Closed),
        messages: conversation
            .as_ref()
            .map(|c| messages(c, false))
            .unwrap_or_default(),
    };
    render(app, session, page.render())
}

fn actor_of(session: Option<&Session>, context: &RequestContext) -> Actor {
    match session {
        Some(s) => s.actor(context),
        None => Actor::anonymous(Channel::Online, &context.request_id, &context.client_addr),
    }
}

pub async fn assistant_page(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    session: Option<Extension<Session>>,
) -> Response {
    let session = session.as_deref();
    let actor = actor_of(session, &context);
    hall_page(&state, session, &actor, None, (None, None)).await
}

#[derive(Deserialize)]
pub struct AskForm {
    #[serde(default)]
    question: String,
}

/// 咨询: the answer on the page (a member's joins their conversation).
pub async fn assistant_ask(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    session: Option<Extension<Session>>,
    Form(form): Form<AskForm>,
) -> Response {
    let session = session.as_deref();
    let actor = actor_of(session, &context);
    if !state
        .assistant_limiter
        .allow(&context.client_addr, Instant::now())
    {
        let said = (None, Some("提问过于频繁，请稍后再试".to_string()));
        let page = hall_page(&state, session, &actor, None, said).await;
        return with_status(page, StatusCode::TOO_MANY_REQUESTS);
    }
    let asked = state
        .app
        .assistant()
        .ask(&actor, &form.question, state.today())
        .await;
    match asked {
        Ok(asked) => {
            let notice = asked
                .to_person
                .then(|| "您的问题已转给人工客服，请稍候。".to_string());
            hall_page(&state, session, &actor, Some(&asked.answer), (notice, None)).await
        }
        Err(anju_app::AppError::Rejected(d)) => {
            let said = (None, Some(d.message().to_string()));
            let page = hall_page(&state, session, &actor, None, said).await;
            with_status(page, crate::error::status_of(d.kind()))
        }
        Err(e) => failure(&state.app, session, e),
    }
}

async fn member_command(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    result: AppResult<String>,
) -> Response {
    let actor = session.actor(context);
    answer(state, session, result, |n, e| {
        hall_page(state, Some(session), &actor, None, (n, e))
    })
    .await
}

/// 转人工.
pub async fn assistant_hand_over(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let result = state
        .app
        .assistant()
        .hand_over(&session.actor(&context), state.today())
        .await
        .map(|_| "已转人工客服，工作人员回复后会通知您。".to_string());
    member_command(&state, &session, &context, result).await
}

/// 结束咨询.
pub async fn assistant_end(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let result = state
        .app
        .assistant()
        .end_conversation(&session.actor(&context))
        .await
        .map(|()| "咨询已结束。".to_string());
    member_command(&state, &session, &context, result).await
}

pub struct QueueRow {
    pub id: i64,
    pub member_id: i64,
    pub status: &'static str,
    pub waiting: bool,
    pub handed_over: String,
    pub agent: String,
}

fn queue_row(c: &ConversationRecord) -> QueueRow {
    QueueRow {
        id: c.conversation_id,
        member_id: c.member_id,
        status: c.status.name_zh(),
        waiting: c.status == ConversationStatus::Waiting,
        handed_over: c.handed_over_at_us.map(format_instant).unwrap_or_default(),
        agent: c.agent_login.clone().unwrap_or_default(),
    }
}

pub struct UnansweredRow {
    pub question: String,
    pub asked: i64,
    pub first_on: String,
    pub last_on: String,
}

fn unanswered_row(u: &UnansweredRecord) -> UnansweredRow {
    UnansweredRow {
        question: u.question.clone(),
        asked: u.asked,
        first_on: u.first_on.to_string(),
        last_on: u.last_on.to_string(),
    }
}

#[derive(Template)]
#[template(path = "staff_assistant.html")]
struct QueuePage {
    layout: Layout,
    queue: Vec<QueueRow>,
    unanswered: Vec<UnansweredRow>,
}

/// 在线客服: the queue and the unanswered questions.
pub async fn staff_assistant(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let app = &state.app;
    let actor = session.actor(&context);
    let loaded = async {
        let queue = app.assistant().agent_queue(&actor).await?;
        let unanswered = app
            .assistant()
            .unanswered_questions(&actor, UNANSWERED_SHOWN)
            .await?;
        Ok::<_, anju_app::AppError>((queue, unanswered))
    }
    .await;
    let (queue, unanswered) = match loaded {
        Ok(loaded) => loaded,
        Err(e) => return failure(app, Some(&session), e),
    };
    let page = QueuePage {
        layout: Layout::new(app, Some(&session)),
        queue: queue.iter().map(queue_row).collect(),
        unanswered: unanswered.iter().map(unanswered_row).collect(),
    };
    render(app, Some(&session), page.render())
}

#[derive(Template)]
#[template(path = "staff_conversation.html")]
struct ConversationPage {
    layout: Layout,
    notice: Option<String>,
    error: Option<String>,
    id: i64,
    member_id: i64,
    status: &'static str,
    open: bool,
    messages: Vec<MessageView>,
}

async fn conversation_page(
    state: &WebState,
    session: &Session,
    context: &RequestContext,
    id: i64,
    (notice, error): (Option<String>, Option<String>),
) -> Response {
    let app = &state.app;
    let read = app
        .assistant()
        .agent_conversation(&session.actor(context), id)
        .await;
    let conversation = match read {
        Ok(c) => c,
        Err(e) => return failure(app, Some(session), e),
    };
    let page = ConversationPage {
        layout: Layout::new(app, Some(session)),
        notice,
        error,
        id,
        member_id: conversation.record.member_id,
        status: conversation.record.status.name_zh(),
        open: matches!(
            conversation.record.status,
            ConversationStatus::Waiting | ConversationStatus::Answered
        ),
        messages: messages(&conversation, true),
    };
    render(app, Some(session), page.render())
}

pub async fn staff_conversation(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
) -> Response {
    conversation_page(&state, &session, &context, id, (None, None)).await
}

#[derive(Deserialize)]
pub struct ReplyForm {
    #[serde(default)]
    text: String,
    /// "1" ends the conversation with the reply.
    #[serde(default)]
    close: String,
}

/// 人工回复.
pub async fn staff_reply(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
    Path(id): Path<i64>,
    Form(form): Form<ReplyForm>,
) -> Response {
    let close = form.close == "1";
    let result = state
        .app
        .assistant()
        .agent_reply(
            &session.actor(&context),
            id,
            &form.text,
            close,
            state.today(),
        )
        .await
        .map(|c| {
            if c.status == ConversationStatus::Closed {
                "已回复并结束会话。".to_string()
            } else {
                "已回复，职工会在消息中心收到通知。".to_string()
            }
        });
    answer(&state, &session, result, |n, e| {
        conversation_page(&state, &session, &context, id, (n, e))
    })
    .await
}
