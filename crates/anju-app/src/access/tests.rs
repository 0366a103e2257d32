use super::*;
use crate::App;
use anju_domain::access::DeliveryStatus;
use anju_domain::access::TaskStatus;
use anju_domain::access::{Channel, Role, totp_code};
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::{Date, Fen};
use anju_store::AuditQuery;

const MINUTE_US: i64 = 60_000_000;
/// 2026-11-29 12:00 in Beijing, as microseconds: the tests' business instant.
const NOW_US: i64 = 1_795_924_800_000_000;
const SECRET: &[u8] = b"12345678901234567890";

async fn app(dir: &tempfile::TempDir) -> App {
    crate::test_support::sqlite_app(dir, "a.db").await
}

fn today() -> Date {
    Date::parse("2026-11-29").expect("date")
}

async fn account(app: &App, login: &str, role: Role) -> Principal {
    let (user, _) = app
        .access()
        .create_account(
            NewAccount {
                login: login.to_string(),
                display_name: format!("{}测试", role.name_zh()),
                role,
                password: "anju2026pass".to_string(),
                member_id: (role == Role::Member).then_some(1),
                employer_id: None,
                mobile: Some("13812345678".to_string()),
                email: Some(format!("{login}@example.cn")),
                totp_secret: Some(SECRET.to_vec()),
            },
            today(),
        )
        .await
        .expect("account");
    Principal::from_record(&user).expect("principal")
}

fn web(principal: Option<Principal>) -> Actor {
    match principal {
        Some(p) => Actor::of(p, "req-1", "127.0.0.1"),
        None => Actor::anonymous(Channel::Online, "req-1", "127.0.0.1"),
    }
}

fn member_login(password: &str) -> Credentials {
    Credentials::Member {
        id_card: "320502199003071230".to_string(),
        password: password.to_string(),
    }
}

#[tokio::test]
async fn member_signs_in_and_out_and_sessions_time_out() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    account(&app, "320502199003071230", Role::Member).await;
    let signed = app
        .access()
        .sign_in(
            &LocalAuthenticator,
            &member_login("anju2026pass"),
            &web(None),
            NOW_US,
        )
        .await
        .expect("sign in");
    assert_eq!(signed.principal.role, Role::Member);
    let live = app
        .access()
        .resolve_session(&signed.token, NOW_US + 29 * MINUTE_US)
        .await
        .expect("resolve");
    assert!(live.is_some(), "inside the idle timeout");
    let idle = app
        .access()
        .resolve_session(&signed.token, NOW_US + 60 * MINUTE_US)
        .await
        .expect("resolve");
    assert!(idle.is_none(), "30 minutes idle ends the session");
    let again = app
        .access()
        .sign_in(
            &LocalAuthenticator,
            &member_login("anju2026pass"),
            &web(None),
            NOW_US,
        )
        .await
        .expect("sign in");
    app.access()
        .sign_out(&again.token, &web(Some(again.principal.clone())))
        .await
        .expect("sign out");
    assert!(
        app.access()
            .resolve_session(&again.token, NOW_US)
            .await
            .expect("resolve")
            .is_none()
    );
    assert!(
        app.access()
            .resolve_session("forged-token", NOW_US)
            .await
            .expect("resolve")
            .is_none()
    );
    let rows = app
        .access_port()
        .search_audit(&AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    let actions: Vec<&str> = rows.iter().map(|r| r.action.as_str()).collect();
    assert_eq!(actions, ["signout", "signin", "signin"]);
    assert!(
        rows.iter().all(|r| r.actor_login.contains('*')),
        "ID numbers are masked in the trail"
    );
}

/// A 身份证号 that cannot be one is a typing error, said as such: it names
/// nobody, so four wrong passwords and any number of malformed numbers
/// still leave the fifth try to the right password.
#[tokio::test]
async fn a_malformed_id_number_is_a_format_error_and_not_a_failed_try() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    account(&app, "320502199003071230", Role::Member).await;
    let try_sign_in = |id_card: &str, password: &str, at: i64| {
        let credentials = Credentials::Member {
            id_card: id_card.to_string(),
            password: password.to_string(),
        };
        let app = app.clone();
        async move {
            app.access()
                .sign_in(&LocalAuthenticator, &credentials, &web(None), at)
                .await
        }
    };
    for i in 0..4 {
        let err = try_sign_in("320502199003071230", "wrong-pass-1", NOW_US + i).await;
        assert_eq!(err.expect_err("wrong").code(), Some("SIGNIN_FAILED"));
    }
    for (i, typo) in [
        "320502199003071231",
        "32050219900307123",
        "3205021990O3071230",
    ]
    .into_iter()
    .enumerate()
    {
        let at = NOW_US + 10 + i64::try_from(i).expect("i");
        let err = try_sign_in(typo, "anju2026pass", at).await.expect_err(typo);
        assert_eq!(err.code(), Some("SIGNIN_ID_CARD_FORMAT"), "{typo}");
        assert!(err.to_string().contains("请核对后重新输入"), "{err}");
    }
    let checksum = try_sign_in("320502199003071231", "x", NOW_US + 20).await;
    assert!(
        checksum
            .expect_err("typo")
            .to_string()
            .contains("校验位错误"),
        "the parse error says what is wrong"
    );
    try_sign_in("320502199003071230", "anju2026pass", NOW_US + 30)
        .await
        .expect("the fifth real try is not locked out");
}

