//! Contract cases for the access records.

use super::BoxFuture;
use crate::{
    AuditQuery, AuditRecord, Delivery, IdempotencyRecord, InboxMessage, SessionRecord, Store,
    TaskDecision, TaskRecord, UserRecord,
};
use anju_domain::access::LoginState;
use anju_domain::access::TaskKind;
use anju_domain::access::TaskStatus;
use anju_domain::access::{DeliveryStatus, Role};
use std::sync::Arc;

pub fn user(id: i64, login: &str, role: Role) -> UserRecord {
    UserRecord {
        user_id: id,
        login: login.to_string(),
        display_name: format!("用户{id}"),
        role,
        password_hash: "$argon2id$stub".to_string(),
        totp_secret: None,
        member_id: Some(id * 10),
        employer_id: None,
        mobile: Some("13812345678".to_string()),
        email: Some(format!("user{id}@example.cn")),
        login_state: LoginState::default(),
        created_at_us: 1_000,
    }
}

/// A leaf for audit row `id` (the store keeps whatever hash it is given).
pub(crate) fn audit_leaf(id: i64) -> crate::LeafRecord {
    crate::LeafRecord {
        leaf_id: 1_000_000 + id,
        kind: anju_domain::trust::log::LeafKind::Audit,
        record_id: id,
        leaf_hash: [u8::try_from(id % 256).unwrap_or(0); 32],
        logged_at_us: id,
        leaf_index: None,
    }
}

pub(crate) fn audit(id: i64, at_us: i64, login: &str, action: &str, channel: &str) -> AuditRecord {
    AuditRecord {
        audit_id: id,
        at_us,
        actor_user_id: Some(1),
        actor_login: login.to_string(),
        role: "clerk".to_string(),
        channel: channel.to_string(),
        action: action.to_string(),
        target: format!("entry:{id}"),
        payload_digest: "ab".repeat(32),
        result: "ok".to_string(),
        request_id: format!("req-{id}"),
        client_addr: "127.0.0.1".to_string(),
    }
}

pub fn users_and_login_state(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let u = user(1, "320502199003071230", Role::Member);
        store.create_user(&u).await.expect("create");
        assert_eq!(
            store.user_by_login(&u.login).await.expect("read"),
            Some(u.clone())
        );
        assert_eq!(store.user(1).await.expect("read"), Some(u.clone()));
        assert_eq!(store.user(2).await.expect("read"), None);
        let clerk = user(3, "clerk-7", Role::Clerk);
        store.create_user(&clerk).await.expect("create");
        let asked = ["clerk-7", "nobody", "320502199003071230"].map(String::from);
        let found = store.users_by_logins(&asked).await.expect("read");
        assert_eq!(found, vec![u.clone(), clerk], "known logins, by login");
        let reviewer = UserRecord {
            created_at_us: 5_000,
            ..user(4, "fazhi01", Role::LegalReviewer)
        };
        store.create_user(&reviewer).await.expect("create");
        assert_eq!(
            store.accounts_by_role(5_000).await.expect("count"),
            [(Role::Clerk, 1), (Role::Member, 1)],
            "accounts created before the moment, by role"
        );
        let all = store.accounts_by_role(5_001).await.expect("count");
        assert!(all.contains(&(Role::LegalReviewer, 1)), "{all:?}");
        assert_eq!(
            store
                .users_with_role(Role::LegalReviewer)
                .await
                .expect("role"),
            std::slice::from_ref(&reviewer)
        );
        let dup = store.create_user(&user(2, &u.login, Role::Member)).await;
        assert_eq!(dup.expect_err("taken").code(), Some("USER_EXISTS"));
        let locked = LoginState {
            failures: 5,
            locked_until_us: Some(99),
        };
        store.set_login_state(1, locked).await.expect("lock");
        assert_eq!(
            store.user(1).await.expect("read").map(|u| u.login_state),
            Some(locked)
        );
    })
}

pub fn sessions_live_and_end(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let s = SessionRecord {
            token_hash: "h1".to_string(),
            user_id: 1,
            csrf_token: "c1".to_string(),
            created_at_us: 10,
            last_seen_us: 10,
            client_addr: "127.0.0.1".to_string(),
        };
        store.create_session(&s).await.expect("create");
        store.touch_session("h1", 20).await.expect("touch");
        assert_eq!(
            store
                .session("h1")
                .await
                .expect("read")
                .map(|s| s.last_seen_us),
            Some(20)
        );
        store.delete_session("h1").await.expect("delete");
        assert_eq!(store.session("h1").await.expect("read"), None);
    })
}

