//! Trust end to end on both backends: audit rows, certificates and
//! revocations become leaves of the log; the sequencer's checkpoints are
//! signed and consistent; a certificate file verifies offline with its log
//! proof and fails when one character changes or the key is not pinned; a
//! revoked certificate shows as revoked; and changing a logged record in
//! the database makes the log check fail naming that leaf.

mod common;

use anju_app::App;
use anju_app::access::{Actor, CommandOutcome, Principal};
use anju_app::policy::load_policy;
use anju_app::trust::CertificateStatus;
use anju_domain::access::{Channel, Role};
use anju_domain::collection::{ContributionRates, EmployerRegistration, MemberEnrolment};
use anju_domain::ids::uscc_check_char;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::trust::certificate::CertificateFile;
use anju_domain::trust::keys::{KeySet, Verdict};
use anju_domain::trust::log::LeafKind;
use anju_domain::trust::merkle::{verify_consistency, verify_inclusion};
use anju_domain::{Date, Fen, RatePpm};
use common::{Fresh, fresh_stores};

const MEMBER: &str = "320502199003071230";

fn d(text: &str) -> Date {
    Date::parse(text).expect("date")
}

fn person(role: Role, login: &str, member_id: Option<i64>) -> Actor {
    Actor::of(
        Principal {
            user_id: 1,
            login: login.to_string(),
            display_name: "王芳".to_string(),
            role,
            member_id,
            employer_id: None,
        },
        "test",
        "local",
    )
}

/// 王芳, enrolled by 苏州示例有限公司 with a ¥10,000.00 wage, and
/// ¥30,000.00 contributed in October 2026: her member id.
async fn seed_member(app: &App) -> i64 {
    let batch = Actor::anonymous(Channel::Batch, "t", "local");
    let base = "91320500123456789";
    let uscc = format!("{base}{}", uscc_check_char(base).expect("check"));
    let rate = RatePpm::parse_percent("10").expect("rate");
    let rates = ContributionRates {
        employer: rate,
        member: rate,
    };
    let registration =
        EmployerRegistration::new(&uscc, "苏州示例有限公司", None, rates).expect("employer");
    let employer = app
        .collection()
        .register_employer(&batch, &registration, d("2025-01-01"))
        .await
        .expect("register");
    let people = [MemberEnrolment::new(MEMBER, "王芳", "10000.00").expect("member")];
    let enrolled = app
        .collection()
        .enrol_members(&batch, employer.employer_id, &people, d("2025-01-01"))
        .await
        .expect("enrol");
    let member_id = enrolled[0].member_id;
    let lines = vec![
        Line::debit("101", Fen::new(30_000_00)),
        Line::credit("201", Fen::new(30_000_00)).for_member(MemberId(member_id)),
    ];
    let key = IdempotencyKey::parse("seed-1").expect("key");
    let entry = NewEntry::new("C01", d("2026-10-10"), key, "汇缴", lines).expect("entry");
    app.ledger().post_entry(entry).await.expect("seed");
    member_id
}

async fn audit_some(app: &App, n: usize) {
    let clerk = person(Role::Clerk, "clerk01", None);
    for i in 0..n {
        app.access()
            .audit(
                &clerk,
                "test.action",
                &format!("thing:{i}"),
                b"payload",
                CommandOutcome::Done,
            )
            .await
            .expect("audit");
    }
}

fn tamper_sql(fresh: &Fresh, table: &str, set: &str, key: &str) -> Vec<String> {
    match fresh {
        Fresh::Sqlite { .. } => vec![
            format!("DROP TRIGGER {table}_no_update"),
            format!("UPDATE {table} SET {set} WHERE {key}"),
        ],
        Fresh::Pg(..) => vec![
            format!("ALTER TABLE {table} DISABLE TRIGGER USER"),
            format!("UPDATE {table} SET {set} WHERE {key}"),
        ],
    }
}

