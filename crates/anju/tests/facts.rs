//! Facts from the record: a rent withdrawal decided from what the marriage
//! and housing registries answer (with the answers' reference numbers kept
//! on the application), refused when the spouse owns a home, and left for a
//! named person to verify — nothing approved, nothing posted — when a
//! registry is silent. On both backends.

mod common;

use anju_app::App;
use anju_app::access::{Actor, Principal};
use anju_app::collection::MemberRecord;
use anju_app::policy::load_policy;
use anju_app::registries::sim::{Couple, Person};
use anju_app::registries::{Home, Registries, RegistryData, SimulatedRegistries};
use anju_app::withdrawal::WithdrawalApplication;
use anju_domain::access::{Channel, Role};
use anju_domain::facts::Party;
use anju_domain::ids::IdCardNo;
use anju_domain::ledger::{IdempotencyKey, Line, MemberId, NewEntry};
use anju_domain::withdrawal::{WithdrawalRequest, WithdrawalStatus};
use anju_domain::{Date, Fen};
use common::fresh_stores;
use std::sync::Arc;

const MEMBER: &str = "320502199003071230";
const CARD: &str = "62220201000041234";

fn d(text: &str) -> Date {
    Date::parse(text).expect("date")
}

fn today() -> Date {
    d("2026-11-29")
}

fn spouse_id() -> IdCardNo {
    IdCardNo::complete("32050219920815002").expect("id")
}

fn person(role: Role, login: &str, name: &str, member_id: Option<i64>) -> Actor {
    Actor::of(
        Principal {
            user_id: 1,
            login: login.to_string(),
            display_name: name.to_string(),
            role,
            member_id,
            employer_id: None,
        },
        "test",
        "local",
    )
}

fn member() -> Actor {
    person(Role::Member, MEMBER, "王芳", Some(1))
}

fn clerk() -> Actor {
    person(Role::Clerk, "clerk-1", "李柜员", None)
}

fn reviewer() -> Actor {
    person(Role::Reviewer, "reviewer-1", "赵复核", None)
}

/// Member 1 married to a spouse who is not a member here; nobody owns a
/// home unless a test registers one.
fn household() -> RegistryData {
    RegistryData {
        couples: vec![Couple {
            one: Person {
                id_card: IdCardNo::parse(MEMBER).expect("id"),
                name: "王芳".to_string(),
            },
            other: Person {
                id_card: spouse_id(),
                name: "陈明".to_string(),
            },
            married_on: d("2018-05-20"),
            certificate_no: "J320502-2018-004321".to_string(),
        }],
        ..RegistryData::default()
    }
}

/// A centre with member 1 holding ¥50,000.00, asking `registries`.
async fn centre(store: Arc<dyn anju_store::Store>, registries: Arc<SimulatedRegistries>) -> App {
    let app = App::new(store, load_policy(None).expect("policy"))
        .with_registries(Registries::all(registries, true));
    let record = MemberRecord::active(1, MEMBER, "王芳", 9, anju_domain::Fen::new(10_000_00), 1);
    let batch = Actor::anonymous(Channel::Batch, "test-seed", "local");
    app.collection()
        .take_over_members(&batch, &[record], d("2024-07-01"))
        .await
        .expect("take over");
    let entry = NewEntry::new(
        "C01",
        d("2026-10-10"),
        IdempotencyKey::parse("seed-1").expect("key"),
        "汇缴",
        vec![
            Line::debit("101", Fen::new(50_000_00)),
            Line::credit("201", Fen::new(50_000_00)).for_member(MemberId(1)),
        ],
    )
    .expect("entry");
    app.ledger().post_entry(entry).await.expect("post");
    app
}

fn rent(amount: &str, key: &str) -> WithdrawalApplication {
    WithdrawalApplication {
        request: WithdrawalRequest {
            reason: "07".into(),
            amount: Fen::parse(amount).expect("amount"),
            months: 1,
            ..WithdrawalRequest::default()
        },
        bank_card: CARD.into(),
        documents: Vec::new(),
        request_key: key.into(),
    }
}