pub fn audit_trail_search_and_channels(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let rows = [
            audit(1, 100, "clerk_wang", "ledger.reverse.request", "counter"),
            audit(2, 200, "50%_off", "signin", "online"),
            audit(3, 300, "clerk_wang", "signin", "counter"),
            audit(4, 400, "partner", "api.call", "api"),
        ];
        for r in &rows {
            store
                .append_audit(r, &audit_leaf(r.audit_id))
                .await
                .expect("append");
        }
        let search = |q: AuditQuery| {
            let store = store.clone();
            async move {
                store
                    .search_audit(&q)
                    .await
                    .expect("search")
                    .iter()
                    .map(|r| r.audit_id)
                    .collect::<Vec<_>>()
            }
        };
        let all = AuditQuery {
            limit: 10,
            ..AuditQuery::default()
        };
        assert_eq!(search(all.clone()).await, vec![4, 3, 2, 1], "newest first");
        assert_eq!(
            search(AuditQuery {
                actor: Some("wang".into()),
                ..all.clone()
            })
            .await,
            vec![3, 1]
        );
        assert_eq!(
            search(AuditQuery {
                actor: Some("%".into()),
                ..all.clone()
            })
            .await,
            vec![2],
            "wildcards are literal"
        );
        assert_eq!(
            search(AuditQuery {
                action: Some("signin".into()),
                ..all.clone()
            })
            .await,
            vec![3, 2]
        );
        assert_eq!(
            search(AuditQuery {
                from_us: Some(200),
                to_us: Some(400),
                ..all.clone()
            })
            .await,
            vec![3, 2]
        );
        assert_eq!(
            search(AuditQuery {
                before_id: Some(3),
                limit: 1,
                ..all.clone()
            })
            .await,
            vec![2]
        );
        assert_eq!(store.search_audit(&all).await.expect("search")[3], rows[0]);
    })
}

pub fn tasks_are_decided_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let task = TaskRecord {
            task_id: 7,
            kind: TaskKind::EntryReversal,
            target: "entry:1".into(),
            payload: "{}".into(),
            summary: "冲正凭证 1".into(),
            maker_user_id: 1,
            maker_login: "clerk".into(),
            created_at_us: 10,
            status: TaskStatus::Pending,
            decider_user_id: None,
            decider_login: None,
            decided_at_us: None,
            reason: None,
        };
        store.create_task(&task).await.expect("create");
        assert_eq!(
            store
                .tasks(Some(TaskStatus::Pending), 10)
                .await
                .expect("list"),
            vec![task.clone()]
        );
        let decision = TaskDecision {
            task_id: 7,
            status: TaskStatus::Approved,
            decider_user_id: 2,
            decider_login: "reviewer".into(),
            decided_at_us: 20,
            reason: "核对无误".into(),
        };
        assert!(store.decide_task(&decision).await.expect("decide"));
        let again = TaskDecision {
            status: TaskStatus::Rejected,
            ..decision
        };
        assert!(
            !store.decide_task(&again).await.expect("decide again"),
            "decided once"
        );
        let stored = store.task(7).await.expect("read").expect("exists");
        assert_eq!(
            (stored.status.code(), stored.decider_user_id),
            ("approved", Some(2))
        );
        assert!(
            store
                .tasks(Some(TaskStatus::Pending), 10)
                .await
                .expect("list")
                .is_empty()
        );
    })
}

pub fn approved_exports_are_released_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        assert_eq!(
            store.released_exports(&[7, 8]).await.expect("none yet"),
            Vec::<i64>::new()
        );
        assert!(store.release_export(7, 3, 100).await.expect("first"));
        assert!(
            !store.release_export(7, 3, 200).await.expect("second"),
            "handed over once"
        );
        assert!(
            !store.release_export(7, 4, 300).await.expect("another"),
            "once, to anyone"
        );
        assert_eq!(
            store.released_exports(&[7, 8]).await.expect("read"),
            vec![7]
        );
    })
}

pub fn idempotency_records_are_first_come(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let record = IdempotencyRecord {
            actor_user_id: 1,
            key: "k-1".into(),
            request_hash: "h".into(),
            status_code: 201,
            response_body: "{\"ok\":true}".into(),
            created_at_us: 5,
        };
        assert!(store.save_idempotency_record(&record).await.expect("save"));
        let other = IdempotencyRecord {
            status_code: 500,
            ..record.clone()
        };
        assert!(
            !store
                .save_idempotency_record(&other)
                .await
                .expect("save again")
        );
        assert_eq!(
            store.idempotency_record(1, "k-1").await.expect("read"),
            Some(record)
        );
        assert_eq!(
            store.idempotency_record(2, "k-1").await.expect("read"),
            None,
            "keys are per actor"
        );
    })
}

