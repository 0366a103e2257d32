//! The real router, in process, against a fresh SQLite database: sign-in,
//! the route × role matrix, CSRF, idempotency, maker-checker and the audit trail.

mod common;

use anju_domain::Coded;

use anju_app::App;
use anju_app::access::AuditQuery;
use anju_domain::access::{Role, base32_decode};
use anju_domain::ledger::{Line, MemberId};
use anju_domain::{Date, Fen};
use anju_web::auth::Access;
use anju_web::routes;
use axum::http::{Method, StatusCode, header};
use common::client::PASSWORD;
use common::{Client, Web, refused, today};
use std::collections::HashMap;

async fn harness() -> Web {
    let dir = tempfile::tempdir().expect("dir");
    let app = common::open_app(&dir, today()).await;
    Web::new(app, dir)
}

/// What only these tests need of the harness: an account per role, tied to
/// member 1 or employer 1 as the role is.
impl Web {
    async fn account(&self, login: &str, role: Role) -> Option<String> {
        self.create_account(anju_app::access::NewAccount {
            member_id: (role == Role::Member).then_some(1),
            employer_id: (role == Role::EmployerAgent).then_some(1),
            ..common::account(login, role)
        })
        .await
    }

    /// A signed-in client for every role (partner: bearer token).
    async fn clients(&self) -> HashMap<Role, Client> {
        let mut clients = HashMap::new();
        for &role in Role::ALL {
            let login = match role {
                Role::Member => "320502199003071230".to_string(),
                r => format!("{}-1", r.code()),
            };
            let token = self.account(&login, role).await;
            let client = match token {
                Some(token) => Client::bearer(&format!("{login}.{token}")),
                None => self.sign_in(&login, role).await,
            };
            clients.insert(role, client);
        }
        clients
    }
}

#[tokio::test]
async fn every_route_admits_exactly_its_declared_roles() {
    let h = harness().await;
    let clients = h.clients().await;
    let mut who: Vec<(Option<Role>, Client)> = vec![(None, Client::default())];
    who.extend(Role::ALL.iter().map(|r| (Some(*r), clients[r].clone())));
    let mut checked = 0;
    for (spec, _) in routes::table() {
        if spec.path == "/signout" {
            continue;
        }
        let path = spec.path.replace("{id}", "1");
        for (role, client) in &who {
            let mut extra: Vec<(&str, &str)> = vec![(anju_web::api::IDEMPOTENCY_HEADER, "matrix")];
            let csrf = client.csrf.clone();
            if client.cookie.is_some() {
                extra.push((anju_web::auth::CSRF_HEADER, &csrf));
            }
            let reply = h.send(spec.method.clone(), &path, client, "", &extra).await;
            let admitted = spec.access.admits(*role);
            assert_eq!(
                !refused(&reply),
                admitted,
                "{} {} as {:?}: {} {}",
                spec.method,
                spec.path,
                role,
                reply.status,
                reply.location()
            );
            checked += 1;
        }
    }
    for (role, client) in &who {
        let reply = h.post_form("/signout", client, "").await;
        let admitted = Access::SignedIn.admits(*role) && client.cookie.is_some();
        if client.bearer.is_none() {
            assert_eq!(!refused(&reply), admitted, "POST /signout as {role:?}");
        }
    }
    assert!(checked >= 27 * 10, "{checked}");
}

/// Text as askama escapes it into a page.
fn html_escaped(text: &str) -> String {
    askama::filters::escape(text, askama::filters::Html)
        .expect("escape")
        .to_string()
}

/// Every KPI a page names is the plan's (`plans/suzhou-14th.toml`): code,
/// name and target, so changing the plan changes the pages.
#[tokio::test]
async fn pages_name_kpis_and_targets_as_the_plan_states_them() {
    let h = harness().await;
    let clients = h.clients().await;
    let plan = h.app.fund().plan_catalogue();
    let collection = h.get("/staff/collection", &clients[&Role::Clerk]).await;
    let k05 = plan.get("K05").expect("K05");
    let start = collection.body.find("id=\"kpi-K05\"").expect("K05 row");
    let row = &collection.body[start..];
    let row = &row[..row.find("</tr>").expect("row end")];
    assert!(row.contains(&format!("<td>{}</td>", k05.name)), "{row}");
    assert!(
        row.contains(&format!("<td>{}</td>", html_escaped(&k05.target_text()))),
        "{row}"
    );
    let pages: [(Role, &str, &[&str]); 5] = [
        (
            Role::Clerk,
            "/staff/collection",
            &["K05", "K06", "K07", "K08"],
        ),
        (Role::Clerk, "/staff", &["K06"]),
        (Role::Clerk, "/staff/withdrawals", &["K10", "K11"]),
        (Role::RiskManager, "/staff/loans/overdue", &["K12", "K13"]),
        (Role::Manager, "/audit", &["K18"]),
    ];
    for (role, path, codes) in pages {
        let page = h.get(path, &clients[&role]).await;
        assert_eq!(page.status, StatusCode::OK, "{path}: {}", page.body);
        for code in codes {
            let def = plan.get(code).expect(code);
            for text in [def.id.clone(), def.name.clone(), def.target_text()] {
                assert!(
                    page.body.contains(&html_escaped(&text)),
                    "{path} lacks {code}'s “{text}”"
                );
            }
        }
    }
}

#[tokio::test]
async fn the_router_serves_nothing_outside_the_table() {
    let h = harness().await;
    let reply = h.get("/admin", &Client::default()).await;
    assert_eq!(reply.status, StatusCode::NOT_FOUND);
    assert!(reply.body.contains("页面不存在"));
    let api = h.get("/api/v1/nothing", &Client::default()).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.body.contains("\"code\":\"NOT_FOUND\""), "{}", api.body);
    let doc = anju_web::openapi_document();
    let documented: Vec<String> = doc["paths"]
        .as_object()
        .expect("paths")
        .keys()
        .cloned()
        .collect();
    let declared: Vec<String> = routes::table()
        .iter()
        .filter(|(s, _)| s.path.starts_with("/api/v1/"))
        .map(|(s, _)| s.path.to_string())
        .collect();
    for path in &declared {
        assert!(documented.contains(path), "{path} missing from OpenAPI");
    }
    let post = &doc["paths"]["/api/v1/reversal-requests"]["post"];
    assert_eq!(post["parameters"][0]["name"], "Idempotency-Key");
    let served = h.get("/api/openapi.json", &Client::default()).await;
    assert_eq!(served.status, StatusCode::OK);
    assert!(served.body.contains("\"openapi\":\"3.1.0\""));
}

