//! 合作方令牌 over HTTP: a manager issues the “一件事” platform a token for
//! its one scope on the staff page (the secret shown once); the token opens
//! an employer account but may not read member grants; a rotation keeps the
//! old token through its grace; a revoked token is refused; a clerk may not
//! issue, an auditor sees the list without the forms. Every route open to
//! partners names the scope it needs.

mod common;

use anju_app::access::NewAccount;
use anju_domain::access::duties::PARTNERS;
use anju_domain::access::{Role, TokenScope};
use anju_web::auth::Access;
use anju_web::routes::{partner_scope, table};
use axum::http::{Method, StatusCode};
use common::{Client, Web, form_body, today};

fn bearer_on(page: &str) -> String {
    let at = page.find("Bearer ").expect("the secret is shown") + "Bearer ".len();
    page[at..]
        .split('<')
        .next()
        .expect("bearer")
        .trim()
        .to_string()
}

fn uscc(body: &str) -> String {
    format!(
        "{body}{}",
        anju_domain::ids::uscc_check_char(body).expect("check")
    )
}

async fn open_company(h: &Web, bearer: &str, key: &str, body: &str) -> common::Reply {
    let message = format!(
        r#"{{"message_id":"{key}","uscc":"{}","name":"新办企业{key}","industry":"I"}}"#,
        uscc(body)
    );
    let platform = Client::bearer(bearer);
    let headers = [("idempotency-key", key)];
    let path = "/api/v1/yjs/company-registered";
    h.send(Method::POST, path, &platform, &message, &headers)
        .await
}

#[tokio::test]
async fn a_token_works_within_its_scopes_until_it_is_revoked() {
    let dir = tempfile::tempdir().expect("dir");
    let app = common::open_app(&dir, today()).await;
    let h = Web::new(app, dir);
    h.create_account(NewAccount {
        display_name: "苏州“一件事”平台".into(),
        ..common::account("yjs-platform", Role::PartnerCentre)
    })
    .await;
    let manager = h.person("manager01", Role::Manager, None).await;
    let clerk = h.person("clerk01", Role::Clerk, None).await;
    let auditor = h.person("auditor01", Role::Auditor, None).await;
    let expires = today().add_days(365).expect("day").to_string();
    let issue = form_body(&[
        ("partner", "yjs-platform"),
        ("scope", "yjs"),
        ("expires_on", &expires),
    ]);

    let refused = h.post_form("/staff/partners/tokens", &clerk, &issue).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let page = h
        .post_form("/staff/partners/tokens", &manager, &issue)
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let bearer = bearer_on(&page.body);
    assert!(bearer.starts_with("yjs-platform."), "{bearer}");

    let opened = open_company(&h, &bearer, "M1", "91320500MA1XYW456").await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    let grants = h
        .get("/api/v1/partner/grants/G-0000", &Client::bearer(&bearer))
        .await;
    assert_eq!(grants.status, StatusCode::FORBIDDEN, "{}", grants.body);
    assert_eq!(grants.code(), "TOKEN_SCOPE_FORBIDDEN");

    // Rotation with a week's grace: both work today; the list says so.
    let tokens = h
        .app
        .access()
        .partner_tokens(today())
        .await
        .expect("tokens");
    let issued = tokens
        .iter()
        .find(|t| t.token.scopes == [TokenScope::Yjs])
        .expect("the issued token")
        .token
        .token_id;
    let rotate = form_body(&[("grace_days", "7"), ("expires_on", &expires)]);
    let path = format!("/staff/partners/tokens/{issued}/rotate");
    let rotated = h.post_form(&path, &manager, &rotate).await;
    assert_eq!(rotated.status, StatusCode::OK, "{}", rotated.body);
    let successor = bearer_on(&rotated.body);
    assert_ne!(successor, bearer);
    let old = open_company(&h, &bearer, "M2", "91320500MA1XYW457").await;
    assert_eq!(
        old.status,
        StatusCode::CREATED,
        "in its grace: {}",
        old.body
    );
    assert!(rotated.body.contains("过渡期"), "{}", rotated.body);
    // The old secret leaked: revoked at once, its grace cut short.
    let path = format!("/staff/partners/tokens/{issued}/revoke");
    let leaked = form_body(&[("reason", "旧令牌泄露")]);
    let cut = h.post_form(&path, &manager, &leaked).await;
    assert!(cut.body.contains("已吊销"), "{}", cut.body);
    let old = open_company(&h, &bearer, "M4", "91320500MA1XYW459").await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "{}", old.body);
    let new = open_company(&h, &successor, "M5", "91320500MA1XYW460").await;
    assert_eq!(new.status, StatusCode::CREATED, "{}", new.body);

    // Revoked today: refused today.
    let successor_id = h
        .app
        .access()
        .partner_tokens(today())
        .await
        .expect("tokens")
        .iter()
        .map(|t| t.token.token_id)
        .max()
        .expect("successor");
    let path = format!("/staff/partners/tokens/{successor_id}/revoke");
    let no_reason = h.post_form(&path, &manager, "reason=").await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = form_body(&[("reason", "平台更换对接系统")]);
    let revoked = h.post_form(&path, &manager, &reason).await;
    assert!(revoked.body.contains("已吊销"), "{}", revoked.body);
    let gone = open_company(&h, &successor, "M3", "91320500MA1XYW458").await;
    assert_eq!(gone.status, StatusCode::UNAUTHORIZED, "{}", gone.body);

    // The auditor reads the list, with no forms.
    let listed = h.get("/staff/partners", &auditor).await;
    assert_eq!(listed.status, StatusCode::OK);
    assert!(listed.body.contains("平台更换对接系统"), "{}", listed.body);
    assert!(
        !listed.body.contains("/staff/partners/tokens\""),
        "no issue form"
    );
}

#[test]
fn every_route_open_to_partners_names_its_scope() {
    for (spec, _) in table() {
        let partners = matches!(spec.access, Access::Roles(roles)
            if roles.iter().any(|r| PARTNERS.contains(r)));
        if partners {
            assert!(
                partner_scope(spec.path).is_some(),
                "{} {} admits partners but names no token scope",
                spec.method,
                spec.path
            );
        }
    }
    assert_eq!(partner_scope("/api/v1/member/balance"), None);
}
