//! 网点与预约 over HTTP, on each backend: the map page draws its SVG
//! without anything from outside; a member books a slot on the outlet's
//! page, sees it, and the places left drop; a second booking that day is
//! refused; the desk sees the day's list; the member cancels over the API
//! and the place comes back.

mod common;

use anju_domain::access::Role;
use axum::http::{Method, StatusCode};
use common::{Client, Web, form_body, today};

const MEMBER: &str = "320502199003071230";

/// Places left at WD01 on 30 November (a Monday, the harness's tomorrow)
/// at 09:00, by the API.
async fn places_at_nine(h: &Web) -> i64 {
    let slots = h
        .get("/api/v1/outlets/WD01/slots", &Client::default())
        .await;
    assert_eq!(slots.status, StatusCode::OK, "{}", slots.body);
    let json: serde_json::Value = serde_json::from_str(&slots.body).expect("json");
    let nine = json["slots"]
        .as_array()
        .expect("slots")
        .iter()
        .find(|s| s["day"] == "2026-11-30" && s["slot_min"] == 540)
        .cloned()
        .expect("the 09:00 slot");
    nine["places_left"].as_i64().expect("places")
}

#[tokio::test]
async fn a_member_books_a_slot_sees_it_and_cancels_it() {
    for backend in common::on_each_backend(today()).await {
        let name = backend.name;
        let app = backend.app;
        common::take_over(&app, &[common::member_record(1, MEMBER, "王芳")], 400).await;
        let h = Web::new(app, backend.dir);

        let map = h.get("/outlets", &Client::default()).await;
        assert_eq!(map.status, StatusCode::OK, "{name}");
        assert!(map.body.contains("<svg"), "{name}: the map is drawn here");
        assert!(map.body.contains("id=\"circle\""), "{name}");
        assert!(
            !map.body.contains("src=\"http") && !map.body.contains("href=\"http"),
            "{name}: nothing is fetched from outside"
        );
        assert_eq!(places_at_nine(&h).await, 2, "{name}");

        let member = h.person(MEMBER, Role::Member, Some(1)).await;
        let page = h.get("/outlets/WD01", &member).await;
        assert!(
            page.body.contains("id=\"book\""),
            "{name}: members book here"
        );
        let booking = form_body(&[
            ("_csrf", &member.csrf),
            ("outlet", "WD01"),
            ("slot", "2026-11-30|540"),
            ("service", "TQ01"),
        ]);
        let booked = h.post_form("/member/appointments", &member, &booking).await;
        assert_eq!(booked.status, StatusCode::OK, "{name}: {}", booked.body);
        assert!(booked.body.contains("已预约 2026-11-30 09:00"), "{name}");
        assert_eq!(places_at_nine(&h).await, 1, "{name}");
        let again = h.post_form("/member/appointments", &member, &booking).await;
        assert_eq!(again.status, StatusCode::CONFLICT, "{name}: one a day");
        assert!(again.body.contains("当天已有预约"), "{name}");

        let clerk = h.person("clerk01", Role::Clerk, None).await;
        let desk = h
            .get("/staff/outlets?outlet=WD01&day=2026-11-30", &clerk)
            .await;
        assert_eq!(desk.status, StatusCode::OK, "{name}");
        let owner = anju_app::access::Actor::seeded(Role::Member, MEMBER, Some(1), "t");
        let mine = h.app.outlets().my_appointments(&owner).await.expect("mine");
        let booked_id = mine[0].appointment_id;
        assert!(
            desk.body
                .contains(&format!("<td data-label=\"预约号\">{booked_id}</td>")),
            "{name}: the booking is on the desk's list"
        );

        // The harness's today is a Sunday: WD01 is closed, no number.
        let ticket = form_body(&[
            ("_csrf", &member.csrf),
            ("outlet", "WD01"),
            ("service", "TQ01"),
        ]);
        let closed = h.post_form("/member/tickets", &member, &ticket).await;
        assert_eq!(closed.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}");
        assert!(closed.body.contains("今天不营业"), "{name}");
        assert_eq!(
            h.get("/staff/outlets", &member).await.status,
            StatusCode::FORBIDDEN,
            "{name}"
        );

        let mine = h.get("/api/v1/member/appointments", &member).await;
        let json: serde_json::Value = serde_json::from_str(&mine.body).expect("json");
        let id = json["items"][0]["appointment_id"].as_i64().expect("id");
        assert_eq!(json["items"][0]["status"], "booked", "{name}");
        let cancel = format!("/api/v1/member/appointments/{id}/cancel");
        let headers = [
            ("idempotency-key", "cancel-1"),
            ("x-csrf-token", member.csrf.as_str()),
        ];
        let cancelled = h.send(Method::POST, &cancel, &member, "", &headers).await;
        assert_eq!(
            cancelled.status,
            StatusCode::OK,
            "{name}: {}",
            cancelled.body
        );
        assert!(cancelled.body.contains("\"cancelled\""), "{name}");
        assert_eq!(places_at_nine(&h).await, 2, "{name}: the place is back");
        common::drop_scratch(backend.scratch).await;
    }
}
