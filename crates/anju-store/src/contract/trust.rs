//! Contract cases for trust: a log leaf is written with its record and
//! sequenced once; checkpoints are kept in order and a racing sequencer
//! writes nothing; certificates are issued once and revoked once.

use super::BoxFuture;
use super::access::{audit, audit_leaf};
use super::cases::d;
use crate::{CertificateRecord, CheckpointRecord, LeafRecord, RevocationRecord, Store};
use anju_domain::trust::certificate::CertificateKind;
use anju_domain::trust::grant::GrantScope;
use anju_domain::trust::log::LeafKind;
use std::sync::Arc;

fn checkpoint(tree_size: u64) -> CheckpointRecord {
    CheckpointRecord {
        tree_size,
        origin: "anju/test".to_string(),
        root_hash: [u8::try_from(tree_size % 256).unwrap_or(0); 32],
        issued_at_us: 10 * i64::try_from(tree_size).unwrap_or(0),
        key_id: "0123456789abcdef".to_string(),
        signature_hex: "ab".repeat(64),
        frontier: format!("{tree_size}"),
    }
}

fn certificate(id: i64, serial: &str, member_id: i64) -> CertificateRecord {
    CertificateRecord {
        certificate_id: id,
        serial: serial.to_string(),
        kind: CertificateKind::Contribution,
        member_id: Some(member_id),
        subject_ref: format!("loan:{id}"),
        issued_on: d("2026-12-07"),
        valid_until: Some(d("2027-03-07")),
        issued_by: "320502199003071230".to_string(),
        body: format!("住房公积金缴存证明\n编号：{serial}\n"),
        signature_hex: "cd".repeat(64),
        key_id: "0123456789abcdef".to_string(),
    }
}

fn leaf(leaf_id: i64, kind: LeafKind, record_id: i64) -> LeafRecord {
    LeafRecord {
        leaf_id,
        kind,
        record_id,
        leaf_hash: [7; 32],
        logged_at_us: leaf_id,
        leaf_index: None,
    }
}

pub fn log_leaves_are_sequenced_once_into_checkpoints(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        for id in 1..=5 {
            let row = audit(id, 100 * id, "clerk_wang", "signin", "counter");
            store
                .append_audit(&row, &audit_leaf(id))
                .await
                .expect("append");
        }
        // A record is logged once.
        let again = store
            .append_audit(&audit(9, 900, "x", "signin", "counter"), &audit_leaf(1))
            .await
            .expect_err("leaf twice");
        assert_eq!(again.code(), Some("LOG_LEAF_EXISTS"));
        assert!(
            store.audits_by_ids(&[9]).await.expect("read").is_empty(),
            "the audit row went with its refused leaf"
        );
        let waiting = store.unsequenced_leaves(3).await.expect("waiting");
        let ids: Vec<i64> = waiting.iter().map(|l| l.leaf_id).collect();
        assert_eq!(ids, [1_000_001, 1_000_002, 1_000_003]);
        assert!(store.latest_checkpoint().await.expect("none").is_none());
        assert!(
            store
                .append_checkpoint(0, &ids, &checkpoint(3))
                .await
                .expect("first")
        );
        // The same leaves again (a racing sequencer): nothing written.
        assert!(
            !store
                .append_checkpoint(0, &ids, &checkpoint(3))
                .await
                .expect("race")
        );
        let rest: Vec<i64> = store
            .unsequenced_leaves(10)
            .await
            .expect("rest")
            .iter()
            .map(|l| l.leaf_id)
            .collect();
        assert_eq!(rest, [1_000_004, 1_000_005]);
        // A second sequencer that read size 0 and takes leaf 4 at index 0
        // collides with the index already used.
        assert!(
            !store
                .append_checkpoint(0, &rest[..1], &checkpoint(1))
                .await
                .expect("stale")
        );
        assert!(
            store
                .append_checkpoint(3, &rest, &checkpoint(5))
                .await
                .expect("second")
        );
        assert_eq!(
            store.latest_checkpoint().await.expect("latest"),
            Some(checkpoint(5))
        );
        assert_eq!(
            store.checkpoint(3).await.expect("at 3"),
            Some(checkpoint(3))
        );
        let after: Vec<u64> = store
            .checkpoints_after(0, 10)
            .await
            .expect("after")
            .iter()
            .map(|c| c.tree_size)
            .collect();
        assert_eq!(after, [3, 5]);
        let leaves = store.leaves_from(1, 10).await.expect("leaves");
        assert_eq!(
            leaves
                .iter()
                .map(|l| (l.leaf_index, l.record_id))
                .collect::<Vec<_>>(),
            [(Some(1), 2), (Some(2), 3), (Some(3), 4), (Some(4), 5)]
        );
        let hashes = store.leaf_hashes(0, 5).await.expect("hashes");
        assert_eq!(hashes, (1..=5u8).map(|i| [i; 32]).collect::<Vec<_>>());
        let found = store
            .leaf_of(LeafKind::Audit, 4)
            .await
            .expect("leaf")
            .expect("there");
        assert_eq!((found.leaf_id, found.leaf_index), (1_000_004, Some(3)));
        assert_eq!(
            store.logged_counts(LeafKind::Audit).await.expect("counts"),
            (5, 5)
        );
        assert!(store.unsequenced_leaves(10).await.expect("none").is_empty());
    })
}

