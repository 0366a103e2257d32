//! The service catalogue (服务事项清单): every hall route that performs a
//! service names an entry in force, every route an entry names exists, and
//! the page and the API show the same list.

mod common;

use anju_domain::access::duties::{AGENTS, MEMBERS};
use anju_web::auth::Access;
use anju_web::routes::table;
use axum::http::{Method, StatusCode};
use common::{Client, Web, today};

/// Hall routes that are not a service: signing in and out, reading mail.
const NOT_SERVICES: &[&str] = &["/signin", "/signout", "/inbox/{id}/read"];

/// Whether members, agents or the public may reach the route.
fn in_hall(access: Access) -> bool {
    match access {
        Access::Public | Access::SignedIn => true,
        Access::Roles(roles) => roles
            .iter()
            .any(|r| MEMBERS.contains(r) || AGENTS.contains(r)),
    }
}

#[test]
fn every_hall_service_route_names_a_catalogue_entry_and_back() {
    let catalogue = anju_app::catalogue::built_in().expect("catalogue");
    let routes = table();
    let services: Vec<String> = routes
        .iter()
        .map(|(spec, _)| spec)
        .filter(|s| s.method == Method::POST && in_hall(s.access))
        .filter(|s| !s.path.starts_with("/api/") && !NOT_SERVICES.contains(&s.path))
        .map(|s| format!("POST {}", s.path))
        .collect();
    assert!(services.len() >= 25, "{services:?}");
    let missing: Vec<&String> = services
        .iter()
        .filter(|r| catalogue.for_route(r, today()).is_none())
        .collect();
    assert!(
        missing.is_empty(),
        "hall routes with no catalogue entry: {missing:?}"
    );
    let known: Vec<String> = routes
        .iter()
        .map(|(s, _)| format!("{} {}", s.method, s.path))
        .collect();
    for entry in catalogue.on(today()) {
        for route in &entry.routes {
            assert!(
                known.contains(route),
                "{}: {route} is not a route",
                entry.code
            );
        }
        if let Some(page) = &entry.page {
            let page = format!("GET {page}");
            assert!(
                known.contains(&page),
                "{}: {page} is not a page",
                entry.code
            );
        }
    }
}

#[tokio::test]
async fn the_catalogue_page_and_api_list_the_same_services() {
    let dir = tempfile::tempdir().expect("dir");
    let h = Web::new(common::open_app(&dir, today()).await, dir);
    let entries = h.app.service_catalogue(today()).expect("catalogue");
    let page = h.get("/services", &Client::default()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for entry in &entries {
        let row = format!("id=\"service-{}\"", entry.code);
        assert!(page.body.contains(&row), "{row}");
        assert!(page.body.contains(&entry.name), "{}", entry.name);
    }
    assert!(page.body.contains("3 个工作日") && page.body.contains("即时办结"));
    let home = h.get("/", &Client::default()).await;
    assert!(
        home.body.contains("href=\"/services\""),
        "the home page links it"
    );
    let api = h.get("/api/v1/services", &Client::default()).await;
    assert_eq!(api.status, StatusCode::OK, "{}", api.body);
    let json: serde_json::Value = serde_json::from_str(&api.body).expect("json");
    let items = json["items"].as_array().expect("items");
    let codes: Vec<&str> = items.iter().filter_map(|i| i["code"].as_str()).collect();
    let wanted: Vec<&str> = entries.iter().map(|e| e.code.as_str()).collect();
    assert_eq!(codes, wanted);
    let withdrawal = items.iter().find(|i| i["code"] == "TQ01").expect("TQ01");
    assert_eq!(withdrawal["limit_days"], 3);
    assert_eq!(withdrawal["category"], "withdrawal");
    assert_eq!(
        withdrawal["channels"],
        serde_json::json!(["online", "counter"])
    );
}
