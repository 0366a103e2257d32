//! Contract cases for withdrawal applications: claims, holds, payouts.

use super::BoxFuture;
use super::cases::{assert_checks, balance, d, open, remittance, withdrawal};
use crate::{BlacklistRecord, DocumentRecord, MemberChange, PostOptions, Store, WithdrawalRecord};
use anju_domain::Fen;
use anju_domain::collection::MemberStatus;
use anju_domain::policy::EvidenceKind;
use anju_domain::withdrawal::AgreementKind;
use anju_domain::withdrawal::AgreementStatus;
use anju_domain::withdrawal::WithdrawalStatus;
use std::sync::Arc;

pub fn application(
    id: i64,
    member_id: i64,
    amount_fen: i64,
    evidence: Option<&str>,
) -> WithdrawalRecord {
    WithdrawalRecord {
        withdrawal_id: id,
        member_id,
        reason: if evidence.is_some() { "01" } else { "07" }.to_string(),
        amount_fen: anju_domain::Fen::new(amount_fen),
        months: 1,
        evidence_kind: if evidence.is_some() {
            EvidenceKind::Contract
        } else {
            EvidenceKind::None
        },
        evidence_no: evidence.map(str::to_string),
        evidence_date: evidence.map(|_| d("2026-10-01")),
        evidence_amount_fen: evidence.map(|_| 300_000_00).map(anju_domain::Fen::new),
        status: WithdrawalStatus::Submitted,
        channel: "online".to_string(),
        applied_on: d("2026-11-20"),
        applicant: "320502199003071230".to_string(),
        rule: "租房提取：……".to_string(),
        needs_second: false,
        closes_account: false,
        bank_card: "6222020200112233445".to_string(),
        prepared_by: None,
        approved_by: None,
        note: String::new(),
        payout_reference: None,
        entry_id: None,
        request_key: format!("k-{id}"),
        updated_at_us: 1,
        facts_source: String::new(),
        verification: None,
        verified_by: None,
    }
}

