//! 电子证明 over HTTP: a member issues a 缴存证明 and opens it (QR code,
//! file with its log proof, PDF); anyone opens the verification link and
//! sees it valid; another member cannot read it; a reviewer revokes it and
//! the link says revoked; a pasted file is checked; the log is published
//! and an auditor re-derives it from the console.

mod common;

use anju_app::App;
use anju_domain::access::Role;
use anju_domain::trust::certificate::CertificateFile;
use axum::http::{Method, StatusCode};
use common::{Client, Web, form_body};

const MEMBER: &str = "320502199003071230";

/// 王芳 (member 1) of a counter-registered employer with ¥50,000.00; the
/// harness and her client.
async fn member_with_balance() -> (Web, Client) {
    let dir = tempfile::tempdir().expect("dir");
    let app: App = common::open_app(&dir, common::today()).await;
    let base = "91320500123456789";
    let uscc = format!(
        "{base}{}",
        anju_domain::ids::uscc_check_char(base).expect("check")
    );
    let employer = common::counter_employer(&app, &uscc, "苏州示例有限公司").await;
    let record = anju_app::collection::MemberRecord::active(
        1,
        MEMBER,
        "王芳",
        employer,
        anju_domain::Fen::new(10_000_00),
        1,
    );
    common::take_over(&app, &[record], 400).await;
    app.ledger()
        .post_entry(common::contribution(
            common::today(),
            "seed-1",
            1,
            50_000_00,
        ))
        .await
        .expect("seed");
    let h = Web::new(app, dir);
    let member = h.person(MEMBER, Role::Member, Some(1)).await;
    (h, member)
}

fn status_of(html: &str) -> &str {
    html.split("data-status=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .unwrap_or("")
}

#[tokio::test]
async fn a_certificate_is_issued_verified_by_anyone_and_revoked() {
    let (h, member) = member_with_balance().await;
    let list = h.get("/member/certificates", &member).await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("开具缴存证明"), "{}", list.body);

    let issued = h
        .post_form(
            "/member/certificates",
            &member,
            &form_body(&[("kind", "contribution")]),
        )
        .await;
    assert_eq!(issued.status, StatusCode::SEE_OTHER, "{}", issued.body);
    let page_path = issued.location().to_string();
    let serial = page_path
        .strip_prefix("/certificates/")
        .expect("the certificate's page")
        .to_string();
    assert!(serial.starts_with("JC-"), "{serial}");

    let page = h.get(&page_path, &member).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(status_of(&page.body), "valid");
    assert!(
        page.body.contains("<svg") && page.body.contains("证明核验二维码"),
        "a QR code"
    );
    assert!(page.body.contains("账户余额：¥50,000.00"), "{}", page.body);
    assert!(page.body.contains(&format!("/verify/{serial}")));

    let file = h.get(&format!("{page_path}?format=file"), &member).await;
    assert_eq!(file.status, StatusCode::OK);
    let keys = h.app.keys().expect("keys").published().clone();
    let check = CertificateFile::parse(&file.body).check(&keys);
    assert!(check.valid() && check.logged == Some(true), "{check:?}");
    let pdf = h.get(&format!("{page_path}?format=pdf"), &member).await;
    assert_eq!(pdf.content_type(), "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF-"));

    // Not another member's; anyone with the link sees it valid.
    let other_id = anju_domain::ids::IdCardNo::complete("32050219850510031").expect("id");
    let other = h.person(other_id.as_str(), Role::Member, Some(2)).await;
    assert_eq!(
        h.get(&page_path, &other).await.status,
        StatusCode::NOT_FOUND
    );
    let anyone = Client::default();
    let verified = h.get(&format!("/verify/{serial}"), &anyone).await;
    assert_eq!(verified.status, StatusCode::OK);
    assert_eq!(status_of(&verified.body), "valid", "{}", verified.body);
    assert!(verified.body.contains("王芳"));
    let typed = h.get(&format!("/verify?serial={serial}"), &anyone).await;
    assert_eq!(status_of(&typed.body), "valid");
    let unknown = h.get("/verify/JC-20261207-0000000000000000", &anyone).await;
    assert_eq!(status_of(&unknown.body), "unknown");

    // A pasted file: checked offline against the published keys.
    let pasted = h
        .post_form("/verify", &anyone, &form_body(&[("file", &file.body)]))
        .await;
    assert!(
        pasted
            .body
            .contains("文件核验：签名有效，已记入本中心的可信日志"),
        "{}",
        pasted.body
    );
    let altered = file.body.replacen("¥50,000.00", "¥90,000.00", 1);
    let pasted = h
        .post_form("/verify", &anyone, &form_body(&[("file", &altered)]))
        .await;
    assert!(
        pasted.body.contains("文件核验：内容已被改动"),
        "{}",
        pasted.body
    );

    // Revoked by a reviewer, not by a clerk; the link then says so.
    let revoke = format!("/staff/certificates/{serial}/revoke");
    let clerk = h.person("clerk01", Role::Clerk, None).await;
    let refused = h
        .post_form(&revoke, &clerk, &form_body(&[("reason", "信息有误")]))
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let reviewer = h.person("reviewer01", Role::Reviewer, None).await;
    let done = h
        .post_form(&revoke, &reviewer, &form_body(&[("reason", "信息有误")]))
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(done.body.contains("已撤销"), "{}", done.body);
    let verified = h.get(&format!("/verify/{serial}"), &anyone).await;
    assert_eq!(status_of(&verified.body), "revoked");
    let api = h
        .get(&format!("/api/v1/certificates/{serial}"), &anyone)
        .await;
    let json: serde_json::Value = serde_json::from_str(&api.body).expect("json");
    assert_eq!(
        (json["status"].as_str(), json["revocation_reason"].as_str()),
        (Some("revoked"), Some("信息有误"))
    );

    // A refused issue writes nothing and says why.
    let refused = h
        .post_form(
            "/member/certificates",
            &member,
            &form_body(&[("kind", "remote_loan_use"), ("lending_centre", " ")]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("请填写贷款所在地公积金中心"));
    assert_eq!(
        h.app
            .trust()
            .member_certificates(1)
            .await
            .expect("list")
            .len(),
        1
    );
}

