//! 办件时效 over HTTP, on each backend: a complaint filed on Friday 20
//! November is due on the 27th (five working days) and a rent application
//! of that day on the 25th (three); on the 29th both show as overdue work
//! on the times page, each linked to where it is worked, and on the
//! clerk's console; members and finance staff may not read the page, and
//! finance's console does not show the section.

mod common;

use anju_app::access::Actor;
use anju_app::quality::ComplaintInput;
use anju_app::withdrawal::WithdrawalApplication;
use anju_domain::access::Role;
use anju_domain::quality::{ComplaintCategory, ComplaintSource};
use anju_domain::withdrawal::WithdrawalRequest;
use axum::http::StatusCode;
use common::{Web, today};

const MEMBER: &str = "320502199003071230";

#[tokio::test]
async fn overdue_work_is_shown_against_its_promise() {
    for backend in common::on_each_backend(today()).await {
        let name = backend.name;
        let app = backend.app;
        common::wang_with_savings(&app).await;
        let wang = Actor::seeded(Role::Member, MEMBER, Some(1), "t");
        let input = ComplaintInput {
            source: ComplaintSource::Hall,
            category: ComplaintCategory::ServiceQuality,
            complainant: String::new(),
            contact: String::new(),
            subject: "窗口办理慢".into(),
            detail: "排队两小时".into(),
        };
        let friday = anju_domain::Date::parse("2026-11-20").expect("date");
        let filed = app
            .quality()
            .file_complaint(&wang, &input, friday)
            .await
            .expect("complaint");
        let application = WithdrawalApplication {
            request: WithdrawalRequest {
                reason: "07".into(),
                amount: anju_domain::Fen::new(1_500_00),
                months: 1,
                ..WithdrawalRequest::default()
            },
            bank_card: "62220201000041234".into(),
            documents: Vec::new(),
            request_key: "times-1".into(),
        };
        let applied = app
            .withdrawals()
            .apply_withdrawal(&wang, 1, application, friday)
            .await
            .expect("apply");
        let h = Web::new(app, backend.dir);
        let member = h.person(MEMBER, Role::Member, Some(1)).await;

        let clerk = h.person("clerk01", Role::Clerk, None).await;
        let page = h.get("/staff/service-times", &clerk).await;
        assert_eq!(page.status, StatusCode::OK, "{name}: {}", page.body);
        let row = |code: &str| {
            let at = page
                .body
                .find(&format!("id=\"times-{code}\""))
                .expect("row");
            page.body[at..]
                .split("</tr>")
                .next()
                .unwrap_or_default()
                .to_string()
        };
        let overdue_one = "data-label=\"已超期\" class=\"num\">1<";
        let zh06 = row("ZH06");
        assert!(zh06.contains("5 个工作日"), "{name}: {zh06}");
        assert!(zh06.contains(overdue_one), "{name}: {zh06}");
        let tq01 = row("TQ01");
        assert!(tq01.contains("3 个工作日"), "{name}: {tq01}");
        assert!(tq01.contains(overdue_one), "{name}: {tq01}");
        assert!(
            page.body.contains("2026-11-27"),
            "{name}: the complaint's due day"
        );
        assert!(
            page.body.contains("2026-11-25"),
            "{name}: the application's"
        );
        // Each overdue item opens where it is worked.
        let complaint = format!("/staff/quality/complaints/{}", filed.complaint_id);
        let withdrawal = format!("/staff/withdrawals#withdrawal-{}", applied.withdrawal_id);
        for link in [&complaint, &withdrawal] {
            assert!(page.body.contains(link.as_str()), "{name}: {link}");
            let (path, anchor) = link.split_once('#').unwrap_or((link.as_str(), ""));
            let opened = h.get(path, &clerk).await;
            assert_eq!(opened.status, StatusCode::OK, "{name}: {link}");
            let id = format!("id=\"{anchor}\"");
            assert!(
                anchor.is_empty() || opened.body.contains(&id),
                "{name}: {link}"
            );
        }
        assert!(page.body.contains("2026年部分节假日安排"), "{name}");

        let console = h.get("/staff", &clerk).await;
        assert!(console.body.contains("ZH06 投诉和复核：1 件"), "{name}");
        assert!(console.body.contains("TQ01 "), "{name}");

        let finance = h.person("finance01", Role::Finance, None).await;
        let refused = h.get("/staff/service-times", &finance).await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{name}");
        let theirs = h.get("/staff", &finance).await;
        assert!(!theirs.body.contains("超期未办结的办件"), "{name}");
        let own = h.get("/staff/service-times", &member).await;
        assert_eq!(own.status, StatusCode::FORBIDDEN, "{name}");
        common::drop_scratch(backend.scratch).await;
    }
}