/// Claims, documents, the queue, holds and their release, the blacklist.
pub fn withdrawals_claim_hold_and_release(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1, 2], "2026-07-01").await;
        let seed = remittance("seed", d("2026-11-01"), &[(1, 1_000_00), (2, 1_000_00)]);
        store
            .post_entries(&[seed], &PostOptions::default())
            .await
            .expect("seed");
        let doc = DocumentRecord {
            withdrawal_id: 10,
            doc_no: 1,
            doc_type: "购房合同".into(),
            file_name: "contract.pdf".into(),
            content_type: "application/pdf".into(),
            size_bytes: 4,
            sha256: "ab".into(),
            content: b"%PDF".to_vec(),
        };
        store
            .submit_withdrawal(&application(10, 1, 600_00, Some("SZ-1")), &[doc], true)
            .await
            .expect("submit");
        let again = store
            .submit_withdrawal(&application(11, 2, 100_00, Some("SZ-1")), &[], true)
            .await
            .expect_err("claimed");
        assert_eq!(again.code(), Some("EVIDENCE_USED"));
        let twice = store
            .submit_withdrawal(
                &WithdrawalRecord {
                    withdrawal_id: 12,
                    ..application(10, 1, 1_00, None)
                },
                &[],
                false,
            )
            .await
            .expect_err("same key");
        assert_eq!(twice.code(), Some("WITHDRAWAL_EXISTS"));
        assert!(
            store.withdrawal(11).await.expect("read").is_none(),
            "nothing half-written"
        );
        let docs = store.documents_of(10).await.expect("docs");
        assert_eq!((docs.len(), docs[0].content.len()), (1, 0), "metadata only");
        assert_eq!(
            store.document(10, 1).await.expect("doc").map(|d| d.content),
            Some(b"%PDF".to_vec())
        );
        assert_eq!(
            store
                .evidence_usage(EvidenceKind::Contract, "SZ-1")
                .await
                .expect("usage"),
            (true, 600_00)
        );
        assert_eq!(
            store
                .withdrawals_in(WithdrawalStatus::Submitted, 0, 10)
                .await
                .expect("queue")
                .len(),
            1
        );
        assert!(
            store
                .move_withdrawal(
                    10,
                    WithdrawalStatus::Submitted,
                    WithdrawalStatus::Prepared,
                    "clerk",
                    "材料齐全"
                )
                .await
                .expect("prepare")
        );
        assert!(
            !store
                .move_withdrawal(
                    10,
                    WithdrawalStatus::Submitted,
                    WithdrawalStatus::Prepared,
                    "clerk",
                    ""
                )
                .await
                .expect("moved already")
        );
        // A second application of ¥500 fits the balance, but not beside the first hold.
        store
            .submit_withdrawal(&application(13, 1, 500_00, None), &[], false)
            .await
            .expect("submit");
        assert!(
            store
                .approve_withdrawal(10, WithdrawalStatus::Prepared, "reviewer", "同意")
                .await
                .expect("approve")
        );
        let over = store
            .approve_withdrawal(13, WithdrawalStatus::Submitted, "reviewer", "")
            .await
            .expect_err("held");
        assert_eq!(over.code(), Some("INSUFFICIENT_AVAILABLE"));
        let stats = store
            .withdrawal_stats(1, "07", d("2026-01-01"), d("2026-11-01"))
            .await
            .expect("stats");
        assert_eq!(
            (
                stats.held_fen,
                stats.this_year_for_reason,
                stats.rent_recent_fen
            ),
            (
                anju_domain::Fen::new(600_00),
                1,
                anju_domain::Fen::new(500_00)
            )
        );
        // What may still be drawn: the balance less the hold, for a page of members.
        let balance_1 = balance(&*store, 1).await.get();
        assert_eq!(
            store
                .available_balances(&[1, 999])
                .await
                .expect("available"),
            vec![(1, balance_1 - 600_00)],
            "no account, no row"
        );
        assert!(
            store
                .available_balances(&[])
                .await
                .expect("none")
                .is_empty()
        );
        // The payout fails: the hold and the claim are released.
        assert!(
            store
                .settle_withdrawal(10, false, "BANK-REJECT", None)
                .await
                .expect("fail")
        );
        assert!(
            !store
                .settle_withdrawal(10, true, "again", None)
                .await
                .expect("only once")
        );
        assert_eq!(
            store
                .evidence_usage(EvidenceKind::Contract, "SZ-1")
                .await
                .expect("usage"),
            (false, 0)
        );
        store
            .submit_withdrawal(&application(11, 2, 100_00, Some("SZ-1")), &[], true)
            .await
            .expect("the contract is free again");
        assert!(
            store
                .approve_withdrawal(13, WithdrawalStatus::Submitted, "reviewer", "")
                .await
                .expect("now it fits")
        );
        let listed = BlacklistRecord {
            id_card: "320502199003071230".into(),
            listed_on: d("2026-01-05"),
            expires_on: d("2029-01-04"),
            reason: "骗提".into(),
            source: "（2026）苏05刑初1号".into(),
            entry_id: Some(41),
            issuing_centre: "苏州市住房公积金管理中心".into(),
            key_id: "0123456789abcdef".into(),
            signature: "ab".repeat(64),
        };
        let leaf = |id: i64| crate::LeafRecord {
            leaf_id: id + 100,
            kind: anju_domain::trust::log::LeafKind::Blacklist,
            record_id: id,
            leaf_hash: [9; 32],
            logged_at_us: id,
            leaf_index: None,
        };
        assert_eq!(
            store
                .add_blacklist(&[(listed.clone(), leaf(41))])
                .await
                .expect("list"),
            1
        );
        // The same person and day again (an import repeated): skipped, no leaf.
        let again = BlacklistRecord {
            entry_id: Some(42),
            ..listed.clone()
        };
        assert_eq!(
            store
                .add_blacklist(&[(again, leaf(42))])
                .await
                .expect("again"),
            0
        );
        assert_eq!(
            store
                .logged_counts(anju_domain::trust::log::LeafKind::Blacklist)
                .await
                .expect("counts"),
            (1, 1)
        );
        assert_eq!(
            store.blacklist_by_ids(&[41, 42]).await.expect("ids"),
            std::slice::from_ref(&listed)
        );
        let id = "320502199003071230";
        assert_eq!(
            store
                .blacklist_entry(id, d("2026-11-29"))
                .await
                .expect("read"),
            Some(listed)
        );
        assert_eq!(
            store
                .blacklist_entry(id, d("2029-01-05"))
                .await
                .expect("read"),
            None
        );
        let in_force = |day: &'static str| store.blacklist_in_force(d(day), 10);
        assert_eq!(in_force("2026-11-29").await.expect("list").len(), 1);
        assert!(in_force("2025-11-29").await.expect("list").is_empty());
        assert_eq!(store.member_status_on(1).await.expect("read"), None);
    })
}