#[tokio::test]
async fn five_failures_lock_the_account_for_fifteen_minutes() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    account(&app, "320502199003071230", Role::Member).await;
    for i in 0..4 {
        let err = app
            .access()
            .sign_in(
                &LocalAuthenticator,
                &member_login("wrong-pass-1"),
                &web(None),
                NOW_US + i,
            )
            .await
            .expect_err("wrong password");
        assert_eq!(err.code(), Some("SIGNIN_FAILED"));
    }
    let fifth = app
        .access()
        .sign_in(
            &LocalAuthenticator,
            &member_login("wrong-pass-1"),
            &web(None),
            NOW_US + 10,
        )
        .await
        .expect_err("locks");
    assert_eq!(fifth.code(), Some("SIGNIN_LOCKED"));
    let right_but_locked = app
        .access()
        .sign_in(
            &LocalAuthenticator,
            &member_login("anju2026pass"),
            &web(None),
            NOW_US + 14 * MINUTE_US,
        )
        .await
        .expect_err("still locked");
    assert_eq!(right_but_locked.code(), Some("SIGNIN_LOCKED"));
    app.access()
        .sign_in(
            &LocalAuthenticator,
            &member_login("anju2026pass"),
            &web(None),
            NOW_US + 16 * MINUTE_US,
        )
        .await
        .expect("lock over");
    let refused = app
        .access_port()
        .search_audit(&AuditQuery {
            action: Some("signin".into()),
            limit: 20,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    assert_eq!(refused.iter().filter(|r| r.result != "ok").count(), 6);
}

#[tokio::test]
async fn staff_need_the_second_factor() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    account(&app, "clerk01", Role::Clerk).await;
    let creds = |totp: String| Credentials::Staff {
        username: "clerk01".into(),
        password: "anju2026pass".into(),
        totp,
    };
    let code = totp_code(SECRET, NOW_US / 1_000_000);
    let wrong = app
        .access()
        .sign_in(
            &LocalAuthenticator,
            &creds("000000".into()),
            &web(None),
            NOW_US,
        )
        .await;
    assert_eq!(wrong.expect_err("bad code").code(), Some("SIGNIN_FAILED"));
    let signed = app
        .access()
        .sign_in(&LocalAuthenticator, &creds(code), &web(None), NOW_US)
        .await
        .expect("sign in");
    assert_eq!(signed.principal.role, Role::Clerk);
    // A staff account cannot sign in through the member door: a staff
    // login is no 身份证号, so the door refuses it before reading anyone.
    let member_door = Credentials::Member {
        id_card: "clerk01".into(),
        password: "anju2026pass".into(),
    };
    let refused = app
        .access()
        .sign_in(&LocalAuthenticator, &member_door, &web(None), NOW_US)
        .await;
    assert_eq!(
        refused.expect_err("wrong door").code(),
        Some("SIGNIN_ID_CARD_FORMAT")
    );
}

async fn posted_entry(app: &App) -> i64 {
    app.ledger()
        .open_member_accounts(&[(MemberId(1), today())])
        .await
        .expect("open");
    let entry = NewEntry::new(
        "C01",
        today(),
        IdempotencyKey::parse("r1").expect("key"),
        "汇缴",
        vec![
            Line::debit("101", Fen::new(100_00)),
            Line::credit("201", Fen::new(100_00)).for_member(MemberId(1)),
        ],
    )
    .expect("entry");
    app.ledger()
        .post_entry(entry)
        .await
        .expect("post")
        .entry_id
        .0
}

