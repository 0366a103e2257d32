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
        assert_eq!(issued.valid_until, Some(d("2027-03-06")));
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

        // A certificate's validity changed in the database (its text and
        // signature untouched): its leaf is named.
        for sql in tamper_sql(
            &fresh,
            "certificate",
            "valid_until = issued_on",
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

fn partner_account(login: &str, name: &str) -> anju_app::access::NewAccount {
    anju_app::access::NewAccount {
        login: login.to_string(),
        display_name: name.to_string(),
        role: Role::PartnerCentre,
        password: "partner-pass-2026".to_string(),
        member_id: None,
        employer_id: None,
        mobile: None,
        email: None,
        totp_secret: None,
    }
}

/// A member grants a bank her balance for 30 days; the bank reads it, a
/// second bank is refused, the member withdraws the grant and the next
/// read is refused — every read recorded with its result and logged; a
/// grant past its last day is refused as expired.
#[tokio::test]
async fn a_grant_lets_one_partner_read_until_it_is_withdrawn() {
    use anju_app::trust::GrantInput;
    use anju_domain::trust::grant::GrantScope;
    for fresh in fresh_stores().await {
        let backend = fresh.backend();
        let app = App::new(fresh.store(), load_policy(None).expect("policy"));
        let member_id = seed_member(&app).await;
        let member = person(Role::Member, MEMBER, Some(member_id));
        for (login, name) in [("bank01", "建设银行苏州分行"), ("bank02", "另一家银行")]
        {
            app.access()
                .create_account(partner_account(login, name), d("2026-12-01"))
                .await
                .expect("partner");
        }
        let trust = app.trust();
        let grantees = trust.grantees().await.expect("grantees");
        assert_eq!(grantees.len(), 2, "{backend}");
        let today = d("2026-12-07");
        let input = GrantInput {
            grantee_login: "bank01".to_string(),
            scopes: vec![GrantScope::Balance, GrantScope::Contribution],
            purpose: "住房贷款审批".to_string(),
            days: 30,
        };
        let clerk = person(Role::Clerk, "clerk01", None);
        let not_hers = trust.grant_access(&clerk, &input, today).await;
        assert_eq!(
            not_hers.err().and_then(|e| e.code()),
            Some("ROLE_FORBIDDEN")
        );
        let grant = trust
            .grant_access(&member, &input, today)
            .await
            .expect("grant");
        assert_eq!(grant.valid_until, d("2027-01-05"));

        let bank = person(Role::PartnerCentre, "bank01", None);
        let read = trust
            .provide(&bank, &grant.grant_code, d("2026-12-10"))
            .await
            .expect("read");
        assert_eq!(
            read.balance_fen.map(|f| f.get()),
            Some(30_000_00),
            "{backend}"
        );
        assert!(read.loans.is_none(), "not granted");
        let months = read
            .contribution
            .as_ref()
            .and_then(|c| c.iter().find(|(k, _)| *k == "连续足额缴存"))
            .map(|(_, v)| v.clone());
        assert!(months.is_some(), "{read:?}");
        let other = person(Role::PartnerCentre, "bank02", None);
        let refused = trust.provide(&other, &grant.grant_code, today).await;
        assert_eq!(
            refused.err().and_then(|e| e.code()),
            Some("GRANT_NOT_YOURS")
        );
        let late = trust
            .provide(&bank, &grant.grant_code, d("2027-01-06"))
            .await;
        assert_eq!(late.err().and_then(|e| e.code()), Some("GRANT_EXPIRED"));

        trust
            .revoke_grant(&member, &grant.grant_code, d("2026-12-11"))
            .await
            .expect("revoke");
        let after = trust
            .provide(&bank, &grant.grant_code, d("2026-12-12"))
            .await;
        assert_eq!(after.err().and_then(|e| e.code()), Some("GRANT_REVOKED"));

        let views = trust.member_grants(member_id).await.expect("views");
        let results: Vec<&str> = views[0].reads.iter().map(|p| p.result.as_str()).collect();
        assert_eq!(
            results,
            ["GRANT_REVOKED", "GRANT_EXPIRED", "GRANT_NOT_YOURS", "ok"],
            "{backend}: every read, newest first"
        );
        assert_eq!(views[0].state_zh(today), "已撤回");
        let keys = app.keys().expect("keys").published().clone();
        trust.sequence().await.expect("sequence");
        let check = trust.check_log(&keys).await.expect("check");
        assert!(check.ok(), "{backend}: {:?}", check.problems);
        fresh.drop_it().await;
    }
}

/// Centre A lists a person (signed, logged); its export imports into
/// centre B against A's pinned keys, B's withdrawals then refuse that
/// person; a changed entry or B pinning another key refuses the file and
/// writes nothing; importing twice adds nothing.
#[tokio::test]
async fn a_partners_signed_blacklist_is_imported_and_consulted() {
    use anju_domain::trust::blacklist::SharedList;
    let stores = fresh_stores().await;
    let [a, b, ..] = stores.as_slice() else {
        // One backend only: two SQLite centres are enough for the exchange.
        let a = fresh_stores().await.remove(0);
        let b = fresh_stores().await.remove(0);
        exchange(&a, &b).await;
        return;
    };
    exchange(a, b).await;
    for fresh in stores {
        fresh.drop_it().await;
    }

    async fn exchange(a: &Fresh, b: &Fresh) {
        let mut partner_policy = load_policy(None).expect("policy");
        partner_policy.centre_name = "上海市公积金管理中心".to_string();
        let centre_a = App::new(a.store(), partner_policy);
        let centre_b = App::new(b.store(), load_policy(None).expect("policy"));
        let reviewer = person(Role::Reviewer, "reviewer01", None);
        let today = d("2026-12-07");
        let entry = anju_store::BlacklistRecord::to_list(
            MEMBER,
            d("2026-11-01"),
            d("2029-10-31"),
            "伪造租房合同骗提",
            "沪公积金罚决字〔2026〕12号",
        );
        centre_a
            .withdrawals()
            .add_to_blacklist(&reviewer, &entry)
            .await
            .expect("listed at A");
        let twice = centre_a
            .withdrawals()
            .add_to_blacklist(&reviewer, &entry)
            .await;
        assert_eq!(twice.err().and_then(|e| e.code()), Some("BLACKLIST_EXISTS"));
        let list: SharedList = centre_a
            .trust()
            .export_blacklist(today)
            .await
            .expect("export");
        assert_eq!(list.entries.len(), 1);
        let a_keys = centre_a.keys().expect("keys").published().clone();

        // Tampered, or checked against a key B did not pin: refused whole.
        let mut longer = list.clone();
        longer.entries[0].expires_on = "2039-10-31".to_string();
        let refused = centre_b
            .trust()
            .import_blacklist(&reviewer, &longer, &a_keys)
            .await;
        assert_eq!(
            refused.err().and_then(|e| e.code()),
            Some("BLACKLIST_ENTRY_INVALID")
        );
        let mut wrong_keys = centre_b.keys().expect("keys").published().clone();
        wrong_keys.centre = a_keys.centre.clone();
        let refused = centre_b
            .trust()
            .import_blacklist(&reviewer, &list, &wrong_keys)
            .await;
        assert_eq!(
            refused.err().and_then(|e| e.code()),
            Some("BLACKLIST_ENTRY_INVALID")
        );
        let clerk = person(Role::Clerk, "clerk01", None);
        let refused = centre_b
            .trust()
            .import_blacklist(&clerk, &list, &a_keys)
            .await;
        assert_eq!(refused.err().and_then(|e| e.code()), Some("NOT_A_REVIEWER"));
        assert!(
            centre_b
                .withdrawals()
                .blacklist_in_force(today, 10)
                .await
                .expect("list")
                .is_empty(),
            "nothing written"
        );

        let done = centre_b
            .trust()
            .import_blacklist(&reviewer, &list, &a_keys)
            .await
            .expect("import");
        assert_eq!((done.entries, done.added), (1, 1));
        let again = centre_b
            .trust()
            .import_blacklist(&reviewer, &list, &a_keys)
            .await
            .expect("again");
        assert_eq!(again.added, 0, "imported once");
        let listed = centre_b
            .withdrawals()
            .blacklist_in_force(today, 10)
            .await
            .expect("list");
        assert_eq!(listed[0].issuing_centre, "上海市公积金管理中心");
        // B does not re-export A's entries as its own.
        assert!(
            centre_b
                .trust()
                .export_blacklist(today)
                .await
                .expect("export")
                .entries
                .is_empty()
        );
        // B's own member with that ID number is refused a withdrawal.
        let member_id = seed_member(&centre_b).await;
        let decision = centre_b
            .withdrawals()
            .withdrawal_eligibility(
                member_id,
                &anju_domain::withdrawal::WithdrawalRequest {
                    reason: "07".to_string(),
                    amount: Fen::new(1_000_00),
                    months: 1,
                    ..Default::default()
                },
                today,
            )
            .await
            .expect("decision");
        assert!(
            format!("{decision:?}").contains("失信"),
            "refused for the blacklist: {decision:?}"
        );
        for app in [&centre_a, &centre_b] {
            let keys = app.keys().expect("keys").published().clone();
            app.trust().sequence().await.expect("sequence");
            let check = app.trust().check_log(&keys).await.expect("check");
            assert!(check.ok(), "{:?}", check.problems);
        }
    }
}