#[tokio::test]
async fn the_log_is_published_and_re_derived_on_the_console() {
    let (h, member) = member_with_balance().await;
    let api = h
        .send(
            Method::POST,
            "/api/v1/member/certificates",
            &member,
            r#"{"kind":"contribution"}"#,
            &[
                ("idempotency-key", "cert-1"),
                ("x-csrf-token", member.csrf.as_str()),
            ],
        )
        .await;
    assert_eq!(api.status, StatusCode::CREATED, "{}", api.body);
    let anyone = Client::default();
    let note = h.get("/.well-known/anju-log/checkpoint", &anyone).await;
    assert_eq!(note.status, StatusCode::OK);
    let lines: Vec<&str> = note.body.lines().collect();
    assert!(
        lines[0].starts_with("anju-log/") && lines[1].parse::<u64>().is_ok(),
        "{}",
        note.body
    );
    assert!(
        lines.iter().any(|l| l.starts_with("— ")),
        "a signature line"
    );
    let history = h.get("/api/v1/log/checkpoints", &anyone).await;
    let json: serde_json::Value = serde_json::from_str(&history.body).expect("json");
    let size = json["checkpoints"][0]["tree_size"].as_u64().expect("size");
    let proof = h
        .get(
            &format!("/api/v1/log/inclusion?index=0&size={size}"),
            &anyone,
        )
        .await;
    assert_eq!(proof.status, StatusCode::OK, "{}", proof.body);
    let bad = h.get("/api/v1/log/inclusion?index=x&size=1", &anyone).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.code(), "QUERY_INVALID");

    let clerk = h.person("clerk01", Role::Clerk, None).await;
    assert_eq!(
        h.get("/staff/log", &clerk).await.status,
        StatusCode::FORBIDDEN
    );
    let auditor = h.person("auditor01", Role::Auditor, None).await;
    let page = h.get("/staff/log", &auditor).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&size.to_string()));
    let checked = h.post_form("/staff/log/verify", &auditor, "").await;
    assert!(checked.body.contains("核验通过"), "{}", checked.body);
}

/// A member grants a bank her balance on the page; the bank reads it with
/// its token; the member sees the read, withdraws the grant, and the next
/// read is refused (and shown to her as refused).
#[tokio::test]
async fn a_member_grants_a_bank_reads_and_the_member_withdraws_it() {
    let (h, member) = member_with_balance().await;
    let account = anju_app::access::NewAccount {
        display_name: "建设银行苏州分行".into(),
        totp_secret: None,
        ..common::account("bank01", Role::PartnerCentre)
    };
    let token = h.create_account(account).await.expect("partner token");
    let bank = Client::bearer(&format!("bank01.{token}"));

    let page = h.get("/member/grants", &member).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("建设银行苏州分行"), "{}", page.body);
    let none = h
        .post_form(
            "/member/grants",
            &member,
            &form_body(&[("grantee", "bank01"), ("purpose", "房贷"), ("days", "30")]),
        )
        .await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        none.body.contains("请至少选择一项授权范围"),
        "{}",
        none.body
    );
    let granted = h
        .post_form(
            "/member/grants",
            &member,
            &form_body(&[
                ("grantee", "bank01"),
                ("scope", "balance"),
                ("scope", "loans"),
                ("purpose", "房贷审批"),
                ("days", "30"),
            ]),
        )
        .await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.body);
    let code = granted
        .body
        .split("授权码 ")
        .nth(1)
        .and_then(|rest| rest.split('（').next())
        .expect("the code")
        .to_string();

    let path = format!("/api/v1/partner/grants/{code}");
    let read = h.get(&path, &bank).await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);
    let json: serde_json::Value = serde_json::from_str(&read.body).expect("json");
    assert_eq!(json["balance_fen"], 50_000_00);
    assert_eq!(json["loans"]["active"], 0);
    assert!(json["contribution"].is_null(), "not granted");
    assert_eq!(
        h.get(&path, &member).await.status,
        StatusCode::FORBIDDEN,
        "a member is not a partner"
    );

    let page = h.get("/member/grants", &member).await;
    assert!(page.body.contains("已提供"), "{}", page.body);
    let revoked = h
        .post_form(&format!("/member/grants/{code}/revoke"), &member, "")
        .await;
    assert!(revoked.body.contains("已撤回"), "{}", revoked.body);
    let refused = h.get(&path, &bank).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(refused.code(), "GRANT_REVOKED");
    let page = h.get("/member/grants", &member).await;
    assert!(page.body.contains("已拒绝（授权已撤回）"), "{}", page.body);
}
