//! One real request per kind of error through the in-process router: the
//! status the kind maps to, and the code in the problem body; and pages
//! answering with the same status and a Chinese message. `internal` (500)
//! has no honest request that reaches it here (it would take a broken store
//! or a corrupt row); `anju_web::error`'s unit tests check its status and that
//! its detail is not shown.

mod common;

use anju_app::policy::load_policy;
use anju_domain::access::Role;
use anju_domain::ids::uscc_check_char;
use anju_domain::policy::{PolicySet, parse_policy};
use axum::http::{Method, StatusCode};
use common::{Client, Reply, Web};

const CALCULATE: &str = "/api/v1/loan/calculate?price_fen=125000000\
    &balances_fen=10000000&monthly_income_fen=3000000&months=360";

/// `policy` on the wall clock: what is in force is what today's date says.
async fn harness(policy: PolicySet) -> Web {
    let dir = tempfile::tempdir().expect("dir");
    let app = common::open_app_with(&dir, policy).await;
    Web::new(app, dir)
}

/// The built-in policy with every version moved 100 years ahead: no rule is
/// in force today, so nothing that needs one can be answered.
fn policy_not_yet_in_force() -> PolicySet {
    let text = include_str!("../../../policy/suzhou.toml")
        .replace("effective_from = \"20", "effective_from = \"21");
    parse_policy("future.toml", &text).expect("policy")
}

/// A JSON request as a partner (or nobody) sends it, with an idempotency
/// key, to the API or to a page.
async fn send(h: &Web, method: Method, path: &str, bearer: Option<&str>, body: &str) -> Reply {
    let client = bearer.map(Client::bearer).unwrap_or_default();
    let key = format!("k-{}", body.len());
    let headers = [
        ("content-type", "application/json"),
        ("idempotency-key", key.as_str()),
    ];
    h.send(method, path, &client, body, &headers).await
}

/// The “一件事” platform's bearer token (a partner account).
async fn platform(h: &Web) -> String {
    let account = anju_app::access::NewAccount {
        display_name: "一件事平台".into(),
        totp_secret: None,
        ..common::account("yjs-platform", Role::PartnerCentre)
    };
    let token = h.create_account(account).await;
    format!("yjs-platform.{}", token.expect("partner token"))
}

/// A valid credit code, and the same with a wrong check character.
fn credit_codes() -> (String, String) {
    let base = "91320500MA1XYW456";
    let check = uscc_check_char(base).expect("check");
    let wrong = if check == '0' { '1' } else { '0' };
    (format!("{base}{check}"), format!("{base}{wrong}"))
}

fn registered(uscc: &str) -> String {
    format!("{{\"message_id\":\"M-{uscc}\",\"uscc\":\"{uscc}\",\"name\":\"新办企业\"}}")
}

fn assert_problem(reply: &Reply, status: StatusCode, code: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert_eq!(reply.content_type(), "application/problem+json");
    assert_eq!(reply.code(), code, "{}", reply.body);
}

#[tokio::test]
async fn invalid_is_422() {
    let h = harness(load_policy(None).expect("policy")).await;
    let platform = platform(&h).await;
    let (_, wrong) = credit_codes();
    let path = "/api/v1/yjs/company-registered";
    let reply = send(&h, Method::POST, path, Some(&platform), &registered(&wrong)).await;
    assert_problem(&reply, StatusCode::UNPROCESSABLE_ENTITY, "USCC_CHECKSUM");
}

#[tokio::test]
async fn not_found_is_404() {
    let h = harness(load_policy(None).expect("policy")).await;
    let platform = platform(&h).await;
    let (never_registered, _) = credit_codes();
    let body = format!("{{\"message_id\":\"M9\",\"uscc\":\"{never_registered}\"}}");
    let path = "/api/v1/yjs/company-deregistered";
    let reply = send(&h, Method::POST, path, Some(&platform), &body).await;
    assert_problem(&reply, StatusCode::NOT_FOUND, "EMPLOYER_NOT_FOUND");
}

#[tokio::test]
async fn unauthenticated_is_401() {
    let h = harness(load_policy(None).expect("policy")).await;
    let reply = send(&h, Method::GET, "/api/v1/me", None, "").await;
    assert_problem(&reply, StatusCode::UNAUTHORIZED, "SIGNIN_REQUIRED");
}

#[tokio::test]
async fn forbidden_is_403_for_the_api_and_the_page() {
    let h = harness(load_policy(None).expect("policy")).await;
    let platform = platform(&h).await;
    let reply = send(&h, Method::GET, "/api/v1/audit", Some(&platform), "").await;
    assert_problem(&reply, StatusCode::FORBIDDEN, "ROLE_FORBIDDEN");
    let page = send(&h, Method::GET, "/staff", Some(&platform), "").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.content_type().starts_with("text/html"),
        "{}",
        page.content_type()
    );
    assert!(
        page.body.contains("您的角色无权访问此页面"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn conflict_is_409() {
    let h = harness(load_policy(None).expect("policy")).await;
    let platform = platform(&h).await;
    let (uscc, _) = credit_codes();
    common::counter_employer(&h.app, &uscc, "示范科技").await;
    let path = "/api/v1/yjs/company-registered";
    let reply = send(&h, Method::POST, path, Some(&platform), &registered(&uscc)).await;
    assert_problem(&reply, StatusCode::CONFLICT, "EMPLOYER_EXISTS");
}

#[tokio::test]
async fn unavailable_is_503_for_the_api_and_the_page() {
    let h = harness(policy_not_yet_in_force()).await;
    let reply = send(&h, Method::GET, CALCULATE, None, "").await;
    assert_problem(
        &reply,
        StatusCode::SERVICE_UNAVAILABLE,
        "POLICY_NOT_IN_FORCE",
    );
    let page = send(&h, Method::GET, "/", None, "").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.content_type().starts_with("text/html"),
        "{}",
        page.content_type()
    );
    assert!(page.body.contains("没有生效的"), "{}", page.body);
    assert!(page.body.contains("服务暂不可用"), "{}", page.body);
}