/// 100 approvals and payouts race on one account: the holds never exceed
/// the balance, each payout posts once, the balance never goes negative.
pub fn concurrent_withdrawal_approvals_never_overdraw(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-07-01").await;
        let seed = remittance("seed", d("2026-11-01"), &[(1, 1_000_00)]);
        store
            .post_entries(&[seed], &PostOptions::default())
            .await
            .expect("seed");
        for i in 0..100 {
            let a = WithdrawalRecord {
                request_key: format!("r-{i}"),
                ..application(100 + i, 1, 15_00, None)
            };
            store
                .submit_withdrawal(&a, &[], false)
                .await
                .expect("submit");
        }
        let tasks: Vec<_> = (0..100)
            .map(|i| {
                let store = store.clone();
                tokio::spawn(async move {
                    let id = 100 + i;
                    let approved = match store
                        .approve_withdrawal(id, WithdrawalStatus::Submitted, "reviewer", "")
                        .await
                    {
                        Ok(done) => done,
                        Err(e) => {
                            assert_eq!(e.code(), Some("INSUFFICIENT_AVAILABLE"), "{e}");
                            return 0;
                        }
                    };
                    assert!(approved);
                    // Two payout attempts for the same withdrawal: one entry.
                    let entry = withdrawal(&format!("withdrawal-{id}"), d("2026-11-20"), 1, 15_00);
                    let first = store
                        .post_entries(std::slice::from_ref(&entry), &PostOptions::default())
                        .await;
                    let second = store.post_entries(&[entry], &PostOptions::default()).await;
                    let posted = first.expect("post");
                    assert_eq!(second.expect("replay")[0].entry_id, posted[0].entry_id);
                    assert!(
                        store
                            .settle_withdrawal(id, true, "BANK-OK", Some(posted[0].entry_id.0))
                            .await
                            .expect("settle")
                    );
                    1
                })
            })
            .collect();
        let mut paid = 0;
        for task in tasks {
            paid += task.await.expect("task");
        }
        assert_eq!(paid, 66, "¥1,000 covers 66 withdrawals of ¥15");
        assert_eq!(balance(&*store, 1).await, Fen::new(10_00));
        assert_eq!(
            assert_checks(&*store).await.entries,
            67,
            "one entry per payout"
        );
    })
}

/// One active repayment agreement per member, found on its pay day while in force.
pub fn repayment_agreements_are_one_per_member(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let agreement = |id: i64, member_id: i64| crate::RepaymentAgreementRecord {
            agreement_id: id,
            member_id,
            kind: AgreementKind::Commercial,
            lender: "中国工商银行苏州分行".into(),
            loan_contract_no: format!("GH-{id}"),
            monthly_fen: anju_domain::Fen::new(3_000_00),
            pay_day: 20,
            bank_card: "62220201000041234".into(),
            starts_on: d("2026-11-01"),
            ends_on: d("2046-10-31"),
            status: AgreementStatus::Active,
            signed_by: "320502199003071230".into(),
            created_at_us: 1,
        };
        store
            .save_repayment_agreement(&agreement(1, 7))
            .await
            .expect("sign");
        let twice = store
            .save_repayment_agreement(&agreement(2, 7))
            .await
            .expect_err("one active");
        assert_eq!(twice.code(), Some("REPAYMENT_AGREEMENT_EXISTS"));
        store
            .save_repayment_agreement(&agreement(3, 8))
            .await
            .expect("another member");
        let due = |day: &'static str| store.repayment_agreements_due(20, d(day), 0, 10);
        assert_eq!(due("2026-11-20").await.expect("due").len(), 2);
        assert!(
            due("2026-10-20").await.expect("before").is_empty(),
            "not yet in force"
        );
        assert!(
            store
                .repayment_agreements_due(21, d("2026-11-21"), 0, 10)
                .await
                .expect("other day")
                .is_empty()
        );
        assert!(store.end_repayment_agreement(7).await.expect("end"));
        assert!(!store.end_repayment_agreement(7).await.expect("already"));
        assert_eq!(store.repayment_agreement_of(7).await.expect("read"), None);
        store
            .save_repayment_agreement(&agreement(4, 7))
            .await
            .expect("a new one");
        assert_eq!(
            store
                .repayment_agreement_of(7)
                .await
                .expect("read")
                .map(|a| a.agreement_id),
            Some(4)
        );
    })
}