pub fn certificates_are_issued_once_and_revoked_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        let first = certificate(1, "JC-20261207-0000000000000001", 7);
        let second = certificate(2, "JC-20261207-0000000000000002", 7);
        store
            .insert_certificate(&first, &leaf(11, LeafKind::Certificate, 1))
            .await
            .expect("first");
        store
            .insert_certificate(&second, &leaf(12, LeafKind::Certificate, 2))
            .await
            .expect("second");
        let twice = store
            .insert_certificate(
                &certificate(3, &first.serial, 8),
                &leaf(13, LeafKind::Certificate, 3),
            )
            .await
            .expect_err("serial twice");
        assert_eq!(twice.code(), Some("CERTIFICATE_EXISTS"));
        assert!(
            store
                .leaf_of(LeafKind::Certificate, 3)
                .await
                .expect("leaf")
                .is_none(),
            "no leaf for a refused certificate"
        );
        assert_eq!(
            store.certificate(&first.serial).await.expect("read"),
            Some(first.clone())
        );
        assert_eq!(
            store.member_certificates(7).await.expect("member"),
            [second.clone(), first.clone()]
        );
        assert_eq!(
            store.subject_certificates("loan:2").await.expect("subject"),
            std::slice::from_ref(&second)
        );
        assert_eq!(
            store.latest_certificates(1).await.expect("latest"),
            std::slice::from_ref(&second)
        );
        assert_eq!(
            store.certificates_by_ids(&[1, 99]).await.expect("ids"),
            std::slice::from_ref(&first)
        );
        let revocation = RevocationRecord {
            revocation_id: 21,
            serial: first.serial.clone(),
            revoked_on: d("2026-12-08"),
            reason: "信息有误".to_string(),
            revoked_by: "manager01".to_string(),
        };
        store
            .revoke_certificate(&revocation, &leaf(14, LeafKind::Revocation, 21))
            .await
            .expect("revoke");
        let again = store
            .revoke_certificate(
                &RevocationRecord {
                    revocation_id: 22,
                    ..revocation.clone()
                },
                &leaf(15, LeafKind::Revocation, 22),
            )
            .await
            .expect_err("twice");
        assert_eq!(again.code(), Some("CERTIFICATE_REVOKED"));
        assert_eq!(
            store.revocation(&first.serial).await.expect("read"),
            Some(revocation.clone())
        );
        assert!(
            store
                .revocation(&second.serial)
                .await
                .expect("none")
                .is_none()
        );
        assert_eq!(
            store.revocations_by_ids(&[21, 22]).await.expect("ids"),
            [revocation]
        );
        assert_eq!(
            store
                .logged_counts(LeafKind::Revocation)
                .await
                .expect("counts"),
            (1, 1)
        );
    })
}

