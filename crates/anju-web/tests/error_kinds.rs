//! One real request per kind of error through the in-process router: the
//! status the kind maps to, and the code in the problem body; and pages
//! answering with the same status and a Chinese message. `internal` (500)
//! has no honest request that reaches it here (it would take a broken store
//! or a corrupt row); `anju_web::error`'s unit tests check its status and that
//! its detail is not shown.

use anju_app::App;
use anju_app::access::{Actor, NewAccount};
use anju_app::policy::load_policy;
use anju_domain::access::{Channel, Role};
use anju_domain::collection::{ContributionRates, EmployerRegistration};
use anju_domain::ids::uscc_check_char;
use anju_domain::policy::{PolicySet, parse_policy};
use anju_domain::{Date, RatePpm};
use anju_store_sqlite::SqliteStore;
use anju_web::WebOptions;
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use std::sync::Arc;
use tower::ServiceExt;

const CALCULATE: &str = "/api/v1/loan/calculate?price_fen=125000000\
    &balances_fen=10000000&monthly_income_fen=3000000&months=360";

struct Harness {
    app: App,
    router: Router,
    _dir: tempfile::TempDir,
}

struct Reply {
    status: StatusCode,
    content_type: String,
    body: String,
}

impl Reply {
    fn code(&self) -> String {
        let json: serde_json::Value = serde_json::from_str(&self.body).expect("problem json");
        json["code"].as_str().unwrap_or_default().to_string()
    }
}

async fn harness(policy: PolicySet) -> Harness {
    let dir = tempfile::tempdir().expect("dir");
    let url = format!("sqlite://{}", dir.path().join("web.db").display());
    let store = SqliteStore::open(&url, "320500000000000")
        .await
        .expect("store");
    let app = App::new(Arc::new(store), policy);
    let options = WebOptions {
        secure_cookies: false,
        signin_per_minute: 1_000,
    };
    Harness {
        router: anju_web::router(app.clone(), options),
        app,
        _dir: dir,
    }
}

/// The built-in policy with every version moved 100 years ahead: no rule is
/// in force today, so nothing that needs one can be answered.
fn policy_not_yet_in_force() -> PolicySet {
    let text = include_str!("../../../policy/suzhou.toml")
        .replace("effective_from = \"20", "effective_from = \"21");
    parse_policy("future.toml", &text).expect("policy")
}

impl Harness {
    async fn send(&self, method: Method, path: &str, bearer: Option<&str>, body: &str) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::HOST, "anju.test")
            .header(header::CONTENT_TYPE, "application/json")
            .header("idempotency-key", format!("k-{}", body.len()));
        if let Some(token) = bearer {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let response = self
            .router
            .clone()
            .oneshot(request.body(Body::from(body.to_string())).expect("request"))
            .await
            .expect("response");
        let status = response.status();
        let content_type = response
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
            .to_string();
        let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
            .await
            .expect("body");
        Reply {
            status,
            content_type,
            body: String::from_utf8_lossy(&bytes).to_string(),
        }
    }

    /// The “一件事” platform's bearer token (a partner account).
    async fn platform(&self) -> String {
        let account = NewAccount {
            login: "yjs-platform".into(),
            display_name: "一件事平台".into(),
            role: Role::PartnerCentre,
            password: "anju2026pass".into(),
            member_id: None,
            employer_id: None,
            mobile: None,
            email: None,
            totp_secret: None,
        };
        let (_, token) = self
            .app
            .access()
            .create_account(account, today())
            .await
            .expect("account");
        format!("yjs-platform.{}", token.expect("partner token"))
    }

    /// An employer registered at the counter (not through the platform).
    async fn counter_employer(&self, uscc: &str) {
        let actor = Actor::anonymous(Channel::Counter, "t", "127.0.0.1");
        let rate = RatePpm::parse_percent("10").expect("rate");
        let rates = ContributionRates {
            employer: rate,
            member: rate,
        };
        let registration =
            EmployerRegistration::new(uscc, "示范科技", Some(15), rates).expect("reg");
        self.app
            .collection()
            .register_employer(&actor, &registration, today())
            .await
            .expect("register");
    }
}

fn today() -> Date {
    anju_app::clock::today_in_china()
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
    assert_eq!(reply.content_type, "application/problem+json");
    assert_eq!(reply.code(), code, "{}", reply.body);
}

#[tokio::test]
async fn invalid_is_422() {
    let h = harness(load_policy(None).expect("policy")).await;
    let platform = h.platform().await;
    let (_, wrong) = credit_codes();
    let path = "/api/v1/yjs/company-registered";
    let reply = h
        .send(Method::POST, path, Some(&platform), &registered(&wrong))
        .await;
    assert_problem(&reply, StatusCode::UNPROCESSABLE_ENTITY, "USCC_CHECKSUM");
}

#[tokio::test]
async fn not_found_is_404() {
    let h = harness(load_policy(None).expect("policy")).await;
    let platform = h.platform().await;
    let (never_registered, _) = credit_codes();
    let body = format!("{{\"message_id\":\"M9\",\"uscc\":\"{never_registered}\"}}");
    let path = "/api/v1/yjs/company-deregistered";
    let reply = h.send(Method::POST, path, Some(&platform), &body).await;
    assert_problem(&reply, StatusCode::NOT_FOUND, "EMPLOYER_NOT_FOUND");
}

#[tokio::test]
async fn unauthenticated_is_401() {
    let h = harness(load_policy(None).expect("policy")).await;
    let reply = h.send(Method::GET, "/api/v1/me", None, "").await;
    assert_problem(&reply, StatusCode::UNAUTHORIZED, "SIGNIN_REQUIRED");
}

#[tokio::test]
async fn forbidden_is_403_for_the_api_and_the_page() {
    let h = harness(load_policy(None).expect("policy")).await;
    let platform = h.platform().await;
    let reply = h
        .send(Method::GET, "/api/v1/audit", Some(&platform), "")
        .await;
    assert_problem(&reply, StatusCode::FORBIDDEN, "ROLE_FORBIDDEN");
    let page = h.send(Method::GET, "/staff", Some(&platform), "").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
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
    let platform = h.platform().await;
    let (uscc, _) = credit_codes();
    h.counter_employer(&uscc).await;
    let path = "/api/v1/yjs/company-registered";
    let reply = h
        .send(Method::POST, path, Some(&platform), &registered(&uscc))
        .await;
    assert_problem(&reply, StatusCode::CONFLICT, "EMPLOYER_EXISTS");
}

#[tokio::test]
async fn unavailable_is_503_for_the_api_and_the_page() {
    let h = harness(policy_not_yet_in_force()).await;
    let reply = h.send(Method::GET, CALCULATE, None, "").await;
    assert_problem(
        &reply,
        StatusCode::SERVICE_UNAVAILABLE,
        "POLICY_NOT_IN_FORCE",
    );
    let page = h.send(Method::GET, "/", None, "").await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(
        page.content_type.starts_with("text/html"),
        "{}",
        page.content_type
    );
    assert!(page.body.contains("没有生效的"), "{}", page.body);
    assert!(page.body.contains("服务暂不可用"), "{}", page.body);
}