/// Where an application's facts came from is kept with it; a fact no
/// registry confirmed is verified by hand once, by a named login, and only
/// while the application is undecided.
pub fn withdrawal_facts_are_kept_and_verified_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1], "2026-07-01").await;
        let unverified = WithdrawalRecord {
            facts_source: "婚姻登记：未婚（SIM-CIVIL-000001）".to_string(),
            verification: Some("不动产登记暂不可用，须人工核验".to_string()),
            needs_second: true,
            ..application(20, 1, 100_00, None)
        };
        store
            .submit_withdrawal(&unverified, &[], false)
            .await
            .expect("submit");
        let read = store.withdrawal(20).await.expect("read").expect("exists");
        assert_eq!(
            (
                read.facts_source.as_str(),
                read.verification.as_deref(),
                read.verified_by.as_deref()
            ),
            (
                "婚姻登记：未婚（SIM-CIVIL-000001）",
                Some("不动产登记暂不可用，须人工核验"),
                None
            )
        );
        assert!(
            store
                .verify_withdrawal(20, "counter-1", "人工核验：查验不动产登记证明（张三）")
                .await
                .expect("verify")
        );
        assert!(
            !store
                .verify_withdrawal(20, "counter-2", "again")
                .await
                .expect("verify twice"),
            "verified once"
        );
        let read = store.withdrawal(20).await.expect("read").expect("exists");
        assert_eq!(read.verified_by.as_deref(), Some("counter-1"));
        assert_eq!(
            read.facts_source,
            "婚姻登记：未婚（SIM-CIVIL-000001）；人工核验：查验不动产登记证明（张三）"
        );
        // Nothing to verify: refused.
        store
            .submit_withdrawal(
                &WithdrawalRecord {
                    request_key: "k-21".to_string(),
                    ..application(21, 1, 100_00, None)
                },
                &[],
                false,
            )
            .await
            .expect("submit");
        assert!(
            !store
                .verify_withdrawal(21, "counter-1", "x")
                .await
                .expect("verify")
        );
        // Decided: too late to verify.
        store
            .submit_withdrawal(
                &WithdrawalRecord {
                    request_key: "k-22".to_string(),
                    ..WithdrawalRecord {
                        withdrawal_id: 22,
                        ..unverified.clone()
                    }
                },
                &[],
                false,
            )
            .await
            .expect("submit");
        assert!(
            store
                .move_withdrawal(
                    22,
                    WithdrawalStatus::Submitted,
                    WithdrawalStatus::Rejected,
                    "counter-1",
                    "不予提取"
                )
                .await
                .expect("reject")
        );
        assert!(
            !store
                .verify_withdrawal(22, "counter-1", "x")
                .await
                .expect("verify")
        );
    })
}

/// A court-frozen account has nothing available to any debit path.
pub fn frozen_members_have_nothing_available(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let members = [
            super::collection::member(1, "320502199003071230", None, MemberStatus::Active),
            super::collection::member(2, "320502198506150012", None, MemberStatus::Active),
        ];
        store
            .enrol_members(&members, d("2026-07-01"))
            .await
            .expect("enrol");
        let seed = remittance("seed", d("2026-11-01"), &[(1, 1_000_00), (2, 2_000_00)]);
        store
            .post_entries(&[seed], &PostOptions::default())
            .await
            .expect("seed");
        let both = store.available_balances(&[1, 2]).await.expect("available");
        assert_eq!(both, vec![(1, 1_000_00), (2, 2_000_00)]);
        let freeze = MemberChange {
            member_id: 2,
            expected_status: MemberStatus::Active,
            status: MemberStatus::Frozen,
            employer_id: None,
            wage_fen: None,
            on: Some(d("2026-11-15")),
        };
        assert!(store.update_member(&freeze).await.expect("freeze"));
        let mut after = store.available_balances(&[1, 2]).await.expect("available");
        after.sort_unstable();
        assert_eq!(
            after,
            vec![(1, 1_000_00)],
            "the frozen account gives nothing"
        );
        assert_eq!(
            balance(&*store, 2).await,
            Fen::new(2_000_00),
            "its balance stays"
        );
    })
}