fn grant(id: i64, code: &str) -> crate::GrantRecord {
    crate::GrantRecord {
        grant_id: id,
        grant_code: code.to_string(),
        member_id: 7,
        grantee_login: "bank01".to_string(),
        grantee_name: "中国建设银行苏州分行".to_string(),
        scopes: vec![GrantScope::Balance, GrantScope::Loans],
        purpose: "房贷审批".to_string(),
        granted_on: d("2026-12-07"),
        valid_until: d("2027-01-05"),
    }
}

pub fn grants_are_kept_revoked_once_and_every_read_recorded(
    store: Arc<dyn Store>,
) -> BoxFuture<()> {
    Box::pin(async move {
        let first = grant(1, "g-0001");
        store
            .insert_grant(&first, &leaf(31, LeafKind::Grant, 1))
            .await
            .expect("grant");
        let second = grant(2, "g-0002");
        store
            .insert_grant(&second, &leaf(32, LeafKind::Grant, 2))
            .await
            .expect("grant");
        let same_code = store
            .insert_grant(&grant(3, "g-0001"), &leaf(33, LeafKind::Grant, 3))
            .await
            .expect_err("code twice");
        assert_eq!(same_code.code(), Some("GRANT_EXISTS"));
        assert_eq!(
            store.grant_by_code("g-0001").await.expect("read"),
            Some(first.clone())
        );
        assert_eq!(
            store.member_grants(7).await.expect("member"),
            [second.clone(), first.clone()]
        );
        assert_eq!(
            store.grants_by_ids(&[2]).await.expect("ids"),
            std::slice::from_ref(&second)
        );
        let revocation = crate::GrantRevocationRecord {
            grant_id: 1,
            revoked_on: d("2026-12-08"),
            revoked_by: "320502199003071230".to_string(),
        };
        store
            .revoke_grant(&revocation, &leaf(34, LeafKind::GrantRevocation, 1))
            .await
            .expect("revoke");
        let again = store
            .revoke_grant(&revocation, &leaf(35, LeafKind::GrantRevocation, 1))
            .await
            .expect_err("twice");
        assert_eq!(again.code(), Some("GRANT_ALREADY_REVOKED"));
        assert_eq!(
            store.grant_revocations(&[1, 2]).await.expect("revocations"),
            [revocation]
        );
        for (id, result) in [(41, "ok"), (42, "GRANT_REVOKED")] {
            let provision = crate::ProvisionRecord {
                provision_id: id,
                grant_id: Some(1),
                member_id: Some(7),
                grantee_login: "bank01".to_string(),
                scopes: vec![GrantScope::Balance],
                at_us: id,
                result: result.to_string(),
                request_id: format!("r-{id}"),
            };
            store
                .insert_provision(&provision, &leaf(id + 10, LeafKind::Provision, id))
                .await
                .expect("provision");
        }
        let reads: Vec<(i64, String)> = store
            .provisions_of(&[1, 2])
            .await
            .expect("reads")
            .into_iter()
            .map(|p| (p.provision_id, p.result))
            .collect();
        assert_eq!(reads, [(42, "GRANT_REVOKED".into()), (41, "ok".into())]);
        assert_eq!(store.provisions_by_ids(&[41]).await.expect("ids").len(), 1);
        for kind in [
            LeafKind::Grant,
            LeafKind::GrantRevocation,
            LeafKind::Provision,
        ] {
            let (records, leaves) = store.logged_counts(kind).await.expect("counts");
            assert_eq!(records, leaves, "{kind:?}");
        }
    })
}
