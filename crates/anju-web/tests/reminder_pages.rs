//! 服务提醒 over HTTP, on each backend: a member's choices set on the page
//! read back over the API; the quality desk's figures count a reminder the
//! daily run sent and the member opened; members may not read the figures.

mod common;

use anju_domain::access::{Channel, Role};
use axum::http::StatusCode;
use common::{Web, form_body, today};

const MEMBER: &str = "320502199003071230";

#[tokio::test]
async fn choices_are_kept_and_the_desk_counts_what_was_sent_and_opened() {
    for backend in common::on_each_backend(today()).await {
        let name = backend.name;
        let app = backend.app;
        common::wang_with_savings(&app).await;
        let h = Web::new(app, backend.dir);
        let member = h.person(MEMBER, Role::Member, Some(1)).await;

        // The daily run: rent is allowed and was never used this year.
        let batch = anju_app::access::Actor::anonymous(Channel::Batch, "t", "local");
        let run = h.app.reminders().send_reminders(&batch, today()).await;
        assert_eq!(run.expect("run").sent, 1, "{name}");
        let page = h.get("/member/reminders", &member).await;
        assert_eq!(page.status, StatusCode::OK, "{name}");
        assert!(page.body.contains("您可以申请租房提取"), "{name}");
        let inbox = h.get("/inbox", &member).await;
        assert!(inbox.body.contains("您可以申请租房提取"), "{name}");
        let at = inbox
            .body
            .find("action=\"/inbox/")
            .expect("an unread message")
            + 8;
        let read_path = inbox.body[at..].split('"').next().expect("path");
        let read = h
            .post_form(read_path, &member, &form_body(&[("_csrf", &member.csrf)]))
            .await;
        assert!(
            read.status.is_success() || read.status.is_redirection(),
            "{name}"
        );

        let choose = form_body(&[("_csrf", &member.csrf), ("receive", "installment_due")]);
        let chosen = h.post_form("/member/reminders", &member, &choose).await;
        assert_eq!(chosen.status, StatusCode::OK, "{name}: {}", chosen.body);
        assert!(chosen.body.contains("提醒设置已保存"), "{name}");
        let api = h.get("/api/v1/member/reminders", &member).await;
        let json: serde_json::Value = serde_json::from_str(&api.body).expect("json");
        assert_eq!(
            json["receiving"],
            serde_json::json!(["installment_due"]),
            "{name}"
        );

        let clerk = h.person("clerk01", Role::Clerk, None).await;
        let desk = h.get("/staff/reminders", &clerk).await;
        assert_eq!(desk.status, StatusCode::OK, "{name}");
        assert!(
            desk.body.contains("<td data-label=\"发出\" class=\"num\">1</td><td data-label=\"打开\" class=\"num\">1</td>"),
            "{name}: {}",
            desk.body
        );
        assert_eq!(
            h.get("/staff/reminders", &member).await.status,
            StatusCode::FORBIDDEN,
            "{name}"
        );
        common::drop_scratch(backend.scratch).await;
    }
}