/// Who used a purchase contract: the members of the live withdrawals on
/// it, by ID number, each once; a refused one does not count.
pub fn evidence_holders_are_the_live_users(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let members = [
            super::collection::member(1, "320502199003071230", None, MemberStatus::Active),
            super::collection::member(2, "320502198506150012", None, MemberStatus::Active),
            super::collection::member(3, "320502197001010013", None, MemberStatus::Active),
        ];
        store
            .enrol_members(&members, d("2026-07-01"))
            .await
            .expect("enrol");
        for (id, member) in [(30, 1), (31, 1), (32, 2), (33, 3)] {
            let a = WithdrawalRecord {
                request_key: format!("k-{id}"),
                ..application(id, member, 100_00, Some("SZ-9"))
            };
            store
                .submit_withdrawal(&a, &[], false)
                .await
                .expect("submit");
        }
        assert!(
            store
                .move_withdrawal(
                    33,
                    WithdrawalStatus::Submitted,
                    WithdrawalStatus::Rejected,
                    "c",
                    "不予提取"
                )
                .await
                .expect("reject")
        );
        let holders = store
            .evidence_holders(EvidenceKind::Contract, "SZ-9")
            .await
            .expect("holders");
        assert_eq!(holders, vec!["320502198506150012", "320502199003071230"]);
        assert!(
            store
                .evidence_holders(EvidenceKind::Contract, "SZ-0")
                .await
                .expect("none")
                .is_empty()
        );
    })
}

/// A page of the review queue reads its applications' documents and
/// applicants at once: the same rows as one application at a time, each
/// once and in order, whatever order or repetition the ids come in, and
/// past the ids one lookup binds (`IDS_PER_LOOKUP`).
pub fn review_queue_reads_documents_and_applicants_at_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let members = [
            super::collection::member(1, "320502199003071230", None, MemberStatus::Active),
            super::collection::member(2, "320502198506150012", None, MemberStatus::Active),
        ];
        store
            .enrol_members(&members, d("2026-07-01"))
            .await
            .expect("enrol");
        let doc = |withdrawal_id: i64, doc_no: i32, file_name: &str| DocumentRecord {
            withdrawal_id,
            doc_no,
            doc_type: "租房合同".into(),
            file_name: file_name.into(),
            content_type: "application/pdf".into(),
            size_bytes: 4,
            sha256: "ab".into(),
            content: b"%PDF".to_vec(),
        };
        // 950 is beyond the first lookup's 900 ids; 41 has no documents.
        let applications = [
            (950, 2, vec![doc(950, 1, "c.pdf")]),
            (40, 1, vec![doc(40, 2, "b.pdf"), doc(40, 1, "a.pdf")]),
            (41, 1, Vec::new()),
        ];
        for (id, member, documents) in &applications {
            store
                .submit_withdrawal(&application(*id, *member, 100_00, None), documents, false)
                .await
                .expect("submit");
        }
        let mut one_by_one = Vec::new();
        for id in [40, 41, 950] {
            one_by_one.extend(store.documents_of(id).await.expect("documents"));
        }
        let mut ids: Vec<i64> = (1..=1_000).rev().collect();
        ids.extend([950, 40]);
        let at_once = store
            .documents_of_withdrawals(&ids)
            .await
            .expect("documents");
        assert_eq!(at_once, one_by_one);
        let keys: Vec<(i64, i32)> = at_once
            .iter()
            .map(|d| (d.withdrawal_id, d.doc_no))
            .collect();
        assert_eq!(keys, [(40, 1), (40, 2), (950, 1)]);
        assert!(
            at_once.iter().all(|d| d.content.is_empty()),
            "metadata only"
        );
        assert!(
            store
                .documents_of_withdrawals(&[])
                .await
                .expect("none")
                .is_empty()
        );

        let mut each = Vec::new();
        for id in [1, 2] {
            each.push(store.member(id).await.expect("member").expect("enrolled"));
        }
        let applicants = store
            .members_by_ids(&[2, 1, 2, 99])
            .await
            .expect("applicants");
        assert_eq!(applicants, each, "by id, each once, none for 99");
        assert!(store.members_by_ids(&[]).await.expect("none").is_empty());
    })
}