async fn balance(app: &App) -> Fen {
    app.ledger()
        .member_balance(MemberId(1))
        .await
        .expect("balance")
        .balance
}

#[tokio::test]
async fn rent_is_decided_from_the_registries_and_keeps_their_references() {
    for fresh in fresh_stores().await {
        let sim = Arc::new(SimulatedRegistries::new(household()));
        let app = centre(fresh.store(), sim).await;
        let applied = app
            .withdrawals()
            .apply_withdrawal(&member(), 1, rent("1500.00", "k1"), today())
            .await
            .expect("apply");
        let source = &applied.facts_source;
        for expected in [
            "婚姻登记：已婚，配偶 陈明",
            "结婚证 J320502-2018-004321（查询号 SIM-CIVIL-",
            "不动产登记：本人在本市无登记住房（查询号 SIM-HOUSING-",
            "不动产登记：配偶在本市无登记住房（查询号 SIM-HOUSING-",
        ] {
            assert!(source.contains(expected), "{}: {source}", fresh.backend());
        }
        assert_eq!(applied.verification, None);
        assert!(
            applied.rule.contains("夫妻合计每月最高 ¥3,000.00"),
            "{}",
            applied.rule
        );
        let paid = app
            .withdrawals()
            .prepare_withdrawal(&clerk(), applied.withdrawal_id, "核对无误", today())
            .await
            .expect("prepare");
        assert_eq!(paid.status, WithdrawalStatus::Paid, "{}", fresh.backend());
        assert_eq!(balance(&app).await, Fen::new(48_500_00));
        fresh.drop_it().await;
    }
}

#[tokio::test]
async fn a_home_in_the_spouses_name_refuses_rent_and_writes_nothing() {
    for fresh in fresh_stores().await {
        let sim = Arc::new(SimulatedRegistries::new(household()));
        sim.update(|data| {
            data.homes.push((
                spouse_id(),
                Home {
                    certificate_no: "苏(2019)苏州市不动产权第0012345号".to_string(),
                    address: "苏州市姑苏区人民路 100 号 1-101".to_string(),
                    registered_on: d("2019-09-01"),
                },
            ));
        });
        let app = centre(fresh.store(), sim).await;
        let refused = app
            .withdrawals()
            .apply_withdrawal(&member(), 1, rent("1500.00", "k1"), today())
            .await
            .expect_err("refused");
        assert_eq!(refused.code(), Some("OWNS_HOME"), "{}", fresh.backend());
        assert!(
            refused
                .to_string()
                .contains("配偶名下有房（苏(2019)苏州市不动产权第0012345号）"),
            "{refused}"
        );
        let applications = app.withdrawals().withdrawals_of(1).await.expect("list");
        assert!(applications.is_empty(), "nothing recorded");
        assert_eq!(balance(&app).await, Fen::new(50_000_00));
        fresh.drop_it().await;
    }
}

