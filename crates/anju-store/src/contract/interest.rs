//! Contract cases for the interest bookkeeping: settlement runs and rechecks.

use super::BoxFuture;
use super::cases::{d, open, remittance, withdrawal};
use crate::{AgreementRecord, InterestRunRecord, PostOptions, RecheckRecord, Store};
use anju_domain::ledger::MemberId;
use std::sync::Arc;

fn with_rechecks(rechecks: &[(i64, &str)]) -> PostOptions {
    PostOptions {
        rechecks: rechecks
            .iter()
            .map(|(m, day)| (MemberId(*m), d(day)))
            .collect(),
        ..PostOptions::default()
    }
}

fn recheck(member_id: i64, day: &str) -> RecheckRecord {
    RecheckRecord {
        member_id,
        from_day: d(day),
    }
}

/// A run starts once and finishes once; the newest year comes first.
pub fn interest_runs_start_and_finish_once(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        store
            .start_interest_run(2025, d("2025-07-01"))
            .await
            .expect("start");
        store
            .start_interest_run(2025, d("2025-07-02"))
            .await
            .expect("again");
        store
            .start_interest_run(2026, d("2026-07-01"))
            .await
            .expect("next");
        let finish = |on: &'static str| store.finish_interest_run(2025, d(on));
        assert!(finish("2025-07-03").await.expect("finish"), "finished now");
        assert!(
            !finish("2025-07-09").await.expect("again"),
            "already finished"
        );
        assert_eq!(
            store.interest_runs().await.expect("runs"),
            vec![
                InterestRunRecord {
                    end_year: 2026,
                    started_on: d("2026-07-01"),
                    finished_on: None,
                },
                InterestRunRecord {
                    end_year: 2025,
                    started_on: d("2025-07-01"),
                    finished_on: Some(d("2025-07-03")),
                },
            ]
        );
    })
}

/// Rechecks land with their posting (and not without it), keep each
/// member's earliest day, and clear only while unchanged.
pub fn rechecks_ride_with_postings(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        open(&*store, &[1, 2, 3], "2024-07-01").await;
        assert_eq!(store.count_member_accounts().await.expect("count"), 3);
        let first = remittance("r-1", d("2025-03-01"), &[(1, 100_00), (2, 100_00)]);
        let options = with_rechecks(&[(1, "2025-03-01"), (1, "2025-02-01"), (2, "2025-06-30")]);
        store.post_entries(&[first], &options).await.expect("post");
        let later = remittance("r-2", d("2025-05-01"), &[(1, 100_00)]);
        store
            .post_entries(&[later], &with_rechecks(&[(1, "2025-05-01")]))
            .await
            .expect("post");
        let refused = withdrawal("w-3", d("2025-01-01"), 3, 1_00);
        store
            .post_entries(&[refused], &with_rechecks(&[(3, "2025-01-01")]))
            .await
            .expect_err("overdraft");
        assert_eq!(
            store.rechecks_between(1, 3).await.expect("read"),
            vec![recheck(1, "2025-02-01"), recheck(2, "2025-06-30")]
        );
        assert_eq!(
            store
                .rechecks_through(d("2025-03-31"), 0, 10)
                .await
                .expect("read"),
            vec![recheck(1, "2025-02-01")]
        );
        assert_eq!(
            store
                .rechecks_through(d("2025-06-30"), 1, 10)
                .await
                .expect("read"),
            vec![recheck(2, "2025-06-30")]
        );
        assert!(
            !store
                .clear_recheck(1, d("2025-03-01"))
                .await
                .expect("clear")
        );
        assert!(
            store
                .clear_recheck(1, d("2025-02-01"))
                .await
                .expect("clear")
        );
        assert_eq!(
            store.rechecks_between(1, 3).await.expect("read"),
            vec![recheck(2, "2025-06-30")]
        );
    })
}

/// The subsidy goes to members who had signed by the settlement day.
pub fn flexible_members_by_signing_day(store: Arc<dyn Store>) -> BoxFuture<()> {
    Box::pin(async move {
        for (member_id, signed_on) in [(4, "2025-09-01"), (5, "2026-06-30"), (6, "2026-07-01")] {
            let agreement = AgreementRecord {
                member_id,
                agreement_version: "2025-07".to_string(),
                signed_on: d(signed_on),
                mobile: "13800001234".to_string(),
                monthly_fen: anju_domain::Fen::new(50_000),
            };
            store.save_agreement(&agreement).await.expect("sign");
        }
        assert_eq!(
            store
                .flexible_members_between(1, 10, d("2026-06-30"))
                .await
                .expect("read"),
            vec![4, 5]
        );
        assert_eq!(
            store
                .flexible_members_between(5, 10, d("2027-06-30"))
                .await
                .expect("read"),
            vec![5, 6]
        );
    })
}