#[tokio::test]
async fn maker_checker_reversal() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let entry_id = posted_entry(&app).await;
    let clerk = account(&app, "clerk01", Role::Clerk).await;
    let clerk2 = account(&app, "clerk02", Role::Clerk).await;
    let reviewer = account(&app, "reviewer01", Role::Reviewer).await;
    let member = account(&app, "320502199003071230", Role::Member).await;
    let request = ReversalRequest {
        entry_id,
        reason: "金额录入错误".into(),
    };
    let refused = app
        .access()
        .request_reversal(&web(Some(member)), &request)
        .await;
    assert_eq!(
        refused.expect_err("members cannot").code(),
        Some("ROLE_FORBIDDEN")
    );
    let task = app
        .access()
        .request_reversal(&web(Some(clerk.clone())), &request)
        .await
        .expect("request");
    assert_eq!(
        app.ledger()
            .member_balance(MemberId(1))
            .await
            .expect("balance")
            .balance,
        Fen::new(100_00),
        "nothing posted yet"
    );
    let own = app
        .access()
        .decide_task(&web(Some(clerk.clone())), task.task_id, true, "", today())
        .await;
    assert_eq!(own.expect_err("own").code(), Some("MAKER_CHECKER_SELF"));
    let peer = app
        .access()
        .decide_task(&web(Some(clerk2)), task.task_id, true, "", today())
        .await;
    assert_eq!(peer.expect_err("role").code(), Some("MAKER_CHECKER_ROLE"));
    let no_reason = app
        .access()
        .decide_task(
            &web(Some(reviewer.clone())),
            task.task_id,
            false,
            " ",
            today(),
        )
        .await;
    assert_eq!(
        no_reason.expect_err("reason").code(),
        Some("REASON_REQUIRED")
    );
    let done = app
        .access()
        .decide_task(
            &web(Some(reviewer.clone())),
            task.task_id,
            true,
            "核对无误",
            today(),
        )
        .await
        .expect("approve");
    assert_eq!(done.status, TaskStatus::Approved);
    assert_eq!(
        app.ledger()
            .member_balance(MemberId(1))
            .await
            .expect("balance")
            .balance,
        Fen::ZERO
    );
    let twice = app
        .access()
        .decide_task(&web(Some(reviewer)), task.task_id, true, "", today())
        .await;
    assert_eq!(twice.expect_err("twice").code(), Some("TASK_DECIDED"));
    let inbox = app.access().inbox(clerk.user_id, 10).await.expect("inbox");
    assert_eq!(inbox.len(), 1);
    assert!(inbox[0].title.contains("已批准"), "{}", inbox[0].title);
    let sent = app
        .access_port()
        .deliveries(clerk.user_id, 10)
        .await
        .expect("outbox");
    let channels: Vec<&str> = sent.iter().map(|d| d.channel.as_str()).collect();
    assert!(
        channels.contains(&"sms") && channels.contains(&"wechat"),
        "{channels:?}"
    );
    assert!(sent.iter().all(|d| d.status == DeliveryStatus::Simulated));
    let trail = app
        .access_port()
        .search_audit(&AuditQuery {
            limit: 20,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    let actions: Vec<(&str, &str)> = trail
        .iter()
        .map(|r| (r.action.as_str(), r.result.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("task.approve", "TASK_DECIDED"),
            ("task.approve", "ok"),
            ("task.reject", "REASON_REQUIRED"),
            ("task.approve", "MAKER_CHECKER_ROLE"),
            ("task.approve", "MAKER_CHECKER_SELF"),
            ("ledger.reversal.request", "ok"),
            ("ledger.reversal.request", "ROLE_FORBIDDEN"),
        ]
    );
}

#[tokio::test]
async fn partner_tokens_and_weak_passwords() {
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let (_, token) = app
        .access()
        .create_account(
            NewAccount {
                login: "partner-sh".into(),
                display_name: "上海市公积金中心".into(),
                role: Role::PartnerCentre,
                password: String::new(),
                member_id: None,
                employer_id: None,
                mobile: None,
                email: None,
                totp_secret: None,
            },
            today(),
        )
        .await
        .expect("partner");
    let token = token.expect("a token is issued");
    let principal = app
        .access()
        .resolve_api_token(&format!("partner-sh.{token}"), today())
        .await
        .expect("resolve");
    assert_eq!(principal.map(|(p, _)| p.role), Some(Role::PartnerCentre));
    assert!(
        app.access()
            .resolve_api_token("partner-sh.wrong", today())
            .await
            .expect("resolve")
            .is_none()
    );
    let weak = app
        .access()
        .create_account(
            NewAccount {
                login: "clerk09".into(),
                display_name: "柜员".into(),
                role: Role::Clerk,
                password: "short".into(),
                member_id: None,
                employer_id: None,
                mobile: None,
                email: None,
                totp_secret: None,
            },
            today(),
        )
        .await;
    assert_eq!(weak.expect_err("weak").code(), Some("PASSWORD_WEAK"));
}

/// A manager issues a partner a token for one scope, rotates it with a
/// week's grace (both work during it, only the successor after) and revokes
/// the successor; nobody else may; each step is audited.
#[tokio::test]
async fn partner_tokens_are_issued_rotated_and_revoked_by_a_manager() {
    use anju_domain::access::TokenScope;
    let dir = tempfile::tempdir().expect("dir");
    let app = app(&dir).await;
    let partner = NewAccount {
        login: "yjs-platform".into(),
        display_name: "苏州“一件事”平台".into(),
        role: Role::PartnerCentre,
        password: String::new(),
        member_id: None,
        employer_id: None,
        mobile: None,
        email: None,
        totp_secret: None,
    };
    app.access()
        .create_account(partner, today())
        .await
        .expect("partner");
    let manager = web(Some(account(&app, "manager01", Role::Manager).await));
    let clerk = web(Some(account(&app, "clerk01", Role::Clerk).await));
    let day = |n| today().add_days(n).expect("day");
    let access = app.access();
    let refused = access
        .issue_partner_token(
            &clerk,
            "yjs-platform",
            &[TokenScope::Yjs],
            day(365),
            today(),
        )
        .await
        .expect_err("a clerk may not");
    assert_eq!(refused.code(), Some("ROLE_FORBIDDEN"));
    let nobody = access
        .issue_partner_token(&manager, "nobody", &[TokenScope::Yjs], day(365), today())
        .await
        .expect_err("no such partner");
    assert_eq!(nobody.code(), Some("PARTNER_NOT_FOUND"));
    let (first, bearer) = access
        .issue_partner_token(
            &manager,
            "yjs-platform",
            &[TokenScope::Yjs],
            day(365),
            today(),
        )
        .await
        .expect("issued");
    assert!(bearer.starts_with("yjs-platform."));
    let resolved = access
        .resolve_api_token(&bearer, today())
        .await
        .expect("resolve");
    assert_eq!(
        resolved.map(|(_, scopes)| scopes),
        Some(vec![TokenScope::Yjs])
    );

    let (second, successor) = access
        .rotate_partner_token(&manager, first.token_id, 7, day(730), today())
        .await
        .expect("rotated");
    assert_eq!(second.scopes, [TokenScope::Yjs], "the same scopes");
    for (on, old_works) in [(day(6), true), (day(7), false)] {
        let old = access.resolve_api_token(&bearer, on).await.expect("old");
        assert_eq!(old.is_some(), old_works, "day {on}");
        let new = access.resolve_api_token(&successor, on).await.expect("new");
        assert!(new.is_some(), "day {on}");
    }
    let again = access
        .rotate_partner_token(&manager, first.token_id, 7, day(730), today())
        .await
        .expect_err("rotated already");
    assert_eq!(again.code(), Some("TOKEN_ALREADY_REVOKED"));

    let revoked = access
        .revoke_partner_token(&manager, second.token_id, "合作终止", today())
        .await
        .expect("revoked");
    assert_eq!(revoked.revoked_on, Some(today()));
    let gone = access
        .resolve_api_token(&successor, today())
        .await
        .expect("resolve");
    assert!(gone.is_none(), "revoked today, refused today");
    let listed = access.partner_tokens(today()).await.expect("list");
    let mine: Vec<(i64, bool)> = listed
        .iter()
        .filter(|t| t.partner_login == "yjs-platform")
        .map(|t| (t.token.token_id, t.active))
        .collect();
    assert!(mine.contains(&(second.token_id, false)) && mine.contains(&(first.token_id, true)));

    let trail = app
        .access()
        .search_audit(&AuditQuery {
            limit: 100,
            ..AuditQuery::default()
        })
        .await
        .expect("audit");
    let actions: Vec<(&str, &str)> = trail
        .iter()
        .rev()
        .filter(|a| a.action.starts_with("partner_token."))
        .map(|a| (a.action.as_str(), a.result.as_str()))
        .collect();
    assert_eq!(
        actions,
        [
            ("partner_token.issue", "ROLE_FORBIDDEN"),
            ("partner_token.issue", "PARTNER_NOT_FOUND"),
            ("partner_token.issue", "ok"),
            ("partner_token.rotate", "ok"),
            ("partner_token.rotate", "TOKEN_ALREADY_REVOKED"),
            ("partner_token.revoke", "ok"),
        ]
    );
}