#[tokio::test]
async fn pages_are_chinese_with_security_headers() {
    let h = harness().await;
    let home = h.get("/", &Client::default()).await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("<html lang=\"zh-CN\">") && home.body.contains("12329"));
    assert!(home.body.contains("存款年利率") && home.body.contains("1.50%"));
    for name in [
        "content-security-policy",
        "x-frame-options",
        "x-content-type-options",
        "x-request-id",
    ] {
        assert!(home.headers.contains_key(name), "{name}");
    }
    let signin = h.get("/signin?as=staff", &Client::default()).await;
    assert!(
        signin.body.contains("动态口令")
            && signin.body.contains("<label for=\"password\">密码</label>")
    );
    let health = h.get("/healthz", &Client::default()).await;
    assert_eq!(health.body, "ok");
    let ready = h.get("/readyz", &Client::default()).await;
    assert_eq!(ready.status, StatusCode::OK);
    let ready: serde_json::Value = serde_json::from_str(&ready.body).expect("json");
    assert_eq!(ready["status"], "ready");
    // The test app runs on the default simulators: readiness names them,
    // and every page carries the banner.
    let simulators = ready["simulators"].as_array().expect("simulators");
    for name in ["不动产登记", "民政登记", "银行代发", "短信"] {
        assert!(
            simulators.iter().any(|s| s == name),
            "{name}: {simulators:?}"
        );
    }
    assert!(
        signin
            .body
            .contains("演示环境：外部系统为模拟（不动产登记、"),
        "{}",
        signin.body
    );
    anju_web::install_metrics_for_tests();
    let _ = h.get("/healthz", &Client::default()).await;
    let metrics = h.get("/metrics", &Client::default()).await;
    assert!(
        metrics.body.contains("anju_http_requests_total"),
        "{}",
        metrics.body
    );
}

