//! 智能客服 over the JSON API, the twins of `/assistant`: ask (anyone; a
//! signed-in member also gets answers from their own records and keeps a
//! conversation), read the conversation, hand it to a person, end it.

use crate::api::{JsonBody, answered, body_of};
use crate::auth::Session;
use crate::context::RequestContext;
use crate::error::http_refusal;
use crate::state::WebState;
use anju_app::access::Actor;
use anju_app::assistant::{Asked, Conversation, ConversationRecord, Hit};
use anju_domain::access::Channel;
use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use std::time::Instant;

#[derive(Debug, Deserialize, schemars::JsonSchema)]
pub struct QuestionBody {
    /// The question, in Chinese, at most 200 characters.
    pub question: String,
}

/// An article that answers, with its source.
#[derive(Serialize, schemars::JsonSchema)]
pub struct AnswerArticleView {
    /// `C-TQ01` (catalogue), `P-LOAN-LIMIT` (policy), `Q16` (FAQ).
    id: String,
    title: String,
    body: String,
    /// `catalogue`, `policy` or `faq`.
    source_kind: &'static str,
    source: String,
    link: Option<String>,
}

fn article(h: &Hit) -> AnswerArticleView {
    let a = &h.article;
    AnswerArticleView {
        id: a.id.clone(),
        title: a.title.clone(),
        body: a.body.clone(),
        source_kind: a.kind.code(),
        source: a.source.clone(),
        link: a.link.clone(),
    }
}

/// The answer from the asker's own records.
#[derive(Serialize, schemars::JsonSchema)]
pub struct PersonalView {
    /// `balance`, `withdrawal` or `next_installment`.
    intent: &'static str,
    text: String,
    link: String,
}

/// What the assistant said.
#[derive(Serialize, schemars::JsonSchema)]
pub struct AskedView {
    question: String,
    /// False: nothing relevant was found (the question is kept for the
    /// catalogue's owner); hand over to a person or call 12329.
    answered: bool,
    personal: Option<PersonalView>,
    /// Best first: the answer, then related articles.
    answers: Vec<AnswerArticleView>,
    /// The member's conversation (none for a caller not signed in).
    conversation_id: Option<i64>,
    /// The question went to the agent who has the conversation.
    to_person: bool,
}

fn asked_view(asked: &Asked) -> AskedView {
    let a = &asked.answer;
    AskedView {
        question: a.question.clone(),
        answered: a.answered(),
        personal: a.personal.as_ref().map(|p| PersonalView {
            intent: match p.intent {
                anju_domain::assistant::PersonalIntent::Balance => "balance",
                anju_domain::assistant::PersonalIntent::Withdrawal => "withdrawal",
                anju_domain::assistant::PersonalIntent::NextInstallment => "next_installment",
            },
            text: p.text.clone(),
            link: p.link.clone(),
        }),
        answers: a.hits.iter().map(article).collect(),
        conversation_id: asked.conversation.as_ref().map(|c| c.conversation_id),
        to_person: asked.to_person,
    }
}

#[derive(Serialize, schemars::JsonSchema)]
pub struct ConversationMessageView {
    message_id: i64,
    /// `member`, `assistant` or `agent`.
    author: &'static str,
    text: String,
    /// Where an assistant's answer came from, one source a line.
    sources: String,
    at_us: i64,
}

/// A conversation with its messages, oldest first.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ConversationView {
    conversation_id: i64,
    /// `assistant`, `waiting` (for a person), `answered` or `closed`.
    status: &'static str,
    status_name: &'static str,
    handed_over_at_us: Option<i64>,
    messages: Vec<ConversationMessageView>,
}

fn conversation_view(record: &ConversationRecord, c: Option<&Conversation>) -> ConversationView {
    ConversationView {
        conversation_id: record.conversation_id,
        status: record.status.code(),
        status_name: record.status.name_zh(),
        handed_over_at_us: record.handed_over_at_us,
        messages: c
            .map(|c| {
                c.messages
                    .iter()
                    .map(|m| ConversationMessageView {
                        message_id: m.message_id,
                        author: m.author.code(),
                        text: m.text.clone(),
                        sources: m.sources.clone(),
                        at_us: m.at_us,
                    })
                    .collect()
            })
            .unwrap_or_default(),
    }
}

/// The member's open conversation, if any.
#[derive(Serialize, schemars::JsonSchema)]
pub struct MyConversationView {
    conversation: Option<ConversationView>,
}

fn my_view(c: Option<Conversation>) -> MyConversationView {
    MyConversationView {
        conversation: c.as_ref().map(|c| conversation_view(&c.record, Some(c))),
    }
}

pub async fn ask(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    session: Option<Extension<Session>>,
    body: JsonBody<QuestionBody>,
) -> Response {
    let body = match body_of(body, "{\"question\": \"租房提取要什么材料\"}") {
        Ok(body) => body,
        Err(refused) => return refused,
    };
    if !state
        .assistant_limiter
        .allow(&context.client_addr, Instant::now())
    {
        return http_refusal("RATE_LIMITED", "提问过于频繁，请稍后再试");
    }
    let actor = match session.as_deref() {
        Some(s) => s.actor(&context),
        None => Actor::anonymous(Channel::Online, &context.request_id, &context.client_addr),
    };
    let result = state
        .app
        .assistant()
        .ask(&actor, &body.question, state.today())
        .await
        .map(|asked| asked_view(&asked));
    answered(StatusCode::OK, result)
}

pub async fn conversation(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let result = state
        .app
        .assistant()
        .my_conversation(&session.actor(&context))
        .await
        .map(my_view);
    answered(StatusCode::OK, result)
}

pub async fn hand_over(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let result = state
        .app
        .assistant()
        .hand_over(&session.actor(&context), state.today())
        .await
        .map(|record| conversation_view(&record, None));
    answered(StatusCode::OK, result)
}

pub async fn end(
    State(state): State<WebState>,
    Extension(context): Extension<RequestContext>,
    Extension(session): Extension<Session>,
) -> Response {
    let actor = session.actor(&context);
    let result = async {
        state.app.assistant().end_conversation(&actor).await?;
        state.app.assistant().my_conversation(&actor).await
    }
    .await
    .map(my_view);
    answered(StatusCode::OK, result)
}
