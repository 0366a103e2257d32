//! Pages whose use case fails answer with the status the error's kind gives
//! (`anju_web::error::status_of`) and the Chinese error page, not with 500:
//! no policy in force is 503, an account that is not there is 404. The
//! business date is pinned, so what is in force does not move with the
//! wall clock.

mod common;

use anju_app::clock::FixedClock;
use anju_app::policy::load_policy;
use anju_domain::access::Role;
use anju_domain::policy::{PolicySet, parse_policy};
use axum::http::StatusCode;
use common::{Client, Reply, Web, today};
use std::sync::Arc;

const MEMBER: &str = "320502199003071230";

/// `policy` over an empty database, on the tests' business date.
async fn harness(policy: PolicySet) -> Web {
    let dir = tempfile::tempdir().expect("dir");
    let app = common::open_app_with(&dir, policy)
        .await
        .with_clock(Arc::new(FixedClock(today())));
    Web::new(app, dir)
}

/// The built-in policy with every version moved 100 years ahead: on the
/// business date no rule is in force, which is what the policy depends on.
fn policy_not_yet_in_force() -> PolicySet {
    let text = include_str!("../../../policy/suzhou.toml")
        .replace("effective_from = \"20", "effective_from = \"21");
    parse_policy("future.toml", &text).expect("policy")
}

/// The HTML error page at `status`, saying `words`, with no stable code or
/// English in it for the person to puzzle over.
fn assert_error_page(reply: &Reply, status: StatusCode, title: &str, words: &str) {
    assert_eq!(reply.status, status, "{}", reply.body);
    assert!(
        reply.content_type().starts_with("text/html"),
        "{}",
        reply.content_type()
    );
    assert!(reply.body.contains(title), "{title}: {}", reply.body);
    assert!(reply.body.contains(words), "{words}: {}", reply.body);
    for hidden in ["_NOT_", "INTERNAL", "系统暂时无法处理"] {
        assert!(!reply.body.contains(hidden), "{hidden}: {}", reply.body);
    }
}

#[tokio::test]
async fn a_page_whose_policy_is_not_in_force_answers_503() {
    let h = harness(policy_not_yet_in_force()).await;
    let page = h.get("/withdrawal-rules", &Client::default()).await;
    assert_error_page(
        &page,
        StatusCode::SERVICE_UNAVAILABLE,
        "服务暂不可用",
        "2026-11-29 没有生效的",
    );
}

#[tokio::test]
async fn member_pages_without_a_member_account_answer_404() {
    let h = harness(load_policy(None).expect("policy")).await;
    // A member's sign-in that no member account is tied to (yet).
    let member = h.person(MEMBER, Role::Member, None).await;
    for path in [
        "/member/withdrawals",
        "/member/loans",
        "/member/interest",
        "/member/withdrawals/check?reason=07&amount=100",
    ] {
        let page = h.get(path, &member).await;
        assert_error_page(
            &page,
            StatusCode::NOT_FOUND,
            "页面不存在",
            "您的登录账号尚未关联个人账户",
        );
    }
}

#[tokio::test]
async fn an_employer_page_for_an_employer_not_registered_answers_404() {
    let h = harness(load_policy(None).expect("policy")).await;
    h.create_account(anju_app::access::NewAccount {
        employer_id: Some(424_242),
        ..common::account("agent-1", Role::EmployerAgent)
    })
    .await;
    let agent = h.sign_in("agent-1", Role::EmployerAgent).await;
    let page = h.get("/employer", &agent).await;
    assert_error_page(
        &page,
        StatusCode::NOT_FOUND,
        "页面不存在",
        "您的账号关联的缴存单位不存在",
    );
}