#[tokio::test]
async fn the_log_proves_certificates_and_names_a_changed_record() {
    for fresh in fresh_stores().await {
        let backend = fresh.backend();
        let app = App::new(fresh.store(), load_policy(None).expect("policy"));
        let keys: KeySet = app.keys().expect("keys").published().clone();
        let trust = app.trust();
        let member_id = seed_member(&app).await;
        let member = person(Role::Member, MEMBER, Some(member_id));
        audit_some(&app, 6).await;
        let first = trust.sequence().await.expect("sequence").expect("signed");

        // A 缴存证明: the account as the records hold it, signed and logged.
        let today = d("2026-12-07");
        let issued = trust
            .issue_contribution_certificate(&member, member_id, today)
            .await
            .expect("issue");
        assert!(
            issued.body.contains("账户余额：¥30,000.00") && issued.body.contains("王芳"),
            "{backend}: {}",
            issued.body
        );
        assert_eq!(issued.valid_until, Some(d("2027-03-07")));
        let someone_else = person(Role::Member, "320502199003071247", Some(member_id + 1));
        let theirs = trust
            .certificate_file(&someone_else, &issued.serial, today)
            .await;
        assert_eq!(
            theirs.err().and_then(|e| e.code()),
            Some("CERTIFICATE_NOT_FOUND"),
            "{backend}: not another member's"
        );
        let text = trust
            .certificate_file(&member, &issued.serial, today)
            .await
            .expect("file");
        let file = CertificateFile::parse(&text);
        let check = file.check(&keys);
        assert_eq!(
            (check.verdict, check.logged),
            (Verdict::Valid, Some(true)),
            "{backend}"
        );
        let proof = file.proof.clone().expect("proof");
        assert!(proof.checkpoint.tree_size > first.tree_size);

        // One character changed, or a key not pinned: no longer valid.
        let altered = text.replacen("¥30,000.00", "¥90,000.00", 1);
        assert!(!CertificateFile::parse(&altered).check(&keys).valid());
        let other_keys = App::new(fresh.store(), load_policy(None).expect("policy"))
            .keys()
            .expect("keys")
            .published()
            .clone();
        assert_eq!(file.check(&other_keys).verdict, Verdict::UnknownKey);

        // The latest checkpoint extends the first: a consistency proof.
        let latest = trust
            .latest_checkpoint()
            .await
            .expect("latest")
            .expect("one");
        let (old, new, consistency) = trust
            .consistency(first.tree_size, latest.tree_size)
            .await
            .expect("consistency");
        assert!(verify_consistency(
            old.tree_size,
            new.tree_size,
            &consistency,
            &old.root_hash,
            &new.root_hash
        ));
        let at = trust
            .inclusion_at(0, latest.tree_size)
            .await
            .expect("inclusion");
        assert!(verify_inclusion(
            &at.leaf.leaf_hash,
            0,
            latest.tree_size,
            &at.path,
            &latest.root_hash
        ));

        // Revoked by a reviewer (not a clerk): shown revoked from then on.
        let clerk = person(Role::Clerk, "clerk01", None);
        let refused = trust
            .revoke_certificate(&clerk, &issued.serial, "信息有误", today)
            .await;
        assert_eq!(refused.err().and_then(|e| e.code()), Some("ROLE_FORBIDDEN"));
        let reviewer = person(Role::Reviewer, "reviewer01", None);
        trust
            .revoke_certificate(&reviewer, &issued.serial, "信息有误", today)
            .await
            .expect("revoke");
        let again = trust
            .revoke_certificate(&reviewer, &issued.serial, "再次", today)
            .await;
        assert_eq!(
            again.err().and_then(|e| e.code()),
            Some("CERTIFICATE_REVOKED")
        );
        let view = trust
            .certificate_status(&issued.serial, today)
            .await
            .expect("status");
        assert_eq!(view.status, CertificateStatus::Revoked, "{backend}");
        let unknown = trust
            .certificate_status("JC-20261207-0000000000000000", today)
            .await;
        assert_eq!(
            unknown.err().and_then(|e| e.code()),
            Some("CERTIFICATE_NOT_FOUND")
        );

        // The whole log re-derives; then one audit row is changed by hand.
        trust.sequence().await.expect("sequence");
        let check = trust.check_log(&keys).await.expect("check");
        assert!(check.ok(), "{backend}: {:?}", check.problems);
        assert!(check.leaves >= 10 && check.checkpoints >= 2, "{check:?}");
        let leaf = app
            .trust()
            .inclusion(LeafKind::Audit, first_audit_id(&app).await)
            .await
            .expect("leaf");
        for sql in tamper_sql(
            &fresh,
            "audit_log",
            "result = 'forged'",
            &format!("audit_id = {}", leaf.leaf.record_id),
        ) {
            fresh.execute_raw(&sql).await;
        }
        let check = trust.check_log(&keys).await.expect("check");
        assert!(!check.ok(), "{backend}");
        assert_eq!(
            check.problems[0],
            format!(
                "leaf {}: audit {} was changed after it was logged",
                leaf.leaf_index, leaf.leaf.record_id
            ),
            "{backend}: the first problem names the leaf"
        );

        // A certificate's text changed in the database: its leaf is named.
        for sql in tamper_sql(
            &fresh,
            "certificate",
            "body = body || ' '",
            &format!("serial = '{}'", issued.serial),
        ) {
            fresh.execute_raw(&sql).await;
        }
        let check = trust.check_log(&keys).await.expect("check");
        let cert_leaf = app
            .trust()
            .inclusion(LeafKind::Certificate, issued.certificate_id)
            .await
            .expect("leaf");
        let named = format!(
            "leaf {}: certificate {} was changed after it was logged",
            cert_leaf.leaf_index, issued.certificate_id
        );
        assert!(check.problems.contains(&named), "{backend}: {check:?}");
        let view = trust
            .certificate_status(&issued.serial, today)
            .await
            .expect("status");
        assert_eq!(view.status, CertificateStatus::Altered, "{backend}");
        fresh.drop_it().await;
    }
}

/// The oldest audit row's id.
async fn first_audit_id(app: &App) -> i64 {
    let rows = app
        .access()
        .search_audit(&anju_app::access::AuditQuery {
            limit: 1000,
            ..Default::default()
        })
        .await
        .expect("audit");
    rows.iter().map(|r| r.audit_id).min().expect("some")
}