/// A mistyped 身份证号 is answered as a format error beside the form (422),
/// the page keeps the member door (`?as=member`) and the number typed.
#[tokio::test]
async fn a_mistyped_id_number_says_so_and_keeps_the_member_door() {
    let h = harness().await;
    h.account("320502199003071230", Role::Member).await;
    let typo = format!("door=member&login=320502199003071231&password={PASSWORD}&next=");
    let reply = h
        .send(
            Method::POST,
            "/signin?as=member",
            &Client::default(),
            &typo,
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        reply
            .body
            .contains("身份证号码校验位错误，请核对后重新输入")
            && !reply.body.contains("账号或密码错误")
            && !reply.body.contains("SIGNIN_ID_CARD_FORMAT")
            && reply.body.contains("action=\"/signin?as=member\"")
            && reply.body.contains("value=\"320502199003071231\""),
        "{}",
        reply.body
    );
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account() {
    let h = harness().await;
    h.account("320502199003071230", Role::Member).await;
    let bad = "door=member&login=320502199003071230&password=wrong-pass-9&next=";
    for _ in 0..4 {
        let reply = h
            .send(Method::POST, "/signin", &Client::default(), bad, &[])
            .await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        assert!(reply.body.contains("账号或密码错误"), "{}", reply.body);
    }
    let fifth = h
        .send(Method::POST, "/signin", &Client::default(), bad, &[])
        .await;
    assert!(fifth.body.contains("锁定"), "{}", fifth.body);
    let good = format!("door=member&login=320502199003071230&password={PASSWORD}&next=");
    let locked = h
        .send(Method::POST, "/signin", &Client::default(), &good, &[])
        .await;
    assert_eq!(locked.status, StatusCode::UNAUTHORIZED);
    assert!(locked.body.contains("锁定"));
    let rows = h
        .app
        .access()
        .search_audit(&AuditQuery {
            action: Some("signin".into()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(rows.len(), 6, "every attempt is in the audit trail");
}

async fn posted_entry(app: &App) -> i64 {
    app.ledger()
        .open_member_accounts(&[(MemberId(1), today())])
        .await
        .expect("open");
    let entry = common::entry(
        "C01",
        today(),
        "seed",
        "汇缴",
        vec![
            Line::debit("101", Fen::new(300_00)).for_employer(1),
            Line::credit("201", Fen::new(300_00)).for_member(MemberId(1)),
        ],
    );
    app.ledger()
        .post_entry(entry)
        .await
        .expect("post")
        .entry_id
        .0
}

#[tokio::test]
async fn csrf_is_required_for_cookie_posts() {
    let h = harness().await;
    let entry = posted_entry(&h.app).await;
    h.account("clerk-1", Role::Clerk).await;
    let clerk = h.sign_in("clerk-1", Role::Clerk).await;
    let form = format!("entry_id={entry}&reason=错账");
    let no_token = h
        .send(Method::POST, "/staff/reversal-requests", &clerk, &form, &[])
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    assert!(no_token.body.contains("页面已过期"), "{}", no_token.body);
    let forged = h
        .send(
            Method::POST,
            "/staff/reversal-requests",
            &clerk,
            &format!("_csrf=forged&{form}"),
            &[],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let cross = h
        .send(
            Method::POST,
            "/staff/reversal-requests",
            &clerk,
            &format!("_csrf={}&{form}", clerk.csrf),
            &[("origin", "https://evil.example")],
        )
        .await;
    assert_eq!(cross.status, StatusCode::FORBIDDEN);
    assert!(
        h.app
            .access()
            .pending_tasks(10)
            .await
            .expect("tasks")
            .is_empty(),
        "nothing was written"
    );
    let ok = h.post_form("/staff/reversal-requests", &clerk, &form).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        h.app.access().pending_tasks(10).await.expect("tasks").len(),
        1
    );
    // The queue names the clerk by name and role, not by login.
    assert!(
        ok.body.contains("经办：柜员甲（柜员）") && !ok.body.contains("经办：clerk-1"),
        "{}",
        ok.body
    );
}

#[tokio::test]
async fn api_posts_are_idempotent() {
    let h = harness().await;
    let entry = posted_entry(&h.app).await;
    h.account("clerk-1", Role::Clerk).await;
    let clerk = h.sign_in("clerk-1", Role::Clerk).await;
    let csrf = clerk.csrf.clone();
    let body = format!("{{\"entry_id\":{entry},\"reason\":\"录入错误\"}}");
    let headers = [
        ("idempotency-key", "key-1"),
        ("x-csrf-token", csrf.as_str()),
    ];
    let first = h
        .send(
            Method::POST,
            "/api/v1/reversal-requests",
            &clerk,
            &body,
            &headers,
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = h
        .send(
            Method::POST,
            "/api/v1/reversal-requests",
            &clerk,
            &body,
            &headers,
        )
        .await;
    assert_eq!(
        (again.status, again.body.as_str()),
        (StatusCode::CREATED, first.body.as_str())
    );
    assert_eq!(
        again
            .headers
            .get("idempotent-replayed")
            .map(|v| v.as_bytes()),
        Some(&b"true"[..])
    );
    let other = body.replace("录入错误", "另一个理由");
    let conflict = h
        .send(
            Method::POST,
            "/api/v1/reversal-requests",
            &clerk,
            &other,
            &headers,
        )
        .await;
    assert_eq!(conflict.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        conflict.body.contains("IDEMPOTENCY_CONFLICT"),
        "{}",
        conflict.body
    );
    assert_eq!(
        conflict
            .headers
            .get(header::CONTENT_TYPE)
            .map(|v| v.as_bytes()),
        Some(&b"application/problem+json"[..])
    );
    let missing = h
        .send(
            Method::POST,
            "/api/v1/reversal-requests",
            &clerk,
            &body,
            &[("x-csrf-token", csrf.as_str())],
        )
        .await;
    assert_eq!(missing.status, StatusCode::BAD_REQUEST);
    assert!(missing.body.contains("IDEMPOTENCY_KEY_REQUIRED"));
    assert_eq!(
        h.app.access().pending_tasks(10).await.expect("tasks").len(),
        1,
        "posted once"
    );
}

#[tokio::test]
async fn maker_checker_over_http_with_an_audit_row_per_action() {
    let h = harness().await;
    let entry = posted_entry(&h.app).await;
    h.account("manager-1", Role::Manager).await;
    h.account("reviewer-1", Role::Reviewer).await;
    let manager = h.sign_in("manager-1", Role::Manager).await;
    let reviewer = h.sign_in("reviewer-1", Role::Reviewer).await;
    let asked = h
        .post_form(
            "/staff/reversal-requests",
            &manager,
            &format!("entry_id={entry}&reason=重复入账"),
        )
        .await;
    assert!(asked.body.contains("已提交冲正申请"), "{}", asked.body);
    let task = h.app.access().pending_tasks(10).await.expect("tasks")[0].task_id;
    let own = h
        .post_form(
            &format!("/staff/tasks/{task}/decision"),
            &manager,
            "decision=approve&reason=",
        )
        .await;
    assert_eq!(own.status, StatusCode::FORBIDDEN);
    assert!(own.body.contains("不能审批本人经办的业务"), "{}", own.body);
    assert_eq!(
        h.app
            .ledger()
            .member_balance(MemberId(1))
            .await
            .expect("balance")
            .balance,
        Fen::new(300_00)
    );
    let approved = h
        .post_form(
            &format!("/staff/tasks/{task}/decision"),
            &reviewer,
            "decision=approve&reason=核实无误",
        )
        .await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    assert!(approved.body.contains("已批准"));
    assert_eq!(
        h.app
            .ledger()
            .member_balance(MemberId(1))
            .await
            .expect("balance")
            .balance,
        Fen::ZERO,
        "reversal posted"
    );
    let inbox = h.get("/inbox", &manager).await;
    assert!(inbox.body.contains("凭证冲正”已批准"), "{}", inbox.body);
    let trail = h
        .app
        .access()
        .search_audit(&AuditQuery {
            limit: 50,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    let actions: Vec<(&str, &str, &str)> = trail
        .iter()
        .rev()
        .map(|r| (r.action.as_str(), r.result.as_str(), r.channel.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("signin", "ok", "counter"),
            ("signin", "ok", "counter"),
            ("ledger.reversal.request", "ok", "counter"),
            ("task.approve", "MAKER_CHECKER_SELF", "counter"),
            ("task.approve", "ok", "counter"),
        ]
    );
    let auditor_view = h.get("/audit?action=task.approve", &reviewer).await;
    assert_eq!(
        auditor_view.status,
        StatusCode::FORBIDDEN,
        "reviewers do not read the audit trail"
    );
    let _ = base32_decode;
}

#[tokio::test]
async fn member_sees_the_ledger_and_partner_reads_the_api() {
    let h = harness().await;
    posted_entry(&h.app).await;
    h.account("320502199003071230", Role::Member).await;
    let member = h.sign_in("320502199003071230", Role::Member).await;
    let home = h.get("/member", &member).await;
    assert!(home.body.contains("¥300.00"), "{}", home.body);
    let api = h.get("/api/v1/member/balance", &member).await;
    assert!(api.body.contains("\"balance_fen\":30000"), "{}", api.body);
    let token = h
        .account("partner-1", Role::PartnerCentre)
        .await
        .expect("token");
    let partner = Client {
        bearer: Some(format!("partner-1.{token}")),
        ..Client::default()
    };
    let me = h.get("/api/v1/me", &partner).await;
    assert!(
        me.body.contains("\"role\":\"partner_centre\""),
        "{}",
        me.body
    );
    let wrong = Client {
        bearer: Some("partner-1.wrong".into()),
        ..Client::default()
    };
    assert_eq!(
        h.get("/api/v1/me", &wrong).await.status,
        StatusCode::UNAUTHORIZED
    );
    let signout = h.post_form("/signout", &member, "").await;
    assert_eq!(signout.location(), "/signin");
    assert!(
        refused(&h.get("/member", &member).await),
        "the cookie is worthless after sign-out"
    );
}

/// 账户明细: the member downloads a range as CSV and as PDF, and a bad range
/// gets a Chinese message instead of a file.
#[tokio::test]
async fn a_member_downloads_the_statement_as_csv_and_pdf() {
    let h = harness().await;
    posted_entry(&h.app).await;
    h.account("320502199003071230", Role::Member).await;
    let member = h.sign_in("320502199003071230", Role::Member).await;
    let from = today().add_days(-30).expect("from");
    let to = today();
    let query = format!("from={from}&to={to}");
    let csv = h
        .get(&format!("/member/statement.csv?{query}"), &member)
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(
        csv.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .expect("ascii")
            .contains("attachment")
    );
    let rows: Vec<&str> = csv.body.lines().collect();
    assert!(
        rows[0].starts_with('\u{feff}') && rows[0].contains("积数（元·天）"),
        "{}",
        rows[0]
    );
    assert_eq!(rows[1], format!("{from},期初余额,,,0.00,,"));
    let last_day = today().interest_year().last_day().expect("30 June");
    let days = today().days_until(last_day) + 1;
    let expected = format!(
        "{to},汇缴,汇缴,300.00,300.00,{days},{}",
        anju_domain::interest::yuan_days(30_000 * i128::from(days))
    );
    assert_eq!(rows[2], expected);
    let pdf = h
        .get(&format!("/member/statement.pdf?{query}"), &member)
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers[header::CONTENT_TYPE], "application/pdf");
    assert!(pdf.body.starts_with("%PDF-1.4"));
    let hex = |text: &str| {
        text.encode_utf16()
            .map(|u| format!("{u:04X}"))
            .collect::<String>()
    };
    assert!(pdf.body.contains(&hex("300.00")), "the amount is printed");
    let backwards = h
        .get(
            &format!("/member/statement.csv?from={to}&to={from}"),
            &member,
        )
        .await;
    assert_eq!(backwards.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        backwards.body.contains("起始日不能晚于截止日"),
        "{}",
        backwards.body
    );
    let garbage = h.get("/member/statement.pdf?from=x&to=y", &member).await;
    assert_eq!(garbage.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// 结息管理: finance starts the year's settlement from the console and
/// follows it to the end; a second start while it runs, or an open year, is
/// refused in Chinese.
#[tokio::test]
async fn finance_runs_the_settlement_from_the_console_and_sees_it_finish() {
    let h = harness().await;
    h.app
        .ledger()
        .open_member_accounts(&[(MemberId(1), Date::parse("2024-06-01").expect("d"))])
        .await
        .expect("open");
    let deposit = common::contribution(
        Date::parse("2024-07-10").expect("d"),
        "deposit",
        1,
        36_000_00,
    );
    h.app.ledger().post_entry(deposit).await.expect("post");
    h.account("fin-1", Role::Finance).await;
    let finance = h.sign_in("fin-1", Role::Finance).await;
    let page = h.get("/staff/interest", &finance).await;
    assert!(page.body.contains("开始结息（共 1 户）"), "{}", page.body);
    let open_year = h
        .post_form(
            "/staff/interest/settle",
            &finance,
            "year=2025&date=2025-06-30",
        )
        .await;
    assert_eq!(open_year.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(open_year.body.contains("尚未结束"), "{}", open_year.body);
    let started = h
        .post_form(
            "/staff/interest/settle",
            &finance,
            "year=2025&date=2025-07-01",
        )
        .await;
    assert_eq!(started.location(), "/staff/interest");
    let mut fragment = String::new();
    for _ in 0..100 {
        fragment = h.get("/staff/interest/progress", &finance).await.body;
        if !fragment.contains("hx-trigger") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    // ¥36,000 held 2024-07-10 … 2025-06-30: 356 days × 1.5% / 360 = ¥534.00.
    assert!(
        fragment.contains("结息完成：1 户，入账 1 户，利息 ¥534.00"),
        "{fragment}"
    );
    assert!(fragment.contains("value=\"100\""), "{fragment}");
    let page = h.get("/staff/interest", &finance).await;
    assert!(
        page.body.contains("2024-07-01 至 2025-06-30"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("未完成"),
        "the run is recorded as finished"
    );
}

/// A multipart body of text fields and (name, file name, bytes) files.
fn multipart(fields: &[(&str, &str)], files: &[(&str, &str, &str)]) -> String {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--b\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    for (name, file_name, content) in files {
        body.push_str(&format!(
            "--b\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n{content}\r\n"
        ));
    }
    body.push_str("--b--\r\n");
    body
}

/// 提取 over HTTP: the live check, a year's rent applied for online, the
/// clerk's review, the reviewer's approval, the payout; a purchase with its
/// contract, which the reviewer can open.
#[tokio::test]
async fn a_member_applies_and_two_staff_review_and_the_money_is_paid() {
    let h = harness().await;
    let member_record = common::member_record(1, "320502199003071230", "王芳");
    common::take_over(&h.app, &[member_record], 400).await;
    let seed = common::contribution(today().add_days(-30).expect("d"), "seed", 1, 50_000_00);
    h.app.ledger().post_entry(seed).await.expect("post");
    h.account("320502199003071230", Role::Member).await;
    h.account("clerk-1", Role::Clerk).await;
    h.account("reviewer-1", Role::Reviewer).await;
    let member = h.sign_in("320502199003071230", Role::Member).await;
    let page = h.get("/member/withdrawals", &member).await;
    assert!(
        page.body.contains("申请提取") && page.body.contains("07 租房"),
        "{}",
        page.body
    );
    let over = h
        .get(
            "/member/withdrawals/check?reason=07&amount=1500.01&months=1",
            &member,
        )
        .await;
    assert!(
        over.body.contains("超出") && over.body.contains("¥1,500.00"),
        "{}",
        over.body
    );
    let fine = h
        .get(
            "/member/withdrawals/check?reason=07&amount=1500.00&months=1",
            &member,
        )
        .await;
    assert!(fine.body.contains("符合条件"), "{}", fine.body);
    // The API first: eligibility, and an idempotent application of ¥1.00.
    let answer = h
        .get(
            "/api/v1/member/withdrawals/eligibility?reason=13&amount_fen=100",
            &member,
        )
        .await;
    assert!(
        answer.body.contains("\"code\":\"NOT_FLEXIBLE_WORKER\""),
        "{}",
        answer.body
    );
    let body = r#"{"reason":"13","amount_fen":100,"bank_card":"62220201000041234"}"#;
    let headers = [
        ("idempotency-key", "api-1"),
        ("x-csrf-token", member.csrf.as_str()),
    ];
    let refused = h
        .send(
            Method::POST,
            "/api/v1/member/withdrawals",
            &member,
            body,
            &headers,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    let body = r#"{"reason":"07","amount_fen":100,"months":1,"bank_card":"62220201000041234"}"#;
    let headers = [
        ("idempotency-key", "api-2"),
        ("x-csrf-token", member.csrf.as_str()),
    ];
    let first = h
        .send(
            Method::POST,
            "/api/v1/member/withdrawals",
            &member,
            body,
            &headers,
        )
        .await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let again = h
        .send(
            Method::POST,
            "/api/v1/member/withdrawals",
            &member,
            body,
            &headers,
        )
        .await;
    assert_eq!(
        (again.status, again.body.as_str()),
        (StatusCode::CREATED, first.body.as_str())
    );
    let other = r#"{"reason":"07","amount_fen":200,"months":1,"bank_card":"62220201000041234"}"#;
    let conflict = h
        .send(
            Method::POST,
            "/api/v1/member/withdrawals",
            &member,
            other,
            &headers,
        )
        .await;
    assert!(
        conflict.body.contains("IDEMPOTENCY_CONFLICT"),
        "{}",
        conflict.body
    );
    let content_type = [("content-type", "multipart/form-data; boundary=b")];
    let form = |key: &str, amount: &str| {
        multipart(
            &[
                ("_csrf", member.csrf.as_str()),
                ("request_key", key),
                ("reason", "07"),
                ("amount", amount),
                ("months", "12"),
                ("bank_card", "62220201000041234"),
            ],
            &[],
        )
    };
    let refused = h
        .send(
            Method::POST,
            "/member/withdrawals",
            &member,
            &form("k0", "17999.01"),
            &content_type,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("超出"), "{}", refused.body);
    // Three mistakes in one submission: each named beside its field.
    let typos = multipart(
        &[
            ("_csrf", member.csrf.as_str()),
            ("request_key", "k-typos"),
            ("reason", "07"),
            ("amount", "12,000"),
            ("months", "one"),
            ("bank_card", "62220201000041235"),
        ],
        &[],
    );
    let refused = h
        .send(
            Method::POST,
            "/member/withdrawals",
            &member,
            &typos,
            &content_type,
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("请更正以下 3 项"), "{}", refused.body);
    for field in ["amount", "months", "bank_card"] {
        let beside = format!("id=\"{field}-error\"");
        assert!(refused.body.contains(&beside), "{field}: {}", refused.body);
    }
    let applied = h
        .send(
            Method::POST,
            "/member/withdrawals",
            &member,
            &form("k1", "17999.00"),
            &content_type,
        )
        .await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    assert!(
        applied.body.contains("申请已提交") && applied.body.contains("复核"),
        "{}",
        applied.body
    );
    let id = h.app.withdrawals().withdrawals_of(1).await.expect("list")[0].withdrawal_id;
    let clerk = h.sign_in("clerk-1", Role::Clerk).await;
    let queue = h.get("/staff/withdrawals", &clerk).await;
    assert!(
        queue.body.contains(&format!("申请 {id}")) && queue.body.contains("王*"),
        "{}",
        queue.body
    );
    let prepared = h
        .post_form(
            &format!("/staff/withdrawals/{id}/prepare"),
            &clerk,
            "note=核对无误",
        )
        .await;
    assert!(prepared.body.contains("待复核"), "{}", prepared.body);
    let reviewer = h.sign_in("reviewer-1", Role::Reviewer).await;
    let approved = h
        .post_form(
            &format!("/staff/withdrawals/{id}/approve"),
            &reviewer,
            "note=同意",
        )
        .await;
    assert!(approved.body.contains("已到账"), "{}", approved.body);
    assert!(approved.body.contains("K11"), "{}", approved.body);
    let mine = h.get("/member/withdrawals", &member).await;
    assert!(mine.body.contains("已到账"), "{}", mine.body);
    let inbox = h.get("/inbox", &member).await;
    assert!(
        inbox.body.contains("提取款已付至您的银行卡"),
        "{}",
        inbox.body
    );
    let api = h.get("/api/v1/member/balance", &member).await;
    // ¥50,000 less the ¥17,999 paid; the API's ¥1.00 still awaits review.
    assert!(api.body.contains("\"balance_fen\":3200100"), "{}", api.body);
    // A purchase with its two documents; the reviewer opens the contract.
    let purchase = multipart(
        &[
            ("_csrf", member.csrf.as_str()),
            ("request_key", "k2"),
            ("reason", "01"),
            ("amount", "5000.00"),
            ("evidence_no", "SZ-2026-9"),
            (
                "evidence_date",
                &today().add_days(-10).expect("d").to_string(),
            ),
            ("evidence_amount", "300000.00"),
            ("bank_card", "62220201000041234"),
            ("doc_type_1", "购房合同"),
            ("doc_type_2", "购房发票或完税凭证"),
        ],
        &[
            ("file_1", "contract.pdf", "%PDF-1.4 contract"),
            ("file_2", "invoice.pdf", "%PDF-1.4 invoice"),
        ],
    );
    let applied = h
        .send(
            Method::POST,
            "/member/withdrawals",
            &member,
            &purchase,
            &content_type,
        )
        .await;
    assert_eq!(applied.status, StatusCode::OK, "{}", applied.body);
    let id = h.app.withdrawals().withdrawals_of(1).await.expect("list")[0].withdrawal_id;
    // The queue lists each application's documents beside it.
    let queue = h.get("/staff/withdrawals", &clerk).await;
    for link in [
        format!("href=\"/staff/withdrawals/{id}/documents/1\">购房合同（contract.pdf）</a>"),
        format!(
            "href=\"/staff/withdrawals/{id}/documents/2\">购房发票或完税凭证（invoice.pdf）</a>"
        ),
    ] {
        assert!(queue.body.contains(&link), "{link}: {}", queue.body);
    }
    let doc = h
        .get(&format!("/staff/withdrawals/{id}/documents/1"), &reviewer)
        .await;
    assert_eq!(doc.headers[header::CONTENT_TYPE], "application/pdf");
    assert_eq!(doc.body, "%PDF-1.4 contract");
    let list = h.get("/api/v1/member/withdrawals", &member).await;
    assert_eq!(
        list.body.matches("\"withdrawal_id\"").count(),
        3,
        "{}",
        list.body
    );
    let signed = h
        .post_form(
            "/member/repayment-agreement",
            &member,
            "kind=commercial&lender=%E5%B7%A5%E8%A1%8C&loan_contract_no=GH-1&monthly=3000.00&pay_day=20&bank_card=62220201000041234&ends_on=2046-10-31",
        )
        .await;
    assert!(
        signed.body.contains("已签订委托提取还贷协议"),
        "{}",
        signed.body
    );
    let page = h.get("/member/withdrawals", &member).await;
    assert!(page.body.contains("20 日提取 ¥3,000.00"), "{}", page.body);
    let ended = h
        .post_form("/member/repayment-agreement/end", &member, "")
        .await;
    assert!(ended.body.contains("协议已终止"), "{}", ended.body);
    // The reviewer lists the member; their next check is refused with why.
    let listed = h
        .post_form(
            "/staff/withdrawals/blacklist",
            &reviewer,
            "id_card=320502199003071230&reason=%E9%AA%97%E6%8F%90&source=X-1&expires_on=2099-01-01",
        )
        .await;
    assert!(
        listed.body.contains("已列入提取失信名单"),
        "{}",
        listed.body
    );
    let check = h
        .get(
            "/member/withdrawals/check?reason=07&amount=1.00&months=1",
            &member,
        )
        .await;
    assert!(check.body.contains("已列入提取失信名单"), "{}", check.body);
    let rules = h.get("/withdrawal-rules", &Client::default()).await;
    assert!(
        rules.body.contains("租房月限额") && rules.body.contains("¥10,000.00"),
        "{}",
        rules.body
    );
}

impl Web {
    /// Registers an employer (10% + 10%) with a signed-up agent; returns its id.
    async fn employer_with_agent(&self, uscc: &str, name: &str, agent_login: &str) -> i64 {
        let employer_id = common::counter_employer(&self.app, uscc, name).await;
        self.create_account(anju_app::access::NewAccount {
            display_name: "经办人".into(),
            employer_id: Some(employer_id),
            totp_secret: None,
            ..common::account(agent_login, Role::EmployerAgent)
        })
        .await;
        employer_id
    }
}

#[tokio::test]
async fn an_agent_adds_staff_bills_the_month_and_pays_and_the_member_sees_it() {
    let h = harness().await;
    let employer_id = h
        .employer_with_agent("91350100M000100Y43", "示范科技", "agent-1")
        .await;
    let other_code = format!(
        "91320500MA1XYW123{}",
        anju_domain::ids::uscc_check_char("91320500MA1XYW123").expect("check")
    );
    h.employer_with_agent(&other_code, "别家公司", "agent-2")
        .await;
    let agent = h.sign_in("agent-1", Role::EmployerAgent).await;
    let bad = h
        .post_form(
            "/employer/members",
            &agent,
            "id_card=320502199003071231&name=张伟&wage=8000",
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("校验位"), "{}", bad.body);
    // Every field refused at once, each beside its field, the typing kept.
    let worse = h
        .post_form(
            "/employer/members",
            &agent,
            "id_card=320502199003071231&name=&wage=8,000",
        )
        .await;
    assert_eq!(worse.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(worse.body.contains("请更正以下 3 项"), "{}", worse.body);
    for field in ["id_card", "name", "wage"] {
        let beside = format!("id=\"{field}-error\"");
        assert!(worse.body.contains(&beside), "{field}: {}", worse.body);
    }
    assert!(worse.body.contains("value=\"320502199003071231\""));
    let added = h
        .post_form(
            "/employer/members",
            &agent,
            "id_card=320502199003071230&name=张伟&wage=8000.00",
        )
        .await;
    assert!(
        added.body.contains("已为 张伟 开立住房公积金账户"),
        "{}",
        added.body
    );
    let billed = h
        .post_form("/employer/bills", &agent, "period=202611")
        .await;
    assert!(billed.body.contains("应缴 ¥1,600.00"), "{}", billed.body);
    let again = h
        .post_form("/employer/bills", &agent, "period=202611")
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let bill_id = h
        .app
        .collection()
        .bills_of(employer_id, 5)
        .await
        .expect("bills")[0]
        .bill_id;
    let intruder = h.sign_in("agent-2", Role::EmployerAgent).await;
    let refused = h
        .post_form(
            &format!("/employer/bills/{bill_id}/payment"),
            &intruder,
            "channel=bank",
        )
        .await;
    assert!(
        refused.body.contains("只能办理本单位的业务"),
        "{}",
        refused.body
    );
    let paid = h
        .post_form(
            &format!("/employer/bills/{bill_id}/payment"),
            &agent,
            "channel=ecny",
        )
        .await;
    assert!(paid.body.contains("汇缴已入账"), "{}", paid.body);
    let wrong_name = "id_card=320502199003071230&name=李四&mobile=13812345678&password=anju2026abc";
    let refused = h
        .send(
            Method::POST,
            "/register",
            &Client::default(),
            wrong_name,
            &[],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Four mistakes at once are four messages, each beside its field.
    let typos = "id_card=320502199003071231&name=&mobile=1381234&password=short";
    let refused = h
        .send(Method::POST, "/register", &Client::default(), typos, &[])
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("请更正以下 4 项"), "{}", refused.body);
    for field in ["id_card", "name", "mobile", "password"] {
        let beside = format!("id=\"{field}-error\"");
        assert!(refused.body.contains(&beside), "{field}: {}", refused.body);
    }
    let form = "id_card=320502199003071230&name=张伟&mobile=13812345678&password=anju2026pass";
    let registered = h
        .send(Method::POST, "/register", &Client::default(), form, &[])
        .await;
    assert_eq!(
        registered.status,
        StatusCode::SEE_OTHER,
        "{}",
        registered.body
    );
    let member = h.sign_in("320502199003071230", Role::Member).await;
    let home = h.get("/member", &member).await;
    assert!(home.body.contains("¥1,600.00"), "{}", home.body);
    assert!(
        home.body
            .contains("¥1,600.00（单位 ¥800.00 + 个人 ¥800.00，缴存基数 ¥8,000.00）"),
        "the monthly contribution, both parts: {}",
        home.body
    );
    let member_id = h
        .app
        .collection()
        .member_by_id_card("320502199003071230")
        .await
        .expect("read")
        .expect("enrolled")
        .member_id;
    let foreign = h
        .post_form(
            &format!("/employer/members/{member_id}/seal"),
            &intruder,
            "",
        )
        .await;
    assert!(
        foreign.body.contains("只能办理本单位的业务"),
        "{}",
        foreign.body
    );
    let sealed = h
        .post_form(&format!("/employer/members/{member_id}/seal"), &agent, "")
        .await;
    assert!(
        sealed.body.contains("已为 张伟 办理减员"),
        "{}",
        sealed.body
    );
    assert!(
        h.app
            .collection()
            .active_members(employer_id)
            .await
            .expect("roster")
            .is_empty()
    );
}

#[tokio::test]
async fn a_bad_roster_upload_names_rows_and_columns_and_writes_nothing() {
    let h = harness().await;
    let employer_id = h
        .employer_with_agent("91350100M000100Y43", "示范科技", "agent-1")
        .await;
    let agent = h.sign_in("agent-1", Role::EmployerAgent).await;
    let file = "身份证号,姓名,月工资,单位比例,个人比例\n320502199001020018,甲,8000,12,12\n320502199001030013,乙,9000,,\n11010519491231002X,丙,10000.50,10,10\n320502199003071230,丁,6000,5,5\n320502199001040019,戊,7000,8,8\n320502199001050011,己,7000,8,8\n32050219900106001X,庚,7000,8,8\n320502199001070015,辛,7000,13,8\n";
    let upload = |csrf: &str, take_valid: bool| {
        let boundary = "anjuboundary";
        let mut body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n"
        );
        if take_valid {
            body.push_str(&format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"take_valid\"\r\n\r\n1\r\n"
            ));
        }
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"roster.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--{boundary}--\r\n"
        ));
        body
    };
    let content_type = [("content-type", "multipart/form-data; boundary=anjuboundary")];
    let forged = h
        .send(
            Method::POST,
            "/employer/members/import",
            &agent,
            &upload("forged", false),
            &content_type,
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let refused = h
        .send(
            Method::POST,
            "/employer/members/import",
            &agent,
            &upload(&agent.csrf, false),
            &content_type,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("<td>7</td><td>身份证号</td>"),
        "{}",
        refused.body
    );
    assert!(
        refused.body.contains("<td>9</td><td>单位比例</td>"),
        "{}",
        refused.body
    );
    assert!(
        h.app
            .collection()
            .active_members(employer_id)
            .await
            .expect("roster")
            .is_empty(),
        "nothing written"
    );
    let taken = h
        .send(
            Method::POST,
            "/employer/members/import",
            &agent,
            &upload(&agent.csrf, true),
            &content_type,
        )
        .await;
    assert!(
        taken.body.contains("已增加 6 名职工；2 处问题未导入"),
        "{}",
        taken.body
    );
    assert_eq!(
        h.app
            .collection()
            .active_members(employer_id)
            .await
            .expect("roster")
            .len(),
        6
    );
}

#[tokio::test]
async fn casework_through_the_pages_and_the_registration_messages() {
    let h = harness().await;
    let employer_id = h
        .employer_with_agent("91350100M000100Y43", "示范科技", "agent-1")
        .await;
    let agent = h.sign_in("agent-1", Role::EmployerAgent).await;
    h.post_form(
        "/employer/members",
        &agent,
        "id_card=320502199003071230&name=张伟&wage=8000.00",
    )
    .await;
    let member = h
        .app
        .collection()
        .member_by_id_card("320502199003071230")
        .await
        .expect("read")
        .expect("enrolled");
    // A past month, paid, then topped up: 1,000 more base × 20% = 200.00.
    h.post_form("/employer/bills", &agent, "period=202609")
        .await;
    let bill_id = h
        .app
        .collection()
        .bills_of(employer_id, 5)
        .await
        .expect("bills")[0]
        .bill_id;
    h.post_form(
        &format!("/employer/bills/{bill_id}/payment"),
        &agent,
        "channel=bank",
    )
    .await;
    let back = h
        .post_form(
            "/employer/back-payments",
            &agent,
            &format!(
                "period=202609&member_id={}&wage=9000&reason=基数申报偏低",
                member.member_id
            ),
        )
        .await;
    assert!(
        back.body.contains("补缴清册，应缴 ¥200.00"),
        "{}",
        back.body
    );
    let detail = h.get(&format!("/employer/bills/{bill_id}"), &agent).await;
    assert!(detail.body.contains("202609 汇缴清册"), "{}", detail.body);
    assert!(detail.body.contains("<td>张伟</td>"), "{}", detail.body);
    assert!(
        !detail.body.contains("320502199003071230"),
        "ID numbers are masked"
    );
    assert!(
        detail.body.contains("¥800.00"),
        "each side: {}",
        detail.body
    );
    assert!(detail.body.contains("上月无汇缴清册"), "{}", detail.body);
    let missing = h
        .get(&format!("/employer/bills/{}", bill_id + 999), &agent)
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    let no_reason = h
        .post_form(
            "/employer/back-payments",
            &agent,
            &format!(
                "period=202609&member_id={}&wage=9500&reason=",
                member.member_id
            ),
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Month, wage and reason all wrong: each named beside its field, the
    // typing kept and the member still chosen.
    let all_wrong = h
        .post_form(
            "/employer/back-payments",
            &agent,
            &format!(
                "period=2026-9&member_id={}&wage=9,500&reason=",
                member.member_id
            ),
        )
        .await;
    assert_eq!(all_wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        all_wrong.body.contains("请更正以下 3 项"),
        "{}",
        all_wrong.body
    );
    for field in ["bp-period", "bp-wage", "bp-reason"] {
        let beside = format!("id=\"{field}-error\"");
        assert!(
            all_wrong.body.contains(&beside),
            "{field}: {}",
            all_wrong.body
        );
    }
    let chosen = format!("<option value=\"{}\" selected>", member.member_id);
    assert!(
        all_wrong.body.contains("value=\"9,500\"") && all_wrong.body.contains(&chosen),
        "{}",
        all_wrong.body
    );
    let home = h.get("/employer", &agent).await;
    let title = home
        .body
        .split("<title>")
        .nth(1)
        .and_then(|t| t.split("</title>").next())
        .unwrap_or_default();
    assert!(
        !title.contains('<') && title.chars().count() < 40,
        "the title is a title: {title}"
    );
    let main = home.body.split("<main").nth(1).unwrap_or_default();
    for section in ["id=\"backpay-h\"", "id=\"bases-h\"", "id=\"relief-h\""] {
        assert!(main.contains(section), "{section} is on the page");
    }
    let filed = h
        .post_form(
            "/employer/bases",
            &agent,
            &format!("wage_{}=9500.00", member.member_id),
        )
        .await;
    assert!(
        filed.body.contains("年度缴存基数已申报（1 人）"),
        "{}",
        filed.body
    );
    let relief = h
        .post_form(
            "/employer/reliefs",
            &agent,
            "kind=deferral&from=209901&to=209906&reason=经营困难&consent=职代会决议1号",
        )
        .await;
    assert!(relief.body.contains("缓缴申请已提交"), "{}", relief.body);

    h.account("clerk-1", Role::Clerk).await;
    let clerk = h.sign_in("clerk-1", Role::Clerk).await;
    let found = h.get("/staff/collection?q=张伟", &clerk).await;
    let masked = anju_domain::ids::IdCardNo::parse("320502199003071230")
        .expect("id")
        .masked();
    assert!(found.body.contains(&masked), "{}", found.body);
    assert!(found.body.contains("张*"), "{}", found.body);
    assert!(
        !found.body.contains("320502199003071230"),
        "the full ID number never reaches the page"
    );
    assert!(
        found.body.contains("100.00%（1 / 1）"),
        "K05: the one employer filed: {}",
        found.body
    );
    let frozen = h
        .post_form(
            &format!("/staff/members/{}/freeze", member.member_id),
            &clerk,
            "action=freeze&reason=（2026）苏0508执1号",
        )
        .await;
    assert!(frozen.body.contains("“冻结”"), "{}", frozen.body);
    // The full identity only when a counter role asks, and audited.
    let file = format!("/staff/members/{}", member.member_id);
    let masked_file = h.get(&file, &clerk).await;
    assert!(
        masked_file.body.contains("查看完整身份信息"),
        "{}",
        masked_file.body
    );
    assert!(!masked_file.body.contains("320502199003071230"));
    let shown = h.post_form(&format!("{file}/reveal"), &clerk, "").await;
    assert_eq!(shown.status, StatusCode::OK, "{}", shown.body);
    assert!(
        shown.body.contains("320502199003071230") && shown.body.contains("张伟"),
        "{}",
        shown.body
    );
    let reveals = h
        .app
        .access()
        .search_audit(&AuditQuery {
            action: Some("member.reveal".to_string()),
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(reveals.len(), 1, "each full view is audited");
    assert_eq!(reveals[0].target, format!("member:{}", member.member_id));
    h.account("finance-1", Role::Finance).await;
    let finance = h.sign_in("finance-1", Role::Finance).await;
    let refused = h.post_form(&format!("{file}/reveal"), &finance, "").await;
    assert_eq!(
        refused.status,
        StatusCode::FORBIDDEN,
        "finance sees masked only"
    );
    let queue = h.get("/staff", &clerk).await;
    assert!(queue.body.contains("缓缴/降比例申请"), "{}", queue.body);

    let token = h
        .account("yjs-platform", Role::PartnerCentre)
        .await
        .expect("token");
    let platform = Client {
        bearer: Some(format!("yjs-platform.{token}")),
        ..Client::default()
    };
    let code = format!(
        "91320500MA1XYW456{}",
        anju_domain::ids::uscc_check_char("91320500MA1XYW456").expect("check")
    );
    let body = format!(
        "{{\"message_id\":\"M1\",\"uscc\":\"{code}\",\"name\":\"新办企业\",\"industry\":\"I\"}}"
    );
    let send = |key: &'static str, path: &'static str, body: String| {
        let platform = platform.clone();
        let h = &h;
        async move {
            h.send(
                Method::POST,
                path,
                &platform,
                &body,
                &[("idempotency-key", key)],
            )
            .await
        }
    };
    let opened = send("k1", "/api/v1/yjs/company-registered", body.clone()).await;
    assert_eq!(opened.status, StatusCode::CREATED, "{}", opened.body);
    assert!(opened.body.contains("\"status\":\"02\""), "{}", opened.body);
    let again = send("k2", "/api/v1/yjs/company-registered", body).await;
    assert_eq!(again.status, StatusCode::CREATED);
    let id_of = |text: &str| {
        serde_json::from_str::<serde_json::Value>(text).expect("json")["employer_id"].as_i64()
    };
    assert_eq!(
        id_of(&opened.body),
        id_of(&again.body),
        "one account per company"
    );
    let bad = send(
        "k3",
        "/api/v1/yjs/company-registered",
        "{\"message_id\":\"M2\",\"uscc\":\"913205000000000000\",\"name\":\"坏\"}".into(),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let busy = send(
        "k4",
        "/api/v1/yjs/company-deregistered",
        "{\"message_id\":\"M3\",\"uscc\":\"91350100M000100Y43\"}".into(),
    )
    .await;
    assert!(busy.body.contains("EMPLOYER_HAS_MEMBERS"), "{}", busy.body);
    let closed = send(
        "k5",
        "/api/v1/yjs/company-deregistered",
        format!("{{\"message_id\":\"M4\",\"uscc\":\"{code}\"}}"),
    )
    .await;
    assert_eq!(closed.status, StatusCode::OK, "{}", closed.body);
    assert!(closed.body.contains("\"status\":\"04\""), "{}", closed.body);
    let agent_tries = h
        .send(
            Method::POST,
            "/api/v1/yjs/company-deregistered",
            &agent,
            "{}",
            &[
                ("idempotency-key", "k6"),
                ("x-csrf-token", agent.csrf.as_str()),
            ],
        )
        .await;
    assert_eq!(agent_tries.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_base_file_upload_reports_rows_or_files_the_year() {
    let h = harness().await;
    h.employer_with_agent("91350100M000100Y43", "示范科技", "agent-1")
        .await;
    let agent = h.sign_in("agent-1", Role::EmployerAgent).await;
    h.post_form(
        "/employer/members",
        &agent,
        "id_card=320502199003071230&name=张伟&wage=8000.00",
    )
    .await;
    let upload = |file: &str| {
        let csrf = &agent.csrf;
        format!(
            "--b\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n{csrf}\r\n--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"bases.csv\"\r\nContent-Type: text/csv\r\n\r\n{file}\r\n--b--\r\n"
        )
    };
    let content_type = [("content-type", "multipart/form-data; boundary=b")];
    let stranger = "身份证号,月平均工资\n320502199003071230,9000\n11010519491231002X,7000\n";
    let refused = h
        .send(
            Method::POST,
            "/employer/bases/import",
            &agent,
            &upload(stranger),
            &content_type,
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(
        refused
            .body
            .contains("<td>3</td><td>身份证号</td><td>不是本单位正常缴存的职工</td>"),
        "{}",
        refused.body
    );
    let good = "身份证号,月平均工资\n320502199003071230,9000\n";
    let filed = h
        .send(
            Method::POST,
            "/employer/bases/import",
            &agent,
            &upload(good),
            &content_type,
        )
        .await;
    assert!(
        filed.body.contains("年度缴存基数已申报（1 人）"),
        "{}",
        filed.body
    );
}