#[tokio::test]
async fn a_silent_registry_leaves_the_application_for_a_named_person_to_verify() {
    for fresh in fresh_stores().await {
        let sim = Arc::new(SimulatedRegistries::new(household()));
        sim.update(|data| data.down.push(Party::Housing));
        let app = centre(fresh.store(), sim.clone()).await;
        let applied = app
            .withdrawals()
            .apply_withdrawal(&member(), 1, rent("1500.00", "k1"), today())
            .await
            .expect("apply: the registry's silence is not a refusal");
        let what = applied.verification.clone().expect("to verify");
        assert!(what.contains("不动产登记暂不可用"), "{what}");
        assert!(
            applied.needs_second,
            "an unconfirmed fact takes a second person"
        );
        // The clerk's review does not pay it …
        let prepared = app
            .withdrawals()
            .prepare_withdrawal(&clerk(), applied.withdrawal_id, "材料齐全", today())
            .await
            .expect("prepare");
        assert_eq!(prepared.status, WithdrawalStatus::Prepared);
        // … nor may the reviewer approve it unverified.
        let unverified = app
            .withdrawals()
            .approve_withdrawal(&reviewer(), applied.withdrawal_id, "同意", today())
            .await
            .expect_err("unverified");
        assert_eq!(
            unverified.code(),
            Some("FACTS_UNVERIFIED"),
            "{}",
            fresh.backend()
        );
        assert_eq!(balance(&app).await, Fen::new(50_000_00), "nothing posted");
        let verified = app
            .withdrawals()
            .verify_withdrawal_facts(
                &clerk(),
                applied.withdrawal_id,
                "查验不动产登记中心出具的无房证明（编号 WF-2026-0099）",
                today(),
            )
            .await
            .expect("verify");
        assert!(
            verified.facts_source.contains(
                "人工核验：李柜员（clerk-1）2026-11-29：查验不动产登记中心出具的无房证明"
            ),
            "{}",
            verified.facts_source
        );
        let again = app
            .withdrawals()
            .verify_withdrawal_facts(&clerk(), applied.withdrawal_id, "再次", today())
            .await
            .expect_err("once");
        assert_eq!(again.code(), Some("VERIFICATION_NOT_NEEDED"));
        let paid = app
            .withdrawals()
            .approve_withdrawal(&reviewer(), applied.withdrawal_id, "同意", today())
            .await
            .expect("approve");
        assert_eq!(paid.status, WithdrawalStatus::Paid);
        assert_eq!(balance(&app).await, Fen::new(48_500_00));
        // At the counter too: a silent registry is never paid on the spot.
        let counter = app
            .withdrawals()
            .apply_withdrawal(&clerk(), 1, rent("100.00", "k2"), d("2026-12-01"))
            .await
            .expect("counter");
        assert_eq!(
            counter.status,
            WithdrawalStatus::Prepared,
            "{}",
            fresh.backend()
        );
        assert_eq!(balance(&app).await, Fen::new(48_500_00));
        fresh.drop_it().await;
    }
}

fn purchase(amount: &str, key: &str) -> WithdrawalApplication {
    WithdrawalApplication {
        request: WithdrawalRequest {
            reason: "01".into(),
            amount: Fen::parse(amount).expect("amount"),
            evidence_no: Some("SZ-HOME-2026-001".into()),
            evidence_date: Some(d("2026-10-15")),
            evidence_amount: Some(Fen::parse("300000.00").expect("amount")),
            ..WithdrawalRequest::default()
        },
        bank_card: CARD.into(),
        documents: ["购房合同", "购房发票或完税凭证"]
            .map(|doc_type| anju_app::withdrawal::UploadedDocument {
                doc_type: doc_type.into(),
                file_name: "scan.pdf".into(),
                content: b"%PDF-1.4 scan".to_vec(),
            })
            .to_vec(),
        request_key: key.into(),
    }
}

