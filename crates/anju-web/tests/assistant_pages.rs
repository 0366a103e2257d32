//! 智能客服 over HTTP, on each backend: a visitor asks on the page and over
//! the API and reads the answer with its source; a member asks about their
//! own balance, hands the conversation to a person, a clerk answers it on
//! the console, and the member reads the reply and is told in the inbox; a
//! question with no answer reaches the console's list.

mod common;

use anju_domain::access::Role;
use axum::http::{Method, StatusCode};
use common::{Client, Web, form_body, today};

const MEMBER: &str = "320502199003071230";

#[tokio::test]
async fn a_question_is_answered_handed_over_and_answered_by_a_person() {
    for backend in common::on_each_backend(today()).await {
        let name = backend.name;
        let app = backend.app;
        common::wang_with_savings(&app).await;
        let h = Web::new(app, backend.dir);
        visitor_asks(&h, name).await;
        member_hands_over(&h, name).await;
        common::drop_scratch(backend.scratch).await;
    }
}

async fn visitor_asks(h: &Web, name: &str) {
    let visitor = Client::default();
    let page = h.get("/assistant", &visitor).await;
    assert_eq!(page.status, StatusCode::OK, "{name}");
    let asked = h
        .post_form(
            "/assistant",
            &visitor,
            &form_body(&[("question", "租房提取要什么材料")]),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{name}: {}", asked.body);
    assert!(asked.body.contains("id=\"answer\""), "{name}");
    assert!(asked.body.contains("来源："), "{name}: {}", asked.body);
    let empty = h
        .post_form("/assistant", &visitor, &form_body(&[("question", " ")]))
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
    assert!(empty.body.contains("请输入您的问题"), "{name}");

    let api = h
        .send(
            Method::POST,
            "/api/v1/assistant/questions",
            &visitor,
            r#"{"question":"公积金贷款利率是多少"}"#,
            &[],
        )
        .await;
    assert_eq!(api.status, StatusCode::OK, "{name}: {}", api.body);
    let json: serde_json::Value = serde_json::from_str(&api.body).expect("json");
    assert_eq!(json["answered"], true, "{name}");
    assert_eq!(json["answers"][0]["id"], "P-LOAN-RATE", "{name}");
    assert_eq!(json["answers"][0]["source_kind"], "policy", "{name}");
    assert!(json["conversation_id"].is_null(), "{name}: no conversation");

    let nothing = h
        .post_form(
            "/assistant",
            &visitor,
            &form_body(&[("question", "明天股市会涨吗")]),
        )
        .await;
    assert!(nothing.body.contains("暂时没有找到"), "{name}");
}

async fn member_hands_over(h: &Web, name: &str) {
    let member = h.person(MEMBER, Role::Member, Some(1)).await;
    let asked = h
        .post_form(
            "/assistant",
            &member,
            &form_body(&[
                ("_csrf", &member.csrf),
                ("question", "我的公积金余额是多少"),
            ]),
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{name}: {}", asked.body);
    assert!(asked.body.contains("¥50,000.00"), "{name}: {}", asked.body);
    assert!(asked.body.contains("来源：您的账户"), "{name}");
    let handed = h
        .post_form(
            "/assistant/hand-over",
            &member,
            &form_body(&[("_csrf", &member.csrf)]),
        )
        .await;
    assert_eq!(handed.status, StatusCode::OK, "{name}: {}", handed.body);
    assert!(handed.body.contains("等待人工"), "{name}");
    let again = h
        .post_form(
            "/assistant/hand-over",
            &member,
            &form_body(&[("_csrf", &member.csrf)]),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{name}: once");
    assert_eq!(
        h.get("/staff/assistant", &member).await.status,
        StatusCode::FORBIDDEN,
        "{name}"
    );

    let clerk = h.person("clerk01", Role::Clerk, None).await;
    let queue = h.get("/staff/assistant", &clerk).await;
    assert_eq!(queue.status, StatusCode::OK, "{name}");
    assert!(queue.body.contains("明天股市会涨吗"), "{name}: unanswered");
    let desk = anju_app::access::Actor::seeded(Role::Clerk, "clerk01", None, "t");
    let waiting = h.app.assistant().agent_queue(&desk).await.expect("queue");
    let id = waiting[0].conversation_id;
    let path = format!("/staff/assistant/{id}");
    assert!(queue.body.contains(&format!("href=\"{path}\"")), "{name}");
    let read = h.get(&path, &clerk).await;
    assert!(read.body.contains("我的公积金余额是多少"), "{name}");
    let reply = h
        .post_form(
            &format!("{path}/reply"),
            &clerk,
            &form_body(&[
                ("_csrf", &clerk.csrf),
                ("text", "余额以账户页为准，如有疑问请来电。"),
            ]),
        )
        .await;
    assert_eq!(reply.status, StatusCode::OK, "{name}: {}", reply.body);
    assert!(reply.body.contains("已回复"), "{name}");

    let mine = h.get("/assistant", &member).await;
    assert!(mine.body.contains("余额以账户页为准"), "{name}");
    assert!(mine.body.contains("人工已回复"), "{name}");
    let inbox = h.get("/inbox", &member).await;
    assert!(inbox.body.contains("人工客服已回复您的咨询"), "{name}");
    let api = h.get("/api/v1/assistant/conversation", &member).await;
    let json: serde_json::Value = serde_json::from_str(&api.body).expect("json");
    assert_eq!(json["conversation"]["status"], "answered", "{name}");
    let authors: Vec<&str> = json["conversation"]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["author"].as_str())
        .collect();
    assert_eq!(
        authors,
        ["member", "assistant", "assistant", "agent"],
        "{name}"
    );
}