pub fn messages_reach_inbox_and_outbox(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let message = InboxMessage {
            message_id: 11,
            user_id: 1,
            category: "interest".into(),
            title: "年度结息通知".into(),
            body: "您的住房公积金已结息。".into(),
            created_at_us: 50,
            read_at_us: None,
        };
        let deliveries: Vec<Delivery> = ["sms", "wechat"]
            .iter()
            .enumerate()
            .map(|(i, channel)| Delivery {
                delivery_id: 20 + i as i64,
                message_id: 11,
                user_id: 1,
                channel: (*channel).into(),
                address: "138****5678".into(),
                content: "年度结息通知".into(),
                status: DeliveryStatus::Sent,
                sent_at_us: 51,
            })
            .collect();
        store
            .deliver_message(&message, &deliveries)
            .await
            .expect("deliver");
        assert_eq!(
            store.inbox(1, 10).await.expect("inbox"),
            vec![message.clone()]
        );
        store.mark_read(1, 11, 60).await.expect("read");
        store
            .mark_read(1, 11, 70)
            .await
            .expect("read twice keeps the first time");
        assert_eq!(
            store.inbox(1, 10).await.expect("inbox")[0].read_at_us,
            Some(60)
        );
        assert_eq!(store.deliveries(1, 10).await.expect("outbox").len(), 2);
        assert!(store.inbox(2, 10).await.expect("inbox").is_empty());
    })
}

/// Partner tokens: stored with their scopes and dates, found by hash and by
/// id, listed newest first; a stop can only come sooner (a later or equal
/// one is refused and changes nothing); a hash used twice is refused.
pub fn partner_tokens(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        use crate::{ApiTokenRecord, TokenRevocation};
        use anju_domain::access::TokenScope;
        let day = |text: &str| anju_domain::Date::parse(text).expect("date");
        let token = |id: i64, hash: &str| ApiTokenRecord {
            token_id: id,
            user_id: 7,
            token_hash: hash.to_string(),
            scopes: vec![TokenScope::Yjs, TokenScope::Grants],
            issued_by: "manager01".to_string(),
            issued_on: day("2026-12-07"),
            expires_on: day("2027-12-07"),
            revoked_on: None,
            revoked_by: None,
            revoke_reason: None,
        };
        let first = token(10, &"a".repeat(64));
        let second = ApiTokenRecord {
            scopes: vec![TokenScope::Grants],
            ..token(11, &"b".repeat(64))
        };
        store.insert_api_token(&first).await.expect("insert");
        store.insert_api_token(&second).await.expect("insert");
        let same_hash = token(12, &"a".repeat(64));
        let refused = store
            .insert_api_token(&same_hash)
            .await
            .expect_err("same hash");
        assert_eq!(refused.code(), Some("TOKEN_EXISTS"));
        let found = store
            .api_token_by_hash(&"b".repeat(64))
            .await
            .expect("read");
        assert_eq!(found, Some(second.clone()));
        assert_eq!(
            store.api_token(10).await.expect("read"),
            Some(first.clone())
        );
        assert_eq!(store.api_token(99).await.expect("read"), None);
        let stop = TokenRevocation {
            token_id: 10,
            revoked_on: day("2026-12-14"),
            revoked_by: "manager01".to_string(),
            reason: "轮换".to_string(),
        };
        store.revoke_api_token(&stop).await.expect("revoke");
        let later = TokenRevocation {
            revoked_on: day("2026-12-20"),
            ..stop.clone()
        };
        let refused = store.revoke_api_token(&later).await.expect_err("later");
        assert_eq!(refused.code(), Some("TOKEN_ALREADY_REVOKED"));
        let same = store
            .revoke_api_token(&stop)
            .await
            .expect_err("the same day");
        assert_eq!(same.code(), Some("TOKEN_ALREADY_REVOKED"));
        // Brought forward: a token in its grace stopped at once.
        let sooner = TokenRevocation {
            revoked_on: day("2026-12-08"),
            reason: "泄露".to_string(),
            ..stop.clone()
        };
        store.revoke_api_token(&sooner).await.expect("sooner");
        let listed = store.api_tokens(10).await.expect("list");
        let revoked = ApiTokenRecord {
            revoked_on: Some(day("2026-12-08")),
            revoked_by: Some("manager01".to_string()),
            revoke_reason: Some("泄露".to_string()),
            ..first
        };
        assert_eq!(
            listed,
            vec![second, revoked],
            "newest first, the earliest stop kept"
        );
        assert_eq!(store.api_tokens(1).await.expect("list").len(), 1);
    })
}