/// From 2026-05-10 a family shares a purchase's contract: the spouse (by
/// the marriage register) may draw on it after the member; a stranger may
/// not, and is told why.
#[tokio::test]
async fn a_purchase_is_shared_by_the_family_the_registers_show_and_no_one_else() {
    for fresh in fresh_stores().await {
        let spouse = spouse_id();
        let stranger = IdCardNo::complete("32050219800101001").expect("id");
        let sim = Arc::new(SimulatedRegistries::new(household()));
        let app = centre(fresh.store(), sim).await;
        let more = [(2, spouse.as_str(), "陈明"), (3, stranger.as_str(), "赵某")].map(
            |(member_id, id_card, name)| {
                MemberRecord::active(
                    member_id,
                    id_card,
                    name,
                    9,
                    anju_domain::Fen::new(10_000_00),
                    1,
                )
            },
        );
        let batch = Actor::anonymous(Channel::Batch, "test-seed", "local");
        app.collection()
            .take_over_members(&batch, &more, d("2024-07-01"))
            .await
            .expect("take over");
        for m in [2, 3] {
            let entry = NewEntry::new(
                "C01",
                d("2026-10-10"),
                IdempotencyKey::parse(&format!("seed-{m}")).expect("key"),
                "汇缴",
                vec![
                    Line::debit("101", Fen::new(50_000_00)),
                    Line::credit("201", Fen::new(50_000_00)).for_member(MemberId(m)),
                ],
            )
            .expect("entry");
            app.ledger().post_entry(entry).await.expect("post");
        }
        let as_member =
            |member_id: i64, login: &str| person(Role::Member, login, "职工", Some(member_id));
        app.withdrawals()
            .apply_withdrawal(
                &as_member(1, MEMBER),
                1,
                purchase("40000.00", "p1"),
                today(),
            )
            .await
            .expect("the member first");
        let shared = app
            .withdrawals()
            .apply_withdrawal(
                &as_member(2, spouse.as_str()),
                2,
                purchase("30000.00", "p2"),
                today(),
            )
            .await
            .expect("the spouse shares it");
        assert!(
            shared
                .facts_source
                .contains("民政登记：该凭证的其他使用人 3205**********1230 为本人的配偶"),
            "{}: {}",
            fresh.backend(),
            shared.facts_source
        );
        let refused = app
            .withdrawals()
            .apply_withdrawal(
                &as_member(3, stranger.as_str()),
                3,
                purchase("10000.00", "p3"),
                today(),
            )
            .await
            .expect_err("a stranger");
        assert_eq!(refused.code(), Some("EVIDENCE_USED"), "{}", fresh.backend());
        assert!(
            refused.to_string().contains("民政登记无此关系"),
            "{refused}"
        );
        assert!(
            app.withdrawals()
                .withdrawals_of(3)
                .await
                .expect("list")
                .is_empty()
        );
        fresh.drop_it().await;
    }
}

/// A purchase on a property certificate the e-licence library holds: in the
/// spouse's name it is the family's, with both references kept; in a
/// stranger's it is refused, naming whose it is.
#[tokio::test]
async fn a_property_certificate_in_the_library_must_be_the_familys() {
    use anju_app::registries::Licence;
    use anju_domain::facts::LicenceKind;
    for fresh in fresh_stores().await {
        let stranger = IdCardNo::complete("32050219800101001").expect("id");
        let sim = Arc::new(SimulatedRegistries::new(household()));
        sim.update(|data| {
            for (no, holder) in [
                ("苏(2026)苏州市不动产权第0070001号", spouse_id()),
                ("苏(2026)苏州市不动产权第0070002号", stranger.clone()),
            ] {
                data.licences.push(Licence {
                    kind: LicenceKind::Property,
                    licence_no: no.into(),
                    holder,
                    issued_on: d("2026-10-20"),
                    summary: "苏州市姑苏区示范路 9 号 502 室".into(),
                });
            }
        });
        let app = centre(fresh.store(), sim).await;
        let on = |no: &str, key: &str| {
            let mut a = purchase("20000.00", key);
            a.request.evidence_no = Some(no.into());
            a
        };
        let member = person(Role::Member, MEMBER, "王芳", Some(1));
        let ours = app
            .withdrawals()
            .apply_withdrawal(
                &member,
                1,
                on("苏(2026)苏州市不动产权第0070001号", "e1"),
                today(),
            )
            .await
            .expect("the spouse's home");
        assert!(
            ours.facts_source.contains("电子证照：不动产权证书 苏(2026)苏州市不动产权第0070001号，权利人 3205**********0020 为本人的配偶"),
            "{}: {}",
            fresh.backend(),
            ours.facts_source
        );
        let theirs = app
            .withdrawals()
            .apply_withdrawal(
                &member,
                1,
                on("苏(2026)苏州市不动产权第0070002号", "e2"),
                today(),
            )
            .await
            .expect_err("a stranger's home");
        assert_eq!(
            theirs.code(),
            Some("EVIDENCE_NOT_THEIRS"),
            "{}",
            fresh.backend()
        );
        assert!(
            theirs.to_string().contains("权利人为3205**********0018"),
            "{theirs}"
        );
        fresh.drop_it().await;
    }
}
